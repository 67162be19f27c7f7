// SPDX-License-Identifier: MIT
/*
 * console_accuracy.c - read accuracy per camera in anpr-console (issue 23
 * item 5, docs/console.md "Built: read accuracy"), for the people in
 * anpr_reviewer, each asked on the person's own connection of the
 * database's functions (backoffice/sql/0018_read_accuracy.sql), which
 * decide, validate and audit:
 *
 *   GET  /v1/accuracy                  each camera's figures (anpr.camera_accuracy)
 *   GET  /v1/accuracy/queue            sampled reads awaiting a verdict
 *   GET  /v1/accuracy/ID/plate.jpg, overview.jpg
 *                                      anpr.accuracy_image: audited, or 403
 *   POST /v1/accuracy/ID/verdict {"verdict": confirmed|corrected|not-a-plate|
 *        cannot-tell, "vrm": TEXT (corrected only), "note": TEXT}
 *                                      201; 400 saying what is wrong, 404,
 *                                      409 given before
 *
 * No site in any answer: the page asks /v1/cameras/ID/site, which answers
 * only to anpr_location.
 */
#include "console/console.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_MAX	"50"

static json_t *num_or_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? json_null()
		: json_real(strtod(PQgetvalue(r, row, col), NULL));
}

static json_int_t int_of(const PGresult *r, int row, int col)
{
	return (json_int_t)strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static enum MHD_Result figures(struct MHD_Connection *c, PGconn *pg, const char *user)
{
	unsigned status = 503;
	char why[300] = "";
	PGresult *r = console_ask(pg, user,
		"SELECT s.window_days, s.per_camera_day, s.attention_below, a.camera_id, "
		"a.sampled, a.unreviewed, a.confirmed, a.corrected, a.not_a_plate, "
		"a.cannot_tell, a.accuracy, a.lower, a.upper, a.hits_acted, a.misread, "
		"a.misread_lower, a.misread_upper, a.attention "
		"FROM anpr.accuracy_settings s LEFT JOIN anpr.camera_accuracy() a ON true",
		0, NULL, &status, why, sizeof why);
	json_t *cams, *o;

	if (!r)
		return console_error(c, status, "refused", why);
	cams = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		if (PQgetisnull(r, i, 3))
			continue;	/* no camera at all */
		json_array_append_new(cams, json_pack(
			"{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:I,s:o,s:o,s:o}",
			"camera", PQgetvalue(r, i, 3), "sampled", int_of(r, i, 4),
			"unreviewed", int_of(r, i, 5), "confirmed", int_of(r, i, 6),
			"corrected", int_of(r, i, 7), "not_a_plate", int_of(r, i, 8),
			"cannot_tell", int_of(r, i, 9), "accuracy", num_or_null(r, i, 10),
			"lower", num_or_null(r, i, 11), "upper", num_or_null(r, i, 12),
			"hits_acted", int_of(r, i, 13), "misread", int_of(r, i, 14),
			"misread_lower", num_or_null(r, i, 15), "misread_upper", num_or_null(r, i, 16),
			"attention", PQgetisnull(r, i, 17) ? json_null()
				: json_string(PQgetvalue(r, i, 17))));
	}
	o = PQntuples(r) ? json_pack("{s:I,s:I,s:f,s:o}", "window_days", int_of(r, 0, 0),
				     "per_camera_day", int_of(r, 0, 1), "attention_below",
				     strtod(PQgetvalue(r, 0, 2), NULL), "cameras", cams)
		: json_pack("{s:o}", "cameras", cams);
	PQclear(r);
	return console_json(c, 200, o);
}

static enum MHD_Result queue(struct MHD_Connection *c, PGconn *pg, const char *user)
{
	const char *v[1] = { QUEUE_MAX };
	unsigned status = 503;
	char why[300] = "";
	PGresult *r = console_ask(pg, user,
		"SELECT id, day::text, camera_id, record_id, "
		"to_char(time_utc AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), vrm, "
		"confidence, images FROM anpr.accuracy_queue($1::integer)",
		1, v, &status, why, sizeof why);
	json_t *items;

	if (!r)
		return console_error(c, status, "refused", why);
	items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:b}",
			"id", int_of(r, i, 0), "day", PQgetvalue(r, i, 1),
			"camera", PQgetvalue(r, i, 2), "record", PQgetvalue(r, i, 3),
			"time", PQgetvalue(r, i, 4), "vrm", PQgetvalue(r, i, 5),
			"confidence", num_or_null(r, i, 6), "images", PQgetvalue(r, i, 7)[0] == 't'));
	clog_line("accuracy queue of %d reads shown to %s", PQntuples(r), user);
	PQclear(r);
	return console_json(c, 200, json_pack("{s:o}", "items", items));
}

static enum MHD_Result image(struct MHD_Connection *c, PGconn *pg, const char *user,
			     const char *id, const char *which)
{
	const char *v[2] = { id, which };
	char what[80];

	snprintf(what, sizeof what, "%s image of sampled read %s", which, id);
	return console_decided_image(c, pg, user, "SELECT allowed, why, capture_day::text, "
				     "encode(sha256, 'hex') FROM anpr.accuracy_image($1::bigint, $2)",
				     2, v, what, "the read is not held",
				     "the record has no such image");
}

/* The verdict's body: an object of verdict (a string), and vrm (a string
 * or null) and note (a string), nothing else; what the values may be is
 * the database's to say (anpr.accuracy_verdict), in words. */
static enum MHD_Result verdict(struct MHD_Connection *c, PGconn *pg, const char *user,
			       const char *id, const char *body, size_t len)
{
	json_error_t e;
	json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &e);
	const char *key, *verd, *vrm = NULL, *note = "";
	const char *v[4];
	json_t *val;
	unsigned status = 503;
	char why[300] = "";
	PGresult *r;
	enum MHD_Result ret;

	if (!json_is_object(o)) {
		json_decref(o);
		return console_error(c, 400, "malformed", "a JSON object {\"verdict\", \"vrm\", "
				     "\"note\"} expected");
	}
	json_object_foreach(o, key, val) {
		const char *what;

		if (strcmp(key, "verdict") == 0)
			what = json_is_string(val) ? NULL : "verdict: a string";
		else if (strcmp(key, "vrm") == 0)
			what = json_is_string(val) || json_is_null(val) ? NULL
				: "vrm: a string or null";
		else if (strcmp(key, "note") == 0)
			what = json_is_string(val) ? NULL : "note: a string";
		else
			what = "an unknown field: verdict, vrm and note only";
		if (what) {
			/* what is ours (key belongs to o, freed here) */
			json_decref(o);
			return console_error(c, 400, "malformed", what);
		}
	}
	verd = json_string_value(json_object_get(o, "verdict"));
	if (!verd) {
		json_decref(o);
		return console_error(c, 400, "malformed", "verdict: missing");
	}
	if (json_is_string(json_object_get(o, "vrm")))
		vrm = json_string_value(json_object_get(o, "vrm"));
	if (json_object_get(o, "note"))
		note = json_string_value(json_object_get(o, "note"));
	v[0] = id;
	v[1] = verd;
	v[2] = vrm;
	v[3] = note;
	r = console_ask(pg, user, "SELECT anpr.accuracy_verdict($1::bigint, $2, $3, $4)", 4, v,
			&status, why, sizeof why);
	if (!r) {
		/* the database's words name the field, never quote the mark */
		clog_line("verdict of %s on sampled read %s refused (%u)", user, id, status);
		json_decref(o);
		return console_error(c, status, "refused", why);
	}
	/* verd is one of the four: the database took it (the mark: not logged) */
	clog_line("verdict of %s on sampled read %s: %s (audit entry %s)", user, id, verd,
		  PQgetvalue(r, 0, 0));
	ret = console_json(c, 201, json_pack("{s:I,s:s,s:I}", "sample",
					     (json_int_t)strtoll(id, NULL, 10), "verdict", verd,
					     "audit", int_of(r, 0, 0)));
	PQclear(r);
	json_decref(o);
	return ret;
}

enum MHD_Result console_accuracy(struct MHD_Connection *c, PGconn *pg, const char *user,
				 const char *path, bool post, const char *body, size_t len)
{
	const char *id, *slash;
	char idbuf[20];

	if (!post && path[0] == '\0')
		return figures(c, pg, user);
	if (!post && strcmp(path, "/queue") == 0)
		return queue(c, pg, user);
	id = path[0] == '/' ? path + 1 : path;
	slash = strchr(id, '/');
	if (path[0] != '/' || !slash || !console_id_ok(id, (size_t)(slash - id)))
		return console_error(c, 404, "not-found", "GET /v1/accuracy, /v1/accuracy/queue, "
				     "/v1/accuracy/ID/plate.jpg or overview.jpg; POST "
				     "/v1/accuracy/ID/verdict");
	snprintf(idbuf, sizeof idbuf, "%.*s", (int)(slash - id), id);
	if (post && strcmp(slash, "/verdict") == 0)
		return verdict(c, pg, user, idbuf, body, len);
	if (!post && strcmp(slash, "/plate.jpg") == 0)
		return image(c, pg, user, idbuf, "plate");
	if (!post && strcmp(slash, "/overview.jpg") == 0)
		return image(c, pg, user, idbuf, "overview");
	return console_error(c, 404, "not-found", "POST /v1/accuracy/ID/verdict; GET "
			     "/v1/accuracy/ID/plate.jpg or overview.jpg");
}
