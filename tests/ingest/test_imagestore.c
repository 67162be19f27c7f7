// SPDX-License-Identifier: MIT
/*
 * test_imagestore.c - the back office's image files on a real filesystem:
 * names, contents, a second put, a damaged file, bad areas, links, and a
 * really full disk (a tiny tmpfs mounted in a private mount namespace, as
 * root or in a user namespace; where neither is allowed the test fails and
 * says so rather than pretending).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "evidence/evidence.h"
#include "ingest/imagestore.h"

static char err[1024];

static int rm_cb(const char *p, const struct stat *s, int f, struct FTW *w)
{
	(void)s; (void)f; (void)w;
	return remove(p);
}

static char *tmpdir(void)
{
	char t[] = "/tmp/ingest-images.XXXXXX";

	assert_non_null(mkdtemp(t));
	return strdup(t);
}

static void rm_tree(char *d)
{
	nftw(d, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}

static size_t count_files(const char *dir)
{
	char cmd[512];
	FILE *p;
	size_t n = 0;

	snprintf(cmd, sizeof cmd, "find %s -type f | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%zu", &n), 1);
	pclose(p);
	return n;
}

static void test_put_names_and_bytes(void **state)
{
	char *root = tmpdir(), rel[256], path[600], hex[65];
	uint8_t data[5000], h[32];
	struct imagestore is;
	int damaged;

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 31);
	assert_int_equal(imagestore_open(&is, root, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "2026-11-24", data, sizeof data,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	ev_sha256(data, sizeof data, h);
	ev_hex(h, 32, hex);
	snprintf(path, sizeof path, "2026-11-24/%.2s/%s.jpg", hex, hex);
	assert_string_equal(rel, path);
	assert_int_equal(damaged, 0);
	/* sha256sum of the file is its name */
	snprintf(path, sizeof path, "%s/%s", root, rel);
	assert_int_equal(ev_sha256_file(path, h, err, sizeof err), 0);
	{
		char got[65];

		ev_hex(h, 32, got);
		assert_string_equal(got, hex);
	}
	/* again: left as it is, no temporary file left behind */
	assert_int_equal(imagestore_put(&is, "2026-11-24", data, sizeof data,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	assert_int_equal(damaged, 0);
	assert_int_equal(count_files(root), 1);
	/* quarantine area */
	assert_int_equal(imagestore_put(&is, "quarantine/2026-11-25", data, 10,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	assert_int_equal(strncmp(rel, "quarantine/2026-11-25/", 22), 0);
	assert_int_equal(count_files(root), 2);
	imagestore_close(&is);
	rm_tree(root);
}

/* Put without a sync of its own (anpr-ingest --image-sync group): the
 * same file, named by the hash given; made durable by imagestore_sync. */
static void test_deferred_sync(void **state)
{
	char *root = tmpdir(), rel[256], path[600], hex[65];
	uint8_t data[3000], h[32], got[32];
	struct imagestore is;
	int damaged;

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	ev_sha256(data, sizeof data, h);
	ev_hex(h, 32, hex);
	assert_int_equal(imagestore_open(&is, root, err, sizeof err), 0);
	assert_int_equal(imagestore_put_hashed(&is, "2026-12-06", data, sizeof data, h,
					       IMAGESTORE_DEFER_SYNC, rel, sizeof rel,
					       &damaged, err, sizeof err), 0);
	snprintf(path, sizeof path, "2026-12-06/%.2s/%s.jpg", hex, hex);
	assert_string_equal(rel, path);
	assert_int_equal(imagestore_sync(&is, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/%s", root, rel);
	assert_int_equal(ev_sha256_file(path, got, err, sizeof err), 0);
	assert_memory_equal(got, h, 32);
	/* a second put of it finds it there; no temporary file is left */
	assert_int_equal(imagestore_put_hashed(&is, "2026-12-06", data, sizeof data, h,
					       IMAGESTORE_DEFER_SYNC, rel, sizeof rel,
					       &damaged, err, sizeof err), 0);
	assert_int_equal(damaged, 0);
	assert_int_equal(count_files(root), 1);
	imagestore_close(&is);
	rm_tree(root);
}

static void test_damaged_file_replaced(void **state)
{
	char *root = tmpdir(), rel[256], path[600];
	uint8_t data[300];
	struct imagestore is;
	int damaged, fd;
	struct stat st;

	(void)state;
	memset(data, 0x5a, sizeof data);
	assert_int_equal(imagestore_open(&is, root, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "2026-01-02", data, sizeof data,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	snprintf(path, sizeof path, "%s/%s", root, rel);
	/* one bit flips on disk; the size stays */
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\x5b", 1, 100), 1);
	close(fd);
	assert_int_equal(imagestore_put(&is, "2026-01-02", data, sizeof data,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	assert_int_equal(damaged, 1);
	assert_non_null(strstr(err, "damaged"));
	assert_non_null(strstr(err, rel));
	{
		uint8_t h[32], w[32];

		ev_sha256(data, sizeof data, w);
		assert_int_equal(ev_sha256_file(path, h, err, sizeof err), 0);
		assert_memory_equal(h, w, 32);
	}
	assert_int_equal(count_files(root), 2);	/* the damaged copy kept */
	/* shorter on disk */
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(imagestore_put(&is, "2026-01-02", data, sizeof data,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	assert_int_equal(damaged, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, sizeof data);
	imagestore_close(&is);
	rm_tree(root);
}

static void test_bad_area_and_links(void **state)
{
	char *root = tmpdir(), *elsewhere = tmpdir(), rel[256], path[600];
	struct imagestore is;
	int damaged;

	(void)state;
	assert_int_equal(imagestore_open(&is, root, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "../2026-01-02", "x", 1, rel,
					sizeof rel, &damaged, err, sizeof err),
			 IMAGESTORE_EINVAL);
	assert_non_null(strstr(err, "YYYY-MM-DD"));
	assert_int_equal(imagestore_put(&is, "2026-1-02", "x", 1, rel,
					sizeof rel, &damaged, err, sizeof err),
			 IMAGESTORE_EINVAL);
	/* a link planted where a day directory goes is not followed */
	snprintf(path, sizeof path, "%s/2026-03-03", root);
	assert_int_equal(symlink(elsewhere, path), 0);
	assert_int_equal(imagestore_put(&is, "2026-03-03", "x", 1, rel,
					sizeof rel, &damaged, err, sizeof err),
			 IMAGESTORE_EIO);
	assert_non_null(strstr(err, "2026-03-03"));
	assert_int_equal(count_files(elsewhere), 0);
	imagestore_close(&is);
	assert_int_equal(imagestore_open(&is, "/nonexistent/images", err,
					 sizeof err), IMAGESTORE_EIO);
	assert_non_null(strstr(err, "/nonexistent/images"));
	rm_tree(root);
	rm_tree(elsewhere);
}

/* A tmpfs of 64 KiB in a mount namespace of our own. */
static void test_full_disk(void **state)
{
	char *mnt = tmpdir(), rel[256];
	static uint8_t big[48 * 1024];
	uint8_t small[8 * 1024];
	struct imagestore is;
	int damaged, rc;

	(void)state;
	if (unshare(CLONE_NEWNS) != 0 &&
	    unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		fail_msg("cannot make a mount namespace for a small tmpfs "
			 "(not root, no user namespaces): %s", strerror(errno));
	assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k,nr_inodes=64") != 0)
		fail_msg("mount tmpfs on %s: %s", mnt, strerror(errno));
	assert_int_equal(imagestore_open(&is, mnt, err, sizeof err), 0);
	memset(big, 1, sizeof big);
	assert_int_equal(imagestore_put(&is, "2026-05-05", big, sizeof big,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	memset(big, 2, sizeof big);
	rc = imagestore_put(&is, "2026-05-05", big, sizeof big, rel, sizeof rel,
			    &damaged, err, sizeof err);
	assert_int_equal(rc, IMAGESTORE_ENOSPC);
	assert_non_null(strstr(err, "No space left on device"));
	assert_non_null(strstr(err, rel));
	/* nothing half-written is left: only the first image */
	assert_int_equal(count_files(mnt), 1);
	/* a smaller one still fits: the store goes on */
	memset(small, 3, sizeof small);
	assert_int_equal(imagestore_put(&is, "2026-05-05", small, sizeof small,
					rel, sizeof rel, &damaged, err,
					sizeof err), 0);
	assert_int_equal(count_files(mnt), 2);
	imagestore_close(&is);
	umount(mnt);
	rmdir(mnt);
	free(mnt);
}

/* A writer killed between write and rename leaves ".tmp-*": swept when
 * older than the cut, in day and quarantine directories alike; a fresh
 * one (a writer alive) and the images stay. */
static void test_sweep_temp(void **state)
{
	char *root = tmpdir(), rel[256], old1[600], old2[600], fresh[600];
	uint8_t data[100] = { 1, 2, 3 };
	struct imagestore is;
	struct timespec ts[2] = { { 1000, 0 }, { 1000, 0 } };
	size_t removed = 9;
	int damaged, fd;

	(void)state;
	assert_int_equal(imagestore_open(&is, root, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "2026-11-24", data, sizeof data, rel,
					sizeof rel, &damaged, err, sizeof err), 0);
	snprintf(old1, sizeof old1, "%s/%.13s/.tmp-killed-1", root, rel);
	assert_int_equal(imagestore_put(&is, "quarantine/2026-11-25", data, 10, rel,
					sizeof rel, &damaged, err, sizeof err), 0);
	snprintf(old2, sizeof old2, "%s/%.24s/.tmp-killed-2", root, rel);
	snprintf(fresh, sizeof fresh, "%s/%.24s/.tmp-alive-3", root, rel);
	for (int i = 0; i < 3; i++) {
		const char *p = i == 0 ? old1 : i == 1 ? old2 : fresh;

		fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0640);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "x", 1), 1);
		if (i < 2)
			assert_int_equal(futimens(fd, ts), 0);
		close(fd);
	}
	assert_int_equal(count_files(root), 5);
	assert_int_equal(imagestore_sweep_temp(&is, time(NULL) - 60, &removed, err,
					       sizeof err), 0);
	assert_int_equal(removed, 2);
	assert_int_equal(access(old1, F_OK), -1);
	assert_int_equal(access(old2, F_OK), -1);
	assert_int_equal(access(fresh, F_OK), 0);
	assert_int_equal(count_files(root), 3);	/* two images, the fresh one */
	imagestore_close(&is);
	rm_tree(root);
}

/* The file backend's get and remove (anpr-query --export reads images
 * back through the first, anpr-db purge removes through the second): a
 * day's one image, a whole day, what is gone already, names refused. */
static void test_get_and_remove(void **state)
{
	char *root = tmpdir(), rel[256], rel2[256], rel3[256], path[600];
	uint8_t a[3000], b[100];
	void *back;
	size_t len;
	struct imagestore is;
	int damaged;

	(void)state;
	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	assert_int_equal(imagestore_open(&is, root, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "2027-02-10", a, sizeof a, rel, sizeof rel,
					&damaged, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "2027-02-10", b, sizeof b, rel2, sizeof rel2,
					&damaged, err, sizeof err), 0);
	assert_int_equal(imagestore_put(&is, "2027-02-11", b, sizeof b, rel3, sizeof rel3,
					&damaged, err, sizeof err), 0);
	assert_int_equal(imagestore_get(&is, rel, 1 << 20, &back, &len, err, sizeof err), 0);
	assert_int_equal(len, sizeof a);
	assert_memory_equal(back, a, sizeof a);
	free(back);
	assert_int_equal(imagestore_get(&is, rel, 100, &back, &len, err, sizeof err),
			 IMAGESTORE_EIO);
	assert_int_equal(imagestore_get(&is, "2027-02-10/../../etc/passwd", 1 << 20, &back,
					&len, err, sizeof err), IMAGESTORE_EINVAL);
	/* one image of the day: the other stays */
	assert_int_equal(imagestore_remove(&is, rel, err, sizeof err), 0);
	assert_int_equal(imagestore_get(&is, rel, 1 << 20, &back, &len, err, sizeof err),
			 IMAGESTORE_ENOENT);
	assert_int_equal(imagestore_remove(&is, rel, err, sizeof err), 0);
	assert_int_equal(imagestore_get(&is, rel2, 1 << 20, &back, &len, err, sizeof err), 0);
	free(back);
	/* the whole day: its directory goes, the next day's stays */
	assert_int_equal(imagestore_remove(&is, "2027-02-10/", err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/2027-02-10", root);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(imagestore_get(&is, rel3, 1 << 20, &back, &len, err, sizeof err), 0);
	free(back);
	assert_int_equal(imagestore_remove(&is, "2027-02-10/", err, sizeof err), 0);
	assert_int_equal(imagestore_remove(&is, "../", err, sizeof err), IMAGESTORE_EINVAL);
	assert_int_equal(imagestore_remove(&is, "quarantine/2027-02-10/", err, sizeof err),
			 IMAGESTORE_EINVAL);
	imagestore_close(&is);
	rm_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_names_and_bytes),
		cmocka_unit_test(test_deferred_sync),
		cmocka_unit_test(test_damaged_file_replaced),
		cmocka_unit_test(test_bad_area_and_links),
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_sweep_temp),
		cmocka_unit_test(test_get_and_remove),
	};

	if (ev_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
