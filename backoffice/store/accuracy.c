// SPDX-License-Identifier: MIT
/*
 * accuracy.c - read accuracy per camera (issue 23 item 5;
 * backoffice/sql/0018_read_accuracy.sql, docs/console.md "Built: read
 * accuracy"): the figures and the day's sample, both computed in the
 * database (the Wilson interval included), read here for anpr-db.
 */
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double num_or_nan(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}

int anpr_store_accuracy(struct anpr_store *st, int days, struct anpr_accuracy_settings *set,
			struct anpr_accuracy_row **rows, size_t *n, char *err, size_t errlen)
{
	struct sparams p;
	struct anpr_accuracy_row *out;
	PGresult *r;
	int rc, nt;

	*rows = NULL;
	*n = 0;
	if (days < 0 || days > 90) {
		st_err(err, errlen, "read accuracy: a window of 1 to 90 days");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	r = st_exec(st, "the accuracy settings",
		    "SELECT per_camera_day, window_days, attention_below FROM anpr.accuracy_settings",
		    NULL, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		st_err(err, errlen, "the accuracy settings: no row (migration 0018 applied?)");
		return ANPR_STORE_EIO;
	}
	set->per_camera_day = (int)st_i64(r, 0, 0);
	set->window_days = (int)st_i64(r, 0, 1);
	set->attention_below = strtod(PQgetvalue(r, 0, 2), NULL);
	PQclear(r);
	sp_init(&p);
	if (days)
		sp_i64(&p, days);
	else
		sp_text(&p, NULL);
	r = st_exec(st, "read accuracy",
		    "SELECT camera_id, sampled, unreviewed, confirmed, corrected, not_a_plate, "
		    "cannot_tell, accuracy, lower, upper, hits_acted, misread, misread_lower, "
		    "misread_upper, coalesce(attention, '') FROM anpr.camera_accuracy($1::integer)",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	nt = PQntuples(r);
	out = calloc(nt ? (size_t)nt : 1, sizeof *out);
	if (!out) {
		PQclear(r);
		st_err(err, errlen, "read accuracy: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < nt; i++) {
		struct anpr_accuracy_row *a = &out[i];

		snprintf(a->camera_id, sizeof a->camera_id, "%s", PQgetvalue(r, i, 0));
		a->sampled = st_i64(r, i, 1);
		a->unreviewed = st_i64(r, i, 2);
		a->confirmed = st_i64(r, i, 3);
		a->corrected = st_i64(r, i, 4);
		a->not_a_plate = st_i64(r, i, 5);
		a->cannot_tell = st_i64(r, i, 6);
		a->accuracy = num_or_nan(r, i, 7);
		a->lower = num_or_nan(r, i, 8);
		a->upper = num_or_nan(r, i, 9);
		a->hits_acted = st_i64(r, i, 10);
		a->misread = st_i64(r, i, 11);
		a->misread_lower = num_or_nan(r, i, 12);
		a->misread_upper = num_or_nan(r, i, 13);
		snprintf(a->attention, sizeof a->attention, "%s", PQgetvalue(r, i, 14));
	}
	PQclear(r);
	*rows = out;
	*n = (size_t)nt;
	return 0;
}

int anpr_store_accuracy_draw(struct anpr_store *st, const char *day, int64_t *drawn,
			     char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	*drawn = 0;
	if (!day || strlen(day) != 10 || strspn(day, "0123456789-") != 10) {
		st_err(err, errlen, "read accuracy: a day is YYYY-MM-DD");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, day);
	r = st_exec(st, "drawing the day's sample", "SELECT anpr.accuracy_draw($1::date)", &p,
		    &rc, err, errlen);
	if (!r)
		return rc;
	*drawn = st_i64(r, 0, 0);
	PQclear(r);
	return 0;
}

int anpr_store_accuracy_forget_purged(struct anpr_store *st, size_t *samples, size_t *verdicts,
				      char *err, size_t errlen)
{
	PGresult *r;
	int rc;

	*samples = *verdicts = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	/* the verdicts first (they name the sampled read); a crash between
	 * the two leaves the rest for the next run */
	r = st_exec(st, "the verdicts of purged reads",
		    "DELETE FROM anpr.accuracy_verdicts v USING anpr.accuracy_sample s "
		    "WHERE v.sample_id = s.id AND NOT EXISTS (SELECT 1 FROM anpr.record_index i "
		    "WHERE i.record_id = s.record_id)", NULL, &rc, err, errlen);
	if (!r)
		return rc;
	*verdicts = (size_t)strtoull(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	r = st_exec(st, "the sampled reads of purged reads",
		    "DELETE FROM anpr.accuracy_sample s WHERE NOT EXISTS (SELECT 1 FROM "
		    "anpr.record_index i WHERE i.record_id = s.record_id)", NULL, &rc, err, errlen);
	if (!r)
		return rc;
	*samples = (size_t)strtoull(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}
