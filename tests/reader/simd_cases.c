// SPDX-License-Identifier: MIT
/*
 * simd_cases.c - each kernel level against the scalar reference on random
 * data: row widths 1..67, source pointers offset 0..3 bytes from any
 * alignment, odd image strides, extreme values mixed in. Integer kernels
 * must match bit for bit; float kernels within the tolerance stated in
 * anpr_kern.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simd_cases.h"

#define MAXW 67
#define BUF 4096

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: fixed seed per case, so failures reproduce. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static void seed(uint64_t s)
{
	rng_state = s * 0x9e3779b97f4a7c15ull + 1;
}

static int rnd_range(int lo, int hi)
{
	return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

/* Random bytes with runs of 0 and 255 mixed in (saturation paths). */
static void fill_u8(uint8_t *p, size_t n)
{
	int mode = rnd() % 4;

	for (size_t i = 0; i < n; i++) {
		uint32_t r = rnd();

		p[i] = (uint8_t)r;
		if (mode == 1 && (r >> 8) % 3 == 0)
			p[i] = (r >> 10) & 1 ? 255 : 0;
		if (mode == 2)
			p[i] = (r >> 8) & 1 ? 255 : 0;
	}
}

static int fail(char *msg, size_t len, const char *what, int n, int i,
		long a, long b)
{
	snprintf(msg, len, "%s: n=%d index %d: scalar %ld, simd %ld", what, n,
		 i, a, b);
	return -1;
}

#define CMP_ARR(what, n, a, b)                                               \
	do {                                                                 \
		for (int _i = 0; _i < (n); _i++)                             \
			if ((a)[_i] != (b)[_i])                              \
				return fail(msg, len, what, n, _i,           \
					    (long)(a)[_i], (long)(b)[_i]);   \
	} while (0)

/* 64-byte aligned scratch; tests offset into it to misalign. */
static _Alignas(64) uint8_t in0[BUF], in1[BUF], in2[BUF];
static _Alignas(64) uint8_t out0[BUF], out1[BUF];
static _Alignas(64) uint8_t big0[64 * 1024], big1[64 * 1024], big2[64 * 1024];
static _Alignas(64) uint8_t tmp[64 * 1024];

static int c_rgb(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		 char *msg, size_t len)
{
	seed(1);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			fill_u8(in0, BUF);
			memset(out0, 0xaa, BUF);
			memset(out1, 0xaa, BUF);
			ref->rgb_to_grey(in0 + off, out0 + off, n);
			k->rgb_to_grey(in0 + off, out1 + off, n);
			CMP_ARR("rgb_to_grey", n + 8, out0, out1);
		}
	return 0;
}

static int c_halve(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		   char *msg, size_t len)
{
	seed(2);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			fill_u8(in0, BUF);
			fill_u8(in1, BUF);
			memset(out0, 0, BUF);
			memset(out1, 0, BUF);
			ref->halve_row(in0 + off, in1 + 3 - off, out0 + off, n);
			k->halve_row(in0 + off, in1 + 3 - off, out1 + off, n);
			CMP_ARR("halve_row", n + 8, out0, out1);
		}
	return 0;
}

static int c_lerp(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		  char *msg, size_t len)
{
	uint16_t a[MAXW + 8], b[MAXW + 8];

	seed(3);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			int wy = n % 7 == 0 ? (n & 1) * 256 : rnd_range(0, 256);

			fill_u8(in0, BUF);
			fill_u8(in1, BUF);
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			ref->lerp_rows(in0 + off, in1 + off + 1, wy, a + (off & 1), n);
			k->lerp_rows(in0 + off, in1 + off + 1, wy, b + (off & 1), n);
			CMP_ARR("lerp_rows", n + 2, a, b);
		}
	return 0;
}

static int c_sobel(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		   char *msg, size_t len)
{
	int16_t x0[MAXW + 8], y0[MAXW + 8], x1[MAXW + 8], y1[MAXW + 8];

	seed(4);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			fill_u8(in0, BUF);
			fill_u8(in1, BUF);
			fill_u8(in2, BUF);
			memset(x0, 0, sizeof(x0));
			memset(x1, 0, sizeof(x1));
			memset(y0, 0, sizeof(y0));
			memset(y1, 0, sizeof(y1));
			ref->sobel_row(in0 + off, in1 + off + 1, in2 + 3, x0 + 1, y0 + 1, n);
			k->sobel_row(in0 + off, in1 + off + 1, in2 + 3, x1 + 1, y1 + 1, n);
			CMP_ARR("sobel_row gx", n + 2, x0, x1);
			CMP_ARR("sobel_row gy", n + 2, y0, y1);
		}
	return 0;
}

static int c_gradmag(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		     char *msg, size_t len)
{
	int16_t gx[MAXW + 8], gy[MAXW + 8];

	seed(5);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			for (int i = 0; i < MAXW + 8; i++) {
				int big = n % 3 == 0;

				gx[i] = (int16_t)(big ? (int)(rnd() & 0xffff) - 32768
						      : rnd_range(-1020, 1020));
				gy[i] = (int16_t)(big ? (int)(rnd() & 0xffff) - 32768
						      : rnd_range(-1020, 1020));
			}
			memset(out0, 0, BUF);
			memset(out1, 0, BUF);
			ref->gradmag_row(gx + off, gy + (off ^ 1), out0 + off, n);
			k->gradmag_row(gx + off, gy + (off ^ 1), out1 + off, n);
			CMP_ARR("gradmag_row", n + 8, out0, out1);
		}
	return 0;
}

static int c_integral(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		      char *msg, size_t len)
{
	uint32_t prev[MAXW + 8], a[MAXW + 8], b[MAXW + 8];

	seed(6);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			fill_u8(in0, BUF);
			for (int i = 0; i < MAXW + 8; i++)
				prev[i] = rnd();
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			ref->integral_row(in0 + off, prev + (off & 1), a + 1, n);
			k->integral_row(in0 + off, prev + (off & 1), b + 1, n);
			CMP_ARR("integral_row", n + 2, a, b);
		}
	return 0;
}

static int c_threshold(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		       char *msg, size_t len)
{
	static const int ts[] = { 0, 1, 127, 128, 129, 254, 255, -1 };

	seed(7);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++)
			for (size_t ti = 0; ti < sizeof(ts) / sizeof(ts[0]); ti++) {
				uint8_t t = (uint8_t)(ts[ti] < 0 ? rnd() : (uint32_t)ts[ti]);

				fill_u8(in0, BUF);
				memset(out0, 0x11, BUF);
				memset(out1, 0x11, BUF);
				ref->threshold_row(in0 + off, t, out0 + off, n);
				k->threshold_row(in0 + off, t, out1 + off, n);
				CMP_ARR("threshold_row", n + 8, out0, out1);
			}
	return 0;
}

static int c_local_mean(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
			char *msg, size_t len)
{
	static uint32_t ii[64 * (MAXW + 2 * 20 + 4)];

	seed(8);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			int r = rnd_range(1, 20), rows = rnd_range(1, 2 * r + 1);
			int w = n + 2 * r + 1;
			size_t is = (size_t)w + 1 + (off & 1);
			uint32_t area = (uint32_t)(rows * (2 * r + 1));
			uint32_t offa = (uint32_t)rnd_range(0, 40) * area;

			if (rows > 63)
				rows = 63;
			fill_u8(big0, (size_t)w * rows + 16);
			anpr_k_integral(ref, big0, (size_t)w, w, rows, ii, is);
			fill_u8(in0, BUF);
			memset(out0, 0, BUF);
			memset(out1, 0, BUF);
			ref->local_mean_row(in0 + off, ii, ii + rows * is, r, area,
					    offa, out0 + off, n);
			k->local_mean_row(in0 + off, ii, ii + rows * is, r, area,
					  offa, out1 + off, n);
			CMP_ARR("local_mean_row", n + 8, out0, out1);
		}
	return 0;
}

static void rand_taps(int16_t *kk, int *taps, int *shift)
{
	*taps = 2 * rnd_range(0, ANPR_KERN_MAX_TAPS / 2) + 1;
	*shift = rnd_range(0, 8);
	for (int j = 0; j < *taps; j++)
		kk[j] = (int16_t)rnd_range(-300, 300);
}

static int c_conv_h(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		    char *msg, size_t len)
{
	int16_t kk[ANPR_KERN_MAX_TAPS];
	int taps, shift;

	seed(9);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			rand_taps(kk, &taps, &shift);
			fill_u8(in0, BUF);
			memset(out0, 0, BUF);
			memset(out1, 0, BUF);
			ref->conv_h_row(in0 + off, kk, taps, shift, out0 + off, n);
			k->conv_h_row(in0 + off, kk, taps, shift, out1 + off, n);
			CMP_ARR("conv_h_row", n + 8, out0, out1);
		}
	return 0;
}

static int c_conv_v(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		    char *msg, size_t len)
{
	int16_t kk[ANPR_KERN_MAX_TAPS];
	const uint8_t *rows[ANPR_KERN_MAX_TAPS];
	int taps, shift;

	seed(10);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			rand_taps(kk, &taps, &shift);
			fill_u8(big0, sizeof(big0));
			for (int j = 0; j < taps; j++)
				rows[j] = big0 + rnd_range(0, 4000) + off;
			memset(out0, 0, BUF);
			memset(out1, 0, BUF);
			ref->conv_v_row(rows, kk, taps, shift, out0 + off, n);
			k->conv_v_row(rows, kk, taps, shift, out1 + off, n);
			CMP_ARR("conv_v_row", n + 8, out0, out1);
		}
	return 0;
}

static float frand(void)
{
	return ((float)rnd() / 4294967296.0f) * 2.0f - 1.0f;
}

static int c_dot_f32(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		     char *msg, size_t len)
{
	float a[4 * MAXW + 4], b[4 * MAXW + 4];

	seed(11);
	for (int n = 1; n <= 4 * MAXW; n++)
		for (int off = 0; off < 4; off++) {
			float mag = 0.0f, s0, s1;

			for (int i = 0; i < 4 * MAXW + 4; i++) {
				a[i] = frand() * 100.0f;
				b[i] = frand();
			}
			for (int i = 0; i < n; i++)
				mag += fabsf(a[off + i] * b[3 - off + i]);
			s0 = ref->dot_f32(a + off, b + 3 - off, n);
			s1 = k->dot_f32(a + off, b + 3 - off, n);
			if (fabsf(s0 - s1) > ANPR_KERN_F32_RTOL * mag + ANPR_KERN_F32_ATOL) {
				snprintf(msg, len, "dot_f32: n=%d: scalar %.9g simd %.9g",
					 n, (double)s0, (double)s1);
				return -1;
			}
		}
	return 0;
}

static int c_axpy(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		  char *msg, size_t len)
{
	float x[MAXW + 4], y0[MAXW + 4], y1[MAXW + 4];

	seed(12);
	for (int n = 1; n <= MAXW; n++)
		for (int off = 0; off < 4; off++) {
			float a = frand() * 10.0f;

			for (int i = 0; i < MAXW + 4; i++) {
				x[i] = frand() * 50.0f;
				y0[i] = y1[i] = frand() * 50.0f;
			}
			ref->axpy_f32(a, x + off, y0 + (off & 1), n);
			k->axpy_f32(a, x + off, y1 + (off & 1), n);
			for (int i = 0; i < MAXW + 4; i++) {
				float tol = ANPR_KERN_F32_RTOL *
					    (fabsf(a * x[i]) + fabsf(y0[i])) +
					    ANPR_KERN_F32_ATOL;

				if (fabsf(y0[i] - y1[i]) > tol) {
					snprintf(msg, len, "axpy_f32: n=%d index %d: %.9g vs %.9g",
						 n, i, (double)y0[i], (double)y1[i]);
					return -1;
				}
			}
		}
	return 0;
}

static int c_dot_int(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		     char *msg, size_t len)
{
	int16_t a[4 * MAXW + 4], b[4 * MAXW + 4];
	int8_t c[4 * MAXW + 4], d[4 * MAXW + 4];

	seed(13);
	for (int n = 1; n <= 4 * MAXW; n++)
		for (int off = 0; off < 4; off++) {
			for (int i = 0; i < 4 * MAXW + 4; i++) {
				a[i] = (int16_t)rnd_range(-4096, 4095);
				b[i] = (int16_t)rnd_range(-4096, 4095);
				c[i] = (int8_t)rnd_range(-128, 127);
				d[i] = (int8_t)(n % 5 ? rnd_range(-128, 127) : -128);
			}
			int32_t s0 = ref->dot_s16(a + off, b + 3 - off, n);
			int32_t s1 = k->dot_s16(a + off, b + 3 - off, n);

			if (s0 != s1)
				return fail(msg, len, "dot_s16", n, 0, s0, s1);
			s0 = ref->dot_s8(c + off, d + 3 - off, n);
			s1 = k->dot_s8(c + off, d + 3 - off, n);
			if (s0 != s1)
				return fail(msg, len, "dot_s8", n, 0, s0, s1);
		}
	return 0;
}

static int c_pack_mask(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		       char *msg, size_t len)
{
	uint64_t a[8], b[8];

	seed(15);
	for (int n = 1; n <= 3 * MAXW + 40; n++)
		for (int off = 0; off < 4; off++) {
			uint8_t bits = (uint8_t)(1u << rnd_range(0, 2));

			for (int i = 0; i < BUF; i++)
				in0[i] = (uint8_t)(rnd() % 4);
			if (n % 5 == 0)
				memset(in0, 0, BUF);
			memset(a, 0x5a, sizeof(a));
			memset(b, 0xa5, sizeof(b));
			ref->pack_mask_row(in0 + off, bits, a, n);
			k->pack_mask_row(in0 + off, bits, b, n);
			CMP_ARR("pack_mask_row", (n + 63) / 64, a, b);
		}
	return 0;
}

/* Whole-image wrappers: random sizes and odd strides. */
static int c_images(const struct anpr_kern_ops *ref, const struct anpr_kern_ops *k,
		    char *msg, size_t len)
{
	static uint32_t ii0[70 * 80], ii1[70 * 80];
	static int16_t g0[70 * 80], g1[70 * 80], h0[70 * 80], h1[70 * 80];
	static const int16_t gauss[5] = { 1, 4, 6, 4, 1 };

	seed(14);
	for (int it = 0; it < 300; it++) {
		int w = rnd_range(1, MAXW), h = rnd_range(1, 60);
		size_t ss = (size_t)w + (size_t)rnd_range(0, 9);
		size_t ds = (size_t)w + (size_t)rnd_range(0, 5);
		int off = rnd_range(0, 3);
		int r = rnd_range(1, 30), o = rnd_range(0, 30);
		size_t n = ds * (size_t)h;

		fill_u8(big0, sizeof(big0));
		/* sobel */
		anpr_k_sobel(ref, big0 + off, ss, w, h, g0, h0, (size_t)w + 1);
		anpr_k_sobel(k, big0 + off, ss, w, h, g1, h1, (size_t)w + 1);
		for (int y = 0; y < h; y++) {
			CMP_ARR("sobel gx", w, g0 + y * (w + 1), g1 + y * (w + 1));
			CMP_ARR("sobel gy", w, h0 + y * (w + 1), h1 + y * (w + 1));
		}
		/* integral + local mean */
		anpr_k_integral(ref, big0 + off, ss, w, h, ii0, (size_t)w + 3);
		anpr_k_integral(k, big0 + off, ss, w, h, ii1, (size_t)w + 3);
		for (int y = 0; y <= h; y++)
			CMP_ARR("integral", w + 1, ii0 + y * (w + 3), ii1 + y * (w + 3));
		memset(big1, 0, n);
		memset(big2, 0, n);
		anpr_k_local_mean(ref, big0 + off, ss, w, h, ii0, (size_t)w + 3, r, o,
				  big1, ds);
		anpr_k_local_mean(k, big0 + off, ss, w, h, ii0, (size_t)w + 3, r, o,
				  big2, ds);
		CMP_ARR("local_mean", (int)n, big1, big2);
		/* separable convolution */
		anpr_k_conv_sep(ref, big0 + off, ss, w, h, gauss, 5, 4, big1, ds, tmp);
		anpr_k_conv_sep(k, big0 + off, ss, w, h, gauss, 5, 4, big2, ds, tmp);
		CMP_ARR("conv_sep", (int)n, big1, big2);
		/* halve */
		memset(big1, 0, n);
		memset(big2, 0, n);
		anpr_k_halve(ref, big0 + off, ss, w, h, big1, ds);
		anpr_k_halve(k, big0 + off, ss, w, h, big2, ds);
		CMP_ARR("halve", (int)n, big1, big2);
		/* colour */
		anpr_k_rgb_to_grey(ref, big0 + off, 3 * ss, w, h, big1, ds);
		anpr_k_rgb_to_grey(k, big0 + off, 3 * ss, w, h, big2, ds);
		CMP_ARR("rgb_to_grey image", (int)n, big1, big2);
		/* resize, up and down */
		{
			int dw = rnd_range(1, MAXW), dh = rnd_range(1, 60);
			size_t rs = (size_t)dw + 1;

			memset(big1, 0, rs * dh);
			memset(big2, 0, rs * dh);
			anpr_k_resize_bilinear(ref, big0 + off, ss, w, h, big1, rs, dw,
					       dh, tmp);
			anpr_k_resize_bilinear(k, big0 + off, ss, w, h, big2, rs, dw,
					       dh, tmp);
			CMP_ARR("resize_bilinear", (int)(rs * dh), big1, big2);
		}
	}
	return 0;
}

const struct simd_case simd_cases[] = {
	{ "rgb_to_grey", c_rgb },
	{ "halve_row", c_halve },
	{ "lerp_rows", c_lerp },
	{ "sobel_row", c_sobel },
	{ "gradmag_row", c_gradmag },
	{ "integral_row", c_integral },
	{ "threshold_row", c_threshold },
	{ "local_mean_row", c_local_mean },
	{ "conv_h_row", c_conv_h },
	{ "conv_v_row", c_conv_v },
	{ "dot_f32", c_dot_f32 },
	{ "axpy_f32", c_axpy },
	{ "dot_s16_s8", c_dot_int },
	{ "pack_mask_row", c_pack_mask },
	{ "image_wrappers", c_images },
};

const int simd_ncases = sizeof(simd_cases) / sizeof(simd_cases[0]);
