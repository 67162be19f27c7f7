/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the ustar bundle writer and its defensive reader (an evidence
 * bundle comes from outside: nothing may be written outside the scratch
 * directory, and every refusal names the archive and the member).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/evidence_verify.h"
#include "evidence/readfile.h"

static char err[1024];
static char dir[64], tar[128], out[128];

static int rm_cb(const char *p, const struct stat *s, int f, struct FTW *w)
{
	(void)s; (void)f; (void)w;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ev-test-tar.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(tar, sizeof tar, "%s/b.tar", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	return mkdir(out, 0700);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tar(const char *name, const char *data)
{
	struct ev_tar *t;

	unlink(tar);
	assert_int_equal(ev_tar_open(&t, tar, err, sizeof err), 0);
	assert_int_equal(ev_tar_add(t, "a/ok.txt", "fine\n", 5, 0644, err,
				    sizeof err), 0);
	assert_int_equal(ev_tar_add(t, name, data, strlen(data), 0644, err,
				    sizeof err), 0);
	assert_int_equal(ev_tar_close(t, err, sizeof err), 0);
}

/* Change header byte(s) of the second member and fix its checksum. */
static void patch_second(size_t off, const char *bytes, size_t n)
{
	unsigned char h[512];
	unsigned sum = 0;
	FILE *f = fopen(tar, "r+b");

	assert_non_null(f);
	fseek(f, 1024, SEEK_SET);	/* header 1 + its one data block */
	assert_int_equal(fread(h, 1, 512, f), 512);
	memcpy(h + off, bytes, n);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	fseek(f, 1024, SEEK_SET);
	fwrite(h, 1, 512, f);
	fclose(f);
}

static void test_roundtrip(void **state)
{
	char path[256], *buf;
	size_t len;

	(void)state;
	make_tar("a/b/c.rec", "format=anpr-record/1\n");
	assert_int_equal(ev_tar_extract(tar, out, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/a/b/c.rec", out);
	assert_int_equal(read_file_limited(path, 100, &buf, &len, err, sizeof err),
			 0);
	assert_string_equal(buf, "format=anpr-record/1\n");
	free(buf);
	/* the system tar reads it too */
	snprintf(path, sizeof path, "tar tf %s | grep -q '^a/b/c.rec$'", tar);
	assert_int_equal(system(path), 0);
}

static void expect_refused(const char *why)
{
	struct stat st;
	char p[256];

	nftw(out, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(out, 0700);
	assert_int_not_equal(ev_tar_extract(tar, out, err, sizeof err), 0);
	assert_non_null(strstr(err, tar));
	if (!strstr(err, why))
		fail_msg("\"%s\" lacks \"%s\"", err, why);
	/* nothing escaped the scratch directory */
	snprintf(p, sizeof p, "%s/evil", dir);
	assert_int_not_equal(stat(p, &st), 0);
	assert_int_not_equal(stat("/tmp/evil-ev-test", &st), 0);
}

static void test_hostile(void **state)
{
	(void)state;
	make_tar("../evil", "x");
	expect_refused("unsafe name");
	make_tar("/tmp/evil-ev-test", "x");
	expect_refused("unsafe name");
	make_tar("a/./../../evil", "x");
	expect_refused("unsafe name");
	make_tar("a//b", "x");
	expect_refused("unsafe name");
	make_tar("link", "x");
	patch_second(156, "2", 1);	/* symbolic link */
	memcpy(err, "", 1);
	expect_refused("type '2' refused");
	make_tar("dev", "x");
	patch_second(156, "3", 1);	/* character device */
	expect_refused("type '3' refused");
	make_tar("big", "x");
	patch_second(124, "77777777777", 11);	/* 8 GiB */
	expect_refused("bad or huge size");
}

static void test_damaged(void **state)
{
	FILE *f;

	(void)state;
	make_tar("x.rec", "hello");
	assert_int_equal(truncate(tar, 1024 + 300), 0);
	expect_refused("truncated");
	make_tar("x.rec", "hello");
	f = fopen(tar, "r+b");
	fseek(f, 1024 + 10, SEEK_SET);
	fputc('!', f);		/* a header byte, checksum not fixed */
	fclose(f);
	expect_refused("checksum");
	f = fopen(tar, "wb");
	fputs("not a tar", f);
	fclose(f);
	expect_refused("truncated tar header");
	assert_int_equal(ev_tar_extract("/nonexistent.tar", out, err,
					sizeof err), EV_EIO);
	assert_non_null(strstr(err, "/nonexistent.tar: cannot open"));
	/* a member already present is not overwritten */
	make_tar("a/ok.txt", "again");
	expect_refused("File exists");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
