/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for every parser of untrusted evidence input. The first
 * byte picks the parser:
 *   0 record text (and: a record that parses must re-encode to the same
 *     bytes, the canonical-form promise)
 *   1 minisign public key file   2 minisign secret key file
 *   3 detached signature file, verified against a fixed key
 *   4 ustar evidence bundle, unpacked into a scratch directory (nothing may
 *     land outside it), then verified as a bundle
 *   5 upload ledger lines (ev_ledger_parse_line)
 *   6 a whole upload ledger, verified with the seed spool (--uploaded)
 *   7 a bundle's MANIFEST.txt   8 a bundle's SHA256SUMS, each put into the
 *     seed bundle and verified
 *   9 an inclusion proof file (and: one that parses must re-encode to the
 *     same bytes)
 *  10 a disclosure's proof file, put into the seed disclosure and verified
 *  11 a disclosure's MANIFEST.txt, the same
 * run-fuzz names the seed spool, bundle, disclosure and their public key
 * in the environment (EV_FUZZ_SPOOL, EV_FUZZ_BUNDLE, EV_FUZZ_DISCLOSURE,
 * EV_FUZZ_PUBKEY).
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/evidence_spool.h"
#include "evidence/evidence_verify.h"
#include "evidence/readfile.h"

static struct ev_key key;
static char scratch[64];
static struct ev_key seed_key;
static int have_seed_key;

/* Verify path (with a ledger, maybe) against the seed key: any report is
 * fine, a crash or a sanitizer finding is not. */
static void verify(const char *path, const char *ledger)
{
	struct ev_vopts o = { .ledger = ledger };
	struct ev_vreport rep;
	char err[1024];

	if (!have_seed_key)
		return;
	ev_verify_path_opts(path, &seed_key, 1, &o, &rep, err, sizeof err);
	ev_vreport_free(&rep);
}

static void put(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		abort();
	fwrite(buf, 1, len, f);
	fclose(f);
}

/* Put buf in place of root/name for one verification, then restore it. */
static void swap_in(const char *root, const char *name, const char *buf,
		    size_t len)
{
	char path[600], *orig;
	size_t ol;
	char err[256];

	if (!root)
		return;
	snprintf(path, sizeof path, "%s/%s", root, name);
	if (read_file_limited(path, 1 << 20, &orig, &ol, err, sizeof err) != 0)
		return;
	put(path, buf, len);
	verify(root, NULL);
	put(path, orig, ol);
	free(orig);
}

static int rm_cb(const char *p, const struct stat *s, int f, struct FTW *w)
{
	(void)s; (void)f; (void)w;
	return remove(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	char err[1024];
	struct ev_key k;

	if (!init) {
		if (ev_init() != 0 || ev_key_generate(&key) != 0)
			abort();
		snprintf(scratch, sizeof scratch, "/tmp/ev-fuzz.%d", getpid());
		if (getenv("EV_FUZZ_PUBKEY") &&
		    ev_key_load_public(getenv("EV_FUZZ_PUBKEY"), &seed_key,
				       err, sizeof err) == 0)
			have_seed_key = 1;
		init = 1;
	}
	if (size < 1)
		return 0;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;

	switch (data[0] % 12) {
	case 0: {
		struct ev_record *r = malloc(sizeof *r);
		char out[EV_RECORD_MAX];
		size_t ol;

		if (r && ev_record_parse(buf, len, "f.rec", r, err,
					 sizeof err) == 0) {
			if (ev_record_encode(r, out, sizeof out, &ol, err,
					     sizeof err) != 0 ||
			    ol != len || memcmp(out, buf, len) != 0)
				abort();	/* not canonical */
		}
		free(r);
		break;
	}
	case 1:
		ev_pubkey_parse(buf, len, "f.pub", &k, err, sizeof err);
		break;
	case 2:
		ev_seckey_parse(buf, len, "f.key", NULL, &k, err, sizeof err);
		ev_key_free(&k);
		break;
	case 3:
		ev_verify_sig(&key, "m", 1, buf, len, "f.minisig", NULL, 0,
			      err, sizeof err);
		break;
	case 4: {
		char tar[96], dir[96];
		FILE *f;

		snprintf(tar, sizeof tar, "%s.tar", scratch);
		snprintf(dir, sizeof dir, "%s.d", scratch);
		f = fopen(tar, "wb");
		if (!f)
			abort();
		fwrite(buf, 1, len, f);
		fclose(f);
		mkdir(dir, 0700);
		if (ev_tar_extract(tar, dir, err, sizeof err) == 0)
			verify(dir, NULL);
		nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
		unlink(tar);
		break;
	}
	case 5: {
		struct ev_ledger_line l;
		char why[200];
		size_t off = 0;

		while (off < len) {
			const char *nl = memchr(buf + off, '\n', len - off);
			size_t ll = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;

			ev_ledger_parse_line(buf + off, ll, &l, why, sizeof why);
			off += ll;
		}
		break;
	}
	case 6: {
		char ledger[96];

		if (!getenv("EV_FUZZ_SPOOL"))
			break;
		snprintf(ledger, sizeof ledger, "%s.log", scratch);
		put(ledger, buf, len);
		verify(getenv("EV_FUZZ_SPOOL"), ledger);
		unlink(ledger);
		break;
	}
	case 7:
		swap_in(getenv("EV_FUZZ_BUNDLE"), "anpr-evidence/MANIFEST.txt",
			buf, len);
		break;
	case 8:
		swap_in(getenv("EV_FUZZ_BUNDLE"), "anpr-evidence/SHA256SUMS",
			buf, len);
		break;
	case 9: {
		struct ev_proof *p = malloc(sizeof *p);
		char out[8192];
		size_t ol;

		if (p && ev_proof_parse(buf, len, "f.proof", p, err,
					sizeof err) == 0) {
			if (ev_proof_encode(p, out, sizeof out, &ol) != 0 ||
			    ol != len || memcmp(out, buf, len) != 0)
				abort();	/* not canonical */
		}
		free(p);
		break;
	}
	case 10:
		swap_in(getenv("EV_FUZZ_DISCLOSURE"),
			"anpr-evidence/proofs/000000000002.proof", buf, len);
		break;
	case 11:
		swap_in(getenv("EV_FUZZ_DISCLOSURE"),
			"anpr-evidence/MANIFEST.txt", buf, len);
		break;
	}
	return 0;
}
