/* SPDX-License-Identifier: MIT */
/*
 * ingest_commit.h - group commit of checked records (ingest_commit.c).
 */
#ifndef ANPR_INGEST_COMMIT_H
#define ANPR_INGEST_COMMIT_H

#include <stddef.h>

#include "anprstore.h"

#define INGEST_COMMIT_ERR 768

/* n committer threads, each with its own connection to conninfo (made on
 * first use, made again after a failure). 0, or -1 with err. */
int ingest_commit_start(const char *conninfo, unsigned n, char *err, size_t errlen);
/* Put r with whatever else is queued for its committer; returns once the
 * group it went in was committed (or failed): anpr_store_record_put's
 * outcome for r, err filled in when not 0. r must live until then. */
int ingest_commit_put(const struct anpr_stored_record *r, char *err, size_t errlen);
/* Finish what is queued, stop the threads, close their connections. */
void ingest_commit_stop(void);

#endif
