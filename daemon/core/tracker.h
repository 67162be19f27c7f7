/* SPDX-License-Identifier: MIT */
/*
 * tracker.h - joins the reads of one vehicle across frames into one
 * vehicle pass carrying the best read (per-position multi-frame vote).
 *
 * Pure logic: no clock of its own (every read carries its frame time and
 * tracker_tick() is given "now"), no I/O, no threads. One tracker serves
 * all sources; tracks never span two sources.
 *
 * A plate found but not read (trk_read.unread) joins a track by position
 * alone: the gate as below, and its box must overlap the track's last box
 * moved as the track's motion predicts. A track with a reading in any
 * frame is a read; one with none, but found in at least unread_min
 * frames, is an unreadable plate (trk_vehicle.unread, vrm "").
 *
 * A read joins the open track of its source that it fits best: at most
 * max_gap after the track's last read, not from the same frame as it,
 * within the position gate (gate plate widths per 100 ms since the last
 * read, at least 50 ms' and at most 300 ms' worth, measured from the
 * position the track's motion predicts, or from its only read), and with
 * a text close to the track's
 * (edit distance, look-alike swaps counting half). Otherwise it opens a
 * new track. A track is finished - and handed to the emit callback - when
 * it has not been seen for `timeout`, or for only `leave_grace` if its
 * last plate was at the edge of the view moving out.
 */
#ifndef ANPRD_TRACKER_H
#define ANPRD_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "core/anprd_formats.h"

#define TRK_TEXT_MAX		HOTLIST_VRM_MAX	/* characters of a read */
#define TRK_MAX_TRACKS		64	/* open at once; the oldest is
					   finished early beyond that */
#define TRK_MAX_READS		48	/* kept per track for the vote */

struct trk_read {
	char text[TRK_TEXT_MAX + 1];	/* normalised (A-Z, 0-9) */
	float conf;			/* whole read, 0..1 */
	float char_conf[TRK_TEXT_MAX];	/* per character; 0 = use conf */
	int source;			/* source index */
	uint64_t frame_seq;		/* frame number within the source */
	int64_t t_us;			/* frame capture time, microseconds */
	float x, y, w, h;		/* plate box, pixels */
	int frame_w, frame_h;
	int unread;			/* 0: a reading; else a plate found
					   but not read (text ""): why, as
					   enum anpr_unread_why */
	float evidence;			/* of an unread plate, 0..1 */
};

enum trk_end {
	TRK_END_TIMEOUT = 0,	/* unseen for `timeout` */
	TRK_END_LEFT = 1,	/* left the view (edge, moving out) */
	TRK_END_EVICTED = 2,	/* too many open tracks */
	TRK_END_FLUSH = 3,	/* tracker_flush() (shutdown) */
};

struct trk_vehicle {
	uint64_t id;		/* the track's number (tracker_add's) */
	char vrm[TRK_TEXT_MAX + 1];	/* the voted mark */
	float conf;		/* mean confidence of the reads voting */
	float agreement;	/* lowest share of the winning character's
				   votes over all positions, 0..1 */
	int nreads;		/* reads joined (all lengths) */
	int nvoting;		/* reads of the winning length */
	int source;
	int64_t first_us, last_us;
	int direction;		/* +1 plate moving down the frame, -1 up,
				   0 not known */
	enum trk_end end;
	struct trk_read best;	/* the read to take the images from: the
				   most confident read equal to the vote,
				   else of the winning length; of an
				   unread plate, its strongest evidence */
	int nunread;		/* frames where the plate was found, not
				   read */
	int unread;		/* 0: read; else no reading in any frame
				   (vrm ""): why, of best (an unreadable
				   plate) */
};

struct tracker_params {
	int64_t max_gap_us;
	int64_t timeout_us;
	int64_t leave_grace_us;
	double gate;		/* plate widths per 100 ms */
	int min_reads;		/* fewer: dropped, counted */
	double edge_margin;	/* share of the frame counted as its edge */
	int unread_min;		/* frames of a plate found but never read
				   that make an unreadable plate; fewer:
				   dropped, counted; 0: never */
};

/* Called for each finished vehicle; the pointer is valid during the call. */
typedef void (*trk_emit_fn)(void *ctx, const struct trk_vehicle *v);
/* Called for each track dropped for having fewer than min_reads reads. */
typedef void (*trk_drop_fn)(void *ctx, uint64_t id);

struct tracker;

/* tracker_params_default - the documented defaults (docs/anprd-conf.md). */
void tracker_params_default(struct tracker_params *p);

struct tracker *tracker_new(const struct tracker_params *p, trk_emit_fn emit,
			    void *ctx);
void tracker_free(struct tracker *t);

/* tracker_on_drop - also tell ctx (tracker_new's) of dropped tracks. */
void tracker_on_drop(struct tracker *t, trk_drop_fn drop);

/* tracker_add - feed one read; reads of a source come in time order.
 * Returns the number of the track it joined or opened: rising from 1,
 * never reused (trk_vehicle.id when that track is emitted). */
uint64_t tracker_add(struct tracker *t, const struct trk_read *r);

/* tracker_tick - finish the tracks due at `now_us`. */
void tracker_tick(struct tracker *t, int64_t now_us);

/* tracker_flush - finish every open track (reason TRK_END_FLUSH). */
void tracker_flush(struct tracker *t);

/* Open tracks, and tracks dropped for having fewer than min_reads. */
int tracker_open(const struct tracker *t);
uint64_t tracker_dropped(const struct tracker *t);
/* Tracks of a plate never read found in fewer than unread_min frames. */
uint64_t tracker_dropped_unread(const struct tracker *t);

/*
 * trk_text_distance - edit distance between two marks where a look-alike
 * swap (O/0, I/1, B/8, S/5) costs 1 and any other edit 2 (so the result
 * is twice the usual distance).
 */
int trk_text_distance(const char *a, const char *b);

/*
 * trk_vote - the per-position vote over reads[0..n): the winning length
 * (summed confidence), then at each position the character with the most
 * confidence among reads of that length. Fills v's vrm, conf, agreement,
 * nvoting, nreads and best.
 */
void trk_vote(const struct trk_read *reads, int n, struct trk_vehicle *v);

#endif
