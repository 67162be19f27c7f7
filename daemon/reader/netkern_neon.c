// SPDX-License-Identifier: MIT
/*
 * netkern_neon.c - NEON (aarch64) twin of netkern_scalar.c: blocks of 4
 * outputs x 8 positions held in eight registers over all k taps (each input
 * load is used four times), then 4 x 4, then single outputs; the last
 * n % 4 positions in scalar code. Written as multiply then add; the
 * compiler may fuse them (netkern.h states the tolerance).
 */
#if defined(__aarch64__)
#include <arm_neon.h>
#include "reader/netkern.h"

static inline float32x4_t madd(float32x4_t acc, float32x4_t w, float32x4_t x)
{
	return vaddq_f32(acc, vmulq_f32(w, x));
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
		float32x4_t a0 = vdupq_n_f32(bias[o]), a1 = vdupq_n_f32(bias[o + 1]);
		float32x4_t a2 = vdupq_n_f32(bias[o + 2]), a3 = vdupq_n_f32(bias[o + 3]);
		float32x4_t b0 = a0, b1 = a1, b2 = a2, b3 = a3;

		for (int j = 0; j < k; j++) {
			float32x4_t x = vld1q_f32(rows[j] + i);
			float32x4_t y = vld1q_f32(rows[j] + i + 4);
			float32x4_t c;

			c = vld1q_dup_f32(w0 + j);
			a0 = madd(a0, c, x);
			b0 = madd(b0, c, y);
			c = vld1q_dup_f32(w1 + j);
			a1 = madd(a1, c, x);
			b1 = madd(b1, c, y);
			c = vld1q_dup_f32(w2 + j);
			a2 = madd(a2, c, x);
			b2 = madd(b2, c, y);
			c = vld1q_dup_f32(w3 + j);
			a3 = madd(a3, c, x);
			b3 = madd(b3, c, y);
		}
		vst1q_f32(d0 + i, a0);
		vst1q_f32(d0 + i + 4, b0);
		vst1q_f32(d0 + ostride + i, a1);
		vst1q_f32(d0 + ostride + i + 4, b1);
		vst1q_f32(d0 + 2 * ostride + i, a2);
		vst1q_f32(d0 + 2 * ostride + i + 4, b2);
		vst1q_f32(d0 + 3 * ostride + i, a3);
		vst1q_f32(d0 + 3 * ostride + i + 4, b3);
	}
	for (; i + 4 <= n; i += 4) {
		float32x4_t a0 = vdupq_n_f32(bias[o]), a1 = vdupq_n_f32(bias[o + 1]);
		float32x4_t a2 = vdupq_n_f32(bias[o + 2]), a3 = vdupq_n_f32(bias[o + 3]);

		for (int j = 0; j < k; j++) {
			float32x4_t x = vld1q_f32(rows[j] + i);

			a0 = madd(a0, vld1q_dup_f32(w0 + j), x);
			a1 = madd(a1, vld1q_dup_f32(w1 + j), x);
			a2 = madd(a2, vld1q_dup_f32(w2 + j), x);
			a3 = madd(a3, vld1q_dup_f32(w3 + j), x);
		}
		vst1q_f32(d0 + i, a0);
		vst1q_f32(d0 + ostride + i, a1);
		vst1q_f32(d0 + 2 * ostride + i, a2);
		vst1q_f32(d0 + 3 * ostride + i, a3);
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
		float32x4_t a = vdupq_n_f32(bias[o]);

		for (int j = 0; j < k; j++)
			a = madd(a, vld1q_dup_f32(wo + j),
				 vld1q_f32(rows[j] + i));
		vst1q_f32(d + i, a);
	}
	return i;
}

static void n_conv_rows_f32(const float *const *rows, int k, const float *w,
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

const struct rd_netkern_ops rd_netkern_neon = {
	.name = "neon",
	.conv_rows_f32 = n_conv_rows_f32,
};

#endif /* __aarch64__ */
