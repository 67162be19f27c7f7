/* SPDX-License-Identifier: MIT */
/*
 * verify_path.c - what anpr-verify is pointed at: a spool or an unpacked
 * bundle (records/ with or without shards), a .tar bundle (unpacked into
 * a scratch directory), or one record; the collection of the records in
 * chain order, and the signed head against a truncated tail.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "verify_int.h"

/* Report strings are bounded buffers: a very long path is cut, by design. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* The index of dir in the report's table of directories (few: shards). */
static int dir_index(struct vctx *c, const char *dir, uint32_t *idx)
{
	struct ev_vreport *r = c->rep;

	for (size_t i = r->ndirs; i-- > 0;)
		if (strcmp(r->dirs[i], dir) == 0) {
			*idx = (uint32_t)i;
			return 0;
		}
	if (!(r->ndirs & (r->ndirs + 1))) {
		void *p = realloc(r->dirs, (2 * r->ndirs + 2) * sizeof *r->dirs);
		if (!p)
			return EV_ENOMEM;
		r->dirs = p;
	}
	snprintf(r->dirs[r->ndirs], sizeof r->dirs[0], "%s", dir);
	*idx = (uint32_t)r->ndirs++;
	return 0;
}

static int add_entry(struct vctx *c, uint64_t seq, const char *dir)
{
	uint32_t d;

	if (dir_index(c, dir, &d) != 0)
		return EV_ENOMEM;
	if (c->ne == c->cape) {
		size_t n = c->cape ? 2 * c->cape : 256;
		void *p = realloc(c->e, n * sizeof *c->e);
		if (!p)
			return EV_ENOMEM;
		c->e = p;
		c->cape = n;
	}
	memset(&c->e[c->ne], 0, sizeof c->e[0]);
	c->e[c->ne].seq = seq;
	c->e[c->ne].dir = d;
	c->ne++;
	return 0;
}

/* Collect NAME.rec files of dir, and of its sub-directories (shards). */
static int collect(struct vctx *c, const char *dir, int depth, char *err,
		   size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "%s: cannot list: %s", dir,
			 strerror(errno));
		return EV_EIO;
	}
	while (!rc && (de = readdir(d)) != NULL) {
		char sub[1024];
		uint64_t seq;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
		seq = ev_v_seq_name(de->d_name, EV_SUFFIX_REC);
		if (seq) {
			rc = add_entry(c, seq, dir);
			continue;
		}
		if (depth == 0 && stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rc = collect(c, sub, 1, err, errlen);
	}
	closedir(d);
	if (rc == EV_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", dir);
	return rc;
}

static int cmp_entry(const void *a, const void *b, void *ctx)
{
	const struct entry *x = a, *y = b;
	const struct vctx *c = ctx;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(ev_v_dir(c, x->dir), ev_v_dir(c, y->dir));
}

static void check_head(struct vctx *c, const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	uint64_t max = 0, seq;
	size_t pl = strlen(EV_SPOOL_HEAD);
	char path[1100], sigpath[1200], *text, err[768], hex[EV_HASH_HEX + 1];
	char chain[32] = "", rh[80] = "", kid[32] = "", fmt[32] = "";
	unsigned long long hseq = 0;
	const struct ev_key *k = NULL;
	struct entry *e;
	size_t len;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, EV_SPOOL_HEAD, pl) != 0)
			continue;
		seq = ev_v_seq_name(de->d_name + pl, "");
		snprintf(path, sizeof path, "%s/%s%s", root, de->d_name,
			 EV_SUFFIX_SIG);
		if (seq > max && access(path, F_OK) == 0)
			max = seq;
	}
	closedir(d);
	if (!max) {
		if (strcmp(c->rep->kind, "spool") == 0)
			ev_v_note(c, "no signed head: removal of records from the "
			     "tail cannot be detected here");
		return;
	}
	snprintf(path, sizeof path, "%s/%s%0*" PRIu64, root, EV_SPOOL_HEAD,
		 EV_SEQ_DIGITS, max);
	snprintf(sigpath, sizeof sigpath, "%s%s", path, EV_SUFFIX_SIG);
	if (ev_read_file(path, 1024, &text, &len, err, sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_HEAD, path, "%s", err);
		return;
	}
	if (sscanf(text, "format=%31[^\n]\nchain_id=%31[^\n]\nchain_seq=%llu\n"
		   "record_hash=%79[^\n]\nkey_id=%31[^\n]\n", fmt, chain, &hseq,
		   rh, kid) != 5 || strcmp(fmt, EV_HEAD_FORMAT) != 0 ||
	    hseq != max) {
		ev_v_problem(c, 0, EV_P_HEAD, path, "not a valid %s file",
			EV_HEAD_FORMAT);
		free(text);
		return;
	}
	ev_key_id(c->cur.keynum, err);
	if (c->have_cur && strcmp(kid, err) == 0)
		k = &c->cur;
	else
		k = ev_v_given_key(c, kid);
	if (!k) {
		if (hseq > c->rep->last_seq)
			ev_v_problem(c, c->rep->last_seq + 1, EV_P_TRUNCATED, path,
				"a head says the chain reached record %llu, "
				"the last record present is %" PRIu64 "; it is "
				"signed by key %s, which no record present "
				"introduces: the tail that rotated to it is "
				"missing", hseq, c->rep->last_seq, kid);
		else
			ev_v_problem(c, 0, EV_P_WRONG_KEY, path, "head signed with "
				"key %s, which is not trusted", kid);
		free(text);
		return;
	}
	if (!ev_v_check_sig(c, 0, path, text, len, k, sigpath, NULL)) {
		free(text);
		return;
	}
	free(text);
	c->rep->head_seq = max;
	if (c->rep->chain_id[0] && strcmp(chain, c->rep->chain_id) != 0) {
		ev_v_problem(c, 0, EV_P_HEAD, path, "head is for chain %s, the "
			"records for chain %s", chain, c->rep->chain_id);
		return;
	}
	if (max > c->rep->last_seq) {
		ev_v_problem(c, c->rep->last_seq + 1, EV_P_TRUNCATED, path,
			"the signed head says the chain reached record %" PRIu64
			", but the last record present is %" PRIu64 ": records "
			"%" PRIu64 "..%" PRIu64 " were removed from the tail",
			max, c->rep->last_seq, c->rep->last_seq + 1, max);
		return;
	}
	e = ev_v_find(c, max);
	if (e && e->hashed) {
		ev_hex(e->hash, EV_HASH_LEN, hex);
		if (strcmp(hex, rh) != 0)
			ev_v_problem(c, max, EV_P_HEAD, path, "record %" PRIu64
				" has SHA-256 %s, the signed head says %s",
				max, hex, rh);
	}
}

static int rm_cb(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb; (void)f; (void)w;
	return remove(p);
}

/* Records anpr-upload handed over and deleted: "seq record_id sha256
 * unix_time" per line. A record still present keeps its own file (it was
 * acknowledged but the deletion had not happened). */
static int add_uploaded(struct vctx *c, const char *rec_dir, char *err, size_t errlen)
{
	FILE *f = fopen(c->ledger, "r");
	char line[512], id[256], hex[EV_HASH_HEX + 2];
	unsigned long long seq;
	size_t n = c->ne, lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read the upload ledger: %s", c->ledger,
			 strerror(errno));
		return EV_EIO;
	}
	while (fgets(line, sizeof line, f)) {
		bool present = false;
		struct entry *e;

		lineno++;
		if (sscanf(line, "%llu %255s %65s", &seq, id, hex) != 3 || seq == 0 ||
		    strlen(hex) != EV_HASH_HEX) {
			snprintf(err, errlen, "%s:%zu: not a ledger line (seq record_id sha256 "
				 "time)", c->ledger, lineno);
			fclose(f);
			return EV_EFORMAT;
		}
		for (size_t i = 0; i < n && !present; i++)
			present = c->e[i].seq == seq;
		for (size_t i = n; i < c->ne && !present; i++)
			present = c->e[i].seq == seq;	/* listed twice: a resend */
		if (present)
			continue;
		if (add_entry(c, seq, rec_dir) != 0) {
			fclose(f);
			return EV_ENOMEM;
		}
		e = &c->e[c->ne - 1];
		if (ev_unhex(hex, e->hash, EV_HASH_LEN) != 0) {
			snprintf(err, errlen, "%s:%zu: bad SHA-256 '%s'", c->ledger, lineno, hex);
			fclose(f);
			return EV_EFORMAT;
		}
		e->hashed = true;
		e->uploaded = true;
	}
	fclose(f);
	return 0;
}

/* An uploaded record's ledger hash is vouched for by signed data only if a
 * verified checkpoint covers it or the record after it is present (its
 * signed prev_hash was compared). Anything else is reported as unconfirmed. */
static void note_unconfirmed(struct vctx *c)
{
	uint64_t first = 0, last = 0;
	size_t n = 0;

	for (size_t i = 0; i < c->ne; i++) {
		const struct entry *e = &c->e[i];
		const struct entry *next = ev_v_find(c, e->seq + 1);

		if (!e->uploaded || (next && !next->uploaded) ||
		    (e->seq <= c->rep->covered_to && e->seq > c->unconfirmed_to))
			continue;
		if (!n++)
			first = e->seq;
		last = e->seq;
	}
	if (n)
		ev_v_note(c, "%zu uploaded records (%" PRIu64 "..%" PRIu64 ") are known only "
			  "from the upload ledger: no checkpoint or present record confirms "
			  "their hashes yet", n, first, last);
}

static int verify_dir(struct vctx *c, const char *root, char *err,
		      size_t errlen)
{
	char rec[1024];
	struct stat st;
	int rc;

	snprintf(rec, sizeof rec, "%s/%s", root, EV_SPOOL_RECORDS);
	if (stat(rec, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a spool or evidence bundle (no "
			 "%s/ directory)", root, EV_SPOOL_RECORDS);
		return EV_EFORMAT;
	}
	rc = collect(c, rec, 0, err, errlen);
	if (!rc && c->ledger)
		rc = add_uploaded(c, rec, err, errlen);
	if (rc)
		return rc;
	if (c->ne)
		qsort_r(c->e, c->ne, sizeof *c->e, cmp_entry, c);
	for (size_t i = 1; i < c->ne; i++)
		if (c->e[i].seq == c->e[i - 1].seq)
			c->e[i].dup = true;
	/* pass 1: every record's hash, so links can be checked both ways */
	for (size_t i = 0; i < c->ne; i++) {
		char path[1100], *t;
		size_t n;

		if (c->e[i].dup || c->e[i].uploaded)
			continue;
		ev_v_path_of(c, &c->e[i], EV_SUFFIX_REC, path, sizeof path);
		if (ev_read_file(path, EV_RECORD_MAX, &t, &n, err,
				 errlen) == 0) {
			ev_sha256(t, n, c->e[i].hash);
			c->e[i].hashed = true;
			free(t);
		}
	}
	err[0] = '\0';
	if (c->ne == 0) {
		ev_v_problem(c, 0, EV_P_MISSING, rec, "no records at all");
		return 0;
	}
	c->rep->first_seq = c->e[0].seq;
	c->rep->last_seq = c->e[c->ne - 1].seq;
	c->cp_start = c->e[0].seq == 1 ? 1 : 0;
	for (size_t i = 0; i < c->ne; i++)
		ev_v_check_record(c, &c->e[i], i);
	check_head(c, root);
	if (c->rep->uploaded) {
		ev_v_note(c, "%zu records (%" PRIu64 "..%" PRIu64 ") were handed to the back "
			  "office and deleted; their hashes come from the upload ledger %s",
			  c->rep->uploaded, c->rep->uploaded_first, c->rep->uploaded_last,
			  c->ledger);
		note_unconfirmed(c);
	}
	if (c->rep->clock_unsynced)
		ev_v_note(c, "%zu of %zu records were made while the clock was "
			  "not synchronised (clock_synced=0); the largest "
			  "clock_maxerror_us seen is %" PRIu64,
			  c->rep->clock_unsynced, c->rep->records,
			  c->rep->clock_max_error_us);
	if (c->rep->last_seq > c->rep->covered_to &&
	    (c->rep->covered_to || c->rep->first_seq == 1))
		ev_v_note(c, "records %" PRIu64 "..%" PRIu64 " are not yet under a "
		     "checkpoint; the chain and the signed head protect them",
		     c->rep->covered_to + 1, c->rep->last_seq);
	return 0;
}

int ev_verify_path(const char *path, const struct ev_key *keys, size_t nkeys,
		   struct ev_vreport *rep, char *err, size_t errlen)
{
	return ev_verify_path_uploaded(path, keys, nkeys, NULL, rep, err, errlen);
}

int ev_verify_path_uploaded(const char *path, const struct ev_key *keys, size_t nkeys,
			    const char *ledger, struct ev_vreport *rep, char *err,
			    size_t errlen)
{
	struct vctx *c = calloc(1, sizeof *c);
	struct stat st;
	size_t pl = strlen(path);
	int rc = 0;

	memset(rep, 0, sizeof *rep);
	snprintf(rep->path, sizeof rep->path, "%s", path);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return EV_ENOMEM;
	}
	c->rep = rep;
	c->given = keys;
	c->ngiven = nkeys;
	c->ledger = ledger;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(c);
		return EV_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		char sub[1024], probe[1100];

		snprintf(sub, sizeof sub, "%s/%s", path, EV_BUNDLE_DIR);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(rep->kind, sizeof rep->kind, "bundle");
			rc = verify_dir(c, sub, err, errlen);
		} else {
			snprintf(probe, sizeof probe, "%s/%s", path,
				 EV_SPOOL_TMP);
			snprintf(rep->kind, sizeof rep->kind, "%s",
				 access(probe, F_OK) == 0 ? "spool" : "bundle");
			rc = verify_dir(c, path, err, errlen);
		}
	} else if (pl > 4 && strcmp(path + pl - 4, ".tar") == 0) {
		char tmpl[] = "/tmp/anpr-verify.XXXXXX";

		snprintf(rep->kind, sizeof rep->kind, "bundle");
		if (!mkdtemp(tmpl)) {
			snprintf(err, errlen, "cannot make a temporary "
				 "directory: %s", strerror(errno));
			rc = EV_EIO;
		} else {
			rc = ev_tar_extract(path, tmpl, err, errlen);
			if (!rc) {
				snprintf(c->real_root, sizeof c->real_root,
					 "%s", tmpl);
				snprintf(c->disp_root, sizeof c->disp_root,
					 "%s:", path);
				char sub[1024];
				snprintf(sub, sizeof sub, "%s/%s", tmpl,
					 EV_BUNDLE_DIR);
				rc = verify_dir(c, sub, err, errlen);
				if (rc && strstr(err, tmpl)) {
					snprintf(err, errlen, "%s: not an "
						 "evidence bundle (no %s/%s/)",
						 path, EV_BUNDLE_DIR,
						 EV_SPOOL_RECORDS);
				}
			}
			nftw(tmpl, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
		}
	} else if (S_ISREG(st.st_mode)) {
		char dir[512], *slash;
		uint64_t seq;

		snprintf(rep->kind, sizeof rep->kind, "record");
		snprintf(dir, sizeof dir, "%s", path);
		slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			seq = ev_v_seq_name(slash + 1, EV_SUFFIX_REC);
		} else {
			snprintf(dir, sizeof dir, ".");
			seq = ev_v_seq_name(path, EV_SUFFIX_REC);
		}
		if (!seq) {
			snprintf(err, errlen, "%s: not a record file (expected "
				 "a name like 000000000042.rec)", path);
			rc = EV_EFORMAT;
		} else if (add_entry(c, seq, dir) != 0) {
			rc = EV_ENOMEM;
		} else {
			char t[1100], *b;
			size_t n;

			ev_v_path_of(c, &c->e[0], EV_SUFFIX_REC, t, sizeof t);
			if (ev_read_file(t, EV_RECORD_MAX, &b, &n, err,
					 errlen) == 0) {
				ev_sha256(b, n, c->e[0].hash);
				c->e[0].hashed = true;
				free(b);
			}
			rep->first_seq = rep->last_seq = seq;
			ev_v_check_record(c, &c->e[0], 0);
		}
	} else {
		snprintf(err, errlen, "%s: not a directory, a .tar bundle or a "
			 "record file", path);
		rc = EV_EINVAL;
	}
	free(c->e);
	free(c);
	return rc;
}

void ev_vreport_free(struct ev_vreport *rep)
{
	free(rep->dirs);
	free(rep->problems);
	free(rep->notes);
	free(rep->recs);
	memset(rep, 0, sizeof *rep);
}

const struct ev_problem *ev_vreport_first(const struct ev_vreport *rep)
{
	const struct ev_problem *best = NULL;

	for (size_t i = 0; i < rep->nproblems; i++) {
		const struct ev_problem *p = &rep->problems[i];
		uint64_t s = p->seq ? p->seq : UINT64_MAX;
		if (!best || s < (best->seq ? best->seq : UINT64_MAX))
			best = p;
	}
	return best;
}

