// SPDX-License-Identifier: MIT
/*
 * disclosure.c - the disclosure bundles of anpr-query and anpr-console:
 * only the reads asked for, each with its RFC 6962 inclusion proof
 * against the signed checkpoint that covers it (built from the checkpoint span's leaf
 * hashes, which the database gives as hashes: no other record's bytes
 * reach this program), the checkpoints as signed and the register's keys
 * that signed them. docs/access.md, section 6; docs/record-format.md.
 */
#include "tools/disclosure.h"

#include "evidence/evidence.h"
#include "evidence/evidence_format.h"
#include "evidence/evidence_spool.h"
#include "evidence/evidence_verify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bundle {
	struct ev_tar *t;
	FILE *sums;
	char *err;
	size_t errlen;
	char keys[16][17];		/* the keys that signed its records */
	size_t nkeys;
};

/* The key that signed a record going into the bundle (its key_id): only
 * those keys go in, as the verifier refuses a key that signed nothing
 * there. */
static int note_key(struct bundle *b, const char *id)
{
	for (size_t i = 0; i < b->nkeys; i++)
		if (strcmp(b->keys[i], id) == 0)
			return 0;
	if (b->nkeys == sizeof b->keys / sizeof b->keys[0]) {
		snprintf(b->err, b->errlen, "more than %zu keys signed the "
			 "records", b->nkeys);
		return -1;
	}
	snprintf(b->keys[b->nkeys++], sizeof b->keys[0], "%.16s", id);
	return 0;
}

static int add_member(struct bundle *b, const char *name, const void *data,
		      size_t len)
{
	char member[200], hex[EV_HASH_HEX + 1];
	uint8_t h[EV_HASH_LEN];

	snprintf(member, sizeof member, "%s/%s", EV_BUNDLE_DIR, name);
	ev_sha256(data, len, h);
	ev_hex(h, EV_HASH_LEN, hex);
	if (b->sums)
		fprintf(b->sums, "%s  %s\n", hex, name);
	return ev_tar_add(b->t, member, data, len, 0644, b->err, b->errlen);
}

/* An image from the content-addressed store: DAY/ab/HASH.jpg
 * (backoffice/ingest/imagestore.h: a directory or an S3 bucket), read
 * once and checked against its name; the bytes checked are the bytes
 * put in the bundle. */
static int add_image(struct bundle *b, const struct imagestore *images,
		     const struct anpr_span_rec *r, const uint8_t want[32],
		     const char *sfx)
{
	char hex[EV_HASH_HEX + 1], rel[128], name[48], member[200];
	uint8_t h[EV_HASH_LEN];
	void *data;
	size_t len;
	int rc;

	ev_hex(want, EV_HASH_LEN, hex);
	snprintf(rel, sizeof rel, "%s/%.2s/%s.jpg", r->capture_day, hex, hex);
	if (imagestore_get(images, rel, IMAGE_MAX, &data, &len, b->err, b->errlen) != 0)
		return EV_EIO;
	ev_sha256(data, len, h);
	if (memcmp(h, want, EV_HASH_LEN) != 0) {
		snprintf(b->err, b->errlen, "record %s: image %s in %s does not hold "
			 "the bytes its name says (damaged)", r->record_id, rel, images->root);
		free(data);
		return EV_EIO;
	}
	ev_rec_name(r->chain_seq, sfx, name, sizeof name);
	snprintf(member, sizeof member, "%s/%s/%s", EV_BUNDLE_DIR,
		 EV_SPOOL_RECORDS, name);
	fprintf(b->sums, "%s  %s/%s\n", hex, EV_SPOOL_RECORDS, name);
	rc = ev_tar_add(b->t, member, data, len, 0644, b->err, b->errlen);
	free(data);
	return rc;
}

static int add_record(struct bundle *b, const struct imagestore *images,
		      const struct anpr_span_rec *r)
{
	char name[48], path[80];
	int rc;

	ev_rec_name(r->chain_seq, EV_SUFFIX_REC, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", EV_SPOOL_RECORDS, name);
	rc = add_member(b, path, r->rec, r->rec_len);
	ev_rec_name(r->chain_seq, EV_SUFFIX_REC EV_SUFFIX_SIG, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", EV_SPOOL_RECORDS, name);
	if (!rc)
		rc = add_member(b, path, r->sig, r->sig_len);
	/* no rotation's second signature: a disclosure holds no chain of
	 * keys, every key is given from the register */
	if (!rc && r->has_plate)
		rc = add_image(b, images, r, r->plate_sha256, EV_SUFFIX_PLATE);
	if (!rc && r->has_overview)
		rc = add_image(b, images, r, r->overview_sha256, EV_SUFFIX_OVERVIEW);
	return rc;
}

/* A chain's part of an export: the reads the database allowed
 * (export_reads, in chain order), each with the verified checkpoint
 * covering it and that checkpoint's leaf hashes. */
struct chain_sel {
	char chain_id[17], camera_id[33];
	uint64_t first, last;		/* the selected reads' positions */
	const struct anpr_export_rec *recs;
	size_t n;
};

/* A checkpoint covering some of the reads: its record, parsed, and the
 * read of the export that brought its bytes and leaves. */
struct cover {
	uint64_t seq, first, last;
	struct ev_record r;
	const struct anpr_export_rec *src;
};

/* The checkpoint of read x, parsed and checked against what the database
 * said of it (its span, the number of leaves). */
static int cover_of(const struct anpr_export_rec *x, struct cover *cv, char *err,
		    size_t errlen)
{
	char id[80];
	int rc;

	memset(cv, 0, sizeof *cv);
	snprintf(id, sizeof id, "%s-%s-%" PRIu64, x->camera_id, x->chain_id, x->cp_seq);
	rc = ev_record_parse(x->cp_rec, x->cp_rec_len, id, &cv->r, err, errlen);
	if (rc)
		return rc;
	cv->seq = x->cp_seq;
	cv->first = ev_record_u64(&cv->r, EV_F_FIRST_SEQ);
	cv->last = ev_record_u64(&cv->r, EV_F_LAST_SEQ);
	cv->src = x;
	if (cv->r.type != EV_CHECKPOINT || cv->first != x->cp_first ||
	    cv->last != x->cp_last || !x->leaves ||
	    x->nleaves != cv->last - cv->first + 1) {
		snprintf(err, errlen, "chain %s: checkpoint %" PRIu64 " is not what the "
			 "store says it is (span %" PRIu64 "..%" PRIu64 ", %zu leaves)",
			 x->chain_id, x->cp_seq, x->cp_first, x->cp_last, x->nleaves);
		return -1;
	}
	return 0;
}

/* The reads under checkpoint cv, each with its inclusion proof computed
 * from the leaf hashes of the checkpoint's whole span (which the
 * database gives as hashes: no other record's bytes reach this program),
 * and the checkpoint record itself. */
static int add_covered(struct bundle *b, const struct imagestore *images, const struct chain_sel *c,
		       const struct cover *cv, FILE *mf)
{
	const struct anpr_export_rec *src = cv->src;
	struct ev_proof *p = malloc(sizeof *p);
	struct ev_record *rr = malloc(sizeof *rr);
	struct anpr_span_rec cp;
	uint8_t cph[EV_HASH_LEN];
	char text[8192];
	size_t len;
	int rc = 0;

	if (!p || !rr) {
		snprintf(b->err, b->errlen, "out of memory");
		rc = -1;
		goto out;
	}
	ev_sha256(src->cp_rec, src->cp_rec_len, cph);
	rc = note_key(b, cv->r.v[EV_F_KEY_ID]);
	for (size_t i = 0; !rc && i < c->n; i++) {
		const struct anpr_export_rec *x = &c->recs[i];
		uint64_t s = x->r.chain_seq;
		char name[48], path[80];

		if (!x->selected || x->cp_seq != cv->seq)
			continue;
		rc = ev_record_parse(x->r.rec, x->r.rec_len, x->r.record_id, rr,
				     b->err, b->errlen);
		if (!rc)
			rc = note_key(b, rr->v[EV_F_KEY_ID]);
		if (rc)
			break;
		rc = ev_proof_build(p, (const uint8_t (*)[EV_HASH_LEN])src->leaves,
				    src->nleaves, s, x->r.record_id, &cv->r, cph, b->err,
				    b->errlen);
		if (!rc && ev_proof_encode(p, text, sizeof text, &len) != 0) {
			snprintf(b->err, b->errlen, "record %s: proof too long",
				 x->r.record_id);
			rc = -1;
		}
		if (!rc)
			rc = add_record(b, images, &x->r);
		ev_rec_name(s, EV_SUFFIX_PROOF, name, sizeof name);
		snprintf(path, sizeof path, "%s/%s", EV_DISCLOSURE_PROOFS, name);
		if (!rc)
			rc = add_member(b, path, text, len);
		fprintf(mf, "record=%" PRIu64 " checkpoint=%" PRIu64 "\n", s, cv->seq);
	}
	/* the checkpoint record and its signature, as signed */
	memset(&cp, 0, sizeof cp);
	cp.chain_seq = cv->seq;
	snprintf(cp.record_id, sizeof cp.record_id, "%s-%s-%" PRIu64, c->camera_id,
		 c->chain_id, cv->seq);
	cp.rec = src->cp_rec;
	cp.rec_len = src->cp_rec_len;
	cp.sig = src->cp_sig;
	cp.sig_len = src->cp_sig_len;
	if (!rc)
		rc = add_record(b, images, &cp);
	fprintf(mf, "checkpoint=%" PRIu64 " records=%" PRIu64 "..%" PRIu64 "\n",
		cv->seq, cv->first, cv->last);
out:
	free(p);
	free(rr);
	return rc;
}

/* An anpr-disclosure/1 bundle (docs/record-format.md): the selected
 * reads and nothing else of the chain, so no other vehicle's read is
 * disclosed; each under the checkpoint cps[i] covering it. */
static int write_bundle(struct anpr_store *st, struct bundle *b,
			const struct imagestore *images, const struct chain_sel *c,
			const struct cover *cps, size_t ncps)
{
	struct anpr_camera_key keys[32];
	size_t nkeys = 0, sumsl = 0, manl = 0;
	char *sums = NULL, *man = NULL;
	FILE *mf = NULL;
	int rc = 0;

	b->sums = open_memstream(&sums, &sumsl);
	mf = open_memstream(&man, &manl);
	if (!b->sums || !mf) {
		snprintf(b->err, b->errlen, "out of memory");
		rc = -1;
		goto out;
	}
	fprintf(mf, "format=%s\ncamera_id=%s\nchain_id=%s\n",
		EV_DISCLOSURE_FORMAT, c->camera_id, c->chain_id);
	for (size_t i = 0; !rc && i < ncps; i++)
		rc = add_covered(b, images, c, &cps[i], mf);
	if (!rc)
		rc = anpr_store_camera_keys(st, c->camera_id, keys,
					    sizeof keys / sizeof keys[0], &nkeys,
					    b->err, b->errlen);
	if (rc)
		goto out;
	/* the public keys from the register (not from any camera's files),
	 * those that signed what is here; each of those must be there */
	for (size_t j = 0; !rc && j < b->nkeys; j++) {
		size_t i = 0;

		while (i < nkeys && strcmp(keys[i].key_id, b->keys[j]) != 0)
			i++;
		if (i == nkeys) {
			snprintf(b->err, b->errlen, "camera %s: key %s signed "
				 "records exported, but the camera register does "
				 "not hold it", c->camera_id, b->keys[j]);
			rc = -1;
		}
	}
	for (size_t i = 0; !rc && i < nkeys && i < sizeof keys / sizeof keys[0]; i++) {
		struct ev_key k;
		char text[512], name[64], fp[EV_HASH_HEX + 1];
		size_t len;
		bool used = false;

		for (size_t j = 0; j < b->nkeys; j++)
			used |= strcmp(keys[i].key_id, b->keys[j]) == 0;
		if (!used)
			continue;
		memset(&k, 0, sizeof k);
		rc = ev_pubkey_from_b64(keys[i].public_key_b64, &k, keys[i].key_id,
					b->err, b->errlen);
		if (!rc)
			rc = ev_pubkey_encode(&k, text, sizeof text, &len);
		if (rc)
			break;
		ev_key_fingerprint(&k, fp);
		snprintf(name, sizeof name, "public-%.16s.key", keys[i].key_id);
		rc = add_member(b, name, text, len);
		fprintf(mf, "key=%s sha256:%s register%s\n", keys[i].key_id, fp,
			keys[i].revoked ? " revoked" : "");
	}
	fclose(mf);
	mf = NULL;
	if (!rc)
		rc = add_member(b, EV_BUNDLE_README, ev_disclosure_readme,
				strlen(ev_disclosure_readme));
	if (!rc)
		rc = add_member(b, EV_BUNDLE_MANIFEST, man, manl);
	fclose(b->sums);
	b->sums = NULL;
	if (!rc)
		rc = add_member(b, EV_BUNDLE_SUMS, sums, sumsl);
out:
	if (b->sums)
		fclose(b->sums);
	b->sums = NULL;
	if (mf)
		fclose(mf);
	free(sums);
	free(man);
	return rc;
}

/* Written beside out and link()ed into place: an existing file is never
 * touched, a failure leaves nothing. Reads not yet under a checkpoint are
 * refused, named: alone they would carry no proof of their place, and a
 * span to the chain's end would disclose the reads after them
 * (docs/access.md, 6). */
static int export_one(struct anpr_store *st, const struct imagestore *images,
		      const struct chain_sel *c, const char *out, const char *who,
		      FILE *info)
{
	char part[4200], err[1024] = "", err2[1024] = "", safe[1100];
	struct bundle b = { .err = err, .errlen = sizeof err };
	struct cover *cps = calloc(c->n ? c->n : 1, sizeof *cps);
	size_t ncps = 0, nbad = 0, nsel = 0;
	int rc = 0;

	if (!cps)
		return 1;
	for (size_t i = 0; i < c->n; i++) {
		const struct anpr_export_rec *x = &c->recs[i];
		bool known = false;

		if (!x->selected)
			continue;
		nsel++;
		if (!x->cp_seq) {
			/* export_reads gives only a verified checkpoint: one
			 * not yet ingested, or one whose span has a record
			 * not held (it cannot be verified), give none */
			fprintf(stderr, "%s: read %s is not yet under a "
				"checkpoint of its camera (none ingested after it, "
				"or a record of that checkpoint's span is not held): "
				"it cannot be disclosed with a proof of its place; "
				"export it once the camera's next checkpoint and "
				"the records it covers have been ingested\n",
				who, x->r.record_id);
			nbad++;
			continue;
		}
		for (size_t k = 0; k < ncps; k++)
			known |= cps[k].seq == x->cp_seq;
		if (known)
			continue;
		rc = cover_of(x, &cps[ncps], err, sizeof err);
		if (rc)
			break;
		ncps++;
	}
	if (!rc && nbad)
		snprintf(err, sizeof err, "%zu read%s not yet under a checkpoint "
			 "(named above)", nbad, nbad == 1 ? "" : "s");
	if (rc || nbad) {
		ev_safe_text(safe, sizeof safe, err);
		fprintf(stderr, "%s: export of chain %s refused: %s\n", who,
			c->chain_id, safe);
		free(cps);
		return 3;
	}
	snprintf(part, sizeof part, "%s.partial-%ld", out, (long)getpid());
	rc = ev_tar_open(&b.t, part, err, sizeof err);
	if (!rc)
		rc = write_bundle(st, &b, images, c, cps, ncps);
	free(cps);
	if (b.t && ev_tar_close(b.t, rc ? err2 : err, sizeof err) != 0 && !rc)
		rc = -1;
	if (!rc && link(part, out) != 0) {
		snprintf(err, sizeof err, "%s: cannot create: %s%s", out,
			 strerror(errno), errno == EEXIST ? " (not overwritten)" : "");
		rc = -1;
	}
	if (b.t || !rc)
		unlink(part);	/* ours: made with O_EXCL */
	if (rc) {
		ev_safe_text(safe, sizeof safe, err);
		fprintf(stderr, "%s: export failed: %s\n", who, safe);
		return 1;
	}
	if (info)
		fprintf(info, "%s: wrote %s: camera %s chain %s, a disclosure of %zu "
			"read%s (%" PRIu64 "..%" PRIu64 "), each with its inclusion "
			"proof; no other record of the chain\n", who, out, c->camera_id,
			c->chain_id, nsel, nsel == 1 ? "" : "s", c->first, c->last);
	return 0;
}

/* One bundle per chain: OUT itself if the reads are of one chain, else
 * OUT-CHAINID.tar for each (OUT's .tar taken off first). Every name is
 * checked free before anything is written. */
int disclosure_export(struct anpr_store *st, const struct imagestore *images, const char *out,
		      const struct anpr_export_rec *r, size_t n, const char *who, FILE *info)
{
	struct chain_sel *cs = calloc(n ? n : 1, sizeof *cs);
	size_t nc = 0, ol = strlen(out);
	char (*names)[4200] = NULL;
	struct stat sb;
	int rc = 0;

	if (!cs)
		return 1;
	/* the records come by chain, in chain order */
	for (size_t i = 0; i < n; i++) {
		struct chain_sel *c = nc ? &cs[nc - 1] : NULL;
		uint64_t seq = r[i].r.chain_seq;

		if (!c || strcmp(c->chain_id, r[i].chain_id) != 0) {
			c = &cs[nc++];
			snprintf(c->chain_id, sizeof c->chain_id, "%s", r[i].chain_id);
			snprintf(c->camera_id, sizeof c->camera_id, "%s", r[i].camera_id);
			c->recs = &r[i];
		}
		c->n++;
		if (r[i].selected && (!c->first || seq < c->first))
			c->first = seq;
		if (r[i].selected && seq > c->last)
			c->last = seq;
	}
	names = calloc(nc ? nc : 1, sizeof *names);
	if (!names) {
		free(cs);
		return 1;
	}
	if (ol > 4 && strcmp(out + ol - 4, ".tar") == 0)
		ol -= 4;
	for (size_t j = 0; j < nc; j++) {
		if (nc == 1)
			snprintf(names[j], sizeof names[j], "%s", out);
		else
			snprintf(names[j], sizeof names[j], "%.*s-%s.tar", (int)ol,
				 out, cs[j].chain_id);
		if (lstat(names[j], &sb) == 0) {
			fprintf(stderr, "%s: %s: already exists, not "
				"overwritten; nothing exported\n", who, names[j]);
			rc = 2;
		}
	}
	if (nc > 1 && !rc && info)
		fprintf(info, "%s: the reads are in %zu chains: one bundle each\n", who, nc);
	for (size_t j = 0; !rc && j < nc; j++)
		rc = export_one(st, images, &cs[j], names[j], who, info);
	free(names);
	free(cs);
	return rc;
}
