// SPDX-License-Identifier: MIT
/*
 * console_alert.c - an anpr-alert/2 line checked against its schema
 * (docs/alerts.md, "The JSON line") and the certificate's camera. jansson
 * parses (JSON_REJECT_DUPLICATES: a key twice is a refusal, not the last
 * one winning); the shape is checked here field by field, each kind with
 * its own field list, nothing else allowed. The words of a refusal name
 * the field, never its value (a value may be a mark).
 */
#include "console/console_alert.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum ftype { F_STR, F_INT, F_NUM, F_BOOL, F_STR_OR_NULL, F_OBJ };

struct field {
	const char *name;
	enum ftype type;
};

static const struct field common[] = {
	{ "schema", F_STR }, { "seq", F_INT }, { "kind", F_STR },
	{ "time", F_STR }, { "camera", F_STR }, { "source", F_STR },
};
static const struct field hit[] = {
	{ "vrm", F_STR }, { "match", F_OBJ }, { "vehicle", F_INT },
	{ "record", F_STR_OR_NULL }, { "record_pending", F_BOOL },
	{ "confidence", F_NUM },
};
static const struct field hit_record[] = {
	{ "hit_seq", F_INT }, { "detail", F_STR },
};
static const struct field health[] = {
	{ "state", F_STR }, { "active", F_BOOL }, { "detail", F_STR },
};
static const struct field info[] = {
	{ "detail", F_STR },
};
static const struct field unreadable[] = {
	{ "vehicle", F_INT }, { "why", F_STR }, { "evidence", F_NUM },
	{ "detail", F_STR },
};
static const struct field match[] = {
	{ "vrm", F_STR }, { "list", F_STR }, { "reason", F_STR },
	{ "priority", F_INT }, { "action", F_STR }, { "distance", F_INT },
	{ "fuzzy", F_BOOL }, { "wildcard", F_BOOL },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool type_ok(const json_t *v, enum ftype t)
{
	switch (t) {
	case F_STR: return json_is_string(v);
	case F_INT: return json_is_integer(v);
	case F_NUM: return json_is_number(v);
	case F_BOOL: return json_is_boolean(v);
	case F_STR_OR_NULL: return json_is_string(v) || json_is_null(v);
	case F_OBJ: return json_is_object(v);
	}
	return false;
}

static const char *type_name(enum ftype t)
{
	switch (t) {
	case F_STR: return "a string";
	case F_INT: return "an integer";
	case F_NUM: return "a number";
	case F_BOOL: return "true or false";
	case F_STR_OR_NULL: return "a string or null";
	case F_OBJ: return "an object";
	}
	return "?";
}

/* Every field of the lists present with its type, and no other key. */
static int shape(const json_t *o, const char *where,
		 const struct field *const *lists, const size_t *lens, size_t nlists,
		 char *why, size_t whylen)
{
	const char *key;
	json_t *v;
	size_t want = 0;

	for (size_t l = 0; l < nlists; l++)
		for (size_t i = 0; i < lens[l]; i++) {
			const json_t *f = json_object_get(o, lists[l][i].name);

			want++;
			if (!f) {
				snprintf(why, whylen, "%s%s: missing", where, lists[l][i].name);
				return -1;
			}
			if (!type_ok(f, lists[l][i].type)) {
				snprintf(why, whylen, "%s%s: not %s", where, lists[l][i].name,
					 type_name(lists[l][i].type));
				return -1;
			}
		}
	if (json_object_size(o) == want)
		return 0;
	json_object_foreach((json_t *)o, key, v) {
		bool known = false;

		(void)v;
		for (size_t l = 0; l < nlists && !known; l++)
			for (size_t i = 0; i < lens[l] && !known; i++)
				known = strcmp(key, lists[l][i].name) == 0;
		if (!known) {
			char safe[40];
			size_t k;

			/* the key's printable ASCII only, cut short */
			for (k = 0; k < sizeof safe - 1 && key[k]; k++)
				safe[k] = key[k] >= 0x20 && key[k] < 0x7f ? key[k] : '?';
			safe[k] = '\0';
			snprintf(why, whylen, "%sunknown field \"%s\"", where, safe);
			return -1;
		}
	}
	return 0;
}

static bool one_of(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* anprd's time: YYYY-MM-DDTHH:MM:SS.ffffffZ, digits where digits go. */
static bool time_ok(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";

	if (strlen(s) != sizeof pat - 1)
		return false;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	return true;
}

/* [camera] id's rule (the register's): 1-32 of [A-Za-z0-9_.:+-]. */
static bool camera_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.:+-") == n;
}

/* A vehicle's alert (a hit, a plate not read): its number not negative
 * and its `share` field (the read's confidence, the plate's evidence)
 * from 0 to 1. */
static bool vehicle_ok(const json_t *o, const char *share, char *why, size_t whylen)
{
	double v = json_number_value(json_object_get(o, share));

	if (!(v >= 0.0 && v <= 1.0)) {
		snprintf(why, whylen, "%s: not from 0 to 1", share);
		return false;
	}
	if (json_integer_value(json_object_get(o, "vehicle")) < 0) {
		snprintf(why, whylen, "vehicle: negative");
		return false;
	}
	return true;
}

static int check(const json_t *o, const char *cert_camera, struct console_alert *out,
		 char *why, size_t whylen)
{
	static const char *const kinds[] = { "hit", "hit-record", "hit-searchback",
					     "health", "unreadable", "info" };
	static const char *const whys[] = { "no-characters", "not-read", "no-format" };
	static const char *const states[] = { "frozen", "black", "saturated",
					      "blurred", "unreadable-plates", "ok" };
	static const char *const actions[] = { "intercept", "inform" };
	const struct field *lists[3] = { common };
	size_t lens[3] = { N(common) };
	size_t nl = 1;
	const char *kind, *camera;
	json_int_t seq;

	if (!json_is_object(o)) {
		snprintf(why, whylen, "not a JSON object");
		return 400;
	}
	/* the common fields first: which kind says which others */
	for (size_t i = 0; i < N(common); i++) {
		const json_t *f = json_object_get(o, common[i].name);

		if (!f || !type_ok(f, common[i].type)) {
			snprintf(why, whylen, "%s: %s%s", common[i].name,
				 f ? "not " : "missing", f ? type_name(common[i].type) : "");
			return 400;
		}
	}
	if (strcmp(json_string_value(json_object_get(o, "schema")), "anpr-alert/2") != 0) {
		snprintf(why, whylen, "schema: not anpr-alert/2");
		return 400;
	}
	kind = json_string_value(json_object_get(o, "kind"));
	if (!one_of(kind, kinds, N(kinds))) {
		snprintf(why, whylen, "kind: not hit, hit-record, hit-searchback, health, "
			 "unreadable or info");
		return 400;
	}
	if (strncmp(kind, "hit", 3) == 0) {
		lists[nl] = hit;
		lens[nl++] = N(hit);
		if (strcmp(kind, "hit-record") == 0) {
			lists[nl] = hit_record;
			lens[nl++] = N(hit_record);
		}
	} else if (strcmp(kind, "health") == 0) {
		lists[nl] = health;
		lens[nl++] = N(health);
	} else if (strcmp(kind, "unreadable") == 0) {
		lists[nl] = unreadable;
		lens[nl++] = N(unreadable);
	} else {
		lists[nl] = info;
		lens[nl++] = N(info);
	}
	if (shape(o, "", lists, lens, nl, why, whylen) != 0)
		return 400;
	seq = json_integer_value(json_object_get(o, "seq"));
	if (seq < 0) {
		snprintf(why, whylen, "seq: negative");
		return 400;
	}
	if (!time_ok(json_string_value(json_object_get(o, "time")))) {
		snprintf(why, whylen, "time: not UTC ISO 8601 with microseconds "
			 "(YYYY-MM-DDTHH:MM:SS.ffffffZ)");
		return 400;
	}
	camera = json_string_value(json_object_get(o, "camera"));
	if (!camera_ok(camera)) {
		snprintf(why, whylen, "camera: not 1-32 of [A-Za-z0-9_.:+-]");
		return 400;
	}
	if (lists[1] == hit) {
		const json_t *m = json_object_get(o, "match");
		const struct field *ml[1] = { match };
		size_t mn[1] = { N(match) };
		json_int_t prio;

		if (shape(m, "match.", ml, mn, 1, why, whylen) != 0)
			return 400;
		prio = json_integer_value(json_object_get(m, "priority"));
		if (prio < 1 || prio > 9) {
			snprintf(why, whylen, "match.priority: not 1 to 9");
			return 400;
		}
		if (json_integer_value(json_object_get(m, "distance")) < 0) {
			snprintf(why, whylen, "match.distance: negative");
			return 400;
		}
		if (!one_of(json_string_value(json_object_get(m, "action")), actions,
			    N(actions))) {
			snprintf(why, whylen, "match.action: not intercept or inform");
			return 400;
		}
		if (!vehicle_ok(o, "confidence", why, whylen))
			return 400;
	} else if (lists[1] == health &&
		   !one_of(json_string_value(json_object_get(o, "state")), states,
			   N(states))) {
		snprintf(why, whylen, "state: not frozen, black, saturated, blurred, "
			 "unreadable-plates or ok");
		return 400;
	} else if (lists[1] == unreadable) {
		if (!one_of(json_string_value(json_object_get(o, "why")), whys, N(whys))) {
			snprintf(why, whylen, "why: not no-characters, not-read or no-format");
			return 400;
		}
		if (!vehicle_ok(o, "evidence", why, whylen))
			return 400;
	}
	if (strcmp(camera, cert_camera) != 0) {
		snprintf(why, whylen, "the line's camera %s is not the client "
			 "certificate's camera %s", camera, cert_camera);
		return 403;
	}
	out->seq = seq;
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	snprintf(out->time, sizeof out->time, "%s",
		 json_string_value(json_object_get(o, "time")));
	snprintf(out->camera, sizeof out->camera, "%s", camera);
	return 0;
}

int console_alert_check(const char *body, size_t len, const char *cert_camera,
			struct console_alert *out, char *why, size_t whylen)
{
	json_error_t je;
	json_t *o;
	int rc;

	memset(out, 0, sizeof *out);
	if (len == 0) {
		snprintf(why, whylen, "empty body: an anpr-alert/2 line was expected");
		return 400;
	}
	if (len > CONSOLE_ALERT_LINE_MAX) {
		snprintf(why, whylen, "line over %d bytes", CONSOLE_ALERT_LINE_MAX);
		return 400;
	}
	/* one line: a newline only at its end */
	if (memchr(body, '\n', len) && memchr(body, '\n', len) != body + len - 1) {
		snprintf(why, whylen, "more than one line");
		return 400;
	}
	/* jansson checks the UTF-8 and refuses a NUL in the text */
	o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		/* jansson's words quote the text near the fault: a mark,
		 * maybe; the position alone is said */
		snprintf(why, whylen, "not JSON (line %d, column %d)", je.line, je.column);
		return 400;
	}
	rc = check(o, cert_camera, out, why, whylen);
	json_decref(o);
	return rc;
}
