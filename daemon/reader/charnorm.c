// SPDX-License-Identifier: MIT
/*
 * charnorm.c - cut one character out of a grey image into the classifier's
 * fixed-size input: scaled to the patch height keeping its aspect (at most
 * the patch width), centred, contrast stretched, ink 1, background 0. The
 * training data is cut by this same function (training/README and
 * docs/reader.md), so training and inference see the same patches. A
 * whole line's band is cut likewise (rd_quad_band).
 */
#include <math.h>
#include <string.h>

#include "reader/reader_int.h"

#define MIN_SPAN	16.0f	/* grey levels stretched over at least */

/* @v stretched over [@lo, @lo + @span] (@hi = the lightest): ink, as dark
 * or light as @dark says, 1, the ground 0. */
static float ink(float v, float lo, float hi, float span, int dark)
{
	float i = dark ? (hi - v) / span : (v - lo) / span;

	return i < 0 ? 0 : i > 1 ? 1 : i;
}

static float sample(const uint8_t *img, size_t stride, int w, int h, float x,
		    float y)
{
	int x0, y0;
	float fx, fy, a, b, c, d;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x > (float)(w - 1))
		x = (float)(w - 1);
	if (y > (float)(h - 1))
		y = (float)(h - 1);
	x0 = (int)x;
	y0 = (int)y;
	fx = x - (float)x0;
	fy = y - (float)y0;
	const uint8_t *r0 = img + (size_t)y0 * stride;
	const uint8_t *r1 = img + (size_t)(y0 + 1 < h ? y0 + 1 : y0) * stride;
	int x1 = x0 + 1 < w ? x0 + 1 : x0;

	a = r0[x0];
	b = r0[x1];
	c = r1[x0];
	d = r1[x1];
	return (a + (b - a) * fx) + ((c + (d - c) * fx) - (a + (b - a) * fx)) * fy;
}

void rd_norm_char(const uint8_t *img, size_t stride, int w, int h,
		  const struct rd_comp *c, int dark, float *out)
{
	const int margin_rows = 2;		/* rows above and below the ink */
	const int inner_h = RD_CH_H - 2 * margin_rows;
	float ch = (float)(c->y1 - c->y0), cw = (float)(c->x1 - c->x0);
	float scale = (float)inner_h / ch;	/* patch px per image px */
	int tw = (int)lrintf(cw * scale) + 2;	/* ink width + 1 px each side */
	int ox;
	float lo = 255.0f, hi = 0.0f, cx = 0.5f * (float)(c->x0 + c->x1);
	float top = (float)c->y0 - (float)margin_rows / scale;

	if (tw > RD_CH_W)
		tw = RD_CH_W;
	if (tw < 3)
		tw = 3;
	ox = (RD_CH_W - tw) / 2;
	/* Contrast from the component's box, one pixel larger. */
	for (int y = c->y0 - 1; y <= c->y1; y++) {
		if (y < 0 || y >= h)
			continue;
		const uint8_t *row = img + (size_t)y * stride;

		for (int x = c->x0 - 1; x <= c->x1; x++) {
			if (x < 0 || x >= w)
				continue;
			if (row[x] < lo)
				lo = row[x];
			if (row[x] > hi)
				hi = row[x];
		}
	}
	float span = hi - lo < MIN_SPAN ? MIN_SPAN : hi - lo;

	memset(out, 0, sizeof(float) * RD_CH_H * RD_CH_W);
	for (int py = 0; py < RD_CH_H; py++) {
		float sy = top + ((float)py + 0.5f) / scale - 0.5f;

		for (int px = 0; px < tw; px++) {
			int rel = px - tw / 2;	/* columns from the patch centre */
			float sx = cx + ((float)rel + 0.5f) / scale - 0.5f;
			float v = sample(img, stride, w, h, sx, sy);

			out[py * RD_CH_W + ox + px] = ink(v, lo, hi, span, dark);
		}
	}
}

int rd_single_char_box(const struct anpr_kern_ops *k, struct rd_ccl *ccl,
		       struct rd_buf *mask,
		       const uint8_t *img, size_t stride, int w, int h,
		       int want_dark, struct rd_comp *box, int *dark)
{
	long sum = 0, border = 0;
	int nb = 0, lo = 255, hi = 0, best = -1, n;
	uint8_t *m;

	if (w < 1 || h < 1 || rd_reserve(mask, (size_t)w * h))
		return -1;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = img[(size_t)y * stride + x];

			sum += v;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
				border += v;
				nb++;
			}
		}
	/* Else the background is what the border mostly shows. */
	*dark = want_dark >= 0 ? want_dark : border * (long)w * h >= sum * nb;
	m = mask->p;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = img[(size_t)y * stride + x];

			m[(size_t)y * w + x] = (*dark ? 2 * v < lo + hi : 2 * v > lo + hi);
		}
	n = rd_ccl_label(ccl, k, m, (size_t)w, w, h, 1, 1, h, w, 0);
	for (int i = 0; i < n; i++) {
		const struct rd_comp *c = (const struct rd_comp *)ccl->comps.p + i;

		if (best < 0 || c->area > ((const struct rd_comp *)ccl->comps.p)[best].area)
			best = i;
	}
	if (best < 0 || hi - lo < 8)
		return -1;
	*box = ((const struct rd_comp *)ccl->comps.p)[best];
	return 0;
}

void rd_quad_band(const uint8_t *img, size_t stride, int w, int h,
		  const float *quad, int dark, float *out)
{
	float lo = 255.0f, hi = 0.0f, span;

	for (int py = 0; py < RD_BAND_H; py++) {
		/* Down the left and right edges, then across. */
		float v = ((float)py + 0.5f) / (float)RD_BAND_H;
		float lx = quad[0] + (quad[6] - quad[0]) * v;
		float ly = quad[1] + (quad[7] - quad[1]) * v;
		float rx = quad[2] + (quad[4] - quad[2]) * v;
		float ry = quad[3] + (quad[5] - quad[3]) * v;

		for (int px = 0; px < RD_BAND_W; px++) {
			float u = ((float)px + 0.5f) / (float)RD_BAND_W;
			float g = sample(img, stride, w, h, lx + (rx - lx) * u - 0.5f,
					 ly + (ry - ly) * u - 0.5f);

			out[py * RD_BAND_W + px] = g;
			lo = g < lo ? g : lo;
			hi = g > hi ? g : hi;
		}
	}
	span = hi - lo < MIN_SPAN ? MIN_SPAN : hi - lo;
	for (int i = 0; i < RD_BAND_H * RD_BAND_W; i++)
		out[i] = ink(out[i], lo, hi, span, dark);
}
