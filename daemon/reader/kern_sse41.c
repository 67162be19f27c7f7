// SPDX-License-Identifier: MIT
/*
 * kern_sse41.c - SSE4.1 twins of the kernels in kern_scalar.c. Each handles
 * the bulk of the row in vectors and the tail with the same arithmetic as
 * the scalar reference, so results are bit-identical (integer kernels).
 */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("sse4.1"))), apply_to = function)
#else
#pragma GCC target("sse4.1")
#endif
#include <smmintrin.h>
#include <stdlib.h>
#include <string.h>

#include "reader/anpr_kern.h"

static inline __m128i load_u32(const void *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v));
	return _mm_cvtsi32_si128(v);
}

static inline __m128i load_u64(const void *p)
{
	return _mm_loadl_epi64((const __m128i *)p);
}

static void x_rgb_to_grey(const uint8_t *rgb, uint8_t *dst, int n)
{
	/* Two pixels per 16-bit quad: R G B 0 | R G B 0 ... */
	const __m128i sh0 = _mm_setr_epi8(0, -1, 1, -1, 2, -1, -1, -1,
					  3, -1, 4, -1, 5, -1, -1, -1);
	const __m128i sh1 = _mm_setr_epi8(6, -1, 7, -1, 8, -1, -1, -1,
					  9, -1, 10, -1, 11, -1, -1, -1);
	const __m128i wt = _mm_setr_epi16(77, 150, 29, 0, 77, 150, 29, 0);
	const __m128i rnd = _mm_set1_epi32(128);
	int i = 0;

	/* 4 pixels = 12 bytes per step; the 16-byte load needs 4 spare bytes. */
	for (; i + 4 <= n && 3 * i + 16 <= 3 * n; i += 4) {
		__m128i v = _mm_loadu_si128((const __m128i *)(rgb + 3 * i));
		__m128i a = _mm_madd_epi16(_mm_shuffle_epi8(v, sh0), wt);
		__m128i b = _mm_madd_epi16(_mm_shuffle_epi8(v, sh1), wt);
		__m128i s = _mm_hadd_epi32(a, b);

		s = _mm_srli_epi32(_mm_add_epi32(s, rnd), 8);
		s = _mm_packus_epi32(s, s);
		s = _mm_packus_epi16(s, s);
		int32_t out = _mm_cvtsi128_si32(s);

		memcpy(dst + i, &out, 4);
	}
	for (; i < n; i++) {
		const uint8_t *p = rgb + 3 * i;

		dst[i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
	}
}

static void x_halve_row(const uint8_t *r0, const uint8_t *r1, uint8_t *dst,
			int n)
{
	const __m128i ones = _mm_set1_epi8(1);
	const __m128i two = _mm_set1_epi16(2);
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m128i a = _mm_loadu_si128((const __m128i *)(r0 + 2 * i));
		__m128i b = _mm_loadu_si128((const __m128i *)(r1 + 2 * i));
		__m128i s = _mm_add_epi16(_mm_maddubs_epi16(a, ones),
					  _mm_maddubs_epi16(b, ones));

		s = _mm_srli_epi16(_mm_add_epi16(s, two), 2);
		_mm_storel_epi64((__m128i *)(dst + i), _mm_packus_epi16(s, s));
	}
	for (; i < n; i++)
		dst[i] = (uint8_t)((r0[2 * i] + r0[2 * i + 1] + r1[2 * i] +
				    r1[2 * i + 1] + 2) >> 2);
}

static void x_lerp_rows(const uint8_t *r0, const uint8_t *r1, int wy,
			uint16_t *dst, int n)
{
	const __m128i w0 = _mm_set1_epi16((short)(256 - wy));
	const __m128i w1 = _mm_set1_epi16((short)wy);
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m128i a = _mm_cvtepu8_epi16(load_u64(r0 + i));
		__m128i b = _mm_cvtepu8_epi16(load_u64(r1 + i));
		__m128i s = _mm_add_epi16(_mm_mullo_epi16(a, w0),
					  _mm_mullo_epi16(b, w1));

		_mm_storeu_si128((__m128i *)(dst + i), s);
	}
	for (; i < n; i++)
		dst[i] = (uint16_t)(r0[i] * (256 - wy) + r1[i] * wy);
}

static void x_sobel_row(const uint8_t *a, const uint8_t *b, const uint8_t *c,
			int16_t *gx, int16_t *gy, int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m128i a0 = _mm_cvtepu8_epi16(load_u64(a + i));
		__m128i a1 = _mm_cvtepu8_epi16(load_u64(a + i + 1));
		__m128i a2 = _mm_cvtepu8_epi16(load_u64(a + i + 2));
		__m128i b0 = _mm_cvtepu8_epi16(load_u64(b + i));
		__m128i b2 = _mm_cvtepu8_epi16(load_u64(b + i + 2));
		__m128i c0 = _mm_cvtepu8_epi16(load_u64(c + i));
		__m128i c1 = _mm_cvtepu8_epi16(load_u64(c + i + 1));
		__m128i c2 = _mm_cvtepu8_epi16(load_u64(c + i + 2));
		__m128i r = _mm_add_epi16(_mm_add_epi16(a2, c2),
					  _mm_slli_epi16(b2, 1));
		__m128i l = _mm_add_epi16(_mm_add_epi16(a0, c0),
					  _mm_slli_epi16(b0, 1));
		__m128i d = _mm_add_epi16(_mm_add_epi16(c0, c2),
					  _mm_slli_epi16(c1, 1));
		__m128i u = _mm_add_epi16(_mm_add_epi16(a0, a2),
					  _mm_slli_epi16(a1, 1));

		_mm_storeu_si128((__m128i *)(gx + i), _mm_sub_epi16(r, l));
		_mm_storeu_si128((__m128i *)(gy + i), _mm_sub_epi16(d, u));
	}
	for (; i < n; i++) {
		gx[i] = (int16_t)((a[i + 2] + 2 * b[i + 2] + c[i + 2]) -
				  (a[i] + 2 * b[i] + c[i]));
		gy[i] = (int16_t)((c[i] + 2 * c[i + 1] + c[i + 2]) -
				  (a[i] + 2 * a[i + 1] + a[i + 2]));
	}
}

static void x_gradmag_row(const int16_t *gx, const int16_t *gy, uint8_t *dst,
			  int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m128i x = _mm_abs_epi16(_mm_loadu_si128((const __m128i *)(gx + i)));
		__m128i y = _mm_abs_epi16(_mm_loadu_si128((const __m128i *)(gy + i)));
		/* |gx| + |gy| <= 2040 for Sobel input, but be safe: saturate. */
		__m128i m = _mm_srli_epi16(_mm_adds_epu16(x, y), 2);

		_mm_storel_epi64((__m128i *)(dst + i), _mm_packus_epi16(m, m));
	}
	for (; i < n; i++) {
		int m = (abs(gx[i]) + abs(gy[i])) >> 2;

		dst[i] = (uint8_t)(m > 255 ? 255 : m);
	}
}

static void x_integral_row(const uint8_t *src, const uint32_t *prev,
			   uint32_t *out, int n)
{
	__m128i carry = _mm_setzero_si128();
	uint32_t run;
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128i v = _mm_cvtepu8_epi32(load_u32(src + i));

		v = _mm_add_epi32(v, _mm_slli_si128(v, 4));
		v = _mm_add_epi32(v, _mm_slli_si128(v, 8));
		v = _mm_add_epi32(v, carry);
		carry = _mm_shuffle_epi32(v, 0xff);
		_mm_storeu_si128((__m128i *)(out + i),
				 _mm_add_epi32(v, _mm_loadu_si128((const __m128i *)(prev + i))));
	}
	run = (uint32_t)_mm_cvtsi128_si32(carry);
	for (; i < n; i++) {
		run += src[i];
		out[i] = prev[i] + run;
	}
}

static void x_threshold_row(const uint8_t *src, uint8_t t, uint8_t *dst, int n)
{
	const __m128i bias = _mm_set1_epi8((char)0x80);
	const __m128i tv = _mm_set1_epi8((char)(t ^ 0x80));
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(src + i)),
					  bias);

		_mm_storeu_si128((__m128i *)(dst + i), _mm_cmpgt_epi8(v, tv));
	}
	for (; i < n; i++)
		dst[i] = src[i] > t ? 255 : 0;
}

static void x_local_mean_row(const uint8_t *src, const uint32_t *top,
			     const uint32_t *bot, int r, uint32_t area,
			     uint32_t offa, uint8_t *dst, int n)
{
	const int d = 2 * r + 1;
	const __m128i av = _mm_set1_epi32((int)area);
	const __m128i ov = _mm_set1_epi32((int)offa);
	const __m128i one = _mm_set1_epi32(1);
	const __m128i two = _mm_set1_epi32(2);
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128i s = _mm_sub_epi32(
			_mm_add_epi32(_mm_loadu_si128((const __m128i *)(bot + i + d)),
				      _mm_loadu_si128((const __m128i *)(top + i))),
			_mm_add_epi32(_mm_loadu_si128((const __m128i *)(bot + i)),
				      _mm_loadu_si128((const __m128i *)(top + i + d))));
		__m128i v = _mm_mullo_epi32(_mm_cvtepu8_epi32(load_u32(src + i)), av);
		__m128i dark = _mm_and_si128(_mm_cmplt_epi32(_mm_add_epi32(v, ov), s), one);
		__m128i brt = _mm_and_si128(_mm_cmpgt_epi32(v, _mm_add_epi32(s, ov)), two);
		__m128i m = _mm_or_si128(dark, brt);

		m = _mm_packus_epi32(m, m);
		m = _mm_packus_epi16(m, m);
		int32_t o = _mm_cvtsi128_si32(m);

		memcpy(dst + i, &o, 4);
	}
	for (; i < n; i++) {
		int32_t sum = (int32_t)(bot[i + d] - bot[i] - top[i + d] + top[i]);
		int32_t v = (int32_t)(src[i] * area);
		int32_t o = (int32_t)offa;

		dst[i] = (uint8_t)((v + o < sum ? 1 : 0) | (v > sum + o ? 2 : 0));
	}
}

static inline __m128i round_shift4(__m128i acc, int shift)
{
	if (shift <= 0)
		return acc;
	acc = _mm_add_epi32(acc, _mm_set1_epi32(1 << (shift - 1)));
	return _mm_sra_epi32(acc, _mm_cvtsi32_si128(shift));
}

static inline void store4_sat(uint8_t *dst, __m128i v)
{
	v = _mm_packs_epi32(v, v);
	v = _mm_packus_epi16(v, v);
	int32_t o = _mm_cvtsi128_si32(v);

	memcpy(dst, &o, 4);
}

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

static void x_conv_h_row(const uint8_t *src, const int16_t *k, int taps,
			 int shift, uint8_t *dst, int n)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128i acc = _mm_setzero_si128();

		for (int j = 0; j < taps; j++) {
			__m128i v = _mm_cvtepu8_epi32(load_u32(src + i + j));

			acc = _mm_add_epi32(acc, _mm_mullo_epi32(v, _mm_set1_epi32(k[j])));
		}
		store4_sat(dst + i, round_shift4(acc, shift));
	}
	for (; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += src[i + j] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static void x_conv_v_row(const uint8_t *const *rows, const int16_t *k,
			 int taps, int shift, uint8_t *dst, int n)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128i acc = _mm_setzero_si128();

		for (int j = 0; j < taps; j++) {
			__m128i v = _mm_cvtepu8_epi32(load_u32(rows[j] + i));

			acc = _mm_add_epi32(acc, _mm_mullo_epi32(v, _mm_set1_epi32(k[j])));
		}
		store4_sat(dst + i, round_shift4(acc, shift));
	}
	for (; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += rows[j][i] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static inline float hsum_ps(__m128 v)
{
	v = _mm_add_ps(v, _mm_movehl_ps(v, v));
	v = _mm_add_ss(v, _mm_shuffle_ps(v, v, 1));
	return _mm_cvtss_f32(v);
}

static inline int32_t hsum_epi32(__m128i v)
{
	v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4e));
	v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xb1));
	return _mm_cvtsi128_si32(v);
}

static float x_dot_f32(const float *a, const float *b, int n)
{
	__m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps();
	float s;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
		s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(a + i + 4),
					       _mm_loadu_ps(b + i + 4)));
	}
	s = hsum_ps(_mm_add_ps(s0, s1));
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t x_dot_s16(const int16_t *a, const int16_t *b, int n)
{
	__m128i acc = _mm_setzero_si128();
	int32_t s;
	int i = 0;

	for (; i + 8 <= n; i += 8)
		acc = _mm_add_epi32(acc, _mm_madd_epi16(
			_mm_loadu_si128((const __m128i *)(a + i)),
			_mm_loadu_si128((const __m128i *)(b + i))));
	s = hsum_epi32(acc);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t x_dot_s8(const int8_t *a, const int8_t *b, int n)
{
	__m128i acc = _mm_setzero_si128();
	int32_t s;
	int i = 0;

	for (; i + 8 <= n; i += 8)
		acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_cvtepi8_epi16(load_u64(a + i)),
							_mm_cvtepi8_epi16(load_u64(b + i))));
	s = hsum_epi32(acc);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void x_axpy_f32(float a, const float *x, float *y, int n)
{
	const __m128 av = _mm_set1_ps(a);
	int i = 0;

	for (; i + 4 <= n; i += 4)
		_mm_storeu_ps(y + i, _mm_add_ps(_mm_loadu_ps(y + i),
						_mm_mul_ps(av, _mm_loadu_ps(x + i))));
	for (; i < n; i++)
		y[i] += a * x[i];
}


static void x_pack_mask_row(const uint8_t *src, uint8_t bits, uint64_t *dst,
			    int n)
{
	const __m128i m = _mm_set1_epi8((char)bits), z = _mm_setzero_si128();
	int i = 0;

	for (; i + 64 <= n; i += 64) {
		uint64_t w = 0;

		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_and_si128(_mm_loadu_si128((const __m128i *)(src + i + 16 * k)), m);
			uint32_t b = (uint32_t)(~_mm_movemask_epi8(_mm_cmpeq_epi8(v, z)) & 0xffff);

			w |= (uint64_t)b << (16 * k);
		}
		dst[i / 64] = w;
	}
	for (; i < n; i++) {
		if (i % 64 == 0)
			dst[i / 64] = 0;
		if (src[i] & bits)
			dst[i / 64] |= 1ull << (i % 64);
	}
}

const struct anpr_kern_ops anpr_kern_sse41 = {
	.name = "sse4.1",
	.level = ANPR_SIMD_SSE41,
	.rgb_to_grey = x_rgb_to_grey,
	.halve_row = x_halve_row,
	.lerp_rows = x_lerp_rows,
	.sobel_row = x_sobel_row,
	.gradmag_row = x_gradmag_row,
	.integral_row = x_integral_row,
	.threshold_row = x_threshold_row,
	.local_mean_row = x_local_mean_row,
	.conv_h_row = x_conv_h_row,
	.conv_v_row = x_conv_v_row,
	.dot_f32 = x_dot_f32,
	.dot_s16 = x_dot_s16,
	.dot_s8 = x_dot_s8,
	.axpy_f32 = x_axpy_f32,
	.pack_mask_row = x_pack_mask_row,
};
#if defined(__clang__)
#pragma clang attribute pop
#endif
#else
/* Not x86-64: this translation unit is intentionally empty. */
typedef int anpr_kern_sse41_unused;
#endif
