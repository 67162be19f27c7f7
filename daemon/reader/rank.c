// SPDX-License-Identifier: MIT
/*
 * rank.c - which readings of a frame are plates, best first.
 *
 * Each line read gives a candidate whose rank starts from its decoded
 * score (syntax.c: mean log-probability per component plus the format's
 * prior), adjusted by what a plate looks like (rd_rank_reading); then the
 * candidates of the frame support each other (rd_rank_agree): a plate is
 * found alike by several thresholds and levels, a chance arrangement of
 * clutter rarely is; finally overlapping readings keep the best
 * (rd_rank_select). Pure logic: tests call it on made-up candidates.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

#define SIZE_BONUS	0.2f	/* per doubling of character height over 16 px */
#define LIGHT_COST	0.5f	/* light characters on a dark ground */
#define EDGE_COST	0.5f	/* characters at the frame's edge */
#define EDGE_REACH	0.25f	/* ... within this x their height of it */
#define VOTE_BONUS	0.1f	/* per agreeing reading ... */
#define MAX_VOTES	4	/* ... up to this many */
#define PART_BONUS	0.15f	/* for explaining a shorter reading */
#define SAME_IOU	0.3f	/* the same place, for agreeing readings */
#define PART_COVER	0.7f	/* a part: this much of its box inside */
#define PART_MIN_CONF	0.5f	/* ... and the rest read at least this surely */
#define DUP_IOU		0.2f	/* overlapping readings: keep the best */

float rd_box_iou(const int *a, const int *b)
{
	int x0 = a[0] > b[0] ? a[0] : b[0], y0 = a[1] > b[1] ? a[1] : b[1];
	int x1 = a[0] + a[2] < b[0] + b[2] ? a[0] + a[2] : b[0] + b[2];
	int y1 = a[1] + a[3] < b[1] + b[3] ? a[1] + a[3] : b[1] + b[3];
	float in, un;

	if (x1 <= x0 || y1 <= y0)
		return 0;
	in = (float)(x1 - x0) * (float)(y1 - y0);
	un = (float)a[2] * (float)a[3] + (float)b[2] * (float)b[3] - in;
	return un > 0 ? in / un : 0;
}

/* How much of box @b lies inside box @a. */
static float covered(const int *a, const int *b)
{
	int x0 = a[0] > b[0] ? a[0] : b[0], y0 = a[1] > b[1] ? a[1] : b[1];
	int x1 = a[0] + a[2] < b[0] + b[2] ? a[0] + a[2] : b[0] + b[2];
	int y1 = a[1] + a[3] < b[1] + b[3] ? a[1] + a[3] : b[1] + b[3];

	if (x1 <= x0 || y1 <= y0 || b[2] <= 0 || b[3] <= 0)
		return 0;
	return (float)(x1 - x0) * (float)(y1 - y0) / ((float)b[2] * (float)b[3]);
}

int rd_at_edge(const float *quad, float char_height, int width, int height)
{
	float mx = (RD_QUAD_MARGIN_X - EDGE_REACH) * char_height;
	float my = (RD_QUAD_MARGIN_Y - EDGE_REACH) * char_height;

	for (int i = 0; i < 4; i++)
		if (quad[2 * i] < mx || quad[2 * i] > (float)width - mx ||
		    quad[2 * i + 1] < my || quad[2 * i + 1] > (float)height - my)
			return 1;
	return 0;
}

float rd_rank_reading(float score, float char_height, int dark_on_light,
		      int at_edge)
{
	/* Plates are usually the largest text around them (overlays, dealer
	 * frames and stickers are smaller): a little for size. */
	float rank = score + SIZE_BONUS * log2f(fmaxf(char_height, 8.0f) / 16.0f);

	/* Most plates carry dark characters on a light ground; light text on
	 * a dark ground is more often a timestamp overlay or a sign. */
	if (!dark_on_light)
		rank -= LIGHT_COST;
	/* Text against the frame's edge is most often the camera's own
	 * overlay (time, place); a plate there is cut off anyway. */
	return at_edge ? rank - EDGE_COST : rank;
}

int rd_same_reading(const struct anpr_plate *p, const struct anpr_plate *q)
{
	return !strcmp(p->text, q->text) && rd_box_iou(p->box, q->box) > SAME_IOU;
}

int rd_part_of(const struct anpr_plate *q, const struct anpr_plate *p)
{
	const char *at;
	int from;

	if (q->nchars < 4 || q->nchars >= p->nchars ||
	    covered(p->box, q->box) <= PART_COVER)
		return 0;
	at = strstr(p->text, q->text);
	if (!at)
		return 0;
	/* What @p reads beyond @q must be read surely: a doubtful piece of
	 * a bolt or an emblem at the end is not the plate's lost character. */
	from = (int)(at - p->text);
	for (int i = 0; i < p->nchars; i++)
		if ((i < from || i >= from + q->nchars) && p->char_conf[i] < PART_MIN_CONF)
			return 0;
	return 1;
}

void rd_rank_agree(struct rd_cand *c, int n)
{
	for (int i = 0; i < n; i++) {
		int votes = 0, parts = 0;

		for (int j = 0; j < n; j++) {
			if (j == i)
				continue;
			votes += rd_same_reading(&c[i].p, &c[j].p);
			parts |= rd_part_of(&c[j].p, &c[i].p);
		}
		c[i].rank += VOTE_BONUS * (float)(votes < MAX_VOTES ? votes : MAX_VOTES) +
			     PART_BONUS * (float)parts;
	}
}

static int by_rank(const void *a, const void *b)
{
	const struct rd_cand *p = a, *q = b;

	return (q->rank > p->rank) - (q->rank < p->rank);
}

int rd_rank_select(struct rd_cand *c, int n, int max)
{
	int nout = 0;

	qsort(c, (size_t)n, sizeof(*c), by_rank);
	for (int i = 0; i < n && nout < max; i++) {
		int dup = 0;

		for (int j = 0; j < nout && !dup; j++)
			dup = rd_box_iou(c[i].p.box, c[j].p.box) > DUP_IOU;
		if (!dup) {
			struct rd_cand t = c[i];

			c[i] = c[nout];
			c[nout++] = t;
		}
	}
	return nout;
}

void rd_rank_resort(struct rd_cand *c, int n)
{
	/* Insertion sort: stable, and the list is short and nearly sorted. */
	for (int i = 1; i < n; i++) {
		struct rd_cand t = c[i];
		int j = i;

		for (; j > 0 && c[j - 1].rank < t.rank; j--)
			c[j] = c[j - 1];
		c[j] = t;
	}
}

/*
 * The line recognizer's second opinion (docs/reader.md). Only a one-row
 * reading the character reader doubts is read again: on the dev photos no
 * reading at LINE_DOUBT or above was overruled for the better, and a
 * reading read again costs about 0.85 ms, a third of an eu photo's time.
 * Where the line recognizer's own reading is more than e^LINE_OVERRULE
 * times likelier, to it, than the character reader's text, its reading
 * stands: it sees the line whole, so it is not misled by characters cut
 * wrongly (joined to each other or to the frame, split, lost), which is
 * where the character reader fails. On unseen photos margins of 1 to 3
 * read alike.
 */
#define LINE_DOUBT	0.9f
#define LINE_OVERRULE	2.0f

int rd_line_doubted(const struct anpr_plate *p)
{
	return p->rows == 1 && p->confidence < LINE_DOUBT;
}

/* Is @line @chars with one bar (a 1 or an I) left out? */
static int drops_bar(const char *chars, const char *line)
{
	size_t n = strlen(chars);

	if (n != strlen(line) + 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((chars[i] == '1' || chars[i] == 'I') &&
		    !strncmp(chars, line, i) && !strcmp(chars + i + 1, line + i))
			return 1;
	return 0;
}

int rd_line_overrule(struct rd_cand *c, const float (*logp)[RD_CLASSES],
		     enum anpr_region region, float min_confidence)
{
	struct anpr_plate *p = &c->p;
	struct rd_decoded d;

	/* A reading it is less sure of than a plate must be does not stand
	 * (the plate would fall below the reader's floor). */
	if (rd_syntax_decode_ctc(logp, region, &d) || !strcmp(d.text, p->text) ||
	    d.confidence < min_confidence ||
	    rd_ctc_text_score(logp, d.text) - rd_ctc_text_score(logp, p->text) <=
	    LINE_OVERRULE)
		return 0;
	/* A bar the character reader read in a UK mark (a 1, an I, its
	 * own component: a thin stroke) is not left out: the line
	 * recognizer, seeing the line whole, smears a thin bar into its
	 * neighbours (VUI9995 read again as VU9995, AIW3471 as AW3471). */
	if (region == ANPR_REGION_GB && drops_bar(p->text, d.text))
		return 0;
	memcpy(p->text, d.text, sizeof(d.text));
	memcpy(p->char_conf, d.conf, sizeof(d.conf));
	p->nchars = d.n;
	/* As sure as the less sure of the two: the line recognizer's own
	 * confidence runs higher than the classifier's, and taken alone it
	 * lifted camera timestamps and stickers over anprd's floor. */
	p->confidence = fminf(p->confidence, d.confidence);
	p->region = d.region;
	p->format = d.format;
	p->line_read = 1;
	/* Ranked on what it now reads: the character reader's score was for
	 * a text the line recognizer found wrong (a plate whose characters
	 * were cut wrongly ranked below a camera's timestamp). But in a UK
	 * frame a reading of more characters than the line has components
	 * names characters where the character reader found no ink of
	 * their own (CAFE on a board, 4 components, read again as C8AFE):
	 * it may fall on what it reads, never rise. A character lost to a
	 * component joined to its neighbour or to the border is still
	 * read, at the rank the character reader gave the line. */
	if (region == ANPR_REGION_GB && c->ncomp > 0 && d.n > c->ncomp &&
	    d.score > c->score)
		d.score = c->score;
	c->rank += d.score - c->score;
	c->score = d.score;
	return 1;
}

/*
 * The confidence reported: the probability that a reading of this rank is
 * right, a logistic function of the rank fitted by training/calibrate.py
 * (one slope; an intercept per region setting, and in region gb one per
 * format family) on readings whose truth is known and which no bench
 * figure is measured on: the dev photos the unseen split trains on (FNV-1a
 * of the plate text % 10 >= 3) and rendered UK frames of seeds the benches
 * do not use, a fifth of whose plates are foreign or test marks
 * (docs/reader.md, "Confidence that means something").
 *
 * A reading of no UK format (gb-free) is calibrated on its rank without
 * gb-free's prior, with an intercept of its own: the prior is what makes a
 * UK-shaped line read as UK, a preference among readings of the same
 * plate, not evidence that a foreign plate is misread. Fitted with the
 * prior in and on UK plates only, the foreign ZZ99TST, AB123CD and WDB4512
 * came out at 0.001 and were never alerted on. Within a family the
 * confidence is monotonic in the rank.
 */
static const float calib_slope = 1.8391f;
static const float calib[ANPR_REGION_COUNT] = {
	/* auto, gb, eu, us, br: confidence = 1 / (1 + exp(-(a rank + b))) */
	0.5081f,	/* auto */
	0.3883f,	/* gb */
	0.9689f,	/* eu */
	1.2897f,	/* us */
	-2.3087f,	/* br */
};
/* gb-free readings, on rank - RD_GB_FREE_PRIOR: of a known mark
 * (rd_foreign_format), of none */
static const float calib_free[2] = { 2.5187f, 0.6023f };

float rd_rank_confidence(float rank, enum anpr_region region,
			 enum rd_family family)
{
	float z;

	if (family == RD_FAMILY_KNOWN || family == RD_FAMILY_FREE)
		z = calib_slope * (rank - RD_GB_FREE_PRIOR) +
		    calib_free[family == RD_FAMILY_FREE];
	else
		z = calib_slope * rank +
		    calib[(unsigned)region < ANPR_REGION_COUNT ? region : 0];
	z = z > 30.0f ? 30.0f : z < -30.0f ? -30.0f : z;
	return 1.0f / (1.0f + expf(-z));
}

static int by_confidence(const struct anpr_plate *p, const struct anpr_plate *q)
{
	return p->confidence < q->confidence;
}

int rd_rank_finish(struct anpr_plate *p, int n, enum anpr_region region,
		   float not_plate_conf, float min_confidence)
{
	int kept = 0;

	for (int i = 0; i < n; i++) {
		struct anpr_plate t = p[i];
		int j;

		t.family = (int)rd_format_family(t.text, t.format);
		t.confidence = rd_rank_confidence(t.rank, region,
						  (enum rd_family)t.family);
		if (t.not_plate && t.confidence > not_plate_conf)
			t.confidence = not_plate_conf;
		if (t.confidence < min_confidence)
			continue;
		/* Insertion, stable: equal confidences keep the rank order. */
		for (j = kept; j > 0 && by_confidence(&p[j - 1], &t); j--)
			p[j] = p[j - 1];
		p[j] = t;
		kept++;
	}
	return kept;
}
