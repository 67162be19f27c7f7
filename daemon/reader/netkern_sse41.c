// SPDX-License-Identifier: MIT
/*
 * netkern_sse41.c - SSE4.1 twin of netkern_scalar.c: blocks of 4 outputs x
 * 8 positions held in eight registers over all k taps (each input load is
 * used four times), then 4 x 4, then single outputs; the last n % 4
 * positions in scalar code. Products are rounded before the add, as in the
 * scalar reference.
 */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("sse4.1"))), apply_to = function)
#else
#pragma GCC target("sse4.1")
#endif
#include <smmintrin.h>
#include "reader/netkern.h"

static inline __m128 madd(__m128 acc, __m128 w, __m128 x)
{
	return _mm_add_ps(acc, _mm_mul_ps(w, x));
}

/* Outputs o .. o + 3, positions from i in steps of 8 then 4; returns
 * where it stopped. */
static int block4(const float *const *rows, int k, const float *w,
		  const float *bias, int o, float *out, size_t ostride, int n)
{
	const float *w0 = w + (size_t)o * k, *w1 = w0 + k, *w2 = w1 + k,
		    *w3 = w2 + k;
	float *d0 = out + (size_t)o * ostride;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m128 a0 = _mm_set1_ps(bias[o]), a1 = _mm_set1_ps(bias[o + 1]);
		__m128 a2 = _mm_set1_ps(bias[o + 2]), a3 = _mm_set1_ps(bias[o + 3]);
		__m128 b0 = a0, b1 = a1, b2 = a2, b3 = a3;

		for (int j = 0; j < k; j++) {
			__m128 x = _mm_loadu_ps(rows[j] + i);
			__m128 y = _mm_loadu_ps(rows[j] + i + 4);
			__m128 c;

			c = _mm_load1_ps(w0 + j);
			a0 = madd(a0, c, x);
			b0 = madd(b0, c, y);
			c = _mm_load1_ps(w1 + j);
			a1 = madd(a1, c, x);
			b1 = madd(b1, c, y);
			c = _mm_load1_ps(w2 + j);
			a2 = madd(a2, c, x);
			b2 = madd(b2, c, y);
			c = _mm_load1_ps(w3 + j);
			a3 = madd(a3, c, x);
			b3 = madd(b3, c, y);
		}
		_mm_storeu_ps(d0 + i, a0);
		_mm_storeu_ps(d0 + i + 4, b0);
		_mm_storeu_ps(d0 + ostride + i, a1);
		_mm_storeu_ps(d0 + ostride + i + 4, b1);
		_mm_storeu_ps(d0 + 2 * ostride + i, a2);
		_mm_storeu_ps(d0 + 2 * ostride + i + 4, b2);
		_mm_storeu_ps(d0 + 3 * ostride + i, a3);
		_mm_storeu_ps(d0 + 3 * ostride + i + 4, b3);
	}
	for (; i + 4 <= n; i += 4) {
		__m128 a0 = _mm_set1_ps(bias[o]), a1 = _mm_set1_ps(bias[o + 1]);
		__m128 a2 = _mm_set1_ps(bias[o + 2]), a3 = _mm_set1_ps(bias[o + 3]);

		for (int j = 0; j < k; j++) {
			__m128 x = _mm_loadu_ps(rows[j] + i);

			a0 = madd(a0, _mm_load1_ps(w0 + j), x);
			a1 = madd(a1, _mm_load1_ps(w1 + j), x);
			a2 = madd(a2, _mm_load1_ps(w2 + j), x);
			a3 = madd(a3, _mm_load1_ps(w3 + j), x);
		}
		_mm_storeu_ps(d0 + i, a0);
		_mm_storeu_ps(d0 + ostride + i, a1);
		_mm_storeu_ps(d0 + 2 * ostride + i, a2);
		_mm_storeu_ps(d0 + 3 * ostride + i, a3);
	}
	return i;
}

static int block1(const float *const *rows, int k, const float *w,
		  const float *bias, int o, float *out, size_t ostride, int n)
{
	const float *wo = w + (size_t)o * k;
	float *d = out + (size_t)o * ostride;
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128 a = _mm_set1_ps(bias[o]);

		for (int j = 0; j < k; j++)
			a = madd(a, _mm_load1_ps(wo + j),
				 _mm_loadu_ps(rows[j] + i));
		_mm_storeu_ps(d + i, a);
	}
	return i;
}

static void x_conv_rows_f32(const float *const *rows, int k, const float *w,
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

const struct rd_netkern_ops rd_netkern_sse41 = {
	.name = "sse4.1",
	.conv_rows_f32 = x_conv_rows_f32,
};

#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif /* __x86_64__ */
