// SPDX-License-Identifier: MIT
/*
 * query.c - search of reads and the spans of chain an export takes
 * (anpr-query, docs/backoffice.md "Search and export"), and the search
 * under the access policy (docs/access.md). Parameterised
 * queries only; a mark is normalised and folded here as record_put does.
 */
#include "store_int.h"

#include "evidence.h"
#include "vrm.h"

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

int anpr_store_search(struct anpr_store *st, const struct anpr_query *q,
		      struct anpr_read **reads, size_t *n, char *err,
		      size_t errlen)
{
	char vrm[EV_VRM_MAX + 1], key[EV_VRM_MAX + 1];
	struct sparams p;
	PGresult *r;
	int rc, rows;

	*reads = NULL;
	*n = 0;
	if (q->vrm) {
		int len = vrm_normalise(q->vrm, vrm, sizeof vrm, 0);

		if (len <= 0) {
			st_err(err, errlen, "registration mark: not 1-%d of "
			       "[A-Z0-9] (blanks ignored)", EV_VRM_MAX);
			return ANPR_STORE_EINVAL;
		}
		vrm_fold(vrm, (size_t)len, key);
	}
	if (q->camera_id && !st_token_ok(q->camera_id, 32)) {
		st_err(err, errlen, "camera id: not 1-32 of [A-Za-z0-9_.:+-]");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, q->vrm && !q->fuzzy ? vrm : NULL);
	sp_text(&p, q->vrm && q->fuzzy ? key : NULL);
	if (q->has_from)
		sp_i64(&p, q->from_us);
	else
		sp_text(&p, NULL);
	if (q->has_to)
		sp_i64(&p, q->to_us);
	else
		sp_text(&p, NULL);
	sp_text(&p, q->camera_id);
	if (q->limit)
		sp_u64(&p, q->limit);
	else
		sp_text(&p, NULL);
	r = st_exec(st, "searching reads",
		    /* record_index, not the day partitions of anpr.records:
		     * see 0004_search_index.sql. link and covered by the
		     * rule record_put keeps them by in anpr.records: the
		     * first of its chain, or the previous record held (its
		     * hash is then prev_hash: a mismatch is never stored) or
		     * deleted by retention with that hash (0009);
		     * a verified checkpoint over the position. */
		    "SELECT i.record_id, i.camera_id, i.chain_id, i.chain_seq, "
		    "((extract(epoch FROM i.time_utc) * 1000000)::numeric)::bigint, "
		    "i.vrm, coalesce(i.site_id, ''), i.confidence, i.sig_ok, "
		    "i.chain_seq = 1 OR EXISTS (SELECT 1 FROM anpr.record_index p "
		    " WHERE p.chain_id = i.chain_id AND p.chain_seq = i.chain_seq - 1 "
		    " AND p.sha256 = i.prev_hash) OR EXISTS (SELECT 1 FROM "
		    " anpr.retention_deleted d WHERE d.chain_id = i.chain_id AND "
		    " d.last_seq = i.chain_seq - 1 AND d.last_sha256 = i.prev_hash), "
		    "EXISTS (SELECT 1 FROM anpr.checkpoints k WHERE k.chain_id = i.chain_id "
		    " AND k.verified_at IS NOT NULL AND k.first_seq <= i.chain_seq "
		    " AND k.last_seq >= i.chain_seq) "
		    "FROM anpr.record_index i "
		    "WHERE i.vrm IS NOT NULL "
		    "AND ($1::text IS NULL OR i.vrm = $1) "
		    "AND ($2::text IS NULL OR i.vrm_key = $2) "
		    "AND ($3::bigint IS NULL OR i.time_utc >= timestamptz 'epoch' + "
		    "  $3::bigint * interval '1 microsecond') "
		    "AND ($4::bigint IS NULL OR i.time_utc <= timestamptz 'epoch' + "
		    "  $4::bigint * interval '1 microsecond') "
		    "AND ($5::text IS NULL OR i.camera_id = $5) "
		    "ORDER BY i.time_utc, i.record_id LIMIT $6::bigint",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	rows = PQntuples(r);
	if (rows > 0) {
		*reads = calloc((size_t)rows, sizeof **reads);
		if (!*reads) {
			PQclear(r);
			st_err(err, errlen, "searching reads: out of memory");
			return ANPR_STORE_ENOMEM;
		}
	}
	for (int i = 0; i < rows; i++) {
		struct anpr_read *d = &(*reads)[i];
		const char *c = st_val(r, i, 7);

		snprintf(d->record_id, sizeof d->record_id, "%s", PQgetvalue(r, i, 0));
		snprintf(d->camera_id, sizeof d->camera_id, "%s", PQgetvalue(r, i, 1));
		snprintf(d->chain_id, sizeof d->chain_id, "%s", PQgetvalue(r, i, 2));
		d->chain_seq = (uint64_t)st_i64(r, i, 3);
		d->time_utc_us = st_i64(r, i, 4);
		snprintf(d->vrm, sizeof d->vrm, "%s", PQgetvalue(r, i, 5));
		snprintf(d->site_id, sizeof d->site_id, "%s", PQgetvalue(r, i, 6));
		d->confidence = c ? strtod(c, NULL) : -1;
		d->sig_ok = PQgetvalue(r, i, 8)[0] == 't';
		d->link_verified = PQgetvalue(r, i, 9)[0] == 't';
		d->covered = PQgetvalue(r, i, 10)[0] == 't';
	}
	*n = (size_t)rows;
	PQclear(r);
	return 0;
}

int anpr_store_export_span(struct anpr_store *st, const char *chain_id,
			   uint64_t first, uint64_t last, uint64_t *lo,
			   uint64_t *hi, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	*lo = *hi = 0;
	if (first < 1 || last < first || last > INT64_MAX) {
		st_err(err, errlen, "chain %s: bad span", chain_id);
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, chain_id);
	sp_u64(&p, first);
	sp_u64(&p, last);
	r = st_exec(st, "choosing the span to export",
		    "WITH b AS (SELECT "
		    " coalesce((SELECT max(chain_seq) FROM anpr.record_index "
		    "  WHERE chain_id = $1 AND type = 'checkpoint' AND chain_seq < $2::bigint), "
		    "  (SELECT min(chain_seq) FROM anpr.record_index WHERE chain_id = $1)) AS lo, "
		    " coalesce((SELECT min(chain_seq) FROM anpr.record_index "
		    "  WHERE chain_id = $1 AND type = 'checkpoint' AND chain_seq >= $3::bigint), "
		    "  (SELECT max(chain_seq) FROM anpr.record_index WHERE chain_id = $1)) AS hi) "
		    "SELECT b.lo, b.hi, (SELECT count(*) FROM anpr.record_index "
		    " WHERE chain_id = $1 AND chain_seq BETWEEN b.lo AND b.hi), "
		    " (SELECT min(s) FROM generate_series(b.lo, b.hi) s WHERE NOT EXISTS "
		    "  (SELECT 1 FROM anpr.record_index WHERE chain_id = $1 AND chain_seq = s)) "
		    "FROM b", &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) != 1 || !st_val(r, 0, 0)) {
		st_err(err, errlen, "chain %s: nothing held", chain_id);
		rc = ANPR_STORE_ENOENT;
	} else if (st_val(r, 0, 3)) {
		st_err(err, errlen, "chain %s: record %" PRId64 " of the span %"
		       PRId64 "..%" PRId64 " is not held (a gap): the chain "
		       "cannot be shown whole", chain_id, st_i64(r, 0, 3),
		       st_i64(r, 0, 0), st_i64(r, 0, 1));
		rc = ANPR_STORE_ECHAIN;
	} else {
		*lo = (uint64_t)st_i64(r, 0, 0);
		*hi = (uint64_t)st_i64(r, 0, 1);
	}
	PQclear(r);
	return rc;
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

void anpr_store_span_free(struct anpr_span_rec *recs, size_t n)
{
	for (size_t i = 0; recs && i < n; i++) {
		free(recs[i].rec);
		free(recs[i].sig);
		free(recs[i].newsig);
	}
	free(recs);
}

int anpr_store_chain_span(struct anpr_store *st, const char *chain_id,
			  uint64_t lo, uint64_t hi, struct anpr_span_rec **recs,
			  size_t *n, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc, rows;
	struct anpr_span_rec *v;

	*recs = NULL;
	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, chain_id);
	sp_u64(&p, lo);
	sp_u64(&p, hi);
	r = st_exec(st, "reading a span of chain",
		    "SELECT chain_seq, record_id, type, to_char(capture_day, 'YYYY-MM-DD'), "
		    "encode(rec, 'hex'), encode(sig, 'hex'), encode(newsig, 'hex'), "
		    "encode(plate_sha256, 'hex'), encode(overview_sha256, 'hex') "
		    "FROM anpr.records WHERE chain_id = $1 AND chain_seq BETWEEN "
		    "$2::bigint AND $3::bigint ORDER BY chain_seq", &p, &rc, err,
		    errlen);
	if (!r)
		return rc;
	rows = PQntuples(r);
	v = calloc(rows > 0 ? (size_t)rows : 1, sizeof *v);
	if (!v) {
		PQclear(r);
		st_err(err, errlen, "chain %s: out of memory", chain_id);
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < rows; i++) {
		struct anpr_span_rec *d = &v[i];
		const char *ns = st_val(r, i, 6);

		d->chain_seq = (uint64_t)st_i64(r, i, 0);
		snprintf(d->record_id, sizeof d->record_id, "%s", PQgetvalue(r, i, 1));
		snprintf(d->type, sizeof d->type, "%s", PQgetvalue(r, i, 2));
		snprintf(d->capture_day, sizeof d->capture_day, "%s", PQgetvalue(r, i, 3));
		d->rec = st_unhex_dup(PQgetvalue(r, i, 4), &d->rec_len);
		d->sig = st_unhex_dup(PQgetvalue(r, i, 5), &d->sig_len);
		if (ns)
			d->newsig = st_unhex_dup(ns, &d->newsig_len);
		d->has_plate = st_hash(r, i, 7, d->plate_sha256) == 0;
		d->has_overview = st_hash(r, i, 8, d->overview_sha256) == 0;
		if (!d->rec || !d->sig || (ns && !d->newsig)) {
			PQclear(r);
			anpr_store_span_free(v, (size_t)rows);
			st_err(err, errlen, "chain %s: out of memory", chain_id);
			return ANPR_STORE_ENOMEM;
		}
	}
	PQclear(r);
	*recs = v;
	*n = (size_t)rows;
	return 0;
}
