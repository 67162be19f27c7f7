// SPDX-License-Identifier: MIT
/*
 * test_linenet.c - unit tests of the line recognizer: its C inference
 * (linenet.c) against what the training script's torch net gave for one
 * line (training/weights/lines.check, written with the weights), at every
 * SIMD level this CPU has; its weights parser on malformed files; and the
 * reading of its output under the region formats (syntax.c:
 * rd_syntax_decode_ctc, rd_ctc_text_score) and whose reading stands
 * (rank.c: rd_line_doubted, rd_line_overrule), on step sequences made up
 * here.
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

#define CHECK_FILE	"training/weights/lines.check"
#define CHECK_MAGIC	"ANPRLCK1"
/* Float inference against torch's: sums of ~600 products in another order
 * (and fused multiply-adds), through five layers. */
#define LOGP_TOL	2e-3f

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static float le_float(const unsigned char *p)
{
	uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	float v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static struct rd_linenet *builtin(void)
{
	char err[256];
	struct rd_linenet *net = rd_linenet_parse(anpr_reader_line_weights,
						  (size_t)anpr_reader_line_weights_len,
						  "<built-in>", err, sizeof(err));

	if (!net)
		fail_msg("%s", err);
	return net;
}

/* The C net gives torch's log-probabilities, at every level. */
static void test_matches_torch(void **state)
{
	static float band[RD_BAND_H * RD_BAND_W], want[RD_LN_T][RD_CLASSES];
	static float got[RD_LN_T][RD_CLASSES];
	size_t len, off = 8;
	unsigned char *chk = slurp(CHECK_FILE, &len);
	struct rd_linenet *net = builtin();
	int levels = 0;

	(void)state;
	assert_non_null(chk);
	assert_int_equal(len, 8 + 4 * (sizeof(band) / 4 + sizeof(want) / 4));
	assert_memory_equal(chk, CHECK_MAGIC, 8);
	for (size_t i = 0; i < sizeof(band) / 4; i++, off += 4)
		band[i] = le_float(chk + off);
	for (int t = 0; t < RD_LN_T; t++)
		for (int c = 0; c < RD_CLASSES; c++, off += 4)
			want[t][c] = le_float(chk + off);
	for (int lv = 0; lv < ANPR_SIMD_COUNT; lv++) {
		const struct anpr_kern_ops *k = anpr_kern_get((enum anpr_simd)lv);
		float worst = 0;

		if (!k)
			continue;
		levels++;
		memset(got, 0, sizeof(got));
		rd_linenet_run(net, k, band, got);
		for (int t = 0; t < RD_LN_T; t++)
			for (int c = 0; c < RD_CLASSES; c++) {
				/* only where the probability is worth anything */
				if (want[t][c] < -12.0f && got[t][c] < -12.0f)
					continue;
				worst = fmaxf(worst, fabsf(got[t][c] - want[t][c]));
			}
		if (worst > LOGP_TOL)
			fail_msg("%s: log-probability off by %g (> %g)", k->name,
				 (double)worst, (double)LOGP_TOL);
	}
	assert_true(levels >= 1);
	/* A line the net was trained on reads as something. */
	struct rd_decoded d;

	assert_int_equal(rd_syntax_decode_ctc((const float (*)[RD_CLASSES])got,
					      ANPR_REGION_AUTO, &d), 0);
	assert_true(d.n >= 4);
	rd_linenet_free(net);
	free(chk);
}

static void expect_refused(const unsigned char *data, size_t len, const char *why)
{
	char err[256] = "";
	struct rd_linenet *net = rd_linenet_parse(data, len, "w.bin", err, sizeof(err));

	assert_null(net);
	if (!strstr(err, "w.bin") || !strstr(err, why))
		fail_msg("error '%s' does not name the file and '%s'", err, why);
}

static void test_bad_weights(void **state)
{
	const size_t len = (size_t)anpr_reader_line_weights_len;
	unsigned char *w = malloc(len);
	char err[256];

	(void)state;
	assert_non_null(w);
	memcpy(w, anpr_reader_line_weights, len);
	expect_refused(w, 20, "not a line recognizer weights file");
	expect_refused(anpr_reader_weights, (size_t)anpr_reader_weights_len,
		       "not a line recognizer weights file");
	expect_refused(w, len - 4, "truncated or trailing data");
	w[8 + 4 * 3] = 200;	/* layer 1: 200 channels */
	expect_refused(w, len, "channels");
	memcpy(w, anpr_reader_line_weights, len);
	w[8 + 4 * 7] = 36;	/* classes */
	expect_refused(w, len, "unsupported line weights");
	memcpy(w, anpr_reader_line_weights, len);
	w[8 + 32 + 5] = 'a';	/* class 5 is not '5' */
	expect_refused(w, len, "not the reader's");
	memcpy(w, anpr_reader_line_weights, len);
	memset(w + len - 40, 0xff, 4);	/* a NaN */
	expect_refused(w, len, "not a finite number");
	free(w);
	assert_null(rd_linenet_load("/nonexistent/lines.bin", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/lines.bin"));
}

/*
 * Steps from a picture: one character per step, '-' the blank, ' ' more
 * blank to the end. Each step gives its character 0.9 (or 0.6 where the
 * picture's letter is lower case: a doubt between it and its twin, given
 * 0.3) and shares the rest.
 */
static void steps(const char *pic, float (*logp)[RD_CLASSES])
{
	for (int t = 0; t < RD_LN_T; t++) {
		char ch = *pic ? *pic++ : '-';
		int c = RD_JUNK, twin = -1;
		float pc = 0.9f, pt = 0;

		if (ch >= 'a' && ch <= 'z') {
			ch = (char)(ch - 'a' + 'A');
			pc = 0.6f;
			pt = 0.3f;
			twin = ch == 'O' ? rd_char_class('0') : ch == 'S' ?
			       rd_char_class('5') : rd_char_class('8');
		}
		if (ch != '-' && ch != ' ')
			c = rd_char_class(ch);
		for (int k = 0; k < RD_CLASSES; k++)
			logp[t][k] = logf((1.0f - pc - pt) / (float)(RD_CLASSES - 2));
		logp[t][c] = logf(pc);
		if (twin >= 0)
			logp[t][twin] = logf(pt);
	}
}

static void expect_read(const char *pic, enum anpr_region region, const char *text,
			const char *format)
{
	float logp[RD_LN_T][RD_CLASSES];
	struct rd_decoded d;

	steps(pic, logp);
	if (rd_syntax_decode_ctc((const float (*)[RD_CLASSES])logp, region, &d))
		fail_msg("'%s': no reading, want %s", pic, text);
	if (strcmp(d.text, text) || (format && strcmp(d.format, format)))
		fail_msg("'%s': read %s (%s), want %s (%s)", pic, d.text, d.format,
			 text, format ? format : "any");
	assert_int_equal(d.n, (int)strlen(text));
	for (int j = 0; j < d.n; j++)
		assert_true(d.conf[j] > 0.25f && d.conf[j] <= 1.0f);
}

static void test_decode(void **state)
{
	float logp[RD_LN_T][RD_CLASSES];
	struct rd_decoded d;

	(void)state;
	/* runs of a character are one character; blanks separate */
	expect_read("--AAB--11-22--CCDDEE--", ANPR_REGION_GB, "AB12CDE", "gb-current");
	/* a repeat needs a blank between */
	expect_read("-A-A-5-1-K-K-P--", ANPR_REGION_GB, "AA51KKP", "gb-current");
	/* the format corrects a look-alike where it allows only one twin... */
	expect_read("-A-B-o-5-C-D-E-", ANPR_REGION_GB, "AB05CDE", "gb-current");
	/* ...and a free format does not */
	expect_read("-7-A-B-o-1-2-3-", ANPR_REGION_US, "7ABO123", "us");
	expect_read("-A-B-C-1-D-2-3-", ANPR_REGION_BR, "ABC1D23", "br-mercosul");
	/* a format always fits, on steps of little worth: all blank reads
	 * as next to nothing */
	steps("", logp);
	assert_int_equal(rd_syntax_decode_ctc((const float (*)[RD_CLASSES])logp,
					      ANPR_REGION_US, &d), 0);
	assert_true(d.confidence < 0.01f);
}

static void test_text_score(void **state)
{
	float logp[RD_LN_T][RD_CLASSES];

	(void)state;
	steps("--AB-1-2--C-D-E--", logp);
	float good = rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "AB12CDE");
	float bad = rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "AB12CDF");
	float shorter = rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "AB12CD");

	assert_true(isfinite(good) && good < 0);
	assert_true(good > bad + 3.0f);	/* one step at 0.9 against ~0.003 */
	assert_true(good > shorter + 3.0f);
	/* a run is one character: a second A costs a step of blank taken
	 * from it, as CTC folds repeats */
	steps("--AAAB-1-2--C-D-E--", logp);
	assert_true(rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "AB12CDE") >
		    rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "AAB12CDE") + 3.0f);
	steps("--AB-1-2--C-D-E--", logp);
	/* every step at 0.9: the best path's log-probability */
	assert_float_equal(good, RD_LN_T * logf(0.9f), 1e-3);
	assert_true(rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "") == -INFINITY);
	assert_true(rd_ctc_text_score((const float (*)[RD_CLASSES])logp, "AB-12") == -INFINITY);
	assert_true(rd_ctc_text_score((const float (*)[RD_CLASSES])logp,
				      "ABCDEFGHJKLMN") == -INFINITY);
}

static struct anpr_plate plate(const char *text, float conf, int rows)
{
	struct anpr_plate p;

	memset(&p, 0, sizeof(p));
	snprintf(p.text, sizeof(p.text), "%s", text);
	p.nchars = (int)strlen(text);
	for (int i = 0; i < p.nchars; i++)
		p.char_conf[i] = conf;
	p.confidence = conf;
	p.rows = rows;
	p.region = ANPR_REGION_AUTO;
	p.format = "us";
	return p;
}

/* A candidate of the frame holding @text, ranked @rank on @score. */
static struct rd_cand cand(const char *text, float conf, float score, float rank)
{
	struct rd_cand c;

	memset(&c, 0, sizeof(c));
	c.p = plate(text, conf, 1);
	c.score = score;
	c.rank = rank;
	return c;
}

/* Who is read again, and when the line recognizer's reading stands. */
static void test_overrule(void **state)
{
	float logp[RD_LN_T][RD_CLASSES];
	struct rd_decoded d;
	struct anpr_plate p;
	struct rd_cand c;

	(void)state;
	p = plate("SBX6N", 0.67f, 1);
	assert_true(rd_line_doubted(&p));
	p.confidence = 0.9f;
	assert_false(rd_line_doubted(&p));	/* sure enough */
	p = plate("AB12CDE", 0.5f, 2);
	assert_false(rd_line_doubted(&p));	/* a two-row band holds two lines */

	/* It reads SB3X6N surely where the character reader lost the 3. */
	steps("--S-B-3-X-6-N---", logp);
	c = cand("SBX6N", 0.67f, -1.5f, -2.0f);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.25f), 1);
	assert_string_equal(c.p.text, "SB3X6N");
	assert_int_equal(c.p.nchars, 6);
	assert_int_equal(c.p.line_read, 1);
	assert_string_equal(c.p.format, "us");
	/* the lower of the two confidences: the character reader's here */
	assert_float_equal(c.p.confidence, 0.67f, 1e-6);
	for (int i = 0; i < 6; i++)
		assert_float_equal(c.p.char_conf[i], 0.9f, 1e-4);
	/* ranked on the new reading's score, the rest of its rank kept */
	assert_int_equal(rd_syntax_decode_ctc((const float (*)[RD_CLASSES])logp,
					      ANPR_REGION_US, &d), 0);
	assert_float_equal(c.score, d.score, 1e-6);
	assert_float_equal(c.rank, -2.0f + 1.5f + d.score, 1e-5);

	/* The same text: nothing to overrule, the rank untouched. */
	c = cand("SB3X6N", 0.6f, -1.5f, -2.0f);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.25f), 0);
	assert_int_equal(c.p.line_read, 0);
	assert_float_equal(c.rank, -2.0f, 0);

	/* A doubt of its own: the 3 read at 0.6 against a twin, the
	 * character reader's 8 at 0.3: e^0.7 likelier, under the margin. */
	steps("--S-B-s-X-6-N---", logp);	/* S at 0.6, its twin 5 at 0.3 */
	c = cand("SB5X6N", 0.6f, -1.5f, -2.0f);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.25f), 0);
	assert_string_equal(c.p.text, "SB5X6N");
	/* ...but a character it gives next to nothing is overruled */
	c = cand("SB7X6N", 0.6f, -1.5f, -2.0f);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.25f), 1);
	assert_string_equal(c.p.text, "SBSX6N");
	/* ...unless its reading is less sure than a plate must be: its
	 * characters at 0.9 and one at 0.6, about 0.84 in all */
	c = cand("SB7X6N", 0.6f, -1.5f, -2.0f);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.9f), 0);
	assert_string_equal(c.p.text, "SB7X6N");
}

/*
 * In a UK frame a reading of more characters than the line had components
 * (CAFE on a board, 4 letters, read again as the prefix mark C8AFE) may
 * not rise on it: its extra character has no ink of its own. With a
 * component for each it is ranked on its reading as elsewhere.
 */
static void test_overrule_more_than_components(void **state)
{
	float logp[RD_LN_T][RD_CLASSES];
	struct rd_decoded d;
	struct rd_cand c;

	(void)state;
	steps("--C-8-A-F-E---", logp);
	assert_int_equal(rd_syntax_decode_ctc((const float (*)[RD_CLASSES])logp,
					      ANPR_REGION_GB, &d), 0);
	assert_string_equal(d.text, "C8AFE");
	assert_true(d.score > -1.5f);
	c = cand("CAF6", 0.4f, -1.5f, -2.0f);
	c.ncomp = 4;
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_GB, 0.25f), 1);
	assert_string_equal(c.p.text, "C8AFE");
	assert_float_equal(c.rank, -2.0f, 1e-6);	/* not raised */
	/* five components: ranked on the new reading */
	c = cand("CAF6", 0.4f, -1.5f, -2.0f);
	c.ncomp = 5;
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_GB, 0.25f), 1);
	assert_float_equal(c.rank, -2.0f + 1.5f + d.score, 1e-5);
	/* other regions: ranked on it whatever the components */
	c = cand("CAF6", 0.4f, -1.5f, -2.0f);
	c.ncomp = 4;
	steps("--S-B-3-X-6-N---", logp);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.25f), 1);
	assert_true(c.rank > -2.0f);
}

/*
 * In a UK frame the line recognizer does not leave out a bar (1, I) the
 * character reader read: VUI9995 is not overruled by VU9995. Another
 * change of the same length, or in another region, is.
 */
static void test_overrule_keeps_bar(void **state)
{
	float logp[RD_LN_T][RD_CLASSES];
	struct rd_cand c;

	(void)state;
	steps("--V-U-9-9-9-5----", logp);
	c = cand("VUI9995", 0.5f, -1.5f, -2.0f);
	c.ncomp = 7;
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_GB, 0.25f), 0);
	assert_string_equal(c.p.text, "VUI9995");
	c = cand("VU19995", 0.5f, -1.5f, -2.0f);
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_GB, 0.25f), 0);
	/* not a bar left out: overruled */
	c = cand("VUX9995", 0.5f, -1.5f, -2.0f);
	c.ncomp = 7;
	assert_int_equal(rd_line_overrule(&c, (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_GB, 0.25f), 1);
	assert_string_equal(c.p.text, "VU9995");
}

/*
 * A plate whose characters were cut wrongly ranks below a camera's
 * timestamp; read whole, it ranks on its new reading and comes first.
 */
static void test_overrule_rerank(void **state)
{
	float logp[RD_LN_T][RD_CLASSES];
	struct rd_cand c[3];

	(void)state;
	c[0] = cand("385014", 0.65f, -0.9f, -1.9f);	/* the timestamp */
	c[1] = cand("KK9V", 0.45f, -1.8f, -1.7f);	/* the plate, cut wrongly */
	c[2] = cand("TEXAS", 0.5f, -1.5f, -2.5f);
	c[1].rank = -2.0f;
	rd_rank_resort(c, 3);
	assert_string_equal(c[0].p.text, "385014");
	assert_string_equal(c[1].p.text, "KK9V");
	steps("--S-K-5-K-9-V---", logp);
	assert_int_equal(rd_line_overrule(&c[1], (const float (*)[RD_CLASSES])logp,
					  ANPR_REGION_US, 0.25f), 1);
	assert_string_equal(c[1].p.text, "SK5K9V");
	assert_true(c[1].rank > c[0].rank);
	rd_rank_resort(c, 3);
	assert_string_equal(c[0].p.text, "SK5K9V");
	assert_string_equal(c[1].p.text, "385014");
	assert_string_equal(c[2].p.text, "TEXAS");
	/* Equal ranks keep their order. */
	c[2].rank = c[1].rank;
	rd_rank_resort(c, 3);
	assert_string_equal(c[1].p.text, "385014");
	rd_rank_resort(c, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_torch),
		cmocka_unit_test(test_bad_weights),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_text_score),
		cmocka_unit_test(test_overrule),
		cmocka_unit_test(test_overrule_rerank),
		cmocka_unit_test(test_overrule_more_than_components),
		cmocka_unit_test(test_overrule_keeps_bar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
