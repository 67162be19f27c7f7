// SPDX-License-Identifier: MIT
/*
 * ingest_batch.c - the parts of upload protocol version 2 that version 1
 * does not have (ingest_batch.h). The answer is made by jansson, as
 * anpr-upload reads it with jansson: no JSON written by hand beyond
 * version 1's acknowledgement, whose exact form both ends test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evidence/evidence.h"
#include "ingest/ingest_batch.h"

static int is_hex64(const char *s, size_t len)
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int ingest_batch_parse_records(const char *hdr, struct ingest_batch_entry *e, size_t cap,
			       size_t *n, char *why, size_t whylen)
{
	const char *p = hdr;

	*n = 0;
	if (!hdr) {
		snprintf(why, whylen, "no X-ANPR-Records header");
		return -1;
	}
	for (;;) {
		size_t il, hl;
		const char *id, *hash;

		p += strspn(p, " \t");
		id = p;
		il = strcspn(p, " \t,");
		p += il;
		p += strspn(p, " \t");
		hash = p;
		hl = strcspn(p, " \t,");
		p += hl;
		p += strspn(p, " \t");
		if (il == 0 || hl == 0) {
			snprintf(why, whylen, "X-ANPR-Records: entry %zu is not \"<record id> "
				 "<sha256>\"", *n + 1);
			return -1;
		}
		if (*n == cap) {
			snprintf(why, whylen, "X-ANPR-Records: more than %zu records", cap);
			return -1;
		}
		if (il >= sizeof e->record_id) {
			snprintf(why, whylen, "X-ANPR-Records: entry %zu: record id over 64 "
				 "characters", *n + 1);
			return -1;
		}
		memcpy(e[*n].record_id, id, il);
		e[*n].record_id[il] = '\0';
		if (ev_value_check(EV_K_TOKEN, e[*n].record_id) != 0) {
			snprintf(why, whylen, "X-ANPR-Records: entry %zu: not a record id",
				 *n + 1);
			return -1;
		}
		if (!is_hex64(hash, hl)) {
			snprintf(why, whylen, "X-ANPR-Records: entry %zu: the SHA-256 is not "
				 "64 lower-case hex digits", *n + 1);
			return -1;
		}
		memcpy(e[*n].sha256_hex, hash, 64);
		e[*n].sha256_hex[64] = '\0';
		for (size_t k = 0; k < *n; k++)
			if (strcmp(e[k].record_id, e[*n].record_id) == 0) {
				snprintf(why, whylen, "X-ANPR-Records: record %s twice",
					 e[*n].record_id);
				return -1;
			}
		(*n)++;
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(why, whylen, "X-ANPR-Records: entry %zu is not \"<record id> "
				 "<sha256>\"", *n);
			return -1;
		}
		p++;
	}
}

enum ingest_part_id ingest_batch_part(const char *name, size_t *index)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	char base[32];
	size_t len, idx = 0;
	enum ingest_part_id id;

	if (!dot || dot == name || (size_t)(dot - name) >= sizeof base)
		return IP_COUNT;
	len = strlen(dot + 1);
	if (len == 0 || len > 2 || strspn(dot + 1, "0123456789") != len ||
	    (len > 1 && dot[1] == '0'))
		return IP_COUNT;
	for (size_t i = 0; i < len; i++)
		idx = idx * 10 + (size_t)(dot[1 + i] - '0');
	if (idx >= INGEST_BATCH_MAX)
		return IP_COUNT;
	memcpy(base, name, (size_t)(dot - name));
	base[dot - name] = '\0';
	id = ingest_part_by_name(base);
	if (id != IP_COUNT)
		*index = idx;
	return id;
}

/* Words for the answer: printable ASCII, anything else as '?' (json_pack
 * refuses invalid UTF-8, and a detail may quote bytes a client sent). */
static const char *words(const char *s, char *buf, size_t cap)
{
	size_t i = 0;

	for (; s && s[i] && i + 1 < cap; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static json_t *entry(const struct ingest_batch_result *r)
{
	char reason[64], detail[1024];

	if (!r->record_id || ev_value_check(EV_K_TOKEN, r->record_id) != 0)
		return NULL;
	switch (r->kind) {
	case INGEST_BATCH_ACK:
		if (!r->sha256_hex || !is_hex64(r->sha256_hex, strlen(r->sha256_hex)))
			return NULL;
		return json_pack("{s:s, s:s}", "record_id", r->record_id, "record_sha256",
				 r->sha256_hex);
	case INGEST_BATCH_REFUSED:
		if (r->status < 400 || r->status > 499)
			return NULL;
		return json_pack("{s:s, s:i, s:s, s:s}", "record_id", r->record_id,
				 "refused", r->status, "reason", words(r->reason, reason, sizeof reason),
				 "detail", words(r->detail, detail, sizeof detail));
	case INGEST_BATCH_RETRY:
		if (r->status < 500 || r->status > 599)
			return NULL;
		return json_pack("{s:s, s:i, s:s}", "record_id", r->record_id, "retry",
				 r->status, "detail", words(r->detail, detail, sizeof detail));
	}
	return NULL;
}

char *ingest_batch_results_json(const struct ingest_batch_result *r, size_t n)
{
	json_t *arr = json_array(), *doc;
	char *out = NULL;

	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *e = entry(&r[i]);

		if (!e || json_array_append_new(arr, e) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	doc = json_pack("{s:o}", "results", arr);
	if (doc) {
		out = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
	}
	return out;
}
