// SPDX-License-Identifier: MIT
/*
 * console_camera.c - the cameras' listener of anpr-console: POST
 * /v1/alerts with an anpr-alert/2 line (anprd's webhook), from a client
 * certificate the camera register knows (tls/tls_peer.c, as anpr-ingest),
 * checked (console_alert.c) and stored once (anpr.alert_put: 201 the
 * first time, 200 for the same line again, a retry). Every refusal is a
 * 4xx saying why, and nothing of it is stored; the database away is 503,
 * which the webhook retries.
 */
#include "console/console.h"
#include "console/console_alert.h"
#include "store/anprstore.h"
#include "tls/tls_peer.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATH_ALERTS "/v1/alerts"

/* anprstore connections are not shared between threads: one per MHD
 * worker, made on first use, dropped after a failure so that the next
 * request reconnects (as anpr-ingest). */
static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void store_dtor(void *p)
{
	anpr_store_close(p);
}

static void store_key_make(void)
{
	if (pthread_key_create(&store_key, store_dtor) != 0)
		abort();
}

static struct anpr_store *thread_store(char *err, size_t errlen)
{
	struct anpr_store *st;

	pthread_once(&store_once, store_key_make);
	st = pthread_getspecific(store_key);
	if (st)
		return st;
	if (anpr_store_open(&st, console_cfg.db, err, errlen) != 0)
		return NULL;
	pthread_setspecific(store_key, st);
	return st;
}

static void thread_store_failed(void)
{
	struct anpr_store *st;

	pthread_once(&store_once, store_key_make);
	st = pthread_getspecific(store_key);
	if (st) {
		pthread_setspecific(store_key, NULL);
		anpr_store_close(st);
	}
}

/* The request's state between MHD's calls. */
struct creq {
	struct console_body body;
	char camera[33];	/* the certificate's */
};

static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status,
			      const char *code, const char *who, const char *why)
{
	clog_line("alert refused (%u %s) from %s: %s", status, code, who, why);
	return console_error(c, status, code, why);
}

/* The camera of the connection's client certificate into camera: 0, or
 * the refusal queued (403: none, not verified, not an active camera
 * certificate; 503: the database). Asked once the body (8 KiB at most) is
 * in: an answer queued before it is read would close a connection the
 * client is still writing, and the client might see the reset rather
 * than the answer. */
static int identify(struct MHD_Connection *c, char camera[33], enum MHD_Result *ret)
{
	const union MHD_ConnectionInfo *ci;
	char fpr[TLS_PEER_FPR_HEX + 1], why[700], err[512], who[96];
	struct anpr_store *st;
	int rc;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (tls_peer_fingerprint(ci ? ci->tls_session : NULL, fpr, why, sizeof why) != 0) {
		*ret = refuse(c, 403, "forbidden", "a client", why);
		return -1;
	}
	snprintf(who, sizeof who, "certificate %.16s...", fpr);
	st = thread_store(err, sizeof err);
	if (!st) {
		snprintf(why, sizeof why, "database: %s", err);
		*ret = refuse(c, 503, "unavailable", who, why);
		return -1;
	}
	rc = anpr_store_cert_camera(st, fpr, (int64_t)time(NULL), camera, err, sizeof err);
	if (rc == ANPR_STORE_ENOENT) {
		snprintf(why, sizeof why, "not an active camera certificate: %s", err);
		*ret = refuse(c, 403, "forbidden", who, why);
		return -1;
	}
	if (rc != 0) {
		thread_store_failed();
		snprintf(why, sizeof why, "database: %s", err);
		*ret = refuse(c, 503, "unavailable", who, why);
		return -1;
	}
	return 0;
}

static enum MHD_Result finish(struct MHD_Connection *c, struct creq *q)
{
	char why[700], err[512], who[96];
	const char *camera = q->camera;
	enum MHD_Result ret = MHD_NO;
	struct console_alert a;
	struct anpr_store *st;
	char *line;
	int64_t id;
	bool created;
	int rc;

	if (identify(c, q->camera, &ret) != 0)
		return ret;
	snprintf(who, sizeof who, "camera %s", camera);
	/* after the certificate, so the key is a registered camera (nobody
	 * else fills the table); before the check and the store, which are
	 * what a flood would cost. Limited, anprd's webhook tries again. */
	{
		unsigned wait = climit_take(&console_limit_camera, camera);

		if (wait) {
			clog_line("alert refused (429 rate-limited) from %s: over %g alerts a "
				  "second", who, console_limit_camera.rate);
			return console_limited(c, wait, "too many alerts from this camera");
		}
	}
	st = thread_store(err, sizeof err);
	if (!st) {
		snprintf(why, sizeof why, "database: %s", err);
		return refuse(c, 503, "unavailable", who, why);
	}
	if (q->body.over) {
		snprintf(why, sizeof why, "line over %d bytes", CONSOLE_ALERT_LINE_MAX);
		return refuse(c, 413, "too-large", who, why);
	}
	rc = console_alert_check(q->body.buf ? q->body.buf : "", q->body.len, camera, &a,
				 why, sizeof why);
	if (rc != 0)
		return refuse(c, (unsigned)rc, rc == 403 ? "forbidden" : "malformed", who, why);
	if (!q->body.buf || !q->body.len)	/* refused above: for the analyser */
		return refuse(c, 400, "malformed", who, "empty body");
	/* stored as received, without its final newline */
	line = strndup(q->body.buf, q->body.len - (q->body.buf[q->body.len - 1] == '\n'));
	if (!line)
		return refuse(c, 503, "unavailable", who, "out of memory");
	rc = anpr_store_alert_put(st, camera, a.seq, a.kind, a.time, line, &id, &created,
				  err, sizeof err);
	free(line);
	if (rc != 0) {
		if (rc == ANPR_STORE_EIO)
			thread_store_failed();
		snprintf(why, sizeof why, "database: %s", err);
		return refuse(c, rc == ANPR_STORE_EIO ? 503 : 400,
			      rc == ANPR_STORE_EIO ? "unavailable" : "refused", who, why);
	}
	clog_line("alert %" PRId64 " of camera %s (%s, seq %" PRId64 ") %s", id, camera,
		  a.kind, a.seq, created ? "stored" : "stored before: a retry");
	{
		char body[96];

		snprintf(body, sizeof body, "{\"alert\": %" PRId64 ", \"stored\": %s}\n", id,
			 created ? "true" : "false");
		return console_answer(c, created ? 201 : 200, "application/json", body,
				      strlen(body));
	}
}

enum MHD_Result console_camera_request(void *cls, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *version, const char *upload_data,
				       size_t *upload_data_size, void **con_cls)
{
	struct creq *q = *con_cls;

	(void)cls; (void)version;
	if (!q) {
		const char *ct;

		if (strcmp(url, PATH_ALERTS) != 0)
			return console_error(c, 404, "not-found", "cameras POST /v1/alerts only");
		if (strcmp(method, "POST") != 0)
			return console_error(c, 405, "method", "POST an anpr-alert/2 line");
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!ct || strncasecmp(ct, "application/json", 16) != 0)
			return console_error(c, 415, "media-type",
					     "Content-Type: application/json expected");
		q = calloc(1, sizeof *q);
		if (!q)
			return MHD_NO;
		q->body.limit = CONSOLE_ALERT_LINE_MAX;
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (console_body_add(&q->body, upload_data, *upload_data_size) != 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return finish(c, q);
}

void console_camera_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct creq *q = *con_cls;

	(void)cls; (void)c; (void)toe;
	if (q) {
		console_body_free(&q->body);
		free(q);
		*con_cls = NULL;
	}
}
