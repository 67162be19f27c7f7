/* SPDX-License-Identifier: MIT */
/*
 * verify_files.c - what may be in a spool or an evidence bundle. Only the
 * files the writer (or anpr-verify --export) makes, and of a record only
 * the files its signed text names: an image beside a heartbeat, a second
 * signature on a record that is no key rotation, a stray script or a
 * symbolic link are not evidence and must not pass as such (an export
 * would otherwise carry them, with SHA256SUMS lines of their own).
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evidence/verify_int.h"
#include "evidence/readfile.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

bool ev_v_shard_name(const struct vctx *c, const char *name)
{
	(void)c;
	if (strlen(name) != EV_SHARD_DIGITS)
		return false;
	return strspn(name, "0123456789") == EV_SHARD_DIGITS;
}

int ev_v_add_other(struct vctx *c, const char *dir, const char *name,
		   unsigned mode)
{
	struct other_file *o;
	uint32_t d;

	if (ev_v_dir_index(c, dir, &d) != 0)
		return EV_ENOMEM;
	if (!(c->nother & (c->nother + 1))) {
		void *p = realloc(c->other, (2 * c->nother + 2) * sizeof *o);

		if (!p)
			return EV_ENOMEM;
		c->other = p;
	}
	o = &c->other[c->nother++];
	o->dir = d;
	o->mode = mode;
	snprintf(o->name, sizeof o->name, "%s", name);
	return 0;
}

static const char *what_is(unsigned mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISREG(mode))
		return "a file";
	return "a special file";
}

/* A record's file other than the record itself: which kind, or NULL. */
static const char *const rec_suffixes[] = {
	EV_SUFFIX_REC EV_SUFFIX_NEWSIG,	/* before .rec.minisig: longer */
	EV_SUFFIX_REC EV_SUFFIX_SIG,
	EV_SUFFIX_PLATE,
	EV_SUFFIX_OVERVIEW,
};

static bool named_by(const struct entry *e, size_t kind)
{
	switch (kind) {
	case 0: return e->newsig;
	case 1: return true;
	case 2: return e->plate;
	default: return e->overview;
	}
}

static void check_other(struct vctx *c, const struct other_file *o)
{
	bool spool = strcmp(c->rep->kind, "spool") == 0;
	char path[1100];
	uint64_t seq = 0;
	size_t k;
	const struct entry *e;

	snprintf(path, sizeof path, "%s/%s", ev_v_dir(c, o->dir), o->name);
	if (!S_ISREG(o->mode)) {
		ev_v_problem(c, 0, EV_P_EXTRA, path, "is %s: the chain's "
			     "directories hold only regular files of records",
			     what_is(o->mode));
		return;
	}
	for (k = 0; k < sizeof rec_suffixes / sizeof rec_suffixes[0]; k++) {
		seq = ev_v_seq_name(o->name, rec_suffixes[k]);
		if (seq)
			break;
	}
	if (!seq) {
		ev_v_problem(c, 0, EV_P_EXTRA, path, "not a file of the chain "
			     "(records, their signatures and images only): "
			     "not signed, not evidence");
		return;
	}
	e = ev_v_find(c, seq);
	if (e && e->uploaded) {
		ev_v_note(c, "%s: left over from a deletion by anpr-upload "
			  "(its record was uploaded); not part of the "
			  "evidence", path);
		return;
	}
	if (!e) {
		if (spool && seq > c->rep->last_seq)
			ev_v_note(c, "%s: left over from an interrupted commit "
				  "(after the last record); the writer removes "
				  "it when it next starts", path);
		else
			ev_v_problem(c, seq, EV_P_EXTRA, path, "a %s without "
				     "its record %" PRIu64 ": not signed, not "
				     "evidence", k < 2 ? "signature" : "image",
				     seq);
		return;
	}
	if (e->dir != o->dir)
		ev_v_problem(c, seq, EV_P_EXTRA, path, "record %" PRIu64 " is "
			     "in %s, not here", seq, ev_v_dir(c, e->dir));
	else if (!named_by(e, k) && e->type >= 0)
		ev_v_problem(c, seq, EV_P_EXTRA, path, "record %" PRIu64 " "
			     "names no such file (%s): not signed, not "
			     "evidence", seq, k == 0 ? "it is no key rotation"
			     : "its image fields say none");
}

/* A public-KEYID.key: a key the chain was signed with, and that key. */
static void check_key_file(struct vctx *c, const char *path,
			   const char *name, bool current)
{
	struct ev_key k;
	char *buf, err[768], id[17];
	size_t len;

	if (read_file_limited(path, 4096, &buf, &len, err, sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_UNREADABLE, path, "%s", err);
		return;
	}
	if (ev_pubkey_parse(buf, len, path, &k, err, sizeof err) != 0) {
		free(buf);
		ev_v_problem(c, 0, EV_P_EXTRA, path, "%s", err);
		return;
	}
	free(buf);
	ev_key_id(k.keynum, id);
	if (!current && strncmp(name + 7, id, 16) != 0) {
		ev_v_problem(c, 0, EV_P_EXTRA, path, "holds key %s, not the "
			     "key its name says", id);
		return;
	}
	for (size_t i = 0; i < c->nseen; i++)
		if (memcmp(c->seen[i].keynum, k.keynum, EV_KEYNUM_LEN) == 0) {
			if (memcmp(c->seen[i].pk, k.pk, sizeof k.pk) != 0)
				ev_v_problem(c, 0, EV_P_EXTRA, path, "key %s "
					"here is not the key %s that signed the "
					"records", id, id);
			return;
		}
	if (strcmp(c->rep->kind, "disclosure") == 0 && !ev_v_given_key(c, id))
		/* a disclosure's records are checked with the given keys
		 * only: the record it signed was refused (wrong-key) */
		ev_v_problem(c, 0, EV_P_EXTRA, path, "key %s is not a trusted "
			     "key (--key): no record here is verified with it",
			     id);
	else
		ev_v_problem(c, 0, EV_P_EXTRA, path, "key %s signed no record "
			     "here", id);
}

static bool root_name_ok(struct vctx *c, const char *root, const char *name,
			 unsigned mode)
{
	bool spool = strcmp(c->rep->kind, "spool") == 0;
	size_t hl = strlen(EV_SPOOL_HEAD), l = strlen(name);
	char path[1100];

	snprintf(path, sizeof path, "%s/%s", root, name);
	if (S_ISDIR(mode))
		return strcmp(name, EV_SPOOL_RECORDS) == 0 ||
		       (strcmp(name, EV_DISCLOSURE_PROOFS) == 0 &&
			strcmp(c->rep->kind, "disclosure") == 0) ||
		       (spool && (strcmp(name, EV_SPOOL_TMP) == 0 ||
				  strcmp(name, "lost+found") == 0));
	if (!S_ISREG(mode))
		return false;
	if (strncmp(name, EV_SPOOL_HEAD, hl) == 0)
		return strcmp(c->rep->kind, "disclosure") != 0 &&
		       (ev_v_seq_name(name + hl, "") ||
			ev_v_seq_name(name + hl, EV_SUFFIX_SIG));
	if (spool && strcmp(name, EV_SPOOL_PUBKEY) == 0) {
		check_key_file(c, path, name, true);
		return true;
	}
	if (l == 7 + 16 + 4 && strncmp(name, "public-", 7) == 0 &&
	    strcmp(name + l - 4, ".key") == 0) {
		check_key_file(c, path, name, false);
		return true;
	}
	return !spool && (strcmp(name, EV_BUNDLE_README) == 0 ||
			  strcmp(name, EV_BUNDLE_MANIFEST) == 0 ||
			  strcmp(name, EV_BUNDLE_SUMS) == 0);
}

void ev_v_check_files(struct vctx *c, const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;

	for (size_t i = 0; i < c->nother; i++)
		check_other(c, &c->other[i]);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[1100];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", root, de->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (!root_name_ok(c, root, de->d_name, st.st_mode))
			ev_v_problem(c, 0, EV_P_EXTRA, path, "is %s that is "
				     "not part of a %s: not signed, not "
				     "evidence", what_is(st.st_mode),
				     c->rep->kind);
	}
	closedir(d);
}
