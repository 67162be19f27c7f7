// SPDX-License-Identifier: MIT
/*
 * imagestore.c - content-addressed, durable images (imagestore.h): the
 * calls, which check every name and hand it to the backend
 * (imagestore_ops.h), and the file backend. The file backend opens
 * everything it writes relative to the root directory's descriptor and
 * never through a link, so a link planted in the tree cannot send a write
 * elsewhere.
 */
#include "ingest/imagestore.h"
#include "ingest/imagestore_ops.h"
#include "ingest/ingest_hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evidence/evidence.h"

static int file_open(struct imagestore *is, const char *root, char *err,
		     size_t errlen)
{
	is->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (is->rootfd < 0) {
		snprintf(err, errlen, "image store %s: not a directory that can be "
			 "opened (the image store's root): %s", root, strerror(errno));
		return IMAGESTORE_EIO;
	}
	return 0;
}

static void file_close(struct imagestore *is)
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

static int file_sweep_temp(struct imagestore *is, time_t older_than,
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

static int file_sync(const struct imagestore *is, char *err, size_t errlen)
{
	if (syncfs(is->rootfd) != 0) {
		int e = errno;

		snprintf(err, errlen, "image store %s: sync of its file system: %s",
			 is->root, strerror(e));
		return io_code(e);
	}
	return 0;
}

static int file_put(const struct imagestore *is, const char *area,
		    const char *path, const void *data, size_t len,
		    const uint8_t h[32], unsigned flags, int *damaged, char *err,
		    size_t errlen)
{
	bool sync = !(flags & IMAGESTORE_DEFER_SYNC);
	static atomic_uint counter;
	char hex[EV_HASH_HEX + 1], name[EV_HASH_HEX + 8], tmp[128], ab[3];
	const char *day = area;
	int fds[4] = { -1, -1, -1, -1 }, nfd = 0, dir, fd = -1, rc = 0, e;

	if (strncmp(area, "quarantine/", 11) == 0)
		day = area + 11;
	ev_hex(h, EV_HASH_LEN, hex);
	snprintf(ab, sizeof ab, "%.2s", hex);
	snprintf(name, sizeof name, "%s.jpg", hex);
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

static int file_get(const struct imagestore *is, const char *rel, size_t max,
		    void **data, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t off = 0;
	char *buf;
	int fd, e;

	/* read as the export always read them: through a link too (an
	 * operator may have moved old days to another disk) */
	fd = openat(is->rootfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "image store %s: %s: %s", is->root, rel,
			 strerror(e));
		return e == ENOENT ? IMAGESTORE_ENOENT : IMAGESTORE_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		snprintf(err, errlen, "image store %s: %s: not a file of at most %zu bytes",
			 is->root, rel, max);
		close(fd);
		return IMAGESTORE_EIO;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "image store %s: %s: out of memory", is->root, rel);
		close(fd);
		return IMAGESTORE_EIO;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "image store %s: %s: %s", is->root, rel,
				 n < 0 ? strerror(errno) : "shorter than its size");
			free(buf);
			close(fd);
			return IMAGESTORE_EIO;
		}
		off += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = off;
	return 0;
}

/* nftw's callback for a day's directory: depth first, links removed and
 * never followed */
static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)ftw;
	if (flag == FTW_DP)
		return rmdir(p) == 0 || errno == ENOENT ? 0 : -1;
	return unlink(p) == 0 || errno == ENOENT ? 0 : -1;
}

static int file_remove(const struct imagestore *is, const char *rel, char *err,
		       size_t errlen)
{
	char path[4200], day[11], ab[3];
	size_t len = strlen(rel);
	int dfd, afd = -1, e = 0;
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", is->root, rel);
	if (rel[len - 1] == '/') {
		path[strlen(path) - 1] = '\0';
		if (lstat(path, &sb) != 0) {
			if (errno == ENOENT)
				return 0;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return IMAGESTORE_EIO;
		}
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: not a directory; left as it is", path);
			return IMAGESTORE_EIO;
		}
		if (nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			snprintf(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
			return IMAGESTORE_EIO;
		}
		return 0;
	}
	/* DAY/ab/NAME: each directory opened without following a link (a
	 * link planted in the tree cannot send the unlink elsewhere) */
	snprintf(day, sizeof day, "%.10s", rel);
	snprintf(ab, sizeof ab, "%.2s", rel + 11);
	dfd = openat(is->rootfd, day, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0)
		afd = openat(dfd, ab, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (afd >= 0 && unlinkat(afd, rel + 14, 0) != 0 && errno != ENOENT)
		e = errno;
	else if (afd < 0 && errno != ENOENT)
		e = errno;
	if (afd >= 0)
		close(afd);
	if (dfd >= 0)
		close(dfd);
	if (e) {
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return IMAGESTORE_EIO;
	}
	return 0;
}

const struct imagestore_ops imagestore_file_ops = {
	.name = "file",
	.open = file_open,
	.close = file_close,
	.put = file_put,
	.sync = file_sync,
	.sweep_temp = file_sweep_temp,
	.get = file_get,
	.remove = file_remove,
};

/* ------------------------------------------------- the calls (imagestore.h) */

static bool is_area(const char *area)
{
	return is_day(strncmp(area, "quarantine/", 11) == 0 ? area + 11 : area);
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* AREA/ab/<64 hex>.jpg, ab the hash's first two digits; or, with day_ok,
 * DAY/ (no quarantine: the purge lists capture days) */
static bool is_rel(const char *rel, bool day_ok)
{
	char area[32];
	const char *slash, *f;
	size_t alen;

	if (strncmp(rel, "quarantine/", 11) == 0)
		slash = strchr(rel + 11, '/');
	else
		slash = strchr(rel, '/');
	if (!slash || (alen = (size_t)(slash - rel)) >= sizeof area)
		return false;
	memcpy(area, rel, alen);
	area[alen] = '\0';
	if (!is_area(area))
		return false;
	if (slash[1] == '\0')
		return day_ok && strncmp(rel, "quarantine/", 11) != 0;
	f = slash + 1;
	return strlen(f) == 3 + EV_HASH_HEX + 4 && f[2] == '/' && is_hex(f, 2) &&
	       memcmp(f, f + 3, 2) == 0 && is_hex(f + 3, EV_HASH_HEX) &&
	       strcmp(f + 3 + EV_HASH_HEX, ".jpg") == 0;
}

int imagestore_open(struct imagestore *is, const char *root, char *err,
		    size_t errlen)
{
	int rc;

	memset(is, 0, sizeof *is);
	is->rootfd = -1;
	is->ops = strncmp(root, "s3://", 5) == 0 ? &imagestore_s3_ops : &imagestore_file_ops;
	if (strlen(root) >= sizeof is->root) {
		snprintf(err, errlen, "image store: name too long");
		is->ops = NULL;
		return IMAGESTORE_EINVAL;
	}
	snprintf(is->root, sizeof is->root, "%s", root);
	rc = is->ops->open(is, root, err, errlen);
	if (rc)
		is->ops = NULL;
	return rc;
}

void imagestore_close(struct imagestore *is)
{
	if (is->ops)
		is->ops->close(is);
	is->ops = NULL;
}

int imagestore_sweep_temp(struct imagestore *is, time_t older_than,
			  size_t *removed, char *err, size_t errlen)
{
	*removed = 0;
	return is->ops->sweep_temp(is, older_than, removed, err, errlen);
}

int imagestore_sync(const struct imagestore *is, char *err, size_t errlen)
{
	return is->ops->sync(is, err, errlen);
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

int imagestore_put_hashed(const struct imagestore *is, const char *area,
			  const void *data, size_t len, const uint8_t h[32],
			  unsigned flags, char *rel, size_t relcap, int *damaged,
			  char *err, size_t errlen)
{
	char hex[EV_HASH_HEX + 1], path[256];

	*damaged = 0;
	if (!is_area(area)) {
		snprintf(err, errlen, "image store: area \"%.40s\" is not "
			 "YYYY-MM-DD or quarantine/YYYY-MM-DD", area);
		return IMAGESTORE_EINVAL;
	}
	ev_hex(h, EV_HASH_LEN, hex);
	snprintf(path, sizeof path, "%s/%.2s/%s.jpg", area, hex, hex);
	snprintf(rel, relcap, "%s", path);
	return is->ops->put(is, area, path, data, len, h, flags, damaged, err, errlen);
}

int imagestore_get(const struct imagestore *is, const char *rel, size_t max,
		   void **data, size_t *len, char *err, size_t errlen)
{
	*data = NULL;
	*len = 0;
	if (!is_rel(rel, false)) {
		snprintf(err, errlen, "image store: \"%.90s\" is not an image's path "
			 "(AREA/ab/SHA256.jpg)", rel);
		return IMAGESTORE_EINVAL;
	}
	return is->ops->get(is, rel, max, data, len, err, errlen);
}

int imagestore_remove(const struct imagestore *is, const char *rel, char *err,
		      size_t errlen)
{
	if (!is_rel(rel, true) || strncmp(rel, "quarantine/", 11) == 0) {
		snprintf(err, errlen, "%.90s: not a day's image path", rel);
		return IMAGESTORE_EINVAL;
	}
	return is->ops->remove(is, rel, err, errlen);
}
