// SPDX-License-Identifier: MIT
/*
 * segment.c - cut a line of characters again inside its own band.
 *
 * Once a text line is found, its top and bottom are known. Labelling the
 * threshold mask again between them (and a little beyond its ends) frees
 * the characters that touched something above or below (a dealer frame's
 * text, a bolt, the plate's border) and so were lost or merged; a piece
 * much wider than the line's characters (two characters touching each
 * other, or a character and a bolt) is split at its emptiest columns into
 * as many pieces as the line's character pitch says it holds. The pieces
 * next to the line's ends are chained on with the same gap rule as the
 * line; one joined at its outer side to the plate's edge or a frame's
 * side (a bar going on above or below the band) is chained on without the
 * bar. The new line is read beside the first one; ranking chooses.
 *
 * A line of the other polarity that reads as nothing is often the plate's
 * ground showing between characters that are all joined below or above
 * (a dealer frame): its band is cut the same way for the characters.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

#define PIECES_MAX	64
#define BAND_PAD	1	/* rows kept above and below the line */
#define END_REACH	1.5f	/* searched beyond the line's ends, x height */
#define MIN_PIECE_H	0.6f	/* a piece's height, x the line's height */
#define MAX_PIECE_H	1.3f
#define WIDE		1.75f	/* split above this x the typical width */
#define END_GAP		0.8f	/* gap to a piece added at an end, x height */
#define BAR_W		0.35f	/* a bar through the band: edge, x height */
#define END_MIN_H	0.8f	/* a piece added at an end: height, x H */
#define END_MAX_H	1.2f
#define BAR_REACH	0.3f	/* a frame's bar joined to an end piece, x H */
#define STRIPPED_MIN_W	0.35f	/* what is left of it: width, x H */
#define THIN_MIN_W	0.1f	/* ... beyond a gap: a thin '1', x H */

/* @c moved by (@dx, @dy): between mask and band coordinates. */
static struct rd_comp shifted(const struct rd_comp *c, int dx, int dy)
{
	return (struct rd_comp){ c->x0 + dx, c->y0 + dy, c->x1 + dx,
				 c->y1 + dy, c->area };
}

static int by_x0(const void *a, const void *b)
{
	const struct rd_comp *p = a, *q = b;

	return (p->x0 > q->x0) - (p->x0 < q->x0);
}

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Pixels of column @x, rows [y0, y1), with any of @bits. */
static int col_ink(const uint8_t *mask, size_t stride, uint8_t bits, int x,
		   int y0, int y1)
{
	int n = 0;

	for (int y = y0; y < y1; y++)
		n += (mask[(size_t)y * stride + x] & bits) != 0;
	return n;
}

/* The tight box and pixel count of the ink in [x0, x1) x [y0, y1). */
static int ink_box(const uint8_t *mask, size_t stride, uint8_t bits, int x0,
		   int x1, int y0, int y1, struct rd_comp *out)
{
	struct rd_comp b = { INT_MAX, INT_MAX, INT_MIN, INT_MIN, 0 };

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			if (!(mask[(size_t)y * stride + x] & bits))
				continue;
			b.x0 = x < b.x0 ? x : b.x0;
			b.x1 = x + 1 > b.x1 ? x + 1 : b.x1;
			b.y0 = y < b.y0 ? y : b.y0;
			b.y1 = y + 1;
			b.area++;
		}
	if (!b.area)
		return 0;
	*out = b;
	return 1;
}

/*
 * The typical width of the characters in a band labelled with @n
 * components, when the line gave only the gaps between them: the median
 * of those 0.3..0.8 of the height @H wide (single characters), else half
 * the height.
 */
static float band_char_width(const struct rd_ccl *ccl, int n, float H)
{
	int wd[RD_MAX_LINE], nw = 0;

	for (int i = 0; i < n && nw < RD_MAX_LINE; i++) {
		const struct rd_comp *c = (const struct rd_comp *)ccl->comps.p + i;
		float cw = (float)(c->x1 - c->x0);

		if (cw >= 0.3f * H && cw <= 0.8f * H)
			wd[nw++] = c->x1 - c->x0;
	}
	if (nw < 2)
		return 0.5f * H;
	qsort(wd, (size_t)nw, sizeof(int), cmp_int);
	return (float)wd[nw >> 1];
}

/* The line's typical character width: the median of those not narrow
 * ('1', 'I' are), at least 0.4 of its height. */
static float typical_width(const struct rd_line *l)
{
	int wd[RD_MAX_LINE], n = 0;
	float minw = 0.4f * l->height;

	for (int i = 0; i < l->n; i++)
		if ((float)(l->c[i].x1 - l->c[i].x0) >= 0.3f * l->height)
			wd[n++] = l->c[i].x1 - l->c[i].x0;
	if (!n)
		return minw;
	qsort(wd, (size_t)n, sizeof(int), cmp_int);
	{
		float med = (float)wd[n >> 1];

		return med > minw ? med : minw;
	}
}

/*
 * Split @c into k pieces, k from the typical width @tw, each cut at the
 * emptiest column within a third of @tw of where the pitch puts it.
 * Returns the pieces written (1: not split).
 */
static int split(const uint8_t *mask, size_t stride, uint8_t bits,
		 const struct rd_comp *c, float tw, struct rd_comp *out, int max)
{
	int w = c->x1 - c->x0, k = (int)lrintf((float)w / tw), n = 0;
	int from = c->x0;

	if (k < 2 || (float)w <= WIDE * tw || max < k) {
		out[0] = *c;
		return 1;
	}
	for (int i = 1; i <= k; i++) {
		int cut = c->x1, next;

		next = cut;
		if (i < k) {
			int mid = c->x0 + w * i / k, r = (int)(tw / 3.0f);
			int best = INT_MAX;

			for (int x = mid - r; x <= mid + r; x++) {
				int ink;

				if (x <= from || x >= c->x1 - 1)
					continue;
				ink = col_ink(mask, stride, bits, x, c->y0, c->y1);
				if (ink < best) {
					best = ink;
					cut = x;
				}
			}
			if (best == INT_MAX)
				continue;
			/* The whole run of emptiest columns (a gap bridged
			 * by a stroke) belongs to neither piece. */
			next = cut + 1;
			while (next < c->x1 - 1 &&
			       col_ink(mask, stride, bits, next, c->y0, c->y1) == best)
				next++;
		}
		if (ink_box(mask, stride, bits, from, cut, c->y0, c->y1, &out[n]))
			n++;
		from = next;
	}
	return n;
}

/**
 * struct band - the rows of a line, following its slope, copied out of the
 * mask (everything else cleared), in band coordinates.
 * @m: the copy, @w x @h, stride @w: the characters' rows only.
 * @x0, @y0: its origin in the mask.
 * @top, @bot: at column 0 of the band, the row just above the characters
 *	and the row just below them + 1; at column x add @slope * x. These
 *	two rows are left out of the copy: what touches the characters there
 *	is told from @src.
 * @src, @stride, @bits: the mask and polarity the band was cut from.
 */
struct band {
	uint8_t *m;
	int w, h, x0, y0;
	float top, bot, slope;
	const uint8_t *src;
	size_t stride;
	uint8_t bits;
	int trimmed;
	int rows;
};

static int band_top(const struct band *b, float x)
{
	return (int)floorf(b->top + b->slope * x);
}

static int band_bot(const struct band *b, float x)
{
	return (int)ceilf(b->bot + b->slope * x);
}

/* Does piece @p (band coordinates) go on into the row above (below) it? */
static int touches(const struct rd_comp *p, const struct band *b, int bottom)
{
	for (int x = p->x0; x < p->x1; x++) {
		int edge = bottom ? band_bot(b, (float)x) - 1 : band_top(b, (float)x);
		int in = bottom ? edge - 1 : edge + 1;

		if (edge < 0 || edge >= b->h || in < 0 || in >= b->h)
			continue;
		if (b->m[(size_t)in * b->w + x] &&
		    (b->src[(size_t)(b->y0 + edge) * b->stride + b->x0 + x] & b->bits))
			return 1;
	}
	return 0;
}

/* Does @p reach through the band: joined to things above and below? */
static int through(const struct rd_comp *p, const struct band *b)
{
	return touches(p, b, 0) && touches(p, b, 1);
}

/*
 * May @p, next to the line's end piece @end (both in mask coordinates),
 * be chained on? Near enough,
 * as tall as the line's characters, and not reaching through the whole
 * band (that is the plate's edge or frame, joined to what is above and
 * below).
 */
static int end_piece(const struct rd_comp *p, const struct rd_comp *end,
		     float H, const struct band *b)
{
	float gap = p->x0 > end->x0 ? (float)(p->x0 - end->x1) :
				      (float)(end->x0 - p->x1);
	float ph = (float)(p->y1 - p->y0);
	struct rd_comp q = shifted(p, -b->x0, -b->y0);

	return gap <= END_GAP * H && gap >= -0.15f * H &&
	       ph >= END_MIN_H * H && ph <= END_MAX_H * H && !through(&q, b);
}

/*
 * @p (mask coordinates), next to the line's end on its @left, joined to
 * the plate's edge or frame: a bar on its outer side goes on above or
 * below the band. Writes to @out what is left of @p without the bar's
 * columns (within BAR_REACH of the outer side). Returns 0 if @p has no
 * such bar or what is left is too narrow for a character.
 */
static int strip_bar(const struct rd_comp *p, const struct band *b, int left,
		     float H, struct rd_comp *out)
{
	struct rd_comp in = shifted(p, -b->x0, -b->y0), q;
	int x0 = in.x0, x1 = in.x1, y0 = in.y0, y1 = in.y1;
	int reach = (int)(BAR_REACH * H), inner[2] = { -1, -1 }, cut, gap;

	/* The innermost column that goes on above, and below; the bar is
	 * out to the nearer of the two (a character's stem beside it may
	 * go on at one side, through a blot of the frame's corner). */
	for (int i = 0; i < reach && i < x1 - x0; i++) {
		int x = left ? x0 + i : x1 - 1 - i;
		struct rd_comp col = { x, y0, x + 1, y1, 0 };

		for (int side = 0; side < 2; side++)
			if (touches(&col, b, side))
				inner[side] = i;
	}
	if (inner[0] < 0 || inner[1] < 0)
		return 0;
	cut = inner[0] < inner[1] ? inner[0] : inner[1];
	cut = left ? x0 + cut : x1 - 1 - cut;
	/* Columns just inside the bar that hold little ink (a third of the
	 * piece's height at most: a bridge of blur, a corner) are a gap
	 * between the bar and a character: a thin '1' or 'I' stands beyond
	 * them. A sliver of the frame goes on from the bar without one. */
	gap = cut;
	for (int x = left ? cut + 1 : cut - 1; x >= x0 && x < x1;
	     x += left ? 1 : -1) {
		if (3 * col_ink(b->m, (size_t)b->w, b->bits, x, y0, y1) > y1 - y0)
			break;
		gap = x;
	}
	if (left ? !ink_box(b->m, (size_t)b->w, b->bits, gap + 1, x1, y0, y1, &q)
		 : !ink_box(b->m, (size_t)b->w, b->bits, x0, gap, y0, y1, &q))
		return 0;
	/* A sliver of the frame is no character; a bar beyond a gap may be. */
	if ((float)(q.x1 - q.x0) < (gap != cut ? THIN_MIN_W : STRIPPED_MIN_W) * H ||
	    q.x1 - q.x0 < 2)
		return 0;
	*out = shifted(&q, b->x0, b->y0);
	return 1;
}

static int same_boxes(const struct rd_comp *a, const struct rd_comp *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i].x0 != b[i].x0 || a[i].x1 != b[i].x1 ||
		    a[i].y0 != b[i].y0 || a[i].y1 != b[i].y1)
			return 0;
	return 1;
}

/* end_piece(), or end_piece() of @p without a frame's bar joined on at
 * its outer side (then @p becomes that). */
static int chain_end(struct rd_comp *p, const struct rd_comp *end, float H,
		     const struct band *b, int left)
{
	struct rd_comp q;

	if (end_piece(p, end, H, b))
		return 1;
	if (!strip_bar(p, b, left, H, &q) || !end_piece(&q, end, H, b))
		return 0;
	*p = q;
	return 1;
}

size_t rd_band_bytes(int w, int h)
{
	return (size_t)w * (size_t)h + 5 * (size_t)w * sizeof(int);
}

/*
 * One side of trim_band(): @first[x] is the first inked row of column x
 * counted from that side (-1: none), @rows[x] the column's rows. Returns
 * the rows to cut from the other side, 0 for none.
 */
static int trim_side(const int *first, const int *rows, int xa, int xb,
		     int *tmp)
{
	int n = 0, nopen = 0, nf = 0, t, floor_, cut;

	for (int x = xa; x < xb; x++)
		if (first[x] >= 0)
			tmp[n++] = first[x];
	if (n < 4)
		return 0;
	qsort(tmp, (size_t)n, sizeof(int), cmp_int);
	t = tmp[n / 5];		/* the characters' edge */
	for (int x = xa; x < xb; x++) {
		if (first[x] >= 0 && 2 * (first[x] - t) <= rows[x] - t)
			continue;
		nopen++;
		if (first[x] >= 0)
			tmp[nf++] = first[x];
	}
	if (nf < 3 || 2 * nf < nopen)
		return 0;
	/* Where the bar begins: a lettered or noisy bar starts a row or
	 * two lower in some gaps, never higher. */
	qsort(tmp, (size_t)nf, sizeof(int), cmp_int);
	floor_ = tmp[nf / 2];
	cut = 0;
	for (int x = xa; x < xb; x++)
		cut = rows[x] - floor_ > cut ? rows[x] - floor_ : cut;
	/* Less than a fifth of the characters' height is a foot of an L or
	 * a J, not a bar joined on. */
	if (5 * cut < floor_ - t)
		return 0;
	return cut;
}

/* Row @k of column @x of the band, counted from its foot or its head. */
static int band_row(const int *lo, const int *hi, int x, int k, int foot)
{
	return foot ? hi[x] - 1 - k : lo[x] + k;
}

/* Is one of the @cut rows at the band's @foot (or head) inked along at
 * least half of [xa, xb)? */
static int bar_row(const struct band *b, int xa, int xb, const int *lo,
		   const int *hi, int cut, int foot)
{
	for (int k = 0; k < cut; k++) {
		int ink = 0;

		for (int x = xa; x < xb; x++) {
			int yy = band_row(lo, hi, x, k, foot);

			ink += yy >= 0 && yy < b->h && b->m[(size_t)yy * b->w + x];
		}
		if (2 * ink >= xb - xa)
			return 1;
	}
	return 0;
}

/*
 * Characters joined along their foot to a bar (a dealer frame's lower
 * edge, the plate's border), or along their top: the gaps between the
 * characters are empty from the characters' top down to the bar. Where
 * most such gaps end at one row, that row is the characters' foot, and
 * the band is cut there (likewise at the top). Only the columns [xa, xb)
 * of the line's span are looked at; the cut is made across the band.
 * @b's rows and copy follow.
 */
static void trim_band(struct band *b, int xa, int xb, int *lo, int *hi,
		      int *first, int *rows)
{
	int cut_rows[2];	/* [0]: at the foot, [1]: at the head */

	xa = xa < 0 ? 0 : xa;
	xb = xb > b->w ? b->w : xb;
	for (int side = 0; side < 2; side++) {
		int foot = !side, cut;

		/* The first ink of each column, from the other edge. */
		for (int x = xa; x < xb; x++) {
			rows[x] = hi[x] - lo[x];
			first[x] = -1;
			for (int y = 0; y < rows[x]; y++) {
				int yy = band_row(lo, hi, x, y, !foot);

				if (yy >= 0 && yy < b->h && b->m[(size_t)yy * b->w + x]) {
					first[x] = y;
					break;
				}
			}
		}
		cut = trim_side(first, rows, xa, xb, rows + b->w);
		/* A bar: some row cut off is inked along half the line. */
		if (cut && !bar_row(b, xa, xb, lo, hi, cut, foot))
			cut = 0;
		cut_rows[side] = cut;
		for (int x = 0; x < b->w && cut; x++) {
			for (int k = 0; k < cut; k++) {
				int yy = band_row(lo, hi, x, k, foot);

				if (yy >= 0 && yy < b->h)
					b->m[(size_t)yy * b->w + x] = 0;
			}
			if (foot)
				hi[x] -= cut;
			else
				lo[x] += cut;
		}
	}
	b->bot -= (float)cut_rows[0];
	b->top += (float)cut_rows[1];
	b->trimmed = cut_rows[0] + cut_rows[1];
	b->rows = hi[b->w / 2] - lo[b->w / 2];
}

/*
 * Copy the band of @l (its characters' extent above and below the line
 * through their centres, and a row more) out of @mask; keep @bits only.
 * Returns 0, 1 if the line is unsuitable, -1 out of memory.
 */
static int cut_band(struct rd_buf *scratch, const uint8_t *mask, size_t stride,
		    int w, int h, uint8_t bits, const struct rd_line *l,
		    struct band *b)
{
	float H = l->height, cx = 0, cy = 0, up = 0, down = 0;
	int x1, y1, *lo, *hi;

	for (int i = 0; i < l->n; i++) {
		cx += 0.5f * (float)(l->c[i].x0 + l->c[i].x1);
		cy += 0.5f * (float)(l->c[i].y0 + l->c[i].y1);
	}
	cx /= (float)l->n;
	cy /= (float)l->n;
	for (int i = 0; i < l->n; i++) {
		float mid = cy + l->slope * (0.5f * (float)(l->c[i].x0 + l->c[i].x1) - cx);

		up = fmaxf(up, mid - (float)l->c[i].y0);
		down = fmaxf(down, (float)l->c[i].y1 - mid);
	}
	/* Characters of very different heights: not one line of a plate. */
	if (up + down > 1.6f * H)
		return 1;
	up += BAND_PAD;
	down += BAND_PAD;
	b->x0 = l->c[0].x0 - (int)(END_REACH * H);
	x1 = l->c[l->n - 1].x1 + (int)(END_REACH * H);
	b->x0 = b->x0 < 0 ? 0 : b->x0;
	x1 = x1 > w ? w : x1;
	{
		float ya = cy + l->slope * ((float)b->x0 - cx);
		float yb = cy + l->slope * ((float)x1 - cx);

		b->y0 = (int)floorf(fminf(ya, yb) - up);
		y1 = (int)ceilf(fmaxf(ya, yb) + down);
		b->y0 = b->y0 < 0 ? 0 : b->y0;
		y1 = y1 > h ? h : y1;
		b->top = ya - up - (float)b->y0;
		b->bot = ya + down - (float)b->y0;
	}
	b->slope = l->slope;
	b->src = mask;
	b->stride = stride;
	b->bits = bits;
	b->w = x1 - b->x0;
	b->h = y1 - b->y0;
	if (b->w < 1 || b->h < 1)
		return 1;
	if (rd_reserve(scratch, rd_band_bytes(b->w, b->h)))
		return -1;
	/* The characters' rows of each column, then the copy row by row. */
	lo = scratch->p;
	hi = lo + b->w;
	b->m = (uint8_t *)(hi + 4 * b->w);
	for (int x = 0; x < b->w; x++) {
		lo[x] = band_top(b, (float)x) + 1;
		hi[x] = band_bot(b, (float)x) - 1;
	}
	for (int y = 0; y < b->h; y++) {
		const uint8_t *src = mask + (size_t)(b->y0 + y) * stride + b->x0;
		uint8_t *dst = b->m + (size_t)y * b->w;

		for (int x = 0; x < b->w; x++)
			dst[x] = y >= lo[x] && y < hi[x] ? src[x] & bits : 0;
	}
	/* Within the line's span: its margins are no gaps. */
	trim_band(b, l->c[0].x0 - b->x0, l->c[l->n - 1].x1 - b->x0, lo, hi,
		  hi + b->w, hi + 2 * b->w);
	return 0;
}

int rd_resegment(struct rd_ccl *ccl, struct rd_buf *scratch,
		 const struct anpr_kern_ops *k, const uint8_t *mask,
		 size_t stride, int w, int h, uint8_t bits, int gaps,
		 const struct rd_line *l, struct rd_line *out)
{
	struct rd_comp pieces[PIECES_MAX];
	struct band b;
	float H = l->height, tw;
	int n, np = 0, first = -1, last = -1, rc;
	int min_h = (int)ceilf(MIN_PIECE_H * H), max_h = (int)ceilf(MAX_PIECE_H * H);

	if (l->n < 2 || H < 1.0f || l->rows != 1)
		return 0;
	rc = cut_band(scratch, mask, stride, w, h, bits, l, &b);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (b.trimmed) {
		/* The characters are shorter than the line said: what was
		 * cut off was joined to them. */
		H = fminf(H, (float)b.rows);
		min_h = (int)ceilf(MIN_PIECE_H * H);
		max_h = (int)ceilf(MAX_PIECE_H * H);
	}
	n = rd_ccl_label(ccl, k, b.m, (size_t)b.w, b.w, b.h, bits, min_h, b.h,
			 b.w, (int)(MAX_PIECE_H * H));
	if (n < 0)
		return -1;
	tw = gaps ? band_char_width(ccl, n, H) : typical_width(l);
	for (int i = 0; i < n && np < PIECES_MAX; i++) {
		const struct rd_comp *c = (const struct rd_comp *)ccl->comps.p + i;
		struct rd_comp sp[RD_MAX_LINE];
		int ns = split(b.m, (size_t)b.w, bits, c, tw, sp, RD_MAX_LINE);

		for (int j = 0; j < ns && np < PIECES_MAX; j++) {
			/* A bar through the whole band, above and below
			 * the characters, is the plate's edge or frame. */
			if (through(&sp[j], &b) &&
			    (float)(sp[j].x1 - sp[j].x0) <= BAR_W * H) {
				struct rd_comp m = shifted(&sp[j], b.x0, b.y0), q;

				/* Unless a thin character stands beside
				 * the bar, joined to it by a bridge. */
				if (!strip_bar(&m, &b, 1, H, &q) &&
				    !strip_bar(&m, &b, 0, H, &q))
					continue;
				sp[j] = shifted(&q, -b.x0, -b.y0);
			}
			if (rd_char_like(&sp[j], min_h, max_h))
				pieces[np++] = sp[j];
		}
	}
	/* Back to mask coordinates. */
	for (int i = 0; i < np; i++)
		pieces[i] = shifted(&pieces[i], b.x0, b.y0);
	qsort(pieces, (size_t)np, sizeof(pieces[0]), by_x0);
	/* The pieces within the line's span, then those chained on at its
	 * ends. */
	for (int i = 0; i < np; i++) {
		float pcx = 0.5f * (float)(pieces[i].x0 + pieces[i].x1);

		if (pcx >= (float)l->c[0].x0 && pcx <= (float)l->c[l->n - 1].x1) {
			first = first < 0 ? i : first;
			last = i;
		}
	}
	if (first < 0)
		return 0;
	while (first > 0 &&
	       chain_end(&pieces[first - 1], &pieces[first], H, &b, 1))
		first--;
	while (last + 1 < np &&
	       chain_end(&pieces[last + 1], &pieces[last], H, &b, 0))
		last++;
	n = last - first + 1;
	if (n < 4 || n > RD_MAX_LINE)
		return 0;
	if (n == l->n && same_boxes(&pieces[first], l->c, n))
		return 0;
	out->n = n;
	memcpy(out->c, &pieces[first], sizeof(out->c[0]) * (size_t)n);
	rd_line_fit(out);
	return 1;
}
