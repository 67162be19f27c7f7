// SPDX-License-Identifier: MIT
/*
 * ground.c - the plate's ground between its characters, for plates whose
 * characters are all joined to something.
 *
 * Where every character of a plate touches a dealer frame (a bar with the
 * dealer's name below them, often another above), the plate's border or
 * its neighbours, none of them is a component of its own and no line of
 * characters is found. The plate's ground is still there, one light
 * component wider than a character, holed by the characters: its rows
 * above and below them are mostly ground (its margins), while the rows
 * through them are broken by their strokes. Labelled again on their own,
 * those rows fall apart into the pieces of ground between characters, a
 * light line of character-sized pieces. reader.c reads it as any light
 * line that reads as nothing: the line's band is cut again for the dark
 * characters between the pieces (segment.c), which the band frees from
 * the frame.
 *
 * Pure logic on a threshold mask: tests call it on masks drawn by hand.
 */
#include <string.h>

#include "reader/reader_int.h"

#define WIDE_MIN_ASPECT	1.5f	/* a ground: at least this x its height wide */
#define WIDE_MAX_H	3	/* ... at most this x the tallest character */
#define MARGIN_FILL	0.6f	/* a margin's row: this share of the width set */
#define GAP_FILL	0.04f	/* a row with less is no plate's */
#define RUN_REACH	1.1f	/* longer runs in a stretch are margins, x height */
#define MIN_PIECES	4	/* a plate's worth of pieces, at least */

int rd_ground_like(const struct rd_comp *c, int max_h, int max_w)
{
	int h = c->y1 - c->y0, w = c->x1 - c->x0;

	return w > max_w && h <= WIDE_MAX_H * max_h &&
	       (float)w >= WIDE_MIN_ASPECT * (float)h;
}

/* Set pixels of @row (@w wide) and the runs they make, via the SIMD packer. */
static int row_ink(struct rd_ccl *ccl, const struct anpr_kern_ops *k,
		   const uint8_t *row, uint8_t bits, int w, int *runs)
{
	uint64_t *b = ccl->bitrow.p, carry = 0;
	int ink = 0, nruns = 0;

	k->pack_mask_row(row, bits, b, w);
	for (int i = 0; i < (w + 63) / 64; i++) {
		ink += __builtin_popcountll(b[i]);
		/* A run starts where a bit is set and the one before is not. */
		nruns += __builtin_popcountll(b[i] & ~(b[i] << 1 | carry));
		carry = b[i] >> 63;
	}
	if (runs)
		*runs = nruns;
	return ink;
}

/* Whether a row of @ink set pixels of @w is inside a stretch. */
static int broken_row(int ink, int w)
{
	return ink >= GAP_FILL * (float)w && ink < MARGIN_FILL * (float)w;
}

/* Append @c to @out[*n]: 1, or 0 if a box the same is there, -1 if full. */
static int add_piece(struct rd_comp *out, int *n, int max, const struct rd_comp *c)
{
	for (int i = 0; i < *n; i++)
		if (out[i].x0 == c->x0 && out[i].y0 == c->y0 &&
		    out[i].x1 == c->x1 && out[i].y1 == c->y1)
			return 0;
	if (*n >= max)
		return -1;
	out[(*n)++] = *c;
	return 1;
}

/*
 * Label rows [@y0, @y0 + @h) of ground @g on their own and append their
 * character-like pieces to @out, if they are a plate's worth; 0 or -1.
 */
static int cut_stretch(struct rd_ccl *ccl, const struct anpr_kern_ops *k,
		       const uint8_t *mask, size_t stride, uint8_t bits,
		       const struct rd_comp *g, int y0, int h, int min_h,
		       int max_h, struct rd_comp *out, int *nout, int max_out)
{
	const int w = g->x1 - g->x0;
	int n, runs, added = 0, first = *nout;

	/* As tall as a character, and not the whole component again (no
	 * margin was cut off). */
	if (h < min_h || h > max_h || h == g->y1 - g->y0)
		return 0;
	/* A plate's characters all cross the stretch's middle row. */
	row_ink(ccl, k, mask + (size_t)(y0 + h / 2) * stride + g->x0, bits, w,
		&runs);
	if (runs < MIN_PIECES)
		return 0;
	n = rd_ccl_label(ccl, k, mask + (size_t)y0 * stride + g->x0, stride, w,
			 h, bits, h / 2 > min_h ? h / 2 : min_h, h, h + h / 8,
			 (int)(RUN_REACH * (float)h));
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct rd_comp c = ((const struct rd_comp *)ccl->comps.p)[i];
		int a;

		c.x0 += g->x0;
		c.x1 += g->x0;
		c.y0 += y0;
		c.y1 += y0;
		if (!rd_char_like(&c, min_h, max_h))
			continue;
		a = add_piece(out, nout, max_out, &c);
		if (a < 0)
			break;
		added += a;
	}
	/* Fewer pieces are clutter or lettering: reading them would only
	 * cost time. */
	if (added < MIN_PIECES)
		*nout = first;
	return 0;
}

int rd_ground_pieces(struct rd_ccl *ccl, const struct anpr_kern_ops *k,
		     const uint8_t *mask, size_t stride, uint8_t bits,
		     const struct rd_comp *g, int min_h, int max_h,
		     struct rd_comp *out, int *nout, int max_out)
{
	const int w = g->x1 - g->x0;
	int y0 = -1;

	if (rd_ccl_reserve(ccl, w, 1))
		return -1;
	/* Each row looked at once: a stretch of rows broken by characters
	 * ends at the first row that is not (or past the last). */
	for (int y = g->y0; y <= g->y1; y++) {
		if (y < g->y1 &&
		    broken_row(row_ink(ccl, k, mask + (size_t)y * stride + g->x0,
				       bits, w, NULL), w)) {
			if (y0 < 0)
				y0 = y;
			continue;
		}
		if (y0 >= 0 && cut_stretch(ccl, k, mask, stride, bits, g, y0, y - y0,
					   min_h, max_h, out, nout, max_out))
			return -1;
		y0 = -1;
	}
	return 0;
}
