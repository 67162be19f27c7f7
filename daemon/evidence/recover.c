/* SPDX-License-Identifier: MIT */
/*
 * recover.c - what ev_spool_open does before the first record: empty tmp/,
 * find the last committed record, remove the unacknowledged leftovers of a
 * crashed batch (files numbered after it), check that record's signature
 * and rebuild the chain state (seq, hash, checkpoint leaves) from disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/spool_int.h"
#include "evidence/readfile.h"

static bool our_suffix(const char *sfx)
{
	static const char *const known[] = {
		EV_SUFFIX_REC, EV_SUFFIX_REC EV_SUFFIX_SIG,
		EV_SUFFIX_REC EV_SUFFIX_NEWSIG, EV_SUFFIX_PLATE,
		EV_SUFFIX_OVERVIEW,
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(sfx, known[i]) == 0)
			return true;
	return false;
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static int empty_tmp(const char *dir, int tfd, char *err, size_t errlen)
{
	int fd = dup(tfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		snprintf(err, errlen, "%s/%s: cannot list: %s", dir,
			 EV_SPOOL_TMP, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EV_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (unlinkat(tfd, de->d_name, 0) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s/%s/%s: cannot remove: %s",
				 dir, EV_SPOOL_TMP, de->d_name,
				 strerror(errno));
			closedir(d);
			return EV_EIO;
		}
	}
	closedir(d);
	return 0;
}

/* Highest .rec in the shard; unlink our files numbered after it. */
static int scan_shard(const char *dir, int rfd, uint64_t shard,
		      uint64_t *last, char *err, size_t errlen)
{
	char sn[24], path[4096];
	int fd, rc;
	DIR *d;
	struct dirent *de;
	const char *sfx;
	uint64_t max = 0, seq;

	snprintf(sn, sizeof sn, "%0*" PRIu64, EV_SHARD_DIGITS, shard);
	snprintf(path, sizeof path, "%s/%s/%s", dir, EV_SPOOL_RECORDS, sn);
	/* leftovers are deleted in it: a link or a loose shard is refused */
	fd = spool_dir_open(rfd, sn, path, false, &rc, err, errlen);
	if (fd < 0)
		return rc;
	d = fdopendir(fd);
	if (!d) {
		snprintf(err, errlen, "%s: cannot list: %s", path,
			 strerror(errno));
		close(fd);
		return EV_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		seq = ev_rec_name_seq(de->d_name, &sfx);
		if (seq > max && strcmp(sfx, EV_SUFFIX_REC) == 0)
			max = seq;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		seq = ev_rec_name_seq(de->d_name, &sfx);
		if (seq > max && our_suffix(sfx) &&
		    unlinkat(dirfd(d), de->d_name, 0) != 0) {
			snprintf(err, errlen, "%s/%s/%s/%s: cannot remove "
				 "unacknowledged file: %s", dir,
				 EV_SPOOL_RECORDS, sn, de->d_name,
				 strerror(errno));
			closedir(d);
			return EV_EIO;
		}
	}
	if (max)
		fsync(dirfd(d));
	closedir(d);
	*last = max;
	return 0;
}

static int find_last(const char *dir, int rfd, uint64_t *last, char *err,
		     size_t errlen)
{
	int fd = dup(rfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	uint64_t *sh = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*last = 0;
	if (!d) {
		snprintf(err, errlen, "%s/%s: cannot list: %s", dir,
			 EV_SPOOL_RECORDS, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EV_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t v = 0;
		int i;

		for (i = 0; de->d_name[i] >= '0' && de->d_name[i] <= '9'; i++)
			v = v * 10 + (uint64_t)(de->d_name[i] - '0');
		if (i != EV_SHARD_DIGITS || de->d_name[i])
			continue;
		if (n == cap) {
			void *p = realloc(sh, (cap = cap ? 2 * cap : 64) *
					  sizeof *sh);
			if (!p) {
				rc = EV_ENOMEM;
				goto out;
			}
			sh = p;
		}
		sh[n++] = v;
	}
	if (n)
		qsort(sh, n, sizeof *sh, cmp_desc);
	for (size_t i = 0; i < n && !*last; i++) {
		rc = scan_shard(dir, rfd, sh[i], last, err, errlen);
		if (rc)
			break;
	}
out:
	if (rc == EV_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", dir);
	free(sh);
	closedir(d);
	return rc;
}

static void rec_path(const char *dir, uint64_t seq, const char *sfx,
		     char *out, size_t cap)
{
	char name[40];

	ev_rec_name(seq, sfx, name, sizeof name);
	snprintf(out, cap, "%s/%s/%0*" PRIu64 "/%s", dir, EV_SPOOL_RECORDS,
		 EV_SHARD_DIGITS, seq / EV_SHARD_SIZE, name);
}

static int load_record(const char *dir, uint64_t seq, struct ev_record *r,
		       uint8_t hash[EV_HASH_LEN], char **text, size_t *len,
		       char *err, size_t errlen)
{
	char path[4096];
	char *buf;
	size_t n;
	int rc;

	rec_path(dir, seq, EV_SUFFIX_REC, path, sizeof path);
	rc = read_file_limited(path, EV_RECORD_MAX, &buf, &n, err, errlen);
	if (rc)
		return rc;
	rc = ev_record_parse(buf, n, path, r, err, errlen);
	if (!rc && ev_record_u64(r, EV_F_CHAIN_SEQ) != seq) {
		snprintf(err, errlen, "%s: says chain_seq %s", path,
			 r->v[EV_F_CHAIN_SEQ]);
		rc = EV_EFORMAT;
	}
	if (rc) {
		free(buf);
		return rc;
	}
	ev_sha256(buf, n, hash);
	if (text) {
		*text = buf;
		*len = n;
	} else {
		free(buf);
	}
	return 0;
}

static int check_last(const char *dir, const struct ev_chain *c,
		      uint64_t seq, const struct ev_record *r,
		      const char *text, size_t len, char *err, size_t errlen)
{
	char id[17], path[4096], *sig;
	const char *sfx = EV_SUFFIX_REC EV_SUFFIX_SIG;
	size_t sl;
	int rc;

	if (strcmp(r->v[EV_F_CAMERA_ID], c->site.camera_id) != 0) {
		snprintf(err, errlen, "%s: spool belongs to camera %s, not %s",
			 dir, r->v[EV_F_CAMERA_ID], c->site.camera_id);
		return EV_EINVAL;
	}
	ev_key_id(c->key.keynum, id);
	if (strcmp(r->v[EV_F_KEY_ID], id) != 0) {
		if (r->type != EV_KEY_ROTATION ||
		    strcmp(r->v[EV_F_NEW_KEY_ID], id) != 0) {
			snprintf(err, errlen, "%s: the chain was last signed by "
				 "key %s, the configured key is %s (rotate "
				 "keys with a key-rotation record)", dir,
				 r->v[EV_F_KEY_ID], id);
			return EV_EKEY;
		}
		sfx = EV_SUFFIX_REC EV_SUFFIX_NEWSIG;
	}
	rec_path(dir, seq, sfx, path, sizeof path);
	rc = read_file_limited(path, 4096, &sig, &sl, err, errlen);
	if (rc)
		return rc;
	rc = ev_verify_sig(&c->key, text, len, sig, sl, path, NULL, 0, err,
			   errlen);
	free(sig);
	if (rc) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, "; refusing to extend a damaged "
			 "chain (check it with anpr-verify)");
	}
	return rc;
}

/* The two newest head-SEQ files (only a complete pair counts). */
static void find_heads(int dfd, uint64_t *max, uint64_t *second)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t pl = strlen(EV_SPOOL_HEAD);

	*max = *second = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *sfx;
		char sig[64];
		uint64_t v;

		if (strncmp(de->d_name, EV_SPOOL_HEAD, pl) != 0)
			continue;
		v = ev_rec_name_seq(de->d_name + pl, &sfx);
		snprintf(sig, sizeof sig, "%.40s%s", de->d_name, EV_SUFFIX_SIG);
		if (!v || *sfx != '\0' || faccessat(dfd, sig, F_OK, 0) != 0)
			continue;
		if (v > *max) {
			*second = *max;
			*max = v;
		} else if (v > *second && v != *max) {
			*second = v;
		}
	}
	closedir(d);
}

/* Atomically write NAME in the spool root if it differs. */
static int put_file(const char *dir, int dfd, int tfd, const char *name,
		    const char *data, size_t len, char *err, size_t errlen)
{
	char old[512];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd >= 0) {
		n = read(fd, old, sizeof old);
		close(fd);
		if (n == (ssize_t)len && memcmp(old, data, len) == 0)
			return 0;
	}
	fd = openat(tfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) != 0 ||
	    close(fd) != 0 || renameat(tfd, name, dfd, name) != 0 ||
	    fsync(dfd) != 0) {
		int e = errno;
		snprintf(err, errlen, "%s/%s: cannot write: %s", dir, name,
			 strerror(e));
		return e == ENOSPC ? EV_ENOSPC : EV_EIO;
	}
	return 0;
}

static int put_pubkeys(const char *dir, int dfd, int tfd,
		       const struct ev_key *k, char *err, size_t errlen)
{
	char text[256], id[17], name[64];
	size_t len;
	int rc;

	ev_pubkey_encode(k, text, sizeof text, &len);
	ev_key_id(k->keynum, id);
	snprintf(name, sizeof name, "public-%s.key", id);
	rc = put_file(dir, dfd, tfd, name, text, len, err, errlen);
	if (!rc)
		rc = put_file(dir, dfd, tfd, EV_SPOOL_PUBKEY, text, len, err,
			      errlen);
	return rc;
}

int spool_recover(struct ev_spool *s, int dfd, int rfd, int tfd, char *err,
		  size_t errlen)
{
	const char *dir = spool_dir(s);
	struct ev_chain *c = spool_chain(s);
	struct ev_record *r = malloc(sizeof *r);
	uint8_t (*hs)[EV_HASH_LEN] = NULL, h[EV_HASH_LEN];
	uint64_t last = 0, seq;
	size_t nh = 0, len;
	char *text = NULL;
	int rc;

	if (!r) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return EV_ENOMEM;
	}
	rc = empty_tmp(dir, tfd, err, errlen);	/* tfd: checked, no link */
	if (!rc)
		rc = find_last(dir, rfd, &last, err, errlen);
	if (!rc)
		rc = put_pubkeys(dir, dfd, tfd, &c->key, err, errlen);
	if (rc || last == 0)
		goto out;
	rc = load_record(dir, last, r, c->last_hash, &text, &len, err, errlen);
	if (!rc)
		rc = check_last(dir, c, last, r, text, len, err, errlen);
	if (rc)
		goto out;
	memcpy(c->chain_id, r->v[EV_F_CHAIN_ID], 16);	/* HEX16: checked */
	c->chain_id[16] = '\0';
	c->last_seq = last;
	c->cp_first = last + 1;
	/* leaves of the open checkpoint span: walk back to a checkpoint */
	for (seq = last; seq >= 1; seq--) {
		if (seq != last) {
			rc = load_record(dir, seq, r, h, NULL, NULL, err,
					 errlen);
			if (rc) {
				size_t n = strlen(err);
				snprintf(err + n, errlen - n, " (record %" PRIu64
					 " of the open checkpoint span)", seq);
				goto out;
			}
		} else {
			memcpy(h, c->last_hash, EV_HASH_LEN);
		}
		if (r->type == EV_CHECKPOINT)
			break;
		if (!(nh & (nh + 1))) {
			void *p = realloc(hs, (2 * nh + 2) * EV_HASH_LEN);
			if (!p) {
				rc = EV_ENOMEM;
				snprintf(err, errlen, "%s: out of memory", dir);
				goto out;
			}
			hs = p;
		}
		memcpy(hs[nh++], h, EV_HASH_LEN);
		c->cp_first = seq;
	}
	for (size_t i = nh; i-- > 0;) {
		rc = ev_chain_add_leaf(c, hs[i]);
		if (rc) {
			snprintf(err, errlen, "%s: out of memory", dir);
			goto out;
		}
	}
out:
	if (!rc) {
		uint64_t h1, h2;

		find_heads(dfd, &h1, &h2);
		spool_set_recovered(s, last, h1, h2);
	}
	free(text);
	free(hs);
	free(r);
	return rc;
}
