/* SPDX-License-Identifier: MIT */
/*
 * imagestore_ops.h - the image store's backends (imagestore.h): one table
 * of operations each, as libusb's os backends are. imagestore.c checks
 * every name before a backend sees it (an area is YYYY-MM-DD or
 * quarantine/YYYY-MM-DD, a path AREA/ab/<64 hex>.jpg with ab its first
 * two digits, or DAY/), so a backend never builds a path or a key from
 * anything else. Every operation returns 0 or an IMAGESTORE_E* code with
 * err filled in, naming the image (its path or bucket and key) and why.
 *
 * Backends: imagestore_file_ops (imagestore.c: a directory) and
 * imagestore_s3_ops (imagestore_s3.c: an S3 bucket, libcurl).
 */
#ifndef ANPR_IMAGESTORE_OPS_H
#define ANPR_IMAGESTORE_OPS_H

#include "ingest/imagestore.h"

struct imagestore_ops {
	/* "file" or "s3": for messages */
	const char *name;

	/* Open the store named spec (a directory; s3://BUCKET) into is
	 * (is->root already holds spec) and check that it can be used. */
	int (*open)(struct imagestore *is, const char *spec, char *err,
		    size_t errlen);

	/* Release what open took. Called once, after a successful open. */
	void (*close)(struct imagestore *is);

	/* Store len bytes at rel (= area/ab/hex.jpg; h: their SHA-256,
	 * which the caller computed from these bytes). Returns once the
	 * bytes are durable, or, with IMAGESTORE_DEFER_SYNC in flags and a
	 * backend that honours it, once sync would make them so. What is
	 * already at rel with the same bytes is kept; other bytes there are
	 * replaced, *damaged set where the backend can tell. */
	int (*put)(const struct imagestore *is, const char *area, const char *rel,
		   const void *data, size_t len, const uint8_t h[32],
		   unsigned flags, int *damaged, char *err, size_t errlen);

	/* Make the puts deferred so far durable. */
	int (*sync)(const struct imagestore *is, char *err, size_t errlen);

	/* Remove what a writer killed half-way left, if older than
	 * older_than; *removed: how many (0 where a backend leaves none). */
	int (*sweep_temp)(struct imagestore *is, time_t older_than,
			  size_t *removed, char *err, size_t errlen);

	/* Read rel back (at most max bytes) into a malloc'd *data;
	 * IMAGESTORE_ENOENT if absent. */
	int (*get)(const struct imagestore *is, const char *rel, size_t max,
		   void **data, size_t *len, char *err, size_t errlen);

	/* Remove rel: "DAY/" (the day's every image) or one image; absent is
	 * not an error. */
	int (*remove)(const struct imagestore *is, const char *rel, char *err,
		      size_t errlen);
};

extern const struct imagestore_ops imagestore_file_ops;
extern const struct imagestore_ops imagestore_s3_ops;

#endif
