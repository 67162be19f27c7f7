/* SPDX-License-Identifier: MIT */
/*
 * pipeline_int.h - what anprd's pipeline threads share, private to
 * daemon/anprd (pipeline.h is the public face): the jobs and results
 * that travel between them, the pipeline's state with each lock named
 * beside what it protects, and the functions one thread's file offers
 * another's. One file per thread:
 *   pipeline_capture.c  capture: frames in, stamped, queued (drops counted)
 *   pipeline_read.c     reader workers: plates out of frames
 *   pipeline_decide.c   decision: tracker, hotlists, alerts, records, and
 *                       the search back of a reload
 *   pipeline.c          life cycle: start, end of recordings, totals, stop
 */
#ifndef ANPR_PIPELINE_INT_H
#define ANPR_PIPELINE_INT_H

#include <pthread.h>
#include <stdint.h>

#include "anpr_image.h"
#include "core/health_alert.h"
#include "core/capture_state.h"
#include "anprd/pipeline.h"
#include "anprd/snapshot.h"

#define JOB_QUEUE_PER_WORKER	2	/* frames waiting per worker */
#define REORDER_WINDOW		256	/* > jobs in flight per source */
#define SNAPSHOTS		256	/* reads whose images are kept */
#define DEDUP_SLOTS		256
#define RECENT_VEHICLES		65536	/* vehicles kept for search back */
#define PENDING_HITS		256	/* live hits awaiting their record */
#define RECORD_WAIT_S		30	/* pipeline_stop: for the last records */
#define CAPTURE_POLL_MS		20
#define LATENCY_BUCKETS		1001	/* 0..999 ms, then 1 s or more */

struct pl_job {
	int source;
	uint64_t job_no;		/* per source, every frame taken */
	uint64_t frame_seq;		/* the library's sequence */
	int64_t t_us;			/* capture time, CLOCK_MONOTONIC */
	struct ev_when when;
	int width, height;
	size_t stride;
	uint8_t *px;			/* owned; back to the pool when done */
	size_t cap;
};

struct pl_done {
	struct pl_done *next;
	int source;
	uint64_t job_no, frame_seq;
	int64_t t_us;
	struct ev_when when;
	int width, height;
	int dropped;			/* never read: the queue was full */
	int nplates;
	struct anpr_plate plates[ANPR_READER_MAX_PLATES];
	struct snapshot snaps[ANPR_READER_MAX_PLATES];
	int nunread;			/* plates found, not read (reader's) */
	struct anpr_unread unread[ANPR_READER_MAX_UNREAD];
	struct snapshot usnaps[ANPR_READER_MAX_UNREAD];
};

struct pl_source {
	struct pipeline *p;
	int index;
	anprcap_source *cap;
	pthread_t thread;
	int started;
	int ended;			/* EOF or fatal error; under p->state_lock */
	uint64_t next_job;		/* capture thread only */
	uint64_t next_decide;		/* decision thread only */
	struct pl_done *pending[REORDER_WINDOW];	/* decision thread only */
	struct ev_clock clock;		/* capture thread: cached adjtimex */
	int64_t clock_sampled_us;
	struct health_state health;	/* capture thread only */
	int64_t health_checked_us;
	uint8_t *roi_mask;		/* capture thread: 255 inside, 0 outside */
	int roi_w, roi_h;
	int replay;			/* a recording (the library's file
					   backend), not a live camera; set
					   before the threads start */
	struct stream_state stream;	/* an IP camera's outages: written by
					   the capture thread, read by the
					   status, under p->state_lock */
};

/* A live hit sent before its vehicle's record exists (docs/alerts.md). */
struct pending_hit {
	struct alert a;			/* as sent, with its seq */
	int ended;			/* the vehicle's track has ended: */
	char vrm[HOTLIST_VRM_MAX + 1];	/* its mark, time and confidence */
	int64_t time_us;		/* as the record has them */
	float conf;
};

struct dedup_slot {
	char key[HOTLIST_PATTERN_MAX + HOTLIST_LIST_MAX + 2];
	int source;
	int64_t t_us;
};

struct pipeline {
	struct pl_config cfg;
	struct pl_stats stats;
	struct hotlist_holder *hotlists;
	struct ev_writer *writer;
	pthread_mutex_t recent_lock;	/* protects: recent */
	struct recent recent;		/* vehicles recorded, for search back */
	pthread_mutex_t hits_lock;	/* protects: pending, npending, awaiting */
	pthread_cond_t hits_cond;	/* awaiting fell */
	struct pending_hit *pending;	/* [PENDING_HITS], oldest first */
	int npending;
	uint64_t awaiting;		/* tagged reads whose fate is untold */
	int nworkers;

	atomic_int stop;
	pthread_mutex_t state_lock;	/* protects: sources[].ended, all_ended */
	pthread_cond_t state_cond;
	int all_ended;

	struct pl_source sources[PL_MAX_SOURCES];
	/* each source's last vehicles, read or not (the decision thread's
	 * alone; its state is published in stats.unread_active) */
	struct unread_rate unread_rate[PL_MAX_SOURCES];

	pthread_mutex_t job_lock;	/* protects: jobs ring, free pool, job_closed */
	pthread_cond_t job_cond;	/* a job was queued */
	pthread_cond_t space_cond;	/* a job was taken */
	struct pl_job **jobs;
	int jobs_cap, jobs_head, jobs_n;
	struct pl_job **pool;
	int pool_n;
	int job_closed;

	pthread_t workers[PL_MAX_WORKERS];

	pthread_mutex_t done_lock;	/* protects: done_head/tail, done_closed */
	pthread_cond_t done_cond;
	struct pl_done *done_head, *done_tail;
	int done_closed;

	pthread_t decision;
	/* decision thread only: */
	struct tracker *tracker;
	int hl_slot;
	struct snapshot_store snaps;
	struct dedup_slot dedup[DEDUP_SLOTS];
	int64_t now_us;			/* newest frame time decided */
	uint64_t latency_hist[LATENCY_BUCKETS];	/* ms, capture -> decision */
	int64_t last_heartbeat_us;
	int decision_ready;		/* pl_decision_init succeeded */
};

#define P(prio) pl_prio(p->cfg.syslog_prefix, (prio))

/* CLOCK_MONOTONIC in microseconds. (pipeline.c) */
int64_t pl_mono_us(void);

/* Capture (pipeline_capture.c): the free pool of jobs, the results queue
 * to the decision thread, a job's result (dropped: never read), and the
 * capture thread of a source (arg: its struct pl_source). */
struct pl_job *pl_pool_get(struct pipeline *p);
/* A monotonic time (ns; 0: now) mapped to UTC through the clocks read
 * now, with the clock-sync state, into *w; returns the monotonic now. */
int64_t pl_map_to_utc(uint64_t mono_ns, struct ev_when *w);
void pl_pool_put(struct pipeline *p, struct pl_job *j);
void pl_done_push(struct pipeline *p, struct pl_done *d);
struct pl_done *pl_done_for(const struct pl_job *j, int dropped);
void *pl_capture_thread(void *arg);

/* A reader worker (pipeline_read.c; arg: the pipeline). */
void *pl_worker_thread(void *arg);

/* Decision (pipeline_decide.c): the thread (arg: the pipeline); a hit's
 * alert filled in; an alert sent to the outputs (its seq); the live hits
 * waiting for vehicle vid told their record id, or why there is none. */
void *pl_decision_thread(void *arg);
/* The decision step's state (tracker, snapshots, recent vehicles, live
 * hits and their locks) for p->cfg, p->hotlists and p->writer (NULL: no
 * records, each hit told so): 0, or -1 (out of memory, nothing kept).
 * pipeline_start calls it; so do the unit tests of the decision step
 * (tests/pipeline/test_decide.c), which then feed pl_decide results made
 * up by hand, as the tracker's tests feed it reads. */
int pl_decision_init(struct pipeline *p);
void pl_decision_free(struct pipeline *p);
/* One frame's result, in capture order: its plates tracked, looked up,
 * alerted at once on a hit; vehicles that ended recorded; the heartbeat
 * when due. The decision thread's alone. */
void pl_decide(struct pipeline *p, struct pl_done *d);
void pl_hit_alert(const struct pipeline *p, struct alert *a, int kind, const char *vrm,
		  const struct hotlist_hit *hit, int64_t time_us);
uint64_t pl_send_alert(struct pipeline *p, const struct alert *a);
/* A camera-health alert, and its log line "HEALTH SOURCE: STATE raised". */
void pl_send_health(struct pipeline *p, const struct alert *a);
void pl_resolve_hits(struct pipeline *p, uint64_t vid, const char *id, const char *why);
/* The decision thread's callbacks: the tracker's vehicle ended (its
 * record is made), a vehicle the tracker dropped, and the writer's word
 * on a read's record (its id, or why there is none). */
void pl_on_vehicle(void *ctx, const struct trk_vehicle *v);
void pl_on_dropped(void *ctx, uint64_t vid);
void pl_on_record(void *ctx, uint64_t vid, const char *record_id, const char *why);

#endif
