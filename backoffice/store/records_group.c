// SPDX-License-Identifier: MIT
/*
 * records_group.c - a group of records put set-wise: the common case of
 * anpr-ingest's group commit in a handful of statements whatever the
 * group's size (docs/backoffice.md, "The request path", step 5).
 */
#include "store/records_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t zero_hash[32];

/* A value of a NOT NULL column ("" if libpq says otherwise). */
static const char *gval(const PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);

	return v ? v : "";
}

/*
 * A group's common case in a handful of statements, whatever its size:
 * every chain known and its camera's, every record new, every link and
 * checkpoint good. Then the rows of all of them go in by one INSERT over
 * arrays, and each chain's holdings move once. The per-record steps of
 * records.c (put_steps) stay the reference: for anything else (a new
 * chain, a position or id held, a link or Merkle root that does not
 * match) this answers RECORDS_GROUP_SLOW, before it has written anything
 * where it can, and the caller runs put_steps record by record, whose answers and errors
 * are the ones a put of its own gives. The end state is the same either
 * way (tests/backoffice/test_store.c, test_group_equivalence, compares
 * the two on shuffled chains with gaps and checkpoints).
 *
 * Why: a record cost 7 statements (the group's share of BEGIN and
 * COMMIT aside), each a round trip and 20-200 us of a backend's CPU;
 * PostgreSQL was the largest share of the ingest bench's CPU
 * (docs/backoffice.md, "The benches").
 */


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
		rcv = RECORDS_GROUP_SLOW;	/* a new chain */
	for (int i = 0; !rcv && i < PQntuples(res) && c < g->nchains; i++, c++) {
		const struct gchain *gc = &g->chains[c];

		if (!gc->chain_id || strcmp(gval(res, i, 0), gc->chain_id) != 0 ||
		    strcmp(gval(res, i, 1), grec(g, gc->first)->camera_id) != 0) {
			rcv = RECORDS_GROUP_SLOW;
			break;
		}
		g->chains[c].contiguous_to = st_i64(res, i, 2);
	}
	/* a chain shared by two cameras in one group: the steps say so */
	for (size_t k = 0; !rcv && k < g->nchains; k++)
		for (size_t j = 1; j < g->chains[k].count; j++)
			if (strcmp(grec(g, g->chains[k].first + j)->camera_id,
				   grec(g, g->chains[k].first)->camera_id) != 0)
				rcv = RECORDS_GROUP_SLOW;
	PQclear(res);
	return rcv;
}

/* The held neighbours of every record (and anything at its own
 * position): each record's link flag, the held successors to mark
 * verified. Any mismatch is for the per-record steps, which name it.
 * An index look-up per position (LATERAL, and OFFSET 0 so that the
 * planner cannot flatten it back into a join: with a new store's
 * statistics, the table looking empty, the generic plan was a hash join
 * over a sequential scan of all of record_index, 5.6 ms a group at 6,600
 * rows and growing, until autovacuum's first ANALYZE: auto_explain in the
 * ingest bench); a position asked twice (the gap between two records of
 * the group) comes back twice, which changes nothing below. */
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
		 "j.chain_seq = q.seq OFFSET 0) i", &p);
	if (!res)
		goto out;
	for (size_t k = 0; k < g->m; k++) {
		const struct anpr_stored_record *r = grec(g, k);

		g->link[k] = "pending";
		if (r->chain_seq == 1) {
			if (memcmp(r->prev_hash, zero_hash, 32) != 0)
				rcv = RECORDS_GROUP_SLOW;
			g->link[k] = "verified";
		}
		/* the predecessor in the group */
		if (k > 0 && strcmp(grec(g, k - 1)->chain_id, r->chain_id) == 0 &&
		    grec(g, k - 1)->chain_seq + 1 == r->chain_seq) {
			if (memcmp(grec(g, k - 1)->sha256, r->prev_hash, 32) != 0)
				rcv = RECORDS_GROUP_SLOW;
			g->link[k] = "verified";
		}
	}
	for (int i = 0; !rcv && i < PQntuples(res); i++) {
		const char *chain = gval(res, i, 0);
		uint64_t s = (uint64_t)st_i64(res, i, 1);
		uint8_t sha[32], prev[32];

		st_hash(res, i, 4, sha);
		st_hash(res, i, 5, prev);
		for (size_t k = 0; !rcv && k < g->m; k++) {
			const struct anpr_stored_record *r = grec(g, k);

			if (strcmp(r->chain_id, chain) != 0)
				continue;
			if (s == r->chain_seq) {
				rcv = RECORDS_GROUP_SLOW;	/* its position is held */
			} else if (s + 1 == r->chain_seq) {
				if (memcmp(sha, r->prev_hash, 32) != 0)
					rcv = RECORDS_GROUP_SLOW;
				g->link[k] = "verified";
			} else if (s == r->chain_seq + 1) {
				if (memcmp(prev, r->sha256, 32) != 0)
					rcv = RECORDS_GROUP_SLOW;
				arr_text(succ_day, gval(res, i, 3));
				arr_text(succ_id, gval(res, i, 2));
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
		rcv = records_add_checkpoint(u);
		if (rcv) {
			snprintf(g->err, g->errlen, "%s", u->err);
			goto out;
		}
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
			if (strcmp(g->chains[c].chain_id, gval(res, i, 1)) == 0)
				break;
		if (c == g->nchains)
			continue;	/* cannot be: joined on the group's */
		st_hash(res, i, 4, root);
		{
			struct put *u = &g->u[g->ix[g->chains[c].first]];

			rcv = records_try_checkpoint(u, gval(res, i, 0),
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

/* Each chain's holdings moved once for all its records (the statement
 * of the per-record steps, records_move_holdings, with their count). */
static int group_holdings(struct group *g)
{
	int rcv = 0;

	for (size_t c = 0; c < g->nchains && !rcv; c++) {
		const struct gchain *gc = &g->chains[c];

		rcv = records_move_holdings(g->st, gc->chain_id,
					    grec(g, gc->first + gc->count - 1)->chain_seq,
					    gc->contiguous_to, gc->count, gc->cp_verified,
					    g->err, g->errlen);
	}
	return rcv;
}

#undef GX

int records_group_put(struct anpr_store *st, struct put *u, size_t n,
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
		r = RECORDS_GROUP_SLOW;
		goto out;
	}
	{
		struct gent *e = calloc(n, sizeof *e);

		if (!e) {
			r = RECORDS_GROUP_SLOW;
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
					r = RECORDS_GROUP_SLOW;	/* one position twice */
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
				r = RECORDS_GROUP_SLOW;	/* one id twice */
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
