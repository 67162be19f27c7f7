// SPDX-License-Identifier: MIT
/*
 * pipeline_decide.c - anprd's decision thread: results put back in capture order,
 * the tracker (one vehicle per pass), the hotlists, alerts (live hits
 * first, de-duplicated) and a record for every vehicle; and the search
 * back over recent vehicles when a reload adds hotlist entries. The
 * tracker, the snapshot store and the de-duplication table are this
 * thread's alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anprd/pipeline_int.h"

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
void pl_hit_alert(const struct pipeline *p, struct alert *a, int kind, const char *vrm,
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

uint64_t pl_send_alert(struct pipeline *p, const struct alert *a)
{
	if (ALERT_IS_HIT(a->kind) && a->kind != ALERT_HIT_RECORD)
		atomic_fetch_add(&p->stats.hits, 1);
	return p->cfg.alert ? p->cfg.alert(p->cfg.alert_ctx, a) : 0;
}

void pl_send_health(struct pipeline *p, const struct alert *a)
{
	pl_send_alert(p, a);
	if (p->cfg.logger)
		anprd_log(p->cfg.logger, a->active ? 4 : 5, ANPRD_EV_NONE, a->source, NULL,
			  "HEALTH %s: %s %s", a->source, a->state, a->active ? "raised" : "cleared");
}

/*
 * The fate of vehicle vid's record, for the live hits sent on it: one
 * hit-record alert per hit, naming the record (id) or saying why there is
 * none (why). Any thread.
 */
void pl_resolve_hits(struct pipeline *p, uint64_t vid, const char *id, const char *why)
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
		pl_send_alert(p, &a);
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
		pl_resolve_hits(p, oldest, NULL,
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
void pl_on_record(void *ctx, uint64_t vid, const char *record_id, const char *why)
{
	struct pipeline *p = ctx;

	if (record_id) {
		pthread_mutex_lock(&p->recent_lock);
		recent_set_record(&p->recent, vid, record_id);
		pthread_mutex_unlock(&p->recent_lock);
	}
	pl_resolve_hits(p, vid, record_id, why);
	pthread_mutex_lock(&p->hits_lock);
	if (p->awaiting)
		p->awaiting--;
	pthread_cond_broadcast(&p->hits_cond);
	pthread_mutex_unlock(&p->hits_lock);
}

/* The tracker dropped a track (fewer than min_reads reads): no record. */
void pl_on_dropped(void *ctx, uint64_t vid)
{
	pl_resolve_hits(ctx, vid, NULL, "the vehicle was read fewer times than "
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
	pl_hit_alert(p, &a, ALERT_HIT, pl->text, hit,
		  (int64_t)d->when.utc.tv_sec * 1000000 + d->when.utc.tv_nsec / 1000);
	snprintf(a.source, sizeof(a.source), "%s", p->cfg.sources[d->source].name);
	a.confidence = pl->confidence;
	a.vehicle = vid;
	a.record_pending = 1;	/* written when the vehicle's track ends */
	seq = pl_send_alert(p, &a);
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
				(pl_mono_us() - d->t_us) / 1000.0);
		fputc('\n', p->cfg.log);
		fflush(p->cfg.log);
		funlockfile(p->cfg.log);
	}
}

/* The hotlist set in force (HOTLIST_SET_NONE without one). */
static void set_in_force(struct pipeline *p, char set_sha256[HOTLIST_SET_HEX + 1])
{
	const struct hotlist *hl;

	snprintf(set_sha256, HOTLIST_SET_HEX + 1, "%s", HOTLIST_SET_NONE);
	if (!p->hotlists || p->hl_slot < 0)
		return;
	hl = hotlist_holder_read_lock(p->hotlists, p->hl_slot);
	if (hl)
		snprintf(set_sha256, HOTLIST_SET_HEX + 1, "%s", hotlist_set_sha256(hl));
	hotlist_holder_read_unlock(p->hotlists, p->hl_slot);
}

/* The alert of a vehicle whose plate was not read: no hit (docs/alerts.md). */
static void unreadable_alert(struct pipeline *p, const struct trk_vehicle *v,
			     const struct ev_read_in *in)
{
	struct alert a;

	memset(&a, 0, sizeof(a));
	a.kind = ALERT_UNREADABLE;
	a.time_us = (int64_t)in->when.utc.tv_sec * 1000000 + in->when.utc.tv_nsec / 1000;
	snprintf(a.camera, sizeof(a.camera), "%s", p->cfg.camera_id);
	snprintf(a.source, sizeof(a.source), "%s", p->cfg.sources[v->source].name);
	a.vehicle = v->id;
	a.confidence = v->conf;
	snprintf(a.state, sizeof(a.state), "%s", anpr_unread_why_name(v->unread));
	snprintf(a.detail, sizeof(a.detail), "a plate found in %d frames of the "
		 "vehicle's pass, read in none", v->nunread);
	pl_send_alert(p, &a);
}

/* The source's share of vehicles whose plate was found but not read
 * (core/unread_rate.h): when it is raised or clears, a health alert of
 * state "unreadable-plates" and a log line, as the view's conditions have
 * (pipeline_capture.c), and the status file's health says so. */
static void unread_health(struct pipeline *p, const struct trk_vehicle *v, int64_t time_us)
{
	struct unread_rate *r = &p->unread_rate[v->source];
	struct alert a;

	if (!unread_rate_add(r, &p->cfg.unread, v->unread != 0))
		return;
	atomic_store(&p->stats.unread_active[v->source], r->active);
	health_alert_init(&a, HEALTH_UNREADABLE, r->active, p->cfg.camera_id,
			  p->cfg.sources[v->source].name, time_us);
	snprintf(a.detail, sizeof(a.detail), "%d of the last %d vehicles' plates found but "
		 "not read%s", r->unread, r->n,
		 r->active ? ": a dirty or misted lens, the IR lamp or the focus more likely "
			     "than that many defaced plates" : "");
	pl_send_health(p, &a);
}

/* A vehicle whose plate was found but never read: its record (no mark, no
 * hit, the images of its strongest frame) and its alert, which is no hit
 * (docs/alerts.md, kind unreadable). */
static void unreadable_vehicle(struct pipeline *p, const struct trk_vehicle *v,
			       struct ev_read_in *in, struct snapshot *snap)
{
	int rc;

	atomic_fetch_add(&p->stats.unreadable, 1);
	unreadable_alert(p, v, in);
	if (p->cfg.log && p->cfg.log_reads) {
		fprintf(p->cfg.log, "%sUNREAD plate found, not read (%s), in %d frames, %s\n",
			P(6), anpr_unread_why_name(v->unread), v->nunread,
			p->cfg.sources[v->source].name);
		fflush(p->cfg.log);
	}
	if (!p->writer)
		return;
	in->tag = 0;	/* no hit waits for it */
	rc = ev_writer_submit_read(p->writer, in);
	if (rc == 0) {
		if (snap)
			snapshot_disown(snap);
		return;
	}
	atomic_fetch_add(&p->stats.writer_refused, 1);
}

/* The tracker's emit: one vehicle becomes one signed record. */
void pl_on_vehicle(void *ctx, const struct trk_vehicle *v)
{
	struct pipeline *p = ctx;
	struct snapshot *snap = snapshot_find(&p->snaps, v->best.source, v->best.frame_seq,
					      v->best.x, v->best.y);
	struct ev_read_in in;
	struct hotlist_hit hit;
	int is_hit, rc;

	memset(&in, 0, sizeof(in));
	if (v->unread) {
		/* a plate found but never read: no mark, so no hit; the
		 * record still says which hotlist set was in force */
		is_hit = 0;
		set_in_force(p, in.hotlist_set_sha256);
		snprintf(in.plate_state, sizeof(in.plate_state), "%s%s",
			 EV_PLATE_UNREADABLE, anpr_unread_why_name(v->unread));
	} else {
		/* the record says which hotlist set decided it: the one
		 * looked up */
		is_hit = lookup(p, v->vrm, &hit, in.hotlist_set_sha256);
	}
	if (snap) {
		in.when = snap->when;
	} else {
		/* images evicted (a very long track): the record still gets
		 * its frame's time, mapped now, and the clock state now */
		pl_map_to_utc((uint64_t)v->best.t_us * 1000u, &in.when);
		ev_clock_sample(&in.when.clock);
	}
	in.frame_seq = v->best.frame_seq;
	snprintf(in.vrm, sizeof(in.vrm), "%s", v->unread ? EV_NONE : v->vrm);
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
	unread_health(p, v, (int64_t)in.when.utc.tv_sec * 1000000 + in.when.utc.tv_nsec / 1000);
	if (v->unread) {
		unreadable_vehicle(p, v, &in, snap);
		return;
	}
	/* searched back once its record is written (pl_on_record) */
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
		pl_resolve_hits(p, v->id, NULL, "anprd runs without an evidence writer");
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
	pl_resolve_hits(p, v->id, NULL, rc == EV_EFULL ? "the evidence writer's queue was "
		     "full" : rc == EV_EINVAL ? "the read was refused by the evidence "
		     "writer" : "record intake has stopped");
}

/* Where and when a tracker read was seen: d's frame, the plate's box. */
static void trk_read_place(struct trk_read *r, const struct pl_done *d, const int box[4])
{
	r->source = d->source;
	r->frame_seq = d->frame_seq;
	r->t_us = d->t_us;
	r->x = (float)box[0];
	r->y = (float)box[1];
	r->w = (float)box[2];
	r->h = (float)box[3];
	r->frame_w = d->width;
	r->frame_h = d->height;
}

void pl_decide(struct pipeline *p, struct pl_done *d)
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
		trk_read_place(&r, d, pl->box);
		snapshot_keep(&p->snaps, &d->snaps[i], d->source, d->frame_seq, r.x, r.y,
			      &d->when, anpr_region_name(pl->region));
		vid = tracker_add(p->tracker, &r);	/* the vehicle the read belongs to */
		if (lookup(p, pl->text, &hit, NULL))
			raise_hit(p, d, pl, &hit, vid);	/* at once, before any record */
		if (!p->cfg.sources[d->source].replay_fast) {
			int64_t ms = (pl_mono_us() - d->t_us) / 1000;

			p->latency_hist[ms < 0 ? 0 : ms >= LATENCY_BUCKETS ? LATENCY_BUCKETS - 1 : ms]++;
		}
	}
	for (int i = 0; !d->dropped && i < d->nunread; i++) {
		const struct anpr_unread *u = &d->unread[i];
		struct trk_read r;

		memset(&r, 0, sizeof(r));
		r.unread = u->why;
		r.evidence = u->evidence;
		trk_read_place(&r, d, u->box);
		snapshot_keep(&p->snaps, &d->usnaps[i], d->source, d->frame_seq, r.x, r.y,
			      &d->when, "gb");
		tracker_add(p->tracker, &r);
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

void *pl_decision_thread(void *arg)
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
			pl_decide(p, d);
			for (int i = 0; i < d->nplates; i++)
				snapshot_free(&d->snaps[i]);
			for (int i = 0; i < d->nunread; i++)
				snapshot_free(&d->usnaps[i]);
			free(d);
		}
	}
	tracker_flush(p->tracker);
	return NULL;
}

int pl_decision_init(struct pipeline *p)
{
	p->hl_slot = p->hotlists ? hotlist_holder_register(p->hotlists) : -1;
	p->tracker = tracker_new(&p->cfg.tracker, pl_on_vehicle, p);
	p->pending = calloc(PENDING_HITS, sizeof(*p->pending));
	if (!p->tracker || !p->pending || snapshot_store_init(&p->snaps, SNAPSHOTS) ||
	    recent_init(&p->recent, RECENT_VEHICLES,
			p->cfg.search_back_ms > 0 ? p->cfg.search_back_ms : 1)) {
		pl_decision_free(p);
		return -1;
	}
	tracker_on_drop(p->tracker, pl_on_dropped);
	pthread_mutex_init(&p->recent_lock, NULL);
	pthread_mutex_init(&p->hits_lock, NULL);
	pthread_cond_init(&p->hits_cond, NULL);
	p->decision_ready = 1;
	return 0;
}

void pl_decision_free(struct pipeline *p)
{
	tracker_free(p->tracker);
	p->tracker = NULL;
	snapshot_store_free(&p->snaps);
	recent_free(&p->recent);
	free(p->pending);
	p->pending = NULL;
	if (p->decision_ready) {
		pthread_mutex_destroy(&p->recent_lock);
		pthread_mutex_destroy(&p->hits_lock);
		pthread_cond_destroy(&p->hits_cond);
		p->decision_ready = 0;
	}
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
	pl_hit_alert(p, &a, ALERT_HIT_SEARCHBACK, r->vrm, hit, r->time_ms * 1000);
	snprintf(a.source, sizeof(a.source), "%s", r->source);
	snprintf(a.record, sizeof(a.record), "%s", r->record);
	a.vehicle = r->vehicle;
	a.confidence = r->confidence;
	pl_send_alert(p, &a);
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
