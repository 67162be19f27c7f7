// SPDX-License-Identifier: MIT
/*
 * records.c - a record put: its checks and steps (the chain's row, its
 * links, both rows, the checkpoints it completes, the chain's holdings),
 * one at a time or a group in one transaction (records_group.c puts a
 * group set-wise where it can). docs/backoffice.md, "The records".
 * Errors name the record id, chain and position: a record id is
 * CAMERA-CHAIN-SEQ, never a VRM or location.
 */
#include "store/records_int.h"

#include "core/vrm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const uint8_t zero_hash[32];

/* ---------------------------------------------------------- record_put */


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
					    "fold of vrm (daemon/core/vrm.c)",
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
	static const char lock_sql[] = "SELECT camera_id, contiguous_to FROM anpr.chains "
				       "WHERE chain_id = $1 FOR UPDATE";
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;

	/* a known chain: one statement, a row lock and no new row version
	 * (an "update to itself" made one per record, and a group's puts to
	 * one chain then walked a chain of versions); a new one: made, then
	 * locked */
	sp_init(&p);
	sp_text(&p, u->r->chain_id);
	res = X("record chain", lock_sql, &p);
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
		res = X("record chain", lock_sql, &p);
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
int records_try_checkpoint(struct put *u, const char *cp_id, const char *chain,
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

int records_add_checkpoint(struct put *u)
{
	const struct anpr_stored_record *r = u->r;
	struct sparams p;
	PGresult *res;
	int rcv = 0, *rc = &rcv;

	if (strcmp(r->type, "checkpoint") != 0)
		return 0;
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
	return 0;
}

static int checkpoints(struct put *u)
{
	const struct anpr_stored_record *r = u->r;
	struct sparams p;
	PGresult *res;
	int rcv = records_add_checkpoint(u), *rc = &rcv;

	if (rcv)
		return rcv;
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
		rcv = records_try_checkpoint(u, PQgetvalue(res, i, 0), r->chain_id,
				     st_i64(res, i, 1), st_i64(res, i, 2), root);
	}
	PQclear(res);
	return rcv;
}

/* covered_to of a chain, after a checkpoint of it was verified. */
int records_chain_coverage(struct anpr_store *st, const char *chain_id,
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
int records_move_holdings(struct anpr_store *st, const char *chain_id, uint64_t last_seq,
			  int64_t contiguous_to, uint64_t count, bool cp_verified,
			  char *err, size_t errlen)
{
	struct sparams p;
	PGresult *res;
	int rcv = 0;

	sp_init(&p);
	sp_text(&p, chain_id);
	sp_u64(&p, last_seq);
	sp_i64(&p, contiguous_to);
	sp_u64(&p, count);
	/* the run starts wherever contiguous_to + 1 is now held: it never is
	 * between puts, so only a record put at that position starts it. It
	 * walks one position at a time, each an equality lookup on
	 * (chain_id, chain_seq) in a scalar subquery, which the planner
	 * cannot turn into a join: the NOT EXISTS form this replaces was
	 * planned, as a prepared statement, as an anti join that read the
	 * whole chain for each record (2.5 of 3.6 s of the bench's
	 * statements, pg_stat_statements) */
	res = st_exec_ps(st, "chain holdings",
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
		"FROM c WHERE h.chain_id = $1", &p, &rcv, err, errlen);
	if (!res)
		return rcv;
	PQclear(res);
	if (!cp_verified)
		return 0;	/* only a newly verified checkpoint moves it */
	return records_chain_coverage(st, chain_id, err, errlen);
}

static int holdings(struct put *u, int64_t contiguous_to)
{
	return records_move_holdings(u->st, u->r->chain_id, u->r->chain_seq, contiguous_to,
				     1, u->cp_verified, u->err, u->errlen);
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

		brc = records_group_put(st, u, n, rc, berr, sizeof berr, &wrote);
		if (brc == RECORDS_GROUP_SLOW && !wrote)
			brc = 0;	/* the per-record steps, below */
		else if (brc == 0) {
			setwise = true;
			goto commit;
		}
		else if (brc == RECORDS_GROUP_SLOW)
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
