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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence_spool.h"
#include "evidence_verify.h"

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys);

static const char readme[] =
"ANPR EVIDENCE BUNDLE\n"
"====================\n"
"\n"
"This archive holds signed ANPR capture records exported from one camera's\n"
"record chain (format anpr-record/1). Everything here can be re-checked\n"
"with two standard tools, minisign and sha256sum (Debian packages minisign\n"
"and coreutils), and a POSIX shell. No software from the camera supplier\n"
"is needed.\n"
"\n"
"Files\n"
"  records/NNNNNNNNNNNN.rec            one record (plain text, key=value)\n"
"  records/NNNNNNNNNNNN.rec.minisig    its detached minisign signature\n"
"  records/NNNNNNNNNNNN.rec.new.minisig  (key rotation only) the new key's\n"
"  records/NNNNNNNNNNNN.plate.jpg      plate patch of a read\n"
"  records/NNNNNNNNNNNN.overview.jpg   overview image of a read\n"
"  public-KEYID.key                    the camera's public key(s)\n"
"  head-NNNNNNNNNNNN (+ .minisig)      signed pointer to the chain's end\n"
"                                      (present if the bundle reaches it)\n"
"  SHA256SUMS                          checksums of every file above\n"
"  MANIFEST.txt                        what was asked for and what is here\n"
"\n"
"0. The key. Obtain the camera's public key from the force's key register\n"
"   (not from this bundle) and compare it with public-KEYID.key here:\n"
"       cat public-*.key\n"
"   Each record's key_id= line names the key that signed it.\n"
"\n"
"1. Integrity of the files:\n"
"       sha256sum -c SHA256SUMS\n"
"\n"
"2. Every signature (records signed after a key rotation name the new\n"
"   key in key_id=):\n"
"       for f in records/*.rec; do\n"
"         k=$(sed -n 's/^key_id=//p' \"$f\")\n"
"         minisign -V -q -p public-$k.key -m \"$f\" || echo \"BAD $f\"\n"
"       done\n"
"   minisign prints the trusted comment, which names the record file, its\n"
"   record id, its chain sequence number and its SHA-256.\n"
"\n"
"3. The chain: each record's prev_hash= is the SHA-256 of the record\n"
"   before it, so nothing was removed, inserted or reordered:\n"
"       prev=\n"
"       for f in records/*.rec; do\n"
"         h=$(sed -n 's/^prev_hash=//p' \"$f\")\n"
"         [ -z \"$prev\" ] || [ \"$h\" = \"$prev\" ] || echo \"BREAK at $f\"\n"
"         prev=$(sha256sum < \"$f\" | cut -d' ' -f1)\n"
"       done\n"
"\n"
"4. The images: plate_image_sha256= and overview_image_sha256= in each\n"
"   read record are the SHA-256 of the two JPEG files beside it:\n"
"       sha256sum records/*.jpg\n"
"\n"
"5. Checkpoints (type=checkpoint) carry count= and merkle_root= over the\n"
"   records first_seq..last_seq: the RFC 6962 tree hash of their SHA-256\n"
"   values, leaf = SHA-256(0x00 || hash), node = SHA-256(0x01 || l || r).\n"
"   The exporting tool (anpr-verify) recomputes them; the bundle holds\n"
"   every record of each span it covers so anyone can.\n"
"\n"
"6. Clock: time_utc= is the camera's UTC clock at capture; clock_synced=1\n"
"   means the kernel reported the clock NTP-synchronised at that moment,\n"
"   with clock_esterror_us= / clock_maxerror_us= its estimated and maximum\n"
"   error in microseconds (from adjtimex). Heartbeat records show the\n"
"   camera was up between reads.\n"
"\n"
"Data protection: to prove continuity the bundle holds whole checkpoint\n"
"spans, so it may include reads of vehicles not in issue; handle it as\n"
"ANPR data under the force's retention and disclosure rules.\n";

static int add_rec_files(struct ev_tar *t, const struct ev_vreport *rep,
			 const struct ev_vrec *v, FILE *sums, char *err,
			 size_t errlen)
{
	static const char *const sfx[] = {
		EV_SUFFIX_REC, EV_SUFFIX_REC EV_SUFFIX_SIG,
		EV_SUFFIX_REC EV_SUFFIX_NEWSIG, EV_SUFFIX_PLATE,
		EV_SUFFIX_OVERVIEW,
	};
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		char name[48], src[1100], member[160];
		uint8_t h[EV_HASH_LEN];
		char hex[EV_HASH_HEX + 1];
		int rc;

		ev_rec_name(v->seq, sfx[i], name, sizeof name);
		snprintf(src, sizeof src, "%s/%s", rep->dirs[v->dir], name);
		if (access(src, F_OK) != 0)
			continue;
		snprintf(member, sizeof member, "%s/%s/%s", EV_BUNDLE_DIR,
			 EV_SPOOL_RECORDS, name);
		rc = ev_tar_add_file(t, member, src, err, errlen);
		if (!rc)
			rc = ev_sha256_file(src, h, err, errlen);
		if (rc)
			return rc;
		ev_hex(h, EV_HASH_LEN, hex);
		fprintf(sums, "%s  %s/%s\n", hex, EV_SPOOL_RECORDS, name);
	}
	return 0;
}

static int add_root_file(struct ev_tar *t, const char *spool,
			 const char *name, FILE *sums, char *err,
			 size_t errlen)
{
	char src[1100], member[160], hex[EV_HASH_HEX + 1];
	uint8_t h[EV_HASH_LEN];
	int rc;

	snprintf(src, sizeof src, "%s/%s", spool, name);
	snprintf(member, sizeof member, "%s/%s", EV_BUNDLE_DIR, name);
	rc = ev_tar_add_file(t, member, src, err, errlen);
	if (!rc)
		rc = ev_sha256_file(src, h, err, errlen);
	if (rc)
		return rc;
	ev_hex(h, EV_HASH_LEN, hex);
	fprintf(sums, "%s  %s\n", hex, name);
	return 0;
}

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys)
{
	struct ev_vreport rep;
	struct ev_tar *t = NULL;
	char err[1024], *sums = NULL, *man = NULL, head[64];
	size_t sumsl = 0, manl = 0, lo = 0, hi;
	FILE *sf = NULL, *mf = NULL;
	DIR *d;
	struct dirent *de;
	int rc;

	rc = ev_verify_path(spool, keys, nkeys, &rep, err, sizeof err);
	if (rc) {
		fprintf(stderr, "anpr-verify: %s\n", err);
		return 2;
	}
	if (rep.nproblems || rep.nrecs == 0) {
		const struct ev_problem *p = ev_vreport_first(&rep);
		fprintf(stderr, "anpr-verify: %s does not verify (%s), export "
			"refused: run anpr-verify on it for the report\n",
			spool, p ? p->msg : "no records");
		ev_vreport_free(&rep);
		return 1;
	}
	if (!from)
		from = rep.first_seq;
	if (!to)
		to = rep.last_seq;
	if (from > to || from < rep.first_seq || to > rep.last_seq) {
		fprintf(stderr, "anpr-verify: --from %" PRIu64 " --to %" PRIu64
			": outside the records present (%" PRIu64 "..%" PRIu64
			")\n", from, to, rep.first_seq, rep.last_seq);
		ev_vreport_free(&rep);
		return 2;
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
	sf = open_memstream(&sums, &sumsl);
	mf = open_memstream(&man, &manl);
	if (!sf || !mf) {
		fprintf(stderr, "anpr-verify: out of memory\n");
		rc = 2;
		goto out;
	}
	rc = ev_tar_open(&t, out, err, sizeof err);
	for (size_t i = lo; !rc && i <= hi; i++)
		rc = add_rec_files(t, &rep, &rep.recs[i], sf, err, sizeof err);
	/* the public keys, and the signed head if the bundle reaches it */
	d = rc ? NULL : opendir(spool);
	while (d && !rc && (de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (strncmp(de->d_name, "public-", 7) == 0 && l > 4 &&
		    strcmp(de->d_name + l - 4, ".key") == 0)
			rc = add_root_file(t, spool, de->d_name, sf, err,
					   sizeof err);
	}
	if (d)
		closedir(d);
	if (!rc && rep.head_seq && rep.recs[hi].seq >= rep.head_seq) {
		snprintf(head, sizeof head, "%s%0*" PRIu64, EV_SPOOL_HEAD,
			 EV_SEQ_DIGITS, rep.head_seq);
		rc = add_root_file(t, spool, head, sf, err, sizeof err);
		strcat(head, EV_SUFFIX_SIG);
		if (!rc)
			rc = add_root_file(t, spool, head, sf, err, sizeof err);
	}
	if (!rc) {
		fprintf(mf, "camera_id=%s\nchain_id=%s\nrequested=%" PRIu64
			"..%" PRIu64 "\nincluded=%" PRIu64 "..%" PRIu64 "\n",
			rep.camera_id, rep.chain_id, from, to, rep.recs[lo].seq,
			rep.recs[hi].seq);
		for (size_t i = 0; i < rep.nkeys; i++)
			fprintf(mf, "key=%s sha256:%s records %" PRIu64 "..%"
				PRIu64 "\n", rep.keys[i].id,
				rep.keys[i].fingerprint, rep.keys[i].first_seq,
				rep.keys[i].last_seq);
		fclose(mf);
		mf = NULL;
		uint8_t h[EV_HASH_LEN];
		char hex[EV_HASH_HEX + 1];
		ev_sha256(man, manl, h);
		ev_hex(h, EV_HASH_LEN, hex);
		fprintf(sf, "%s  MANIFEST.txt\n", hex);
		ev_sha256(readme, sizeof readme - 1, h);
		ev_hex(h, EV_HASH_LEN, hex);
		fprintf(sf, "%s  README.txt\n", hex);
		fclose(sf);
		sf = NULL;
		rc = ev_tar_add(t, EV_BUNDLE_DIR "/README.txt", readme,
				sizeof readme - 1, 0644, err, sizeof err);
		if (!rc)
			rc = ev_tar_add(t, EV_BUNDLE_DIR "/MANIFEST.txt", man,
					manl, 0644, err, sizeof err);
		if (!rc)
			rc = ev_tar_add(t, EV_BUNDLE_DIR "/SHA256SUMS", sums,
					sumsl, 0644, err, sizeof err);
	}
	if (t && ev_tar_close(t, err, sizeof err) != 0 && !rc)
		rc = EV_EIO;
	if (rc) {
		fprintf(stderr, "anpr-verify: export failed: %s\n", err);
		unlink(out);
		rc = 2;
	} else {
		printf("anpr-verify: wrote %s: records %" PRIu64 "..%" PRIu64
		       " (asked for %" PRIu64 "..%" PRIu64 ")\n", out,
		       rep.recs[lo].seq, rep.recs[hi].seq, from, to);
	}
out:
	if (sf)
		fclose(sf);
	if (mf)
		fclose(mf);
	free(sums);
	free(man);
	ev_vreport_free(&rep);
	return rc;
}
