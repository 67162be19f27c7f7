/* SPDX-License-Identifier: MIT */
/*
 * pipeline.h - anprd's pipeline: capture -> reader workers -> (in frame
 * order) tracker -> hotlist check -> alert / signed record.
 *
 *   capture thread (one per source)
 *     copies each frame into a pooled buffer and releases the library's
 *     buffer at once (the kernel never waits on us); a full job queue
 *     drops the oldest waiting frame, counted.
 *   reader workers (one per core by default)
 *     read plates, encode the plate patch and an overview JPEG per read.
 *   decision thread
 *     puts the workers' results back in frame order per source, feeds the
 *     tracker, checks every read against the hotlists at once (alert,
 *     deduplicated per listed entry and source, naming the vehicle: its
 *     track), and hands each vehicle the tracker emits to the evidence
 *     writer (never blocks), plus a heartbeat every interval.
 *   the evidence writer's word on each vehicle's record (ev_read_fn)
 *     turns each live hit on that vehicle into a hit-record alert naming
 *     the record's id, or saying why there is none; the vehicle can be
 *     searched back from then on (docs/alerts.md).
 *
 * Every frame is accounted for: read, dropped by the sensor/driver (the
 * library's drop count), or dropped by this pipeline (queue full).
 */
#ifndef ANPR_PIPELINE_H
#define ANPR_PIPELINE_H

#include "anprd/anprd_log.h"
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "reader/anpr_reader.h"
#include "anprcap.h"
#include "core/hotlist_holder.h"
#include "core/alert.h"
#include "core/recent.h"
#include "core/health.h"
#include "core/unread_rate.h"
#include "core/roi.h"
#include "location/location.h"
#include "core/tracker.h"
#include "evidence/evidence_spool.h"

#define PL_MAX_SOURCES	8
#define PL_MAX_WORKERS	16

struct pl_source_config {
	const char *name;		/* for messages and alerts */
	const char *uri;		/* libanprcap URI */
	int fps;			/* 0: the source's default */
	int replay_loop;		/* file: sources: restart at the end */
	const struct anprd_roi *roi;	/* read only inside (NULL: everywhere) */
	int replay_fast;		/* file: sources: as fast as consumed, and
					   lossless: capture waits for the readers
					   instead of dropping (never for live) */
};

struct pl_config {
	const char *camera_id;
	int nsources;
	struct pl_source_config sources[PL_MAX_SOURCES];
	int workers;			/* 0: one per online core */
	struct anpr_reader_config reader;
	struct tracker_params tracker;
	int max_fuzzy;			/* hotlist look-alike swaps allowed */
	int64_t alert_dedup_ms;		/* one alert per entry+source within */
	int64_t heartbeat_ms;		/* 0: none */
	int exit_at_eof;		/* stop when every source has ended */
	int jpeg_quality;
	int64_t search_back_ms;		/* recent vehicles kept for search back */
	unsigned lane;			/* [location] lane, in every read record
					   (0 = not stated) */
	/* where reads are made: a gpsd-fed tracker (in-vehicle cameras), or
	 * NULL for a fixed site at fixed_lat/fixed_lon */
	struct anpr_loc_tracker *gps;
	double fixed_lat, fixed_lon;
	struct health_params health;	/* camera-health thresholds */
	struct unread_rate_params unread;	/* the unreadable-plates condition */
	int64_t health_every_ms;	/* check each source's view this often; 0 = never */
	/* source events, health and reader errors (NULL: none); structured
	 * journal entries under systemd (anprd_log.h) */
	const struct anprd_log *logger;
	FILE *log;			/* --log-reads lines (NULL: none) */
	int syslog_prefix;		/* start each such line with its "<N>"
					   syslog priority (JOURNAL_STREAM set) */
	int log_reads;			/* a line per vehicle and alert on log:
					   VRMs are personal data, so off unless asked
					   (demos, tests); records and alert outputs
					   are where reads belong */
	/* where alerts go (e.g. alert_dispatch_push): returns the alert's
	 * seq (0: not sent). Called from the decision thread, the evidence
	 * writer's threads (hit-record alerts), pipeline_search_back's and
	 * pipeline_stop's caller: it must be thread-safe. */
	uint64_t (*alert)(void *ctx, const struct alert *a);
	void *alert_ctx;
};

/* Counters, readable at any time (relaxed atomics). */
struct pl_stats {
	atomic_uint_fast64_t frames;		/* captured and queued */
	atomic_uint_fast64_t drops_source;	/* reported by the library */
	atomic_uint_fast64_t drops_queue;	/* dropped here, queue full */
	atomic_uint_fast64_t reads;		/* plates read in frames */
	atomic_uint_fast64_t vehicles;		/* records handed to the writer */
	atomic_uint_fast64_t unreadable;	/* of them, plates found, not read */
	atomic_uint_fast64_t hits;		/* alerts raised */
	atomic_uint_fast64_t writer_refused;	/* writer queue full/stopped */
	atomic_uint_fast64_t source_errors;
	atomic_uint health_active[PL_MAX_SOURCES];	/* HEALTH_* of the view raised now */
	atomic_bool unread_active[PL_MAX_SOURCES];	/* HEALTH_UNREADABLE raised now */
};

/* "<N>" for a syslog priority when the daemon's output goes to the journal
 * (JOURNAL_STREAM set: journald reads the prefix as the line's priority). */
const char *pl_prio(int on, int prio);

/* The same counters, as plain numbers. */
struct pl_totals {
	uint64_t frames, drops_source, drops_queue, reads, vehicles, hits,
		 writer_refused, source_errors;
	/* capture to hotlist decision, over every plate read of live-paced
	 * sources (final totals only; 1 ms resolution, 1000 = 1 s or more) */
	uint64_t latency_n;
	unsigned latency_p50_ms, latency_p99_ms, latency_max_ms;
};

struct pipeline;
struct anprd_config;

/*
 * pipeline_config_from - *pc as anprd.conf sets it: sources, reader,
 * tracker, hotlist matching, heartbeat, search back, fixed site, lane,
 * camera health (the one mapping from the file to the pipeline). The run's
 * options (replay, logging, alert output, GPS) are left 0 for the caller;
 * strings point into cfg.
 */
void pipeline_config_from(const struct anprd_config *cfg, struct pl_config *pc);

/*
 * pipeline_start - open the sources and start every thread. The hotlist
 * holder, alert queue and writer belong to the caller and must outlive
 * the pipeline; writer may be NULL (no records, e.g. a dry run).
 */
int pipeline_start(struct pipeline **out, const struct pl_config *cfg,
		   struct hotlist_holder *hotlists, struct ev_writer *writer,
		   char *err, size_t errlen);
/*
 * pipeline_search_back - after a hotlist reload, alert on the vehicles of
 * the last search_back_ms that the new entries (added) match. Returns the
 * number of alerts raised.
 */
size_t pipeline_search_back(struct pipeline *p, const struct hotlist *added);
/* pipeline_eof - every source has ended (recordings played out). */
int pipeline_eof(struct pipeline *p);
/* pipeline_health - the camera-health conditions raised for a source. */
unsigned pipeline_health(const struct pipeline *p, int source);
/* pipeline_stream - an IP camera source's outage state now (a copy;
 * out->rtsp false for other sources and before any frame or outage);
 * -1 for no such source. */
struct stream_state;
int pipeline_stream(struct pipeline *p, int source, struct stream_state *out);
/* pipeline_totals - the counters now. */
void pipeline_totals(const struct pipeline *p, struct pl_totals *out);
/* pipeline_stop - stop capture, drain the workers and the tracker (every
 * open vehicle is emitted), wait (up to 30 s) for the writer's word on
 * every vehicle's record so each live hit gets its hit-record alert, join
 * every thread, free everything; the final counters go to *final if not
 * NULL. */
void pipeline_stop(struct pipeline *p, struct pl_totals *final);

#endif
