/* SPDX-License-Identifier: MIT */
/*
 * verify_disclose.c - a disclosure bundle (EV_DISCLOSURE_FORMAT): the
 * records asked for, each with an inclusion proof against the signed
 * checkpoint covering it, and nothing else of the chain. What it can
 * prove: each record was signed by a trusted key, is the record at its
 * chain_seq of its camera's chain (the leaf at that position under the
 * checkpoint's signed Merkle root), and its images are the ones it names.
 * What it cannot: the records between (not disclosed), so the chain's
 * continuity between the disclosed records, and anything after the
 * checkpoint. The report says both (notes), so nobody reads more into an
 * OK than it holds.
 *
 * Every key must be given (--key): a disclosure carries no key rotation
 * records, so the chain of keys cannot be followed inside it.
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

#define DISC_TEXT_MAX	(1u << 20)	/* MANIFEST, a proof */
#define DISC_MAX	100000		/* record files in one disclosure */

/* One record file of the bundle. */
struct drec {
	uint64_t seq;
	bool sig, plate, overview, proof;	/* files present beside it */
	bool tried;		/* read_record ran (once: its problems once) */
	bool read_ok;		/* parsed, signature verified */
	bool used_cp;		/* a proof names it as its checkpoint */
	bool disclosed;		/* the manifest lists it */
	uint64_t man_cp;	/* ... under this checkpoint */
	bool man_is_cp;		/* the manifest lists it as a checkpoint */
	uint8_t hash[EV_HASH_LEN];
	struct ev_record *r;	/* when read_ok */
	char key_id[17];
};

struct dctx {
	struct vctx *c;
	const char *root;
	char recdir[1100], proofdir[1100];
	struct drec *d;
	size_t nd, capd;
	uint64_t *proofs;	/* seqs with a .proof */
	size_t np, capp;
	char camera[EV_CAMERA_ID_MAX + 1], chain[17];	/* the manifest's */
};

bool ev_v_is_disclosure(const char *root)
{
	char path[1100], *text, err[256];
	size_t len;
	bool yes;

	snprintf(path, sizeof path, "%s/%s", root, EV_BUNDLE_MANIFEST);
	if (read_file_limited(path, DISC_TEXT_MAX, &text, &len, err,
			 sizeof err) != 0)
		return false;
	yes = strncmp(text, "format=" EV_DISCLOSURE_FORMAT "\n",
		      strlen("format=" EV_DISCLOSURE_FORMAT "\n")) == 0;
	free(text);
	return yes;
}

static struct drec *find(struct dctx *x, uint64_t seq)
{
	for (size_t i = 0; i < x->nd; i++)
		if (x->d[i].seq == seq)
			return &x->d[i];
	return NULL;
}

static struct drec *add(struct dctx *x, uint64_t seq)
{
	struct drec *r = find(x, seq);

	if (r)
		return r;
	if (x->nd == DISC_MAX)
		return NULL;
	if (x->nd == x->capd) {
		size_t n = x->capd ? 2 * x->capd : 64;
		void *p = realloc(x->d, n * sizeof *x->d);

		if (!p)
			return NULL;
		x->d = p;
		x->capd = n;
	}
	r = &x->d[x->nd++];
	memset(r, 0, sizeof *r);
	r->seq = seq;
	return r;
}

/* records/ and proofs/: every name is one the exporter makes. */
static void list_dirs(struct dctx *x)
{
	struct vctx *c = x->c;
	static const char *const sfx[] = {
		EV_SUFFIX_REC, EV_SUFFIX_REC EV_SUFFIX_SIG, EV_SUFFIX_PLATE,
		EV_SUFFIX_OVERVIEW,
	};
	DIR *d = opendir(x->recdir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		char path[1400];
		struct stat st;
		uint64_t seq = 0;
		size_t k;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", x->recdir, de->d_name);
		for (k = 0; k < 4 && !seq; k++)
			seq = ev_v_seq_name(de->d_name, sfx[k]);
		if (!seq || lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			ev_v_problem(c, seq, EV_P_EXTRA, path, "not a file a "
				     "disclosure holds (a record, its signature "
				     "or its images): not signed, not evidence");
			continue;
		}
		struct drec *r = add(x, seq);
		if (!r) {
			ev_v_problem(c, seq, EV_P_EXTRA, path, "too many "
				     "records (at most %d)", DISC_MAX);
			break;
		}
		switch (k - 1) {
		case 0: break;
		case 1: r->sig = true; break;
		case 2: r->plate = true; break;
		default: r->overview = true; break;
		}
	}
	if (d)
		closedir(d);
	else
		ev_v_problem(c, 0, EV_P_MISSING, x->recdir, "a disclosure "
			     "without its records/ directory");
	d = opendir(x->proofdir);
	while (d && (de = readdir(d)) != NULL) {
		char path[1400];
		struct stat st;
		uint64_t seq;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", x->proofdir, de->d_name);
		seq = ev_v_seq_name(de->d_name, EV_SUFFIX_PROOF);
		if (!seq || lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			ev_v_problem(c, seq, EV_P_EXTRA, path, "not an "
				     "inclusion proof file (NNNNNNNNNNNN%s)",
				     EV_SUFFIX_PROOF);
			continue;
		}
		if (x->np == x->capp) {
			size_t n = x->capp ? 2 * x->capp : 64;
			void *p = realloc(x->proofs, n * sizeof *x->proofs);

			if (!p)
				break;
			x->proofs = p;
			x->capp = n;
		}
		x->proofs[x->np++] = seq;
	}
	if (d)
		closedir(d);
	else
		ev_v_problem(c, 0, EV_P_MISSING, x->proofdir, "a disclosure "
			     "without its %s/ directory", EV_DISCLOSURE_PROOFS);
}

/* A record file: read, hashed, parsed, signed by a trusted key under the
 * name and hash its signature's trusted comment gives, of the bundle's
 * camera and chain. */
static bool read_record(struct dctx *x, struct drec *r)
{
	struct vctx *c = x->c;
	char file[1400], sigpath[1400], err[768], name[48], tc[512], d[640];
	char *text;
	size_t len;
	const struct ev_key *k;
	bool ok = false;

	if (r->tried)
		return r->read_ok;
	r->tried = true;
	ev_rec_name(r->seq, EV_SUFFIX_REC, name, sizeof name);
	snprintf(file, sizeof file, "%s/%s", x->recdir, name);
	snprintf(sigpath, sizeof sigpath, "%s%s", file, EV_SUFFIX_SIG);
	if (read_file_limited(file, EV_RECORD_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, r->seq, EV_P_MISSING, file, "%s", err);
		return false;
	}
	ev_sha256(text, len, r->hash);
	r->r = calloc(1, sizeof *r->r);
	if (!r->r)
		goto out;
	if (ev_record_parse(text, len, ev_v_disp(c, file, d, sizeof d), r->r,
			    err, sizeof err) != 0) {
		ev_v_problem(c, r->seq, EV_P_MALFORMED, file, "%s", err);
		goto out;
	}
	snprintf(r->key_id, sizeof r->key_id, "%s", r->r->v[EV_F_KEY_ID]);
	k = ev_v_given_key(c, r->r->v[EV_F_KEY_ID]);
	if (!k) {
		ev_v_problem(c, r->seq, EV_P_WRONG_KEY, file, "signed with key "
			     "%s, which is not a trusted key (--key): a "
			     "disclosure holds no key rotation records, so "
			     "every key that signed it must be given",
			     r->r->v[EV_F_KEY_ID]);
		goto out;
	}
	ev_trusted_comment(r->r->v[EV_F_FORMAT], name,
			   r->r->v[EV_F_RECORD_ID],
			   ev_record_u64(r->r, EV_F_CHAIN_SEQ), r->hash, tc,
			   sizeof tc);
	if (!ev_v_check_sig(c, r->seq, file, text, len, k, sigpath, tc))
		goto out;
	ev_v_key_used(c, k, r->seq);
	if (ev_record_u64(r->r, EV_F_CHAIN_SEQ) != r->seq) {
		ev_v_problem(c, r->seq, EV_P_OUT_OF_PLACE, file, "file is "
			     "numbered %" PRIu64 " but holds chain_seq %s",
			     r->seq, r->r->v[EV_F_CHAIN_SEQ]);
		goto out;
	}
	snprintf(d, sizeof d, "%s-%s-%s", r->r->v[EV_F_CAMERA_ID],
		 r->r->v[EV_F_CHAIN_ID], r->r->v[EV_F_CHAIN_SEQ]);
	if (strcmp(d, r->r->v[EV_F_RECORD_ID]) != 0) {
		ev_v_problem(c, r->seq, EV_P_MALFORMED, file, "record_id %s "
			     "should be %s", r->r->v[EV_F_RECORD_ID], d);
		goto out;
	}
	if (!c->rep->camera_id[0]) {
		snprintf(c->rep->camera_id, sizeof c->rep->camera_id, "%.32s",
			 r->r->v[EV_F_CAMERA_ID]);
		snprintf(c->rep->chain_id, sizeof c->rep->chain_id, "%.16s",
			 r->r->v[EV_F_CHAIN_ID]);
	}
	if (strcmp(c->rep->camera_id, r->r->v[EV_F_CAMERA_ID]) != 0 ||
	    strcmp(c->rep->chain_id, r->r->v[EV_F_CHAIN_ID]) != 0) {
		ev_v_problem(c, r->seq, EV_P_FOREIGN, file, "belongs to camera "
			     "%s chain %s, not to camera %s chain %s",
			     r->r->v[EV_F_CAMERA_ID], r->r->v[EV_F_CHAIN_ID],
			     c->rep->camera_id, c->rep->chain_id);
		goto out;
	}
	c->rep->records++;
	ok = true;
out:
	free(text);
	r->read_ok = ok;
	return ok;
}

/* A disclosed record's images: the ones it names, and no others. */
static void check_images(struct dctx *x, struct drec *r)
{
	struct vctx *c = x->c;
	char file[1400], name[48];
	bool plate = false, overview = false;

	ev_rec_name(r->seq, EV_SUFFIX_REC, name, sizeof name);
	snprintf(file, sizeof file, "%s/%s", x->recdir, name);
	if (r->r->type == EV_READ) {
		struct entry *e;

		if (ev_v_add_entry(c, r->seq, x->recdir) != 0)
			return;
		e = &c->e[c->ne - 1];
		c->r = *r->r;
		ev_v_check_image(c, e, file, EV_F_PLATE_FILE, EV_F_PLATE_HASH,
				 EV_SUFFIX_PLATE);
		ev_v_check_image(c, e, file, EV_F_OVERVIEW_FILE,
				 EV_F_OVERVIEW_HASH, EV_SUFFIX_OVERVIEW);
		plate = strcmp(r->r->v[EV_F_PLATE_FILE], EV_NONE) != 0;
		overview = strcmp(r->r->v[EV_F_OVERVIEW_FILE], EV_NONE) != 0;
	}
	for (int i = 0; i < 2; i++) {
		bool have = i ? r->overview : r->plate;
		bool named = i ? overview : plate;

		if (have && !named) {
			ev_rec_name(r->seq, i ? EV_SUFFIX_OVERVIEW
				    : EV_SUFFIX_PLATE, name, sizeof name);
			snprintf(file, sizeof file, "%s/%s", x->recdir, name);
			ev_v_problem(c, r->seq, EV_P_EXTRA, file, "record %"
				     PRIu64 " names no such image: not signed, "
				     "not evidence", r->seq);
		}
	}
}

static void add_disc(struct vctx *c, const struct ev_vdisc *v)
{
	struct ev_vreport *rep = c->rep;

	if (!(rep->ndisc & (rep->ndisc + 1))) {
		void *q = realloc(rep->disc, (2 * rep->ndisc + 2) * sizeof *v);

		if (!q)
			return;
		rep->disc = q;
	}
	rep->disc[rep->ndisc++] = *v;
}

static int cmp_seq(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One proofs/SEQ.proof: the record, its images, its checkpoint, the
 * proof between them. */
static void check_proof(struct dctx *x, uint64_t seq)
{
	struct vctx *c = x->c;
	struct ev_vdisc v;
	struct ev_proof *p = NULL;
	struct drec *r = find(x, seq), *cp = NULL;
	char path[1400], *text = NULL, err[768], why[768], d[640];
	size_t len, before = c->rep->nproblems;
	bool parsed = true, proven = false;

	memset(&v, 0, sizeof v);
	v.seq = seq;
	snprintf(path, sizeof path, "%s/%012" PRIu64 "%s", x->proofdir, seq,
		 EV_SUFFIX_PROOF);
	if (!r) {
		ev_v_problem(c, seq, EV_P_MISSING, path, "the proof of record "
			     "%" PRIu64 ", which is not in the bundle", seq);
		return;
	}
	/* the proof first: the checkpoint it names is part of the
	 * disclosure (and checked) whatever is wrong with the record */
	p = malloc(sizeof *p);
	if (!p)
		goto out;
	if (read_file_limited(path, DISC_TEXT_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, seq, EV_P_UNREADABLE, path, "%s", err);
		parsed = false;
	} else if (ev_proof_parse(text, len, ev_v_disp(c, path, d, sizeof d),
				  p, err, sizeof err) != 0) {
		ev_v_problem(c, seq, EV_P_PROOF, path, "%s", err);
		parsed = false;
	}
	cp = parsed ? find(x, p->cp_seq) : NULL;
	if (parsed && !cp)
		ev_v_problem(c, seq, EV_P_MISSING, path, "names checkpoint "
			     "record %" PRIu64 ", which is not in the bundle",
			     p->cp_seq);
	if (cp) {
		cp->used_cp = true;
		v.cp_seq = p->cp_seq;
		if (read_record(x, cp))
			snprintf(v.cp_key_id, sizeof v.cp_key_id, "%s",
				 cp->key_id);
	}
	if (!read_record(x, r))
		goto out;
	snprintf(v.type, sizeof v.type, "%s", ev_type_names[r->r->type]);
	snprintf(v.record_id, sizeof v.record_id, "%s",
		 r->r->v[EV_F_RECORD_ID]);
	snprintf(v.time_utc, sizeof v.time_utc, "%s", r->r->v[EV_F_TIME]);
	if (r->r->type == EV_READ)
		snprintf(v.vrm, sizeof v.vrm, "%s", r->r->v[EV_F_VRM]);
	if (r->r->type == EV_READ && r->r->version >= 3) {
		snprintf(v.capture_clock, sizeof v.capture_clock, "%s",
			 r->r->v[EV_F_CAPTURE_CLOCK]);
		v.clocks_disagree = strcmp(r->r->v[EV_F_CLOCKS_DISAGREE], "1") == 0;
	}
	snprintf(v.key_id, sizeof v.key_id, "%s", r->key_id);
	switch (r->r->type) {
	case EV_READ: c->rep->reads++; break;
	case EV_HEARTBEAT: c->rep->heartbeats++; break;
	case EV_CHECKPOINT: c->rep->checkpoints++; break;
	default: c->rep->rotations++; break;
	}
	check_images(x, r);
	if (!cp || !cp->read_ok)
		goto out;
	if (ev_proof_check(p, r->r, r->hash, cp->r, cp->hash, why,
			   sizeof why) != 0) {
		ev_v_problem(c, seq, EV_P_PROOF, path, "record %" PRIu64
			     " under checkpoint %" PRIu64 ": %s", seq,
			     p->cp_seq, why);
		goto out;
	}
	proven = true;
	v.cp_first = p->first_seq;
	v.cp_last = p->last_seq;
	v.index = p->index;
	v.size = p->size;
	ev_hex(p->root, EV_HASH_LEN, v.root);
	if (r->disclosed && r->man_cp != p->cp_seq)
		ev_v_problem(c, seq, EV_P_MANIFEST, path, "the manifest says "
			     "record %" PRIu64 " is under checkpoint %" PRIu64
			     ", its proof names %" PRIu64, seq, r->man_cp,
			     p->cp_seq);
	if (c->rep->covered_to < p->cp_seq)
		c->rep->covered_to = p->cp_seq;
out:
	/* a checkpoint refused for an earlier record is not reported again,
	 * but proves nothing for this one either */
	v.ok = proven && c->rep->nproblems == before;
	add_disc(c, &v);
	free(text);
	free(p);
}

/* MANIFEST.txt: format, camera_id, chain_id, then "record=SEQ
 * checkpoint=SEQ", "checkpoint=SEQ records=A..B" and "key=..." lines. */
static void read_manifest(struct dctx *x)
{
	struct vctx *c = x->c;
	char path[1100], *text, err[768], *save = NULL, *line;
	size_t len, n = 0;
	unsigned seen = 0;

	snprintf(path, sizeof path, "%s/%s", x->root, EV_BUNDLE_MANIFEST);
	if (read_file_limited(path, DISC_TEXT_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "%s", err);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		uint64_t a, b, s;
		char tail;
		struct drec *r;

		if (n == 0)
			continue;	/* the format (ev_v_is_disclosure) */
		if (!strncmp(line, "camera_id=", 10) && !(seen & 1)) {
			snprintf(x->camera, sizeof x->camera, "%s", line + 10);
			seen |= 1;
		} else if (!strncmp(line, "chain_id=", 9) && !(seen & 2)) {
			snprintf(x->chain, sizeof x->chain, "%s", line + 9);
			seen |= 2;
		} else if (sscanf(line, "record=%" SCNu64 " checkpoint=%" SCNu64
				  "%c", &s, &a, &tail) == 2 && s) {
			r = add(x, s);
			if (r) {
				r->disclosed = true;
				r->man_cp = a;
			}
		} else if (sscanf(line, "checkpoint=%" SCNu64 " records=%"
				  SCNu64 "..%" SCNu64 "%c", &s, &a, &b,
				  &tail) == 3 && s) {
			r = add(x, s);
			if (r)
				r->man_is_cp = true;
		} else if (strncmp(line, "key=", 4) != 0) {
			ev_v_problem(c, 0, EV_P_MANIFEST, path, "line %zu: not "
				     "a %s manifest line", n + 1,
				     EV_DISCLOSURE_FORMAT);
		}
	}
	free(text);
	if (seen != 3)
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "no camera_id or "
			     "chain_id line");
}

void ev_v_check_disclosure(struct vctx *c, const char *root)
{
	struct dctx x;
	size_t i;

	memset(&x, 0, sizeof x);
	x.c = c;
	x.root = root;
	snprintf(c->rep->root, sizeof c->rep->root, "%s", root);
	snprintf(x.recdir, sizeof x.recdir, "%s/%s", root, EV_SPOOL_RECORDS);
	snprintf(x.proofdir, sizeof x.proofdir, "%s/%s", root,
		 EV_DISCLOSURE_PROOFS);
	/* the manifest first: it marks the records it says are disclosed,
	 * so a file present without its proof is told apart */
	read_manifest(&x);
	list_dirs(&x);
	if (x.np)
		qsort(x.proofs, x.np, sizeof *x.proofs, cmp_seq);
	for (i = 0; i < x.np; i++) {
		struct drec *r = find(&x, x.proofs[i]);

		if (r)
			r->proof = true;
		check_proof(&x, x.proofs[i]);
	}
	for (i = 0; i < x.nd; i++) {
		struct drec *r = &x.d[i];
		char path[1400];

		snprintf(path, sizeof path, "%s/%012" PRIu64 "%s", x.recdir,
			 r->seq, EV_SUFFIX_REC);
		if (r->disclosed && !r->proof)
			ev_v_problem(c, r->seq, EV_P_MISSING, path, "the "
				     "manifest discloses record %" PRIu64 " but "
				     "the bundle has no inclusion proof for "
				     "it (taken out?)", r->seq);
		else if (r->proof && !r->disclosed)
			ev_v_problem(c, r->seq, EV_P_MANIFEST, path, "record %"
				     PRIu64 " has a proof here but the "
				     "manifest does not list it: added after "
				     "the export", r->seq);
		if (!r->proof && !r->used_cp && !r->disclosed)
			ev_v_problem(c, r->seq, EV_P_EXTRA, path, "record %"
				     PRIu64 "'s files are here with no "
				     "inclusion proof and no disclosed record "
				     "under it: not part of this disclosure",
				     r->seq);
		else if (r->used_cp && !r->man_is_cp)
			ev_v_problem(c, r->seq, EV_P_MANIFEST, path, "checkpoint "
				     "%" PRIu64 " is used by a proof but the "
				     "manifest does not list it", r->seq);
		else if (r->man_is_cp && !r->used_cp)
			ev_v_problem(c, r->seq, EV_P_MANIFEST, path, "the "
				     "manifest lists checkpoint %" PRIu64 ", "
				     "which no proof uses", r->seq);
		if ((r->proof || r->used_cp) && !r->sig && r->read_ok)
			ev_v_problem(c, r->seq, EV_P_NO_SIGNATURE, path,
				     "no signature beside it");
		/* images of a record that is only a checkpoint here */
		if (!r->proof && (r->plate || r->overview))
			ev_v_problem(c, r->seq, EV_P_EXTRA, path, "images of "
				     "record %" PRIu64 ", which is not "
				     "disclosed: not evidence here", r->seq);
	}
	/* two disclosed records next to each other in the chain: the later
	 * one's prev_hash is the earlier one's hash (both are proven at
	 * their positions, so anything else is a contradiction in what the
	 * camera signed) */
	for (i = 1; i < x.np; i++) {
		struct drec *a = find(&x, x.proofs[i - 1]);
		struct drec *b = find(&x, x.proofs[i]);
		char hex[EV_HASH_HEX + 1], path[1400];

		if (!a || !b || b->seq != a->seq + 1 || !a->read_ok ||
		    !b->read_ok)
			continue;
		ev_hex(a->hash, EV_HASH_LEN, hex);
		snprintf(path, sizeof path, "%s/%012" PRIu64 "%s", x.recdir,
			 b->seq, EV_SUFFIX_REC);
		if (strcmp(hex, b->r->v[EV_F_PREV_HASH]) != 0)
			ev_v_problem(c, b->seq, EV_P_CHAIN, path, "prev_hash "
				     "does not match the SHA-256 of record %"
				     PRIu64 " (%s), disclosed beside it",
				     a->seq, hex);
	}
	if (x.np == 0)
		ev_v_problem(c, 0, EV_P_MISSING, x.proofdir, "a disclosure "
			     "with no disclosed record");
	if (c->rep->camera_id[0] &&
	    (strcmp(x.camera, c->rep->camera_id) != 0 ||
	     strcmp(x.chain, c->rep->chain_id) != 0))
		ev_v_problem(c, 0, EV_P_MANIFEST, root, "the manifest says "
			     "camera %s chain %s, the records are camera %s "
			     "chain %s", x.camera, x.chain, c->rep->camera_id,
			     c->rep->chain_id);
	/* the bundle's own account, and that nothing else is at the top */
	ev_v_check_files(c, root);
	ev_v_check_sums(c, root);
	for (i = 0; i < c->rep->ndisc; i++) {
		uint64_t s = c->rep->disc[i].seq;

		if (!c->rep->first_seq || s < c->rep->first_seq)
			c->rep->first_seq = s;
		if (s > c->rep->last_seq)
			c->rep->last_seq = s;
	}
	if (c->rep->ndisc)
		ev_v_note(c, "a disclosure: %zu record%s of camera %s chain %s, "
			  "each proven at its position under a signed "
			  "checkpoint; the other records of those checkpoints' "
			  "spans are not disclosed, so the chain's continuity "
			  "between the disclosed records is not shown here, "
			  "and nothing is shown of the chain after the last "
			  "checkpoint (the full evidence bundle shows both)",
			  c->rep->ndisc, c->rep->ndisc == 1 ? "" : "s",
			  c->rep->camera_id, c->rep->chain_id);
	for (i = 0; i < x.nd; i++)
		free(x.d[i].r);
	free(x.d);
	free(x.proofs);
}
