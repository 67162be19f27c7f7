// SPDX-License-Identifier: MIT
/*
 * kern_avx2.c - AVX2 twins of the kernels in kern_scalar.c (256-bit lanes;
 * tails use the scalar arithmetic, so integer results are bit-identical).
 * No FMA: products are rounded before the add, as in the scalar code.
 */
#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC target("avx2")
#endif
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "reader/anpr_kern.h"

static inline __m128i load_u64(const void *p)
{
	return _mm_loadl_epi64((const __m128i *)p);
}

static inline __m128i load_u128(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
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

static void v_rgb_to_grey(const uint8_t *rgb, uint8_t *dst, int n)
{
	const __m256i sh0 = _mm256_setr_epi8(0, -1, 1, -1, 2, -1, -1, -1,
					     3, -1, 4, -1, 5, -1, -1, -1,
					     0, -1, 1, -1, 2, -1, -1, -1,
					     3, -1, 4, -1, 5, -1, -1, -1);
	const __m256i sh1 = _mm256_setr_epi8(6, -1, 7, -1, 8, -1, -1, -1,
					     9, -1, 10, -1, 11, -1, -1, -1,
					     6, -1, 7, -1, 8, -1, -1, -1,
					     9, -1, 10, -1, 11, -1, -1, -1);
	const __m256i wt = _mm256_setr_epi16(77, 150, 29, 0, 77, 150, 29, 0,
					     77, 150, 29, 0, 77, 150, 29, 0);
	const __m256i rnd = _mm256_set1_epi32(128);
	int i = 0;

	/* 8 pixels per step: two 16-byte loads 12 bytes apart. */
	for (; i + 8 <= n && 3 * i + 28 <= 3 * n; i += 8) {
		__m256i v = _mm256_set_m128i(load_u128(rgb + 3 * i + 12),
					     load_u128(rgb + 3 * i));
		__m256i a = _mm256_madd_epi16(_mm256_shuffle_epi8(v, sh0), wt);
		__m256i b = _mm256_madd_epi16(_mm256_shuffle_epi8(v, sh1), wt);
		__m256i s = _mm256_hadd_epi32(a, b);

		s = _mm256_srli_epi32(_mm256_add_epi32(s, rnd), 8);
		s = _mm256_packus_epi32(s, s);
		s = _mm256_packus_epi16(s, s);
		int32_t lo = _mm_cvtsi128_si32(_mm256_castsi256_si128(s));
		int32_t hi = _mm_cvtsi128_si32(_mm256_extracti128_si256(s, 1));

		memcpy(dst + i, &lo, 4);
		memcpy(dst + i + 4, &hi, 4);
	}
	for (; i < n; i++) {
		const uint8_t *p = rgb + 3 * i;

		dst[i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
	}
}

static void v_halve_row(const uint8_t *r0, const uint8_t *r1, uint8_t *dst,
			int n)
{
	const __m256i ones = _mm256_set1_epi8(1);
	const __m256i two = _mm256_set1_epi16(2);
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(r0 + 2 * i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(r1 + 2 * i));
		__m256i s = _mm256_add_epi16(_mm256_maddubs_epi16(a, ones),
					     _mm256_maddubs_epi16(b, ones));

		s = _mm256_srli_epi16(_mm256_add_epi16(s, two), 2);
		s = _mm256_packus_epi16(s, s);
		s = _mm256_permute4x64_epi64(s, 0x08);
		_mm_storeu_si128((__m128i *)(dst + i), _mm256_castsi256_si128(s));
	}
	for (; i < n; i++)
		dst[i] = (uint8_t)((r0[2 * i] + r0[2 * i + 1] + r1[2 * i] +
				    r1[2 * i + 1] + 2) >> 2);
}

static void v_lerp_rows(const uint8_t *r0, const uint8_t *r1, int wy,
			uint16_t *dst, int n)
{
	const __m256i w0 = _mm256_set1_epi16((short)(256 - wy));
	const __m256i w1 = _mm256_set1_epi16((short)wy);
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256i a = _mm256_cvtepu8_epi16(load_u128(r0 + i));
		__m256i b = _mm256_cvtepu8_epi16(load_u128(r1 + i));

		_mm256_storeu_si256((__m256i *)(dst + i),
				    _mm256_add_epi16(_mm256_mullo_epi16(a, w0),
						     _mm256_mullo_epi16(b, w1)));
	}
	for (; i < n; i++)
		dst[i] = (uint16_t)(r0[i] * (256 - wy) + r1[i] * wy);
}

static void v_sobel_row(const uint8_t *a, const uint8_t *b, const uint8_t *c,
			int16_t *gx, int16_t *gy, int n)
{
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256i a0 = _mm256_cvtepu8_epi16(load_u128(a + i));
		__m256i a1 = _mm256_cvtepu8_epi16(load_u128(a + i + 1));
		__m256i a2 = _mm256_cvtepu8_epi16(load_u128(a + i + 2));
		__m256i b0 = _mm256_cvtepu8_epi16(load_u128(b + i));
		__m256i b2 = _mm256_cvtepu8_epi16(load_u128(b + i + 2));
		__m256i c0 = _mm256_cvtepu8_epi16(load_u128(c + i));
		__m256i c1 = _mm256_cvtepu8_epi16(load_u128(c + i + 1));
		__m256i c2 = _mm256_cvtepu8_epi16(load_u128(c + i + 2));
		__m256i r = _mm256_add_epi16(_mm256_add_epi16(a2, c2),
					     _mm256_slli_epi16(b2, 1));
		__m256i l = _mm256_add_epi16(_mm256_add_epi16(a0, c0),
					     _mm256_slli_epi16(b0, 1));
		__m256i d = _mm256_add_epi16(_mm256_add_epi16(c0, c2),
					     _mm256_slli_epi16(c1, 1));
		__m256i u = _mm256_add_epi16(_mm256_add_epi16(a0, a2),
					     _mm256_slli_epi16(a1, 1));

		_mm256_storeu_si256((__m256i *)(gx + i), _mm256_sub_epi16(r, l));
		_mm256_storeu_si256((__m256i *)(gy + i), _mm256_sub_epi16(d, u));
	}
	for (; i < n; i++) {
		gx[i] = (int16_t)((a[i + 2] + 2 * b[i + 2] + c[i + 2]) -
				  (a[i] + 2 * b[i] + c[i]));
		gy[i] = (int16_t)((c[i] + 2 * c[i + 1] + c[i + 2]) -
				  (a[i] + 2 * a[i + 1] + a[i + 2]));
	}
}

static void v_gradmag_row(const int16_t *gx, const int16_t *gy, uint8_t *dst,
			  int n)
{
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256i x = _mm256_abs_epi16(_mm256_loadu_si256((const __m256i *)(gx + i)));
		__m256i y = _mm256_abs_epi16(_mm256_loadu_si256((const __m256i *)(gy + i)));
		__m256i m = _mm256_srli_epi16(_mm256_adds_epu16(x, y), 2);

		m = _mm256_packus_epi16(m, m);
		m = _mm256_permute4x64_epi64(m, 0x08);
		_mm_storeu_si128((__m128i *)(dst + i), _mm256_castsi256_si128(m));
	}
	for (; i < n; i++) {
		int m = (abs(gx[i]) + abs(gy[i])) >> 2;

		dst[i] = (uint8_t)(m > 255 ? 255 : m);
	}
}

static void v_integral_row(const uint8_t *src, const uint32_t *prev,
			   uint32_t *out, int n)
{
	__m256i carry = _mm256_setzero_si256();
	const __m256i top = _mm256_set1_epi32(7);
	const __m256i lane3 = _mm256_setr_epi32(0, 0, 0, 0, 3, 3, 3, 3);
	uint32_t run;
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i v = _mm256_cvtepu8_epi32(load_u64(src + i));

		v = _mm256_add_epi32(v, _mm256_slli_si256(v, 4));
		v = _mm256_add_epi32(v, _mm256_slli_si256(v, 8));
		/* Add the low lane's total to the high lane. */
		v = _mm256_add_epi32(v, _mm256_and_si256(
			_mm256_permutevar8x32_epi32(v, lane3),
			_mm256_setr_epi32(0, 0, 0, 0, -1, -1, -1, -1)));
		v = _mm256_add_epi32(v, carry);
		carry = _mm256_permutevar8x32_epi32(v, top);
		_mm256_storeu_si256((__m256i *)(out + i),
				    _mm256_add_epi32(v, _mm256_loadu_si256((const __m256i *)(prev + i))));
	}
	run = (uint32_t)_mm_cvtsi128_si32(_mm256_castsi256_si128(carry));
	for (; i < n; i++) {
		run += src[i];
		out[i] = prev[i] + run;
	}
}

static void v_threshold_row(const uint8_t *src, uint8_t t, uint8_t *dst, int n)
{
	const __m256i bias = _mm256_set1_epi8((char)0x80);
	const __m256i tv = _mm256_set1_epi8((char)(t ^ 0x80));
	int i = 0;

	for (; i + 32 <= n; i += 32) {
		__m256i v = _mm256_xor_si256(
			_mm256_loadu_si256((const __m256i *)(src + i)), bias);

		_mm256_storeu_si256((__m256i *)(dst + i), _mm256_cmpgt_epi8(v, tv));
	}
	for (; i < n; i++)
		dst[i] = src[i] > t ? 255 : 0;
}

static void v_local_mean_row(const uint8_t *src, const uint32_t *top,
			     const uint32_t *bot, int r, uint32_t area,
			     uint32_t offa, uint8_t *dst, int n)
{
	const int d = 2 * r + 1;
	const __m256i av = _mm256_set1_epi32((int)area);
	const __m256i ov = _mm256_set1_epi32((int)offa);
	const __m256i one = _mm256_set1_epi32(1);
	const __m256i two = _mm256_set1_epi32(2);
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i s = _mm256_sub_epi32(
			_mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(bot + i + d)),
					 _mm256_loadu_si256((const __m256i *)(top + i))),
			_mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(bot + i)),
					 _mm256_loadu_si256((const __m256i *)(top + i + d))));
		__m256i v = _mm256_mullo_epi32(_mm256_cvtepu8_epi32(load_u64(src + i)), av);
		__m256i dark = _mm256_and_si256(_mm256_cmpgt_epi32(s, _mm256_add_epi32(v, ov)), one);
		__m256i brt = _mm256_and_si256(_mm256_cmpgt_epi32(v, _mm256_add_epi32(s, ov)), two);
		__m256i m = _mm256_or_si256(dark, brt);
		__m128i lo = _mm256_castsi256_si128(m);
		__m128i hi = _mm256_extracti128_si256(m, 1);
		__m128i p = _mm_packus_epi32(lo, hi);

		p = _mm_packus_epi16(p, p);
		_mm_storel_epi64((__m128i *)(dst + i), p);
	}
	for (; i < n; i++) {
		int32_t sum = (int32_t)(bot[i + d] - bot[i] - top[i + d] + top[i]);
		int32_t v = (int32_t)(src[i] * area);
		int32_t o = (int32_t)offa;

		dst[i] = (uint8_t)((v + o < sum ? 1 : 0) | (v > sum + o ? 2 : 0));
	}
}

static inline __m256i round_shift8(__m256i acc, int shift)
{
	if (shift <= 0)
		return acc;
	acc = _mm256_add_epi32(acc, _mm256_set1_epi32(1 << (shift - 1)));
	return _mm256_sra_epi32(acc, _mm_cvtsi32_si128(shift));
}

static inline void store8_sat(uint8_t *dst, __m256i v)
{
	__m128i p = _mm_packs_epi32(_mm256_castsi256_si128(v),
				    _mm256_extracti128_si256(v, 1));

	_mm_storel_epi64((__m128i *)dst, _mm_packus_epi16(p, p));
}

static void v_conv_h_row(const uint8_t *src, const int16_t *k, int taps,
			 int shift, uint8_t *dst, int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i acc = _mm256_setzero_si256();

		for (int j = 0; j < taps; j++) {
			__m256i v = _mm256_cvtepu8_epi32(load_u64(src + i + j));

			acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(v, _mm256_set1_epi32(k[j])));
		}
		store8_sat(dst + i, round_shift8(acc, shift));
	}
	for (; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += src[i + j] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static void v_conv_v_row(const uint8_t *const *rows, const int16_t *k,
			 int taps, int shift, uint8_t *dst, int n)
{
	int i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i acc = _mm256_setzero_si256();

		for (int j = 0; j < taps; j++) {
			__m256i v = _mm256_cvtepu8_epi32(load_u64(rows[j] + i));

			acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(v, _mm256_set1_epi32(k[j])));
		}
		store8_sat(dst + i, round_shift8(acc, shift));
	}
	for (; i < n; i++) {
		int32_t acc = 0;

		for (int j = 0; j < taps; j++)
			acc += rows[j][i] * k[j];
		dst[i] = sat_u8(round_shift(acc, shift));
	}
}

static inline float hsum256_ps(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
	return _mm_cvtss_f32(s);
}

static inline int32_t hsum256_epi32(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
				  _mm256_extracti128_si256(v, 1));

	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
	return _mm_cvtsi128_si32(s);
}

static float v_dot_f32(const float *a, const float *b, int n)
{
	__m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
	float s;
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_loadu_ps(a + i),
						     _mm256_loadu_ps(b + i)));
		s1 = _mm256_add_ps(s1, _mm256_mul_ps(_mm256_loadu_ps(a + i + 8),
						     _mm256_loadu_ps(b + i + 8)));
	}
	for (; i + 8 <= n; i += 8)
		s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_loadu_ps(a + i),
						     _mm256_loadu_ps(b + i)));
	s = hsum256_ps(_mm256_add_ps(s0, s1));
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t v_dot_s16(const int16_t *a, const int16_t *b, int n)
{
	__m256i acc = _mm256_setzero_si256();
	int32_t s;
	int i = 0;

	for (; i + 16 <= n; i += 16)
		acc = _mm256_add_epi32(acc, _mm256_madd_epi16(
			_mm256_loadu_si256((const __m256i *)(a + i)),
			_mm256_loadu_si256((const __m256i *)(b + i))));
	s = hsum256_epi32(acc);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int32_t v_dot_s8(const int8_t *a, const int8_t *b, int n)
{
	__m256i acc = _mm256_setzero_si256();
	int32_t s;
	int i = 0;

	for (; i + 16 <= n; i += 16)
		acc = _mm256_add_epi32(acc, _mm256_madd_epi16(
			_mm256_cvtepi8_epi16(load_u128(a + i)),
			_mm256_cvtepi8_epi16(load_u128(b + i))));
	s = hsum256_epi32(acc);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void v_axpy_f32(float a, const float *x, float *y, int n)
{
	const __m256 av = _mm256_set1_ps(a);
	int i = 0;

	for (; i + 8 <= n; i += 8)
		_mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i),
						      _mm256_mul_ps(av, _mm256_loadu_ps(x + i))));
	for (; i < n; i++)
		y[i] += a * x[i];
}


static void v_pack_mask_row(const uint8_t *src, uint8_t bits, uint64_t *dst,
			    int n)
{
	const __m256i m = _mm256_set1_epi8((char)bits), z = _mm256_setzero_si256();
	int i = 0;

	for (; i + 64 <= n; i += 64) {
		__m256i a = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(src + i)), m);
		__m256i b = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(src + i + 32)), m);
		uint32_t lo = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, z));
		uint32_t hi = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, z));

		dst[i / 64] = (uint64_t)lo | (uint64_t)hi << 32;
	}
	for (; i < n; i++) {
		if (i % 64 == 0)
			dst[i / 64] = 0;
		if (src[i] & bits)
			dst[i / 64] |= 1ull << (i % 64);
	}
}

const struct anpr_kern_ops anpr_kern_avx2 = {
	.name = "avx2",
	.level = ANPR_SIMD_AVX2,
	.rgb_to_grey = v_rgb_to_grey,
	.halve_row = v_halve_row,
	.lerp_rows = v_lerp_rows,
	.sobel_row = v_sobel_row,
	.gradmag_row = v_gradmag_row,
	.integral_row = v_integral_row,
	.threshold_row = v_threshold_row,
	.local_mean_row = v_local_mean_row,
	.conv_h_row = v_conv_h_row,
	.conv_v_row = v_conv_v_row,
	.dot_f32 = v_dot_f32,
	.dot_s16 = v_dot_s16,
	.dot_s8 = v_dot_s8,
	.axpy_f32 = v_axpy_f32,
	.pack_mask_row = v_pack_mask_row,
};
#if defined(__clang__)
#pragma clang attribute pop
#endif
#else
/* Not x86-64: this translation unit is intentionally empty. */
typedef int anpr_kern_avx2_unused;
#endif
