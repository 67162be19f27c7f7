/* SPDX-License-Identifier: MIT */
/*
 * keyfile.c - reading and writing key files, with the permission and
 * ownership checks of the files that hold secrets (secret key, passphrase).
 * Whatever holds a secret is read into secure memory (secmem.c), never
 * into the ordinary heap (read_fd_limited, readfile.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/evidence.h"
#include "evidence/readfile.h"

/*
 * A file that holds a secret (what: "secret key", "passphrase file") must
 * be this process's own and closed to group and others: anyone else who
 * may read it can sign as the camera, anyone who may write it can swap in
 * a key of their own.
 */
static int check_private(int fd, const char *path, const char *what,
			 char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: %s permissions %04o are too open "
			 "(group/other may %s it); refusing it: run chmod 600 "
			 "%s", path, what, (unsigned)(st.st_mode & 07777),
			 st.st_mode & 022 ? "write" : "read", path);
		return EV_EPERM;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: %s is owned by uid %u, not by this "
			 "%s user (uid %u); refusing it", path, what,
			 (unsigned)st.st_uid,
			 strcmp(what, "secret key") == 0 ? "daemon's"
							 : "process's",
			 (unsigned)geteuid());
		return EV_EPERM;
	}
	return 0;
}

/* The passphrase in buf (len bytes, secure memory) less trailing
 * newlines, into out. */
static int take_passphrase(const char *path, const char *buf, size_t len,
			   char *out, size_t cap, char *err, size_t errlen)
{
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len == 0) {
		snprintf(err, errlen, "%s: empty passphrase", path);
		return EV_EFORMAT;
	}
	if (len >= cap) {
		snprintf(err, errlen, "%s: passphrase longer than %zu bytes",
			 path, cap - 1);
		return EV_EFORMAT;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

static int read_passphrase(const char *path, bool check, char *out,
			   size_t cap, char *err, size_t errlen)
{
	/* O_NONBLOCK: not hang on a FIFO. A link is followed: the file it
	 * leads to is what must be private, and is what fstat checks. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf;
	size_t len;
	int rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open passphrase file: %s",
			 path, strerror(errno));
		return EV_EIO;
	}
	rc = check ? check_private(fd, path, "passphrase file", err, errlen)
		   : 0;
	if (!rc)
		rc = read_fd_limited(fd, path, 4096, true, &buf, &len, err, errlen);
	close(fd);
	if (rc)
		return rc;
	rc = take_passphrase(path, buf, len, out, cap, err, errlen);
	ev_secure_free(buf);
	return rc;
}

int ev_read_passphrase(const char *path, char *out, size_t cap, char *err,
		       size_t errlen)
{
	return read_passphrase(path, true, out, cap, err, errlen);
}

int ev_read_credential_passphrase(const char *path, char *out, size_t cap,
				  char *err, size_t errlen)
{
	return read_passphrase(path, false, out, cap, err, errlen);
}

int ev_key_load_public(const char *path, struct ev_key *k, char *err,
		       size_t errlen)
{
	char *buf;
	size_t len;
	int rc = read_file_limited(path, 4096, &buf, &len, err, errlen);

	if (rc)
		return rc;
	rc = ev_pubkey_parse(buf, len, path, k, err, errlen);
	free(buf);
	return rc;
}

int ev_key_load_secret(const char *path, const char *passphrase,
		       struct ev_key *k, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open secret key: %s", path,
			 strerror(errno));
		return errno == ELOOP ? EV_EPERM : EV_EIO;
	}
	rc = check_private(fd, path, "secret key", err, errlen);
	if (!rc)
		rc = read_fd_limited(fd, path, 4096, true, &buf, &len, err, errlen);
	close(fd);
	if (rc)
		return rc;
	rc = ev_seckey_parse(buf, len, path, passphrase, k, err, errlen);
	ev_secure_free(buf);
	ev_burn_stack();
	return rc;
}

/* ------------------------------------------------------- saving a pair */

/*
 * A key pair is replaced whole or not at all: everything is checked
 * first, both files are written and synced as temporary files beside
 * their targets, and only then renamed into place (docs/keys.md).
 */
struct staged_key_file {
	const char *path;	/* the target */
	char tmp[4096];		/* the temporary file beside it, or "" */
};

/* The target may be created, or (force) replaced: a file, or a link,
 * which the rename replaces (it is never written through). */
static int check_target(const char *path, bool force, char *err,
			size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)	/* its directory is checked on write */
			return 0;
		snprintf(err, errlen, "%s: cannot create: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	if (!force) {
		snprintf(err, errlen, "%s: cannot create: %s (use --force to "
			 "overwrite)", path, strerror(EEXIST));
		return EV_EIO;
	}
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file; refusing to "
			 "replace it", path);
		return EV_EINVAL;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* Write data into a new temporary file beside f->path (mode, and owner
 * uid:gid unless uid is -1), synced and closed. */
static int stage_key_file(struct staged_key_file *f, const char *data,
			  size_t len, mode_t mode, uid_t uid, gid_t gid,
			  char *err, size_t errlen)
{
	const char *slash = strrchr(f->path, '/');
	int dirlen = slash ? (int)(slash - f->path + 1) : 0;
	int n = snprintf(f->tmp, sizeof f->tmp, "%.*s.%s.XXXXXX", dirlen,
			 f->path, slash ? slash + 1 : f->path);
	int fd, e;

	if (n < 0 || (size_t)n >= sizeof f->tmp) {
		snprintf(err, errlen, "%s: path too long", f->path);
		f->tmp[0] = '\0';
		return EV_EINVAL;
	}
	fd = mkostemp(f->tmp, O_CLOEXEC);	/* mode 0600 from the start */
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", f->path,
			 strerror(errno));
		f->tmp[0] = '\0';
		return EV_EIO;
	}
	if (fchmod(fd, mode) != 0 ||
	    (uid != (uid_t)-1 && fchown(fd, uid, gid) != 0)) {
		e = errno;
		snprintf(err, errlen, "%s: cannot set %s: %s", f->path,
			 uid != (uid_t)-1 ? "its mode and owner" : "its mode",
			 strerror(e));
		close(fd);
		return EV_EIO;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "%s: write failed: %s", f->path,
			 strerror(e));
		return e == ENOSPC ? EV_ENOSPC : EV_EIO;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", f->path,
			 strerror(errno));
		return EV_EIO;
	}
	return 0;
}

/* Rename the temporary file over the target (force), or only where
 * there is none (an atomic no-clobber: a file that appeared since the
 * check is not overwritten either). */
static int place(struct staged_key_file *f, bool force, char *err,
		 size_t errlen)
{
	int rc;

	if (force)
		rc = rename(f->tmp, f->path);
	else {
		rc = renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path,
			       RENAME_NOREPLACE);
		if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* a filesystem without RENAME_NOREPLACE */
			rc = link(f->tmp, f->path);
			if (rc == 0)
				unlink(f->tmp);
		}
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot %s: %s%s", f->path,
			 force ? "replace" : "create", strerror(errno),
			 errno == EEXIST ? " (use --force to overwrite)" : "");
		return EV_EIO;
	}
	f->tmp[0] = '\0';
	return 0;
}

static void sync_dir_of(const char *path)
{
	char d[4096];
	int fd;

	snprintf(d, sizeof d, "%s", path);
	fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* After a failed rename of the secret key: the public key file as it
 * was. old: its bytes (len, mode), or NULL: there was none (had is
 * false), or it could not be kept (a link: the new one then stays, as
 * after a crash between the renames). */
static void restore_public(const char *path, bool had, const char *old,
			   size_t len, mode_t mode)
{
	struct staged_key_file f = { path, "" };
	char e[8];

	if (!had)
		unlink(path);
	if (!old)
		return;
	if (stage_key_file(&f, old, len, mode, (uid_t)-1, 0, e, sizeof e) ==
	    0)
		place(&f, true, e, sizeof e);
	if (f.tmp[0])
		unlink(f.tmp);
}

static int check_targets(const char *pubpath, const char *secpath,
			 bool force, char *err, size_t errlen)
{
	int rc;

	if (strcmp(pubpath, secpath) == 0) {
		snprintf(err, errlen, "%s: the public and the secret key "
			 "cannot be the same file", pubpath);
		return EV_EINVAL;
	}
	rc = check_target(secpath, force, err, errlen);
	return rc ? rc : check_target(pubpath, force, err, errlen);
}

int ev_key_save(const struct ev_key *k, const char *pubpath,
		const char *secpath, const char *passphrase, bool force,
		const struct ev_key_owner *owner, char *err, size_t errlen)
{
	struct staged_key_file pub = { pubpath, "" }, sec = { secpath, "" };
	char pbuf[256], *sbuf = ev_secure_alloc(512), *old = NULL, e[256];
	size_t sl = 0, pl, oldlen = 0;
	struct stat st;
	mode_t oldmode = 0644;
	bool had_pub = false;
	int rc;

	if (!sbuf) {
		snprintf(err, errlen, "%s: out of memory", secpath);
		return EV_ENOMEM;
	}
	rc = check_targets(pubpath, secpath, force, err, errlen);
	if (!rc && (ev_seckey_encode(k, passphrase, sbuf, 512, &sl) != 0 ||
		    ev_pubkey_encode(k, pbuf, sizeof pbuf, &pl) != 0)) {
		snprintf(err, errlen, "%s: key encoding failed", secpath);
		rc = EV_EINVAL;
	}
	if (!rc)
		rc = stage_key_file(&sec, sbuf, sl, 0600,
				    owner ? owner->uid : (uid_t)-1,
				    owner ? owner->gid : 0, err, errlen);
	ev_secure_free(sbuf);
	ev_burn_stack();
	if (!rc)
		rc = stage_key_file(&pub, pbuf, pl, 0644, (uid_t)-1, 0, err,
				    errlen);
	/* what to put back if the secret key's rename fails */
	if (!rc && lstat(pubpath, &st) == 0) {
		had_pub = true;
		if (S_ISREG(st.st_mode) &&
		    read_file_limited(pubpath, 4096, &old, &oldlen, e, sizeof e) == 0)
			oldmode = st.st_mode & 07777;
	}
	/* The secret key last: until then the old one, which the daemon
	 * signs with and its chain knows, is untouched. A crash between the
	 * renames leaves the new public key beside the old secret key; the
	 * other order could lose the old secret key for good. */
	if (!rc)
		rc = place(&pub, force, err, errlen);
	if (!rc) {
		rc = place(&sec, force, err, errlen);
		if (rc)
			restore_public(pubpath, had_pub, old, oldlen, oldmode);
	}
	if (!rc) {
		sync_dir_of(pubpath);
		sync_dir_of(secpath);
	}
	if (sec.tmp[0])
		unlink(sec.tmp);
	if (pub.tmp[0])
		unlink(pub.tmp);
	free(old);
	return rc;
}
