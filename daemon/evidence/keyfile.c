/* SPDX-License-Identifier: MIT */
/*
 * keyfile.c - reading and writing key files, with the secret key's
 * permission and ownership checks, and small-file reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "evidence.h"

static int read_fd(int fd, const char *path, size_t limit, char **buf,
		   size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t cap, n = 0;
	char *b;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return EV_EIO;
	}
	if ((uint64_t)st.st_size > limit) {
		snprintf(err, errlen, "%s: %lld bytes, over the %zu-byte "
			 "limit for this kind of file", path,
			 (long long)st.st_size, limit);
		return EV_EFORMAT;
	}
	cap = (size_t)st.st_size + 1;
	b = malloc(cap);
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		return EV_ENOMEM;
	}
	for (;;) {
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: read error: %s", path,
				 strerror(errno));
			free(b);
			return EV_EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {	/* grew while reading */
			snprintf(err, errlen, "%s: file changed while being "
				 "read", path);
			free(b);
			return EV_EIO;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int ev_read_file(const char *path, size_t limit, char **buf, size_t *len,
		 char *err, size_t errlen)
{
	/* O_NONBLOCK: a FIFO in place of a record must not hang us */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	rc = read_fd(fd, path, limit, buf, len, err, errlen);
	close(fd);
	return rc;
}

int ev_read_passphrase(const char *path, char *out, size_t cap, char *err,
		       size_t errlen)
{
	char *buf;
	size_t len;
	int rc = ev_read_file(path, cap - 1, &buf, &len, err, errlen);

	if (rc)
		return rc;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len == 0) {
		snprintf(err, errlen, "%s: empty passphrase", path);
		free(buf);
		return EV_EFORMAT;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	sodium_memzero(buf, len);
	free(buf);
	return 0;
}

int ev_key_load_public(const char *path, struct ev_key *k, char *err,
		       size_t errlen)
{
	char *buf;
	size_t len;
	int rc = ev_read_file(path, 4096, &buf, &len, err, errlen);

	if (rc)
		return rc;
	rc = ev_pubkey_parse(buf, len, path, k, err, errlen);
	free(buf);
	return rc;
}

int ev_key_load_secret(const char *path, const char *passphrase,
		       struct ev_key *k, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open secret key: %s", path,
			 strerror(errno));
		return errno == ELOOP ? EV_EPERM : EV_EIO;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(errno));
		close(fd);
		return EV_EIO;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: secret key permissions %04o are too "
			 "open (group/other may read it); refusing it: run "
			 "chmod 600 %s", path, (unsigned)(st.st_mode & 07777),
			 path);
		close(fd);
		return EV_EPERM;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: secret key is owned by uid %u, not "
			 "by this daemon's user (uid %u); refusing it", path,
			 (unsigned)st.st_uid, (unsigned)geteuid());
		close(fd);
		return EV_EPERM;
	}
	rc = read_fd(fd, path, 4096, &buf, &len, err, errlen);
	close(fd);
	if (rc)
		return rc;
	rc = ev_seckey_parse(buf, len, path, passphrase, k, err, errlen);
	sodium_memzero(buf, len);
	free(buf);
	return rc;
}

static int write_new(const char *path, const char *data, size_t len,
		     mode_t mode, bool force, char *err, size_t errlen)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		    (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, mode);
	size_t off = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s%s", path,
			 strerror(errno),
			 errno == EEXIST ? " (use --force to overwrite)" : "");
		return EV_EIO;
	}
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(path);
	return errno == ENOSPC ? EV_ENOSPC : EV_EIO;
}

int ev_key_save(const struct ev_key *k, const char *pubpath,
		const char *secpath, const char *passphrase, bool force,
		char *err, size_t errlen)
{
	char sbuf[512], pbuf[256];
	size_t sl, pl;
	int rc;

	if (ev_seckey_encode(k, passphrase, sbuf, sizeof sbuf, &sl) != 0 ||
	    ev_pubkey_encode(k, pbuf, sizeof pbuf, &pl) != 0) {
		snprintf(err, errlen, "key encoding failed");
		return EV_EINVAL;
	}
	rc = write_new(secpath, sbuf, sl, 0600, force, err, errlen);
	sodium_memzero(sbuf, sizeof sbuf);
	if (rc)
		return rc;
	rc = write_new(pubpath, pbuf, pl, 0644, force, err, errlen);
	if (rc)
		unlink(secpath);
	return rc;
}
