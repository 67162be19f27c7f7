// SPDX-License-Identifier: MIT
/*
 * test_imagestore_s3.c - the image store's S3 backend against a real
 * radosgw (tests/lib/rgw.sh, started by tests/ingest/imagestore-s3, which
 * runs this with ANPR_TEST_S3_ENDPOINT, _ACCESS, _SECRET and the bucket
 * ANPR_TEST_S3_BUCKET made): put, the same put again, get, a put whose
 * bytes are not its name (refused by the gateway), removal of one image
 * and of a day (more than one page of a listing), what is held left; a
 * wrong key, a missing bucket, a gateway nobody answers on, a
 * configuration everyone may read: each refused at open, naming why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "evidence/evidence.h"
#include "ingest/imagestore.h"
#include "ingest/ingest_hash.h"

static char err[1024], conf[256], bucket[300];

/* the configuration file, with these keys (mode 0600) */
static void write_conf(const char *endpoint, const char *access, const char *secret)
{
	FILE *f = fopen(conf, "w");

	assert_non_null(f);
	fprintf(f, "# written by test_imagestore_s3\nendpoint = %s\n"
		"access_key = %s\nsecret_key = %s\ntimeout = 10\n", endpoint, access, secret);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(conf, 0600), 0);
}

static void good_conf(void)
{
	write_conf(getenv("ANPR_TEST_S3_ENDPOINT"), getenv("ANPR_TEST_S3_ACCESS"),
		   getenv("ANPR_TEST_S3_SECRET"));
}

static void fill(uint8_t *d, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 31u + seed * 7u + (i >> 8));
}

static void test_put_get(void **state)
{
	struct imagestore is;
	uint8_t data[70000], h[32];
	char rel[256], want[256], hex[65];
	void *back;
	size_t len;
	int damaged;

	(void)state;
	good_conf();
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), 0);
	fill(data, sizeof data, 1);
	assert_int_equal(imagestore_put(&is, "2026-11-24", data, sizeof data, rel, sizeof rel,
					&damaged, err, sizeof err), 0);
	ingest_sha256(data, sizeof data, h);
	ev_hex(h, 32, hex);
	snprintf(want, sizeof want, "2026-11-24/%.2s/%s.jpg", hex, hex);
	assert_string_equal(rel, want);
	/* the same again: content-addressed, nothing to refuse */
	assert_int_equal(imagestore_put_hashed(&is, "2026-11-24", data, sizeof data, h, 0, rel,
					       sizeof rel, &damaged, err, sizeof err), 0);
	assert_int_equal(damaged, 0);
	assert_int_equal(imagestore_sync(&is, err, sizeof err), 0);
	assert_int_equal(imagestore_get(&is, rel, 1 << 20, &back, &len, err, sizeof err), 0);
	assert_int_equal(len, sizeof data);
	assert_memory_equal(back, data, sizeof data);
	free(back);
	/* more than max: refused, not cut short */
	assert_int_equal(imagestore_get(&is, rel, 1000, &back, &len, err, sizeof err),
			 IMAGESTORE_EIO);
	assert_non_null(strstr(err, "more than 1000 bytes"));
	/* none there */
	want[20] = want[20] == '0' ? '1' : '0';
	assert_int_equal(imagestore_get(&is, want, 1 << 20, &back, &len, err, sizeof err),
			 IMAGESTORE_ENOENT);
	assert_non_null(strstr(err, "HTTP 404 NoSuchKey"));
	/* a name that is not an image's path goes nowhere near the gateway */
	assert_int_equal(imagestore_get(&is, "2026-11-24/../x", 100, &back, &len, err,
					sizeof err), IMAGESTORE_EINVAL);
	/* bytes that are not their name: the gateway hashes what it got and
	 * refuses the PUT, which names the key and S3's error code */
	h[0] ^= 1;
	assert_int_equal(imagestore_put_hashed(&is, "2026-11-24", data, sizeof data, h, 0, rel,
					       sizeof rel, &damaged, err, sizeof err),
			 IMAGESTORE_EIO);
	assert_non_null(strstr(err, rel));
	assert_non_null(strstr(err, "HTTP 400 XAmzContentSHA256Mismatch"));
	assert_int_equal(imagestore_get(&is, rel, 1 << 20, &back, &len, err, sizeof err),
			 IMAGESTORE_ENOENT);
	/* the quarantine is an area as any */
	assert_int_equal(imagestore_put(&is, "quarantine/2026-11-25", data, 10, rel, sizeof rel,
					&damaged, err, sizeof err), 0);
	assert_int_equal(strncmp(rel, "quarantine/2026-11-25/", 22), 0);
	assert_int_equal(imagestore_get(&is, rel, 100, &back, &len, err, sizeof err), 0);
	assert_int_equal(len, 10);
	free(back);
	imagestore_close(&is);
}

/* put n images of 1 kB under day; their paths into rels (n x 128) */
static void put_day(struct imagestore *is, const char *day, unsigned n, unsigned seed,
		    char (*rels)[128])
{
	uint8_t d[1024];
	int damaged;

	for (unsigned i = 0; i < n; i++) {
		fill(d, sizeof d, seed + i);
		assert_int_equal(imagestore_put(is, day, d, sizeof d, rels[i], 128, &damaged,
						err, sizeof err), 0);
	}
}

static int present(struct imagestore *is, const char *rel)
{
	void *b;
	size_t len;
	int rc = imagestore_get(is, rel, 4096, &b, &len, err, sizeof err);

	if (rc == 0)
		free(b);
	assert_true(rc == 0 || rc == IMAGESTORE_ENOENT);
	return rc == 0;
}

/* what anpr-db purge does with the paths anpr.retention_files lists: a
 * day some of whose reads are held loses its other images one by one and
 * keeps the held ones; a day with nothing held goes by its prefix, every
 * page of the listing (1005 images: two pages of 1000) */
static void test_purge(void **state)
{
	enum { BIG = 1005 };
	static char held[4][128], big[BIG][128], other[2][128], quar[1][128];
	struct imagestore is;
	unsigned left = 0;

	(void)state;
	good_conf();
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), 0);
	put_day(&is, "2027-02-10", 4, 100, held);
	put_day(&is, "2027-03-14", BIG, 1000, big);
	put_day(&is, "2027-03-15", 2, 5000, other);
	put_day(&is, "quarantine/2027-03-14", 1, 6000, quar);
	/* 2027-02-10: image 1 held, the others listed one by one */
	for (int i = 0; i < 4; i++)
		if (i != 1)
			assert_int_equal(imagestore_remove(&is, held[i], err, sizeof err), 0);
	assert_false(present(&is, held[0]));
	assert_true(present(&is, held[1]));
	assert_false(present(&is, held[2]));
	assert_false(present(&is, held[3]));
	/* already gone: not an error */
	assert_int_equal(imagestore_remove(&is, held[0], err, sizeof err), 0);
	/* 2027-03-14 whole */
	assert_int_equal(imagestore_remove(&is, "2027-03-14/", err, sizeof err), 0);
	for (int i = 0; i < BIG; i++)
		left += (unsigned)present(&is, big[i]);
	assert_int_equal(left, 0);
	/* the next day, the quarantine of that day, the held image: kept */
	assert_true(present(&is, other[0]) && present(&is, other[1]));
	assert_true(present(&is, quar[0]));
	assert_true(present(&is, held[1]));
	/* an empty prefix: nothing to do */
	assert_int_equal(imagestore_remove(&is, "2027-03-14/", err, sizeof err), 0);
	/* only what the purge lists: no quarantine, no ".." */
	assert_int_equal(imagestore_remove(&is, "quarantine/2027-03-14/", err, sizeof err),
			 IMAGESTORE_EINVAL);
	assert_int_equal(imagestore_remove(&is, "2027-03-1/", err, sizeof err),
			 IMAGESTORE_EINVAL);
	imagestore_close(&is);
}

static void test_refusals(void **state)
{
	struct imagestore is;
	char other[320];

	(void)state;
	/* a wrong secret: the gateway's 403 and its code, the bucket named */
	write_conf(getenv("ANPR_TEST_S3_ENDPOINT"), getenv("ANPR_TEST_S3_ACCESS"),
		   "0000000000000000000000000000000000000000");
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), IMAGESTORE_EIO);
	assert_non_null(strstr(err, bucket));
	assert_non_null(strstr(err, "HTTP 403 SignatureDoesNotMatch"));
	/* an access key nobody has */
	write_conf(getenv("ANPR_TEST_S3_ENDPOINT"), "NOSUCHKEY0000000", "x");
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), IMAGESTORE_EIO);
	assert_non_null(strstr(err, "HTTP 403 InvalidAccessKeyId"));
	/* a bucket that is not there */
	good_conf();
	snprintf(other, sizeof other, "%s-none", bucket);
	assert_int_equal(imagestore_open(&is, other, err, sizeof err), IMAGESTORE_EIO);
	assert_non_null(strstr(err, "HTTP 404 NoSuchBucket"));
	/* nobody answers: port 9 of loopback (discard, not served here) */
	write_conf("http://127.0.0.1:9", getenv("ANPR_TEST_S3_ACCESS"),
		   getenv("ANPR_TEST_S3_SECRET"));
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), IMAGESTORE_EIO);
	assert_non_null(strstr(err, "no answer from http://127.0.0.1:9"));
	/* the secret readable by everyone */
	good_conf();
	assert_int_equal(chmod(conf, 0644), 0);
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), IMAGESTORE_EINVAL);
	assert_non_null(strstr(err, "everyone may read it"));
	/* no secret at all, a key it does not know, not a bucket's name */
	write_conf(getenv("ANPR_TEST_S3_ENDPOINT"), getenv("ANPR_TEST_S3_ACCESS"), "");
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), IMAGESTORE_EINVAL);
	assert_non_null(strstr(err, "secret_key"));
	good_conf();
	{
		FILE *f = fopen(conf, "a");

		assert_non_null(f);
		fputs("secret = typo\n", f);
		fclose(f);
	}
	assert_int_equal(imagestore_open(&is, bucket, err, sizeof err), IMAGESTORE_EINVAL);
	assert_non_null(strstr(err, "line 6"));
	assert_int_equal(imagestore_open(&is, "s3://Bad_Bucket", err, sizeof err),
			 IMAGESTORE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_purge),
		cmocka_unit_test(test_refusals),
	};
	const char *b = getenv("ANPR_TEST_S3_BUCKET");
	char dir[] = "/tmp/anpr-s3-test-XXXXXX";
	int rc;

	if (!b || !getenv("ANPR_TEST_S3_ENDPOINT")) {
		fprintf(stderr, "test_imagestore_s3: run by tests/ingest/imagestore-s3 "
			"(a radosgw, ANPR_TEST_S3_*)\n");
		return 1;
	}
	snprintf(bucket, sizeof bucket, "s3://%s", b);
	if (!mkdtemp(dir))
		return 1;
	snprintf(conf, sizeof conf, "%s/s3.conf", dir);
	setenv("ANPR_S3_CONFIG", conf, 1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(conf);
	rmdir(dir);
	return rc;
}
