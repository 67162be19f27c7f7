/* SPDX-License-Identifier: MIT */
/*
 * anpr_reader.h - read number plates from one 8-bit grey frame.
 *
 *	struct anpr_reader_config cfg;
 *	anpr_reader_config_default(&cfg);
 *	cfg.region = ANPR_REGION_GB;
 *	struct anpr_reader *r = anpr_reader_create(&cfg, err, sizeof(err));
 *	struct anpr_read out;
 *	anpr_reader_read(r, pixels, width, height, stride, &out);
 *	for (int i = 0; i < out.nplates; i++) puts(out.plates[i].text);
 *	anpr_reader_destroy(r);
 *
 * One reader per thread: a reader is not shared, but readers are
 * independent. anpr_reader_read allocates only when a frame is larger than
 * any before (warm-up); the results live in the reader until the next call.
 */
#ifndef ANPR_READER_H
#define ANPR_READER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ANPR_READER_MAX_PLATES	8	/* plates returned per frame */
#define ANPR_READER_MAX_CHARS	12	/* characters per plate */
#define ANPR_READER_MAX_DIM	16384	/* frame width or height */
#define ANPR_READER_MAX_UNREAD	4	/* unread plates returned per frame */

enum anpr_region {
	ANPR_REGION_AUTO = 0,	/* the best-scoring of the others */
	ANPR_REGION_GB,		/* UK: current, prefix, suffix, dateless, NI */
	ANPR_REGION_EU,		/* European (SK/CZ formats known, others free) */
	ANPR_REGION_US,		/* US: free 4..8 alphanumerics */
	ANPR_REGION_BR,		/* Brazil: LLLDDDD and Mercosul LLLDLDD */
	ANPR_REGION_COUNT,
};

enum anpr_reader_err {
	ANPR_READER_OK = 0,
	ANPR_READER_EINVAL = -1,	/* bad argument or frame */
	ANPR_READER_ENOMEM = -2,
	ANPR_READER_EWEIGHTS = -3,	/* weights file missing or malformed */
};

/**
 * struct anpr_reader_config - how a reader reads.
 * @region: which plate syntax to apply (ANPR_REGION_AUTO tries all).
 * @simd: -1 for the best level of this CPU (or $ANPR_SIMD), else an
 *	enum anpr_simd value (anpr_kern.h) to force one.
 * @weights_path: NULL for the weights built into the library, else a file
 *	in the format of docs/reader.md.
 * @line_weights_path: the same for the line recognizer's weights.
 * @line_reread: how many of a frame's best readings the line recognizer
 *	reads again, and may overrule (docs/reader.md); 0 turns it off.
 *	0..ANPR_READER_MAX_PLATES, default 3.
 * @min_char_px: smallest character height searched, in frame pixels.
 * @max_char_px: largest character height searched, in frame pixels.
 * @min_confidence: plates whose (calibrated) confidence is lower are
 *	dropped; default 0.25 (anprd sets its [reader] min_confidence, 0.5).
 * @clock_ns: monotonic clock for the time spent (NULL: the thread's CPU
 *	clock); tests inject their own.
 */
struct anpr_reader_config {
	enum anpr_region region;
	int simd;
	const char *weights_path;
	const char *line_weights_path;
	int line_reread;
	int min_char_px;
	int max_char_px;
	float min_confidence;
	uint64_t (*clock_ns)(void);
};

/**
 * struct anpr_plate - one plate read in a frame.
 * @text: the characters, NUL-terminated, no spaces.
 * @nchars: strlen(text).
 * @char_conf: per character confidence, 0..1.
 * @confidence: overall confidence, 0..1: the probability that the reading
 *	is right, calibrated from its rank (rank.c; docs/reader.md,
 *	"Confidence that means something"): 0.9 means about 9 in 10 right.
 * @region: the region whose syntax the text matched.
 * @format: name of the matched format ("gb-current", "br-mercosul", ...).
 * @quad: corners in frame pixels, clockwise from top left: x0,y0 .. x3,y3.
 * @box: axis-aligned bounds of @quad: x, y, w, h.
 * @char_height: character height in frame pixels.
 * @dark_on_light: 1 if the characters are darker than the plate.
 * @rows: 1, or 2 for a two-row (square) plate.
 * @line_read: 1 if the text is the line recognizer's, which read the
 *	line whole and overruled the character-by-character reading.
 * @rank: the reader's rank of the reading (rank.c), which @confidence is
 *	calibrated from (diagnostics; its scale is the reader's own).
 * @not_plate: 1 if the reading lacks a plate's evidence (region gb: no
 *	retroreflective ground, light characters, or a foreign text of
 *	letters or digits alone; plate.c): its @confidence is at most 0.4.
 * @family: what @confidence is calibrated per: 0, a format of the region
 *	setting; in region gb, a text of no UK format (gb-free) that is 1,
 *	shaped as a known foreign or UK test mark (AB123CD, WDB4512,
 *	ZZ99TST), or 2, not (docs/reader.md).
 */
struct anpr_plate {
	char text[ANPR_READER_MAX_CHARS + 1];
	int nchars;
	float char_conf[ANPR_READER_MAX_CHARS];
	float confidence;
	enum anpr_region region;
	const char *format;
	float quad[8];
	int box[4];
	float char_height;
	int dark_on_light;
	int rows;
	int line_read;
	float rank;
	int not_plate;
	int family;
};

/**
 * enum anpr_unread_why - why a plate found was not read.
 * @ANPR_UNREAD_NO_CHARS: a plate's ground, no line of characters on it
 *	(blacked out, removed under IR: a "ghost" plate).
 * @ANPR_UNREAD_NOT_READ: characters found, but read below the reader's
 *	floor or its min_confidence (covered in part, dirty, bent).
 * @ANPR_UNREAD_NO_FORMAT: characters read, but the text fits no format
 *	of the region.
 */
enum anpr_unread_why {
	ANPR_UNREAD_NO_CHARS = 1,
	ANPR_UNREAD_NOT_READ = 2,
	ANPR_UNREAD_NO_FORMAT = 3,
};

/**
 * struct anpr_unread - a plate found but not read (region gb only: the
 * evidence is a retroreflective ground under IR; docs/reader.md, "Plates
 * found but not read").
 * @quad: the ground's corners in frame pixels, clockwise from top left.
 * @box: axis-aligned bounds of @quad: x, y, w, h.
 * @evidence: how strongly it is a plate, 0..1: the ground's brightness
 *	over its surround's, as a share of the ground's.
 * @why: enum anpr_unread_why.
 */
struct anpr_unread {
	float quad[8];
	int box[4];
	float evidence;
	int why;
};

/* anpr_unread_why_name - "no-characters", "not-read", "no-format", "?". */
const char *anpr_unread_why_name(int why);

/**
 * struct anpr_read - the result of one anpr_reader_read call.
 * @nplates: plates found, best first: by @confidence, which is calibrated
 *	from the reader's rank (rank.c, docs/reader.md), so also in rank
 *	order but for readings without a plate's evidence, held at 0.4.
 * @plates: the plates.
 * @ns: time spent in the call (clock of the config).
 * @candidates: plate candidates examined (diagnostics).
 * @nunread: plates found but not read, strongest evidence first: none
 *	overlaps a plate of @plates.
 * @unread: those plates.
 */
struct anpr_read {
	int nplates;
	struct anpr_plate plates[ANPR_READER_MAX_PLATES];
	uint64_t ns;
	int candidates;
	int nunread;
	struct anpr_unread unread[ANPR_READER_MAX_UNREAD];
};

struct anpr_reader;

/* anpr_reader_config_default - the defaults: auto region, best SIMD. */
void anpr_reader_config_default(struct anpr_reader_config *cfg);

/*
 * anpr_reader_create - a reader, or NULL with a message in @err naming the
 * cause (for weights: the file and the reason).
 */
struct anpr_reader *anpr_reader_create(const struct anpr_reader_config *cfg,
				       char *err, size_t errlen);

void anpr_reader_destroy(struct anpr_reader *r);

/*
 * anpr_reader_read - read the plates of one grey frame. Returns 0, or
 * ANPR_READER_EINVAL (NULL pixels, size out of 1..ANPR_READER_MAX_DIM,
 * stride < width) or ANPR_READER_ENOMEM; @out is always initialised.
 */
int anpr_reader_read(struct anpr_reader *r, const uint8_t *pixels, int width,
		     int height, size_t stride, struct anpr_read *out);

/* anpr_reader_simd - the name of the SIMD level this reader uses. */
const char *anpr_reader_simd(const struct anpr_reader *r);

/* anpr_region_name / anpr_region_parse - "auto", "gb", "eu", "us", "br". */
const char *anpr_region_name(enum anpr_region region);
int anpr_region_parse(const char *name);	/* -1 if unknown */

#ifdef __cplusplus
}
#endif
#endif /* ANPR_READER_H */
