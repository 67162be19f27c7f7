// SPDX-License-Identifier: MIT
/*
 * test_plate.c - the plate evidence (plate.c; issue 21, item 2) on drawn
 * IR-like images: a retroreflective plate against a dark body is a plate;
 * paint on a body, a sign's board that goes on beyond a plate's margin and
 * light text on a dark strip are not; too little surround in view is no
 * evidence either way. The text's side: a UK frame's foreign reading of
 * letters or digits alone (look-alikes counting as neither) is not a
 * plate; UK marks and other regions' readings are left alone. The
 * layout: a UK reading's characters spaced as a plate's (rd_plate_layout).
 * The
 * confidence reported (rank.c, issue 21 item 5): calibrated from the rank,
 * rising with it in every region, readings without the evidence held at
 * 0.4 or below, the floor applied to it, the readings sorted by it.
 * Plates found but not read (unread.c): a ghost plate and one blacked
 * out have a plate's evidence and nothing on them; characters cut by the
 * ground's edge are covered; lettering is not listed.
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

static int like_text(const struct rd_line *l, int dark, const char *text,
		     enum anpr_region region, const char *format)
{
	struct rd_plate_ev ev;

	rd_plate_measure(&img[0][0], W, W, H, l, dark, &ev);
	assert_true(ev.contrast == contrast(l, dark));
	assert_true(ev.margin == margin(l, dark));
	return rd_plate_like(&ev, dark, text, region, format);
}

static int like(const struct rd_line *l, int dark)
{
	return like_text(l, dark, "AB12CDE", ANPR_REGION_GB, "gb-current");
}

static float share(const struct rd_line *l, int dark)
{
	struct rd_plate_ev ev;

	rd_plate_measure(&img[0][0], W, W, H, l, dark, &ev);
	return ev.share;
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
	assert_false(like(&l, 0));
}

static void mostly_ink_is_not(void **state)
{
	/* Dark pieces that fill most of the band: the gaps between light
	 * lettering taken for dark characters (ground.c), as "TESCO" on a
	 * dark board gave E5SCO. The same drawing with hollow characters is
	 * a plate. */
	struct rd_line l = scene(40, 220, 0.2f, 30);

	(void)state;
	assert_true(share(&l, 1) >= RD_PLATE_MIN_SHARE);
	l = scene(40, 220, 0.2f, 220);	/* the board alone */
	for (int i = 0; i < 7; i++)
		fill(X0 + i * PITCH, Y0, X0 + i * PITCH + CW - 2, Y0 + CH, 30);
	assert_true(share(&l, 1) < RD_PLATE_MIN_SHARE);
	assert_true(contrast(&l, 1) >= RD_PLATE_MIN_CONTRAST);
	assert_false(like(&l, 1));
}

static void board_pieces_are_not(void **state)
{
	/* A sign's board 0.6 h beyond its lettering, whose pieces between
	 * the letters made the line (ground.c): the "characters" are the
	 * board's height, but the margins are the lettering's, and the board
	 * goes on beyond them. */
	struct rd_line l = scene(40, 220, 0.6f, 30);
	int pad = (int)(0.6f * CH + 0.5f);

	(void)state;
	for (int i = 0; i < l.n; i++) {
		l.c[i].y0 -= pad;
		l.c[i].y1 += pad;
	}
	l.height = CH + 2 * pad;
	assert_false(like(&l, 1));
	/* a plate's ground, the same way: still a plate */
	l = scene(40, 220, 0.2f, 30);
	pad = (int)(0.2f * CH + 0.5f);
	for (int i = 0; i < l.n; i++) {
		l.c[i].y0 -= pad;
		l.c[i].y1 += pad;
	}
	l.height = CH + 2 * pad;
	assert_true(like(&l, 1));
}

static struct rd_plate_ev measure(const struct rd_line *l, int dark)
{
	struct rd_plate_ev ev;

	rd_plate_measure(&img[0][0], W, W, H, l, dark, &ev);
	return ev;
}

static void lettering_gaps_are_not(void **state)
{
	/* Light lettering on a dark body whose gaps were cut, within the
	 * lettering's band, as dark characters (read_gaps): its "ground"
	 * (the lettering) is brighter than the body all round, but it ends
	 * where the "characters" do, and beyond them is the body, at the
	 * ink's level. A plate's ground goes on for its margin. */
	struct rd_line l = scene(50, 150, 0.01f, 50);
	struct rd_plate_ev ev = measure(&l, 1);

	(void)state;
	assert_true(ev.contrast >= RD_PLATE_MIN_CONTRAST);
	assert_true(ev.margin >= RD_PLATE_MIN_MARGIN);
	assert_true(ev.share >= RD_PLATE_MIN_SHARE);
	assert_true(ev.rim < 0.1f);
	assert_false(like(&l, 1));
	l = scene(50, 150, 0.2f, 50);
	ev = measure(&l, 1);
	assert_true(ev.rim > 0.9f);
	assert_true(like(&l, 1));
	/* at the frame's top and foot: nothing of the rim in view */
	rd_plate_measure(&img[Y0][0], W, W, CH, &(struct rd_line){
		.n = 1, .c = { { X0, 0, X0 + CW, CH, 0 } }, .height = CH, .rows = 1 },
		1, &ev);
	assert_true(ev.rim == RD_PLATE_UNKNOWN);
}

static void counters_are_not(void **state)
{
	/* The counters of light lettering (an O's hole, an S's bays) read
	 * as dark characters: between them lies the lettering's dark
	 * surround, where a plate's gaps are its ground. */
	struct rd_line l = scene(40, 220, 0.2f, 30);
	struct rd_plate_ev ev = measure(&l, 1);

	(void)state;
	assert_true(ev.gap_ink < 0.1f);
	for (int i = 0; i + 1 < 7; i++)
		fill(X0 + i * PITCH + CW, Y0, X0 + (i + 1) * PITCH, Y0 + CH, 30);
	ev = measure(&l, 1);
	assert_true(ev.gap_ink > 0.9f);
	assert_false(like(&l, 1));
	/* two rows: not measured */
	l.rows = 2;
	assert_true(measure(&l, 1).gap_ink < 0);
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

		assert_true(like_text(&l, 1, "AB123CD", ANPR_REGION_AUTO, "gb-free"));
		assert_false(like_text(&l, 1, "PLUMBING", ANPR_REGION_AUTO, "gb-free"));
	}
}

/*
 * The layout of a UK reading (rd_plate_layout): @n characters @w wide
 * (30 px high) @gap apart, @space apart before character @split (0:
 * none), written to @x0, @x1.
 */
static void lay_out(int *x0, int *x1, int n, int w, int gap, int split,
		    int space)
{
	int x = 10;

	for (int j = 0; j < n; j++) {
		if (j)
			x += j == split ? space : gap;
		x0[j] = x;
		x1[j] = x + w;
		x = x1[j];
	}
}

/*
 * A UK plate's characters are 0.14 h apart within a group and 0.42 h
 * between the two (current AB12 CDE, suffix ABC 123D, dateless ABC 123,
 * NI ABZ 1234): a reading with its space where its format puts it is a
 * plate's; the same text evenly spaced (a word, a sign's number), or with
 * the space elsewhere, is not. A thin 1 next to the space and a screw cap
 * joined to a character (the gap narrowed, the step between centres
 * kept) leave a plate a plate. Foreign (gb-free), two-row and other
 * regions' readings are not judged; a UK text of another length than
 * the columns is not a plate's.
 */
static void layout_of_a_plate(void **state)
{
	int x0[8], x1[8];

	(void)state;
	lay_out(x0, x1, 7, 19, 4, 4, 13);
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "AB12CDE", "gb-current"));
	lay_out(x0, x1, 7, 19, 4, 0, 0);
	assert_false(rd_plate_layout(x0, x1, 7, 30, 1, "AB12CDE", "gb-current"));
	/* Space after the third: a suffix mark's, not a current one's. */
	lay_out(x0, x1, 7, 19, 4, 3, 13);
	assert_false(rd_plate_layout(x0, x1, 7, 30, 1, "AB12CDE", "gb-current"));
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "ABC123D", "gb-suffix"));
	/* Prefix: the space after the number, not after the age letter. */
	lay_out(x0, x1, 7, 19, 4, 4, 13);
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "A123BCD", "gb-prefix"));
	lay_out(x0, x1, 7, 19, 4, 1, 13);
	assert_false(rd_plate_layout(x0, x1, 7, 30, 1, "A123BCD", "gb-prefix"));
	/* An NI mark's I read as 1: HX176 has its space after HX. */
	lay_out(x0, x1, 5, 19, 4, 3, 13);
	assert_false(rd_plate_layout(x0, x1, 5, 30, 1, "HX176", "gb-dateless"));
	assert_true(rd_plate_layout(x0, x1, 5, 30, 1, "HXI76", "gb-ni"));
	/* A word's letters evenly spaced read as a suffix mark. */
	lay_out(x0, x1, 5, 19, 4, 0, 0);
	assert_false(rd_plate_layout(x0, x1, 5, 30, 1, "KLO1G", "gb-suffix"));
	/* A thin 1 before the space: AB21 CDE. */
	lay_out(x0, x1, 7, 19, 4, 4, 13);
	x0[3] = x1[3] - 6;
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "AB21CDE", "gb-current"));
	/* A screw cap joined to the 2 of AB12 CDE: the gap 5, 1 more than
	 * the others, the step between centres 5 px longer. */
	lay_out(x0, x1, 7, 19, 4, 4, 13);
	x1[3] += 8;
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "AB12CDE", "gb-current"));
	/* Not judged, and of another length. */
	lay_out(x0, x1, 7, 19, 4, 0, 0);
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "AB123CD", "gb-free"));
	assert_true(rd_plate_layout(x0, x1, 7, 30, 2, "AB12CDE", "gb-current"));
	assert_true(rd_plate_layout(x0, x1, 7, 30, 1, "ABC1234", "br"));
	lay_out(x0, x1, 7, 19, 4, 4, 13);
	assert_false(rd_plate_layout(x0, x1, 7, 30, 1, "AB12CD", "gb-dateless"));
}

static void confidence_from_rank(void **state)
{
	(void)state;
	for (int g = 0; g < ANPR_REGION_COUNT; g++)
		for (int f = 0; f < RD_FAMILY_COUNT; f++) {
			float last = 0;

			for (float rank = -12; rank <= 6; rank += 0.25f) {
				float c = rd_rank_confidence(rank, (enum anpr_region)g,
							     (enum rd_family)f);

				assert_true(c >= 0 && c <= 1);
				assert_true(c >= last);
				last = c;
			}
			assert_true(rd_rank_confidence(-12, (enum anpr_region)g,
						       (enum rd_family)f) < 0.01f);
			assert_true(rd_rank_confidence(6, (enum anpr_region)g,
						       (enum rd_family)f) > 0.99f);
		}
	/* out of range: auto's */
	assert_true(rd_rank_confidence(1, (enum anpr_region)99, RD_FAMILY_OWN) ==
		    rd_rank_confidence(1, ANPR_REGION_AUTO, RD_FAMILY_OWN));
}

/*
 * A foreign or test mark read in region gb (gb-free) ranks RD_GB_FREE_PRIOR
 * below a UK mark read as surely; its confidence must not pay for that
 * (the backed-out calibration gave ZZ99TST 0.001): as surely read as a UK
 * plate at 0.9 or more, it stays over anprd's alert threshold (0.5).
 */
static void foreign_marks_stay_alertable(void **state)
{
	(void)state;
	assert_string_equal(rd_foreign_format("ZZ99TST"), "gb-test");
	assert_string_equal(rd_foreign_format("AB123CD"), "fr");
	assert_string_equal(rd_foreign_format("WDB4512"), "de");
	assert_string_equal(rd_foreign_format("1ABC123"), "be");
	assert_string_equal(rd_foreign_format("1234BCD"), "es");
	assert_string_equal(rd_foreign_format("131D1234"), "ie");
	assert_string_equal(rd_foreign_format("12ABC3"), "nl");
	assert_null(rd_foreign_format("PLUMBING"));
	assert_null(rd_foreign_format("0113496"));
	assert_null(rd_foreign_format("A1B2C3"));
	assert_int_equal(rd_format_family("ZZ99TST", "gb-free"), RD_FAMILY_KNOWN);
	assert_int_equal(rd_format_family("A1B2C3", "gb-free"), RD_FAMILY_FREE);
	assert_int_equal(rd_format_family("AB12CDE", "gb-current"), RD_FAMILY_OWN);
	assert_int_equal(rd_format_family("AB123CD", "eu"), RD_FAMILY_OWN);
	for (float uk = -1; uk <= 4; uk += 0.25f) {
		if (rd_rank_confidence(uk, ANPR_REGION_GB, RD_FAMILY_OWN) < 0.9f)
			continue;
		/* the same reading, but of a foreign mark: the prior's less */
		assert_true(rd_rank_confidence(uk - 2.0f + RD_GB_FREE_PRIOR,
					       ANPR_REGION_GB, RD_FAMILY_KNOWN) >= 0.5f);
	}
	/* The preference for a UK reading stays in the rank, where readings
	 * of the same plate are chosen between (rd_rank_select): the same
	 * evidence read as gb-free ranks below it by the prior's difference. */
	assert_true(RD_GB_FREE_PRIOR < -2.0f);
}

static void finish_sorts_by_confidence(void **state)
{
	struct anpr_plate p[5];
	/* in rank order, as rd_rank_select leaves them */
	const float rank[5] = { 2.0f, 1.5f, 1.5f, 0.5f, -6.0f };
	int n;

	(void)state;
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 5; i++) {
		p[i].rank = rank[i];
		p[i].confidence = 0.1f * (float)i;	/* the raw ones, rising */
		p[i].text[0] = (char)('A' + i);
	}
	p[0].not_plate = 1;	/* the best rank, but no plate evidence */
	n = rd_rank_finish(p, 5, ANPR_REGION_GB, 0.4f, 0.25f);
	/* the last one is far below the floor */
	assert_int_equal(n, 4);
	for (int i = 1; i < n; i++)
		assert_true(p[i - 1].confidence >= p[i].confidence);
	/* equal ranks keep their order; the one without evidence is last,
	 * at 0.4 */
	assert_int_equal(p[0].text[0], 'B');
	assert_int_equal(p[1].text[0], 'C');
	assert_int_equal(p[2].text[0], 'D');
	assert_int_equal(p[3].text[0], 'A');
	assert_true(p[3].confidence == 0.4f);
	assert_true(p[0].confidence == rd_rank_confidence(1.5f, ANPR_REGION_GB,
							  RD_FAMILY_OWN));
	/* no floor: every reading */
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 5; i++)
		p[i].rank = rank[i];
	assert_int_equal(rd_rank_finish(p, 5, ANPR_REGION_GB, 0.4f, 0), 5);
}

/* Plates found but not read (unread.c): a ground drawn at (40, 60), 150 x
 * 32, on a body of 62. */
static struct rd_comp ground(uint8_t v, int fillpct)
{
	memset(img, 18, sizeof(img));
	fill(10, 20, 230, 140, 62);
	fill(40, 60, 190, 92, v);
	return (struct rd_comp){ 40, 60, 190, 92, 150 * 32 * fillpct / 100 };
}

static void unread_ghost_and_blackout(void **state)
{
	struct rd_comp c = ground(236, 100);

	(void)state;
	/* a ghost plate: bright, of a plate's shape, nothing on it */
	assert_true(rd_unread_evidence(&img[0][0], W, W, H, &c) > 0.6f);
	assert_int_equal(rd_unread_marks(&img[0][0], W, &c), RD_MARKS_NONE);
	/* characters blacked out: one bar across it, a ring of ground */
	fill(50, 68, 180, 84, 28);
	c.area = 150 * 32 - 130 * 16;
	assert_true(rd_unread_evidence(&img[0][0], W, W, H, &c) > 0.6f);
	assert_int_equal(rd_unread_marks(&img[0][0], W, &c), RD_MARKS_NONE);
	/* not bright enough to be retroreflective, or not a plate's shape */
	c = ground(150, 100);
	assert_true(rd_unread_evidence(&img[0][0], W, W, H, &c) == 0);
	c = ground(236, 100);
	c.x1 = 60;
	assert_true(rd_unread_evidence(&img[0][0], W, W, H, &c) == 0);
}

static void unread_marks(void **state)
{
	struct rd_comp c = ground(236, 100);

	(void)state;
	/* dark characters with margins round them: lettering (or a plate,
	 * which the reader reads) */
	for (int i = 0; i < 7; i++)
		fill(50 + i * 19, 66, 62 + i * 19, 86, 28);
	assert_int_equal(rd_unread_marks(&img[0][0], W, &c), RD_MARKS_LETTERING);
	/* the same cut by its lower edge: the rest is covered */
	c.y1 = 80;
	assert_int_equal(rd_unread_marks(&img[0][0], W, &c), RD_MARKS_CUT);
	/* light lettering on a board: no plate's ground */
	c = ground(200, 100);
	for (int i = 0; i < 7; i++)
		fill(50 + i * 19, 66, 62 + i * 19, 86, 255);
	assert_int_equal(rd_unread_marks(&img[0][0], W, &c), RD_MARKS_LETTERING);
}

static void unread_finish(void **state)
{
	struct rd_unread u;
	struct anpr_plate rd;
	struct rd_cand cand;
	struct anpr_unread out[ANPR_READER_MAX_UNREAD];
	struct rd_comp c = ground(236, 100);

	(void)state;
	rd_unread_reset(&u);
	rd_unread_ground(&u, &img[0][0], W, W, H, &c, 2, 0, 0);
	rd_unread_ground(&u, &img[0][0], W, W, H, &c, 2, 1, 0);	/* the same */
	assert_int_equal(u.ngrounds, 1);
	assert_int_equal(rd_unread_finish(&u, NULL, 0, NULL, 0, out, 4), 1);
	assert_int_equal(out[0].why, ANPR_UNREAD_NO_CHARS);
	assert_int_equal(out[0].box[0], 80);
	assert_int_equal(out[0].box[2], 300);
	assert_string_equal(anpr_unread_why_name(out[0].why), "no-characters");
	/* a reading over it: not listed */
	memset(&rd, 0, sizeof(rd));
	rd.box[0] = 100;
	rd.box[1] = 130;
	rd.box[2] = 250;
	rd.box[3] = 40;
	assert_int_equal(rd_unread_finish(&u, &rd, 1, NULL, 0, out, 4), 0);
	/* a reading below the confidence asked for: not read */
	memset(&cand, 0, sizeof(cand));
	cand.p = rd;
	assert_int_equal(rd_unread_finish(&u, NULL, 0, &cand, 1, out, 4), 1);
	assert_int_equal(out[0].why, ANPR_UNREAD_NOT_READ);
	/* one without a plate's evidence: lettering, not listed */
	cand.not_plate = 1;
	assert_int_equal(rd_unread_finish(&u, NULL, 0, &cand, 1, out, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retroreflective_plate),
		cmocka_unit_test(paint_is_not),
		cmocka_unit_test(sign_board_is_not),
		cmocka_unit_test(light_text_is_not),
		cmocka_unit_test(mostly_ink_is_not),
		cmocka_unit_test(board_pieces_are_not),
		cmocka_unit_test(lettering_gaps_are_not),
		cmocka_unit_test(counters_are_not),
		cmocka_unit_test(no_surround_no_evidence),
		cmocka_unit_test(text_of_a_plate),
		cmocka_unit_test(layout_of_a_plate),
		cmocka_unit_test(confidence_from_rank),
		cmocka_unit_test(foreign_marks_stay_alertable),
		cmocka_unit_test(finish_sorts_by_confidence),
		cmocka_unit_test(unread_ghost_and_blackout),
		cmocka_unit_test(unread_marks),
		cmocka_unit_test(unread_finish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
