// SPDX-License-Identifier: MIT
/*
 * adopt.c - a store around a libpq connection its caller made and keeps
 * (anprstore.h, anpr_store_adopt): anpr-console's people log in with a
 * password it does not keep, so it cannot open a store as them, yet their
 * searches must run the store library's code (query.c) on their own
 * connection, where the database knows who asks.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>

int anpr_store_adopt(struct anpr_store **out, PGconn *pg, char *err, size_t errlen)
{
	/* no conninfo: the connection is not the store's to make again but
	 * through libpq's PQreset, which st_ready uses */
	struct anpr_store *st = calloc(1, sizeof *st + 1);
	int rc;

	*out = NULL;
	if (!st) {
		st_err(err, errlen, "database: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	st->pg = pg;
	rc = st_ready(st, err, errlen);
	if (!rc)
		rc = st_session_setup(st, err, errlen);
	if (rc) {
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

PGconn *anpr_store_disown(struct anpr_store *st)
{
	PGconn *pg = st ? st->pg : NULL;
	char sql[40];

	/* the statements it prepared go with it: the next store adopted on
	 * this connection names its own from anpr_s0 again (anpr-console's
	 * export read the keys through a second store on one session) */
	for (int i = 0; st && i < st->nprepared; i++) {
		snprintf(sql, sizeof sql, "DEALLOCATE anpr_s%d", i);
		PQclear(PQexec(pg, sql));
	}
	free(st);		/* not the connection: the caller's */
	return pg;
}
