// SPDX-License-Identifier: MIT
/*
 * retention.c - the purge of reads past the policy's last tier, and the
 * image files it leaves to remove (0009_retention.sql; anpr-db purge).
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int anpr_store_purge(struct anpr_store *st, int64_t now_us, struct anpr_purged_day **days,
		     size_t *n, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc, rows;

	*days = NULL;
	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	if (now_us >= 0)
		sp_i64(&p, now_us);
	else
		sp_text(&p, NULL);
	r = st_exec(st, "purge",
		    "SELECT to_char(day, 'YYYY-MM-DD'), records_deleted, records_kept, list_sha256 "
		    "FROM anpr.purge_at(coalesce(timestamptz 'epoch' + $1::bigint * "
		    "interval '1 microsecond', now()))", &p, &rc, err, errlen);
	if (!r)
		return rc;
	rows = PQntuples(r);
	*days = calloc(rows > 0 ? (size_t)rows : 1, sizeof **days);
	if (!*days) {
		PQclear(r);
		st_err(err, errlen, "purge: out of memory (the purge was committed)");
		return ANPR_STORE_ENOMEM;
	}
	for (int i = 0; i < rows; i++) {
		struct anpr_purged_day *d = &(*days)[i];

		snprintf(d->day, sizeof d->day, "%s", PQgetvalue(r, i, 0));
		d->deleted = st_i64(r, i, 1);
		d->kept = st_i64(r, i, 2);
		snprintf(d->list_sha256, sizeof d->list_sha256, "%s", PQgetvalue(r, i, 3));
	}
	*n = (size_t)rows;
	PQclear(r);
	return 0;
}

int anpr_store_retention_files(struct anpr_store *st, char ***paths, size_t *n, char *err,
			       size_t errlen)
{
	PGresult *r;
	int rc, rows;

	*paths = NULL;
	*n = 0;
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	r = st_exec(st, "the purged image files", "SELECT path FROM anpr.retention_files "
		    "ORDER BY path", NULL, &rc, err, errlen);
	if (!r)
		return rc;
	rows = PQntuples(r);
	*paths = calloc((size_t)rows + 1, sizeof **paths);
	for (int i = 0; *paths && i < rows; i++) {
		(*paths)[i] = strdup(PQgetvalue(r, i, 0));
		if (!(*paths)[i]) {
			anpr_store_strings_free(*paths, (size_t)i);
			*paths = NULL;
		}
	}
	PQclear(r);
	if (!*paths) {
		st_err(err, errlen, "the purged image files: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	*n = (size_t)rows;
	return 0;
}

void anpr_store_strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int anpr_store_retention_file_done(struct anpr_store *st, const char *path, char *err,
				   size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc = 0;

	sp_init(&p);
	sp_text(&p, path);
	r = st_exec(st, "the purged image files", "DELETE FROM anpr.retention_files "
		    "WHERE path = $1", &p, &rc, err, errlen);
	if (!r)
		return rc;
	PQclear(r);
	return 0;
}
