/* SPDX-License-Identifier: MIT */
/*
 * alert_dispatch.h - sends each alert to the configured outputs: the
 * local UNIX socket and the journal (one thread), the webhook (another
 * thread, so a slow back office never delays the local subscribers).
 * Each output has its own priority queue: hits go out ahead of anything
 * queued (alert.h). Hits whose entry's action is "silent" (covert lists)
 * go to no output; they are counted, and the signed record carries them.
 */
#ifndef ANPRD_ALERT_DISPATCH_H
#define ANPRD_ALERT_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/alert.h"

struct alert_dispatch_cfg {
	const char *socket_path;	/* NULL or "" = no socket */
	const char *webhook_url;	/* NULL or "" = no webhook */
	int64_t webhook_timeout_ms;
	/* NULL or "": none. A client certificate and its key (PEM), and the
	 * CA the webhook's server is checked against (else the system's) */
	const char *webhook_client_cert, *webhook_client_key, *webhook_ca;
	int webhook_tries;		/* attempts per alert, >= 1 */
	int journal;			/* send to the journal */
	size_t queue_len;		/* per output; 0 = 4096 */
};

/* Problems while running (a webhook down, ...); called from the output
 * threads. prio is a syslog priority. */
typedef void (*alert_log_fn)(void *ctx, int prio, const char *msg);

struct alert_dispatch_stats {
	uint64_t pushed, silent;
	uint64_t socket_sent, journal_sent, journal_failed;
	uint64_t webhook_sent, webhook_failed;
	uint64_t queue_dropped;
	int socket_clients;
	uint64_t socket_dropped_clients;
};

struct alert_dispatch;

/* alert_dispatch_start - open the outputs and start their threads. NULL
 * with the reason in err if an output cannot be opened. */
struct alert_dispatch *alert_dispatch_start(const struct alert_dispatch_cfg *c,
					    alert_log_fn log, void *ctx,
					    char *err, size_t errlen);

/* alert_dispatch_push - number the alert and queue it for every output.
 * Returns its seq (0: a silent hit, sent nowhere). Thread-safe. */
uint64_t alert_dispatch_push(struct alert_dispatch *d, const struct alert *a);

void alert_dispatch_stats(struct alert_dispatch *d,
			  struct alert_dispatch_stats *st);

/* webhook_wait_ms - the wait before webhook try t (from 1) of an alert:
 * the back-off (100 ms doubling to 1.6 s), or the server's Retry-After
 * (asked_ms) when longer, at most 5 s. Pure (exposed for tests). */
long webhook_wait_ms(int t, long asked_ms);

/* alert_dispatch_stop - send what is queued, stop, close the outputs. */
void alert_dispatch_stop(struct alert_dispatch *d);

#endif
