// SPDX-License-Identifier: MIT
/*
 * kern_neon.c - NEON (aarch64) twins of the kernels in kern_scalar.c. Tails
 * use the scalar arithmetic, so integer results are bit-identical.
 */
#if defined(__aarch64__)
#include <arm_neon.h>
#include <stdlib.h>

#include "reader/anpr_kern.h"

static uint8_t sat_u8(int32_t v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static int32_t round_shift(int32_t acc, int shift)
{
	if (shift <= 0)
		return acc;
	return (acc + (1 << (shift - 1))) >> shift;
}

static void n_rgb_to_grey(const uint8_t *rgb, uint8_t *dst, int n)
{
	const uint8x8_t wr = vdup_n_u8(77), wg = vdup_n_u8(150), wb = vdup_n_u8(29);
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		uint8x8x3_t p = vld3_u8(rgb + 3 * i);
		uint16x8_t s = vmull_u8(p.val[0], wr);

		s = vmlal_u8(s, p.val[1], wg);
		s = vmlal_u8(s, p.val[2], wb);
		vst1_u8(dst + i, vrshrn_n_u16(s, 8));
	}
	for (; i < n; i++) {
		const uint8_t *p = rgb + 3 * i;

		dst[i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
	}
}

static void n_halve_row(const uint8_t *r0, const uint8_t *r1, uint8_t *dst,
			int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		uint16x8_t s = vpaddlq_u8(vld1q_u8(r0 + 2 * i));

		s = vpadalq_u8(s, vld1q_u8(r1 + 2 * i));
		vst1_u8(dst + i, vrshrn_n_u16(s, 2));
	}
	for (; i < n; i++)
		dst[i] = (uint8_t)((r0[2 * i] + r0[2 * i + 1] + r1[2 * i] +
				    r1[2 * i + 1] + 2) >> 2);
}

static void n_lerp_rows(const uint8_t *r0, const uint8_t *r1, int wy,
			uint16_t *dst, int n)
{
	const uint16x8_t w0 = vdupq_n_u16((uint16_t)(256 - wy));
	const uint16x8_t w1 = vdupq_n_u16((uint16_t)wy);
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		uint16x8_t a = vmovl_u8(vld1_u8(r0 + i));
		uint16x8_t b = vmovl_u8(vld1_u8(r1 + i));

		vst1q_u16(dst + i, vmlaq_u16(vmulq_u16(a, w0), b, w1));
	}
	for (; i < n; i++)
		dst[i] = (uint16_t)(r0[i] * (256 - wy) + r1[i] * wy);
}

static inline int16x8_t ld8s(const uint8_t *p)
{
	return vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p)));
}

static void n_sobel_row(const uint8_t *a, const uint8_t *b, const uint8_t *c,
			int16_t *gx, int16_t *gy, int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		int16x8_t a0 = ld8s(a + i), a1 = ld8s(a + i + 1), a2 = ld8s(a + i + 2);
		int16x8_t b0 = ld8s(b + i), b2 = ld8s(b + i + 2);
		int16x8_t c0 = ld8s(c + i), c1 = ld8s(c + i + 1), c2 = ld8s(c + i + 2);
		int16x8_t r = vaddq_s16(vaddq_s16(a2, c2), vshlq_n_s16(b2, 1));
		int16x8_t l = vaddq_s16(vaddq_s16(a0, c0), vshlq_n_s16(b0, 1));
		int16x8_t d = vaddq_s16(vaddq_s16(c0, c2), vshlq_n_s16(c1, 1));
		int16x8_t u = vaddq_s16(vaddq_s16(a0, a2), vshlq_n_s16(a1, 1));

		vst1q_s16(gx + i, vsubq_s16(r, l));
		vst1q_s16(gy + i, vsubq_s16(d, u));
	}
	for (; i < n; i++) {
		gx[i] = (int16_t)((a[i + 2] + 2 * b[i + 2] + c[i + 2]) -
				  (a[i] + 2 * b[i] + c[i]));
		gy[i] = (int16_t)((c[i] + 2 * c[i + 1] + c[i + 2]) -
				  (a[i] + 2 * a[i + 1] + a[i + 2]));
	}
}

static void n_gradmag_row(const int16_t *gx, const int16_t *gy, uint8_t *dst,
			  int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		uint16x8_t x = vreinterpretq_u16_s16(vabsq_s16(vld1q_s16(gx + i)));
		uint16x8_t y = vreinterpretq_u16_s16(vabsq_s16(vld1q_s16(gy + i)));
		uint16x8_t m = vshrq_n_u16(vqaddq_u16(x, y), 2);

		vst1_u8(dst + i, vqmovn_u16(m));
	}
	for (; i < n; i++) {
		int m = (abs(gx[i]) + abs(gy[i])) >> 2;

		dst[i] = (uint8_t)(m > 255 ? 255 : m);
	}
}

static void n_integral_row(const uint8_t *src, const uint32_t *prev,
			   uint32_t *out, int n)
{
	uint32_t run = 0;
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		uint32x4_t v = { src[i], src[i + 1], src[i + 2], src[i + 3] };
		const uint32x4_t z = vdupq_n_u32(0);

		v = vaddq_u32(v, vextq_u32(z, v, 3));
		v = vaddq_u32(v, vextq_u32(z, v, 2));
		v = vaddq_u32(v, vdupq_n_u32(run));
		run = vgetq_lane_u32(v, 3);
		vst1q_u32(out + i, vaddq_u32(v, vld1q_u32(prev + i)));
	}
	for (; i < n; i++) {
		run += src[i];
		out[i] = prev[i] + run;
	}
}

static void n_threshold_row(const uint8_t *src, uint8_t t, uint8_t *dst, int n)
{
	const uint8x16_t tv = vdupq_n_u8(t);
	int i = 0;

	for (; i + 16 <= n; i += 16)
		vst1q_u8(dst + i, vcgtq_u8(vld1q_u8(src + i), tv));
	for (; i < n; i++)
		dst[i] = src[i] > t ? 255 : 0;
}

static void n_local_mean_row(const uint8_t *src, const uint32_t *top,
			     const uint32_t *bot, int r, uint32_t area,
			     uint32_t offa, uint8_t *dst, int n)
{
	const int d = 2 * r + 1;
	const int32x4_t ov = vdupq_n_s32((int32_t)offa);
	const uint32x4_t one = vdupq_n_u32(1), two = vdupq_n_u32(2);
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		uint16x8_t px = vmovl_u8(vld1_u8(src + i));
		uint16x4_t h[2] = { vget_low_u16(px), vget_high_u16(px) };
		uint16x4_t res[2];

		for (int k = 0; k < 2; k++) {
			const int o = i + 4 * k;
			uint32x4_t su = vsubq_u32(vaddq_u32(vld1q_u32(bot + o + d),
							    vld1q_u32(top + o)),
						  vaddq_u32(vld1q_u32(bot + o),
							    vld1q_u32(top + o + d)));
			int32x4_t s = vreinterpretq_s32_u32(su);
			int32x4_t v = vreinterpretq_s32_u32(vmulq_n_u32(vmovl_u16(h[k]), area));
			uint32x4_t dark = vandq_u32(vcltq_s32(vaddq_s32(v, ov), s), one);
			uint32x4_t brt = vandq_u32(vcgtq_s32(v, vaddq_s32(s, ov)), two);

			res[k] = vmovn_u32(vorrq_u32(dark, brt));
		}
		vst1_u8(dst + i, vmovn_u16(vcombine_u16(res[0], res[1])));
	}
	for (; i < n; i++) {
		int32_t sum = (int32_t)(bot[i + d] - bot[i] - top[i + d] + top[i]);
		int32_t v = (int32_t)(src[i] * area);
		int32_t o = (int32_t)offa;

		dst[i] = (uint8_t)((v + o < sum ? 1 : 0) | (v > sum + o ? 2 : 0));
	}
}

static inline int32x4_t rshift4(int32x4_t acc, int shift)
{
	if (shift <= 0)
		return acc;
	acc = vaddq_s32(acc, vdupq_n_s32(1 << (shift - 1)));
	return vshlq_s32(acc, vdupq_n_s32(-shift));
}

static inline void store8_sat(uint8_t *dst, int32x4_t lo, int32x4_t hi)
{
	int16x8_t p = vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi));

	vst1_u8(dst, vqmovun_s16(p));
}

static void n_conv_h_row(const uint8_t *src, const int16_t *k, int taps,
			 int shift, uint8_t *dst, int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);

		for (int j = 0; j < taps; j++) {
			int16x8_t v = ld8s(src + i + j);

			lo = vmlal_n_s16(lo, vget_low_s16(v), k[j]);
			hi = vmlal_n_s16(hi, vget_high_s16(v), k[j]);
		}
		store8_sat(dst + i, rshift4(lo, shift), rshift4(hi, shift));
	}
	for (; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += src[i + j] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static void n_conv_v_row(const uint8_t *const *rows, const int16_t *k,
			 int taps, int shift, uint8_t *dst, int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);

		for (int j = 0; j < taps; j++) {
			int16x8_t v = ld8s(rows[j] + i);

			lo = vmlal_n_s16(lo, vget_low_s16(v), k[j]);
			hi = vmlal_n_s16(hi, vget_high_s16(v), k[j]);
		}
		store8_sat(dst + i, rshift4(lo, shift), rshift4(hi, shift));
	}
	for (; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += rows[j][i] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static float n_dot_f32(const float *a, const float *b, int n)
{
	float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0);
	float s;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		s0 = vmlaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
		s1 = vmlaq_f32(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
	}
	s = vaddvq_f32(vaddq_f32(s0, s1));
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t n_dot_s16(const int16_t *a, const int16_t *b, int n)
{
	int32x4_t acc = vdupq_n_s32(0);
	int32_t s;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		int16x8_t x = vld1q_s16(a + i), y = vld1q_s16(b + i);

		acc = vmlal_s16(acc, vget_low_s16(x), vget_low_s16(y));
		acc = vmlal_s16(acc, vget_high_s16(x), vget_high_s16(y));
	}
	s = vaddvq_s32(acc);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t n_dot_s8(const int8_t *a, const int8_t *b, int n)
{
	int32x4_t acc = vdupq_n_s32(0);
	int32_t s;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		int16x8_t p = vmull_s8(vld1_s8(a + i), vld1_s8(b + i));

		acc = vpadalq_s16(acc, p);
	}
	s = vaddvq_s32(acc);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void n_axpy_f32(float a, const float *x, float *y, int n)
{
	int i = 0;

	for (; i + 4 <= n; i += 4)
		vst1q_f32(y + i, vmlaq_n_f32(vld1q_f32(y + i), vld1q_f32(x + i), a));
	for (; i < n; i++)
		y[i] += a * x[i];
}


static void n_pack_mask_row(const uint8_t *src, uint8_t bits, uint64_t *dst,
			    int n)
{
	static const uint8_t wt[16] = { 1, 2, 4, 8, 16, 32, 64, 128,
					 1, 2, 4, 8, 16, 32, 64, 128 };
	const uint8x16_t m = vdupq_n_u8(bits), w = vld1q_u8(wt);
	int i = 0;

	for (; i + 64 <= n; i += 64) {
		uint64_t word = 0;

		for (int k = 0; k < 4; k++) {
			uint8x16_t t = vandq_u8(vtstq_u8(vld1q_u8(src + i + 16 * k), m), w);
			uint64_t lo = vaddv_u8(vget_low_u8(t));
			uint64_t hi = vaddv_u8(vget_high_u8(t));

			word |= (lo | hi << 8) << (16 * k);
		}
		dst[i / 64] = word;
	}
	for (; i < n; i++) {
		if (i % 64 == 0)
			dst[i / 64] = 0;
		if (src[i] & bits)
			dst[i / 64] |= 1ull << (i % 64);
	}
}

const struct anpr_kern_ops anpr_kern_neon = {
	.name = "neon",
	.level = ANPR_SIMD_NEON,
	.rgb_to_grey = n_rgb_to_grey,
	.halve_row = n_halve_row,
	.lerp_rows = n_lerp_rows,
	.sobel_row = n_sobel_row,
	.gradmag_row = n_gradmag_row,
	.integral_row = n_integral_row,
	.threshold_row = n_threshold_row,
	.local_mean_row = n_local_mean_row,
	.conv_h_row = n_conv_h_row,
	.conv_v_row = n_conv_v_row,
	.dot_f32 = n_dot_f32,
	.dot_s16 = n_dot_s16,
	.dot_s8 = n_dot_s8,
	.axpy_f32 = n_axpy_f32,
	.pack_mask_row = n_pack_mask_row,
};
#else
/* Not aarch64: this translation unit is intentionally empty. */
typedef int anpr_kern_neon_unused;
#endif
