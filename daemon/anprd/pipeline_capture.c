// SPDX-License-Identifier: MIT
/*
 * pipeline_capture.c - anprd's capture threads, one per source: frames taken from
 * libanprcap, stamped with UTC and the clock's state at capture, masked to
 * the region of interest, checked for camera health, and queued for the
 * readers (when the queue is full the oldest waiting frame is dropped and
 * counted: capture never waits; docs/architecture.md, "When a queue is
 * full"). The pool of jobs and the results queue live here too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anprd/pipeline_int.h"

/* The capture-time stamp of a frame: its monotonic timestamp mapped to UTC
 * through the clocks read now, with the clock-sync state (cached 1 s). */
int64_t pl_map_to_utc(uint64_t mono_ns, struct ev_when *w)
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

static void stamp_frame(struct pl_source *s, const struct anprcap_frame *f, struct ev_when *w)
{
	int64_t now_ns = pl_map_to_utc(f->timestamp_ns, w);

	/* how the frame's own time was obtained, for its read records */
	w->capclk = capture_clock_of(f, &w->clocks_disagree);

	if (now_ns / 1000 - s->clock_sampled_us > 1000000 || !s->clock_sampled_us) {
		if (ev_clock_sample(&s->clock) == 0)
			s->clock_sampled_us = now_ns / 1000;
	}
	w->clock = s->clock;
}

static int64_t utc_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static uint64_t mono_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* An IP camera's stream: an outage the library reported (true when it
 * starts one), and a frame that came (the library's reconnect and lost
 * time counts); under state_lock, which the status reads it under. */
static bool stream_lost(struct pl_source *s, const char *msg)
{
	bool began;

	/* only an IP camera's messages have an outage's form */
	if (strncmp(anprcap_backend(s->cap), "rtsp", 4) != 0)
		return false;
	pthread_mutex_lock(&s->p->state_lock);
	began = stream_state_lost(&s->stream, msg, mono_now_ns(), utc_now_us());
	pthread_mutex_unlock(&s->p->state_lock);
	return began;
}

static void stream_frame(struct pl_source *s, const struct anprcap_rtsp_meta *m)
{
	pthread_mutex_lock(&s->p->state_lock);
	/* the frame's arrival, as the library measures the outage from it */
	stream_state_frame(&s->stream, m, m->receive_mono_ns, m->receive_utc_ns / 1000);
	pthread_mutex_unlock(&s->p->state_lock);
}

struct pl_job *pl_pool_get(struct pipeline *p)
{
	struct pl_job *j = NULL;

	pthread_mutex_lock(&p->job_lock);
	if (p->pool_n)
		j = p->pool[--p->pool_n];
	pthread_mutex_unlock(&p->job_lock);
	return j ? j : calloc(1, sizeof(*j));
}

void pl_pool_put(struct pipeline *p, struct pl_job *j)
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

void pl_done_push(struct pipeline *p, struct pl_done *d)
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

struct pl_done *pl_done_for(const struct pl_job *j, int dropped)
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
		struct pl_done *d = pl_done_for(victim, 1);

		atomic_fetch_add(&p->stats.drops_queue, 1);
		if (d)
			pl_done_push(p, d);
		pl_pool_put(p, victim);
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
	for (int i = 0; i < n; i++)
		pl_send_health(p, &out[i]);
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

void *pl_capture_thread(void *arg)
{
	struct pl_source *s = arg;
	struct pipeline *p = s->p;
	const char *name = p->cfg.sources[s->index].name;

	while (!atomic_load(&p->stop)) {
		const struct anprcap_frame *f;
		struct pl_job *j;
		size_t row, need;
		int rc = anprcap_next_frame(s->cap, CAPTURE_POLL_MS, &f);

		if (rc == ANPRCAP_E_TIMEOUT) {
			/* an IP camera lost: said once, while the library
			 * reconnects (its end and the time lost: below), and
			 * kept for the status file */
			if (stream_lost(s, anprcap_last_error()) && p->cfg.logger)
				anprd_log(p->cfg.logger, 3, ANPRD_EV_SOURCE_LOST, name, NULL,
					  "source %s: %s", name, anprcap_last_error());
			continue;
		}
		if (rc == ANPRCAP_E_EOF) {
			if (p->cfg.logger)
				anprd_log(p->cfg.logger, 6, ANPRD_EV_SOURCE_ENDED, name, NULL,
					  "source %s: end of recording", name);
			break;
		}
		if (rc) {
			atomic_fetch_add(&p->stats.source_errors, 1);
			/* a camera refusing the credentials is an outage too */
			stream_lost(s, anprcap_last_error());
			if (p->cfg.logger)
				anprd_log(p->cfg.logger, 3, ANPRD_EV_SOURCE_LOST, name, NULL,
					  "source %s: %s", name, anprcap_last_error());
			if (rc == ANPRCAP_E_NODEV || rc == ANPRCAP_E_INVAL)
				break;
			usleep(100000);
			continue;
		}
		if (f->meta_format == ANPRCAP_META_RTSP &&
		    f->meta_bytes >= sizeof(struct anprcap_rtsp_meta)) {
			const struct anprcap_rtsp_meta *m = f->meta;

			if ((m->flags & ANPRCAP_RTSP_FL_RECONNECTED) && p->cfg.logger)
				anprd_log(p->cfg.logger, 4, ANPRD_EV_NONE, name, NULL,
					  "source %s: stream back after %.1f s lost, %u frames "
					  "(%u reconnects, %.1f s lost since start)", name,
					  (double)m->gap_ns / 1e9, f->drops, m->reconnects,
					  (double)m->lost_ns / 1e9);
			stream_frame(s, m);
		}
		atomic_fetch_add(&p->stats.drops_source, f->drops);
		if (f->format != ANPRCAP_FMT_GREY && f->format != ANPRCAP_FMT_YUYV &&
		    f->format != ANPRCAP_FMT_NV12) {
			anprcap_release_frame(s->cap, f);
			atomic_fetch_add(&p->stats.source_errors, 1);
			continue;
		}
		j = pl_pool_get(p);
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
		stamp_frame(s, f, &j->when);
		anprcap_release_frame(s->cap, f);	/* before any reading */
		check_health(s, j);		/* on the whole view */
		apply_roi(s, j);
		atomic_fetch_add(&p->stats.frames, 1);
		job_push(p, j, p->cfg.sources[s->index].replay_fast);
	}
	mark_ended(s);
	return NULL;
}
