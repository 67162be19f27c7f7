// SPDX-License-Identifier: MIT
/*
 * netkern_cases.c - conv_rows_f32 at a SIMD level against the scalar
 * reference (netkern_cases.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "netkern_cases.h"

#define MAXK	160	/* > 144: the second layer's taps (16 channels x 9) */
#define MAXN	136
#define MAXM	9

static uint64_t state;

static uint32_t rnd(void)
{
	/* xorshift64*: a fixed seed, so failures reproduce. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 2685821657736338717ull) >> 32);
}

static float frand(void)
{
	return ((float)rnd() / 4294967296.0f) * 2.0f - 1.0f;
}

static int check_one(const struct rd_netkern_ops *ref,
		     const struct rd_netkern_ops *k, int nk, int m, int n,
		     int off, float *in, float *w, float *bias, float *o0,
		     float *o1, char *msg, size_t len)
{
	const float *rows[MAXK];
	const size_t ostride = (size_t)n + 5;

	for (int j = 0; j < nk; j++)
		rows[j] = in + (size_t)j * (MAXN + 4) + (size_t)((j + off) & 3);
	for (int i = 0; i < nk * m; i++)
		w[i] = frand();
	for (int o = 0; o < m; o++)
		bias[o] = frand() * 4.0f;
	for (size_t i = 0; i < (size_t)MAXM * (MAXN + 8); i++)
		o0[i] = o1[i] = -7.0f;	/* guard value outside the outputs */
	ref->conv_rows_f32(rows, nk, w, bias, m, o0 + off, ostride, n);
	k->conv_rows_f32(rows, nk, w, bias, m, o1 + off, ostride, n);
	for (int o = 0; o < m; o++)
		for (size_t i = 0; i < ostride; i++) {
			size_t at = (size_t)off + (size_t)o * ostride + i;
			float mag = fabsf(bias[o]), tol;

			if (i >= (size_t)n) {	/* untouched between rows */
				if (o1[at] != -7.0f) {
					snprintf(msg, len, "conv_rows_f32: k=%d m=%d "
						 "n=%d: wrote past output %d's row",
						 nk, m, n, o);
					return -1;
				}
				continue;
			}
			for (int j = 0; j < nk; j++)
				mag += fabsf(w[(size_t)o * nk + j] * rows[j][i]);
			tol = ANPR_KERN_F32_RTOL * mag + ANPR_KERN_F32_ATOL;
			if (!(fabsf(o0[at] - o1[at]) <= tol)) {
				snprintf(msg, len, "conv_rows_f32: k=%d m=%d n=%d off=%d "
					 "output %d index %zu: scalar %.9g simd %.9g",
					 nk, m, n, off, o, i, (double)o0[at],
					 (double)o1[at]);
				return -1;
			}
		}
	return 0;
}

int netkern_check_conv_rows(const struct rd_netkern_ops *ref,
			    const struct rd_netkern_ops *k, char *msg,
			    size_t len)
{
	static const int big_k[] = { 9, 144, 153, MAXK };
	float *in = malloc(sizeof(float) * MAXK * (MAXN + 4));
	float *w = malloc(sizeof(float) * MAXK * MAXM);
	float *o0 = malloc(sizeof(float) * MAXM * (MAXN + 8));
	float *o1 = malloc(sizeof(float) * MAXM * (MAXN + 8));
	float bias[MAXM];
	int bad = 0;

	if (!in || !w || !o0 || !o1) {
		snprintf(msg, len, "out of memory");
		bad = -1;
		goto out;
	}
	state = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < (size_t)MAXK * (MAXN + 4); i++)
		in[i] = frand() * 3.0f;
	for (int n = 0; n <= MAXN - 3 && !bad; n++) {
		if (n > 67 && n < 94)
			continue;
		for (int m = 1; m <= MAXM && !bad; m++)
			for (int nk = 1; nk <= 20 + 4 && !bad; nk++) {
				int kk = nk <= 20 ? nk : big_k[nk - 21];

				if (kk > 20 && m != 1 && m != 5 && m != MAXM)
					continue;	/* keeps it fast under qemu */
				bad = check_one(ref, k, kk, m, n, (n + m + kk) & 3,
						in, w, bias, o0, o1, msg, len);
			}
	}
out:
	free(in);
	free(w);
	free(o0);
	free(o1);
	return bad;
}
