/* SPDX-License-Identifier: MIT */
/*
 * imagestore.h - the back office's image files, content-addressed:
 * AREA/ab/<sha256>.jpg, where AREA is the capture day (YYYY-MM-DD)
 * or quarantine/YYYY-MM-DD (the day received), and ab the first two hex
 * digits of the SHA-256. So `sha256sum` of a file prints its own name,
 * which is the value in the signed record (docs/backoffice.md).
 *
 * Two backends behind the same calls (imagestore_ops.h), chosen by the
 * name given to imagestore_open:
 *   DIR          the file store (the default): files under the directory
 *                DIR. A file is durable when imagestore_put returns 0:
 *                written to a temporary file beside its name, fsync'd,
 *                renamed into place, and the directory fsync'd (with every
 *                directory made for it); or, put with
 *                IMAGESTORE_DEFER_SYNC, once imagestore_sync returned 0
 *                after it. A file of that name already there is left, once
 *                its size and SHA-256 show it has these bytes.
 *   s3://BUCKET  an S3-compatible object store (Ceph's radosgw: the scale
 *                option, docs/scaling.md), objects keyed AREA/ab/<sha256>.jpg
 *                in BUCKET, so that a day is a prefix. Endpoint and keys
 *                come from the file $ANPR_S3_CONFIG (default
 *                /etc/anpr/ingest/s3.conf), never from the command line
 *                (imagestore_s3.c). An object is durable when the PUT was
 *                answered 200 (radosgw answers once every replica has it
 *                on disk); imagestore_sync has nothing to do.
 */
#ifndef ANPR_IMAGESTORE_H
#define ANPR_IMAGESTORE_H

#include <stddef.h>
#include <time.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IMAGESTORE_EIO		-1	/* write, sync or rename failed */
#define IMAGESTORE_ENOSPC	-2	/* disk (or quota) full */
#define IMAGESTORE_EINVAL	-3	/* bad area name or path */
#define IMAGESTORE_ENOENT	-4	/* imagestore_get: no such image */

struct imagestore_ops;
struct imagestore_s3;

struct imagestore {
	const struct imagestore_ops *ops;	/* the backend */
	int rootfd;			/* file: the root directory */
	struct imagestore_s3 *s3;	/* s3: the bucket's client */
	char root[4096];		/* the name opened: DIR or s3://BUCKET */
};

/* Open ROOT: a directory (it must exist: the service's state directory),
 * or s3://BUCKET (the bucket must exist and the keys reach it: checked
 * here with a request, so that a wrong configuration stops a service at
 * its start rather than at its first image). */
int imagestore_open(struct imagestore *is, const char *root, char *err,
		    size_t errlen);
void imagestore_close(struct imagestore *is);

/* Read the image at rel ("AREA/ab/<sha256>.jpg", as imagestore_put gave)
 * into *data (malloc'd, len bytes; at most max bytes, or IMAGESTORE_EIO).
 * IMAGESTORE_ENOENT if there is none. The bytes are as stored: the caller
 * checks them against their name (disclosure.c does). */
int imagestore_get(const struct imagestore *is, const char *rel, size_t max,
		   void **data, size_t *len, char *err, size_t errlen);

/* Remove what the purge listed (anpr.retention_files): "DAY/", a day's
 * every image (a directory, or every object of that prefix), or
 * "DAY/ab/<sha256>.jpg", one image (a day some of whose reads are held:
 * their images stay). What is already gone is not an error. 0, or
 * IMAGESTORE_EIO/EINVAL with err (what could be removed was). */
int imagestore_remove(const struct imagestore *is, const char *rel, char *err,
		      size_t errlen);

/* Remove the temporary files (".tmp-*") a writer killed between writing
 * and renaming left in the day directories (DAY/ab/ and
 * quarantine/DAY/ab/), if last modified before older_than (seconds since
 * the epoch): a writer alive, of this process or another sharing the
 * store, finishes its file within a second. Nothing else is touched.
 * *removed: how many. 0, or IMAGESTORE_EIO with err (a directory that
 * cannot be read; what could be swept was). */
int imagestore_sweep_temp(struct imagestore *is, time_t older_than,
			  size_t *removed, char *err, size_t errlen);

/* Store data (len bytes) under area: "YYYY-MM-DD" or
 * "quarantine/YYYY-MM-DD". rel (relcap bytes) gets the file's path
 * relative to the root. A file already there with other bytes (damaged on
 * disk: its name is its content's hash) is moved aside as NAME.damaged-T
 * and replaced, and err says so with *damaged set. */
int imagestore_put(const struct imagestore *is, const char *area,
		   const void *data, size_t len, char *rel, size_t relcap,
		   int *damaged, char *err, size_t errlen);
/* The same, for data whose SHA-256 h the caller has just computed from
 * these very bytes (anpr-ingest: the check that they are the images the
 * signed record names); the file is named by h, so a wrong h would store
 * bytes under a name that is not their hash. */
int imagestore_put_hashed(const struct imagestore *is, const char *area,
			  const void *data, size_t len, const uint8_t h[32],
			  unsigned flags, char *rel, size_t relcap, int *damaged,
			  char *err, size_t errlen);
/* flags: IMAGESTORE_DEFER_SYNC: written and renamed into place but not
 * synced (no fsync of the file, its directory or a directory made for
 * it): durable only once imagestore_sync returned 0 after it. anpr-ingest
 * syncs once per group of records before their commit. */
#define IMAGESTORE_DEFER_SYNC	1u

/* Make everything written to the image store's file system so far
 * durable (syncfs(2): one flush for all the files and directories of a
 * group, where each file's and directory's own fsync is a flush each; it
 * also writes out whatever else is dirty on that file system, so the
 * store is best a file system of its own). 0, or IMAGESTORE_EIO/ENOSPC
 * with err (a write-back error since the last call). */
int imagestore_sync(const struct imagestore *is, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
