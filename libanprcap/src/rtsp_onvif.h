/* SPDX-License-Identifier: MIT */
/*
 * rtsp_onvif.h - the ONVIF replay extension of the rtsp: backend
 * (rtsp_onvif.c; docs/frame-metadata.md, "RTSP frames"): each frame's own
 * NTP time, from RTP header extension 0xABAC of its packets, noted as the
 * packets leave rtspsrc and looked up by the decoded frame's timestamp.
 * Internal to libanprcap.
 */
#ifndef ANPRCAP_RTSP_ONVIF_H
#define ANPRCAP_RTSP_ONVIF_H

#include <gst/gst.h>
#include <pthread.h>
#include <stdint.h>

#define RTSP_ONVIF_MARKS 64		/* frames noted ahead of the decoder */

/* A frame's ONVIF time, by its packets' timestamp (running time). */
struct rtsp_onvif_mark {
	uint64_t pts;
	int64_t utc_ns;			/* 0: unused */
};

/* Written by the streaming threads' probe, read by the caller's. */
struct rtsp_onvif {
	pthread_mutex_t lock;		/* guards marks[], next */
	struct rtsp_onvif_mark marks[RTSP_ONVIF_MARKS];
	unsigned next;
};

void anprcap__rtsp_onvif_init(struct rtsp_onvif *o);
void anprcap__rtsp_onvif_destroy(struct rtsp_onvif *o);
/* Forget every time noted: a new session (its streaming threads gone). */
void anprcap__rtsp_onvif_reset(struct rtsp_onvif *o);
/* Note the times of the RTP packets rtspsrc outputs from now on. */
void anprcap__rtsp_onvif_watch(struct rtsp_onvif *o, GstElement *rtspsrc);
/* The ONVIF time (ns since 1970 UTC) noted for a frame's timestamp, 0 if
 * none: exact, or the nearest within a quarter of frame_ns (10 ms when
 * the rate is not known; a decoder may round). */
int64_t anprcap__rtsp_onvif_time(struct rtsp_onvif *o, uint64_t pts, uint64_t frame_ns);

#endif
