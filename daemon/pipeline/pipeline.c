// SPDX-License-Identifier: MIT
/*
 * pipeline.c - anprd's threads and the queues between them (see
 * pipeline.h for the shape). Locking: each queue has its own mutex, named
 * beside what it protects; the tracker, the snapshot store and the alert
 * de-duplication table belong to the decision thread alone.
 *
 * Long file: anprd's threads (capture, reader workers, decision, lifecycle)
 * share one private struct here; issue 22 splits them by thread behind a
 * private header.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anpr_image.h"
#include "health_alert.h"
#include "pipeline.h"
#include "snapshot.h"

/* Every read the reader makes is tracked, matched and recorded whole (the
 * tracker's and the hotlists' limit is the record format's, issue 18). */
_Static_assert(ANPR_READER_MAX_CHARS <= TRK_TEXT_MAX, "reads must fit the tracker");
_Static_assert(TRK_TEXT_MAX <= EV_VRM_MAX, "tracked marks must fit a record");

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
};

const char *pl_prio(int on, int prio)
{
	static const char *const tag[8] = { "<0>", "<1>", "<2>", "<3>", "<4>", "<5>", "<6>",
					     "<7>" };

	return on && prio >= 0 && prio < 8 ? tag[prio] : "";
}

#define P(prio) pl_prio(p->cfg.syslog_prefix, (prio))

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- capture ------------------------------------------------------------ */

/* The capture-time stamp of a frame: its monotonic timestamp mapped to UTC
 * through the clocks read now, with the clock-sync state (cached 1 s). */
static int64_t map_to_utc(uint64_t mono_ns, struct ev_when *w)
{
	struct timespec rt, mt;
	int64_t now_ns, age_ns, utc_ns;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	now_ns = (int64_t)mt.tv_sec * 1000000000 + mt.tv_nsec;
	age_ns = mono_ns && (int64_t)mono_ns <= now_ns ? now_ns - (int64_t)mono_ns : 0;
	utc_ns = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec - age_ns;
	w->utc.tv_sec = utc_ns / 1000000000;
	w->utc.tv_nsec = utc_ns % 1000000000;
	w->mono_ns = mono_ns ? mono_ns : (uint64_t)now_ns;
	return now_ns;
}

static void stamp_frame(struct pl_source *s, uint64_t frame_ns, struct ev_when *w)
{
	int64_t now_ns = map_to_utc(frame_ns, w);

	if (now_ns / 1000 - s->clock_sampled_us > 1000000 || !s->clock_sampled_us) {
		if (ev_clock_sample(&s->clock) == 0)
			s->clock_sampled_us = now_ns / 1000;
	}
	w->clock = s->clock;
}

static struct pl_job *pool_get(struct pipeline *p)
{
	struct pl_job *j = NULL;

	pthread_mutex_lock(&p->job_lock);
	if (p->pool_n)
		j = p->pool[--p->pool_n];
	pthread_mutex_unlock(&p->job_lock);
	return j ? j : calloc(1, sizeof(*j));
}

static void pool_put(struct pipeline *p, struct pl_job *j)
{
	pthread_mutex_lock(&p->job_lock);
	if (p->pool_n < p->jobs_cap + p->nworkers + 2) {
		p->pool[p->pool_n++] = j;
		j = NULL;
	}
	pthread_mutex_unlock(&p->job_lock);
	if (j) {
		free(j->px);
		free(j);
	}
}

static void done_push(struct pipeline *p, struct pl_done *d)
{
	d->next = NULL;
	pthread_mutex_lock(&p->done_lock);
	if (p->done_tail)
		p->done_tail->next = d;
	else
		p->done_head = d;
	p->done_tail = d;
	pthread_cond_signal(&p->done_cond);
	pthread_mutex_unlock(&p->done_lock);
}

static struct pl_done *done_for(const struct pl_job *j, int dropped)
{
	struct pl_done *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->source = j->source;
	d->job_no = j->job_no;
	d->frame_seq = j->frame_seq;
	d->t_us = j->t_us;
	d->when = j->when;
	d->width = j->width;
	d->height = j->height;
	d->dropped = dropped;
	return d;
}

/* Queue a job; when full, the oldest waiting frame is dropped (counted):
 * capture never waits for the readers. */
static void job_push(struct pipeline *p, struct pl_job *j, int lossless)
{
	struct pl_job *victim = NULL;

	pthread_mutex_lock(&p->job_lock);
	while (lossless && p->jobs_n == p->jobs_cap && !atomic_load(&p->stop))
		pthread_cond_wait(&p->space_cond, &p->job_lock);
	if (p->jobs_n == p->jobs_cap) {
		victim = p->jobs[p->jobs_head];
		p->jobs_head = (p->jobs_head + 1) % p->jobs_cap;
		p->jobs_n--;
	}
	p->jobs[(p->jobs_head + p->jobs_n) % p->jobs_cap] = j;
	p->jobs_n++;
	pthread_cond_signal(&p->job_cond);
	pthread_mutex_unlock(&p->job_lock);
	if (victim) {
		struct pl_done *d = done_for(victim, 1);

		atomic_fetch_add(&p->stats.drops_queue, 1);
		if (d)
			done_push(p, d);
		pool_put(p, victim);
	}
}

static void mark_ended(struct pl_source *s)
{
	struct pipeline *p = s->p;
	int all = 1;

	pthread_mutex_lock(&p->state_lock);
	s->ended = 1;
	for (int i = 0; i < p->cfg.nsources; i++)
		all &= p->sources[i].ended;
	p->all_ended = all;
	pthread_cond_broadcast(&p->state_cond);
	pthread_mutex_unlock(&p->state_lock);
}

/* Camera health, once per interval per source, on the frame just copied:
 * a frozen, black, saturated or blurred view raises an alert (and its
 * recovery another). */
static void check_health(struct pl_source *s, const struct pl_job *j)
{
	struct pipeline *p = s->p;
	struct grey_view v = { j->px, j->width, j->height, j->stride };
	struct health_metrics m;
	struct alert out[4];
	int changed, n;

	if (p->cfg.health_every_ms <= 0 ||
	    (s->health_checked_us && j->t_us - s->health_checked_us < p->cfg.health_every_ms * 1000))
		return;
	s->health_checked_us = j->t_us;
	changed = health_check(&s->health, &p->cfg.health, &v, j->t_us, &m);
	if (changed <= 0)
		return;
	atomic_store(&p->stats.health_active[s->index], s->health.active);
	n = health_alerts((unsigned)changed, s->health.active, &m, p->cfg.camera_id,
			  p->cfg.sources[s->index].name,
			  (int64_t)j->when.utc.tv_sec * 1000000 + j->when.utc.tv_nsec / 1000, out);
	for (int i = 0; i < n; i++) {
		if (p->cfg.alert)
			p->cfg.alert(p->cfg.alert_ctx, &out[i]);
		if (p->cfg.logger)
			anprd_log(p->cfg.logger, out[i].active ? 4 : 5, ANPRD_EV_NONE,
				  p->cfg.sources[s->index].name, NULL, "HEALTH %s: %s %s",
				  p->cfg.sources[s->index].name, out[i].state,
				  out[i].active ? "raised" : "cleared");
	}
}

/* Outside the source's region of interest the reader sees black. The mask
 * is made once per frame size. */
static void apply_roi(struct pl_source *s, struct pl_job *j)
{
	const struct anprd_roi *roi = s->p->cfg.sources[s->index].roi;
	size_t npx = (size_t)j->width * (size_t)j->height;

	if (!roi || npx == 0)
		return;
	if (!s->roi_mask || s->roi_w != j->width || s->roi_h != j->height) {
		free(s->roi_mask);
		s->roi_mask = malloc(npx);
		if (!s->roi_mask)
			return;		/* read everything rather than nothing */
		anprd_roi_mask(roi, j->width, j->height, s->roi_mask, (size_t)j->width);
		s->roi_w = j->width;
		s->roi_h = j->height;
	}
	for (size_t i = 0; i < npx; i++)
		j->px[i] &= s->roi_mask[i];
}

static void *capture_thread(void *arg)
{
	struct pl_source *s = arg;
	struct pipeline *p = s->p;
	const char *name = p->cfg.sources[s->index].name;

	while (!atomic_load(&p->stop)) {
		const struct anprcap_frame *f;
		struct pl_job *j;
		size_t row, need;
		int rc = anprcap_next_frame(s->cap, CAPTURE_POLL_MS, &f);

		if (rc == ANPRCAP_E_TIMEOUT)
			continue;
		if (rc == ANPRCAP_E_EOF) {
			if (p->cfg.logger)
				anprd_log(p->cfg.logger, 6, ANPRD_EV_SOURCE_ENDED, name, NULL,
					  "source %s: end of recording", name);
			break;
		}
		if (rc) {
			atomic_fetch_add(&p->stats.source_errors, 1);
			if (p->cfg.logger)
				anprd_log(p->cfg.logger, 3, ANPRD_EV_SOURCE_LOST, name, NULL,
					  "source %s: %s", name, anprcap_last_error());
			if (rc == ANPRCAP_E_NODEV || rc == ANPRCAP_E_INVAL)
				break;
			usleep(100000);
			continue;
		}
		atomic_fetch_add(&p->stats.drops_source, f->drops);
		if (f->format != ANPRCAP_FMT_GREY && f->format != ANPRCAP_FMT_YUYV &&
		    f->format != ANPRCAP_FMT_NV12) {
			anprcap_release_frame(s->cap, f);
			atomic_fetch_add(&p->stats.source_errors, 1);
			continue;
		}
		j = pool_get(p);
		row = f->width;
		need = row * f->height;
		if (j && j->cap < need) {
			free(j->px);
			j->px = malloc(need);
			j->cap = j->px ? need : 0;
		}
		if (!j || !j->px) {
			anprcap_release_frame(s->cap, f);
			atomic_fetch_add(&p->stats.drops_queue, 1);
			free(j);
			continue;
		}
		/* luma only: GREY rows, or the Y of YUYV / NV12 */
		for (uint32_t y = 0; y < f->height; y++) {
			const uint8_t *src = f->data + (size_t)y * f->stride;
			uint8_t *dst = j->px + (size_t)y * row;

			if (f->format == ANPRCAP_FMT_YUYV)
				for (uint32_t x = 0; x < f->width; x++)
					dst[x] = src[2 * x];
			else
				memcpy(dst, src, row);
		}
		j->source = s->index;
		j->job_no = s->next_job++;
		j->frame_seq = f->sequence;
		j->t_us = (int64_t)(f->timestamp_ns / 1000);
		j->width = (int)f->width;
		j->height = (int)f->height;
		j->stride = row;
		stamp_frame(s, f->timestamp_ns, &j->when);
		anprcap_release_frame(s->cap, f);	/* before any reading */
		check_health(s, j);		/* on the whole view */
		apply_roi(s, j);
		atomic_fetch_add(&p->stats.frames, 1);
		job_push(p, j, p->cfg.sources[s->index].replay_fast);
	}
	mark_ended(s);
	return NULL;
}

/* ---- readers ------------------------------------------------------------ */

static void *worker_thread(void *arg)
{
	struct pipeline *p = arg;
	struct anpr_reader *reader;
	struct snapshot_scratch scratch = { 0 };
	struct anpr_read out;
	char err[256];

	reader = anpr_reader_create(&p->cfg.reader, err, sizeof(err));
	if (!reader && p->cfg.logger)
		anprd_log(p->cfg.logger, 2, ANPRD_EV_NONE, NULL, NULL, "reader: %s", err);
	for (;;) {
		struct pl_job *j;
		struct pl_done *d;

		pthread_mutex_lock(&p->job_lock);
		while (!p->jobs_n && !p->job_closed)
			pthread_cond_wait(&p->job_cond, &p->job_lock);
		if (!p->jobs_n) {
			pthread_mutex_unlock(&p->job_lock);
			break;
		}
		j = p->jobs[p->jobs_head];
		p->jobs_head = (p->jobs_head + 1) % p->jobs_cap;
		p->jobs_n--;
		pthread_cond_signal(&p->space_cond);
		pthread_mutex_unlock(&p->job_lock);

		d = done_for(j, 0);
		if (d && reader &&
		    anpr_reader_read(reader, j->px, j->width, j->height, j->stride, &out) == 0) {
			d->nplates = out.nplates;
			for (int i = 0; i < out.nplates; i++) {
				d->plates[i] = out.plates[i];
				snapshot_take(&d->snaps[i], &scratch, j->px, j->width, j->height,
					      j->stride, out.plates[i].box, p->cfg.jpeg_quality);
			}
			atomic_fetch_add(&p->stats.reads, (uint64_t)out.nplates);
		}
		if (d)
			done_push(p, d);
		pool_put(p, j);
	}
	snapshot_scratch_free(&scratch);
	anpr_reader_destroy(reader);
	return NULL;
}

/* ---- decisions ---------------------------------------------------------- */

static int dedup_should_alert(struct pipeline *p, const char *key, int source, int64_t t_us)
{
	struct dedup_slot *oldest = &p->dedup[0];

	for (int i = 0; i < DEDUP_SLOTS; i++) {
		struct dedup_slot *s = &p->dedup[i];

		if (s->t_us && s->source == source && strcmp(s->key, key) == 0) {
			int again = t_us - s->t_us > p->cfg.alert_dedup_ms * 1000;

			s->t_us = t_us;	/* a vehicle still in view extends it */
			return again;
		}
		if (s->t_us < oldest->t_us)
			oldest = s;
	}
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	oldest->source = source;
	oldest->t_us = t_us;
	return 1;
}

/* Check text against the hotlists in force; set_sha256 (may be NULL): the
 * digest of that very set (HOTLIST_SET_NONE with none), for the record. */
static int lookup(struct pipeline *p, const char *text, struct hotlist_hit *hit,
		  char set_sha256[HOTLIST_SET_HEX + 1])
{
	const struct hotlist *hl;
	int n = 0;

	if (set_sha256)
		snprintf(set_sha256, HOTLIST_SET_HEX + 1, "%s", HOTLIST_SET_NONE);
	if (!p->hotlists || p->hl_slot < 0)
		return 0;
	hl = hotlist_holder_read_lock(p->hotlists, p->hl_slot);
	if (hl && set_sha256)
		snprintf(set_sha256, HOTLIST_SET_HEX + 1, "%s", hotlist_set_sha256(hl));
	if (hl)
		n = hotlist_lookup(hl, text, p->cfg.max_fuzzy, hit, 1);
	if (n > 0) {
		/* copy the strings out: the list may be swapped after unlock */
		static __thread char vrm[HOTLIST_PATTERN_MAX + 1], list[HOTLIST_LIST_MAX + 1],
			reason[HOTLIST_REASON_MAX + 1];

		snprintf(vrm, sizeof(vrm), "%s", hit->entry.vrm);
		snprintf(list, sizeof(list), "%s", hit->entry.list);
		snprintf(reason, sizeof(reason), "%s", hit->entry.reason);
		hit->entry.vrm = vrm;
		hit->entry.list = list;
		hit->entry.reason = reason;
		hit->entry.file = NULL;
	}
	hotlist_holder_read_unlock(p->hotlists, p->hl_slot);
	return n > 0;
}

/* The fields every hotlist alert carries (a live hit or a search back). */
static void hit_alert(const struct pipeline *p, struct alert *a, int kind, const char *vrm,
		      const struct hotlist_hit *hit, int64_t time_us)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->time_us = time_us;
	snprintf(a->camera, sizeof(a->camera), "%s", p->cfg.camera_id);
	snprintf(a->vrm, sizeof(a->vrm), "%s", vrm);
	snprintf(a->entry_vrm, sizeof(a->entry_vrm), "%s", hit->entry.vrm);
	snprintf(a->list, sizeof(a->list), "%s", hit->entry.list);
	snprintf(a->reason, sizeof(a->reason), "%s", hit->entry.reason);
	a->priority = hit->entry.priority;
	a->action = hit->entry.action;
	a->distance = hit->distance;
	a->wildcard = hit->entry.wildcard;
}

static uint64_t send_alert(struct pipeline *p, const struct alert *a)
{
	if (ALERT_IS_HIT(a->kind) && a->kind != ALERT_HIT_RECORD)
		atomic_fetch_add(&p->stats.hits, 1);
	return p->cfg.alert ? p->cfg.alert(p->cfg.alert_ctx, a) : 0;
}

/*
 * The fate of vehicle vid's record, for the live hits sent on it: one
 * hit-record alert per hit, naming the record (id) or saying why there is
 * none (why). Any thread.
 */
static void resolve_hits(struct pipeline *p, uint64_t vid, const char *id, const char *why)
{
	for (;;) {
		struct alert a;
		int found = 0;

		pthread_mutex_lock(&p->hits_lock);
		for (int i = 0; i < p->npending && !found; i++) {
			struct pending_hit *h = &p->pending[i];

			if (h->a.vehicle != vid && vid)
				continue;
			a = h->a;
			if (h->ended) {
				snprintf(a.vrm, sizeof(a.vrm), "%s", h->vrm);
				a.time_us = h->time_us;
				a.confidence = h->conf;
			}
			memmove(h, h + 1, (size_t)(p->npending - i - 1) * sizeof(*h));
			p->npending--;
			found = 1;
		}
		pthread_mutex_unlock(&p->hits_lock);
		if (!found)
			return;
		a.kind = ALERT_HIT_RECORD;
		a.hit_seq = a.seq;
		a.seq = 0;
		a.record_pending = 0;
		snprintf(a.record, sizeof(a.record), "%s", id ? id : "");
		snprintf(a.detail, sizeof(a.detail), "%s", id ? "" : why);
		send_alert(p, &a);
		if (p->cfg.log && p->cfg.log_reads) {
			if (id)
				fprintf(p->cfg.log, "%sHITREC %-8s vehicle %llu: record %s (alert %llu)\n",
					P(5), a.vrm, (unsigned long long)a.vehicle, id,
					(unsigned long long)a.hit_seq);
			else
				fprintf(p->cfg.log, "%sHITREC %-8s vehicle %llu: NO RECORD: %s (alert %llu)\n",
					P(3), a.vrm, (unsigned long long)a.vehicle, why,
					(unsigned long long)a.hit_seq);
			fflush(p->cfg.log);
		}
	}
}

/* A live hit was sent as a (with its seq): follow it until its record. */
static void pending_add(struct pipeline *p, const struct alert *a)
{
	for (;;) {
		uint64_t oldest;

		pthread_mutex_lock(&p->hits_lock);
		if (p->npending < PENDING_HITS) {
			memset(&p->pending[p->npending], 0, sizeof(p->pending[0]));
			p->pending[p->npending++].a = *a;
			pthread_mutex_unlock(&p->hits_lock);
			return;
		}
		oldest = p->pending[0].a.vehicle;
		pthread_mutex_unlock(&p->hits_lock);
		/* more hits awaiting records than are followed: say so of the
		 * oldest rather than leave it silently pending */
		resolve_hits(p, oldest, NULL,
			     "too many hits awaiting records: this one is not followed; "
			     "the vehicle's record is the read record with its mark and time");
	}
}

/* The vehicle's track ended: its hits take the record's mark and time. */
static void pending_ended(struct pipeline *p, const struct trk_vehicle *v, int64_t time_us)
{
	pthread_mutex_lock(&p->hits_lock);
	for (int i = 0; i < p->npending; i++) {
		struct pending_hit *h = &p->pending[i];

		if (h->a.vehicle != v->id)
			continue;
		h->ended = 1;
		snprintf(h->vrm, sizeof(h->vrm), "%s", v->vrm);
		h->time_us = time_us;
		h->conf = v->conf;
	}
	pthread_mutex_unlock(&p->hits_lock);
}

/* The writer's word on a tagged read (ev_read_fn): its record, or none. */
static void on_record(void *ctx, uint64_t vid, const char *record_id, const char *why)
{
	struct pipeline *p = ctx;

	if (record_id) {
		pthread_mutex_lock(&p->recent_lock);
		recent_set_record(&p->recent, vid, record_id);
		pthread_mutex_unlock(&p->recent_lock);
	}
	resolve_hits(p, vid, record_id, why);
	pthread_mutex_lock(&p->hits_lock);
	if (p->awaiting)
		p->awaiting--;
	pthread_cond_broadcast(&p->hits_cond);
	pthread_mutex_unlock(&p->hits_lock);
}

/* The tracker dropped a track (fewer than min_reads reads): no record. */
static void on_dropped(void *ctx, uint64_t vid)
{
	resolve_hits(ctx, vid, NULL, "the vehicle was read fewer times than "
		     "[tracker] min_reads, so it was not recorded");
}

static void raise_hit(struct pipeline *p, const struct pl_done *d, const struct anpr_plate *pl,
		      const struct hotlist_hit *hit, uint64_t vid)
{
	struct alert a;
	uint64_t seq;
	char key[sizeof(p->dedup[0].key)];

	/* covert lists: the hit goes into the signed record only */
	if (hit->entry.action == HOTLIST_ACT_SILENT)
		return;
	snprintf(key, sizeof(key), "%s|%s", hit->entry.list, hit->entry.vrm);
	if (!dedup_should_alert(p, key, d->source, d->t_us))
		return;
	hit_alert(p, &a, ALERT_HIT, pl->text, hit,
		  (int64_t)d->when.utc.tv_sec * 1000000 + d->when.utc.tv_nsec / 1000);
	snprintf(a.source, sizeof(a.source), "%s", p->cfg.sources[d->source].name);
	a.confidence = pl->confidence;
	a.vehicle = vid;
	a.record_pending = 1;	/* written when the vehicle's track ends */
	seq = send_alert(p, &a);
	if (seq) {
		a.seq = seq;
		pending_add(p, &a);
	}
	if (p->cfg.log && p->cfg.log_reads) {
		flockfile(p->cfg.log);	/* one line, whatever other threads print */
		fprintf(p->cfg.log, "%sALERT  %-8s hotlist %s (%s)%s, source %s, vehicle %llu",
			P(4), pl->text, hit->entry.list, hit->entry.reason,
			hit->distance ? " [look-alike match]" : "",
			p->cfg.sources[d->source].name, (unsigned long long)vid);
		/* replayed as fast as possible, frame times are not wall time */
		if (!p->cfg.sources[d->source].replay_fast)
			fprintf(p->cfg.log, ", %.1f ms after capture",
				(mono_us() - d->t_us) / 1000.0);
		fputc('\n', p->cfg.log);
		fflush(p->cfg.log);
		funlockfile(p->cfg.log);
	}
}

/* The tracker's emit: one vehicle becomes one signed record. */
static void on_vehicle(void *ctx, const struct trk_vehicle *v)
{
	struct pipeline *p = ctx;
	struct snapshot *snap = snapshot_find(&p->snaps, v->best.source, v->best.frame_seq,
					      v->best.x, v->best.y);
	struct ev_read_in in;
	struct hotlist_hit hit;
	int is_hit, rc;

	memset(&in, 0, sizeof(in));
	/* the record says which hotlist set decided it: the one looked up */
	is_hit = lookup(p, v->vrm, &hit, in.hotlist_set_sha256);
	if (snap) {
		in.when = snap->when;
	} else {
		/* images evicted (a very long track): the record still gets
		 * its frame's time, mapped now, and the clock state now */
		map_to_utc((uint64_t)v->best.t_us * 1000u, &in.when);
		ev_clock_sample(&in.when.clock);
	}
	in.frame_seq = v->best.frame_seq;
	snprintf(in.vrm, sizeof(in.vrm), "%s", v->vrm);
	snprintf(in.region, sizeof(in.region), "%s", snap ? snap->region : "auto");
	in.confidence_permille = (unsigned)(v->conf * 1000.0f + 0.5f);
	{
		/* the position at the capture of the best read: a lost or old
		 * fix is recorded as such (docs/location.md) */
		struct anpr_location loc;

		if (p->cfg.gps)
			anpr_loc_tracker_query(p->cfg.gps, in.when.mono_ns, &loc);
		else
			anpr_location_fixed(&loc, p->cfg.fixed_lat, p->cfg.fixed_lon);
		if (anpr_location_format(&loc, in.position, sizeof(in.position)) < 0)
			in.position[0] = '\0';
	}
	if (is_hit) {
		snprintf(in.hotlist, sizeof(in.hotlist), "%s", hit.entry.list);
		snprintf(in.hotlist_entry, sizeof(in.hotlist_entry), "%s", hit.entry.vrm);
	}
	if (snap) {
		in.plate_jpg = snap->patch;
		in.plate_len = snap->patch_len;
		in.overview_jpg = snap->overview;
		in.overview_len = snap->overview_len;
	}
	in.lane = p->cfg.lane;
	/* the source's name, never its URI (which may hold a password) */
	snprintf(in.source, sizeof(in.source), "%s", p->cfg.sources[v->source].name);
	in.replay = p->sources[v->source].replay;
	in.tag = v->id;
	atomic_fetch_add(&p->stats.vehicles, 1);
	/* searched back once its record is written (on_record) */
	pthread_mutex_lock(&p->recent_lock);
	recent_add(&p->recent, v->vrm, (int64_t)in.when.utc.tv_sec * 1000 +
				       in.when.utc.tv_nsec / 1000000,
		   v->id, p->cfg.sources[v->source].name, v->conf);
	pthread_mutex_unlock(&p->recent_lock);
	pending_ended(p, v, (int64_t)in.when.utc.tv_sec * 1000000 + in.when.utc.tv_nsec / 1000);
	if (p->cfg.log && p->cfg.log_reads) {
		fprintf(p->cfg.log, "%sREAD   %-8s conf %.2f, %d reads, %s%s\n", P(6), v->vrm, v->conf,
			v->nreads, p->cfg.sources[v->source].name, is_hit ? ", HOTLIST HIT" : "");
		fflush(p->cfg.log);
	}
	if (!p->writer) {
		resolve_hits(p, v->id, NULL, "anprd runs without an evidence writer");
		return;
	}
	pthread_mutex_lock(&p->hits_lock);
	p->awaiting++;
	pthread_mutex_unlock(&p->hits_lock);
	rc = ev_writer_submit_read(p->writer, &in);
	if (rc == 0) {
		if (snap)
			snapshot_disown(snap);	/* the writer owns the JPEGs now */
		return;
	}
	atomic_fetch_add(&p->stats.writer_refused, 1);
	pthread_mutex_lock(&p->hits_lock);
	p->awaiting--;
	pthread_mutex_unlock(&p->hits_lock);
	resolve_hits(p, v->id, NULL, rc == EV_EFULL ? "the evidence writer's queue was "
		     "full" : rc == EV_EINVAL ? "the read was refused by the evidence "
		     "writer" : "record intake has stopped");
}

static void decide(struct pipeline *p, struct pl_done *d)
{
	if (d->t_us > p->now_us)
		p->now_us = d->t_us;
	for (int i = 0; !d->dropped && i < d->nplates; i++) {
		const struct anpr_plate *pl = &d->plates[i];
		struct trk_read r;
		struct hotlist_hit hit;
		uint64_t vid;

		memset(&r, 0, sizeof(r));
		snprintf(r.text, sizeof(r.text), "%s", pl->text);
		r.conf = pl->confidence;
		for (int k = 0; k < pl->nchars && k < ANPR_READER_MAX_CHARS; k++)
			r.char_conf[k] = pl->char_conf[k];
		r.source = d->source;
		r.frame_seq = d->frame_seq;
		r.t_us = d->t_us;
		r.x = (float)pl->box[0];
		r.y = (float)pl->box[1];
		r.w = (float)pl->box[2];
		r.h = (float)pl->box[3];
		r.frame_w = d->width;
		r.frame_h = d->height;
		snapshot_keep(&p->snaps, &d->snaps[i], d->source, d->frame_seq, r.x, r.y,
			      &d->when, anpr_region_name(pl->region));
		vid = tracker_add(p->tracker, &r);	/* the vehicle the read belongs to */
		if (lookup(p, pl->text, &hit, NULL))
			raise_hit(p, d, pl, &hit, vid);	/* at once, before any record */
		if (!p->cfg.sources[d->source].replay_fast) {
			int64_t ms = (mono_us() - d->t_us) / 1000;

			p->latency_hist[ms < 0 ? 0 : ms >= LATENCY_BUCKETS ? LATENCY_BUCKETS - 1 : ms]++;
		}
	}
	tracker_tick(p->tracker, p->now_us);
	if (p->writer && p->cfg.heartbeat_ms > 0 &&
	    p->now_us - p->last_heartbeat_us >= p->cfg.heartbeat_ms * 1000) {
		struct ev_heartbeat_in hb = {
			.frames_seen = atomic_load(&p->stats.frames),
			.reads_made = atomic_load(&p->stats.reads),
			.frames_dropped = atomic_load(&p->stats.drops_source) +
					  atomic_load(&p->stats.drops_queue),
		};

		if (p->last_heartbeat_us)
			ev_writer_submit_heartbeat(p->writer, &hb);
		p->last_heartbeat_us = p->now_us;
	}
}

static void *decision_thread(void *arg)
{
	struct pipeline *p = arg;

	for (;;) {
		struct pl_done *d;
		struct pl_source *s;

		pthread_mutex_lock(&p->done_lock);
		while (!p->done_head && !p->done_closed)
			pthread_cond_wait(&p->done_cond, &p->done_lock);
		d = p->done_head;
		if (d) {
			p->done_head = d->next;
			if (!p->done_head)
				p->done_tail = NULL;
		}
		pthread_mutex_unlock(&p->done_lock);
		if (!d)
			break;
		/* back into frame order: hold results until their turn */
		s = &p->sources[d->source];
		s->pending[d->job_no % REORDER_WINDOW] = d;
		while ((d = s->pending[s->next_decide % REORDER_WINDOW]) &&
		       d->job_no == s->next_decide) {
			s->pending[s->next_decide % REORDER_WINDOW] = NULL;
			s->next_decide++;
			decide(p, d);
			for (int i = 0; i < d->nplates; i++)
				snapshot_free(&d->snaps[i]);
			free(d);
		}
	}
	tracker_flush(p->tracker);
	return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

static int open_source(struct pipeline *p, int i, char *err, size_t errlen)
{
	const struct pl_source_config *sc = &p->cfg.sources[i];
	struct pl_source *s = &p->sources[i];
	int rc;

	s->p = p;
	s->index = i;
	health_state_init(&s->health);
	rc = anprcap_open(sc->uri, &s->cap);
	if (rc)
		goto fail;
	/* live or replayed, as the library opened it (records say which) */
	s->replay = strcmp(anprcap_backend(s->cap), "file") == 0;
	if (sc->fps > 0)
		anprcap_configure(s->cap, ANPRCAP_FMT_ANY, 0, 0, (uint32_t)sc->fps, 1);
	if (sc->replay_fast)
		anprcap_set_option(s->cap, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	if (sc->replay_loop)
		anprcap_set_option(s->cap, ANPRCAP_OPT_LOOP, 1);
	rc = anprcap_start(s->cap);
	if (rc)
		goto fail;
	if (p->cfg.logger)	/* the URI names a device or a recording, never a place */
		anprd_log(p->cfg.logger, 6, ANPRD_EV_SOURCE_OPENED, sc->name, NULL,
			  "source %s: opened %s", sc->name, sc->uri);
	return 0;
fail:
	snprintf(err, errlen, "source %s (%s): %s", sc->name, sc->uri, anprcap_last_error());
	return -1;
}

int pipeline_start(struct pipeline **out, const struct pl_config *cfg,
		   struct hotlist_holder *hotlists, struct ev_writer *writer,
		   char *err, size_t errlen)
{
	struct pipeline *p;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	*out = NULL;
	if (cfg->nsources < 1 || cfg->nsources > PL_MAX_SOURCES) {
		snprintf(err, errlen, "pipeline: %d sources (1..%d)", cfg->nsources,
			 PL_MAX_SOURCES);
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "pipeline: out of memory");
		return -1;
	}
	p->cfg = *cfg;
	if (p->cfg.jpeg_quality <= 0)
		p->cfg.jpeg_quality = 85;
	p->hotlists = hotlists;
	p->writer = writer;
	p->nworkers = cfg->workers > 0 ? cfg->workers : (int)(cores > 0 ? cores : 1);
	if (p->nworkers > PL_MAX_WORKERS)
		p->nworkers = PL_MAX_WORKERS;
	p->jobs_cap = p->nworkers * JOB_QUEUE_PER_WORKER;
	/* arrays of job pointers */
	p->jobs = calloc((size_t)p->jobs_cap, sizeof(struct pl_job *));
	p->pool = calloc((size_t)p->jobs_cap + (size_t)p->nworkers + 2, sizeof(struct pl_job *));
	p->hl_slot = hotlists ? hotlist_holder_register(hotlists) : -1;
	p->tracker = tracker_new(&cfg->tracker, on_vehicle, p);
	p->pending = calloc(PENDING_HITS, sizeof(*p->pending));
	if (!p->jobs || !p->pool || !p->tracker || !p->pending ||
	    snapshot_store_init(&p->snaps, SNAPSHOTS) ||
	    recent_init(&p->recent, RECENT_VEHICLES,
			cfg->search_back_ms > 0 ? cfg->search_back_ms : 1)) {
		snprintf(err, errlen, "pipeline: out of memory");
		goto fail;
	}
	pthread_mutex_init(&p->state_lock, NULL);
	pthread_mutex_init(&p->recent_lock, NULL);
	pthread_mutex_init(&p->hits_lock, NULL);
	pthread_cond_init(&p->hits_cond, NULL);
	pthread_cond_init(&p->state_cond, NULL);
	pthread_mutex_init(&p->job_lock, NULL);
	pthread_cond_init(&p->job_cond, NULL);
	pthread_cond_init(&p->space_cond, NULL);
	pthread_mutex_init(&p->done_lock, NULL);
	pthread_cond_init(&p->done_cond, NULL);
	for (i = 0; i < cfg->nsources; i++)
		if (open_source(p, i, err, errlen))
			goto fail_sources;
	tracker_on_drop(p->tracker, on_dropped);
	if (writer)
		ev_writer_on_read(writer, on_record, p);
	pthread_create(&p->decision, NULL, decision_thread, p);
	for (i = 0; i < p->nworkers; i++)
		pthread_create(&p->workers[i], NULL, worker_thread, p);
	for (i = 0; i < cfg->nsources; i++) {
		pthread_create(&p->sources[i].thread, NULL, capture_thread, &p->sources[i]);
		p->sources[i].started = 1;
	}
	*out = p;
	return 0;
fail_sources:
	for (i = 0; i < cfg->nsources; i++)
		anprcap_close(p->sources[i].cap);
fail:
	tracker_free(p->tracker);
	snapshot_store_free(&p->snaps);
	recent_free(&p->recent);
	free(p->pending);
	free(p->jobs);
	free(p->pool);
	free(p);
	return -1;
}

unsigned pipeline_health(const struct pipeline *p, int source)
{
	return source >= 0 && source < p->cfg.nsources ?
	       atomic_load(&p->stats.health_active[source]) : 0;
}

int pipeline_eof(struct pipeline *p)
{
	int all;

	pthread_mutex_lock(&p->state_lock);
	all = p->all_ended;
	pthread_mutex_unlock(&p->state_lock);
	return all;
}

void pipeline_totals(const struct pipeline *p, struct pl_totals *o)
{
	memset(o, 0, sizeof(*o));
	o->frames = atomic_load(&p->stats.frames);
	o->drops_source = atomic_load(&p->stats.drops_source);
	o->drops_queue = atomic_load(&p->stats.drops_queue);
	o->reads = atomic_load(&p->stats.reads);
	o->vehicles = atomic_load(&p->stats.vehicles);
	o->hits = atomic_load(&p->stats.hits);
	o->writer_refused = atomic_load(&p->stats.writer_refused);
	o->source_errors = atomic_load(&p->stats.source_errors);
}

static unsigned percentile(const uint64_t *hist, uint64_t n, double q)
{
	uint64_t want = (uint64_t)(q * (double)n + 0.999999), seen = 0;

	for (unsigned i = 0; i < LATENCY_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= want && seen)
			return i;
	}
	return 0;
}

/* After the decision thread has been joined: its histogram is stable. */
static void final_latency(const struct pipeline *p, struct pl_totals *o)
{
	o->latency_n = 0;
	o->latency_max_ms = 0;
	for (unsigned i = 0; i < LATENCY_BUCKETS; i++) {
		o->latency_n += p->latency_hist[i];
		if (p->latency_hist[i])
			o->latency_max_ms = i;
	}
	o->latency_p50_ms = percentile(p->latency_hist, o->latency_n, 0.50);
	o->latency_p99_ms = percentile(p->latency_hist, o->latency_n, 0.99);
}

void pipeline_stop(struct pipeline *p, struct pl_totals *final)
{
	int i;

	if (!p)
		return;
	atomic_store(&p->stop, 1);
	pthread_mutex_lock(&p->job_lock);
	pthread_cond_broadcast(&p->space_cond);
	pthread_mutex_unlock(&p->job_lock);
	for (i = 0; i < p->cfg.nsources; i++)
		if (p->sources[i].started)
			pthread_join(p->sources[i].thread, NULL);
	pthread_mutex_lock(&p->job_lock);
	p->job_closed = 1;		/* workers finish what is queued */
	pthread_cond_broadcast(&p->job_cond);
	pthread_mutex_unlock(&p->job_lock);
	for (i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	pthread_mutex_lock(&p->done_lock);
	p->done_closed = 1;
	pthread_cond_broadcast(&p->done_cond);
	pthread_mutex_unlock(&p->done_lock);
	pthread_join(p->decision, NULL);
	/* every vehicle is with the writer: wait for its word on each, so
	 * that each hit sent is followed by its record (or why none) */
	if (p->writer) {
		struct timespec dl;

		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += RECORD_WAIT_S;
		pthread_mutex_lock(&p->hits_lock);
		while (p->awaiting &&
		       pthread_cond_timedwait(&p->hits_cond, &p->hits_lock, &dl) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&p->hits_lock);
		ev_writer_on_read(p->writer, NULL, NULL);
	}
	resolve_hits(p, 0, NULL, "anprd stopped before the evidence writer confirmed "
		     "the record");
	if (final) {
		pipeline_totals(p, final);
		final_latency(p, final);
	}
	for (i = 0; i < p->cfg.nsources; i++) {
		for (int k = 0; k < REORDER_WINDOW; k++) {
			struct pl_done *d = p->sources[i].pending[k];

			if (d) {
				for (int n = 0; n < d->nplates; n++)
					snapshot_free(&d->snaps[n]);
				free(d);
			}
		}
		anprcap_close(p->sources[i].cap);
		free(p->sources[i].roi_mask);
	}
	while (p->pool_n) {
		struct pl_job *j = p->pool[--p->pool_n];

		free(j->px);
		free(j);
	}
	tracker_free(p->tracker);
	snapshot_store_free(&p->snaps);
	recent_free(&p->recent);
	free(p->pending);
	pthread_mutex_destroy(&p->hits_lock);
	pthread_cond_destroy(&p->hits_cond);
	free(p->jobs);
	free(p->pool);
	free(p);
}

struct backhit_ctx {
	struct pipeline *p;
	size_t raised;
};

static int on_backhit(void *ctx, const struct recent_read *r, const struct hotlist_hit *hit)
{
	struct backhit_ctx *b = ctx;
	struct pipeline *p = b->p;
	struct alert a;

	if (hit->entry.action == HOTLIST_ACT_SILENT)
		return 0;
	hit_alert(p, &a, ALERT_HIT_SEARCHBACK, r->vrm, hit, r->time_ms * 1000);
	snprintf(a.source, sizeof(a.source), "%s", r->source);
	snprintf(a.record, sizeof(a.record), "%s", r->record);
	a.vehicle = r->vehicle;
	a.confidence = r->confidence;
	send_alert(p, &a);
	if (p->cfg.log && p->cfg.log_reads) {
		fprintf(p->cfg.log, "%sALERT  %-8s hotlist %s (%s), search back: passed %.0f s ago, "
			"source %s, vehicle %llu, record %s\n", P(4),
			r->vrm, hit->entry.list, hit->entry.reason,
			(double)(time(NULL) * 1000LL - r->time_ms) / 1000.0, r->source,
			(unsigned long long)r->vehicle, r->record);
		fflush(p->cfg.log);
	}
	b->raised++;
	return 0;
}

size_t pipeline_search_back(struct pipeline *p, const struct hotlist *added)
{
	struct backhit_ctx b = { p, 0 };
	struct timespec now;

	if (!added || p->cfg.search_back_ms <= 0)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&p->recent_lock);
	recent_search_back(&p->recent, added, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
			   p->cfg.max_fuzzy, on_backhit, &b);
	pthread_mutex_unlock(&p->recent_lock);
	return b.raised;
}
