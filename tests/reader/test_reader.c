// SPDX-License-Identifier: MIT
/*
 * test_reader.c - unit tests of the reader's stages on synthetic images
 * drawn here: connected components, character shape filter, grouping into
 * lines (straight, sloped, with noise), detection through the pipeline at
 * several sizes and both polarities, syntax decoding and correction, and
 * bad input (frames, weights, a FIFO at a weights path).
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <pthread.h>

#include "reader/reader_hook.h"

/* ---- drawing ---------------------------------------------------------- */

struct canvas {
	uint8_t *p;
	int w, h;
	size_t stride;
};

static struct canvas canvas_new(int w, int h, uint8_t v)
{
	struct canvas c = { malloc((size_t)w * h + 3), w, h, (size_t)w };

	assert_non_null(c.p);
	memset(c.p, v, (size_t)w * h);
	return c;
}

static void rect(struct canvas *c, int x0, int y0, int x1, int y1, uint8_t v)
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			if (x >= 0 && y >= 0 && x < c->w && y < c->h)
				c->p[(size_t)y * c->stride + x] = v;
}

/*
 * A blocky glyph in a gw x gh box: '0' (ring), '1' (bar), 'E' (comb),
 * 'H'. Stroke ~ gh / 7: character-like fill ratios.
 */
static void glyph(struct canvas *c, char g, int x, int y, int gw, int gh,
		  uint8_t v)
{
	int s = gh / 7 > 1 ? gh / 7 : 2;

	switch (g) {
	case '0':
		rect(c, x, y, x + gw, y + s, v);
		rect(c, x, y + gh - s, x + gw, y + gh, v);
		rect(c, x, y, x + s, y + gh, v);
		rect(c, x + gw - s, y, x + gw, y + gh, v);
		break;
	case '1':
		rect(c, x + gw / 2 - s / 2, y, x + gw / 2 - s / 2 + s, y + gh, v);
		break;
	case 'E':
		rect(c, x, y, x + s, y + gh, v);
		rect(c, x, y, x + gw, y + s, v);
		rect(c, x, y + gh / 2 - s / 2, x + gw, y + gh / 2 - s / 2 + s, v);
		rect(c, x, y + gh - s, x + gw, y + gh, v);
		break;
	default:
		rect(c, x, y, x + s, y + gh, v);
		rect(c, x + gw - s, y, x + gw, y + gh, v);
		rect(c, x, y + gh / 2 - s / 2, x + gw, y + gh / 2 - s / 2 + s, v);
		break;
	}
}

/*
 * A plate: @text in blocky glyphs of height @gh, plate of value @bg with
 * characters of value @fg, top-left at (x, y); each glyph lowered by
 * slope * its x offset. Returns the plate width.
 */
static int plate(struct canvas *c, const char *text, int x, int y, int gh,
		 uint8_t bg, uint8_t fg, float slope)
{
	int gw = gh * 5 / 9, pitch = gw + gh / 5, n = (int)strlen(text);
	int pw = n * pitch + gh;

	rect(c, x, y, x + pw, y + gh * 3 / 2 + (int)fabsf(slope * pw), bg);
	for (int i = 0; i < n; i++) {
		int gx = x + gh / 2 + i * pitch;

		glyph(c, text[i], gx, y + gh / 4 + (int)(slope * (gx - x)), gw, gh, fg);
	}
	return pw;
}

/* ---- connected components -------------------------------------------- */

static void test_ccl_boxes(void **state)
{
	struct canvas c = canvas_new(40, 30, 0);
	struct rd_ccl ccl = { 0 };
	const struct rd_comp *k;

	(void)state;
	rect(&c, 2, 3, 7, 9, 1);		/* 5 x 6 block */
	rect(&c, 10, 10, 11, 20, 1);		/* 1 x 10 line */
	rect(&c, 11, 20, 12, 21, 1);		/* diagonal neighbour: joins */
	rect(&c, 30, 0, 40, 30, 1);		/* touches right and top edges */
	assert_int_equal(rd_ccl_label(&ccl, anpr_kern_best(), c.p, c.stride, c.w, c.h, 1, 1, 100, 100, 0), 3);
	k = ccl.comps.p;
	assert_int_equal(k[0].x0, 30);
	assert_int_equal(k[0].x1, 40);
	assert_int_equal(k[0].area, 300);
	assert_int_equal(k[1].x0, 2);
	assert_int_equal(k[1].y0, 3);
	assert_int_equal(k[1].x1, 7);
	assert_int_equal(k[1].y1, 9);
	assert_int_equal(k[1].area, 30);
	assert_int_equal(k[2].x0, 10);
	assert_int_equal(k[2].x1, 12);
	assert_int_equal(k[2].y1, 21);
	assert_int_equal(k[2].area, 11);
	/* Size filter: only the line (height 11) passes 8..12. */
	assert_int_equal(rd_ccl_label(&ccl, anpr_kern_best(), c.p, c.stride, c.w, c.h, 1, 8, 12, 100, 0), 1);
	/* Long horizontal runs are dropped: the 10-wide block loses its
	 * rows (10 > 8) and the line and small block stay. */
	assert_int_equal(rd_ccl_label(&ccl, anpr_kern_best(), c.p, c.stride, c.w, c.h, 1, 1, 100, 100, 8), 2);
	/* Other bits are ignored; an empty mask gives nothing. */
	assert_int_equal(rd_ccl_label(&ccl, anpr_kern_best(), c.p, c.stride, c.w, c.h, 2, 1, 100, 100, 0), 0);
	rd_ccl_free(&ccl);
	free(c.p);
}

/* Reference labelling: flood fill, 8-connected. */
static int flood(const uint8_t *m, int w, int h, int *lab, int x, int y, int id,
		 struct rd_comp *c, int *stack)
{
	int sp = 0;

	stack[sp++] = y * w + x;
	lab[y * w + x] = id;
	*c = (struct rd_comp){ x, y, x + 1, y + 1, 0 };
	while (sp) {
		int p = stack[--sp], px = p % w, py = p / w;

		c->area++;
		c->x0 = px < c->x0 ? px : c->x0;
		c->y0 = py < c->y0 ? py : c->y0;
		c->x1 = px + 1 > c->x1 ? px + 1 : c->x1;
		c->y1 = py + 1 > c->y1 ? py + 1 : c->y1;
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++) {
				int qx = px + dx, qy = py + dy;

				if (qx < 0 || qy < 0 || qx >= w || qy >= h ||
				    !m[qy * w + qx] || lab[qy * w + qx])
					continue;
				lab[qy * w + qx] = id;
				stack[sp++] = qy * w + qx;
			}
	}
	return 0;
}

static int cmp_comp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct rd_comp));
}

static void test_ccl_matches_flood_fill(void **state)
{
	static const int widths[] = { 1, 7, 63, 64, 65, 130, 200 };
	struct rd_ccl ccl = { 0 };
	uint32_t seed = 7;

	(void)state;
	for (int lvl = 0; lvl < ANPR_SIMD_COUNT; lvl++) {
		const struct anpr_kern_ops *k = anpr_kern_get((enum anpr_simd)lvl);

		if (!k)
			continue;
		for (size_t wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++)
			for (int dens = 1; dens < 8; dens += 2) {
				int w = widths[wi], h = 37, n = 0;
				uint8_t *m = calloc((size_t)w * h, 1);
				int *lab = calloc((size_t)w * h, sizeof(int));
				int *stack = malloc(sizeof(int) * (size_t)w * h * 9);
				struct rd_comp *ref = malloc(sizeof(*ref) * (size_t)w * h);

				/* Random blobs and long horizontal runs. */
				for (int i = 0; i < w * h; i++) {
					seed = seed * 1103515245u + 12345u;
					m[i] = (seed >> 16) % 8 < (uint32_t)dens;
				}
				for (int x = 0; x < w; x++)
					m[5 * w + x] = 1;
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++)
						if (m[y * w + x] && !lab[y * w + x]) {
							flood(m, w, h, lab, x, y, n + 1, &ref[n], stack);
							n++;
						}
				assert_int_equal(rd_ccl_label(&ccl, k, m, (size_t)w, w, h, 1,
							      1, h, w, 0), n);
				qsort(ref, (size_t)n, sizeof(*ref), cmp_comp);
				qsort(ccl.comps.p, (size_t)n, sizeof(*ref), cmp_comp);
				assert_memory_equal(ref, ccl.comps.p, sizeof(*ref) * (size_t)n);
				free(m);
				free(lab);
				free(stack);
				free(ref);
			}
	}
	rd_ccl_free(&ccl);
}

static void test_char_like(void **state)
{
	struct rd_comp ring = { 0, 0, 10, 18, 70 };	/* '0'-like */
	struct rd_comp bar = { 0, 0, 3, 20, 60 };	/* '1' */
	struct rd_comp wide = { 0, 0, 40, 18, 300 };	/* a plate border */
	struct rd_comp solid = { 0, 0, 10, 18, 180 };	/* a filled block */
	struct rd_comp speck = { 0, 0, 3, 4, 8 };	/* noise */
	struct rd_comp thin = { 0, 0, 1, 30, 30 };	/* a long thin line */

	(void)state;
	assert_true(rd_char_like(&ring, 10, 44));
	assert_true(rd_char_like(&bar, 10, 44));
	assert_false(rd_char_like(&wide, 10, 44));
	assert_false(rd_char_like(&solid, 10, 44));
	assert_false(rd_char_like(&speck, 10, 44));
	assert_false(rd_char_like(&thin, 10, 44));
}

/* ---- grouping ---------------------------------------------------------- */

static void test_group_line(void **state)
{
	struct rd_comp comps[32];
	struct rd_line lines[4];
	int n = 0;

	(void)state;
	/* Seven characters, 20 px high, pitch 14, one group gap, a 2 %
	 * slope, given out of order; plus noise of other heights. */
	for (int i = 6; i >= 0; i--) {
		int x = 100 + i * 14 + (i >= 4 ? 8 : 0);
		int y = 50 + (int)(0.02f * (float)x);

		comps[n++] = (struct rd_comp){ x, y, x + 10, y + 20, 90 };
	}
	comps[n++] = (struct rd_comp){ 300, 40, 306, 90, 100 };	/* tall */
	comps[n++] = (struct rd_comp){ 120, 10, 125, 16, 20 };	/* small */
	comps[n++] = (struct rd_comp){ 400, 50, 410, 70, 90 };	/* alone */
	assert_int_equal(rd_group_lines(comps, n, 4, lines, 4), 1);
	assert_int_equal(lines[0].n, 7);
	assert_int_equal(lines[0].c[0].x0, 100);
	assert_int_equal(lines[0].c[6].x0, 100 + 6 * 14 + 8);
	assert_true(fabsf(lines[0].height - 20.0f) < 0.5f);
	assert_true(fabsf(lines[0].slope - 0.02f) < 0.01f);
	/* Too short a line is not a plate. */
	assert_int_equal(rd_group_lines(comps, 3, 4, lines, 4), 0);
}

static void test_group_two_lines(void **state)
{
	struct rd_comp comps[32];
	struct rd_line lines[4];
	int n = 0;

	(void)state;
	for (int i = 0; i < 5; i++) {
		comps[n++] = (struct rd_comp){ 10 + 12 * i, 10, 18 + 12 * i, 26, 60 };
		comps[n++] = (struct rd_comp){ 10 + 24 * i, 100, 26 + 24 * i, 130, 200 };
	}
	assert_int_equal(rd_group_lines(comps, n, 4, lines, 4), 2);
	assert_int_equal(lines[0].n, 5);
	assert_int_equal(lines[1].n, 5);
	assert_true(lines[0].c[0].y0 != lines[1].c[0].y0);
}

/* ---- detection and segmentation through the pipeline ------------------ */

struct seen {
	int n;
	struct rd_line line[16];
	int scale[16];
	int dark[16];
};

static void hook(void *ctx, const struct rd_line *l, int scale, int dark,
		 const float *patches)
{
	struct seen *s = ctx;

	/* The patches are the classifier's input: in [0, 1], some ink. */
	float ink = 0;

	for (int i = 0; i < l->n * RD_CH_H * RD_CH_W; i++) {
		assert_true(patches[i] >= 0.0f && patches[i] <= 1.0f);
		ink += patches[i];
	}
	assert_true(ink > (float)l->n);
	if (s->n < 16) {
		s->line[s->n] = *l;
		s->scale[s->n] = scale;
		s->dark[s->n] = dark;
		s->n++;
	}
}

/* Find the plate line: the one with n members nearest (x, y). */
static int find_line(const struct seen *s, int n, int x, int y, int dark)
{
	for (int i = 0; i < s->n; i++) {
		const struct rd_line *l = &s->line[i];
		int lx = l->c[0].x0 * s->scale[i], ly = l->c[0].y0 * s->scale[i];

		if (l->n == n && s->dark[i] == dark && abs(lx - x) < 40 &&
		    abs(ly - y) < 40)
			return i;
	}
	return -1;
}

static void detect_case(int gh, uint8_t bg, uint8_t fg, float slope)
{
	struct canvas c = canvas_new(gh * 14 + 200, gh * 4 + 120, 90);
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	struct anpr_read rd;
	struct seen s = { 0 };
	char err[256];
	int i;

	/* Clutter: a frame and some bars that are not text. */
	rect(&c, 5, 5, c.w - 5, 8, 200);
	rect(&c, 20, c.h - 30, 24, c.h - 5, 10);
	plate(&c, "E01H0E1", 60, 50, gh, bg, fg, slope);
	anpr_reader_config_default(&cfg);
	r = rd_reader_create_hooked(&cfg, 0, hook, &s, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(anpr_reader_read(r, c.p, c.w, c.h, c.stride, &rd), 0);
	i = find_line(&s, 7, 60 + gh / 2, 50 + gh / 4, fg < bg);
	if (i < 0)
		fail_msg("char height %d, %s, slope %.2f: no 7-character line "
			 "(%d lines seen)", gh, fg < bg ? "dark on light" :
			 "light on dark", (double)slope, s.n);
	/* Segmentation: seven components left to right, plausible heights. */
	for (int k = 0; k < 7; k++) {
		const struct rd_comp *cc = &s.line[i].c[k];
		int h = (cc->y1 - cc->y0) * s.scale[i];

		assert_true(abs(h - gh) <= gh / 6 + 2);
		if (k)
			assert_true(cc->x0 > s.line[i].c[k - 1].x0);
	}
	assert_true(fabsf(s.line[i].slope - slope) < 0.03f);
	anpr_reader_destroy(r);
	free(c.p);
}

static void test_detect_dark_on_light(void **state)
{
	(void)state;
	detect_case(9, 220, 30, 0.0f);	/* a ~60 px wide plate */
	detect_case(16, 220, 30, 0.0f);	/* level 0 */
	detect_case(30, 230, 40, 0.0f);
	detect_case(70, 200, 20, 0.0f);	/* a coarser level */
}

static void test_detect_light_on_dark(void **state)
{
	(void)state;
	detect_case(18, 25, 210, 0.0f);
	detect_case(50, 40, 240, 0.0f);
}

static void test_detect_sloped_low_contrast(void **state)
{
	(void)state;
	detect_case(24, 150, 100, 0.05f);
	detect_case(24, 150, 100, -0.05f);
}

/* ---- activity pre-pass ---------------------------------------------- */

static void noise(struct canvas *c, int base, int amp, uint32_t seed)
{
	for (int i = 0; i < c->w * c->h; i++) {
		seed = seed * 1103515245u + 12345u;
		c->p[i] = (uint8_t)(base + (int)((seed >> 16) % (uint32_t)amp));
	}
}

static void test_activity_regions(void **state)
{
	struct canvas c = canvas_new(960, 540, 0);	/* a half-scale frame */
	struct rd_activity a = { 0 };
	struct rd_rect rr[16];
	const struct anpr_kern_ops *k = anpr_kern_best();
	int n, found = 0;

	(void)state;
	/* Pure sensor noise: nothing to read. */
	noise(&c, 20, 12, 1);
	assert_int_equal(rd_activity_regions(&a, k, c.p, c.stride, c.w, c.h, 8, rr, 16), 0);
	/* A plate in the noise: one small region around it, aligned. */
	plate(&c, "E01H0E1", 400, 300, 20, 230, 30, 0.0f);
	n = rd_activity_regions(&a, k, c.p, c.stride, c.w, c.h, 8, rr, 16);
	assert_true(n >= 1 && n <= 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(rr[i].x0 % 8, 0);
		assert_int_equal(rr[i].y0 % 8, 0);
		/* frame coordinates: twice the half-scale ones */
		if (rr[i].x0 <= 800 && rr[i].x1 >= 2 * (400 + 7 * 15 + 20) &&
		    rr[i].y0 <= 600 && rr[i].y1 >= 2 * (300 + 30))
			found = 1;
		assert_true((rr[i].x1 - rr[i].x0) * (rr[i].y1 - rr[i].y0) <
			    2 * c.w * 2 * c.h / 4);
	}
	assert_true(found);
	/* Texture everywhere: read the whole frame. */
	for (int y = 0; y < c.h; y++)
		for (int x = 0; x < c.w; x++)
			c.p[y * c.w + x] = ((x / 3 + y / 5) & 1) ? 200 : 40;
	assert_int_equal(rd_activity_regions(&a, k, c.p, c.stride, c.w, c.h, 8, rr, 16), -1);
	/* Too small to bother: whole frame. */
	assert_int_equal(rd_activity_regions(&a, k, c.p, c.stride, 20, 20, 8, rr, 16), -1);
	rd_activity_free(&a);
	free(c.p);
}

static void test_detect_in_large_noisy_frame(void **state)
{
	struct canvas c = canvas_new(1920, 1080, 0);
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	struct anpr_read rd;
	struct seen s = { 0 };
	char err[256];

	(void)state;
	noise(&c, 15, 30, 2);
	plate(&c, "E01H0E1", 1301, 777, 36, 235, 25, 0.0f);
	anpr_reader_config_default(&cfg);
	r = rd_reader_create_hooked(&cfg, 0, hook, &s, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(anpr_reader_read(r, c.p, c.w, c.h, c.stride, &rd), 0);
	assert_true(find_line(&s, 7, 1301 + 18, 777 + 9, 1) >= 0);
	anpr_reader_destroy(r);
	free(c.p);
}

/* ---- syntax ------------------------------------------------------------ */

/* Probabilities: each component mostly its character, some mass on a
 * look-alike. "_" is junk. */
static void probs(float (*p)[RD_CLASSES], const char *main, const char *alt,
		  float alt_p)
{
	int n = (int)strlen(main);

	for (int i = 0; i < n; i++) {
		int m = main[i] == '_' ? RD_JUNK : rd_char_class(main[i]);
		int a = alt && alt[i] != ' ' ? rd_char_class(alt[i]) : -1;

		for (int c = 0; c < RD_CLASSES; c++)
			p[i][c] = 0.001f;
		p[i][m] = a >= 0 ? 1.0f - alt_p : 0.95f;
		if (a >= 0)
			p[i][a] = alt_p;
	}
}

static void test_syntax_gb_corrects(void **state)
{
	float p[16][RD_CLASSES];
	struct rd_decoded d;

	(void)state;
	/* 'I' and 'O' where the UK format wants digits, with some mass on
	 * '1' and '0': the format corrects both. */
	probs(p, "ABIOCDE", "  10   ", 0.3f);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 7,
					  ANPR_REGION_GB, &d), 0);
	assert_string_equal(d.text, "AB10CDE");
	assert_string_equal(d.format, "gb-current");
	assert_int_equal(d.region, ANPR_REGION_GB);
	assert_true(d.conf[0] > 0.9f);
	assert_true(d.conf[3] < 0.5f);	/* the forced '0' keeps its low confidence */
	/* A letter position keeps the letter when the letter is likelier. */
	probs(p, "AB120DE", "    O  ", 0.45f);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 7,
					  ANPR_REGION_GB, &d), 0);
	assert_string_equal(d.text, "AB12ODE");
}

static void test_syntax_free_format_no_correction(void **state)
{
	float p[16][RD_CLASSES];
	struct rd_decoded d;

	(void)state;
	probs(p, "7OB5IS", NULL, 0);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 6,
					  ANPR_REGION_US, &d), 0);
	assert_string_equal(d.text, "7OB5IS");
	assert_int_equal(d.region, ANPR_REGION_US);
}

static void test_syntax_br_and_junk(void **state)
{
	float p[16][RD_CLASSES];
	struct rd_decoded d;

	(void)state;
	/* Brazil LLLDDDD with a screw read as junk in the middle and an 'S'
	 * where a digit must be (5) and a '8' where a letter must be (B). */
	probs(p, "A8C_S123", " B  5   ", 0.2f);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 8,
					  ANPR_REGION_BR, &d), 0);
	assert_string_equal(d.text, "ABC5123");
	assert_string_equal(d.format, "br-old");
	/* Mercosul. */
	probs(p, "BRA2E19", NULL, 0);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 7,
					  ANPR_REGION_BR, &d), 0);
	assert_string_equal(d.format, "br-mercosul");
	assert_string_equal(d.text, "BRA2E19");
}

static void test_syntax_auto_and_no_fit(void **state)
{
	float p[16][RD_CLASSES];
	struct rd_decoded d;

	(void)state;
	probs(p, "AB12CDE", NULL, 0);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 7,
					  ANPR_REGION_AUTO, &d), 0);
	assert_int_equal(d.region, ANPR_REGION_GB);
	assert_string_equal(d.text, "AB12CDE");
	/* Three components fit no format of any region. */
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 3,
					  ANPR_REGION_AUTO, &d), -1);
	assert_int_equal(d.n, 0);
	/* Sanity of the class mapping. */
	assert_int_equal(rd_char_class('0'), 0);
	assert_int_equal(rd_char_class('Z'), 35);
	assert_int_equal(rd_char_class('-'), -1);
	assert_int_equal(rd_class_char(RD_JUNK), '?');
}

/* ---- bad input --------------------------------------------------------- */

static void test_bad_frames(void **state)
{
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	struct anpr_read rd;
	uint8_t px[64] = { 0 };
	char err[256];

	(void)state;
	anpr_reader_config_default(&cfg);
	r = anpr_reader_create(&cfg, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(anpr_reader_read(r, NULL, 8, 8, 8, &rd), ANPR_READER_EINVAL);
	assert_int_equal(rd.nplates, 0);
	assert_int_equal(anpr_reader_read(r, px, 0, 8, 8, &rd), ANPR_READER_EINVAL);
	assert_int_equal(anpr_reader_read(r, px, 8, -1, 8, &rd), ANPR_READER_EINVAL);
	assert_int_equal(anpr_reader_read(r, px, 8, 8, 7, &rd), ANPR_READER_EINVAL);
	assert_int_equal(anpr_reader_read(r, px, 20000, 1, 20000, &rd),
			 ANPR_READER_EINVAL);
	/* Tiny frames are fine and read nothing. */
	assert_int_equal(anpr_reader_read(r, px, 8, 8, 8, &rd), 0);
	assert_int_equal(rd.nplates, 0);
	assert_int_equal(anpr_reader_read(r, px, 1, 1, 1, &rd), 0);
	anpr_reader_destroy(r);
	/* Bad configuration. */
	cfg.region = ANPR_REGION_COUNT;
	assert_null(anpr_reader_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "configuration"));
}

static void test_bad_weights(void **state)
{
	const size_t len = (size_t)anpr_reader_weights_len;
	unsigned char *copy = malloc(len);
	struct anpr_reader_config cfg;
	struct rd_net *net;
	char err[512];
	FILE *f;

	(void)state;
	assert_non_null(copy);
	memcpy(copy, anpr_reader_weights, len);
	assert_int_equal(len, (size_t)(anpr_reader_weights_end - anpr_reader_weights));
	net = rd_net_parse(copy, len, "w.bin", err, sizeof(err));
	assert_non_null(net);
	assert_int_equal(strlen(rd_net_classes(net)), RD_CLASSES);
	rd_net_free(net);
	/* Truncated. */
	assert_null(rd_net_parse(copy, len - 4, "w.bin", err, sizeof(err)));
	assert_non_null(strstr(err, "w.bin"));
	assert_non_null(strstr(err, "truncated"));
	/* Too short for the header. */
	assert_null(rd_net_parse(copy, 10, "w.bin", err, sizeof(err)));
	assert_non_null(strstr(err, "not a reader weights file"));
	/* Wrong magic. */
	copy[0] = 'X';
	assert_null(rd_net_parse(copy, len, "w.bin", err, sizeof(err)));
	assert_non_null(strstr(err, "bad magic"));
	copy[0] = 'A';
	/* Unsupported version. */
	copy[8] = 2;
	assert_null(rd_net_parse(copy, len, "w.bin", err, sizeof(err)));
	assert_non_null(strstr(err, "version 2"));
	copy[8] = 1;
	/* A NaN weight. */
	memset(copy + len - 4, 0xff, 4);
	assert_null(rd_net_parse(copy, len, "w.bin", err, sizeof(err)));
	assert_non_null(strstr(err, "not a finite number"));
	/* Missing file, through the public API. */
	anpr_reader_config_default(&cfg);
	cfg.weights_path = "/nonexistent/weights.bin";
	assert_null(anpr_reader_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/weights.bin"));
	assert_non_null(strstr(err, "No such file"));
	/* An empty file. */
	char path[] = "/tmp/anpr-reader-test-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fclose(f);
	cfg.weights_path = path;
	assert_null(anpr_reader_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	unlink(path);
	free(copy);
}

/*
 * A FIFO planted at a weights path (with no writer, fopen+fread waited on
 * it for ever): refused at once, the error naming the file and what it
 * is, for both weights files through the public API and for the loader
 * itself. The alarm fails the test instead of hanging it.
 */
static void test_weights_fifo_refused(void **state)
{
	struct anpr_reader_config cfg;
	char dir[] = "/tmp/anpr-reader-fifo-XXXXXX", path[64], err[512];
	size_t len = 12345;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chars.bin", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_null(rd_weights_read(path, &len, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "is a FIFO, not a regular file"));
	assert_int_equal(len, 12345);
	anpr_reader_config_default(&cfg);
	cfg.weights_path = path;
	err[0] = '\0';
	assert_null(anpr_reader_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "FIFO"));
	anpr_reader_config_default(&cfg);
	cfg.line_weights_path = path;
	err[0] = '\0';
	assert_null(anpr_reader_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "FIFO"));
	alarm(0);
	unlink(path);
	rmdir(dir);
}

/*
 * A line's band: the quadrilateral sampled into RD_BAND_H x RD_BAND_W. A
 * dark block in an axis-aligned quad lands where its place in the quad
 * says, as ink 1 on ground 0 (0 and 1 swapped when the ink is light); a
 * stripe along a sloped quad's middle lands on the band's middle rows.
 */
static void test_quad_band(void **state)
{
	struct canvas c = canvas_new(200, 120, 200);
	static float band[RD_BAND_H * RD_BAND_W];
	const float flat[8] = { 50, 30, 150, 30, 150, 70, 50, 70 };
	const float sloped[8] = { 50, 40, 150, 60, 150, 80, 50, 60 };

	(void)state;
	rect(&c, 60, 40, 80, 60, 20);	/* u 0.1..0.3, v 0.25..0.75 */
	rd_quad_band(c.p, c.stride, c.w, c.h, flat, 1, band);
	assert_true(band[16 * RD_BAND_W + 25] > 0.99f);
	assert_true(band[2 * RD_BAND_W + 25] < 0.01f);	/* above the block */
	assert_true(band[16 * RD_BAND_W + 60] < 0.01f);	/* right of it */
	assert_true(band[16 * RD_BAND_W + 10] < 0.01f);	/* left of it */
	rd_quad_band(c.p, c.stride, c.w, c.h, flat, 0, band);
	assert_true(band[16 * RD_BAND_W + 25] < 0.01f);
	assert_true(band[2 * RD_BAND_W + 25] > 0.99f);

	memset(c.p, 200, (size_t)c.w * c.h);
	for (int x = 45; x < 155; x++) {	/* y = 50 + 0.2 (x - 50), 4 high */
		int y = (int)lrintf(48.0f + 0.2f * (float)(x - 50));

		rect(&c, x, y, x + 1, y + 4, 20);
	}
	rd_quad_band(c.p, c.stride, c.w, c.h, sloped, 1, band);
	for (int px = 4; px < RD_BAND_W - 4; px++) {
		assert_true(band[16 * RD_BAND_W + px] > 0.7f);
		assert_true(band[4 * RD_BAND_W + px] < 0.05f);
		assert_true(band[28 * RD_BAND_W + px] < 0.05f);
	}
	free(c.p);
}

/* One reader per thread: readers running at once read what one reads alone. */
struct worker {
	const struct canvas *c;
	struct anpr_read out;
	int rc;
};

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	char err[256];

	anpr_reader_config_default(&cfg);
	r = anpr_reader_create(&cfg, err, sizeof(err));
	wk->rc = -1;
	if (!r)
		return NULL;
	for (int i = 0; i < 3; i++)
		wk->rc = anpr_reader_read(r, wk->c->p, wk->c->w, wk->c->h,
					  wk->c->stride, &wk->out);
	anpr_reader_destroy(r);
	return NULL;
}

static void test_readers_in_threads(void **state)
{
	struct canvas c = canvas_new(640, 360, 90);
	struct worker alone = { &c, { 0 }, 0 }, wk[3];
	pthread_t t[3];

	(void)state;
	noise(&c, 80, 20, 3);
	plate(&c, "E01H0E1", 100, 100, 30, 230, 30, 0.0f);
	plate(&c, "HE10", 350, 250, 20, 30, 220, 0.0f);
	work(&alone);
	assert_int_equal(alone.rc, 0);
	assert_true(alone.out.candidates > 0);	/* there is work to compare */
	for (int i = 0; i < 3; i++) {
		wk[i] = (struct worker){ &c, { 0 }, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, work, &wk[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(wk[i].rc, 0);
		assert_int_equal(wk[i].out.nplates, alone.out.nplates);
		assert_int_equal(wk[i].out.candidates, alone.out.candidates);
		for (int p = 0; p < alone.out.nplates; p++) {
			assert_string_equal(wk[i].out.plates[p].text,
					    alone.out.plates[p].text);
			assert_memory_equal(wk[i].out.plates[p].box,
					    alone.out.plates[p].box,
					    sizeof(alone.out.plates[p].box));
		}
	}
	free(c.p);
}

/* The clock is injected: time spent is what the clock says. */
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	fake_now += 1500000;
	return fake_now;
}

/*
 * A tight crop of a dark U on a light ground: the U touches the left, right
 * and bottom edges, so most of the border is ink and the border rule takes
 * the ground for the character. Told the polarity, the box is the U.
 */
static void test_single_char_polarity(void **state)
{
	struct canvas c = canvas_new(20, 40, 230);
	struct rd_ccl ccl = { 0 };
	struct rd_buf mask = { 0 };
	struct rd_comp box;
	int dark = -1;

	(void)state;
	rect(&c, 0, 0, 5, 40, 20);		/* left stem */
	rect(&c, 15, 0, 20, 40, 20);		/* right stem */
	rect(&c, 0, 34, 20, 40, 20);		/* foot */
	assert_int_equal(rd_single_char_box(anpr_kern_best(), &ccl, &mask, c.p,
					    c.stride, c.w, c.h, -1, &box, &dark), 0);
	assert_int_equal(dark, 0);		/* the border rule's mistake */
	assert_int_equal(rd_single_char_box(anpr_kern_best(), &ccl, &mask, c.p,
					    c.stride, c.w, c.h, 1, &box, &dark), 0);
	assert_int_equal(dark, 1);
	assert_int_equal(box.x0, 0);
	assert_int_equal(box.y0, 0);
	assert_int_equal(box.x1, 20);
	assert_int_equal(box.y1, 40);
	assert_int_equal(box.area, 5 * 40 * 2 + 10 * 6);
	/* A flat crop has no character. */
	memset(c.p, 128, (size_t)c.w * c.h);
	assert_int_equal(rd_single_char_box(anpr_kern_best(), &ccl, &mask, c.p,
					    c.stride, c.w, c.h, 1, &box, &dark), -1);
	rd_ccl_free(&ccl);
	rd_buf_free(&mask);
	free(c.p);
}

static void test_injected_clock(void **state)
{
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	struct anpr_read rd;
	uint8_t px[32 * 32];
	char err[256];

	(void)state;
	memset(px, 128, sizeof(px));
	anpr_reader_config_default(&cfg);
	cfg.clock_ns = fake_clock;
	r = anpr_reader_create(&cfg, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(anpr_reader_read(r, px, 32, 32, 32, &rd), 0);
	assert_int_equal(rd.ns, 1500000);
	anpr_reader_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ccl_boxes),
		cmocka_unit_test(test_ccl_matches_flood_fill),
		cmocka_unit_test(test_char_like),
		cmocka_unit_test(test_group_line),
		cmocka_unit_test(test_group_two_lines),
		cmocka_unit_test(test_detect_dark_on_light),
		cmocka_unit_test(test_detect_light_on_dark),
		cmocka_unit_test(test_detect_sloped_low_contrast),
		cmocka_unit_test(test_activity_regions),
		cmocka_unit_test(test_detect_in_large_noisy_frame),
		cmocka_unit_test(test_syntax_gb_corrects),
		cmocka_unit_test(test_syntax_free_format_no_correction),
		cmocka_unit_test(test_syntax_br_and_junk),
		cmocka_unit_test(test_syntax_auto_and_no_fit),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_bad_weights),
		cmocka_unit_test(test_weights_fifo_refused),
		cmocka_unit_test(test_single_char_polarity),
		cmocka_unit_test(test_quad_band),
		cmocka_unit_test(test_injected_clock),
		cmocka_unit_test(test_readers_in_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
