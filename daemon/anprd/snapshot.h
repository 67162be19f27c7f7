/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - the images a record carries: the plate patch (full
 * resolution, with a margin) and an overview of the frame (reduced), as
 * JPEG, taken by the reader worker while it still has the frame; kept by
 * the decision thread until the tracker picks the vehicle's best read.
 */
#ifndef ANPR_SNAPSHOT_H
#define ANPR_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "evidence/evidence.h"

#define SNAPSHOT_OVERVIEW_MAX_W	640	/* overview width at most */

struct snapshot {
	void *patch;			/* JPEG, malloc'd */
	size_t patch_len;
	void *overview;			/* JPEG, malloc'd */
	size_t overview_len;
	/* set by snapshot_keep: */
	int used;
	int source;
	uint64_t frame_seq;
	float x, y;
	struct ev_when when;
	char region[8];
	uint64_t tick;			/* for eviction, oldest first */
};

/* Per-worker reusable memory for the reduced overview. */
struct snapshot_scratch {
	uint8_t *buf;
	size_t cap;
};

/* snapshot_take - encode patch and overview; on failure both stay NULL. */
void snapshot_take(struct snapshot *s, struct snapshot_scratch *sc, const uint8_t *px,
		   int width, int height, size_t stride, const int box[4], int quality);
void snapshot_free(struct snapshot *s);
void snapshot_scratch_free(struct snapshot_scratch *sc);

/* A fixed number of snapshots, the oldest evicted (and freed) first. */
struct snapshot_store {
	struct snapshot *slots;
	int n;
	uint64_t tick;
};

int snapshot_store_init(struct snapshot_store *st, int n);
void snapshot_store_free(struct snapshot_store *st);
/* snapshot_keep - move s's images into the store under its read's key. */
void snapshot_keep(struct snapshot_store *st, struct snapshot *s, int source,
		   uint64_t frame_seq, float x, float y, const struct ev_when *when,
		   const char *region);
struct snapshot *snapshot_find(struct snapshot_store *st, int source, uint64_t frame_seq,
			       float x, float y);
/* snapshot_disown - the images were handed on; forget them, free nothing. */
void snapshot_disown(struct snapshot *s);

#endif
