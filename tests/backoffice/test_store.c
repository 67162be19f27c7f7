// SPDX-License-Identifier: MIT
/*
 * test_store.c - anprstore against a real PostgreSQL (tests/lib/pg.sh;
 * without ANPR_TEST_PG set, the test re-runs itself under
 * tests/lib/with-pg). Records are put as anpr_ingest, the role anpr-ingest
 * runs as, so the grants are tested with the code.
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/anprstore.h"
#include "evidence/evidence.h"

#include <libpq-fe.h>
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SQLDIR "backoffice/sql"
#define DAY_US 86400000000LL

static char err[512];
static struct anpr_store *owner, *ingest;

/* ---------------------------------------------------------- helpers */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v) {
		fprintf(stderr, "%s not set\n", name);
		abort();
	}
	return v;
}

/* A psql-like one-shot query (test side only): first value or "". */
static char *sql1(const char *conninfo, const char *sql, char *out, size_t cap)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r;

	out[0] = '\0';
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
	else if (PQresultStatus(r) != PGRES_TUPLES_OK &&
		 PQresultStatus(r) != PGRES_COMMAND_OK)
		snprintf(out, cap, "ERROR %s",
			 PQresultErrorField(r, PG_DIAG_SQLSTATE));
	PQclear(r);
	PQfinish(c);
	return out;
}

static char *q(const char *sql)
{
	static char buf[256];

	return sql1(env("ANPR_TEST_PG"), sql, buf, sizeof buf);
}

static void camera(const char *id)
{
	struct anpr_camera c = { .mobile = true, .site_bearing_deg = -1 };
	int rc;

	snprintf(c.camera_id, sizeof c.camera_id, "%s", id);
	rc = anpr_store_camera_add(owner, &c, err, sizeof err);
	assert_true(rc == 0 || rc == ANPR_STORE_EEXIST);
}

/* One record of a test chain; bytes made up, hashes real. */
struct trec {
	char id[80], cam[33], chain[17], type[16];
	char rec[160], sig[40];
	uint64_t seq;
	int64_t t_us;
	uint8_t sha[32], prev[32];
	struct anpr_stored_record s;
};

static void trec_make(struct trec *t, const char *cam, const char *chain,
		      uint64_t seq, const uint8_t prev[32], int64_t t_us)
{
	memset(t, 0, sizeof *t);
	snprintf(t->cam, sizeof t->cam, "%s", cam);
	snprintf(t->chain, sizeof t->chain, "%s", chain);
	snprintf(t->id, sizeof t->id, "%s-%s-%" PRIu64, cam, chain, seq);
	snprintf(t->type, sizeof t->type, "read");
	t->seq = seq;
	t->t_us = t_us;
	memcpy(t->prev, prev, 32);
	snprintf(t->rec, sizeof t->rec, "format=anpr-record/2\ntype=read\n"
		 "record_id=%s\nseq=%" PRIu64 "\nt=%" PRId64 "\n", t->id, seq, t_us);
	snprintf(t->sig, sizeof t->sig, "untrusted comment: sig\n");
	ev_sha256(t->rec, strlen(t->rec), t->sha);
	t->s = (struct anpr_stored_record){
		.record_id = t->id, .camera_id = t->cam, .chain_id = t->chain,
		.chain_seq = seq, .type = t->type, .time_utc_us = t_us,
		.rec = t->rec, .rec_len = strlen(t->rec), .sig = t->sig,
		.sig_len = strlen(t->sig), .vrm = "ab12 cde", .confidence = 0.9,
		.sig_ok = true,
	};
	memcpy((void *)t->s.sha256, t->sha, 32);
	memcpy((void *)t->s.prev_hash, prev, 32);
}

/* n records of a chain, linked, times from t0 a second apart. */
static struct trec *chain_make(const char *cam, const char *chain, size_t n,
			       int64_t t0)
{
	struct trec *v = calloc(n, sizeof *v);
	uint8_t prev[32] = { 0 };

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		trec_make(&v[i], cam, chain, i + 1, prev, t0 + (int64_t)i * 1000000);
		memcpy(prev, v[i].sha, 32);
	}
	return v;
}

static int put(struct trec *t)
{
	return anpr_store_record_put(ingest, &t->s, err, sizeof err);
}

static const char *link_of(const char *record_id)
{
	static char sql[256];

	snprintf(sql, sizeof sql, "SELECT link FROM anpr.records WHERE record_id = '%s'",
		 record_id);
	return q(sql);
}

static int64_t now_us(void)
{
	return (int64_t)time(NULL) * 1000000;
}

/* How many migrations the repository has (NNNN_*.sql in SQLDIR). */
static int migrations_in_repo(void)
{
	glob_t g;
	int n;

	if (glob(SQLDIR "/[0-9][0-9][0-9][0-9]_*.sql", 0, NULL, &g) != 0)
		return -1;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

/* ------------------------------------------------------------ tests */

static void test_migrate(void **state)
{
	int applied = -1;

	(void)state;
	assert_int_equal(anpr_store_migrate(owner, SQLDIR, &applied, err,
					    sizeof err), 0);
	assert_int_equal(applied, 0);	/* setup applied them all */
	assert_int_equal(atoi(q("SELECT count(*) FROM anpr.schema_migrations")),
			 migrations_in_repo());
}

static void test_migrate_changed(void **state)
{
	char dir[] = "/tmp/anpr-sql-XXXXXX", cmd[512], ci[512];
	struct anpr_store *st;
	int applied = 0;
	FILE *f;

	(void)state;
	assert_string_equal(q("CREATE DATABASE anpr_changed"), "");
	snprintf(ci, sizeof ci, "%s dbname=anpr_changed", env("ANPR_TEST_PG"));
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "cp %s/*.sql %s/", SQLDIR, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(anpr_store_open(&st, ci, err, sizeof err), 0);
	assert_int_equal(anpr_store_migrate(st, dir, &applied, err, sizeof err), 0);
	assert_int_equal(applied, migrations_in_repo());
	snprintf(cmd, sizeof cmd, "%s/0002_records.sql", dir);
	f = fopen(cmd, "a");
	assert_non_null(f);
	fputs("-- edited after it was applied\n", f);
	fclose(f);
	assert_int_equal(anpr_store_migrate(st, dir, &applied, err, sizeof err),
			 ANPR_STORE_EINVAL);
	assert_non_null(strstr(err, "0002_records.sql"));
	assert_non_null(strstr(err, "must not change"));
	/* a directory that lacks an applied one: an older anpr-db */
	snprintf(cmd, sizeof cmd, "rm %s/0002_records.sql %s/0003_grants.sql", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(anpr_store_migrate(st, dir, &applied, err, sizeof err),
			 ANPR_STORE_EINVAL);
	assert_non_null(strstr(err, "not in"));
	anpr_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_roles(void **state)
{
	char buf[256];

	(void)state;
	/* ingest inserts and reads, never deletes nor rewrites bytes */
	assert_string_equal(sql1(env("ANPR_TEST_PG_INGEST"),
				 "DELETE FROM anpr.records", buf, sizeof buf),
			    "ERROR 42501");
	assert_string_equal(sql1(env("ANPR_TEST_PG_INGEST"),
				 "UPDATE anpr.records SET rec = ''", buf, sizeof buf),
			    "ERROR 42501");
	assert_string_equal(sql1(env("ANPR_TEST_PG_INGEST"),
				 "DROP TABLE anpr.records", buf, sizeof buf),
			    "ERROR 42501");
	/* the reader (0012) reads the register without its locations and
	 * nothing else: the reads only through the policy functions */
	assert_string_equal(sql1(env("ANPR_TEST_PG_READER"),
				 "SELECT count(*) >= 0 FROM anpr.cameras WHERE kind = 'fixed'",
				 buf, sizeof buf), "t");
	assert_string_equal(sql1(env("ANPR_TEST_PG_READER"),
				 "SELECT site_lat FROM anpr.cameras", buf, sizeof buf),
			    "ERROR 42501");
	assert_string_equal(sql1(env("ANPR_TEST_PG_READER"),
				 "SELECT count(*) FROM anpr.records", buf, sizeof buf),
			    "ERROR 42501");
	assert_string_equal(sql1(env("ANPR_TEST_PG_READER"),
				 "SELECT 1 FROM anpr.quarantine", buf, sizeof buf),
			    "ERROR 42501");
	assert_string_equal(sql1(env("ANPR_TEST_PG_READER"),
				 "INSERT INTO anpr.cameras (camera_id, kind) VALUES "
				 "('X', 'mobile')", buf, sizeof buf), "ERROR 42501");
}

static void test_register(void **state)
{
	struct anpr_camera c = { 0 }, g;
	struct anpr_camera_key keys[4];
	struct ev_key k1, k2;
	char b1[64], b2[64], id1[17], cam[33];
	const char *fpr = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	const char *fpr2 = "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	const char *fpr3 = "2123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	size_t n = 0;
	int64_t now = time(NULL);

	(void)state;
	snprintf(c.camera_id, sizeof c.camera_id, "CAM-FIX-1");
	snprintf(c.site_id, sizeof c.site_id, "SITE-9");
	c.site_lat = 51.5;
	c.site_lon = -0.12;
	c.site_bearing_deg = 270;
	assert_int_equal(anpr_store_camera_add(owner, &c, err, sizeof err), 0);
	assert_int_equal(anpr_store_camera_add(owner, &c, err, sizeof err),
			 ANPR_STORE_EEXIST);
	assert_non_null(strstr(err, "CAM-FIX-1"));
	assert_null(strstr(err, "SITE-9"));	/* never a location */
	assert_int_equal(anpr_store_camera_get(owner, "CAM-FIX-1", &g, err, sizeof err), 0);
	assert_false(g.mobile);
	assert_false(g.retired);
	assert_string_equal(g.site_id, "SITE-9");
	assert_true(fabs(g.site_lat - 51.5) < 1e-9 && fabs(g.site_lon + 0.12) < 1e-9);
	assert_int_equal(g.site_bearing_deg, 270);
	assert_int_equal(anpr_store_camera_get(owner, "NOPE", &g, err, sizeof err),
			 ANPR_STORE_ENOENT);
	/* a fixed camera without a site is refused */
	memset(&c, 0, sizeof c);
	snprintf(c.camera_id, sizeof c.camera_id, "CAM-FIX-2");
	assert_int_equal(anpr_store_camera_add(owner, &c, err, sizeof err),
			 ANPR_STORE_EINVAL);
	camera("CAM-MOB-1");
	assert_int_equal(anpr_store_camera_get(owner, "CAM-MOB-1", &g, err, sizeof err), 0);
	assert_true(g.mobile && isnan(g.site_lat) && g.site_bearing_deg == -1);

	/* keys */
	assert_int_equal(ev_key_generate(&k1), 0);
	assert_int_equal(ev_key_generate(&k2), 0);
	ev_pubkey_b64(&k1, b1, sizeof b1);
	ev_pubkey_b64(&k2, b2, sizeof b2);
	ev_key_id(k1.keynum, id1);
	ev_key_free(&k1);
	ev_key_free(&k2);
	assert_int_equal(anpr_store_camera_key_add(owner, "CAM-FIX-1", b1, NULL, err, sizeof err), 0);
	assert_int_equal(anpr_store_camera_key_add(owner, "CAM-FIX-1", b1, NULL, err, sizeof err),
			 ANPR_STORE_EEXIST);
	/* a key handed over by a rotation record, added as anpr_ingest */
	assert_int_equal(anpr_store_camera_key_add(ingest, "CAM-FIX-1", b2,
						   "CAM-FIX-1-0123456789ABCDEF-7", err, sizeof err), 0);
	assert_int_equal(anpr_store_camera_key_add(owner, "NOPE", b1, NULL, err, sizeof err),
			 ANPR_STORE_ENOENT);
	assert_int_equal(anpr_store_camera_key_add(owner, "CAM-FIX-1", "garbage", NULL, err,
						   sizeof err), ANPR_STORE_EINVAL);
	assert_int_equal(anpr_store_camera_key_revoke(owner, "CAM-FIX-1", id1, err, sizeof err), 0);
	assert_int_equal(anpr_store_camera_key_revoke(owner, "CAM-FIX-1", id1, err, sizeof err),
			 ANPR_STORE_EEXIST);
	assert_int_equal(anpr_store_camera_keys(ingest, "CAM-FIX-1", keys, 4, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(keys[0].key_id, id1);
	assert_string_equal(keys[0].public_key_b64, b1);
	assert_true(keys[0].revoked);
	assert_false(keys[1].revoked);

	/* certificates: active, revoked, expired, camera retired */
	assert_int_equal(anpr_store_cert_add(owner, "CAM-FIX-1", fpr, "CN=cam-fix-1",
					     now + 86400, err, sizeof err), 0);
	assert_int_equal(anpr_store_cert_add(owner, "CAM-FIX-1", fpr, "CN=cam-fix-1",
					     now + 86400, err, sizeof err), ANPR_STORE_EEXIST);
	assert_int_equal(anpr_store_cert_add(owner, "NOPE", fpr2, "CN=x", now + 86400, err,
					     sizeof err), ANPR_STORE_ENOENT);
	assert_int_equal(anpr_store_cert_camera(ingest, fpr, now, cam, err, sizeof err), 0);
	assert_string_equal(cam, "CAM-FIX-1");
	assert_int_equal(anpr_store_cert_camera(ingest, fpr, now + 2 * 86400, cam, err,
						sizeof err), ANPR_STORE_ENOENT);
	assert_non_null(strstr(err, "expired"));
	assert_int_equal(anpr_store_cert_camera(ingest, fpr2, now, cam, err, sizeof err),
			 ANPR_STORE_ENOENT);
	assert_non_null(strstr(err, "not registered"));
	assert_int_equal(anpr_store_cert_add(owner, "CAM-FIX-1", fpr2, "CN=old",
					     now + 86400, err, sizeof err), 0);
	assert_int_equal(anpr_store_cert_revoke(owner, fpr2, err, sizeof err), 0);
	assert_int_equal(anpr_store_cert_revoke(owner, fpr2, err, sizeof err), ANPR_STORE_EEXIST);
	assert_int_equal(anpr_store_cert_revoke(owner, fpr3, err, sizeof err), ANPR_STORE_ENOENT);
	assert_int_equal(anpr_store_cert_camera(ingest, fpr2, now, cam, err, sizeof err),
			 ANPR_STORE_ENOENT);
	assert_non_null(strstr(err, "revoked"));
	assert_int_equal(anpr_store_cert_add(owner, "CAM-MOB-1", fpr3, "CN=mob", now + 86400,
					     err, sizeof err), 0);
	assert_int_equal(anpr_store_cert_camera(ingest, fpr3, now, cam, err, sizeof err), 0);
	assert_int_equal(anpr_store_camera_retire(owner, "CAM-MOB-1", err, sizeof err), 0);
	assert_int_equal(anpr_store_camera_retire(owner, "CAM-MOB-1", err, sizeof err),
			 ANPR_STORE_EEXIST);
	assert_int_equal(anpr_store_cert_camera(ingest, fpr3, now, cam, err, sizeof err),
			 ANPR_STORE_ENOENT);
	assert_non_null(strstr(err, "retired"));
	/* anpr-ingest's one statement per request: the register, the keys
	 * and what is held under the request's record id */
	{
		struct trec t;
		struct anpr_held h;
		uint8_t zero[32] = { 0 };

		trec_make(&t, "CAM-FIX-1", "00000000000000F7", 1, zero, now_us());
		assert_int_equal(put(&t), 0);
		assert_int_equal(anpr_store_request_lookup(ingest, fpr, now, t.id, cam,
							   keys, 4, &n, &h, err,
							   sizeof err), 0);
		assert_string_equal(cam, "CAM-FIX-1");
		assert_int_equal(n, 2);
		assert_true(h.held);
		assert_memory_equal(h.sha256, t.sha, 32);
		assert_string_equal(h.chain_id, "00000000000000F7");
		assert_int_equal(h.chain_seq, 1);
		assert_int_equal(anpr_store_request_lookup(ingest, fpr, now, "CAM-FIX-1-none",
							   cam, keys, 4, &n, &h, err,
							   sizeof err), 0);
		assert_false(h.held);
		assert_int_equal(n, 2);
		assert_int_equal(anpr_store_request_lookup(ingest, fpr, now, "not an id",
							   cam, keys, 4, &n, &h, err,
							   sizeof err), ANPR_STORE_EINVAL);
		assert_int_equal(anpr_store_request_lookup(ingest, fpr2, now, t.id, cam,
							   keys, 4, &n, &h, err,
							   sizeof err), ANPR_STORE_ENOENT);
		assert_non_null(strstr(err, "revoked"));
		/* several records a request (protocol version 2): each id
		 * answered in its place, "NULL" an id like any other */
		{
			struct trec t2;
			struct anpr_held hs[4];
			const char *ids[4] = { "CAM-FIX-1-none", t.id, "NULL", NULL };
			const char *many[ANPR_STORE_LOOKUP_IDS_MAX + 1];

			trec_make(&t2, "CAM-FIX-1", "00000000000000F7", 2, t.sha, now_us());
			assert_int_equal(put(&t2), 0);
			ids[3] = t2.id;
			assert_int_equal(anpr_store_request_lookup_n(ingest, fpr, now, ids, 4, cam,
								     keys, 4, &n, hs, err,
								     sizeof err), 0);
			assert_string_equal(cam, "CAM-FIX-1");
			assert_int_equal(n, 2);
			assert_false(hs[0].held);
			assert_true(hs[1].held);
			assert_memory_equal(hs[1].sha256, t.sha, 32);
			assert_int_equal(hs[1].chain_seq, 1);
			assert_false(hs[2].held);
			assert_true(hs[3].held);
			assert_memory_equal(hs[3].sha256, t2.sha, 32);
			assert_int_equal(hs[3].chain_seq, 2);
			ids[2] = "not an id";
			assert_int_equal(anpr_store_request_lookup_n(ingest, fpr, now, ids, 4, cam,
								     keys, 4, &n, hs, err,
								     sizeof err), ANPR_STORE_EINVAL);
			for (int i = 0; i <= ANPR_STORE_LOOKUP_IDS_MAX; i++)
				many[i] = t.id;
			assert_int_equal(anpr_store_request_lookup_n(ingest, fpr, now, many,
								     ANPR_STORE_LOOKUP_IDS_MAX + 1,
								     cam, keys, 4, &n, NULL, err,
								     sizeof err), ANPR_STORE_EINVAL);
		}
	}
	/* the register is not the ingest role's to change */
	assert_int_equal(anpr_store_camera_retire(ingest, "CAM-FIX-1", err, sizeof err),
			 ANPR_STORE_EIO);
}

static void test_put_held(void **state)
{
	struct trec *c;
	struct anpr_held h;
	bool held;
	uint8_t sha[32], prev[32];

	(void)state;
	camera("CAM-A");
	c = chain_make("CAM-A", "00000000000000A1", 2, now_us());
	assert_int_equal(anpr_store_record_held(ingest, c[0].id, &h, err, sizeof err), 0);
	assert_false(h.held);
	assert_int_equal(put(&c[0]), 0);
	assert_int_equal(anpr_store_record_held(ingest, c[0].id, &h, err, sizeof err), 0);
	assert_true(h.held);
	assert_memory_equal(h.sha256, c[0].sha, 32);
	assert_string_equal(h.chain_id, "00000000000000A1");
	assert_int_equal(h.chain_seq, 1);
	assert_int_equal(anpr_store_chain_record(ingest, "00000000000000A1", 1, &held, sha,
						 prev, err, sizeof err), 0);
	assert_true(held);
	assert_memory_equal(sha, c[0].sha, 32);
	/* the same record again: EEXIST, nothing changes */
	assert_int_equal(put(&c[0]), ANPR_STORE_EEXIST);
	assert_non_null(strstr(err, c[0].id));
	assert_string_equal(link_of(c[0].id), "verified");	/* first of chain */
	assert_int_equal(put(&c[1]), 0);
	assert_string_equal(link_of(c[1].id), "verified");
	/* the bytes are kept exactly, and the VRM normalised with its key */
	{
		char sql[512];

		snprintf(sql, sizeof sql, "SELECT convert_from(rec, 'UTF8') = '%s' AND "
			 "vrm = 'AB12CDE' AND vrm_key = 'A812CDE' AND sig_ok "
			 "FROM anpr.records WHERE record_id = '%s'", c[1].rec, c[1].id);
		assert_string_equal(q(sql), "t");
	}
	/* another record at a held position: a chain conflict */
	{
		struct trec x;

		trec_make(&x, "CAM-A", "00000000000000A1", 2, c[0].sha, now_us());
		snprintf(x.id, sizeof x.id, "CAM-A-00000000000000A1-2b");
		x.s.record_id = x.id;
		assert_int_equal(put(&x), ANPR_STORE_ECHAIN);
	}
	/* a camera not in the register */
	{
		struct trec x;
		uint8_t z[32] = { 0 };

		trec_make(&x, "CAM-UNKNOWN", "00000000000000A2", 1, z, now_us());
		assert_int_equal(put(&x), ANPR_STORE_EINVAL);
		assert_non_null(strstr(err, "not registered"));
	}
	free(c);
}

static void test_out_of_order(void **state)
{
	struct trec *c;
	struct anpr_chain_holding h;

	(void)state;
	camera("CAM-B");
	c = chain_make("CAM-B", "00000000000000B1", 4, now_us());
	assert_int_equal(put(&c[2]), 0);		/* 3 before 2 */
	assert_string_equal(link_of(c[2].id), "pending");
	assert_int_equal(put(&c[1]), 0);		/* 2: links 3, waits for 1 */
	assert_string_equal(link_of(c[1].id), "pending");
	assert_string_equal(link_of(c[2].id), "verified");
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000B1", &h, err,
						  sizeof err), 0);
	assert_int_equal(h.contiguous_to, 0);
	assert_true(h.oldest_gap_since_unix > 0);
	assert_int_equal(put(&c[0]), 0);
	assert_string_equal(link_of(c[0].id), "verified");
	assert_string_equal(link_of(c[1].id), "verified");
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000B1", &h, err,
						  sizeof err), 0);
	assert_int_equal(h.contiguous_to, 3);
	assert_int_equal(h.held, 3);
	assert_int_equal(h.last_seq, 3);
	assert_int_equal(h.oldest_gap_since_unix, 0);
	/* a successor whose prev_hash is not this record's: broken */
	{
		struct trec x;
		uint8_t bad[32];

		memset(bad, 0x55, sizeof bad);
		trec_make(&x, "CAM-B", "00000000000000B1", 4, bad, now_us());
		assert_int_equal(put(&x), ANPR_STORE_ECHAIN);
		assert_non_null(strstr(err, "prev_hash"));
	}
	free(c);
}

/* A group (anpr_store_records_put): out of order within the group, a copy
 * of one of them and a record whose link is broken: each ends as a put of
 * its own would have left it, the good ones stored. */
static void test_group(void **state)
{
	struct trec *c, x;
	const struct anpr_stored_record *g[6];
	int rc[6];
	char errs[6][512];
	uint8_t bad[32];
	struct anpr_chain_holding h;

	(void)state;
	camera("CAM-G");
	c = chain_make("CAM-G", "00000000000000C7", 5, now_us());
	/* all good, out of order: one transaction */
	g[0] = &c[1].s; g[1] = &c[0].s; g[2] = &c[2].s;
	assert_int_equal(anpr_store_records_put(ingest, g, 3, rc, &errs[0][0],
						sizeof errs[0]), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rc[i], 0);
	assert_string_equal(link_of(c[0].id), "verified");
	assert_string_equal(link_of(c[1].id), "verified");
	assert_string_equal(link_of(c[2].id), "verified");
	/* a held one again, a broken link, a new one twice, a malformed one */
	memset(bad, 0x55, sizeof bad);
	trec_make(&x, "CAM-G", "00000000000000C7", 5, bad, now_us());
	g[0] = &c[3].s; g[1] = &c[1].s; g[2] = &x.s; g[3] = &c[3].s;
	g[4] = &c[4].s;
	{
		struct anpr_stored_record m = c[4].s;

		m.record_id = "not a token";
		g[5] = &m;
		assert_int_equal(anpr_store_records_put(ingest, g, 6, rc, &errs[0][0],
							sizeof errs[0]), 0);
	}
	assert_int_equal(rc[0], 0);
	assert_int_equal(rc[1], ANPR_STORE_EEXIST);
	assert_int_equal(rc[2], ANPR_STORE_ECHAIN);	/* seq 5, another prev_hash */
	assert_non_null(strstr(errs[2], "prev_hash"));
	assert_int_equal(rc[3], ANPR_STORE_EEXIST);	/* stored just before */
	/* the real seq 5 came after the broken one was refused */
	if (rc[4] != 0)
		fail_msg("%d %s", rc[4], errs[4]);
	assert_int_equal(rc[5], ANPR_STORE_EINVAL);
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000C7", &h, err,
						  sizeof err), 0);
	assert_int_equal(h.held, 5);
	assert_int_equal(h.contiguous_to, 5);
	assert_string_equal(link_of(c[4].id), "verified");
	free(c);
}

/* The set-wise group (records.c, group_put) against the per-record steps:
 * the same shuffled chains, with gaps, checkpoints and held copies sent
 * again, put in random groups into chain A and one by one into chain B,
 * must end alike: every answer, every link and coverage flag, the
 * holdings and the checkpoints' verification. And most groups must have
 * gone set-wise, or this compares the per-record steps with themselves. */
static uint32_t eq_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void eq_state(const char *chain, char *out, size_t cap)
{
	char sql[1024], a[16384], b[512], c[4096];

	snprintf(sql, sizeof sql, "SELECT string_agg(chain_seq || ':' || link || ':' "
		 "|| covered, ',' ORDER BY chain_seq) FROM anpr.records WHERE "
		 "chain_id = '%s'", chain);
	sql1(env("ANPR_TEST_PG"), sql, a, sizeof a);
	snprintf(sql, sizeof sql, "SELECT held || ',' || last_seq || ',' || "
		 "contiguous_to || ',' || covered_to || ',' || (oldest_gap_since IS "
		 "NULL) FROM anpr.chains WHERE chain_id = '%s'", chain);
	sql1(env("ANPR_TEST_PG"), sql, b, sizeof b);
	snprintf(sql, sizeof sql, "SELECT string_agg(i.chain_seq || ':' || "
		 "(k.verified_at IS NULL), ',' ORDER BY i.chain_seq) FROM "
		 "anpr.checkpoints k JOIN anpr.record_index i USING (record_id) "
		 "WHERE k.chain_id = '%s'", chain);
	sql1(env("ANPR_TEST_PG"), sql, c, sizeof c);
	snprintf(out, cap, "records %s | chain %s | checkpoints %s", a, b, c);
}

static void eq_checkpoints(struct trec *c, size_t n, uint32_t *seed)
{
	uint64_t from = 1;

	for (size_t i = 1; i < n; i++) {
		uint8_t (*leaves)[32];

		if (eq_rand(seed) % 7 != 0 || i + 1 - from < 1)
			continue;
		leaves = calloc(i + 1 - from, 32);
		assert_non_null(leaves);
		for (uint64_t s = from; s <= i; s++)
			memcpy(leaves[s - from], c[s - 1].sha, 32);
		snprintf(c[i].type, sizeof c[i].type, "checkpoint");
		c[i].s.cp_first = from;
		c[i].s.cp_last = i;		/* seq i + 1 covers from..i */
		ev_merkle_root((const uint8_t (*)[32])leaves, i + 1 - from,
			       c[i].s.merkle_root);
		c[i].s.vrm = NULL;
		free(leaves);
		from = i + 2;
		i++;
	}
}

static void test_group_equivalence(void **state)
{
	unsigned long setwise0 = anpr_store_groups_setwise(ingest);
	size_t groups = 0;

	(void)state;
	camera("CAM-EQ");
	for (uint32_t trial = 0; trial < 12; trial++) {
		uint32_t seed = 0x5eed0000u + trial, ss;
		size_t n = 20 + eq_rand(&seed) % 50, order_n = 0;
		char ca[17], cb[17], sa[32768], sb[32768];
		struct trec *a, *b;
		size_t *order = calloc(2 * n, sizeof *order);
		int64_t t0 = now_us();

		assert_non_null(order);
		snprintf(ca, sizeof ca, "0000EA%02X0000000A", trial);
		snprintf(cb, sizeof cb, "0000EA%02X0000000B", trial);
		a = chain_make("CAM-EQ", ca, n, t0);
		b = chain_make("CAM-EQ", cb, n, t0);
		ss = seed;
		eq_checkpoints(a, n, &ss);
		ss = seed;
		eq_checkpoints(b, n, &ss);
		/* most of the chain (the rest are gaps), shuffled, some twice */
		for (size_t i = 0; i < n; i++)
			if (eq_rand(&seed) % 8 != 0)
				order[order_n++] = i;
		for (size_t i = order_n; i > 1; i--) {
			size_t j = eq_rand(&seed) % i, x = order[i - 1];

			order[i - 1] = order[j];
			order[j] = x;
		}
		for (size_t i = 0, k = order_n; i < k; i++)
			if (eq_rand(&seed) % 10 == 0)
				order[order_n++] = order[i];
		for (size_t i = 0; i < order_n; ) {
			size_t len = 1 + eq_rand(&seed) % 12, m = 0;
			const struct anpr_stored_record *g[12];
			int rc[12];
			char errs[12][512];

			for (; m < len && i + m < order_n; m++)
				g[m] = &a[order[i + m]].s;
			assert_int_equal(anpr_store_records_put(ingest, g, m, rc,
								&errs[0][0],
								sizeof errs[0]), 0);
			for (size_t j = 0; j < m; j++) {
				int one = put(&b[order[i + j]]);

				if (one != rc[j])
					fail_msg("trial %u, seq %" PRIu64 ": the group "
						 "answered %d (%s), a put of its own %d "
						 "(%s)", trial, b[order[i + j]].seq, rc[j],
						 errs[j], one, err);
			}
			groups += m > 1;
			i += m;
		}
		eq_state(ca, sa, sizeof sa);
		eq_state(cb, sb, sizeof sb);
		if (strcmp(sa, sb) != 0)
			fail_msg("trial %u: the group left\n  %s\none by one\n  %s",
				 trial, sa, sb);
		free(order);
		free(a);
		free(b);
	}
	/* every chain's first group is per-record (a new chain), and a
	 * group with a held copy in it; the rest set-wise */
	if (anpr_store_groups_setwise(ingest) - setwise0 < groups / 2)
		fail_msg("%lu of %zu groups set-wise", anpr_store_groups_setwise(ingest) -
			 setwise0, groups);
}

static void test_gaps(void **state)
{
	struct trec *c;
	struct anpr_gap g[16];
	struct anpr_chain_holding h;
	size_t n = 0, mine = 0;
	static const int held[] = { 2, 3, 6, 7, 10 };

	(void)state;
	camera("CAM-G");
	c = chain_make("CAM-G", "00000000000000C1", 10, now_us());
	for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
		assert_int_equal(put(&c[held[i] - 1]), 0);
	assert_int_equal(anpr_store_gaps(ingest, time(NULL) + 60, g, 16, &n, err,
					 sizeof err), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(g[i].chain_id, "00000000000000C1") != 0)
			continue;
		assert_string_equal(g[i].camera_id, "CAM-G");
		assert_true(g[i].open_since_unix > 0);
		mine++;
	}
	assert_int_equal(mine, 3);	/* 1, 4-5, 8-9 */
	/* in order of the record after the gap, here of seq */
	for (size_t i = 0, k = 0; i < n; i++) {
		static const uint64_t want[3][2] = { { 1, 1 }, { 4, 5 }, { 8, 9 } };

		if (strcmp(g[i].chain_id, "00000000000000C1") != 0)
			continue;
		assert_int_equal(g[i].first_missing, want[k][0]);
		assert_int_equal(g[i].last_missing, want[k][1]);
		k++;
	}
	/* none is older than a minute ago */
	assert_int_equal(anpr_store_gaps(ingest, time(NULL) - 60, g, 16, &n, err,
					 sizeof err), 0);
	assert_int_equal(n, 0);
	/* a span deleted by retention (0009) is not missing: 4-5 recorded as
	 * purged leaves 1 and 8-9 */
	q("INSERT INTO anpr.retention_deleted (chain_id, first_seq, last_seq, capture_day, "
	  "records, last_sha256) VALUES ('00000000000000C1', 4, 5, current_date, 2, "
	  "sha256('x'))");
	assert_int_equal(anpr_store_gaps(ingest, time(NULL) + 60, g, 16, &n, err,
					 sizeof err), 0);
	mine = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].chain_id, "00000000000000C1") == 0) {
			assert_true(g[i].first_missing != 4);
			mine++;
		}
	assert_int_equal(mine, 2);
	q("DELETE FROM anpr.retention_deleted WHERE chain_id = '00000000000000C1'");
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000C1", &h, err,
						  sizeof err), 0);
	assert_int_equal(h.held, 5);
	assert_int_equal(h.contiguous_to, 0);
	assert_int_equal(h.last_seq, 10);
	/* filling 1 moves contiguous_to to 3 */
	assert_int_equal(put(&c[0]), 0);
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000C1", &h, err,
						  sizeof err), 0);
	assert_int_equal(h.contiguous_to, 3);
	free(c);
}

static void test_partitions(void **state)
{
	struct trec x;
	uint8_t z[32] = { 0 };
	/* 2019-03-01, 2021-12-31 (a backlog), today */
	const int64_t days[] = { 17956, 18992, now_us() / DAY_US };
	char chain[17], sql[256];

	(void)state;
	camera("CAM-P");
	for (size_t i = 0; i < 3; i++) {
		snprintf(chain, sizeof chain, "00000000000000D%zu", i);
		trec_make(&x, "CAM-P", chain, 1, z, days[i] * DAY_US + 3600000000LL);
		assert_int_equal(put(&x), 0);
	}
	assert_string_equal(q("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON "
			      "c.oid = i.inhrelid WHERE c.relname IN "
			      "('records_20190301', 'records_20211231')"), "2");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM anpr.records WHERE camera_id = 'CAM-P' "
		 "AND capture_day = date '1970-01-01' + %" PRId64, days[0]);
	assert_string_equal(q(sql), "1");
	/* the partitions have the parent's indexes: the key and the chain
	 * order an export reads (the search reads record_index: 0005) */
	assert_string_equal(q("SELECT count(*) FROM pg_indexes WHERE tablename = "
			      "'records_20190301' AND (indexdef LIKE '%(chain_id, chain_seq)' "
			      "OR indexdef LIKE '%(capture_day, record_id)')"), "2");
	assert_string_equal(q("SELECT count(*) FROM pg_indexes WHERE tablename = "
			      "'records_20190301'"), "2");
}

static void test_checkpoint(void **state)
{
	struct trec *c;
	uint8_t leaves[3][32], root[32];
	struct anpr_chain_holding h;

	(void)state;
	camera("CAM-K");
	c = chain_make("CAM-K", "00000000000000E1", 6, now_us());
	for (int i = 0; i < 3; i++)
		memcpy(leaves[i], c[i].sha, 32);
	ev_merkle_root((const uint8_t (*)[32])leaves, 3, root);
	snprintf(c[3].type, sizeof c[3].type, "checkpoint");
	c[3].s.cp_first = 1;
	c[3].s.cp_last = 3;
	memcpy(c[3].s.merkle_root, root, 32);
	c[3].s.vrm = NULL;
	/* the checkpoint before one of its records: it waits */
	assert_int_equal(put(&c[0]), 0);
	assert_int_equal(put(&c[2]), 0);
	assert_int_equal(put(&c[3]), 0);
	assert_string_equal(q("SELECT count(*) FROM anpr.records WHERE chain_id = "
			      "'00000000000000E1' AND covered"), "0");
	assert_int_equal(put(&c[1]), 0);	/* completes it */
	assert_string_equal(q("SELECT count(*) FROM anpr.records WHERE chain_id = "
			      "'00000000000000E1' AND covered"), "3");
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000E1", &h, err,
						  sizeof err), 0);
	/* the checkpoint itself counts in, as in anpr-verify */
	assert_int_equal(h.covered_to, 4);
	assert_int_equal(h.contiguous_to, 4);
	/* the next span starts after the checkpoint: coverage runs on
	 * (it stopped at the first checkpoint's last record before) */
	snprintf(c[5].type, sizeof c[5].type, "checkpoint");
	c[5].s.cp_first = 5;
	c[5].s.cp_last = 5;
	ev_merkle_root((const uint8_t (*)[32])&c[4].sha, 1, c[5].s.merkle_root);
	c[5].s.vrm = NULL;
	assert_int_equal(put(&c[4]), 0);
	assert_int_equal(put(&c[5]), 0);
	assert_int_equal(anpr_store_chain_holding(ingest, "00000000000000E1", &h, err,
						  sizeof err), 0);
	assert_int_equal(h.covered_to, 6);
	free(c);

	/* a root that does not match what is held: refused, nothing stored */
	c = chain_make("CAM-K", "00000000000000E2", 3, now_us());
	snprintf(c[2].type, sizeof c[2].type, "checkpoint");
	c[2].s.cp_first = 1;
	c[2].s.cp_last = 2;
	memset(c[2].s.merkle_root, 0xaa, 32);
	assert_int_equal(put(&c[0]), 0);
	assert_int_equal(put(&c[1]), 0);
	assert_int_equal(put(&c[2]), ANPR_STORE_ECHAIN);
	assert_non_null(strstr(err, "Merkle"));
	assert_string_equal(q("SELECT count(*) FROM anpr.record_index WHERE chain_id = "
			      "'00000000000000E2'"), "2");
	free(c);
}

static void test_quarantine(void **state)
{
	struct anpr_quarantined qr = {
		.cert_fingerprint = "ab", .camera_id = "CAM-A", .record_id = "R-1",
		.claimed_sha256_hex = "", .reason = "bad-signature",
		.detail = "signature does not verify", .rec = "x", .rec_len = 1,
		.sig = "y", .sig_len = 1,
	};

	(void)state;
	assert_int_equal(anpr_store_quarantine(ingest, &qr, err, sizeof err), 0);
	assert_string_equal(q("SELECT reason || ':' || convert_from(rec, 'UTF8') || "
			      "coalesce(claimed_sha256, '-') FROM anpr.quarantine "
			      "WHERE record_id = 'R-1'"), "bad-signature:x-");
}

/* Several connections put records on one new day, and into one shared
 * chain in interleaved order: no error, every link verified. */
#define THREADS 6
#define PER 15
static struct trec *shared;

static void *putter(void *arg)
{
	intptr_t t = (intptr_t)arg;
	struct anpr_store *st;
	char e[512];
	intptr_t bad = 0;

	if (anpr_store_open(&st, env("ANPR_TEST_PG_INGEST"), e, sizeof e))
		return (void *)1;
	/* thread t puts positions t, t + THREADS, ... from the end down */
	for (int i = THREADS * PER - 1 - (int)t; i >= 0; i -= THREADS) {
		int rc = anpr_store_record_put(st, &shared[i].s, e, sizeof e);

		if (rc) {
			fprintf(stderr, "putter %d: %s\n", (int)t, e);
			bad++;
		}
	}
	anpr_store_close(st);
	return (void *)bad;
}

static void test_concurrent(void **state)
{
	pthread_t th[THREADS];
	/* a day no test used: 2022-06-15 */
	int64_t t0 = 19158 * DAY_US + 1000000;

	(void)state;
	camera("CAM-C");
	shared = chain_make("CAM-C", "00000000000000F1", THREADS * PER, t0);
	for (intptr_t t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, putter, (void *)t), 0);
	for (int t = 0; t < THREADS; t++) {
		void *bad;

		assert_int_equal(pthread_join(th[t], &bad), 0);
		assert_null(bad);
	}
	assert_string_equal(q("SELECT count(*) FROM anpr.records WHERE chain_id = "
			      "'00000000000000F1' AND link = 'verified'"), "90");
	assert_string_equal(q("SELECT contiguous_to || '/' || held FROM anpr.chains "
			      "WHERE chain_id = '00000000000000F1'"), "90/90");
	free(shared);
}

/* PostgreSQL stopped with -m immediate (no checkpoint, as a crash) and
 * started again: every committed record is there; the store's connection
 * answers EIO while it is down and comes back by itself. */
static void test_crash(void **state)
{
	struct trec *c;
	char cmd[512];
	struct anpr_held h;
	int i;

	(void)state;
	camera("CAM-X");
	c = chain_make("CAM-X", "0000000000000AB1", 40, now_us());
	for (i = 0; i < 30; i++)
		assert_int_equal(put(&c[i]), 0);
	snprintf(cmd, sizeof cmd, "%s stop-immediate >/dev/null 2>&1",
		 env("ANPR_TEST_PG_CTL"));
	assert_int_equal(system(cmd), 0);
	assert_int_equal(put(&c[30]), ANPR_STORE_EIO);
	snprintf(cmd, sizeof cmd, "%s start >/dev/null 2>&1", env("ANPR_TEST_PG_CTL"));
	assert_int_equal(system(cmd), 0);
	/* the same connection objects, re-made on their next call */
	assert_int_equal(anpr_store_record_held(ingest, c[29].id, &h, err, sizeof err), 0);
	assert_true(h.held);
	for (i = 30; i < 40; i++)
		assert_int_equal(put(&c[i]), 0);
	assert_string_equal(q("SELECT count(*) FROM anpr.records WHERE chain_id = "
			      "'0000000000000AB1' AND link = 'verified'"), "40");
	/* the owner's connection comes back too */
	assert_int_equal(anpr_store_camera_get(owner, "CAM-X", &(struct anpr_camera){ 0 },
					       err, sizeof err), 0);
	free(c);
}

/* Read accuracy (0018) through the store: the day's sample drawn once,
 * the figures before and after a verdict, bad arguments refused; the
 * sampled reads of purged records forgotten (none here). */
static void test_accuracy(void **state)
{
	struct anpr_accuracy_settings set;
	struct anpr_accuracy_row *rows = NULL;
	const struct anpr_accuracy_row *a = NULL;
	struct trec *c;
	char day[16], sql[256];
	int64_t drawn = -1;
	size_t n = 0, ns = 9, nv = 9;

	(void)state;
	camera("CAM-ACC");
	c = chain_make("CAM-ACC", "00000000000000D5", 5, now_us());
	for (int i = 0; i < 5; i++)
		if (put(&c[i]) != 0)
			break;
	free(c);
	assert_string_equal(q("SELECT count(*) FROM anpr.record_index WHERE camera_id = 'CAM-ACC'"),
			    "5");
	assert_string_equal(q("UPDATE anpr.accuracy_settings SET per_camera_day = 3"), "");
	snprintf(day, sizeof day, "%s", q("SELECT min(capture_day) FROM anpr.record_index "
					  "WHERE camera_id = 'CAM-ACC'"));
	/* the other tests' cameras read that day too: 3 of each at most */
	assert_int_equal(anpr_store_accuracy_draw(owner, day, &drawn, err, sizeof err), 0);
	assert_true(drawn >= 3);
	assert_string_equal(q("SELECT count(*) FROM anpr.accuracy_sample WHERE camera_id = 'CAM-ACC'"),
			    "3");
	assert_string_equal(q("SELECT max(n) FROM (SELECT count(*) AS n FROM anpr.accuracy_sample "
			      "GROUP BY day, camera_id) x"), "3");
	assert_int_equal(anpr_store_accuracy_draw(owner, day, &drawn, err, sizeof err), 0);
	assert_int_equal(drawn, 0);
	assert_int_equal(anpr_store_accuracy_draw(owner, "2026-1-1", &drawn, err, sizeof err),
			 ANPR_STORE_EINVAL);
	assert_int_equal(anpr_store_accuracy_draw(owner, "9999-12-30", &drawn, err, sizeof err),
			 ANPR_STORE_EINVAL);
	assert_non_null(strstr(err, "a day that has begun"));
	assert_int_equal(anpr_store_accuracy(owner, 91, &set, &rows, &n, err, sizeof err),
			 ANPR_STORE_EINVAL);
	/* before any verdict: not measured, needs attention */
	assert_int_equal(anpr_store_accuracy(owner, 0, &set, &rows, &n, err, sizeof err), 0);
	assert_int_equal(set.per_camera_day, 3);
	assert_int_equal(set.window_days, 28);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].camera_id, "CAM-ACC") == 0)
			a = &rows[i];
	assert_non_null(a);
	assert_int_equal(a->sampled, 3);
	assert_int_equal(a->unreviewed, 3);
	assert_true(isnan(a->accuracy) && isnan(a->lower) && isnan(a->upper));
	assert_string_equal(a->attention, "no verdicts in the last 28 days");
	free(rows);
	/* one confirmed: 1 of 1, Wilson 0.2065 to 1 */
	snprintf(sql, sizeof sql, "SELECT anpr.accuracy_verdict(id, 'confirmed', NULL, '') "
		 "FROM anpr.accuracy_sample WHERE camera_id = 'CAM-ACC' AND rank = 1");
	assert_false(strncmp(q(sql), "ERROR", 5) == 0);
	a = NULL;
	assert_int_equal(anpr_store_accuracy(owner, 1, &set, &rows, &n, err, sizeof err), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].camera_id, "CAM-ACC") == 0)
			a = &rows[i];
	assert_non_null(a);
	assert_int_equal(a->confirmed, 1);
	assert_int_equal(a->unreviewed, 2);
	assert_true(a->accuracy == 1.0 && a->upper == 1.0);
	assert_true(fabs(a->lower - 0.206549) < 1e-6);
	assert_string_equal(a->attention, "lower bound 20.7 % is below 90.0 %");
	assert_int_equal(a->hits_acted, 0);
	assert_true(isnan(a->misread_lower));
	free(rows);
	assert_int_equal(anpr_store_accuracy_forget_purged(owner, &ns, &nv, err, sizeof err), 0);
	assert_true(ns == 0 && nv == 0);
}

static int setup(void **state)
{
	int applied = 0;

	(void)state;
	if (anpr_store_open(&owner, env("ANPR_TEST_PG"), err, sizeof err) ||
	    anpr_store_migrate(owner, SQLDIR, &applied, err, sizeof err) ||
	    applied != migrations_in_repo() ||
	    anpr_store_open(&ingest, env("ANPR_TEST_PG_INGEST"), err, sizeof err)) {
		fprintf(stderr, "setup: %s (applied %d)\n", err, applied);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	anpr_store_close(ingest);
	anpr_store_close(owner);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate),
		cmocka_unit_test(test_migrate_changed),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_put_held),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_quarantine),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_group_equivalence),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_accuracy),
	};

	(void)argc;
	if (!getenv("ANPR_TEST_PG")) {
		/* run from the top of the tree (make check does) */
		execl("tests/lib/with-pg", "with-pg", argv[0], (char *)NULL);
		perror("tests/lib/with-pg");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
