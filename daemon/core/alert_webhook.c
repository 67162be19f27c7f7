// SPDX-License-Identifier: MIT
/* alert_webhook.c - alerts POSTed to an HTTP(S) webhook with libcurl. */
#include "core/alert_out.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

struct alert_webhook {
	CURL *curl;
	char url[ANPRD_PATH_MAX + 1];
	char curl_err[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The answer body is not needed; keep curl from printing it. */
static size_t discard(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

struct alert_webhook *alert_webhook_new(const char *url, int64_t timeout_ms,
					char *err, size_t errlen)
{
	struct alert_webhook *w;

	if (strlen(url) > ANPRD_PATH_MAX) {
		snprintf(err, errlen, "webhook %s: URL too long", url);
		return NULL;
	}
	pthread_once(&curl_once, curl_init_once);
	w = calloc(1, sizeof(*w));
	if (!w || !(w->curl = curl_easy_init())) {
		snprintf(err, errlen, "webhook %s: cannot set up libcurl", url);
		free(w);
		return NULL;
	}
	snprintf(w->url, sizeof(w->url), "%s", url);
	curl_easy_setopt(w->curl, CURLOPT_URL, w->url);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, w->curl_err);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "anprd/" ANPR_VERSION);
	return w;
}

static int readable(const struct alert_webhook *w, const char *what, const char *path,
		    char *err, size_t errlen)
{
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "webhook %s: %s %s: %s", w->url, what, path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int alert_webhook_tls(struct alert_webhook *w, const char *cert, const char *key,
		      const char *ca, char *err, size_t errlen)
{
	bool c = cert && cert[0], k = key && key[0];

	if (c != k) {
		snprintf(err, errlen, "webhook %s: a client certificate and its "
			 "key go together", w->url);
		return -1;
	}
	if (c) {
		if (readable(w, "client certificate", cert, err, errlen) ||
		    readable(w, "client key", key, err, errlen))
			return -1;
		curl_easy_setopt(w->curl, CURLOPT_SSLCERT, cert);
		curl_easy_setopt(w->curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(w->curl, CURLOPT_SSLKEY, key);
		curl_easy_setopt(w->curl, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (ca && ca[0]) {
		if (readable(w, "CA", ca, err, errlen))
			return -1;
		curl_easy_setopt(w->curl, CURLOPT_CAINFO, ca);
	}
	return 0;
}

void alert_webhook_free(struct alert_webhook *w)
{
	if (!w)
		return;
	curl_easy_cleanup(w->curl);
	free(w);
}

int alert_webhook_post(struct alert_webhook *w, const struct alert *a,
		       const char *json, size_t len, long *retry_after_ms,
		       char *err, size_t errlen)
{
	struct curl_slist *h = NULL;
	char key[ANPRD_ID_MAX + 64];
	long status = 0;
	curl_off_t after = 0;
	CURLcode rc;

	if (retry_after_ms)
		*retry_after_ms = 0;

	snprintf(key, sizeof(key), "Idempotency-Key: %s-%llu", a->camera,
		 (unsigned long long)a->seq);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, key);
	h = curl_slist_append(h, "Expect:");
	w->curl_err[0] = '\0';
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long)len);
	rc = curl_easy_perform(w->curl);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "webhook %s: %s", w->url,
			 w->curl_err[0] ? w->curl_err : curl_easy_strerror(rc));
		return ALERT_HOOK_RETRY;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status <= 299)
		return 0;
	/* libcurl reads Retry-After in either form (seconds, HTTP date) */
	if (curl_easy_getinfo(w->curl, CURLINFO_RETRY_AFTER, &after) != CURLE_OK || after < 0)
		after = 0;
	if (status >= 500 || status == 408 || status == 429) {
		snprintf(err, errlen, "webhook %s: HTTP status %ld%s", w->url, status,
			 after > 0 ? " (the server asks for a wait)" : "");
		if (retry_after_ms)
			*retry_after_ms = after > 3600 ? 3600000L : (long)after * 1000L;
		return ALERT_HOOK_RETRY;
	}
	snprintf(err, errlen, "webhook %s: HTTP status %ld: refused, not tried again",
		 w->url, status);
	return ALERT_HOOK_REFUSED;
}
