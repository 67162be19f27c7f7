// SPDX-License-Identifier: MIT
/*
 * console_search.c - the analysts' search in anpr-console (issue 23,
 * docs/console.md "Search"): POST /v1/search asks anpr.search_reads, the
 * access policy's own audited function, on the person's connection
 * through the store library's anpr_store_search_policy (the code
 * anpr-query runs: the mark normalised and folded the same way). The
 * database decides, audits and counts what it withholds; this file adds
 * one rule that must come before the search runs: a window reaching into
 * a tier that needs a senior officer's authorisation is not searched
 * without one (the page asks for it first).
 *
 *   {"vrm": TEXT|null, "fuzzy": BOOL, "camera": TEXT|null,
 *    "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"|null,
 *    "purpose": TEXT, "case_ref": TEXT, "authorisation": INT|null}
 *   -> {"reads": [...], "withheld": [...], "shown": N, "found": N}
 */
#include "console/console.h"

#include "store/anprstore.h"

#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHOWN_MAX	500	/* reads in an answer; the rest counted */

/* "YYYY-MM-DD" as the microseconds of that day's start (UTC), or -1. */
static int64_t day_us(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	if (!s || strlen(s) != 10 || !(end = strptime(s, "%Y-%m-%d", &tm)) || *end)
		return -1;
	return (int64_t)timegm(&tm) * 1000000;
}

static json_t *read_json(const struct anpr_read *d)
{
	char t[40];
	time_t sec = (time_t)(d->time_utc_us / 1000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(t + strlen(t), sizeof t - strlen(t), ".%06dZ",
		 (int)(d->time_utc_us % 1000000));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:f,s:b,s:b,s:b}",
			 "record", d->record_id, "camera", d->camera_id, "time", t,
			 "vrm", d->vrm, "site", d->site_id[0] ? json_string(d->site_id) : json_null(),
			 "confidence", d->confidence, "sig_ok", d->sig_ok,
			 "link_verified", d->link_verified, "covered", d->covered);
}

/* Whether a window from from_day reaches reads of a tier that needs an
 * authorisation, by the policy's own table: 1, 0, or -1 (the database). */
static int needs_authorisation(PGconn *pg, const char *from_day)
{
	const char *v[1] = { from_day };
	PGresult *r = PQexecParams(pg,
		"SELECT ($1::date::timestamp AT TIME ZONE 'UTC') <= now() - "
		"(SELECT max(max_age) FROM anpr.policy_tiers WHERE NOT needs_authorisation)",
		1, NULL, v, NULL, NULL, 0);
	int ret = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		ret = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return ret;
}

enum MHD_Result console_policy_failed(struct MHD_Connection *c, const char *user,
				      const char *what, int rc, const char *err,
				      const char *forbidden)
{
	char detail[80];

	clog_line("%s of %s failed: %s", what, user, err);
	if (strstr(err, "SQLSTATE 42501"))
		return console_error(c, 403, "forbidden", forbidden);
	if (rc == ANPR_STORE_EINVAL)
		return console_error(c, 400, "malformed",
				     "the registration mark: 1 to 16 of A-Z and 0-9");
	snprintf(detail, sizeof detail, "the %s could not be run", what);
	return console_error(c, 503, "unavailable", detail);
}

void console_question_free(struct console_question *x)
{
	json_decref(x->o);
	x->o = NULL;
}

enum MHD_Result console_question(struct MHD_Connection *c, PGconn *pg, const char *user,
				 const char *body, size_t len, const char *what,
				 struct console_question *x)
{
	json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
	const char *vrm = json_string_value(json_object_get(o, "vrm"));
	const char *camera = json_string_value(json_object_get(o, "camera"));
	const char *from = json_string_value(json_object_get(o, "from"));
	const char *to = json_string_value(json_object_get(o, "to"));
	const json_t *ja = json_object_get(o, "authorisation");
	int na;

	memset(x, 0, sizeof *x);
	x->purpose = json_string_value(json_object_get(o, "purpose"));
	x->case_ref = json_string_value(json_object_get(o, "case_ref"));
	if (!o || !json_is_object(o) || !from || !x->purpose || !x->case_ref ||
	    (ja && !json_is_null(ja) && (!json_is_integer(ja) || json_integer_value(ja) < 1))) {
		json_decref(o);
		return console_error(c, 400, "malformed", "{\"vrm\", \"fuzzy\", \"camera\", "
				     "\"from\": YYYY-MM-DD, \"to\", \"purpose\", \"case_ref\", "
				     "\"authorisation\"} expected");
	}
	x->o = o;
	if (json_is_integer(ja))
		x->auth = (int64_t)json_integer_value(ja);
	x->q.vrm = vrm && *vrm ? vrm : NULL;
	x->q.fuzzy = json_is_true(json_object_get(o, "fuzzy"));
	x->q.camera_id = camera && *camera ? camera : NULL;
	x->q.from_us = day_us(from);
	x->q.has_from = true;
	if (to && *to) {
		x->q.to_us = day_us(to);
		x->q.has_to = true;
	}
	if (x->q.from_us < 0 || (x->q.has_to && (x->q.to_us < 0 || x->q.to_us < x->q.from_us))) {
		console_question_free(x);
		return console_error(c, 400, "malformed", "from and to: dates YYYY-MM-DD, "
				     "to not before from");
	}
	if (x->q.has_to)
		x->q.to_us += 86400LL * 1000000 - 1;	/* the whole of that day */
	na = needs_authorisation(pg, from);
	if (na < 0) {
		console_question_free(x);
		return console_error(c, 503, "unavailable", "the access policy cannot be read");
	}
	if (na && !x->auth) {
		/* asked before the search runs (docs/access.md): nothing is
		 * searched, so nothing is audited */
		clog_line("%s of %s refused before it ran: the window needs an "
			  "authorisation", what, user);
		console_question_free(x);
		return console_error(c, 403, "needs-authorisation",
				     "a search reaching back more than 12 months needs a senior "
				     "officer's authorisation: give its number");
	}
	return MHD_YES;
}

enum MHD_Result console_search(struct MHD_Connection *c, PGconn *pg, const char *user,
			       const char *body, size_t len)
{
	struct console_question x;
	struct anpr_read *reads = NULL;
	struct anpr_withheld *wh = NULL;
	struct anpr_store *st = NULL;
	size_t n = 0, nw = 0;
	char err[600];
	json_t *a, *jr, *jw;
	enum MHD_Result ret;
	char *text;
	int rc;

	ret = console_question(c, pg, user, body, len, "search", &x);
	if (!x.o)
		return ret;
	rc = anpr_store_adopt(&st, pg, err, sizeof err);
	if (!rc)
		rc = anpr_store_search_policy(st, &x.q, x.purpose, x.case_ref, x.auth, &reads, &n,
					      &wh, &nw, err, sizeof err);
	if (st)
		anpr_store_disown(st);	/* pg stays the session's */
	if (rc) {
		console_question_free(&x);
		return console_policy_failed(c, user, "search", rc, err,
					     "this user is not an analyst (anpr_analyst)");
	}
	jr = json_array();
	for (size_t i = 0; i < n && i < SHOWN_MAX; i++)
		json_array_append_new(jr, read_json(&reads[i]));
	jw = json_array();
	for (size_t i = 0; i < nw; i++)
		json_array_append_new(jw, json_pack("{s:s,s:i,s:I,s:s}", "reason", wh[i].reason,
						     "tier", wh[i].tier, "count",
						     (json_int_t)wh[i].count, "needs", wh[i].needs));
	clog_line("search of %s (%s): %zu reads, %zu reasons withheld (audited)", user, x.purpose,
		  n, nw);
	console_question_free(&x);	/* purpose was its */
	a = json_pack("{s:o,s:o,s:I,s:I}", "reads", jr, "withheld", jw, "found", (json_int_t)n,
		      "shown", (json_int_t)(n < SHOWN_MAX ? n : SHOWN_MAX));
	free(reads);
	free(wh);
	text = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	if (!text)
		return MHD_NO;
	ret = console_answer(c, 200, "application/json", text, strlen(text));
	free(text);
	return ret;
}

/* GET /v1/reads/ID/plate.jpg or overview.jpg?purpose=P&case_ref=C
 * [&authorisation=N]: one read of a search's answer, its image asked of
 * anpr.read_image (0023) with the search's purpose, case and
 * authorisation; the database decides by the search's policy and audits
 * it ('read-image', or 'refused'). GET, as an <img> asks; nothing in the
 * URL is logged. */
enum MHD_Result console_read_image(struct MHD_Connection *c, PGconn *pg, const char *user,
				   const char *path)
{
	const char *slash = strchr(path, '/'), *which;
	const char *purpose = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "purpose");
	const char *case_ref = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "case_ref");
	const char *auth = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						       "authorisation");
	size_t n = slash ? (size_t)(slash - path) : 0;
	char id[65];
	const char *v[5];

	if (!slash || n < 1 || n > 64 ||
	    strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789_.:+-") != n)
		return console_error(c, 404, "not-found", "GET /v1/reads/ID/plate.jpg or "
				     "overview.jpg");
	if (strcmp(slash, "/plate.jpg") == 0)
		which = "plate";
	else if (strcmp(slash, "/overview.jpg") == 0)
		which = "overview";
	else
		return console_error(c, 404, "not-found", "GET /v1/reads/ID/plate.jpg or "
				     "overview.jpg");
	if (!purpose || !case_ref || (auth && *auth && !console_id_ok(auth, strlen(auth))))
		return console_error(c, 400, "malformed", "purpose and case_ref (and the "
				     "authorisation's number where the search had one) expected");
	snprintf(id, sizeof id, "%.*s", (int)n, path);
	v[0] = id;
	v[1] = which;
	v[2] = purpose;
	v[3] = case_ref;
	v[4] = auth && *auth ? auth : NULL;
	return console_decided_image(c, pg, user, "SELECT allowed, why, capture_day::text, "
				     "encode(sha256, 'hex') FROM anpr.read_image($1, $2, $3, $4, "
				     "$5::bigint)", 5, v, "a searched read's image", NULL,
				     "the record has no such image");
}
