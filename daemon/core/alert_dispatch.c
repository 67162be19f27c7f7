// SPDX-License-Identifier: MIT
/* alert_dispatch.c - alert output threads; see alert_dispatch.h. */
#include "core/alert_dispatch.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "core/alert_out.h"
#include "core/alert_sock.h"

struct alert_dispatch {
	struct alert_dispatch_cfg cfg;
	alert_log_fn log;
	void *ctx;
	struct alert_sock *sock;
	struct alert_webhook *hook;
	struct alert_queue qlocal, qhook;
	pthread_t tlocal, thook;
	int have_local, have_hook;
	pthread_mutex_t mu;	/* seq and the stats below */
	uint64_t seq;
	struct alert_dispatch_stats st;
	atomic_int sock_clients;
	atomic_uint_fast64_t sock_dropped;
};

static void logf_(struct alert_dispatch *d, int prio, const char *msg)
{
	if (d->log)
		d->log(d->ctx, prio, msg);
}

static void count(struct alert_dispatch *d, uint64_t *field)
{
	pthread_mutex_lock(&d->mu);
	(*field)++;
	pthread_mutex_unlock(&d->mu);
}

static void *local_thread(void *arg)
{
	struct alert_dispatch *d = arg;
	char line[ALERT_LINE_MAX], err[512];
	struct alert a;

	for (;;) {
		int rc = alert_queue_pop(&d->qlocal, &a, 10);
		if (rc < 0)
			break;
		if (d->sock) {
			alert_sock_poll(d->sock, 0);
			atomic_store(&d->sock_clients,
				     alert_sock_clients(d->sock));
			atomic_store(&d->sock_dropped,
				     alert_sock_dropped_clients(d->sock));
		}
		if (rc == 0)
			continue;
		if (d->sock) {
			int n = alert_format_json(&a, line, sizeof(line));
			if (n > 0) {
				alert_sock_broadcast(d->sock, line, (size_t)n);
				count(d, &d->st.socket_sent);
			}
		}
		if (d->cfg.journal) {
			if (alert_journal_send(&a, err, sizeof(err))) {
				count(d, &d->st.journal_failed);
				/* not through d->log: it may be the journal */
			} else {
				count(d, &d->st.journal_sent);
			}
		}
	}
	return NULL;
}

/*
 * Never over WEBHOOK_WAIT_MAX_MS, whatever the server asks: a hit that
 * waits longer than that is of little use to the control room, and the
 * alert socket, the journal and the record have it meanwhile.
 */
#define WEBHOOK_WAIT_MAX_MS 5000L
long webhook_wait_ms(int t, long asked_ms)
{
	long ms = 100L << (t < 5 ? t - 1 : 4);

	if (asked_ms > ms)
		ms = asked_ms;
	return ms > WEBHOOK_WAIT_MAX_MS ? WEBHOOK_WAIT_MAX_MS : ms;
}

static void *hook_thread(void *arg)
{
	struct alert_dispatch *d = arg;
	char line[ALERT_LINE_MAX], err[512];
	struct alert a;

	while (alert_queue_pop(&d->qhook, &a, -1) > 0) {
		int n = alert_format_json(&a, line, sizeof(line)), ok = 0, rc = 0, t;
		long asked = 0;
		if (n <= 0)
			continue;
		for (t = 0; t < d->cfg.webhook_tries && !ok && rc != ALERT_HOOK_REFUSED; t++) {
			if (t) {
				long ms = webhook_wait_ms(t, asked);
				struct timespec ts = {ms / 1000,
						      (ms % 1000) * 1000000L};
				nanosleep(&ts, NULL);
			}
			rc = alert_webhook_post(d->hook, &a, line, (size_t)n, &asked,
						err, sizeof(err));
			ok = rc == 0;
		}
		if (ok) {
			count(d, &d->st.webhook_sent);
		} else {
			char msg[700];
			count(d, &d->st.webhook_failed);
			snprintf(msg, sizeof(msg), "alert %llu (%s) not "
				 "delivered after %d %s: %s",
				 (unsigned long long)a.seq,
				 alert_kind_name(a.kind), t, t == 1 ? "try" : "tries",
				 err);
			logf_(d, LOG_ERR, msg);
		}
	}
	return NULL;
}

struct alert_dispatch *alert_dispatch_start(const struct alert_dispatch_cfg *c,
					    alert_log_fn log, void *ctx,
					    char *err, size_t errlen)
{
	struct alert_dispatch *d = calloc(1, sizeof(*d));
	size_t qlen = c->queue_len ? c->queue_len : 4096;

	if (!d) {
		snprintf(err, errlen, "alerts: out of memory");
		return NULL;
	}
	d->cfg = *c;
	if (d->cfg.webhook_tries < 1)
		d->cfg.webhook_tries = 1;
	d->log = log;
	d->ctx = ctx;
	pthread_mutex_init(&d->mu, NULL);
	if (c->socket_path && c->socket_path[0]) {
		d->sock = alert_sock_open(c->socket_path, err, errlen);
		if (!d->sock)
			goto fail;
	}
	if (c->webhook_url && c->webhook_url[0]) {
		d->hook = alert_webhook_new(c->webhook_url,
					    c->webhook_timeout_ms, err, errlen);
		if (!d->hook ||
		    alert_webhook_tls(d->hook, c->webhook_client_cert, c->webhook_client_key,
				      c->webhook_ca, err, errlen) != 0)
			goto fail;
	}
	if (alert_queue_init(&d->qlocal, qlen) ||
	    alert_queue_init(&d->qhook, qlen)) {
		snprintf(err, errlen, "alerts: out of memory");
		goto fail;
	}
	d->have_local = (d->sock || c->journal) &&
		pthread_create(&d->tlocal, NULL, local_thread, d) == 0;
	d->have_hook = d->hook &&
		pthread_create(&d->thook, NULL, hook_thread, d) == 0;
	if ((d->sock || c->journal) != d->have_local ||
	    (d->hook != NULL) != d->have_hook) {
		snprintf(err, errlen, "alerts: cannot start output threads");
		alert_dispatch_stop(d);
		return NULL;
	}
	return d;
fail:
	alert_sock_close(d->sock);
	alert_webhook_free(d->hook);
	free(d->qlocal.heap);
	free(d->qhook.heap);
	pthread_mutex_destroy(&d->mu);
	free(d);
	return NULL;
}

uint64_t alert_dispatch_push(struct alert_dispatch *d, const struct alert *a)
{
	struct alert c = *a;
	int dropped = 0;

	pthread_mutex_lock(&d->mu);
	c.seq = ++d->seq;
	d->st.pushed++;
	if (ALERT_IS_HIT(c.kind) && c.action == HOTLIST_ACT_SILENT) {
		d->st.silent++;
		pthread_mutex_unlock(&d->mu);
		return 0;
	}
	pthread_mutex_unlock(&d->mu);
	if (d->have_local)
		dropped |= alert_queue_push(&d->qlocal, &c) < 0;
	if (d->have_hook)
		dropped |= alert_queue_push(&d->qhook, &c) < 0;
	if (dropped)
		count(d, &d->st.queue_dropped);
	return c.seq;
}

void alert_dispatch_stats(struct alert_dispatch *d,
			  struct alert_dispatch_stats *st)
{
	pthread_mutex_lock(&d->mu);
	*st = d->st;
	pthread_mutex_unlock(&d->mu);
	st->socket_clients = atomic_load(&d->sock_clients);
	st->socket_dropped_clients = atomic_load(&d->sock_dropped);
}

void alert_dispatch_stop(struct alert_dispatch *d)
{
	if (!d)
		return;
	alert_queue_close(&d->qlocal);
	alert_queue_close(&d->qhook);
	if (d->have_local)
		pthread_join(d->tlocal, NULL);
	if (d->have_hook)
		pthread_join(d->thook, NULL);
	alert_sock_close(d->sock);
	alert_webhook_free(d->hook);
	alert_queue_destroy(&d->qlocal);
	alert_queue_destroy(&d->qhook);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
