/* SPDX-License-Identifier: MIT */
/*
 * netkern.h - the character classifier's convolution kernel (charnet.c),
 * one ops table per SIMD level like anpr_kern.h: a scalar reference
 * (netkern_scalar.c) and SSE4.1, AVX2 and NEON twins.
 *
 * conv_rows_f32 computes, for o < m and i < n,
 *	out[o * ostride + i] = bias[o] + sum_{j < k} w[o * k + j] * rows[j][i]
 * adding the products in order j = 0, 1, ... (one rounding per product and
 * one per sum, as the scalar code writes it). A 3x3 convolution over
 * zero-padded planes is this with rows[c * 9 + t] pointing at tap t of
 * input plane c, so the kernel reads the planes in place (no im2col copy)
 * and keeps a block of outputs in registers over all k taps.
 *
 * Exactness (tests/reader/netkern_cases.c): every level within
 * ANPR_KERN_F32_RTOL * (|bias| + sum_j |w_j * x_j|) + ANPR_KERN_F32_ATOL
 * of the scalar reference (the compiler may fuse multiply-adds).
 */
#ifndef NETKERN_H
#define NETKERN_H

#include <stddef.h>

#include "reader/anpr_kern.h"

/**
 * struct rd_netkern_ops - one level of the classifier's kernels.
 * @name: "scalar", "sse4.1", "avx2", "avx2-fma" or "neon".
 * @conv_rows_f32: see above; 1 <= k, 1 <= m, 0 <= n; rows[j] readable for
 *	n floats; out rows do not overlap the inputs.
 */
struct rd_netkern_ops {
	const char *name;
	void (*conv_rows_f32)(const float *const *rows, int k, const float *w,
			      const float *bias, int m, float *out,
			      size_t ostride, int n);
};

extern const struct rd_netkern_ops rd_netkern_scalar;
#if defined(__x86_64__)
extern const struct rd_netkern_ops rd_netkern_sse41;
extern const struct rd_netkern_ops rd_netkern_avx2;
extern const struct rd_netkern_ops rd_netkern_avx2_fma;	/* AVX2 and FMA */
#endif
#if defined(__aarch64__)
extern const struct rd_netkern_ops rd_netkern_neon;
#endif

/*
 * rd_netkern_for - the table of @level (a level anpr_kern_get() returned,
 * so the CPU runs it); the scalar table for a level this build lacks. For
 * AVX2, the FMA table where the CPU has FMA.
 */
const struct rd_netkern_ops *rd_netkern_for(enum anpr_simd level);

#endif /* NETKERN_H */
