/* SPDX-License-Identifier: MIT */
/*
 * verify.c - the court-prep checks behind anpr-verify: every record's
 * syntax and signature, its place in the chain (name = chain_seq, prev_hash
 * = SHA-256 of its predecessor), the images' SHA-256, each checkpoint's
 * count and Merkle root, key rotations, and the signed head against a
 * truncated tail. Problems are collected, not fatal: the report names each
 * one with its record, file and reason.
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

#include "evidence_spool.h"
#include "evidence_verify.h"

/* Report strings are bounded buffers: a very long path is cut, by design. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

struct entry {
	uint64_t seq;
	char dir[512];
	uint8_t hash[EV_HASH_LEN];
	bool hashed, dup;
};

struct vctx {
	struct ev_vreport *rep;
	const struct ev_key *given;
	size_t ngiven;
	struct ev_key cur;
	bool have_cur;
	struct entry *e;
	size_t ne, cape;
	uint64_t cp_start;		/* first seq of the open span, 0: ? */
	char real_root[512], disp_root[512];
	int64_t last_hb;		/* time of the last heartbeat, s */
	unsigned last_hb_interval;
	struct ev_record r;
};

static const char *disp(struct vctx *c, const char *path, char *buf,
			size_t cap)
{
	size_t n = strlen(c->real_root);

	if (n && strncmp(path, c->real_root, n) == 0) {
		snprintf(buf, cap, "%s%s", c->disp_root, path + n);
		return buf;
	}
	return path;
}

static void problem(struct vctx *c, uint64_t seq, const char *code,
		    const char *file, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void problem(struct vctx *c, uint64_t seq, const char *code,
		    const char *file, const char *fmt, ...)
{
	struct ev_vreport *r = c->rep;
	struct ev_problem *p;
	char raw[768], d[640];
	va_list ap;
	size_t n;

	if (!(r->nproblems & (r->nproblems + 1))) {
		void *q = realloc(r->problems,
				  (2 * r->nproblems + 2) * sizeof *p);
		if (!q)
			return;
		r->problems = q;
	}
	p = &r->problems[r->nproblems++];
	p->seq = seq;
	snprintf(p->code, sizeof p->code, "%s", code);
	snprintf(p->file, sizeof p->file, "%s",
		 file ? disp(c, file, d, sizeof d) : "");
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* paths inside messages are shown as the user gave them, too */
	n = strlen(c->real_root);
	if (n) {
		char *at = strstr(raw, c->real_root);
		if (at) {
			*at = '\0';
			snprintf(p->msg, sizeof p->msg, "%s%s%s", raw,
				 c->disp_root, at + n);
			return;
		}
	}
	snprintf(p->msg, sizeof p->msg, "%s", raw);
}

static void note(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct vctx *c, const char *fmt, ...)
{
	struct ev_vreport *r = c->rep;
	va_list ap;

	if (!(r->nnotes & (r->nnotes + 1))) {
		void *q = realloc(r->notes, (2 * r->nnotes + 2) *
				  sizeof *r->notes);
		if (!q)
			return;
		r->notes = q;
	}
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof r->notes[0], fmt, ap);
	va_end(ap);
}

static uint64_t parse_seq_name(const char *name, const char *want_sfx)
{
	uint64_t v = 0;

	for (int i = 0; i < EV_SEQ_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	return strcmp(name + EV_SEQ_DIGITS, want_sfx) == 0 ? v : 0;
}

static int add_entry(struct vctx *c, uint64_t seq, const char *dir)
{
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
	snprintf(c->e[c->ne].dir, sizeof c->e[0].dir, "%s", dir);
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
		seq = parse_seq_name(de->d_name, EV_SUFFIX_REC);
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

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->dir, y->dir);
}

static struct entry *find(struct vctx *c, uint64_t seq)
{
	size_t lo = 0, hi = c->ne;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->e[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < c->ne && c->e[lo].seq == seq && !c->e[lo].dup)
	       ? &c->e[lo] : NULL;
}

static void path_of(const struct entry *e, const char *sfx, char *out,
		    size_t cap)
{
	char name[48];

	ev_rec_name(e->seq, sfx, name, sizeof name);
	snprintf(out, cap, "%s/%s", e->dir, name);
}

static const struct ev_key *given_key(struct vctx *c, const char *id)
{
	char k[17];

	for (size_t i = 0; i < c->ngiven; i++) {
		ev_key_id(c->given[i].keynum, k);
		if (strcmp(k, id) == 0)
			return &c->given[i];
	}
	return NULL;
}

static void key_used(struct vctx *c, const struct ev_key *k, uint64_t seq)
{
	struct ev_vreport *r = c->rep;
	char id[17];

	ev_key_id(k->keynum, id);
	for (size_t i = 0; i < r->nkeys; i++)
		if (strcmp(r->keys[i].id, id) == 0) {
			r->keys[i].last_seq = seq;
			return;
		}
	if (r->nkeys == sizeof r->keys / sizeof r->keys[0])
		return;
	snprintf(r->keys[r->nkeys].id, 17, "%s", id);
	ev_key_fingerprint(k, r->keys[r->nkeys].fingerprint);
	r->keys[r->nkeys].first_seq = r->keys[r->nkeys].last_seq = seq;
	r->nkeys++;
}

static int64_t parse_time(const char *v)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (sscanf(v, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* Signature of a record (or head) file text against key k. */
static bool check_sig(struct vctx *c, uint64_t seq, const char *file,
		      const char *text, size_t len, const struct ev_key *k,
		      const char *sigpath, const char *want_tc)
{
	char *sig, err[768], tc[1024], d[640];
	size_t sl;
	int rc;

	if (ev_read_file(sigpath, 4096, &sig, &sl, err, sizeof err) != 0) {
		problem(c, seq, EV_P_NO_SIGNATURE, sigpath, "%s", err);
		return false;
	}
	rc = ev_verify_sig(k, text, len, sig, sl, disp(c, sigpath, d, sizeof d),
			   tc, sizeof tc, err, sizeof err);
	free(sig);
	if (rc) {
		problem(c, seq, rc == EV_EKEY ? EV_P_WRONG_KEY
			: EV_P_BAD_SIGNATURE, file, "%s", err);
		return false;
	}
	if (want_tc && strcmp(tc, want_tc) != 0) {
		problem(c, seq, EV_P_BAD_SIGNATURE, sigpath,
			"trusted comment \"%.200s\" does not describe this "
			"record (signature taken from another record?)", tc);
		return false;
	}
	return true;
}

static void check_image(struct vctx *c, const struct entry *e,
			const char *file, enum ev_field ff, enum ev_field fh,
			const char *sfx)
{
	const struct ev_record *r = &c->r;
	char want[48], path[1100], err[768], hex[EV_HASH_HEX + 1];
	uint8_t h[EV_HASH_LEN];

	if (strcmp(r->v[ff], EV_NONE) == 0) {
		if (strcmp(r->v[fh], EV_NONE) != 0)
			problem(c, e->seq, EV_P_MALFORMED, file, "%s is \"-\" "
				"but %s is not", ev_fields[ff].name,
				ev_fields[fh].name);
		return;
	}
	ev_rec_name(e->seq, sfx, want, sizeof want);
	if (strcmp(r->v[ff], want) != 0 || strcmp(r->v[fh], EV_NONE) == 0) {
		problem(c, e->seq, EV_P_MALFORMED, file, "%s is \"%s\", "
			"expected \"%s\" with a hash", ev_fields[ff].name,
			r->v[ff], want);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", e->dir, want);
	if (ev_sha256_file(path, h, err, sizeof err) != 0) {
		problem(c, e->seq, EV_P_IMAGE_MISSING, path, "%s", err);
		return;
	}
	c->rep->images++;
	ev_hex(h, EV_HASH_LEN, hex);
	if (strcmp(hex, r->v[fh]) != 0)
		problem(c, e->seq, EV_P_IMAGE_ALTERED, path,
			"SHA-256 is %s, the signed record says %s: the image "
			"was altered or replaced", hex, r->v[fh]);
}

static void check_checkpoint(struct vctx *c, const struct entry *e,
			     const char *file, struct ev_vrec *vr)
{
	const struct ev_record *r = &c->r;
	uint64_t first = ev_record_u64(r, EV_F_FIRST_SEQ);
	uint64_t last = ev_record_u64(r, EV_F_LAST_SEQ);
	uint64_t count = ev_record_u64(r, EV_F_CP_COUNT);
	uint8_t (*l)[EV_HASH_LEN], root[EV_HASH_LEN];
	char hex[EV_HASH_HEX + 1];

	vr->cp_first = first;
	vr->cp_last = last;
	c->rep->checkpoints++;
	if (strcmp(c->rep->kind, "record") == 0) {
		note(c, "checkpoint %" PRIu64 ": a single record was given, "
		     "so its Merkle root over %" PRIu64 "..%" PRIu64 " is not "
		     "recomputed", e->seq, first, last);
		return;
	}
	if (last + 1 != e->seq || first > last || count != last - first + 1) {
		problem(c, e->seq, EV_P_CHECKPOINT, file, "covers %" PRIu64
			"..%" PRIu64 " (count %" PRIu64 ") but must end just "
			"before itself with count = last - first + 1",
			first, last, count);
		goto next;
	}
	if (c->cp_start && first != c->cp_start) {
		problem(c, e->seq, EV_P_CHECKPOINT, file, "covers from %"
			PRIu64 " but the previous checkpoint ended at %" PRIu64,
			first, c->cp_start - 1);
		goto next;
	}
	if (count > c->ne + 1) {
		problem(c, e->seq, EV_P_CHECKPOINT, file, "claims %" PRIu64
			" records, more than are present", count);
		goto next;
	}
	l = malloc(count * EV_HASH_LEN);
	if (!l)
		goto next;
	for (uint64_t s = first; s <= last; s++) {
		struct entry *x = find(c, s);
		if (!x || !x->hashed) {
			if (c->ne && s < c->e[0].seq)
				note(c, "checkpoint %" PRIu64 ": its span "
				     "starts at %" PRIu64 ", before the first "
				     "record present; Merkle root not "
				     "recomputed", e->seq, first);
			else
				problem(c, e->seq, EV_P_CHECKPOINT, file,
					"cannot recompute the Merkle root: "
					"record %" PRIu64 " is missing or "
					"unreadable", s);
			free(l);
			goto next;
		}
		memcpy(l[s - first], x->hash, EV_HASH_LEN);
	}
	ev_merkle_root((const uint8_t (*)[EV_HASH_LEN])l, count, root);
	free(l);
	ev_hex(root, EV_HASH_LEN, hex);
	if (strcmp(hex, r->v[EV_F_MERKLE_ROOT]) != 0)
		problem(c, e->seq, EV_P_CHECKPOINT, file, "Merkle root over "
			"records %" PRIu64 "..%" PRIu64 " is %s, the signed "
			"checkpoint says %s: a record in that span was "
			"altered, removed or replaced", first, last, hex,
			r->v[EV_F_MERKLE_ROOT]);
	else
		c->rep->covered_to = e->seq;	/* the checkpoint itself too */
next:
	c->cp_start = e->seq + 1;
}

static void check_rotation(struct vctx *c, const struct entry *e,
			   const char *file, const char *text, size_t len,
			   const char *tc)
{
	const struct ev_record *r = &c->r;
	struct ev_key nk;
	char err[768], id[17], sigpath[1100];

	c->rep->rotations++;
	if (strcmp(r->v[EV_F_OLD_KEY_ID], r->v[EV_F_KEY_ID]) != 0) {
		problem(c, e->seq, EV_P_MALFORMED, file, "old_key_id %s is not "
			"the signing key %s", r->v[EV_F_OLD_KEY_ID],
			r->v[EV_F_KEY_ID]);
		return;
	}
	if (ev_pubkey_from_b64(r->v[EV_F_NEW_PUBKEY], &nk, file, err,
			       sizeof err) != 0) {
		problem(c, e->seq, EV_P_MALFORMED, file, "%s", err);
		return;
	}
	ev_key_id(nk.keynum, id);
	if (strcmp(id, r->v[EV_F_NEW_KEY_ID]) != 0) {
		problem(c, e->seq, EV_P_MALFORMED, file, "new_key_id %s does "
			"not match new_public_key (key id %s)",
			r->v[EV_F_NEW_KEY_ID], id);
		return;
	}
	path_of(e, EV_SUFFIX_REC EV_SUFFIX_NEWSIG, sigpath, sizeof sigpath);
	if (!check_sig(c, e->seq, file, text, len, &nk, sigpath, tc))
		return;
	c->cur = nk;
	c->have_cur = true;
	key_used(c, &nk, e->seq);
}

static void check_heartbeat(struct vctx *c, const struct entry *e)
{
	const struct ev_record *r = &c->r;
	int64_t t = parse_time(r->v[EV_F_TIME]);
	unsigned iv = (unsigned)ev_record_u64(r, EV_F_INTERVAL);

	c->rep->heartbeats++;
	if (c->last_hb && c->last_hb_interval &&
	    t - c->last_hb > 2 * (int64_t)c->last_hb_interval &&
	    strcmp(r->v[EV_F_EVENT], EV_EVENT_START) != 0)
		note(c, "no heartbeat for %" PRId64 " s before record %" PRIu64
		     " (interval %u s): was the camera down?", t - c->last_hb,
		     e->seq, c->last_hb_interval);
	if (strcmp(r->v[EV_F_EVENT], EV_EVENT_START) == 0 && c->last_hb)
		note(c, "record %" PRIu64 ": writer restarted at %s", e->seq,
		     r->v[EV_F_TIME]);
	c->last_hb = t;
	c->last_hb_interval = iv;
}

static void add_vrec(struct vctx *c, const struct ev_vrec *v)
{
	struct ev_vreport *r = c->rep;

	if (!(r->nrecs & (r->nrecs + 1))) {
		void *q = realloc(r->recs, (2 * r->nrecs + 2) * sizeof *v);
		if (!q)
			return;
		r->recs = q;
	}
	r->recs[r->nrecs++] = *v;
}

static void check_record(struct vctx *c, struct entry *e, size_t idx)
{
	struct ev_record *r = &c->r;
	struct ev_vrec vr;
	const struct ev_key *k;
	char file[1100], sigpath[1100], err[768], want[256], tc[512], name[48];
	char hex[EV_HASH_HEX + 1], *text;
	size_t len, before = c->rep->nproblems;
	struct entry *prev;

	memset(&vr, 0, sizeof vr);
	vr.seq = e->seq;
	snprintf(vr.dir, sizeof vr.dir, "%s", e->dir);
	path_of(e, EV_SUFFIX_REC, file, sizeof file);
	path_of(e, EV_SUFFIX_REC EV_SUFFIX_SIG, sigpath, sizeof sigpath);
	if (e->dup) {
		problem(c, e->seq, EV_P_DUPLICATE, file, "a second record file "
			"numbered %" PRIu64 " (another is in %s)", e->seq,
			find(c, e->seq) ? find(c, e->seq)->dir : "?");
		return;
	}
	if (ev_read_file(file, EV_RECORD_MAX, &text, &len, err,
			 sizeof err) != 0) {
		problem(c, e->seq, EV_P_UNREADABLE, file, "%s", err);
		return;
	}
	c->rep->records++;
	if (ev_record_parse(text, len, disp(c, file, want, sizeof want), r,
			    err, sizeof err) != 0) {
		char perr[768];

		/* altered after signing? say so first */
		snprintf(perr, sizeof perr, "%s", err);
		if (c->have_cur)
			check_sig(c, e->seq, file, text, len, &c->cur,
				  sigpath, NULL);
		problem(c, e->seq, EV_P_MALFORMED, file, "%s", perr);
		free(text);
		return;
	}
	vr.type = r->type;
	/* which key: the one in force, or a trusted one at the start */
	if (!c->have_cur) {
		k = given_key(c, r->v[EV_F_KEY_ID]);
		if (!k) {
			problem(c, e->seq, EV_P_WRONG_KEY, file, "signed with "
				"key %s, which is not a trusted key (--key)",
				r->v[EV_F_KEY_ID]);
			free(text);
			return;
		}
		c->cur = *k;
		c->have_cur = true;
	}
	ev_key_id(c->cur.keynum, want);
	if (strcmp(r->v[EV_F_KEY_ID], want) != 0) {
		problem(c, e->seq, EV_P_WRONG_KEY, file, "says key %s, but the "
			"key in force is %s%s", r->v[EV_F_KEY_ID], want,
			given_key(c, r->v[EV_F_KEY_ID])
			? " (changed without a key-rotation record)" : "");
		free(text);
		return;
	}
	/* the name the record was signed under: a moved record (with its
	 * signature) is reported as out of place below, not as a bad sig */
	ev_rec_name(ev_record_u64(r, EV_F_CHAIN_SEQ), EV_SUFFIX_REC, name,
		    sizeof name);
	ev_trusted_comment(name, r->v[EV_F_RECORD_ID],
			   ev_record_u64(r, EV_F_CHAIN_SEQ), e->hash, tc,
			   sizeof tc);
	if (check_sig(c, e->seq, file, text, len, &c->cur, sigpath, tc))
		key_used(c, &c->cur, e->seq);
	/* identity and place in the chain */
	if (!c->rep->camera_id[0]) {
		snprintf(c->rep->camera_id, sizeof c->rep->camera_id, "%.32s",
			 r->v[EV_F_CAMERA_ID]);
		snprintf(c->rep->chain_id, sizeof c->rep->chain_id, "%.16s",
			 r->v[EV_F_CHAIN_ID]);
	} else if (strcmp(c->rep->camera_id, r->v[EV_F_CAMERA_ID]) != 0 ||
		   strcmp(c->rep->chain_id, r->v[EV_F_CHAIN_ID]) != 0) {
		problem(c, e->seq, EV_P_FOREIGN, file, "belongs to camera %s "
			"chain %s, not to camera %s chain %s",
			r->v[EV_F_CAMERA_ID], r->v[EV_F_CHAIN_ID],
			c->rep->camera_id, c->rep->chain_id);
	}
	snprintf(want, sizeof want, "%s-%s-%s", r->v[EV_F_CAMERA_ID],
		 r->v[EV_F_CHAIN_ID], r->v[EV_F_CHAIN_SEQ]);
	if (strcmp(want, r->v[EV_F_RECORD_ID]) != 0)
		problem(c, e->seq, EV_P_MALFORMED, file, "record_id %s should "
			"be %s", r->v[EV_F_RECORD_ID], want);
	if (ev_record_u64(r, EV_F_CHAIN_SEQ) != e->seq) {
		uint64_t s = ev_record_u64(r, EV_F_CHAIN_SEQ);
		struct entry *o = find(c, s);

		problem(c, e->seq, o && o->hashed &&
			memcmp(o->hash, e->hash, EV_HASH_LEN) == 0
			? EV_P_DUPLICATE : EV_P_OUT_OF_PLACE, file,
			"file is numbered %" PRIu64 " but holds chain_seq %"
			PRIu64 "%s", e->seq, s,
			o && o->hashed && memcmp(o->hash, e->hash,
						 EV_HASH_LEN) == 0
			? ": a duplicate of that record"
			: ": records moved, reordered or inserted");
	}
	prev = find(c, e->seq - 1);
	if (e->seq == 1) {
		if (strcmp(r->v[EV_F_PREV_HASH], EV_ZERO_HASH_HEX) != 0)
			problem(c, e->seq, EV_P_CHAIN, file, "first record of "
				"the chain but prev_hash is not zero");
	} else if (prev && prev->hashed) {
		ev_hex(prev->hash, EV_HASH_LEN, hex);
		if (strcmp(hex, r->v[EV_F_PREV_HASH]) != 0) {
			uint8_t ph[EV_HASH_LEN];
			uint64_t other = 0;

			ev_unhex(r->v[EV_F_PREV_HASH], ph, EV_HASH_LEN);
			for (size_t i = 0; i < c->ne; i++)
				if (c->e[i].hashed && &c->e[i] != prev &&
				    !memcmp(c->e[i].hash, ph, EV_HASH_LEN))
					other = c->e[i].seq;
			if (other)
				problem(c, e->seq, EV_P_CHAIN, file,
					"prev_hash does not match the SHA-256 "
					"of record %" PRIu64 " (%s) but that "
					"of record %" PRIu64 ": records were "
					"reordered, moved or inserted",
					e->seq - 1, hex, other);
			else
				problem(c, e->seq, EV_P_CHAIN, file,
					"prev_hash does not match the SHA-256 "
					"of record %" PRIu64 " (%s): that "
					"record was altered or replaced, or "
					"this one inserted", e->seq - 1, hex);
		}
	} else if (idx > 0) {
		uint64_t from = c->e[idx - 1].seq + 1;
		problem(c, from, EV_P_MISSING, file, "records %" PRIu64 "..%"
			PRIu64 " are missing before this one (deleted?)", from,
			e->seq - 1);
	} else {
		note(c, "the records present start at chain_seq %" PRIu64
		     "; its predecessor is not here, so the link before it "
		     "is not checked", e->seq);
	}
	switch (r->type) {
	case EV_READ:
		c->rep->reads++;
		check_image(c, e, file, EV_F_PLATE_FILE, EV_F_PLATE_HASH,
			    EV_SUFFIX_PLATE);
		check_image(c, e, file, EV_F_OVERVIEW_FILE, EV_F_OVERVIEW_HASH,
			    EV_SUFFIX_OVERVIEW);
		break;
	case EV_HEARTBEAT:
		check_heartbeat(c, e);
		break;
	case EV_CHECKPOINT:
		check_checkpoint(c, e, file, &vr);
		break;
	case EV_KEY_ROTATION:
		check_rotation(c, e, file, text, len, tc);
		break;
	default:
		break;
	}
	free(text);
	vr.ok = c->rep->nproblems == before;
	add_vrec(c, &vr);
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
		seq = parse_seq_name(de->d_name + pl, "");
		snprintf(path, sizeof path, "%s/%s%s", root, de->d_name,
			 EV_SUFFIX_SIG);
		if (seq > max && access(path, F_OK) == 0)
			max = seq;
	}
	closedir(d);
	if (!max) {
		if (strcmp(c->rep->kind, "spool") == 0)
			note(c, "no signed head: removal of records from the "
			     "tail cannot be detected here");
		return;
	}
	snprintf(path, sizeof path, "%s/%s%0*" PRIu64, root, EV_SPOOL_HEAD,
		 EV_SEQ_DIGITS, max);
	snprintf(sigpath, sizeof sigpath, "%s%s", path, EV_SUFFIX_SIG);
	if (ev_read_file(path, 1024, &text, &len, err, sizeof err) != 0) {
		problem(c, 0, EV_P_HEAD, path, "%s", err);
		return;
	}
	if (sscanf(text, "format=%31[^\n]\nchain_id=%31[^\n]\nchain_seq=%llu\n"
		   "record_hash=%79[^\n]\nkey_id=%31[^\n]\n", fmt, chain, &hseq,
		   rh, kid) != 5 || strcmp(fmt, EV_HEAD_FORMAT) != 0 ||
	    hseq != max) {
		problem(c, 0, EV_P_HEAD, path, "not a valid %s file",
			EV_HEAD_FORMAT);
		free(text);
		return;
	}
	ev_key_id(c->cur.keynum, err);
	if (c->have_cur && strcmp(kid, err) == 0)
		k = &c->cur;
	else
		k = given_key(c, kid);
	if (!k) {
		if (hseq > c->rep->last_seq)
			problem(c, c->rep->last_seq + 1, EV_P_TRUNCATED, path,
				"a head says the chain reached record %llu, "
				"the last record present is %" PRIu64 "; it is "
				"signed by key %s, which no record present "
				"introduces: the tail that rotated to it is "
				"missing", hseq, c->rep->last_seq, kid);
		else
			problem(c, 0, EV_P_WRONG_KEY, path, "head signed with "
				"key %s, which is not trusted", kid);
		free(text);
		return;
	}
	if (!check_sig(c, 0, path, text, len, k, sigpath, NULL)) {
		free(text);
		return;
	}
	free(text);
	c->rep->head_seq = max;
	if (c->rep->chain_id[0] && strcmp(chain, c->rep->chain_id) != 0) {
		problem(c, 0, EV_P_HEAD, path, "head is for chain %s, the "
			"records for chain %s", chain, c->rep->chain_id);
		return;
	}
	if (max > c->rep->last_seq) {
		problem(c, c->rep->last_seq + 1, EV_P_TRUNCATED, path,
			"the signed head says the chain reached record %" PRIu64
			", but the last record present is %" PRIu64 ": records "
			"%" PRIu64 "..%" PRIu64 " were removed from the tail",
			max, c->rep->last_seq, c->rep->last_seq + 1, max);
		return;
	}
	e = find(c, max);
	if (e && e->hashed) {
		ev_hex(e->hash, EV_HASH_LEN, hex);
		if (strcmp(hex, rh) != 0)
			problem(c, max, EV_P_HEAD, path, "record %" PRIu64
				" has SHA-256 %s, the signed head says %s",
				max, hex, rh);
	}
}

static int rm_cb(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb; (void)f; (void)w;
	return remove(p);
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
	if (rc)
		return rc;
	qsort(c->e, c->ne, sizeof *c->e, cmp_entry);
	for (size_t i = 1; i < c->ne; i++)
		if (c->e[i].seq == c->e[i - 1].seq)
			c->e[i].dup = true;
	/* pass 1: every record's hash, so links can be checked both ways */
	for (size_t i = 0; i < c->ne; i++) {
		char path[1100], *t;
		size_t n;

		if (c->e[i].dup)
			continue;
		path_of(&c->e[i], EV_SUFFIX_REC, path, sizeof path);
		if (ev_read_file(path, EV_RECORD_MAX, &t, &n, err,
				 errlen) == 0) {
			ev_sha256(t, n, c->e[i].hash);
			c->e[i].hashed = true;
			free(t);
		}
	}
	err[0] = '\0';
	if (c->ne == 0) {
		problem(c, 0, EV_P_MISSING, rec, "no records at all");
		return 0;
	}
	c->rep->first_seq = c->e[0].seq;
	c->rep->last_seq = c->e[c->ne - 1].seq;
	c->cp_start = c->e[0].seq == 1 ? 1 : 0;
	for (size_t i = 0; i < c->ne; i++)
		check_record(c, &c->e[i], i);
	check_head(c, root);
	if (c->rep->last_seq > c->rep->covered_to &&
	    (c->rep->covered_to || c->rep->first_seq == 1))
		note(c, "records %" PRIu64 "..%" PRIu64 " are not yet under a "
		     "checkpoint; the chain and the signed head protect them",
		     c->rep->covered_to + 1, c->rep->last_seq);
	return 0;
}

int ev_verify_path(const char *path, const struct ev_key *keys, size_t nkeys,
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
			seq = parse_seq_name(slash + 1, EV_SUFFIX_REC);
		} else {
			snprintf(dir, sizeof dir, ".");
			seq = parse_seq_name(path, EV_SUFFIX_REC);
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

			path_of(&c->e[0], EV_SUFFIX_REC, t, sizeof t);
			if (ev_read_file(t, EV_RECORD_MAX, &b, &n, err,
					 errlen) == 0) {
				ev_sha256(b, n, c->e[0].hash);
				c->e[0].hashed = true;
				free(b);
			}
			rep->first_seq = rep->last_seq = seq;
			check_record(c, &c->e[0], 0);
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
