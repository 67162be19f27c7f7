// SPDX-License-Identifier: MIT
/*
 * upload_window.c - up to K records in flight at once, each on a
 * connection of its own, while the caller takes the answers in the spool's
 * order (docs/upload-protocol.md, "Several at once").
 *
 * Why: one record per request is the protocol, and a request waits for
 * the back office's durable commit (its fsyncs) before it is answered; one
 * at a time, a camera's backlog after an outage drains at one commit
 * latency per record. K senders overlap those waits; the back office
 * commits them together.
 *
 * What does not change: the caller sees every result in the order of the
 * items, exactly as if it had sent them one by one, and decides as before
 * (commit, skip, back off). Senders run ahead of it by at most K items.
 * A key rotation is a barrier: it is sent alone, after everything before
 * it was answered, and nothing after it is sent before its answer, so the
 * back office knows the new key before any record the new key signed.
 * The end of the hits is one too: the first other record is sent after
 * the last hit was answered, so every hit is stored before any of them.
 * After a failure the caller stops the window; answers still in flight
 * are dropped unread, and those records are sent again on the next pass
 * (a duplicate is acknowledged as such: the Idempotency-Key).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upload/upload.h"

long upload_window_next(const struct upload_item *items, const unsigned char *sendable,
			long n, long taken, long cursor, unsigned k)
{
	long j = taken;

	while (j < n && !sendable[j])
		j++;
	if (j >= n || j >= cursor + (long)k)
		return -1;
	/* a rotation not yet answered, at or before j, holds j back unless
	 * it is j itself, sent when everything before it was answered; and
	 * the first record that is not a hit waits for the last hit's answer
	 * (the back office stores every hit before anything else) */
	for (long i = cursor; i < j; i++)
		if (sendable[i] && (items[i].rotation || items[i].hit != items[j].hit))
			return -1;
	if (items[j].rotation && j != cursor)
		return -1;
	return j;
}

size_t upload_window_batch(const struct upload_item *items, const unsigned char *sendable,
			   long n, long j, long limit, unsigned per, long *out)
{
	size_t m = 0;

	out[m++] = j;
	if (items[j].rotation)
		return m;	/* a rotation travels alone */
	for (long x = j + 1; x < n && x < limit && m < per; x++) {
		if (!sendable[x])
			continue;
		if (items[x].rotation || items[x].hit != items[j].hit)
			break;
		out[m++] = x;
	}
	return m;
}

struct sender_arg {
	struct upload_window *w;
	unsigned id;
};

struct slot {
	enum upload_result r;
	char err[512];
	int done;
};

struct upload_window {
	pthread_mutex_t mu;		/* guards everything below */
	pthread_cond_t changed;		/* a result, a new cursor, stop */
	unsigned k;
	unsigned per;			/* records a request */
	int v1_only;			/* the back office has no version 2
					   (set by upload_http, read by all
					   senders: the cfg's v1_only) */
	struct upload_http **http;	/* one per sender: its connection */
	pthread_t *threads;
	struct sender_arg *args;
	int running;			/* senders started for this pass */
	const struct upload_item *items;
	const unsigned char *sendable;
	struct slot *slots;
	long n, taken, cursor;
	int stop;
};


static void *sender(void *p)
{
	struct sender_arg *a = p;
	struct upload_window *w = a->w;

	long ahead = (long)w->k * (long)w->per;	/* items the senders may run ahead */

	pthread_mutex_lock(&w->mu);
	for (;;) {
		long j = -1, idx[UPLOAD_BATCH_MAX];
		const struct upload_item *batch[UPLOAD_BATCH_MAX];
		enum upload_result res[UPLOAD_BATCH_MAX];
		char (*errs)[UPLOAD_ERR_MAX];
		size_t m;

		while (!w->stop && w->taken < w->n &&
		       (j = upload_window_next(w->items, w->sendable, w->n, w->taken,
					       w->cursor, (unsigned)ahead)) < 0)
			pthread_cond_wait(&w->changed, &w->mu);
		if (w->stop || j < 0)
			break;
		/* a back office without version 2: a record a request, as the
		 * senders did before batches (a batch sent one by one would keep
		 * a sender busy for up to per answers after a failure) */
		m = upload_window_batch(w->items, w->sendable, w->n, j, w->cursor + ahead,
					__atomic_load_n(&w->v1_only, __ATOMIC_RELAXED) ? 1 : w->per,
					idx);
		/* every sendable item below the batch's last was taken */
		w->taken = idx[m - 1] + 1;
		pthread_mutex_unlock(&w->mu);
		errs = calloc(m, UPLOAD_ERR_MAX);
		for (size_t i = 0; i < m; i++)
			batch[i] = &w->items[idx[i]];
		if (errs) {
			upload_http_send_batch(w->http[a->id], batch, m, res, errs);
		} else {
			for (size_t i = 0; i < m; i++)
				res[i] = UPLOAD_RETRY;
		}
		pthread_mutex_lock(&w->mu);
		for (size_t i = 0; i < m; i++) {
			struct slot *sl = &w->slots[idx[i]];

			sl->r = res[i];
			snprintf(sl->err, sizeof(sl->err), "%s", errs ? errs[i] : "out of memory");
			sl->done = 1;
		}
		free(errs);
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct upload_window *upload_window_new(const struct upload_http_cfg *cfg, unsigned k,
					unsigned per, char *err, size_t errlen)
{
	struct upload_http_cfg hc = *cfg;
	struct upload_window *w;

	if (k < 1 || k > UPLOAD_WINDOW_MAX) {
		snprintf(err, errlen, "connections: %u is not 1 to %d", k, UPLOAD_WINDOW_MAX);
		return NULL;
	}
	if (per < 1 || per > UPLOAD_BATCH_MAX) {
		snprintf(err, errlen, "records_per_request: %u is not 1 to %d", per,
			 UPLOAD_BATCH_MAX);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		goto oom;
	w->k = k;
	w->per = per;
	hc.v1_only = &w->v1_only;
	cfg = &hc;
	w->http = calloc(k, sizeof(struct upload_http *));
	w->threads = calloc(k, sizeof(*w->threads));
	w->args = calloc(k, sizeof(*w->args));
	if (!w->http || !w->threads || !w->args)
		goto oom;
	for (unsigned i = 0; i < k; i++) {
		w->http[i] = upload_http_new(cfg, err, errlen);
		if (!w->http[i]) {
			upload_window_free(w);
			return NULL;
		}
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->changed, NULL);
	return w;
oom:
	snprintf(err, errlen, "out of memory");
	upload_window_free(w);
	return NULL;
}

void upload_window_end(struct upload_window *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
	for (unsigned i = 0; i < w->k; i++)
		pthread_join(w->threads[i], NULL);
	w->running = 0;
	free(w->slots);
	w->slots = NULL;
}

void upload_window_free(struct upload_window *w)
{
	if (!w)
		return;
	if (w->http) {
		upload_window_end(w);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->changed);
		for (unsigned i = 0; i < w->k; i++)
			upload_http_free(w->http[i]);
	}
	free(w->http);
	free(w->threads);
	free(w->args);
	free(w);
}

int upload_window_begin(struct upload_window *w, const struct upload_item *items,
			const unsigned char *sendable, long n, char *err, size_t errlen)
{
	upload_window_end(w);
	w->slots = calloc(n > 0 ? (size_t)n : 1, sizeof(*w->slots));
	if (!w->slots) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w->items = items;
	w->sendable = sendable;
	w->n = n;
	w->taken = 0;
	w->cursor = 0;
	w->stop = 0;
	for (unsigned i = 0; i < w->k; i++) {
		w->args[i] = (struct sender_arg){ w, i };
		if (pthread_create(&w->threads[i], NULL, sender, &w->args[i]) != 0) {
			/* the ones started end with the pass */
			w->k = i;
			if (i == 0) {
				snprintf(err, errlen, "cannot start a sender thread");
				free(w->slots);
				w->slots = NULL;
				return -1;
			}
			break;
		}
	}
	w->running = 1;
	return 0;
}

enum upload_result upload_window_result(struct upload_window *w, long i, char *err,
					size_t errlen)
{
	enum upload_result r;

	pthread_mutex_lock(&w->mu);
	if (w->cursor != i) {
		/* the items before i that were not sendable were passed over */
		w->cursor = i;
		pthread_cond_broadcast(&w->changed);
	}
	while (!w->slots[i].done)
		pthread_cond_wait(&w->changed, &w->mu);
	r = w->slots[i].r;
	snprintf(err, errlen, "%s", w->slots[i].err);
	/* the next one may go: the window moved on */
	w->cursor = i + 1;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
	return r;
}
