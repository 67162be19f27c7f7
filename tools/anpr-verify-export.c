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

#include "evidence/evidence_spool.h"
#include "evidence/evidence_verify.h"
#include "evidence/readfile.h"

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys);
int anpr_verify_disclose(const char *spool, const char *out,
			 const char *list, const char *vrm, uint64_t from,
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
	rc = read_file_limited(src, 4096, &buf, &len, err, errlen);
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

/*
 * The source of an export, either form: OUT must not exist; a .tar
 * bundle is unpacked into scratch for as long as the export reads it
 * (*unpacked set: the caller removes it); the source must verify whole
 * and not be a disclosure (which holds single records, not the chain).
 * 0 with *rep to free, or the exit status, said on stderr (rep freed).
 */
static int export_source(const char *spool, const char *out, const struct ev_key *keys,
			 size_t nkeys, char *scratch, bool *unpacked,
			 struct ev_vreport *rep)
{
	const char *src = spool;
	size_t sl = strlen(spool);
	char err[1024];
	struct stat st;

	if (lstat(out, &st) == 0) {
		fprintf(stderr, "anpr-verify: %s: already exists, not "
			"overwritten\n", out);
		return 2;
	}
	if (sl > 4 && strcmp(spool + sl - 4, ".tar") == 0) {
		if (!mkdtemp(scratch)) {
			fprintf(stderr, "anpr-verify: cannot make a temporary "
				"directory: %s\n", strerror(errno));
			return 2;
		}
		*unpacked = true;
		if (ev_tar_extract(spool, scratch, err, sizeof err) != 0) {
			say_err(err);
			return 2;
		}
		src = scratch;
	}
	if (ev_verify_path(src, keys, nkeys, rep, err, sizeof err) != 0) {
		say_err(err);
		return 2;
	}
	if (strcmp(rep->kind, "disclosure") == 0) {
		fprintf(stderr, "anpr-verify: %s is a disclosure (%s): it holds "
			"single records, not the chain, so nothing can be "
			"exported from it; export from the spool or a full "
			"bundle\n", spool, EV_DISCLOSURE_FORMAT);
		ev_vreport_free(rep);
		return 2;
	}
	if (rep->nproblems || rep->nrecs == 0) {
		const struct ev_problem *p = ev_vreport_first(rep);

		fprintf(stderr, "anpr-verify: %s does not verify (%s), export "
			"refused: run anpr-verify on it for the report\n",
			spool, p ? p->msg : "no records");
		ev_vreport_free(rep);
		return 1;
	}
	return 0;
}

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys)
{
	struct ev_vreport rep;
	char scratch[] = "/tmp/anpr-export.XXXXXX";
	size_t lo = 0, hi;
	bool unpacked = false;
	int rc;

	rc = export_source(spool, out, keys, nkeys, scratch, &unpacked, &rep);
	if (rc)
		goto out_tmp;
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

/* ------------------------------------------------------- disclosure */

/* The index in rep->recs of record seq (they are in chain order). */
static bool rec_index(const struct ev_vreport *rep, uint64_t seq, size_t *i)
{
	size_t lo = 0, hi = rep->nrecs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rep->recs[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	*i = lo;
	return lo < rep->nrecs && rep->recs[lo].seq == seq;
}

static void rec_path(const struct ev_vreport *rep, const struct ev_vrec *v,
		     char *out, size_t cap)
{
	char name[48];

	ev_rec_name(v->seq, EV_SUFFIX_REC, name, sizeof name);
	snprintf(out, cap, "%s/%s", rep->dirs[v->dir], name);
}

/* A record file, read and parsed (it verified a moment ago). */
static int load_rec(const struct ev_vreport *rep, const struct ev_vrec *v,
		    struct ev_record *r, uint8_t hash[EV_HASH_LEN], char *err,
		    size_t errlen)
{
	char path[1100], *text;
	size_t len;
	int rc;

	rec_path(rep, v, path, sizeof path);
	rc = read_file_limited(path, EV_RECORD_MAX, &text, &len, err, errlen);
	if (rc)
		return rc;
	if (hash)
		ev_sha256(text, len, hash);
	rc = ev_record_parse(text, len, path, r, err, errlen);
	free(text);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Which records to disclose: the list given, or every read of the mark
 * vrm in from..to. Sorted, without repeats, each present. */
static int pick(const struct ev_vreport *rep, const char *list,
		const char *vrm, uint64_t from, uint64_t to, uint64_t **out,
		size_t *n)
{
	uint64_t *s = calloc(rep->nrecs + 1, sizeof *s);
	size_t k = 0, i;
	char err[1024];

	if (!s)
		return 2;
	if (list) {
		const char *p = list;

		while (*p) {
			char *end;
			uint64_t v = strtoull(p, &end, 10);

			if (end == p || (*end && *end != ',') || !v ||
			    (*p < '0' || *p > '9')) {
				fprintf(stderr, "anpr-verify: --disclose %s: "
					"not a list of record numbers "
					"(SEQ[,SEQ...])\n", list);
				free(s);
				return 2;
			}
			if (!rec_index(rep, v, &i)) {
				fprintf(stderr, "anpr-verify: --disclose: "
					"record %" PRIu64 " is not in %s (it "
					"holds %" PRIu64 "..%" PRIu64 ")\n", v,
					rep->path, rep->recs[0].seq,
					rep->recs[rep->nrecs - 1].seq);
				free(s);
				return 2;
			}
			if (k == rep->nrecs)
				break;
			s[k++] = v;
			p = *end ? end + 1 : end;
		}
	} else {
		struct ev_record *r = malloc(sizeof *r);

		for (i = 0; r && i < rep->nrecs; i++) {
			const struct ev_vrec *v = &rep->recs[i];

			if (v->type != EV_READ || (from && v->seq < from) ||
			    (to && v->seq > to))
				continue;
			if (load_rec(rep, v, r, NULL, err, sizeof err) != 0) {
				say_err(err);
				free(r);
				free(s);
				return 2;
			}
			if (strcmp(r->v[EV_F_VRM], vrm) == 0)
				s[k++] = v->seq;
		}
		free(r);
		if (k == 0) {
			fprintf(stderr, "anpr-verify: --disclose-vrm %s: no "
				"read of that mark in the records%s\n", vrm,
				from || to ? " asked for" : "");
			free(s);
			return 1;
		}
	}
	qsort(s, k, sizeof *s, cmp_u64);
	for (i = 1; i < k;) {
		if (s[i] == s[i - 1])
			memmove(s + i, s + i + 1, (--k - i) * sizeof *s);
		else
			i++;
	}
	*out = s;
	*n = k;
	return 0;
}

/* The checkpoint covering seq: the first after it whose span holds it. */
static bool covering(const struct ev_vreport *rep, uint64_t seq, size_t *cp)
{
	size_t i;

	if (!rec_index(rep, seq, &i))
		return false;
	for (i++; i < rep->nrecs; i++)
		if (rep->recs[i].type == EV_CHECKPOINT &&
		    rep->recs[i].cp_first <= seq && seq <= rep->recs[i].cp_last) {
			*cp = i;
			return true;
		}
	return false;
}

/* Checkpoint ci's leaves (the hashes of its span's record files) and the
 * proof of each disclosed record under it, into the archive. */
static int add_proofs(struct ev_tar *t, const struct ev_vreport *rep,
		      size_t ci, const uint64_t *seqs, size_t n, FILE *sums,
		      char *err, size_t errlen)
{
	const struct ev_vrec *cv = &rep->recs[ci];
	uint64_t first = cv->cp_first, last = cv->cp_last;
	size_t nl = (size_t)(last - first + 1);
	uint8_t (*leaves)[EV_HASH_LEN] = malloc(nl * EV_HASH_LEN);
	uint8_t cph[EV_HASH_LEN];
	struct ev_record *cp = malloc(sizeof *cp);
	struct ev_proof *p = malloc(sizeof *p);
	char text[8192];
	int rc = 0;

	if (!leaves || !cp || !p) {
		snprintf(err, errlen, "out of memory");
		rc = EV_ENOMEM;
		goto out;
	}
	rc = load_rec(rep, cv, cp, cph, err, errlen);
	for (uint64_t s = first; !rc && s <= last; s++) {
		char path[1100];
		size_t i;

		if (!rec_index(rep, s, &i)) {
			snprintf(err, errlen, "record %" PRIu64 " of checkpoint "
				 "%" PRIu64 "'s span is not here", s, cv->seq);
			rc = EV_EIO;
			break;
		}
		rec_path(rep, &rep->recs[i], path, sizeof path);
		rc = ev_sha256_file(path, leaves[s - first], err, errlen);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		char name[48], rid[EV_VALUE_MAX];
		size_t len;

		if (seqs[i] < first || seqs[i] > last)
			continue;
		snprintf(rid, sizeof rid, "%s-%s-%" PRIu64, rep->camera_id,
			 rep->chain_id, seqs[i]);
		rc = ev_proof_build(p, (const uint8_t (*)[EV_HASH_LEN])leaves,
				    nl, seqs[i], rid, cp, cph, err, errlen);
		if (!rc && ev_proof_encode(p, text, sizeof text, &len) != 0) {
			snprintf(err, errlen, "record %" PRIu64 ": proof too "
				 "long", seqs[i]);
			rc = EV_EINVAL;
		}
		if (rc)
			break;
		ev_rec_name(seqs[i], EV_SUFFIX_PROOF, name, sizeof name);
		{
			char rel[80];

			snprintf(rel, sizeof rel, "%s/%s", EV_DISCLOSURE_PROOFS,
				 name);
			rc = add_text(t, rel, text, len, sums, err, errlen);
		}
	}
out:
	free(leaves);
	free(cp);
	free(p);
	return rc;
}

static int write_disclosure(struct ev_tar *t, const struct ev_vreport *rep,
			    const uint64_t *seqs, size_t n,
			    const size_t *cps, char *err, size_t errlen)
{
	char *sums = NULL, *man = NULL;
	size_t sumsl = 0, manl = 0, members = 0;
	FILE *sf = open_memstream(&sums, &sumsl);
	FILE *mf = open_memstream(&man, &manl);
	int rc = 0;

	if (!sf || !mf) {
		snprintf(err, errlen, "out of memory");
		rc = EV_ENOMEM;
		goto out;
	}
	fprintf(mf, "format=%s\ncamera_id=%s\nchain_id=%s\n",
		EV_DISCLOSURE_FORMAT, rep->camera_id, rep->chain_id);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t ri;
		struct ev_vrec v;

		rec_index(rep, seqs[i], &ri);
		v = rep->recs[ri];
		v.newsig = false;	/* a rotation's second signature is
					   of no use without the chain */
		rc = add_rec_files(t, rep, &v, sf, &members, err, errlen);
		fprintf(mf, "record=%" PRIu64 " checkpoint=%" PRIu64 "\n",
			seqs[i], rep->recs[cps[i]].seq);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const struct ev_vrec *cv = &rep->recs[cps[i]];
		struct ev_vrec v = *cv;
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= cps[j] == cps[i];
		if (seen)
			continue;
		/* the checkpoint's record and signature (checkpoints are
		 * never disclosed themselves: anpr_verify_disclose) */
		v.newsig = v.plate = v.overview = false;
		rc = add_rec_files(t, rep, &v, sf, &members, err, errlen);
		if (!rc)
			rc = add_proofs(t, rep, cps[i], seqs, n, sf, err,
					errlen);
		fprintf(mf, "checkpoint=%" PRIu64 " records=%" PRIu64 "..%"
			PRIu64 "\n", cv->seq, cv->cp_first, cv->cp_last);
	}
	/* the keys that signed what is here, as verified */
	for (size_t i = 0; !rc && i < rep->nkeys; i++) {
		const struct ev_vkey *k = &rep->keys[i];
		bool used = false;
		char name[64];

		for (size_t j = 0; j < n; j++)
			used |= (k->first_seq <= seqs[j] && seqs[j] <= k->last_seq) ||
				(k->first_seq <= rep->recs[cps[j]].seq &&
				 rep->recs[cps[j]].seq <= k->last_seq);
		if (!used)
			continue;
		snprintf(name, sizeof name, "public-%s.key", k->id);
		rc = add_text(t, name, k->pubkey, strlen(k->pubkey), sf, err,
			      errlen);
		fprintf(mf, "key=%s sha256:%s\n", k->id, k->fingerprint);
	}
	if (rc)
		goto out;
	fclose(mf);
	mf = NULL;
	rc = add_text(t, EV_BUNDLE_README, ev_disclosure_readme,
		      strlen(ev_disclosure_readme), sf, err, errlen);
	if (!rc)
		rc = add_text(t, EV_BUNDLE_MANIFEST, man, manl, sf, err,
			      errlen);
	fclose(sf);
	sf = NULL;
	if (!rc)
		rc = add_text(t, EV_BUNDLE_SUMS, sums, sumsl, NULL, err,
			      errlen);
out:
	if (sf)
		fclose(sf);
	if (mf)
		fclose(mf);
	free(sums);
	free(man);
	return rc;
}

/*
 * anpr-verify --export OUT --disclose SEQ[,SEQ..] | --disclose-vrm MARK:
 * only those records, each with its proof under the checkpoint covering
 * it. A record not yet under a checkpoint is refused, not exported in a
 * span: its place in the chain could then only be shown by the records
 * after it, other vehicles' reads among them (docs/access.md, 6).
 */
int anpr_verify_disclose(const char *spool, const char *out,
			 const char *list, const char *vrm, uint64_t from,
			 uint64_t to, const struct ev_key *keys, size_t nkeys)
{
	struct ev_vreport rep;
	char err[1024], err2[1024] = "", part[1100];
	char scratch[] = "/tmp/anpr-export.XXXXXX";
	uint64_t *seqs = NULL;
	size_t *cps = NULL, n = 0, bad = 0;
	bool unpacked = false;
	struct ev_tar *t = NULL;
	int rc;

	rc = export_source(spool, out, keys, nkeys, scratch, &unpacked, &rep);
	if (rc)
		goto out_tmp;
	rc = pick(&rep, list, vrm, from, to, &seqs, &n);
	if (rc)
		goto out;
	cps = calloc(n + 1, sizeof *cps);
	if (!cps) {
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t ri;

		/* a checkpoint is no leaf of any tree (each covers the
		 * records before it, up to the one before): it goes into a
		 * disclosure as the signed root of the records it covers */
		if (rec_index(&rep, seqs[i], &ri) &&
		    rep.recs[ri].type == EV_CHECKPOINT) {
			fprintf(stderr, "anpr-verify: record %" PRIu64 " is a "
				"checkpoint: no checkpoint covers it (each "
				"covers the records before it), so it cannot be "
				"disclosed with a proof; it is included with "
				"any record it covers (records %" PRIu64 "..%"
				PRIu64 ")\n", seqs[i], rep.recs[ri].cp_first,
				rep.recs[ri].cp_last);
			bad++;
			continue;
		}
		if (!covering(&rep, seqs[i], &cps[i])) {
			fprintf(stderr, "anpr-verify: record %" PRIu64 " is not "
				"yet under a checkpoint (the chain here is "
				"checkpointed up to record %" PRIu64 "): it cannot "
				"be disclosed alone; export it after the camera's "
				"next checkpoint, or as a full bundle (without "
				"--disclose), which discloses the records around "
				"it\n", seqs[i], rep.covered_to);
			bad++;
		}
	}
	if (bad) {
		rc = 1;
		goto out;
	}
	snprintf(part, sizeof part, "%s.partial-%ld", out, (long)getpid());
	rc = ev_tar_open(&t, part, err, sizeof err);
	if (!rc)
		rc = write_disclosure(t, &rep, seqs, n, cps, err, sizeof err);
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
		rc = 2;
		goto out;
	}
	printf("anpr-verify: wrote %s: a disclosure of %zu record%s (", out, n,
	       n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < 20; i++)
		printf("%s%" PRIu64, i ? "," : "", seqs[i]);
	printf("%s) of camera %s chain %s, each with its inclusion proof; "
	       "no other record of the chain\n", n > 20 ? ",..." : "",
	       rep.camera_id, rep.chain_id);
out:
	free(seqs);
	free(cps);
	ev_vreport_free(&rep);
out_tmp:
	if (unpacked)
		nftw(scratch, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
