/* SPDX-License-Identifier: MIT */
/*
 * audit_chain.h - the audit chain checked outside the database
 * (docs/access.md, "4. Audit"): each entry's canonical text, exactly as
 * audit.canonical (0007_search_audit.sql) builds it, hashed after the
 * previous entry's hash; and the seals' messages. Pure.
 */
#ifndef ANPR_AUDIT_CHAIN_H
#define ANPR_AUDIT_CHAIN_H

#include <stddef.h>
#include <stdint.h>

/* One entry, its columns as PostgreSQL prints them (at: UTC, microseconds,
 * "YYYY-MM-DDTHH:MM:SS.uuuuuuZ"); NULL for an absent purpose, case_ref or
 * authorisation. */
struct audit_entry {
	long long seq;
	const char *at, *who, *action, *purpose, *case_ref, *authorisation;
	const char *question, *withheld;
	long long results;
	uint8_t prev_hash[32], hash[32];
};

/* The canonical text (malloc'd; NULL if out of memory). */
char *audit_canonical(const struct audit_entry *e);

/* The entry's hash as it should be: SHA-256(prev_hash || canonical). 0, or
 * -1 out of memory. */
int audit_entry_hash(const struct audit_entry *e, uint8_t out[32]);

/* Walk entries in seq order. -1 if every entry's hash is its contents' and
 * every prev_hash the entry before's, seqs 1, 2, 3...; otherwise the index
 * of the first entry at fault, and why in words (naming its seq): edited,
 * removed before it, inserted or reordered. */
long audit_chain_check(const struct audit_entry *e, size_t n, char *why, size_t whylen);

/* The message a seal signs: "anpr-audit-seal/1\nseq=N\nhash=HEX\n". */
int audit_seal_message(long long seq, const uint8_t hash[32], char *out, size_t cap);
/* Parse a seal message: 0, or -1 if it is not one. */
int audit_seal_parse(const char *msg, long long *seq, uint8_t hash[32]);

#endif
