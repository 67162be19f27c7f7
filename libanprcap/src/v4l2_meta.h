/* SPDX-License-Identifier: MIT */
/*
 * v4l2_meta.h - internal V4L2 helpers: the metadata node that sits beside a
 * capture node (our driver's "camN-meta"), and /dev/anpr/camN aliases.
 */
#ifndef ANPRCAP_V4L2_META_H
#define ANPRCAP_V4L2_META_H

#include <stddef.h>
#include <stdint.h>

#define ANPRCAP_META_MAX 256	/* bytes of one metadata record we keep */
#define META_RING 16
#define META_MAX_BUFS 32

struct anprcap_v4l2_meta {
	int fd;				/* -1: no metadata node */
	char path[300];
	unsigned nbuf;
	void *ptr[META_MAX_BUFS];
	size_t len[META_MAX_BUFS];
	struct {
		uint32_t seq;
		uint32_t n;		/* 0: empty */
		uint8_t data[ANPRCAP_META_MAX];
	} ring[META_RING];
	unsigned ring_pos;
};

/* Find /dev/anpr/NAME pointing at the same node as path. 0 when found. */
int anprcap__v4l2_alias(const char *path, char *alias, size_t len);
/* Find and start the sibling metadata node of capture node dev (fd vfd).
 * No node in our format: returns 0 with m->fd = -1. */
int anprcap__v4l2_meta_start(struct anprcap_v4l2_meta *m, const char *dev, int vfd,
			     unsigned count);
void anprcap__v4l2_meta_stop(struct anprcap_v4l2_meta *m);
void anprcap__v4l2_meta_close(struct anprcap_v4l2_meta *m);
/* Copy the record of frame seq into dst; returns its size, 0 if none. */
size_t anprcap__v4l2_meta_find(struct anprcap_v4l2_meta *m, uint32_t seq, void *dst,
			       size_t cap);
/* Validate a record; 1 and *soe_ns when it is a good anprcap_meta. Pure. */
int anprcap__v4l2_meta_soe(const void *rec, size_t n, uint64_t *soe_ns);

#endif
