/* SPDX-License-Identifier: MIT */
/*
 * verify.c - the court-prep checks behind anpr-verify, per record: syntax
 * and signature, its place in the chain (name = chain_seq, prev_hash =
 * SHA-256 of its predecessor), the images' SHA-256, each checkpoint's
 * count and Merkle root, key rotations. Problems are collected, not fatal:
 * the report names each one with its record, file and reason.
 *
 * Long file: one record's checks (syntax, signature, chain place, images,
 * checkpoint, rotation) share the report they fill; the walk over a
 * directory and over a bundle, the anchor and the ledger are files of
 * their own (verify_*.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* Names and messages come from the files examined: a file name holding
 * terminal escape sequences must not rewrite the report (a fake "RESULT:
 * OK" printed over "RESULT: FAILED"), nor a record's raw bytes reach the
 * terminal. Anything but printable ASCII becomes \xNN, and '\\' becomes
 * "\\\\", so the text stays unambiguous. */
void ev_safe_text(char *dst, size_t cap, const char *src)
{
	size_t o = 0;

	if (!cap)
		return;
	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		char esc[8];
		size_t l;

		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			esc[0] = (char)*p;
			l = 1;
		} else if (*p == '\\') {
			esc[0] = esc[1] = '\\';
			l = 2;
		} else {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			l = 4;
		}
		if (o + l >= cap)
			break;
		memcpy(dst + o, esc, l);
		o += l;
	}
	dst[o] = '\0';
}

const char *ev_v_disp(struct vctx *c, const char *path, char *buf,
			size_t cap)
{
	size_t n = strlen(c->real_root);

	if (n && strncmp(path, c->real_root, n) == 0) {
		snprintf(buf, cap, "%s%s", c->disp_root, path + n);
		return buf;
	}
	return path;
}

void ev_v_problem(struct vctx *c, uint64_t seq, const char *code,
		    const char *file, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void ev_v_problem(struct vctx *c, uint64_t seq, const char *code,
		    const char *file, const char *fmt, ...)
{
	struct ev_vreport *r = c->rep;
	struct ev_problem *p;
	char raw[768], d[640], msg[768];
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
	ev_safe_text(p->file, sizeof p->file,
		     file ? ev_v_disp(c, file, d, sizeof d) : "");
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* paths inside messages are shown as the user gave them, too */
	n = strlen(c->real_root);
	if (n) {
		char *at = strstr(raw, c->real_root);
		if (at) {
			*at = '\0';
			snprintf(msg, sizeof msg, "%s%s%s", raw,
				 c->disp_root, at + n);
			ev_safe_text(p->msg, sizeof p->msg, msg);
			return;
		}
	}
	ev_safe_text(p->msg, sizeof p->msg, raw);
}

void ev_v_note(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ev_v_note(struct vctx *c, const char *fmt, ...)
{
	struct ev_vreport *r = c->rep;
	char raw[640];
	va_list ap;

	if (!(r->nnotes & (r->nnotes + 1))) {
		void *q = realloc(r->notes, (2 * r->nnotes + 2) *
				  sizeof *r->notes);
		if (!q)
			return;
		r->notes = q;
	}
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	ev_safe_text(r->notes[r->nnotes++], sizeof r->notes[0], raw);
}

uint64_t ev_v_seq_name(const char *name, const char *want_sfx)
{
	uint64_t v = 0;

	for (int i = 0; i < EV_SEQ_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	return strcmp(name + EV_SEQ_DIGITS, want_sfx) == 0 ? v : 0;
}

const char *ev_v_dir(const struct vctx *c, uint32_t idx)
{
	return idx < c->rep->ndirs ? c->rep->dirs[idx] : "?";
}

struct entry *ev_v_find(struct vctx *c, uint64_t seq)
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

void ev_v_path_of(const struct vctx *c, const struct entry *e,
		  const char *sfx, char *out,
		    size_t cap)
{
	char name[48];

	ev_rec_name(e->seq, sfx, name, sizeof name);
	snprintf(out, cap, "%s/%s", ev_v_dir(c, e->dir), name);
}

const struct ev_key *ev_v_given_key(struct vctx *c, const char *id)
{
	char k[17];

	for (size_t i = 0; i < c->ngiven; i++) {
		ev_key_id(c->given[i].keynum, k);
		if (strcmp(k, id) == 0)
			return &c->given[i];
	}
	return NULL;
}

/* The key named kid among those the chain can be checked with: the one in
 * force, one the chain was signed with (an older head or an anchor may be
 * signed by a retired key), or a trusted one (--key). */
const struct ev_key *ev_v_chain_key(struct vctx *c, const char *kid)
{
	char id[17];

	if (c->have_cur) {
		ev_key_id(c->cur.keynum, id);
		if (strcmp(kid, id) == 0)
			return &c->cur;
	}
	for (size_t i = 0; i < c->nseen; i++) {
		ev_key_id(c->seen[i].keynum, id);
		if (strcmp(kid, id) == 0)
			return &c->seen[i];
	}
	return ev_v_given_key(c, kid);
}

void ev_v_key_used(struct vctx *c, const struct ev_key *k, uint64_t seq)
{
	struct ev_vreport *r = c->rep;
	char id[17];

	ev_key_id(k->keynum, id);
	if (c->nseen < sizeof c->seen / sizeof c->seen[0]) {
		size_t i = 0;

		while (i < c->nseen && memcmp(c->seen[i].keynum, k->keynum,
					      EV_KEYNUM_LEN) != 0)
			i++;
		if (i == c->nseen) {
			/* the public half only */
			struct ev_key *d = &c->seen[c->nseen++];

			memset(d, 0, sizeof *d);
			memcpy(d->keynum, k->keynum, EV_KEYNUM_LEN);
			memcpy(d->pk, k->pk, sizeof d->pk);
		}
	}
	for (size_t i = 0; i < r->nkeys; i++)
		if (strcmp(r->keys[i].id, id) == 0) {
			r->keys[i].last_seq = seq;
			return;
		}
	if (r->nkeys == sizeof r->keys / sizeof r->keys[0])
		return;
	snprintf(r->keys[r->nkeys].id, 17, "%s", id);
	ev_key_fingerprint(k, r->keys[r->nkeys].fingerprint);
	{
		size_t kl = 0;

		if (ev_pubkey_encode(k, r->keys[r->nkeys].pubkey,
				     sizeof r->keys[0].pubkey, &kl) != 0)
			r->keys[r->nkeys].pubkey[0] = '\0';
	}
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

/* A signature file's first SIG_READ_MAX bytes: minisign reads its four
 * lines (at most 1023 + 8191 bytes and two base64 lines) and ignores the
 * rest, so the rest of a longer file is not read either. */
#define SIG_READ_MAX 16384
static int read_sig(const char *path, char **out, size_t *len, char *err,
		    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *b;
	ssize_t n;
	size_t got = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return EV_EIO;
	}
	b = malloc(SIG_READ_MAX + 1);
	if (!b) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return EV_ENOMEM;
	}
	while (got < SIG_READ_MAX &&
	       (n = read(fd, b + got, SIG_READ_MAX - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: read error: %s", path,
				 strerror(errno));
			free(b);
			close(fd);
			return EV_EIO;
		}
		got += (size_t)n;
	}
	close(fd);
	b[got] = '\0';
	*out = b;
	*len = got;
	return 0;
}

/* Signature of a record (or head) file text against key k. */
bool ev_v_check_sig(struct vctx *c, uint64_t seq, const char *file,
		      const char *text, size_t len, const struct ev_key *k,
		      const char *sigpath, const char *want_tc)
{
	char *sig, err[768], tc[1024], d[640];
	size_t sl;
	int rc;

	if (read_sig(sigpath, &sig, &sl, err, sizeof err) != 0) {
		ev_v_problem(c, seq, EV_P_NO_SIGNATURE, sigpath, "%s", err);
		return false;
	}
	rc = ev_verify_sig(k, text, len, sig, sl, ev_v_disp(c, sigpath, d, sizeof d),
			   tc, sizeof tc, err, sizeof err);
	free(sig);
	if (rc) {
		ev_v_problem(c, seq, rc == EV_EKEY ? EV_P_WRONG_KEY
			: EV_P_BAD_SIGNATURE, file, "%s", err);
		return false;
	}
	if (want_tc && strcmp(tc, want_tc) != 0) {
		ev_v_problem(c, seq, EV_P_BAD_SIGNATURE, sigpath,
			"trusted comment \"%.200s\" does not describe this "
			"record (signature taken from another record?)", tc);
		return false;
	}
	return true;
}

void ev_v_check_image(struct vctx *c, const struct entry *e,
		      const char *file, enum ev_field ff, enum ev_field fh,
		      const char *sfx)
{
	const struct ev_record *r = &c->r;
	char want[48], path[1100], err[768], hex[EV_HASH_HEX + 1];
	uint8_t h[EV_HASH_LEN];

	if (strcmp(r->v[ff], EV_NONE) == 0) {
		if (strcmp(r->v[fh], EV_NONE) != 0)
			ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "%s is \"-\" "
				"but %s is not", ev_fields[ff].name,
				ev_fields[fh].name);
		return;
	}
	ev_rec_name(e->seq, sfx, want, sizeof want);
	if (strcmp(r->v[ff], want) != 0 || strcmp(r->v[fh], EV_NONE) == 0) {
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "%s is \"%s\", "
			"expected \"%s\" with a hash", ev_fields[ff].name,
			r->v[ff], want);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", ev_v_dir(c, e->dir), want);
	if (ev_sha256_file(path, h, err, sizeof err) != 0) {
		ev_v_problem(c, e->seq, EV_P_IMAGE_MISSING, path, "%s", err);
		return;
	}
	c->rep->images++;
	ev_hex(h, EV_HASH_LEN, hex);
	if (strcmp(hex, r->v[fh]) != 0)
		ev_v_problem(c, e->seq, EV_P_IMAGE_ALTERED, path,
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
		ev_v_note(c, "checkpoint %" PRIu64 ": a single record was given, "
		     "so its Merkle root over %" PRIu64 "..%" PRIu64 " is not "
		     "recomputed", e->seq, first, last);
		return;
	}
	if (last + 1 != e->seq || first > last || count == 0 ||
	    count != last - first + 1) {
		ev_v_problem(c, e->seq, EV_P_CHECKPOINT, file, "covers %" PRIu64
			"..%" PRIu64 " (count %" PRIu64 ") but must end just "
			"before itself with count = last - first + 1",
			first, last, count);
		goto next;
	}
	if (c->cp_start && first > c->cp_start) {
		/* the checkpoints before this one went to the back office
		 * with the records they covered (anpr-upload deletes whole
		 * spans from the oldest): where every record between is a
		 * ledger entry, this span starts afresh */
		bool all_uploaded = true;

		for (uint64_t s2 = c->cp_start; s2 < first && all_uploaded; s2++) {
			const struct entry *x = ev_v_find(c, s2);

			all_uploaded = x && x->uploaded;
		}
		if (all_uploaded)
			c->cp_start = first;
	}
	if (c->cp_start && first != c->cp_start) {
		ev_v_problem(c, e->seq, EV_P_CHECKPOINT, file, "covers from %"
			PRIu64 " but the previous checkpoint ended at %" PRIu64,
			first, c->cp_start - 1);
		goto next;
	}
	if (count > c->ne + 1) {
		ev_v_problem(c, e->seq, EV_P_CHECKPOINT, file, "claims %" PRIu64
			" records, more than are present", count);
		goto next;
	}
	l = malloc(count * EV_HASH_LEN);
	if (!l)
		goto next;
	for (uint64_t s = first; s <= last; s++) {
		struct entry *x = ev_v_find(c, s);
		if (!x || !x->hashed) {
			if (c->ne && s < c->e[0].seq)
				ev_v_note(c, "checkpoint %" PRIu64 ": its span "
				     "starts at %" PRIu64 ", before the first "
				     "record present; Merkle root not "
				     "recomputed", e->seq, first);
			else
				ev_v_problem(c, e->seq, EV_P_CHECKPOINT, file,
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
		ev_v_problem(c, e->seq, EV_P_CHECKPOINT, file, "Merkle root over "
			"records %" PRIu64 "..%" PRIu64 " is %s, the signed "
			"checkpoint says %s: a record in that span was "
			"altered, removed or replaced", first, last, hex,
			r->v[EV_F_MERKLE_ROOT]);
	else {
		c->rep->covered_to = e->seq;	/* the checkpoint itself too */
		/* the ledger hashes in this span are now proven */
		for (uint64_t s = first; s <= last; s++) {
			struct entry *x = ev_v_find(c, s);

			if (x && x->uploaded)
				x->confirmed = true;
		}
	}
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
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "old_key_id %s is not "
			"the signing key %s", r->v[EV_F_OLD_KEY_ID],
			r->v[EV_F_KEY_ID]);
		return;
	}
	if (ev_pubkey_from_b64(r->v[EV_F_NEW_PUBKEY], &nk, file, err,
			       sizeof err) != 0) {
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "%s", err);
		return;
	}
	ev_key_id(nk.keynum, id);
	if (strcmp(id, r->v[EV_F_NEW_KEY_ID]) != 0) {
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "new_key_id %s does "
			"not match new_public_key (key id %s)",
			r->v[EV_F_NEW_KEY_ID], id);
		return;
	}
	ev_v_path_of(c, e, EV_SUFFIX_REC EV_SUFFIX_NEWSIG, sigpath, sizeof sigpath);
	if (!ev_v_check_sig(c, e->seq, file, text, len, &nk, sigpath, tc))
		return;
	c->cur = nk;
	c->have_cur = true;
	ev_v_key_used(c, &nk, e->seq);
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
		ev_v_note(c, "no heartbeat for %" PRId64 " s before record %" PRIu64
		     " (interval %u s): was the camera down?", t - c->last_hb,
		     e->seq, c->last_hb_interval);
	if (strcmp(r->v[EV_F_EVENT], EV_EVENT_START) == 0 && c->last_hb)
		ev_v_note(c, "record %" PRIu64 ": writer restarted at %s", e->seq,
		     r->v[EV_F_TIME]);
	c->last_hb = t;
	c->last_hb_interval = iv;
}

/* What the record says about its clock: counted and noted, not failed
 * (a wrong clock is a fact to report, not tampering). */
static void check_clock(struct vctx *c, const struct entry *e)
{
	const struct ev_record *r = &c->r;
	uint64_t maxerr = ev_record_u64(r, EV_F_CLOCK_MAXERR);
	int64_t t = parse_time(r->v[EV_F_TIME]) * 1000000 +
		    atoi(r->v[EV_F_TIME] + 20);

	if (strcmp(r->v[EV_F_CLOCK_SYNCED], "0") == 0)
		c->rep->clock_unsynced++;
	if (maxerr > c->rep->clock_max_error_us)
		c->rep->clock_max_error_us = maxerr;
	/* a read's capture clock (anpr-record/3): counted per kind, so the
	 * report says how the capture times were obtained; older reads do
	 * not say */
	if (r->type == EV_READ && r->version >= 3) {
		int k = ev_capclk_parse(r->v[EV_F_CAPTURE_CLOCK]);

		if (k >= 0)
			c->rep->capclk[k]++;
		if (strcmp(r->v[EV_F_CLOCKS_DISAGREE], "1") == 0)
			c->rep->clocks_disagree++;
	} else if (r->type == EV_READ) {
		c->rep->capclk_unstated++;
	}
	/* A read's time is its vehicle's capture time, and a vehicle is
	 * recorded when it has left the view, after records made meanwhile:
	 * only the records the writer makes (heartbeats, checkpoints, key
	 * rotations) carry the time they were made, so only they must not go
	 * back in time. */
	if (r->type == EV_READ)
		return;
	if (c->last_time_us && t + 1000000 < c->last_time_us) {
		if (c->rep->time_backwards++ < 10)
			ev_v_note(c, "record %" PRIu64 ": time_utc %s is %.3f s "
				  "before the previous record's (clock "
				  "stepped back?)", e->seq, r->v[EV_F_TIME],
				  (double)(c->last_time_us - t) / 1e6);
	}
	c->last_time_us = t;
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

static void check_present_record(struct vctx *c, struct entry *e)
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
	vr.dir = e->dir;
	ev_v_path_of(c, e, EV_SUFFIX_REC, file, sizeof file);
	ev_v_path_of(c, e, EV_SUFFIX_REC EV_SUFFIX_SIG, sigpath, sizeof sigpath);
	if (e->dup) {
		ev_v_problem(c, e->seq, EV_P_DUPLICATE, file, "a second record file "
			"numbered %" PRIu64 " (another is in %s)", e->seq,
			ev_v_find(c, e->seq)
			? ev_v_dir(c, ev_v_find(c, e->seq)->dir) : "?");
		return;
	}
	if (read_file_limited(file, EV_RECORD_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, e->seq, EV_P_UNREADABLE, file, "%s", err);
		return;
	}
	c->rep->records++;
	if (ev_record_parse(text, len, ev_v_disp(c, file, want, sizeof want), r,
			    err, sizeof err) != 0) {
		char perr[768];

		/* altered after signing? say so first */
		snprintf(perr, sizeof perr, "%s", err);
		if (c->have_cur)
			ev_v_check_sig(c, e->seq, file, text, len, &c->cur,
				  sigpath, NULL);
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "%s", perr);
		free(text);
		return;
	}
	vr.type = r->type;
	e->version = r->version;
	/* the format's version never goes back along a chain: newer software
	 * continues an older one's chain (anpr-record/1 then /2), never the
	 * other way */
	prev = ev_v_find(c, e->seq - 1);
	if (e->seq > 1 && prev && prev->version > r->version)
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "%s after "
			"record %" PRIu64 " in " EV_FORMAT_PREFIX "%u: a "
			"chain's format version never goes back",
			r->v[EV_F_FORMAT], e->seq - 1, prev->version);
	else if (e->seq > 1 && prev && prev->version &&
		 prev->version < r->version)
		ev_v_note(c, "record %" PRIu64 ": %s from here on (record %"
			  PRIu64 " and before: " EV_FORMAT_PREFIX "%u; the "
			  "camera's software was upgraded)", e->seq,
			  r->v[EV_F_FORMAT], e->seq - 1, prev->version);
	/* which key: the one in force, or a trusted one at the start */
	if (!c->have_cur) {
		k = ev_v_given_key(c, r->v[EV_F_KEY_ID]);
		if (!k) {
			ev_v_problem(c, e->seq, EV_P_WRONG_KEY, file, "signed with "
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
		ev_v_problem(c, e->seq, EV_P_WRONG_KEY, file, "says key %s, but the "
			"key in force is %s%s", r->v[EV_F_KEY_ID], want,
			ev_v_given_key(c, r->v[EV_F_KEY_ID])
			? " (changed without a key-rotation record)" : "");
		free(text);
		return;
	}
	/* the name the record was signed under: a moved record (with its
	 * signature) is reported as out of place below, not as a bad sig */
	ev_rec_name(ev_record_u64(r, EV_F_CHAIN_SEQ), EV_SUFFIX_REC, name,
		    sizeof name);
	ev_trusted_comment(r->v[EV_F_FORMAT], name, r->v[EV_F_RECORD_ID],
			   ev_record_u64(r, EV_F_CHAIN_SEQ), e->hash, tc,
			   sizeof tc);
	if (ev_v_check_sig(c, e->seq, file, text, len, &c->cur, sigpath, tc))
		ev_v_key_used(c, &c->cur, e->seq);
	/* identity and place in the chain */
	if (!c->rep->camera_id[0]) {
		snprintf(c->rep->camera_id, sizeof c->rep->camera_id, "%.32s",
			 r->v[EV_F_CAMERA_ID]);
		snprintf(c->rep->chain_id, sizeof c->rep->chain_id, "%.16s",
			 r->v[EV_F_CHAIN_ID]);
	} else if (strcmp(c->rep->camera_id, r->v[EV_F_CAMERA_ID]) != 0 ||
		   strcmp(c->rep->chain_id, r->v[EV_F_CHAIN_ID]) != 0) {
		ev_v_problem(c, e->seq, EV_P_FOREIGN, file, "belongs to camera %s "
			"chain %s, not to camera %s chain %s",
			r->v[EV_F_CAMERA_ID], r->v[EV_F_CHAIN_ID],
			c->rep->camera_id, c->rep->chain_id);
	}
	snprintf(want, sizeof want, "%s-%s-%s", r->v[EV_F_CAMERA_ID],
		 r->v[EV_F_CHAIN_ID], r->v[EV_F_CHAIN_SEQ]);
	if (strcmp(want, r->v[EV_F_RECORD_ID]) != 0)
		ev_v_problem(c, e->seq, EV_P_MALFORMED, file, "record_id %s should "
			"be %s", r->v[EV_F_RECORD_ID], want);
	if (ev_record_u64(r, EV_F_CHAIN_SEQ) != e->seq) {
		uint64_t s = ev_record_u64(r, EV_F_CHAIN_SEQ);
		struct entry *o = ev_v_find(c, s);

		ev_v_problem(c, e->seq, o && o->hashed &&
			memcmp(o->hash, e->hash, EV_HASH_LEN) == 0
			? EV_P_DUPLICATE : EV_P_OUT_OF_PLACE, file,
			"file is numbered %" PRIu64 " but holds chain_seq %"
			PRIu64 "%s", e->seq, s,
			o && o->hashed && memcmp(o->hash, e->hash,
						 EV_HASH_LEN) == 0
			? ": a duplicate of that record"
			: ": records moved, reordered or inserted");
	}
	prev = ev_v_find(c, e->seq - 1);
	if (e->seq == 1) {
		if (strcmp(r->v[EV_F_PREV_HASH], EV_ZERO_HASH_HEX) != 0)
			ev_v_problem(c, e->seq, EV_P_CHAIN, file, "first record of "
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
				ev_v_problem(c, e->seq, EV_P_CHAIN, file,
					"prev_hash does not match the SHA-256 "
					"of record %" PRIu64 " (%s) but that "
					"of record %" PRIu64 ": records were "
					"reordered, moved or inserted",
					e->seq - 1, hex, other);
			else
				ev_v_problem(c, e->seq, EV_P_CHAIN, file,
					"prev_hash does not match the SHA-256 "
					"of record %" PRIu64 " (%s): that "
					"record was altered or replaced, or "
					"this one inserted", e->seq - 1, hex);
		}
	} else if (prev && !prev->hashed) {
		ev_v_note(c, "record %" PRIu64 ": its link to record %" PRIu64
			  " is not checked: that record is unreadable",
			  e->seq, e->seq - 1);
	}
	check_clock(c, e);
	switch (r->type) {
	case EV_READ:
		c->rep->reads++;
		e->plate = strcmp(r->v[EV_F_PLATE_FILE], EV_NONE) != 0;
		e->overview = strcmp(r->v[EV_F_OVERVIEW_FILE], EV_NONE) != 0;
		vr.plate = e->plate;
		vr.overview = e->overview;
		ev_v_check_image(c, e, file, EV_F_PLATE_FILE, EV_F_PLATE_HASH,
			    EV_SUFFIX_PLATE);
		ev_v_check_image(c, e, file, EV_F_OVERVIEW_FILE, EV_F_OVERVIEW_HASH,
			    EV_SUFFIX_OVERVIEW);
		break;
	case EV_HEARTBEAT:
		check_heartbeat(c, e);
		break;
	case EV_CHECKPOINT:
		check_checkpoint(c, e, file, &vr);
		break;
	case EV_KEY_ROTATION:
		e->newsig = vr.newsig = true;
		check_rotation(c, e, file, text, len, tc);
		break;
	default:
		break;
	}
	free(text);
	vr.ok = c->rep->nproblems == before;
	add_vrec(c, &vr);
}


/* A gap in chain_seq before entry idx (present or uploaded alike: a
 * ledger line does not excuse the records around it). */
static void check_gap(struct vctx *c, const struct entry *e, size_t idx)
{
	char file[1100];

	if (e->dup)
		return;
	ev_v_path_of(c, e, e->uploaded ? "" : EV_SUFFIX_REC, file,
		     sizeof file);
	if (idx > 0 && c->e[idx - 1].seq + 1 < e->seq) {
		uint64_t from = c->e[idx - 1].seq + 1;

		char which[64];

		if (from == e->seq - 1)
			snprintf(which, sizeof which, "record %" PRIu64 " is",
				 from);
		else
			snprintf(which, sizeof which, "records %" PRIu64 "..%"
				 PRIu64 " are", from, e->seq - 1);
		ev_v_problem(c, from, EV_P_MISSING, e->uploaded ? c->ledger : file,
			     "%s missing before %s %" PRIu64 " (deleted?)",
			     which, e->uploaded ? "the ledger's record"
			     : "record", e->seq);
	} else if (idx == 0 && e->seq > 1 &&
		   strcmp(c->rep->kind, "spool") == 0) {
		/* only anpr-upload deletes from a spool, and it writes every
		 * record it deletes into its ledger first */
		ev_v_problem(c, 1, EV_P_MISSING, e->uploaded ? c->ledger : file,
			     "records 1..%" PRIu64 " are missing: the spool's "
			     "chain starts at %" PRIu64 "%s", e->seq - 1,
			     e->seq, c->ledger ? ", and the upload ledger does "
			     "not account for them" : "; anpr-upload lists what "
			     "it deleted in its ledger (give it with "
			     "--uploaded)");
	} else if (idx == 0 && e->seq > 1) {
		ev_v_note(c, "the chain here starts at chain_seq %" PRIu64
			  "; its predecessor is not here, so the link before "
			  "it is not checked", e->seq);
	}
}

void ev_v_check_record(struct vctx *c, struct entry *e, size_t idx)
{
	if (strcmp(c->rep->kind, "record") != 0)
		check_gap(c, e, idx);
	if (e->uploaded)
		return;	/* its ledger hash takes part in the link and
			 * checkpoint checks of the records around it */
	check_present_record(c, e);
}
