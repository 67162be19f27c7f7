// SPDX-License-Identifier: MIT
/*
 * ingest_health.c - anpr-ingest's health report as pure logic (see
 * ingest_health.h): problems, the JSON document, what changed. The clock
 * and the store's answers are passed in.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ingest/ingest_health.h"
#include "common/timeutil.h"

void ingest_utc_text(int64_t unix_s, char buf[21])
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 21, "%" PRId64, unix_s);
}

int ingest_parse_duration_s(const char *text, int64_t *s)
{
	int64_t ms;

	if (anpr_parse_duration_ms(text, &ms, 1000) != 0 || ms % 1000 != 0)
		return -1;
	*s = ms / 1000;
	return 0;
}

static bool gap_alarmed(const struct ingest_health_input *in,
			const struct anpr_gap *g)
{
	return in->now_unix - g->open_since_unix >= in->gap_alarm_s;
}

static bool refusal_recent(const struct anpr_quarantine_count *q)
{
	return q->recent > 0;
}

static const char *camera_words(const char *camera_id, char *buf, size_t len)
{
	if (!*camera_id)
		return "a client not yet identified";
	snprintf(buf, len, "camera %s", camera_id);
	return buf;
}

size_t ingest_health_problems(const struct ingest_health_input *in,
			      char (*lines)[INGEST_PROBLEM_LEN], size_t cap)
{
	size_t n = 0;
	char when[21], who[48];

#define ADD(...) do {							\
		if (n < cap)						\
			snprintf(lines[n], INGEST_PROBLEM_LEN, __VA_ARGS__); \
		n++;							\
	} while (0)

	if (!in->db_ok) {
		ADD("the database cannot be reached");
		return n;
	}
	if (in->standbys_required &&
	    (in->standbys_wait < 0 ||
	     (unsigned)in->standbys_wait < in->standbys_required))
		ADD("the store's commits wait for %s (synchronous_standby_names "
		    "'%.60s') where --standbys asks %u: no record is "
		    "acknowledged until they do",
		    in->standbys_wait < 0 ? "standbys in a way not understood" :
		    in->standbys_wait == 0 ? "no standby" : "fewer standbys",
		    in->standbys_names ? in->standbys_names : "",
		    in->standbys_required);
	for (size_t i = 0; i < in->ngaps; i++) {
		const struct anpr_gap *g = &in->gaps[i];

		if (!gap_alarmed(in, g))
			continue;
		ingest_utc_text(g->open_since_unix, when);
		if (g->first_missing == g->last_missing)
			ADD("camera %s chain %s: record %" PRIu64 " missing "
			    "since %s", g->camera_id, g->chain_id,
			    g->first_missing, when);
		else
			ADD("camera %s chain %s: records %" PRIu64 "-%" PRIu64
			    " missing since %s", g->camera_id, g->chain_id,
			    g->first_missing, g->last_missing, when);
	}
	if (in->gaps_truncated)
		ADD("more gaps are open than the report lists (%zu)",
		    in->ngaps);
	for (size_t i = 0; i < in->nquarantine; i++) {
		const struct anpr_quarantine_count *q = &in->quarantine[i];

		if (!refusal_recent(q))
			continue;
		ingest_utc_text(q->last_unix, when);
		ADD("%s: records refused as %s (the last at %s), in the "
		    "quarantine for examination",
		    camera_words(q->camera_id, who, sizeof who), q->reason,
		    when);
	}
#undef ADD
	return n;
}

/* json_object_set_new, counting a failure */
static void put(json_t *o, const char *k, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, k, v) != 0)
		(*bad)++;
}

static json_t *time_json(int64_t unix_s)
{
	char buf[21];

	ingest_utc_text(unix_s, buf);
	return json_string(buf);
}

char *ingest_health_json(const struct ingest_health_input *in)
{
	char (*lines)[INGEST_PROBLEM_LEN];
	size_t nprob, cap = 64;
	json_t *doc, *a, *o;
	char *out = NULL;
	int bad = 0;

	lines = calloc(cap, sizeof *lines);
	doc = json_object();
	if (!lines || !doc)
		goto done;
	nprob = ingest_health_problems(in, lines, cap);
	put(doc, "format", json_string("anpr-ingest-health/1"), &bad);
	put(doc, "time", time_json(in->now_unix), &bad);
	put(doc, "started", time_json(in->started_unix), &bad);
	put(doc, "status", json_string(nprob ? "problem" : "ok"), &bad);
	a = json_array();
	for (size_t i = 0; a && i < nprob && i < cap; i++)
		if (json_array_append_new(a, json_string(lines[i])) != 0)
			bad++;
	put(doc, "problems", a, &bad);
	o = json_object();
	if (o) {
		put(o, "ok", json_boolean(in->db_ok), &bad);
		if (!in->db_ok)
			put(o, "error", json_string(in->db_error ? in->db_error
							     : ""), &bad);
		if (in->db_ok && in->standbys_required) {
			put(o, "standbys_required",
			    json_integer(in->standbys_required), &bad);
			put(o, "standbys_waited_for",
			    json_integer(in->standbys_wait), &bad);
			put(o, "synchronous_standby_names",
			    json_string(in->standbys_names ? in->standbys_names
							   : ""), &bad);
		}
	}
	put(doc, "database", o, &bad);
	o = json_object();
	if (o) {
		put(o, "stored", json_integer((json_int_t)in->tally.stored), &bad);
		put(o, "duplicates", json_integer((json_int_t)in->tally.duplicates), &bad);
		put(o, "refused", json_integer((json_int_t)in->tally.refused), &bad);
		put(o, "forbidden", json_integer((json_int_t)in->tally.forbidden), &bad);
		put(o, "unavailable", json_integer((json_int_t)in->tally.unavailable), &bad);
	}
	put(doc, "since_start", o, &bad);
	put(doc, "gap_alarm_s", json_integer((json_int_t)in->gap_alarm_s), &bad);
	a = json_array();
	for (size_t i = 0; a && i < in->ngaps; i++) {
		const struct anpr_gap *g = &in->gaps[i];

		o = json_object();
		if (!o) {
			bad++;
			break;
		}
		put(o, "camera_id", json_string(g->camera_id), &bad);
		put(o, "chain_id", json_string(g->chain_id), &bad);
		put(o, "first_missing", json_integer((json_int_t)g->first_missing), &bad);
		put(o, "last_missing", json_integer((json_int_t)g->last_missing), &bad);
		put(o, "open_since", time_json(g->open_since_unix), &bad);
		put(o, "age_s", json_integer((json_int_t)(in->now_unix -
							  g->open_since_unix)), &bad);
		put(o, "alarm", json_boolean(gap_alarmed(in, g)), &bad);
		if (json_array_append_new(a, o) != 0)
			bad++;
	}
	put(doc, "gaps", a, &bad);
	put(doc, "gaps_truncated", json_boolean(in->gaps_truncated), &bad);
	put(doc, "refusal_window_s", json_integer((json_int_t)in->refusal_window_s), &bad);
	a = json_array();
	for (size_t i = 0; a && i < in->nquarantine; i++) {
		const struct anpr_quarantine_count *q = &in->quarantine[i];

		o = json_object();
		if (!o) {
			bad++;
			break;
		}
		put(o, "camera_id", json_string(q->camera_id), &bad);
		put(o, "reason", json_string(q->reason), &bad);
		put(o, "total", json_integer((json_int_t)q->total), &bad);
		put(o, "recent", json_integer((json_int_t)q->recent), &bad);
		put(o, "last", time_json(q->last_unix), &bad);
		if (json_array_append_new(a, o) != 0)
			bad++;
	}
	put(doc, "quarantine", a, &bad);
	if (!bad)
		out = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
done:
	json_decref(doc);
	free(lines);
	return out;
}

static bool has_line(char (*set)[INGEST_PROBLEM_LEN], size_t n,
		     const char *line)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], line) == 0)
			return true;
	return false;
}

void ingest_health_diff(char (*prev)[INGEST_PROBLEM_LEN], size_t nprev,
			char (*cur)[INGEST_PROBLEM_LEN], size_t ncur,
			void (*on_new)(const char *line, void *ctx),
			void (*on_gone)(const char *line, void *ctx),
			void *ctx)
{
	for (size_t i = 0; i < ncur; i++)
		if (!has_line(prev, nprev, cur[i]))
			on_new(cur[i], ctx);
	for (size_t i = 0; i < nprev; i++)
		if (!has_line(cur, ncur, prev[i]))
			on_gone(prev[i], ctx);
}
