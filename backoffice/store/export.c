// SPDX-License-Identifier: MIT
/*
 * export.c - the export of reads under the access policy (docs/access.md,
 * "3. The database enforces it"): anpr.export_reads as the person
 * connected, its rows made into what an evidence bundle is written from.
 * The policy, the choice of the span and the audit are the database's;
 * this only carries bytes.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void anpr_store_export_free(struct anpr_export_rec *recs, size_t n)
{
	for (size_t i = 0; recs && i < n; i++) {
		free(recs[i].r.rec);
		free(recs[i].r.sig);
		free(recs[i].r.newsig);
		free(recs[i].cp_rec);
		free(recs[i].cp_sig);
		free(recs[i].leaves);
	}
	free(recs);
}

/* Columns of the statement below. */
enum {
	C_ID, C_SELECTED, C_CAMERA, C_CHAIN, C_SEQ, C_TYPE, C_DAY, C_TIME, C_SHA,
	C_REC, C_SIG, C_NEWSIG, C_PLATE, C_OVERVIEW, C_CP_SEQ, C_CP_FIRST, C_CP_LAST,
	C_CP_REC, C_CP_SIG, C_LEAVES, C_TIER, C_REASON, C_COUNT, C_NEEDS,
};

/* One record row; -1 if out of memory (or the database sent bad hex). */
static int export_row(const PGresult *r, int i, struct anpr_export_rec *d)
{
	const char *ns = st_val(r, i, C_NEWSIG), *cr = st_val(r, i, C_CP_REC);
	const char *cs = st_val(r, i, C_CP_SIG), *lv = st_val(r, i, C_LEAVES);

	d->selected = PQgetvalue(r, i, C_SELECTED)[0] == 't';
	snprintf(d->r.record_id, sizeof d->r.record_id, "%s", PQgetvalue(r, i, C_ID));
	snprintf(d->camera_id, sizeof d->camera_id, "%s", PQgetvalue(r, i, C_CAMERA));
	snprintf(d->chain_id, sizeof d->chain_id, "%s", PQgetvalue(r, i, C_CHAIN));
	d->r.chain_seq = (uint64_t)st_i64(r, i, C_SEQ);
	snprintf(d->r.type, sizeof d->r.type, "%s", PQgetvalue(r, i, C_TYPE));
	snprintf(d->r.capture_day, sizeof d->r.capture_day, "%s", PQgetvalue(r, i, C_DAY));
	d->time_utc_us = st_i64(r, i, C_TIME);
	if (st_hash(r, i, C_SHA, d->sha256) != 0)
		return -1;
	d->r.rec = st_unhex_dup(PQgetvalue(r, i, C_REC), &d->r.rec_len);
	d->r.sig = st_unhex_dup(PQgetvalue(r, i, C_SIG), &d->r.sig_len);
	if (ns)
		d->r.newsig = st_unhex_dup(ns, &d->r.newsig_len);
	d->r.has_plate = st_hash(r, i, C_PLATE, d->r.plate_sha256) == 0;
	d->r.has_overview = st_hash(r, i, C_OVERVIEW, d->r.overview_sha256) == 0;
	if (!d->r.rec || !d->r.sig || (ns && !d->r.newsig))
		return -1;
	d->tier = st_val(r, i, C_TIER) ? (int)st_i64(r, i, C_TIER) : 0;
	if (!st_val(r, i, C_CP_SEQ) || !cr || !cs)
		return 0;	/* no verified checkpoint over it (yet) */
	d->cp_seq = (uint64_t)st_i64(r, i, C_CP_SEQ);
	d->cp_first = (uint64_t)st_i64(r, i, C_CP_FIRST);
	d->cp_last = (uint64_t)st_i64(r, i, C_CP_LAST);
	d->cp_rec = st_unhex_dup(cr, &d->cp_rec_len);
	d->cp_sig = st_unhex_dup(cs, &d->cp_sig_len);
	if (!d->cp_rec || !d->cp_sig)
		return -1;
	if (lv) {
		/* the leaf hashes, 64 hex digits each, run together */
		size_t len;

		d->leaves = st_unhex_dup(lv, &len);
		if (!d->leaves || len % 32 || len / 32 != d->cp_last - d->cp_first + 1)
			return -1;
		d->nleaves = len / 32;
	}
	return 0;
}

int anpr_store_export_policy(struct anpr_store *st, const struct anpr_query *q,
			     const char *purpose, const char *case_ref,
			     int64_t authorisation, bool with_span,
			     struct anpr_export_rec **recs, size_t *n,
			     struct anpr_withheld **withheld, size_t *nw, char *err,
			     size_t errlen)
{
	struct st_question sq;
	PGresult *r;
	int rc, rows;
	size_t nr = 0, nh = 0;

	*recs = NULL;
	*withheld = NULL;
	*n = *nw = 0;
	rc = st_policy_question(q, purpose, case_ref, authorisation, &sq, err, errlen);
	if (!rc)
		rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_text(&sq.p, with_span ? "true" : "false");
	r = st_exec(st, "exporting reads under the access policy",
		    "SELECT record_id, selected, camera_id, chain_id, chain_seq, type, "
		    "to_char(capture_day, 'YYYY-MM-DD'), "
		    "((extract(epoch FROM time_utc) * 1000000)::numeric)::bigint, "
		    "encode(sha256, 'hex'), encode(rec, 'hex'), encode(sig, 'hex'), "
		    "encode(newsig, 'hex'), encode(plate_sha256, 'hex'), "
		    "encode(overview_sha256, 'hex'), cp_seq, cp_first, cp_last, "
		    "encode(cp_rec, 'hex'), encode(cp_sig, 'hex'), "
		    "CASE WHEN leaves IS NOT NULL THEN array_to_string(ARRAY("
		    " SELECT encode(l, 'hex') FROM unnest(leaves) l), '') END, "
		    "coalesce(tier, 0), withheld_reason, withheld_count, coalesce(needs, '') "
		    "FROM anpr.export_reads($1, $2, "
		    "timestamptz 'epoch' + $3::bigint * interval '1 microsecond', "
		    "timestamptz 'epoch' + $4::bigint * interval '1 microsecond', "
		    "$5, $6, $7, $8::bigint, $9::boolean)", &sq.p, &rc, err, errlen);
	if (!r)
		return rc;
	rows = PQntuples(r);
	*recs = calloc(rows > 0 ? (size_t)rows : 1, sizeof **recs);
	*withheld = calloc(rows > 0 ? (size_t)rows : 1, sizeof **withheld);
	if (!*recs || !*withheld)
		goto nomem;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(r, i, C_ID)) {
			st_withheld_row(r, i, C_TIER, C_REASON, C_COUNT, C_NEEDS, &(*withheld)[nh++]);
		} else if (export_row(r, i, &(*recs)[nr++]) != 0) {
			goto nomem;
		}
	}
	PQclear(r);
	*n = nr;
	*nw = nh;
	return 0;
nomem:
	PQclear(r);
	anpr_store_export_free(*recs, nr);
	free(*withheld);
	*recs = NULL;
	*withheld = NULL;
	st_err(err, errlen, "exporting reads: out of memory");
	return ANPR_STORE_ENOMEM;
}
