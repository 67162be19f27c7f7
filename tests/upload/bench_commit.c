// SPDX-License-Identifier: MIT
/*
 * bench_commit.c - the spool side of anpr-upload alone: acknowledged
 * records committed (ledger line, marker, deletion, directory fsync) in
 * groups of BATCH, on a real spool, no network. Prints records/s.
 *   anpr-upload-bench-commit SPOOL STATE BATCH
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "upload/upload.h"

int main(int argc, char **argv)
{
	struct upload_item *items;
	const struct upload_item **batch;
	struct timespec t0, t1;
	uint64_t head;
	char err[1024];
	long n, batch_max, done = 0;

	if (argc != 4 || (batch_max = atol(argv[3])) < 1) {
		fprintf(stderr, "usage: anpr-upload-bench-commit SPOOL STATE BATCH (>= 1)\n");
		return 2;
	}
	n = upload_scan(argv[1], &items, &head, err, sizeof(err));
	if (n < 0 || mkdir(argv[2], 0700)) {
		fprintf(stderr, "anpr-upload-bench-commit: %s\n", n < 0 ? err : argv[2]);
		return 2;
	}
	batch = calloc((size_t)batch_max, sizeof(const struct upload_item *));
	if (!batch)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	head = upload_keep_from(items, (size_t)n, head);
	for (long i = 0; i < n;) {
		size_t k = 0;

		for (; i < n && k < (size_t)batch_max; i++)
			if (items[i].seq < head)	/* what the writer needs stays */
				batch[k++] = &items[i];
		if (upload_commit_batch(argv[2], batch, k, err, sizeof(err))) {
			fprintf(stderr, "anpr-upload-bench-commit: %s\n", err);
			return 1;
		}
		done += (long)k;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.0f\n", (double)done / ((double)(t1.tv_sec - t0.tv_sec) +
				  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
	free(batch);
	free(items);
	return 0;
}
