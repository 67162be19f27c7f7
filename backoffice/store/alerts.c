// SPDX-License-Identifier: MIT
/*
 * alerts.c - the control room's alerts (issue 23, docs/console.md;
 * backoffice/sql/0015_console_alerts.sql): a camera's alert line stored
 * once through anpr.alert_put, which notifies anpr_alerts at commit.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>

int anpr_store_alert_put(struct anpr_store *st, const char *camera_id, int64_t seq,
			 const char *kind, const char *time_iso, const char *line,
			 int64_t *id, bool *created, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	*id = 0;
	*created = false;
	if (!st_token_ok(camera_id, 32) || !kind || !time_iso || !line) {
		st_err(err, errlen, "alert: camera id, kind, time and line are needed");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, camera_id);
	sp_i64(&p, seq);
	sp_text(&p, kind);
	sp_text(&p, time_iso);
	sp_text(&p, line);
	r = st_exec_ps(st, "storing an alert",
		       "SELECT id, created FROM anpr.alert_put($1, $2::bigint, $3, "
		       "$4::timestamptz, $5)", &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		st_err(err, errlen, "storing an alert of camera %s: no row", camera_id);
		return ANPR_STORE_EIO;
	}
	*id = st_i64(r, 0, 0);
	*created = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	return 0;
}
