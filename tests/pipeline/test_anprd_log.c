// SPDX-License-Identifier: MIT
/*
 * test_anprd_log.c - anprd's log lines: when standard error is the
 * journal's stream (JOURNAL_STREAM names it) each line is one structured
 * entry with the fields docs/anprd.md lists; otherwise a line, prefixed
 * with its syslog priority when JOURNAL_STREAM is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anprd/anprd_log.h"

/* the fields of the last entry the sink was handed */
static char fields[32][256];
static int nfields;

static int capture_sink(void *ctx, const struct iovec *iov, int n)
{
	(void)ctx;
	nfields = 0;
	for (int i = 0; i < n && i < 32; i++) {
		size_t len = iov[i].iov_len < 255 ? iov[i].iov_len : 255;

		memcpy(fields[i], iov[i].iov_base, len);
		fields[i][len] = '\0';
		nfields++;
	}
	return 0;
}

static const char *value(const char *key)
{
	size_t k = strlen(key);

	for (int i = 0; i < nfields; i++)
		if (strncmp(fields[i], key, k) == 0 && fields[i][k] == '=')
			return fields[i] + k + 1;
	return NULL;
}

static void test_stream_matches(void **state)
{
	(void)state;
	assert_true(anprd_log_stream_matches("8:1234", 8, 1234));
	assert_false(anprd_log_stream_matches("8:1234", 8, 1235));
	assert_false(anprd_log_stream_matches("9:1234", 8, 1234));
	assert_false(anprd_log_stream_matches(NULL, 8, 1234));
	assert_false(anprd_log_stream_matches("", 0, 0));
	assert_false(anprd_log_stream_matches("8", 8, 0));
	assert_false(anprd_log_stream_matches("8:", 8, 0));
	assert_false(anprd_log_stream_matches(":1234", 0, 1234));
	assert_false(anprd_log_stream_matches("8:1234x", 8, 1234));
	assert_false(anprd_log_stream_matches("x8:1234", 8, 1234));
}

/* init against a real file: structured only if JOURNAL_STREAM names it */
static void test_init_checks_the_fd(void **state)
{
	char path[] = "/tmp/anprd-log-XXXXXX", js[64];
	struct anprd_log l;
	struct stat st;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	anprd_log_init(&l, stdout, stderr, js, fd);
	assert_true(l.structured);
	assert_true(l.prio_prefix);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	anprd_log_init(&l, stdout, stderr, js, fd);	/* another stream: lines */
	assert_false(l.structured);
	assert_true(l.prio_prefix);
	anprd_log_init(&l, stdout, stderr, NULL, fd);	/* not under systemd */
	assert_false(l.structured);
	assert_false(l.prio_prefix);
	close(fd);
}

static void test_structured_event(void **state)
{
	struct anprd_log l = { .structured = 1, .camera = "CAM-7", .sink = capture_sink };
	const char *extra[] = { "ANPR_HOTLIST_ENTRIES=12", "ANPR_HOTLIST_NEW=1", NULL };

	(void)state;
	anprd_log(&l, 5, ANPRD_EV_RELOAD_OK, NULL, extra, "hotlists reloaded: %d entries", 12);
	assert_string_equal(value("MESSAGE"), "hotlists reloaded: 12 entries");
	assert_string_equal(value("PRIORITY"), "5");
	assert_string_equal(value("SYSLOG_IDENTIFIER"), "anprd");
	assert_string_equal(value("ANPR_CAMERA"), "CAM-7");
	assert_string_equal(value("MESSAGE_ID"), anprd_event_id(ANPRD_EV_RELOAD_OK));
	assert_string_equal(value("ANPR_EVENT"), "reload-ok");
	assert_string_equal(value("ANPR_HOTLIST_ENTRIES"), "12");
	assert_string_equal(value("ANPR_HOTLIST_NEW"), "1");
	assert_null(value("ANPR_SOURCE"));

	anprd_log(&l, 3, ANPRD_EV_SOURCE_LOST, "ir", NULL, "source %s: gone", "ir");
	assert_string_equal(value("ANPR_SOURCE"), "ir");
	assert_string_equal(value("ANPR_EVENT"), "source-lost");
	assert_string_equal(value("PRIORITY"), "3");

	/* an ordinary line: no MESSAGE_ID, no ANPR_EVENT */
	anprd_log(&l, 6, ANPRD_EV_NONE, NULL, NULL, "plain");
	assert_null(value("MESSAGE_ID"));
	assert_null(value("ANPR_EVENT"));
	assert_string_equal(value("MESSAGE"), "plain");

	/* out of range priorities become info */
	anprd_log(&l, 9, ANPRD_EV_NONE, NULL, NULL, "x");
	assert_string_equal(value("PRIORITY"), "6");
}

static void test_event_ids(void **state)
{
	(void)state;
	assert_string_equal(anprd_event_id(ANPRD_EV_NONE), "");
	assert_string_equal(anprd_event_id(ANPRD_EV_COUNT), "");
	for (int a = ANPRD_EV_NONE + 1; a < ANPRD_EV_COUNT; a++) {
		const char *id = anprd_event_id(a);

		assert_int_equal(strlen(id), 32);
		for (const char *c = id; *c; c++)
			assert_true(isxdigit((unsigned char)*c) && !isupper((unsigned char)*c));
		assert_true(anprd_event_name(a)[0] != '\0');
		for (int b = a + 1; b < ANPRD_EV_COUNT; b++) {
			assert_string_not_equal(id, anprd_event_id(b));
			assert_string_not_equal(anprd_event_name(a), anprd_event_name(b));
		}
	}
}

/* not the journal: "<N>" lines when JOURNAL_STREAM is set, errors apart */
static void test_lines(void **state)
{
	char *outbuf = NULL, *errbuf = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *out = open_memstream(&outbuf, &outlen), *err = open_memstream(&errbuf, &errlen);
	struct anprd_log l = { .out = out, .err = err, .prio_prefix = 1, .sink = capture_sink };

	(void)state;
	nfields = 0;
	anprd_log(&l, 6, ANPRD_EV_READY, NULL, NULL, "anprd: capturing");
	anprd_log(&l, 3, ANPRD_EV_RELOAD_REJECTED, NULL, NULL, "anprd: reload rejected: %s", "x");
	l.prio_prefix = 0;
	anprd_log(&l, 5, ANPRD_EV_NONE, "ir", NULL, "HEALTH ir: black raised");
	fclose(out);
	fclose(err);
	assert_string_equal(outbuf, "<6>anprd: capturing\nHEALTH ir: black raised\n");
	assert_string_equal(errbuf, "<3>anprd: reload rejected: x\n");
	assert_int_equal(nfields, 0);	/* nothing went to the journal */
	free(outbuf);
	free(errbuf);
}

static int refusing_sink(void *ctx, const struct iovec *iov, int n)
{
	(void)iov;
	(void)n;
	++*(int *)ctx;
	return -2;	/* -ENOENT: no journal socket */
}

/* the journal refuses an entry: the line is printed instead, not lost */
static void test_refused_entry_falls_back_to_a_line(void **state)
{
	char *outbuf = NULL, *errbuf = NULL;
	size_t outlen = 0, errlen = 0;
	int tries = 0;
	FILE *out = open_memstream(&outbuf, &outlen), *err = open_memstream(&errbuf, &errlen);
	struct anprd_log l = { .out = out, .err = err, .prio_prefix = 1, .structured = 1,
			       .sink = refusing_sink, .sink_ctx = &tries };

	(void)state;
	anprd_log(&l, 2, ANPRD_EV_INTAKE_STOPPED, NULL, NULL, "anprd: RECORD INTAKE STOPPED");
	anprd_log(&l, 6, ANPRD_EV_READY, NULL, NULL, "anprd: capturing");
	fclose(out);
	fclose(err);
	assert_int_equal(tries, 2);
	assert_string_equal(errbuf, "<2>anprd: RECORD INTAKE STOPPED\n");
	assert_string_equal(outbuf, "<6>anprd: capturing\n");
	free(outbuf);
	free(errbuf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_matches),
		cmocka_unit_test(test_init_checks_the_fd),
		cmocka_unit_test(test_structured_event),
		cmocka_unit_test(test_event_ids),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_refused_entry_falls_back_to_a_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
