// SPDX-License-Identifier: MIT
/*
 * netkern_avx2.c - AVX2 twins of netkern_scalar.c: blocks of 4 outputs x 16
 * positions held in eight registers over all k taps (each input load is
 * used four times), then 4 x 8, then the last n % 8 positions with masked
 * loads and stores (no scalar tail: on the classifier's second layer, 118
 * positions, a scalar tail of six was a fifth of its time).
 *
 * Two tables: rd_netkern_avx2 multiplies and adds separately (one rounding
 * per product, as the scalar reference); rd_netkern_avx2_fma fuses them in
 * the 4 x 16 blocks, which halves their arithmetic, for CPUs with FMA
 * (every AVX2 CPU Intel and AMD made has it; the flag is checked anyway).
 * Both stay within the tolerance netkern.h states.
 */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC target("avx2")
#endif
#include <immintrin.h>

#include "reader/netkern.h"

static inline __m256 madd(__m256 acc, __m256 w, __m256 x)
{
	return _mm256_add_ps(acc, _mm256_mul_ps(w, x));
}

/* Lanes below @r (1..7) set: the positions left after the 8-wide blocks. */
static inline __m256i tail_mask(int r)
{
	return _mm256_cmpgt_epi32(_mm256_set1_epi32(r),
				  _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Outputs o .. o + 3 at positions from 16 * (n / 16) on: one 8-wide
 * block, then a masked one. */
static void rest4(const float *const *rows, int k, const float *w,
		  const float *bias, int o, float *out, size_t ostride, int n,
		  int i)
{
	const float *w0 = w + (size_t)o * k, *w1 = w0 + k, *w2 = w1 + k,
		    *w3 = w2 + k;
	float *d0 = out + (size_t)o * ostride;

	for (; i < n; i += 8) {
		__m256i mk = tail_mask(n - i < 8 ? n - i : 8);
		__m256 a0 = _mm256_set1_ps(bias[o]), a1 = _mm256_set1_ps(bias[o + 1]);
		__m256 a2 = _mm256_set1_ps(bias[o + 2]), a3 = _mm256_set1_ps(bias[o + 3]);

		for (int j = 0; j < k; j++) {
			__m256 x = _mm256_maskload_ps(rows[j] + i, mk);

			a0 = madd(a0, _mm256_broadcast_ss(w0 + j), x);
			a1 = madd(a1, _mm256_broadcast_ss(w1 + j), x);
			a2 = madd(a2, _mm256_broadcast_ss(w2 + j), x);
			a3 = madd(a3, _mm256_broadcast_ss(w3 + j), x);
		}
		_mm256_maskstore_ps(d0 + i, mk, a0);
		_mm256_maskstore_ps(d0 + ostride + i, mk, a1);
		_mm256_maskstore_ps(d0 + 2 * ostride + i, mk, a2);
		_mm256_maskstore_ps(d0 + 3 * ostride + i, mk, a3);
	}
}

/* Outputs o .. o + 3, positions in steps of 16; returns where it stopped. */
static int block4(const float *const *rows, int k, const float *w,
		  const float *bias, int o, float *out, size_t ostride, int n)
{
	const float *w0 = w + (size_t)o * k, *w1 = w0 + k, *w2 = w1 + k,
		    *w3 = w2 + k;
	float *d0 = out + (size_t)o * ostride;
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256 a0 = _mm256_set1_ps(bias[o]), a1 = _mm256_set1_ps(bias[o + 1]);
		__m256 a2 = _mm256_set1_ps(bias[o + 2]), a3 = _mm256_set1_ps(bias[o + 3]);
		__m256 b0 = a0, b1 = a1, b2 = a2, b3 = a3;

		for (int j = 0; j < k; j++) {
			__m256 x = _mm256_loadu_ps(rows[j] + i);
			__m256 y = _mm256_loadu_ps(rows[j] + i + 8);
			__m256 c;

			c = _mm256_broadcast_ss(w0 + j);
			a0 = madd(a0, c, x);
			b0 = madd(b0, c, y);
			c = _mm256_broadcast_ss(w1 + j);
			a1 = madd(a1, c, x);
			b1 = madd(b1, c, y);
			c = _mm256_broadcast_ss(w2 + j);
			a2 = madd(a2, c, x);
			b2 = madd(b2, c, y);
			c = _mm256_broadcast_ss(w3 + j);
			a3 = madd(a3, c, x);
			b3 = madd(b3, c, y);
		}
		_mm256_storeu_ps(d0 + i, a0);
		_mm256_storeu_ps(d0 + i + 8, b0);
		_mm256_storeu_ps(d0 + ostride + i, a1);
		_mm256_storeu_ps(d0 + ostride + i + 8, b1);
		_mm256_storeu_ps(d0 + 2 * ostride + i, a2);
		_mm256_storeu_ps(d0 + 2 * ostride + i + 8, b2);
		_mm256_storeu_ps(d0 + 3 * ostride + i, a3);
		_mm256_storeu_ps(d0 + 3 * ostride + i + 8, b3);
	}
	return i;
}

/* block4 with fused multiply-adds. Written out, not block4 inlined under
 * an FMA target: gcc would contract its madd()s only from -O2 (not in the
 * -O1 sanitizer build the tests run), so the tests would not see it fuse. */
__attribute__((target("avx2,fma")))
static int block4_fma(const float *const *rows, int k, const float *w,
		      const float *bias, int o, float *out, size_t ostride, int n)
{
	const float *w0 = w + (size_t)o * k, *w1 = w0 + k, *w2 = w1 + k,
		    *w3 = w2 + k;
	float *d0 = out + (size_t)o * ostride;
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256 a0 = _mm256_set1_ps(bias[o]), a1 = _mm256_set1_ps(bias[o + 1]);
		__m256 a2 = _mm256_set1_ps(bias[o + 2]), a3 = _mm256_set1_ps(bias[o + 3]);
		__m256 b0 = a0, b1 = a1, b2 = a2, b3 = a3;

		for (int j = 0; j < k; j++) {
			__m256 x = _mm256_loadu_ps(rows[j] + i);
			__m256 y = _mm256_loadu_ps(rows[j] + i + 8);
			__m256 c;

			c = _mm256_broadcast_ss(w0 + j);
			a0 = _mm256_fmadd_ps(c, x, a0);
			b0 = _mm256_fmadd_ps(c, y, b0);
			c = _mm256_broadcast_ss(w1 + j);
			a1 = _mm256_fmadd_ps(c, x, a1);
			b1 = _mm256_fmadd_ps(c, y, b1);
			c = _mm256_broadcast_ss(w2 + j);
			a2 = _mm256_fmadd_ps(c, x, a2);
			b2 = _mm256_fmadd_ps(c, y, b2);
			c = _mm256_broadcast_ss(w3 + j);
			a3 = _mm256_fmadd_ps(c, x, a3);
			b3 = _mm256_fmadd_ps(c, y, b3);
		}
		_mm256_storeu_ps(d0 + i, a0);
		_mm256_storeu_ps(d0 + i + 8, b0);
		_mm256_storeu_ps(d0 + ostride + i, a1);
		_mm256_storeu_ps(d0 + ostride + i + 8, b1);
		_mm256_storeu_ps(d0 + 2 * ostride + i, a2);
		_mm256_storeu_ps(d0 + 2 * ostride + i + 8, b2);
		_mm256_storeu_ps(d0 + 3 * ostride + i, a3);
		_mm256_storeu_ps(d0 + 3 * ostride + i + 8, b3);
	}
	return i;
}

/* One output (the last m % 4), 8 positions at a time, masked at the end. */
static void block1(const float *const *rows, int k, const float *w,
		   const float *bias, int o, float *out, size_t ostride, int n)
{
	const float *wo = w + (size_t)o * k;
	float *d = out + (size_t)o * ostride;

	for (int i = 0; i < n; i += 8) {
		__m256i mk = tail_mask(n - i < 8 ? n - i : 8);
		__m256 a = _mm256_set1_ps(bias[o]);

		for (int j = 0; j < k; j++)
			a = madd(a, _mm256_broadcast_ss(wo + j),
				 _mm256_maskload_ps(rows[j] + i, mk));
		_mm256_maskstore_ps(d + i, mk, a);
	}
}

typedef int (*block4_fn)(const float *const *rows, int k, const float *w,
			 const float *bias, int o, float *out, size_t ostride,
			 int n);

static inline void conv(const float *const *rows, int k, const float *w,
			const float *bias, int m, float *out, size_t ostride,
			int n, block4_fn main4)
{
	int o = 0;

	for (; o + 4 <= m; o += 4)
		rest4(rows, k, w, bias, o, out, ostride, n,
		      main4(rows, k, w, bias, o, out, ostride, n));
	for (; o < m; o++)
		block1(rows, k, w, bias, o, out, ostride, n);
}

static void v_conv_rows_f32(const float *const *rows, int k, const float *w,
			    const float *bias, int m, float *out,
			    size_t ostride, int n)
{
	conv(rows, k, w, bias, m, out, ostride, n, block4);
}

static void v_conv_rows_f32_fma(const float *const *rows, int k,
				const float *w, const float *bias, int m,
				float *out, size_t ostride, int n)
{
	conv(rows, k, w, bias, m, out, ostride, n, block4_fma);
}

const struct rd_netkern_ops rd_netkern_avx2 = {
	.name = "avx2",
	.conv_rows_f32 = v_conv_rows_f32,
};

const struct rd_netkern_ops rd_netkern_avx2_fma = {
	.name = "avx2-fma",
	.conv_rows_f32 = v_conv_rows_f32_fma,
};

#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif /* __x86_64__ */
