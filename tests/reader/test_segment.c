// SPDX-License-Identifier: MIT
/*
 * test_segment.c - unit tests of cutting a found line again within its
 * band (segment.c), of two-row plates (group.c) and of ranking readings
 * (rank.c), on threshold masks
 * and candidates made up here: touching characters split, a character
 * freed from what touches it below, a character recovered at the line's
 * end, the plate's edge not taken for one, lines left alone, characters
 * found between the gaps of a line of the other polarity, characters cut
 * free of a frame their feet sink into (and feet of letters kept), a
 * plate's ground cut into the pieces between characters all joined to a
 * frame (ground.c); two rows
 * joined into one two-row plate (group.c) only where they stack; readings
 * supported by their parts, light-on-dark readings ranked lower, and
 * overlapping readings suppressed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader/reader_int.h"

#define MW	400
#define MH	100
#define GH	30	/* glyph height */
#define GW	12	/* glyph width: 0.4 of its height, as on US plates */
#define PITCH	16
#define TOP	30	/* glyph top row */

static uint8_t mask[MH][MW];

static void fill(int x0, int y0, int x1, int y1)
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			mask[y][x] = 1;
}

/* A ring glyph ('0'-like, stroke 3), gw x gh at (x, y). */
static void ring_at(int x, int y, int gw, int gh)
{
	fill(x, y, x + gw, y + 3);
	fill(x, y + gh - 3, x + gw, y + gh);
	fill(x, y, x + 3, y + gh);
	fill(x + gw - 3, y, x + gw, y + gh);
}

/* The line's ring glyph at column x: fill ~40 %. */
static void ring(int x)
{
	ring_at(x, TOP, GW, GH);
}

static int glyph_x(int i)
{
	return 40 + i * PITCH;
}

/* The lines of at least @min_n of the mask's @bits (1 dark, 2 light) as
 * the reader finds them. */
static int lines_of(struct rd_ccl *ccl, uint8_t bits, int min_n,
		    struct rd_line *lines, int max)
{
	static struct rd_comp chars[4096];
	int n = rd_ccl_label(ccl, anpr_kern_get(ANPR_SIMD_SCALAR), &mask[0][0], MW,
			     MW, MH, bits, 8, 44, 49, 49), nc = 0;

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		const struct rd_comp *c = (const struct rd_comp *)ccl->comps.p + i;

		if (rd_char_like(c, 8, 44))
			chars[nc++] = *c;
	}
	return rd_group_lines(chars, nc, min_n, lines, max);
}

/* The lines of dark characters of the mask. */
static int find_lines(struct rd_ccl *ccl, struct rd_line *lines, int max)
{
	return lines_of(ccl, 1, 4, lines, max);
}

static int reseg(struct rd_ccl *ccl, struct rd_buf *band, const struct rd_line *l,
		 struct rd_line *out)
{
	return rd_resegment(ccl, band, anpr_kern_best(), &mask[0][0], MW, MW, MH,
			    1, 0, l, out);
}

/* Dark characters sought in the band of @l, a line of light gaps. */
static int reseg_gaps(struct rd_ccl *ccl, struct rd_buf *band,
		      const struct rd_line *l, struct rd_line *out)
{
	return rd_resegment(ccl, band, anpr_kern_best(), &mask[0][0], MW, MW, MH,
			    1, 1, l, out);
}

/* The plate's light ground (bit 2) in the gaps between @n glyphs. */
static void ground_between(int n)
{
	for (int i = 0; i + 1 < n; i++)
		for (int y = TOP; y < TOP + GH; y++)
			for (int x = glyph_x(i) + GW; x < glyph_x(i + 1); x++)
				mask[y][x] = 2;
}

/* Each of out's components is glyph i0 + k, within a pixel. */
static void assert_glyphs(const struct rd_line *out, int i0, int n)
{
	assert_int_equal(out->n, n);
	for (int k = 0; k < n; k++) {
		const struct rd_comp *c = &out->c[k];
		int x = glyph_x(i0 + k);

		if (abs(c->x0 - x) > 1 || abs(c->x1 - (x + GW)) > 1 ||
		    abs(c->y0 - TOP) > 1 || abs(c->y1 - (TOP + GH)) > 1)
			fail_msg("piece %d: [%d,%d)x[%d,%d), want [%d,%d)x[%d,%d)",
				 k, c->x0, c->x1, c->y0, c->y1, x, x + GW, TOP,
				 TOP + GH);
	}
}

/*
 * The mask's one line of dark characters has @n_line of them, glyph 0 lost
 * (joined to something); cut again in its band it is glyphs 0..@n_out-1.
 */
static void assert_first_recovered(int n_line, int n_out)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;

	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_int_equal(lines[0].n, n_line);
	assert_int_equal(lines[0].c[0].x0, glyph_x(1));
	assert_int_equal(reseg(&ccl, &band, &lines[0], &out), 1);
	assert_glyphs(&out, 0, n_out);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_split_touching(void **state)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;

	(void)state;
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 7; i++)
		ring(glyph_x(i));
	/* Glyphs 2 and 3 touch: a bridge across the gap, mid-height. */
	fill(glyph_x(2) + GW, TOP + 14, glyph_x(3), TOP + 16);
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_int_equal(lines[0].n, 6);	/* the pair is one component */
	assert_int_equal(reseg(&ccl, &band, &lines[0], &out), 1);
	assert_glyphs(&out, 0, 7);
	assert_true(out.height > GH - 2 && out.height < GH + 2);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_free_from_below_and_recover_end(void **state)
{
	(void)state;
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 7; i++)
		ring(glyph_x(i));
	/* Glyph 0 stands on a dealer frame's text: one tall component, lost
	 * from the line; glyph 4 hangs from a bar above. */
	fill(glyph_x(0) - 4, TOP + GH, glyph_x(0) + GW + 2, TOP + GH + 12);
	fill(glyph_x(4) + 4, TOP - 10, glyph_x(4) + 8, TOP);
	assert_first_recovered(5, 7);
}

static void test_plate_edge_not_a_character(void **state)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;
	int rc;

	(void)state;
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 6; i++)
		ring(glyph_x(i));
	/* The plate's edges: bars from above the characters to below them,
	 * a character's gap from the first and last. */
	fill(glyph_x(0) - 8, TOP - 8, glyph_x(0) - 4, TOP + GH + 8);
	fill(glyph_x(6) - 2, TOP - 8, glyph_x(6) + 2, TOP + GH + 8);
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_int_equal(lines[0].n, 6);
	rc = reseg(&ccl, &band, &lines[0], &out);
	/* Nothing to change: the same six, never the edges. */
	assert_int_equal(rc, 0);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_end_joined_to_frame(void **state)
{
	int left = glyph_x(0) - 3, right = glyph_x(6) + 8;

	(void)state;
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 6; i++)
		ring(glyph_x(i));
	/* A dealer frame: its top edge and its sides, from above the
	 * characters to below them. Glyph 0 touches the left side, so it
	 * is part of the frame and lost from the line. The right side is
	 * thicker along the characters' rows, by a quarter of their height:
	 * too narrow for a character once the side is taken off. */
	fill(left, TOP - 8, right + 3, TOP - 5);
	fill(left, TOP - 8, glyph_x(0), TOP + GH + 8);
	fill(right, TOP - 8, right + 3, TOP + GH + 8);
	fill(right - 8, TOP, right, TOP + GH);
	/* Glyph 0 without the frame's side; the sliver is no character. */
	assert_first_recovered(5, 6);
}

/*
 * A thin '1' at the line's end, beside the plate's edge and joined to it
 * by a bridge of blur (issue 21: "NTP561M" read "NTP561" or a last '1'
 * lost): one component with the edge, a bar through the band no wider
 * than the plate's edge rule drops. Without the edge's columns and the
 * bridge's, the '1' is chained on; at the line's start likewise. Without
 * the gap (the frame's sliver of test_end_joined_to_frame) nothing is.
 */
static void thin_end_case(int at_left)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;
	int bx, ex, first = at_left ? 1 : 0;

	memset(mask, 0, sizeof(mask));
	for (int i = first; i < first + 6; i++)
		ring(glyph_x(i));
	/* The '1': 4 px of a 30 px height, 4 px from its neighbour. */
	bx = at_left ? glyph_x(1) - 8 : glyph_x(5) + GW + 4;
	fill(bx, TOP, bx + 4, TOP + GH);
	/* The plate's edge 2 px beyond it, joined by a bridge. */
	ex = at_left ? bx - 6 : bx + 6;
	fill(ex, TOP - 8, ex + 4, TOP + GH + 8);
	if (at_left)
		fill(bx - 2, TOP + 10, bx, TOP + 13);
	else
		fill(bx + 4, TOP + 10, bx + 6, TOP + 13);
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_int_equal(lines[0].n, 6);
	assert_int_equal(reseg(&ccl, &band, &lines[0], &out), 1);
	assert_int_equal(out.n, 7);
	{
		const struct rd_comp *one = at_left ? &out.c[0] : &out.c[6];

		if (one->x0 != bx || one->x1 != bx + 4 || one->y0 != TOP ||
		    one->y1 != TOP + GH)
			fail_msg("the 1: [%d,%d)x[%d,%d), want [%d,%d)x[%d,%d)",
				 one->x0, one->x1, one->y0, one->y1, bx, bx + 4,
				 TOP, TOP + GH);
	}
	/* The bridge filled in: the edge's sliver, no character. */
	if (at_left)
		fill(bx - 2, TOP, bx, TOP + GH);
	else
		fill(bx + 4, TOP, bx + 6, TOP + GH);
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_int_equal(reseg(&ccl, &band, &lines[0], &out), 0);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_thin_end_beside_edge(void **state)
{
	(void)state;
	thin_end_case(0);
	thin_end_case(1);
}

static void test_lines_left_alone(void **state)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out, l;

	(void)state;
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 7; i++)
		ring(glyph_x(i));
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	/* A clean line: no new reading. */
	assert_int_equal(reseg(&ccl, &band, &lines[0], &out), 0);
	/* Too short, or heights too uneven for one line of a plate. */
	l = lines[0];
	l.n = 1;
	assert_int_equal(reseg(&ccl, &band, &l, &out), 0);
	l = lines[0];
	l.c[3].y0 -= GH;
	assert_int_equal(reseg(&ccl, &band, &l, &out), 0);
	/* A line at the mask's corner: the band is clipped, no overrun. */
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 5; i++)
		fill(i * PITCH, 0, i * PITCH + 3, GH);
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_true(reseg(&ccl, &band, &lines[0], &out) >= 0);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_characters_between_gaps(void **state)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;

	(void)state;
	memset(mask, 0, sizeof(mask));
	/* Seven dark glyphs all standing on a dealer frame's bar (one dark
	 * component, no line); the plate's light ground shows between
	 * them (bit 2), a line of gaps. */
	for (int i = 0; i < 7; i++)
		ring(glyph_x(i));
	/* The bar is lettered: no run in it longer than a character. */
	for (int i = 0; i < 6; i++) {
		int y = TOP + GH + (i % 2) * 4;

		fill(glyph_x(i) + GW / 2, y, glyph_x(i + 1) + GW / 2 + 1, y + 4);
	}
	ground_between(7);
	assert_int_equal(find_lines(&ccl, lines, 8), 0);
	assert_int_equal(lines_of(&ccl, 2, 4, lines, 8), 1);
	assert_int_equal(lines[0].n, 6);
	/* Cut for the dark characters in the gaps' band. */
	assert_int_equal(reseg_gaps(&ccl, &band, &lines[0], &out), 1);
	assert_glyphs(&out, 0, 7);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_feet_joined_to_a_frame(void **state)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;

	(void)state;
	memset(mask, 0, sizeof(mask));
	/* Seven dark glyphs whose feet sink into a dealer frame's dark
	 * lower edge, 12 rows deep (lettered: no run longer than 7). The
	 * plate's light ground between them reaches 6 rows into the frame
	 * through its lettering, so the gaps' band holds 6 rows of frame
	 * joined to every glyph. */
	for (int i = 0; i < 7; i++)
		ring(glyph_x(i));
	for (int y = TOP + GH; y < TOP + GH + 12; y++)
		for (int x = glyph_x(0) - 6; x < glyph_x(6) + GW + 6; x++)
			mask[y][x] = (x + y) % 8 ? 1 : 0;
	ground_between(7);
	/* A light letter stroke of the frame meets each gap. */
	for (int i = 0; i < 6; i++)
		for (int y = TOP + GH; y < TOP + GH + 6; y++)
			mask[y][glyph_x(i) + GW + 2] = 2;
	assert_int_equal(find_lines(&ccl, lines, 8), 0);
	assert_int_equal(lines_of(&ccl, 2, 4, lines, 8), 1);
	assert_int_equal(lines[0].n, 6);
	/* The band is cut at the glyphs' feet: each glyph alone. */
	assert_int_equal(reseg_gaps(&ccl, &band, &lines[0], &out), 1);
	assert_glyphs(&out, 0, 7);
	assert_true(out.height > GH - 2 && out.height < GH + 2);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

/*
 * @n dark glyphs, solid but for a one-pixel slit, standing on a dealer
 * frame's lettered bar (no run longer than a character), on a light
 * ground that is one component: it joins above them.
 */
static void plate_on_frame(int n)
{
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < n; i++) {
		fill(glyph_x(i), TOP, glyph_x(i) + GW, TOP + GH);
		for (int y = TOP + 3; y < TOP + GH - 3; y++)
			mask[y][glyph_x(i) + GW / 2] = 0;
	}
	for (int i = 0; i + 1 < n; i++) {
		int y = TOP + GH + (i % 2) * 4;

		fill(glyph_x(i) + GW / 2, y, glyph_x(i + 1) + GW / 2 + 1, y + 4);
	}
	/* The ground above them is dotted with the frame's lettering, so
	 * that no run in it is long enough to be dropped. */
	for (int y = TOP - 8; y < TOP + GH; y++)
		for (int x = glyph_x(0) - 8; x < glyph_x(n - 1) + GW + 8; x++)
			if (!mask[y][x] && (y >= TOP || (x + 5 * y) % 24))
				mask[y][x] = 2;
}

/* The light components shaped like a plate's ground (ground.c). */
static int grounds_of(struct rd_ccl *ccl, struct rd_comp *out, int max)
{
	int n = rd_ccl_label(ccl, anpr_kern_get(ANPR_SIMD_SCALAR), &mask[0][0], MW,
			     MW, MH, 2, 8, 3 * 44, MW, 49), ng = 0;

	assert_true(n >= 0);
	for (int i = 0; i < n && ng < max; i++)
		if (rd_ground_like((const struct rd_comp *)ccl->comps.p + i, 44, 49))
			out[ng++] = ((const struct rd_comp *)ccl->comps.p)[i];
	return ng;
}

static void test_ground_pieces(void **state)
{
	const struct anpr_kern_ops *k = anpr_kern_best();
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;
	struct rd_comp g[4], pieces[64];
	int np = 0;

	(void)state;
	/* Seven glyphs on a frame: no line of dark characters, and no line
	 * of the ground between them either (it is one component). */
	plate_on_frame(7);
	assert_int_equal(find_lines(&ccl, lines, 8), 0);
	assert_int_equal(lines_of(&ccl, 2, 4, lines, 8), 0);
	/* The ground, cut at its margin above and the frame below: the 6
	 * gaps between the glyphs and the ground beyond each end, each as
	 * tall as the glyphs. */
	assert_int_equal(grounds_of(&ccl, g, 4), 1);
	assert_int_equal(rd_ground_pieces(&ccl, k, &mask[0][0], MW, 2, &g[0], 8, 44,
					  pieces, &np, 64), 0);
	assert_int_equal(np, 8);
	for (int i = 0; i < np; i++) {
		assert_int_equal(pieces[i].y0, TOP);
		assert_int_equal(pieces[i].y1, TOP + GH);
	}
	/* They make a light line, cut for the seven dark glyphs between. */
	assert_int_equal(rd_group_lines(pieces, np, 4, lines, 8), 1);
	assert_int_equal(reseg_gaps(&ccl, &band, &lines[0], &out), 1);
	assert_glyphs(&out, 0, 7);
	/* Pieces already there are not added again; none past the end. */
	assert_int_equal(rd_ground_pieces(&ccl, k, &mask[0][0], MW, 2, &g[0], 8, 44,
					  pieces, &np, 64), 0);
	assert_int_equal(np, 8);
	np = 0;
	assert_int_equal(rd_ground_pieces(&ccl, k, &mask[0][0], MW, 2, &g[0], 8, 44,
					  pieces, &np, 3), 0);
	assert_int_equal(np, 0);	/* fewer than a plate's: none */

	/* Two glyphs are no plate: nothing (their ground, too narrow to be
	 * taken for one, is cut all the same here). */
	plate_on_frame(2);
	assert_int_equal(grounds_of(&ccl, g, 4), 0);
	g[0] = (struct rd_comp){ glyph_x(0) - 8, TOP - 8, glyph_x(1) + GW + 8,
				 TOP + GH, 0 };
	assert_int_equal(rd_ground_pieces(&ccl, k, &mask[0][0], MW, 2, &g[0], 8, 44,
					  pieces, &np, 64), 0);
	assert_int_equal(np, 0);
	/* A plain light bar (no characters cross it): nothing. */
	memset(mask, 0, sizeof(mask));
	for (int y = TOP; y < TOP + GH; y++)
		for (int x = 40; x < 200; x++)
			mask[y][x] = 2;
	g[0] = (struct rd_comp){ 40, TOP, 200, TOP + GH, 160 * GH };
	assert_int_equal(rd_ground_pieces(&ccl, k, &mask[0][0], MW, 2, &g[0], 8, 44,
					  pieces, &np, 64), 0);
	assert_int_equal(np, 0);
	/* Not a ground: as tall as wide, or a character's width. */
	g[0] = (struct rd_comp){ 0, 0, 60, 60, 0 };
	assert_false(rd_ground_like(&g[0], 44, 49));
	g[0] = (struct rd_comp){ 0, 0, 40, 20, 0 };
	assert_false(rd_ground_like(&g[0], 44, 49));
	g[0] = (struct rd_comp){ 0, 0, 140, 200, 0 };
	assert_false(rd_ground_like(&g[0], 44, 49));
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

static void test_feet_of_letters_not_cut(void **state)
{
	struct rd_ccl ccl = { 0 };
	struct rd_buf band = { 0 };
	struct rd_line lines[8], out;

	(void)state;
	memset(mask, 0, sizeof(mask));
	/* 'L'-like glyphs: their feet fill the columns right of the stem,
	 * empty above, as a bar joined on would, and their foot rows are
	 * inked along most of the line. A foot is no bar: the glyphs keep
	 * their feet, so the line is left as it is. */
	for (int i = 0; i < 7; i++) {
		fill(glyph_x(i), TOP, glyph_x(i) + 3, TOP + GH);
		fill(glyph_x(i), TOP + GH - 3, glyph_x(i) + GW, TOP + GH);
	}
	assert_int_equal(find_lines(&ccl, lines, 8), 1);
	assert_int_equal(lines[0].n, 7);
	assert_int_equal(reseg(&ccl, &band, &lines[0], &out), 0);
	rd_ccl_free(&ccl);
	rd_buf_free(&band);
}

/* ---- two-row plates ---------------------------------------------------- */

/* A row of @n ring glyphs of height @gh, left edge @x, top @y. */
static void row(int n, int x, int y, int gh)
{
	for (int i = 0; i < n; i++)
		ring_at(x + i * (gh * 6 / 10), y, gh / 2, gh);
}

/* The two-row plates rd_stack_lines finds in the mask. */
static int stacks(struct rd_line *out, int max)
{
	struct rd_ccl ccl = { 0 };
	struct rd_line lines[16];
	int nl = lines_of(&ccl, 1, 2, lines, 16);

	rd_ccl_free(&ccl);
	for (int i = 0; i < nl; i++)
		assert_int_equal(lines[i].rows, 1);
	return rd_stack_lines(lines, nl, out, max);
}

static void test_two_rows_joined(void **state)
{
	struct rd_line out[4];

	(void)state;
	/* AB12 over CDE, centred: 25 px characters, rows 5 px apart. */
	memset(mask, 0, sizeof(mask));
	row(4, 100, 10, 25);
	row(3, 107, 40, 25);
	assert_int_equal(stacks(out, 4), 1);
	assert_int_equal(out[0].rows, 2);
	assert_int_equal(out[0].n, 7);
	/* Reading order: the top row left to right, then the bottom row. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(out[0].c[i].y0, 10);
	for (int i = 4; i < 7; i++)
		assert_int_equal(out[0].c[i].y0, 40);
	for (int i = 1; i < 7; i++)
		if (i != 4)
			assert_true(out[0].c[i].x0 > out[0].c[i - 1].x0);
	assert_true(out[0].height > 24 && out[0].height < 26);
	assert_true(fabsf(out[0].slope) < 0.01f);
	/* Sloped alike: still one plate. */
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 4; i++)
		row(1, 100 + i * 15, 10 + i, 25);
	for (int i = 0; i < 3; i++)
		row(1, 107 + i * 15, 41 + i, 25);
	assert_int_equal(stacks(out, 4), 1);
	assert_true(out[0].slope > 0.04f && out[0].slope < 0.09f);
}

static void test_two_rows_refused(void **state)
{
	struct rd_line out[4];

	(void)state;
	/* Too far apart (a plate and the dealer's name well below it). */
	memset(mask, 0, sizeof(mask));
	row(4, 100, 5, 20);
	row(3, 105, 50, 20);
	assert_int_equal(stacks(out, 4), 0);
	/* Side by side, not stacked. */
	memset(mask, 0, sizeof(mask));
	row(4, 20, 10, 25);
	row(3, 200, 40, 25);
	assert_int_equal(stacks(out, 4), 0);
	/* Heights too different. */
	memset(mask, 0, sizeof(mask));
	row(4, 100, 10, 25);
	row(3, 100, 40, 14);
	assert_int_equal(stacks(out, 4), 0);
	/* Too many characters for a two-row plate: 6 over 5. */
	memset(mask, 0, sizeof(mask));
	row(6, 100, 10, 25);
	row(5, 100, 40, 25);
	assert_int_equal(stacks(out, 4), 0);
	/* One row alone. */
	memset(mask, 0, sizeof(mask));
	row(7, 100, 10, 25);
	assert_int_equal(stacks(out, 4), 0);
}

/* ---- ranking ---------------------------------------------------------- */

static struct rd_cand cand(const char *text, int x, int y, int w, int h,
			   float rank)
{
	struct rd_cand c;

	memset(&c, 0, sizeof(c));
	snprintf(c.p.text, sizeof(c.p.text), "%s", text);
	c.p.nchars = (int)strlen(text);
	c.p.box[0] = x;
	c.p.box[1] = y;
	c.p.box[2] = w;
	c.p.box[3] = h;
	c.rank = rank;
	return c;
}

static void test_rank_part_supports_whole(void **state)
{
	struct rd_cand c[3];

	(void)state;
	/* One threshold lost the plate's first character; another read it
	 * whole, a little less surely. The whole reading wins. */
	c[0] = cand("MFZ746", 710, 14, 65, 34, -0.20f);
	c[1] = cand("2MFZ746", 697, 15, 78, 32, -0.25f);
	c[2] = cand("MFZ746", 711, 14, 64, 34, -0.21f);
	for (int i = 0; i < 7; i++)
		c[1].p.char_conf[i] = 0.8f;
	assert_true(rd_part_of(&c[0].p, &c[1].p));
	assert_false(rd_part_of(&c[1].p, &c[0].p));
	rd_rank_agree(c, 3);
	assert_int_equal(rd_rank_select(c, 3, 4), 1);
	assert_string_equal(c[0].p.text, "2MFZ746");
	/* Not a part: elsewhere, other text, or too short to say. */
	c[0] = cand("MFZ746", 300, 14, 65, 34, 0);
	c[1] = cand("2MFZ746", 697, 15, 78, 32, 0);
	assert_false(rd_part_of(&c[0].p, &c[1].p));
	c[0] = cand("MFZ747", 710, 14, 65, 34, 0);
	assert_false(rd_part_of(&c[0].p, &c[1].p));
	c[0] = cand("746", 740, 14, 30, 34, 0);
	assert_false(rd_part_of(&c[0].p, &c[1].p));
	/* The extra character is doubtful (an emblem beside the plate's
	 * text): no support. */
	c[0] = cand("MFZ746", 710, 14, 65, 34, 0);
	for (int i = 0; i < 7; i++)
		c[1].p.char_conf[i] = 0.8f;
	assert_true(rd_part_of(&c[0].p, &c[1].p));
	c[1].p.char_conf[0] = 0.15f;
	assert_false(rd_part_of(&c[0].p, &c[1].p));
}

static void test_rank_votes_capped(void **state)
{
	struct rd_cand c[8];

	(void)state;
	/* Seven agreeing readings of clutter count as four; a plate read
	 * a little better twice still wins. */
	for (int i = 0; i < 7; i++)
		c[i] = cand("1234", 10 + i, 10, 60, 20, -1.0f);
	c[7] = cand("AB12CDE", 400, 300, 120, 30, -0.55f);
	rd_rank_agree(c, 8);
	assert_int_equal(rd_rank_select(c, 8, 8), 2);
	assert_string_equal(c[0].p.text, "AB12CDE");
	assert_string_equal(c[1].p.text, "1234");
	assert_true(rd_same_reading(&c[0].p, &c[0].p));
}

static void test_rank_reading(void **state)
{
	(void)state;
	/* Light characters on a dark ground (overlays, signs) rank lower
	 * than the same reading dark on light; larger characters higher. */
	assert_true(rd_rank_reading(-0.5f, 20, 1, 0) > rd_rank_reading(-0.5f, 20, 0, 0) + 0.3f);
	assert_true(rd_rank_reading(-0.5f, 40, 1, 0) > rd_rank_reading(-0.5f, 20, 1, 0));
	assert_true(rd_rank_reading(-0.5f, 2, 1, 0) == rd_rank_reading(-0.5f, 8, 1, 0));
	assert_true(rd_rank_reading(-0.5f, 20, 1, 0) > rd_rank_reading(-0.5f, 20, 1, 1) + 0.3f);
	{
		/* Characters 20 px tall, the quadrilateral 6 px above and
		 * below them and 7 px beside them. */
		float mid[8] = { 100, 100, 200, 100, 200, 132, 100, 132 };
		float top[8] = { 100, -2, 200, -2, 200, 30, 100, 30 };
		float near[8] = { 100, 2, 200, 2, 200, 34, 100, 34 };
		float right[8] = { 540, 100, 645, 100, 645, 132, 540, 132 };

		assert_int_equal(rd_at_edge(mid, 20, 640, 480), 0);
		assert_int_equal(rd_at_edge(top, 20, 640, 480), 1);
		assert_int_equal(rd_at_edge(near, 20, 640, 480), 0);
		assert_int_equal(rd_at_edge(right, 20, 640, 480), 1);
	}
}

static void test_rank_select_overlap(void **state)
{
	struct rd_cand c[4];
	int a[4] = { 0, 0, 10, 10 }, b[4] = { 5, 0, 10, 10 }, z[4] = { 0, 0, 0, 0 };

	(void)state;
	c[0] = cand("AAAA", 0, 0, 100, 20, -2);
	c[1] = cand("BBBB", 5, 2, 100, 20, -1);	/* overlaps, better */
	c[2] = cand("CCCC", 300, 0, 100, 20, -3);
	c[3] = cand("DDDD", 600, 0, 100, 20, -4);
	/* At most @max, best first, the overlapped one dropped. */
	assert_int_equal(rd_rank_select(c, 4, 2), 2);
	assert_string_equal(c[0].p.text, "BBBB");
	assert_string_equal(c[1].p.text, "CCCC");
	assert_true(rd_box_iou(a, b) > 0.33f && rd_box_iou(a, b) < 0.34f);
	assert_true(rd_box_iou(a, z) == 0.0f);
	assert_int_equal(rd_rank_select(c, 0, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_touching),
		cmocka_unit_test(test_free_from_below_and_recover_end),
		cmocka_unit_test(test_plate_edge_not_a_character),
		cmocka_unit_test(test_end_joined_to_frame),
		cmocka_unit_test(test_thin_end_beside_edge),
		cmocka_unit_test(test_lines_left_alone),
		cmocka_unit_test(test_characters_between_gaps),
		cmocka_unit_test(test_feet_joined_to_a_frame),
		cmocka_unit_test(test_ground_pieces),
		cmocka_unit_test(test_feet_of_letters_not_cut),
		cmocka_unit_test(test_two_rows_joined),
		cmocka_unit_test(test_two_rows_refused),
		cmocka_unit_test(test_rank_part_supports_whole),
		cmocka_unit_test(test_rank_votes_capped),
		cmocka_unit_test(test_rank_reading),
		cmocka_unit_test(test_rank_select_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
