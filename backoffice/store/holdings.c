// SPDX-License-Identifier: MIT
/*
 * holdings.c - what the store holds: a record under its id or its chain
 * position, a chain's holdings, the quarantine and its counts, and the
 * chains' open gaps (docs/backoffice.md, "The records", "Gaps"). Errors
 * name the record id, chain and position, never a VRM or location.
 */
#include "store/records_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int anpr_store_record_held(struct anpr_store *st, const char *record_id,
			   struct anpr_held *h, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	memset(h, 0, sizeof *h);
	if (!st_token_ok(record_id, 64)) {
		st_err(err, errlen, "record id: not 1-64 of [A-Za-z0-9_.:+-]");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, record_id);
	r = st_exec_ps(st, "looking up a record",
		    "SELECT encode(sha256, 'hex'), chain_id, chain_seq "
		    "FROM anpr.record_index WHERE record_id = $1", &p, &rc, err,
		    errlen);
	if (!r)
		return rc;
	if (PQntuples(r) == 1) {
		h->held = true;
		st_hash(r, 0, 0, h->sha256);
		snprintf(h->chain_id, sizeof h->chain_id, "%s", PQgetvalue(r, 0, 1));
		h->chain_seq = (uint64_t)st_i64(r, 0, 2);
	}
	PQclear(r);
	return 0;
}

int anpr_store_chain_record(struct anpr_store *st, const char *chain_id,
			    uint64_t seq, bool *held, uint8_t sha256[32],
			    uint8_t prev_hash[32], char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	*held = false;
	if (!st_chain_id_ok(chain_id) || seq < 1 || seq > INT64_MAX) {
		st_err(err, errlen, "chain position: chain id not 16 upper-case hex "
				    "digits, or sequence number not 1..2^63-1");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, chain_id);
	sp_u64(&p, seq);
	r = st_exec_ps(st, "looking up a chain position",
		    "SELECT encode(sha256, 'hex'), encode(prev_hash, 'hex') "
		    "FROM anpr.record_index WHERE chain_id = $1 AND chain_seq = $2::bigint",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) == 1) {
		*held = true;
		st_hash(r, 0, 0, sha256);
		st_hash(r, 0, 1, prev_hash);
	}
	PQclear(r);
	return 0;
}

int anpr_store_chain_holding(struct anpr_store *st, const char *chain_id,
			     struct anpr_chain_holding *h, char *err,
			     size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	memset(h, 0, sizeof *h);
	if (!st_chain_id_ok(chain_id)) {
		st_err(err, errlen, "chain id: not 16 upper-case hex digits");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, chain_id);
	r = st_exec(st, "reading a chain's holdings",
		    "SELECT camera_id, last_seq, held, contiguous_to, covered_to, "
		    "coalesce(extract(epoch FROM oldest_gap_since)::bigint, 0) "
		    "FROM anpr.chains WHERE chain_id = $1", &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) != 1) {
		st_err(err, errlen, "chain %s: nothing held", chain_id);
		rc = ANPR_STORE_ENOENT;
	} else {
		snprintf(h->camera_id, sizeof h->camera_id, "%s", PQgetvalue(r, 0, 0));
		h->last_seq = (uint64_t)st_i64(r, 0, 1);
		h->held = (uint64_t)st_i64(r, 0, 2);
		h->contiguous_to = (uint64_t)st_i64(r, 0, 3);
		h->covered_to = (uint64_t)st_i64(r, 0, 4);
		h->oldest_gap_since_unix = st_i64(r, 0, 5);
	}
	PQclear(r);
	return rc;
}

/* ---------------------------------------------------------- quarantine */

int anpr_store_quarantine(struct anpr_store *st,
			  const struct anpr_quarantined *q, char *err,
			  size_t errlen)
{
	struct sparams p;
	PGresult *res;
	int rc;

	if (!q->reason || !*q->reason || q->rec_len > INT32_MAX ||
	    q->sig_len > INT32_MAX || q->newsig_len > INT32_MAX) {
		st_err(err, errlen, "quarantine: no reason, or bytes too long");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_opt(&p, q->cert_fingerprint);
	sp_opt(&p, q->camera_id);
	sp_opt(&p, q->record_id);
	sp_opt(&p, q->claimed_sha256_hex);
	sp_text(&p, q->reason);
	sp_opt(&p, q->detail);
	sp_bytes(&p, q->rec, q->rec_len);
	sp_bytes(&p, q->sig, q->sig_len);
	sp_bytes(&p, q->newsig, q->newsig_len);
	sp_opt(&p, q->image_paths);
	res = st_exec(st, "quarantine",
		      "INSERT INTO anpr.quarantine (cert_fingerprint, camera_id, "
		      "record_id, claimed_sha256, reason, detail, rec, sig, newsig, "
		      "image_paths) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		      &p, &rc, err, errlen);
	if (!res)
		return rc;
	PQclear(res);
	return 0;
}

int anpr_store_quarantine_counts(struct anpr_store *st,
				 int64_t recent_since_unix,
				 struct anpr_quarantine_count *c, size_t cap,
				 size_t *n, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *res;
	int rc;
	size_t rows;

	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_i64(&p, recent_since_unix);
	sp_u64(&p, cap);
	/* counts only: the bytes and details stay where they are; the index
	 * quarantine_camera (camera_id, reason) serves the grouping */
	res = st_exec(st, "quarantine counts",
		      "SELECT coalesce(camera_id, ''), reason, count(*), "
		      "count(*) FILTER (WHERE received_at >= to_timestamp($1::bigint)), "
		      "extract(epoch FROM max(received_at))::bigint "
		      "FROM anpr.quarantine GROUP BY 1, 2 ORDER BY 1, 2 "
		      "LIMIT $2::bigint",
		      &p, &rc, err, errlen);
	if (!res)
		return rc;
	rows = (size_t)PQntuples(res);
	for (size_t i = 0; i < rows && i < cap; i++) {
		struct anpr_quarantine_count *q = &c[i];

		memset(q, 0, sizeof *q);
		snprintf(q->camera_id, sizeof q->camera_id, "%s",
			 PQgetvalue(res, (int)i, 0));
		snprintf(q->reason, sizeof q->reason, "%s",
			 PQgetvalue(res, (int)i, 1));
		q->total = (uint64_t)st_i64(res, (int)i, 2);
		q->recent = (uint64_t)st_i64(res, (int)i, 3);
		q->last_unix = st_i64(res, (int)i, 4);
	}
	*n = rows < cap ? rows : cap;
	PQclear(res);
	return 0;
}

/* ---------------------------------------------------------------- gaps */

int anpr_store_gaps(struct anpr_store *st, int64_t older_than_unix,
		    struct anpr_gap *gaps, size_t cap, size_t *n, char *err,
		    size_t errlen)
{
	struct sparams p;
	PGresult *res;
	int rc;
	size_t rows;

	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_i64(&p, older_than_unix);
	sp_u64(&p, cap);
	/* only chains with a hole (contiguous_to < last_seq) are windowed;
	 * what is held is each record (lo = hi = its position) and each span
	 * deleted by retention (0009: not missing); lag() gives each the
	 * highest position held before it, 0 at the start, and a distance
	 * above 1 is a missing range */
	res = st_exec(st, "gaps",
		      "SELECT camera_id, chain_id, prev + 1, lo - 1, "
		      "extract(epoch FROM received_at)::bigint FROM ("
		      " SELECT u.camera_id, u.chain_id, u.lo, u.received_at, "
		      " lag(u.hi, 1, 0::bigint) OVER (PARTITION BY u.chain_id "
		      "  ORDER BY u.lo) AS prev FROM ("
		      "  SELECT i.camera_id, i.chain_id, i.chain_seq AS lo, i.chain_seq AS hi, "
		      "  i.received_at FROM anpr.record_index i JOIN anpr.chains h "
		      "  USING (chain_id) WHERE h.contiguous_to < h.last_seq "
		      "  UNION ALL SELECT h.camera_id, d.chain_id, d.first_seq, d.last_seq, "
		      "  d.purged_at FROM anpr.retention_deleted d JOIN anpr.chains h "
		      "  USING (chain_id) WHERE h.contiguous_to < h.last_seq) u) s "
		      "WHERE lo > prev + 1 AND received_at < to_timestamp($1::bigint) "
		      "ORDER BY received_at, chain_id, lo LIMIT $2::bigint",
		      &p, &rc, err, errlen);
	if (!res)
		return rc;
	rows = (size_t)PQntuples(res);
	for (size_t i = 0; i < rows && i < cap; i++) {
		struct anpr_gap *g = &gaps[i];

		memset(g, 0, sizeof *g);
		snprintf(g->camera_id, sizeof g->camera_id, "%s", PQgetvalue(res, (int)i, 0));
		snprintf(g->chain_id, sizeof g->chain_id, "%s", PQgetvalue(res, (int)i, 1));
		g->first_missing = (uint64_t)st_i64(res, (int)i, 2);
		g->last_missing = (uint64_t)st_i64(res, (int)i, 3);
		g->open_since_unix = st_i64(res, (int)i, 4);
	}
	*n = rows < cap ? rows : cap;
	PQclear(res);
	return 0;
}
