// SPDX-License-Identifier: MIT
/* test_hotlist.c - hotlist CSV parsing, matching (exact, look-alike,
 * wildcard), bad files, reload diff and search back, RCU-like swapping
 * under concurrent readers.
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hotlist.h"
#include "core/hotlist_holder.h"
#include "core/recent.h"
#include "core/vrm.h"

static const char good_csv[] =
	"# PNC extract, 2026-11-24\n"
	"vrm,list,reason,priority,action\n"
	"AB12CDE,PNC,Stolen vehicle,1,intercept\n"
	"ab12 cde,LOCAL,\"Seen at burglary, 12 Nov\",3,inform\n"
	"\n"
	"  # indented comment\n"
	"SO51ABC,PNC,\"He said \"\"run\"\"\",2,intercept\n"
	"BO08SSS,COVERT,Surveillance,5,silent\r\n"
	"AB12?DE,PARTIAL,Partial plate from witness,4,inform\n"
	"YK6*,PARTIAL,Witness saw YK6,6,inform\n"
	"*77XYZ,PARTIAL,Last part only,7,inform\n"
	"?X99XYZ,PARTIAL,First char unknown,7,inform\n";

#define HDR "vrm,list,reason,priority,action\n"

static struct hotlist *build(const char *name, const char *csv)
{
	struct hotlist_builder *b = hotlist_builder_new();
	struct hotlist *hl = NULL;
	char err[512];

	if (hotlist_parse_csv(b, name, csv, strlen(csv), err, sizeof(err))) {
		hotlist_builder_free(b);
		fail_msg("parse: %s", err);
	}
	if (hotlist_builder_finish(b, &hl, err, sizeof(err)))
		fail_msg("finish: %s", err);
	return hl;
}

static void test_vrm(void **state)
{
	char out[16];
	(void)state;

	assert_int_equal(vrm_normalise(" ab12 cde ", out, sizeof(out), 0), 7);
	assert_string_equal(out, "AB12CDE");
	assert_int_equal(vrm_normalise("AB12-CDE", out, sizeof(out), 0), 7);
	assert_int_equal(vrm_normalise("AB12?", out, sizeof(out), 0), -1);
	assert_int_equal(vrm_normalise("AB12?", out, sizeof(out), 1), 5);
	assert_int_equal(vrm_normalise("AB.12", out, sizeof(out), 0), -1);
	assert_int_equal(vrm_normalise("   ", out, sizeof(out), 0), -2);
	assert_int_equal(vrm_normalise("ABCDEFGHIJKLMNOP", out, 11, 0), VRM_TOO_LONG);
	assert_int_equal(vrm_confusion_distance("AB12CDE", "A812CDE"), 1);
	assert_int_equal(vrm_confusion_distance("SO51ABC", "5051A8C"), 3);
	assert_int_equal(vrm_confusion_distance("AB12CDE", "AB12CDF"), -1);
	assert_int_equal(vrm_confusion_distance("AB12CDE", "AB12CD"), -1);
}

static void test_exact_and_fuzzy(void **state)
{
	struct hotlist *hl = build("pnc.csv", good_csv);
	struct hotlist_hit h[8];
	int n;
	(void)state;

	assert_int_equal(hotlist_count(hl), 8);
	assert_int_equal(hotlist_wildcard_count(hl), 4);

	/* exact, on two lists: both reported, more urgent first */
	n = hotlist_lookup(hl, "AB12 CDE", 2, h, 8);
	assert_int_equal(n, 3);	/* PNC, LOCAL, and the wildcard AB12?DE */
	assert_int_equal(h[0].distance, 0);
	assert_string_equal(h[0].entry.list, "PNC");
	assert_string_equal(h[0].entry.reason, "Stolen vehicle");
	assert_int_equal(h[0].entry.priority, 1);
	assert_int_equal(h[0].entry.action, HOTLIST_ACT_INTERCEPT);
	assert_string_equal(h[0].entry.file, "pnc.csv");
	assert_int_equal(h[0].entry.line, 3);
	assert_string_equal(h[1].entry.list, "LOCAL");
	assert_string_equal(h[1].entry.reason, "Seen at burglary, 12 Nov");
	assert_int_equal(h[1].entry.line, 4);
	assert_int_equal(h[2].entry.wildcard, 1);
	assert_string_equal(h[2].entry.vrm, "AB12?DE");

	/* a look-alike misread: B read as 8 */
	n = hotlist_lookup(hl, "A812CDE", 2, h, 8);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].distance, 1);
	assert_string_equal(h[0].entry.vrm, "AB12CDE");

	/* three swaps: over the default limit, within a limit of 3 */
	assert_int_equal(hotlist_lookup(hl, "5051A8C", 2, h, 8), 0);
	n = hotlist_lookup(hl, "5051A8C", 3, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].distance, 3);
	assert_string_equal(h[0].entry.reason, "He said \"run\"");
	/* exact only */
	assert_int_equal(hotlist_lookup(hl, "A812CDE", 0, h, 8), 0);
	/* digit in the list, letter in the read: folds both ways */
	n = hotlist_lookup(hl, "BOO8SSS", 1, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].distance, 1);
	assert_int_equal(h[0].entry.action, HOTLIST_ACT_SILENT);
	/* misses: a non-look-alike difference, another length */
	assert_int_equal(hotlist_lookup(hl, "AB12CDF", 4, h, 8), 0);
	assert_int_equal(hotlist_lookup(hl, "AB12CD", 4, h, 8), 0);
	assert_int_equal(hotlist_lookup(hl, "ZZ99ZZZ", 4, h, 8), 0);
	/* not a mark at all */
	assert_int_equal(hotlist_lookup(hl, "AB#12", 2, h, 8), -1);
	assert_int_equal(hotlist_lookup(hl, "", 2, h, 8), -1);
	/* maxhits smaller than the hits: count still reported */
	assert_int_equal(hotlist_lookup(hl, "AB12CDE", 2, h, 1), 3);
	assert_string_equal(h[0].entry.list, "PNC");
	hotlist_free(hl);
}

static void test_wildcards(void **state)
{
	struct hotlist *hl = build("w.csv", good_csv);
	struct hotlist_hit h[8];
	int n;
	(void)state;

	n = hotlist_lookup(hl, "AB12XDE", 2, h, 8);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].entry.vrm, "AB12?DE");
	assert_int_equal(h[0].distance, 0);
	/* '*' matches any run, including none */
	assert_int_equal(hotlist_lookup(hl, "YK6", 2, h, 8), 1);
	assert_int_equal(hotlist_lookup(hl, "YK66ABC", 2, h, 8), 1);
	assert_int_equal(hotlist_lookup(hl, "YK7ABC", 2, h, 8), 0);
	assert_int_equal(hotlist_lookup(hl, "AB77XYZ", 2, h, 8), 1);
	assert_string_equal(h[0].entry.vrm, "*77XYZ");
	assert_int_equal(hotlist_lookup(hl, "77XYZ", 2, h, 8), 1);
	assert_int_equal(hotlist_lookup(hl, "77XYZA", 2, h, 8), 0);
	/* leading '?' (general bucket) */
	assert_int_equal(hotlist_lookup(hl, "QX99XYZ", 2, h, 8), 1);
	assert_int_equal(hotlist_lookup(hl, "X99XYZ", 2, h, 8), 0);
	/* look-alikes inside a wildcard's literal part */
	n = hotlist_lookup(hl, "A812XD3", 2, h, 8);
	assert_int_equal(n, 0);
	n = hotlist_lookup(hl, "A8I2XDE", 2, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].distance, 2);
	assert_int_equal(hotlist_lookup(hl, "A8I2XDE", 1, h, 8), 0);
	/* bucket of a read whose first letters fold: YK6 read as YK6 ok, and
	 * "*77XYZ" reached with a fuzzy tail */
	n = hotlist_lookup(hl, "AB77XY2", 2, h, 8);
	assert_int_equal(n, 0);
	hotlist_free(hl);
}

/*
 * Issue 18, finding 18: reads of 11 to 16 characters (the reader reads up
 * to 12, a record holds 16) matched no entry, exact or wildcard, because
 * the hotlist stopped at 10. Every length up to the record format's limit
 * matches, exactly, fuzzily and by pattern; one more is refused.
 */
static void test_long_marks(void **state)
{
	static const char full[] = "ABCDEFGHJKLMNPRT";	/* 16, no look-alikes */
	char csv[4096], read[32], want[32];
	struct hotlist *hl;
	struct hotlist_hit h[8];
	size_t off;
	(void)state;

	assert_int_equal(strlen(full), HOTLIST_VRM_MAX);
	assert_int_equal(HOTLIST_VRM_MAX, 16);	/* docs/record-format.md */
	off = (size_t)snprintf(csv, sizeof(csv), HDR);
	for (int len = 11; len <= 16; len++)
		off += (size_t)snprintf(csv + off, sizeof(csv) - off, "%.*s,EXACT,len %d,1,intercept\n",
					len, full, len);
	/* patterns as long as the longest mark, and ones that reach it */
	off += (size_t)snprintf(csv + off, sizeof(csv) - off,
				"ZZCDEFGHJKLMNPR?,WILD,q16,2,inform\n"
				"?YCDEFGHJKLMNPRT,WILD,lead16,2,inform\n"
				"XX1*,WILD,star,3,inform\n"
				"*WW99,WILD,tail,3,inform\n");
	hl = build("long.csv", csv);
	assert_int_equal(hotlist_count(hl), 10);
	for (int len = 11; len <= 16; len++) {
		snprintf(read, sizeof(read), "%.*s", len, full);
		assert_int_equal(hotlist_lookup(hl, read, 0, h, 8), 1);
		assert_string_equal(h[0].entry.vrm, read);
		snprintf(want, sizeof(want), "len %d", len);
		assert_string_equal(h[0].entry.reason, want);
		/* blanks and case, as read */
		snprintf(read, sizeof(read), "%.4s %.*s", "abcd", len - 4, full + 4);
		assert_int_equal(hotlist_lookup(hl, read, 0, h, 8), 1);
	}
	/* a look-alike swap in the 16th character */
	assert_int_equal(hotlist_lookup(hl, "ABCDEFGHJKLMNPR7", 2, h, 8), 0);
	assert_int_equal(hotlist_lookup(hl, "ABCDEFGHJKLMNP5T", 2, h, 8), 0);
	assert_int_equal(hotlist_lookup(hl, "ABCDEFGHJKLMNPRT", 2, h, 8), 1);
	hotlist_free(hl);
	hl = build("lookalike.csv", HDR "ABCDEFGHJKLMNPRS,PNC,s,1,intercept\n");
	assert_int_equal(hotlist_lookup(hl, "ABCDEFGHJKLMNPR5", 2, h, 8), 1);
	assert_int_equal(h[0].distance, 1);
	hotlist_free(hl);
	hl = build("long.csv", csv);
	/* wildcards over 11..16 character reads */
	assert_int_equal(hotlist_lookup(hl, "ZZCDEFGHJKLMNPRX", 0, h, 8), 1);
	assert_string_equal(h[0].entry.reason, "q16");
	assert_int_equal(hotlist_lookup(hl, "QYCDEFGHJKLMNPRT", 0, h, 8), 1);
	assert_string_equal(h[0].entry.reason, "lead16");
	for (int len = 11; len <= 16; len++) {
		memset(read, 'A', sizeof(read));
		memcpy(read, "XX1", 3);
		read[len] = '\0';
		assert_int_equal(hotlist_lookup(hl, read, 0, h, 8), 1);
		assert_string_equal(h[0].entry.reason, "star");
		memset(read, 'C', sizeof(read));
		memcpy(read + len - 4, "WW99", 5);
		assert_int_equal(hotlist_lookup(hl, read, 0, h, 8), 1);
		assert_string_equal(h[0].entry.reason, "tail");
	}
	/* 17 characters: no record holds it, so it is not a plausible read */
	memset(read, 'C', 17);
	memcpy(read + 13, "WW99", 5);
	assert_int_equal(hotlist_lookup(hl, read, 0, h, 8), -1);
	hotlist_free(hl);
}

struct bad_case {
	const char *csv;
	const char *expect;
};

static const struct bad_case bad_cases[] = {
	{"", "bad.csv: empty (no header"},
	{"# only a comment\n", "bad.csv: empty (no header"},
	{"AB12CDE,PNC,x,1,intercept\n", "bad.csv:1: the first line must be the header"},
	{"vrm,list,reason,priority\n", "bad.csv:1: the first line must be the header"},
	{HDR "AB12CDE,PNC,x,1\n", "bad.csv:2: expected 5 fields"},
	{HDR "AB12CDE,PNC,x,1,intercept,extra\n", "bad.csv:2: more than 5 fields"},
	{HDR "AB12CDE,PNC,\"x,1,intercept\n", "bad.csv:2: field 3: quote not closed"},
	{HDR "AB12CDE,PNC,\"x\"y,1,intercept\n", "bad.csv:2: field 3: text after the closing quote"},
	{HDR "AB12CDE,PNC,x\"y,1,intercept\n", "bad.csv:2: field 3: quote inside an unquoted field"},
	{HDR "AB12.CDE,PNC,x,1,intercept\n", "bad.csv:2: vrm 'AB12.CDE' has a character other than"},
	{HDR ",PNC,x,1,intercept\n", "bad.csv:2: vrm '' is empty"},
	{HDR "AB12CDEFGHJKLMNPR,PNC,x,1,intercept\n",
	 "bad.csv:2: vrm 'AB12CDEFGHJKLMNPR' is longer than 16 characters (the longest mark a record holds)"},
	{HDR "AB12 CDEF GHJK LMNP R,PNC,x,1,intercept\n", "is longer than 16 characters"},
	{HDR "AB12CDEFGHJKLMN?*,PNC,x,1,intercept\n", "vrm 'AB12CDEFGHJKLMN?*' is longer than 16"},
	{HDR "AB*,PNC,x,1,intercept\n", "bad.csv:2: wildcard vrm 'AB*' has fewer than 3"},
	{HDR "AB12CDE,P N C,x,1,intercept\n", "bad.csv:2: list name 'P N C' is not"},
	{HDR "AB12CDE,,x,1,intercept\n", "bad.csv:2: list name '' is not"},
	{HDR "AB12CDE,PNC,x,0,intercept\n", "bad.csv:2: priority 0 is out of range 1..9"},
	{HDR "AB12CDE,PNC,x,high,intercept\n", "bad.csv:2: priority 'high' is not a whole number"},
	{HDR "AB12CDE,PNC,x,1,arrest\n", "bad.csv:2: action 'arrest' is not intercept, inform or silent"},
	{HDR "AB12CDE,PNC,x\x01y,1,intercept\n", "bad.csv:2: field 3 (reason): control character 0x01 at byte 2"},
	/* issue 18, finding 8: Windows-1252 extracts, invalid UTF-8 of every
	 * kind, control characters, named by file, line and field */
	{HDR "AB12CDE,PNC,Stolen \xa3""5000 van,1,intercept\n",
	 "bad.csv:2: field 3 (reason): not valid UTF-8 (byte 0xA3 at byte 8"},
	{HDR "AB12CDE,PNC,\"Caf\xe9, Leeds\",1,intercept\n",
	 "bad.csv:2: field 3 (reason): not valid UTF-8 (byte 0xE9 at byte 4"},
	{HDR "AB12CDE,PNC,over\xc0\xaflong,1,intercept\n", "field 3 (reason): not valid UTF-8 (byte 0xC0"},
	{HDR "AB12CDE,PNC,surrogate \xed\xa0\x80,1,intercept\n", "field 3 (reason): not valid UTF-8 (byte 0xED"},
	{HDR "AB12CDE,PNC,big \xf4\x90\x80\x80,1,intercept\n", "field 3 (reason): not valid UTF-8 (byte 0xF4"},
	{HDR "AB12CDE,PNC,cut \xe2\x82,1,intercept\n", "field 3 (reason): not valid UTF-8 (byte 0xE2"},
	{HDR "AB12CDE,PNC,stray \x80,1,intercept\n", "field 3 (reason): not valid UTF-8 (byte 0x80"},
	{HDR "AB12CDE,PNC,x\xff,1,intercept\n", "field 3 (reason): not valid UTF-8 (byte 0xFF"},
	{HDR "AB12CDE,PNC,next line \xc2\x85 here,1,intercept\n",
	 "bad.csv:2: field 3 (reason): control character U+0085 at byte 11"},
	{HDR "AB12CDE,PNC,del\x7f,1,intercept\n", "field 3 (reason): control character 0x7F"},
	{HDR "AB12CDE,PNC,\"esc\x1b[31m\",1,intercept\n", "field 3 (reason): control character 0x1B"},
	{HDR "AB12CDE,PNC,\"cr\rlf\",1,intercept\n", "field 3 (reason): control character 0x0D"},
	{HDR "AB12CDE,PNC,tab\there,1,intercept\n", "bad.csv:2: reason: control character 0x09 at byte 4"},
	{HDR "AB12CDE,PN\xc3,x,1,intercept\n", "bad.csv:2: field 2 (list): not valid UTF-8"},
	{HDR "AB12CD\xc9,PNC,x,1,intercept\n", "bad.csv:2: field 1 (vrm): not valid UTF-8"},
	{HDR "AB12CDE,PNC,x,1,intercept\xa0\n", "bad.csv:2: field 5 (action): not valid UTF-8"},
	{"# \xa3 comment\n" HDR, "bad.csv:1: not valid UTF-8 (byte 0xA3 at byte 3"},
	{"vrm,list,reason,priority,action\x01\n", "bad.csv:1: control character 0x01"},
	{HDR "\n# c\nAB12CDE,PNC,x,1,intercept\nXY12CDE,PNC,x,1,intercept\nab12 cde,PNC,y,2,inform\n",
	 "bad.csv:6: AB12CDE is already in list PNC (bad.csv:4)"},
	{HDR "AB12?DE,PNC,x,1,intercept\nAB12?DE,PNC,x,1,intercept\n",
	 "bad.csv:3: AB12?DE is already in list PNC (bad.csv:2)"},
};

static void test_bad_files(void **state)
{
	int failures = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct hotlist_builder *b = hotlist_builder_new();
		struct hotlist *hl = NULL;
		char err[512] = "";
		int rc = hotlist_parse_csv(b, "bad.csv", bad_cases[i].csv, strlen(bad_cases[i].csv), err,
					   sizeof(err));
		if (rc == 0)
			rc = hotlist_builder_finish(b, &hl, err, sizeof(err));
		else
			hotlist_builder_free(b);
		if (rc != -1 || !strstr(err, bad_cases[i].expect)) {
			print_error("case %zu: rc %d, '%s', expected '%s'\n", i,
				    rc, err, bad_cases[i].expect);
			failures++;
		}
		hotlist_free(hl);
	}
	/* a reason over the limit, and an over-long line */
	char *big = malloc(3000);
	snprintf(big, 3000, HDR "AB12CDE,PNC,");
	memset(big + strlen(big), 'r', 300);
	snprintf(big + strlen(HDR) + 12 + 300, 100, ",1,intercept\n");
	struct hotlist_builder *b = hotlist_builder_new();
	char err[512];
	assert_int_equal(hotlist_parse_csv(b, "r.csv", big, strlen(big), err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "r.csv:2: reason longer than 200 bytes"));
	memset(big + strlen(HDR), 'x', 1100);
	big[strlen(HDR) + 1100] = '\n';
	big[strlen(HDR) + 1101] = '\0';
	assert_int_equal(hotlist_parse_csv(b, "r.csv", big, strlen(big), err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "r.csv:2: line longer than 1024 bytes"));
	/* a NUL byte: not text */
	static const char nul[] = HDR "AB12CDE,PNC,x\0y,1,intercept\n";
	assert_int_equal(hotlist_parse_csv(b, "n.csv", nul, sizeof(nul) - 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "n.csv:2: control character 0x00 at byte 14"));
	hotlist_builder_free(b);
	free(big);
	assert_int_equal(failures, 0);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/anprd-hotlist-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Files load all or nothing; a duplicate across files names both. */
static void test_load_files(void **state)
{
	char *a = write_tmp(HDR "AB12CDE,PNC,x,1,intercept\n");
	char *b = write_tmp(HDR "XY12CDE,LOCAL,y,2,inform\n");
	char *c = write_tmp(HDR "# dup\nAB12CDE,PNC,z,1,intercept\n");
	struct hotlist *hl = NULL, *keep;
	struct hotlist_hit h[4];
	char err[512], want[600];
	(void)state;

	const char *good[] = {a, b};
	assert_int_equal(hotlist_load(good, 2, &hl, err, sizeof(err)), 0);
	assert_int_equal(hotlist_count(hl), 2);
	assert_int_equal(hotlist_lookup(hl, "XY12CDE", 0, h, 4), 1);
	assert_string_equal(h[0].entry.file, b);
	keep = hl;
	const char *bad[] = {a, b, c};
	assert_int_equal(hotlist_load(bad, 3, &hl, err, sizeof(err)), -1);
	assert_ptr_equal(hl, keep);	/* the old list stays */
	snprintf(want, sizeof(want), "%s:3: AB12CDE is already in list PNC "
		 "(%s:2)", c, a);
	assert_string_equal(err, want);
	const char *missing[] = {a, "/nonexistent/hot.csv"};
	assert_int_equal(hotlist_load(missing, 2, &hl, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/hot.csv: cannot open: No such "
			    "file or directory");
	assert_ptr_equal(hl, keep);
	hotlist_free(keep);
	unlink(a);
	unlink(b);
	unlink(c);
	free(a);
	free(b);
	free(c);
}

/* What docs/record-format.md tells a defence expert to run. */
static void coreutils_digest(const char *files, char out[65])
{
	char cmd[1024];
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "sha256sum %s | cut -c1-64 | LC_ALL=C sort | sha256sum", files);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(out, 65, f));
	assert_int_equal(strlen(out), 64);
	assert_int_equal(pclose(f), 0);
}

/*
 * The hotlist set's digest (every read record's hotlist_set_sha256) is
 * what coreutils computes from the files, whatever their order in the
 * configuration; any byte changed changes it; no file, the SHA-256 of
 * nothing; a reload carries the new set's.
 */
static void test_set_digest(void **state)
{
	char *a = write_tmp(HDR "AB12CDE,PNC,x,1,intercept\n");
	char *b = write_tmp(HDR "XY12CDE,LOCAL,y,2,inform\n");
	char *b2 = write_tmp(HDR "XY12CDE,LOCAL,z,2,inform\n");
	struct hotlist *h1, *h2, *h3, *h0;
	struct hotlist_holder hh;
	char err[512], want[65], files[512];
	int slot;
	(void)state;

	const char *ab[] = {a, b}, *ba[] = {b, a}, *ab2[] = {a, b2};
	assert_int_equal(hotlist_load(ab, 2, &h1, err, sizeof(err)), 0);
	assert_int_equal(hotlist_load(ba, 2, &h2, err, sizeof(err)), 0);
	assert_int_equal(hotlist_load(ab2, 2, &h3, err, sizeof(err)), 0);
	assert_int_equal(hotlist_load(NULL, 0, &h0, err, sizeof(err)), 0);
	snprintf(files, sizeof(files), "%s %s", a, b);
	coreutils_digest(files, want);
	assert_string_equal(hotlist_set_sha256(h1), want);
	assert_string_equal(hotlist_set_sha256(h2), want);
	assert_string_not_equal(hotlist_set_sha256(h3), want);
	snprintf(files, sizeof(files), "%s %s", b2, a);
	coreutils_digest(files, want);
	assert_string_equal(hotlist_set_sha256(h3), want);
	/* no file: the SHA-256 of nothing (printf '' | sha256sum) */
	assert_string_equal(hotlist_set_sha256(h0),
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(hotlist_set_sha256(NULL), hotlist_set_sha256(h0));
	hotlist_free(h2);
	hotlist_free(h3);
	hotlist_free(h0);
	/* the holder's list in force carries its own digest */
	hotlist_holder_init(&hh, h1);
	slot = hotlist_holder_register(&hh);
	assert_int_equal(hotlist_holder_reload(&hh, ab2, 2, NULL, err, sizeof(err)), 2);
	snprintf(files, sizeof(files), "%s %s", a, b2);
	coreutils_digest(files, want);
	assert_string_equal(hotlist_set_sha256(hotlist_holder_read_lock(&hh, slot)), want);
	hotlist_holder_read_unlock(&hh, slot);
	hotlist_holder_destroy(&hh);
	unlink(a);
	unlink(b);
	unlink(b2);
	free(a);
	free(b);
	free(b2);
}

struct back {
	int n;
	char vrm[8][HOTLIST_VRM_MAX + 1];
	int dist[8];
	uint64_t vehicle[8];
	char source[8][ANPRD_ID_MAX + 1];
	char record[8][ALERT_RECORD_MAX + 1];
	float conf[8];
};

static int on_back(void *ctx, const struct recent_read *r,
		   const struct hotlist_hit *hit)
{
	struct back *bk = ctx;

	if (bk->n < 8) {
		snprintf(bk->vrm[bk->n], sizeof(bk->vrm[0]), "%s", r->vrm);
		bk->dist[bk->n] = hit->distance;
		bk->vehicle[bk->n] = r->vehicle;
		snprintf(bk->source[bk->n], sizeof(bk->source[0]), "%s", r->source);
		snprintf(bk->record[bk->n], sizeof(bk->record[0]), "%s", r->record);
		bk->conf[bk->n] = r->confidence;
	}
	bk->n++;
	return 0;
}

static void test_added_and_search_back(void **state)
{
	struct hotlist *before = build("v1.csv", HDR
		"AA11AAA,PNC,a,1,intercept\n"
		"BB22BBB,PNC,b,1,intercept\n");
	struct hotlist *now = build("v2.csv", HDR
		"BB22BBB,PNC,b,1,intercept\n"
		"BB22BBB,LOCAL,b too,3,inform\n"
		"CC33CCC,PNC,c,1,intercept\n"
		"DD4*,PARTIAL,d,5,inform\n");
	struct hotlist *added = hotlist_added(before, now);
	struct hotlist_hit h[4];
	const struct recent_read reads[] = {
		{"AA11AAA", 1000, 1, "s", 0.9f, "C-1"},	/* only in the old list */
		{"CC33CCC", 500, 2, "s", 0.9f, "C-2"},	/* too old for the window */
		{"CC33CCC", 9000, 3, "s", 0.9f, "C-3"},
		{"CC33CCC", 10001, 4, "s", 0.9f, "C-4"},	/* in the future: ignored */
		{"DD45XYZ", 9500, 5, "s", 0.9f, "C-5"},
		{"BB22BBB", 9600, 6, "s", 0.9f, "C-6"},	/* new on LOCAL */
		{"CC33C0C", 9700, 7, "s", 0.9f, "C-7"},	/* not a look-alike: O vs C no */
		{"CC33CCC", 2000, 8, "s", 0.9f, "C-8"},	/* exactly at the window's edge */
		{"CC33CCC", 9800, 9, "s", 0.9f, ""},	/* no record (yet): skipped */
	};
	struct back bk = {0};
	(void)state;

	assert_non_null(added);
	assert_int_equal(hotlist_count(added), 3);
	assert_int_equal(hotlist_lookup(added, "BB22BBB", 0, h, 4), 1);
	assert_string_equal(h[0].entry.list, "LOCAL");
	assert_int_equal(hotlist_lookup(added, "AA11AAA", 0, h, 4), 0);
	size_t n = hotlist_search_back(added, reads, 9, 10000, 8000, 2,
				       on_back, &bk);
	assert_int_equal(n, 4);
	assert_int_equal(bk.n, 4);
	assert_string_equal(bk.vrm[0], "CC33CCC");
	assert_string_equal(bk.vrm[1], "DD45XYZ");
	assert_string_equal(bk.vrm[2], "BB22BBB");
	assert_string_equal(bk.vrm[3], "CC33CCC");
	/* nothing new: nothing searched */
	struct hotlist *none = hotlist_added(now, now);
	assert_int_equal(hotlist_count(none), 0);
	bk.n = 0;
	assert_int_equal(hotlist_search_back(none, reads, 8, 10000, 8000, 2,
					     on_back, &bk), 0);
	/* everything is new against no list */
	struct hotlist *all = hotlist_added(NULL, now);
	assert_int_equal(hotlist_count(all), 4);
	hotlist_free(all);
	hotlist_free(none);
	hotlist_free(added);
	hotlist_free(before);
	hotlist_free(now);
}

/* The ring of recent reads: wraps, forgets, counts what it lost. */
static void test_recent_ring(void **state)
{
	struct recent rc;
	struct hotlist *added = build("new.csv", HDR
		"CC33CCC,PNC,c,1,intercept\n"
		"DD4*,PARTIAL,d,5,inform\n");
	struct back bk = {0};
	(void)state;

	assert_int_equal(recent_init(&rc, 4, 10000), 0);
	recent_add(&rc, "cc33 ccc", 1000, 1, "front", 0.9f);	/* overwritten, in window */
	recent_add(&rc, "AA11AAA", 2000, 2, "front", 0.9f);
	recent_add(&rc, "DD45XYZ", 3000, 3, "front", 0.9f);
	recent_add(&rc, "not a mark!", 4000, 4, "front", 0.9f);
	assert_int_equal(rc.overwritten, 0);
	recent_add(&rc, "CC33CCC", 5000, 5, "rear", 0.871f);
	recent_add(&rc, "CC33C0C", 6000, 6, "rear", 0.9f);	/* not a look-alike */
	assert_int_equal(rc.overwritten, 2);
	assert_int_equal(rc.n, 4);
	/* nothing is searched before its record is written */
	assert_int_equal(recent_search_back(&rc, added, 12000, 2, on_back, &bk), 0);
	assert_int_equal(recent_set_record(&rc, 3, "CAM-0123456789ABCDEF-3"), 0);
	assert_int_equal(recent_set_record(&rc, 5, "CAM-0123456789ABCDEF-5"), 0);
	assert_int_equal(recent_set_record(&rc, 1, "CAM-0123456789ABCDEF-1"), -1);	/* gone */
	bk.n = 0;
	size_t n = recent_search_back(&rc, added, 12000, 2, on_back, &bk);
	assert_int_equal(n, 2);
	assert_string_equal(bk.vrm[0], "DD45XYZ");
	assert_string_equal(bk.vrm[1], "CC33CCC");
	/* each names its vehicle, source, confidence and record */
	assert_int_equal(bk.vehicle[1], 5);
	assert_string_equal(bk.source[1], "rear");
	assert_true(bk.conf[1] > 0.870f && bk.conf[1] < 0.872f);
	assert_string_equal(bk.record[1], "CAM-0123456789ABCDEF-5");
	assert_string_equal(bk.record[0], "CAM-0123456789ABCDEF-3");
	/* later: the DD read has left the window */
	bk.n = 0;
	assert_int_equal(recent_search_back(&rc, added, 14000, 2, on_back,
					    &bk), 1);
	assert_string_equal(bk.vrm[0], "CC33CCC");
	recent_free(&rc);
	hotlist_free(added);
}

/* Search back over recent reads of up to 16 characters, too. */
static void test_long_marks_search_back(void **state)
{
	struct recent rc;
	struct hotlist *added = build("new.csv", HDR
		"ABCDEFGHJKLMNPRT,PNC,sixteen,1,intercept\n"
		"ABCDEFGHJKLM*,PNC,pattern,2,inform\n");
	struct back bk = {0};
	(void)state;

	assert_int_equal(recent_init(&rc, 8, 10000), 0);
	recent_add(&rc, "abcd efgh jklm nprt", 1000, 1, "s", 0.9f);
	recent_add(&rc, "ABCDEFGHJKLMX", 2000, 2, "s", 0.9f);
	recent_set_record(&rc, 1, "C-1");
	recent_set_record(&rc, 2, "C-2");
	assert_int_equal(recent_search_back(&rc, added, 5000, 0, on_back, &bk), 3);
	assert_string_equal(bk.vrm[0], "ABCDEFGHJKLMNPRT");
	assert_string_equal(bk.vrm[2], "ABCDEFGHJKLMX");
	recent_free(&rc);
	hotlist_free(added);
}

/* A UK-style mark for index i, all distinct. */
static void mark(unsigned i, char *out)
{
	static const char L[] = "ACDEFGHJKLMNPRTUVWXYZ";	/* no look-alikes */
	out[0] = L[i % 21];
	out[1] = L[(i / 21) % 21];
	out[2] = (char)('0' + (i / 441) % 10);
	out[3] = (char)('0' + (i / 4410) % 10);
	out[4] = L[(i / 44100) % 21];
	out[5] = L[(i / 926100) % 21];
	out[6] = 'X';
	out[7] = '\0';
}

static void test_large(void **state)
{
	struct hotlist_builder *b = hotlist_builder_new();
	struct hotlist *hl;
	struct hotlist_hit h[4];
	char m[16], err[256];
	(void)state;

	for (unsigned i = 0; i < 100000; i++) {
		mark(i * 7, m);
		assert_int_equal(hotlist_builder_add(b, m, i % 3 ? "PNC" : "LOCAL",
						     "reason", 1 + i % 9,
						     HOTLIST_ACT_INFORM, "big.csv",
						     (int)i + 2, err, sizeof(err)), 0);
	}
	assert_int_equal(hotlist_builder_finish(b, &hl, err, sizeof(err)), 0);
	assert_int_equal(hotlist_count(hl), 100000);
	for (unsigned i = 0; i < 100000; i += 97) {
		mark(i * 7, m);
		assert_int_equal(hotlist_lookup(hl, m, 2, h, 4), 1);
		assert_int_equal(h[0].entry.line, (int)i + 2);
		mark(i * 7 + 1, m);
		assert_int_equal(hotlist_lookup(hl, m, 2, h, 4), 0);
	}
	hotlist_free(hl);
}

/* ---- RCU-like swap under concurrent readers ------------------------- */

struct rctx {
	struct hotlist_holder *h;
	atomic_int *stop;
	long lookups, misses;
};

static void *reader(void *arg)
{
	struct rctx *rc = arg;
	int slot = hotlist_holder_register(rc->h);
	struct hotlist_hit h[4];

	if (slot < 0)
		return NULL;
	while (!atomic_load(rc->stop)) {
		const struct hotlist *hl = hotlist_holder_read_lock(rc->h, slot);
		int n = hotlist_lookup(hl, "MARK01", 0, h, 4);
		/* touch the strings: a freed list shows up under ASan */
		if (n != 1 || strncmp(h[0].entry.reason, "generation ", 11))
			rc->misses++;
		hotlist_holder_read_unlock(rc->h, slot);
		rc->lookups++;
	}
	return NULL;
}

static struct hotlist *generation(int g)
{
	char csv[256];

	snprintf(csv, sizeof(csv), HDR "MARK01,PNC,generation %d,1,intercept\n"
		 "GEN%dX,PNC,filler,2,inform\n", g, g);
	return build("gen.csv", csv);
}

static void test_holder_swap(void **state)
{
	struct hotlist_holder h;
	atomic_int stop = 0;
	pthread_t th[3];
	struct rctx rc[3];
	(void)state;

	hotlist_holder_init(&h, generation(0));
	for (int i = 0; i < 3; i++) {
		rc[i] = (struct rctx){&h, &stop, 0, 0};
		assert_int_equal(pthread_create(&th[i], NULL, reader, &rc[i]), 0);
	}
	for (int g = 1; g <= 300; g++) {
		struct hotlist *old = hotlist_holder_swap(&h, generation(g));
		assert_non_null(old);
		hotlist_free(old);	/* safe: grace period is over */
	}
	usleep(10000);
	atomic_store(&stop, 1);
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rc[i].misses, 0);
		assert_true(rc[i].lookups > 0);
	}
	int slot = hotlist_holder_register(&h);
	assert_true(slot >= 0);
	struct hotlist_hit hit[2];
	const struct hotlist *cur = hotlist_holder_read_lock(&h, slot);
	assert_int_equal(hotlist_lookup(cur, "MARK01", 0, hit, 2), 1);
	assert_string_equal(hit[0].entry.reason, "generation 300");
	hotlist_holder_read_unlock(&h, slot);
	hotlist_holder_destroy(&h);
}

/* Reload: a bad set keeps the list in use; a good one swaps and says
 * what is new. */
static void test_holder_reload(void **state)
{
	char *v1 = write_tmp(HDR "AA11AAA,PNC,a,1,intercept\n");
	char *v2 = write_tmp(HDR "AA11AAA,PNC,a,1,intercept\n"
			     "BB22BBB,PNC,b,2,inform\n");
	char *bad = write_tmp(HDR "CC33CCC,PNC,c,1,intercept\nbroken line\n");
	struct hotlist_holder h;
	struct hotlist *added = NULL;
	struct hotlist_hit hit[2];
	char err[512], want[600];
	int slot;
	(void)state;

	hotlist_holder_init(&h, NULL);
	slot = hotlist_holder_register(&h);
	const char *p1[] = {v1}, *p2[] = {v2}, *pb[] = {v2, bad};
	assert_int_equal(hotlist_holder_reload(&h, p1, 1, &added, err,
					       sizeof(err)), 1);
	assert_int_equal(hotlist_count(added), 1);
	hotlist_free(added);
	assert_int_equal(hotlist_holder_reload(&h, pb, 2, &added, err,
					       sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: expected 5 fields", bad);
	assert_non_null(strstr(err, want));
	const struct hotlist *cur = hotlist_holder_read_lock(&h, slot);
	assert_int_equal(hotlist_count(cur), 1);	/* v1 still in use */
	assert_int_equal(hotlist_lookup(cur, "CC33CCC", 0, hit, 2), 0);
	hotlist_holder_read_unlock(&h, slot);
	assert_int_equal(hotlist_holder_reload(&h, p2, 1, &added, err,
					       sizeof(err)), 2);
	assert_int_equal(hotlist_count(added), 1);
	assert_int_equal(hotlist_lookup(added, "BB22BBB", 0, hit, 2), 1);
	cur = hotlist_holder_read_lock(&h, slot);
	assert_int_equal(hotlist_count(cur), 2);
	hotlist_holder_read_unlock(&h, slot);
	hotlist_free(added);
	hotlist_holder_destroy(&h);
	unlink(v1);
	unlink(v2);
	unlink(bad);
	free(v1);
	free(v2);
	free(bad);
}

/*
 * Issue 18, finding 17: a FIFO at a hotlist path hung the load, and a
 * SIGHUP reload with it (the main loop that feeds the watchdog). It is
 * refused at once and the list in force is kept; so is an over-large
 * file. alarm(): on the old code this fails by SIGALRM, not by hanging.
 */
static void test_fifo_hotlist_keeps_list(void **state)
{
	char dir[] = "/tmp/anprd-hlfifo-XXXXXX", fifo[64], err[512], want[128];
	char *good = write_tmp(HDR "AA11AAA,PNC,a,1,intercept\n");
	struct hotlist_holder h;
	struct hotlist *hl = NULL;
	struct hotlist_hit hit[2];
	int slot;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/pnc.csv", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	const char *pf[] = {good, fifo}, *pg[] = {good}, *pd[] = {dir};
	alarm(10);
	assert_int_equal(hotlist_load(pf, 2, &hl, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: is a FIFO, not a regular file", fifo);
	assert_string_equal(err, want);
	assert_null(hl);
	assert_int_equal(hotlist_load(pd, 1, &hl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is a directory, not a regular file"));
	hotlist_holder_init(&h, NULL);
	slot = hotlist_holder_register(&h);
	assert_int_equal(hotlist_holder_reload(&h, pg, 1, NULL, err, sizeof(err)), 1);
	assert_int_equal(hotlist_holder_reload(&h, pf, 2, NULL, err, sizeof(err)), -1);
	alarm(0);
	assert_string_equal(err, want);
	const struct hotlist *cur = hotlist_holder_read_lock(&h, slot);
	assert_int_equal(hotlist_lookup(cur, "AA11AAA", 0, hit, 2), 1);
	hotlist_holder_read_unlock(&h, slot);
	hotlist_holder_destroy(&h);
	unlink(fifo);
	rmdir(dir);
	unlink(good);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vrm),
		cmocka_unit_test(test_exact_and_fuzzy),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_long_marks),
		cmocka_unit_test(test_long_marks_search_back),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_set_digest),
		cmocka_unit_test(test_added_and_search_back),
		cmocka_unit_test(test_recent_ring),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_holder_swap),
		cmocka_unit_test(test_holder_reload),
		cmocka_unit_test(test_fifo_hotlist_keeps_list),
	};
	return cmocka_run_group_tests_name("anprd hotlist", tests, NULL, NULL);
}
