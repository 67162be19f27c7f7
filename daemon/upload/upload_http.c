// SPDX-License-Identifier: MIT
/*
 * upload_http.c - one record, one HTTPS POST (libcurl), or several in one
 * (protocol version 2), and the rules for what counts as an
 * acknowledgement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "evidence/readfile.h"
#include "upload/upload.h"

#define ACK_MAX		4096	/* an acknowledgement is small; more is junk */
#define RESULTS_MAX	65536	/* 32 results with a refusal's words each */

struct upload_http {
	CURL *curl;			/* reused: keeps the TLS session alive */
	struct upload_http_cfg cfg;
	char url[1024];
	char url_v2[1024];
};

struct body {
	char *buf;			/* max + 1 bytes */
	size_t max;
	size_t len;
	int overflow;
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * n;

	if (b->len + len > b->max) {
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
	snprintf(h->url_v2, sizeof(h->url_v2), "%s%s", cfg->url, UPLOAD_PATH_V2);
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

/* One POST of mime with headers hdr to url, the body into b. */
static CURLcode post(struct upload_http *h, const char *url, curl_mime *mime,
		     struct curl_slist *hdr, struct body *b)
{
	curl_easy_reset(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, b);
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
	return curl_easy_perform(h->curl);
}

/* What an HTTP status says of a request, in both protocol versions
 * (docs/upload-protocol.md): UPLOAD_ACKED for 200 and 201 (then only if
 * the body is exactly the receipt), UPLOAD_REJECTED for a 4xx other than
 * 408 and 429 (the record is kept and not sent again by this process),
 * UPLOAD_RETRY for anything else. */
static enum upload_result status_result(long code)
{
	if (code == 200 || code == 201)
		return UPLOAD_ACKED;
	if (code >= 400 && code < 500 && code != 408 && code != 429)
		return UPLOAD_REJECTED;
	return UPLOAD_RETRY;
}

/* The parts of item it, named as in version 1 with suffix appended
 * ("" in version 1, ".I" in version 2). 0, or -1: a file cannot be read
 * (err names it and why). Each file is read here, once, into the part
 * (read_file_limited: a regular file, its size fixed while it is read):
 * curl_mime_filedata stat'ed and access'ed every file when the part was
 * made and opened and stat'ed it again to send it, 17 stat calls a record
 * (strace in the ingest bench), and read a file that changed meanwhile
 * as it found it. */
static int add_parts(curl_mime *mime, const struct upload_item *it, const char *suffix,
		     char *err, size_t errlen)
{
	for (int i = 0; i < it->nfiles; i++) {
		curl_mimepart *part = curl_mime_addpart(mime);
		const char *base = strrchr(it->files[i], '/');
		char name[96];
		char *data;
		size_t len;
		CURLcode rc;

		snprintf(name, sizeof(name), "%s%s", it->names[i], suffix);
		curl_mime_name(part, name);
		if (read_file_limited(it->files[i], UPLOAD_PART_MAX, &data, &len, err,
				      errlen) != 0)
			return -1;
		rc = curl_mime_data(part, data, len);	/* copied */
		free(data);
		if (rc != CURLE_OK) {
			snprintf(err, errlen, "%s: %s", it->files[i], curl_easy_strerror(rc));
			return -1;
		}
		curl_mime_filename(part, base ? base + 1 : it->files[i]);
	}
	return 0;
}

enum upload_result upload_http_send(struct upload_http *h, const struct upload_item *it,
				    char *err, size_t errlen)
{
	struct curl_slist *hdr = NULL;
	curl_mime *mime;
	char buf[ACK_MAX + 1] = "";
	struct body b = { .buf = buf, .max = ACK_MAX };
	char line[256];
	long code = 0;
	CURLcode rc;
	enum upload_result res;

	mime = curl_mime_init(h->curl);
	if (add_parts(mime, it, "", err, errlen) != 0) {
		curl_mime_free(mime);
		return UPLOAD_RETRY;
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
	rc = post(h, h->url, mime, hdr, &b);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: record %s: %s", h->url, it->record_id,
			 curl_easy_strerror(rc));
		res = UPLOAD_RETRY;
		goto out;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	res = status_result(code);
	if (res == UPLOAD_ACKED) {
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
	} else if (res == UPLOAD_REJECTED) {
		snprintf(err, errlen, "%s: record %s: rejected, HTTP %ld: %.200s", h->url,
			 it->record_id, code, b.buf);
	} else {
		snprintf(err, errlen, "%s: record %s: HTTP %ld", h->url, it->record_id, code);
	}
out:
	curl_slist_free_all(hdr);
	curl_mime_free(mime);
	return res;
}

/* Entry i of a version 2 answer, for it: 0 with *r and detail, or -1 with
 * why. */
static int result_entry(const json_t *e, size_t i, const struct upload_item *it,
			enum upload_result *r, char *detail, size_t dlen, char *why,
			size_t whylen)
{
	const json_t *v;

	if (!json_is_object(e)) {
		snprintf(why, whylen, "result %zu is not a JSON object", i);
		return -1;
	}
	if (!member_is(e, "record_id", it->record_id)) {
		snprintf(why, whylen, "result %zu is not for record %s (the request's order)", i,
			 it->record_id);
		return -1;
	}
	if (json_object_get(e, "record_sha256")) {
		if (json_object_size(e) != 2 || !member_is(e, "record_sha256", it->sha256)) {
			snprintf(why, whylen, "result %zu is not the acknowledgement of record %s",
				 i, it->record_id);
			return -1;
		}
		*r = UPLOAD_ACKED;
		detail[0] = '\0';
		return 0;
	}
	if ((v = json_object_get(e, "refused"))) {
		json_int_t st = json_is_integer(v) ? json_integer_value(v) : 0;

		if (json_object_size(e) != 4 || st < 400 || st > 499 ||
		    !json_is_string(json_object_get(e, "reason")) ||
		    !json_is_string(json_object_get(e, "detail"))) {
			snprintf(why, whylen, "result %zu: a refusal is {record_id, refused: "
				 "400-499, reason, detail}", i);
			return -1;
		}
		*r = st == 408 || st == 429 ? UPLOAD_RETRY : UPLOAD_REJECTED;
		snprintf(detail, dlen, "refused, %d %s: %.300s", (int)st,
			 json_string_value(json_object_get(e, "reason")),
			 json_string_value(json_object_get(e, "detail")));
		return 0;
	}
	if ((v = json_object_get(e, "retry"))) {
		json_int_t st = json_is_integer(v) ? json_integer_value(v) : 0;

		if (json_object_size(e) != 3 || st < 500 || st > 599 ||
		    !json_is_string(json_object_get(e, "detail"))) {
			snprintf(why, whylen, "result %zu: a retry is {record_id, retry: 500-599, "
				 "detail}", i);
			return -1;
		}
		*r = UPLOAD_RETRY;
		snprintf(detail, dlen, "%d: %.300s", (int)st,
			 json_string_value(json_object_get(e, "detail")));
		return 0;
	}
	snprintf(why, whylen, "result %zu is no acknowledgement, refusal or retry", i);
	return -1;
}

int upload_results_check(const char *body, size_t len, const struct upload_item *const *items,
			 size_t n, enum upload_result *res, char (*detail)[UPLOAD_ERR_MAX],
			 char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *doc, *arr;
	int ok = 0;

	if (!body || len == 0) {
		snprintf(why, whylen, "empty body");
		return 0;
	}
	/* the acknowledgement's rules (upload_ack_check): a real parser,
	 * duplicate keys refused, nothing after the value */
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		snprintf(why, whylen, "not JSON: %s at byte %d", jerr.text, jerr.position);
		return 0;
	}
	arr = json_object_get(doc, "results");
	if (!json_is_object(doc) || json_object_size(doc) != 1 || !json_is_array(arr))
		snprintf(why, whylen, "not an object whose only member is the array results");
	else if (json_array_size(arr) != n)
		snprintf(why, whylen, "%zu results for %zu records", json_array_size(arr), n);
	else {
		ok = 1;
		for (size_t i = 0; i < n && ok; i++)
			if (result_entry(json_array_get(arr, i), i, items[i], &res[i], detail[i],
					 UPLOAD_ERR_MAX, why, whylen) != 0)
				ok = 0;
	}
	json_decref(doc);
	return ok;
}

static void all_of(enum upload_result r, size_t n, enum upload_result *res,
		   char (*err)[UPLOAD_ERR_MAX], const char *fmt, const char *a, const char *b)
{
	for (size_t i = 0; i < n; i++) {
		res[i] = r;
		snprintf(err[i], UPLOAD_ERR_MAX, fmt, a, b);
	}
}

/* Version 1, a request each, stopping at the first that is not
 * acknowledged: the caller takes the answers in order and stops there
 * too, so sending the rest would only make duplicates and wait. */
static void send_each(struct upload_http *h, const struct upload_item *const *items,
		      size_t n, enum upload_result *res, char (*err)[UPLOAD_ERR_MAX])
{
	size_t i = 0;

	for (; i < n; i++) {
		res[i] = upload_http_send(h, items[i], err[i], UPLOAD_ERR_MAX);
		if (res[i] == UPLOAD_RETRY)
			break;
	}
	for (i++; i < n; i++) {
		res[i] = UPLOAD_RETRY;
		snprintf(err[i], UPLOAD_ERR_MAX, "record %s: not sent: a record before it "
			 "in its batch was not acknowledged", items[i]->record_id);
	}
}

void upload_http_send_batch(struct upload_http *h, const struct upload_item *const *items,
			    size_t n, enum upload_result *res, char (*err)[UPLOAD_ERR_MAX])
{
	struct curl_slist *hdr = NULL;
	curl_mime *mime;
	char *buf = NULL, *list = NULL, line[256], why[UPLOAD_ERR_MAX] = "", what[160];
	struct body b = { .max = RESULTS_MAX };
	size_t off = 0, cap = n * (UPLOAD_ID_MAX + 70) + 32;
	long code = 0;
	CURLcode rc;
	int hit = 0;

	if (n == 1 || !h->cfg.v1_only || __atomic_load_n(h->cfg.v1_only, __ATOMIC_RELAXED)) {
		send_each(h, items, n, res, err);
		return;
	}
	snprintf(what, sizeof(what), "%zu records from %s", n, items[0]->record_id);
	buf = malloc(RESULTS_MAX + 1);
	list = malloc(cap);
	mime = curl_mime_init(h->curl);
	if (!buf || !list || !mime) {
		all_of(UPLOAD_RETRY, n, res, err, "%s%s: out of memory", what, "");
		goto out;
	}
	b.buf = buf;
	buf[0] = '\0';
	strcpy(list, "X-ANPR-Records: ");
	off = strlen(list);
	for (size_t i = 0; i < n; i++) {
		char sfx[24];

		snprintf(sfx, sizeof(sfx), ".%zu", i);
		if (add_parts(mime, items[i], sfx, why, sizeof(why)) != 0) {
			all_of(UPLOAD_RETRY, n, res, err, "%s: %.300s", what, why);
			goto out;
		}
		off += (size_t)snprintf(list + off, cap - off, "%s%s %s", i ? ", " : "",
					items[i]->record_id, items[i]->sha256);
		hit |= items[i]->hit;
	}
	hdr = curl_slist_append(hdr, list);
	snprintf(line, sizeof(line), "X-ANPR-Priority: %s", hit ? "hit" : "normal");
	hdr = curl_slist_append(hdr, line);
	if (h->cfg.camera_id) {
		snprintf(line, sizeof(line), "X-ANPR-Camera: %s", h->cfg.camera_id);
		hdr = curl_slist_append(hdr, line);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	rc = post(h, h->url_v2, mime, hdr, &b);
	if (rc != CURLE_OK) {
		all_of(UPLOAD_RETRY, n, res, err, "%s: %s", what, curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code == 404 || code == 405 || code == 501) {
		/* a back office without version 2: version 1 from now on, for
		 * every connection of this run (said once) */
		if (!__atomic_exchange_n(h->cfg.v1_only, 1, __ATOMIC_RELAXED))
			fprintf(stderr, "anpr-upload: %.300s: HTTP %ld: the back office has no "
				"protocol version 2; sending a record a request (version 1) "
				"for the rest of this run\n", h->url_v2, code);
		send_each(h, items, n, res, err);
		goto out;
	}
	if (status_result(code) == UPLOAD_ACKED) {
		if (b.overflow)
			snprintf(why, sizeof(why), "body longer than %d bytes", RESULTS_MAX);
		if (!b.overflow &&
		    upload_results_check(b.buf, b.len, items, n, res, err, why, sizeof(why))) {
			/* err[i] holds the back office's words; name the record */
			for (size_t i = 0; i < n; i++)
				if (res[i] != UPLOAD_ACKED) {
					char words[UPLOAD_ERR_MAX];

					snprintf(words, sizeof(words), "%s", err[i]);
					snprintf(err[i], UPLOAD_ERR_MAX, "%.160s: record %s: %.200s",
						 h->url_v2, items[i]->record_id, words);
				}
		} else {
			/* no receipt for any of them: nothing is deleted */
			for (size_t i = 0; i < n; i++) {
				res[i] = UPLOAD_RETRY;
				snprintf(err[i], UPLOAD_ERR_MAX, "%.160s: %s: HTTP %ld is not an answer "
					 "for them (%.120s); kept, will retry", h->url_v2, what,
					 code, why);
			}
		}
	} else if (status_result(code) == UPLOAD_REJECTED) {
		for (size_t i = 0; i < n; i++) {
			res[i] = UPLOAD_REJECTED;
			snprintf(err[i], UPLOAD_ERR_MAX, "%.160s: %s: rejected, HTTP %ld: %.160s",
				 h->url_v2, what, code, b.buf);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			res[i] = UPLOAD_RETRY;
			snprintf(err[i], UPLOAD_ERR_MAX, "%.160s: %s: HTTP %ld", h->url_v2, what,
				 code);
		}
	}
out:
	curl_slist_free_all(hdr);
	curl_mime_free(mime);
	free(buf);
	free(list);
}
