/* SPDX-License-Identifier: MIT */
/*
 * capture_state.h - what anprd says about a source's frames beyond their
 * pixels, as pure functions (no I/O, no clock: time comes in):
 *
 *  - the capture clock of a frame: how its timestamp was obtained (an IP
 *    camera's RTCP-synchronised clock, estimated, the host's receive time,
 *    a sensor's or driver's timestamp, synthetic), for the read records'
 *    capture_clock and clocks_disagree (docs/record-format.md);
 *  - an IP camera stream's outage: lost since when, why, how many
 *    reconnects and how much stream time lost in all, for status.json and
 *    the STATUS= line (docs/anprd.md, "Status").
 */
#ifndef ANPRD_CAPTURE_STATE_H
#define ANPRD_CAPTURE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anprcap.h"
#include "evidence/evidence_format.h"

/* The capture clock of a frame as libanprcap delivered it: from an RTSP
 * frame's metadata (ANPRCAP_META_RTSP) where present, else from its
 * ts_source. *disagree: the RTSP clocks-disagree flag (false otherwise). */
enum ev_capclk capture_clock_of(const struct anprcap_frame *f, bool *disagree);

/* An IP camera stream's outage state, kept by the capture thread. */
struct stream_state {
	bool rtsp;			/* a stream with outages to report */
	bool down;			/* no stream now */
	uint64_t down_since_ns;		/* CLOCK_MONOTONIC: the last frame
					   before the outage (or when it was
					   noticed, with no frame before) */
	int64_t down_since_utc_us;	/* the same instant, wall clock */
	char reason[128];		/* why, as the library said it */
	uint32_t reconnects;		/* sessions re-established since start */
	uint64_t lost_ns;		/* stream time lost to outages that
					   ended (the library's count) */
	uint64_t last_frame_ns;		/* CLOCK_MONOTONIC of the last frame */
	int64_t last_frame_utc_us;
};

/* A frame arrived at mono_ns / utc_us; its RTSP metadata (NULL for none)
 * carries the library's reconnect and lost-time counts. */
void stream_state_frame(struct stream_state *s, const struct anprcap_rtsp_meta *m,
			uint64_t mono_ns, int64_t utc_us);
/*
 * The library said the stream is lost (msg: its anprcap_last_error(),
 * e.g. "rtsp://cam/1: stream lost (no frame for 2000 ms) 2.6 s ago;
 * reconnect attempt 1 in 0.5 s"), or refused (credentials), at
 * mono_ns / utc_us. Returns true when this starts an outage (log it once),
 * false while one goes on or when msg is no outage (a plain timeout).
 */
bool stream_state_lost(struct stream_state *s, const char *msg, uint64_t mono_ns,
		       int64_t utc_us);
/* Stream time lost since start, the outage going on included, at now_ns. */
uint64_t stream_state_lost_total(const struct stream_state *s, uint64_t now_ns);
/* The outage for an operator: "camera stream lost 42 s (no frame for
 * 2000 ms), reconnecting; 3 reconnects, 97 s lost since start", or while
 * up "camera stream up; 3 reconnects, 55 s lost since start" ("" for a
 * source that is no stream). Returns out. */
const char *stream_state_describe(const struct stream_state *s, uint64_t now_ns,
				  char *out, size_t cap);
/* The same as a JSON object for status.json (docs/anprd.md), the reason
 * escaped; "" for a source that is no stream. Returns out. */
const char *stream_state_json(const struct stream_state *s, uint64_t now_ns,
			      char *out, size_t cap);

#endif
