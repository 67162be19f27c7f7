// SPDX-License-Identifier: MIT
/*
 * pipeline.c - anprd's pipeline: its life cycle (start, the end of
 * recordings, totals, stop). The threads are one file each (capture,
 * readers, decision: pipeline_int.h says which); see pipeline.h for the
 * shape. Locking: each queue has its own mutex, named beside what it
 * protects (pipeline_int.h); the tracker, the snapshot store and the
 * alert de-duplication table belong to the decision thread alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anprd/pipeline_int.h"

/* Every read the reader makes is tracked, matched and recorded whole (the
 * tracker's and the hotlists' limit is the record format's, issue 18). */
_Static_assert(ANPR_READER_MAX_CHARS <= TRK_TEXT_MAX, "reads must fit the tracker");
_Static_assert(TRK_TEXT_MAX <= EV_VRM_MAX, "tracked marks must fit a record");

const char *pl_prio(int on, int prio)
{
	static const char *const tag[8] = { "<0>", "<1>", "<2>", "<3>", "<4>", "<5>", "<6>",
					     "<7>" };

	return on && prio >= 0 && prio < 8 ? tag[prio] : "";
}

int64_t pl_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

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
	if (!p->jobs || !p->pool || pl_decision_init(p)) {
		snprintf(err, errlen, "pipeline: out of memory");
		goto fail;
	}
	pthread_mutex_init(&p->state_lock, NULL);
	pthread_cond_init(&p->state_cond, NULL);
	pthread_mutex_init(&p->job_lock, NULL);
	pthread_cond_init(&p->job_cond, NULL);
	pthread_cond_init(&p->space_cond, NULL);
	pthread_mutex_init(&p->done_lock, NULL);
	pthread_cond_init(&p->done_cond, NULL);
	for (i = 0; i < cfg->nsources; i++)
		if (open_source(p, i, err, errlen))
			goto fail_sources;
	if (writer)
		ev_writer_on_read(writer, pl_on_record, p);
	pthread_create(&p->decision, NULL, pl_decision_thread, p);
	for (i = 0; i < p->nworkers; i++)
		pthread_create(&p->workers[i], NULL, pl_worker_thread, p);
	for (i = 0; i < cfg->nsources; i++) {
		pthread_create(&p->sources[i].thread, NULL, pl_capture_thread, &p->sources[i]);
		p->sources[i].started = 1;
	}
	*out = p;
	return 0;
fail_sources:
	for (i = 0; i < cfg->nsources; i++)
		anprcap_close(p->sources[i].cap);
fail:
	pl_decision_free(p);
	free(p->jobs);
	free(p->pool);
	free(p);
	return -1;
}

unsigned pipeline_health(const struct pipeline *p, int source)
{
	if (source < 0 || source >= p->cfg.nsources)
		return 0;
	return atomic_load(&p->stats.health_active[source]) |
	       (atomic_load(&p->stats.unread_active[source]) ? HEALTH_UNREADABLE : 0);
}

int pipeline_stream(struct pipeline *p, int source, struct stream_state *out)
{
	memset(out, 0, sizeof(*out));
	if (source < 0 || source >= p->cfg.nsources)
		return -1;
	pthread_mutex_lock(&p->state_lock);
	*out = p->sources[source].stream;
	pthread_mutex_unlock(&p->state_lock);
	return 0;
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
	pl_resolve_hits(p, 0, NULL, "anprd stopped before the evidence writer confirmed "
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
	pl_decision_free(p);
	free(p->jobs);
	free(p->pool);
	free(p);
}
