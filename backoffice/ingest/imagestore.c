// SPDX-License-Identifier: MIT
/*
 * imagestore.c - content-addressed, durable image files (imagestore.h).
 * Everything is opened relative to the root directory's descriptor and
 * never through a link, so a link planted in the tree cannot send a write
 * elsewhere.
 */
#include "ingest/imagestore.h"
#include "ingest/ingest_hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evidence/evidence.h"

int imagestore_open(struct imagestore *is, const char *root, char *err,
		    size_t errlen)
{
	snprintf(is->root, sizeof is->root, "%s", root);
	is->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (is->rootfd < 0) {
		snprintf(err, errlen, "image store %s: %s", root,
			 strerror(errno));
		return IMAGESTORE_EIO;
	}
	return 0;
}

void imagestore_close(struct imagestore *is)
{
	if (is->rootfd >= 0)
		close(is->rootfd);
	is->rootfd = -1;
}

static bool is_day(const char *s);

/* In the directory dirfd (path for messages): remove old ".tmp-*" files
 * (depth 0), or go into the subdirectories that may hold them (depth > 0:
 * days, then two-hex-digit directories; "quarantine" at the top). */
static int sweep(int dirfd, const char *path, int depth, time_t older_than,
		 size_t *removed, char *err, size_t errlen)
{
	struct dirent *e;
	DIR *d;
	int rc = 0;

	d = fdopendir(dirfd);
	if (!d) {
		snprintf(err, errlen, "image store %s: %s", path, strerror(errno));
		close(dirfd);
		return IMAGESTORE_EIO;
	}
	while ((e = readdir(d))) {
		struct stat st;
		char sub[4200];
		int fd;

		if (e->d_name[0] == '.' && strncmp(e->d_name, ".tmp-", 5) != 0)
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (depth == 0) {
			if (strncmp(e->d_name, ".tmp-", 5) == 0 && S_ISREG(st.st_mode) &&
			    st.st_mtime < older_than && unlinkat(dirfd, e->d_name, 0) == 0)
				(*removed)++;
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (!(depth == 2 && (is_day(e->d_name) || strcmp(e->d_name, "quarantine") == 0)) &&
		    !(depth == 1 && strlen(e->d_name) == 2) &&
		    !(depth == 3 && is_day(e->d_name)))
			continue;
		fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (fd < 0) {
			snprintf(err, errlen, "image store %s: %s", sub, strerror(errno));
			rc = IMAGESTORE_EIO;
			continue;
		}
		/* quarantine/DAY/ab: one level more than DAY/ab */
		if (sweep(fd, sub, strcmp(e->d_name, "quarantine") == 0 ? 3 :
			  depth == 3 ? 1 : depth - 1, older_than, removed, err, errlen))
			rc = IMAGESTORE_EIO;
	}
	closedir(d);
	return rc;
}

int imagestore_sweep_temp(struct imagestore *is, time_t older_than,
			  size_t *removed, char *err, size_t errlen)
{
	int fd = openat(is->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*removed = 0;
	if (fd < 0) {
		snprintf(err, errlen, "image store %s: %s", is->root, strerror(errno));
		return IMAGESTORE_EIO;
	}
	return sweep(fd, is->root, 2, older_than, removed, err, errlen);
}

static int io_code(int e)
{
	return e == ENOSPC || e == EDQUOT ? IMAGESTORE_ENOSPC : IMAGESTORE_EIO;
}

static bool is_day(const char *s)
{
	static const char pat[] = "dddd-dd-dd";

	for (size_t i = 0; i < sizeof pat - 1; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '-')
			return false;
	return s[sizeof pat - 1] == '\0';
}

/* Open (making it if needed) the directory name under parent. A directory
 * made here is only durable once its parent is synced: done at once.
 * Opened first, made only if missing: nearly every put finds its day and
 * its ab/ directory there, and a mkdirat that fails with EEXIST was a
 * path walk for nothing (two a put). */
static int subdir(int parent, const char *name, const char *path, bool sync,
		  char *err, size_t errlen)
{
	int fd;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		goto opened;
	if (mkdirat(parent, name, 0755) == 0) {
		if (sync && fsync(parent) != 0) {
			int e = errno;

			snprintf(err, errlen, "image store: sync of the "
				 "directory holding %s: %s", path, strerror(e));
			return io_code(e);
		}
	} else if (errno != EEXIST) {
		int e = errno;

		snprintf(err, errlen, "image store: cannot make %s: %s", path,
			 strerror(e));
		return io_code(e);
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
opened:
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "image store: cannot open %s: %s", path,
			 strerror(e));
		return io_code(e);
	}
	return fd;
}

/* Does the file name in dir hold exactly data? */
static bool same_bytes(int dir, const char *name, const void *data,
		       size_t len)
{
	struct stat st;
	char buf[65536];
	size_t off = 0;
	bool same = false;
	int fd;

	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len) {
		same = true;
		while (same && off < len) {
			ssize_t n = read(fd, buf, sizeof buf);

			if (n <= 0 || off + (size_t)n > len ||
			    memcmp(buf, (const char *)data + off, (size_t)n) != 0)
				same = false;
			else
				off += (size_t)n;
		}
	}
	close(fd);
	return same;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int imagestore_put(const struct imagestore *is, const char *area,
		   const void *data, size_t len, char *rel, size_t relcap,
		   int *damaged, char *err, size_t errlen)
{
	uint8_t h[EV_HASH_LEN];

	ingest_sha256(data, len, h);
	return imagestore_put_hashed(is, area, data, len, h, 0, rel, relcap, damaged,
				     err, errlen);
}

int imagestore_sync(const struct imagestore *is, char *err, size_t errlen)
{
	if (syncfs(is->rootfd) != 0) {
		int e = errno;

		snprintf(err, errlen, "image store %s: sync of its file system: %s",
			 is->root, strerror(e));
		return io_code(e);
	}
	return 0;
}

int imagestore_put_hashed(const struct imagestore *is, const char *area,
			  const void *data, size_t len, const uint8_t h[32],
			  unsigned flags, char *rel, size_t relcap, int *damaged,
			  char *err, size_t errlen)
{
	bool sync = !(flags & IMAGESTORE_DEFER_SYNC);
	static atomic_uint counter;
	char hex[EV_HASH_HEX + 1], name[EV_HASH_HEX + 8], tmp[128], ab[3];
	char path[256];
	const char *day = area;
	int fds[4] = { -1, -1, -1, -1 }, nfd = 0, dir, fd = -1, rc = 0, e;

	*damaged = 0;
	if (strncmp(area, "quarantine/", 11) == 0)
		day = area + 11;
	if (!is_day(day)) {
		snprintf(err, errlen, "image store: area \"%.40s\" is not "
			 "YYYY-MM-DD or quarantine/YYYY-MM-DD", area);
		return IMAGESTORE_EINVAL;
	}
	ev_hex(h, EV_HASH_LEN, hex);
	snprintf(ab, sizeof ab, "%.2s", hex);
	snprintf(name, sizeof name, "%s.jpg", hex);
	snprintf(path, sizeof path, "%s/%s/%s", area, ab, name);
	snprintf(rel, relcap, "%s", path);
	/* root / [quarantine /] day / ab */
	dir = is->rootfd;
	if (day != area) {
		fds[nfd] = subdir(dir, "quarantine", "quarantine", sync, err, errlen);
		if (fds[nfd] < 0)
			return fds[nfd];
		dir = fds[nfd++];
	}
	fds[nfd] = subdir(dir, day, area, sync, err, errlen);
	if (fds[nfd] < 0) {
		rc = fds[nfd];
		goto out;
	}
	dir = fds[nfd++];
	fds[nfd] = subdir(dir, ab, path, sync, err, errlen);
	if (fds[nfd] < 0) {
		rc = fds[nfd];
		goto out;
	}
	dir = fds[nfd++];

	if (faccessat(dir, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		if (same_bytes(dir, name, data, len)) {
			/* a put that crashed after its rename may not have
			 * synced the directory: sync it now */
			if (sync && fsync(dir) != 0) {
				e = errno;
				snprintf(err, errlen, "image store: sync of "
					 "the directory of %s: %s", path,
					 strerror(e));
				rc = io_code(e);
			}
			goto out;
		}
		/* its name is its content's hash, so these bytes are the
		 * right ones: keep the damaged copy for examination */
		snprintf(tmp, sizeof tmp, "%s.damaged-%lld", name,
			 (long long)time(NULL));
		if (renameat(dir, name, dir, tmp) != 0) {
			e = errno;
			snprintf(err, errlen, "image store: %s holds other "
				 "bytes and cannot be moved aside: %s", path,
				 strerror(e));
			rc = io_code(e);
			goto out;
		}
		*damaged = 1;
	}
	snprintf(tmp, sizeof tmp, ".tmp-%.16s-%d-%u", hex, (int)getpid(),
		 atomic_fetch_add(&counter, 1));
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "image store: cannot create a temporary "
			 "file for %s: %s", path, strerror(e));
		rc = io_code(e);
		goto out;
	}
	if (write_all(fd, data, len) != 0 || (sync && fsync(fd) != 0)) {
		e = errno;
		snprintf(err, errlen, "image store: cannot write %s (%zu "
			 "bytes): %s", path, len, strerror(e));
		rc = io_code(e);
		goto fail_tmp;
	}
	if (close(fd) != 0) {
		e = errno;
		fd = -1;
		snprintf(err, errlen, "image store: cannot write %s: %s", path,
			 strerror(e));
		rc = io_code(e);
		goto fail_tmp;
	}
	fd = -1;
	if (renameat(dir, tmp, dir, name) != 0) {
		e = errno;
		snprintf(err, errlen, "image store: cannot rename into %s: %s",
			 path, strerror(e));
		rc = io_code(e);
		goto fail_tmp;
	}
	if (sync && fsync(dir) != 0) {
		e = errno;
		snprintf(err, errlen, "image store: sync of the directory of "
			 "%s: %s", path, strerror(e));
		rc = io_code(e);
		goto out;
	}
	if (*damaged)
		snprintf(err, errlen, "image store: %s held other bytes "
			 "(damaged on disk); kept aside as %s.damaged-*, "
			 "replaced with the received bytes of that SHA-256",
			 path, path);
	goto out;
fail_tmp:
	if (fd >= 0)
		close(fd);
	unlinkat(dir, tmp, 0);
out:
	while (nfd > 0)
		close(fds[--nfd]);
	return rc;
}
