/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: read_file_limited(), the tree's one whole-file read with a
 * size limit (evidence/readfile.h). Every refusal names the file and the
 * reason; nothing planted at the path (a FIFO, a directory) is waited on;
 * a file that changes size while read is refused, never cut short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/evidence.h"
#include "evidence/readfile.h"

static char dir[64], path[128], want[512], err[512];
static char *buf;
static size_t len;

static void put(const char *p, const char *bytes, size_t n)
{
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/readfile-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/f", dir);
	buf = (char *)"untouched";
	len = 12345;
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	char p[160];

	(void)state;
	snprintf(p, sizeof p, "%s/f", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

/* On a refusal the outputs are left alone. */
static void assert_untouched(void)
{
	assert_string_equal(buf, "untouched");
	assert_int_equal(len, 12345);
}

static void test_empty(void **state)
{
	(void)state;
	put(path, "", 0);
	assert_int_equal(read_file_limited(path, 16, &buf, &len, err, sizeof err), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	/* and within a limit of nothing */
	assert_int_equal(read_file_limited(path, 0, &buf, &len, err, sizeof err), 0);
	assert_int_equal(len, 0);
	free(buf);
}

static void test_exactly_the_limit(void **state)
{
	(void)state;
	put(path, "0123456789abcdef", 16);
	assert_int_equal(read_file_limited(path, 16, &buf, &len, err, sizeof err), 0);
	assert_int_equal(len, 16);
	assert_memory_equal(buf, "0123456789abcdef", 16);
	assert_int_equal(buf[16], '\0');
	free(buf);
}

static void test_one_byte_over(void **state)
{
	(void)state;
	put(path, "0123456789abcdefg", 17);
	assert_int_equal(read_file_limited(path, 16, &buf, &len, err, sizeof err), EV_EFORMAT);
	snprintf(want, sizeof want, "%s: 17 bytes, over the 16-byte limit", path);
	assert_string_equal(err, want);
	assert_untouched();
}

static void test_directory(void **state)
{
	(void)state;
	assert_int_equal(read_file_limited(dir, 1 << 20, &buf, &len, err, sizeof err), EV_EIO);
	snprintf(want, sizeof want, "%s: is a directory, not a regular file", dir);
	assert_string_equal(err, want);
	assert_untouched();
}

/* A FIFO with no writer: opening it for reading without O_NONBLOCK, or
 * reading it, would block for ever; the alarm fails the test instead. */
static void test_fifo_does_not_block(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(read_file_limited(path, 1 << 20, &buf, &len, err, sizeof err), EV_EIO);
	alarm(0);
	snprintf(want, sizeof want, "%s: is a FIFO, not a regular file", path);
	assert_string_equal(err, want);
	assert_untouched();
}

static void test_missing(void **state)
{
	(void)state;
	assert_int_equal(read_file_limited(path, 1 << 20, &buf, &len, err, sizeof err), EV_EIO);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
	assert_untouched();
}

/* A file that holds more than fstat said when it was opened (one that
 * grew while it was read): refused, not cut at the size first seen. A
 * /proc file is the deterministic case: st_size 0, and bytes to read. */
static void test_grows_while_read(void **state)
{
	const char *p = "/proc/self/status";

	(void)state;
	assert_int_equal(read_file_limited(p, 1 << 20, &buf, &len, err, sizeof err), EV_EIO);
	assert_string_equal(err, "/proc/self/status: changed while being read (grew past the "
				 "0 bytes it had when opened)");
	assert_untouched();
}

/* The descriptor form, into secure memory, as keys and passphrases are
 * read; the descriptor stays open. */
static void test_fd_secret(void **state)
{
	int fd;

	(void)state;
	put(path, "passphrase\n", 11);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read_fd_limited(fd, path, 4096, true, &buf, &len, err, sizeof err), 0);
	assert_int_equal(len, 11);
	assert_string_equal(buf, "passphrase\n");
	ev_secure_free(buf);
	assert_int_equal(fcntl(fd, F_GETFD) >= 0, 1);
	close(fd);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(file_kind(S_IFREG), "a regular file");
	assert_string_equal(file_kind(S_IFCHR), "a character device");
	assert_string_equal(file_kind(S_IFBLK), "a block device");
	assert_string_equal(file_kind(S_IFSOCK), "a socket");
	/* a character device at the path is refused by its kind */
	assert_int_equal(read_file_limited("/dev/null", 16, &buf, &len, err, sizeof err), EV_EIO);
	assert_string_equal(err, "/dev/null: is a character device, not a regular file");
	assert_untouched();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exactly_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_byte_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grows_while_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
	};

	if (ev_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
