// SPDX-License-Identifier: MIT
/*
 * foreign.c - the shapes of the marks a UK camera sees that are no DVLA
 * format: foreign plates and the UK's test and Q marks (issue 21, item 3:
 * the reader prefers a valid UK reading in region gb while still
 * reporting foreign plates). syntax.c reads them as gb-free; this names
 * the reading's format family, which its confidence is calibrated per
 * (rank.c), so that a foreign plate is not taken for a misread UK one.
 * Pure functions: tests call them (tests/reader/test_plate.c).
 */
#include <string.h>

#include "reader/reader_int.h"

/*
 * The marks a gb-free reading (a UK frame's text that is no UK mark) may
 * be of (issue 21, item 3: foreign plates are reported, and alerted on,
 * in region gb): the common European formats as the camera reads them,
 * without spaces or hyphens, and the UK's own marks the DVLA formats
 * leave out. Runs of letters (L) or digits (D), each with a least and a
 * most count. They only name the reading's family (rd_format_family) for
 * the confidence's calibration; they never correct a character.
 */
struct run {
	char cls;		/* 'L' or 'D' */
	unsigned char min, max;
};
static const struct {
	const char *name;
	struct run r[4];
} known[] = {
	/* test and trade-style UK marks in the current shape with letters
	 * the DVLA does not issue (ZZ99TST, the commissioning vehicle), and
	 * Q marks (vehicles of unknown age or identity) */
	{ "gb-test", { { 'L', 2, 2 }, { 'D', 2, 2 }, { 'L', 3, 3 } } },
	{ "gb-q", { { 'L', 1, 1 }, { 'D', 1, 3 }, { 'L', 3, 3 } } },
	{ "fr", { { 'L', 2, 2 }, { 'D', 3, 3 }, { 'L', 2, 2 } } },	/* and it */
	{ "es", { { 'D', 4, 4 }, { 'L', 3, 3 } } },
	{ "be", { { 'D', 1, 1 }, { 'L', 3, 3 }, { 'D', 3, 3 } } },
	/* de: district 1-3 letters, 1-2 letters, 1-4 digits */
	{ "de", { { 'L', 2, 5 }, { 'D', 1, 4 } } },
	{ "ch", { { 'L', 2, 2 }, { 'D', 1, 6 } } },
	{ "pl", { { 'L', 2, 3 }, { 'D', 4, 5 } } },
	/* ie: year (and half), county, number */
	{ "ie", { { 'D', 2, 3 }, { 'L', 1, 2 }, { 'D', 1, 6 } } },
	/* nl: the sidecodes of 6 characters in 2 or 3 groups */
	{ "nl", { { 'L', 2, 2 }, { 'D', 4, 4 } } },
	{ "nl", { { 'D', 4, 4 }, { 'L', 2, 2 } } },
	{ "nl", { { 'D', 2, 2 }, { 'L', 2, 2 }, { 'D', 2, 2 } } },
	{ "nl", { { 'L', 2, 2 }, { 'D', 2, 2 }, { 'L', 2, 2 } } },
	{ "nl", { { 'L', 4, 4 }, { 'D', 2, 2 } } },
	{ "nl", { { 'D', 2, 2 }, { 'L', 4, 4 } } },
	{ "nl", { { 'D', 2, 2 }, { 'L', 3, 3 }, { 'D', 1, 1 } } },
	{ "nl", { { 'D', 1, 1 }, { 'L', 3, 3 }, { 'D', 2, 2 } } },
	{ "nl", { { 'L', 2, 2 }, { 'D', 3, 3 }, { 'L', 1, 1 } } },
	{ "nl", { { 'L', 1, 1 }, { 'D', 3, 3 }, { 'L', 2, 2 } } },
	{ "nl", { { 'L', 3, 3 }, { 'D', 2, 2 }, { 'L', 1, 1 } } },
	{ "nl", { { 'L', 1, 1 }, { 'D', 2, 2 }, { 'L', 3, 3 } } },
	{ "nl", { { 'D', 1, 1 }, { 'L', 2, 2 }, { 'D', 3, 3 } } },
	{ "nl", { { 'D', 3, 3 }, { 'L', 2, 2 }, { 'D', 1, 1 } } },
};

/* Does @t match runs @r[0..n) exactly? (Greedy per run is enough: two
 * neighbouring runs are never of the same class.) */
static int runs_match(const char *t, const struct run *r, int n)
{
	for (int i = 0; i < n && r[i].cls; i++) {
		int k = 0;

		while (t[k] && (r[i].cls == 'L' ? t[k] >= 'A' && t[k] <= 'Z'
						: t[k] >= '0' && t[k] <= '9'))
			k++;
		if (k < r[i].min || k > r[i].max)
			return 0;
		t += k;
	}
	return !*t;
}

const char *rd_foreign_format(const char *text)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (runs_match(text, known[i].r, 4))
			return known[i].name;
	return NULL;
}

enum rd_family rd_format_family(const char *text, const char *format)
{
	if (!format || strcmp(format, "gb-free") != 0)
		return RD_FAMILY_OWN;
	return rd_foreign_format(text) ? RD_FAMILY_KNOWN : RD_FAMILY_FREE;
}
