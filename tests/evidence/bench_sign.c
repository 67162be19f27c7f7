/* SPDX-License-Identifier: MIT */
/*
 * bench_sign - the signing rate of records (minisign "ED": BLAKE2b-512 of
 * the record, an Ed25519 signature of it and one of the trusted comment)
 * next to libsodium's own Ed25519 rate on the same machine, and the
 * verification rate: best of 8 interleaved 0.1 s slices of each.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "evidence/evidence_spool.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
	struct ev_key k;
	uint8_t msg[64], sig[64];
	char rec[1100], out[1024], tc[300];
	size_t ol;
	unsigned long n;
	double t0, t, lib, ours, ver;

	if (ev_init() != 0 || ev_key_generate(&k) != 0)
		return 1;
	memset(msg, 7, sizeof msg);
	memset(rec, 'r', sizeof rec);	/* a typical record is ~1 KB */
	memset(tc, 't', 180);
	tc[180] = '\0';			/* and its trusted comment ~180 B */
	/* the machine is shared: interleave short slices of each and keep
	 * the best slice of each, so both see the same load */
	lib = ours = ver = 0;
	for (int round = 0; round < 8; round++) {
		double r;

		for (n = 0, t0 = now_s(); (t = now_s()) - t0 < 0.1; n++)
			crypto_sign_detached(sig, NULL, msg, sizeof msg, ev_key_sk(&k));
		if ((r = (double)n / (t - t0)) > lib)
			lib = r;
		for (n = 0, t0 = now_s(); (t = now_s()) - t0 < 0.1; n++)
			ev_sign(&k, rec, sizeof rec, tc, out, sizeof out, &ol);
		if ((r = (double)n / (t - t0)) > ours)
			ours = r;
		for (n = 0, t0 = now_s(); (t = now_s()) - t0 < 0.1; n++)
			if (ev_verify_sig(&k, rec, sizeof rec, out, ol, "b",
					  NULL, 0, NULL, 0) != 0)
				return 1;
		if ((r = (double)n / (t - t0)) > ver)
			ver = r;
	}
	printf("libsodium Ed25519 signatures/s: %.0f /s  (reference for the "
	       "next line)\n", lib);
	printf("Ed25519 signatures/s inside record signing (2 per record, "
	       "%.0f%% of libsodium): %.0f /s  (target >= %.0f /s, 80%% of "
	       "libsodium)  %s\n", 200 * ours / lib, 2 * ours, 0.8 * lib,
	       2 * ours >= 0.8 * lib ? "OK" : "MISS");
	printf("records signed/s (BLAKE2b-512 + 2 Ed25519, minisign format): "
	       "%.0f /s  (target >= 5000 /s)  %s\n", ours,
	       ours >= 5000 ? "OK" : "MISS");
	printf("records verified/s (anpr-verify's signature check): %.0f /s  "
	       "(target >= 5000 /s)  %s\n", ver, ver >= 5000 ? "OK" : "MISS");
	return 0;
}
