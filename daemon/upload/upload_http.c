// SPDX-License-Identifier: MIT
/*
 * upload_http.c - one record, one HTTPS POST (libcurl), and the rules for
 * what counts as an acknowledgement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "upload.h"

#define ACK_MAX		4096	/* an acknowledgement is small; more is junk */

struct upload_http {
	CURL *curl;			/* reused: keeps the TLS session alive */
	struct upload_http_cfg cfg;
	char url[1024];
};

struct body {
	char buf[ACK_MAX + 1];
	size_t len;
	int overflow;
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * n;

	if (b->len + len > ACK_MAX) {
		b->overflow = 1;
		return len;	/* keep reading, remember it was too long */
	}
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return len;
}

struct upload_http *upload_http_new(const struct upload_http_cfg *cfg, char *err,
				    size_t errlen)
{
	struct upload_http *h;
	static int global_done;

	if (!cfg->url || strncmp(cfg->url, "https://", 8) != 0) {
		/* records carry personal data: never in clear text */
		snprintf(err, errlen, "upload url '%s': must be https://", cfg->url ? cfg->url : "");
		return NULL;
	}
	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = 1;
	}
	h = calloc(1, sizeof(*h));
	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		snprintf(err, errlen, "upload: cannot initialise libcurl");
		return NULL;
	}
	h->cfg = *cfg;
	snprintf(h->url, sizeof(h->url), "%s%s", cfg->url, UPLOAD_PATH);
	return h;
}

void upload_http_free(struct upload_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

/*
 * Is member key of obj a string exactly equal to want? (Compared with its
 * length: a JSON string may hold "\u0000", though jansson refuses it
 * unless asked.)
 */
static int member_is(const json_t *obj, const char *key, const char *want)
{
	const json_t *v = json_object_get(obj, key);
	size_t n = strlen(want);

	return json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), want, n) == 0;
}

/*
 * The acknowledgement is parsed by a real JSON parser (jansson), never
 * searched for: a body that merely mentions the id and hash somewhere
 * ({"result":"rejected","request":{...}}, {"error":...,"record_id":...})
 * is not a receipt, and deleting on it would lose evidence. jansson
 * refuses invalid UTF-8, trailing bytes after the value, control
 * characters in strings and "\u0000"; JSON_REJECT_DUPLICATES refuses a
 * key given twice (which of two record_ids would count?).
 */
int upload_ack_check(const char *body, size_t len, const struct upload_item *it, char *why,
		     size_t whylen)
{
	json_error_t jerr;
	json_t *ack;
	int ok = 0;

	if (!body || len == 0) {
		snprintf(why, whylen, "empty body");
		return 0;
	}
	ack = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!ack)
		snprintf(why, whylen, "not JSON: %s at byte %d", jerr.text, jerr.position);
	else if (!json_is_object(ack))
		snprintf(why, whylen, "not a JSON object");
	else if (json_object_size(ack) != 2 || !json_object_get(ack, "record_id") ||
		 !json_object_get(ack, "record_sha256"))
		snprintf(why, whylen, "an acknowledgement has exactly the members record_id and "
			 "record_sha256; this object has %zu member%s", json_object_size(ack),
			 json_object_size(ack) == 1 ? "" : "s");
	else if (!member_is(ack, "record_id", it->record_id))
		snprintf(why, whylen, "record_id is not the string \"%s\"", it->record_id);
	else if (!member_is(ack, "record_sha256", it->sha256))
		snprintf(why, whylen, "record_sha256 is not this record's SHA-256");
	else
		ok = 1;
	json_decref(ack);
	return ok;
}

int upload_ack_ok(const char *body, size_t len, const struct upload_item *it)
{
	char why[256];

	return upload_ack_check(body, len, it, why, sizeof(why));
}

long upload_backoff_ms(unsigned n, long max_ms, double rnd)
{
	double d = 500.0;

	for (unsigned i = 0; i < n && d < (double)max_ms; i++)
		d *= 2.0;
	if (d > (double)max_ms)
		d = (double)max_ms;
	return (long)(d * (0.8 + 0.4 * rnd));
}

enum upload_result upload_http_send(struct upload_http *h, const struct upload_item *it,
				    char *err, size_t errlen)
{
	struct curl_slist *hdr = NULL;
	curl_mime *mime;
	struct body b = { .len = 0 };
	char line[256];
	long code = 0;
	CURLcode rc;
	enum upload_result res;

	mime = curl_mime_init(h->curl);
	for (int i = 0; i < it->nfiles; i++) {
		curl_mimepart *part = curl_mime_addpart(mime);
		const char *base = strrchr(it->files[i], '/');

		curl_mime_name(part, it->names[i]);
		if (curl_mime_filedata(part, it->files[i]) != CURLE_OK) {
			snprintf(err, errlen, "%s: cannot read", it->files[i]);
			curl_mime_free(mime);
			return UPLOAD_RETRY;
		}
		curl_mime_filename(part, base ? base + 1 : it->files[i]);
	}
	snprintf(line, sizeof(line), "Idempotency-Key: %s", it->record_id);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-ANPR-Record-SHA256: %s", it->sha256);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-ANPR-Priority: %s", it->hit ? "hit" : "normal");
	hdr = curl_slist_append(hdr, line);
	if (h->cfg.camera_id) {
		snprintf(line, sizeof(line), "X-ANPR-Camera: %s", h->cfg.camera_id);
		hdr = curl_slist_append(hdr, line);
	}
	hdr = curl_slist_append(hdr, "Expect:");	/* no 100-continue round trip */

	curl_easy_reset(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_URL, h->url);
	curl_easy_setopt(h->curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, h->cfg.timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, h->cfg.timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->cfg.ca_file)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, h->cfg.ca_file);
	if (h->cfg.client_cert) {
		curl_easy_setopt(h->curl, CURLOPT_SSLCERT, h->cfg.client_cert);
		curl_easy_setopt(h->curl, CURLOPT_SSLKEY, h->cfg.client_key);
	}
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: record %s: %s", h->url, it->record_id,
			 curl_easy_strerror(rc));
		res = UPLOAD_RETRY;
		goto out;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200 || code == 201) {
		char why[256];

		if (b.overflow)
			snprintf(why, sizeof(why), "body longer than %d bytes", ACK_MAX);
		if (!b.overflow && upload_ack_check(b.buf, b.len, it, why, sizeof(why))) {
			res = UPLOAD_ACKED;
		} else {
			/* a success that is not exactly this record's receipt
			 * deletes nothing: the record is kept and sent again */
			snprintf(err, errlen, "%s: record %s: HTTP %ld is not an acknowledgement "
				 "(%s); kept, will retry", h->url, it->record_id, code, why);
			res = UPLOAD_RETRY;
		}
	} else if (code >= 400 && code < 500 && code != 408 && code != 429) {
		snprintf(err, errlen, "%s: record %s: rejected, HTTP %ld: %.200s", h->url,
			 it->record_id, code, b.buf);
		res = UPLOAD_REJECTED;
	} else {
		snprintf(err, errlen, "%s: record %s: HTTP %ld", h->url, it->record_id, code);
		res = UPLOAD_RETRY;
	}
out:
	curl_slist_free_all(hdr);
	curl_mime_free(mime);
	return res;
}
