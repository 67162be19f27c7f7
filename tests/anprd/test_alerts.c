// SPDX-License-Identifier: MIT
/* test_alerts.c - alert JSON lines, the priority queue, the UNIX socket
 * server with real clients, the webhook against a real loopback HTTP
 * receiver (200, 500, refused, timeout), and the dispatcher end to end.
 * Long file: one suite's cases and the helpers they share (one cmocka
 * binary per suite), the JSON of every alert kind among them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/alert.h"
#include "core/alert_dispatch.h"
#include "core/alert_out.h"
#include "core/alert_sock.h"
#include "loopback_http.h"
#include "core/utf8.h"

#include <jansson.h>

static struct alert hit(const char *vrm, int prio, int action, int distance)
{
	struct alert a;

	memset(&a, 0, sizeof(a));
	a.kind = ALERT_HIT;
	a.time_us = 1795514183123456LL;	/* 2026-11-24T09:56:23.123456Z */
	snprintf(a.camera, sizeof(a.camera), "CAM-0001");
	snprintf(a.source, sizeof(a.source), "front");
	snprintf(a.vrm, sizeof(a.vrm), "%s", vrm);
	snprintf(a.entry_vrm, sizeof(a.entry_vrm), "AB12CDE");
	snprintf(a.list, sizeof(a.list), "PNC");
	snprintf(a.reason, sizeof(a.reason), "Stolen \"quickly\"\\\n");
	a.priority = prio;
	a.action = action;
	a.distance = distance;
	a.vehicle = 12;
	a.record_pending = 1;	/* a live hit: its record is not written yet */
	a.confidence = 0.93f;
	return a;
}

static struct alert health(const char *state, int active)
{
	struct alert a;

	memset(&a, 0, sizeof(a));
	a.kind = ALERT_HEALTH;
	a.time_us = 1795514183000000LL;
	snprintf(a.camera, sizeof(a.camera), "CAM-0001");
	snprintf(a.source, sizeof(a.source), "front");
	snprintf(a.state, sizeof(a.state), "%s", state);
	a.active = active;
	snprintf(a.detail, sizeof(a.detail), "mean grey 2.1\x01");
	return a;
}

static void test_json(void **state)
{
	char buf[ALERT_LINE_MAX];
	struct alert a = hit("A812CDE", 1, HOTLIST_ACT_INTERCEPT, 1);
	int n;
	(void)state;

	a.seq = 7;
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf,
		"{\"schema\":\"anpr-alert/2\",\"seq\":7,\"kind\":\"hit\","
		"\"time\":\"2026-11-24T09:56:23.123456Z\",\"camera\":\"CAM-0001\","
		"\"source\":\"front\",\"vrm\":\"A812CDE\",\"match\":{\"vrm\":"
		"\"AB12CDE\",\"list\":\"PNC\",\"reason\":\"Stolen \\\"quickly\\\""
		"\\\\\\n\",\"priority\":1,\"action\":\"intercept\",\"distance\":1,"
		"\"fuzzy\":true,\"wildcard\":false},\"vehicle\":12,\"record\":null,"
		"\"record_pending\":true,\"confidence\":0.930}\n");
	assert_int_equal(n, (int)strlen(buf));

	/* its follow-up names the record that proves it */
	a.kind = ALERT_HIT_RECORD;
	a.seq = 9;
	a.hit_seq = 7;
	a.record_pending = 0;
	snprintf(a.record, sizeof(a.record), "CAM-0001-0123456789ABCDEF-42");
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_string_equal(buf,
		"{\"schema\":\"anpr-alert/2\",\"seq\":9,\"kind\":\"hit-record\","
		"\"time\":\"2026-11-24T09:56:23.123456Z\",\"camera\":\"CAM-0001\","
		"\"source\":\"front\",\"vrm\":\"A812CDE\",\"match\":{\"vrm\":"
		"\"AB12CDE\",\"list\":\"PNC\",\"reason\":\"Stolen \\\"quickly\\\""
		"\\\\\\n\",\"priority\":1,\"action\":\"intercept\",\"distance\":1,"
		"\"fuzzy\":true,\"wildcard\":false},\"vehicle\":12,"
		"\"record\":\"CAM-0001-0123456789ABCDEF-42\",\"record_pending\":false,"
		"\"confidence\":0.930,\"hit_seq\":7,\"detail\":\"\"}\n");
	/* or says why there is none: null, not pending, a reason */
	a.record[0] = '\0';
	snprintf(a.detail, sizeof(a.detail), "record intake stopped: disk full");
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	{
		json_t *j = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);

		assert_non_null(j);
		assert_true(json_is_null(json_object_get(j, "record")));
		assert_true(json_is_false(json_object_get(j, "record_pending")));
		assert_int_equal(json_integer_value(json_object_get(j, "hit_seq")), 7);
		assert_string_equal(json_string_value(json_object_get(j, "detail")),
				    "record intake stopped: disk full");
		json_decref(j);
	}
	/* a search-back hit names its record, source and confidence */
	a = hit("A812CDE", 1, HOTLIST_ACT_INTERCEPT, 0);
	a.kind = ALERT_HIT_SEARCHBACK;
	a.record_pending = 0;
	snprintf(a.record, sizeof(a.record), "CAM-0001-0123456789ABCDEF-43");
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"kind\":\"hit-searchback\""));
	assert_non_null(strstr(buf, "\"source\":\"front\""));
	assert_non_null(strstr(buf, "\"vehicle\":12,\"record\":\"CAM-0001-0123456789ABCDEF-43\","
				    "\"record_pending\":false,\"confidence\":0.930}"));
	assert_null(strstr(buf, "hit_seq"));

	a = health("black", 1);
	a.seq = 8;
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_string_equal(buf,
		"{\"schema\":\"anpr-alert/2\",\"seq\":8,\"kind\":\"health\","
		"\"time\":\"2026-11-24T09:56:23.000000Z\",\"camera\":\"CAM-0001\","
		"\"source\":\"front\",\"state\":\"black\",\"active\":true,"
		"\"detail\":\"mean grey 2.1\\u0001\"}\n");
	/* a plate found but not read: no mark, no match, why and how
	 * strongly it was a plate */
	memset(&a, 0, sizeof(a));
	a.kind = ALERT_UNREADABLE;
	a.seq = 9;
	a.time_us = 1764064583000000LL;
	strcpy(a.camera, "CAM-0001");
	strcpy(a.source, "front");
	a.vehicle = 14;
	a.confidence = 0.737f;
	strcpy(a.state, "no-characters");
	strcpy(a.detail, "a plate found in 6 frames of the vehicle's pass, read in none");
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_string_equal(buf,
		"{\"schema\":\"anpr-alert/2\",\"seq\":9,\"kind\":\"unreadable\","
		"\"time\":\"2025-11-25T09:56:23.000000Z\",\"camera\":\"CAM-0001\","
		"\"source\":\"front\",\"vehicle\":14,\"why\":\"no-characters\","
		"\"evidence\":0.737,\"detail\":\"a plate found in 6 frames of the "
		"vehicle's pass, read in none\"}\n");
	assert_int_equal(n, (int)strlen(buf));
	assert_false(ALERT_IS_HIT(a.kind));
	/* ranked with health: after every hit */
	{
		struct alert h = hit("AB12CDE", 5, 0, 0);

		assert_true(alert_rank_cmp(&h, &a) < 0);
	}
	a = health("black", 1);
	a.seq = 8;
	/* too small a buffer: refused, not cut */
	assert_int_equal(alert_format_json(&a, buf, 40), -1);
	assert_int_equal(alert_format_json(&a, buf, 0), -1);
	/* the longest possible alert fits ALERT_LINE_MAX */
	a = hit("AB12CDE", 1, 0, 0);
	memset(a.reason, '"', HOTLIST_REASON_MAX);
	a.reason[HOTLIST_REASON_MAX] = '\0';
	assert_true(alert_format_json(&a, buf, sizeof(buf)) > 0);
	a = health("frozen", 1);
	memset(a.detail, 1, sizeof(a.detail) - 1);
	a.detail[sizeof(a.detail) - 1] = '\0';
	assert_true(alert_format_json(&a, buf, sizeof(buf)) > 0);
}

/* Is s (n bytes) one JSON object to a strict parser (jansson: valid UTF-8,
 * no duplicate keys, nothing after it)? Returns it, or fails the test. */
static json_t *strict_parse(const char *s, size_t n)
{
	json_error_t e;
	json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);

	if (!j)
		fail_msg("not JSON: %s at byte %d: %.*s", e.text, e.position, (int)n, s);
	assert_true(json_is_object(j));
	return j;
}

/* Fill dst (size cap) with the hostile pattern, cut at a character. */
static void hostile(char *dst, size_t cap)
{
	static const char pat[] = "\xa3\xe9\"\\\x01\x1b\x7f\xc2\x85\xc0\xaf\xed\xa0\x80"
				  "\xf4\x90\x80\x80\xe2\x82\xff\x80\xe2\x80\xa8\n\t";
	size_t n = 0;

	while (n + 1 < cap) {
		dst[n] = pat[n % (sizeof(pat) - 1)];
		n++;
	}
	dst[n] = '\0';
}

/*
 * Issue 18, finding 8: a hotlist reason in Windows-1252 ("\xa3" for a pound
 * sign) went into the alert as a raw byte, and a strict subscriber dropped
 * the line, and with it the stop. Whatever bytes an alert's strings hold,
 * the line is valid JSON and valid UTF-8: invalid bytes become U+FFFD,
 * control characters are escaped, valid text is kept.
 */
static void test_json_hostile_bytes(void **state)
{
	char buf[ALERT_LINE_MAX];
	struct alert a = hit("AB12CDE", 1, HOTLIST_ACT_INTERCEPT, 0);
	json_t *j;
	int n;
	(void)state;

	snprintf(a.reason, sizeof(a.reason),
		 "Stolen \xa3" "5000 caf\xe9 | \xc2\xa3 caf\xc3\xa9 \xe2\x80\xa8 \xc2\x85 \xf0\x9f\x9a\x93");
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_null(utf8_text_problem(buf, (size_t)n - 1, 0, NULL, (char[200]){0}, 200));
	j = strict_parse(buf, (size_t)n);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "match"), "reason")),
			    "Stolen \xef\xbf\xbd" "5000 caf\xef\xbf\xbd | \xc2\xa3 caf\xc3\xa9 "
			    "\xe2\x80\xa8 \xc2\x85 \xf0\x9f\x9a\x93");
	json_decref(j);

	/* every string field at its limit, all hostile: still fits and parses */
	hostile(a.camera, sizeof(a.camera));
	hostile(a.source, sizeof(a.source));
	hostile(a.vrm, sizeof(a.vrm));
	hostile(a.entry_vrm, sizeof(a.entry_vrm));
	hostile(a.list, sizeof(a.list));
	hostile(a.reason, sizeof(a.reason));
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	j = strict_parse(buf, (size_t)n);
	assert_true(json_is_null(json_object_get(j, "record")));
	json_decref(j);
	/* a hit-record with its record id and detail hostile too */
	a.kind = ALERT_HIT_RECORD;
	hostile(a.record, sizeof(a.record));
	hostile(a.detail, sizeof(a.detail));
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	json_decref(strict_parse(buf, (size_t)n));
	a = health("frozen", 1);
	hostile(a.camera, sizeof(a.camera));
	hostile(a.source, sizeof(a.source));
	hostile(a.state, sizeof(a.state));
	hostile(a.detail, sizeof(a.detail));
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	json_decref(strict_parse(buf, (size_t)n));
	/* the worst case for size: every byte a 6-byte escape */
	a = hit("AB12CDE", 1, 0, 0);
	memset(a.camera, 0xff, sizeof(a.camera) - 1);
	memset(a.source, 0x01, sizeof(a.source) - 1);
	memset(a.vrm, 0xff, sizeof(a.vrm) - 1);
	memset(a.entry_vrm, 0xff, sizeof(a.entry_vrm) - 1);
	memset(a.list, 0xff, sizeof(a.list) - 1);
	memset(a.reason, 0xff, sizeof(a.reason) - 1);
	n = alert_format_json(&a, buf, sizeof(buf));
	print_message("# worst-case hit alert: %d bytes of %d\n", n, ALERT_LINE_MAX);
	assert_true(n > 0);
	json_decref(strict_parse(buf, (size_t)n));
	a.kind = ALERT_HIT_RECORD;
	a.hit_seq = INT64_MAX;	/* jansson holds up to int64 */
	a.vehicle = INT64_MAX;
	a.seq = INT64_MAX;
	memset(a.record, 0xff, sizeof(a.record) - 1);
	memset(a.detail, 0xff, sizeof(a.detail) - 1);
	n = alert_format_json(&a, buf, sizeof(buf));
	print_message("# worst-case hit-record alert: %d bytes of %d\n", n, ALERT_LINE_MAX);
	assert_true(n > 0);
	json_decref(strict_parse(buf, (size_t)n));
}

static void test_queue_order(void **state)
{
	struct alert_queue q;
	struct alert a, info;
	(void)state;

	assert_int_equal(alert_queue_init(&q, 8), 0);
	memset(&info, 0, sizeof(info));
	info.kind = ALERT_INFO;
	alert_queue_push(&q, &info);
	a = health("frozen", 1);
	alert_queue_push(&q, &a);
	a = hit("P5AAAAA", 5, 1, 0);
	alert_queue_push(&q, &a);
	a = hit("SB1AAAA", 1, 0, 0);
	a.kind = ALERT_HIT_SEARCHBACK;
	alert_queue_push(&q, &a);
	a = hit("P1AAAAA", 1, 0, 0);
	alert_queue_push(&q, &a);
	a = hit("P5BBBBB", 5, 1, 0);
	alert_queue_push(&q, &a);
	a = hit("HR5AAAA", 5, 1, 0);	/* a live hit's record: after live hits */
	a.kind = ALERT_HIT_RECORD;
	alert_queue_push(&q, &a);
	a = hit("HR1AAAA", 1, 0, 0);
	a.kind = ALERT_HIT_RECORD;
	alert_queue_push(&q, &a);
	assert_int_equal(alert_queue_len(&q), 8);

	const char *want[] = {"P1AAAAA", "P5AAAAA", "P5BBBBB", "HR1AAAA", "HR5AAAA", "SB1AAAA"};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(alert_queue_pop(&q, &a, 0), 1);
		assert_string_equal(a.vrm, want[i]);
	}
	assert_int_equal(alert_queue_pop(&q, &a, 0), 1);
	assert_int_equal(a.kind, ALERT_HEALTH);
	assert_int_equal(alert_queue_pop(&q, &a, 0), 1);
	assert_int_equal(a.kind, ALERT_INFO);
	assert_int_equal(alert_queue_pop(&q, &a, 0), 0);
	/* a timed wait returns after about the timeout */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(alert_queue_pop(&q, &a, 50), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms >= 45);

	/* full of info: a hit evicts one, an info is dropped */
	for (int i = 0; i < 8; i++)
		assert_int_equal(alert_queue_push(&q, &info), 0);
	assert_int_equal(alert_queue_push(&q, &info), -1);
	a = hit("FULLAAA", 3, 0, 0);
	assert_int_equal(alert_queue_push(&q, &a), -1);
	assert_int_equal(alert_queue_dropped(&q), 2);
	assert_int_equal(alert_queue_len(&q), 8);
	assert_int_equal(alert_queue_pop(&q, &a, 0), 1);
	assert_string_equal(a.vrm, "FULLAAA");
	/* closed: drains, then -1 */
	alert_queue_close(&q);
	for (int i = 0; i < 7; i++)
		assert_int_equal(alert_queue_pop(&q, &a, -1), 1);
	assert_int_equal(alert_queue_pop(&q, &a, -1), -1);
	alert_queue_destroy(&q);
}

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/anprd-alerts-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		close(fd);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Read one line (with a deadline); returns its length or -1. */
static int read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		ssize_t r = recv(fd, buf + n, 1, 0);
		if (r <= 0)
			return -1;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return (int)n;
}

/* A client that connects late, or reconnects, gets the last alerts,
 * oldest first, then the live ones; the backlog is bounded in lines and
 * bytes, and a line too long for it is still sent live. */
static void test_socket_backlog(void **state)
{
	char path[128], err[256], line[ALERT_LINE_MAX + 2], want[64];
	struct alert_sock *s;
	int a, b, c;
	(void)state;

	snprintf(path, sizeof(path), "%s/backlog.sock", tmpdir);
	s = alert_sock_open(path, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(alert_sock_backlog(s), 0);
	/* nobody listening: the alerts are kept all the same */
	for (int i = 1; i <= 3; i++) {
		int n = snprintf(want, sizeof(want), "{\"seq\":%d}\n", i);
		alert_sock_broadcast(s, want, (size_t)n);
	}
	assert_int_equal(alert_sock_backlog(s), 3);
	a = connect_to(path);
	assert_true(a >= 0);
	alert_sock_poll(s, 100);
	assert_int_equal(alert_sock_clients(s), 1);
	for (int i = 1; i <= 3; i++) {
		snprintf(want, sizeof(want), "{\"seq\":%d}\n", i);
		assert_true(read_line(a, line, sizeof(line), 1000) > 0);
		assert_string_equal(line, want);
	}
	/* then the live ones, once */
	alert_sock_broadcast(s, "{\"seq\":4}\n", 10);
	assert_true(read_line(a, line, sizeof(line), 1000) > 0);
	assert_string_equal(line, "{\"seq\":4}\n");
	assert_int_equal(read_line(a, line, sizeof(line), 100), -1);
	/* a reconnect gets all four again: the client skips by seq */
	close(a);
	alert_sock_poll(s, 100);
	b = connect_to(path);
	alert_sock_poll(s, 100);
	for (int i = 1; i <= 4; i++) {
		snprintf(want, sizeof(want), "{\"seq\":%d}\n", i);
		assert_true(read_line(b, line, sizeof(line), 1000) > 0);
		assert_string_equal(line, want);
	}
	close(b);
	alert_sock_poll(s, 100);
	/* bounded in lines: only the last ALERT_SOCK_BACKLOG stay */
	for (int i = 5; i <= ALERT_SOCK_BACKLOG + 10; i++) {
		int n = snprintf(want, sizeof(want), "{\"seq\":%d}\n", i);
		alert_sock_broadcast(s, want, (size_t)n);
	}
	assert_int_equal(alert_sock_backlog(s), ALERT_SOCK_BACKLOG);
	c = connect_to(path);
	alert_sock_poll(s, 100);
	assert_true(read_line(c, line, sizeof(line), 1000) > 0);
	snprintf(want, sizeof(want), "{\"seq\":%d}\n", 10 + 1);
	assert_string_equal(line, want);
	for (int i = 12; i <= ALERT_SOCK_BACKLOG + 10; i++)
		assert_true(read_line(c, line, sizeof(line), 1000) > 0);
	snprintf(want, sizeof(want), "{\"seq\":%d}\n", ALERT_SOCK_BACKLOG + 10);
	assert_string_equal(line, want);
	close(c);
	alert_sock_poll(s, 100);
	/* and in bytes: long lines push the short ones out, the sum stays
	 * within ALERT_SOCK_BACKLOG_BYTES */
	memset(line, 'x', ALERT_LINE_MAX);
	line[ALERT_LINE_MAX - 1] = '\n';
	for (int i = 0; i < 8; i++)
		alert_sock_broadcast(s, line, ALERT_LINE_MAX);
	assert_int_equal(alert_sock_backlog(s),
			 ALERT_SOCK_BACKLOG_BYTES / ALERT_LINE_MAX);
	alert_sock_close(s);
}

static void test_socket(void **state)
{
	char path[128], err[256], line[512];
	struct alert_sock *s;
	int a, b, slow;
	(void)state;

	snprintf(path, sizeof(path), "%s/alerts.sock", tmpdir);
	s = alert_sock_open(path, err, sizeof(err));
	assert_non_null(s);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	a = connect_to(path);
	b = connect_to(path);
	assert_true(a >= 0 && b >= 0);
	alert_sock_poll(s, 100);
	if (alert_sock_clients(s) < 2)
		alert_sock_poll(s, 100);
	assert_int_equal(alert_sock_clients(s), 2);
	alert_sock_broadcast(s, "{\"n\":1}\n", 8);
	assert_int_equal(read_line(a, line, sizeof(line), 1000), 8);
	assert_string_equal(line, "{\"n\":1}\n");
	assert_int_equal(read_line(b, line, sizeof(line), 1000), 8);
	/* a client that hangs up is noticed */
	close(b);
	alert_sock_poll(s, 100);
	assert_int_equal(alert_sock_clients(s), 1);
	/* a client that never reads is cut off once its queue is full, the
	 * reader keeps getting every line */
	slow = connect_to(path);
	int rcv = 4096;
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	alert_sock_poll(s, 100);
	assert_int_equal(alert_sock_clients(s), 2);
	char big[1001];
	memset(big, 'x', 999);
	big[999] = '\n';
	big[1000] = '\0';
	int got = 0;
	for (int i = 0; i < 400; i++) {
		alert_sock_broadcast(s, big, 1000);
		/* the reader drains its side fully */
		char sink[4096];
		while (recv(a, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			got++;
	}
	assert_int_equal(alert_sock_clients(s), 1);
	assert_int_equal(alert_sock_dropped_clients(s), 1);
	assert_true(got > 0);
	close(slow);
	close(a);
	alert_sock_close(s);
	assert_int_equal(access(path, F_OK), -1);

	/* a stale socket is replaced; a regular file is refused */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	s = alert_sock_open(path, err, sizeof(err));
	assert_non_null(s);
	alert_sock_close(s);
	char file[160];
	snprintf(file, sizeof(file), "%s/plain", tmpdir);
	close(open(file, O_CREAT | O_WRONLY, 0600));
	assert_null(alert_sock_open(file, err, sizeof(err)));
	char want[256];
	snprintf(want, sizeof(want), "%s: exists and is not a socket", file);
	assert_string_equal(err, want);
	assert_null(alert_sock_open("/nonexistent-dir/alerts.sock", err,
				    sizeof(err)));
	assert_string_equal(err, "/nonexistent-dir/alerts.sock: cannot listen: "
			    "No such file or directory");
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_null(alert_sock_open(longp, err, sizeof(err)));
	assert_non_null(strstr(err, "socket path longer than 107 bytes"));
}

static void test_webhook(void **state)
{
	struct loopback_http h;
	struct alert_webhook *w;
	struct lh_request r;
	struct alert a = hit("AB12CDE", 1, 0, 0);
	char url[128], err[512], json[ALERT_LINE_MAX];
	int n;
	(void)state;

	assert_int_equal(lh_start(&h), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/anpr/hit", h.port);
	w = alert_webhook_new(url, 500, err, sizeof(err));
	assert_non_null(w);
	a.seq = 99;
	n = alert_format_json(&a, json, sizeof(json));
	/* 200 */
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, NULL, err,
					    sizeof(err)), 0);
	assert_int_equal(lh_count(&h), 1);
	assert_int_equal(lh_get(&h, 0, &r), 0);
	assert_non_null(strstr(r.head, "POST /anpr/hit HTTP/1.1\r\n"));
	assert_non_null(strstr(r.head, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(r.head, "Idempotency-Key: CAM-0001-99\r\n"));
	assert_string_equal(r.body, json);
	/* 500 */
	atomic_store(&h.mode, LH_500);
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, NULL, err,
					    sizeof(err)), -1);
	char want[256];
	snprintf(want, sizeof(want), "webhook %s: HTTP status 500", url);
	assert_string_equal(err, want);
	/* 429 with Retry-After: worth trying again, after the wait asked */
	long asked = -1;
	atomic_store(&h.mode, LH_429);
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, &asked, err,
					    sizeof(err)), ALERT_HOOK_RETRY);
	assert_int_equal(asked, 1000);
	snprintf(want, sizeof(want), "webhook %s: HTTP status 429 (the server asks for a wait)",
		 url);
	assert_string_equal(err, want);
	/* 500 without one: again, no wait asked */
	atomic_store(&h.mode, LH_500);
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, &asked, err,
					    sizeof(err)), ALERT_HOOK_RETRY);
	assert_int_equal(asked, 0);
	/* 403: refused as it is; trying again would be refused again */
	atomic_store(&h.mode, LH_403);
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, &asked, err,
					    sizeof(err)), ALERT_HOOK_REFUSED);
	snprintf(want, sizeof(want), "webhook %s: HTTP status 403: refused, not tried again",
		 url);
	assert_string_equal(err, want);
	/* no answer: times out after about 500 ms */
	atomic_store(&h.mode, LH_HANG);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, NULL, err,
					    sizeof(err)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms >= 450 && ms < 3000);
	assert_non_null(strstr(err, url));
	assert_non_null(strstr(err, "imed out"));
	/* back to 200: the client recovers */
	atomic_store(&h.mode, LH_OK);
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, NULL, err,
					    sizeof(err)), 0);
	int port = h.port;
	lh_stop(&h);
	alert_webhook_free(w);
	/* refused: nothing listens on the port any more */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/anpr/hit", port);
	w = alert_webhook_new(url, 500, err, sizeof(err));
	assert_int_equal(alert_webhook_post(w, &a, json, (size_t)n, NULL, err,
					    sizeof(err)), -1);
	assert_non_null(strstr(err, url));
	assert_non_null(strstr(err, "onnect"));
	alert_webhook_free(w);
}

struct logs {
	int n;
	char last[700];
};

static void on_log(void *ctx, int prio, const char *msg)
{
	struct logs *l = ctx;
	(void)prio;
	l->n++;
	snprintf(l->last, sizeof(l->last), "%s", msg);
}

/* Every non-silent alert reaches the subscriber and the webhook once;
 * silent hits reach neither. */
static void test_dispatch(void **state)
{
	struct loopback_http h;
	struct alert_dispatch *d;
	struct alert_dispatch_stats st;
	struct logs logs = {0};
	char path[128], url[128], err[256], line[ALERT_LINE_MAX];
	struct alert a;
	int sub;
	(void)state;

	assert_int_equal(lh_start(&h), 0);
	snprintf(path, sizeof(path), "%s/d.sock", tmpdir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", h.port);
	struct alert_dispatch_cfg c = {.socket_path = path, .webhook_url = url,
				       .webhook_timeout_ms = 1000, .webhook_tries = 2};
	d = alert_dispatch_start(&c, on_log, &logs, err, sizeof(err));
	assert_non_null(d);
	sub = connect_to(path);
	assert_true(sub >= 0);
	for (int i = 0; i < 100; i++) {
		alert_dispatch_stats(d, &st);
		if (st.socket_clients == 1)
			break;
		usleep(10000);
	}
	assert_int_equal(st.socket_clients, 1);
	a = hit("AB12CDE", 1, HOTLIST_ACT_INTERCEPT, 0);
	alert_dispatch_push(d, &a);
	a = hit("BO08SSS", 5, HOTLIST_ACT_SILENT, 0);
	alert_dispatch_push(d, &a);
	a = health("frozen", 1);
	alert_dispatch_push(d, &a);
	assert_true(read_line(sub, line, sizeof(line), 2000) > 0);
	assert_non_null(strstr(line, "\"seq\":1,\"kind\":\"hit\""));
	assert_non_null(strstr(line, "\"vrm\":\"AB12CDE\""));
	assert_true(read_line(sub, line, sizeof(line), 2000) > 0);
	assert_non_null(strstr(line, "\"seq\":3,\"kind\":\"health\""));
	assert_int_equal(read_line(sub, line, sizeof(line), 200), -1);
	for (int i = 0; i < 200 && lh_count(&h) < 2; i++)
		usleep(10000);
	assert_int_equal(lh_count(&h), 2);
	struct lh_request r;
	lh_get(&h, 0, &r);
	assert_non_null(strstr(r.body, "\"seq\":1,"));
	lh_get(&h, 1, &r);
	assert_non_null(strstr(r.body, "\"seq\":3,"));
	/* webhook failing: retried, then logged; the socket still gets it */
	atomic_store(&h.mode, LH_500);
	a = hit("XY70ZZB", 2, HOTLIST_ACT_INFORM, 1);
	alert_dispatch_push(d, &a);
	assert_true(read_line(sub, line, sizeof(line), 2000) > 0);
	assert_non_null(strstr(line, "\"vrm\":\"XY70ZZB\""));
	for (int i = 0; i < 300 && logs.n == 0; i++)
		usleep(10000);
	assert_int_equal(logs.n, 1);
	assert_non_null(strstr(logs.last, "alert 4 (hit) not delivered after 2 "
			       "tries: webhook http://127.0.0.1:"));
	assert_non_null(strstr(logs.last, "HTTP status 500"));
	assert_int_equal(lh_count(&h), 4);	/* 2 + two tries */
	/* refused (403): one try, no other (the same bytes would be refused) */
	logs.n = 0;
	atomic_store(&h.mode, LH_403);
	a = hit("RF11USE", 2, HOTLIST_ACT_INFORM, 1);
	alert_dispatch_push(d, &a);
	for (int i = 0; i < 300 && logs.n == 0; i++)
		usleep(10000);
	assert_int_equal(logs.n, 1);
	assert_non_null(strstr(logs.last, "alert 5 (hit) not delivered after 1 try: "));
	assert_non_null(strstr(logs.last, "HTTP status 403: refused, not tried again"));
	assert_int_equal(lh_count(&h), 5);
	alert_dispatch_stop(d);
	close(sub);
	lh_stop(&h);
	/* can't open: the reason names the path */
	struct alert_dispatch_cfg bad = {.socket_path = "/nonexistent-dir/a.sock",
					 .webhook_tries = 1};
	assert_null(alert_dispatch_start(&bad, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/a.sock: cannot listen"));
}

/* The wait between webhook tries: the back-off, or the server's
 * Retry-After when longer, never over 5 s. */
static void test_webhook_wait(void **state)
{
	(void)state;
	assert_int_equal(webhook_wait_ms(1, 0), 100);
	assert_int_equal(webhook_wait_ms(2, 0), 200);
	assert_int_equal(webhook_wait_ms(5, 0), 1600);
	assert_int_equal(webhook_wait_ms(40, 0), 1600);
	assert_int_equal(webhook_wait_ms(1, 1000), 1000);	/* Retry-After: 1 */
	assert_int_equal(webhook_wait_ms(5, 1000), 1600);	/* the back-off is longer */
	assert_int_equal(webhook_wait_ms(2, 3600000), 5000);	/* capped */
}

/* The stats the status command reports. */
static void test_dispatch_stats(void **state)
{
	struct alert_dispatch *d;
	struct alert_dispatch_stats st;
	char path[128], err[256];
	struct alert a = hit("AB12CDE", 1, 0, 0);
	(void)state;

	snprintf(path, sizeof(path), "%s/s.sock", tmpdir);
	struct alert_dispatch_cfg c = {.socket_path = path, .webhook_tries = 1};
	d = alert_dispatch_start(&c, NULL, NULL, err, sizeof(err));
	assert_non_null(d);
	alert_dispatch_push(d, &a);
	a.action = HOTLIST_ACT_SILENT;
	alert_dispatch_push(d, &a);
	for (int i = 0; i < 100; i++) {
		alert_dispatch_stats(d, &st);
		if (st.socket_sent == 1)
			break;
		usleep(10000);
	}
	assert_int_equal(st.pushed, 2);
	assert_int_equal(st.silent, 1);
	assert_int_equal(st.socket_sent, 1);
	assert_int_equal(st.webhook_sent, 0);
	alert_dispatch_stop(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_hostile_bytes),
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_socket_backlog),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_webhook),
		cmocka_unit_test(test_webhook_wait),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_dispatch_stats),
	};
	return cmocka_run_group_tests_name("anprd alerts", tests, setup_dir,
					   teardown_dir);
}
