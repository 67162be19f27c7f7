// SPDX-License-Identifier: MIT
/*
 * reader.c - the per-frame pipeline:
 *   1. an area pyramid (halvings) so characters of every searched height
 *      appear 10..44 px tall on some level;
 *   2. per level, an integral image and a local-mean threshold giving both
 *      polarities at once (dark characters on a bright plate, as in IR and
 *      most photos, and bright on dark);
 *   3. connected components of each polarity, kept if character-like;
 *   4. components chained into text lines (group.c);
 *   5. each component of a line cut out and classified (charnorm.c,
 *      charnet.c), the line decoded under the region's formats (syntax.c);
 *      a line that reads as a plate is cut again within its own band
 *      (segment.c) and read again;
 *   6. readings ranked, overlapping ones suppressed, best first (rank.c).
 * Buffers grow when a frame is larger than any before, never otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reader/reader_int.h"
#include "reader/reader_hook.h"

#define MAX_LEVELS	4
#define LEVEL_MIN_H	8	/* character heights searched on a level */
#define LEVEL_MAX_H	44
#define LEVEL_HANDOFF_H	20	/* finer level already covers below this */
/*
 * Local-mean thresholds, window radius and offset: over 19 x 19 on every
 * level, a low offset for faint plates and a high one that cuts characters
 * free of frames, bolts and noise; over 7 x 7 (about a stroke and its
 * surround) on the finest level only, where characters are small: one
 * comes free of a frame or border passing within a few pixels of it, which
 * the wide window sees as one dark mass. (On the coarser levels it gained
 * one Brazilian plate for a quarter more time in all.) The faint threshold
 * seeks dark characters only: its light side is mostly noise (a fifth of
 * all the time spent) and read no plate of any set that the others missed.
 */
#define POL_DARK	1	/* dark characters on a light plate */
#define POL_LIGHT	2
static const struct {
	int radius, offset, finest_only, polarities;
} thresholds[] = {
	{ 9, 6, 0, POL_DARK },
	{ 9, 14, 0, POL_DARK | POL_LIGHT },
	{ 9, 28, 0, POL_DARK | POL_LIGHT },
	{ 3, 14, 1, POL_DARK | POL_LIGHT },
};
#define N_THRESHOLDS ((int)(sizeof(thresholds) / sizeof(thresholds[0])))
#define MAX_LINES	256
#define MAX_STACKED	16	/* two-row plates per level, polarity, offset */
#define MAX_CANDS	64
#define MAX_REGIONS	64
#define MAX_GROUNDS	256	/* plate grounds cut per pass (ground.c) ... */
#define MAX_PIECES	256	/* ... into at most this many pieces */
#define CACHE_SLOTS	2048	/* classified components per level+polarity */
/* Plate evidence in region gb (plate.c, rd_plate_like): a reading
 * without it has its confidence scaled down to at most NOT_PLATE_CONF
 * (below anprd's alert floor, 0.5) and its rank lowered by NOT_PLATE_COST
 * (more than any bonus a plate gets: it ranks below every plate that has
 * the evidence). */
#define NOT_PLATE_CONF		0.4f
/* The character reader's own confidence (the geometric mean of its
 * characters', syntax.c) below which a line is no candidate at all; the
 * confidence reported is calibrated from the rank (rank.c), and
 * cfg.min_confidence applies to that. */
#define RAW_FLOOR		0.25f
#define NOT_PLATE_COST		3.0f

/* A component already classified on this level and polarity (the same box
 * gives the same patch, so the same probabilities). */
struct cache_slot {
	struct rd_comp key;
	int dark;
	int used;
	float prob[RD_CLASSES];
};

struct anpr_reader {
	struct anpr_reader_config cfg;
	const struct anpr_kern_ops *k;
	struct rd_net *net;
	struct rd_linenet *lnet;	/* the line recognizer, or NULL */
	float lband[RD_BAND_H * RD_BAND_W];
	float llogp[RD_LN_T][RD_CLASSES];
	struct rd_buf level[MAX_LEVELS];
	struct rd_buf ii;
	struct rd_buf mask;
	struct rd_buf band;		/* a line's band (segment.c) */
	struct rd_buf chars;
	struct rd_comp grounds[MAX_GROUNDS];	/* of a pass (ground.c) */
	struct rd_ccl ccl;
	struct rd_line lines[MAX_LINES];
	struct rd_line reseg;		/* a line cut again (segment.c) */
	struct rd_line stacked[MAX_STACKED];	/* two-row plates */
	struct rd_cand cands[MAX_CANDS];
	int ncands;
	float prob[RD_MAX_LINE][RD_CLASSES];
	float patch[RD_MAX_LINE][RD_CH_H * RD_CH_W];
	rd_line_hook hook;
	void *hook_ctx;
	struct rd_activity act;
	struct rd_rect regions[MAX_REGIONS];
	struct cache_slot *cache;	/* CACHE_SLOTS */
	int cache_fill;
	int frame_w, frame_h;		/* of the frame being read */
	struct rd_unread unread;	/* plates found, not read (unread.c) */
};

static const char *const region_names[ANPR_REGION_COUNT] = {
	"auto", "gb", "eu", "us", "br",
};

const char *anpr_region_name(enum anpr_region region)
{
	return (unsigned)region < ANPR_REGION_COUNT ? region_names[region] : "?";
}

int anpr_region_parse(const char *name)
{
	for (int i = 0; i < ANPR_REGION_COUNT; i++)
		if (name && strcmp(name, region_names[i]) == 0)
			return i;
	return -1;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void anpr_reader_config_default(struct anpr_reader_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->region = ANPR_REGION_AUTO;
	cfg->simd = -1;
	cfg->min_char_px = 8;
	cfg->max_char_px = 180;
	cfg->min_confidence = 0.25f;
	cfg->line_reread = 3;
}

static struct anpr_reader *create(const struct anpr_reader_config *cfg,
				  int want_net, char *err, size_t errlen)
{
	struct anpr_reader *r;

	if (!cfg || (unsigned)cfg->region >= ANPR_REGION_COUNT ||
	    cfg->min_char_px < 1 || cfg->max_char_px < cfg->min_char_px ||
	    cfg->line_reread < 0 || cfg->line_reread > ANPR_READER_MAX_PLATES) {
		snprintf(err, errlen, "reader: bad configuration (region, "
			 "character height range, or line_reread not 0..%d)",
			 ANPR_READER_MAX_PLATES);
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "reader: out of memory");
		return NULL;
	}
	r->cfg = *cfg;
	if (!r->cfg.clock_ns)
		r->cfg.clock_ns = thread_cpu_ns;
	if (cfg->simd < 0) {
		r->k = anpr_kern_best();
	} else {
		r->k = cfg->simd < ANPR_SIMD_COUNT ?
		       anpr_kern_get((enum anpr_simd)cfg->simd) : NULL;
		if (!r->k) {
			snprintf(err, errlen, "reader: SIMD level %d is not "
				 "available on this CPU or build", cfg->simd);
			free(r);
			return NULL;
		}
	}
	r->cache = calloc(CACHE_SLOTS, sizeof(*r->cache));
	if (!r->cache) {
		snprintf(err, errlen, "reader: out of memory");
		free(r);
		return NULL;
	}
	if (want_net) {
		if (cfg->weights_path)
			r->net = rd_net_load(cfg->weights_path, err, errlen);
		else
			r->net = rd_net_parse(anpr_reader_weights,
					      (size_t)anpr_reader_weights_len,
					      "<built-in weights>", err, errlen);
		if (!r->net) {
			free(r->cache);
			free(r);
			return NULL;
		}
		if (cfg->line_reread) {	/* 0: no line recognizer */
			r->lnet = cfg->line_weights_path ?
				  rd_linenet_load(cfg->line_weights_path, err, errlen) :
				  rd_linenet_parse(anpr_reader_line_weights,
						   (size_t)anpr_reader_line_weights_len,
						   "<built-in line weights>", err, errlen);
			if (!r->lnet) {
				rd_net_free(r->net);
				free(r->cache);
				free(r);
				return NULL;
			}
		}
	}
	return r;
}

struct anpr_reader *anpr_reader_create(const struct anpr_reader_config *cfg,
				       char *err, size_t errlen)
{
	return create(cfg, 1, err, errlen);
}

struct anpr_reader *rd_reader_create_hooked(const struct anpr_reader_config *cfg,
					    int with_net, rd_line_hook hook,
					    void *ctx, char *err, size_t errlen)
{
	struct anpr_reader *r = create(cfg, with_net, err, errlen);

	if (r) {
		r->hook = hook;
		r->hook_ctx = ctx;
	}
	return r;
}

void anpr_reader_destroy(struct anpr_reader *r)
{
	if (!r)
		return;
	for (int i = 0; i < MAX_LEVELS; i++)
		rd_buf_free(&r->level[i]);
	rd_buf_free(&r->ii);
	rd_buf_free(&r->mask);
	rd_buf_free(&r->band);
	rd_buf_free(&r->chars);
	rd_ccl_free(&r->ccl);
	rd_activity_free(&r->act);
	rd_net_free(r->net);
	rd_linenet_free(r->lnet);
	free(r->cache);
	free(r);
}

const char *anpr_reader_simd(const struct anpr_reader *r)
{
	return r->k->name;
}

void rd_line_geometry(const struct rd_line *l, int s, struct anpr_plate *p)
{
	float x0 = 1e9f, x1 = -1e9f, cx = 0, cy = 0;
	float h = l->height, mx = RD_QUAD_MARGIN_X * h, my = RD_QUAD_MARGIN_Y * h;

	for (int i = 0; i < l->n; i++) {
		if (l->c[i].x0 < x0)
			x0 = (float)l->c[i].x0;
		if (l->c[i].x1 > x1)
			x1 = (float)l->c[i].x1;
		cx += 0.5f * (float)(l->c[i].x0 + l->c[i].x1);
		cy += 0.5f * (float)(l->c[i].y0 + l->c[i].y1);
	}
	cx /= (float)l->n;
	cy /= (float)l->n;
	x0 -= mx;
	x1 += mx;
	float hh = 0.5f * h + my;

	if (l->rows > 1) {
		/* Both rows, from the top of the upper to the foot of the
		 * lower, measured along the slope. */
		float top = 1e9f, foot = -1e9f;

		for (int i = 0; i < l->n; i++) {
			float dx = 0.5f * (float)(l->c[i].x0 + l->c[i].x1) - cx;

			top = fminf(top, (float)l->c[i].y0 - l->slope * dx);
			foot = fmaxf(foot, (float)l->c[i].y1 - l->slope * dx);
		}
		cy = 0.5f * (top + foot);
		hh = 0.5f * (foot - top) + my;
	}
	float yl = cy + l->slope * (x0 - cx), yr = cy + l->slope * (x1 - cx);
	float q[8] = { x0, yl - hh, x1, yr - hh, x1, yr + hh, x0, yl + hh };
	float bx0 = 1e9f, by0 = 1e9f, bx1 = -1e9f, by1 = -1e9f;

	for (int i = 0; i < 4; i++) {
		q[2 * i] = q[2 * i] * (float)s;
		q[2 * i + 1] = q[2 * i + 1] * (float)s;
		bx0 = fminf(bx0, q[2 * i]);
		bx1 = fmaxf(bx1, q[2 * i]);
		by0 = fminf(by0, q[2 * i + 1]);
		by1 = fmaxf(by1, q[2 * i + 1]);
	}
	memcpy(p->quad, q, sizeof(q));
	p->box[0] = (int)lrintf(bx0);
	p->box[1] = (int)lrintf(by0);
	p->box[2] = (int)lrintf(bx1 - bx0);
	p->box[3] = (int)lrintf(by1 - by0);
	p->char_height = h * (float)s;
	p->rows = l->rows;
}

static void cache_reset(struct anpr_reader *r)
{
	if (r->cache_fill)
		for (int i = 0; i < CACHE_SLOTS; i++)
			r->cache[i].used = 0;
	r->cache_fill = 0;
}

static void classify(struct anpr_reader *r, const struct rd_comp *c, int dark,
		     const float *patch, float *prob)
{
	uint32_t hsh = (uint32_t)c->x0 * 73856093u ^ (uint32_t)c->y0 * 19349663u ^
		       (uint32_t)c->x1 * 83492791u ^ (uint32_t)c->y1 * 2654435761u ^
		       (uint32_t)dark;
	struct cache_slot *slot = NULL;

	for (int probe = 0; probe < 8; probe++) {
		struct cache_slot *e = &r->cache[(hsh + (uint32_t)probe) % CACHE_SLOTS];

		if (!e->used) {
			slot = e;
			break;
		}
		if (e->dark == dark && e->key.x0 == c->x0 && e->key.y0 == c->y0 &&
		    e->key.x1 == c->x1 && e->key.y1 == c->y1) {
			memcpy(prob, e->prob, sizeof(e->prob));
			return;
		}
	}
	rd_net_run(r->net, r->k, patch, prob);
	if (slot && r->cache_fill < CACHE_SLOTS / 2) {
		slot->used = 1;
		slot->key = *c;
		slot->dark = dark;
		memcpy(slot->prob, prob, sizeof(slot->prob));
		r->cache_fill++;
	}
}

/* Read one line; 1 if it gave a candidate plate. */
static int recognise(struct anpr_reader *r, const uint8_t *img, size_t stride,
		     int w, int h, const struct rd_line *l, int s, int ox,
		     int oy, int dark)
{
	struct rd_line at = *l;	/* in level coordinates, not the region's */
	struct rd_decoded d;
	struct rd_cand *c;
	int n = l->n, not_plate = 0;
	float free_adjust = 0;
	int x0[ANPR_READER_MAX_CHARS] = { 0 }, x1[ANPR_READER_MAX_CHARS] = { 0 };

	for (int i = 0; i < n; i++) {
		rd_norm_char(img, stride, w, h, &l->c[i], dark, r->patch[i]);
		at.c[i].x0 += ox;
		at.c[i].x1 += ox;
		at.c[i].y0 += oy;
		at.c[i].y1 += oy;
	}
	if (r->hook)
		r->hook(r->hook_ctx, &at, s, dark, &r->patch[0][0]);
	if (!r->net)
		return 1;
	for (int i = 0; i < n; i++) {
		classify(r, &l->c[i], dark, r->patch[i], r->prob[i]);
		if (r->cfg.region == ANPR_REGION_GB)
			rd_bar_prior((float)(l->c[i].x1 - l->c[i].x0),
				     (float)(l->c[i].y1 - l->c[i].y0), r->prob[i]);
	}
	rd_line_prior(l, r->prob);
	if (rd_syntax_decode((const float (*)[RD_CLASSES])r->prob, n,
			     r->cfg.region, &d) || d.confidence < RAW_FLOOR) {
		if (r->cfg.region == ANPR_REGION_GB)
			rd_unread_line(&r->unread, &at, s, d.n ? ANPR_UNREAD_NOT_READ
							      : ANPR_UNREAD_NO_FORMAT);
		return 0;
	}
	/* A UK camera's frames are infrared: a plate's ground is
	 * retroreflective, lettering's is paint (plate.c). A reading without
	 * that evidence is kept, but below any alerting confidence and ranked
	 * below the plates (docs/reader.md, "A plate, not text"). */
	if (r->cfg.region == ANPR_REGION_GB) {
		struct rd_plate_ev ev;

		rd_plate_measure(img, stride, w, h, l, dark, &ev);
		for (int j = 0; j < d.n; j++) {
			x0[j] = l->c[d.pick[j]].x0;
			x1[j] = l->c[d.pick[j]].x1;
		}
		not_plate = !rd_plate_like(&ev, dark, d.text, d.region, d.format);
		/* Characters not spaced as a UK plate's: a foreign plate,
		 * if they read as one, else no plate. Chosen among the
		 * overlapping readings on the UK reading's rank, then ranked
		 * on its own (free_adjust), as the line recognizer's reading
		 * of such a line again is (rd_line_overrule). */
		if (!not_plate && !rd_plate_layout(x0, x1, d.n, l->height,
						   l->rows, d.text, d.format)) {
			struct rd_decoded f;

			if (!rd_syntax_decode_free((const float (*)[RD_CLASSES])r->prob,
						   n, r->cfg.region, &f) &&
			    f.confidence >= RAW_FLOOR &&
			    rd_plate_like(&ev, dark, f.text, f.region, f.format)) {
				free_adjust = f.score - d.score;
				f.score = d.score;
				d = f;
			} else {
				not_plate = 1;
			}
		}
		if (not_plate) {
			d.confidence *= NOT_PLATE_CONF;
			if (d.confidence < RAW_FLOOR)
				return 0;
		}
	}
	if (r->ncands >= MAX_CANDS)
		return 0;
	c = &r->cands[r->ncands++];
	memset(c, 0, sizeof(*c));
	memcpy(c->p.text, d.text, sizeof(d.text));
	memcpy(c->p.char_conf, d.conf, sizeof(d.conf));
	c->p.nchars = d.n;
	c->p.confidence = d.confidence;
	c->p.region = d.region;
	c->p.format = d.format;
	c->p.dark_on_light = dark;
	rd_line_geometry(&at, s, &c->p);
	c->score = d.score;
	/* Plates are usually the largest text around them (overlays, dealer
	 * frames and stickers are smaller): a little for size. */
	c->rank = rd_rank_reading(d.score, c->p.char_height, dark,
				  rd_at_edge(c->p.quad, c->p.char_height,
					     r->frame_w, r->frame_h));
	if (not_plate) {
		c->not_plate = 1;
		c->p.not_plate = 1;
		c->rank -= NOT_PLATE_COST;
	}
	c->free_adjust = free_adjust;
	memcpy(c->x0, x0, sizeof(x0));
	memcpy(c->x1, x1, sizeof(x1));
	c->nx = d.n;
	c->ncomp = l->n;
	c->h = l->height;
	return 1;
}

/* The dark characters between the gaps of light line @l; 0 or ENOMEM. */
static int read_gaps(struct anpr_reader *r, const uint8_t *img, size_t stride,
		     int w, int h, const struct rd_line *l, int s, int ox,
		     int oy)
{
	int rs = rd_resegment(&r->ccl, &r->band, r->k, r->mask.p, (size_t)w,
			      w, h, 1, 1, l, &r->reseg);

	if (rs < 0)
		return ANPR_READER_ENOMEM;
	if (rs)
		recognise(r, img, stride, w, h, &r->reseg, s, ox, oy, 1);
	return 0;
}

static int do_level(struct anpr_reader *r, const uint8_t *img, size_t stride,
		    int w, int h, int s, int ox, int oy, int min_h, int max_h)
{
	size_t is = (size_t)w + 1;
	struct rd_comp *chars;

	if (rd_reserve(&r->ii, is * (h + 1) * sizeof(uint32_t)) ||
	    rd_reserve(&r->mask, (size_t)w * h))
		return ANPR_READER_ENOMEM;
	anpr_k_integral(r->k, img, stride, w, h, r->ii.p, is);
	cache_reset(r);
	for (int v = 0; v < N_THRESHOLDS; v++) {
	if (thresholds[v].finest_only && s > 1)
		continue;
	anpr_k_local_mean(r->k, img, stride, w, h, r->ii.p, is,
			  thresholds[v].radius, thresholds[v].offset, r->mask.p,
			  (size_t)w);
	for (int pol = 0; pol < 2; pol++) {
		if (!(thresholds[v].polarities & (pol ? POL_LIGHT : POL_DARK)))
			continue;
		/* Light components taller and wider than characters are kept
		 * for the plate grounds among them (ground.c). */
		int n = rd_ccl_label(&r->ccl, r->k, r->mask.p, (size_t)w, w, h,
				     (uint8_t)(pol ? 2 : 1), min_h,
				     pol ? 3 * max_h : max_h,
				     pol ? w : max_h + max_h / 8, max_h + max_h / 8);
		int nc = 0, ng = 0, nl, ns;

		if (n < 0 || rd_reserve(&r->chars, (size_t)(n + 1 + MAX_PIECES) * sizeof(*chars)))
			return ANPR_READER_ENOMEM;
		chars = r->chars.p;
		for (int i = 0; i < n; i++) {
			const struct rd_comp *c = (const struct rd_comp *)r->ccl.comps.p + i;

			if (rd_char_like(c, min_h, max_h))
				chars[nc++] = *c;
			else if (pol && ng < MAX_GROUNDS &&
				 rd_ground_like(c, max_h, max_h + max_h / 8))
				r->grounds[ng++] = *c;
		}
		/* Their pieces join the light characters: a light line of them
		 * is cut for the dark characters between (read_gaps). */
		for (int i = 0, lim = nc + MAX_PIECES; i < ng; i++)
			if (rd_ground_pieces(&r->ccl, r->k, r->mask.p, (size_t)w, 2,
					     &r->grounds[i], min_h, max_h, chars,
					     &nc, lim))
				return ANPR_READER_ENOMEM;
		/* Rows of 3 count only as half of a two-row plate. */
		nl = rd_group_lines(chars, nc, 3, r->lines, MAX_LINES);
		for (int i = 0; i < nl; i++) {
			int rs;

			if (r->lines[i].n < 4)
				continue;

			/* A line that reads as a plate is cut again within
			 * its band (segment.c); both readings compete. A
			 * light line that reads as nothing may be the plate's
			 * ground between dark characters joined to a frame:
			 * its band is searched for them. */
			if (!recognise(r, img, stride, w, h, &r->lines[i], s, ox,
				       oy, pol == 0)) {
				if (pol == 1 && read_gaps(r, img, stride, w, h,
							  &r->lines[i], s, ox, oy))
					return ANPR_READER_ENOMEM;
				continue;
			}
			rs = rd_resegment(&r->ccl, &r->band, r->k, r->mask.p,
					  (size_t)w, w, h,
					  (uint8_t)(pol ? 2 : 1), 0, &r->lines[i],
					  &r->reseg);
			if (rs < 0)
				return ANPR_READER_ENOMEM;
			if (rs)
				recognise(r, img, stride, w, h, &r->reseg, s, ox, oy,
					  pol == 0);
		}
		ns = rd_stack_lines(r->lines, nl, r->stacked, MAX_STACKED);
		for (int i = 0; i < ns; i++)
			recognise(r, img, stride, w, h, &r->stacked[i], s, ox, oy,
				  pol == 0);
	}
	}
	/* Plates' grounds, whatever is on them (unread.c): region gb only,
	 * from the second level on (a ground is found whole at a quarter of
	 * the pixels; the finest level would cost the most). */
	if (r->cfg.region == ANPR_REGION_GB && s >= 2 &&
	    rd_unread_scan(&r->unread, &r->ccl, r->k, img, stride, w, h, r->ii.p,
			   is, r->mask.p, min_h, max_h, s, ox, oy))
		return ANPR_READER_ENOMEM;
	return 0;
}

/* The line recognizer's second opinion (rank.c: rd_line_doubted,
 * rd_line_overrule) on a reading of the frame. */
static void second_opinion(struct anpr_reader *r, const uint8_t *pixels,
			   int width, int height, size_t stride,
			   struct rd_cand *c)
{
	/* Not a plate whatever it reads: not worth 0.85 ms. */
	if (c->not_plate || !rd_line_doubted(&c->p))
		return;
	rd_quad_band(pixels, stride, width, height, c->p.quad, c->p.dark_on_light,
		     r->lband);
	rd_linenet_run(r->lnet, r->k, r->lband, r->llogp);
	if (!rd_line_overrule(c, (const float (*)[RD_CLASSES])r->llogp,
			      r->cfg.region, RAW_FLOOR))
		return;
	/* The text rule (rd_text_plate_like) and the layout
	 * (rd_plate_layout) were met by the character reader's text: the
	 * line recognizer's may be a word or a number alone (8ARBER5 read
	 * again as BARBERS), or a UK mark whose space is not where the
	 * characters' is (KL01G, a word's letters evenly spaced, read
	 * again as the suffix mark KLO1G), which is no plate; a text of
	 * another length has no columns to judge it on, and stands (a
	 * character the character reader lost is often what it adds). */
	if (r->cfg.region == ANPR_REGION_GB &&
	    (!rd_text_plate_like(c->p.text, c->p.region, c->p.format) ||
	     (c->p.nchars == c->nx &&
	      !rd_plate_layout(c->x0, c->x1, c->nx, c->h, c->p.rows,
			       c->p.text, c->p.format)))) {
		c->not_plate = 1;
		c->p.not_plate = 1;
		c->rank -= NOT_PLATE_COST;
	}
}

struct level {
	const uint8_t *img;
	size_t stride;
	int w, h;
};

int anpr_reader_read(struct anpr_reader *r, const uint8_t *pixels, int width,
		     int height, size_t stride, struct anpr_read *out)
{
	struct level lv[MAX_LEVELS];
	struct rd_rect full = { 0, 0, width, height };
	const struct rd_rect *regs = &full;
	int nlv = 0, nreg = 1, prev_done = 0, rc = 0;
	uint64_t t0;

	memset(out, 0, sizeof(*out));
	if (!r || !pixels || width < 1 || height < 1 ||
	    width > ANPR_READER_MAX_DIM || height > ANPR_READER_MAX_DIM ||
	    stride < (size_t)width)
		return ANPR_READER_EINVAL;
	t0 = r->cfg.clock_ns();
	r->ncands = 0;
	rd_unread_reset(&r->unread);
	r->frame_w = width;
	r->frame_h = height;
	/* Warm-up: size every per-level buffer for the whole frame, so later
	 * frames no larger allocate nothing, whatever regions they have. */
	if (rd_reserve(&r->ii, ((size_t)width + 1) * ((size_t)height + 1) * sizeof(uint32_t)) ||
	    rd_reserve(&r->mask, (size_t)width * height) ||
	    rd_reserve(&r->band, rd_band_bytes(width, height)) ||
	    rd_ccl_reserve(&r->ccl, width, height) ||
	    rd_reserve(&r->chars, ((size_t)width * height / 2 + (size_t)height + 2 +
				MAX_PIECES) * sizeof(struct rd_comp))) {
		rc = ANPR_READER_ENOMEM;
		goto done;
	}
	/* The pyramid, as deep as the largest characters searched need. */
	lv[nlv++] = (struct level){ pixels, stride, width, height };
	while (nlv < MAX_LEVELS && r->cfg.max_char_px / (1 << (nlv - 1)) >= 2 * LEVEL_MIN_H &&
	       lv[nlv - 1].w / 2 >= 16 && lv[nlv - 1].h / 2 >= 16) {
		const struct level *p = &lv[nlv - 1];
		int nw = p->w / 2, nh = p->h / 2;
		size_t ns = ((size_t)nw + 63) & ~(size_t)63;

		if (rd_reserve(&r->level[nlv], ns * nh + 64)) {
			rc = ANPR_READER_ENOMEM;
			goto done;
		}
		anpr_k_halve(r->k, p->img, p->stride, p->w, p->h, r->level[nlv].p, ns);
		lv[nlv] = (struct level){ r->level[nlv].p, ns, nw, nh };
		nlv++;
	}
	/* Only the parts of the frame with something in them. */
	if (nlv > 1) {
		int n = rd_activity_regions(&r->act, r->k, lv[1].img, lv[1].stride,
					    lv[1].w, lv[1].h, 1 << (MAX_LEVELS - 1),
					    r->regions, MAX_REGIONS);

		if (n >= 0) {
			regs = r->regions;
			nreg = n;
		}
	}
	for (int l = 0, s = 1; l < nlv; l++, s *= 2) {
		int lo = prev_done ? LEVEL_HANDOFF_H : LEVEL_MIN_H, hi = LEVEL_MAX_H;
		int flo = (r->cfg.min_char_px + s - 1) / s, fhi = r->cfg.max_char_px / s;

		if (flo > lo)
			lo = flo;
		if (fhi < hi)
			hi = fhi;
		prev_done = lo <= hi;
		if (!prev_done)
			continue;
		for (int g = 0; g < nreg; g++) {
			int x0 = regs[g].x0 / s, y0 = regs[g].y0 / s;
			int x1 = regs[g].x1 / s, y1 = regs[g].y1 / s;

			x1 = x1 > lv[l].w ? lv[l].w : x1;
			y1 = y1 > lv[l].h ? lv[l].h : y1;
			if (x1 - x0 < 16 || y1 - y0 < 16)
				continue;
			rc = do_level(r, lv[l].img + (size_t)y0 * lv[l].stride + x0,
				      lv[l].stride, x1 - x0, y1 - y0, s, x0, y0, lo, hi);
			if (rc)
				goto done;
		}
	}
done:
	rd_rank_agree(r->cands, r->ncands);
	out->nplates = rd_rank_select(r->cands, r->ncands, ANPR_READER_MAX_PLATES);
	out->candidates = r->ncands;
	if (r->lnet) {
		for (int i = 0; i < out->nplates && i < r->cfg.line_reread; i++)
			second_opinion(r, pixels, width, height, stride, &r->cands[i]);
	}
	for (int i = 0; i < out->nplates; i++)
		if (!r->cands[i].p.line_read)
			r->cands[i].rank += r->cands[i].free_adjust;
	rd_rank_resort(r->cands, out->nplates);
	{
		for (int i = 0; i < out->nplates; i++) {
			out->plates[i] = r->cands[i].p;
			out->plates[i].rank = r->cands[i].rank;
		}
		/* The confidence reported is calibrated from the rank, and
		 * anprd's floor applies to it (rank.c). */
		out->nplates = rd_rank_finish(out->plates, out->nplates,
					      r->cfg.region, NOT_PLATE_CONF,
					      r->cfg.min_confidence);
	}
	out->nunread = rd_unread_finish(&r->unread, out->plates, out->nplates,
					r->cands, r->ncands, out->unread,
					ANPR_READER_MAX_UNREAD);
	out->ns = r->cfg.clock_ns() - t0;
	return rc;
}
