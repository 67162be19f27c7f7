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

#include "evidence/verify_int.h"
#include "evidence/readfile.h"

/* Report strings are bounded buffers: a very long path is cut, by design. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* The index of dir in the report's table of directories (few: shards). */
int ev_v_dir_index(struct vctx *c, const char *dir, uint32_t *idx)
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

int ev_v_add_entry(struct vctx *c, uint64_t seq, const char *dir)
{
	uint32_t d;

	if (ev_v_dir_index(c, dir, &d) != 0)
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
	c->e[c->ne].type = -1;
	c->ne++;
	return 0;
}

/* Collect NAME.rec files of dir, and of its sub-directories (shards);
 * every other name is kept for verify_files.c, which says whether the
 * writer could have put it there. Links and special files are never
 * followed: the writer makes none. */
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

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
		if (lstat(sub, &st) != 0) {
			ev_v_problem(c, 0, EV_P_UNREADABLE, sub, "cannot stat: %s",
				     strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth == 0 &&
		    ev_v_shard_name(c, de->d_name)) {
			rc = collect(c, sub, 1, err, errlen);
			continue;
		}
		seq = ev_v_seq_name(de->d_name, EV_SUFFIX_REC);
		if (seq) {
			/* a FIFO or device is reported unreadable when read;
			 * a link is reported by verify_files.c as well */
			rc = ev_v_add_entry(c, seq, dir);
			if (!rc && S_ISLNK(st.st_mode))
				rc = ev_v_add_other(c, dir, de->d_name,
						    st.st_mode);
			continue;
		}
		rc = ev_v_add_other(c, dir, de->d_name, st.st_mode);
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

#define HEADS_MAX 64

struct head_file {
	uint64_t seq;
	bool text, sig;
};

/* A head file's text, canonical (exactly the lines of docs/record-format.md
 * "The signed head"), in either format; anchor files are read with it too.
 * 0, or -1 when it is not a head. */
int ev_v_parse_head(const char *text, size_t len, struct ev_v_head *h)
{
	char chain[32] = "", rh[80] = "", kid[32] = "", fmt[32] = "";
	char canon[512];
	unsigned long long hseq = 0, pseq = 0;
	int n;

	memset(h, 0, sizeof *h);
	n = sscanf(text, "format=%31[^\n]\nchain_id=%31[^\n]\nchain_seq=%llu\n"
		   "record_hash=%79[^\n]\nkey_id=%31[^\n]\nprev_head_seq=%llu\n",
		   fmt, chain, &hseq, rh, kid, &pseq);
	h->v1 = strcmp(fmt, EV_HEAD_FORMAT_V1) == 0;
	if (h->v1 && n >= 5)
		snprintf(canon, sizeof canon, "format=%s\nchain_id=%s\n"
			 "chain_seq=%llu\nrecord_hash=%s\nkey_id=%s\n", fmt,
			 chain, hseq, rh, kid);
	else
		snprintf(canon, sizeof canon, "format=%s\nchain_id=%s\n"
			 "chain_seq=%llu\nrecord_hash=%s\nkey_id=%s\n"
			 "prev_head_seq=%llu\n", fmt, chain, hseq, rh, kid,
			 pseq);
	if (n < (h->v1 ? 5 : 6) || (!h->v1 && strcmp(fmt, EV_HEAD_FORMAT) != 0) ||
	    strlen(canon) != len || memcmp(canon, text, len) != 0 ||
	    ev_value_check(EV_K_HASH, rh) || ev_value_check(EV_K_HEX16, chain))
		return -1;
	snprintf(h->chain_id, sizeof h->chain_id, "%s", chain);
	snprintf(h->record_hash, sizeof h->record_hash, "%s", rh);
	snprintf(h->key_id, sizeof h->key_id, "%s", kid);
	h->seq = hseq;
	h->prev_head_seq = h->v1 ? UINT64_MAX : pseq;
	return 0;
}

/* One signed head pair: canonical text, signature (trusted comment too),
 * chain and the hash of the record it names. *prev: its prev_head_seq, or
 * UINT64_MAX for the older format that has none. */
static bool check_one_head(struct vctx *c, const char *root, uint64_t seq,
			   uint64_t *prev)
{
	char path[1100], sigpath[1200], *text, err[768], hex[EV_HASH_HEX + 1];
	char tc[512], name[48];
	struct ev_v_head h;
	const struct ev_key *k;
	struct entry *e;
	size_t len;

	*prev = UINT64_MAX;
	snprintf(name, sizeof name, "%s%0*" PRIu64, EV_SPOOL_HEAD,
		 EV_SEQ_DIGITS, seq);
	snprintf(path, sizeof path, "%s/%s", root, name);
	snprintf(sigpath, sizeof sigpath, "%s%s", path, EV_SUFFIX_SIG);
	if (read_file_limited(path, 1024, &text, &len, err, sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_HEAD, path, "%s", err);
		return false;
	}
	if (ev_v_parse_head(text, len, &h) != 0 || h.seq != seq) {
		ev_v_problem(c, 0, EV_P_HEAD, path, "not a valid %s file",
			     EV_HEAD_FORMAT);
		free(text);
		return false;
	}
	k = ev_v_chain_key(c, h.key_id);
	if (!k) {
		if (seq > c->rep->last_seq)
			ev_v_problem(c, c->rep->last_seq + 1, EV_P_TRUNCATED,
				path, "a head says the chain reached record "
				"%" PRIu64 ", the last record present is %" PRIu64
				"; it is signed by key %s, which no record "
				"present introduces: the tail that rotated to "
				"it is missing", h.seq, c->rep->last_seq, h.key_id);
		else
			ev_v_problem(c, 0, EV_P_WRONG_KEY, path, "head signed "
				     "with key %s, which is not trusted", h.key_id);
		free(text);
		return false;
	}
	snprintf(tc, sizeof tc, "%s file:%s chain_seq:%" PRIu64
		 " record_hash:%s", h.v1 ? EV_HEAD_FORMAT_V1 : EV_HEAD_FORMAT,
		 name, h.seq, h.record_hash);
	if (!ev_v_check_sig(c, 0, path, text, len, k, sigpath, tc)) {
		free(text);
		return false;
	}
	free(text);
	if (c->rep->chain_id[0] && strcmp(h.chain_id, c->rep->chain_id) != 0) {
		ev_v_problem(c, 0, EV_P_HEAD, path, "head is for chain %s, the "
			"records for chain %s", h.chain_id, c->rep->chain_id);
		return false;
	}
	if (seq > c->rep->last_seq) {
		ev_v_problem(c, c->rep->last_seq + 1, EV_P_TRUNCATED, path,
			"the signed head says the chain reached record %" PRIu64
			", but the last record present is %" PRIu64 ": records "
			"%" PRIu64 "..%" PRIu64 " were removed from the tail",
			seq, c->rep->last_seq, c->rep->last_seq + 1, seq);
		return false;
	}
	e = ev_v_find(c, seq);
	if (e && e->hashed) {
		ev_hex(e->hash, EV_HASH_LEN, hex);
		if (strcmp(hex, h.record_hash) != 0) {
			ev_v_problem(c, seq, EV_P_HEAD, path, "record %" PRIu64
				" has SHA-256 %s, the signed head says %s",
				seq, hex, h.record_hash);
			return false;
		}
	}
	*prev = h.prev_head_seq;
	return true;
}

/* The head-SEQ files of root: which have their text, which a signature. */
static size_t list_heads(const char *root, struct head_file *h, size_t max,
			 bool *too_many)
{
	DIR *d = opendir(root);
	struct dirent *de;
	size_t pl = strlen(EV_SPOOL_HEAD), n = 0;

	*too_many = false;
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		uint64_t seq;
		bool sig = false;
		size_t i;

		if (strncmp(de->d_name, EV_SPOOL_HEAD, pl) != 0)
			continue;
		seq = ev_v_seq_name(de->d_name + pl, "");
		if (!seq) {
			seq = ev_v_seq_name(de->d_name + pl, EV_SUFFIX_SIG);
			sig = true;
		}
		if (!seq)
			continue;	/* not a head name: check_root_files */
		for (i = 0; i < n && h[i].seq != seq; i++)
			;
		if (i == n) {
			if (n == max) {
				*too_many = true;
				continue;
			}
			h[n++] = (struct head_file){ .seq = seq };
		}
		if (sig)
			h[i].sig = true;
		else
			h[i].text = true;
	}
	closedir(d);
	return n;
}

/* The signed heads against a truncated tail. A spool's writer publishes a
 * head's signature before the head and removes a head before its
 * signature, and keeps the head its newest head names as prev_head_seq:
 * so an unsigned head, or a newest head whose predecessor is gone, is not
 * its doing (docs/record-format.md, "The signed head"). */
static void check_head(struct vctx *c, const char *root)
{
	struct head_file h[HEADS_MAX];
	bool spool = strcmp(c->rep->kind, "spool") == 0, too_many;
	size_t n = list_heads(root, h, HEADS_MAX, &too_many);
	uint64_t max = 0, prev;
	char path[1100];

	if (too_many)
		ev_v_problem(c, 0, EV_P_HEAD, root, "more than %d head files: "
			     "not the writer's doing", HEADS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (h[i].text && !h[i].sig) {
			snprintf(path, sizeof path, "%s/%s%0*" PRIu64, root,
				 EV_SPOOL_HEAD, EV_SEQ_DIGITS, h[i].seq);
			ev_v_problem(c, 0, EV_P_HEAD, path, "a head without "
				"its signature: the writer publishes a head's "
				"signature first and removes it last, so the "
				"signature was deleted");
		}
		if (h[i].text && h[i].sig && h[i].seq > max)
			max = h[i].seq;
	}
	if (!max) {
		if (spool)
			ev_v_problem(c, 0, EV_P_HEAD, root, "no signed head: "
				"the writer publishes one with every commit "
				"(only a crash in the chain's very first "
				"commit leaves none, until anprd restarts), "
				"so the heads were removed and records may "
				"have been removed from the tail");
		return;
	}
	if (!check_one_head(c, root, max, &prev))
		return;
	c->rep->head_seq = max;
	for (size_t i = 0; i < n; i++)
		if (h[i].text && h[i].sig && h[i].seq != max) {
			uint64_t unused;

			check_one_head(c, root, h[i].seq, &unused);
		}
	if (!spool)
		return;
	if (prev == UINT64_MAX) {
		ev_v_note(c, "the newest head is in the older format %s, "
			  "which does not name the head before it",
			  EV_HEAD_FORMAT_V1);
		return;
	}
	if (prev >= max) {
		ev_v_problem(c, 0, EV_P_HEAD, root, "head %" PRIu64 " names "
			     "head %" PRIu64 " as the one before it", max, prev);
		return;
	}
	for (size_t i = 0; prev && i < n; i++)
		if (h[i].seq == prev && h[i].text && h[i].sig)
			return;
	if (prev)
		ev_v_problem(c, max + 1, EV_P_TRUNCATED, root, "the newest "
			"head (record %" PRIu64 ") names head %" PRIu64 " as "
			"the one published before it, which the writer keeps "
			"until it publishes the next head: it is gone, so a "
			"newer head was removed, and with it perhaps records "
			"after %" PRIu64, max, prev, max);
}

static int rm_cb(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb; (void)f; (void)w;
	return remove(p);
}

static void sort_entries(struct vctx *c)
{
	if (c->ne)
		qsort_r(c->e, c->ne, sizeof *c->e, cmp_entry, c);
	for (size_t i = 1; i < c->ne; i++)
		c->e[i].dup = c->e[i].seq == c->e[i - 1].seq;
}

/* A present record's hash, type and chain, before the checks proper. */
static void first_look(struct vctx *c, struct entry *e)
{
	char path[1100], *t, err[512];
	size_t n;

	if (e->uploaded)
		return;
	ev_v_path_of(c, e, EV_SUFFIX_REC, path, sizeof path);
	if (read_file_limited(path, EV_RECORD_MAX, &t, &n, err, sizeof err) != 0)
		return;
	ev_sha256(t, n, e->hash);
	e->hashed = true;
	if (ev_record_parse(t, n, path, &c->r, err, sizeof err) == 0) {
		e->type = (int)c->r.type;
		/* the newest record's chain is the spool's (an inserted
		 * foreign record is the checks' business) */
		snprintf(c->chain_id, sizeof c->chain_id, "%s",
				 c->r.v[EV_F_CHAIN_ID]);
	}
	free(t);
}

static int verify_dir(struct vctx *c, const char *root, char *err,
		      size_t errlen)
{
	char rec[1024];
	struct stat st;
	int rc;

	snprintf(c->rep->root, sizeof c->rep->root, "%s", root);
	snprintf(rec, sizeof rec, "%s/%s", root, EV_SPOOL_RECORDS);
	if (stat(rec, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a spool or evidence bundle (no "
			 "%s/ directory)", root, EV_SPOOL_RECORDS);
		return EV_EFORMAT;
	}
	/* a disclosure holds single records and their proofs, not a run of
	 * the chain: its own checks, none of the chain's */
	if (strcmp(c->rep->kind, "bundle") == 0 && ev_v_is_disclosure(root)) {
		snprintf(c->rep->kind, sizeof c->rep->kind, "disclosure");
		ev_v_check_disclosure(c, root);
		return 0;
	}
	rc = collect(c, rec, 0, err, errlen);
	if (rc)
		return rc;
	sort_entries(c);
	/* pass 1: every record's hash, so links can be checked both ways,
	 * and its type (the ledger check needs the newest checkpoint) */
	for (size_t i = 0; i < c->ne; i++)
		if (!c->e[i].dup)
			first_look(c, &c->e[i]);
	err[0] = '\0';
	if (c->ledger && c->ne) {
		rc = ev_v_merge_ledger(c, rec, err, errlen);
		if (rc)
			return rc;
		sort_entries(c);
	}
	if (c->ne == 0) {
		ev_v_problem(c, 0, EV_P_MISSING, rec, "no records at all");
		return 0;
	}
	c->rep->first_seq = c->e[0].seq;
	for (size_t i = c->ne; i-- > 0;)
		if (!c->e[i].uploaded) {
			c->rep->last_seq = c->e[i].seq;
			break;
		}
	c->cp_start = c->e[0].seq == 1 ? 1 : 0;
	for (size_t i = 0; i < c->ne; i++)
		ev_v_check_record(c, &c->e[i], i);
	check_head(c, root);
	if (c->anchor)
		ev_v_check_anchor(c);
	ev_v_check_files(c, root);
	if (strcmp(c->rep->kind, "bundle") == 0)
		ev_v_check_bundle(c, root);
	if (c->ledger)
		ev_v_note_uploaded(c);
	if (c->rep->clock_unsynced)
		ev_v_note(c, "%zu of %zu records were made while the clock was "
			  "not synchronised (clock_synced=0); the largest "
			  "clock_maxerror_us seen is %" PRIu64,
			  c->rep->clock_unsynced, c->rep->records,
			  c->rep->clock_max_error_us);
	if (c->rep->clocks_disagree)
		ev_v_note(c, "%zu read%s made while the camera's clock and the "
			  "host's disagreed (clocks_disagree=1): %s time_utc "
			  "is the frame's arrival, not the camera's time",
			  c->rep->clocks_disagree,
			  c->rep->clocks_disagree == 1 ? " was" : "s were",
			  c->rep->clocks_disagree == 1 ? "its" : "their");
	if (c->rep->last_seq > c->rep->covered_to &&
	    (c->rep->covered_to || c->rep->first_seq == 1))
		ev_v_note(c, "records %" PRIu64 "..%" PRIu64 " are not yet under a "
			  "checkpoint: each is linked to the one before it%s",
			  c->rep->covered_to + 1, c->rep->last_seq,
			  c->rep->head_seq ? ", and the signed head bounds "
			  "the chain" : "");
	if (strcmp(c->rep->kind, "spool") == 0 && !c->rep->anchor_seq)
		ev_v_note(c, "what a spool alone cannot show: that it was not "
			  "rolled back whole to an earlier copy of itself "
			  "(records and heads together); --anchor with the "
			  "newest record of this chain the back office holds "
			  "can");
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
	struct ev_vopts o = { .ledger = ledger };

	return ev_verify_path_opts(path, keys, nkeys, &o, rep, err, errlen);
}

int ev_verify_path_opts(const char *path, const struct ev_key *keys,
			size_t nkeys, const struct ev_vopts *opts,
			struct ev_vreport *rep, char *err, size_t errlen)
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
	c->ledger = opts ? opts->ledger : NULL;
	c->anchor = opts ? opts->anchor : NULL;
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
			/* an unpacked bundle has its manifest; anything
			 * else is a spool (or a copy of one) */
			snprintf(probe, sizeof probe, "%s/%s", path,
				 EV_BUNDLE_MANIFEST);
			snprintf(rep->kind, sizeof rep->kind, "%s",
				 access(probe, F_OK) == 0 ? "bundle" : "spool");
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
		} else if (ev_v_add_entry(c, seq, dir) != 0) {
			rc = EV_ENOMEM;
		} else {
			char t[1100], *b;
			size_t n;

			ev_v_path_of(c, &c->e[0], EV_SUFFIX_REC, t, sizeof t);
			if (read_file_limited(t, EV_RECORD_MAX, &b, &n, err,
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
	free(c->other);
	free(c);
	return rc;
}

void ev_vreport_free(struct ev_vreport *rep)
{
	free(rep->dirs);
	free(rep->problems);
	free(rep->notes);
	free(rep->recs);
	free(rep->disc);
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

