// SPDX-License-Identifier: MIT
/*
 * test_plate.c - the plate evidence (plate.c; issue 21, item 2) on drawn
 * IR-like images: a retroreflective plate against a dark body is a plate;
 * paint on a body, a sign's board that goes on beyond a plate's margin and
 * light text on a dark strip are not; too little surround in view is no
 * evidence either way. The text's side: a UK frame's foreign reading of
 * letters or digits alone (look-alikes counting as neither) is not a
 * plate; UK marks and other regions' readings are left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reader/reader_int.h"

#define W 240
#define H 160
#define CH 20			/* character height */
#define CW 12			/* character width */
#define PITCH 15
#define X0 40
#define Y0 70

static uint8_t img[H][W];

static void fill(int x0, int y0, int x1, int y1, uint8_t v)
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			if (x >= 0 && x < W && y >= 0 && y < H)
				img[y][x] = v;
}

/* Seven hollow characters (about half ink) of value @ink; @l their line. */
static void chars(uint8_t ink, struct rd_line *l)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < 7; i++) {
		int x = X0 + i * PITCH;

		fill(x, Y0, x + CW, Y0 + 3, ink);
		fill(x, Y0 + CH - 3, x + CW, Y0 + CH, ink);
		fill(x, Y0, x + 3, Y0 + CH, ink);
		fill(x + CW - 3, Y0, x + CW, Y0 + CH, ink);
		l->c[i] = (struct rd_comp){ x, Y0, x + CW, Y0 + CH, 0 };
	}
	l->n = 7;
	l->height = CH;
	l->rows = 1;
}

/* A scene of value @body with a board of value @ground reaching @pad
 * character heights beyond the characters above and below (0: none), and
 * the characters of value @ink on it. */
static struct rd_line scene(uint8_t body, uint8_t ground, float pad, uint8_t ink)
{
	struct rd_line l;
	int p = (int)(pad * CH + 0.5f);

	memset(img, body, sizeof(img));
	if (pad > 0)
		fill(X0 - CH, Y0 - p, X0 + 6 * PITCH + CW + CH, Y0 + CH + p, ground);
	chars(ink, &l);
	return l;
}

static float contrast(const struct rd_line *l, int dark)
{
	return rd_plate_contrast(&img[0][0], W, W, H, l, dark);
}

static float margin(const struct rd_line *l, int dark)
{
	return rd_plate_margin(&img[0][0], W, W, H, l, dark);
}

static int like(const struct rd_line *l, int dark)
{
	return rd_plate_like(contrast(l, dark), margin(l, dark), dark, "AB12CDE",
			     ANPR_REGION_GB, "gb-current");
}

static void retroreflective_plate(void **state)
{
	/* A UK plate's margin: 0.2 h above and below its characters. */
	struct rd_line l = scene(40, 220, 0.2f, 30);

	(void)state;
	assert_true(contrast(&l, 1) > 0.8f);
	assert_true(margin(&l, 1) > 0.8f);
	assert_true(like(&l, 1));
	/* a saturated plate whose ink blooms, on a light body */
	l = scene(110, 255, 0.2f, 100);
	assert_true(like(&l, 1));
}

static void paint_is_not(void **state)
{
	/* Lettering on a van's body: the ground is the body. */
	struct rd_line l = scene(90, 90, 0, 40);

	(void)state;
	assert_true(contrast(&l, 1) < 0.1f && contrast(&l, 1) > -0.1f);
	assert_false(like(&l, 1));
	/* light paint on a dark body, read as light characters */
	l = scene(50, 50, 0, 150);
	assert_false(like(&l, 0));
}

static void sign_board_is_not(void **state)
{
	/* A board as bright as a plate that goes on 0.5 h beyond the
	 * lettering: bright against the scene further out, but not where a
	 * plate's ground has ended. */
	struct rd_line l = scene(40, 220, 0.5f, 30);

	(void)state;
	assert_true(contrast(&l, 1) >= RD_PLATE_MIN_CONTRAST);
	assert_true(margin(&l, 1) < RD_PLATE_MIN_MARGIN);
	assert_false(like(&l, 1));
	/* lit all round: no contrast at all */
	l = scene(40, 220, 1.0f, 30);
	assert_true(contrast(&l, 1) < RD_PLATE_MIN_CONTRAST);
}

static void light_text_is_not(void **state)
{
	/* A date stamp: white on a black strip; and white on a bright
	 * board (a road sign's sheeting). */
	struct rd_line l = scene(60, 0, 0.3f, 255);

	(void)state;
	assert_false(like(&l, 0));
	l = scene(40, 150, 0.2f, 250);
	assert_true(contrast(&l, 0) > RD_PLATE_MIN_CONTRAST);
	assert_false(rd_plate_like(contrast(&l, 0), margin(&l, 0), 0, "AB12CDE",
				   ANPR_REGION_GB, "gb-current"));
}

static void no_surround_no_evidence(void **state)
{
	struct rd_line l = scene(40, 220, 0.2f, 30);

	(void)state;
	/* only the characters' rows in view */
	assert_true(rd_plate_contrast(&img[Y0][0], W, W, CH, &(struct rd_line){
		.n = 1, .c = { { X0, 0, X0 + CW, CH, 0 } }, .height = CH, .rows = 1 }, 1) ==
		RD_PLATE_UNKNOWN);
	assert_true(rd_plate_contrast(&img[0][0], W, W, H, &(struct rd_line){ .n = 0 }, 1) ==
		    RD_PLATE_UNKNOWN);
	(void)l;
}

static void text_of_a_plate(void **state)
{
	(void)state;
	/* a UK frame's foreign readings */
	assert_false(rd_text_plate_like("PLUMBING", ANPR_REGION_AUTO, "gb-free"));
	assert_false(rd_text_plate_like("01632960", ANPR_REGION_AUTO, "gb-free"));
	assert_false(rd_text_plate_like("C0VENTRY", ANPR_REGION_AUTO, "gb-free"));
	assert_false(rd_text_plate_like("5ALE5", ANPR_REGION_AUTO, "gb-free"));
	assert_true(rd_text_plate_like("AB123CD", ANPR_REGION_AUTO, "gb-free"));
	assert_true(rd_text_plate_like("B4711XY", ANPR_REGION_AUTO, "gb-free"));
	/* UK marks and other regions' free formats are left alone */
	assert_true(rd_text_plate_like("BR15TOL", ANPR_REGION_GB, "gb-current"));
	assert_true(rd_text_plate_like("PLUMBING", ANPR_REGION_AUTO, "us"));
	assert_true(rd_text_plate_like("PLUMBING", ANPR_REGION_US, "us"));
	/* and the text decides on its own */
	{
		struct rd_line l = scene(40, 220, 0.2f, 30);

		assert_false(rd_plate_like(contrast(&l, 1), margin(&l, 1), 1, "PLUMBING",
					   ANPR_REGION_AUTO, "gb-free"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retroreflective_plate),
		cmocka_unit_test(paint_is_not),
		cmocka_unit_test(sign_board_is_not),
		cmocka_unit_test(light_text_is_not),
		cmocka_unit_test(no_surround_no_evidence),
		cmocka_unit_test(text_of_a_plate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
