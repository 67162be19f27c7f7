// SPDX-License-Identifier: MIT
/*
 * test_console_alert.c - anpr-console's check of an anpr-alert/2 line
 * (backoffice/console/console_alert.c): docs/alerts.md's own examples
 * pass; each way a line can be wrong is refused with a 400 naming the
 * field (never quoting a value); a valid line of another camera is 403.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "console/console_alert.h"

static const char hit[] =
	"{\"schema\":\"anpr-alert/2\",\"seq\":7,\"kind\":\"hit\",\"time\":\"2026-11-24T09:56:23.123456Z\","
	"\"camera\":\"CAM-0001\",\"source\":\"front\",\"vrm\":\"A812CDE\",\"match\":{\"vrm\":\"AB12CDE\","
	"\"list\":\"PNC\",\"reason\":\"Stolen vehicle\",\"priority\":1,\"action\":\"intercept\","
	"\"distance\":1,\"fuzzy\":true,\"wildcard\":false},\"vehicle\":12,\"record\":null,"
	"\"record_pending\":true,\"confidence\":0.930}\n";
static const char hit_record[] =
	"{\"schema\":\"anpr-alert/2\",\"seq\":9,\"kind\":\"hit-record\",\"time\":\"2026-11-24T09:56:23.443456Z\","
	"\"camera\":\"CAM-0001\",\"source\":\"front\",\"vrm\":\"AB12CDE\",\"match\":{\"vrm\":\"AB12CDE\","
	"\"list\":\"PNC\",\"reason\":\"Stolen vehicle\",\"priority\":1,\"action\":\"intercept\","
	"\"distance\":1,\"fuzzy\":true,\"wildcard\":false},\"vehicle\":12,"
	"\"record\":\"CAM-0001-DA396CE022CA6BA3-4242\",\"record_pending\":false,\"confidence\":0.962,"
	"\"hit_seq\":7,\"detail\":\"\"}\n";
static const char health[] =
	"{\"schema\":\"anpr-alert/2\",\"seq\":3,\"kind\":\"health\",\"time\":\"2026-11-24T09:56:23.123456Z\","
	"\"camera\":\"CAM-0001\",\"source\":\"front\",\"state\":\"black\",\"active\":true,\"detail\":\"x\"}";

static int run(const char *line, const char *cam, char *why)
{
	struct console_alert a;

	return console_alert_check(line, strlen(line), cam, &a, why, 300);
}

/* line with the first occurrence of from replaced by to */
static int run_edit(const char *line, const char *from, const char *to, char *why)
{
	char buf[CONSOLE_ALERT_LINE_MAX * 2];
	const char *p = strstr(line, from);

	assert_non_null(p);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - line), line, to, p + strlen(from));
	return run(buf, "CAM-0001", why);
}

static void test_examples(void **state)
{
	struct console_alert a;
	char why[300];

	(void)state;
	assert_int_equal(console_alert_check(hit, strlen(hit), "CAM-0001", &a, why, sizeof why), 0);
	assert_int_equal(a.seq, 7);
	assert_string_equal(a.kind, "hit");
	assert_string_equal(a.camera, "CAM-0001");
	assert_string_equal(a.time, "2026-11-24T09:56:23.123456Z");
	assert_int_equal(run(hit_record, "CAM-0001", why), 0);
	assert_int_equal(run(health, "CAM-0001", why), 0);
	assert_int_equal(run_edit(hit, "\"kind\":\"hit\"", "\"kind\":\"hit-searchback\"", why), 0);
}

static void test_other_camera(void **state)
{
	char why[300];

	(void)state;
	assert_int_equal(run(hit, "CAM-0002", why), 403);
	assert_non_null(strstr(why, "CAM-0001"));
	assert_non_null(strstr(why, "CAM-0002"));
}

static void test_refused(void **state)
{
	static const struct { const char *from, *to, *why; } cases[] = {
		{ "\"schema\":\"anpr-alert/2\"", "\"schema\":\"anpr-alert/1\"", "schema" },
		{ "\"seq\":7", "\"seq\":-1", "seq" },
		{ "\"seq\":7", "\"seq\":7.5", "seq: not an integer" },
		{ "\"kind\":\"hit\"", "\"kind\":\"clone\"", "kind" },
		{ "09:56:23.123456Z", "09:56:23Z", "time" },
		{ "\"camera\":\"CAM-0001\"", "\"camera\":\"CAM 0001\"", "camera" },
		{ "\"vrm\":\"A812CDE\",", "", "vrm: missing" },
		{ "\"confidence\":0.930", "\"confidence\":1.5", "confidence" },
		{ "\"confidence\":0.930", "\"confidence\":\"0.9\"", "confidence: not a number" },
		{ "\"priority\":1", "\"priority\":0", "match.priority" },
		{ "\"action\":\"intercept\"", "\"action\":\"silent\"", "match.action" },
		{ "\"wildcard\":false}", "\"wildcard\":false,\"x\":1}", "match.unknown field \"x\"" },
		{ "\"vehicle\":12", "\"vehicle\":12,\"hit_seq\":3", "unknown field \"hit_seq\"" },
		{ "\"record\":null", "\"record\":5", "record: not a string or null" },
		{ "\"seq\":7", "\"seq\":7,\"seq\":8", "not JSON" },	/* duplicate key */
		{ "{", "[", "not JSON" },
		{ "\"reason\":\"Stolen vehicle\"", "\"reason\":\"Stolen\x01\"", "not JSON" },
		{ "\"reason\":\"Stolen vehicle\"", "\"reason\":\"\xff\xfe\"", "not JSON" },
		{ "\"vehicle\":12,", "\"vehicle\":12,\n", "more than one line" },
	};
	char why[300];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = run_edit(hit, cases[i].from, cases[i].to, why);

		if (rc != 400 || !strstr(why, cases[i].why))
			fail_msg("case %zu: %d \"%s\", expected 400 \"%s\"", i, rc, why,
				 cases[i].why);
		/* no value is quoted back: the marks are not in the words */
		assert_null(strstr(why, "A812CDE"));
		assert_null(strstr(why, "AB12CDE"));
	}
	assert_int_equal(run("", "CAM-0001", why), 400);
	assert_int_equal(run("A812CDE", "CAM-0001", why), 400);
	assert_null(strstr(why, "A812CDE"));
	assert_int_equal(run_edit(hit_record, "\"hit_seq\":7,", "", why), 400);
	assert_non_null(strstr(why, "hit_seq: missing"));
	assert_int_equal(run_edit(health, "\"state\":\"black\"", "\"state\":\"dark\"", why), 400);
	assert_int_equal(run_edit(health, "\"detail\":\"x\"", "\"detail\":\"x\",\"vrm\":\"A\"", why), 400);
}

static void test_too_long(void **state)
{
	char buf[CONSOLE_ALERT_LINE_MAX + 100], why[300];
	struct console_alert a;

	(void)state;
	memset(buf, ' ', sizeof buf);
	memcpy(buf, hit, strlen(hit) - 1);	/* valid JSON, spaces after */
	assert_int_equal(console_alert_check(buf, CONSOLE_ALERT_LINE_MAX, "CAM-0001", &a, why,
					     sizeof why), 0);
	assert_int_equal(console_alert_check(buf, CONSOLE_ALERT_LINE_MAX + 1, "CAM-0001", &a, why,
					     sizeof why), 400);
	assert_non_null(strstr(why, "8192"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_other_camera),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
