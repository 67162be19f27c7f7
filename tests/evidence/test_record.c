/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: record encoding and strict decoding, value syntax, minisign
 * keys and signatures, the Merkle tree, the clock state, key files.
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <unistd.h>

#include <sodium.h>

#include "evidence/evidence_spool.h"

static char err[1024];

/* A valid read of format version v (1, 2 or 3). */
static void fill_read_v(struct ev_record *r, unsigned v)
{
	static const struct { enum ev_field f; const char *v; } vals[] = {
		{ EV_F_RECORD_ID, "CAM1-0011223344556677-5" },
		{ EV_F_CAMERA_ID, "CAM1" },
		{ EV_F_CHAIN_ID, "0011223344556677" },
		{ EV_F_CHAIN_SEQ, "5" },
		{ EV_F_PREV_HASH, EV_ZERO_HASH_HEX },
		{ EV_F_KEY_ID, "0123456789ABCDEF" },
		{ EV_F_TIME, "2026-11-24T09:45:15.123456Z" },
		{ EV_F_CLOCK_SYNCED, "1" },
		{ EV_F_CLOCK_ESTERR, "120" },
		{ EV_F_CLOCK_MAXERR, "4500" },
		{ EV_F_MONO_NS, "123456789" },
		{ EV_F_SITE_ID, "M25-J10-N" },
		{ EV_F_LAT, "51.507351" },
		{ EV_F_LON, "-0.127758" },
		{ EV_F_BEARING, "270" },
		{ EV_F_SW_VERSION, "anpr-0.1.0" },
		{ EV_F_MODEL_HASH, EV_ZERO_HASH_HEX },
		{ EV_F_CONFIG_HASH, EV_ZERO_HASH_HEX },
		{ EV_F_LANE, "2" },
		{ EV_F_FRAME_SEQ, "77" },
		{ EV_F_VRM, "AB12 CDE" },
		{ EV_F_REGION, "GB" },
		{ EV_F_CONFIDENCE, "0.973" },
		{ EV_F_HOTLIST, "-" },
		{ EV_F_HOTLIST_ENTRY, "-" },
		{ EV_F_POSITION, "status=fixed-site lat=51.507351 lon=-0.127758" },
		{ EV_F_PLATE_FILE, "000000000005.plate.jpg" },
		{ EV_F_PLATE_HASH, EV_ZERO_HASH_HEX },
		{ EV_F_OVERVIEW_FILE, "-" },
		{ EV_F_OVERVIEW_HASH, "-" },
	};
	assert_int_equal(ev_record_init_version(r, EV_READ, v), 0);
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		assert_int_equal(ev_record_set(r, vals[i].f, "%s", vals[i].v),
				 0);
	if (v >= 2) {
		ev_record_set(r, EV_F_SOURCE, "front");
		ev_record_set(r, EV_F_INPUT, "replay");
		ev_record_set(r, EV_F_HOTLIST_SET_HASH, "%064x", 0x5eed);
	}
	if (v >= 3) {
		ev_record_set(r, EV_F_CAPTURE_CLOCK, "camera-estimated");
		ev_record_set(r, EV_F_CLOCKS_DISAGREE, "1");
	}
	if (v >= 4)
		ev_record_set(r, EV_F_PLATE_STATE, "read");
}

static void fill_read(struct ev_record *r)
{
	fill_read_v(r, EV_FORMAT_VERSION);
}

static void test_roundtrip(void **state)
{
	struct ev_record r, p;
	char buf[EV_RECORD_MAX], buf2[EV_RECORD_MAX];
	size_t n, n2;

	(void)state;
	fill_read(&r);
	assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
					  sizeof err), 0);
	assert_true(n > 100);
	assert_memory_equal(buf, "format=anpr-record/4\ntype=read\n", 31);
	assert_non_null(strstr(buf, "\nlane=2\nsource=front\ninput=replay\n"
				    "capture_clock=camera-estimated\n"
				    "clocks_disagree=1\nframe_seq=77\n"));
	assert_non_null(strstr(buf, "\nhotlist_entry=-\nhotlist_set_sha256="
				    "0000000000000000000000000000000000000000"
				    "000000000000000000005eed\nposition="));
	assert_int_equal(ev_record_parse(buf, n, "x.rec", &p, err, sizeof err),
			 0);
	assert_int_equal(p.type, EV_READ);
	assert_int_equal(p.version, 4);
	assert_non_null(strstr(buf, "\nvrm=AB12 CDE\nplate_state=read\nregion="));
	assert_string_equal(p.v[EV_F_CAPTURE_CLOCK], "camera-estimated");
	assert_string_equal(p.v[EV_F_CLOCKS_DISAGREE], "1");
	assert_string_equal(p.v[EV_F_SOURCE], "front");
	assert_string_equal(p.v[EV_F_INPUT], "replay");
	assert_string_equal(p.v[EV_F_VRM], "AB12 CDE");
	assert_int_equal(ev_record_u64(&p, EV_F_CHAIN_SEQ), 5);
	/* canonical: decode then encode gives the same bytes */
	assert_int_equal(ev_record_encode(&p, buf2, sizeof buf2, &n2, err,
					  sizeof err), 0);
	assert_int_equal(n, n2);
	assert_memory_equal(buf, buf2, n);
}

/* Apply an edit to a valid read's text (format version v), expect a
 * refusal naming the file and containing `why`. */
static void expect_bad_v(unsigned v, const char *from, const char *to,
			 const char *why)
{
	struct ev_record r, p;
	char buf[EV_RECORD_MAX], out[EV_RECORD_MAX + 64];
	size_t n;
	char *at;

	fill_read_v(&r, v);
	assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
					  sizeof err), 0);
	buf[n] = '\0';
	at = strstr(buf, from);
	assert_non_null(at);
	snprintf(out, sizeof out, "%.*s%s%s", (int)(at - buf), buf, to,
		 at + strlen(from));
	err[0] = '\0';
	assert_int_equal(ev_record_parse(out, strlen(out), "bad.rec", &p, err,
					 sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "bad.rec"));
	if (!strstr(err, why))
		fail_msg("message \"%s\" lacks \"%s\"", err, why);
}

static void expect_bad(const char *from, const char *to, const char *why)
{
	expect_bad_v(EV_FORMAT_VERSION, from, to, why);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("type=read\n", "type=read\r\n", "unknown record type");
	expect_bad("type=read", "type=bogus", "unknown record type");
	expect_bad("format=anpr-record/4", "format=anpr-record/5", "format");
	expect_bad("format=anpr-record/4", "format=anpr-record/0", "format");
	expect_bad("format=anpr-record/4", "format=anpr-record/04", "format");
	expect_bad("format=anpr-record/4", "format=anpr-record/40", "format");
	expect_bad("format=anpr-record/4", "format=anpr-record/", "format");
	expect_bad("lane=2\n", "", "expected field \"lane\"");
	expect_bad("lane=2\n", "lane=2\nlane=2\n", "expected field");
	expect_bad("vrm=AB12 CDE", "vrm=ab12 cde", "vrm");
	expect_bad("vrm=AB12 CDE", "vrm=AB12  CDE", "vrm");
	expect_bad("confidence=0.973", "confidence=0.97", "3 places");
	expect_bad("chain_seq=5", "chain_seq=05", "unsigned decimal");
	expect_bad("chain_seq=5", "chain_seq=99999999999999999999",
		   "unsigned decimal");
	expect_bad("site_lat=51.507351", "site_lat=51.5", "6 places");
	expect_bad("clock_synced=1", "clock_synced=2", "0 or 1");
	expect_bad("key_id=0123456789ABCDEF", "key_id=0123456789abcdef",
		   "upper-case hex");
	expect_bad("time_utc=2026-11-24T09:45:15.123456Z",
		   "time_utc=2026-13-24T09:45:15.123456Z", "YYYY");
	expect_bad("plate_image=000000000005.plate.jpg",
		   "plate_image=../etc/passwd", "file name");
	expect_bad("region=GB", "region=G B", "region");
	expect_bad("region=GB\n", "region GB\n", "no '='");
	expect_bad("overview_image_sha256=-\n", "overview_image_sha256=-",
		   "no newline");
	expect_bad("overview_image_sha256=-\n", "overview_image_sha256=-\nx=1\n",
		   "extra line");
	expect_bad("overview_image=-\noverview_image_sha256=-\n", "",
		   "missing");
	expect_bad("vrm=AB12 CDE", "vrm=AB12\001CDE", "vrm");
	expect_bad("position=status", "position= status", "printable ASCII");
	expect_bad("position=status=fixed-site lat=51.507351 lon=-0.127758\n", "",
		   "expected field \"position\"");
}

/* The bytes of a file, NUL-terminated; *n its length. */
static char *slurp(const char *path, size_t *n)
{
	static char buf[EV_RECORD_MAX + 1];
	FILE *f = fopen(path, "r");

	if (!f)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	*n = fread(buf, 1, sizeof buf - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

#define V1_FIXTURE "tests/evidence/fixtures/v1/spool/records/00000000/"
#define V2_FIXTURE "tests/evidence/fixtures/v2/spool/records/00000000/"

/*
 * anpr-record/1 and /2 side by side: /1 records (real ones, written by the
 * writer before /2) still parse and are canonical; /2 reads must carry
 * source, input and hotlist_set_sha256, well formed; a /1 record may not
 * carry /2 fields, nor a /2 read lack them.
 */
static void test_versions(void **state)
{
	struct ev_record r, p;
	char buf[EV_RECORD_MAX], *t;
	const enum ev_field *f1, *f2;
	size_t n, n1, n2, len;

	(void)state;
	/* a real /1 read and a real /1 heartbeat */
	t = slurp(V1_FIXTURE "000000000002.rec", &len);
	assert_int_equal(ev_record_parse(t, len, "000000000002.rec", &p, err,
					 sizeof err), 0);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.type, EV_READ);
	assert_string_equal(p.v[EV_F_FORMAT], "anpr-record/1");
	assert_string_equal(p.v[EV_F_SOURCE], "");	/* not in /1 */
	assert_int_equal(ev_record_encode(&p, buf, sizeof buf, &n, err,
					  sizeof err), 0);
	assert_int_equal(n, len);
	assert_memory_equal(buf, t, n);
	t = slurp(V1_FIXTURE "000000000001.rec", &len);
	assert_int_equal(ev_record_parse(t, len, "000000000001.rec", &p, err,
					 sizeof err), 0);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.type, EV_HEARTBEAT);

	/* /1 round trip from the library */
	fill_read_v(&r, 1);
	assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
					  sizeof err), 0);
	assert_memory_equal(buf, "format=anpr-record/1\ntype=read\n", 31);
	assert_null(strstr(buf, "source="));
	assert_int_equal(ev_record_parse(buf, n, "v1.rec", &p, err, sizeof err),
			 0);
	assert_int_equal(p.version, 1);
	/* a record's format line and its version agree, or no encoding */
	fill_read_v(&r, 2);
	r.version = 1;
	assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
					  sizeof err), EV_EINVAL);
	assert_non_null(strstr(err, "format"));
	assert_int_equal(ev_record_init_version(&r, EV_READ, 5), EV_EINVAL);
	assert_int_equal(ev_record_init_version(&r, EV_READ, 0), EV_EINVAL);

	/* the /2 read table is /1's with the three fields added, in place */
	n1 = ev_type_fields(1, EV_READ, &f1);
	n2 = ev_type_fields(2, EV_READ, &f2);
	assert_int_equal(n2, n1 + 3);
	for (size_t i = 0, j = 0; i < n2; i++) {
		if (f2[i] == EV_F_SOURCE || f2[i] == EV_F_INPUT ||
		    f2[i] == EV_F_HOTLIST_SET_HASH)
			continue;
		assert_int_equal(f2[i], f1[j++]);
	}
	for (size_t i = 1; i < n2; i++) {
		if (f2[i] == EV_F_SOURCE)
			assert_int_equal(f2[i - 1], EV_F_LANE);
		if (f2[i] == EV_F_INPUT)
			assert_int_equal(f2[i - 1], EV_F_SOURCE);
		if (f2[i] == EV_F_HOTLIST_SET_HASH)
			assert_int_equal(f2[i - 1], EV_F_HOTLIST_ENTRY);
	}
	/* the /3 read table is /2's with the two fields after input */
	n1 = ev_type_fields(2, EV_READ, &f1);
	n2 = ev_type_fields(3, EV_READ, &f2);
	assert_int_equal(n2, n1 + 2);
	for (size_t i = 0, j = 0; i < n2; i++) {
		if (f2[i] == EV_F_CAPTURE_CLOCK) {
			assert_int_equal(f2[i - 1], EV_F_INPUT);
			assert_int_equal(f2[i + 1], EV_F_CLOCKS_DISAGREE);
			i++;
			continue;
		}
		assert_int_equal(f2[i], f1[j++]);
	}
	/* the /4 read table is /3's with plate_state after vrm */
	n1 = ev_type_fields(3, EV_READ, &f1);
	n2 = ev_type_fields(4, EV_READ, &f2);
	assert_int_equal(n2, n1 + 1);
	for (size_t i = 0, j = 0; i < n2; i++) {
		if (f2[i] == EV_F_PLATE_STATE) {
			assert_int_equal(f2[i - 1], EV_F_VRM);
			continue;
		}
		assert_int_equal(f2[i], f1[j++]);
	}
	/* other types: the same fields in every version */
	for (int ty = EV_HEARTBEAT; ty < EV_TYPE_COUNT; ty++) {
		const enum ev_field *f3;
		size_t n3;

		n1 = ev_type_fields(1, (enum ev_type)ty, &f1);
		n2 = ev_type_fields(2, (enum ev_type)ty, &f2);
		n3 = ev_type_fields(3, (enum ev_type)ty, &f3);
		assert_true(n1 > 0);
		assert_int_equal(n1, n2);
		assert_int_equal(n1, n3);
		assert_int_equal(n1, ev_type_fields(4, (enum ev_type)ty, &f3));
		assert_memory_equal(f1, f2, n1 * sizeof *f1);
		assert_memory_equal(f1, f3, n1 * sizeof *f1);
	}
	/* a real /2 read (written before /3): parses, canonical, no
	 * capture clock; relabelled /3 it lacks one */
	t = slurp(V2_FIXTURE "000000000002.rec", &len);
	assert_int_equal(ev_record_parse(t, len, "000000000002.rec", &p, err,
					 sizeof err), 0);
	assert_int_equal(p.version, 2);
	assert_int_equal(p.type, EV_READ);
	assert_string_equal(p.v[EV_F_SOURCE], "front");
	assert_string_equal(p.v[EV_F_CAPTURE_CLOCK], "");	/* not in /2 */
	assert_int_equal(ev_record_encode(&p, buf, sizeof buf, &n, err,
					  sizeof err), 0);
	assert_int_equal(n, len);
	assert_memory_equal(buf, t, n);
	assert_int_equal(t[19], '2');
	t[19] = '3';
	assert_int_equal(ev_record_parse(t, len, "relabelled3.rec", &p, err,
					 sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "relabelled3.rec: line 24: expected field "
				    "\"capture_clock\""));
	assert_int_equal(ev_type_fields(5, EV_READ, &f1), 0);
	assert_int_equal(ev_type_fields(0, EV_READ, &f1), 0);

	/* malformed under /2 */
	expect_bad("source=front\n", "", "expected field \"source\"");
	expect_bad("source=front\n", "source=\n", "source");
	expect_bad("source=front\n", "source=rtsp://admin:pw@10.0.0.9/1\n",
		   "[A-Za-z0-9_.:+-]");
	expect_bad("input=replay\n", "", "expected field \"input\"");
	expect_bad("input=replay", "input=recorded", "is not live or replay");
	expect_bad("input=replay", "input=Live", "is not live or replay");
	expect_bad("input=replay", "input=1", "is not live or replay");
	expect_bad("hotlist_set_sha256=", "hotlist_set_sha256=-\nx=", "64 lower-case hex");
	expect_bad("hotlist_set_sha256=0000", "hotlist_set_sha256=000", "64 lower-case hex");
	expect_bad("hotlist_set_sha256=0000", "hotlist_set_sha256=A000", "64 lower-case hex");
	expect_bad("hotlist_set_sha256=", "x=", "expected field \"hotlist_set_sha256\"");
	/* out of order: input before source */
	expect_bad("source=front\ninput=replay\n", "input=replay\nsource=front\n",
		   "expected field \"source\"");
	/* anpr-record/3: the capture clock, one of its names, and whether
	 * the clocks disagreed, right after input */
	expect_bad("capture_clock=camera-estimated\n", "", "expected field \"capture_clock\"");
	expect_bad("capture_clock=camera-estimated", "capture_clock=synchronised",
		   "a capture clock (camera-synchronised, ");
	expect_bad("capture_clock=camera-estimated", "capture_clock=Camera-estimated",
		   "capture clock");
	expect_bad("capture_clock=camera-estimated", "capture_clock=-", "capture clock");
	expect_bad("clocks_disagree=1\n", "", "expected field \"clocks_disagree\"");
	expect_bad("clocks_disagree=1", "clocks_disagree=yes", "0 or 1");
	expect_bad("capture_clock=camera-estimated\nclocks_disagree=1\n",
		   "clocks_disagree=1\ncapture_clock=camera-estimated\n",
		   "expected field \"capture_clock\"");
	/* anpr-record/4: plate_state after vrm; vrm "-" only with an
	 * unreadable plate, which has no hotlist match */
	expect_bad("plate_state=read\n", "", "expected field \"plate_state\"");
	expect_bad("plate_state=read", "plate_state=unread", "is not read or unreadable:WHY");
	expect_bad("plate_state=read", "plate_state=unreadable", "is not read or unreadable:WHY");
	expect_bad("plate_state=read", "plate_state=unreadable:dirty", "is not read or unreadable:WHY");
	expect_bad("vrm=AB12 CDE", "vrm=-", "vrm=- with plate_state=read");
	expect_bad("vrm=AB12 CDE\nplate_state=read", "vrm=AB12 CDE\nplate_state=unreadable:no-characters",
		   "needs vrm=-, hotlist=- and hotlist_entry=-");
	expect_bad_v(3, "vrm=AB12 CDE", "vrm=-", "vrm");
	expect_bad_v(3, "vrm=AB12 CDE\n", "vrm=AB12 CDE\nplate_state=read\n",
		     "a field of anpr-record/4");
	{
		struct ev_record r, p;
		char buf[EV_RECORD_MAX];
		size_t n;

		fill_read(&r);
		ev_record_set(&r, EV_F_VRM, "-");
		ev_record_set(&r, EV_F_PLATE_STATE, "unreadable:not-read");
		assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
						  sizeof err), 0);
		assert_non_null(strstr(buf, "\nvrm=-\nplate_state=unreadable:not-read\n"));
		assert_int_equal(ev_record_parse(buf, n, "u.rec", &p, err, sizeof err), 0);
		assert_int_equal(ev_plate_state_parse(p.v[EV_F_PLATE_STATE]), 2);
		/* with a hit: refused by the encoder too */
		ev_record_set(&r, EV_F_HOTLIST, "PNC");
		assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
						  sizeof err), EV_EINVAL);
		assert_non_null(strstr(err, "hotlist"));
		/* vrm "-" with a read plate */
		fill_read(&r);
		ev_record_set(&r, EV_F_VRM, "-");
		assert_int_equal(ev_record_encode(&r, buf, sizeof buf, &n, err,
						  sizeof err), EV_EINVAL);
	}
	/* a /2 record that carries /3 fields */
	expect_bad_v(3, "format=anpr-record/3", "format=anpr-record/2",
		     "found \"capture_clock\": a field of anpr-record/3, not of "
		   "the anpr-record/2 this record says it is");
	expect_bad_v(2, "input=replay\n", "input=replay\nclocks_disagree=0\n",
		     "a field of anpr-record/3");
	/* a /3 read laid out as /2 */
	expect_bad_v(2, "format=anpr-record/2", "format=anpr-record/3",
		     "expected field \"capture_clock\", found \"frame_seq\" "
		     "(anpr-record/3)");
	/* a /1 record that carries /2 fields */
	expect_bad_v(2, "format=anpr-record/2", "format=anpr-record/1",
		   "found \"source\": a field of anpr-record/2, not of the "
		   "anpr-record/1 this record says it is");
	expect_bad_v(1, "lane=2\n", "lane=2\ninput=live\n",
		     "a field of anpr-record/2");
	/* a /2 read laid out as /1 */
	expect_bad_v(1, "format=anpr-record/1", "format=anpr-record/2",
		     "expected field \"source\", found \"frame_seq\" "
		     "(anpr-record/2)");
	/* and the real /1 record relabelled /2 */
	t = slurp(V1_FIXTURE "000000000002.rec", &len);
	assert_int_equal(t[19], '1');
	t[19] = '2';
	assert_int_equal(ev_record_parse(t, len, "relabelled.rec", &p, err,
					 sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "relabelled.rec: line 22: expected field "
				    "\"source\""));
}

static void test_limits(void **state)
{
	struct ev_record r;
	char big[EV_RECORD_MAX + 2];

	(void)state;
	memset(big, 'a', sizeof big);
	assert_int_equal(ev_record_parse(big, sizeof big, "huge.rec", &r, err,
					 sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "limit"));
	assert_int_equal(ev_record_parse("", 0, "empty.rec", &r, err,
					 sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "empty.rec: empty"));
	assert_int_equal(ev_record_parse("format=anpr-record/1\0\n", 22,
					 "nul.rec", &r, err, sizeof err),
			 EV_EFORMAT);
	assert_non_null(strstr(err, "NUL"));
	/* encoding refuses a bad value and names the field */
	fill_read(&r);
	ev_record_set(&r, EV_F_VRM, "lower");
	assert_int_equal(ev_record_encode(&r, big, sizeof big, (size_t[]){0},
					  err, sizeof err), EV_EINVAL);
	assert_non_null(strstr(err, "vrm"));
	assert_int_equal(ev_record_set(&r, EV_F_VRM, "%0300d", 1), EV_EINVAL);
}

static void test_values(void **state)
{
	(void)state;
	assert_int_equal(ev_value_check(EV_K_UINT, "0"), 0);
	assert_int_equal(ev_value_check(EV_K_UINT, "18446744073709551615"), 0);
	assert_int_not_equal(ev_value_check(EV_K_UINT, "18446744073709551616"),
			     0);
	assert_int_not_equal(ev_value_check(EV_K_UINT, ""), 0);
	assert_int_not_equal(ev_value_check(EV_K_UINT, "-1"), 0);
	assert_int_equal(ev_value_check(EV_K_FIX6, "-0.000001"), 0);
	assert_int_not_equal(ev_value_check(EV_K_FIX6, "-0.000000"), 0);
	assert_int_not_equal(ev_value_check(EV_K_FIX6, "01.000000"), 0);
	assert_int_equal(ev_value_check(EV_K_FIX3, "1.000"), 0);
	assert_int_equal(ev_value_check(EV_K_VRM, "A1"), 0);
	assert_int_not_equal(ev_value_check(EV_K_VRM, " A1"), 0);
	assert_int_not_equal(ev_value_check(EV_K_VRM, "ABCDEFGHIJKLMNOPQ"), 0);
	assert_int_equal(ev_value_check(EV_K_FILE, "-"), 0);
	assert_int_not_equal(ev_value_check(EV_K_FILE, ".hidden"), 0);
	assert_int_not_equal(ev_value_check(EV_K_FILE, "a/b"), 0);
	assert_int_equal(ev_value_check(EV_K_TYPE, "checkpoint"), 0);
	assert_int_not_equal(ev_value_check(EV_K_TYPE, "read "), 0);
	assert_int_equal(ev_value_check(EV_K_INPUT, "live"), 0);
	assert_int_equal(ev_value_check(EV_K_INPUT, "replay"), 0);
	assert_int_not_equal(ev_value_check(EV_K_INPUT, "-"), 0);
	assert_int_not_equal(ev_value_check(EV_K_INPUT, "live "), 0);
	assert_int_equal(ev_value_check(EV_K_FORMAT, "anpr-record/1"), 0);
	assert_int_equal(ev_value_check(EV_K_FORMAT, "anpr-record/2"), 0);
	assert_int_equal(ev_value_check(EV_K_FORMAT, "anpr-record/3"), 0);
	assert_int_equal(ev_value_check(EV_K_FORMAT, "anpr-record/4"), 0);
	assert_int_not_equal(ev_value_check(EV_K_FORMAT, "anpr-record/5"), 0);
	assert_int_equal(ev_value_check(EV_K_PSTATE, "read"), 0);
	assert_int_equal(ev_value_check(EV_K_PSTATE, "unreadable:no-characters"), 0);
	assert_int_equal(ev_value_check(EV_K_PSTATE, "unreadable:not-read"), 0);
	assert_int_equal(ev_value_check(EV_K_PSTATE, "unreadable:no-format"), 0);
	assert_int_not_equal(ev_value_check(EV_K_PSTATE, "unreadable:"), 0);
	assert_int_not_equal(ev_value_check(EV_K_PSTATE, "-"), 0);
	/* the VRM class alone never takes "-": only a /4 read's vrm does,
	 * with plate_state unreadable (test_malformed) */
	assert_int_not_equal(ev_value_check(EV_K_VRM, "-"), 0);
	for (int k = 0; k < EV_CAPCLK_COUNT; k++) {
		assert_int_equal(ev_value_check(EV_K_CAPCLK, ev_capclk_names[k]), 0);
		assert_int_equal(ev_capclk_parse(ev_capclk_names[k]), k);
	}
	assert_int_not_equal(ev_value_check(EV_K_CAPCLK, "rtcp"), 0);
	assert_int_equal(ev_capclk_parse("receive-time "), -1);
	assert_int_not_equal(ev_value_check(EV_K_FORMAT, "anpr-head/2"), 0);
}

static void test_time_format(void **state)
{
	struct timespec t = { 1795513515, 123456789 };
	char buf[40];

	(void)state;
	assert_int_equal(ev_format_time(&t, buf, sizeof buf), 0);
	assert_string_equal(buf, "2026-11-24T09:45:15.123456Z");
	assert_int_equal(ev_value_check(EV_K_TIME, buf), 0);
}

static void test_clock(void **state)
{
	struct ev_clock c;

	(void)state;
	ev_clock_from_timex(TIME_OK, 0, 250, 8000, &c);
	assert_true(c.synced);
	assert_int_equal(c.esterror_us, 250);
	assert_int_equal(c.maxerror_us, 8000);
	ev_clock_from_timex(TIME_OK, STA_UNSYNC, 16000000, 16000000, &c);
	assert_false(c.synced);
	ev_clock_from_timex(TIME_ERROR, 0, 1, 1, &c);
	assert_false(c.synced);
	ev_clock_from_timex(-1, 0, -5, -5, &c);
	assert_false(c.synced);
	assert_int_equal(c.esterror_us, 0);
	/* the real call works on this host */
	assert_int_equal(ev_clock_sample(&c), 0);
}

static void leaf(const uint8_t h[32], uint8_t out[32])
{
	uint8_t b[33];

	b[0] = 0;
	memcpy(b + 1, h, 32);
	crypto_hash_sha256(out, b, sizeof b);
}

static void node(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	uint8_t b[65];

	b[0] = 1;
	memcpy(b + 1, l, 32);
	memcpy(b + 33, r, 32);
	crypto_hash_sha256(out, b, sizeof b);
}

static void test_merkle(void **state)
{
	uint8_t h[5][32], L[5][32], a[32], b[32], c[32], root[32], want[32];

	(void)state;
	for (int i = 0; i < 5; i++) {
		memset(h[i], 0x10 + i, 32);
		leaf(h[i], L[i]);
	}
	ev_merkle_root(NULL, 0, root);
	crypto_hash_sha256(want, (const uint8_t *)"", 0);
	assert_memory_equal(root, want, 32);
	ev_merkle_root((const uint8_t (*)[32])h, 1, root);
	assert_memory_equal(root, L[0], 32);
	ev_merkle_root((const uint8_t (*)[32])h, 2, root);
	node(L[0], L[1], want);
	assert_memory_equal(root, want, 32);
	/* 3 leaves: ((0,1),2) */
	ev_merkle_root((const uint8_t (*)[32])h, 3, root);
	node(L[0], L[1], a);
	node(a, L[2], want);
	assert_memory_equal(root, want, 32);
	/* 5 leaves: (((0,1),(2,3)),4) */
	ev_merkle_root((const uint8_t (*)[32])h, 5, root);
	node(L[2], L[3], b);
	node(a, b, c);
	node(c, L[4], want);
	assert_memory_equal(root, want, 32);
	/* order matters */
	memcpy(a, h[0], 32);
	memcpy(h[0], h[1], 32);
	memcpy(h[1], a, 32);
	ev_merkle_root((const uint8_t (*)[32])h, 5, b);
	assert_memory_not_equal(root, b, 32);
}

/* The test's own MTH and PATH, straight from RFC 9162 2.1.1 and 2.1.3.1
 * with the leaf()/node() above, to hold the library's against. */
static void ref_mth(uint8_t (*h)[32], size_t n, uint8_t out[32])
{
	uint8_t a[32], b[32];
	size_t k = 1;

	if (n == 1) {
		leaf(h[0], out);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	ref_mth(h, k, a);
	ref_mth(h + k, n - k, b);
	node(a, b, out);
}

static size_t ref_path(uint8_t (*h)[32], size_t n, size_t m,
		       uint8_t (*out)[32])
{
	size_t k = 1, l;

	if (n == 1)
		return 0;
	while (k * 2 < n)
		k *= 2;
	if (m < k) {
		l = ref_path(h, k, m, out);
		ref_mth(h + k, n - k, out[l]);
	} else {
		l = ref_path(h + k, n - k, m - k, out);
		ref_mth(h, k, out[l]);
	}
	return l + 1;
}

/* Inclusion proofs: by hand for a tree of 5, then every index of every
 * tree of 1..70 leaves against the reference, and tampered proofs. */
static void test_inclusion(void **state)
{
	enum { N = 70 };
	static uint8_t h[N][32], path[EV_MERKLE_PATH_MAX][32], want[64][32];
	uint8_t L[5][32], a[32], b[32], root[32], bad[32];
	size_t len, wl;
	size_t accepted_other_size = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		memset(h[i], 0, 32);
		h[i][0] = (uint8_t)i;
		h[i][31] = 0xa5;
	}
	/* 5 leaves: (((0,1),(2,3)),4); leaf 2's path is L3, N(0,1), L4 */
	for (int i = 0; i < 5; i++)
		leaf(h[i], L[i]);
	assert_int_equal(ev_merkle_path((const uint8_t (*)[32])h, 5, 2, path,
					EV_MERKLE_PATH_MAX, &len), 0);
	assert_int_equal(len, 3);
	node(L[0], L[1], a);
	assert_memory_equal(path[0], L[3], 32);
	assert_memory_equal(path[1], a, 32);
	assert_memory_equal(path[2], L[4], 32);
	/* leaf 4 (alone on the right): one hash, the left subtree of 4 */
	assert_int_equal(ev_merkle_path((const uint8_t (*)[32])h, 5, 4, path,
					EV_MERKLE_PATH_MAX, &len), 0);
	assert_int_equal(len, 1);
	node(L[2], L[3], b);
	node(a, b, want[0]);
	assert_memory_equal(path[0], want[0], 32);
	/* out of range, and no room */
	assert_int_equal(ev_merkle_path((const uint8_t (*)[32])h, 5, 5, path,
					EV_MERKLE_PATH_MAX, &len), EV_EINVAL);
	assert_int_equal(ev_merkle_path((const uint8_t (*)[32])h, 5, 0, path,
					2, &len), EV_EINVAL);

	for (size_t n = 1; n <= N; n++) {
		ev_merkle_root((const uint8_t (*)[32])h, n, root);
		ref_mth(h, n, bad);
		assert_memory_equal(root, bad, 32);
		for (size_t m = 0; m < n; m++) {
			const uint8_t (*P)[32] = (const uint8_t (*)[32])path;

			assert_int_equal(ev_merkle_path(
				(const uint8_t (*)[32])h, n, m, path,
				EV_MERKLE_PATH_MAX, &len), 0);
			wl = ref_path(h, n, m, want);
			assert_int_equal(len, wl);
			if (len)
				assert_memory_equal(path, want, len * 32);
			assert_true(ev_merkle_verify(h[m], m, n, P, len, root));
			/* another leaf's hash at this index */
			assert_false(ev_merkle_verify(h[(m + 1) % N], m, n, P,
						      len, root));
			/* this leaf at another index */
			if (m + 1 < n)
				assert_false(ev_merkle_verify(h[m], m + 1, n, P,
							      len, root));
			if (m > 0)
				assert_false(ev_merkle_verify(h[m], m - 1, n, P,
							      len, root));
			/* out of range: index >= size, size 0 */
			assert_false(ev_merkle_verify(h[m], n, n, P, len,
						      root));
			assert_false(ev_merkle_verify(h[m], m, 0, P, len,
						      root));
			/* each path hash altered, one bit */
			for (size_t i = 0; i < len; i++) {
				path[i][i % 32] ^= 0x10;
				assert_false(ev_merkle_verify(h[m], m, n, P,
							      len, root));
				path[i][i % 32] ^= 0x10;
			}
			/* a hash cut off, or one added */
			if (len)
				assert_false(ev_merkle_verify(h[m], m, n, P,
							      len - 1, root));
			memcpy(path[len], root, 32);
			assert_false(ev_merkle_verify(h[m], m, n, P, len + 1,
						      root));
			/* another root */
			memcpy(bad, root, 32);
			bad[0] ^= 1;
			assert_false(ev_merkle_verify(h[m], m, n, P, len, bad));
			/* another tree size: a path can also fit trees of
			 * other sizes with the same left part (that is why
			 * the verifier takes the size from the signed
			 * checkpoint); it must never fit one whose path is
			 * another length */
			for (size_t n2 = 1; n2 <= N; n2++) {
				if (n2 == n)
					continue;
				if (ev_merkle_verify(h[m], m, n2, P, len,
						     root)) {
					assert_int_equal(ref_path(h, n2 > m ?
						n2 : m + 1, m, want), len);
					accepted_other_size++;
				}
			}
		}
	}
	/* the n2 > m guard above holds: index >= size is never accepted */
	assert_true(accepted_other_size > 0);
}

/* The proof file: built from leaves against a checkpoint, written,
 * read back byte for byte, checked; every tampering refused. */
static void test_proof_file(void **state)
{
	static uint8_t h[9][32];
	struct ev_record cp, rec;
	struct ev_proof p, q;
	uint8_t root[32], cph[32], rh[32];
	char hex[65], text[8192], err[512], edit[8192], *at;
	size_t len;

	(void)state;
	for (int i = 0; i < 9; i++)
		memset(h[i], 0x40 + i, 32);
	ev_merkle_root((const uint8_t (*)[32])h, 9, root);
	ev_hex(root, 32, hex);
	ev_record_init(&cp, EV_CHECKPOINT);
	ev_record_set(&cp, EV_F_CAMERA_ID, "CAM-1");
	ev_record_set(&cp, EV_F_CHAIN_ID, "0123456789ABCDEF");
	ev_record_set(&cp, EV_F_CHAIN_SEQ, "20");
	ev_record_set(&cp, EV_F_FIRST_SEQ, "11");
	ev_record_set(&cp, EV_F_LAST_SEQ, "19");
	ev_record_set(&cp, EV_F_CP_COUNT, "9");
	ev_record_set(&cp, EV_F_MERKLE_ROOT, "%s", hex);
	memset(cph, 0xcc, 32);
	ev_record_init(&rec, EV_READ);
	ev_record_set(&rec, EV_F_CAMERA_ID, "CAM-1");
	ev_record_set(&rec, EV_F_CHAIN_ID, "0123456789ABCDEF");
	ev_record_set(&rec, EV_F_CHAIN_SEQ, "17");
	ev_record_set(&rec, EV_F_RECORD_ID, "CAM-1-0123456789ABCDEF-17");
	memcpy(rh, h[6], 32);
	assert_int_equal(ev_proof_build(&p, (const uint8_t (*)[32])h, 9, 17,
					"CAM-1-0123456789ABCDEF-17", &cp, cph,
					err, sizeof err), 0);
	assert_int_equal(p.index, 6);
	assert_int_equal(p.size, 9);
	assert_int_equal(ev_proof_encode(&p, text, sizeof text, &len), 0);
	text[len] = '\0';
	assert_int_equal(ev_proof_parse(text, len, "x.proof", &q, err,
					sizeof err), 0);
	assert_memory_equal(&p, &q, sizeof p);
	assert_int_equal(ev_proof_check(&q, &rec, rh, &cp, cph, err,
					sizeof err), 0);
	/* the wrong leaves for the checkpoint: refused at build */
	h[0][0] ^= 1;
	assert_int_equal(ev_proof_build(&q, (const uint8_t (*)[32])h, 9, 17,
					"x", &cp, cph, err, sizeof err),
			 EV_EFORMAT);
	assert_non_null(strstr(err, "not the ones it covers"));
	h[0][0] ^= 1;
	/* another record (same chain): its hash is not the leaf */
	rh[0] ^= 1;
	assert_int_equal(ev_proof_check(&p, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "record_sha256"));
	rh[0] ^= 1;
	/* index edited (and its path left): refused by name */
	q = p;
	q.index = 5;
	assert_int_equal(ev_proof_check(&q, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "leaf_index is 5 but the signed records give 6"));
	q = p;
	q.size = 10;
	assert_int_equal(ev_proof_check(&q, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "tree_size"));
	q = p;
	q.path[1][3] ^= 0x80;
	assert_int_equal(ev_proof_check(&q, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "does not lead"));
	/* a record of another chain */
	ev_record_set(&rec, EV_F_CHAIN_ID, "0123456789ABCDEE");
	assert_int_equal(ev_proof_check(&p, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "another chain"));
	ev_record_set(&rec, EV_F_CHAIN_ID, "0123456789ABCDEF");
	/* a record outside the checkpoint's span */
	ev_record_set(&rec, EV_F_CHAIN_SEQ, "21");
	assert_int_equal(ev_proof_check(&p, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "not under checkpoint 20"));
	ev_record_set(&rec, EV_F_CHAIN_SEQ, "17");
	/* another checkpoint file */
	cph[5] ^= 1;
	assert_int_equal(ev_proof_check(&p, &rec, rh, &cp, cph, err,
					sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "checkpoint_sha256"));
	cph[5] ^= 1;
	/* the file: not canonical, a line out of order, junk after */
	memcpy(edit, text, len + 1);
	at = strstr(edit, "leaf_index=6");
	assert_non_null(at);
	memmove(at + 12, at + 11, strlen(at + 11) + 1);
	at[11] = '0';		/* leaf_index=06 */
	assert_int_not_equal(ev_proof_parse(edit, strlen(edit), "x.proof", &q,
					    err, sizeof err), 0);
	memcpy(edit, text, len + 1);
	strcat(edit, "note=x\n");
	assert_int_not_equal(ev_proof_parse(edit, strlen(edit), "x.proof", &q,
					    err, sizeof err), 0);
	assert_non_null(strstr(err, "x.proof: line"));
	memcpy(edit, text, len + 1);
	edit[len - 1] = '\0';	/* no final LF */
	assert_int_not_equal(ev_proof_parse(edit, len - 1, "x.proof", &q,
					    err, sizeof err), 0);
}

static void test_sign_verify(void **state)
{
	struct ev_key k, k2, pub;
	char sig[1024], tc[256], text[256], id[17];
	size_t sl, tl;
	const char msg[] = "format=anpr-record/1\n";

	(void)state;
	assert_int_equal(ev_key_generate(&k), 0);
	assert_int_equal(ev_key_generate(&k2), 0);
	assert_int_equal(ev_sign(&k, msg, sizeof msg - 1, "hello tc", sig,
				 sizeof sig, &sl), 0);
	assert_non_null(strstr(sig, "trusted comment: hello tc\n"));
	/* the public part alone verifies, via its file text */
	assert_int_equal(ev_pubkey_encode(&k, text, sizeof text, &tl), 0);
	assert_int_equal(ev_pubkey_parse(text, tl, "k.pub", &pub, err,
					 sizeof err), 0);
	assert_false(ev_key_has_secret(&pub));
	assert_int_equal(ev_verify_sig(&pub, msg, sizeof msg - 1, sig, sl,
				       "m.minisig", tc, sizeof tc, err,
				       sizeof err), 0);
	assert_string_equal(tc, "hello tc");
	/* altered message */
	assert_int_equal(ev_verify_sig(&pub, "format=anpr-record/2\n",
				       sizeof msg - 1, sig, sl, "m.minisig",
				       NULL, 0, err, sizeof err), EV_ESIG);
	assert_non_null(strstr(err, "m.minisig"));
	/* altered trusted comment */
	{
		char s2[1024];
		memcpy(s2, sig, sl + 1);
		*strstr(s2, "hello") = 'j';
		assert_int_equal(ev_verify_sig(&pub, msg, sizeof msg - 1, s2,
					       sl, "m.minisig", NULL, 0, err,
					       sizeof err), EV_ESIG);
		assert_non_null(strstr(err, "comment"));
	}
	/* other key */
	assert_int_equal(ev_verify_sig(&k2, msg, sizeof msg - 1, sig, sl,
				       "m.minisig", NULL, 0, err, sizeof err),
			 EV_EKEY);
	ev_key_id(k.keynum, id);
	assert_non_null(strstr(err, id));
	/* same key id, other key material */
	memcpy(k2.keynum, k.keynum, 8);
	assert_int_equal(ev_verify_sig(&k2, msg, sizeof msg - 1, sig, sl,
				       "m.minisig", NULL, 0, err, sizeof err),
			 EV_ESIG);
	/* damaged signature files */
	assert_int_equal(ev_verify_sig(&pub, msg, sizeof msg - 1, "junk", 4,
				       "j.minisig", NULL, 0, err, sizeof err),
			 EV_EFORMAT);
	assert_non_null(strstr(err, "j.minisig"));
	sig[sl - 10] = '!';
	assert_int_equal(ev_verify_sig(&pub, msg, sizeof msg - 1, sig, sl,
				       "d.minisig", NULL, 0, err, sizeof err),
			 EV_EFORMAT);
	assert_non_null(strstr(err, "line 4"));
	/* a newline in a trusted comment is refused */
	assert_int_equal(ev_sign(&k, msg, 1, "a\nb", sig, sizeof sig, &sl),
			 EV_EINVAL);
}

static void test_seckey(void **state)
{
	struct ev_key k, l;
	char text[512];
	size_t n;

	(void)state;
	assert_int_equal(ev_key_generate(&k), 0);
	assert_int_equal(ev_seckey_encode(&k, NULL, text, sizeof text, &n), 0);
	assert_int_equal(ev_seckey_parse(text, n, "k.key", NULL, &l, err,
					 sizeof err), 0);
	assert_memory_equal(ev_key_sk(&k), ev_key_sk(&l), 64);
	assert_memory_equal(k.pk, l.pk, 32);
	assert_memory_equal(k.keynum, l.keynum, 8);
	ev_key_free(&l);
	/* encrypted with scrypt, as minisign does */
	assert_int_equal(ev_seckey_encode(&k, "pass phrase", text, sizeof text,
					  &n), 0);
	assert_int_equal(ev_seckey_parse(text, n, "e.key", NULL, &l, err,
					 sizeof err), EV_EKEY);
	assert_non_null(strstr(err, "no passphrase"));
	assert_int_equal(ev_seckey_parse(text, n, "e.key", "wrong", &l, err,
					 sizeof err), EV_EKEY);
	assert_non_null(strstr(err, "wrong passphrase"));
	assert_int_equal(ev_seckey_parse(text, n, "e.key", "pass phrase", &l,
					 err, sizeof err), 0);
	assert_memory_equal(ev_key_sk(&k), ev_key_sk(&l), 64);
	ev_key_free(&l);
	/* corrupted */
	assert_int_equal(ev_seckey_parse("untrusted comment: x\nAAAA\n", 26,
					 "c.key", NULL, &l, err, sizeof err),
			 EV_EFORMAT);
	assert_non_null(strstr(err, "c.key"));
	assert_int_equal(ev_pubkey_parse("hello\n", 6, "p.pub", &l, err,
					 sizeof err), EV_EFORMAT);
	assert_non_null(strstr(err, "p.pub"));
}

static void test_keyfiles(void **state)
{
	char dir[] = "/tmp/ev-test-keys.XXXXXX", pub[128], sec[128];
	struct ev_key k, l;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pub, sizeof pub, "%s/cam.pub", dir);
	snprintf(sec, sizeof sec, "%s/cam.key", dir);
	assert_int_equal(ev_key_generate(&k), 0);
	assert_int_equal(ev_key_save(&k, pub, sec, NULL, false, NULL, err,
				     sizeof err), 0);
	assert_int_equal(stat(sec, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* no overwrite without force */
	assert_int_equal(ev_key_save(&k, pub, sec, NULL, false, NULL, err,
				     sizeof err), EV_EIO);
	assert_non_null(strstr(err, "--force"));
	assert_int_equal(ev_key_load_secret(sec, NULL, &l, err, sizeof err),
			 0);
	ev_key_free(&l);
	assert_int_equal(ev_key_load_public(pub, &l, err, sizeof err), 0);
	assert_memory_equal(k.pk, l.pk, 32);
	/* looser permissions are refused, naming the file and the mode */
	assert_int_equal(chmod(sec, 0640), 0);
	assert_int_equal(ev_key_load_secret(sec, NULL, &l, err, sizeof err),
			 EV_EPERM);
	assert_non_null(strstr(err, sec));
	assert_non_null(strstr(err, "0640"));
	assert_int_equal(chmod(sec, 0600), 0);
	/* missing file */
	assert_int_equal(ev_key_load_public("/nonexistent/x.pub", &l, err,
					    sizeof err), EV_EIO);
	assert_non_null(strstr(err, "/nonexistent/x.pub"));
	unlink(pub);
	unlink(sec);
	rmdir(dir);
}

/* The VmFlags of the mapping of this process that holds p contain flag
 * ("dd": MADV_DONTDUMP, left out of core dumps). */
static bool mapping_has_flag(const void *p, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long lo, hi, a = (unsigned long)p;
	bool in = false, found = false;

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)	/* a mapping */
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			char pat[8];

			snprintf(pat, sizeof pat, " %s", flag);
			found = strstr(line, pat) != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Issue 18: the secret key must never be in memory a core dump holds.
 * A generated, a parsed and a loaded key keep theirs in don't-dump
 * memory; copies share it; the last release frees it. */
static void test_secret_memory(void **state)
{
	char dir[] = "/tmp/ev-test-secmem.XXXXXX", pub[128], sec[128];
	struct ev_key k, c, l;
	char sig[1024];
	size_t sl;

	(void)state;
	assert_int_equal(ev_key_generate(&k), 0);
	assert_non_null(ev_key_sk(&k));
	assert_true(mapping_has_flag(ev_key_sk(&k), "dd"));
	/* ... and the check can tell: the struct itself is on the stack */
	assert_false(mapping_has_flag(&k, "dd"));
	assert_memory_equal(ev_key_sk(&k) + 32, k.pk, 32);
	ev_key_copy(&c, &k);
	assert_ptr_equal(ev_key_sk(&c), ev_key_sk(&k));
	ev_key_free(&k);
	assert_false(ev_key_has_secret(&k));
	assert_int_equal(ev_sign(&c, "m", 1, "tc", sig, sizeof sig, &sl), 0);
	assert_int_equal(ev_verify_sig(&c, "m", 1, sig, sl, "m.minisig",
				       NULL, 0, err, sizeof err), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(pub, sizeof pub, "%s/k.pub", dir);
	snprintf(sec, sizeof sec, "%s/k.key", dir);
	assert_int_equal(ev_key_save(&c, pub, sec, NULL, false, NULL, err,
				     sizeof err), 0);
	assert_int_equal(ev_key_load_secret(sec, NULL, &l, err, sizeof err),
			 0);
	assert_true(mapping_has_flag(ev_key_sk(&l), "dd"));
	assert_memory_equal(ev_key_sk(&l), ev_key_sk(&c), EV_SK_LEN);
	ev_key_free(&l);
	ev_key_free(&c);
	ev_key_free(&c);	/* harmless twice: the pointer is cleared */
	/* a key without a secret signs nothing */
	assert_int_equal(ev_sign(&c, "m", 1, "tc", sig, sizeof sig, &sl),
			 EV_EINVAL);
	unlink(pub);
	unlink(sec);
	rmdir(dir);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Issue 18: a passphrase file others may read or write is refused like
 * a loose secret key, naming the file and the mode; a systemd
 * credential (systemd guards its directory) is taken as it is. */
static void test_passphrase_file(void **state)
{
	char dir[] = "/tmp/ev-test-pass.XXXXXX", p[128];
	char *out = ev_secure_alloc(64);

	(void)state;
	assert_non_null(out);
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/pass", dir);
	write_text(p, "correct horse\n", 0644);
	assert_int_equal(ev_read_passphrase(p, out, 64, err, sizeof err),
			 EV_EPERM);
	assert_non_null(strstr(err, p));
	assert_non_null(strstr(err, "passphrase file permissions 0644 are "
				    "too open"));
	assert_int_equal(chmod(p, 0620), 0);
	assert_int_equal(ev_read_passphrase(p, out, 64, err, sizeof err),
			 EV_EPERM);
	assert_non_null(strstr(err, "0620 are too open (group/other may "
				    "write it)"));
	assert_int_equal(ev_read_credential_passphrase(p, out, 64, err,
						       sizeof err), 0);
	assert_string_equal(out, "correct horse");
	assert_int_equal(chmod(p, 0600), 0);
	memset(out, 0, 64);
	assert_int_equal(ev_read_passphrase(p, out, 64, err, sizeof err), 0);
	assert_string_equal(out, "correct horse");
	assert_true(mapping_has_flag(out, "dd"));
	/* longer than the caller's buffer: refused, not cut short */
	assert_int_equal(ev_read_passphrase(p, out, 8, err, sizeof err),
			 EV_EFORMAT);
	unlink(p);
	rmdir(dir);
	ev_secure_free(out);
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void sha_of(const char *path, uint8_t out[32])
{
	assert_int_equal(ev_sha256_file(path, out, err, sizeof err), 0);
}

/* Issue 18: ev_key_save -f replaces the pair whole or not at all. */
static void test_key_save_replaces_whole(void **state)
{
	char dir[] = "/tmp/ev-test-save.XXXXXX", pub[128], sec[128], bad[160];
	uint8_t p0[32], s0[32], p1[32], s1[32];
	struct ev_key k, n;
	struct ev_key_owner nobody = { (uid_t)424242, (gid_t)424242 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pub, sizeof pub, "%s/cam.pub", dir);
	snprintf(sec, sizeof sec, "%s/cam.key", dir);
	assert_int_equal(ev_key_generate(&k), 0);
	assert_int_equal(ev_key_generate(&n), 0);
	assert_int_equal(ev_key_save(&k, pub, sec, NULL, false, NULL, err,
				     sizeof err), 0);
	sha_of(pub, p0);
	sha_of(sec, s0);
	/* the public key's directory does not exist */
	snprintf(bad, sizeof bad, "%s/missing/cam.pub", dir);
	assert_int_equal(ev_key_save(&n, bad, sec, NULL, true, NULL, err,
				     sizeof err), EV_EIO);
	assert_non_null(strstr(err, bad));
	/* the secret key's target is a directory */
	snprintf(bad, sizeof bad, "%s/adir", dir);
	assert_int_equal(mkdir(bad, 0700), 0);
	assert_int_equal(ev_key_save(&n, pub, bad, NULL, true, NULL, err,
				     sizeof err), EV_EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	rmdir(bad);
	/* the owner cannot be set (not root), or is refused (root: works) */
	if (geteuid() != 0) {
		assert_int_equal(ev_key_save(&n, pub, sec, NULL, true, &nobody,
					     err, sizeof err), EV_EIO);
		assert_non_null(strstr(err, sec));
	}
	sha_of(pub, p1);
	sha_of(sec, s1);
	assert_memory_equal(p0, p1, 32);
	assert_memory_equal(s0, s1, 32);
	assert_int_equal(count_entries(dir), 2);	/* no temporary left */
	/* without force, an existing secret key alone stops both */
	unlink(pub);
	assert_int_equal(ev_key_save(&n, pub, sec, NULL, false, NULL, err,
				     sizeof err), EV_EIO);
	assert_non_null(strstr(err, "File exists (use --force"));
	assert_int_equal(access(pub, F_OK), -1);
	/* and force replaces both */
	assert_int_equal(ev_key_save(&n, pub, sec, NULL, true, NULL, err,
				     sizeof err), 0);
	sha_of(pub, p1);
	sha_of(sec, s1);
	assert_memory_not_equal(p0, p1, 32);
	assert_memory_not_equal(s0, s1, 32);
	ev_key_free(&k);
	ev_key_free(&n);
	unlink(pub);
	unlink(sec);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_merkle),
		cmocka_unit_test(test_inclusion),
		cmocka_unit_test(test_proof_file),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_seckey),
		cmocka_unit_test(test_keyfiles),
		cmocka_unit_test(test_secret_memory),
		cmocka_unit_test(test_passphrase_file),
		cmocka_unit_test(test_key_save_replaces_whole),
	};

	if (ev_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
