// SPDX-License-Identifier: MIT
/*
 * netkern_avx2.c - AVX2 twin of netkern_scalar.c: blocks of 4 outputs x 16
 * positions held in eight registers over all k taps (each input load is
 * used four times), then 4 x 8, then single outputs; the last n % 8
 * positions in scalar code. No FMA: products are rounded before the add,
 * as in the scalar reference.
 */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC target("avx2")
#endif
#include <immintrin.h>

#include "netkern.h"

static inline __m256 madd(__m256 acc, __m256 w, __m256 x)
{
	return _mm256_add_ps(acc, _mm256_mul_ps(w, x));
}

/* Outputs o .. o + 3, positions from i in steps of 16 then 8; returns
 * where it stopped. */
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
	for (; i + 8 <= n; i += 8) {
		__m256 a0 = _mm256_set1_ps(bias[o]), a1 = _mm256_set1_ps(bias[o + 1]);
		__m256 a2 = _mm256_set1_ps(bias[o + 2]), a3 = _mm256_set1_ps(bias[o + 3]);

		for (int j = 0; j < k; j++) {
			__m256 x = _mm256_loadu_ps(rows[j] + i);

			a0 = madd(a0, _mm256_broadcast_ss(w0 + j), x);
			a1 = madd(a1, _mm256_broadcast_ss(w1 + j), x);
			a2 = madd(a2, _mm256_broadcast_ss(w2 + j), x);
			a3 = madd(a3, _mm256_broadcast_ss(w3 + j), x);
		}
		_mm256_storeu_ps(d0 + i, a0);
		_mm256_storeu_ps(d0 + ostride + i, a1);
		_mm256_storeu_ps(d0 + 2 * ostride + i, a2);
		_mm256_storeu_ps(d0 + 3 * ostride + i, a3);
	}
	return i;
}

static int block1(const float *const *rows, int k, const float *w,
		  const float *bias, int o, float *out, size_t ostride, int n)
{
	const float *wo = w + (size_t)o * k;
	float *d = out + (size_t)o * ostride;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256 a = _mm256_set1_ps(bias[o]);

		for (int j = 0; j < k; j++)
			a = madd(a, _mm256_broadcast_ss(wo + j),
				 _mm256_loadu_ps(rows[j] + i));
		_mm256_storeu_ps(d + i, a);
	}
	return i;
}

static void v_conv_rows_f32(const float *const *rows, int k, const float *w,
			    const float *bias, int m, float *out,
			    size_t ostride, int n)
{
	for (int o = 0; o < m;) {
		int step = o + 4 <= m ? 4 : 1;
		int i = step == 4 ? block4(rows, k, w, bias, o, out, ostride, n) :
				    block1(rows, k, w, bias, o, out, ostride, n);

		for (int q = o; q < o + step; q++) {
			const float *wo = w + (size_t)q * k;
			float *d = out + (size_t)q * ostride;

			for (int t = i; t < n; t++) {
				float acc = bias[q];

				for (int j = 0; j < k; j++)
					acc += wo[j] * rows[j][t];
				d[t] = acc;
			}
		}
		o += step;
	}
}

const struct rd_netkern_ops rd_netkern_avx2 = {
	.name = "avx2",
	.conv_rows_f32 = v_conv_rows_f32,
};

#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif /* __x86_64__ */
