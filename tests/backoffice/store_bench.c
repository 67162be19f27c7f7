// SPDX-License-Identifier: MIT
/*
 * anpr-store-bench - fills a back-office store with generated reads and
 * measures the policy-checked, audited VRM search on it (issues 17 and
 * 20, `make bench`, store-search; docs/backoffice.md "Tests and targets").
 *
 *   anpr-store-bench gen    --db OWNER-CONNINFO --n N [--sign] [SHAPE]
 *   anpr-store-bench search --db PERSON-CONNINFO --n N [--queries Q] [ASK] [SHAPE]
 *   anpr-store-bench verify --db OWNER-CONNINFO --n N [ASK] [SHAPE]
 *   ASK: [--purpose P] [--case REF] [--authorisation ID]
 *   SHAPE: [--cameras C] [--days D] [--end YYYY-MM-DD] [--seed S]
 *
 * gen: N reads from C cameras (BENCH-0001.., one chain each, sequence
 * numbers in time order, prev_hash the SHA-256 of the previous record),
 * spread evenly over the D days ending on --end (a partition per day,
 * made by anpr.day_partition as ingest makes them), in the record format
 * of docs/record-format.md (anpr-record/4, ~1 KiB like a camera's read).
 * Vehicles: 20% of reads from N/2000 frequent vehicles (~400 reads each),
 * 30% from N/100 (~30 each), 50% from N/3 (~1.5 each); UK marks
 * "AB12 CDE" from 23 letters (no I, Q, Z), so marks with Q are absent.
 * vrm is kept normalised and vrm_key folded with daemon/core/vrm.c, as
 * anpr_store_record_put keeps them (in records and in record_index, whose
 * search columns are 0004_search_index.sql's). Rows go in by COPY (records straight
 * into each day's partition, FREEZE, in the transaction that made it).
 * Without --sign the records are not signed: the .minisig bytes are a
 * placeholder of a real signature's size whose comment says BENCH DATA,
 * and sig_ok is false; with --sign each record is signed by its camera's
 * key (generated, registered in camera_keys), as a camera signs, and
 * sig_ok is true. Either way every camera id is BENCH-*.
 *
 * search: Q searches through anpr_store_search_policy (the code
 * anpr-query runs: anpr.search_reads as the person connected, the tiers
 * applied and every search audited), for ASK (default major-crime, case
 * BENCH-CASE, with the authorisation given so that every tier is
 * searched): exact and --fuzzy (with a look-alike swapped in), with no
 * window, a day, a week, a month, of frequent, medium and rare vehicles
 * present and of marks absent; prints the p50/p99 latency lines of
 * tests/run-benches.
 *
 * verify: checks the generated store (make check): the rows, the day
 * partitions, every vrm_key the fold of its vrm, each record's SHA-256
 * and prev_hash link, and that a generated vehicle is found by the
 * policy search as ANPR_TEST_PG_PERSON (exact and fuzzy; what it returns
 * and what it withholds add up to what is held). Prints TAP.
 *
 * Long file: the generator and the search bench share the record layout they
 * write and read (GEN_VERSION names it); a test program, not installed.
 */
#include "store/anprstore.h"
#include "evidence/evidence.h"
#include "evidence/evidence_format.h"
#include "evidence/evidence_spool.h"
#include "core/vrm.h"

#include <getopt.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The generator's version: the cached store (build/bench/) is keyed by
 * it; change it whenever what gen writes changes. */
#define GEN_VERSION 2

#define DAY_S 86400LL

struct shape {
	uint64_t n, cameras, days, seed;
	int64_t end_day;		/* days since the epoch */
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state += 0x9e3779b97f4a7c15ULL;
	return mix64(rng_state);
}

static double rnd01(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static const char letters[] = "ABCDEFGHJKLMNOPRSTUVWXY";	/* 23: no I, Q, Z */

/* Vehicle populations: frequent, medium, rare. */
static void tiers(const struct shape *s, uint64_t t[3])
{
	t[0] = s->n / 2000 ? s->n / 2000 : 1;
	t[1] = s->n / 100 ? s->n / 100 : 1;
	t[2] = s->n / 3 ? s->n / 3 : 1;
}

/* The mark of vehicle v of tier t, as a camera reads it ("AB12 CDE"). */
static void vehicle_vrm(const struct shape *s, int tier, uint64_t v,
			char out[9])
{
	uint64_t h = mix64(s->seed * 0x100000001b3ULL ^ ((uint64_t)tier << 56) ^ v);

	out[0] = letters[h % 23]; h /= 23;
	out[1] = letters[h % 23]; h /= 23;
	out[2] = (char)('0' + h % 10); h /= 10;
	out[3] = (char)('0' + h % 10); h /= 10;
	out[4] = ' ';
	out[5] = letters[h % 23]; h /= 23;
	out[6] = letters[h % 23]; h /= 23;
	out[7] = letters[h % 23];
	out[8] = '\0';
}

static void pick_vehicle(const struct shape *s, int *tier, uint64_t *v)
{
	uint64_t t[3];
	double u = rnd01();

	tiers(s, t);
	*tier = u < 0.2 ? 0 : u < 0.5 ? 1 : 2;
	*v = rnd() % t[*tier];
}

static void chain_id_of(const struct shape *s, uint64_t cam, char out[17])
{
	snprintf(out, 17, "%016" PRIX64, mix64(s->seed ^ (cam + 1) * 0x51ed27ULL));
}

static int day_str(int64_t day, char out[11])
{
	time_t t = (time_t)(day * DAY_S);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (int)strftime(out, 11, "%Y-%m-%d", &tm);
}

static void time_str(int64_t us, char *out, size_t cap, bool iso)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char b[24];

	gmtime_r(&t, &tm);
	strftime(b, sizeof b, iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, cap, "%s.%06d%s", b, (int)(us % 1000000), iso ? "Z" : "+00");
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("anpr-store-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void sql(PGconn *c, const char *q)
{
	PGresult *r = PQexec(c, q);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		die("%s: %s", q, PQerrorMessage(c));
	PQclear(r);
}

static char *sql1(PGconn *c, const char *q)
{
	PGresult *r = PQexec(c, q);
	char *v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		die("%s: %s", q, PQerrorMessage(c));
	v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* ------------------------------------------------------------ COPY out */

struct cbuf {
	PGconn *c;
	char *b;
	size_t len, cap;
};

static void cb_flush(struct cbuf *o)
{
	if (o->len && PQputCopyData(o->c, o->b, (int)o->len) != 1)
		die("COPY: %s", PQerrorMessage(o->c));
	o->len = 0;
}

static void cb_room(struct cbuf *o, size_t n)
{
	if (o->len + n > o->cap)
		cb_flush(o);
	if (n > o->cap)
		die("COPY: row too long");
}

static void cb_str(struct cbuf *o, const char *s)
{
	size_t n = strlen(s);

	cb_room(o, n + 1);
	memcpy(o->b + o->len, s, n);
	o->len += n;
}

static void cb_tab(struct cbuf *o, const char *s)	/* s, then a tab */
{
	cb_str(o, s);
	o->b[o->len++] = '\t';
}

static void cb_bytea(struct cbuf *o, const void *p, size_t n, char end)
{
	static const char hx[] = "0123456789abcdef";
	const uint8_t *b = p;

	cb_room(o, 2 * n + 4);
	o->b[o->len++] = '\\';
	o->b[o->len++] = '\\';
	o->b[o->len++] = 'x';
	for (size_t i = 0; i < n; i++) {
		o->b[o->len++] = hx[b[i] >> 4];
		o->b[o->len++] = hx[b[i] & 15];
	}
	o->b[o->len++] = end;
}

static void copy_begin(struct cbuf *o, const char *q)
{
	PGresult *r = PQexec(o->c, q);

	if (PQresultStatus(r) != PGRES_COPY_IN)
		die("%s: %s", q, PQerrorMessage(o->c));
	PQclear(r);
}

static void copy_end(struct cbuf *o)
{
	PGresult *r;

	cb_flush(o);
	if (PQputCopyEnd(o->c, NULL) != 1)
		die("COPY end: %s", PQerrorMessage(o->c));
	while ((r = PQgetResult(o->c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die("COPY: %s", PQerrorMessage(o->c));
		PQclear(r);
	}
}

/* ----------------------------------------------------------------- gen */

struct cam {
	char id[33], site[65], chain[17], key_id[17];
	double lat, lon;
	int bearing;
	uint64_t seq, mono_ns, frame;
	uint8_t last_hash[32];
	struct ev_key key;
};

static int gen(const char *db, const struct shape *s, bool sign)
{
	PGconn *ca, *cb;
	struct cam *cams;
	struct cbuf rec_out, idx_out;
	double t0 = now_s(), t_sign = 0;
	uint64_t done = 0;
	char q[512];

	ca = PQconnectdb(db);
	cb = PQconnectdb(db);
	if (PQstatus(ca) != CONNECTION_OK || PQstatus(cb) != CONNECTION_OK)
		die("connecting: %s", PQerrorMessage(ca));
	cams = calloc(s->cameras, sizeof *cams);
	if (!cams || ev_init() != 0)
		die("out of memory");
	rng_state = s->seed;
	/* the cameras, their keys (generated, as anpr-keygen makes them) */
	sql(ca, "BEGIN");
	for (uint64_t i = 0; i < s->cameras; i++) {
		struct cam *c = &cams[i];
		char b64[64], lat[32], lon[32], br[8];
		const char *pv[7];

		snprintf(c->id, sizeof c->id, "BENCH-%04" PRIu64, i + 1);
		snprintf(c->site, sizeof c->site, "BENCH-SITE-%04" PRIu64, i + 1);
		chain_id_of(s, i, c->chain);
		c->lat = 50.0 + rnd01() * 5.0;
		c->lon = -5.0 + rnd01() * 6.5;
		c->bearing = (int)(rnd() % 360);
		c->mono_ns = 1000000000ULL + rnd() % 1000000000000ULL;
		c->frame = 1000;
		if (ev_key_generate(&c->key) != 0)
			die("key generation failed");
		ev_key_id(c->key.keynum, c->key_id);
		ev_pubkey_b64(&c->key, b64, sizeof b64);
		snprintf(lat, sizeof lat, "%.6f", c->lat);
		snprintf(lon, sizeof lon, "%.6f", c->lon);
		snprintf(br, sizeof br, "%d", c->bearing);
		pv[0] = c->id; pv[1] = c->site; pv[2] = lat; pv[3] = lon;
		pv[4] = br; pv[5] = b64;
		PGresult *r = PQexecParams(ca,
			"WITH c AS (INSERT INTO anpr.cameras (camera_id, kind, site_id, "
			"site_lat, site_lon, site_bearing_deg, note) VALUES ($1, 'fixed', $2, "
			"$3::float8, $4::float8, $5::int, 'generated by anpr-store-bench') "
			"RETURNING camera_id) INSERT INTO anpr.camera_keys (camera_id, key_id, "
			"public_key) SELECT camera_id, $7, $6 FROM c",
			7, NULL, (const char *const[]){ pv[0], pv[1], pv[2], pv[3], pv[4],
							pv[5], c->key_id }, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die("registering %s: %s", c->id, PQerrorMessage(ca));
		PQclear(r);
	}
	sql(ca, "COMMIT");

	rec_out.c = ca;
	idx_out.c = cb;
	rec_out.cap = idx_out.cap = 1 << 20;
	rec_out.b = malloc(rec_out.cap);
	idx_out.b = malloc(idx_out.cap);
	rec_out.len = idx_out.len = 0;
	if (!rec_out.b || !idx_out.b)
		die("out of memory");
	sql(cb, "BEGIN");
	copy_begin(&idx_out, "COPY anpr.record_index (record_id, camera_id, chain_id, "
		   "chain_seq, type, capture_day, sha256, prev_hash, received_at, time_utc, vrm, "
		   "vrm_key, confidence, site_id, sig_ok) FROM STDIN");
	/* days in groups of 30 per transaction of ca: the partitions made
	 * in it are filled with COPY FREEZE (no later vacuum pass needed) */
	for (uint64_t d = 0; d < s->days; d++) {
		int64_t day = s->end_day - (int64_t)s->days + 1 + (int64_t)d;
		uint64_t lo = s->n * d / s->days, hi = s->n * (d + 1) / s->days;
		uint64_t nday = hi - lo;
		char ds[11], part[32];

		day_str(day, ds);
		snprintf(part, sizeof part, "records_%.4s%.2s%.2s", ds, ds + 5, ds + 8);
		if (d % 30 == 0)
			sql(ca, "BEGIN");
		snprintf(q, sizeof q, "SELECT anpr.day_partition(date '%s')", ds);
		sql(ca, q);
		snprintf(q, sizeof q, "COPY anpr.%s (capture_day, record_id, camera_id, "
			 "chain_id, chain_seq, type, time_utc, sha256, prev_hash, rec, sig, "
			 "vrm, vrm_key, confidence, region, hotlist, hotlist_entry, "
			 "plate_sha256, overview_sha256, site_id, sig_ok, link, covered, "
			 "received_at, cert_fingerprint) FROM STDIN WITH (FREEZE)", part);
		copy_begin(&rec_out, q);
		for (uint64_t j = 0; j < nday; j++) {
			struct cam *c = &cams[rnd() % s->cameras];
			double step = (double)DAY_S * 1e6 / (double)nday;
			int64_t t_us = day * DAY_S * 1000000LL +
				       (int64_t)(step * (double)j + rnd01() * step * 0.9);
			int tier;
			uint64_t veh;
			char vrm[9], norm[EV_VRM_MAX + 1], key[EV_VRM_MAX + 1];
			char rid[80], prevhex[65], hash_hex[65], tu[48], tr[48];
			char ph[65], oh[65], hl[64], hle[64], conf[8], seqs[24];
			char rec[2048], sig[1024], tc[512], name[96];
			uint8_t h[32], plate[32], over[32];
			size_t siglen = 0;
			int rl, nl;

			pick_vehicle(s, &tier, &veh);
			vehicle_vrm(s, tier, veh, vrm);
			nl = vrm_normalise(vrm, norm, sizeof norm, 0);
			vrm_fold(norm, (size_t)nl, key);
			c->seq++;
			c->mono_ns += 1000000ULL + rnd() % 4000000000ULL;
			c->frame += 3 + rnd() % 500;
			snprintf(rid, sizeof rid, "%s-%s-%" PRIu64, c->id, c->chain, c->seq);
			ev_hex(c->last_hash, 32, prevhex);
			time_str(t_us, tu, sizeof tu, true);
			snprintf(name, sizeof name, "%s|plate", rid);
			ev_sha256(name, strlen(name), plate);
			snprintf(name, sizeof name, "%s|over", rid);
			ev_sha256(name, strlen(name), over);
			ev_hex(plate, 32, ph);
			ev_hex(over, 32, oh);
			if (rnd() % 200 == 0) {
				snprintf(hl, sizeof hl, "PNC-STOLEN");
				snprintf(hle, sizeof hle, "E%" PRIu64, rnd() % 100000);
			} else {
				hl[0] = hle[0] = '\0';
			}
			snprintf(conf, sizeof conf, "0.%03d", 800 + (int)(rnd() % 200));
			rl = snprintf(rec, sizeof rec,
				"format=" EV_FORMAT_NAME "\ntype=read\nrecord_id=%s\n"
				"camera_id=%s\nchain_id=%s\nchain_seq=%" PRIu64 "\n"
				"prev_hash=%s\nkey_id=%s\ntime_utc=%s\nclock_synced=1\n"
				"clock_esterror_us=%d\nclock_maxerror_us=%d\n"
				"monotonic_ns=%" PRIu64 "\nsite_id=%s\nsite_lat=%.6f\n"
				"site_lon=%.6f\nsite_bearing_deg=%d\nsoftware_version=anpr-%s\n"
				"reader_model_sha256=%.64s\nconfig_sha256=%.64s\nlane=%d\n"
				"source=front\ninput=live\ncapture_clock=camera-synchronised\n"
				"clocks_disagree=0\n"
				"frame_seq=%" PRIu64 "\nvrm=%s\nplate_state=read\n"
				"region=GB\nconfidence=%s\n"
				"hotlist=%s\nhotlist_entry=%s\n"
				"hotlist_set_sha256=%.64s\n"
				"position=status=fixed-site lat=%.6f lon=%.6f\n"
				"plate_image=%012" PRIu64 ".plate.jpg\nplate_image_sha256=%s\n"
				"overview_image=%012" PRIu64 ".overview.jpg\n"
				"overview_image_sha256=%s\n",
				rid, c->id, c->chain, c->seq, prevhex, c->key_id, tu,
				200 + (int)(rnd() % 800), 2000 + (int)(rnd() % 8000),
				c->mono_ns, c->site, c->lat, c->lon, c->bearing, ANPR_VERSION,
				"a4f1c2d3e4b5a6978877665544332211a4f1c2d3e4b5a6978877665544332211",
				"c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
				1 + (int)(rnd() % 3), c->frame, vrm, conf,
				hl[0] ? hl : EV_NONE, hle[0] ? hle : EV_NONE,
				"5d0c1f9e2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5",
				c->lat, c->lon,
				c->seq, ph, c->seq, oh);
			if (rl <= 0 || (size_t)rl >= sizeof rec)
				die("record too long");
			ev_sha256(rec, (size_t)rl, h);
			ev_hex(h, 32, hash_hex);
			snprintf(name, sizeof name, "%012" PRIu64 ".rec", c->seq);
			ev_trusted_comment(EV_FORMAT_NAME, name, rid, c->seq, h, tc,
					   sizeof tc);
			if (sign) {
				double ts = now_s();

				if (ev_sign(&c->key, rec, (size_t)rl, tc, sig, sizeof sig,
					    &siglen) != 0)
					die("signing failed");
				t_sign += now_s() - ts;
			} else {
				/* the size of a real .minisig; says what it is */
				int sl = snprintf(sig, sizeof sig,
					"untrusted comment: BENCH DATA, NOT SIGNED "
					"(anpr-store-bench)\n%.100s\ntrusted comment: %s\n%.88s\n",
					"UkUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
					tc,
					"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
				siglen = (size_t)sl;
			}
			time_str(t_us, tu, sizeof tu, false);
			time_str(t_us + 2000000 + (int64_t)(rnd() % 60000000), tr, sizeof tr, false);
			snprintf(seqs, sizeof seqs, "%" PRIu64, c->seq);

			cb_tab(&rec_out, ds);
			cb_tab(&rec_out, rid);
			cb_tab(&rec_out, c->id);
			cb_tab(&rec_out, c->chain);
			cb_tab(&rec_out, seqs);
			cb_tab(&rec_out, "read");
			cb_tab(&rec_out, tu);
			cb_bytea(&rec_out, h, 32, '\t');
			cb_bytea(&rec_out, c->last_hash, 32, '\t');
			cb_bytea(&rec_out, rec, (size_t)rl, '\t');
			cb_bytea(&rec_out, sig, siglen, '\t');
			cb_tab(&rec_out, norm);
			cb_tab(&rec_out, key);
			cb_tab(&rec_out, conf);
			cb_tab(&rec_out, "GB");
			cb_tab(&rec_out, hl[0] ? hl : "\\N");
			cb_tab(&rec_out, hle[0] ? hle : "\\N");
			cb_bytea(&rec_out, plate, 32, '\t');
			cb_bytea(&rec_out, over, 32, '\t');
			cb_tab(&rec_out, c->site);
			cb_tab(&rec_out, sign ? "t" : "f");
			cb_tab(&rec_out, "verified");
			cb_tab(&rec_out, "f");
			cb_tab(&rec_out, tr);
			cb_str(&rec_out, "\\N\n");

			cb_tab(&idx_out, rid);
			cb_tab(&idx_out, c->id);
			cb_tab(&idx_out, c->chain);
			cb_tab(&idx_out, seqs);
			cb_tab(&idx_out, "read");
			cb_tab(&idx_out, ds);
			cb_bytea(&idx_out, h, 32, '\t');
			cb_bytea(&idx_out, c->last_hash, 32, '\t');
			cb_tab(&idx_out, tr);
			cb_tab(&idx_out, tu);
			cb_tab(&idx_out, norm);
			cb_tab(&idx_out, key);
			cb_tab(&idx_out, conf);
			cb_tab(&idx_out, c->site);
			cb_str(&idx_out, sign ? "t\n" : "f\n");
			memcpy(c->last_hash, h, 32);
		}
		copy_end(&rec_out);
		done += nday;
		if (d % 30 == 29 || d + 1 == s->days) {
			sql(ca, "COMMIT");
			fprintf(stderr, "# gen: %" PRIu64 " of %" PRIu64 " reads, %" PRIu64
				" of %" PRIu64 " days, %.0f s\n", done, s->n, d + 1, s->days,
				now_s() - t0);
		}
	}
	copy_end(&idx_out);
	sql(cb, "COMMIT");
	/* the chains' holdings, as record_put would have left them */
	sql(ca, "INSERT INTO anpr.chains (chain_id, camera_id, first_seen, last_seq, "
		"held, contiguous_to, covered_to) SELECT chain_id, camera_id, "
		"min(received_at), max(chain_seq), count(*), max(chain_seq), 0 "
		"FROM anpr.record_index GROUP BY chain_id, camera_id");
	fprintf(stderr, "# gen: rows in %.0f s; analyzing\n", now_s() - t0);
	sql(ca, "ANALYZE anpr.records");
	sql(ca, "ANALYZE anpr.record_index");
	sql(ca, "ANALYZE anpr.chains");
	if (sign)
		fprintf(stderr, "# gen: signing took %.1f s of it (%.1f us per record)\n",
			t_sign, t_sign * 1e6 / (double)(s->n ? s->n : 1));
	printf("generate: %" PRIu64 " reads in %.0f s\n", s->n, now_s() - t0);
	for (uint64_t i = 0; i < s->cameras; i++)
		ev_key_free(&cams[i].key);
	free(cams);
	free(rec_out.b);
	free(idx_out.b);
	PQfinish(ca);
	PQfinish(cb);
	return 0;
}

/* -------------------------------------------------------------- search */

/* A look-alike of a mark: a letter swapped for the digit it folds onto,
 * or back (the reader's confusions). */
static void lookalike(char *m)
{
	for (char *p = m; *p; p++) {
		switch (*p) {
		case 'O': *p = '0'; return;
		case '0': *p = 'O'; return;
		case 'S': *p = '5'; return;
		case '5': *p = 'S'; return;
		case 'B': *p = '8'; return;
		case '8': *p = 'B'; return;
		case '1': *p = 'I'; return;
		default: break;
		}
	}
}

/* Who the searches are asked for (ASK). */
static const char *ask_purpose = "major-crime", *ask_case = "BENCH-CASE";
static int64_t ask_auth;

/* A search under the policy; *withheld: how many reads it withheld (a
 * refusal dies: the bench's question is always a proper one). */
static int policy_search(struct anpr_store *st, const struct anpr_query *q,
			 struct anpr_read **r, size_t *n, int64_t *withheld, char *err,
			 size_t errlen)
{
	struct anpr_withheld *w = NULL;
	size_t nw = 0;
	int rc = anpr_store_search_policy(st, q, ask_purpose, ask_case, ask_auth, r, n, &w,
					  &nw, err, errlen);

	*withheld = 0;
	for (size_t i = 0; !rc && i < nw; i++) {
		if (strcmp(w[i].reason, "refused") == 0)
			die("search refused: %s", w[i].needs);
		*withheld += w[i].count;
	}
	free(w);
	return rc;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int search(const char *db, const struct shape *s, unsigned nq)
{
	struct anpr_store *st;
	char err[512];
	double *lat, total = 0;
	struct slow { double ms; unsigned kind, win, fuzzy; size_t n; } *each;
	uint64_t t[3], found = 0, hits_present = 0, n_present = 0, absent_hits = 0;
	int64_t withheld = 0, wh;
	int64_t first_us = (s->end_day - (int64_t)s->days + 1) * DAY_S * 1000000LL;
	int64_t span_us = (int64_t)s->days * DAY_S * 1000000LL;

	if (anpr_store_open(&st, db, err, sizeof err) != 0)
		die("%s", err);
	lat = calloc(nq ? nq : 1, sizeof *lat);
	each = calloc(nq ? nq : 1, sizeof *each);
	if (!lat || !each)
		die("out of memory");
	tiers(s, t);
	rng_state = s->seed ^ 0x5ea4c4ULL;
	/* one search to open the connection's caches, not timed */
	{
		struct anpr_query q = { .vrm = "QQ00QQQ", .limit = 1000 };
		struct anpr_read *r;
		size_t n;

		if (policy_search(st, &q, &r, &n, &wh, err, sizeof err) != 0)
			die("search: %s", err);
		free(r);
	}
	for (unsigned i = 0; i < nq; i++) {
		struct anpr_query q = { .limit = 1000 };
		struct anpr_read *r;
		char m[16];
		size_t n;
		unsigned kind = i % 4;		/* 0,1,2: tiers present; 3: absent */
		unsigned win = (i / 4) % 4;	/* none, day, week, month */
		double t0;

		if (kind < 3) {
			vehicle_vrm(s, (int)kind, rnd() % t[kind], m);
		} else {
			vehicle_vrm(s, 2, rnd(), m);
			m[0] = 'Q';		/* never generated */
		}
		q.fuzzy = (i / 16) % 2;
		if (q.fuzzy)
			lookalike(m);
		q.vrm = m;
		if (win) {
			int64_t len = (win == 1 ? 1 : win == 2 ? 7 : 30) * DAY_S * 1000000LL;

			q.has_from = q.has_to = true;
			q.from_us = first_us + (int64_t)(rnd01() * (double)(span_us - len));
			q.to_us = q.from_us + len;
		}
		t0 = now_s();
		if (policy_search(st, &q, &r, &n, &wh, err, sizeof err) != 0)
			die("search: %s", err);
		lat[i] = (now_s() - t0) * 1e3;
		each[i] = (struct slow){ lat[i], kind, win, q.fuzzy, n };
		withheld += wh;
		total += lat[i];
		free(r);
		found += n;
		if (kind < 2 && !win) {	/* a rare one may have no read */
			n_present++;
			hits_present += n > 0;
		}
		if (kind == 3)
			absent_hits += n;
	}
	qsort(lat, nq, sizeof *lat, cmp_d);
	/* the slowest, with what they asked: what the p99 is made of */
	qsort(each, nq, sizeof *each, cmp_d);	/* ms is the first member */
	printf("# the slowest searches (vehicle: 0 frequent, 1 medium, 2 rare, 3 absent; "
	       "window: 0 none, 1 day, 2 week, 3 month):");
	for (unsigned i = nq > 12 ? nq - 12 : 0; i < nq; i++)
		printf(" %.0fms v%u w%u%s n%zu;", each[i].ms, each[i].kind, each[i].win,
		       each[i].fuzzy ? " fuzzy" : "", each[i].n);
	printf("\n");
	free(each);
	{
		double p50 = lat[nq / 2], p99 = lat[(size_t)((double)nq * 0.99)];
		double mx = lat[nq - 1];

		printf("# %u searches through anpr.search_reads (%s, case %s, authorisation "
		       "%" PRId64 "; each audited) (exact and --fuzzy; no window, a day, a week, "
		       "a month; frequent, medium, rare vehicles and absent marks): %" PRIu64
		       " reads returned, %" PRId64 " withheld by the tiers, mean %.1f ms, max "
		       "%.1f ms; present vehicles found without a window (frequent, medium): %"
		       PRIu64 " of %" PRIu64 "; reads of absent marks: %" PRIu64 "\n", nq,
		       ask_purpose, ask_case, ask_auth, found, withheld, total / nq, mx,
		       hits_present, n_present, absent_hits);
		printf("policy-checked audited VRM search p50 over %" PRIu64 " reads: %.1f ms\n",
		       s->n, p50);
		printf("policy-checked audited VRM search p99 over %" PRIu64 " reads: %.1f ms  "
		       "(target < 50 ms)  %s\n", s->n, p99, p99 < 50 ? "OK" : "MISS");
	}
	free(lat);
	anpr_store_close(st);
	return hits_present == n_present && absent_hits == 0 ? 0 : 1;
}

/* -------------------------------------------------------------- verify */

static int tap_n;
static int tap_bad;
static void ok(bool c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool c, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", c ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_bad += !c;
}

static int verify(const char *db, const struct shape *s, bool signed_)
{
	PGconn *c = PQconnectdb(db);
	PGresult *r;
	struct anpr_store *st;
	char err[512], m[16];
	uint64_t bad_fold = 0, bad_hash = 0, bad_link = 0, bad_sig = 0, rows;
	long parts;
	uint64_t t[3];

	if (PQstatus(c) != CONNECTION_OK)
		die("connecting: %s", PQerrorMessage(c));
	if (ev_init() != 0)
		die("ev_init");
	char *v = sql1(c, "SELECT count(*) FROM anpr.records");
	rows = strtoull(v, NULL, 10);
	free(v);
	ok(rows == s->n, "records rows: %" PRIu64 " of %" PRIu64, rows, s->n);
	v = sql1(c, "SELECT count(*) FROM anpr.record_index");
	ok(strtoull(v, NULL, 10) == s->n, "record_index rows: %s", v);
	free(v);
	v = sql1(c, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'anpr.records'::regclass");
	parts = atol(v);
	free(v);
	ok((uint64_t)parts == s->days, "day partitions: %ld (%" PRIu64 " days)", parts, s->days);
	v = sql1(c, "SELECT count(DISTINCT camera_id) || ' ' || "
		    "bool_and(camera_id LIKE 'BENCH-%') FROM anpr.record_index");
	ok(strcmp(strchr(v, ' ') + 1, "true") == 0, "cameras (all BENCH-*): %s", v);
	free(v);
	v = sql1(c, "SELECT count(*) FROM anpr.records r LEFT JOIN anpr.record_index i "
		    "USING (record_id) WHERE i.capture_day IS DISTINCT FROM r.capture_day "
		    "OR i.sha256 <> r.sha256 OR i.prev_hash <> r.prev_hash "
		    "OR i.time_utc <> r.time_utc OR i.vrm <> r.vrm OR i.vrm_key <> r.vrm_key "
		    "OR i.confidence <> r.confidence OR i.site_id <> r.site_id "
		    "OR i.sig_ok <> r.sig_ok");
	ok(strcmp(v, "0") == 0, "every record's index row agrees (%s disagree)", v);
	free(v);
	v = sql1(c, "SELECT count(*) FROM anpr.chains c WHERE held <> "
		    "(SELECT count(*) FROM anpr.record_index i WHERE i.chain_id = c.chain_id) "
		    "OR contiguous_to <> held");
	ok(strcmp(v, "0") == 0, "chains' holdings (%s wrong)", v);
	free(v);
	/* row by row: the fold, the hash, the link to the previous record */
	r = PQexec(c, "SELECT vrm, vrm_key, rec, sha256, prev_hash, sig, "
		      "lag(sha256) OVER (PARTITION BY chain_id ORDER BY chain_seq), "
		      "chain_seq, k.public_key FROM anpr.records JOIN anpr.camera_keys k "
		      "USING (camera_id) ORDER BY chain_id, chain_seq");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		die("reading records: %s", PQerrorMessage(c));
	PQsetnonblocking(c, 0);
	for (int i = 0; i < PQntuples(r); i++) {
		char key[EV_VRM_MAX + 1];
		const char *vrm = PQgetvalue(r, i, 0);
		size_t rl, hl, pl, sl, ll;
		unsigned char *rec = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 2), &rl);
		unsigned char *h = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 3), &hl);
		unsigned char *p = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 4), &pl);
		unsigned char *sg = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 5), &sl);
		unsigned char *l = PQgetisnull(r, i, 6) ? NULL :
			PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 6), &ll);
		uint8_t got[32];
		struct ev_record er;
		char e2[256];

		vrm_fold(vrm, strlen(vrm), key);
		bad_fold += strcmp(key, PQgetvalue(r, i, 1)) != 0;
		ev_sha256(rec, rl, got);
		bad_hash += hl != 32 || memcmp(got, h, 32) != 0 ||
			    ev_record_parse((const char *)rec, rl, "generated", &er, e2,
					    sizeof e2) != 0;
		if (l)
			bad_link += pl != 32 || memcmp(l, p, 32) != 0;
		else
			bad_link += strcmp(PQgetvalue(r, i, 7), "1") != 0;
		if (signed_) {
			struct ev_key k;

			memset(&k, 0, sizeof k);
			bad_sig += ev_pubkey_from_b64(PQgetvalue(r, i, 8), &k, "key", e2,
						      sizeof e2) != 0 ||
				   ev_verify_sig(&k, rec, rl, (const char *)sg, sl, "sig",
						 NULL, 0, e2, sizeof e2) != 0;
		}
		PQfreemem(rec); PQfreemem(h); PQfreemem(p); PQfreemem(sg);
		if (l)
			PQfreemem(l);
	}
	ok(bad_fold == 0, "vrm_key is the fold of vrm (daemon/core/vrm.c): %" PRIu64 " differ",
	   bad_fold);
	ok(bad_hash == 0, "each rec parses as " EV_FORMAT_NAME " and sha256 is its hash: %"
	   PRIu64 " bad", bad_hash);
	ok(bad_link == 0, "each prev_hash is the previous record's hash (1 starts a chain): %"
	   PRIu64 " bad", bad_link);
	if (signed_)
		ok(bad_sig == 0, "each signature verifies with the camera's registered key: %"
		   PRIu64 " bad", bad_sig);
	PQclear(r);
	PQfinish(c);
	/* a frequent vehicle, through the store library as anpr-query */
	tiers(s, t);
	vehicle_vrm(s, 0, 0, m);
	if (anpr_store_open(&st, getenv("ANPR_TEST_PG_PERSON") ?
			    getenv("ANPR_TEST_PG_PERSON") : db, err, sizeof err) != 0)
		die("%s", err);
	{
		struct anpr_query q = { .vrm = m };
		struct anpr_read *rd;
		size_t n = 0, n2 = 0;
		int64_t wh = 0, wh2 = 0;
		char want[64];

		snprintf(want, sizeof want, "SELECT count(*) FROM anpr.records WHERE vrm = '%.4s%.3s'",
			 m, m + 5);
		c = PQconnectdb(db);
		v = sql1(c, want);
		PQfinish(c);
		int rc = policy_search(st, &q, &rd, &n, &wh, err, sizeof err);

		ok(rc == 0 && n > 0 && n + (uint64_t)wh == strtoull(v, NULL, 10),
		   "the policy search (%s) finds a frequent generated vehicle: %zu reads, "
		   "%" PRId64 " withheld (%s held)", ask_purpose, n, wh, v);
		free(v);
		free(rd);
		lookalike(m);
		q.vrm = m;
		q.fuzzy = true;
		rc = policy_search(st, &q, &rd, &n2, &wh2, err, sizeof err);
		ok(rc == 0 && n2 >= n, "...and --fuzzy with a look-alike swapped in (%s): %zu reads",
		   m, n2);
		free(rd);
		m[0] = 'Q';
		q.fuzzy = false;
		rc = policy_search(st, &q, &rd, &n, &wh, err, sizeof err);
		ok(rc == 0 && n == 0 && wh == 0, "a mark never generated (Q) is not found: %zu reads",
		   n);
		free(rd);
	}
	anpr_store_close(st);
	printf("1..%d\n", tap_n);
	return tap_bad ? 1 : 0;
}

/* ---------------------------------------------------------------- main */

static int parse_day(const char *s, int64_t *day)
{
	struct tm tm;
	char *e;

	memset(&tm, 0, sizeof tm);
	e = strptime(s, "%Y-%m-%d", &tm);
	if (!e || *e)
		return -1;
	*day = (int64_t)timegm(&tm) / DAY_S;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", 1, NULL, 'd' }, { "n", 1, NULL, 'n' },
		{ "cameras", 1, NULL, 'c' }, { "days", 1, NULL, 'D' },
		{ "end", 1, NULL, 'e' }, { "seed", 1, NULL, 's' },
		{ "queries", 1, NULL, 'q' }, { "sign", 0, NULL, 'S' },
		{ "purpose", 1, NULL, 'p' }, { "case", 1, NULL, 'k' },
		{ "authorisation", 1, NULL, 'a' },
		{ "version", 0, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	struct shape s = { .n = 10000, .cameras = 0, .days = 730, .seed = 17 };
	const char *db = NULL, *mode;
	unsigned nq = 1000;
	bool sign = false;
	int c;

	parse_day("2026-11-30", &s.end_day);
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("%d\n", GEN_VERSION);
		return 0;
	}
	if (argc < 2)
		goto usage;
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': s.n = strtoull(optarg, NULL, 10); break;
		case 'c': s.cameras = strtoull(optarg, NULL, 10); break;
		case 'D': s.days = strtoull(optarg, NULL, 10); break;
		case 'e':
			if (parse_day(optarg, &s.end_day) != 0)
				goto usage;
			break;
		case 's': s.seed = strtoull(optarg, NULL, 10); break;
		case 'q': nq = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': sign = true; break;
		case 'p': ask_purpose = optarg; break;
		case 'k': ask_case = optarg; break;
		case 'a': ask_auth = strtoll(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (!s.cameras)
		s.cameras = s.n / 25000 < 8 ? 8 : s.n / 25000 > 1000 ? 1000 : s.n / 25000;
	if (!db || !s.n || !s.days || !nq || s.cameras > 9999)
		goto usage;
	if (strcmp(mode, "gen") == 0)
		return gen(db, &s, sign);
	if (strcmp(mode, "search") == 0)
		return search(db, &s, nq);
	if (strcmp(mode, "verify") == 0)
		return verify(db, &s, sign);
usage:
	fprintf(stderr, "usage: anpr-store-bench gen|search|verify --db CONNINFO --n N "
		"[--cameras C] [--days D] [--end YYYY-MM-DD] [--seed S] [--queries Q] "
		"[--sign] [--purpose P] [--case REF] [--authorisation ID]\n"
		"       anpr-store-bench --version\n");
	return 2;
}
