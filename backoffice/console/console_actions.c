// SPDX-License-Identifier: MIT
/*
 * console_actions.c - an operator's action on a hit (anpr.hit_action,
 * 0015) or on a cloned-plate flag (anpr.clone_action, 0020): the same
 * body ({"action": acknowledged|dispatched|misread|no-action, "note"}),
 * asked as the person, who is audited by the database; the same answers
 * (201 with the action's id; 400, 403, 404 from the database's refusal).
 */
#include "console/console.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdlib.h>

enum MHD_Result console_act(struct MHD_Connection *c, PGconn *pg, const char *user,
			    const char *id, const char *body, size_t len, bool clone)
{
	json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
	const char *action = json_string_value(json_object_get(o, "action"));
	const json_t *jn = json_object_get(o, "note");
	const char *note = jn ? json_string_value(jn) : "";
	const char *v[3] = { id, action, note };
	unsigned status = 503;
	char why[300] = "";
	PGresult *r;
	enum MHD_Result ret;

	if (!action || !note) {
		json_decref(o);
		return console_error(c, 400, "malformed",
				     "{\"action\": acknowledged|dispatched|misread|no-action, "
				     "\"note\": TEXT} expected");
	}
	r = console_ask(pg, user, clone ? "SELECT anpr.clone_action($1::bigint, $2, $3)" :
			"SELECT anpr.hit_action($1::bigint, $2, $3)", 3, v, &status, why,
			sizeof why);
	if (!r) {
		clog_line("action of %s on %s %s refused (%u): %s", user,
			  clone ? "cloned-plate flag" : "alert", id, status, why);
		json_decref(o);
		return console_error(c, status, "refused", why);
	}
	clog_line("action %s of %s on %s %s (%s)", PQgetvalue(r, 0, 0), user,
		  clone ? "cloned-plate flag" : "alert", id, action);
	ret = console_json(c, 201, json_pack("{s:I,s:s,s:s}", "action",
					     (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10),
					     clone ? "clone" : "alert", id, "did", action));
	PQclear(r);
	json_decref(o);
	return ret;
}
