// SPDX-License-Identifier: MIT
/*
 * kern_image.c - whole-image operations built on the row kernels of
 * anpr_kern.h. Borders are handled here in scalar code; the bulk of every
 * row goes through the selected ops table. Nothing here allocates.
 */
#include <stdlib.h>
#include <string.h>

#include "reader/anpr_kern.h"

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void anpr_k_rgb_to_grey(const struct anpr_kern_ops *k, const uint8_t *rgb,
			size_t rgb_stride, int w, int h, uint8_t *dst,
			size_t stride)
{
	for (int y = 0; y < h; y++)
		k->rgb_to_grey(rgb + y * rgb_stride, dst + y * stride, w);
}

void anpr_k_halve(const struct anpr_kern_ops *k, const uint8_t *src,
		  size_t sstride, int w, int h, uint8_t *dst, size_t dstride)
{
	for (int y = 0; y < h / 2; y++)
		k->halve_row(src + 2 * y * sstride, src + (2 * y + 1) * sstride,
			     dst + y * dstride, w / 2);
}

size_t anpr_k_resize_scratch(int sw, int dw)
{
	/* u16 blended row (+1 spare), then per output column index + weight. */
	return ((size_t)sw + 2) * sizeof(uint16_t) +
	       (size_t)dw * (sizeof(int32_t) + sizeof(int32_t));
}

/* Source coordinate of output pixel i's centre, in 1/256 pixel. */
static int64_t src_pos(int i, int sn, int dn)
{
	return ((int64_t)(2 * i + 1) * sn * 256) / (2 * (int64_t)dn) - 128;
}

void anpr_k_resize_bilinear(const struct anpr_kern_ops *k, const uint8_t *src,
			    size_t sstride, int sw, int sh, uint8_t *dst,
			    size_t dstride, int dw, int dh, void *scratch)
{
	int32_t *xi = scratch;
	int32_t *xw = xi + dw;
	uint16_t *row = (uint16_t *)(xw + dw);

	for (int x = 0; x < dw; x++) {
		int64_t p = src_pos(x, sw, dw);
		int i0 = (int)(p >> 8), wx = (int)(p & 255);

		if (p < 0) {
			i0 = 0;
			wx = 0;
		}
		if (i0 >= sw - 1) {
			i0 = sw - 1;
			wx = 0;
		}
		xi[x] = i0;
		xw[x] = wx;
	}
	row[sw] = 0;
	for (int y = 0; y < dh; y++) {
		int64_t p = src_pos(y, sh, dh);
		int y0 = (int)(p >> 8), wy = (int)(p & 255);
		uint8_t *d = dst + y * dstride;

		if (p < 0) {
			y0 = 0;
			wy = 0;
		}
		if (y0 >= sh - 1) {
			y0 = sh - 1;
			wy = 0;
		}
		k->lerp_rows(src + y0 * sstride,
			     src + (wy ? y0 + 1 : y0) * sstride, wy, row, sw);
		for (int x = 0; x < dw; x++) {
			uint32_t a = row[xi[x]], b = row[xi[x] + (xw[x] ? 1 : 0)];

			d[x] = (uint8_t)((a * (uint32_t)(256 - xw[x]) +
					  b * (uint32_t)xw[x] + 32768) >> 16);
		}
	}
}

/* One Sobel output at (x, y) with replicated borders (edges only). */
static void sobel_px(const uint8_t *src, size_t ss, int w, int h, int x, int y,
		     int16_t *gx, int16_t *gy)
{
	int xm = clampi(x - 1, 0, w - 1), xp = clampi(x + 1, 0, w - 1);
	const uint8_t *a = src + clampi(y - 1, 0, h - 1) * ss;
	const uint8_t *b = src + y * ss;
	const uint8_t *c = src + clampi(y + 1, 0, h - 1) * ss;

	*gx = (int16_t)((a[xp] + 2 * b[xp] + c[xp]) - (a[xm] + 2 * b[xm] + c[xm]));
	*gy = (int16_t)((c[xm] + 2 * c[x] + c[xp]) - (a[xm] + 2 * a[x] + a[xp]));
}

void anpr_k_sobel(const struct anpr_kern_ops *k, const uint8_t *src,
		  size_t sstride, int w, int h, int16_t *gx, int16_t *gy,
		  size_t gstride)
{
	for (int y = 0; y < h; y++) {
		int16_t *ox = gx + y * gstride, *oy = gy + y * gstride;

		if (w > 2)
			k->sobel_row(src + clampi(y - 1, 0, h - 1) * sstride,
				     src + y * sstride,
				     src + clampi(y + 1, 0, h - 1) * sstride,
				     ox + 1, oy + 1, w - 2);
		sobel_px(src, sstride, w, h, 0, y, &ox[0], &oy[0]);
		if (w > 1)
			sobel_px(src, sstride, w, h, w - 1, y, &ox[w - 1], &oy[w - 1]);
	}
}

void anpr_k_integral(const struct anpr_kern_ops *k, const uint8_t *src,
		     size_t sstride, int w, int h, uint32_t *ii,
		     size_t istride)
{
	memset(ii, 0, ((size_t)w + 1) * sizeof(*ii));
	for (int y = 0; y < h; y++) {
		uint32_t *out = ii + (y + 1) * istride;

		out[0] = 0;
		k->integral_row(src + y * sstride, ii + y * istride + 1, out + 1, w);
	}
}

void anpr_k_local_mean(const struct anpr_kern_ops *k, const uint8_t *src,
		       size_t sstride, int w, int h, const uint32_t *ii,
		       size_t istride, int r, int off, uint8_t *dst,
		       size_t dstride)
{
	r = clampi(r, 1, ANPR_KERN_MAX_RADIUS);
	for (int y = 0; y < h; y++) {
		int y0 = clampi(y - r, 0, h), y1 = clampi(y + r + 1, 0, h);
		const uint32_t *top = ii + y0 * istride, *bot = ii + y1 * istride;
		const uint8_t *s = src + y * sstride;
		uint8_t *d = dst + y * dstride;
		int rows = y1 - y0;
		int xa = r < w ? r : w, xb = w - r - 1;	/* full windows: [xa, xb] */

		if (xb >= xa) {
			uint32_t area = (uint32_t)(rows * (2 * r + 1));

			k->local_mean_row(s + xa, top + xa - r, bot + xa - r, r,
					  area, (uint32_t)off * area, d + xa,
					  xb - xa + 1);
		} else {
			xb = xa - 1;
		}
		for (int x = 0; x < w; x++) {
			if (x == xa && xb >= xa)
				x = xb + 1;	/* the kernel did [xa, xb] */
			if (x >= w)
				break;
			int x0 = clampi(x - r, 0, w), x1 = clampi(x + r + 1, 0, w);
			uint32_t area = (uint32_t)(rows * (x1 - x0));
			int32_t sum = (int32_t)(bot[x1] - bot[x0] - top[x1] + top[x0]);
			int32_t v = (int32_t)(s[x] * area), o = (int32_t)(off * area);

			d[x] = (uint8_t)((v + o < sum ? 1 : 0) | (v > sum + o ? 2 : 0));
		}
	}
}

void anpr_k_conv_sep(const struct anpr_kern_ops *k, const uint8_t *src,
		     size_t sstride, int w, int h, const int16_t *taps_k,
		     int taps, int shift, uint8_t *dst, size_t dstride,
		     uint8_t *tmp)
{
	const int R = taps / 2;
	uint8_t *mid = tmp;				/* w x (h + 2R) */
	uint8_t *line = tmp + (size_t)w * (h + 2 * R);	/* w + 2R */
	const uint8_t *rows[ANPR_KERN_MAX_TAPS];

	for (int y = 0; y < h; y++) {
		const uint8_t *s = src + y * sstride;

		for (int j = 0; j < w + 2 * R; j++)
			line[j] = s[clampi(j - R, 0, w - 1)];
		k->conv_h_row(line, taps_k, taps, shift, mid + (size_t)(y + R) * w, w);
	}
	for (int y = 0; y < R; y++) {
		memcpy(mid + (size_t)y * w, mid + (size_t)R * w, w);
		memcpy(mid + (size_t)(h + R + y) * w, mid + (size_t)(h + R - 1) * w, w);
	}
	for (int y = 0; y < h; y++) {
		for (int j = 0; j < taps; j++)
			rows[j] = mid + (size_t)(y + j) * w;
		k->conv_v_row(rows, taps_k, taps, shift, dst + y * dstride, w);
	}
}
