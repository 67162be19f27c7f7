// SPDX-License-Identifier: MIT
/*
 * kern_scalar.c - scalar reference of every kernel in anpr_kern.h. The SIMD
 * twins must match these (bit for bit for integer kernels).
 */
#include <stdlib.h>

#include "reader/anpr_kern.h"

/* A true scalar reference: no auto-vectorisation (benchmarks compare it).
 * (gcc builds the library; clang builds only the fuzzers.) */
#if !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize")
#endif

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

static void s_rgb_to_grey(const uint8_t *rgb, uint8_t *dst, int n)
{
	for (int i = 0; i < n; i++) {
		const uint8_t *p = rgb + 3 * i;

		dst[i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
	}
}

static void s_halve_row(const uint8_t *r0, const uint8_t *r1, uint8_t *dst,
			int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = (uint8_t)((r0[2 * i] + r0[2 * i + 1] + r1[2 * i] +
				    r1[2 * i + 1] + 2) >> 2);
}

static void s_lerp_rows(const uint8_t *r0, const uint8_t *r1, int wy,
			uint16_t *dst, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = (uint16_t)(r0[i] * (256 - wy) + r1[i] * wy);
}

static void s_sobel_row(const uint8_t *a, const uint8_t *b, const uint8_t *c,
			int16_t *gx, int16_t *gy, int n)
{
	for (int i = 0; i < n; i++) {
		int x = (a[i + 2] + 2 * b[i + 2] + c[i + 2]) -
			(a[i] + 2 * b[i] + c[i]);
		int y = (c[i] + 2 * c[i + 1] + c[i + 2]) -
			(a[i] + 2 * a[i + 1] + a[i + 2]);

		gx[i] = (int16_t)x;
		gy[i] = (int16_t)y;
	}
}

static void s_gradmag_row(const int16_t *gx, const int16_t *gy, uint8_t *dst,
			  int n)
{
	for (int i = 0; i < n; i++) {
		int m = (abs(gx[i]) + abs(gy[i])) >> 2;

		dst[i] = (uint8_t)(m > 255 ? 255 : m);
	}
}

static void s_integral_row(const uint8_t *src, const uint32_t *prev,
			   uint32_t *out, int n)
{
	uint32_t run = 0;

	for (int i = 0; i < n; i++) {
		run += src[i];
		out[i] = prev[i] + run;
	}
}

static void s_threshold_row(const uint8_t *src, uint8_t t, uint8_t *dst, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = src[i] > t ? 255 : 0;
}

static void s_local_mean_row(const uint8_t *src, const uint32_t *top,
			     const uint32_t *bot, int r, uint32_t area,
			     uint32_t offa, uint8_t *dst, int n)
{
	int d = 2 * r + 1;

	for (int i = 0; i < n; i++) {
		int32_t sum = (int32_t)(bot[i + d] - bot[i] - top[i + d] + top[i]);
		int32_t v = (int32_t)(src[i] * area);
		int32_t o = (int32_t)offa;

		dst[i] = (uint8_t)((v + o < sum ? 1 : 0) | (v > sum + o ? 2 : 0));
	}
}

static void s_conv_h_row(const uint8_t *src, const int16_t *k, int taps,
			 int shift, uint8_t *dst, int n)
{
	for (int i = 0; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += src[i + j] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static void s_conv_v_row(const uint8_t *const *rows, const int16_t *k,
			 int taps, int shift, uint8_t *dst, int n)
{
	for (int i = 0; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += rows[j][i] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static float s_dot_f32(const float *a, const float *b, int n)
{
	float s = 0.0f;

	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t s_dot_s16(const int16_t *a, const int16_t *b, int n)
{
	int32_t s = 0;

	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t s_dot_s8(const int8_t *a, const int8_t *b, int n)
{
	int32_t s = 0;

	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void s_axpy_f32(float a, const float *x, float *y, int n)
{
	for (int i = 0; i < n; i++)
		y[i] += a * x[i];
}


static void s_pack_mask_row(const uint8_t *src, uint8_t bits, uint64_t *dst,
			    int n)
{
	for (int w = 0; w < (n + 63) / 64; w++)
		dst[w] = 0;
	for (int i = 0; i < n; i++)
		if (src[i] & bits)
			dst[i / 64] |= 1ull << (i % 64);
}

const struct anpr_kern_ops anpr_kern_scalar = {
	.name = "scalar",
	.level = ANPR_SIMD_SCALAR,
	.rgb_to_grey = s_rgb_to_grey,
	.halve_row = s_halve_row,
	.lerp_rows = s_lerp_rows,
	.sobel_row = s_sobel_row,
	.gradmag_row = s_gradmag_row,
	.integral_row = s_integral_row,
	.threshold_row = s_threshold_row,
	.local_mean_row = s_local_mean_row,
	.conv_h_row = s_conv_h_row,
	.conv_v_row = s_conv_v_row,
	.dot_f32 = s_dot_f32,
	.dot_s16 = s_dot_s16,
	.dot_s8 = s_dot_s8,
	.axpy_f32 = s_axpy_f32,
	.pack_mask_row = s_pack_mask_row,
};
