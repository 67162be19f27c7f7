// SPDX-License-Identifier: MIT
/*
 * activity.c - where in a frame is there anything to read? On the
 * half-scale image, the mean gradient magnitude of each 8x8 block is
 * compared with the frame's own noise floor (the median block); blocks well
 * above it, widened by a block, are grouped into rectangles, and only those
 * are searched. A large IR frame is mostly dark, noisy road: this is what
 * keeps it cheap. Small frames, frames mostly active and frames busy all
 * over (a close-up of a plate) are read whole.
 */
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

#define BLOCK		8	/* half-scale pixels: 16 frame pixels */
#define FLOOR_MUL	2	/* active: mean > FLOOR_MUL x median block */
#define MIN_ACTIVE	6	/* ... and > this mean gradient magnitude */
#define FULL_FRACTION	50	/* % active above which the whole frame is read */
#define BUSY_FLOOR	10	/* median block mean above which: whole frame */
#define SMALL_FRAME	(640 * 480)	/* frame pixels: cheap, read it all */

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int rd_activity_regions(struct rd_activity *a, const struct anpr_kern_ops *k,
			const uint8_t *half, size_t stride, int hw, int hh,
			int align, struct rd_rect *out, int max)
{
	int gw = hw / BLOCK, gh = hh / BLOCK, n, nout = 0, active = 0;
	size_t cells;
	uint16_t *energy, *sorted, floor_v, thr;
	uint8_t *grid, *wide;
	int16_t *gx, *gy;
	uint8_t *mag;

	if (gw < 4 || gh < 4 || (long)hw * hh * 4 < SMALL_FRAME)
		return -1;
	cells = (size_t)gw * gh;
	if (rd_reserve(&a->grad, (size_t)hw * 3 * (2 * sizeof(int16_t) + 1)) ||
	    rd_reserve(&a->energy, cells * 2 * sizeof(uint16_t)) ||
	    rd_reserve(&a->grid, cells * 2))
		return -1;
	gx = a->grad.p;
	gy = gx + hw;
	mag = (uint8_t *)(gy + hw);
	energy = a->energy.p;
	sorted = energy + cells;
	grid = a->grid.p;
	wide = grid + cells;
	memset(energy, 0, cells * sizeof(uint16_t));
	for (int y = 0; y < gh * BLOCK; y++) {
		const uint8_t *p = half + (size_t)y * stride;
		const uint8_t *up = y ? p - stride : p;
		const uint8_t *dn = y + 1 < hh ? p + stride : p;
		uint16_t *e = energy + (size_t)(y / BLOCK) * gw;

		k->sobel_row(up, p, dn, gx + 1, gy + 1, hw - 2);
		gx[0] = gy[0] = 0;
		k->gradmag_row(gx + 1, gy + 1, mag + 1, hw - 2);
		/* the border columns have no gradient; both are summed into
		 * their blocks when the width is a multiple of BLOCK (mag[hw -
		 * 1] was left unwritten: the reading of a 1920-pixel frame
		 * depended on what the buffer held before, valgrind found it) */
		mag[0] = 0;
		mag[hw - 1] = 0;
		for (int bx = 0; bx < gw; bx++) {
			unsigned sum = 0;

			for (int i = 0; i < BLOCK; i++)
				sum += mag[bx * BLOCK + i];
			e[bx] = (uint16_t)(e[bx] + sum);
		}
	}
	memcpy(sorted, energy, cells * sizeof(uint16_t));
	qsort(sorted, cells, sizeof(uint16_t), cmp_u16);
	floor_v = sorted[cells / 2];
	/* Texture everywhere (or a close-up filling the frame): nothing can
	 * be told from the floor, read it all. */
	if (floor_v > BUSY_FLOOR * BLOCK * BLOCK)
		return -1;
	thr = (uint16_t)(FLOOR_MUL * floor_v);
	if (thr < MIN_ACTIVE * BLOCK * BLOCK)
		thr = MIN_ACTIVE * BLOCK * BLOCK;
	for (size_t i = 0; i < cells; i++)
		grid[i] = energy[i] > thr;
	/* Widen: two blocks left and right, one up and down. */
	memset(wide, 0, cells);
	for (int y = 0; y < gh; y++)
		for (int x = 0; x < gw; x++) {
			if (!grid[(size_t)y * gw + x])
				continue;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -2; dx <= 2; dx++) {
					int yy = y + dy, xx = x + dx;

					if (yy >= 0 && yy < gh && xx >= 0 && xx < gw)
						wide[(size_t)yy * gw + xx] = 1;
				}
		}
	for (size_t i = 0; i < cells; i++)
		active += wide[i];
	if (active * 100 > (int)cells * FULL_FRACTION)
		return -1;
	n = rd_ccl_label(&a->ccl, k, wide, (size_t)gw, gw, gh, 1, 1, gh, gw, 0);
	if (n < 0)
		return -1;
	for (int i = 0; i < n && nout < max; i++) {
		const struct rd_comp *c = (const struct rd_comp *)a->ccl.comps.p + i;
		int f = 2 * BLOCK;	/* frame pixels per block */
		struct rd_rect rr = { c->x0 * f, c->y0 * f, c->x1 * f, c->y1 * f };

		/* Align to the coarsest level's pixel; the last row and column
		 * of blocks reach the frame's edge. */
		rr.x0 -= rr.x0 % align;
		rr.y0 -= rr.y0 % align;
		if (c->x1 == gw)
			rr.x1 = 1 << 30;
		if (c->y1 == gh)
			rr.y1 = 1 << 30;
		out[nout++] = rr;
	}
	if (n > max)
		return -1;
	return nout;
}

void rd_activity_free(struct rd_activity *a)
{
	rd_buf_free(&a->grad);
	rd_buf_free(&a->energy);
	rd_buf_free(&a->grid);
	rd_ccl_free(&a->ccl);
}
