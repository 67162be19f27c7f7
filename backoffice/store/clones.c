// SPDX-License-Identifier: MIT
/*
 * clones.c - cloned and impossible plates (issue 23 item 4;
 * backoffice/sql/0017_cloned_plates.sql, docs/backoffice.md "Cloned
 * plates"): the reads just stored compared with the other reads of their
 * marks, in the database, set-wise.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int anpr_store_cloned_plates_check(struct anpr_store *st, const char *const *record_ids,
				   size_t n, size_t *flagged, char *err, size_t errlen)
{
	struct sparams p;
	struct arr ids = { 0 };
	PGresult *r;
	int rc;

	*flagged = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!st_token_ok(record_ids[i], 64)) {
			st_err(err, errlen, "cloned plates: record id %zu is not a record id", i);
			return ANPR_STORE_EINVAL;
		}
		arr_text(&ids, record_ids[i]);
	}
	rc = st_ready(st, err, errlen);
	if (!rc && !arr_end(&ids)) {
		st_err(err, errlen, "cloned plates: out of memory");
		rc = ANPR_STORE_ENOMEM;
	}
	if (rc) {
		free(ids.s);
		return rc;
	}
	sp_init(&p);
	sp_text(&p, ids.s);
	r = st_exec_ps(st, "checking for cloned plates",
		       "SELECT count(*) FROM anpr.check_cloned_plates($1::text[])", &p, &rc,
		       err, errlen);
	free(ids.s);
	if (!r)
		return rc;
	*flagged = PQntuples(r) == 1 ? (size_t)st_i64(r, 0, 0) : 0;
	PQclear(r);
	return 0;
}

int anpr_store_cloned_plates_forget_purged(struct anpr_store *st, size_t *removed, char *err,
					   size_t errlen)
{
	PGresult *r;
	int rc;

	*removed = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	/* the flags, and the operators' actions on them (0020) */
	r = st_exec(st, "the flags of purged reads",
		    "WITH gone AS (DELETE FROM anpr.cloned_plates c WHERE NOT EXISTS (SELECT 1 FROM "
		    "anpr.record_index i WHERE i.record_id = c.earlier_record) OR NOT EXISTS "
		    "(SELECT 1 FROM anpr.record_index i WHERE i.record_id = c.later_record) "
		    "RETURNING c.id), acts AS (DELETE FROM anpr.clone_actions a USING gone "
		    "WHERE a.clone_id = gone.id) SELECT count(*) FROM gone",
		    NULL, &rc, err, errlen);
	if (!r)
		return rc;
	*removed = (size_t)strtoull(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}
