/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for every parser of untrusted evidence input. The first
 * byte picks the parser:
 *   0 record text (and: a record that parses must re-encode to the same
 *     bytes, the canonical-form promise)
 *   1 minisign public key file   2 minisign secret key file
 *   3 detached signature file, verified against a fixed key
 *   4 ustar evidence bundle, unpacked into a scratch directory (nothing may
 *     land outside it)
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence_spool.h"
#include "evidence_verify.h"

static struct ev_key key;
static char scratch[64];

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
		init = 1;
	}
	if (size < 1)
		return 0;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;

	switch (data[0] % 5) {
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
		ev_tar_extract(tar, dir, err, sizeof err);
		nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
		unlink(tar);
		break;
	}
	}
	return 0;
}
