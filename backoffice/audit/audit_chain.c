// SPDX-License-Identifier: MIT
/*
 * audit_chain.c - the audit chain's rules, outside the database
 * (audit_chain.h).
 */
#include "audit/audit_chain.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/evidence.h"

static const uint8_t zero[32];

char *audit_canonical(const struct audit_entry *e)
{
	char *s = NULL;

	if (asprintf(&s, "anpr-audit/1\nseq=%lld\nat=%s\nwho=%s\naction=%s\npurpose=%s\n"
		     "case_ref=%s\nauthorisation=%s\nquestion=%s\nresults=%lld\nwithheld=%s\n",
		     e->seq, e->at, e->who, e->action, e->purpose ? e->purpose : "-",
		     e->case_ref ? e->case_ref : "-",
		     e->authorisation ? e->authorisation : "-", e->question, e->results,
		     e->withheld) < 0)
		return NULL;
	return s;
}

int audit_entry_hash(const struct audit_entry *e, uint8_t out[32])
{
	char *c = audit_canonical(e);
	size_t len;
	uint8_t *buf;

	if (!c)
		return -1;
	len = strlen(c);
	buf = malloc(32 + len);
	if (!buf) {
		free(c);
		return -1;
	}
	memcpy(buf, e->prev_hash, 32);
	memcpy(buf + 32, c, len);
	ev_sha256(buf, 32 + len, out);
	free(buf);
	free(c);
	return 0;
}

long audit_chain_check(const struct audit_entry *e, size_t n, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *before = i ? e[i - 1].hash : zero;
		uint8_t h[32];

		if (audit_entry_hash(&e[i], h) != 0) {
			snprintf(why, whylen, "out of memory at entry %lld", e[i].seq);
			return (long)i;
		}
		if (memcmp(h, e[i].hash, 32) != 0) {
			snprintf(why, whylen, "entry %lld: its hash is not that of its contents "
				 "(edited after it was written)", e[i].seq);
			return (long)i;
		}
		if (memcmp(e[i].prev_hash, before, 32) != 0) {
			long long want = i ? e[i - 1].seq + 1 : 1;
			bool later = false;

			for (size_t j = i + 1; j < n && !later; j++)
				later = e[j].seq >= want && e[j].seq < e[i].seq;
			if (i > 0 && e[i].seq != want && later)
				snprintf(why, whylen, "entry %lld: out of order: an entry it "
					 "follows (%lld) comes after it (reordered)", e[i].seq,
					 want);
			else if (i > 0 && e[i].seq != want)
				snprintf(why, whylen, "entry %lld: entries %lld to %lld are "
					 "missing (removed)", e[i].seq, want, e[i].seq - 1);
			else
				snprintf(why, whylen, "entry %lld: it does not follow entry "
					 "%lld (an entry inserted, removed or reordered before it)",
					 e[i].seq, i ? e[i - 1].seq : 0);
			return (long)i;
		}
		if (e[i].seq != (long long)i + 1 && (i == 0 || e[i].seq != e[i - 1].seq + 1)) {
			snprintf(why, whylen, "entry %lld: numbered out of order (expected %lld)",
				 e[i].seq, i ? e[i - 1].seq + 1 : 1);
			return (long)i;
		}
	}
	return -1;
}

int audit_seal_message(long long seq, const uint8_t hash[32], char *out, size_t cap)
{
	char hex[65];
	int n;

	ev_hex(hash, 32, hex);
	n = snprintf(out, cap, "anpr-audit-seal/1\nseq=%lld\nhash=%s\n", seq, hex);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int audit_seal_parse(const char *msg, long long *seq, uint8_t hash[32])
{
	char hex[65], again[160];
	long long s;

	if (sscanf(msg, "anpr-audit-seal/1\nseq=%lld\nhash=%64[0-9a-f]\n", &s, hex) != 2 ||
	    s < 1 || ev_unhex(hex, hash, 32) != 0)
		return -1;
	/* exactly the canonical message, nothing else */
	if (audit_seal_message(s, hash, again, sizeof again) != 0 || strcmp(again, msg) != 0)
		return -1;
	*seq = s;
	return 0;
}
