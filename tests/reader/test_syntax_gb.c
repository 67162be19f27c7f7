// SPDX-License-Identifier: MIT
/*
 * test_syntax_gb.c - the UK side of the syntax decoder (syntax.c): Northern
 * Ireland marks with their I/Z codes, the short dateless marks, look-alike
 * correction only where the format is unambiguous, foreign plates still
 * read (region unknown) when no UK format fits, the line-shape prior
 * on "not a character" (rd_line_prior), and the UK bar rule (rd_bar_prior);
 * the UK formats exactly (rd_syntax_match): tables of valid and invalid
 * marks, and the decoder preferring a valid UK reading.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reader/reader_int.h"

/* Each component mostly its character; alt puts alt_p on a look-alike
 * ('_' in main is junk, ' ' in alt is none). */
static void probs(float (*p)[RD_CLASSES], const char *main, const char *alt, float alt_p)
{
	int n = (int)strlen(main);

	for (int i = 0; i < n; i++) {
		int m = main[i] == '_' ? RD_JUNK : rd_char_class(main[i]);
		int a = alt && alt[i] != ' ' ? rd_char_class(alt[i]) : -1;

		for (int c = 0; c < RD_CLASSES; c++)
			p[i][c] = 0.0005f;
		p[i][m] = a >= 0 ? 0.98f - alt_p : 0.98f;
		if (a >= 0)
			p[i][a] = alt_p;
	}
}

static int decode(const char *main, const char *alt, float alt_p, struct rd_decoded *d)
{
	float p[RD_MAX_LINE][RD_CLASSES];

	probs(p, main, alt, alt_p);
	return rd_syntax_decode((const float (*)[RD_CLASSES])p, (int)strlen(main),
				ANPR_REGION_GB, d);
}

static void ni_marks_with_i_and_z(void **state)
{
	struct rd_decoded d;

	(void)state;
	assert_int_equal(decode("LIG4589", NULL, 0, &d), 0);
	assert_string_equal(d.text, "LIG4589");
	assert_string_equal(d.format, "gb-ni");
	assert_int_equal(d.region, ANPR_REGION_GB);
	assert_int_equal(decode("ABZ12", NULL, 0, &d), 0);
	assert_string_equal(d.text, "ABZ12");
	/* A bar read as '1' where the NI code needs its I: the format says I,
	 * even with next to no mass on I. */
	assert_int_equal(decode("J1G2771", NULL, 0, &d), 0);
	assert_string_equal(d.text, "JIG2771");
	assert_string_equal(d.format, "gb-ni");
	/* Three letters and four digits without an I or a Z is no UK mark. */
	assert_int_equal(decode("ABC1234", NULL, 0, &d), 0);
	assert_string_not_equal(d.format, "gb-ni");
}

static void short_dateless_marks(void **state)
{
	struct rd_decoded d;

	(void)state;
	assert_int_equal(decode("A123", NULL, 0, &d), 0);
	assert_string_equal(d.text, "A123");
	assert_string_equal(d.format, "gb-dateless");
	assert_int_equal(decode("123A", NULL, 0, &d), 0);
	assert_string_equal(d.text, "123A");
	assert_int_equal(decode("1ABC", NULL, 0, &d), 0);
	assert_string_equal(d.text, "1ABC");
}

static void lookalikes_only_where_unambiguous(void **state)
{
	struct rd_decoded d;

	(void)state;
	/* 'O' read with certainty in a current mark's digit position: the
	 * format makes it 0 (no other UK format fits 7 characters this way). */
	assert_int_equal(decode("AB1OCDE", NULL, 0, &d), 0);
	assert_string_equal(d.text, "AB10CDE");
	assert_string_equal(d.format, "gb-current");
	assert_true(d.conf[3] < 0.2f);	/* corrected, and it shows */
	/* A crisp 8 after one letter: prefix C871 MNU fits as read; the
	 * likelier current format would need 8 -> B. The characters win. */
	assert_int_equal(decode("C871MNU", NULL, 0, &d), 0);
	assert_string_equal(d.text, "C871MNU");
	assert_string_equal(d.format, "gb-prefix");
	/* ...but with real doubt on the 8 the current format takes it. */
	assert_int_equal(decode("C871MNU", " B     ", 0.45f, &d), 0);
	assert_string_equal(d.text, "CB71MNU");
	assert_string_equal(d.format, "gb-current");
	/* S/5 in a suffix mark's letter positions. */
	assert_int_equal(decode("5BC123D", NULL, 0, &d), 0);
	assert_string_equal(d.text, "SBC123D");
}

static void foreign_plates_still_read(void **state)
{
	struct rd_decoded d;

	(void)state;
	/* A French SIV plate fits no UK format: read as it is, region unknown. */
	assert_int_equal(decode("AB123CD", NULL, 0, &d), 0);
	assert_string_equal(d.text, "AB123CD");
	assert_string_equal(d.format, "gb-free");
	assert_int_equal(d.region, ANPR_REGION_AUTO);
	/* A UK mark is never read as a free one. */
	assert_int_equal(decode("AB12CDE", NULL, 0, &d), 0);
	assert_string_equal(d.format, "gb-current");
	assert_int_equal(d.region, ANPR_REGION_GB);
	/* Four letters: the only UK fit (ABC 1) forces a digit nothing
	 * supports, and the confidence says so. */
	assert_int_equal(decode("ABCD", NULL, 0, &d), 0);
	assert_true(d.confidence < 0.2f);
}

/* A line of seven components 20 px tall, 12 wide, 16 apart. */
static void line_of_seven(struct rd_line *l)
{
	memset(l, 0, sizeof(*l));
	l->n = 7;
	l->rows = 1;
	l->height = 20;
	for (int i = 0; i < 7; i++)
		l->c[i] = (struct rd_comp){ 10 + 16 * i, 10, 22 + 16 * i, 30, 100 };
}

static void line_shape_weighs_junk_down(void **state)
{
	float p[RD_MAX_LINE][RD_CLASSES];
	struct rd_line l;
	struct rd_decoded alone, in_line;

	(void)state;
	/* AB12CDE with its 'C' blurred: the classifier leans to junk
	 * (0.6) over 'C' (0.38). */
	probs(p, "AB12_DE", "    C  ", 0.38f);
	line_of_seven(&l);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 7,
					  ANPR_REGION_GB, &alone), 0);
	/* Shaped like its neighbours in the line, it is most likely the
	 * 'C', and the reading is surer. */
	rd_line_prior(&l, p);
	assert_true(p[4][rd_char_class('C')] > 0.8f);
	assert_true(p[0][rd_char_class('A')] > 0.98f);
	assert_int_equal(rd_syntax_decode((const float (*)[RD_CLASSES])p, 7,
					  ANPR_REGION_GB, &in_line), 0);
	assert_string_equal(in_line.text, "AB12CDE");
	assert_string_equal(in_line.format, "gb-current");
	assert_true(in_line.score > alone.score + 0.05f);
	assert_true(in_line.confidence > alone.confidence);

	/* A narrow piece (the plate's edge, a '1') and one of another
	 * height keep the classifier's word. */
	probs(p, "AB12_DE", "    C  ", 0.38f);
	l.c[4].x1 = l.c[4].x0 + 7;	/* 0.35 of the height */
	rd_line_prior(&l, p);
	assert_true(p[4][RD_JUNK] > 0.55f);
	probs(p, "AB12_DE", "    C  ", 0.38f);
	line_of_seven(&l);
	l.c[4].y1 = l.c[4].y0 + 16;	/* 0.8 of the height */
	rd_line_prior(&l, p);
	assert_true(p[4][RD_JUNK] > 0.55f);

	/* A piece of the right shape the classifier cannot name (a plate's
	 * country band: junk 0.5, the rest spread thin, none over 0.2)
	 * stays junk. */
	probs(p, "AB12CDE", NULL, 0);
	line_of_seven(&l);
	for (int c = 0; c < RD_CLASSES; c++)
		p[0][c] = 0.5f / (RD_CLASSES - 1);
	p[0][RD_JUNK] = 0.5f;
	p[0][rd_char_class('4')] = 0.15f;
	rd_line_prior(&l, p);
	assert_true(p[0][RD_JUNK] > 0.45f);
	assert_true(p[1][rd_char_class('B')] > 0.97f);
}

/*
 * A bar narrower than a quarter of its height is a 1 or an I in the UK
 * font: the classifier's spread over other letters (a UK 1 crop it read
 * J 0.23, 1 0.06, I 0.08) goes, "not a character" keeps its share, and
 * the UK alphabet (no I) then reads 1. Anything as wide as a quarter of
 * its height keeps the classifier's word.
 */
static void bars_are_ones(void **state)
{
	float p[RD_CLASSES], q[RD_CLASSES];
	const int one = rd_char_class('1'), eye = rd_char_class('I');
	const int jay = rd_char_class('J');

	(void)state;
	for (int c = 0; c < RD_CLASSES; c++)
		p[c] = 0.63f / (RD_CLASSES - 4);
	p[jay] = 0.23f;
	p[one] = 0.06f;
	p[eye] = 0.08f;
	p[RD_JUNK] = 0.05f;
	memcpy(q, p, sizeof(p));
	rd_bar_prior(6, 45, p);		/* 0.13 of its height */
	assert_true(p[one] + p[eye] > 0.6f);
	assert_true(p[jay] < 0.02f);
	assert_true(p[RD_JUNK] > 0.15f && p[RD_JUNK] < 0.3f);
	float sum = 0;

	for (int c = 0; c < RD_CLASSES; c++)
		sum += p[c];
	assert_float_equal(sum, 1.0f, 1e-5);
	memcpy(p, q, sizeof(p));
	rd_bar_prior(12, 45, p);	/* 0.27: a 1 with its flag, or skewed */
	assert_memory_equal(p, q, sizeof(p));
	rd_bar_prior(6, 0, p);		/* no height: nothing to say */
	assert_memory_equal(p, q, sizeof(p));
}

/* Valid UK marks, and the format each is. */
static const struct {
	const char *mark, *format;
} valid_marks[] = {
	{ "AB12CDE", "gb-current" },
	{ "YK07XSR", "gb-current" },
	{ "LB02ABC", "gb-current" },	/* March 2002, the first */
	{ "MA51ABC", "gb-current" },	/* September 2001, the first */
	{ "AB26ZZZ", "gb-current" },	/* Z in the last three */
	{ "RO59JWM", "gb-current" },	/* O is a letter in places 1-2 */
	{ "OU70ABC", "gb-current" },
	{ "A1BCD", "gb-prefix" },
	{ "A123BCD", "gb-prefix" },
	{ "Y999XYZ", "gb-prefix" },
	{ "C871MNU", "gb-prefix" },
	{ "ABC1D", "gb-suffix" },
	{ "ABC123D", "gb-suffix" },
	{ "NTP561M", "gb-suffix" },
	{ "A1", "gb-dateless" },
	{ "A1234", "gb-dateless" },
	{ "AB9999", "gb-dateless" },
	{ "ABC123", "gb-dateless" },
	{ "1AB", "gb-dateless" },
	{ "9999AB", "gb-dateless" },
	{ "123ABC", "gb-dateless" },
	{ "1ABC", "gb-dateless" },
	{ "LIG4589", "gb-ni" },
	{ "ABZ12", "gb-ni" },
	{ "AXI1", "gb-ni" },
	{ "IA1234", "gb-ni" },
	{ "OI99", "gb-ni" },
	{ "KZ7", "gb-ni" },
};

/* Invalid ones, and why. */
static const char *const invalid_marks[] = {
	"R059JWM",	/* current: letters required in places 1-2 */
	"AB00CDE",	/* no age identifier 00 (2050) */
	"AB01CDE",	/* 01 was never issued */
	"AB50CDE",	/* 50 is March 2050 */
	"IB12CDE",	/* no I in places 1-2 */
	"QB12CDE",	/* no Q */
	"ZB12CDE",	/* no Z in the area letter */
	"AZ12CDE",	/* nor in the office letter */
	"AB12CDI",	/* no I in the last three */
	"AB12CQE",	/* no Q there either */
	"A012BCD",	/* prefix: the number starts with 0 */
	"I123BCD",	/* no I, O, Q, U or Z age letter */
	"O123BCD",
	"U123BCD",
	"Z123BCD",
	"Q123BCD",	/* a Q mark: not one of these formats */
	"A1234BC",	/* prefix: at most 999 */
	"ABC012D",	/* suffix: the number starts with 0 */
	"ABC123O",	/* no O, U age letter */
	"ABC123U",
	"A0123",	/* dateless: the number starts with 0 */
	"0123AB",
	"ABC1234",	/* three letters take at most 999 (NI has I or Z) */
	"1234ABC",
	"ABCD1",	/* four letters */
	"A12345",	/* five digits */
	"AIG0123",	/* NI: the number starts with 0 */
	"AIQ123",	/* no Q in a code */
	"QIG123",
	"AB12CDEF",	/* too long */
	"AB12CD",	/* a current mark cut short */
	"1",
	"A",
	"",
};

static void uk_formats_exactly(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid_marks) / sizeof(valid_marks[0]); i++) {
		const char *f = rd_syntax_match(ANPR_REGION_GB, valid_marks[i].mark);

		if (!f || strcmp(f, valid_marks[i].format))
			fail_msg("%s: %s, want %s", valid_marks[i].mark, f ? f : "invalid",
				 valid_marks[i].format);
	}
	for (size_t i = 0; i < sizeof(invalid_marks) / sizeof(invalid_marks[0]); i++) {
		const char *f = rd_syntax_match(ANPR_REGION_GB, invalid_marks[i]);

		if (f)
			fail_msg("%s: valid as %s, want invalid", invalid_marks[i], f);
	}
	/* The other regions' own formats still match; a UK mark is not an
	 * EU one of the SK format, and a foreign plate is no UK mark. */
	assert_string_equal(rd_syntax_match(ANPR_REGION_BR, "ABC1234"), "br-old");
	assert_null(rd_syntax_match(ANPR_REGION_BR, "AB12CDE"));
	assert_null(rd_syntax_match(ANPR_REGION_GB, "AB123CD"));
	assert_null(rd_syntax_match(ANPR_REGION_GB, "ab12cde"));
}

/*
 * In region gb the decoder prefers a valid UK reading: a doubtful 0 in
 * places 1-2 reads as the letter O (RO59JWM), a number group does not
 * start with 0 when the classifier's doubt allows otherwise, an age
 * identifier read 01 is no current mark; a line that only a foreign
 * plate's text fits is still read (gb-free, region unknown).
 */
static void prefers_valid_uk_readings(void **state)
{
	struct rd_decoded d;

	(void)state;
	/* The 0 of R059JWM is the O of a current mark. */
	assert_int_equal(decode("R059JWM", NULL, 0, &d), 0);
	assert_string_equal(d.text, "RO59JWM");
	assert_string_equal(d.format, "gb-current");
	assert_int_equal(d.region, ANPR_REGION_GB);
	assert_non_null(rd_syntax_match(ANPR_REGION_GB, d.text));
	/* A prefix mark's number read 0 first, with 0.3 on 8: no number
	 * group starts with 0, so the 8 (the current format's AO12BCD, the
	 * 0 taken as an O at a tenth of its weight, scores lower). */
	assert_int_equal(decode("A012BCD", " 8     ", 0.3f, &d), 0);
	assert_string_equal(d.text, "A812BCD");
	assert_string_equal(d.format, "gb-prefix");
	/* Age identifier 01 was never issued: not a current mark (the
	 * decoder finds the prefix A801CDE, the B taken as an 8). */
	assert_int_equal(decode("AB01CDE", NULL, 0, &d), 0);
	assert_string_not_equal(d.format, "gb-current");
	/* Dateless 1234 AB with a crisp leading digit: as read. */
	assert_int_equal(decode("1234AB", NULL, 0, &d), 0);
	assert_string_equal(d.text, "1234AB");
	assert_string_equal(d.format, "gb-dateless");
	/* NI code alone: IA 1234 (a bar read 1 where the code needs I). */
	assert_int_equal(decode("1A1234", NULL, 0, &d), 0);
	assert_string_equal(d.text, "IA1234");
	assert_string_equal(d.format, "gb-ni");
	/* Every reading the decoder makes in gb region with a UK format is
	 * a valid UK mark. */
	static const char *const lines[] = { "AB12CDE", "C871MNU", "A0123", "ABC012D",
					     "R059JWM", "IB12CDE", "ABCD", "1A1234" };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(decode(lines[i], NULL, 0, &d), 0);
		if (d.region == ANPR_REGION_GB &&
		    !rd_syntax_match(ANPR_REGION_GB, d.text))
			fail_msg("%s read %s (%s), not a valid UK mark", lines[i],
				 d.text, d.format);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ni_marks_with_i_and_z),
		cmocka_unit_test(short_dateless_marks),
		cmocka_unit_test(lookalikes_only_where_unambiguous),
		cmocka_unit_test(foreign_plates_still_read),
		cmocka_unit_test(line_shape_weighs_junk_down),
		cmocka_unit_test(bars_are_ones),
		cmocka_unit_test(uk_formats_exactly),
		cmocka_unit_test(prefers_valid_uk_readings),
	};

	return cmocka_run_group_tests_name("reader-syntax-gb", tests, NULL, NULL);
}
