// SPDX-License-Identifier: MIT
/*
 * query.c - search of reads and the spans of chain an export takes
 * (anpr-query, docs/backoffice.md "Search and export"), and the search
 * under the access policy (docs/access.md). Parameterised
 * queries only; a mark is normalised and folded here as record_put does.
 */
#include "store/store_int.h"

#include "evidence/evidence.h"
#include "core/vrm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The question, purpose, case and authorisation as the parameters $1..$8
 * of anpr.search_reads and anpr.export_reads: the mark normalised and, for
 * a fuzzy search, folded as record_put does. */
int st_policy_question(const struct anpr_query *q, const char *purpose,
		       const char *case_ref, int64_t authorisation, struct st_question *sq,
		       char *err, size_t errlen)
{
	struct sparams *p = &sq->p;

	_Static_assert(sizeof sq->vrm > EV_VRM_MAX, "a mark fits");
	if (q->vrm) {
		int len = vrm_normalise(q->vrm, sq->vrm, sizeof sq->vrm, 0);

		if (len <= 0) {
			st_err(err, errlen, "registration mark: not 1-%d of "
			       "[A-Z0-9] (blanks ignored)", EV_VRM_MAX);
			return ANPR_STORE_EINVAL;
		}
		vrm_fold(sq->vrm, (size_t)len, sq->key);
	}
	sp_init(p);
	sp_text(p, q->vrm && !q->fuzzy ? sq->vrm : NULL);
	sp_text(p, q->vrm && q->fuzzy ? sq->key : NULL);
	if (q->has_from)
		sp_i64(p, q->from_us);
	else
		sp_text(p, NULL);
	if (q->has_to)
		sp_i64(p, q->to_us);
	else
		sp_text(p, NULL);
	sp_text(p, q->camera_id);
	sp_text(p, purpose);
	sp_text(p, case_ref);
	if (authorisation > 0)
		sp_i64(p, authorisation);
	else
		sp_text(p, NULL);
	return 0;
}

void st_withheld_row(const PGresult *r, int row, int c_tier, int c_reason, int c_count,
		     int c_needs, struct anpr_withheld *w)
{
	snprintf(w->reason, sizeof w->reason, "%s", PQgetvalue(r, row, c_reason));
	w->tier = (int)st_i64(r, row, c_tier);
	w->count = st_i64(r, row, c_count);
	snprintf(w->needs, sizeof w->needs, "%s", PQgetvalue(r, row, c_needs));
}

int anpr_store_search_policy(struct anpr_store *st, const struct anpr_query *q,
			     const char *purpose, const char *case_ref,
			     int64_t authorisation, struct anpr_read **reads, size_t *n,
			     struct anpr_withheld **withheld, size_t *nw, char *err,
			     size_t errlen)
{
	struct st_question sq;
	PGresult *r;
	int rc, rows;
	size_t nr = 0, nh = 0;

	*reads = NULL;
	*withheld = NULL;
	*n = *nw = 0;
	rc = st_policy_question(q, purpose, case_ref, authorisation, &sq, err, errlen);
	if (!rc)
		rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	r = st_exec(st, "searching reads under the access policy",
		    "SELECT record_id, camera_id, "
		    "((extract(epoch FROM time_utc) * 1000000)::numeric)::bigint, vrm, "
		    "coalesce(site_id, ''), confidence, sig_ok, coalesce(tier, 0), "
		    "withheld_reason, withheld_count, coalesce(needs, ''), "
		    "chain_id, chain_seq, link_verified, covered "
		    "FROM anpr.search_reads($1, $2, "
		    "timestamptz 'epoch' + $3::bigint * interval '1 microsecond', "
		    "timestamptz 'epoch' + $4::bigint * interval '1 microsecond', "
		    "$5, $6, $7, $8::bigint)", &sq.p, &rc, err, errlen);
	if (!r)
		return rc;
	rows = PQntuples(r);
	*reads = calloc(rows > 0 ? (size_t)rows : 1, sizeof **reads);
	*withheld = calloc(rows > 0 ? (size_t)rows : 1, sizeof **withheld);
	if (!*reads || !*withheld) {
		PQclear(r);
		free(*reads);
		free(*withheld);
		*reads = NULL;
		*withheld = NULL;
		st_err(err, errlen, "searching reads: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(r, i, 0)) {
			st_withheld_row(r, i, 7, 8, 9, 10, &(*withheld)[nh++]);
		} else {
			struct anpr_read *d = &(*reads)[nr++];

			snprintf(d->record_id, sizeof d->record_id, "%s", PQgetvalue(r, i, 0));
			snprintf(d->camera_id, sizeof d->camera_id, "%s", PQgetvalue(r, i, 1));
			d->time_utc_us = st_i64(r, i, 2);
			snprintf(d->vrm, sizeof d->vrm, "%s", PQgetvalue(r, i, 3));
			snprintf(d->site_id, sizeof d->site_id, "%s", PQgetvalue(r, i, 4));
			d->confidence = strtod(PQgetvalue(r, i, 5), NULL);
			d->sig_ok = PQgetvalue(r, i, 6)[0] == 't';
			snprintf(d->chain_id, sizeof d->chain_id, "%s", PQgetvalue(r, i, 11));
			d->chain_seq = (uint64_t)st_i64(r, i, 12);
			d->link_verified = PQgetvalue(r, i, 13)[0] == 't';
			d->covered = PQgetvalue(r, i, 14)[0] == 't';
		}
	}
	PQclear(r);
	*n = nr;
	*nw = nh;
	return 0;
}

void *st_unhex_dup(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n ? n : 1);

	if (b && ev_unhex(hex, b, n) != 0) {
		free(b);
		b = NULL;
	}
	*len = n;
	return b;
}
