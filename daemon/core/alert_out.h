/* SPDX-License-Identifier: MIT */
/*
 * alert_out.h - the journal and webhook alert outputs (docs/alerts.md).
 * Each send returns 0, or -1 with the reason (naming the URL or the
 * journal) in err.
 */
#ifndef ANPRD_ALERT_OUT_H
#define ANPRD_ALERT_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/alert.h"

/* alert_journal_send - one structured journal entry (ANPR_* fields). */
int alert_journal_send(const struct alert *a, char *err, size_t errlen);

/* The journal PRIORITY of an alert: 2 (crit) for intercept hits, ... */
int alert_journal_priority(const struct alert *a);

struct alert_webhook;

/* alert_webhook_new - a reusable HTTP client for url (keep-alive). */
struct alert_webhook *alert_webhook_new(const char *url, int64_t timeout_ms,
					char *err, size_t errlen);
void alert_webhook_free(struct alert_webhook *w);
/* alert_webhook_tls - present a client certificate (cert and key, PEM
 * files, both or neither) and check the server against ca (a PEM file)
 * rather than the system's CAs; NULL or "" leaves each as it is. -1 with
 * err if a file cannot be read (at start, not at the first alert). */
int alert_webhook_tls(struct alert_webhook *w, const char *cert, const char *key,
		      const char *ca, char *err, size_t errlen);

/*
 * alert_webhook_post - POST one JSON line (Content-Type application/json,
 * Idempotency-Key "<camera>-<seq>"). Success is any 2xx answer: 0.
 * ALERT_HOOK_RETRY (-1): worth trying again (no answer, 5xx, 408, 429);
 * *retry_after_ms (may be NULL) is then the wait the server asked for
 * (Retry-After, seconds or an HTTP date) or 0 for none. ALERT_HOOK_REFUSED
 * (-2): any other answer (a 4xx: the alert is refused as it is, and the
 * same bytes would be refused again).
 */
#define ALERT_HOOK_RETRY	(-1)
#define ALERT_HOOK_REFUSED	(-2)
int alert_webhook_post(struct alert_webhook *w, const struct alert *a,
		       const char *json, size_t len, long *retry_after_ms,
		       char *err, size_t errlen);

#endif
