/* SPDX-License-Identifier: MIT */
/*
 * writer.c - the writer thread. The capture path hands records over with
 * ev_writer_submit_*(), which only copies into a bounded queue under a
 * mutex held for O(1) work: no I/O, no signing, never a wait on the disk.
 * A full queue drops the record and counts it (the next heartbeat says
 * how many). The thread takes batches off the queue, signs and stages
 * them, adds checkpoints when due, and group-commits; a commit error stops
 * intake and is reported once through on_error.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/evidence_spool.h"

enum item_kind { IT_READ, IT_HEARTBEAT, IT_ROTATE };

struct item {
	enum item_kind kind;
	struct ev_read_in rd;
	struct ev_heartbeat_in hb;
	struct ev_when when;
	struct ev_key key;
};

/* A tagged read staged, awaiting its commit to be told (ev_read_fn). */
struct told {
	uint64_t tag, seq;
	char id[EV_VALUE_MAX];
};

struct ev_writer {
	struct ev_writer_config cfg;
	struct ev_spool *sp;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct item *q;
	unsigned qcap, qhead, qlen;
	bool stopping, started;
	atomic_int failed;
	pthread_mutex_t emu;		/* failmsg: writer and committer threads */
	char failmsg[512];
	atomic_uint_fast64_t acked, dropped;
	uint64_t start_mono;
	struct ev_record *rec;	/* scratch, writer thread only */
	pthread_mutex_t cbmu;	/* protects: on_read, on_read_ctx; held
				   while the callback runs */
	ev_read_fn on_read;
	void *on_read_ctx;
	pthread_mutex_t tmu;	/* protects: the told ring */
	struct told *t;		/* staged tagged reads, in seq order */
	unsigned tcap, thead, tlen;
};

static void tell(struct ev_writer *w, uint64_t tag, const char *id,
		 const char *why)
{
	pthread_mutex_lock(&w->cbmu);
	if (w->on_read)
		w->on_read(w->on_read_ctx, tag, id, why);
	pthread_mutex_unlock(&w->cbmu);
}

/* Tell the staged tagged reads up to seq: durable (ok), or never. */
static void tell_staged(struct ev_writer *w, uint64_t upto, const char *why)
{
	for (;;) {
		struct told t;
		bool have = false;

		pthread_mutex_lock(&w->tmu);
		if (w->tlen && w->t[w->thead].seq <= upto) {
			t = w->t[w->thead];
			w->thead = (w->thead + 1) % w->tcap;
			w->tlen--;
			have = true;
		}
		pthread_mutex_unlock(&w->tmu);
		if (!have)
			return;
		tell(w, t.tag, why ? NULL : t.id, why);
	}
}

/* Why nothing more is written, once intake has stopped. */
static void stopped_why(struct ev_writer *w, char *out, size_t cap)
{
	pthread_mutex_lock(&w->emu);
	snprintf(out, cap, "record intake stopped: %s",
		 w->failmsg[0] ? w->failmsg : "the writer is stopping");
	pthread_mutex_unlock(&w->emu);
}

static void now(struct ev_writer *w, struct ev_when *out)
{
	w->cfg.now(w->cfg.now_ctx, out);
}

static void free_item(struct item *it)
{
	if (it->kind == IT_READ) {
		free(it->rd.plate_jpg);
		free(it->rd.overview_jpg);
	}
	ev_key_free(&it->key);	/* a rotation's new key: the chain has its own */
}

static int stage_heartbeat(struct ev_writer *w, const char *event,
			   const struct ev_heartbeat_in *hb,
			   const struct ev_when *when, char *err,
			   size_t errlen)
{
	struct ev_record *r = w->rec;
	uint64_t up = when->mono_ns > w->start_mono
		      ? (when->mono_ns - w->start_mono) / 1000000000ULL : 0;

	ev_record_init(r, EV_HEARTBEAT);
	ev_record_set(r, EV_F_EVENT, "%s", event);
	ev_record_set(r, EV_F_INTERVAL, "%u", w->cfg.heartbeat_interval_s);
	ev_record_set(r, EV_F_UPTIME, "%llu", (unsigned long long)up);
	ev_record_set(r, EV_F_FRAMES_SEEN, "%llu",
		      (unsigned long long)hb->frames_seen);
	ev_record_set(r, EV_F_READS_MADE, "%llu",
		      (unsigned long long)hb->reads_made);
	ev_record_set(r, EV_F_FRAMES_DROPPED, "%llu",
		      (unsigned long long)hb->frames_dropped);
	ev_record_set(r, EV_F_RECORDS_DROPPED, "%llu",
		      (unsigned long long)atomic_load(&w->dropped));
	return ev_spool_stage(w->sp, r, when, NULL, NULL, NULL, err, errlen);
}

static int stage_read(struct ev_writer *w, const struct ev_read_in *in,
		      uint64_t *seq, char *err, size_t errlen)
{
	struct ev_record *r = w->rec;
	struct ev_image plate = { in->plate_jpg, in->plate_len };
	struct ev_image over = { in->overview_jpg, in->overview_len };

	ev_record_init(r, EV_READ);
	ev_record_set(r, EV_F_LANE, "%u", in->lane);
	ev_record_set(r, EV_F_SOURCE, "%s", in->source);
	ev_record_set(r, EV_F_INPUT, "%s",
		      in->replay ? EV_INPUT_REPLAY : EV_INPUT_LIVE);
	ev_record_set(r, EV_F_HOTLIST_SET_HASH, "%s", in->hotlist_set_sha256);
	ev_record_set(r, EV_F_CAPTURE_CLOCK, "%s",
		      ev_capclk_names[in->when.capclk]);
	ev_record_set(r, EV_F_CLOCKS_DISAGREE, "%d",
		      in->when.clocks_disagree ? 1 : 0);
	ev_record_set(r, EV_F_FRAME_SEQ, "%llu",
		      (unsigned long long)in->frame_seq);
	ev_record_set(r, EV_F_VRM, "%s", in->vrm);
	ev_record_set(r, EV_F_PLATE_STATE, "%s",
		      in->plate_state[0] ? in->plate_state : EV_PLATE_READ);
	ev_record_set(r, EV_F_REGION, "%s", in->region);
	ev_record_set(r, EV_F_CONFIDENCE, "%u.%03u",
		      in->confidence_permille / 1000,
		      in->confidence_permille % 1000);
	ev_record_set(r, EV_F_HOTLIST, "%s",
		      in->hotlist[0] ? in->hotlist : EV_NONE);
	ev_record_set(r, EV_F_HOTLIST_ENTRY, "%s",
		      in->hotlist[0] && in->hotlist_entry[0]
		      ? in->hotlist_entry : EV_NONE);
	if (in->position[0])
		ev_record_set(r, EV_F_POSITION, "%s", in->position);
	else
		ev_record_set(r, EV_F_POSITION, "status=fixed-site lat=%s%lld.%06lld lon=%s%lld.%06lld",
			      w->cfg.spool.site.lat_e6 < 0 ? "-" : "", llabs(w->cfg.spool.site.lat_e6) / 1000000,
			      llabs(w->cfg.spool.site.lat_e6) % 1000000, w->cfg.spool.site.lon_e6 < 0 ? "-" : "",
			      llabs(w->cfg.spool.site.lon_e6) / 1000000, llabs(w->cfg.spool.site.lon_e6) % 1000000);
	return ev_spool_stage(w->sp, r, &in->when,
			      in->plate_jpg ? &plate : NULL,
			      in->overview_jpg ? &over : NULL, seq, err,
			      errlen);
}

static void stop_intake(struct ev_writer *w, int rc, const char *msg)
{
	pthread_mutex_lock(&w->emu);
	if (atomic_load(&w->failed)) {
		pthread_mutex_unlock(&w->emu);
		return;
	}
	snprintf(w->failmsg, sizeof w->failmsg, "%s", msg);
	atomic_store(&w->failed, rc);
	pthread_mutex_unlock(&w->emu);
	{
		char why[600];

		stopped_why(w, why, sizeof why);
		tell_staged(w, UINT64_MAX, why);
	}
	if (w->cfg.on_error)
		w->cfg.on_error(w->cfg.cb_ctx, rc, w->failmsg);
	else
		fprintf(stderr, "anpr evidence writer: INTAKE STOPPED: %s\n",
			w->failmsg);
}

/* Called by the spool's committer thread. */
static void spool_committed(void *ctx, uint64_t seq)
{
	struct ev_writer *w = ctx;

	atomic_store(&w->acked, seq);
	tell_staged(w, seq, NULL);
	if (w->cfg.on_commit)
		w->cfg.on_commit(w->cfg.cb_ctx, seq);
}

static void spool_failed(void *ctx, int rc, const char *msg)
{
	stop_intake(ctx, rc, msg);
}

/* The read just staged as seq, with the record id w->rec now holds. */
static void told_push(struct ev_writer *w, uint64_t tag, uint64_t seq)
{
	bool full;

	pthread_mutex_lock(&w->tmu);
	full = w->tlen == w->tcap;
	if (!full) {
		struct told *t = &w->t[(w->thead + w->tlen) % w->tcap];

		t->tag = tag;
		t->seq = seq;
		snprintf(t->id, sizeof t->id, "%s", w->rec->v[EV_F_RECORD_ID]);
		w->tlen++;
	}
	pthread_mutex_unlock(&w->tmu);
	if (full)	/* cannot happen: two batches at most are staged */
		tell(w, tag, NULL, "record staged, but its id could not be "
		     "kept to be told");
}

/* Stage one item; a tagged read is told at once if it is not staged, or
 * kept to be told when its batch is committed. 0, or an error that stops
 * intake (a refused record is counted and is not one). */
static int stage_item(struct ev_writer *w, struct item *it, char *err,
		      size_t errlen)
{
	uint64_t seq = 0;
	char why[600];
	int rc;

	if (it->kind == IT_READ)
		rc = stage_read(w, &it->rd, &seq, err, errlen);
	else if (it->kind == IT_HEARTBEAT)
		rc = stage_heartbeat(w, EV_EVENT_PERIODIC, &it->hb, &it->when,
				     err, errlen);
	else
		rc = ev_spool_stage_rotation(w->sp, &it->key, &it->when, err,
					     errlen);
	if (rc == EV_EINVAL || rc == EV_EFORMAT) {
		/* the caller's bad record only */
		fprintf(stderr, "anpr evidence writer: record refused: %s\n",
			err);
		atomic_fetch_add(&w->dropped, 1);
	}
	if (it->kind != IT_READ || !it->rd.tag)
		return rc == EV_EINVAL || rc == EV_EFORMAT ? 0 : rc;
	if (!rc) {
		told_push(w, it->rd.tag, seq);
		return 0;
	}
	if (rc == EV_EINVAL || rc == EV_EFORMAT) {
		snprintf(why, sizeof why, "record refused: %s", err);
		rc = 0;
	} else {
		snprintf(why, sizeof why, "record intake stopped: %s", err);
	}
	tell(w, it->rd.tag, NULL, why);
	return rc;
}

static void *thread_main(void *arg)
{
	struct ev_writer *w = arg;
	struct item *batch = calloc(w->cfg.batch_max, sizeof *batch);
	char err[512];

	if (!batch) {
		stop_intake(w, EV_ENOMEM, "writer: out of memory");
		return NULL;
	}
	for (;;) {
		unsigned n = 0;
		bool stopping;
		int rc = 0;

		pthread_mutex_lock(&w->mu);
		while (w->qlen == 0 && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		while (w->qlen && n < w->cfg.batch_max) {
			batch[n++] = w->q[w->qhead];
			w->qhead = (w->qhead + 1) % w->qcap;
			w->qlen--;
		}
		stopping = w->stopping && w->qlen == 0;
		pthread_mutex_unlock(&w->mu);

		for (unsigned i = 0; i < n; i++) {
			struct item *it = &batch[i];

			if (!rc && !atomic_load(&w->failed)) {
				rc = stage_item(w, it, err, sizeof err);
				if (!rc && ev_spool_checkpoint_due(w->sp)) {
					struct ev_when t;
					now(w, &t);
					rc = ev_spool_stage_checkpoint(w->sp,
						&t, err, sizeof err);
				}
			} else if (it->kind == IT_READ && it->rd.tag) {
				/* not staged: this batch or intake failed */
				char why[600];

				if (rc)
					snprintf(why, sizeof why, "record "
						 "intake stopped: %s", err);
				else
					stopped_why(w, why, sizeof why);
				tell(w, it->rd.tag, NULL, why);
			}
			free_item(it);
		}
		/* overlapped: this batch syncs while the next is signed */
		if (!rc && !atomic_load(&w->failed))
			rc = ev_spool_commit_async(w->sp, err, sizeof err);
		if (rc)
			stop_intake(w, rc, err);
		if (atomic_load(&w->failed)) {
			/* staged after a failure was told: never committed */
			char why[600];

			stopped_why(w, why, sizeof why);
			tell_staged(w, UINT64_MAX, why);
		}
		if (stopping)
			break;
	}
	free(batch);
	return NULL;
}

int ev_writer_start(struct ev_writer **wp, const struct ev_writer_config *cfg,
		    char *err, size_t errlen)
{
	struct ev_writer *w = calloc(1, sizeof *w);
	struct ev_heartbeat_in hb0 = { 0, 0, 0 };
	struct ev_when t;
	int rc;

	*wp = NULL;
	if (!w) {
		snprintf(err, errlen, "writer: out of memory");
		return EV_ENOMEM;
	}
	w->cfg = *cfg;
	if (!w->cfg.now)
		w->cfg.now = ev_now_system;
	if (!w->cfg.queue_len)
		w->cfg.queue_len = 4096;
	if (!w->cfg.batch_max)
		w->cfg.batch_max = 256;
	w->qcap = w->cfg.queue_len;
	w->q = calloc(w->qcap, sizeof *w->q);
	w->rec = malloc(sizeof *w->rec);
	/* staged and not yet told: the batch in flight and the next one */
	w->tcap = 2 * w->cfg.batch_max;
	w->t = calloc(w->tcap, sizeof *w->t);
	if (!w->q || !w->rec || !w->t) {
		snprintf(err, errlen, "writer: out of memory");
		rc = EV_ENOMEM;
		goto fail;
	}
	pthread_mutex_init(&w->emu, NULL);
	pthread_mutex_init(&w->cbmu, NULL);
	pthread_mutex_init(&w->tmu, NULL);
	rc = ev_spool_open(&w->sp, &cfg->spool, err, errlen);
	if (rc)
		goto fail;
	ev_spool_set_callbacks(w->sp, spool_committed, spool_failed, w);
	now(w, &t);
	w->start_mono = t.mono_ns;
	rc = stage_heartbeat(w, EV_EVENT_START, &hb0, &t, err, errlen);
	if (!rc)
		rc = ev_spool_commit(w->sp, err, errlen);
	if (rc)
		goto fail;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, thread_main, w) != 0) {
		snprintf(err, errlen, "writer: cannot start its thread");
		rc = EV_ENOMEM;
		goto fail;
	}
	w->started = true;
	*wp = w;
	return 0;
fail:
	ev_spool_close(w->sp);
	free(w->q);
	free(w->rec);
	free(w->t);
	free(w);
	return rc;
}

void ev_writer_on_read(struct ev_writer *w, ev_read_fn fn, void *ctx)
{
	pthread_mutex_lock(&w->cbmu);	/* waits out a call in progress */
	w->on_read = fn;
	w->on_read_ctx = ctx;
	pthread_mutex_unlock(&w->cbmu);
}

static int push(struct ev_writer *w, const struct item *it)
{
	int rc = 0;

	if (atomic_load(&w->failed))
		return EV_ESTATE;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		rc = EV_ESTATE;
	} else if (w->qlen == w->qcap) {
		rc = EV_EFULL;
	} else {
		w->q[(w->qhead + w->qlen) % w->qcap] = *it;
		w->qlen++;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (rc == EV_EFULL)
		atomic_fetch_add(&w->dropped, 1);
	return rc;
}

int ev_writer_submit_read(struct ev_writer *w, struct ev_read_in *in)
{
	struct item it;
	char conf[16];
	int st = in->plate_state[0] ? ev_plate_state_parse(in->plate_state) : 0;

	snprintf(conf, sizeof conf, "%u.%03u", in->confidence_permille / 1000,
		 in->confidence_permille % 1000);
	/* a mark, or "-" for an unreadable plate, which has no hit */
	if (st < 0 || (st == 0 && ev_value_check(EV_K_VRM, in->vrm)) ||
	    (st > 0 && (strcmp(in->vrm, EV_NONE) != 0 || in->hotlist[0])) ||
	    ev_value_check(EV_K_TOKEN, in->region) ||
	    ev_value_check(ev_fields[EV_F_SOURCE].kind, in->source) ||
	    (unsigned)in->when.capclk >= EV_CAPCLK_COUNT ||
	    ev_value_check(ev_fields[EV_F_HOTLIST_SET_HASH].kind,
			   in->hotlist_set_sha256) ||
	    in->confidence_permille > 1000 ||
	    (in->hotlist[0] &&
	     ev_value_check(ev_fields[EV_F_HOTLIST].kind, in->hotlist)) ||
	    (in->hotlist_entry[0] &&
	     ev_value_check(ev_fields[EV_F_HOTLIST_ENTRY].kind,
			    in->hotlist_entry)))
		return EV_EINVAL;
	memset(&it, 0, sizeof it);
	it.kind = IT_READ;
	it.rd = *in;
	return push(w, &it);
}

int ev_writer_submit_heartbeat(struct ev_writer *w,
			       const struct ev_heartbeat_in *hb)
{
	struct item it;

	memset(&it, 0, sizeof it);
	it.kind = IT_HEARTBEAT;
	it.hb = *hb;
	now(w, &it.when);
	return push(w, &it);
}

int ev_writer_rotate_key(struct ev_writer *w, const struct ev_key *new_key)
{
	struct item it;
	int rc;

	if (!ev_key_has_secret(new_key))
		return EV_EINVAL;
	memset(&it, 0, sizeof it);
	it.kind = IT_ROTATE;
	ev_key_copy(&it.key, new_key);	/* the queue's reference */
	now(w, &it.when);
	rc = push(w, &it);
	if (rc)
		ev_key_free(&it.key);
	return rc;
}

uint64_t ev_writer_acked(struct ev_writer *w)
{
	return atomic_load(&w->acked);
}

uint64_t ev_writer_dropped(struct ev_writer *w)
{
	return atomic_load(&w->dropped);
}

int ev_writer_stop(struct ev_writer *w, char *err, size_t errlen)
{
	struct ev_heartbeat_in hb0 = { 0, 0, 0 };
	struct ev_when t;
	int rc;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	ev_spool_flush(w->sp, err, errlen);	/* the batch in flight */
	rc = atomic_load(&w->failed);
	if (rc) {
		pthread_mutex_lock(&w->emu);
		snprintf(err, errlen, "%s", w->failmsg);
		pthread_mutex_unlock(&w->emu);
	} else {
		now(w, &t);
		rc = stage_heartbeat(w, EV_EVENT_STOP, &hb0, &t, err, errlen);
		if (!rc)	/* the last checkpoint covers the stop */
			rc = ev_spool_stage_checkpoint(w->sp, &t, err, errlen);
		if (!rc)
			rc = ev_spool_commit(w->sp, err, errlen);
	}
	{
		char why[600];

		stopped_why(w, why, sizeof why);
		tell_staged(w, UINT64_MAX, why);	/* after a failure */
		while (w->qlen) {	/* only left after a failure */
			struct item *it = &w->q[w->qhead];

			if (it->kind == IT_READ && it->rd.tag)
				tell(w, it->rd.tag, NULL, why);
			free_item(it);
			w->qhead = (w->qhead + 1) % w->qcap;
			w->qlen--;
		}
	}
	ev_spool_close(w->sp);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->emu);
	pthread_mutex_destroy(&w->cbmu);
	pthread_mutex_destroy(&w->tmu);
	free(w->q);
	free(w->rec);
	free(w->t);
	free(w);
	return rc;
}
