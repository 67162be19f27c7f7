// SPDX-License-Identifier: MIT
/*
 * unread.c - plates found but not read (issue 23, item 4).
 *
 * Under a UK camera's infrared a plate's ground is retroreflective: a
 * light rectangle of a plate's shape, much brighter than the vehicle
 * around it, whatever is (or is not) on it. The reader already keeps such
 * light components, wider than characters, for the plates whose
 * characters are all joined to something (ground.c). Here each is judged
 * on its own: of a plate's aspect, mostly filled (a ring round blacked-out
 * characters still is), its top margin a light row across it, and bright
 * against the rows above and below it. A ground that no reading of the
 * frame covers is listed in struct anpr_read's unread[], with why it was
 * not read: nothing on it read as a line of characters, its characters
 * were read below the floor (a plate half covered), or they fit no
 * format. A ground under a reading judged to be no plate (lettering:
 * plate.c) is not listed: that reading is the evidence it is no plate.
 *
 * Pure logic on grey images and boxes: tests call it on drawn images.
 */
#include <string.h>

#include "reader/reader_int.h"

#define MIN_ASPECT	1.5f	/* a square (two-row) plate ... */
#define MAX_ASPECT	12.0f	/* ... to a plate whose lower half is hidden */
#define MIN_FILL	0.35f	/* of its box set: a ring round a bar still is */
#define MIN_GROUND	170	/* grey level of a retroreflective ground (a
				   plate's is 175 and up; a shop sign's or a
				   coloured road sign's less) */
#define MIN_EVIDENCE	0.45f	/* ground over surround, share of the ground */
#define OVERLAP		0.3f	/* of the smaller box: the same plate */
#define GROUND_OFFSET	24	/* over its window's mean: a ground's pixel */
#define MARK_CONTRAST	30	/* a mark: this much darker than the ground */
#define SCAN_MIN_H	8	/* the lowest ground searched, level pixels */

const char *anpr_unread_why_name(int why)
{
	switch (why) {
	case ANPR_UNREAD_NO_CHARS:
		return "no-characters";
	case ANPR_UNREAD_NOT_READ:
		return "not-read";
	case ANPR_UNREAD_NO_FORMAT:
		return "no-format";
	default:
		return "?";
	}
}

void rd_unread_reset(struct rd_unread *u)
{
	u->ngrounds = 0;
	u->nlines = 0;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The grey level below which @q of the counted pixels lie. */
static int percentile(const uint32_t *hist, uint32_t n, float q)
{
	uint32_t want = (uint32_t)((float)n * q), sum = 0;

	for (int v = 0; v < 256; v++) {
		sum += hist[v];
		if (sum > want)
			return v;
	}
	return 255;
}

/* The percentile of its box that is the middle of light component @c's
 * own pixels (the box's lightest @c->area of them, about). */
static float ground_share(const struct rd_comp *c)
{
	float fill = (float)c->area / ((float)(c->x1 - c->x0) * (float)(c->y1 - c->y0));
	float q = 1.0f - 0.5f * fill;

	return q < 0.5f ? 0.5f : q > 0.9f ? 0.9f : q;
}

static void count(const uint8_t *img, size_t stride, int x0, int y0, int x1,
		  int y1, int step, uint32_t *hist, uint32_t *n)
{
	for (int y = y0; y < y1; y += step)
		for (int x = x0; x < x1; x += step) {
			hist[img[(size_t)y * stride + (size_t)x]]++;
			(*n)++;
		}
}

float rd_unread_evidence(const uint8_t *img, size_t stride, int w, int h,
			 const struct rd_comp *c)
{
	int bw = c->x1 - c->x0, bh = c->y1 - c->y0, step, ground, sur;
	int near, far;
	uint32_t hist[256], n = 0, sh[256], ns = 0;

	if (bw < 8 || bh < 4 || c->x0 < 0 || c->y0 < 0 || c->x1 > w || c->y1 > h)
		return 0;
	if ((float)bw < MIN_ASPECT * (float)bh || (float)bw > MAX_ASPECT * (float)bh)
		return 0;
	if ((float)c->area < MIN_FILL * (float)bw * (float)bh)
		return 0;
	step = bh / 8 > 1 ? bh / 8 : 1;
	memset(hist, 0, sizeof(hist));
	count(img, stride, c->x0, c->y0, c->x1, c->y1, step, hist, &n);
	ground = percentile(hist, n, ground_share(c));
	if (ground < MIN_GROUND)
		return 0;
	/* The surround: rows 0.3..0.8 of its height above and below. */
	near = (int)(0.3f * (float)bh + 0.5f);
	far = (int)(0.8f * (float)bh + 0.5f);
	if (far <= near)
		far = near + 1;
	memset(sh, 0, sizeof(sh));
	count(img, stride, c->x0, clampi(c->y0 - far, 0, h), c->x1,
	      clampi(c->y0 - near, 0, h), step, sh, &ns);
	count(img, stride, c->x0, clampi(c->y1 + near, 0, h), c->x1,
	      clampi(c->y1 + far, 0, h), step, sh, &ns);
	/* at least a row's worth, above or below (the edge of what is
	 * searched may cut the other off) */
	if (ns < (uint32_t)(bw / step))
		return 0;
	sur = percentile(sh, ns, 0.5f);
	return (float)(ground - sur) / (float)ground;
}

/* Dark runs (of at least 2 pixels, darker than @thr; or, @thr negative,
 * lighter than -@thr) along row @y of columns [@x0, @x1). */
static int dark_runs(const uint8_t *img, size_t stride, int y, int x0, int x1,
		     int thr)
{
	int runs = 0, len = 0;

	for (int x = x0; x < x1; x++) {
		/* thr < 0: light runs, brighter than -thr */
		if (thr >= 0 ? img[(size_t)y * stride + (size_t)x] < thr
			     : img[(size_t)y * stride + (size_t)x] > -thr) {
			len++;
			continue;
		}
		runs += len >= 2;
		len = 0;
	}
	return runs + (len >= 2);
}

int rd_unread_marks(const uint8_t *img, size_t stride, const struct rd_comp *c)
{
	int bw = c->x1 - c->x0, bh = c->y1 - c->y0, x0, x1, thr;
	int mid[5], edge = 0, lit = 0, light;
	uint32_t hist[256], n = 0;

	if (bw < 8 || bh < 4)
		return RD_MARKS_LETTERING;
	memset(hist, 0, sizeof(hist));
	count(img, stride, c->x0, c->y0, c->x1, c->y1, bh / 8 > 1 ? bh / 8 : 1,
	      hist, &n);
	/* dark: well below its ground (a blank ground's noise is no mark;
	 * a sign's grey lettering is) */
	thr = percentile(hist, n, ground_share(c)) - MARK_CONTRAST;
	light = percentile(hist, n, ground_share(c)) + MARK_CONTRAST / 2;
	/* inside its border (a plate's is drawn), away from the ends */
	x0 = c->x0 + bw / 20 + 1;
	x1 = c->x1 - bw / 20 - 1;
	/* five rows through its middle: marks there, or none (a blank: a
	 * ghost plate; one bar: characters blacked out) */
	for (int i = 0; i < 5; i++)
		mid[i] = dark_runs(img, stride, c->y0 + bh * (3 + i) / 10, x0, x1, thr);
	/* light marks on it: lettering lighter than its board (a plate's
	 * ground is the lightest thing on it) */
	for (int i = 0; i < 5; i++)
		lit += dark_runs(img, stride, c->y0 + bh * (3 + i) / 10, x0, x1,
				 -light) >= 2;
	if (lit >= 3)
		return RD_MARKS_LETTERING;
	for (int i = 1; i < 5; i++)	/* the median, by insertion */
		for (int j = i; j > 0 && mid[j - 1] > mid[j]; j--) {
			int t = mid[j];

			mid[j] = mid[j - 1];
			mid[j - 1] = t;
		}
	if (mid[2] <= 1)
		return RD_MARKS_NONE;
	/* marks cut by its lower or upper edge: characters whose rest is
	 * covered (a plate's and a sign's characters have margins round
	 * them) */
	for (int y = c->y1 - 1 - bh / 10; y < c->y1; y++)
		edge = edge > dark_runs(img, stride, y, x0, x1, thr) ? edge :
		       dark_runs(img, stride, y, x0, x1, thr);
	for (int y = c->y0; y <= c->y0 + bh / 10; y++)
		edge = edge > dark_runs(img, stride, y, x0, x1, thr) ? edge :
		       dark_runs(img, stride, y, x0, x1, thr);
	return edge >= 3 ? RD_MARKS_CUT : RD_MARKS_LETTERING;
}

void rd_unread_ground(struct rd_unread *u, const uint8_t *img, size_t stride,
		      int w, int h, const struct rd_comp *c, int s, int ox,
		      int oy)
{
	float ev = rd_unread_evidence(img, stride, w, h, c);
	int b[4] = { (c->x0 + ox) * s, (c->y0 + oy) * s,
		     (c->x1 - c->x0) * s, (c->y1 - c->y0) * s };
	int weakest = -1;

	int marks;

	if (ev < MIN_EVIDENCE)
		return;
	marks = rd_unread_marks(img, stride, c);
	for (int i = 0; i < u->ngrounds; i++) {
		if (rd_box_overlap(u->grounds[i].box, b) < OVERLAP)
			continue;
		/* The same plate at another scale: the whole ground (the
		 * larger box) at the stronger evidence. */
		if ((float)b[2] * (float)b[3] >
		    (float)u->grounds[i].box[2] * (float)u->grounds[i].box[3])
			memcpy(u->grounds[i].box, b, sizeof(b));
		/* marks seen at any scale count (small ones vanish on
		 * coarser levels) */
		if (marks > u->grounds[i].marks)
			u->grounds[i].marks = marks;
		if (ev > u->grounds[i].evidence)
			u->grounds[i].evidence = ev;
		return;
	}
	if (u->ngrounds < RD_UNREAD_MAX) {
		u->grounds[u->ngrounds].marks = marks;
		u->grounds[u->ngrounds].evidence = ev;
		memcpy(u->grounds[u->ngrounds++].box, b, sizeof(b));
		return;
	}
	for (int i = 0; i < u->ngrounds; i++)
		if (weakest < 0 || u->grounds[i].evidence < u->grounds[weakest].evidence)
			weakest = i;
	if (u->grounds[weakest].evidence < ev) {
		u->grounds[weakest].marks = marks;
		u->grounds[weakest].evidence = ev;
		memcpy(u->grounds[weakest].box, b, sizeof(b));
	}
}

int rd_unread_scan(struct rd_unread *u, struct rd_ccl *ccl,
		   const struct anpr_kern_ops *k, const uint8_t *img,
		   size_t stride, int w, int h, const uint32_t *ii, size_t is,
		   uint8_t *mask, int min_h, int max_h, int s, int ox, int oy)
{
	/* A window wider than a plate is high: its ground stands out
	 * whole, not just at its edges, however plain it is. */
	int rad = 2 * max_h > ANPR_KERN_MAX_RADIUS ? ANPR_KERN_MAX_RADIUS : 2 * max_h;
	int n;

	anpr_k_local_mean(k, img, stride, w, h, ii, is, rad, GROUND_OFFSET, mask,
			  (size_t)w);
	(void)min_h;	/* a ground is searched from SCAN_MIN_H on every level:
			   the characters' handoff between levels is not its */
	n = rd_ccl_label(ccl, k, mask, (size_t)w, w, h, 2, SCAN_MIN_H, 3 * max_h, w, 0);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct rd_comp *c = (const struct rd_comp *)ccl->comps.p + i;

		if (c->x1 - c->x0 >= 3 * SCAN_MIN_H)
			rd_unread_ground(u, img, stride, w, h, c, s, ox, oy);
	}
	return 0;
}

void rd_unread_line(struct rd_unread *u, const struct rd_line *l, int s,
		    int why)
{
	int x0 = 1 << 30, y0 = 1 << 30, x1 = -(1 << 30), y1 = -(1 << 30);

	if (u->nlines >= RD_UNREAD_MAX || l->n < 1)
		return;
	for (int i = 0; i < l->n; i++) {
		x0 = l->c[i].x0 < x0 ? l->c[i].x0 : x0;
		y0 = l->c[i].y0 < y0 ? l->c[i].y0 : y0;
		x1 = l->c[i].x1 > x1 ? l->c[i].x1 : x1;
		y1 = l->c[i].y1 > y1 ? l->c[i].y1 : y1;
	}
	u->lines[u->nlines].box[0] = x0 * s;
	u->lines[u->nlines].box[1] = y0 * s;
	u->lines[u->nlines].box[2] = (x1 - x0) * s;
	u->lines[u->nlines].box[3] = (y1 - y0) * s;
	u->lines[u->nlines++].why = why;
}

float rd_box_overlap(const int *a, const int *b)
{
	int ix = (a[0] + a[2] < b[0] + b[2] ? a[0] + a[2] : b[0] + b[2]) -
		 (a[0] > b[0] ? a[0] : b[0]);
	int iy = (a[1] + a[3] < b[1] + b[3] ? a[1] + a[3] : b[1] + b[3]) -
		 (a[1] > b[1] ? a[1] : b[1]);
	float aa = (float)a[2] * (float)a[3], ab = (float)b[2] * (float)b[3];
	float m = aa < ab ? aa : ab;

	if (ix <= 0 || iy <= 0 || m <= 0)
		return 0;
	return (float)ix * (float)iy / m;
}

int rd_unread_finish(const struct rd_unread *u, const struct anpr_plate *read,
		     int nread, const struct rd_cand *cands, int ncands,
		     struct anpr_unread *out, int max)
{
	struct anpr_unread all[RD_UNREAD_MAX];
	int n = 0;

	if (!u->ngrounds)
		return 0;
	memset(all, 0, sizeof(all));

	for (int i = 0; i < u->ngrounds; i++) {
		const struct rd_unread_box *g = &u->grounds[i];
		int why = 0, skip = 0, j;

		for (j = 0; j < nread && !skip; j++)
			skip = rd_box_overlap(g->box, read[j].box) >= OVERLAP;
		for (j = 0; j < ncands && !skip; j++) {
			if (rd_box_overlap(g->box, cands[j].p.box) < OVERLAP)
				continue;
			/* Lettering: its reading had no plate's evidence. */
			if (cands[j].not_plate)
				skip = 1;
			else	/* read, below the confidence asked for */
				why = ANPR_UNREAD_NOT_READ;
		}
		if (skip)
			continue;
		if (!why && g->marks == RD_MARKS_NONE)
			why = ANPR_UNREAD_NO_CHARS;
		if (!why && g->marks == RD_MARKS_CUT)
			why = ANPR_UNREAD_NOT_READ;
		/* Marks with margins round them that read as nothing: a
		 * sign's or a body's lettering, not listed. */
		if (!why)
			continue;
		for (j = 0; j < u->nlines; j++)
			if (rd_box_overlap(g->box, u->lines[j].box) >= OVERLAP &&
			    why == ANPR_UNREAD_NOT_READ &&
			    u->lines[j].why == ANPR_UNREAD_NO_FORMAT)
				why = ANPR_UNREAD_NO_FORMAT;
		/* Strongest evidence first (insertion, stable). */
		for (j = n; j > 0 && all[j - 1].evidence < g->evidence; j--)
			all[j] = all[j - 1];
		memset(&all[j], 0, sizeof(all[j]));
		memcpy(all[j].box, g->box, sizeof(g->box));
		all[j].quad[0] = (float)g->box[0];
		all[j].quad[1] = (float)g->box[1];
		all[j].quad[2] = (float)(g->box[0] + g->box[2]);
		all[j].quad[3] = (float)g->box[1];
		all[j].quad[4] = (float)(g->box[0] + g->box[2]);
		all[j].quad[5] = (float)(g->box[1] + g->box[3]);
		all[j].quad[6] = (float)g->box[0];
		all[j].quad[7] = (float)(g->box[1] + g->box[3]);
		all[j].evidence = g->evidence > 1 ? 1 : g->evidence;
		all[j].why = why;
		n++;
	}
	if (n > max)
		n = max;
	memcpy(out, all, (size_t)n * sizeof(*out));
	return n;
}
