// SPDX-License-Identifier: MIT
/*
 * group.c - chain character-like components into lines of text: similar
 * heights, aligned centres, plausible gaps, left to right.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

#define MAX_OPEN 256
/* Two-row plates: characters per row, and in all. */
#define STACK_MIN_ROW	2
#define STACK_MAX_ROW	5
#define STACK_MIN	5
#define STACK_MAX	8

static int by_x(const void *a, const void *b)
{
	const struct rd_comp *p = a, *q = b;

	if (p->x0 != q->x0)
		return p->x0 < q->x0 ? -1 : 1;
	return (p->y0 > q->y0) - (p->y0 < q->y0);
}

static float comp_h(const struct rd_comp *c)
{
	return (float)(c->y1 - c->y0);
}

static float comp_cy(const struct rd_comp *c)
{
	return 0.5f * (float)(c->y0 + c->y1);
}

struct chain {
	int n;
	int idx[RD_MAX_LINE];
	float hsum;
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

void rd_line_fit(struct rd_line *l)
{
	float hs[RD_MAX_LINE] = { 0 };
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = l->n, d;

	for (int i = 0; i < l->n; i++) {
		const struct rd_comp *c = &l->c[i];
		double x = 0.5 * (c->x0 + c->x1), y = comp_cy(c);

		hs[i] = comp_h(c);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	qsort(hs, (size_t)l->n, sizeof(float), cmp_float);
	l->height = hs[l->n / 2];
	l->rows = 1;
	d = n * sxx - sx * sx;
	l->slope = d > 1e-9 ? (float)((n * sxy - sx * sy) / d) : 0.0f;
	if (fabsf(l->slope) > 0.5f)
		l->slope = 0.0f;
}

static void finish(const struct rd_comp *comps, const struct chain *ch,
		   struct rd_line *out)
{
	out->n = ch->n;
	for (int i = 0; i < ch->n; i++)
		out->c[i] = comps[ch->idx[i]];
	rd_line_fit(out);
}

int rd_group_lines(struct rd_comp *comps, int n, int min_n,
		   struct rd_line *lines, int max)
{
	struct chain open[MAX_OPEN];
	int nopen = 0, nout = 0;

	qsort(comps, (size_t)n, sizeof(*comps), by_x);
	for (int i = 0; i <= n; i++) {
		const struct rd_comp *c = i < n ? &comps[i] : NULL;
		int best = -1;
		float best_gap = 0;

		/* Close chains that c (sorted by x0) can no longer extend. */
		for (int k = 0; k < nopen;) {
			struct chain *ch = &open[k];
			const struct rd_comp *l = &comps[ch->idx[ch->n - 1]];
			float H = ch->hsum / (float)ch->n;

			if (c && (float)(c->x0 - l->x1) <= 1.3f * H) {
				k++;
				continue;
			}
			if (ch->n >= min_n && nout < max)
				finish(comps, ch, &lines[nout++]);
			open[k] = open[--nopen];
		}
		if (!c)
			break;
		for (int k = 0; k < nopen; k++) {
			struct chain *ch = &open[k];
			const struct rd_comp *l = &comps[ch->idx[ch->n - 1]];
			float H = ch->hsum / (float)ch->n, h = comp_h(c);
			float gap = (float)(c->x0 - l->x1);

			if (ch->n >= RD_MAX_LINE)
				continue;
			if (h < 0.75f * H || h > 1.33f * H)
				continue;
			if (gap < -0.15f * H || c->x0 <= l->x0)
				continue;
			if (fabsf(comp_cy(c) - comp_cy(l)) > 0.3f * H)
				continue;
			if (best < 0 || gap < best_gap) {
				best = k;
				best_gap = gap;
			}
		}
		if (best >= 0) {
			struct chain *ch = &open[best];

			ch->idx[ch->n++] = i;
			ch->hsum += comp_h(c);
		} else if (nopen < MAX_OPEN) {
			open[nopen++] = (struct chain){ 1, { i }, comp_h(c) };
		}
	}
	return nout;
}

/* The mean centre of a row. */
static void row_centre(const struct rd_line *l, float *cx, float *cy)
{
	*cx = 0;
	*cy = 0;
	for (int i = 0; i < l->n; i++) {
		*cx += 0.5f * (float)(l->c[i].x0 + l->c[i].x1);
		*cy += comp_cy(&l->c[i]);
	}
	*cx /= (float)l->n;
	*cy /= (float)l->n;
}

/* Is @u the lower row of a two-row plate whose upper row is @t? */
static int stacked(const struct rd_line *t, const struct rd_line *u)
{
	float H = 0.5f * (t->height + u->height), tcx, tcy, ucx, ucy, dy;
	int tx0 = t->c[0].x0, tx1 = t->c[t->n - 1].x1;
	int ux0 = u->c[0].x0, ux1 = u->c[u->n - 1].x1;
	int over = (tx1 < ux1 ? tx1 : ux1) - (tx0 > ux0 ? tx0 : ux0);
	int shorter = tx1 - tx0 < ux1 - ux0 ? tx1 - tx0 : ux1 - ux0;

	if (t->rows != 1 || u->rows != 1 || t->n < STACK_MIN_ROW ||
	    u->n < STACK_MIN_ROW || t->n > STACK_MAX_ROW || u->n > STACK_MAX_ROW ||
	    t->n + u->n < STACK_MIN || t->n + u->n > STACK_MAX)
		return 0;
	if (t->height > 1.25f * u->height || u->height > 1.25f * t->height)
		return 0;
	if (2 * over < shorter || fabsf(t->slope - u->slope) > 0.1f)
		return 0;
	row_centre(t, &tcx, &tcy);
	row_centre(u, &ucx, &ucy);
	/* How far below, measured along the rows' slope. */
	dy = ucy - tcy - 0.5f * (t->slope + u->slope) * (ucx - tcx);
	return dy >= 0.9f * H && dy <= 1.7f * H;
}

int rd_stack_lines(const struct rd_line *lines, int n, struct rd_line *out,
		   int max)
{
	int nout = 0;

	for (int a = 0; a < n && nout < max; a++)
		for (int b = 0; b < n && nout < max; b++) {
			const struct rd_line *t = &lines[a], *u = &lines[b];
			struct rd_line *o;

			if (a == b || !stacked(t, u))
				continue;
			o = &out[nout++];
			o->n = t->n + u->n;
			memcpy(o->c, t->c, sizeof(t->c[0]) * (size_t)t->n);
			memcpy(o->c + t->n, u->c, sizeof(u->c[0]) * (size_t)u->n);
			rd_line_fit(o);
			o->slope = 0.5f * (t->slope + u->slope);
			o->rows = 2;
		}
	return nout;
}
