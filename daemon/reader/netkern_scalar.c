// SPDX-License-Identifier: MIT
/*
 * netkern_scalar.c - scalar reference of the classifier's convolution
 * kernel (netkern.h), and the choice of table per SIMD level.
 */
#include "reader/netkern.h"

/* A true scalar reference: no auto-vectorisation (benchmarks compare it).
 * (gcc builds the library; clang builds only the fuzzers.) */
#if !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize")
#endif

/* One output row; four positions at a time so that the four sums are
 * independent chains (each position still adds its products in order). */
static void s_conv_row(const float *const *rows, int k, const float *wo,
		       float bias, float *dst, int n)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		float a0 = bias, a1 = bias, a2 = bias, a3 = bias;

		for (int j = 0; j < k; j++) {
			const float *r = rows[j] + i;
			float w = wo[j];

			a0 += w * r[0];
			a1 += w * r[1];
			a2 += w * r[2];
			a3 += w * r[3];
		}
		dst[i] = a0;
		dst[i + 1] = a1;
		dst[i + 2] = a2;
		dst[i + 3] = a3;
	}
	for (; i < n; i++) {
		float acc = bias;

		for (int j = 0; j < k; j++)
			acc += wo[j] * rows[j][i];
		dst[i] = acc;
	}
}

static void s_conv_rows_f32(const float *const *rows, int k, const float *w,
			    const float *bias, int m, float *out,
			    size_t ostride, int n)
{
	for (int o = 0; o < m; o++)
		s_conv_row(rows, k, w + (size_t)o * k, bias[o],
			   out + (size_t)o * ostride, n);
}

const struct rd_netkern_ops rd_netkern_scalar = {
	.name = "scalar",
	.conv_rows_f32 = s_conv_rows_f32,
};

const struct rd_netkern_ops *rd_netkern_for(enum anpr_simd level)
{
	switch (level) {
#if defined(__x86_64__)
	case ANPR_SIMD_SSE41:
		return &rd_netkern_sse41;
	case ANPR_SIMD_AVX2:
		return __builtin_cpu_supports("fma") ? &rd_netkern_avx2_fma :
						       &rd_netkern_avx2;
#endif
#if defined(__aarch64__)
	case ANPR_SIMD_NEON:
		return &rd_netkern_neon;
#endif
	default:
		return &rd_netkern_scalar;
	}
}
