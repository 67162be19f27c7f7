// SPDX-License-Identifier: MIT
/*
 * group.c - chain character-like components into lines of text: similar
 * heights, aligned centres, plausible gaps, left to right.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader_int.h"

#define MAX_OPEN 256

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
