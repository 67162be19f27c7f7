// SPDX-License-Identifier: MIT
/*
 * ccl.c - run-length connected-component labelling (8-connected) with
 * union-find over runs, and the grow-only buffers the reader uses so that
 * nothing is allocated per frame after warm-up.
 */
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

int rd_reserve(struct rd_buf *b, size_t bytes)
{
	void *p;

	if (bytes <= b->cap)
		return 0;
	bytes += bytes / 2 + 64;
	p = realloc(b->p, bytes);
	if (!p)
		return -1;
	b->p = p;
	b->cap = bytes;
	return 0;
}

void rd_buf_free(struct rd_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->cap = 0;
}

struct rd_run {
	int x0, x1;	/* [x0, x1) */
	int y;
	int parent;
};

static int find_root(struct rd_run *r, int i)
{
	while (r[i].parent != i) {
		r[i].parent = r[r[i].parent].parent;
		i = r[i].parent;
	}
	return i;
}

/* Worst case: a run every other pixel. */
static size_t ccl_cap(int w, int h)
{
	return (size_t)w * h / 2 + (size_t)h + 1;
}

int rd_ccl_reserve(struct rd_ccl *c, int w, int h)
{
	size_t cap = ccl_cap(w, h);

	return rd_reserve(&c->runs, cap * sizeof(struct rd_run)) ||
	       rd_reserve(&c->bitrow, (size_t)(w + 63) / 64 * sizeof(uint64_t)) ||
	       rd_reserve(&c->rowstart, (cap + 1) * sizeof(int)) ||
	       rd_reserve(&c->comps, (cap + 1) * sizeof(struct rd_comp)) ? -1 : 0;
}

/* Append the runs of one packed row; link them with the previous row's. */
static int row_runs(struct rd_run *runs, int nruns, const uint64_t *bw,
		    int nwords, int y, int prev0, int prev1, int max_run)
{
	int p = prev0;

	for (int wi = 0; wi < nwords; wi++) {
		uint64_t v = bw[wi];

		while (v) {
			int s = __builtin_ctzll(v), x0 = wi * 64 + s, x1;
			uint64_t rest = ~v & (~0ull << s);

			if (rest) {
				int e = __builtin_ctzll(rest);

				x1 = wi * 64 + e;
				v &= ~0ull << e;	/* e < 64 here */
			} else {
				/* The run goes on into the next words. */
				wi++;
				while (wi < nwords && bw[wi] == ~0ull)
					wi++;
				if (wi == nwords) {
					x1 = nwords * 64;
					v = 0;
				} else {
					int e = __builtin_ctzll(~bw[wi]);

					x1 = wi * 64 + e;
					v = e ? bw[wi] & (~0ull << e) : bw[wi];
				}
			}
			/* A run longer than any character is a frame, a bar
			 * or a shadow edge: dropping it frees the characters
			 * touching it. */
			if (max_run > 0 && x1 - x0 > max_run)
				continue;
			runs[nruns] = (struct rd_run){ x0, x1, y, nruns };
			/* 8-connected overlap with the previous row's runs;
			 * the new run's root is kept at hand (roots only
			 * ever move to lower indexes). */
			while (p < prev1 && runs[p].x1 < x0)
				p++;
			for (int q = p, root = nruns; q < prev1 && runs[q].x0 <= x1; q++) {
				int rq = find_root(runs, q);

				if (rq < root) {
					runs[root].parent = rq;
					runs[nruns].parent = rq;
					root = rq;
				} else if (rq > root) {
					runs[rq].parent = root;
				}
			}
			nruns++;
		}
	}
	return nruns;
}

int rd_ccl_label(struct rd_ccl *c, const struct anpr_kern_ops *k,
		 const uint8_t *mask, size_t stride, int w, int h, uint8_t bits,
		 int min_h, int max_h, int max_w, int max_run)
{
	struct rd_run *runs;
	struct rd_comp *comps;
	int *slot;
	int nruns = 0, prev0 = 0, ncomps = 0;
	int nwords = (w + 63) / 64;
	size_t cap;

	c->ncomps = 0;
	cap = ccl_cap(w, h);
	if (rd_ccl_reserve(c, w, h))
		return -1;
	runs = c->runs.p;
	for (int y = 0; y < h; y++) {
		int cur0 = nruns;

		k->pack_mask_row(mask + (size_t)y * stride, bits, c->bitrow.p, w);
		nruns = row_runs(runs, nruns, c->bitrow.p, nwords, y, prev0, cur0,
				 max_run);
		prev0 = cur0;
	}
	(void)cap;	/* nruns <= cap: rd_ccl_reserve sized everything */
	slot = c->rowstart.p;
	comps = c->comps.p;
	/* A run's parent never has a higher index than the run (a merge
	 * links the higher root under the lower), so in index order the
	 * parent is already labelled with its root's component. */
	for (int i = 0; i < nruns; i++) {
		const struct rd_run *u = &runs[i];
		struct rd_comp *k;

		if (u->parent == i) {
			slot[i] = ncomps;
			comps[ncomps++] = (struct rd_comp){ u->x0, u->y, u->x1,
							    u->y + 1, 0 };
		} else {
			slot[i] = slot[u->parent];
		}
		k = &comps[slot[i]];
		if (u->x0 < k->x0)
			k->x0 = u->x0;
		if (u->x1 > k->x1)
			k->x1 = u->x1;
		k->y1 = u->y + 1;	/* runs come in row order */
		k->area += u->x1 - u->x0;
	}
	/* Keep the plausible sizes, in place. */
	int kept = 0;

	for (int i = 0; i < ncomps; i++) {
		int ch = comps[i].y1 - comps[i].y0, cw = comps[i].x1 - comps[i].x0;

		if (ch >= min_h && ch <= max_h && cw <= max_w)
			comps[kept++] = comps[i];
	}
	c->ncomps = kept;
	return kept;
}

void rd_ccl_free(struct rd_ccl *c)
{
	rd_buf_free(&c->runs);
	rd_buf_free(&c->comps);
	rd_buf_free(&c->rowstart);
	rd_buf_free(&c->bitrow);
	c->ncomps = 0;
}

int rd_char_like(const struct rd_comp *c, int min_h, int max_h)
{
	int h = c->y1 - c->y0, w = c->x1 - c->x0;
	long box = (long)w * h;

	if (h < min_h || h > max_h || w < 1)
		return 0;
	if (w * 10 > h * 11)		/* wider than 1.1 h */
		return 0;
	if (h > 12 * w)			/* a thin line, not a '1' */
		return 0;
	if (c->area * 100 < box * 12)
		return 0;
	/* Solid: only a narrow bar ('1', 'I') may fill its box. */
	if (c->area * 100 > box * 92 && w * 10 > h * 4)
		return 0;
	return 1;
}
