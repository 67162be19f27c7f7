// SPDX-License-Identifier: MIT
/*
 * audit.c - the audit chain and its seals as stored (0007, 0008), for
 * anpr-audit: read as the database holds them, checked outside it
 * (backoffice/audit/audit_chain.c).
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const PGresult *r, int row, int col, int *oom)
{
	char *s;

	if (PQgetisnull(r, row, col))
		return NULL;
	s = strdup(PQgetvalue(r, row, col));
	if (!s)
		*oom = 1;
	return s;
}

void anpr_store_audit_free(struct anpr_audit_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++) {
		free(rows[i].at);
		free(rows[i].who);
		free(rows[i].action);
		free(rows[i].purpose);
		free(rows[i].case_ref);
		free(rows[i].authorisation);
		free(rows[i].question);
		free(rows[i].withheld);
	}
	free(rows);
}

int anpr_store_audit_read(struct anpr_store *st, struct anpr_audit_row **rows,
			  size_t *n, char *err, size_t errlen)
{
	PGresult *r;
	int rc, nr, oom = 0;

	*rows = NULL;
	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	/* the columns as the database prints them: what audit.canonical
	 * builds the text from */
	r = st_exec(st, "reading the audit",
		    "SELECT seq, to_char(at AT TIME ZONE 'UTC', "
		    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), who, action, purpose, case_ref, "
		    "authorisation::text, question::text, results, withheld::text, "
		    "encode(prev_hash, 'hex'), encode(hash, 'hex') "
		    "FROM audit.entries ORDER BY seq", NULL, &rc, err, errlen);
	if (!r)
		return rc;
	nr = PQntuples(r);
	*rows = calloc(nr > 0 ? (size_t)nr : 1, sizeof **rows);
	if (!*rows) {
		PQclear(r);
		st_err(err, errlen, "reading the audit: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < nr; i++) {
		struct anpr_audit_row *a = &(*rows)[i];

		a->seq = st_i64(r, i, 0);
		a->at = dup_or_null(r, i, 1, &oom);
		a->who = dup_or_null(r, i, 2, &oom);
		a->action = dup_or_null(r, i, 3, &oom);
		a->purpose = dup_or_null(r, i, 4, &oom);
		a->case_ref = dup_or_null(r, i, 5, &oom);
		a->authorisation = dup_or_null(r, i, 6, &oom);
		a->question = dup_or_null(r, i, 7, &oom);
		a->results = st_i64(r, i, 8);
		a->withheld = dup_or_null(r, i, 9, &oom);
		if (st_hash(r, i, 10, a->prev_hash) || st_hash(r, i, 11, a->hash)) {
			st_err(err, errlen, "audit entry %lld: a hash is not 32 bytes", a->seq);
			rc = ANPR_STORE_EINVAL;
		}
	}
	*n = (size_t)nr;
	PQclear(r);
	if (oom) {
		st_err(err, errlen, "reading the audit: out of memory");
		rc = ANPR_STORE_ENOMEM;
	}
	if (rc) {
		anpr_store_audit_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

void anpr_store_audit_seals_free(struct anpr_audit_seal *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].sealed_at);
		free(s[i].message);
		free(s[i].signature);
	}
	free(s);
}

int anpr_store_audit_seals(struct anpr_store *st, struct anpr_audit_seal **seals,
			   size_t *n, char *err, size_t errlen)
{
	PGresult *r;
	int rc, nr, oom = 0;

	*seals = NULL;
	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	r = st_exec(st, "reading the audit's seals",
		    "SELECT seq, to_char(sealed_at AT TIME ZONE 'UTC', "
		    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), message, signature "
		    "FROM audit.seals ORDER BY seq, sealed_at", NULL, &rc, err, errlen);
	if (!r)
		return rc;
	nr = PQntuples(r);
	*seals = calloc(nr > 0 ? (size_t)nr : 1, sizeof **seals);
	if (!*seals) {
		PQclear(r);
		st_err(err, errlen, "reading the audit's seals: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < nr; i++) {
		(*seals)[i].seq = st_i64(r, i, 0);
		(*seals)[i].sealed_at = dup_or_null(r, i, 1, &oom);
		(*seals)[i].message = dup_or_null(r, i, 2, &oom);
		(*seals)[i].signature = dup_or_null(r, i, 3, &oom);
	}
	*n = (size_t)nr;
	PQclear(r);
	if (oom) {
		anpr_store_audit_seals_free(*seals, *n);
		*seals = NULL;
		*n = 0;
		st_err(err, errlen, "reading the audit's seals: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	return 0;
}

int anpr_store_audit_head(struct anpr_store *st, long long *seq, uint8_t hash[32],
			  char *err, size_t errlen)
{
	PGresult *r;
	int rc;

	*seq = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	r = st_exec(st, "reading the audit's head",
		    "SELECT seq, encode(hash, 'hex') FROM audit.entries "
		    "ORDER BY seq DESC LIMIT 1", NULL, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		st_err(err, errlen, "the audit has no entry to seal yet");
		return ANPR_STORE_ENOENT;
	}
	*seq = st_i64(r, 0, 0);
	if (st_hash(r, 0, 1, hash)) {
		PQclear(r);
		st_err(err, errlen, "audit entry %lld: its hash is not 32 bytes", *seq);
		return ANPR_STORE_EINVAL;
	}
	PQclear(r);
	return 0;
}

int anpr_store_audit_seal_add(struct anpr_store *st, long long seq, const char *message,
			      const char *signature, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_i64(&p, seq);
	sp_text(&p, message);
	sp_text(&p, signature);
	r = st_exec(st, "adding a seal",
		    "INSERT INTO audit.seals (seq, message, signature) VALUES ($1::bigint, $2, $3)",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	PQclear(r);
	return 0;
}
