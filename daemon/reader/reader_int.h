/* SPDX-License-Identifier: MIT */
/*
 * reader_int.h - internals of the plate reader shared by its stages:
 * connected components (ccl.c), grouping into text lines (group.c),
 * character normalisation and the classifier (charnet.c), region syntax
 * (syntax.c) and the per-frame pipeline (reader.c). Pure logic: no I/O, no
 * clock; unit tests call these directly.
 */
#ifndef READER_INT_H
#define READER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "reader/anpr_kern.h"
#include "reader/anpr_reader.h"

/* Classifier input: one character, ink = 1, background = 0. */
#define RD_CH_H		24
#define RD_CH_W		16
#define RD_CLASSES	37	/* 0-9, A-Z, then "not a character" */
#define RD_JUNK		36
#define RD_MAX_LINE	16	/* components in one text line */

/* A grow-only buffer: allocates during warm-up, never after. */
struct rd_buf {
	void *p;
	size_t cap;
};

int rd_reserve(struct rd_buf *b, size_t bytes);
void rd_buf_free(struct rd_buf *b);

/**
 * struct rd_comp - a connected component, in the coordinates of the image
 * it was found in.
 * @x0: left column.  @y0: top row.
 * @x1: right column + 1.  @y1: bottom row + 1.
 * @area: pixel count.
 */
struct rd_comp {
	int x0, y0, x1, y1;
	int area;
};

/* Run-length connected-component labelling (8-connected). */
struct rd_ccl {
	struct rd_buf runs;	/* struct rd_run[] */
	struct rd_buf comps;	/* struct rd_comp[] */
	struct rd_buf rowstart;	/* int[] component slot of each run */
	struct rd_buf bitrow;	/* uint64_t[] one mask row, packed */
	int ncomps;
};

/*
 * rd_ccl_label - label the pixels of @mask (w x h, stride) that have any of
 * @bits set, ignoring horizontal runs longer than @max_run (0: none
 * ignored); keep the components whose height is in [min_h, max_h] and
 * width in [1, max_w]. Returns the count (also in c->ncomps) or -1 (out of
 * memory). Components land in c->comps.p.
 */
int rd_ccl_label(struct rd_ccl *c, const struct anpr_kern_ops *k,
		 const uint8_t *mask, size_t stride, int w, int h, uint8_t bits,
		 int min_h, int max_h, int max_w, int max_run);
void rd_ccl_free(struct rd_ccl *c);
/* rd_ccl_reserve - size the buffers for any mask up to w x h (0 or -1). */
int rd_ccl_reserve(struct rd_ccl *c, int w, int h);

/* A rectangle of frame pixels: [x0, x1) x [y0, y1). */
struct rd_rect {
	int x0, y0, x1, y1;
};

/* Buffers of the activity pre-pass (activity.c). */
struct rd_activity {
	struct rd_buf grad;
	struct rd_buf energy;
	struct rd_buf grid;
	struct rd_ccl ccl;
};

/*
 * rd_activity_regions - the rectangles of the frame worth reading, found
 * on its half-scale image (hw x hh). Rectangles are in frame pixels, their
 * origin aligned to @align; x1/y1 may exceed the frame (clip them). Returns
 * how many (0: nothing to read), or -1: read the whole frame.
 */
int rd_activity_regions(struct rd_activity *a, const struct anpr_kern_ops *k,
			const uint8_t *half, size_t stride, int hw, int hh,
			int align, struct rd_rect *out, int max);
void rd_activity_free(struct rd_activity *a);

/* rd_char_like - 1 if a component is shaped like a plate character. */
int rd_char_like(const struct rd_comp *c, int min_h, int max_h);

/**
 * struct rd_line - components that read as one line of text.
 * @n: how many.
 * @c: the components in reading order: left to right (on a two-row
 *	plate, the top row's, then the bottom row's).
 * @height: their median height.
 * @slope: dy/dx of the line (of each row) through their centres.
 * @rows: 1, or 2 for a two-row (motorcycle, square) plate.
 */
struct rd_line {
	int n;
	struct rd_comp c[RD_MAX_LINE];
	float height;
	float slope;
	int rows;
};

/*
 * rd_group_lines - chain character-like components into text lines of at
 * least @min_n members. @comps is sorted in place. Writes at most @max
 * lines; returns how many.
 */
int rd_group_lines(struct rd_comp *comps, int n, int min_n,
		   struct rd_line *lines, int max);

/*
 * rd_line_fit - set a one-row line's height (median), slope and rows (1)
 * from its components.
 */
void rd_line_fit(struct rd_line *l);

/*
 * rd_stack_lines - the two-row plates among @lines: a row of 2..5
 * characters with a row of 2..5 below it (5..8 in all), heights within
 * 1.25 of each other, the lower row's centre 0.9..1.7 heights below the
 * upper's, their spans overlapping by half the shorter one, slopes alike.
 * Each is written as one line of @rows 2, the top row first. Returns how
 * many (at most @max).
 */
int rd_stack_lines(const struct rd_line *lines, int n, struct rd_line *out,
		   int max);

/*
 * rd_resegment - label @l again within its own band of @mask (the mask it
 * was found in, w x h, polarity @bits): characters freed from what touched
 * them above or below, pieces much wider than the line's characters split
 * at their emptiest columns, pieces next to its ends chained on (segment.c).
 * With @gaps, @l is of the other polarity than @bits: the gaps between the
 * characters sought (their width is then taken from the band's pieces).
 * Returns 1 with the new line in @out, 0 if nothing changed (or the line
 * is too short or uneven), -1 out of memory. Uses @ccl's buffers and
 * @scratch (a copy of the band; reserve rd_band_bytes(w, h) for no
 * allocation).
 */
size_t rd_band_bytes(int w, int h);
int rd_resegment(struct rd_ccl *ccl, struct rd_buf *scratch,
		 const struct anpr_kern_ops *k, const uint8_t *mask,
		 size_t stride, int w, int h, uint8_t bits, int gaps,
		 const struct rd_line *l, struct rd_line *out);

/*
 * rd_norm_char - the classifier's input for the component @c of a grey
 * image: a RD_CH_H x RD_CH_W float patch, ink 1, background 0, the
 * character scaled to the patch height and centred. @dark: the characters
 * are darker than the plate.
 */
void rd_norm_char(const uint8_t *img, size_t stride, int w, int h,
		  const struct rd_comp *c, int dark, float *out);

/*
 * rd_single_char_box - the character of a single-character crop: the
 * largest component of the mid-level threshold. @want_dark 1 (0) when the
 * crop's character is known to be darker (lighter) than its ground, -1 to
 * take the polarity from the border, which a tight crop of a glyph that
 * touches three sides (U, L, J) gets wrong. The polarity used lands in
 * @dark. Returns 0, or -1 if the crop is flat or empty (or out of memory).
 */
int rd_single_char_box(const struct anpr_kern_ops *k, struct rd_ccl *ccl,
		       struct rd_buf *mask,
		       const uint8_t *img, size_t stride, int w, int h,
		       int want_dark, struct rd_comp *box, int *dark);

/* The character classifier (weights format: docs/reader.md). */
struct rd_net;

/*
 * rd_net_parse - weights from memory; NULL with @err naming @name and the
 * reason if the data is malformed.
 */
struct rd_net *rd_net_parse(const void *data, size_t len, const char *name,
			    char *err, size_t errlen);
/* rd_le32 - the little-endian u32 at @p (weights files). */
uint32_t rd_le32(const unsigned char *p);
/*
 * rd_weights_floats - @n little-endian f32 weights from @p into @out; -1
 * with @err naming @name and the weight if one is not finite or larger
 * than 1e6 in size.
 */
int rd_weights_floats(const unsigned char *p, size_t n, float *out,
		      const char *name, char *err, size_t errlen);
/*
 * rd_weights_read - a weights file's bytes (malloc'd, *len of them; at
 * most RD_WEIGHTS_MAX), or NULL with @err naming the file and the reason.
 * Read by read_file_limited (libanprcommon): anything but a regular file
 * (a FIFO, a device) is refused at once, never waited on, and so is a
 * file that changes size while it is read.
 */
#define RD_WEIGHTS_MAX ((size_t)16 * 1024 * 1024)
unsigned char *rd_weights_read(const char *path, size_t *len, char *err,
			       size_t errlen);
/* rd_net_load - weights from a file; errors name the file and the reason. */
struct rd_net *rd_net_load(const char *path, char *err, size_t errlen);
void rd_net_free(struct rd_net *net);

/* rd_net_classes - the class characters, RD_CLASSES of them ('?': junk). */
const char *rd_net_classes(const struct rd_net *net);

/*
 * rd_net_run - class probabilities (softmax, RD_CLASSES) of one patch.
 * Uses only the net's own scratch: one net per thread.
 */
void rd_net_run(struct rd_net *net, const struct anpr_kern_ops *k,
		const float *patch, float *prob);

/* The weights built into the library (weights_blob.c). */
extern const unsigned char anpr_reader_weights[];
extern const unsigned char anpr_reader_weights_end[];
extern const uint64_t anpr_reader_weights_len;
extern const unsigned char anpr_reader_line_weights[];
extern const uint64_t anpr_reader_line_weights_len;

/**
 * rd_syntax_match - the name of @region's format that @text (capitals and
 * digits, no spaces) is a valid mark of, exactly as written (no look-alike
 * correction), or NULL. Free formats count only where they report @region
 * (so gb-free, a foreign plate, is not a UK mark; eu, us free formats are).
 */
const char *rd_syntax_match(enum anpr_region region, const char *text);

/* The prior of gb-free, a UK frame's reading of no UK format (syntax.c):
 * far below every UK format's, so that a UK-shaped line reads as UK. */
#define RD_GB_FREE_PRIOR	-4.0f

/*
 * rd_foreign_format (foreign.c) - the name of the mark @text (capitals and
 * digits, no spaces) is shaped as among those a UK frame may show that are
 * no DVLA format: "fr" (and Italian), "de", "nl", "ie", "es", "be", "ch", "pl",
 * "gb-test" (current-shaped with letters never issued: ZZ99TST), "gb-q";
 * or NULL.
 */
const char *rd_foreign_format(const char *text);
/*
 * enum rd_family - a reading's format family, which its confidence is
 * calibrated per (rank.c): RD_FAMILY_OWN, a format of the region setting
 * (every reading outside region gb's gb-free); RD_FAMILY_KNOWN, gb-free
 * text that rd_foreign_format names; RD_FAMILY_FREE, other gb-free text.
 */
enum rd_family {
	RD_FAMILY_OWN,
	RD_FAMILY_KNOWN,
	RD_FAMILY_FREE,
	RD_FAMILY_COUNT
};
enum rd_family rd_format_family(const char *text, const char *format);

/**
 * struct rd_decoded - the text a line of classified characters reads as.
 * @text: the characters.
 * @conf: per character confidence.
 * @n: characters kept (components not matched by the format are dropped).
 * @score: for ranking: mean log-probability of the characters read (each
 *	at least log 0.05), plus the format's prior.
 * @confidence: overall confidence 0..1.
 * @region: the region of the format matched.
 * @format: the format's name.
 */
struct rd_decoded {
	char text[ANPR_READER_MAX_CHARS + 1];
	float conf[ANPR_READER_MAX_CHARS];
	int pick[ANPR_READER_MAX_CHARS];	/* the component of each */
	int n;
	float score;
	float confidence;
	enum anpr_region region;
	const char *format;
};

/*
 * rd_line_prior - weigh the classifier's "not a character" down (x 0.1,
 * then renormalised) for each component of @l shaped like the line's
 * characters: its height within 15 % of the line's, its width at least
 * 0.40 of it, and whose best character has at least 0.2. A narrow piece
 * (a '1', an 'I', or the plate's edge) keeps the classifier's word; so
 * does anything of another height, and anything it cannot name.
 */
void rd_line_prior(const struct rd_line *l, float (*prob)[RD_CLASSES]);

/*
 * rd_bar_prior - a component @w wide and @h high whose ink is narrower
 * than a quarter of its height is a bar: in plate fonts only '1' and 'I'
 * are (the UK font draws every other character 50 mm wide and 79 mm high),
 * so every other character's probability in @prob is weighed down (x 0.01,
 * then renormalised); "not a character" keeps its own. The reader applies
 * it to each component of a line when it reads UK plates (region gb).
 */
void rd_bar_prior(float w, float h, float *prob);

/*
 * rd_syntax_decode - the best reading of @n components with class
 * probabilities @prob[i][RD_CLASSES] under the formats of @region. Returns
 * 0, or -1 if no format fits (out->n == 0).
 */
int rd_syntax_decode_in(const float (*prob)[RD_CLASSES], int n,
			enum anpr_region region, int free_only,
			struct rd_decoded *out);
static inline int rd_syntax_decode(const float (*prob)[RD_CLASSES], int n,
				   enum anpr_region region,
				   struct rd_decoded *out)
{
	return rd_syntax_decode_in(prob, n, region, 0, out);
}

/*
 * rd_syntax_decode_free - the same under the region's free formats only
 * (gb-free: a foreign plate in a UK frame); -1 if the region has none.
 */
static inline int rd_syntax_decode_free(const float (*prob)[RD_CLASSES],
					int n, enum anpr_region region,
					struct rd_decoded *out)
{
	return rd_syntax_decode_in(prob, n, region, 1, out);
}

/*
 * rd_syntax_decode_ctc - the best reading of the line recognizer's output
 * @logp (RD_LN_T steps, rd_linenet_run) under the formats of @region: the
 * best CTC path (best character per position, no repeat without a blank
 * between) of the format whose path and prior score highest. @out->score
 * is that path's log-probability plus the prior; each character's
 * confidence is its best step's probability. Returns 0, or -1 if no
 * format fits.
 */
int rd_syntax_decode_ctc(const float (*logp)[RD_CLASSES], enum anpr_region region,
			 struct rd_decoded *out);
/*
 * rd_ctc_text_score - the log-probability of the best CTC path of @logp
 * that reads exactly @text (-INFINITY if none can: empty, too long, or a
 * character outside 0-9 A-Z).
 */
float rd_ctc_text_score(const float (*logp)[RD_CLASSES], const char *text);

/**
 * struct rd_cand - a reading that may be a plate, and its rank (rank.c).
 * @p: the reading.
 * @rank: higher is more plate-like.
 * @score: the decoded score @rank was built on (struct rd_decoded).
 */
struct rd_cand {
	struct anpr_plate p;
	float rank;
	float score;
	int not_plate;	/* failed the plate evidence (plate.c) */
	/* The columns of the @nx characters the character reader read
	 * (level px; @h their height): the layout of a text the line
	 * recognizer reads instead is judged on them (rd_plate_layout). */
	int x0[ANPR_READER_MAX_CHARS], x1[ANPR_READER_MAX_CHARS], nx;
	float h;
	int ncomp;	/* the components of the line read */
	/* Read as a foreign plate where the UK reading's layout failed:
	 * ranked among overlapping readings as the UK reading, then this is
	 * added (its own score less the UK reading's), unless the line
	 * recognizer reads it again (which ranks it on its reading). */
	float free_adjust;
};

/*
 * Plate evidence (plate.c; issue 21, item 2).
 *
 * struct rd_plate_ev - what line @l (in @img's coordinates; @dark: its
 * characters are the dark side) shows of a plate under IR, from
 * rd_plate_measure:
 * @contrast: how much brighter its ground is than the surround beyond a
 *	plate's margins (0.4..0.75 h above and below), in units of the
 *	characters' contrast: about 1 or more for a retroreflective plate, 0
 *	for paint on a vehicle's body, below 0 for text on a dark ground;
 *	RD_PLATE_UNKNOWN where too little surround is in view.
 * @margin: the same just beyond a UK plate's margin (0.28..0.45 h), where
 *	a sign's board goes on, not a plate's ground.
 * @share: the share of the band on the ground's side (a plate's band is
 *	mostly ground; the gaps between light lettering, read as dark
 *	characters, are not).
 * @rim: the rows just beyond each character's own top and foot (0.08..0.18
 *	of its height, within a plate's 0.2 h margin) on the scale of ink 0,
 *	ground 1: a plate's ground goes on round its characters; beyond the
 *	gaps between light lettering, cut within the lettering's band as
 *	dark characters, is the body, at the ink's level.
 * @gap_ink: the share of the columns between neighbouring characters
 *	(over the rows both hold) on the ink's side: a plate's gaps are its
 *	ground; between the counters of light lettering (an O's hole, an S's
 *	bays, read as dark characters) lies the lettering's dark surround.
 *	-1 where no two characters stand apart (or on two rows).
 */
#define RD_PLATE_UNKNOWN	99.0f
struct rd_plate_ev {
	float contrast;
	float margin;
	float share;
	float rim;
	float gap_ink;
};
void rd_plate_measure(const uint8_t *img, size_t stride, int w, int h,
		      const struct rd_line *l, int dark, struct rd_plate_ev *ev);
/* rd_plate_contrast, rd_plate_margin - the one measure alone. */
float rd_plate_contrast(const uint8_t *img, size_t stride, int w, int h,
			const struct rd_line *l, int dark);
float rd_plate_margin(const uint8_t *img, size_t stride, int w, int h,
		      const struct rd_line *l, int dark);
/*
 * rd_text_plate_like - 0 if @text, decoded with @format reporting
 * @region, cannot be a plate: a UK frame's foreign reading (gb-free) of
 * letters alone or digits alone (look-alikes counting as neither). 1
 * otherwise.
 */
int rd_text_plate_like(const char *text, enum anpr_region region,
		       const char *format);
/*
 * rd_plate_like - 1 if a reading of a UK (IR) frame has the evidence of a
 * plate: dark characters (@dark), @ev's contrast at least
 * RD_PLATE_MIN_CONTRAST, margin at least RD_PLATE_MIN_MARGIN, ground share
 * at least RD_PLATE_MIN_SHARE, rim at least RD_PLATE_MIN_RIM, gap ink at
 * most RD_PLATE_MAX_GAP_INK, and a text that can be a plate
 * (rd_text_plate_like). Thresholds chosen on renders of seeds no bench
 * uses (docs/reader.md).
 */
#define RD_PLATE_MIN_CONTRAST	0.3f
#define RD_PLATE_MIN_MARGIN	0.2f
#define RD_PLATE_MIN_SHARE	0.4f
#define RD_PLATE_MIN_RIM	0.45f
#define RD_PLATE_MAX_GAP_INK	0.5f
int rd_plate_like(const struct rd_plate_ev *ev, int dark, const char *text,
		  enum anpr_region region, const char *format);

/*
 * rd_plate_layout - 1 if the characters of a UK reading stand as a UK
 * plate's do: one row of characters 11 mm apart, split into two groups
 * 33 mm apart (0.14 and 0.42 of the 79 mm height) where the format puts
 * the space (current AB12 CDE; prefix A123 BCD; suffix ABC 123D;
 * dateless and Northern Irish ABC 123, 123 ABC). At the space, the gap
 * between the characters (or the step between their centres) must
 * exceed the median of the others by RD_LAYOUT_MIN_EXTRA of their height
 * (0.28 on a plate; the gap is the measure beside a thin 1, the step
 * where a screw cap joined to a character narrows the gap): a word or a
 * sign's number, evenly spaced, has no such gap, or has it elsewhere.
 * @x0, @x1: the columns of each of the @n characters of @text (format
 * @format), @h their height. Other regions' formats, foreign plates
 * (gb-free) and two-row plates (@rows 2) pass (1); a UK text of
 * another length than @n does not (0).
 */
#define RD_LAYOUT_MIN_EXTRA	0.08f
int rd_plate_layout(const int *x0, const int *x1, int n, float h, int rows,
		    const char *text, const char *format);

/*
 * rd_rank_reading - a reading's rank from its decoded @score, character
 * height (frame px), polarity and whether it is at the frame's edge,
 * before the frame's other readings count.
 */
float rd_rank_reading(float score, float char_height, int dark_on_light,
		      int at_edge);
/* The margins of a plate's quadrilateral around its characters, x their
 * height: beside them and above and below them (rd_line_geometry()). */
#define RD_QUAD_MARGIN_X	0.35f
#define RD_QUAD_MARGIN_Y	0.3f

/*
 * rd_line_geometry - a plate's @quad, @box and @char_height, in frame
 * pixels, from line @l found on the pyramid level of scale @s.
 */
void rd_line_geometry(const struct rd_line *l, int s, struct anpr_plate *p);

/* The patch of a whole line: rd_quad_band(). */
#define RD_BAND_H	32
#define RD_BAND_W	128

/*
 * rd_quad_band - the parallelogram @quad (TL, TR, BR, BL, frame pixels,
 * as rd_line_geometry() writes it) of the grey frame sampled bilinearly
 * into RD_BAND_H x RD_BAND_W floats (@out, row-major), contrast
 * stretched between its darkest and lightest samples: ink (dark or light
 * as @dark says) 1, ground 0. Outside the frame the edge pixels repeat.
 */
void rd_quad_band(const uint8_t *img, size_t stride, int w, int h,
		  const float *quad, int dark, float *out);

/*
 * The line recognizer (linenet.c): reads a line's band at once, with no
 * segmentation; its output is RD_LN_T steps (columns of the band), each a
 * log-distribution over the RD_LN_CHARS characters and the CTC blank
 * (class RD_JUNK). Weights format: docs/reader.md.
 */
#define RD_LN_T		32
#define RD_LN_CHARS	36
struct rd_linenet;

/* rd_linenet_parse / _load - as rd_net_parse / rd_net_load. */
struct rd_linenet *rd_linenet_parse(const void *data, size_t len,
				    const char *name, char *err, size_t errlen);
struct rd_linenet *rd_linenet_load(const char *path, char *err, size_t errlen);
void rd_linenet_free(struct rd_linenet *net);
/*
 * rd_linenet_run - the log-probabilities @logp of each step for @band
 * (RD_BAND_H x RD_BAND_W ink, rd_quad_band). Uses only the net's own
 * scratch: one net per thread.
 */
void rd_linenet_run(struct rd_linenet *net, const struct anpr_kern_ops *k,
		    const float *band, float (*logp)[RD_CLASSES]);

/*
 * rd_at_edge - 1 if a reading's characters (its @quad, as line geometry
 * writes it) come within a quarter of their height of the edge of the
 * width x height frame.
 */
int rd_at_edge(const float *quad, float char_height, int width, int height);
/* rd_same_reading - the same text at nearly the same place. */
int rd_same_reading(const struct anpr_plate *p, const struct anpr_plate *q);
/*
 * rd_part_of - @q is a part of @p: 4 or more characters, fewer than @p's,
 * found in order in @p's text, its box mostly inside @p's, and @p's other
 * characters read with confidence 0.5 or more.
 */
int rd_part_of(const struct anpr_plate *q, const struct anpr_plate *p);
/*
 * rd_rank_agree - add to each rank the support of the others: a little per
 * reading of the same text at the same place (up to 4), and a little for
 * containing a part read by another threshold or level.
 */
void rd_rank_agree(struct rd_cand *c, int n);
/*
 * rd_rank_select - sort @c best first and move to its front at most @max
 * readings, dropping any that overlaps a better one (IoU > 0.2). Returns
 * how many.
 */
int rd_rank_select(struct rd_cand *c, int n, int max);
/*
 * rd_rank_confidence - the calibrated confidence of a reading of @rank
 * and format @family read in @region's setting (the probability it is
 * right; rank.c).
 */
float rd_rank_confidence(float rank, enum anpr_region region,
			 enum rd_family family);
/*
 * rd_rank_finish - the readings @p[0..n) as reported, in rank order, their
 * @rank set: each one's @family set (rd_format_family) and confidence
 * calibrated from its rank and family, at most
 * @not_plate_conf where it has no plate evidence (@not_plate), those below
 * @min_confidence dropped, the rest sorted by confidence (stable), in
 * place. Returns how many are kept.
 */
int rd_rank_finish(struct anpr_plate *p, int n, enum anpr_region region,
		   float not_plate_conf, float min_confidence);
/* rd_rank_resort - sort @c best first again (stable), after re-ranking. */
void rd_rank_resort(struct rd_cand *c, int n);
/*
 * rd_line_doubted - 1 if the line recognizer should read @p again: a
 * one-row reading whose confidence is below 0.9 (rank.c says why).
 */
int rd_line_doubted(const struct anpr_plate *p);
/*
 * rd_line_overrule - the line recognizer's output @logp for @c's band,
 * read under @region's formats (rd_syntax_decode_ctc), replaces @c's
 * text, character confidences, format and region where it differs and
 * its best path is more than e^2 times likelier than the best path for
 * @c's text and its confidence is at least @min_confidence (the reader's
 * floor); the confidence becomes the lower of the two readers',
 * line_read 1, and @c's rank counts the new reading's score instead of
 * the old one's (in region gb, where the new reading has more characters
 * than the line had components, @c->ncomp, only if that is lower). In
 * region gb a reading that is @c's text with one 1 or I left out does not
 * overrule it. Returns 1 if it did, else 0 (@c untouched).
 */
int rd_line_overrule(struct rd_cand *c, const float (*logp)[RD_CLASSES],
		     enum anpr_region region, float min_confidence);
/*
 * rd_ground_like - 1 if component @c may be a plate's ground holed by
 * characters that are all joined to something (ground.c): wider than
 * @max_w and than 1.5 x its height, at most 3 x @max_h tall.
 */
int rd_ground_like(const struct rd_comp *c, int max_h, int max_w);
/*
 * rd_ground_pieces - cut ground @g (in @mask, @bits) into the pieces
 * between its characters: each stretch of its rows that are neither
 * margin (0.6 or more of the width set) nor empty, @min_h..@max_h tall and
 * crossed 4 times or more by its middle row, is labelled again on its
 * own; if it gives 4 or more character-like pieces, they are appended to
 * @out (*@nout of @max_out; boxes already there are not added again).
 * Overwrites @ccl's components. Returns 0 or -1 (out of memory).
 */
int rd_ground_pieces(struct rd_ccl *ccl, const struct anpr_kern_ops *k,
		     const uint8_t *mask, size_t stride, uint8_t bits,
		     const struct rd_comp *g, int min_h, int max_h,
		     struct rd_comp *out, int *nout, int max_out);
/* rd_box_iou - intersection over union of two x, y, w, h boxes. */
float rd_box_iou(const int *a, const int *b);

/* rd_class_char / rd_char_class - class index <-> character (-1 if none). */
char rd_class_char(int cls);
int rd_char_class(char ch);

/*
 * Plates found but not read (unread.c; issue 23, item 4).
 *
 * struct rd_unread - a frame's light grounds with a plate's evidence
 * (@grounds, frame pixels) and its lines of characters that read as
 * nothing (@lines, with why: ANPR_UNREAD_NOT_READ or _NO_FORMAT).
 */
#define RD_UNREAD_MAX	32
struct rd_unread_box {
	int box[4];
	float evidence;
	int why;		/* lines: enum anpr_unread_why */
	int marks;		/* grounds: RD_MARKS_* */
};
/* rd_unread_marks - what is on ground @c: nothing but at most one bar
 * across its middle (RD_MARKS_NONE: blank, or blacked out), marks cut by
 * its upper or lower edge (RD_MARKS_CUT: characters partly covered), or
 * marks with margins round them (RD_MARKS_LETTERING). */
#define RD_MARKS_NONE		0
#define RD_MARKS_CUT		1
#define RD_MARKS_LETTERING	2
int rd_unread_marks(const uint8_t *img, size_t stride, const struct rd_comp *c);
struct rd_unread {
	struct rd_unread_box grounds[RD_UNREAD_MAX];
	int ngrounds;
	struct rd_unread_box lines[RD_UNREAD_MAX];
	int nlines;
};
void rd_unread_reset(struct rd_unread *u);
/* rd_unread_evidence - 0, or how much brighter light component @c (of
 * @img, @w x @h) is than the rows above and below it, as a share of its
 * own grey level, if it has a plate's shape (aspect, fill, top margin). */
float rd_unread_evidence(const uint8_t *img, size_t stride, int w, int h,
			 const struct rd_comp *c);
/* rd_unread_scan - find the light grounds of a plate's shape on a level
 * of scale @s (@img, @w x @h, its region at @ox, @oy; @ii its integral
 * image, @is that one's stride; @mask scratch of @w x @h) for characters
 * @min_h..@max_h high, and keep those with the evidence
 * (rd_unread_ground). 0, or -1 (out of memory). */
int rd_unread_scan(struct rd_unread *u, struct rd_ccl *ccl,
		   const struct anpr_kern_ops *k, const uint8_t *img,
		   size_t stride, int w, int h, const uint32_t *ii, size_t is,
		   uint8_t *mask, int min_h, int max_h, int s, int ox, int oy);
/* rd_unread_ground - keep ground @c of a level of scale @s (its region at
 * @ox, @oy) if it has the evidence; the same plate is kept once. */
void rd_unread_ground(struct rd_unread *u, const uint8_t *img, size_t stride,
		      int w, int h, const struct rd_comp *c, int s, int ox,
		      int oy);
/* rd_unread_line - keep line @l (level coordinates, scale @s), read as
 * nothing for @why. */
void rd_unread_line(struct rd_unread *u, const struct rd_line *l, int s,
		    int why);
/* rd_box_overlap - intersection of x, y, w, h boxes over the smaller's. */
float rd_box_overlap(const int *a, const int *b);
/* rd_unread_finish - the grounds no reading (@read) covers and no reading
 * without a plate's evidence (@cands' not_plate) lies on, strongest
 * first, with why, into @out (at most @max); returns how many. */
int rd_unread_finish(const struct rd_unread *u, const struct anpr_plate *read,
		     int nread, const struct rd_cand *cands, int ncands,
		     struct anpr_unread *out, int max);

#endif /* READER_INT_H */
