// SPDX-License-Identifier: MIT
/*
 * test_ingest_health.c - anpr-ingest's health report as pure logic
 * (ingest_health.c): which gaps are problems at a given time, refusals,
 * the database down, the JSON document parsed back, what is logged when
 * problems come and go, and the duration syntax of --gap-alarm. The clock
 * is passed in; the real store and daemon run in tests/ingest/ingest-e2e.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ingest/ingest_health.h"

#define T0 1796565600	/* 2026-12-06T14:00:00Z */

static const struct anpr_gap gaps[] = {
	{ "CAM-B", "00000000000000b1", 21, 30, T0 - 90000 },	/* 25 h */
	{ "CAM-B", "00000000000000b1", 41, 41, T0 - 86400 },	/* 24 h */
	{ "CAM-A", "00000000000000a1", 1, 9, T0 - 3600 },	/* 1 h */
};

static const struct anpr_quarantine_count quar[] = {
	{ "", "malformed", 3, 0, T0 - 200000 },
	{ "CAM-C", "bad-signature", 2, 1, T0 - 60 },
	{ "CAM-C", "image-altered", 1, 0, T0 - 100000 },
};

static struct ingest_health_input input(void)
{
	struct ingest_health_input in;

	memset(&in, 0, sizeof in);
	in.now_unix = T0;
	in.started_unix = T0 - 7200;
	in.gap_alarm_s = 86400;
	in.refusal_window_s = 86400;
	in.db_ok = true;
	in.tally = (struct ingest_tally){ 1000, 7, 3, 1, 2 };
	in.gaps = gaps;
	in.ngaps = 3;
	in.quarantine = quar;
	in.nquarantine = 3;
	return in;
}

static void gaps_older_than_the_alarm_are_problems(void **state)
{
	struct ingest_health_input in = input();
	char lines[8][INGEST_PROBLEM_LEN];
	size_t n;

	(void)state;
	n = ingest_health_problems(&in, lines, 8);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], "camera CAM-B chain 00000000000000b1: "
			    "records 21-30 missing since 2026-12-05T13:00:00Z");
	/* exactly the alarm's age counts; one record is "record" */
	assert_string_equal(lines[1], "camera CAM-B chain 00000000000000b1: "
			    "record 41 missing since 2026-12-05T14:00:00Z");
	/* the refusal of the last 24 h; the older ones are counted only */
	assert_string_equal(lines[2], "camera CAM-C: records refused as "
			    "bad-signature (the last at 2026-12-06T13:59:00Z), "
			    "in the quarantine for examination");
	/* a day later the 1-hour gap alarms too */
	in.now_unix += 86400;
	assert_int_equal(ingest_health_problems(&in, lines, 8), 4);
	assert_non_null(strstr(lines[2], "CAM-A"));
	/* a longer alarm: none */
	in = input();
	in.gap_alarm_s = 200000;
	assert_int_equal(ingest_health_problems(&in, lines, 8), 1);
}

static void lines_beyond_cap_are_counted(void **state)
{
	struct ingest_health_input in = input();
	char lines[1][INGEST_PROBLEM_LEN];

	(void)state;
	assert_int_equal(ingest_health_problems(&in, lines, 1), 3);
	in.gaps_truncated = true;
	assert_int_equal(ingest_health_problems(&in, lines, 1), 4);
}

static void database_down_is_the_one_problem(void **state)
{
	struct ingest_health_input in = input();
	char lines[4][INGEST_PROBLEM_LEN];
	char *doc;
	json_t *j;

	(void)state;
	in.db_ok = false;
	in.db_error = "connection refused";
	in.ngaps = in.nquarantine = 0;
	assert_int_equal(ingest_health_problems(&in, lines, 4), 1);
	assert_string_equal(lines[0], "the database cannot be reached");
	doc = ingest_health_json(&in);
	assert_non_null(doc);
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "problem");
	assert_false(json_is_true(json_object_get(json_object_get(j, "database"), "ok")));
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(j, "database"), "error")), "connection refused");
	json_decref(j);
	free(doc);
}

/* anpr-ingest --standbys: a store whose commits wait for fewer
 * synchronous standbys than asked is a problem, named with the setting */
static void too_few_standbys_is_a_problem(void **state)
{
	struct ingest_health_input in = input();
	char lines[8][INGEST_PROBLEM_LEN];
	char *doc;
	json_t *j, *db;

	(void)state;
	in.ngaps = in.nquarantine = 0;
	in.standbys_required = 1;
	in.standbys_wait = 1;
	in.standbys_names = "node2";
	assert_int_equal(ingest_health_problems(&in, lines, 8), 0);
	in.standbys_wait = 0;
	in.standbys_names = "";
	assert_int_equal(ingest_health_problems(&in, lines, 8), 1);
	assert_string_equal(lines[0], "the store's commits wait for no standby "
			    "(synchronous_standby_names '') where --standbys "
			    "asks 1: no record is acknowledged until they do");
	in.standbys_required = 2;
	in.standbys_wait = 1;
	in.standbys_names = "node2";
	assert_int_equal(ingest_health_problems(&in, lines, 8), 1);
	assert_non_null(strstr(lines[0], "fewer standbys (synchronous_standby_names 'node2')"));
	in.standbys_wait = -1;
	in.standbys_names = "FIRST 2 (a";
	assert_int_equal(ingest_health_problems(&in, lines, 8), 1);
	assert_non_null(strstr(lines[0], "in a way not understood"));
	doc = ingest_health_json(&in);
	assert_non_null(doc);
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	db = json_object_get(j, "database");
	assert_int_equal(json_integer_value(json_object_get(db, "standbys_required")), 2);
	assert_int_equal(json_integer_value(json_object_get(db, "standbys_waited_for")), -1);
	assert_string_equal(json_string_value(json_object_get(db, "synchronous_standby_names")),
			    "FIRST 2 (a");
	json_decref(j);
	free(doc);
	/* not asked: nothing said */
	in.standbys_required = 0;
	assert_int_equal(ingest_health_problems(&in, lines, 8), 0);
}

static void json_document_says_everything(void **state)
{
	struct ingest_health_input in = input();
	json_t *j, *g, *q, *s;
	char *doc;

	(void)state;
	doc = ingest_health_json(&in);
	assert_non_null(doc);
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "format")),
			    "anpr-ingest-health/1");
	assert_string_equal(json_string_value(json_object_get(j, "time")),
			    "2026-12-06T14:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "started")),
			    "2026-12-06T12:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "problem");
	assert_int_equal(json_array_size(json_object_get(j, "problems")), 3);
	s = json_object_get(j, "since_start");
	assert_int_equal(json_integer_value(json_object_get(s, "stored")), 1000);
	assert_int_equal(json_integer_value(json_object_get(s, "duplicates")), 7);
	assert_int_equal(json_integer_value(json_object_get(s, "refused")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "forbidden")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "unavailable")), 2);
	g = json_object_get(j, "gaps");
	assert_int_equal(json_array_size(g), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(g, 0),
							    "first_missing")), 21);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(g, 0),
							    "age_s")), 90000);
	assert_true(json_is_true(json_object_get(json_array_get(g, 1), "alarm")));
	assert_true(json_is_false(json_object_get(json_array_get(g, 2), "alarm")));
	q = json_object_get(j, "quarantine");
	assert_int_equal(json_array_size(q), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(q, 0),
							      "camera_id")), "");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(q, 1),
							    "recent")), 1);
	json_decref(j);
	free(doc);
	/* nothing wrong: ok, no problems */
	in.ngaps = 0;
	in.nquarantine = 0;
	doc = ingest_health_json(&in);
	j = json_loads(doc, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
	assert_int_equal(json_array_size(json_object_get(j, "problems")), 0);
	json_decref(j);
	free(doc);
}

struct logged {
	char text[8][INGEST_PROBLEM_LEN + 8];
	size_t n;
};

static void log_new(const char *line, void *ctx)
{
	struct logged *l = ctx;

	snprintf(l->text[l->n++], sizeof l->text[0], "new %s", line);
}

static void log_gone(const char *line, void *ctx)
{
	struct logged *l = ctx;

	snprintf(l->text[l->n++], sizeof l->text[0], "gone %s", line);
}

static void problems_are_logged_when_they_come_and_go(void **state)
{
	char a[3][INGEST_PROBLEM_LEN] = { "gap 1", "gap 2", "refusals" };
	char b[2][INGEST_PROBLEM_LEN] = { "refusals", "gap 3" };
	struct logged l = { .n = 0 };

	(void)state;
	ingest_health_diff(a, 3, a, 3, log_new, log_gone, &l);
	assert_int_equal(l.n, 0);			/* unchanged: silent */
	ingest_health_diff(a, 0, a, 3, log_new, log_gone, &l);
	assert_int_equal(l.n, 3);
	l.n = 0;
	ingest_health_diff(a, 3, b, 2, log_new, log_gone, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.text[0], "new gap 3");
	assert_string_equal(l.text[1], "gone gap 1");
	assert_string_equal(l.text[2], "gone gap 2");
}

static void durations(void **state)
{
	int64_t s;

	(void)state;
	assert_int_equal(ingest_parse_duration_s("24h", &s), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(ingest_parse_duration_s("90m", &s), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(ingest_parse_duration_s("2d", &s), 0);
	assert_int_equal(s, 172800);
	assert_int_equal(ingest_parse_duration_s("45s", &s), 0);
	assert_int_equal(s, 45);
	assert_int_equal(ingest_parse_duration_s("300", &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(ingest_parse_duration_s("", &s), -1);
	assert_int_equal(ingest_parse_duration_s("-1h", &s), -1);
	/* the tree's one parser (common/timeutil.h): decimals and "ms" too,
	 * whole seconds only */
	assert_int_equal(ingest_parse_duration_s("1.5h", &s), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(ingest_parse_duration_s("2000ms", &s), 0);
	assert_int_equal(s, 2);
	assert_int_equal(ingest_parse_duration_s("1500ms", &s), -1);
	assert_int_equal(ingest_parse_duration_s("1.5", &s), -1);
	assert_int_equal(ingest_parse_duration_s(" 5s", &s), -1);
	assert_int_equal(ingest_parse_duration_s("0x10s", &s), -1);
	assert_int_equal(ingest_parse_duration_s("inf", &s), -1);
	assert_int_equal(ingest_parse_duration_s("1 h", &s), -1);
	assert_int_equal(ingest_parse_duration_s("3w", &s), -1);
	assert_int_equal(ingest_parse_duration_s("99999999999999999999d", &s), -1);
	assert_int_equal(ingest_parse_duration_s("999999999999999d", &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gaps_older_than_the_alarm_are_problems),
		cmocka_unit_test(lines_beyond_cap_are_counted),
		cmocka_unit_test(database_down_is_the_one_problem),
		cmocka_unit_test(too_few_standbys_is_a_problem),
		cmocka_unit_test(json_document_says_everything),
		cmocka_unit_test(problems_are_logged_when_they_come_and_go),
		cmocka_unit_test(durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
