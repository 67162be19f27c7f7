// SPDX-License-Identifier: MIT
/*
 * plate.c - is a line of text a plate, or lettering (issue 21, item 2)?
 *
 * Under the infrared of a UK ANPR camera a plate is retroreflective: its
 * ground is the brightest thing around its characters, much brighter than
 * the vehicle's body just above and below it. Paint is not: lettering on a
 * van's or lorry's body, fleet numbers and shop signs stand on a ground no
 * brighter than what surrounds it, and a camera's date stamp is light on
 * dark. rd_plate_contrast measures that: the ground between the characters
 * against the surround beyond the plate's margins, in units of the
 * characters' own contrast; rd_plate_margin the same just beyond a UK
 * plate's margin, where a road sign's or shop sign's board still is. rd_text_plate_like is the text's side: a
 * foreign plate read in a UK frame (gb-free, any 5..8 characters) carries
 * both letters and digits, as every European format does; a word or a
 * number alone is not a plate. Pure functions: tests call them on drawn
 * images (tests/reader/test_plate.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

/* The surround: rows 0.55..0.9 character heights beyond the characters
 * (a UK plate's margin above and below them is 16 mm of 79, 0.2 h; a
 * motorcycle plate's 18 of 64), over the characters' columns. */
#define SURROUND_NEAR	0.4f
#define SURROUND_FAR	0.75f
/* The plate's edge: a plate's ground ends within its margin (0.2 h; a
 * motorcycle plate's 0.28 h above, 0.3 h below), a sign's board or a
 * lit box goes on further round its lettering. */
#define MARGIN_NEAR	0.28f
#define MARGIN_FAR	0.45f
/* The rim: rows this far beyond each character's own top and foot, in
 * character heights (a plate's margin is 0.2 h). */
#define INNER_NEAR	0.08f
#define INNER_FAR	0.18f

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void histogram(const uint8_t *img, size_t stride, int x0, int y0,
		      int x1, int y1, int step, uint32_t *hist, uint32_t *n)
{
	for (int y = y0; y < y1; y += step)
		for (int x = x0; x < x1; x += step) {
			hist[img[(size_t)y * stride + (size_t)x]]++;
			(*n)++;
		}
}

/* The grey level below which @q of the @n counted pixels lie. */
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

/* The line's band (its characters' bounds) in @img; 0 if empty. */
static int band_of(const struct rd_line *l, int w, int h, int *b)
{
	int x0 = w, y0 = h, x1 = 0, y1 = 0;

	if (!l || l->n < 1 || w < 1 || h < 1 || l->height < 1)
		return 0;
	for (int i = 0; i < l->n; i++) {
		x0 = l->c[i].x0 < x0 ? l->c[i].x0 : x0;
		y0 = l->c[i].y0 < y0 ? l->c[i].y0 : y0;
		x1 = l->c[i].x1 > x1 ? l->c[i].x1 : x1;
		y1 = l->c[i].y1 > y1 ? l->c[i].y1 : y1;
	}
	b[0] = clampi(x0, 0, w);
	b[1] = clampi(y0, 0, h);
	b[2] = clampi(x1, 0, w);
	b[3] = clampi(y1, 0, h);
	return b[2] > b[0] && b[3] > b[1];
}

/* The median of the rows @near_h..@far_h character heights above and
 * below band @b, over its columns; -1 if too little of them is in view
 * (the line at the edge of what is searched). */
static int surround(const uint8_t *img, size_t stride, int h, const int *b,
		    int ch, int step, float near_h, float far_h)
{
	uint32_t sur[256], ns = 0;
	int near = (int)(near_h * (float)ch + 0.5f);
	int far = (int)(far_h * (float)ch + 0.5f);

	if (far <= near)
		far = near + 1;
	memset(sur, 0, sizeof(sur));
	histogram(img, stride, b[0], clampi(b[1] - far, 0, h), b[2],
		  clampi(b[1] - near, 0, h), step, sur, &ns);
	histogram(img, stride, b[0], clampi(b[3] + near, 0, h), b[2],
		  clampi(b[3] + far, 0, h), step, sur, &ns);
	if (!ns || ns < (uint32_t)((b[2] - b[0]) / step))
		return -1;
	return percentile(sur, ns, 0.5f);
}

/* The band's histogram (@band, @nb) and its ground, ink and midpoint. */
static void band_levels(const uint8_t *img, size_t stride, const int *b,
			int step, int dark, uint32_t *band, uint32_t *nb,
			int *ground, int *ink, int *mid)
{
	memset(band, 0, 256 * sizeof(*band));
	*nb = 0;
	histogram(img, stride, b[0], b[1], b[2], b[3], step, band, nb);
	/* The ground is the characters' background in their band: the light
	 * side for dark characters (the band is mostly ground), the dark side
	 * for light ones; the ink is the other side. */
	*ground = percentile(band, *nb, dark ? 0.75f : 0.25f);
	*ink = percentile(band, *nb, dark ? 0.05f : 0.95f);
	*mid = (percentile(band, *nb, dark ? 0.95f : 0.05f) + *ink) / 2;
}

/*
 * The rows of band @b that hold ink (a tenth of their samples or more on
 * the ink's side of @mid): a line's "characters" may be taller than its
 * lettering (the pieces of a sign's board between dark letters, ground.c),
 * and a plate's margins are the lettering's. 1 if they are fewer than
 * 0.8 of the band's, with @b narrowed to them.
 */
static int ink_rows(const uint8_t *img, size_t stride, int *b, int step,
		    int dark, int mid)
{
	int first = -1, last = -1, need = ((b[2] - b[0]) / step + 9) / 10;

	for (int y = b[1]; y < b[3]; y++) {
		const uint8_t *row = img + (size_t)y * stride;
		int n = 0;

		for (int x = b[0]; x < b[2]; x += step)
			n += dark ? row[x] < mid : row[x] > mid;
		if (n >= need) {
			first = first < 0 ? y : first;
			last = y;
		}
	}
	if (first < 0 || (last + 1 - first) * 5 >= (b[3] - b[1]) * 4)
		return 0;
	b[1] = first;
	b[3] = last + 1;
	return 1;
}

/*
 * The rim: how much like the ground the rows just above and below each
 * character are (INNER_NEAR..INNER_FAR of its height beyond its own top
 * and foot, over its own columns), 0 at the ink's level, 1 at the
 * ground's: a plate's ground goes on round its characters for its margin
 * (0.2 h). The gaps between light lettering, cut within the lettering's
 * band as dark "characters" (ground.c, segment.c), end where the
 * lettering does, and beyond them is the body: the ink's level.
 * RD_PLATE_UNKNOWN where nothing of it is in view.
 */
static float rim(const uint8_t *img, size_t stride, int h,
		 const struct rd_line *l, const int *b, int ch, int dark,
		 int ground, int ink)
{
	uint32_t hist[256], n = 0;
	int v;
	int near = (int)(INNER_NEAR * (float)ch + 0.5f);
	int far = (int)(INNER_FAR * (float)ch + 0.5f);

	if (near < 1)
		near = 1;
	if (far < near)
		far = near;
	memset(hist, 0, sizeof(hist));
	for (int i = 0; i < l->n; i++) {
		const struct rd_comp *c = &l->c[i];
		int xs = c->x1 - c->x0 > 8 ? (c->x1 - c->x0) / 8 : 1;
		/* within the lettering's rows, where the band was narrowed
		 * to them (ink_rows) */
		int top = c->y0 > b[1] ? c->y0 : b[1];
		int foot = c->y1 < b[3] ? c->y1 : b[3];

		for (int y = top - far; y <= top - near; y++)
			if (y >= 0 && y < h)
				histogram(img, stride, c->x0, y, c->x1, y + 1, xs,
					  hist, &n);
		for (int y = foot - 1 + near; y <= foot - 1 + far; y++)
			if (y >= 0 && y < h)
				histogram(img, stride, c->x0, y, c->x1, y + 1, xs,
					  hist, &n);
	}
	if (!n || ground == ink)
		return RD_PLATE_UNKNOWN;
	v = percentile(hist, n, 0.5f);
	return dark ? (float)(v - ink) / (float)(ground - ink) :
		      (float)(ink - v) / (float)(ink - ground);
}

/*
 * The gaps: the share of the columns between neighbouring characters
 * (over the rows both hold) on the ink's side of @mid. A plate's
 * characters stand on its ground, the gaps between them are ground; the
 * counters of light lettering (the holes of an O, the bays of an S), read
 * as dark characters, have the lettering's dark surround between them.
 * -1 where there is no gap (the characters touch) or the line has two
 * rows. Over the lettering's rows of the band @band.
 */
static float gap_ink(const uint8_t *img, size_t stride, const struct rd_line *l,
		     const int *band, int step, int dark, int mid)
{
	int n = 0, ink = 0;

	for (int i = 1; i < l->n; i++) {
		const struct rd_comp *a = &l->c[i - 1], *b = &l->c[i];
		int y0 = a->y0 > b->y0 ? a->y0 : b->y0;
		int y1 = a->y1 < b->y1 ? a->y1 : b->y1;

		/* within the lettering's rows (ink_rows) */
		y0 = y0 > band[1] ? y0 : band[1];
		y1 = y1 < band[3] ? y1 : band[3];
		if (l->rows != 1 || b->x0 <= a->x1)
			continue;
		for (int y = y0; y < y1; y += step) {
			const uint8_t *row = img + (size_t)y * stride;

			for (int x = a->x1; x < b->x0; x += step) {
				n++;
				ink += dark ? row[x] < mid : row[x] > mid;
			}
		}
	}
	return n ? (float)ink / (float)n : -1.0f;
}

void rd_plate_measure(const uint8_t *img, size_t stride, int w, int h,
		      const struct rd_line *l, int dark, struct rd_plate_ev *ev)
{
	uint32_t band[256], nb, share = 0;
	int b[4], ch, step, ground, ink, mid, c, around;

	ev->contrast = ev->margin = ev->rim = RD_PLATE_UNKNOWN;
	ev->gap_ink = -1;
	ev->share = 1;
	if (!band_of(l, w, h, b))
		return;
	ch = (int)(l->height + 0.5f);
	step = ch >= 24 ? ch / 12 : 1;	/* about 12 samples a character */
	band_levels(img, stride, b, step, dark, band, &nb, &ground, &ink, &mid);
	if (ink_rows(img, stride, b, step, dark, mid)) {
		ch = b[3] - b[1];
		band_levels(img, stride, b, step, dark, band, &nb, &ground, &ink, &mid);
	}
	c = dark ? ground - ink : ink - ground;
	c = c > 16 ? c : 16;
	/* How much of the band is ground: on a plate most of it (the
	 * characters' strokes are a third or so); where the gaps between
	 * light lettering were taken for dark characters (ground.c), little. */
	for (int v = 0; v < 256; v++)
		share += (dark ? v > mid : v < mid) ? band[v] : 0;
	ev->share = (float)share / (float)nb;
	ev->gap_ink = gap_ink(img, stride, l, b, step, dark, mid);
	around = surround(img, stride, h, b, ch, step, SURROUND_NEAR, SURROUND_FAR);
	if (around >= 0)
		ev->contrast = (float)(ground - around) / (float)c;
	around = surround(img, stride, h, b, ch, step, MARGIN_NEAR, MARGIN_FAR);
	if (around >= 0)
		ev->margin = (float)(ground - around) / (float)c;
	ev->rim = rim(img, stride, h, l, b, ch, dark, ground, ink);
}

float rd_plate_contrast(const uint8_t *img, size_t stride, int w, int h,
			const struct rd_line *l, int dark)
{
	struct rd_plate_ev ev;

	rd_plate_measure(img, stride, w, h, l, dark, &ev);
	return ev.contrast;
}

float rd_plate_margin(const uint8_t *img, size_t stride, int w, int h,
		      const struct rd_line *l, int dark)
{
	struct rd_plate_ev ev;

	rd_plate_measure(img, stride, w, h, l, dark, &ev);
	return ev.margin;
}

int rd_text_plate_like(const char *text, enum anpr_region region,
		       const char *format)
{
	int letters = 0, digits = 0;

	/* Only a UK frame's foreign plates: elsewhere the free formats are
	 * the region's own (vanity plates of letters only exist). */
	if (region != ANPR_REGION_AUTO || !format || strcmp(format, "gb-free") != 0)
		return 1;
	/* A look-alike (O/0, I/1, B/8, S/5) is not read as either: free
	 * formats correct nothing, and lettering read by a classifier comes
	 * out as C0VENTRY, P1ZZA and 5ALE. */
	for (const char *p = text; *p; p++) {
		if (strchr("OIBS0185", *p))
			continue;
		letters += isalpha((unsigned char)*p) != 0;
		digits += isdigit((unsigned char)*p) != 0;
	}
	return letters > 0 && digits > 0;
}

int rd_plate_like(const struct rd_plate_ev *ev, int dark, const char *text,
		  enum anpr_region region, const char *format)
{
	/* Light characters on a ground brighter than its surround are a
	 * road sign's sheeting; on a dark one a date stamp, a shop sign or
	 * livery. UK plates carry dark characters on a retroreflective
	 * ground, front and rear (the black-and-silver plates of historic
	 * vehicles are not retroreflective either way). */
	return dark && ev->contrast >= RD_PLATE_MIN_CONTRAST &&
	       ev->margin >= RD_PLATE_MIN_MARGIN && ev->share >= RD_PLATE_MIN_SHARE &&
	       ev->rim >= RD_PLATE_MIN_RIM && ev->gap_ink <= RD_PLATE_MAX_GAP_INK &&
	       rd_text_plate_like(text, region, format);
}

/* Where a UK reading @text of format @f has its space: before this
 * character; 0 if it has none (not a UK plate format). */
static int group_split(const char *text, const char *f)
{
	int n = (int)strlen(text), first = 0, last = 0;

	if (!f || strncmp(f, "gb-", 3) != 0 || !strcmp(f, "gb-free"))
		return 0;
	if (!strcmp(f, "gb-current"))
		return n == 7 ? 4 : 0;
	/* The letters and the number meet once (dateless, NI) or twice
	 * (prefix: the age letter, the number, the letters; suffix: the
	 * letters, the number, the age letter). */
	for (int j = 1; j < n; j++)
		if (!isdigit((unsigned char)text[j]) !=
		    !isdigit((unsigned char)text[j - 1])) {
			first = first ? first : j;
			last = j;
		}
	return !strcmp(f, "gb-prefix") ? last : first;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The median of the @n steps of @v other than the one before @split. */
static int median_but(const int *v, int n, int split)
{
	int o[ANPR_READER_MAX_CHARS] = { 0 }, k = 0;

	for (int j = 1; j < n; j++)
		if (j != split)
			o[k++] = v[j];
	qsort(o, (size_t)k, sizeof(int), cmp_int);
	return o[(k - 1) / 2];
}

int rd_plate_layout(const int *x0, const int *x1, int n, float h, int rows,
		    const char *text, const char *format)
{
	int split = text ? group_split(text, format) : 0;
	int gap[ANPR_READER_MAX_CHARS] = { 0 }, step[ANPR_READER_MAX_CHARS] = { 0 };
	float need = RD_LAYOUT_MIN_EXTRA * h;

	if (!split || rows != 1 || !(h >= 1))
		return 1;
	/* Columns of another reading: nothing to say it is a plate's. */
	if (n != (int)strlen(text) || n > ANPR_READER_MAX_CHARS)
		return 0;
	for (int j = 1; j < n; j++) {
		gap[j] = x0[j] - x1[j - 1];
		/* Twice the step between the centres. */
		step[j] = x0[j] + x1[j] - x0[j - 1] - x1[j - 1];
	}
	return (float)(gap[split] - median_but(gap, n, split)) >= need ||
	       (float)(step[split] - median_but(step, n, split)) >= 2 * need;
}
