// SPDX-License-Identifier: MIT
/*
 * records.c - the records as signed, their chains' holdings and link
 * flags, checkpoints, quarantine and gaps (docs/backoffice.md, "The
 * records", "Gaps"). Errors name the record id, chain and position: a
 * record id is CAMERA-CHAIN-SEQ, never a VRM or location.
 */
#include "store_int.h"

#include "evidence.h"
#include "vrm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_US 86400000000LL

static const uint8_t zero_hash[32];

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

/* ---------------------------------------------------------- record_put */

/* The state of one put, so that its steps stay small functions. */
struct put {
	struct anpr_store *st;
	const struct anpr_stored_record *r;
	char *err;
	size_t errlen;
	int64_t day;			/* days since 1970-01-01 */
	char vrm[EV_VRM_MAX + 1], vrm_key[EV_VRM_MAX + 1];
	bool has_vrm;
	bool cp_verified;		/* a checkpoint was verified: covered_to
					   may move */
};

static int put_check(struct put *u)
{
	const struct anpr_stored_record *r = u->r;
	char *err = u->err;
	size_t errlen = u->errlen;

	if (!st_token_ok(r->record_id, 64)) {
		st_err(err, errlen, "record id: not 1-64 of [A-Za-z0-9_.:+-]");
		return ANPR_STORE_EINVAL;
	}
	if (!st_token_ok(r->camera_id, 32) || !st_chain_id_ok(r->chain_id) ||
	    r->chain_seq < 1 || r->chain_seq > INT64_MAX || !st_token_ok(r->type, 32)) {
		st_err(err, errlen, "record %s: camera id, chain id, sequence "
				    "number or type malformed", r->record_id);
		return ANPR_STORE_EINVAL;
	}
	if (!r->rec || !r->rec_len || !r->sig || !r->sig_len ||
	    r->rec_len > INT32_MAX || r->sig_len > INT32_MAX ||
	    r->newsig_len > INT32_MAX || (r->newsig_len && !r->newsig)) {
		st_err(err, errlen, "record %s: record or signature bytes missing",
		       r->record_id);
		return ANPR_STORE_EINVAL;
	}
	if (r->time_utc_us < 0 || r->time_utc_us >= 2932897LL * DAY_US) {
		st_err(err, errlen, "record %s: time out of range", r->record_id);
		return ANPR_STORE_EINVAL;
	}
	u->day = r->time_utc_us / DAY_US;
	if (r->vrm) {
		int n = vrm_normalise(r->vrm, u->vrm, sizeof u->vrm, 0);

		if (n < 0) {
			st_err(err, errlen, "record %s: registration mark malformed",
			       r->record_id);
			return ANPR_STORE_EINVAL;
		}
		vrm_fold(u->vrm, (size_t)n, u->vrm_key);
		if (r->vrm_key && strcmp(r->vrm_key, u->vrm_key) != 0) {
			st_err(err, errlen, "record %s: vrm_key is not the look-alike "
					    "fold of vrm (daemon/anprd/vrm.c)",
			       r->record_id);
			return ANPR_STORE_EINVAL;
		}
		u->has_vrm = true;
	}
	if (strcmp(r->type, "checkpoint") == 0 &&
	    (r->cp_first < 1 || r->cp_last < r->cp_first ||
	     r->cp_last >= r->chain_seq)) {
		st_err(err, errlen, "record %s: checkpoint range %" PRIu64 "..%" PRIu64
				    " not before it in its chain", r->record_id,
		       r->cp_first, r->cp_last);
		return ANPR_STORE_EINVAL;
	}
	return 0;
}

/* Run, expecting success; NULL with the error set in *rc. */
#define X(what, sql, p) st_exec_ps(u->st, (what), (sql), (p), rc, u->err, u->errlen)

/* The chain's row, made if new and locked to the end of the transaction:
 * puts to one chain are serialised, so that of two neighbours arriving at
 * once the second sees the first (under READ COMMITTED each would
 * otherwise miss the other and both stay "pending" for ever). */
static int lock_chain(struct put *u, int64_t *contiguous_to)
{
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;

	/* a known chain: one statement, a row lock and no new row version
	 * (an "update to itself" made one per record, and a group's puts to
	 * one chain then walked a chain of versions); a new one: made, then
	 * locked */
	sp_init(&p);
	sp_text(&p, u->r->chain_id);
	res = X("record chain", "SELECT camera_id, contiguous_to FROM anpr.chains "
				"WHERE chain_id = $1 FOR UPDATE", &p);
	if (!res)
		goto fail;
	if (PQntuples(res) == 0) {
		PQclear(res);
		sp_text(&p, u->r->camera_id);
		res = X("record chain",
			"INSERT INTO anpr.chains (chain_id, camera_id) VALUES ($1, $2) "
			"ON CONFLICT (chain_id) DO NOTHING", &p);
		if (!res)
			goto fail;
		PQclear(res);
		sp_init(&p);
		sp_text(&p, u->r->chain_id);
		res = X("record chain", "SELECT camera_id, contiguous_to FROM anpr.chains "
					"WHERE chain_id = $1 FOR UPDATE", &p);
		if (!res)
			goto fail;
	}
	if (strcmp(PQgetvalue(res, 0, 0), u->r->camera_id) != 0) {
		st_err(u->err, u->errlen, "record %s: chain %s belongs to camera %s",
		       u->r->record_id, u->r->chain_id, PQgetvalue(res, 0, 0));
		PQclear(res);
		return ANPR_STORE_ECHAIN;
	}
	*contiguous_to = st_i64(res, 0, 1);
	PQclear(res);
	return 0;
fail:
	if (rcv == ANPR_STORE_EINVAL) {
		/* the camera is not in the register (foreign key) */
		st_err(u->err, u->errlen, "record %s: camera %s not registered",
		       u->r->record_id, u->r->camera_id);
	}
	return rcv;
}

/* The neighbours: this record's link flag, and the successor's link made
 * verified if it is held. A mismatch either way is a broken chain. */
static int links(struct put *u, const char **link)
{
	const struct anpr_stored_record *r = u->r;
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;
	uint8_t h[32];

	*link = "pending";
	if (r->chain_seq == 1) {
		if (memcmp(r->prev_hash, zero_hash, 32) != 0) {
			st_err(u->err, u->errlen, "record %s: first of chain %s but "
				"its prev_hash is not zero", r->record_id, r->chain_id);
			return ANPR_STORE_ECHAIN;
		}
		*link = "verified";
	}
	sp_init(&p);
	sp_text(&p, r->chain_id);
	sp_u64(&p, r->chain_seq);
	res = X("record links",
		"SELECT chain_seq - $2::bigint, record_id, capture_day - date '1970-01-01', "
		"encode(sha256, 'hex'), encode(prev_hash, 'hex') FROM anpr.record_index "
		"WHERE chain_id = $1 AND chain_seq IN ($2::bigint - 1, $2::bigint + 1)", &p);
	if (!res)
		return rcv;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t rel = st_i64(res, i, 0);

		if (rel == -1) {
			if (st_hash(res, i, 3, h) || memcmp(h, r->prev_hash, 32) != 0) {
				st_err(u->err, u->errlen, "record %s: prev_hash is not "
				       "the hash of record %s held at %s/%" PRIu64,
				       r->record_id, PQgetvalue(res, i, 1), r->chain_id,
				       r->chain_seq - 1);
				PQclear(res);
				return ANPR_STORE_ECHAIN;
			}
			*link = "verified";
			continue;
		}
		/* the successor, held already: its prev_hash names this one */
		if (st_hash(res, i, 4, h) || memcmp(h, r->sha256, 32) != 0) {
			st_err(u->err, u->errlen, "record %s: the prev_hash of record %s "
			       "held at %s/%" PRIu64 " is not this record's hash",
			       r->record_id, PQgetvalue(res, i, 1), r->chain_id,
			       r->chain_seq + 1);
			PQclear(res);
			return ANPR_STORE_ECHAIN;
		}
		{
			struct sparams q;
			PGresult *v;

			sp_init(&q);
			sp_text(&q, st_val(res, i, 2));
			sp_text(&q, st_val(res, i, 1));
			v = X("record link of the successor",
			      "UPDATE anpr.records SET link = 'verified' WHERE "
			      "capture_day = date '1970-01-01' + $1::int AND record_id = $2",
			      &q);
			if (!v) {
				PQclear(res);
				return rcv;
			}
			PQclear(v);
		}
	}
	PQclear(res);
	return 0;
}

/* The record_index row and the records row, in one statement: the second
 * is inserted only if the first was (ON CONFLICT DO NOTHING: a held record
 * id or chain position is an answer, EEXIST or ECHAIN, not an error that
 * aborts the transaction). The search columns of record_index
 * (0004_search_index.sql) are the records row's own values. */
static int insert_rows(struct put *u, const char *link)
{
	const struct anpr_stored_record *r = u->r;
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;

	sp_init(&p);
	sp_text(&p, r->record_id);		/* 1 */
	sp_text(&p, r->camera_id);
	sp_text(&p, r->chain_id);
	sp_u64(&p, r->chain_seq);
	sp_text(&p, r->type);			/* 5 */
	sp_i64(&p, u->day);
	sp_bytes(&p, r->sha256, 32);
	sp_bytes(&p, r->prev_hash, 32);
	sp_i64(&p, r->time_utc_us);
	sp_text(&p, u->has_vrm ? u->vrm : NULL);	/* 10 */
	sp_text(&p, u->has_vrm ? u->vrm_key : NULL);
	if (u->has_vrm)
		sp_f64(&p, r->confidence);
	else
		sp_text(&p, NULL);
	sp_opt(&p, r->site_id);
	sp_text(&p, r->sig_ok ? "t" : "f");
	sp_bytes(&p, r->rec, r->rec_len);	/* 15 */
	sp_bytes(&p, r->sig, r->sig_len);
	sp_bytes(&p, r->newsig_len ? r->newsig : NULL, r->newsig_len);
	sp_opt(&p, r->region);
	sp_opt(&p, r->hotlist);
	sp_opt(&p, r->hotlist_entry);		/* 20 */
	sp_bytes(&p, r->plate_sha256, 32);
	sp_bytes(&p, r->overview_sha256, 32);
	sp_text(&p, link);
	sp_opt(&p, r->cert_fingerprint);
	res = X("record",
		"WITH i AS (INSERT INTO anpr.record_index (record_id, camera_id, "
		"chain_id, chain_seq, type, capture_day, sha256, prev_hash, time_utc, "
		"vrm, vrm_key, confidence, site_id, sig_ok) VALUES ($1, $2, $3, "
		"$4::bigint, $5, date '1970-01-01' + $6::int, $7, $8, "
		"timestamptz 'epoch' + $9::bigint * interval '1 microsecond', $10, "
		"$11, $12::real, $13, $14::bool) ON CONFLICT DO NOTHING "
		"RETURNING capture_day, time_utc) "
		"INSERT INTO anpr.records (capture_day, record_id, camera_id, chain_id, "
		"chain_seq, type, time_utc, sha256, prev_hash, rec, sig, newsig, vrm, "
		"vrm_key, confidence, region, hotlist, hotlist_entry, plate_sha256, "
		"overview_sha256, site_id, sig_ok, link, cert_fingerprint) "
		"SELECT i.capture_day, $1, $2, $3, $4::bigint, $5, i.time_utc, $7, $8, "
		"$15, $16, $17, $10, $11, $12::real, $18, $19, $20, $21, $22, $13, "
		"$14::bool, $23, $24 FROM i", &p);
	if (!res)
		return rcv;
	if (atoi(PQcmdTuples(res)) != 1) {
		PQclear(res);
		sp_init(&p);
		sp_text(&p, r->record_id);
		res = X("record index", "SELECT 1 FROM anpr.record_index WHERE record_id = $1",
			&p);
		if (!res)
			return rcv;
		if (PQntuples(res) == 1) {
			st_err(u->err, u->errlen, "record %s: already held", r->record_id);
			rcv = ANPR_STORE_EEXIST;
		} else {
			st_err(u->err, u->errlen, "record %s: position %s/%" PRIu64
			       " is held by another record", r->record_id, r->chain_id,
			       r->chain_seq);
			rcv = ANPR_STORE_ECHAIN;
		}
		PQclear(res);
		return rcv;
	}
	PQclear(res);
	return 0;
}

/* A checkpoint whose every covered record is held: its Merkle root over
 * the held hashes must match (else ECHAIN, checkpoint-mismatch); then its
 * records are covered. If some are missing it waits for them. */
static int try_checkpoint(struct put *u, const char *cp_id, const char *chain,
			  int64_t first, int64_t last, const uint8_t root[32])
{
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;
	uint8_t (*leaves)[32], got[32];
	int n;

	sp_init(&p);
	sp_text(&p, chain);
	sp_i64(&p, first);
	sp_i64(&p, last);
	res = X("checkpoint", "SELECT encode(sha256, 'hex') FROM anpr.record_index "
			      "WHERE chain_id = $1 AND chain_seq BETWEEN $2::bigint "
			      "AND $3::bigint ORDER BY chain_seq", &p);
	if (!res)
		return rcv;
	n = PQntuples(res);
	if ((int64_t)n != last - first + 1) {
		PQclear(res);
		return 0;
	}
	leaves = malloc((size_t)n * sizeof *leaves);
	if (!leaves) {
		PQclear(res);
		st_err(u->err, u->errlen, "checkpoint %s: out of memory", cp_id);
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < n; i++)
		st_hash(res, i, 0, leaves[i]);
	PQclear(res);
	ev_merkle_root((const uint8_t (*)[32])leaves, (size_t)n, got);
	free(leaves);
	if (memcmp(got, root, 32) != 0) {
		st_err(u->err, u->errlen, "record %s: checkpoint %s's Merkle root over "
		       "%s/%" PRId64 "..%" PRId64 " does not match the records held",
		       u->r->record_id, cp_id, chain, first, last);
		return ANPR_STORE_ECHAIN;
	}
	sp_init(&p);
	sp_text(&p, cp_id);
	res = X("checkpoint", "UPDATE anpr.checkpoints SET verified_at = now() "
			      "WHERE record_id = $1", &p);
	if (!res)
		return rcv;
	PQclear(res);
	u->cp_verified = true;
	/* the days of the covered records first, given to the UPDATE as a
	 * constant: without it the join below is planned over every day's
	 * partition of anpr.records (730 over two years: 1-4.6 s of
	 * planning per checkpoint on the bench's 10-million store, 23 ms
	 * with the days; under the chain's lock) */
	sp_init(&p);
	sp_text(&p, chain);
	sp_i64(&p, first);
	sp_i64(&p, last);
	res = X("checkpoint coverage",
		"SELECT array_agg(DISTINCT capture_day)::text FROM anpr.record_index "
		"WHERE chain_id = $1 AND chain_seq BETWEEN $2::bigint AND $3::bigint", &p);
	if (!res)
		return rcv;
	{
		char *days = strdup(PQgetvalue(res, 0, 0));

		PQclear(res);
		if (!days) {
			st_err(u->err, u->errlen, "checkpoint %s: out of memory", cp_id);
			return ANPR_STORE_ENOMEM;
		}
		sp_text(&p, days);
		res = X("checkpoint coverage",
			"UPDATE anpr.records r SET covered = true FROM anpr.record_index i "
			"WHERE i.chain_id = $1 AND i.chain_seq BETWEEN $2::bigint AND $3::bigint "
			"AND r.capture_day = ANY ($4::date[]) "
			"AND r.capture_day = i.capture_day AND r.record_id = i.record_id", &p);
		free(days);
	}
	if (!res)
		return rcv;
	PQclear(res);
	return 0;
}

static int checkpoints(struct put *u)
{
	const struct anpr_stored_record *r = u->r;
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;

	if (strcmp(r->type, "checkpoint") == 0) {
		sp_init(&p);
		sp_text(&p, r->record_id);
		sp_text(&p, r->chain_id);
		sp_u64(&p, r->cp_first);
		sp_u64(&p, r->cp_last);
		sp_bytes(&p, r->merkle_root, 32);
		res = X("checkpoint", "INSERT INTO anpr.checkpoints (record_id, chain_id, "
				      "first_seq, last_seq, merkle_root) VALUES ($1, $2, "
				      "$3::bigint, $4::bigint, $5)", &p);
		if (!res)
			return rcv;
		PQclear(res);
	}
	/* the open checkpoints this record may complete (itself included) */
	sp_init(&p);
	sp_text(&p, r->chain_id);
	sp_u64(&p, r->chain_seq);
	sp_text(&p, r->record_id);
	res = X("checkpoints", "SELECT record_id, first_seq, last_seq, "
			       "encode(merkle_root, 'hex') FROM anpr.checkpoints "
			       "WHERE chain_id = $1 AND verified_at IS NULL AND "
			       "((first_seq <= $2::bigint AND last_seq >= $2::bigint) "
			       "OR record_id = $3)", &p);
	if (!res)
		return rcv;
	for (int i = 0; i < PQntuples(res) && !rcv; i++) {
		uint8_t root[32];

		st_hash(res, i, 3, root);
		rcv = try_checkpoint(u, PQgetvalue(res, i, 0), r->chain_id,
				     st_i64(res, i, 1), st_i64(res, i, 2), root);
	}
	PQclear(res);
	return rcv;
}

/* covered_to of a chain, after a checkpoint of it was verified. */
static int chain_coverage(struct anpr_store *st, const char *chain_id,
			  char *err, size_t errlen)
{
	struct sparams p;
	PGresult *res;
	int rcv = 0;

	/* covered_to: from the checkpoint that starts after it, while the
	 * next verified one follows on. A verified checkpoint right after
	 * its span counts itself in (as anpr-verify's covered_to does): the
	 * next checkpoint's span starts after it, so without it the run
	 * stopped at the first checkpoint (found by tests/ingest/ingest-faults:
	 * covered_to stayed 100 with 1,000 records held under ten verified
	 * checkpoints) */
	sp_init(&p);
	sp_text(&p, chain_id);
	res = st_exec_ps(st, "chain coverage",
		"WITH RECURSIVE cp AS ("
		" SELECT k.first_seq, CASE WHEN i.chain_seq = k.last_seq + 1 "
		"  THEN i.chain_seq ELSE k.last_seq END AS to_ "
		" FROM anpr.checkpoints k JOIN anpr.record_index i USING (record_id) "
		" WHERE k.chain_id = $1 AND k.verified_at IS NOT NULL), "
		"run AS ("
		" SELECT cp.to_ FROM cp, anpr.chains h "
		" WHERE h.chain_id = $1 AND cp.first_seq = h.covered_to + 1 "
		" UNION ALL SELECT cp.to_ FROM cp JOIN run "
		" ON cp.first_seq = run.to_ + 1) "
		"UPDATE anpr.chains SET covered_to = (SELECT max(to_) FROM run) "
		"WHERE chain_id = $1 AND EXISTS (SELECT 1 FROM run)", &p, &rcv, err, errlen);
	if (!res)
		return rcv;
	PQclear(res);
	return 0;
}

/* held, last_seq; contiguous_to moved on over the run this record joins;
 * covered_to over the verified checkpoints that follow it without a
 * hole; oldest_gap_since: the earliest arrival among the records held
 * beyond contiguous_to (they wait for a record before them). */
static int holdings(struct put *u, int64_t contiguous_to)
{
	const struct anpr_stored_record *r = u->r;
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;

	sp_init(&p);
	sp_text(&p, r->chain_id);
	sp_u64(&p, r->chain_seq);
	sp_i64(&p, contiguous_to);
	sp_text(&p, (int64_t)r->chain_seq == contiguous_to + 1 ? "t" : "f");
	/* the run walked one position at a time, each an equality lookup on
	 * (chain_id, chain_seq) in a scalar subquery, which the planner
	 * cannot turn into a join: the NOT EXISTS form this replaces was
	 * planned, as a prepared statement, as an anti join that read the
	 * whole chain for each record (2.5 of 3.6 s of the bench's
	 * statements, pg_stat_statements) */
	res = X("chain holdings",
		"WITH RECURSIVE run(seq) AS (SELECT $3::bigint + 1 WHERE $4::bool "
		" UNION ALL SELECT run.seq + 1 FROM run WHERE (SELECT true FROM "
		" anpr.record_index j WHERE j.chain_id = $1 AND "
		" j.chain_seq = run.seq + 1)), "
		"c AS (SELECT coalesce((SELECT max(seq) FROM run), $3::bigint) AS to_) "
		"UPDATE anpr.chains h SET held = held + 1, "
		" last_seq = greatest(last_seq, $2::bigint), contiguous_to = c.to_, "
		" oldest_gap_since = CASE "
		"  WHEN greatest(last_seq, $2::bigint) = c.to_ THEN NULL "
		"  WHEN c.to_ <> $3::bigint OR oldest_gap_since IS NULL THEN "
		"   (SELECT min(received_at) FROM anpr.record_index i "
		"    WHERE i.chain_id = $1 AND i.chain_seq > c.to_) "
		"  ELSE oldest_gap_since END "
		"FROM c WHERE h.chain_id = $1", &p);
	if (!res)
		return rcv;
	PQclear(res);
	if (!u->cp_verified)
		return 0;	/* only a newly verified checkpoint moves it */
	return chain_coverage(u->st, r->chain_id, u->err, u->errlen);
}

#undef X

/* The steps of one put inside the caller's transaction (after the day's
 * partition was made): 0, or the first step's error. */
static int put_steps(struct put *u)
{
	const char *link = NULL;
	int64_t contiguous_to = 0;
	int rc;

	rc = lock_chain(u, &contiguous_to);
	if (!rc)
		rc = links(u, &link);
	if (!rc)
		rc = insert_rows(u, link);
	if (!rc)
		rc = checkpoints(u);
	if (!rc)
		rc = holdings(u, contiguous_to);
	return rc;
}

/* ------------------------------------------------ a group, set-wise */

/*
 * A group's common case in a handful of statements, whatever its size:
 * every chain known and its camera's, every record new, every link and
 * checkpoint good. Then the rows of all of them go in by one INSERT over
 * arrays, and each chain's holdings move once. The per-record steps above
 * (put_steps) stay the reference: for anything else (a new chain, a
 * position or id held, a link or Merkle root that does not match) this
 * answers GROUP_SLOW, before it has written anything where it can, and
 * the caller runs put_steps record by record, whose answers and errors
 * are the ones a put of its own gives. The end state is the same either
 * way (tests/backoffice/test_store.c, test_group_equivalence, compares
 * the two on shuffled chains with gaps and checkpoints).
 *
 * Why: a record cost 7 statements (the group's share of BEGIN and
 * COMMIT aside), each a round trip and 20-200 us of a backend's CPU;
 * PostgreSQL was the largest share of the ingest bench's CPU
 * (docs/backoffice.md, "The benches").
 */

#define GROUP_SLOW 1000		/* not an error: take the per-record steps */

/* A text[] literal for an array parameter: elements double-quoted with
 * backslash escapes (any text is safe), NULL unquoted. */
struct arr {
	char *s;
	size_t len, cap;
	bool oom;
};

static void arr_put(struct arr *a, const char *s, size_t n)
{
	if (a->oom)
		return;
	if (a->len + n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap : 256;
		char *p;

		while (a->len + n + 2 > cap)
			cap *= 2;
		p = realloc(a->s, cap);
		if (!p) {
			a->oom = true;
			return;
		}
		a->s = p;
		a->cap = cap;
	}
	memcpy(a->s + a->len, s, n);
	a->len += n;
	a->s[a->len] = '\0';
}

static void arr_sep(struct arr *a)
{
	arr_put(a, a->len ? "," : "{", 1);
}

static void arr_text(struct arr *a, const char *s)
{
	arr_sep(a);
	if (!s) {
		arr_put(a, "NULL", 4);
		return;
	}
	arr_put(a, "\"", 1);
	for (const char *p = s; *p; ) {
		size_t run = strcspn(p, "\\\"");

		arr_put(a, p, run);
		p += run;
		if (*p) {
			char esc[2] = { '\\', *p++ };

			arr_put(a, esc, 2);
		}
	}
	arr_put(a, "\"", 1);
}

static void arr_opt(struct arr *a, const char *s)
{
	arr_text(a, s && *s ? s : NULL);
}

static void arr_hex(struct arr *a, const void *b, size_t n)
{
	char buf[2 * 256 + 1];

	arr_sep(a);
	if (!b) {
		arr_put(a, "NULL", 4);
		return;
	}
	for (size_t off = 0; off < n; off += 256) {
		size_t k = n - off < 256 ? n - off : 256;

		ev_hex((const uint8_t *)b + off, k, buf);
		arr_put(a, buf, 2 * k);
	}
	if (n == 0)
		arr_put(a, "\"\"", 2);
}

static void arr_i64(struct arr *a, int64_t x)
{
	char buf[24];

	arr_sep(a);
	arr_put(a, buf, (size_t)snprintf(buf, sizeof buf, "%" PRId64, x));
}

static void arr_f64(struct arr *a, double x, bool null)
{
	char buf[40];

	arr_sep(a);
	if (null) {
		arr_put(a, "NULL", 4);
		return;
	}
	arr_put(a, buf, (size_t)snprintf(buf, sizeof buf, "%.17g", x));
}

static const char *arr_end(struct arr *a)
{
	if (!a->len)
		arr_put(a, "{", 1);
	arr_put(a, "}", 1);
	return a->oom ? NULL : a->s;
}

/* What the group's steps share. */
struct group {
	struct anpr_store *st;
	struct put *u;			/* the caller's, all n of them */
	size_t m, *ix;			/* the valid ones, by chain and position */
	const char **link;		/* per valid one (by ix order) */
	size_t nchains;
	struct gchain {
		const char *chain_id;
		size_t first, count;	/* its run in ix */
		int64_t contiguous_to;
		bool cp_verified;
	} *chains;
	char *err;			/* the group's error (first record's) */
	size_t errlen;
};

static const struct anpr_stored_record *grec(const struct group *g, size_t k)
{
	return g->u[g->ix[k]].r;
}

struct gent {
	const struct anpr_stored_record *r;
	size_t i;
};

static int cmp_pos(const void *a, const void *b)
{
	const struct anpr_stored_record *x = ((const struct gent *)a)->r;
	const struct anpr_stored_record *y = ((const struct gent *)b)->r;
	int c = strcmp(x->chain_id, y->chain_id);

	if (c)
		return c;
	return x->chain_seq < y->chain_seq ? -1 : x->chain_seq > y->chain_seq;
}

#define GX(what, sql, p) st_exec_ps(g->st, (what), (sql), (p), &rcv, g->err, g->errlen)

/* Every chain's row locked, in chain id order (two groups never wait for
 * each other in a circle); a chain not yet known, or another camera's,
 * is for the per-record steps. */
static int group_lock(struct group *g)
{
	struct arr ids = { 0 };
	struct sparams p;
	PGresult *res;
	int rcv = 0;
	size_t c = 0;

	for (size_t k = 0; k < g->nchains; k++)
		arr_text(&ids, g->chains[k].chain_id);
	sp_init(&p);
	sp_text(&p, arr_end(&ids));
	if (!p.v[0]) {
		free(ids.s);
		st_err(g->err, g->errlen, "a group: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	res = GX("a group's chains", "SELECT chain_id, camera_id, contiguous_to "
	      "FROM anpr.chains WHERE chain_id = ANY ($1::text[]) "
	      "ORDER BY chain_id FOR UPDATE", &p);
	free(ids.s);
	if (!res)
		return rcv;
	if ((size_t)PQntuples(res) != g->nchains)
		rcv = GROUP_SLOW;	/* a new chain */
	for (int i = 0; !rcv && i < PQntuples(res); i++, c++) {
		const struct gchain *gc = &g->chains[c];

		if (strcmp(PQgetvalue(res, i, 0), gc->chain_id) != 0 ||
		    strcmp(PQgetvalue(res, i, 1), grec(g, gc->first)->camera_id) != 0) {
			rcv = GROUP_SLOW;
			break;
		}
		g->chains[c].contiguous_to = st_i64(res, i, 2);
	}
	/* a chain shared by two cameras in one group: the steps say so */
	for (size_t k = 0; !rcv && k < g->nchains; k++)
		for (size_t j = 1; j < g->chains[k].count; j++)
			if (strcmp(grec(g, g->chains[k].first + j)->camera_id,
				   grec(g, g->chains[k].first)->camera_id) != 0)
				rcv = GROUP_SLOW;
	PQclear(res);
	return rcv;
}

/* The held neighbours of every record (and anything at its own
 * position): each record's link flag, the held successors to mark
 * verified. Any mismatch is for the per-record steps, which name it.
 * An index look-up per position (LATERAL: as a join the generic plan
 * read the chain); a position asked twice (the gap between two records
 * of the group) comes back twice, which changes nothing below. */
static int group_links(struct group *g, struct arr *succ_day, struct arr *succ_id)
{
	struct arr ch = { 0 }, seq = { 0 };
	struct sparams p;
	PGresult *res;
	int rcv = 0;

	for (size_t k = 0; k < g->m; k++) {
		const struct anpr_stored_record *r = grec(g, k);

		for (int d = -1; d <= 1; d++) {
			if (r->chain_seq == 1 && d == -1)
				continue;
			arr_text(&ch, r->chain_id);
			arr_i64(&seq, (int64_t)r->chain_seq + d);
		}
	}
	sp_init(&p);
	sp_text(&p, arr_end(&ch));
	sp_text(&p, arr_end(&seq));
	if (!p.v[0] || !p.v[1]) {
		rcv = ANPR_STORE_ENOMEM;
		st_err(g->err, g->errlen, "a group: out of memory");
		goto out;
	}
	res = GX("a group's links",
		 "SELECT i.chain_id, i.chain_seq, i.record_id, "
		 "i.capture_day - date '1970-01-01', encode(i.sha256, 'hex'), "
		 "encode(i.prev_hash, 'hex') FROM unnest($1::text[], $2::bigint[]) "
		 "AS q(chain_id, seq) CROSS JOIN LATERAL (SELECT chain_id, chain_seq, "
		 "record_id, capture_day, sha256, prev_hash FROM "
		 "anpr.record_index j WHERE j.chain_id = q.chain_id AND "
		 "j.chain_seq = q.seq) i", &p);
	if (!res)
		goto out;
	for (size_t k = 0; k < g->m; k++) {
		const struct anpr_stored_record *r = grec(g, k);

		g->link[k] = "pending";
		if (r->chain_seq == 1) {
			if (memcmp(r->prev_hash, zero_hash, 32) != 0)
				rcv = GROUP_SLOW;
			g->link[k] = "verified";
		}
		/* the predecessor in the group */
		if (k > 0 && strcmp(grec(g, k - 1)->chain_id, r->chain_id) == 0 &&
		    grec(g, k - 1)->chain_seq + 1 == r->chain_seq) {
			if (memcmp(grec(g, k - 1)->sha256, r->prev_hash, 32) != 0)
				rcv = GROUP_SLOW;
			g->link[k] = "verified";
		}
	}
	for (int i = 0; !rcv && i < PQntuples(res); i++) {
		const char *chain = PQgetvalue(res, i, 0);
		uint64_t s = (uint64_t)st_i64(res, i, 1);
		uint8_t sha[32], prev[32];

		st_hash(res, i, 4, sha);
		st_hash(res, i, 5, prev);
		for (size_t k = 0; !rcv && k < g->m; k++) {
			const struct anpr_stored_record *r = grec(g, k);

			if (strcmp(r->chain_id, chain) != 0)
				continue;
			if (s == r->chain_seq) {
				rcv = GROUP_SLOW;	/* its position is held */
			} else if (s + 1 == r->chain_seq) {
				if (memcmp(sha, r->prev_hash, 32) != 0)
					rcv = GROUP_SLOW;
				g->link[k] = "verified";
			} else if (s == r->chain_seq + 1) {
				if (memcmp(prev, r->sha256, 32) != 0)
					rcv = GROUP_SLOW;
				arr_text(succ_day, PQgetvalue(res, i, 3));
				arr_text(succ_id, PQgetvalue(res, i, 2));
			}
		}
	}
	PQclear(res);
out:
	free(ch.s);
	free(seq.s);
	return rcv;
}

/* Both rows of every record in one statement (insert_rows, set-wise).
 * Fewer rows than records: an id held meanwhile, an error for the
 * caller (it rolls back and puts each on its own). */
static int group_insert(struct group *g)
{
	enum { A_ID, A_CAM, A_CHAIN, A_SEQ, A_TYPE, A_DAY, A_SHA, A_PREV, A_T,
	       A_VRM, A_KEY, A_CONF, A_SITE, A_SIGOK, A_REC, A_SIG, A_NEWSIG,
	       A_REGION, A_HOTLIST, A_ENTRY, A_PLATE, A_OVER, A_LINK, A_CERT,
	       A_N };
	struct arr a[A_N];
	struct sparams p;
	PGresult *res;
	int rcv = 0;

	memset(a, 0, sizeof a);
	for (size_t k = 0; k < g->m; k++) {
		const struct put *u = &g->u[g->ix[k]];
		const struct anpr_stored_record *r = u->r;

		arr_text(&a[A_ID], r->record_id);
		arr_text(&a[A_CAM], r->camera_id);
		arr_text(&a[A_CHAIN], r->chain_id);
		arr_i64(&a[A_SEQ], (int64_t)r->chain_seq);
		arr_text(&a[A_TYPE], r->type);
		arr_i64(&a[A_DAY], u->day);
		arr_hex(&a[A_SHA], r->sha256, 32);
		arr_hex(&a[A_PREV], r->prev_hash, 32);
		arr_i64(&a[A_T], r->time_utc_us);
		arr_text(&a[A_VRM], u->has_vrm ? u->vrm : NULL);
		arr_text(&a[A_KEY], u->has_vrm ? u->vrm_key : NULL);
		arr_f64(&a[A_CONF], r->confidence, !u->has_vrm);
		arr_opt(&a[A_SITE], r->site_id);
		arr_text(&a[A_SIGOK], r->sig_ok ? "t" : "f");
		arr_hex(&a[A_REC], r->rec, r->rec_len);
		arr_hex(&a[A_SIG], r->sig, r->sig_len);
		arr_hex(&a[A_NEWSIG], r->newsig_len ? r->newsig : NULL, r->newsig_len);
		arr_opt(&a[A_REGION], r->region);
		arr_opt(&a[A_HOTLIST], r->hotlist);
		arr_opt(&a[A_ENTRY], r->hotlist_entry);
		arr_hex(&a[A_PLATE], r->plate_sha256, 32);
		arr_hex(&a[A_OVER], r->overview_sha256, 32);
		arr_text(&a[A_LINK], g->link[k]);
		arr_opt(&a[A_CERT], r->cert_fingerprint);
	}
	sp_init(&p);
	for (int i = 0; i < A_N; i++) {
		sp_text(&p, arr_end(&a[i]));
		if (!p.v[i])
			rcv = ANPR_STORE_ENOMEM;
	}
	if (rcv) {
		st_err(g->err, g->errlen, "a group: out of memory");
		goto out;
	}
	res = GX("a group's records",
		 "WITH g AS (SELECT * FROM unnest($1::text[], $2::text[], "
		 "$3::text[], $4::bigint[], $5::text[], $6::int[], $7::text[], "
		 "$8::text[], $9::bigint[], $10::text[], $11::text[], $12::real[], "
		 "$13::text[], $14::bool[], $15::text[], $16::text[], $17::text[], "
		 "$18::text[], $19::text[], $20::text[], $21::text[], $22::text[], "
		 "$23::text[], $24::text[]) AS g(record_id, camera_id, chain_id, "
		 "chain_seq, type, day, sha256, prev_hash, t_us, vrm, vrm_key, "
		 "confidence, site_id, sig_ok, rec, sig, newsig, region, hotlist, "
		 "hotlist_entry, plate, overview, link, cert)), "
		 "i AS (INSERT INTO anpr.record_index (record_id, camera_id, "
		 "chain_id, chain_seq, type, capture_day, sha256, prev_hash, "
		 "time_utc, vrm, vrm_key, confidence, site_id, sig_ok) "
		 "SELECT record_id, camera_id, chain_id, chain_seq, type, "
		 "date '1970-01-01' + day, decode(sha256, 'hex'), "
		 "decode(prev_hash, 'hex'), timestamptz 'epoch' + t_us * "
		 "interval '1 microsecond', vrm, vrm_key, confidence, site_id, "
		 "sig_ok FROM g ON CONFLICT DO NOTHING "
		 "RETURNING record_id, capture_day, time_utc) "
		 "INSERT INTO anpr.records (capture_day, record_id, camera_id, "
		 "chain_id, chain_seq, type, time_utc, sha256, prev_hash, rec, sig, "
		 "newsig, vrm, vrm_key, confidence, region, hotlist, hotlist_entry, "
		 "plate_sha256, overview_sha256, site_id, sig_ok, link, "
		 "cert_fingerprint) "
		 "SELECT i.capture_day, g.record_id, g.camera_id, g.chain_id, "
		 "g.chain_seq, g.type, i.time_utc, decode(g.sha256, 'hex'), "
		 "decode(g.prev_hash, 'hex'), decode(g.rec, 'hex'), "
		 "decode(g.sig, 'hex'), decode(g.newsig, 'hex'), g.vrm, g.vrm_key, "
		 "g.confidence, g.region, g.hotlist, g.hotlist_entry, "
		 "decode(g.plate, 'hex'), decode(g.overview, 'hex'), g.site_id, "
		 "g.sig_ok, g.link, g.cert FROM i JOIN g USING (record_id)", &p);
	if (!res)
		goto out;
	if ((size_t)atoi(PQcmdTuples(res)) != g->m) {
		st_err(g->err, g->errlen, "a group: %s of %zu records new",
		       PQcmdTuples(res), g->m);
		rcv = ANPR_STORE_EEXIST;
	}
	PQclear(res);
out:
	for (int i = 0; i < A_N; i++)
		free(a[i].s);
	return rcv;
}

/* The checkpoints of the group, and the open ones it may complete:
 * try_checkpoint for each (a Merkle root that does not match is an
 * error: the per-record steps name the record). */
static int group_checkpoints(struct group *g)
{
	struct arr ch = { 0 }, seq = { 0 }, id = { 0 };
	struct sparams p;
	PGresult *res;
	int rcv = 0;

	for (size_t k = 0; k < g->m; k++) {
		struct put *u = &g->u[g->ix[k]];
		const struct anpr_stored_record *r = u->r;

		arr_text(&ch, r->chain_id);
		arr_i64(&seq, (int64_t)r->chain_seq);
		arr_text(&id, r->record_id);
		if (strcmp(r->type, "checkpoint") != 0)
			continue;
		sp_init(&p);
		sp_text(&p, r->record_id);
		sp_text(&p, r->chain_id);
		sp_u64(&p, r->cp_first);
		sp_u64(&p, r->cp_last);
		sp_bytes(&p, r->merkle_root, 32);
		res = GX("checkpoint", "INSERT INTO anpr.checkpoints (record_id, "
			 "chain_id, first_seq, last_seq, merkle_root) VALUES ($1, "
			 "$2, $3::bigint, $4::bigint, $5)", &p);
		if (!res)
			goto out;
		PQclear(res);
	}
	sp_init(&p);
	sp_text(&p, arr_end(&ch));
	sp_text(&p, arr_end(&seq));
	sp_text(&p, arr_end(&id));
	if (!p.v[0] || !p.v[1] || !p.v[2]) {
		rcv = ANPR_STORE_ENOMEM;
		st_err(g->err, g->errlen, "a group: out of memory");
		goto out;
	}
	res = GX("a group's checkpoints",
		 "SELECT DISTINCT k.record_id, k.chain_id, k.first_seq, k.last_seq, "
		 "encode(k.merkle_root, 'hex') FROM anpr.checkpoints k JOIN "
		 "unnest($1::text[], $2::bigint[], $3::text[]) AS q(chain_id, seq, "
		 "record_id) ON k.chain_id = q.chain_id AND ((k.first_seq <= q.seq "
		 "AND k.last_seq >= q.seq) OR k.record_id = q.record_id) "
		 "WHERE k.verified_at IS NULL ORDER BY k.chain_id, k.first_seq", &p);
	if (!res)
		goto out;
	for (int i = 0; !rcv && i < PQntuples(res); i++) {
		uint8_t root[32];
		size_t c;

		for (c = 0; c < g->nchains; c++)
			if (strcmp(g->chains[c].chain_id, PQgetvalue(res, i, 1)) == 0)
				break;
		if (c == g->nchains)
			continue;	/* cannot be: joined on the group's */
		st_hash(res, i, 4, root);
		{
			struct put *u = &g->u[g->ix[g->chains[c].first]];

			rcv = try_checkpoint(u, PQgetvalue(res, i, 0),
					     g->chains[c].chain_id, st_i64(res, i, 2),
					     st_i64(res, i, 3), root);
			if (u->cp_verified)
				g->chains[c].cp_verified = true;
			if (rcv)
				snprintf(g->err, g->errlen, "%s", u->err);
		}
	}
	PQclear(res);
out:
	free(ch.s);
	free(seq.s);
	free(id.s);
	return rcv;
}

/* Each chain's holdings moved once for all its records (holdings(), with
 * the run started wherever contiguous_to + 1 is now held: it never is
 * between puts, so this is where the per-record steps would leave it). */
static int group_holdings(struct group *g)
{
	int rcv = 0;

	for (size_t c = 0; c < g->nchains && !rcv; c++) {
		struct gchain *gc = &g->chains[c];
		struct sparams p;
		PGresult *res;

		sp_init(&p);
		sp_text(&p, gc->chain_id);
		sp_u64(&p, grec(g, gc->first + gc->count - 1)->chain_seq);
		sp_i64(&p, gc->contiguous_to);
		sp_u64(&p, gc->count);
		res = GX("a group's chain holdings",
			 "WITH RECURSIVE run(seq) AS (SELECT $3::bigint + 1 WHERE "
			 " EXISTS (SELECT 1 FROM anpr.record_index j WHERE "
			 " j.chain_id = $1 AND j.chain_seq = $3::bigint + 1) "
			 " UNION ALL SELECT run.seq + 1 FROM run WHERE (SELECT true FROM "
			 " anpr.record_index j WHERE j.chain_id = $1 AND "
			 " j.chain_seq = run.seq + 1)), "
			 "c AS (SELECT coalesce((SELECT max(seq) FROM run), $3::bigint) AS to_) "
			 "UPDATE anpr.chains h SET held = held + $4::bigint, "
			 " last_seq = greatest(last_seq, $2::bigint), contiguous_to = c.to_, "
			 " oldest_gap_since = CASE "
			 "  WHEN greatest(last_seq, $2::bigint) = c.to_ THEN NULL "
			 "  WHEN c.to_ <> $3::bigint OR oldest_gap_since IS NULL THEN "
			 "   (SELECT min(received_at) FROM anpr.record_index i "
			 "    WHERE i.chain_id = $1 AND i.chain_seq > c.to_) "
			 "  ELSE oldest_gap_since END "
			 "FROM c WHERE h.chain_id = $1", &p);
		if (!res)
			break;
		PQclear(res);
		if (gc->cp_verified)
			rcv = chain_coverage(g->st, gc->chain_id, g->err, g->errlen);
	}
	return rcv;
}

#undef GX

/* The group set-wise, in the caller's transaction (partitions made):
 * 0; GROUP_SLOW with nothing written (*wrote false) or after the
 * chains' locks only; or an error after which the caller rolls back. */
static int group_put(struct anpr_store *st, struct put *u, size_t n,
		     const int *rc, char *err, size_t errlen, bool *wrote)
{
	struct group g = { .st = st, .u = u, .err = err, .errlen = errlen };
	struct arr succ_day = { 0 }, succ_id = { 0 };
	int r;

	*wrote = false;
	g.ix = calloc(n, sizeof *g.ix);
	g.link = calloc(n, sizeof *g.link);
	g.chains = calloc(n, sizeof *g.chains);
	if (!g.ix || !g.link || !g.chains) {
		r = GROUP_SLOW;
		goto out;
	}
	{
		struct gent *e = calloc(n, sizeof *e);

		if (!e) {
			r = GROUP_SLOW;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (rc[i] == 0)
				e[g.m++] = (struct gent){ .r = u[i].r, .i = i };
		qsort(e, g.m, sizeof *e, cmp_pos);
		for (size_t k = 0; k < g.m; k++)
			g.ix[k] = e[k].i;
		free(e);
	}
	for (size_t k = 0; k < g.m; k++) {
		const struct anpr_stored_record *r0 = grec(&g, k);

		if (k > 0) {
			const struct anpr_stored_record *p0 = grec(&g, k - 1);

			if (strcmp(p0->chain_id, r0->chain_id) == 0) {
				if (p0->chain_seq == r0->chain_seq) {
					r = GROUP_SLOW;	/* one position twice */
					goto out;
				}
				g.chains[g.nchains - 1].count++;
				continue;
			}
		}
		g.chains[g.nchains++] = (struct gchain){ .chain_id = r0->chain_id,
							 .first = k, .count = 1 };
	}
	for (size_t k = 0; k < g.m; k++)
		for (size_t j = k + 1; j < g.m; j++)
			if (strcmp(grec(&g, k)->record_id, grec(&g, j)->record_id) == 0) {
				r = GROUP_SLOW;	/* one id twice */
				goto out;
			}
	r = group_lock(&g);
	if (!r)
		r = group_links(&g, &succ_day, &succ_id);
	if (r)
		goto out;
	*wrote = true;
	r = group_insert(&g);
	if (!r && succ_id.len) {
		struct sparams p;
		PGresult *res;

		sp_init(&p);
		sp_text(&p, arr_end(&succ_day));
		sp_text(&p, arr_end(&succ_id));
		res = p.v[0] && p.v[1]
			? st_exec_ps(st, "a group's successors' links",
				     "UPDATE anpr.records r SET link = 'verified' FROM "
				     "unnest($1::int[], $2::text[]) AS s(day, record_id) "
				     "WHERE r.capture_day = date '1970-01-01' + s.day "
				     "AND r.record_id = s.record_id", &p, &r, err, errlen)
			: NULL;
		if (res)
			PQclear(res);
		else if (!r)
			r = ANPR_STORE_ENOMEM;
	}
	if (!r)
		r = group_checkpoints(&g);
	if (!r)
		r = group_holdings(&g);
out:
	free(succ_day.s);
	free(succ_id.s);
	free(g.ix);
	free(g.link);
	free(g.chains);
	return r;
}

static int ensure_day(struct anpr_store *st, int64_t day, const char *what,
		      char *err, size_t errlen)
{
	struct sparams p;
	PGresult *res;
	int rc = 0;

	if (st_day_known(st, day))
		return 0;
	sp_init(&p);
	sp_i64(&p, day);
	res = st_exec_ps(st, what, "SELECT anpr.day_partition(date '1970-01-01' + $1::int)",
			 &p, &rc, err, errlen);
	if (!res)
		return rc;
	PQclear(res);
	return 0;
}

#define BATCH_MAX 256

int anpr_store_records_put(struct anpr_store *st,
			   const struct anpr_stored_record *const *r, size_t n,
			   int *rc, char *err, size_t errcap)
{
	struct put u[BATCH_MAX];
	char what[64], berr[512] = "";
	bool setwise = false;
	int brc = 0;
	size_t i, valid = 0, failed = n;

	if (n > BATCH_MAX) {
		for (i = 0; i < n; i++) {
			rc[i] = ANPR_STORE_EINVAL;
			st_err(err + i * errcap, errcap, "a batch of %zu records: "
			       "at most %d at once", n, BATCH_MAX);
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		u[i] = (struct put){ .st = st, .r = r[i], .err = err + i * errcap,
				     .errlen = errcap };
		u[i].err[0] = '\0';
		rc[i] = put_check(&u[i]);
		valid += rc[i] == 0;
	}
	if (valid == 0)
		return 0;
	snprintf(what, sizeof what, "a group of %zu records", valid);
	brc = st_ready(st, berr, sizeof berr);
	if (!brc)
		brc = st_begin(st, what, berr, sizeof berr);
	if (brc)
		goto unreachable;
	/* every day's partition first, before any chain's row lock (as in
	 * anpr_store_record_put) */
	for (i = 0; i < n && !brc; i++) {
		if (rc[i] != 0)
			continue;
		brc = ensure_day(st, u[i].day, what, u[i].err, errcap);
		if (brc)
			failed = i;
	}
	if (!brc) {
		bool wrote = false;

		brc = group_put(st, u, n, rc, berr, sizeof berr, &wrote);
		if (brc == GROUP_SLOW && !wrote)
			brc = 0;	/* the per-record steps, below */
		else if (brc == 0) {
			setwise = true;
			goto commit;
		}
		else if (brc == GROUP_SLOW)
			brc = ANPR_STORE_EIO;	/* cannot be */
	}
	for (i = 0; i < n && !brc; i++) {
		if (rc[i] != 0)
			continue;
		brc = put_steps(&u[i]);
		if (brc)
			failed = i;
	}
	if (brc) {
		st_rollback(st);
		st_days_forget(st);
		if (PQstatus(st->pg) != CONNECTION_OK) {
			if (failed < n)
				snprintf(berr, sizeof berr, "%s", u[failed].err);
			else if (!berr[0])
				snprintf(berr, sizeof berr, "database connection lost");
			goto unreachable;
		}
		goto one_by_one;	/* rc[failed] is found again below */
	}
commit:
	brc = st_commit(st, what, berr, sizeof berr);
	if (brc) {
		/* perhaps committed (connection lost at COMMIT): each is put
		 * again on its own, and one stored finds EEXIST */
		st_days_forget(st);
		if (PQstatus(st->pg) != CONNECTION_OK && st_ready(st, berr, sizeof berr))
			goto unreachable;
		goto one_by_one;
	}
	for (i = 0; i < n; i++)
		if (rc[i] == 0)
			st_day_note(st, u[i].day);
	st->groups_setwise += setwise;
	return 0;
one_by_one:
	brc = 0;
	for (i = 0; i < n; i++) {
		if (rc[i] != 0)
			continue;
		rc[i] = anpr_store_record_put(st, r[i], u[i].err, errcap);
		if (rc[i] == ANPR_STORE_EIO && PQstatus(st->pg) != CONNECTION_OK)
			brc = ANPR_STORE_EIO;
	}
	return brc;
unreachable:
	for (i = 0; i < n; i++) {
		if (rc[i] != 0)
			continue;
		rc[i] = ANPR_STORE_EIO;
		snprintf(u[i].err, errcap, "%s", berr);
	}
	return ANPR_STORE_EIO;
}

unsigned long anpr_store_groups_setwise(const struct anpr_store *st)
{
	return st->groups_setwise;
}

int anpr_store_record_put(struct anpr_store *st,
			  const struct anpr_stored_record *r, char *err,
			  size_t errlen)
{
	struct put u = { .st = st, .r = r, .err = err, .errlen = errlen };
	char what[96];
	int rc;

	rc = put_check(&u);
	if (rc)
		return rc;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	snprintf(what, sizeof what, "record %s", r->record_id);
	rc = st_begin(st, what, err, errlen);
	if (rc)
		return rc;
	/* the day's partition first, before any row lock: making it waits for
	 * the inserts of others into anpr.records to end (its ATTACH lock),
	 * and must not do so while holding a chain they wait for */
	rc = ensure_day(st, u.day, what, err, errlen);
	if (!rc)
		rc = put_steps(&u);
	if (rc)
		goto fail;
	rc = st_commit(st, what, err, errlen);
	if (!rc)
		st_day_note(st, u.day);
	else
		st_days_forget(st);
	return rc;
fail:
	st_rollback(st);
	/* the partition may have gone meanwhile (retention drops days): the
	 * next put asks again */
	st_days_forget(st);
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
