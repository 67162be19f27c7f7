/* SPDX-License-Identifier: MIT */
/*
 * ingest_commit.h - group commit of checked records (ingest_commit.c).
 */
#ifndef ANPR_INGEST_COMMIT_H
#define ANPR_INGEST_COMMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/anprstore.h"

#define INGEST_COMMIT_ERR 768

/* n committer threads, each with its own connection to conninfo (made on
 * first use, made again after a failure), committing only while the
 * server makes a commit wait for standbys synchronous standbys
 * (anpr_store_require_standbys; 0: no check). 0, or -1 with err. */
/* before_commit (NULL: none) runs in the committer before each group's
 * transaction (anpr-ingest: the image store's sync, for images put with
 * IMAGESTORE_DEFER_SYNC); if it fails (not 0, err filled in) the group is
 * not put and every record of it gets ANPR_STORE_EIO with those words. */
typedef int (*ingest_before_commit)(void *ctx, char *err, size_t errlen);
int ingest_commit_start(const char *conninfo, unsigned n, unsigned standbys,
			ingest_before_commit before, void *before_ctx, char *err,
			size_t errlen);
/* Put r with whatever else is queued for its committer (images_to_sync:
 * r's images were put with IMAGESTORE_DEFER_SYNC, so its group runs the
 * before-commit hook); returns once the
 * group it went in was committed (or failed): anpr_store_record_put's
 * outcome for r, err filled in when not 0. r must live until then. */
int ingest_commit_put(const struct anpr_stored_record *r, bool images_to_sync, char *err,
		      size_t errlen);
/* The same for the n records of one request (upload protocol version 2),
 * queued at once so that they share groups: rc[i] and err[i] (errlen
 * bytes each) are r[i]'s outcome. Returns once every one was answered. */
void ingest_commit_put_many(const struct anpr_stored_record *const *r, size_t n,
			    bool images_to_sync, int *rc, char **err, size_t errlen);
/* Finish what is queued, stop the threads, close their connections. */
void ingest_commit_stop(void);

#endif
