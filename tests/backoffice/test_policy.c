// SPDX-License-Identifier: MIT
/*
 * test_policy.c - the access tiers at their boundaries (docs/access.md,
 * "1. The policy"), and the calendar arithmetic against PostgreSQL's own
 * (timestamptz + interval, TimeZone UTC) on a private server: without
 * ANPR_TEST_PG set, the test re-runs itself under tests/lib/with-pg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "store/anprstore.h"
#include "policy/policy.h"

#define S 1000000LL			/* microseconds per second */
#define DAY (86400 * S)

/* Microseconds since the epoch of a UTC date and time. */
static int64_t at(int y, int mo, int d, int h, int mi, int s)
{
	/* by the module's own bound from 1970-01-01: months then days */
	int64_t months = (int64_t)(y - 1970) * 12 + (mo - 1);

	return policy_age_bound_us(0, (int)months, d - 1) +
	       ((int64_t)h * 3600 + mi * 60 + s) * S;
}

static void test_calendar(void **state)
{
	(void)state;
	assert_int_equal(at(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(at(2026, 12, 6, 18, 0, 0), 1796580000LL * S);
	/* months keep the day, clamped to the month's end */
	assert_int_equal(policy_age_bound_us(at(2028, 2, 29, 10, 0, 0), 12, 0),
			 at(2029, 2, 28, 10, 0, 0));
	assert_int_equal(policy_age_bound_us(at(2028, 2, 29, 10, 0, 0), 24, 0),
			 at(2030, 2, 28, 10, 0, 0));
	assert_int_equal(policy_age_bound_us(at(2027, 8, 31, 0, 0, 1), 6, 0),
			 at(2028, 2, 29, 0, 0, 1));
	assert_int_equal(policy_age_bound_us(at(2026, 1, 31, 23, 59, 59), 1, 0),
			 at(2026, 2, 28, 23, 59, 59));
	/* days are 86,400 s (UTC) */
	assert_int_equal(policy_age_bound_us(at(2026, 3, 1, 0, 30, 0), 0, 90),
			 at(2026, 5, 30, 0, 30, 0));
	/* before 1970 */
	assert_int_equal(policy_age_bound_us(at(1969, 12, 31, 23, 0, 0), 2, 0),
			 at(1970, 2, 28, 23, 0, 0));
}

static void decide(int64_t read, int64_t now, enum policy_purpose p,
		   const struct policy_authorisation *a, enum policy_verdict want,
		   int tier)
{
	struct policy_decision d;

	policy_decide(&policy_default, p, a, read, now, &d);
	if (d.verdict != want || d.tier != tier)
		fail_msg("read %lld now %lld purpose %s: verdict %d tier %d, want %d tier %d",
			 (long long)read, (long long)now, policy_purpose_names[p],
			 d.verdict, d.tier, want, tier);
}

static void test_tiers_at_their_bounds(void **state)
{
	const int64_t r = at(2026, 1, 15, 23, 59, 59) + 900000;	/* .9 s */
	const int64_t d90 = r + 90 * DAY, m12 = at(2027, 1, 15, 23, 59, 59) + 900000,
		      m24 = at(2028, 1, 15, 23, 59, 59) + 900000;

	(void)state;
	/* tier 1 up to the microsecond before 90 days */
	decide(r, r, POLICY_ROLE_RELEVANT, NULL, POLICY_ALLOWED, 1);
	decide(r, d90 - 1, POLICY_ROLE_RELEVANT, NULL, POLICY_ALLOWED, 1);
	decide(r, d90, POLICY_ROLE_RELEVANT, NULL, POLICY_WRONG_PURPOSE, 2);
	decide(r, d90, POLICY_SERIOUS_CRIME, NULL, POLICY_ALLOWED, 2);
	decide(r, d90, POLICY_COUNTER_TERRORISM, NULL, POLICY_ALLOWED, 2);
	/* tier 2 up to 12 calendar months */
	decide(r, m12 - 1, POLICY_SERIOUS_CRIME, NULL, POLICY_ALLOWED, 2);
	decide(r, m12, POLICY_SERIOUS_CRIME, NULL, POLICY_WRONG_PURPOSE, 3);
	decide(r, m12, POLICY_MAJOR_CRIME, NULL, POLICY_NEEDS_AUTHORISATION, 3);
	/* tier 3 with an authorisation in force, in scope, for the purpose */
	{
		struct policy_authorisation a = { POLICY_MAJOR_CRIME, m12 - DAY, m12 + 10 * DAY,
						  0, true };

		decide(r, m12, POLICY_MAJOR_CRIME, &a, POLICY_ALLOWED, 3);
		decide(r, m12, POLICY_COUNTER_TERRORISM, &a, POLICY_NEEDS_AUTHORISATION, 3);
		decide(r, m12 + 10 * DAY, POLICY_MAJOR_CRIME, &a,
		       POLICY_AUTHORISATION_NOT_IN_FORCE, 3);	/* expired */
		decide(r, m12 - 1, POLICY_MAJOR_CRIME, &a, POLICY_ALLOWED, 2);
		a.revoked_us = m12 + DAY;
		decide(r, m12 + DAY - 1, POLICY_MAJOR_CRIME, &a, POLICY_ALLOWED, 3);
		decide(r, m12 + DAY, POLICY_MAJOR_CRIME, &a,
		       POLICY_AUTHORISATION_NOT_IN_FORCE, 3);	/* revoked */
		a.revoked_us = 0;
		a.scope_covers = false;
		decide(r, m12, POLICY_MAJOR_CRIME, &a, POLICY_AUTHORISATION_OUT_OF_SCOPE, 3);
		a.scope_covers = true;
		a.valid_from_us = m12 + 1;
		decide(r, m12, POLICY_MAJOR_CRIME, &a,
		       POLICY_AUTHORISATION_NOT_IN_FORCE, 3);	/* not yet valid */
		a.valid_from_us = r;
		a.expires_us = m24 + DAY;
		/* 24 months: due for deletion, whatever authorisation */
		decide(r, m24 - 1, POLICY_MAJOR_CRIME, &a, POLICY_ALLOWED, 3);
		decide(r, m24, POLICY_MAJOR_CRIME, &a, POLICY_DUE_FOR_DELETION, 0);
	}
	assert_int_equal(policy_delete_at_us(&policy_default, r), m24);
	/* a read from the future (the camera's clock ahead): tier 1 */
	decide(r + DAY, r, POLICY_ROLE_RELEVANT, NULL, POLICY_ALLOWED, 1);
}

static void test_leap_days_and_midnight(void **state)
{
	struct policy_decision d;
	const int64_t leap = at(2028, 2, 29, 12, 0, 0);

	(void)state;
	/* 12 months after 29 February is 28 February */
	policy_decide(&policy_default, POLICY_SERIOUS_CRIME, NULL, leap,
		      at(2029, 2, 28, 11, 59, 59), &d);
	assert_int_equal(d.tier, 2);
	policy_decide(&policy_default, POLICY_SERIOUS_CRIME, NULL, leap,
		      at(2029, 2, 28, 12, 0, 0), &d);
	assert_int_equal(d.tier, 3);
	/* either side of midnight UTC: 0.2 s apart, whatever the local time */
	{
		int64_t a = at(2026, 6, 30, 23, 59, 59) + 900000, b = a + 200000;

		policy_decide(&policy_default, POLICY_ROLE_RELEVANT, NULL, a, a + 90 * DAY, &d);
		assert_int_equal(d.verdict, POLICY_WRONG_PURPOSE);
		policy_decide(&policy_default, POLICY_ROLE_RELEVANT, NULL, b, a + 90 * DAY, &d);
		assert_int_equal(d.verdict, POLICY_ALLOWED);
		policy_decide(&policy_default, POLICY_ROLE_RELEVANT, NULL, b, b + 90 * DAY, &d);
		assert_int_equal(d.verdict, POLICY_WRONG_PURPOSE);
	}
}

static void test_purpose_names(void **state)
{
	(void)state;
	for (int i = 0; i < POLICY_PURPOSES; i++)
		assert_int_equal(policy_purpose_parse(policy_purpose_names[i]), i);
	assert_int_equal(policy_purpose_parse("Major-Crime"), -1);
	assert_int_equal(policy_purpose_parse(""), -1);
	assert_int_equal(policy_purpose_parse(NULL), -1);
}

/* PostgreSQL's timestamptz + interval (TimeZone UTC) against the module's
 * bound, for the tiers' intervals, on month ends, leap days, the epoch and
 * 2,000 pseudo-random instants from 1900 to 2200. */
static void test_same_as_postgresql(void **state)
{
	static const int iv[][2] = { { 0, 90 }, { 12, 0 }, { 24, 0 }, { 1, 0 }, { 6, 3 } };
	PGconn *pg = PQconnectdb(getenv("ANPR_TEST_PG"));
	uint64_t x = 88172645463325252ULL;
	int64_t t;
	char a[32], m[16], dd[16];
	const char *v[3] = { a, m, dd };
	int mismatches = 0;

	(void)state;
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	PQclear(PQexec(pg, "SET TIME ZONE 'UTC'"));
	for (int i = 0; i < 2000 + 40; i++) {
		if (i < 40) {	/* month ends of a leap and a common year (a
				 * day past a short month's end is the next
				 * month's first: still an instant to try) */
			t = at(i < 20 ? 2028 : 2027, 1 + i % 12, 28 + i % 4, 23, 59, 59) + 999999;
		} else {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;	/* xorshift64 */
			t = (int64_t)(x % (300ULL * 365 * 86400 * 1000000)) -
			    70LL * 365 * 86400 * 1000000;
		}
		for (size_t k = 0; k < sizeof iv / sizeof iv[0]; k++) {
			PGresult *r;
			int64_t pg_us, c_us;

			snprintf(a, sizeof a, "%lld", (long long)t);
			snprintf(m, sizeof m, "%d", iv[k][0]);
			snprintf(dd, sizeof dd, "%d", iv[k][1]);
			r = PQexecParams(pg, "SELECT ((extract(epoch FROM timestamptz 'epoch' + "
					 "$1::bigint * interval '1 microsecond' + "
					 "make_interval(months => $2::int, days => $3::int)) "
					 "* 1000000)::numeric)::bigint", 3, NULL, v, NULL, NULL, 0);
			assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
			pg_us = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			PQclear(r);
			c_us = policy_age_bound_us(t, iv[k][0], iv[k][1]);
			if (pg_us != c_us && mismatches++ < 5)
				print_error("t=%lld +%d months %d days: PostgreSQL %lld, policy %lld\n",
					    (long long)t, iv[k][0], iv[k][1], (long long)pg_us,
					    (long long)c_us);
		}
	}
	PQfinish(pg);
	assert_int_equal(mismatches, 0);
}

/* The database's decision (anpr.policy_decide, 0006_access_policy.sql)
 * and the C module's, for every purpose and state of authorisation, a
 * microsecond either side of every tier's bound, for reads at month ends,
 * a leap day and either side of midnight. */
static void test_sql_decides_alike(void **state)
{
	static const int64_t reads[] = {
		1767830399900000LL,	/* 2026-01-07 23:59:59.9 */
		1767830400100000LL,	/* 2026-01-08 00:00:00.1 */
		1832767200000000LL,	/* 2028-01-29 14:00: its tier 3 begins
					   after authorisation 1's revocation */
		1838030400000000LL,	/* 2028-03-30 12:00 */
		1835438400000000LL,	/* 2028-02-29 12:00, a leap day */
	};
	struct anpr_store *st;
	PGconn *pg;
	char err[512], sql[512];
	int applied, mismatches = 0, n = 0;
	int64_t auth_id[4];

	(void)state;
	assert_int_equal(anpr_store_open(&st, getenv("ANPR_TEST_PG"), err, sizeof err), 0);
	if (anpr_store_migrate(st, SQLDIR, &applied, err, sizeof err) != 0)
		fail_msg("%s", err);
	anpr_store_close(st);
	pg = PQconnectdb(getenv("ANPR_TEST_PG"));
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	/* authorisations: major crime in force over 2026-2031; the same
	 * revoked from 2029-01-14 14:00; not yet in force (from 2031);
	 * counter terrorism (times as in the C structures below) */
	{
		static const char *const ins[4] = {
			"('Det Supt A Example', 'major-crime', '{AB12CDE}', NULL, "
			"'2026-01-01Z', '2031-01-01Z', NULL)",
			"('Det Supt A Example', 'major-crime', NULL, 'OP-KESTREL', "
			"'2026-01-01Z', '2031-01-01Z', '2029-01-14T14:00:00Z')",
			"('Det Supt A Example', 'major-crime', NULL, 'OP-KESTREL', "
			"'2031-01-01Z', '2032-01-01Z', NULL)",
			"('Det Supt B Example', 'counter-terrorism', NULL, 'OP-HERON', "
			"'2026-01-01Z', '2031-01-01Z', NULL)",
		};
		for (int i = 0; i < 4; i++) {
			PGresult *r;

			snprintf(sql, sizeof sql, "INSERT INTO anpr.authorisations (officer, "
				 "purpose, scope_vrm_keys, scope_case, valid_from, expires_at, "
				 "revoked_at) VALUES %s RETURNING id", ins[i]);
			r = PQexec(pg, sql);
			if (PQresultStatus(r) != PGRES_TUPLES_OK)
				fail_msg("%s", PQresultErrorMessage(r));
			auth_id[i] = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			PQclear(r);
		}
	}
	for (size_t ri = 0; ri < sizeof reads / sizeof reads[0]; ri++) {
		int64_t rd = reads[ri], bounds[3];

		bounds[0] = policy_age_bound_us(rd, 0, 90);
		bounds[1] = policy_age_bound_us(rd, 12, 0);
		bounds[2] = policy_age_bound_us(rd, 24, 0);
		for (int b = 0; b < 3; b++)
		for (int e = -1; e <= 0; e++)
		for (int p = 0; p < POLICY_PURPOSES; p++)
		for (int a = -1; a < 4; a++)
		for (int cover = 0; cover <= 1; cover++) {
			int64_t now = bounds[b] + e;
			struct policy_authorisation au;
			struct policy_decision d;
			PGresult *r;
			char vals[5][32];
			const char *v[5];

			if (a >= 0) {
				static const int64_t from[4] = { 1767225600000000LL,
					1767225600000000LL, 1924992000000000LL,
					1767225600000000LL };
				static const int64_t to[4] = { 1924992000000000LL,
					1924992000000000LL, 1956528000000000LL,
					1924992000000000LL };
				static const int64_t rev[4] = { 0, 1863093600000000LL, 0, 0 };
				static const enum policy_purpose pp[4] = {
					POLICY_MAJOR_CRIME, POLICY_MAJOR_CRIME,
					POLICY_MAJOR_CRIME, POLICY_COUNTER_TERRORISM };

				au = (struct policy_authorisation){ pp[a], from[a], to[a],
								    rev[a], cover };
			}
			policy_decide(&policy_default, (enum policy_purpose)p,
				      a >= 0 ? &au : NULL, rd, now, &d);
			snprintf(vals[0], 32, "%s", policy_purpose_names[p]);
			snprintf(vals[1], 32, "%lld", a >= 0 ? (long long)auth_id[a] : 0LL);
			snprintf(vals[2], 32, "%s", cover ? "t" : "f");
			snprintf(vals[3], 32, "%lld", (long long)rd);
			snprintf(vals[4], 32, "%lld", (long long)now);
			for (int i = 0; i < 5; i++)
				v[i] = vals[i];
			if (a < 0)
				v[1] = NULL;
			r = PQexecParams(pg, "SELECT anpr.policy_decide($1, $2::bigint, $3::bool, "
					 "timestamptz 'epoch' + $4::bigint * interval '1 microsecond', "
					 "timestamptz 'epoch' + $5::bigint * interval '1 microsecond')",
					 5, NULL, v, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_TUPLES_OK)
				fail_msg("%s", PQresultErrorMessage(r));
			n++;
			if (strcmp(PQgetvalue(r, 0, 0), policy_verdict_names[d.verdict]) != 0 &&
			    mismatches++ < 5)
				print_error("read %lld now %lld %s auth %d cover %d: SQL %s, C %s\n",
					    (long long)rd, (long long)now, vals[0], a, cover,
					    PQgetvalue(r, 0, 0), policy_verdict_names[d.verdict]);
			PQclear(r);
		}
	}
	PQfinish(pg);
	assert_int_equal(n, 5 * 3 * 2 * 4 * 5 * 2);
	assert_int_equal(mismatches, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_tiers_at_their_bounds),
		cmocka_unit_test(test_leap_days_and_midnight),
		cmocka_unit_test(test_purpose_names),
		cmocka_unit_test(test_same_as_postgresql),
		cmocka_unit_test(test_sql_decides_alike),
	};

	(void)argc;
	if (!getenv("ANPR_TEST_PG")) {
		execl("tests/lib/with-pg", "with-pg", argv[0], (char *)NULL);
		perror("tests/lib/with-pg");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
