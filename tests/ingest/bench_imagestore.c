// SPDX-License-Identifier: MIT
/*
 * bench_imagestore.c - what one image put costs: N puts of SIZE bytes
 * (distinct images) into STORE (a directory or s3://BUCKET, as
 * imagestore_open takes it), one after another from one thread, each
 * durable when it returns (IMAGESTORE_DEFER_SYNC with --defer: then one
 * imagestore_sync at the end, counted). Prints the mean and the p50/p99
 * of a put (after ten not counted). Run by tests/ingest/imagestore-s3 and
 * tests/ingest/bench-imagestore against radosgw and the file store side
 * by side.
 *   bench_imagestore STORE N SIZE [--defer]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/imagestore.h"
#include "ingest/ingest_hash.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct imagestore is;
	char err[1024], rel[256];
	double *lat, t0, t1, total;
	unsigned flags = 0;
	uint8_t *buf, h[32];
	long n, size;
	int damaged;

	if (argc < 4 || (n = atol(argv[2])) < 1 || (size = atol(argv[3])) < 16) {
		fprintf(stderr, "usage: bench_imagestore STORE N SIZE [--defer]\n");
		return 2;
	}
	if (argc > 4 && strcmp(argv[4], "--defer") == 0)
		flags = IMAGESTORE_DEFER_SYNC;
	buf = malloc((size_t)size);
	lat = calloc((size_t)n, sizeof *lat);
	if (!buf || !lat)
		return 1;
	for (long i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 9));
	if (imagestore_open(&is, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "bench_imagestore: %s\n", err);
		return 1;
	}
	/* ten puts first, not counted: radosgw makes its data pool at a new
	 * bucket's first object (a second or more), the file store its day
	 * directory */
	for (long i = -10; i < 0; i++) {
		memcpy(buf, &i, sizeof i);
		ingest_sha256(buf, (size_t)size, h);
		if (imagestore_put_hashed(&is, "2026-12-06", buf, (size_t)size, h, 0, rel,
					  sizeof rel, &damaged, err, sizeof err) != 0) {
			fprintf(stderr, "bench_imagestore: %s\n", err);
			return 1;
		}
	}
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		double s = now_ms();

		/* distinct bytes, so distinct names: no put finds its object */
		memcpy(buf, &i, sizeof i);
		memcpy(buf + sizeof i, &t0, sizeof t0);
		ingest_sha256(buf, (size_t)size, h);
		if (imagestore_put_hashed(&is, "2026-12-07", buf, (size_t)size, h, flags, rel,
					  sizeof rel, &damaged, err, sizeof err) != 0) {
			fprintf(stderr, "bench_imagestore: %s\n", err);
			return 1;
		}
		lat[i] = now_ms() - s;
	}
	if (imagestore_sync(&is, err, sizeof err) != 0) {
		fprintf(stderr, "bench_imagestore: %s\n", err);
		return 1;
	}
	t1 = now_ms();
	total = t1 - t0;
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	printf("%s: %ld puts of %ld bytes%s in %.0f ms: %.2f ms a put (p50 %.2f, p99 %.2f), "
	       "%.0f puts/s\n", strncmp(argv[1], "s3://", 5) == 0 ? "s3 (radosgw)" : "file store",
	       n, size, flags ? " (deferred, one sync)" : "", total, total / (double)n,
	       lat[n / 2], lat[(n * 99) / 100], (double)n * 1000.0 / total);
	imagestore_close(&is);
	free(buf);
	free(lat);
	return 0;
}
