// SPDX-License-Identifier: MIT
/* Pure parts of anpr-upload: upload order, what counts as an
 * acknowledgement, back-off; and the group commit of deletions on real
 * files in a scratch directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "upload/upload.h"

static struct upload_item item(uint64_t seq, int hit)
{
	struct upload_item it;

	memset(&it, 0, sizeof(it));
	it.seq = seq;
	it.hit = hit;
	snprintf(it.record_id, sizeof(it.record_id), "CAM-1-AB-%llu", (unsigned long long)seq);
	memset(it.sha256, 'a', 64);
	return it;
}

static void hits_first_then_oldest(void **state)
{
	struct upload_item v[5] = { item(5, 0), item(9, 1), item(1, 0), item(7, 1), item(3, 0) };
	const uint64_t want[5] = { 7, 9, 1, 3, 5 };

	(void)state;
	upload_order(v, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(v[i].seq, want[i]);
}

/* A key rotation goes before the hits signed by its new key, so that the
 * back office has the hand-over before it meets the new key; two
 * rotations in the order they were made. */
static void rotations_before_hits(void **state)
{
	struct upload_item v[6] = { item(5, 0), item(9, 1), item(8, 0), item(1, 0),
				    item(4, 0), item(7, 1) };
	const uint64_t want[6] = { 4, 8, 7, 9, 1, 5 };

	(void)state;
	v[2].rotation = 1;	/* seq 8 */
	v[4].rotation = 1;	/* seq 4 */
	upload_order(v, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(v[i].seq, want[i]);
}

/* Several in flight (upload_window_next): at most k ahead of the record
 * the caller waits for, records not sent this pass passed over, a key
 * rotation alone, and no other record while a hit is unanswered. */
static void window_runs_ahead_within_its_rules(void **state)
{
	/* after upload_order: rotations 1, 2; hits 3, 4; others 5..9 */
	struct upload_item v[9] = { item(1, 0), item(2, 0), item(3, 1), item(4, 1),
				    item(5, 0), item(6, 0), item(7, 0), item(8, 0),
				    item(9, 0) };
	unsigned char send[9] = { 1, 1, 1, 1, 1, 0, 1, 1, 1 };

	(void)state;
	v[0].rotation = v[1].rotation = 1;
	/* the first rotation, alone; the second only once it is the cursor */
	assert_int_equal(upload_window_next(v, send, 9, 0, 0, 4), 0);
	assert_int_equal(upload_window_next(v, send, 9, 1, 0, 4), -1);
	assert_int_equal(upload_window_next(v, send, 9, 1, 1, 4), 1);
	/* nothing after a rotation before its answer */
	assert_int_equal(upload_window_next(v, send, 9, 2, 1, 4), -1);
	/* the hits together; the first other record waits for the last hit */
	assert_int_equal(upload_window_next(v, send, 9, 2, 2, 4), 2);
	assert_int_equal(upload_window_next(v, send, 9, 3, 2, 4), 3);
	assert_int_equal(upload_window_next(v, send, 9, 4, 2, 4), -1);
	assert_int_equal(upload_window_next(v, send, 9, 4, 3, 4), -1);
	assert_int_equal(upload_window_next(v, send, 9, 4, 4, 4), 4);
	/* 5 (index 5) is not sent this pass: passed over */
	assert_int_equal(upload_window_next(v, send, 9, 5, 4, 4), 6);
	assert_int_equal(upload_window_next(v, send, 9, 7, 4, 4), 7);
	assert_int_equal(upload_window_next(v, send, 9, 8, 4, 4), -1);	/* k = 4 ahead */
	assert_int_equal(upload_window_next(v, send, 9, 8, 5, 4), 8);
	assert_int_equal(upload_window_next(v, send, 9, 9, 6, 4), -1);	/* all taken */
	/* one at a time: k = 1 */
	assert_int_equal(upload_window_next(v, send, 9, 7, 6, 1), -1);
	assert_int_equal(upload_window_next(v, send, 9, 7, 7, 1), 7);
	/* nothing left to send after the last taken */
	send[8] = 0;
	assert_int_equal(upload_window_next(v, send, 9, 8, 8, 4), -1);
}

/* Version 2: which items go in one request. */
static void batches_keep_the_windows_rules(void **state)
{
	/* after upload_order: rotation 0; hits 1, 2, 3; others 4..11 */
	struct upload_item v[12];
	unsigned char send[12];
	long out[UPLOAD_BATCH_MAX];

	(void)state;
	for (int i = 0; i < 12; i++) {
		v[i] = item((uint64_t)i + 1, i >= 1 && i <= 3);
		send[i] = 1;
	}
	v[0].rotation = 1;
	send[6] = 0;
	/* a rotation travels alone */
	assert_int_equal(upload_window_batch(v, send, 12, 0, 12, 8, out), 1);
	assert_int_equal(out[0], 0);
	/* the hits together, and never with the records after them */
	assert_int_equal(upload_window_batch(v, send, 12, 1, 12, 8, out), 3);
	assert_int_equal(out[2], 3);
	/* the others, passing over one not sent this pass, up to per */
	assert_int_equal(upload_window_batch(v, send, 12, 4, 12, 4, out), 4);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[1], 5);
	assert_int_equal(out[2], 7);
	assert_int_equal(out[3], 8);
	/* the window's end and the spool's end stop it */
	assert_int_equal(upload_window_batch(v, send, 12, 4, 6, 8, out), 2);
	assert_int_equal(upload_window_batch(v, send, 12, 9, 12, 8, out), 3);
	/* per 1: protocol version 1, one record a request */
	assert_int_equal(upload_window_batch(v, send, 12, 4, 12, 1, out), 1);
	/* a rotation further on ends a batch before it */
	v[10].rotation = 1;
	assert_int_equal(upload_window_batch(v, send, 12, 7, 12, 8, out), 3);
	assert_int_equal(out[2], 9);
}

/* Version 2's answer: every entry exact, or no receipt for any. */
static void batch_answer_must_be_exact(void **state)
{
	struct upload_item v[3] = { item(5, 0), item(6, 0), item(7, 0) };
	const struct upload_item *p[3] = { &v[0], &v[1], &v[2] };
	enum upload_result res[3];
	char detail[3][UPLOAD_ERR_MAX], why[256], body[4096], ack[3][256];
	const char *sha = v[0].sha256;
	struct {
		const char *fmt;	/* %1$s %2$s %3$s: the three acknowledgements */
		const char *why;
	} bad[] = {
		{ "{\"results\":[%1$s,%2$s]}", "2 results for 3" },
		{ "{\"results\":[%1$s,%2$s,%3$s,%3$s]}", "4 results for 3" },
		{ "{\"results\":[%2$s,%1$s,%3$s]}", "not for record" },
		{ "{\"results\":[%1$s,%2$s,%3$s],\"more\":1}", "only member" },
		{ "{\"results\":[%1$s,%2$s,%3$s]} x", "not JSON" },
		{ "{\"results\":[%1$s,%2$s,%3$s],\"results\":[]}", "not JSON" },
		{ "[%1$s,%2$s,%3$s]", "only member" },
		{ "{\"results\":{\"0\":%1$s}}", "only member" },
		{ "{\"results\":[%1$s,%2$s,[%3$s]]}", "not a JSON object" },
		/* an acknowledgement with anything more, or of another hash */
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"record_sha256\":\"%4$s\",\"x\":1}]}", "not the acknowledgement" },
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"record_sha256\":\"bb\"}]}", "not the acknowledgement" },
		/* refusals and retries of the wrong shape or status */
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"refused\":503,\"reason\":\"x\",\"detail\":\"y\"}]}", "a refusal is" },
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"refused\":\"409\",\"reason\":\"x\",\"detail\":\"y\"}]}", "a refusal is" },
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"refused\":409,\"reason\":\"x\"}]}", "a refusal is" },
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"retry\":409,\"detail\":\"y\"}]}", "a retry is" },
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\","
		  "\"retry\":503,\"detail\":\"y\",\"record_sha256\":\"%4$s\"}]}",
		  "not the acknowledgement" },
		{ "{\"results\":[%1$s,%2$s,{\"record_id\":\"CAM-1-AB-7\",\"stored\":true}]}",
		  "no acknowledgement, refusal or retry" },
		{ "{\"results\":[%1$s,%2$s,{\"record_sha256\":\"%4$s\"}]}", "not for record" },
	};

	(void)state;
	for (int i = 0; i < 3; i++)
		snprintf(ack[i], sizeof(ack[i]), "{\"record_id\":\"%s\",\"record_sha256\":\"%s\"}",
			 v[i].record_id, v[i].sha256);
	snprintf(body, sizeof(body), "{\"results\": [ %s, %s ,%s ]}", ack[0], ack[1], ack[2]);
	assert_true(upload_results_check(body, strlen(body), p, 3, res, detail, why, sizeof(why)));
	for (int i = 0; i < 3; i++)
		assert_int_equal(res[i], UPLOAD_ACKED);
	/* one of each: acknowledged, refused, retried */
	snprintf(body, sizeof(body), "{\"results\":[%s,{\"record_id\":\"CAM-1-AB-6\","
		 "\"refused\":409,\"reason\":\"conflict\",\"detail\":\"another record\"},"
		 "{\"detail\":\"database\",\"retry\":503,\"record_id\":\"CAM-1-AB-7\"}]}",
		 ack[0]);
	assert_true(upload_results_check(body, strlen(body), p, 3, res, detail, why, sizeof(why)));
	assert_int_equal(res[0], UPLOAD_ACKED);
	assert_int_equal(res[1], UPLOAD_REJECTED);
	assert_non_null(strstr(detail[1], "conflict"));
	assert_int_equal(res[2], UPLOAD_RETRY);
	/* 408 and 429 are transient, as in version 1 */
	snprintf(body, sizeof(body), "{\"results\":[%s,%s,{\"record_id\":\"CAM-1-AB-7\","
		 "\"refused\":429,\"reason\":\"busy\",\"detail\":\"\"}]}", ack[0], ack[1]);
	assert_true(upload_results_check(body, strlen(body), p, 3, res, detail, why, sizeof(why)));
	assert_int_equal(res[2], UPLOAD_RETRY);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), bad[i].fmt, ack[0], ack[1], ack[2], sha);
		print_message("# %s\n", body);
		why[0] = '\0';
		assert_false(upload_results_check(body, strlen(body), p, 3, res, detail, why,
						  sizeof(why)));
		print_message("#   no receipt: %s\n", why);
		assert_non_null(strstr(why, bad[i].why));
	}
	assert_false(upload_results_check("", 0, p, 3, res, detail, why, sizeof(why)));
}

static void acknowledgement_must_name_the_record(void **state)
{
	struct upload_item it = item(12, 0);
	char ok[256], other[256];
	const char *bad[] = {
		"",
		"{}",
		"{\"record_id\": \"CAM-1-AB-12\"}",
		"{\"record_id\": \"CAM-1-AB-13\", \"record_sha256\": \"aaaa\"}",
		"{\"record_id\": \"CAM-1-AB-1\", \"record_sha256\": \"%s\"}",
		"{\"record_id\": \"CAM-1-AB-12\\\\\", \"record_sha256\": \"%s\"}",
		"not json at all",
	};

	(void)state;
	snprintf(ok, sizeof(ok), "{\"record_id\" : \"CAM-1-AB-12\",\n \"record_sha256\":\"%s\"}",
		 it.sha256);
	assert_true(upload_ack_ok(ok, strlen(ok), &it));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(other, sizeof(other), bad[i], it.sha256);
		assert_false(upload_ack_ok(other, strlen(other), &it));
	}
	/* an embedded NUL is not an acknowledgement */
	assert_false(upload_ack_ok(ok, strlen(ok) + 1, &it));
}

/*
 * Issue 18, finding 7: bodies that contain this record's id and hash
 * somewhere, but are not its receipt, deleted records. Each must be "not
 * a receipt" (retry), and say why.
 */
static void only_the_exact_acknowledgement_counts(void **state)
{
	struct upload_item it = item(12, 0);
	const char *id = "\"record_id\":\"CAM-1-AB-12\"";
	char sha[100], body[512], why[256];
	struct {
		const char *fmt;	/* %1$s: the id member, %2$s: the hash member */
		const char *why;
	} bad[] = {
		/* a refusal that echoes the request */
		{ "{\"result\":\"rejected\",\"request\":{%1$s,%2$s}}", "members" },
		{ "{\"error\":\"NOT STORED\",\"stored\":false,%1$s,%2$s}", "4 members" },
		/* nested, in an array, as strings */
		{ "{\"ack\":{%1$s,%2$s}}", "members" },
		{ "[{%1$s,%2$s}]", "not a JSON object" },
		{ "\"{%1$s,%2$s}\"", "not JSON" },
		/* one extra member, of any kind */
		{ "{%1$s,%2$s,\"stored\":false}", "3 members" },
		{ "{%1$s,%2$s,\"note\":null}", "3 members" },
		/* duplicates: which one would count? */
		{ "{%1$s,%1$s,%2$s}", "duplicate" },
		{ "{\"record_id\":\"CAM-1-AB-99\",%1$s,%2$s}", "duplicate" },
		{ "{%1$s,%2$s,\"record_sha256\":\"bbbb\"}", "duplicate" },
		/* trailing garbage, a second object */
		{ "{%1$s,%2$s} trailing", "not JSON" },
		{ "{%1$s,%2$s}{\"record_id\":\"x\"}", "not JSON" },
		/* wrong types */
		{ "{\"record_id\":[\"CAM-1-AB-12\"],%2$s}", "record_id" },
		{ "{%1$s,\"record_sha256\":null}", "record_sha256" },
		/* a prefix or a longer string is not equal */
		{ "{\"record_id\":\"CAM-1-AB-12 \",%2$s}", "record_id" },
		{ "{\"record_id\":\"CAM-1-AB-1\",%2$s}", "record_id" },
		/* a NUL escape would end a C string early */
		{ "{\"record_id\":\"CAM-1-AB-12\\u0000x\",%2$s}", "not JSON" },
		/* invalid UTF-8 (Windows-1252 pound sign), raw control character */
		{ "{%1$s,%2$s,\"x\":\"\xa3\"}", "not JSON" },
		{ "{%1$s,\"record_sha256\":\"\xa3" "aaaa\"}", "not JSON" },
		{ "{\"record_id\":\"CAM-1-AB-12\n\",%2$s}", "not JSON" },
	};

	(void)state;
	snprintf(sha, sizeof(sha), "\"record_sha256\":\"%s\"", it.sha256);
	/* the exact acknowledgement, blanks and member order free */
	snprintf(body, sizeof(body), " { %s , %s } \n", sha, id);
	assert_true(upload_ack_check(body, strlen(body), &it, why, sizeof(why)));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), bad[i].fmt, id, sha);
		print_message("# %s\n", body);
		assert_false(upload_ack_ok(body, strlen(body), &it));
		why[0] = '\0';
		assert_false(upload_ack_check(body, strlen(body), &it, why, sizeof(why)));
		print_message("#   not a receipt: %s\n", why);
		assert_non_null(strstr(why, bad[i].why));
	}
}

static void backoff_doubles_to_the_cap_with_jitter(void **state)
{
	(void)state;
	assert_int_equal(upload_backoff_ms(0, 60000, 0.5), 500);
	assert_int_equal(upload_backoff_ms(1, 60000, 0.5), 1000);
	assert_int_equal(upload_backoff_ms(3, 60000, 0.5), 4000);
	assert_int_equal(upload_backoff_ms(30, 60000, 0.5), 60000);
	assert_int_equal(upload_backoff_ms(1000, 60000, 0.5), 60000);
	assert_int_equal(upload_backoff_ms(0, 60000, 0.0), 400);	/* -20 % */
	assert_int_equal(upload_backoff_ms(0, 60000, 1.0), 600);	/* +20 % */
	assert_int_equal(upload_backoff_ms(0, 20, 0.5), 20);
}

static void https_only(void **state)
{
	struct upload_http_cfg c = { .url = "http://bo.example", .timeout_ms = 1000 };
	char err[256];

	(void)state;
	assert_null(upload_http_new(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "must be https://"));
}

/* What the writer needs to resume stays: the newest checkpoint on. */
static void keep_from_the_newest_checkpoint(void **state)
{
	struct upload_item v[6] = { item(1, 0), item(2, 1), item(3, 0),
				    item(4, 0), item(5, 0), item(6, 0) };

	(void)state;
	assert_int_equal(upload_keep_from(v, 6, 6), 1);	/* no checkpoint: all stay */
	v[2].checkpoint = 1;
	assert_int_equal(upload_keep_from(v, 6, 6), 3);
	v[4].checkpoint = 1;
	assert_int_equal(upload_keep_from(v, 6, 6), 5);
	upload_order(v, 6);				/* order does not matter */
	assert_int_equal(upload_keep_from(v, 6, 6), 5);
	assert_int_equal(upload_keep_from(v, 6, 4), 4);	/* never past the head */
	assert_int_equal(upload_keep_from(v, 0, 9), 1);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
}

/* upload_scan takes only the writer's names (12 digits and .rec): not
 * "+12", " 12", a short or a 13-digit number, as sscanf's "%llu" did. */
static void scan_takes_only_the_writers_names(void **state)
{
	static const char *const names[] = {
		"000000000001.rec", "+00000000002.rec", " 00000000003.rec",
		"4.rec", "0000000000005.rec", "000000000006.rec.minisig",
		"00000000007x.rec", "000000000008.recx",
	};
	char dir[] = "/tmp/anpr-upload-scan-XXXXXX", path[1600], err[256];
	struct upload_item *items = NULL;
	uint64_t head = 0;
	long n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/records", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/records/00000000", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/head-000000000009", dir);
	touch(path);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		FILE *f;

		snprintf(path, sizeof path, "%s/records/00000000/%s", dir, names[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "record_id=R-%zu\ntype=read\nhotlist=-\n", i);
		fclose(f);
	}
	n = upload_scan(dir, &items, &head, err, sizeof err);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].seq, 1);
	assert_string_equal(items[0].record_id, "R-0");
	free(items);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/records/00000000/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/head-000000000009", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/records/00000000", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/records", dir);
	rmdir(path);
	rmdir(dir);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Five acknowledged records in two directories, committed as one group:
 * five ledger lines, every file gone, no marker left; an interrupted group
 * (marker written, files still there) is finished by upload_recover. */
static void group_commit_deletes_after_the_ledger(void **state)
{
	char dir[] = "/tmp/anpr-upload-test-XXXXXX", path[1600], err[256];
	struct upload_item v[5];
	const struct upload_item *batch[5];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/records", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (int d = 0; d < 2; d++) {
		snprintf(path, sizeof(path), "%s/records/%08d", dir, d);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	for (int i = 0; i < 5; i++) {
		v[i] = item((uint64_t)i + 1, 0);
		v[i].nfiles = 2;
		snprintf(v[i].files[0], sizeof(v[i].files[0]), "%s/records/%08d/%012d.rec",
			 dir, i % 2, i + 1);
		snprintf(v[i].files[1], sizeof(v[i].files[1]),
			 "%s/records/%08d/%012d.rec.minisig", dir, i % 2, i + 1);
		touch(v[i].files[0]);
		touch(v[i].files[1]);
		batch[i] = &v[i];
	}
	assert_int_equal(upload_commit_batch(dir, batch, 5, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, UPLOAD_LEDGER);
	assert_int_equal(count_lines(path), 5);
	for (int i = 0; i < 5; i++) {
		assert_int_not_equal(stat(v[i].files[0], &st), 0);
		assert_int_not_equal(stat(v[i].files[1], &st), 0);
	}
	snprintf(path, sizeof(path), "%s/deleting", dir);
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_equal(upload_commit_batch(dir, batch, 0, err, sizeof(err)), 0);

	/* a crash after the marker: the next start deletes what it lists */
	touch(v[0].files[0]);
	touch(v[3].files[1]);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n%s\n%s\n", v[0].files[0], v[0].files[1], v[3].files[1]);
	fclose(f);
	assert_int_equal(upload_recover(dir, err, sizeof(err)), 0);
	assert_int_not_equal(stat(v[0].files[0], &st), 0);
	assert_int_not_equal(stat(v[3].files[1], &st), 0);
	assert_int_not_equal(stat(path, &st), 0);

	/* a marker naming anything but a record's file (the key, a path
	 * through a shard replaced by a link): nothing deleted, said */
	{
		char key[1600], link[1600], victim[1600];
		const char *bad[3];

		snprintf(key, sizeof(key), "%s/camera.key", dir);
		touch(key);
		snprintf(victim, sizeof(victim), "%s/elsewhere", dir);
		assert_int_equal(mkdir(victim, 0700), 0);
		snprintf(link, sizeof(link), "%s/records/00000009", dir);
		assert_int_equal(symlink(victim, link), 0);
		snprintf(victim + strlen(victim), sizeof(victim) - strlen(victim),
			 "/000000000001.rec");
		touch(victim);
		snprintf(link + strlen(link), sizeof(link) - strlen(link),
			 "/000000000001.rec");
		bad[0] = key;
		bad[1] = link;
		bad[2] = "/etc/../tmp/records/00000000/000000000001.rec";
		for (int i = 0; i < 3; i++) {
			touch(v[0].files[0]);
			f = fopen(path, "w");
			assert_non_null(f);
			fprintf(f, "%s\n%s\n", v[0].files[0], bad[i]);
			fclose(f);
			assert_int_equal(upload_recover(dir, err, sizeof(err)), -1);
			assert_non_null(strstr(err, "refusing to delete anything"));
			assert_int_equal(stat(v[0].files[0], &st), 0);
		}
		assert_int_equal(stat(key, &st), 0);
		assert_int_equal(stat(victim, &st), 0);
		unlink(path);
		unlink(v[0].files[0]);
	}

	/* a state directory that cannot be written: nothing deleted */
	touch(v[1].files[0]);
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(upload_commit_batch(path, batch + 1, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing/" UPLOAD_LEDGER));
	assert_int_equal(stat(v[1].files[0], &st), 0);

	unlink(v[1].files[0]);
	snprintf(path, sizeof(path), "%s/%s", dir, UPLOAD_LEDGER);
	unlink(path);
	for (int d = 0; d < 2; d++) {
		snprintf(path, sizeof(path), "%s/records/%08d", dir, d);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/records/00000009", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/records", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/camera.key", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/elsewhere/000000000001.rec", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/elsewhere", dir);
	rmdir(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hits_first_then_oldest),
		cmocka_unit_test(rotations_before_hits),
		cmocka_unit_test(window_runs_ahead_within_its_rules),
		cmocka_unit_test(batches_keep_the_windows_rules),
		cmocka_unit_test(batch_answer_must_be_exact),
		cmocka_unit_test(acknowledgement_must_name_the_record),
		cmocka_unit_test(only_the_exact_acknowledgement_counts),
		cmocka_unit_test(backoff_doubles_to_the_cap_with_jitter),
		cmocka_unit_test(https_only),
		cmocka_unit_test(group_commit_deletes_after_the_ledger),
		cmocka_unit_test(keep_from_the_newest_checkpoint),
		cmocka_unit_test(scan_takes_only_the_writers_names),
	};

	return cmocka_run_group_tests_name("upload", tests, NULL, NULL);
}
