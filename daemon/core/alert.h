/* SPDX-License-Identifier: MIT */
/*
 * alert.h - alerts (hotlist hits, camera health, information), their JSON
 * line (docs/alerts.md) and the priority queue that puts hits ahead of
 * everything else. Alerts never carry a location (fixed sites are not
 * disclosed; only signed records carry positions).
 */
#ifndef ANPRD_ALERT_H
#define ANPRD_ALERT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/anprd_formats.h"

struct alert {
	/* (8-byte fields first, then 4-byte, then text: no padding waste) */
	uint64_t seq;			/* rising; 0 = let the queue number it */
	int64_t time_us;		/* capture / event time, UNIX epoch */
	uint64_t vehicle;		/* hits: anprd's number for the vehicle
					   (track), rising from 1 in each run */
	uint64_t hit_seq;		/* hit-record: the seq of the hit it follows */
	int kind;			/* enum alert_kind */
	/* hits */
	int priority;
	int action;			/* enum hotlist_action */
	int distance;			/* look-alike swaps; 0 = exact */
	int wildcard;
	int record_pending;		/* record "" because not written yet */
	float confidence;
	/* health */
	int active;			/* condition raised (1) or cleared (0) */
	char camera[ANPRD_ID_MAX + 1];
	char source[ANPRD_ID_MAX + 1];
	/* hits */
	char vrm[HOTLIST_VRM_MAX + 1];		/* as read */
	char entry_vrm[HOTLIST_PATTERN_MAX + 1];	/* as listed */
	char list[HOTLIST_LIST_MAX + 1];
	char reason[HOTLIST_REASON_MAX + 1];
	/* the signed record that proves the hit: its record_id, or "" (JSON
	 * null) when it is not written yet (record_pending: a live hit, whose
	 * record is written when the vehicle's track ends) or could not be
	 * (a hit-record alert then says why in detail) */
	char record[ALERT_RECORD_MAX + 1];
	char state[32];			/* health: "frozen", "black", ... */
	char detail[256];		/* health, info; hit-record: why there
					   is no record (else "") */
};

/* The alert kind's name in JSON and the journal ("hit", ...). */
const char *alert_kind_name(int kind);
const char *alert_action_name(int action);

/*
 * alert_format_json - one JSON object and '\n' into buf. Returns the
 * length, or -1 if it does not fit in len (ALERT_LINE_MAX always does).
 */
int alert_format_json(const struct alert *a, char *buf, size_t len);

/* ---- priority queue -------------------------------------------------- */

/*
 * Order: live hits, then hit-records, then search-back hits, then health,
 * then info; hits of each kind by their entry's priority; then first come first served. When full, a
 * new alert evicts the lowest-ranked queued one if it outranks it, else it
 * is dropped; either way the drop is counted.
 */
struct alert_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct alert *heap;
	size_t n, cap;
	uint64_t next_seq;
	uint64_t dropped;
	int closed;
};

int alert_queue_init(struct alert_queue *q, size_t cap);
void alert_queue_destroy(struct alert_queue *q);

/* alert_queue_push - copy a in (numbering it if its seq is 0). 0, or -1
 * if one was dropped
 * (a itself or a lower-ranked one). */
int alert_queue_push(struct alert_queue *q, const struct alert *a);

/*
 * alert_queue_pop - the highest-ranked alert into *out, waiting up to
 * timeout_ms (-1 = for ever). 1 = got one, 0 = timed out, -1 = closed
 * and empty.
 */
int alert_queue_pop(struct alert_queue *q, struct alert *out, int timeout_ms);

/* alert_queue_close - wake every waiter; pops drain what is left. */
void alert_queue_close(struct alert_queue *q);

size_t alert_queue_len(struct alert_queue *q);
uint64_t alert_queue_dropped(struct alert_queue *q);

/* Ranking used by the queue: negative if a goes out before b. */
int alert_rank_cmp(const struct alert *a, const struct alert *b);

#endif
