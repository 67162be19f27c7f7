/* SPDX-License-Identifier: MIT */
/*
 * anpr-verify-export.c - anpr-verify --export: a self-contained evidence
 * bundle (ustar) of the records asked for, the chain around them that
 * proves continuity (from the start of the checkpoint span holding the
 * first one, with the checkpoint before it, to the checkpoint covering the
 * last one, or the signed head), their images and signatures, the public
 * keys, SHA256SUMS and a README for examiners.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence_spool.h"
#include "evidence_verify.h"

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys);

/* An error message names files the examiner did not choose the names of:
 * printed as safe text (ev_safe_text). */
static void say_err2(const char *what, const char *err)
{
	char safe[4096];

	ev_safe_text(safe, sizeof safe, err);
	fprintf(stderr, "anpr-verify: %s%s\n", what, safe);
}

static void say_err(const char *err)
{
	say_err2("", err);
}

/* The files of one record that its signed text names, and only those
 * (an image beside a heartbeat is not evidence: verify_files.c). */
static int add_rec_files(struct ev_tar *t, const struct ev_vreport *rep,
			 const struct ev_vrec *v, FILE *sums, size_t *members,
			 char *err, size_t errlen)
{
	const struct {
		const char *sfx;
		bool want;
	} f[] = {
		{ EV_SUFFIX_REC, true },
		{ EV_SUFFIX_REC EV_SUFFIX_SIG, true },
		{ EV_SUFFIX_REC EV_SUFFIX_NEWSIG, v->newsig },
		{ EV_SUFFIX_PLATE, v->plate },
		{ EV_SUFFIX_OVERVIEW, v->overview },
	};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		char name[48], src[1100], member[160];
		uint8_t h[EV_HASH_LEN];
		char hex[EV_HASH_HEX + 1];
		int rc;

		if (!f[i].want)
			continue;
		ev_rec_name(v->seq, f[i].sfx, name, sizeof name);
		snprintf(src, sizeof src, "%s/%s", rep->dirs[v->dir], name);
		snprintf(member, sizeof member, "%s/%s/%s", EV_BUNDLE_DIR,
			 EV_SPOOL_RECORDS, name);
		rc = ev_tar_add_file(t, member, src, err, errlen);
		if (!rc)
			rc = ev_sha256_file(src, h, err, errlen);
		if (rc)
			return rc;
		ev_hex(h, EV_HASH_LEN, hex);
		fprintf(sums, "%s  %s/%s\n", hex, EV_SPOOL_RECORDS, name);
		(*members)++;
	}
	return 0;
}

/* A member made here (a key file, MANIFEST, README) and its sum. */
static int add_text(struct ev_tar *t, const char *name, const char *text,
		    size_t len, FILE *sums, char *err, size_t errlen)
{
	char member[160], hex[EV_HASH_HEX + 1];
	uint8_t h[EV_HASH_LEN];

	snprintf(member, sizeof member, "%s/%s", EV_BUNDLE_DIR, name);
	ev_sha256(text, len, h);
	ev_hex(h, EV_HASH_LEN, hex);
	if (sums)
		fprintf(sums, "%s  %s\n", hex, name);
	return ev_tar_add(t, member, text, len, 0644, err, errlen);
}

static int add_root_file(struct ev_tar *t, const char *root,
			 const char *name, FILE *sums, char *err,
			 size_t errlen)
{
	char src[1100], *buf;
	size_t len;
	int rc;

	snprintf(src, sizeof src, "%s/%s", root, name);
	rc = ev_read_file(src, 4096, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = add_text(t, name, buf, len, sums, err, errlen);
	free(buf);
	return rc;
}

static int rm_cb(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb; (void)f; (void)w;
	return remove(p);
}

/* The whole bundle into the open archive t. */
static int write_bundle(struct ev_tar *t, const struct ev_vreport *rep,
			const char *root, size_t lo, size_t hi, uint64_t from,
			uint64_t to, char *err, size_t errlen)
{
	char *sums = NULL, *man = NULL, head[64];
	size_t sumsl = 0, manl = 0, members = 0;
	uint64_t lo_seq = rep->recs[lo].seq, hi_seq = rep->recs[hi].seq;
	bool with_head = rep->head_seq && hi_seq >= rep->head_seq;
	FILE *sf = open_memstream(&sums, &sumsl);
	FILE *mf = open_memstream(&man, &manl);
	int rc = 0;

	if (!sf || !mf) {
		snprintf(err, errlen, "out of memory");
		rc = EV_ENOMEM;
		goto out;
	}
	for (size_t i = lo; !rc && i <= hi; i++)
		rc = add_rec_files(t, rep, &rep->recs[i], sf, &members, err,
				   errlen);
	/* the keys that signed these records, as verified: never files
	 * copied from the spool, where anything may have been planted */
	for (size_t i = 0; !rc && i < rep->nkeys; i++) {
		const struct ev_vkey *k = &rep->keys[i];
		char name[64];

		if (k->last_seq < lo_seq || k->first_seq > hi_seq)
			continue;
		snprintf(name, sizeof name, "public-%s.key", k->id);
		rc = add_text(t, name, k->pubkey, strlen(k->pubkey), sf, err,
			      errlen);
	}
	if (!rc && with_head) {
		snprintf(head, sizeof head, "%s%0*" PRIu64, EV_SPOOL_HEAD,
			 EV_SEQ_DIGITS, rep->head_seq);
		rc = add_root_file(t, root, head, sf, err, errlen);
		strcat(head, EV_SUFFIX_SIG);
		if (!rc)
			rc = add_root_file(t, root, head, sf, err, errlen);
	}
	if (rc)
		goto out;
	fprintf(mf, "format=%s\ncamera_id=%s\nchain_id=%s\nrequested=%" PRIu64
		"..%" PRIu64 "\nincluded=%" PRIu64 "..%" PRIu64 "\nhead=",
		EV_BUNDLE_FORMAT, rep->camera_id, rep->chain_id, from, to,
		lo_seq, hi_seq);
	if (with_head)
		fprintf(mf, "%" PRIu64 "\n", rep->head_seq);
	else
		fprintf(mf, "-\n");
	for (size_t i = 0; i < rep->nkeys; i++)
		if (rep->keys[i].last_seq >= lo_seq &&
		    rep->keys[i].first_seq <= hi_seq)
			fprintf(mf, "key=%s sha256:%s records %" PRIu64 "..%"
				PRIu64 "\n", rep->keys[i].id,
				rep->keys[i].fingerprint, rep->keys[i].first_seq,
				rep->keys[i].last_seq);
	fclose(mf);
	mf = NULL;
	rc = add_text(t, EV_BUNDLE_README, ev_bundle_readme,
		      strlen(ev_bundle_readme), sf, err, errlen);
	if (!rc)
		rc = add_text(t, EV_BUNDLE_MANIFEST, man, manl, sf, err,
			      errlen);
	fclose(sf);
	sf = NULL;
	if (!rc)
		rc = add_text(t, EV_BUNDLE_SUMS, sums, sumsl, NULL, err,
			      errlen);
	if (!rc && members < 2 * (hi - lo + 1)) {
		snprintf(err, errlen, "only %zu files for %zu records",
			 members, hi - lo + 1);
		rc = EV_EIO;
	}
out:
	if (sf)
		fclose(sf);
	if (mf)
		fclose(mf);
	free(sums);
	free(man);
	return rc;
}

/* Write the archive beside out and link it into place only when whole:
 * a file already at out is never touched, a failure leaves nothing. */
static int export_to(const struct ev_vreport *rep, const char *root,
		     const char *out, size_t lo, size_t hi, uint64_t from,
		     uint64_t to)
{
	char part[1100], err[1024] = "", err2[1024] = "";
	struct ev_tar *t = NULL;
	int rc;

	snprintf(part, sizeof part, "%s.partial-%ld", out, (long)getpid());
	rc = ev_tar_open(&t, part, err, sizeof err);
	if (!rc)
		rc = write_bundle(t, rep, root, lo, hi, from, to, err,
				  sizeof err);
	if (t && ev_tar_close(t, rc ? err2 : err, sizeof err) != 0 && !rc)
		rc = EV_EIO;
	if (!rc && link(part, out) != 0) {
		snprintf(err, sizeof err, "%s: cannot create: %s%s", out,
			 strerror(errno), errno == EEXIST
			 ? " (not overwritten)" : "");
		rc = EV_EIO;
	}
	if (t || !rc)
		unlink(part);	/* ours: made with O_EXCL */
	if (rc) {
		say_err2("export failed: ", err);
		return 2;
	}
	printf("anpr-verify: wrote %s: records %" PRIu64 "..%" PRIu64
	       " (asked for %" PRIu64 "..%" PRIu64 ")%s\n", out,
	       rep->recs[lo].seq, rep->recs[hi].seq, from, to,
	       rep->head_seq && rep->recs[hi].seq >= rep->head_seq
	       ? ", with the signed head" : "");
	return 0;
}

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys)
{
	struct ev_vreport rep;
	char err[1024], scratch[] = "/tmp/anpr-export.XXXXXX";
	const char *src = spool;
	size_t lo = 0, hi, sl = strlen(spool);
	bool unpacked = false;
	struct stat st;
	int rc;

	if (lstat(out, &st) == 0) {
		fprintf(stderr, "anpr-verify: %s: already exists, not "
			"overwritten\n", out);
		return 2;
	}
	/* a .tar bundle: unpacked for as long as the export reads it */
	if (sl > 4 && strcmp(spool + sl - 4, ".tar") == 0) {
		if (!mkdtemp(scratch)) {
			fprintf(stderr, "anpr-verify: cannot make a temporary "
				"directory: %s\n", strerror(errno));
			return 2;
		}
		unpacked = true;
		if (ev_tar_extract(spool, scratch, err, sizeof err) != 0) {
			say_err(err);
			rc = 2;
			goto out_tmp;
		}
		src = scratch;
	}
	rc = ev_verify_path(src, keys, nkeys, &rep, err, sizeof err);
	if (rc) {
		say_err(err);
		rc = 2;
		goto out_tmp;
	}
	if (rep.nproblems || rep.nrecs == 0) {
		const struct ev_problem *p = ev_vreport_first(&rep);
		fprintf(stderr, "anpr-verify: %s does not verify (%s), export "
			"refused: run anpr-verify on it for the report\n",
			spool, p ? p->msg : "no records");
		rc = 1;
		goto out;
	}
	if (!from)
		from = rep.recs[0].seq;
	if (!to)
		to = rep.recs[rep.nrecs - 1].seq;
	if (from > to || from < rep.recs[0].seq ||
	    to > rep.recs[rep.nrecs - 1].seq) {
		fprintf(stderr, "anpr-verify: --from %" PRIu64 " --to %" PRIu64
			": outside the records present (%" PRIu64 "..%" PRIu64
			")\n", from, to, rep.recs[0].seq,
			rep.recs[rep.nrecs - 1].seq);
		rc = 2;
		goto out;
	}
	/* lo: the checkpoint before `from` (its span starts right after) */
	for (size_t i = 0; i < rep.nrecs; i++) {
		if (rep.recs[i].seq >= from)
			break;
		if (rep.recs[i].type == EV_CHECKPOINT)
			lo = i;
	}
	/* hi: the first checkpoint at or after `to`, else the tail */
	hi = rep.nrecs - 1;
	for (size_t i = 0; i < rep.nrecs; i++)
		if (rep.recs[i].seq >= to &&
		    rep.recs[i].type == EV_CHECKPOINT) {
			hi = i;
			break;
		}
	rc = export_to(&rep, rep.root, out, lo, hi, from, to);
out:
	ev_vreport_free(&rep);
out_tmp:
	if (unpacked)
		nftw(scratch, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
