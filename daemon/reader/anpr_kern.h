/* SPDX-License-Identifier: MIT */
/*
 * anpr_kern.h - the reader's hot pixel and inference kernels.
 *
 * Every kernel has a scalar reference (kern_scalar.c) and SIMD twins:
 * SSE4.1 and AVX2 on x86-64, NEON on aarch64. One ops table per level; the
 * level is chosen once, at run time, from the CPU's features (and the
 * environment variable ANPR_SIMD=scalar|sse4.1|avx2|neon, to force one for
 * benchmarks and tests). Row kernels work on one row of n pixels; the image
 * wrappers in kern_image.c handle borders and strides and call them.
 *
 * Exactness contract (tests/reader/simd_cases.c checks it):
 *  - every integer kernel gives bit-identical results at every level;
 *  - dot_f32 and axpy_f32 may differ from the scalar reference by at most
 *    ANPR_KERN_F32_RTOL * sum(|a_i * b_i|) + ANPR_KERN_F32_ATOL (summation
 *    order and fused multiply-add differ between levels).
 */
#ifndef ANPR_KERN_H
#define ANPR_KERN_H

#include <stddef.h>
#include <stdint.h>

#define ANPR_KERN_F32_RTOL	1e-5f
#define ANPR_KERN_F32_ATOL	1e-6f
/* Largest radius local_mean_row accepts: keeps 255 * area below 2^31. */
#define ANPR_KERN_MAX_RADIUS	127
/* Most taps conv_h_row / conv_v_row accept. */
#define ANPR_KERN_MAX_TAPS	15

enum anpr_simd {
	ANPR_SIMD_SCALAR = 0,
	ANPR_SIMD_SSE41,
	ANPR_SIMD_AVX2,
	ANPR_SIMD_NEON,
	ANPR_SIMD_COUNT,
};

/**
 * struct anpr_kern_ops - one implementation level of every hot kernel.
 * @name: "scalar", "sse4.1", "avx2" or "neon".
 * @level: which level this table is.
 * @rgb_to_grey: n packed RGB pixels to grey, (77 R + 150 G + 29 B + 128) >> 8.
 * @halve_row: 2x2 area average, dst[i] = (r0[2i] + r0[2i+1] + r1[2i] +
 *	r1[2i+1] + 2) >> 2, for n output pixels.
 * @lerp_rows: vertical half of bilinear resize, dst[i] = r0[i] * (256 - wy)
 *	+ r1[i] * wy with 0 <= wy <= 256.
 * @sobel_row: 3x3 Sobel for n pixels; a, b, c are the rows above, at and
 *	below, each pointing one pixel left of the first output.
 * @gradmag_row: dst[i] = min(255, (|gx[i]| + |gy[i]|) >> 2).
 * @integral_row: out[i] = prev[i] + src[0] + ... + src[i] (mod 2^32).
 * @threshold_row: dst[i] = src[i] > t ? 255 : 0.
 * @local_mean_row: local-mean threshold of both polarities from an
 *	integral image. For pixel i the window sum is bot[i + d] - bot[i] -
 *	top[i + d] + top[i] with d = 2r + 1 (top and bot point at the window's
 *	left integral column). With v = src[i] * area and o = off * area:
 *	dst[i] = (v + o < sum ? 1 : 0) | (v > sum + o ? 2 : 0): bit 0 "darker
 *	than the local mean by more than off", bit 1 "brighter".
 * @conv_h_row: dst[i] = sat_u8(round(sum_j src[i + j] * k[j] >> shift)).
 * @conv_v_row: dst[i] = sat_u8(round(sum_j rows[j][i] * k[j] >> shift)).
 * @dot_f32: sum a[i] * b[i].
 * @dot_s16: sum a[i] * b[i] in int32; the caller keeps it from overflowing.
 * @dot_s8: sum a[i] * b[i] in int32.
 * @axpy_f32: y[i] += a * x[i].
 * @pack_mask_row: bit (i % 64) of dst[i / 64] = (src[i] & bits) != 0, for
 *	i < n; the bits of the last word past n are 0.
 */
struct anpr_kern_ops {
	const char *name;
	enum anpr_simd level;
	void (*rgb_to_grey)(const uint8_t *rgb, uint8_t *dst, int n);
	void (*halve_row)(const uint8_t *r0, const uint8_t *r1, uint8_t *dst,
			  int n);
	void (*lerp_rows)(const uint8_t *r0, const uint8_t *r1, int wy,
			  uint16_t *dst, int n);
	void (*sobel_row)(const uint8_t *a, const uint8_t *b, const uint8_t *c,
			  int16_t *gx, int16_t *gy, int n);
	void (*gradmag_row)(const int16_t *gx, const int16_t *gy, uint8_t *dst,
			    int n);
	void (*integral_row)(const uint8_t *src, const uint32_t *prev,
			     uint32_t *out, int n);
	void (*threshold_row)(const uint8_t *src, uint8_t t, uint8_t *dst,
			      int n);
	void (*local_mean_row)(const uint8_t *src, const uint32_t *top,
			       const uint32_t *bot, int r, uint32_t area,
			       uint32_t offa, uint8_t *dst, int n);
	void (*conv_h_row)(const uint8_t *src, const int16_t *k, int taps,
			   int shift, uint8_t *dst, int n);
	void (*conv_v_row)(const uint8_t *const *rows, const int16_t *k,
			   int taps, int shift, uint8_t *dst, int n);
	float (*dot_f32)(const float *a, const float *b, int n);
	int32_t (*dot_s16)(const int16_t *a, const int16_t *b, int n);
	int32_t (*dot_s8)(const int8_t *a, const int8_t *b, int n);
	void (*axpy_f32)(float a, const float *x, float *y, int n);
	void (*pack_mask_row)(const uint8_t *src, uint8_t bits, uint64_t *dst,
			      int n);
};

/* The tables; NULL where a level is not built for this architecture. */
extern const struct anpr_kern_ops anpr_kern_scalar;
#if defined(__x86_64__)
extern const struct anpr_kern_ops anpr_kern_sse41;
extern const struct anpr_kern_ops anpr_kern_avx2;
#endif
#if defined(__aarch64__)
extern const struct anpr_kern_ops anpr_kern_neon;
#endif

/*
 * anpr_kern_get - the table for @level, or NULL if it is not built here or
 * the CPU lacks the features it needs.
 */
const struct anpr_kern_ops *anpr_kern_get(enum anpr_simd level);

/*
 * anpr_kern_best - the best level this CPU runs, or the one named by the
 * environment variable ANPR_SIMD if set and usable (otherwise the best, with
 * a warning on stderr). Decided once; later calls return the same table.
 */
const struct anpr_kern_ops *anpr_kern_best(void);

/* anpr_kern_parse - "scalar", "sse4.1", "avx2", "neon" to a level, or -1. */
int anpr_kern_parse(const char *name);

/*
 * Image wrappers (kern_image.c): whole-image operations built on the row
 * kernels, with borders handled in scalar code. Strides are in elements of
 * the buffer's type. No wrapper allocates.
 */

/* anpr_k_rgb_to_grey - packed RGB (3 bytes a pixel) to grey. */
void anpr_k_rgb_to_grey(const struct anpr_kern_ops *k, const uint8_t *rgb,
			size_t rgb_stride, int w, int h, uint8_t *dst,
			size_t stride);

/* anpr_k_halve - 2x2 area downscale to (w / 2) x (h / 2). */
void anpr_k_halve(const struct anpr_kern_ops *k, const uint8_t *src,
		  size_t sstride, int w, int h, uint8_t *dst, size_t dstride);

/* Bytes of scratch anpr_k_resize_bilinear needs for these widths. */
size_t anpr_k_resize_scratch(int sw, int dw);

/*
 * anpr_k_resize_bilinear - bilinear resize (pixel centres aligned, 8-bit
 * fixed-point weights, edges clamped). @scratch holds
 * anpr_k_resize_scratch(sw, dw) bytes, 4-byte aligned.
 */
void anpr_k_resize_bilinear(const struct anpr_kern_ops *k, const uint8_t *src,
			    size_t sstride, int sw, int sh, uint8_t *dst,
			    size_t dstride, int dw, int dh, void *scratch);

/* anpr_k_sobel - Sobel gradients, borders replicated. */
void anpr_k_sobel(const struct anpr_kern_ops *k, const uint8_t *src,
		  size_t sstride, int w, int h, int16_t *gx, int16_t *gy,
		  size_t gstride);

/*
 * anpr_k_integral - (h + 1) x (w + 1) integral image: ii[y][x] is the sum of
 * src over rows < y and columns < x (mod 2^32); row 0 and column 0 are 0.
 */
void anpr_k_integral(const struct anpr_kern_ops *k, const uint8_t *src,
		     size_t sstride, int w, int h, uint32_t *ii,
		     size_t istride);

/*
 * anpr_k_local_mean - threshold against the mean of the (2r + 1)^2 window
 * (clipped at the borders), both polarities at once: dst bit 0 = darker
 * than the mean by more than @off, bit 1 = brighter. @ii from
 * anpr_k_integral. 1 <= r <= ANPR_KERN_MAX_RADIUS, 0 <= off <= 255.
 */
void anpr_k_local_mean(const struct anpr_kern_ops *k, const uint8_t *src,
		       size_t sstride, int w, int h, const uint32_t *ii,
		       size_t istride, int r, int off, uint8_t *dst,
		       size_t dstride);

/*
 * anpr_k_conv_sep - separable convolution (same taps both ways, odd count
 * <= ANPR_KERN_MAX_TAPS), borders replicated; each pass rounds and shifts
 * by @shift and saturates to 8 bits. @tmp holds (w + taps) * (h + taps)
 * bytes.
 */
void anpr_k_conv_sep(const struct anpr_kern_ops *k, const uint8_t *src,
		     size_t sstride, int w, int h, const int16_t *taps_k,
		     int taps, int shift, uint8_t *dst, size_t dstride,
		     uint8_t *tmp);

#endif /* ANPR_KERN_H */
