// SPDX-License-Identifier: MIT
/*
 * test_ingest_check.c - anpr-ingest's checks (docs/backoffice.md "Ingest:
 * the checks, in order") on real records, signed by the evidence library
 * as a camera signs them. The store is a table in memory behind the
 * lookups ingest_check takes (the real store runs in the end-to-end
 * suite); every row of the design's table is exercised.
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process).
 */
#include <setjmp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "evidence/evidence_spool.h"
#include "ingest/ingest_batch.h"
#include "ingest/ingest_check.h"
#include "upload/upload.h"

/* ---------------------------------------------------- the store's view */

#define MAXHELD 256
struct held_rec {
	char record_id[80], chain_id[17];
	uint64_t seq;
	uint8_t sha[32], prev[32];
};
static struct fake {
	struct held_rec held[MAXHELD];
	size_t nheld;
	struct anpr_camera_key keys[8];
	char key_camera[8][33];
	size_t nkeys;
	bool fail;			/* the database is down */
} db;

static int f_held(void *ctx, const char *id, struct anpr_held *h, char *err,
		  size_t errlen)
{
	(void)ctx;
	if (db.fail) {
		snprintf(err, errlen, "connection refused");
		return ANPR_STORE_EIO;
	}
	memset(h, 0, sizeof *h);
	for (size_t i = 0; i < db.nheld; i++)
		if (strcmp(db.held[i].record_id, id) == 0) {
			h->held = true;
			memcpy(h->sha256, db.held[i].sha, 32);
			snprintf(h->chain_id, sizeof h->chain_id, "%s",
				 db.held[i].chain_id);
			h->chain_seq = db.held[i].seq;
		}
	return 0;
}

static int f_keys(void *ctx, const char *cam, struct anpr_camera_key *k,
		  size_t cap, size_t *n, char *err, size_t errlen)
{
	(void)ctx;
	if (db.fail) {
		snprintf(err, errlen, "connection refused");
		return ANPR_STORE_EIO;
	}
	*n = 0;
	for (size_t i = 0; i < db.nkeys && *n < cap; i++)
		if (strcmp(db.key_camera[i], cam) == 0)
			k[(*n)++] = db.keys[i];
	return 0;
}

static int f_chain(void *ctx, const char *chain, uint64_t seq, bool *held,
		   uint8_t sha[32], uint8_t prev[32], char *err, size_t errlen)
{
	(void)ctx;
	if (db.fail) {
		snprintf(err, errlen, "connection refused");
		return ANPR_STORE_EIO;
	}
	*held = false;
	for (size_t i = 0; i < db.nheld; i++)
		if (strcmp(db.held[i].chain_id, chain) == 0 &&
		    db.held[i].seq == seq) {
			*held = true;
			memcpy(sha, db.held[i].sha, 32);
			memcpy(prev, db.held[i].prev, 32);
		}
	return 0;
}

static const struct ingest_lookup lookup = { NULL, f_held, f_keys, f_chain };

static void register_key(const char *cam, const struct ev_key *k, bool revoked)
{
	struct anpr_camera_key *ck = &db.keys[db.nkeys];

	ev_key_id(k->keynum, ck->key_id);
	ev_pubkey_b64(k, ck->public_key_b64, sizeof ck->public_key_b64);
	ck->revoked = revoked;
	snprintf(db.key_camera[db.nkeys++], 33, "%s", cam);
}

/* ------------------------------------------------- records as signed */

struct sealed_read {
	struct ev_sealed s;
	uint8_t plate[300], overview[900];
	char id[80];
};

static void fixed_now(void *ctx, struct ev_when *w)
{
	static uint64_t ticks;

	(void)ctx;
	ticks++;
	w->utc.tv_sec = 1795513515 + (time_t)ticks;
	w->utc.tv_nsec = 123000;
	w->mono_ns = ticks * 1000000000ULL;
	w->clock.synced = true;
	w->clock.esterror_us = 100;
	w->clock.maxerror_us = 2000;
}

static void init_chain(struct ev_chain *c, const char *cam,
		       const struct ev_key *k, const char *chain_id)
{
	struct ev_site s;

	memset(&s, 0, sizeof s);
	snprintf(s.camera_id, sizeof s.camera_id, "%s", cam);
	snprintf(s.site_id, sizeof s.site_id, "SECRET-SITE-77");
	s.lat_e6 = 52123456;
	s.lon_e6 = -1654321;
	s.bearing_deg = 90;
	snprintf(s.sw_version, sizeof s.sw_version, "anpr-test");
	memset(s.model_sha256, '1', EV_HASH_HEX);
	memset(s.config_sha256, '2', EV_HASH_HEX);
	assert_int_equal(ev_chain_init(c, &s, k, chain_id), 0);
}

static const char VRM[] = "QZ57 XKV";
/* the format the records below are made in: the writer's, or an older
 * one, as a camera not yet upgraded (or its spool's backlog) sends */
static unsigned seal_version = EV_FORMAT_VERSION;
/* a /4 read of a plate found but not read (vrm -, no match) */
static bool seal_unreadable;

static void seal_read(struct ev_chain *c, struct sealed_read *o, bool images)
{
	struct ev_record r;
	struct ev_when w;
	char err[256], hex[EV_HASH_HEX + 1];
	uint8_t h[32];

	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < sizeof o->plate; i++)
		o->plate[i] = (uint8_t)(i * 7 + c->last_seq);
	for (size_t i = 0; i < sizeof o->overview; i++)
		o->overview[i] = (uint8_t)(i * 13 + c->last_seq);
	fixed_now(NULL, &w);
	ev_record_init_version(&r, EV_READ, seal_version);
	ev_record_set(&r, EV_F_LANE, "1");
	ev_record_set(&r, EV_F_SOURCE, "front");
	ev_record_set(&r, EV_F_INPUT, "live");
	ev_record_set(&r, EV_F_HOTLIST_SET_HASH, "%s", EV_HOTLIST_SET_NONE);
	ev_record_set(&r, EV_F_CAPTURE_CLOCK, "sensor-exposure");
	ev_record_set(&r, EV_F_CLOCKS_DISAGREE, "0");
	ev_record_set(&r, EV_F_FRAME_SEQ, "%" PRIu64, c->last_seq + 100);
	ev_record_set(&r, EV_F_VRM, "%s", seal_unreadable ? "-" : VRM);
	ev_record_set(&r, EV_F_PLATE_STATE, "%s",
		      seal_unreadable ? "unreadable:no-characters" : "read");
	ev_record_set(&r, EV_F_REGION, "GB");
	ev_record_set(&r, EV_F_CONFIDENCE, "0.950");
	ev_record_set(&r, EV_F_HOTLIST, "-");
	ev_record_set(&r, EV_F_HOTLIST_ENTRY, "-");
	ev_record_set(&r, EV_F_POSITION, "status=fixed-site lat=52.123456 "
		      "lon=-1.654321");
	if (images) {
		ev_record_set(&r, EV_F_PLATE_FILE, "%012" PRIu64 ".plate.jpg",
			      c->last_seq + 1);
		ev_sha256(o->plate, sizeof o->plate, h);
		ev_hex(h, 32, hex);
		ev_record_set(&r, EV_F_PLATE_HASH, "%s", hex);
		ev_record_set(&r, EV_F_OVERVIEW_FILE,
			      "%012" PRIu64 ".overview.jpg", c->last_seq + 1);
		ev_sha256(o->overview, sizeof o->overview, h);
		ev_hex(h, 32, hex);
		ev_record_set(&r, EV_F_OVERVIEW_HASH, "%s", hex);
	} else {
		ev_record_set(&r, EV_F_PLATE_FILE, "-");
		ev_record_set(&r, EV_F_PLATE_HASH, "-");
		ev_record_set(&r, EV_F_OVERVIEW_FILE, "-");
		ev_record_set(&r, EV_F_OVERVIEW_HASH, "-");
	}
	if (ev_chain_seal(c, &r, &w, NULL, &o->s, err, sizeof err) != 0)
		fail_msg("seal: %s", err);
	snprintf(o->id, sizeof o->id, "%.79s", r.v[EV_F_RECORD_ID]);
}

static void seal_other(struct ev_chain *c, enum ev_type t,
		       const struct ev_key *nk, struct ev_sealed *o, char *id)
{
	struct ev_record r;
	struct ev_when w;
	char err[256];

	fixed_now(NULL, &w);
	ev_record_init_version(&r, t, seal_version);
	if (t == EV_HEARTBEAT) {
		ev_record_set(&r, EV_F_EVENT, "periodic");
		ev_record_set(&r, EV_F_INTERVAL, "60");
		ev_record_set(&r, EV_F_UPTIME, "100");
		ev_record_set(&r, EV_F_FRAMES_SEEN, "1000");
		ev_record_set(&r, EV_F_READS_MADE, "10");
		ev_record_set(&r, EV_F_FRAMES_DROPPED, "0");
		ev_record_set(&r, EV_F_RECORDS_DROPPED, "0");
	}
	if (ev_chain_seal(c, &r, &w, nk, o, err, sizeof err) != 0)
		fail_msg("seal: %s", err);
	snprintf(id, 80, "%.79s", r.v[EV_F_RECORD_ID]);
}

static char hexbuf[EV_HASH_HEX + 1];

static void request(struct ingest_request *rq, const char *cam,
		    const struct ev_sealed *s, const char *id)
{
	memset(rq, 0, sizeof *rq);
	rq->camera_id = cam;
	rq->idempotency_key = id;
	ev_hex(s->hash, 32, hexbuf);
	rq->claimed_sha256 = hexbuf;
	rq->part[IP_RECORD] = (struct ingest_part){
		(const uint8_t *)s->rec, s->rec_len, true };
	rq->part[IP_SIGNATURE] = (struct ingest_part){
		(const uint8_t *)s->sig, s->sig_len, true };
}

static void request_read(struct ingest_request *rq, const char *cam,
			 const struct sealed_read *o)
{
	request(rq, cam, &o->s, o->id);
	rq->part[IP_PLATE] = (struct ingest_part){ o->plate, sizeof o->plate,
						   true };
	rq->part[IP_OVERVIEW] = (struct ingest_part){ o->overview,
						      sizeof o->overview, true };
}

/* The store keeps a record that passed (what anpr_store_record_put does). */
static void hold(const struct ev_sealed *s, const char *id)
{
	struct held_rec *h = &db.held[db.nheld++];
	struct ev_record r;
	char err[256];

	assert_int_equal(ev_record_parse(s->rec, s->rec_len, "held", &r, err,
					 sizeof err), 0);
	snprintf(h->record_id, sizeof h->record_id, "%s", id);
	snprintf(h->chain_id, sizeof h->chain_id, "%.16s", r.v[EV_F_CHAIN_ID]);
	h->seq = s->seq;
	memcpy(h->sha, s->hash, 32);
	ev_unhex(r.v[EV_F_PREV_HASH], h->prev, 32);
}

static struct ev_key ka, kb, kn;
static struct ingest_verdict v;

static void expect(const struct ingest_request *rq, enum ingest_outcome o,
		   int status, const char *reason)
{
	ingest_check(rq, &lookup, &v);
	if (v.outcome != o || v.status != status ||
	    (reason ? !v.reason || strcmp(v.reason, reason) != 0 : v.reason != NULL))
		fail_msg("expected %d %d %s, got %d %d %s: %s", o, status,
			 reason ? reason : "-", v.outcome, v.status,
			 v.reason ? v.reason : "-", v.detail);
	/* never a VRM or a location in what is logged or quarantined */
	assert_null(strstr(v.detail, VRM));
	assert_null(strstr(v.detail, "SECRET-SITE"));
	assert_null(strstr(v.detail, "52.123456"));
}

static int setup(void **state)
{
	(void)state;
	memset(&db, 0, sizeof db);
	register_key("CAM-A", &ka, false);
	register_key("CAM-B", &kb, false);
	return 0;
}

/* In a copy of a sealed read, the first @from made @to, its hash taken
 * again (a camera's key signs what it is given: a hostile or broken
 * camera's record reaches the checks with a valid SHA-256). */
static void edit_read(struct sealed_read *r, const char *from, const char *to)
{
	char *p = memmem(r->s.rec, r->s.rec_len, from, strlen(from));
	size_t fl = strlen(from), tl = strlen(to);

	assert_non_null(p);
	assert_true(r->s.rec_len - fl + tl <= sizeof r->s.rec);
	memmove(p + tl, p + fl, r->s.rec_len - (size_t)(p + fl - r->s.rec));
	memcpy(p, to, tl);
	r->s.rec_len = r->s.rec_len - fl + tl;
	ev_sha256(r->s.rec, r->s.rec_len, r->s.hash);
}

/* A camera's read refused as malformed (400) with @why in its detail. */
static void expect_malformed(struct ingest_request *rq, const struct sealed_read *bad,
			     const char *why)
{
	request_read(rq, "CAM-A", bad);
	expect(rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	if (!strstr(v.detail, why))
		fail_msg("detail: %s", v.detail);
}

/* ------------------------------------------------------------- tests */

/*
 * Every record format is accepted: a chain begun in anpr-record/1 and
 * continued in /2 and /3 after upgrades links across the changes (the
 * store keeps each as signed); a /2 read
 * that lacks /2's fields, or a /1 read that carries them, is malformed
 * (and refused before its signature is even looked at).
 */
static void test_format_versions(void **state)
{
	struct ev_chain c;
	struct sealed_read r1, r3, r4, r5, r6, bad;
	struct ev_sealed hb;
	char hb_id[80];
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "2222222222222222");
	seal_version = 1;
	seal_read(&c, &r1, true);
	seal_other(&c, EV_HEARTBEAT, NULL, &hb, hb_id);
	seal_version = 2;
	seal_read(&c, &r3, true);
	seal_version = 3;
	seal_read(&c, &r4, true);
	seal_version = EV_FORMAT_VERSION;
	seal_read(&c, &r5, true);
	seal_unreadable = true;
	seal_read(&c, &r6, true);
	seal_unreadable = false;
	assert_memory_equal(r1.s.rec, "format=anpr-record/1\n", 21);
	assert_memory_equal(hb.rec, "format=anpr-record/1\n", 21);
	assert_memory_equal(r3.s.rec, "format=anpr-record/2\n", 21);
	assert_non_null(strstr(r3.s.rec, "\nsource=front\ninput=live\n"));

	request_read(&rq, "CAM-A", &r1);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_int_equal(v.rec.version, 1);
	hold(&r1.s, r1.id);
	request(&rq, "CAM-A", &hb, hb_id);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.link_verified);
	hold(&hb, hb_id);
	request_read(&rq, "CAM-A", &r3);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_int_equal(v.rec.version, 2);
	assert_true(v.link_verified);		/* /2 names the /1 before it */
	assert_string_equal(v.rec.v[EV_F_SOURCE], "front");
	hold(&r3.s, r3.id);
	/* /3 after /2: its capture clock taken, linked across the change */
	assert_memory_equal(r4.s.rec, "format=anpr-record/3\n", 21);
	request_read(&rq, "CAM-A", &r4);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_int_equal(v.rec.version, 3);
	assert_true(v.link_verified);
	assert_string_equal(v.rec.v[EV_F_CAPTURE_CLOCK], "sensor-exposure");
	hold(&r4.s, r4.id);
	/* /4 after /3: a read stored as before, its plate_state taken */
	assert_memory_equal(r5.s.rec, "format=anpr-record/4\n", 21);
	request_read(&rq, "CAM-A", &r5);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_int_equal(v.rec.version, 4);
	assert_true(v.link_verified);
	assert_string_equal(v.rec.v[EV_F_PLATE_STATE], "read");
	hold(&r5.s, r5.id);
	/* a plate found but not read: checked (signature, images, link) and
	 * accepted as any read; the store keeps it without a mark */
	assert_non_null(strstr(r6.s.rec, "\nvrm=-\nplate_state=unreadable:no-characters\n"));
	request_read(&rq, "CAM-A", &r6);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.link_verified);
	assert_string_equal(v.rec.v[EV_F_PLATE_STATE], "unreadable:no-characters");
	assert_string_equal(v.rec.v[EV_F_VRM], "-");

	/* a /2 read without source: malformed, whatever its signature */
	bad = r3;
	edit_read(&bad, "source=front\n", "");
	expect_malformed(&rq, &bad, "record: line 22: expected field");
	/* a /1 read that carries /2 fields */
	bad = r3;
	edit_read(&bad, "format=anpr-record/2\n", "format=anpr-record/1\n");
	expect_malformed(&rq, &bad, "a field of anpr-record/2");
	/* a /3 read without its capture clock */
	bad = r4;
	edit_read(&bad, "capture_clock=sensor-exposure\n", "");
	expect_malformed(&rq, &bad, "record: line 24: expected field");
	/* /4's plate state against the mark (docs/threat-model.md, a
	 * hostile camera): a read with no mark that says it was read, an
	 * unreadable plate with a mark or a hotlist hit, a state the format
	 * does not name, and /4's field in a /3 record: each malformed,
	 * with the reason, before its signature is looked at */
	bad = r5;
	edit_read(&bad, "\nvrm=QZ57 XKV\n", "\nvrm=-\n");
	expect_malformed(&rq, &bad, "with plate_state=read (only an unreadable plate has no mark)");
	bad = r6;
	edit_read(&bad, "\nvrm=-\n", "\nvrm=AB12CDE\n");
	expect_malformed(&rq, &bad, "needs vrm=-, hotlist=- and hotlist_entry=-");
	bad = r6;
	edit_read(&bad, "\nhotlist=-\n", "\nhotlist=stolen\n");
	expect_malformed(&rq, &bad, "needs vrm=-, hotlist=- and hotlist_entry=-");
	bad = r6;
	edit_read(&bad, "plate_state=unreadable:no-characters", "plate_state=unreadable:smudged");
	expect_malformed(&rq, &bad, "plate_state \"(withheld)\" is not read or unreadable:WHY");
	bad = r6;
	edit_read(&bad, "format=anpr-record/4\n", "format=anpr-record/3\n");
	expect_malformed(&rq, &bad, "line 27: vrm \"(withheld)\" is not 1-16 of");
	ev_chain_free(&c);
}

static void test_read_accepted_and_linked(void **state)
{
	struct ev_chain c;
	struct sealed_read r1, r2;
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "0123456789ABCDEF");
	seal_read(&c, &r1, true);
	seal_read(&c, &r2, true);
	/* out of order: record 2 first, its predecessor not held */
	request_read(&rq, "CAM-A", &r2);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.parsed);
	assert_false(v.link_verified);
	assert_memory_equal(v.sha256, r2.s.hash, 32);
	hold(&r2.s, r2.id);
	/* then record 1: its successor names it */
	request_read(&rq, "CAM-A", &r1);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.link_verified);		/* seq 1: prev is zero */
	hold(&r1.s, r1.id);
	ev_chain_free(&c);
}

static void test_duplicate_and_conflict(void **state)
{
	struct ev_chain c, c2;
	struct sealed_read r1, other;
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "1111111111111111");
	seal_read(&c, &r1, true);
	hold(&r1.s, r1.id);
	request_read(&rq, "CAM-A", &r1);
	expect(&rq, INGEST_DUPLICATE, 200, NULL);
	/* another record under the same id: a second chain with that id,
	 * signed by the camera's key (a reset camera, or a forgery) */
	init_chain(&c2, "CAM-A", &ka, "1111111111111111");
	seal_read(&c2, &other, false);
	assert_string_equal(other.id, r1.id);
	request(&rq, "CAM-A", &other.s, other.id);
	expect(&rq, INGEST_REFUSED, 409, INGEST_R_CONFLICT);
	ev_chain_free(&c);
	ev_chain_free(&c2);
}

static void test_malformed_requests(void **state)
{
	struct ev_chain c;
	struct sealed_read r1;
	struct ingest_request rq;
	char bad[EV_RECORD_MAX];

	(void)state;
	init_chain(&c, "CAM-A", &ka, "2222222222222222");
	seal_read(&c, &r1, false);
	request(&rq, "CAM-A", &r1.s, r1.id);
	rq.malformed = "part \"record\" over its limit of 4096 bytes";
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	request(&rq, "CAM-A", &r1.s, r1.id);
	rq.part[IP_SIGNATURE].present = false;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	assert_non_null(strstr(v.detail, "signature missing"));
	request(&rq, "CAM-A", &r1.s, r1.id);
	rq.idempotency_key = NULL;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	assert_non_null(strstr(v.detail, "Idempotency-Key"));
	request(&rq, "CAM-A", &r1.s, r1.id);
	rq.claimed_sha256 = NULL;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	/* not canonical: a lower-case VRM; the message quotes the value,
	 * which must be withheld (it is a VRM) */
	memcpy(bad, r1.s.rec, r1.s.rec_len);
	{
		char *p = strstr(bad, "vrm=QZ57");

		assert_non_null(p);
		p[4] = 'q';
	}
	request(&rq, "CAM-A", &r1.s, r1.id);
	rq.part[IP_RECORD].data = (const uint8_t *)bad;
	{
		uint8_t h[32];
		static char hx[65];

		ev_sha256(bad, r1.s.rec_len, h);
		ev_hex(h, 32, hx);
		rq.claimed_sha256 = hx;
	}
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	assert_null(strstr(v.detail, "qZ57"));
	assert_non_null(strstr(v.detail, "withheld"));
	ev_chain_free(&c);
}

static void test_sha256_mismatch(void **state)
{
	struct ev_chain c;
	struct sealed_read r1;
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "3333333333333333");
	seal_read(&c, &r1, false);
	request(&rq, "CAM-A", &r1.s, r1.id);
	rq.claimed_sha256 = "00000000000000000000000000000000"
			    "00000000000000000000000000000000";
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_SHA256);
	ev_chain_free(&c);
}

static void test_wrong_camera_and_idempotency(void **state)
{
	struct ev_chain c;
	struct sealed_read r1;
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "4444444444444444");
	seal_read(&c, &r1, false);
	request(&rq, "CAM-B", &r1.s, r1.id);	/* B's certificate */
	expect(&rq, INGEST_REFUSED, 403, INGEST_R_WRONG_CAMERA);
	request(&rq, "CAM-A", &r1.s, "CAM-A-4444444444444444-9");
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_IDEMPOTENCY);
	ev_chain_free(&c);
}

static void test_signatures(void **state)
{
	struct ev_chain c, cb;
	struct sealed_read r1, r2, forged;
	struct ingest_request rq;
	char sig[1024];
	struct ev_key kr;

	(void)state;
	/* a record of camera A signed with camera B's key */
	init_chain(&cb, "CAM-A", &kb, "5555555555555555");
	seal_read(&cb, &forged, false);
	request(&rq, "CAM-A", &forged.s, forged.id);
	expect(&rq, INGEST_REFUSED, 403, INGEST_R_WRONG_KEY);
	/* a signature damaged */
	init_chain(&c, "CAM-A", &ka, "6666666666666666");
	seal_read(&c, &r1, false);
	request(&rq, "CAM-A", &r1.s, r1.id);
	memcpy(sig, r1.s.sig, r1.s.sig_len);
	sig[strchr(sig, '\n') - sig + 20] ^= 1;
	rq.part[IP_SIGNATURE].data = (const uint8_t *)sig;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_BAD_SIG);
	/* the signature of another record of the same chain */
	seal_read(&c, &r2, false);
	request(&rq, "CAM-A", &r2.s, r2.id);
	rq.part[IP_SIGNATURE] = (struct ingest_part){
		(const uint8_t *)r1.s.sig, r1.s.sig_len, true };
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_BAD_SIG);
	/* a revoked key */
	assert_int_equal(ev_key_generate(&kr), 0);
	register_key("CAM-R", &kr, true);
	{
		struct ev_chain cr;
		struct sealed_read rr;

		init_chain(&cr, "CAM-R", &kr, "7777777777777777");
		seal_read(&cr, &rr, false);
		request(&rq, "CAM-R", &rr.s, rr.id);
		expect(&rq, INGEST_REFUSED, 403, INGEST_R_WRONG_KEY);
		assert_non_null(strstr(v.detail, "revoked"));
		ev_chain_free(&cr);
	}
	ev_key_free(&kr);
	ev_chain_free(&c);
	ev_chain_free(&cb);
}

static void test_images(void **state)
{
	struct ev_chain c;
	struct sealed_read r1, r2;
	struct ingest_request rq;
	uint8_t altered[900];

	(void)state;
	init_chain(&c, "CAM-A", &ka, "8888888888888888");
	seal_read(&c, &r1, true);
	request_read(&rq, "CAM-A", &r1);
	rq.part[IP_OVERVIEW].present = false;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_IMAGE_MISSING);
	request_read(&rq, "CAM-A", &r1);
	memcpy(altered, r1.overview, sizeof altered);
	altered[500] ^= 0x40;
	rq.part[IP_OVERVIEW].data = altered;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_IMAGE_ALTERED);
	/* the plate image of another record */
	seal_read(&c, &r2, true);
	request_read(&rq, "CAM-A", &r1);
	rq.part[IP_PLATE].data = r2.plate;
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_IMAGE_ALTERED);
	/* an image the record does not name */
	{
		struct sealed_read r3;

		seal_read(&c, &r3, false);
		request(&rq, "CAM-A", &r3.s, r3.id);
		rq.part[IP_PLATE] = (struct ingest_part){ r1.plate,
			sizeof r1.plate, true };
		expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	}
	ev_chain_free(&c);
}

static void test_chain_links(void **state)
{
	struct ev_chain c, c2;
	struct sealed_read r[3], alt;
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "9999999999999999");
	for (int i = 0; i < 3; i++)
		seal_read(&c, &r[i], false);
	/* a second chain under the same id: record 1 differs (another
	 * time), so its record 2 names another predecessor */
	init_chain(&c2, "CAM-A", &ka, "9999999999999999");
	seal_read(&c2, &alt, false);
	hold(&alt.s, alt.id);		/* the store holds the other record 1 */
	request(&rq, "CAM-A", &r[1].s, r[1].id);
	expect(&rq, INGEST_REFUSED, 409, INGEST_R_CHAIN);
	assert_non_null(strstr(v.detail, "prev_hash"));
	/* the successor held names another hash */
	memset(&db.held, 0, sizeof db.held);
	db.nheld = 0;
	{
		struct sealed_read alt2;

		seal_read(&c2, &alt2, false);	/* other record 2 */
		hold(&alt2.s, alt2.id);
		/* renamed so that the record id is not the same one */
		snprintf(db.held[0].record_id, 80, "elsewhere");
	}
	request(&rq, "CAM-A", &r[0].s, r[0].id);
	expect(&rq, INGEST_REFUSED, 409, INGEST_R_CHAIN);
	assert_non_null(strstr(v.detail, "next record"));
	ev_chain_free(&c);
	ev_chain_free(&c2);
}

static void test_checkpoint(void **state)
{
	struct ev_chain c;
	struct sealed_read r[4];
	struct ev_sealed cp;
	char cpid[80];
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "AAAAAAAAAAAAAAAA");
	for (int i = 0; i < 4; i++)
		seal_read(&c, &r[i], false);
	seal_other(&c, EV_CHECKPOINT, NULL, &cp, cpid);
	/* records 1..4 not all held: the root waits */
	hold(&r[3].s, r[3].id);
	request(&rq, "CAM-A", &cp, cpid);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.link_verified);
	/* all held: the root is recomputed and matches */
	for (int i = 0; i < 3; i++)
		hold(&r[i].s, r[i].id);
	expect(&rq, INGEST_OK, 201, NULL);
	/* a record inside the span held with another hash (its links are
	 * not this checkpoint's neighbours): the root differs */
	db.held[2].sha[0] ^= 1;
	expect(&rq, INGEST_REFUSED, 409, INGEST_R_CHECKPOINT);
	assert_non_null(strstr(v.detail, "Merkle root"));
	ev_chain_free(&c);
}

/* Without chain lookups (anpr-ingest: the store checks links and Merkle
 * roots under the chain's lock), what the held records would refuse
 * passes to the store; what needs no lookup is still refused. */
static void test_links_left_to_the_store(void **state)
{
	static const struct ingest_lookup no_chain = { NULL, f_held, f_keys, NULL };
	struct ev_chain c, c2;
	struct sealed_read r[3], alt;
	struct ev_sealed cp;
	char cpid[80];
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "9999999999999999");
	for (int i = 0; i < 3; i++)
		seal_read(&c, &r[i], false);
	init_chain(&c2, "CAM-A", &ka, "9999999999999999");
	seal_read(&c2, &alt, false);
	hold(&alt.s, alt.id);		/* another record 1 */
	request(&rq, "CAM-A", &r[1].s, r[1].id);
	ingest_check(&rq, &no_chain, &v);
	assert_int_equal(v.outcome, INGEST_OK);
	assert_false(v.link_verified);
	/* a checkpoint over records held with other hashes: the store's */
	seal_other(&c, EV_CHECKPOINT, NULL, &cp, cpid);
	request(&rq, "CAM-A", &cp, cpid);
	ingest_check(&rq, &no_chain, &v);
	assert_int_equal(v.outcome, INGEST_OK);
	/* a chain's first record (zero prev_hash) is linked without a lookup */
	memset(&db.held, 0, sizeof db.held);
	db.nheld = 0;
	request(&rq, "CAM-A", &r[0].s, r[0].id);
	ingest_check(&rq, &no_chain, &v);
	assert_int_equal(v.outcome, INGEST_OK);
	assert_true(v.link_verified);
	ev_chain_free(&c);
	ev_chain_free(&c2);
}

static void test_key_rotation(void **state)
{
	struct ev_chain c;
	struct sealed_read before, after;
	struct ev_sealed rot;
	char rotid[80];
	struct ingest_request rq;
	char bad[1024];

	(void)state;
	init_chain(&c, "CAM-A", &ka, "BBBBBBBBBBBBBBBB");
	seal_read(&c, &before, false);
	hold(&before.s, before.id);
	seal_other(&c, EV_KEY_ROTATION, &kn, &rot, rotid);
	seal_read(&c, &after, false);
	/* a record signed by the new key before the rotation is held: not
	 * a key of the camera yet */
	request(&rq, "CAM-A", &after.s, after.id);
	expect(&rq, INGEST_REFUSED, 403, INGEST_R_WRONG_KEY);
	/* the rotation as protocol version 1 sends it (no new signature):
	 * the old key vouches for the new one */
	request(&rq, "CAM-A", &rot, rotid);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.add_key);
	assert_false(v.newsig_checked);
	/* with the new key's signature */
	rq.part[IP_NEW_SIGNATURE] = (struct ingest_part){
		(const uint8_t *)rot.sig2, rot.sig2_len, true };
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.newsig_checked);
	{
		char want[EV_MS_PUBKEY_B64_LEN + 1];

		ev_pubkey_b64(&kn, want, sizeof want);
		assert_string_equal(v.new_key_b64, want);
	}
	/* a new signature that is not the new key's */
	memcpy(bad, rot.sig, rot.sig_len);
	rq.part[IP_NEW_SIGNATURE] = (struct ingest_part){
		(const uint8_t *)bad, rot.sig_len, true };
	ingest_check(&rq, &lookup, &v);
	assert_int_equal(v.outcome, INGEST_REFUSED);
	assert_true(v.status == 400 || v.status == 403);
	/* the rotation held and its key registered: the next record passes */
	hold(&rot, rotid);
	register_key("CAM-A", &kn, false);
	request(&rq, "CAM-A", &after.s, after.id);
	expect(&rq, INGEST_OK, 201, NULL);
	assert_true(v.link_verified);
	/* a new_signature on a record that is no rotation */
	rq.part[IP_NEW_SIGNATURE] = (struct ingest_part){
		(const uint8_t *)rot.sig2, rot.sig2_len, true };
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	ev_chain_free(&c);
}

static void test_store_down(void **state)
{
	struct ev_chain c;
	struct sealed_read r1;
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "CCCCCCCCCCCCCCCC");
	seal_read(&c, &r1, true);
	request_read(&rq, "CAM-A", &r1);
	db.fail = true;
	expect(&rq, INGEST_UNAVAILABLE, 503, NULL);
	assert_non_null(strstr(v.detail, "connection refused"));
	db.fail = false;
	ev_chain_free(&c);
}

static void test_heartbeat_and_no_images(void **state)
{
	struct ev_chain c;
	struct sealed_read r1;
	struct ev_sealed hb;
	char id[80];
	struct ingest_request rq;

	(void)state;
	init_chain(&c, "CAM-A", &ka, "DDDDDDDDDDDDDDDD");
	seal_read(&c, &r1, false);
	seal_other(&c, EV_HEARTBEAT, NULL, &hb, id);
	request(&rq, "CAM-A", &hb, id);
	expect(&rq, INGEST_OK, 201, NULL);
	rq.part[IP_OVERVIEW] = (struct ingest_part){ r1.plate, 10, true };
	expect(&rq, INGEST_REFUSED, 400, INGEST_R_MALFORMED);
	ev_chain_free(&c);
}

/* The acknowledgement is what anpr-upload itself takes as a receipt; the
 * error bodies are JSON and are not receipts. */
static void test_bodies(void **state)
{
	struct upload_item it;
	char body[512], why[256];
	int n;
	json_t *j;
	json_error_t je;

	(void)state;
	memset(&it, 0, sizeof it);
	snprintf(it.record_id, sizeof it.record_id, "CAM-A-0123456789ABCDEF-7");
	memset(it.sha256, 'a', 64);
	n = ingest_ack_json(it.record_id, it.sha256, body, sizeof body);
	assert_true(n > 0);
	assert_string_equal(body, "{\"record_id\": \"CAM-A-0123456789ABCDEF-7\", "
			    "\"record_sha256\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}");
	if (!upload_ack_check(body, (size_t)n, &it, why, sizeof why))
		fail_msg("anpr-upload refuses the acknowledgement: %s", why);
	assert_int_equal(ingest_ack_json("bad id", it.sha256, body,
					 sizeof body), -1);
	assert_int_equal(ingest_ack_json(it.record_id, it.sha256, body, 20), -1);
	n = ingest_error_json("conflict", "a \"quoted\" \\ tab\t\xa3 end", body,
			      sizeof body);
	assert_true(n > 0);
	j = json_loadb(body, (size_t)n, JSON_REJECT_DUPLICATES, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
			    "conflict");
	json_decref(j);
	assert_false(upload_ack_ok(body, (size_t)n, &it));
	assert_int_equal(ingest_error_json("x", "long detail", body, 20), -1);
}

/* Version 2: the header, the indexed part names, and an answer that
 * anpr-upload takes record by record. */
static void test_batch(void **state)
{
	struct ingest_batch_entry e[INGEST_BATCH_MAX + 1];
	char h64[65], hdr[8192], why[256];
	size_t n = 0, idx = 99;
	const char *bad[] = {
		"", " ", ",", "CAM-1-1", "CAM-1-1 %s,", "CAM-1-1 %s, ,CAM-1-2 %s",
		"CAM-1-1 %s CAM-1-2 %s", "CAM-1-1 %s, CAM-1-1 %s",
		"CAM 1 %s", "CAM-1-1\"x %s", "CAM-1-1 %.63s", "CAM-1-1 %sa",
		"CAM-1-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	struct upload_item it[3];
	const struct upload_item *p[3] = { &it[0], &it[1], &it[2] };
	struct ingest_batch_result res[3];
	enum upload_result ur[3];
	char detail[3][UPLOAD_ERR_MAX];
	char *body;

	(void)state;
	memset(h64, 'a', 64);
	h64[64] = '\0';
	snprintf(hdr, sizeof hdr, "CAM-1-1 %s,CAM-1-2 %s ,  CAM-1-3\t%s", h64, h64, h64);
	assert_int_equal(ingest_batch_parse_records(hdr, e, INGEST_BATCH_MAX, &n, why,
						    sizeof why), 0);
	assert_int_equal(n, 3);
	assert_string_equal(e[2].record_id, "CAM-1-3");
	assert_string_equal(e[2].sha256_hex, h64);
	assert_int_equal(ingest_batch_parse_records(NULL, e, INGEST_BATCH_MAX, &n, why,
						    sizeof why), -1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(hdr, sizeof hdr, bad[i], h64, h64);
		why[0] = '\0';
		assert_int_equal(ingest_batch_parse_records(hdr, e, INGEST_BATCH_MAX, &n,
							    why, sizeof why), -1);
		print_message("# \"%.60s\": %s\n", hdr, why);
		assert_non_null(strstr(why, "X-ANPR-Records"));
	}
	/* 32 at most */
	hdr[0] = '\0';
	for (int i = 0; i <= INGEST_BATCH_MAX; i++)
		snprintf(hdr + strlen(hdr), sizeof hdr - strlen(hdr), "%sCAM-1-%d %s",
			 i ? ", " : "", i, h64);
	assert_int_equal(ingest_batch_parse_records(hdr, e, INGEST_BATCH_MAX, &n, why,
						    sizeof why), -1);
	assert_non_null(strstr(why, "more than 32"));
	/* part names */
	assert_int_equal(ingest_batch_part("record.0", &idx), IP_RECORD);
	assert_int_equal(idx, 0);
	assert_int_equal(ingest_batch_part("overview_image.31", &idx), IP_OVERVIEW);
	assert_int_equal(idx, 31);
	assert_int_equal(ingest_batch_part("new_signature.7", &idx), IP_NEW_SIGNATURE);
	assert_int_equal(idx, 7);
	{
		const char *no[] = { "record", "record.", "record.32", "record.01",
				     "record.-1", "record.+1", "record.1x", ".1", "recordx.1",
				     "record.1.2", "record.100" };

		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			assert_int_equal(ingest_batch_part(no[i], &idx), IP_COUNT);
		assert_int_equal(ingest_batch_part(NULL, &idx), IP_COUNT);
	}
	/* the answer, as anpr-upload reads it */
	memset(it, 0, sizeof it);
	for (int i = 0; i < 3; i++) {
		snprintf(it[i].record_id, sizeof it[i].record_id, "CAM-1-%d", i + 1);
		memcpy(it[i].sha256, h64, 65);
	}
	res[0] = (struct ingest_batch_result){ INGEST_BATCH_ACK, "CAM-1-1", h64, 201, NULL, NULL };
	res[1] = (struct ingest_batch_result){ INGEST_BATCH_REFUSED, "CAM-1-2", NULL, 409,
					       INGEST_R_CONFLICT, "held \"other\" \xa3 bytes" };
	res[2] = (struct ingest_batch_result){ INGEST_BATCH_RETRY, "CAM-1-3", NULL, 503, NULL,
					       "database" };
	body = ingest_batch_results_json(res, 3);
	assert_non_null(body);
	print_message("# %s\n", body);
	if (!upload_results_check(body, strlen(body), p, 3, ur, detail, why, sizeof why))
		fail_msg("anpr-upload refuses the answer: %s", why);
	assert_int_equal(ur[0], UPLOAD_ACKED);
	assert_int_equal(ur[1], UPLOAD_REJECTED);
	assert_int_equal(ur[2], UPLOAD_RETRY);
	free(body);
	/* an entry that is not one is no answer at all */
	res[2].status = 200;
	assert_null(ingest_batch_results_json(res, 3));
	res[2].status = 503;
	res[0].sha256_hex = "AA";
	assert_null(ingest_batch_results_json(res, 3));
	res[0].sha256_hex = h64;
	res[1].record_id = "not an id";
	assert_null(ingest_batch_results_json(res, 3));
}

static void test_time_and_parts(void **state)
{
	int64_t us;
	char day[11];

	(void)state;
	assert_int_equal(ingest_time_us("2026-11-24T13:05:07.000042Z", &us,
					day), 0);
	assert_string_equal(day, "2026-11-24");
	assert_int_equal(us, 1795525507000042LL);
	assert_int_equal(ingest_time_us("2026-11-24 13:05:07Z", &us, day), -1);
	assert_int_equal(ingest_part_by_name("plate_image"), IP_PLATE);
	assert_int_equal(ingest_part_by_name("plate"), IP_COUNT);
	assert_int_equal(ingest_part_limit(IP_RECORD, 1 << 20), EV_RECORD_MAX);
	assert_int_equal(ingest_part_limit(IP_OVERVIEW, 1 << 20), 1 << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_read_accepted_and_linked, setup),
		cmocka_unit_test_setup(test_links_left_to_the_store, setup),
		cmocka_unit_test_setup(test_duplicate_and_conflict, setup),
		cmocka_unit_test_setup(test_malformed_requests, setup),
		cmocka_unit_test_setup(test_sha256_mismatch, setup),
		cmocka_unit_test_setup(test_wrong_camera_and_idempotency, setup),
		cmocka_unit_test_setup(test_signatures, setup),
		cmocka_unit_test_setup(test_images, setup),
		cmocka_unit_test_setup(test_chain_links, setup),
		cmocka_unit_test_setup(test_checkpoint, setup),
		cmocka_unit_test_setup(test_key_rotation, setup),
		cmocka_unit_test_setup(test_store_down, setup),
		cmocka_unit_test_setup(test_heartbeat_and_no_images, setup),
		cmocka_unit_test_setup(test_format_versions, setup),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_time_and_parts),
	};
	int rc;

	if (ev_init() != 0 || ev_key_generate(&ka) || ev_key_generate(&kb) ||
	    ev_key_generate(&kn))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ev_key_free(&ka);
	ev_key_free(&kb);
	ev_key_free(&kn);
	return rc;
}
