// SPDX-License-Identifier: MIT
/*
 * syntax.c - region plate formats, and the decoder that reads a line of
 * classified components as the most probable text a format allows.
 *
 * A format is a pattern of position classes (letter, digit, UK letters,
 * ...). The decoder aligns the components with the pattern left to right:
 * each component either fills the next position (scoring the log
 * probability of the best character that position allows) or is skipped as
 * not a character (scoring the log probability of the "junk" class). So a
 * digit-only position turns a component read as 'O' into '0' only when the
 * format says a digit must stand there: the correction is exactly as
 * unambiguous as the format. Free formats (any letter or digit) correct
 * nothing.
 */
#include <math.h>
#include <string.h>

#include "reader/reader_int.h"

#define LETTERS		(((1ull << 26) - 1) << 10)
#define DIGITS		((1ull << 10) - 1)
#define BIT(ch)		(1ull << rd_char_class(ch))

char rd_class_char(int cls)
{
	if (cls >= 0 && cls < 10)
		return (char)('0' + cls);
	if (cls >= 10 && cls < 36)
		return (char)('A' + cls - 10);
	return '?';
}

int rd_char_class(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return -1;
}

/* The characters a pattern letter allows. */
static uint64_t allowed(char code)
{
	switch (code) {
	case 'D':
		return DIGITS;
	case 'L':
		return LETTERS;
	case 'A':
		return LETTERS | DIGITS;
	case 'a':	/* UK area letters: no I, Q or Z */
		return LETTERS & ~(BIT('I') | BIT('Q') | BIT('Z'));
	case 'b':	/* UK letters elsewhere: no I or Q */
		return LETTERS & ~(BIT('I') | BIT('Q'));
	case 'n':	/* Northern Ireland code letters: I and Z, never Q */
		return LETTERS & ~BIT('Q');
	case 'N':	/* a UK number group's first digit: never 0 */
		return DIGITS & ~BIT('0');
	case 'y':	/* UK prefix/suffix age letters: no I, O, Q, U or Z */
		return LETTERS & ~(BIT('I') | BIT('O') | BIT('Q') | BIT('U') | BIT('Z'));
	default:
		return 0;
	}
}

/**
 * struct fmt - one plate format.
 * @region: the region it belongs to.
 * @prior: log-prior bonus added to the score (specific formats win ties
 *	over free ones).
 * @name: reported name.
 * @pat: pattern; D digit, L letter, A either, a/b/n/y UK letter sets, N a
 *	UK number group's first digit (1-9).
 * @valid: optional rule over the whole text that a pattern cannot say.
 */
struct fmt {
	enum anpr_region region;
	float prior;
	const char *name;
	const char *pat;
	int (*valid)(const char *text);
};

/*
 * Northern Ireland marks are a serial letter, then a two-letter code, then
 * 1 to 4 digits (ABZ 1234, LIG 45). Every code has an I or a Z (the
 * letters GB marks did not use there), which is what tells NI from GB.
 */
static int ni_code_ok(const char *t)
{
	return t[1] == 'I' || t[1] == 'Z' || t[2] == 'I' || t[2] == 'Z';
}

/* The same for a mark of the code alone (IA 1234, AZ 123). */
static int ni_code2_ok(const char *t)
{
	return t[0] == 'I' || t[0] == 'Z' || t[1] == 'I' || t[1] == 'Z';
}

/*
 * The current format's age identifier (places 3-4): March's year (02 =
 * 2002), September's plus 50 (51 = 2001). 01 was never issued, 00 and 50
 * are 2050's; with no calendar, those not yet issued (27.., 77.. in 2026)
 * stay in.
 */
static int age_ok(const char *t)
{
	int v = (t[2] - '0') * 10 + (t[3] - '0');

	return (v >= 2 && v <= 49) || (v >= 51 && v <= 99);
}

/*
 * The UK formats (DVLA; DVA for Northern Ireland), exactly:
 * - current (2001-): two letters (area and DVLA office: no I, Q or Z), the
 *   age identifier (age_ok), three letters (no I or Q);
 * - prefix (1983-2001): the age letter (A..Y without I, O, Q, U, Z), 1 to
 *   999, three letters (no I or Q); suffix (1963-1983): three letters, 1
 *   to 999, the age letter;
 * - dateless (1903-1963, kept on reissue): one or two letters with 1 to
 *   9999, or three letters with 1 to 999, either way round;
 * - Northern Ireland: a letter and a two-letter code with an I or a Z
 *   (LIG 4589), or the code alone (IA 1234), then 1 to 9999;
 * - no number group starts with 0 (N); I appears only in NI codes, Q
 *   never (Q marks, for vehicles of unknown age, are read as gb-free); Z
 *   is kept out of the area, office and age letters, and allowed in the
 *   older formats' other letters (a code with a Z reads as NI first).
 * Marks of 2 and 3 characters are formats (rd_syntax_match), but the
 * decoders try 4 and more: a line has at least 4 (RD_MIN_FMT).
 */
static const struct fmt formats[] = {
	{ ANPR_REGION_GB, 2.0f, "gb-current", "aaDDbbb", age_ok },
	{ ANPR_REGION_GB, 1.0f, "gb-prefix", "yNbbb", NULL },
	{ ANPR_REGION_GB, 1.0f, "gb-prefix", "yNDbbb", NULL },
	{ ANPR_REGION_GB, 1.0f, "gb-prefix", "yNDDbbb", NULL },
	{ ANPR_REGION_GB, 1.0f, "gb-suffix", "bbbNy", NULL },
	{ ANPR_REGION_GB, 1.0f, "gb-suffix", "bbbNDy", NULL },
	{ ANPR_REGION_GB, 1.0f, "gb-suffix", "bbbNDDy", NULL },
	/* before the dateless ones: a code with a Z is Northern Irish (the
	 * dateless letters allow Z, which GB codes did not use; a tie with
	 * the same prior reads as NI) */
	{ ANPR_REGION_GB, 0.5f, "gb-ni", "bnnNDDD", ni_code_ok },
	{ ANPR_REGION_GB, 0.0f, "gb-ni", "bnnNDD", ni_code_ok },
	{ ANPR_REGION_GB, 0.0f, "gb-ni", "bnnND", ni_code_ok },
	{ ANPR_REGION_GB, -0.5f, "gb-ni", "bnnN", ni_code_ok },
	{ ANPR_REGION_GB, 0.0f, "gb-ni", "nnNDDD", ni_code2_ok },
	{ ANPR_REGION_GB, 0.0f, "gb-ni", "nnNDD", ni_code2_ok },
	{ ANPR_REGION_GB, -0.5f, "gb-ni", "nnND", ni_code2_ok },
	{ ANPR_REGION_GB, -1.0f, "gb-ni", "nnN", ni_code2_ok },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "bNDDD", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "bbNDDD", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "bbbNDD", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "bbNDD", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "bbbND", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "NDDDb", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "NDDDbb", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "NDDbbb", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "NDDbb", NULL },
	{ ANPR_REGION_GB, 0.0f, "gb-dateless", "NDbbb", NULL },
	{ ANPR_REGION_GB, -0.5f, "gb-dateless", "bNDD", NULL },
	{ ANPR_REGION_GB, -0.5f, "gb-dateless", "bbND", NULL },
	{ ANPR_REGION_GB, -0.5f, "gb-dateless", "bbbN", NULL },
	{ ANPR_REGION_GB, -0.5f, "gb-dateless", "NDDb", NULL },
	{ ANPR_REGION_GB, -0.5f, "gb-dateless", "NDbb", NULL },
	{ ANPR_REGION_GB, -0.5f, "gb-dateless", "Nbbb", NULL },
	{ ANPR_REGION_GB, -1.0f, "gb-dateless", "bND", NULL },
	{ ANPR_REGION_GB, -1.0f, "gb-dateless", "bbN", NULL },
	{ ANPR_REGION_GB, -1.0f, "gb-dateless", "NDb", NULL },
	{ ANPR_REGION_GB, -1.0f, "gb-dateless", "Nbb", NULL },
	{ ANPR_REGION_GB, -1.5f, "gb-dateless", "bN", NULL },
	{ ANPR_REGION_GB, -1.5f, "gb-dateless", "Nb", NULL },
	/*
	 * Foreign vehicles drive in the UK too and must be recorded: in gb mode
	 * any 5 to 8 characters still read, reported with region unknown. The
	 * prior is far below every UK format's, so a UK-shaped line is always
	 * corrected by its format unless a character the format forbids is
	 * read with near certainty (p > 0.998 against the look-alike).
	 */
	{ ANPR_REGION_GB, RD_GB_FREE_PRIOR, "gb-free", "AAAAA", NULL },
	{ ANPR_REGION_GB, RD_GB_FREE_PRIOR, "gb-free", "AAAAAA", NULL },
	{ ANPR_REGION_GB, RD_GB_FREE_PRIOR, "gb-free", "AAAAAAA", NULL },
	{ ANPR_REGION_GB, RD_GB_FREE_PRIOR, "gb-free", "AAAAAAAA", NULL },
	{ ANPR_REGION_BR, 2.0f, "br-old", "LLLDDDD", NULL },
	{ ANPR_REGION_BR, 2.0f, "br-mercosul", "LLLDLDD", NULL },
	{ ANPR_REGION_EU, 1.0f, "eu-sk", "LLDDDLL", NULL },
	{ ANPR_REGION_EU, 0.5f, "eu-cz", "DLDDDDD", NULL },
	{ ANPR_REGION_EU, 0.5f, "eu-cz", "DLLDDDD", NULL },
	/* Free formats: most plates have 5 to 8 characters; shorter reads are
	 * more often a fragment or other text, so they start lower. */
	{ ANPR_REGION_EU, -1.5f, "eu", "AAAA", NULL },
	{ ANPR_REGION_EU, -0.5f, "eu", "AAAAA", NULL },
	{ ANPR_REGION_EU, 0.0f, "eu", "AAAAAA", NULL },
	{ ANPR_REGION_EU, 0.0f, "eu", "AAAAAAA", NULL },
	{ ANPR_REGION_EU, -0.3f, "eu", "AAAAAAAA", NULL },
	{ ANPR_REGION_US, -1.5f, "us", "AAAA", NULL },
	{ ANPR_REGION_US, -0.5f, "us", "AAAAA", NULL },
	{ ANPR_REGION_US, 0.0f, "us", "AAAAAA", NULL },
	{ ANPR_REGION_US, 0.0f, "us", "AAAAAAA", NULL },
	{ ANPR_REGION_US, -0.5f, "us", "AAAAAAAA", NULL },
};

#define NFMT ((int)(sizeof(formats) / sizeof(formats[0])))
#define MAXN RD_MAX_LINE
#define RANK_FLOOR -3.0f	/* log(0.05) */
#define MAXM ANPR_READER_MAX_CHARS
#define RD_MIN_FMT 4	/* the decoders' shortest format: a line's least */

/*
 * The look-alikes a format may correct (issue 4: O/0, I/1, B/8, S/5): at a
 * position that allows only one of a pair, the other's probability counts
 * at a tenth of its weight, so a bar the classifier calls '1' can stand as
 * the 'I' a Northern Ireland code needs, and an 'O' in a digit position as
 * '0', even when the classifier gave the right twin almost nothing. A
 * tenth (log 0.1 = -2.3) costs more than any gap between two UK formats'
 * priors, so where two formats both fit (C871 MNU prefix, or CB71 MNU
 * current?) the characters as read decide, not the likelier format.
 */
#define LOOKALIKE_WEIGHT 0.1f

static int twin_class(int c)
{
	static const char pairs[][2] = { { 'O', '0' }, { 'I', '1' }, { 'B', '8' }, { 'S', '5' } };
	char ch = rd_class_char(c);

	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (ch == pairs[i][0])
			return rd_char_class(pairs[i][1]);
		if (ch == pairs[i][1])
			return rd_char_class(pairs[i][0]);
	}
	return -1;
}

/* The probability that a component reads as class c where set allows c. */
static float emit(const float *p, int c, uint64_t set)
{
	int t = twin_class(c);

	if (t >= 0 && !(set >> t & 1))
		return fmaxf(p[c], LOOKALIKE_WEIGHT * p[t]);
	return p[c];
}

static float lg(float p)
{
	return logf(p > 1e-6f ? p : 1e-6f);
}

/* The pattern letters allowed() knows, in the order of struct best. */
static const char codes[] = "DLAabnNy";
#define NCODES ((int)sizeof(codes) - 1)

/**
 * struct best - per component and pattern letter, the best character the
 * letter allows and its log-probability: worked out once per line, shared
 * by every format.
 */
struct best {
	float lp[MAXN][NCODES];
	int c[MAXN][NCODES];
};

static void best_chars(const float (*prob)[RD_CLASSES], int n, struct best *b)
{
	for (int k = 0; k < NCODES; k++) {
		uint64_t set = allowed(codes[k]);

		for (int i = 0; i < n; i++) {
			float bp = -1;
			int bc = -1;

			for (int c = 0; c < 36; c++) {
				float e;

				if (!(set >> c & 1))
					continue;
				e = emit(prob[i], c, set);
				if (e > bp) {
					bp = e;
					bc = c;
				}
			}
			b->lp[i][k] = lg(bp);
			b->c[i][k] = bc;
		}
	}
}

static int code_index(char code)
{
	const char *p = strchr(codes, code);

	return p && code ? (int)(p - codes) : -1;
}

/* Align n components with one pattern; -INF if it cannot fit. */
static float align(const float (*prob)[RD_CLASSES], const struct best *b,
		   int n, const char *pat, int *pick, int *cls)
{
	int m = (int)strlen(pat);
	float dp[MAXN + 1][MAXM + 1];
	signed char from[MAXN + 1][MAXM + 1] = { { 0 } };	/* 0 skip, 1 match */
	int k[MAXM] = { 0 };	/* each position's pattern letter, as b's column */

	if (m > n || m > MAXM)
		return -INFINITY;
	for (int j = 0; j < m; j++) {
		k[j] = code_index(pat[j]);
		if (k[j] < 0)
			return -INFINITY;
	}
	for (int i = 0; i <= n; i++)
		for (int j = 0; j <= m; j++)
			dp[i][j] = -INFINITY;
	dp[0][0] = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j <= m && j <= i; j++) {
			if (dp[i][j] == -INFINITY)
				continue;
			float s = dp[i][j] + lg(prob[i][RD_JUNK]);

			if (s > dp[i + 1][j]) {
				dp[i + 1][j] = s;
				from[i + 1][j] = 0;
			}
			if (j < m) {
				s = dp[i][j] + b->lp[i][k[j]];
				if (s > dp[i + 1][j + 1]) {
					dp[i + 1][j + 1] = s;
					from[i + 1][j + 1] = 1;
				}
			}
		}
	if (dp[n][m] == -INFINITY)
		return -INFINITY;
	for (int i = n, j = m; i > 0; i--) {
		if (from[i][j]) {
			j--;
			pick[j] = i - 1;
			cls[j] = b->c[i - 1][k[j]];
		}
	}
	return dp[n][m];
}

/*
 * The classifier sees one component alone; small, blurred or blooming
 * characters it often calls junk though they stand in a line of
 * characters of their own height, and skipping one costs the reading. In
 * a line, being shaped like the others is evidence of being a character.
 */
#define LINE_JUNK_WEIGHT	0.1f
#define LINE_HEIGHT_TOL		0.15f
#define LINE_MIN_WIDTH		0.40f
#define LINE_MIN_BEST		0.2f	/* the classifier names a character */

/*
 * The patch of a thin bar holds a few columns of ink, and the classifier
 * often spreads its word over J, K, H or T (the bars of gb_chars' UK 1s);
 * in the UK font the bar's shape settles what it can be. A quarter of the
 * height keeps a bar skewed by ten degrees, and a 1 with its flag, out of
 * the rule (they keep the classifier's word); every other UK character is
 * wider than 0.4 of its height in gb_chars. Only for UK plates: elsewhere
 * railings and the I of sign text would read as rows of 1s and Is.
 */
#define BAR_MAX_ASPECT		0.25f
#define BAR_OTHER_WEIGHT	0.01f

void rd_bar_prior(float w, float h, float *prob)
{
	const int one = rd_char_class('1'), eye = rd_char_class('I');
	float sum = 0;

	if (!(h > 0) || w >= BAR_MAX_ASPECT * h)
		return;
	for (int k = 0; k < RD_JUNK; k++)
		if (k != one && k != eye)
			prob[k] *= BAR_OTHER_WEIGHT;
	for (int k = 0; k < RD_CLASSES; k++)
		sum += prob[k];
	for (int k = 0; k < RD_CLASSES && sum > 0; k++)
		prob[k] /= sum;
}

void rd_line_prior(const struct rd_line *l, float (*prob)[RD_CLASSES])
{
	float H = l->height;

	for (int i = 0; i < l->n; i++) {
		float h = (float)(l->c[i].y1 - l->c[i].y0);
		float w = (float)(l->c[i].x1 - l->c[i].x0), sum = 0, best = 0;

		if (fabsf(h - H) > LINE_HEIGHT_TOL * H || w < LINE_MIN_WIDTH * H)
			continue;
		/* Only a piece the classifier can name (it doubts, it does
		 * not guess): a plate's country band or a bolt stays junk. */
		for (int k = 0; k < RD_JUNK; k++)
			best = fmaxf(best, prob[i][k]);
		if (best < LINE_MIN_BEST)
			continue;
		prob[i][RD_JUNK] *= LINE_JUNK_WEIGHT;
		for (int k = 0; k < RD_CLASSES; k++)
			sum += prob[i][k];
		for (int k = 0; k < RD_CLASSES && sum > 0; k++)
			prob[i][k] /= sum;
	}
}

/* Format @f's rule over the whole text, for the classes @cls it read. */
static int fmt_valid(int f, const int *cls)
{
	char t[MAXM + 1];
	int m = (int)strlen(formats[f].pat);

	if (!formats[f].valid)
		return 1;
	for (int j = 0; j < m; j++)
		t[j] = rd_class_char(cls[j]);
	t[m] = 0;
	return formats[f].valid(t);
}

/* The region a reading of format @f reports when @asked was asked for: a
 * free format in auto mode says nothing of it, nor does gb-free. */
static enum anpr_region reported_region(int f, enum anpr_region asked)
{
	if (asked == ANPR_REGION_AUTO && formats[f].prior <= 0.0f &&
	    formats[f].region != ANPR_REGION_GB)
		return ANPR_REGION_AUTO;
	if (!strcmp(formats[f].name, "gb-free"))	/* not a UK mark */
		return ANPR_REGION_AUTO;
	return formats[f].region;
}

const char *rd_syntax_match(enum anpr_region region, const char *text)
{
	int m = (int)strlen(text), cls[MAXM];

	if (m < 1 || m > MAXM)
		return NULL;
	for (int j = 0; j < m; j++)
		if ((cls[j] = rd_char_class(text[j])) < 0)
			return NULL;
	for (int f = 0; f < NFMT; f++) {
		const char *pat = formats[f].pat;
		int j = 0;

		if (formats[f].region != region || (int)strlen(pat) != m ||
		    reported_region(f, region) != region)
			continue;
		while (j < m && (allowed(pat[j]) >> cls[j] & 1))
			j++;
		if (j == m && fmt_valid(f, cls))
			return formats[f].name;
	}
	return NULL;
}

int rd_syntax_decode_in(const float (*prob)[RD_CLASSES], int n, enum anpr_region region,
			int free_only, struct rd_decoded *out)
{
	float best = -INFINITY;
	int bpick[MAXM], bcls[MAXM], bf = -1;
	struct best memo;

	memset(out, 0, sizeof(*out));
	if (n > MAXN)
		n = MAXN;
	best_chars(prob, n, &memo);
	for (int f = 0; f < NFMT; f++) {
		int pick[MAXM] = { 0 }, cls[MAXM] = { 0 };
		float s;

		if (region != ANPR_REGION_AUTO && formats[f].region != region)
			continue;
		if (strlen(formats[f].pat) < RD_MIN_FMT)
			continue;
		if (free_only && strcmp(formats[f].name, "gb-free") != 0)
			continue;
		float fit = align(prob, &memo, n, formats[f].pat, pick, cls);

		if (fit == -INFINITY || !fmt_valid(f, cls))
			continue;
		s = fit + formats[f].prior;
		if (s > best) {
			int m = (int)strlen(formats[f].pat);

			best = s;
			bf = f;
			memcpy(bpick, pick, sizeof(int) * m);
			memcpy(bcls, cls, sizeof(int) * m);
		}
	}
	if (bf < 0)
		return -1;
	float lsum = 0, rsum = 0;

	out->n = (int)strlen(formats[bf].pat);
	for (int j = 0; j < out->n; j++) {
		out->text[j] = rd_class_char(bcls[j]);
		out->pick[j] = bpick[j];
		out->conf[j] = emit(prob[bpick[j]], bcls[j], allowed(formats[bf].pat[j]));
		lsum += lg(out->conf[j]);
		/* For ranking, one doubtful character costs at most log(0.05):
		 * a plate with one smudged character still beats a crisp
		 * fragment of other text. */
		rsum += fmaxf(lg(out->conf[j]), RANK_FLOOR);
	}
	out->text[out->n] = 0;
	/* Comparable across lines of different lengths: the mean fit per
	 * component, plus the format's prior. */
	/* Components the format skipped count as their "not a character"
	 * probability, floored the same way. */
	for (int i = 0, j = 0; i < n; i++) {
		if (j < out->n && bpick[j] == i) {
			j++;
			continue;
		}
		rsum += fmaxf(lg(prob[i][RD_JUNK]), RANK_FLOOR);
	}
	out->score = rsum / (float)n + formats[bf].prior;
	out->confidence = expf(lsum / (float)out->n);
	out->region = reported_region(bf, region);
	out->format = formats[bf].name;
	return 0;
}

/*
 * Reading the line recognizer's output (linenet.c) under the formats. Its
 * RD_LN_T steps each give a log-distribution over the characters and the
 * CTC blank (class RD_JUNK). A format's reading is its best CTC path: a
 * run of steps per position, each run one character the position allows
 * (look-alikes weighted as emit() weighs them), blanks between and around,
 * and two positions' runs side by side only when their characters differ
 * (CTC folds a repeated character without a blank between into one). The
 * Viterbi keeps, per position, the best path ending in each character.
 */
#define CTC_T	RD_LN_T
#define CTC_END	255

struct ctc_pos {
	const float *em;	/* em[t * stride + c]: log-emission of c at t */
	size_t stride;
	const unsigned char *cand;	/* the characters tried, ended by CTC_END */
};

/*
 * The best path through @m positions; its log-probability, or -INFINITY.
 * With @cls and @conf, each position's character and its confidence (its
 * best step's probability).
 */
static float ctc_viterbi(const float (*logp)[RD_CLASSES], const struct ctc_pos *pos,
			 int m, int *cls, float *conf)
{
	float vb[MAXM + 1], vc[MAXM][36], nb[MAXM + 1], nc[MAXM][36];
	/* Back pointers per step. Blank j: 0 stayed, 1 + c' came from
	 * character c' of position j - 1. Character c of j: 0 stayed, 1 came
	 * from blank j, 2 + c' from character c' of j - 1. */
	unsigned char bb[CTC_T][MAXM + 1], bc[CTC_T][MAXM][36];
	const int T = CTC_T;

	if (m < 1 || m > MAXM || m > T)
		return -INFINITY;
	for (int j = 0; j <= m; j++)
		vb[j] = -INFINITY;
	for (int j = 0; j < m; j++)
		for (int c = 0; c < 36; c++)
			vc[j][c] = -INFINITY;
	vb[0] = logp[0][RD_JUNK];
	for (const unsigned char *c = pos[0].cand; *c != CTC_END; c++)
		vc[0][*c] = pos[0].em[*c];
	for (int t = 1; t < T; t++) {
		float b1[MAXM], b2[MAXM];
		int a1[MAXM], a2[MAXM];

		/* each position's best and second-best character so far */
		for (int j = 0; j < m; j++) {
			b1[j] = b2[j] = -INFINITY;
			a1[j] = a2[j] = 0;
			for (const unsigned char *cp = pos[j].cand; *cp != CTC_END; cp++) {
				int c = *cp;

				if (vc[j][c] > b1[j]) {
					b2[j] = b1[j];
					a2[j] = a1[j];
					b1[j] = vc[j][c];
					a1[j] = c;
				} else if (vc[j][c] > b2[j]) {
					b2[j] = vc[j][c];
					a2[j] = c;
				}
			}
		}
		for (int j = 0; j <= m; j++) {
			float s = vb[j];

			bb[t][j] = 0;
			if (j > 0 && b1[j - 1] > s) {
				s = b1[j - 1];
				bb[t][j] = (unsigned char)(1 + a1[j - 1]);
			}
			nb[j] = s + logp[t][RD_JUNK];
		}
		for (int j = 0; j < m; j++)
			for (const unsigned char *cp = pos[j].cand; *cp != CTC_END; cp++) {
				int c = *cp;
				float s = vc[j][c];
				unsigned char how = 0;

				if (vb[j] > s) {
					s = vb[j];
					how = 1;
				}
				/* from the previous position: another character */
				if (j > 0 && a1[j - 1] != c && b1[j - 1] > s) {
					s = b1[j - 1];
					how = (unsigned char)(2 + a1[j - 1]);
				} else if (j > 0 && a1[j - 1] == c && b2[j - 1] > s) {
					s = b2[j - 1];
					how = (unsigned char)(2 + a2[j - 1]);
				}
				bc[t][j][c] = how;
				nc[j][c] = s + pos[j].em[(size_t)t * pos[j].stride + c];
			}
		memcpy(vb, nb, sizeof(vb));
		for (int j = 0; j < m; j++)
			for (const unsigned char *cp = pos[j].cand; *cp != CTC_END; cp++)
				vc[j][*cp] = nc[j][*cp];
	}
	float best = vb[m];
	int j = m, c = -1;	/* the state: position j, character c (-1 blank) */

	for (const unsigned char *cp = pos[m - 1].cand; *cp != CTC_END; cp++)
		if (vc[m - 1][*cp] > best) {
			best = vc[m - 1][*cp];
			j = m - 1;
			c = *cp;
		}
	if (best == -INFINITY || !cls)
		return best;
	for (int k = 0; k < m; k++)
		conf[k] = 0;
	for (int t = T - 1; t >= 0; t--) {
		int how;

		if (c >= 0) {
			cls[j] = c;
			conf[j] = fmaxf(conf[j], expf(pos[j].em[(size_t)t * pos[j].stride + c]));
			if (t == 0)
				break;
			how = bc[t][j][c];
			if (how == 1) {
				c = -1;
			} else if (how >= 2) {
				j--;
				c = how - 2;
			}
		} else if (t > 0 && bb[t][j]) {
			j--;
			c = bb[t][j + 1] - 1;
		}
	}
	return best;
}

/*
 * Per step and pattern letter, the log-emission of each character the
 * letter allows (look-alikes as emit() weighs them), and the characters
 * worth trying for the letter: those some step gives at least
 * CTC_CAND_FLOOR (always at least the likeliest). A character no step
 * gives even that is never a path's best choice where another is, and
 * leaving it out makes the Viterbi several times faster.
 */
#define CTC_CAND_FLOOR	-7.0f	/* log(0.001) */

struct ctc_memo {
	float le[CTC_T][NCODES][36];
	unsigned char cand[NCODES][37];
};

static void ctc_memo(const float (*logp)[RD_CLASSES], struct ctc_memo *mm)
{
	float top[NCODES][36];

	for (int k = 0; k < NCODES; k++)
		for (int c = 0; c < 36; c++)
			top[k][c] = -INFINITY;
	/* emit() in logs: log max(p, w * p_twin) = max(log p, log w + log p_twin) */
	const float lw = logf(LOOKALIKE_WEIGHT), floor = logf(1e-6f);
	int twin[36];

	for (int c = 0; c < 36; c++)
		twin[c] = twin_class(c);
	for (int t = 0; t < CTC_T; t++)
		for (int k = 0; k < NCODES; k++) {
			uint64_t set = allowed(codes[k]);

			for (int c = 0; c < 36; c++) {
				int tw = twin[c];
				float e = logp[t][c];

				if (!(set >> c & 1)) {
					mm->le[t][k][c] = -INFINITY;
					continue;
				}
				if (tw >= 0 && !(set >> tw & 1))
					e = fmaxf(e, lw + logp[t][tw]);
				mm->le[t][k][c] = fmaxf(e, floor);
				top[k][c] = fmaxf(top[k][c], mm->le[t][k][c]);
			}
		}
	for (int k = 0; k < NCODES; k++) {
		int n = 0, best = -1;

		for (int c = 0; c < 36; c++) {
			if (top[k][c] >= CTC_CAND_FLOOR)
				mm->cand[k][n++] = (unsigned char)c;
			if (top[k][c] > -INFINITY && (best < 0 || top[k][c] > top[k][best]))
				best = c;
		}
		if (!n && best >= 0)
			mm->cand[k][n++] = (unsigned char)best;
		mm->cand[k][n] = CTC_END;
	}
}

int rd_syntax_decode_ctc(const float (*logp)[RD_CLASSES], enum anpr_region region,
			 struct rd_decoded *out)
{
	static _Thread_local struct ctc_memo mm;
	struct ctc_pos pos[MAXM];
	float best = -INFINITY, lsum = 0, rsum = 0;
	int bf = -1, bcls[MAXM] = { 0 };

	memset(out, 0, sizeof(*out));
	ctc_memo(logp, &mm);
	for (int f = 0; f < NFMT; f++) {
		int m = (int)strlen(formats[f].pat), cls[MAXM] = { 0 };
		float conf[MAXM], s;

		if (region != ANPR_REGION_AUTO && formats[f].region != region)
			continue;
		if (m < RD_MIN_FMT)
			continue;
		for (int j = 0; j < m; j++) {
			int k = code_index(formats[f].pat[j]);

			pos[j] = (struct ctc_pos){ &mm.le[0][k][0], NCODES * 36,
						   mm.cand[k] };
		}
		s = ctc_viterbi(logp, pos, m, cls, conf);
		if (s == -INFINITY || !fmt_valid(f, cls))
			continue;
		s += formats[f].prior;
		if (s > best) {
			best = s;
			bf = f;
			memcpy(bcls, cls, sizeof(int) * m);
			memcpy(out->conf, conf, sizeof(float) * m);
		}
	}
	if (bf < 0)
		return -1;
	out->n = (int)strlen(formats[bf].pat);
	for (int j = 0; j < out->n; j++) {
		out->text[j] = rd_class_char(bcls[j]);
		lsum += lg(out->conf[j]);
		rsum += fmaxf(lg(out->conf[j]), RANK_FLOOR);
	}
	out->text[out->n] = 0;
	/* For ranking, as rd_syntax_decode's: the path's log-probability
	 * chose the format, but it sums 32 steps, not the characters. */
	out->score = rsum / (float)out->n + formats[bf].prior;
	out->confidence = expf(lsum / (float)out->n);
	out->region = reported_region(bf, region);
	out->format = formats[bf].name;
	return 0;
}

float rd_ctc_text_score(const float (*logp)[RD_CLASSES], const char *text)
{
	struct ctc_pos pos[MAXM];
	unsigned char one[MAXM][2];
	int m = (int)strlen(text);

	if (m < 1 || m > MAXM)
		return -INFINITY;
	for (int j = 0; j < m; j++) {
		int c = rd_char_class(text[j]);

		if (c < 0)
			return -INFINITY;
		one[j][0] = (unsigned char)c;
		one[j][1] = CTC_END;
		pos[j] = (struct ctc_pos){ &logp[0][0], RD_CLASSES, one[j] };
	}
	return ctc_viterbi(logp, pos, m, NULL, NULL);
}
