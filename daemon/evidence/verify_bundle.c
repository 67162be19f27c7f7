/* SPDX-License-Identifier: MIT */
/*
 * verify_bundle.c - what an evidence bundle says of itself, against what
 * it holds. MANIFEST.txt and SHA256SUMS are not signed: they are the
 * exporter's account of the bundle, for people checking it by hand. A
 * bundle whose account does not match its signed content (records cut
 * out and the archive re-made, the head left out, files added or
 * changed) is reported, so the examiner never relies on an account that
 * the evidence contradicts. What the signed content alone proves is said
 * in the notes: a bundle without the head proves nothing about records
 * after its last one.
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

#define BUNDLE_TEXT_MAX (16u << 20)	/* MANIFEST, SHA256SUMS */

struct manifest {
	char camera[64], chain[32];
	uint64_t req_from, req_to, inc_from, inc_to, head;
	bool has_head;
};

static bool range(const char *v, uint64_t *a, uint64_t *b)
{
	char tail;

	return sscanf(v, "%" SCNu64 "..%" SCNu64 "%c", a, b, &tail) == 2 &&
	       *a <= *b && v[0] >= '0' && v[0] <= '9';
}

static int parse_manifest(struct vctx *c, const char *path, char *text,
			  struct manifest *m)
{
	char *save = NULL, *line;
	unsigned seen = 0, n = 0;

	memset(m, 0, sizeof *m);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char *v = strchr(line, '=');

		if (!v)
			goto bad;
		*v++ = '\0';
		if (n == 0) {
			if (strcmp(line, "format") != 0 ||
			    strcmp(v, EV_BUNDLE_FORMAT) != 0)
				goto bad;
			continue;
		}
		if (!strcmp(line, "camera_id") && !(seen & 1)) {
			snprintf(m->camera, sizeof m->camera, "%s", v);
			seen |= 1;
		} else if (!strcmp(line, "chain_id") && !(seen & 2)) {
			snprintf(m->chain, sizeof m->chain, "%s", v);
			seen |= 2;
		} else if (!strcmp(line, "requested") && !(seen & 4) &&
			   range(v, &m->req_from, &m->req_to)) {
			seen |= 4;
		} else if (!strcmp(line, "included") && !(seen & 8) &&
			   range(v, &m->inc_from, &m->inc_to)) {
			seen |= 8;
		} else if (!strcmp(line, "head") && !(seen & 16)) {
			char tail;

			m->has_head = strcmp(v, "-") != 0;
			if (m->has_head && sscanf(v, "%" SCNu64 "%c", &m->head,
						  &tail) != 1)
				goto bad;
			seen |= 16;
		} else if (strcmp(line, "key") != 0) {
			goto bad;
		}
	}
	if (n && seen == 31)
		return 0;
bad:
	ev_v_problem(c, 0, EV_P_MANIFEST, path, "not a %s manifest (format, "
		     "camera_id, chain_id, requested, included and head lines, "
		     "each once; key lines)", EV_BUNDLE_FORMAT);
	return -1;
}

static void check_manifest(struct vctx *c, const char *root)
{
	struct ev_vreport *r = c->rep;
	char path[1100], *text, err[768];
	struct manifest m;
	size_t len;

	snprintf(path, sizeof path, "%s/%s", root, EV_BUNDLE_MANIFEST);
	if (read_file_limited(path, BUNDLE_TEXT_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "%s: a bundle without "
			     "its manifest", err);
		return;
	}
	if (memchr(text, '\0', len) || parse_manifest(c, path, text, &m)) {
		free(text);
		return;
	}
	free(text);
	if (strcmp(m.camera, r->camera_id) != 0 ||
	    strcmp(m.chain, r->chain_id) != 0)
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "says camera %s chain "
			     "%s, the records are camera %s chain %s", m.camera,
			     m.chain, r->camera_id, r->chain_id);
	if (m.inc_from != r->first_seq || m.inc_to != r->last_seq)
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "says records %" PRIu64
			     "..%" PRIu64 " are included, the bundle holds %"
			     PRIu64 "..%" PRIu64 ": records were taken out or "
			     "added after the export", m.inc_from, m.inc_to,
			     r->first_seq, r->last_seq);
	if (m.req_from < m.inc_from || m.req_to > m.inc_to)
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "says records %" PRIu64
			     "..%" PRIu64 " were asked for, outside those "
			     "included", m.req_from, m.req_to);
	if (m.has_head && r->head_seq != m.head)
		ev_v_problem(c, m.head, EV_P_TRUNCATED, path, "says the bundle "
			     "holds the signed head at record %" PRIu64 ", "
			     "%s", m.head, r->head_seq ? "another is here"
			     : "which is missing: it was taken out");
	else if (!m.has_head && r->head_seq)
		ev_v_problem(c, 0, EV_P_MANIFEST, path, "says the bundle holds "
			     "no head, but one is here");
	if (!r->head_seq)
		ev_v_note(c, "this bundle does not reach the chain's end (no "
			  "signed head): it proves records %" PRIu64 "..%"
			  PRIu64 " were signed and linked as shown, not that "
			  "no record came after %" PRIu64, r->first_seq,
			  r->last_seq, r->last_seq);
	else
		ev_v_note(c, "this bundle reaches the chain's end as it was at "
			  "the export (signed head at record %" PRIu64 ")",
			  r->head_seq);
}

/* One SHA256SUMS name: relative, no "..", no "./". */
static bool sums_name_ok(const char *n)
{
	return *n && *n != '/' && !strstr(n, "..") && !strstr(n, "//") &&
	       strncmp(n, "./", 2) != 0 && !strchr(n, '\\');
}

struct listed {
	char name[160];
	bool found;
};

static int cmp_listed(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name,
		      ((const struct listed *)b)->name);
}

static void check_one_file(struct vctx *c, const char *root, const char *rel,
			   struct listed *l, size_t nl)
{
	struct listed key = { .found = false }, *hit;
	char path[1100];

	snprintf(key.name, sizeof key.name, "%s", rel);
	hit = nl ? bsearch(&key, l, nl, sizeof *l, cmp_listed) : NULL;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	if (!hit)
		ev_v_problem(c, 0, EV_P_SUMS, path, "not listed in %s: added "
			     "after the export", EV_BUNDLE_SUMS);
	else
		hit->found = true;
}

void ev_v_check_sums(struct vctx *c, const char *root)
{
	char path[1100], *text, err[768], *save = NULL, *line;
	struct listed *l = NULL;
	size_t len, nl = 0, lineno = 0;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof path, "%s/%s", root, EV_BUNDLE_SUMS);
	if (read_file_limited(path, BUNDLE_TEXT_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_SUMS, path, "%s: a bundle without its "
			     "checksums", err);
		return;
	}
	l = calloc(len / 66 + 1, sizeof *l);
	for (line = strtok_r(text, "\n", &save); l && line;
	     line = strtok_r(NULL, "\n", &save)) {
		char want[EV_HASH_HEX + 1], fpath[1100], hex[EV_HASH_HEX + 1];
		uint8_t h[EV_HASH_LEN];
		const char *name = line + EV_HASH_HEX + 2;

		lineno++;
		if (strlen(line) < EV_HASH_HEX + 3 ||
		    line[EV_HASH_HEX] != ' ' || line[EV_HASH_HEX + 1] != ' ' ||
		    !sums_name_ok(name) || strlen(name) >= sizeof l->name) {
			ev_v_problem(c, 0, EV_P_SUMS, path, "line %zu: not "
				     "\"SHA256  NAME\" with a plain relative "
				     "name", lineno);
			continue;
		}
		memcpy(want, line, EV_HASH_HEX);
		want[EV_HASH_HEX] = '\0';
		snprintf(l[nl++].name, sizeof l->name, "%s", name);
		snprintf(fpath, sizeof fpath, "%s/%s", root, name);
		if (ev_sha256_file(fpath, h, err, sizeof err) != 0) {
			ev_v_problem(c, 0, EV_P_SUMS, fpath, "listed in %s but "
				     "%s", EV_BUNDLE_SUMS, err);
			continue;
		}
		ev_hex(h, EV_HASH_LEN, hex);
		if (strcmp(hex, want) != 0)
			ev_v_problem(c, 0, EV_P_SUMS, fpath, "SHA-256 is %s, "
				     "%s says %s", hex, EV_BUNDLE_SUMS, want);
	}
	free(text);
	if (!l)
		return;
	qsort(l, nl, sizeof *l, cmp_listed);
	for (size_t i = 1; i < nl; i++)
		if (strcmp(l[i].name, l[i - 1].name) == 0)
			ev_v_problem(c, 0, EV_P_SUMS, path, "lists %s twice",
				     l[i].name);
	/* every file here is listed (verify_files.c refuses anything but
	 * the root's files and records/) */
	d = opendir(root);
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (strcmp(de->d_name, EV_BUNDLE_SUMS) == 0 ||
		    strcmp(de->d_name, EV_SPOOL_RECORDS) == 0 ||
		    strcmp(de->d_name, EV_DISCLOSURE_PROOFS) == 0)
			continue;
		check_one_file(c, root, de->d_name, l, nl);
	}
	if (d)
		closedir(d);
	/* records/, and a disclosure's proofs/ (in any other bundle a
	 * proofs/ directory is unexpected: verify_files.c) */
	for (int sub = 0; sub < 2; sub++) {
		const char *sd = sub ? EV_DISCLOSURE_PROOFS : EV_SPOOL_RECORDS;

		snprintf(path, sizeof path, "%s/%s", root, sd);
		d = opendir(path);
		while (d && (de = readdir(d)) != NULL) {
			char rel[400];

			if (de->d_name[0] == '.' && (!de->d_name[1] ||
			    (de->d_name[1] == '.' && !de->d_name[2])))
				continue;
			snprintf(rel, sizeof rel, "%s/%s", sd, de->d_name);
			check_one_file(c, root, rel, l, nl);
		}
		if (d)
			closedir(d);
	}
	free(l);
}

void ev_v_check_bundle(struct vctx *c, const char *root)
{
	check_manifest(c, root);
	ev_v_check_sums(c, root);
}

/* README.txt of an evidence bundle (docs/record-format.md, "Evidence
 * bundle"): the same in a camera's export and the back office's. */
const char ev_bundle_readme[] =
"ANPR EVIDENCE BUNDLE\n"
"====================\n"
"\n"
"This archive holds signed ANPR capture records exported from one camera's\n"
"record chain (format anpr-record/4; records a camera wrote before that\n"
"format are anpr-record/1, /2 or /3, and say so on their first line).\n"
"A read with plate_state=unreadable:REASON and vrm=- is a vehicle whose\n"
"plate was found but could not be read. Everything\n"
"here can be re-checked\n"
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
"7. Source and hotlists (anpr-record/2 reads): source= names the camera\n"
"   source that saw the vehicle; input=live means frames captured live,\n"
"   input=replay frames replayed from a recording. hotlist_set_sha256=\n"
"   identifies the hotlist files in force when the read was checked; with\n"
"   those files at hand it is the first 64 characters printed by\n"
"       sha256sum FILE... | cut -c1-64 | LC_ALL=C sort | sha256sum\n"
"\n"
"8. Capture clock (anpr-record/3 reads): capture_clock= says how the\n"
"   frame's time was obtained: camera-synchronised (an IP camera's own\n"
"   clock, through its RTCP sender reports), camera-estimated (its last\n"
"   known offset, just after a reconnect), receive-time (when the frame\n"
"   arrived here), sensor-exposure or driver-frame-end (stamped by the\n"
"   sensor's driver), synthetic (a replayed recording). clocks_disagree=1\n"
"   means the camera's clock and this host's were more than 10 s apart:\n"
"   time_utc= is then the arrival.\n"
"\n"
"Data protection: to prove continuity the bundle holds whole checkpoint\n"
"spans, so it may include reads of vehicles not in issue; handle it as\n"
"ANPR data under the force's retention and disclosure rules. To disclose\n"
"only the records in issue, each with a proof of its place in the chain,\n"
"make a disclosure instead (anpr-verify --export OUT --disclose SEQ,...).\n";

/* README.txt of a disclosure bundle (docs/record-format.md, "Disclosure
 * bundle"): what it proves, what it does not, and how to check it with
 * standard tools. */
const char ev_disclosure_readme[] =
"ANPR EVIDENCE DISCLOSURE\n"
"========================\n"
"\n"
"This archive discloses only the signed ANPR records asked for, out of one\n"
"camera's record chain, and nothing else of that chain: no other vehicle's\n"
"read is in it. Each record comes with an inclusion proof (RFC 6962 /\n"
"RFC 9162) against a checkpoint record that the camera signed later, whose\n"
"merkle_root= is the Merkle tree hash of every record of its span.\n"
"\n"
"What it proves, for each disclosed record:\n"
"  - the record (and its images) is exactly as the camera signed it, with\n"
"    the key named in key_id=;\n"
"  - it is the record at position chain_seq= of the camera's chain\n"
"    (chain_id=): the leaf at that position under the checkpoint's signed\n"
"    Merkle root, which was computed over the records first_seq..last_seq.\n"
"What it does not prove:\n"
"  - anything about the other records of the span: they are present only as\n"
"    the hashes on each proof's path, which reveal nothing of their content;\n"
"  - that the chain is continuous between the disclosed records, or after the\n"
"    checkpoint (the full evidence bundle, format anpr-bundle/1, shows this;\n"
"    it discloses every record of the spans, so other vehicles' reads).\n"
"\n"
"Files\n"
"  records/NNNNNNNNNNNN.rec            a disclosed record (key=value text)\n"
"  records/NNNNNNNNNNNN.rec.minisig    its detached minisign signature\n"
"  records/NNNNNNNNNNNN.plate.jpg      plate patch of a disclosed read\n"
"  records/NNNNNNNNNNNN.overview.jpg   overview image of a disclosed read\n"
"  records/CCCCCCCCCCCC.rec (+ .minisig) the checkpoint records covering\n"
"                                      them (type=checkpoint)\n"
"  proofs/NNNNNNNNNNNN.proof           the inclusion proof of record NNN...\n"
"  public-KEYID.key                    the public key(s) that signed them\n"
"  SHA256SUMS                          checksums of every file above\n"
"  MANIFEST.txt                        which record is under which checkpoint\n"
"\n"
"0. The key. Obtain the camera's public key from the force's key register\n"
"   (not from this archive) and compare it with public-KEYID.key here.\n"
"\n"
"1. Integrity of the files:\n"
"       sha256sum -c SHA256SUMS\n"
"\n"
"2. Every signature, disclosed records and checkpoints alike:\n"
"       for f in records/*.rec; do\n"
"         k=$(sed -n 's/^key_id=//p' \"$f\")\n"
"         minisign -V -q -p public-$k.key -m \"$f\" || echo \"BAD $f\"\n"
"       done\n"
"\n"
"3. The images: plate_image_sha256= and overview_image_sha256= of each read\n"
"   are the SHA-256 of the two JPEG files beside it:\n"
"       sha256sum records/*.jpg\n"
"\n"
"4. Each proof (proofs/NNNNNNNNNNNN.proof, key=value lines):\n"
"   record_sha256= is the SHA-256 of records/NNNNNNNNNNNN.rec,\n"
"   checkpoint_sha256= that of records/<checkpoint_seq>.rec; first_seq=,\n"
"   last_seq=, tree_size= (the checkpoint's count=) and merkle_root= repeat\n"
"   the signed checkpoint; leaf_index= is chain_seq - first_seq. The path=\n"
"   lines are the sibling hashes from the leaf up. With\n"
"       leaf = SHA-256(0x00 || record_sha256 as 32 bytes)\n"
"       node = SHA-256(0x01 || left || right)\n"
"   RFC 9162 section 2.1.3.2 rebuilds the root from leaf, leaf_index,\n"
"   tree_size and the path; it must equal the checkpoint's merkle_root=.\n"
"   The same in Python 3 (python3 check.py proofs/*.proof):\n"
"       import hashlib, sys\n"
"       H = lambda b: hashlib.sha256(b).digest()\n"
"       for name in sys.argv[1:]:\n"
"           kv = [l.split('=', 1) for l in open(name).read().splitlines()]\n"
"           f = dict(kv[:11]); path = [bytes.fromhex(v) for k, v in kv[11:]]\n"
"           fn, sn = int(f['leaf_index']), int(f['tree_size']) - 1\n"
"           r = H(b'\\0' + bytes.fromhex(f['record_sha256']))\n"
"           for p in path:\n"
"               if fn & 1 or fn == sn:\n"
"                   r = H(b'\\1' + p + r)\n"
"                   while not fn & 1 and fn:\n"
"                       fn >>= 1; sn >>= 1\n"
"               else:\n"
"                   r = H(b'\\1' + r + p)\n"
"               fn >>= 1; sn >>= 1\n"
"           ok = sn == 0 and r.hex() == f['merkle_root']\n"
"           print(name, 'OK' if ok else 'FAILED')\n"
"   anpr-verify does all of this, and checks that every value a proof\n"
"   repeats is the one its two signed records give.\n"
"\n"
"5. Clock, source and hotlists: as in the full bundle's README (time_utc=,\n"
"   clock_synced=, source=, input=, hotlist_set_sha256=), see\n"
"   docs/record-format.md.\n"
"\n"
"Data protection: the disclosed reads are ANPR data; the checkpoint\n"
"records hold the camera's identity and location but no vehicle's read.\n"
"Beyond its records a disclosure shows how many records the camera made\n"
"in each checkpoint's span (tree_size) and where the disclosed ones are in\n"
"it; the path hashes reveal nothing of the other records.\n";
