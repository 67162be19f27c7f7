/* SPDX-License-Identifier: MIT */
/*
 * health.h - camera health from the frames themselves: a view that is
 * black (covered, lamp failed), saturated (blooming, sun, a light into
 * the lens), badly blurred (dirty, misted, knocked out of focus) or frozen
 * (the same frame over and over: a stuck feed). Pure functions over 8-bit
 * grey frames and per-source state; time comes in with each frame.
 *
 * Conditions are raised after they held for `hold` consecutive checks and
 * cleared after they were absent as long (no flapping); frozen is raised
 * when the view has not changed for frozen_after and clears on the first
 * changed frame. Blur is not judged on a black or saturated view.
 */
#ifndef ANPRD_HEALTH_H
#define ANPRD_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* A grey frame (same layout as struct anpr_image). */
struct grey_view {
	const uint8_t *data;
	int width, height;
	size_t stride;
};

enum health_cond {
	HEALTH_BLACK = 1u << 0,
	HEALTH_SATURATED = 1u << 1,
	HEALTH_BLURRED = 1u << 2,
	HEALTH_FROZEN = 1u << 3,
	/* not of the view: many of the last vehicles' plates found but not
	 * read (core/unread_rate.h; raised by the decision, not here) */
	HEALTH_UNREADABLE = 1u << 4,
};

struct health_params {
	double black_level;		/* mean grey below: black */
	double saturated_fraction;	/* share of pixels >= 250 above */
	double blur_min;		/* Laplacian variance below: blurred */
	int64_t frozen_after_us;
	double frozen_diff;		/* mean |change| of the sampled pixels
					   at or below which frames are "the
					   same" */
	int hold;			/* checks a change must persist */
};

struct health_metrics {
	double mean;		/* mean grey */
	double saturated;	/* share of pixels >= 250 */
	double sharpness;	/* variance of the 4-neighbour Laplacian of
				   the 2x2 block means */
	double change;		/* mean |difference| of sampled pixels
				   against the previous check; -1 first */
};

#define HEALTH_SIG_W 64
#define HEALTH_SIG_H 36

struct health_state {
	unsigned active;		/* raised conditions */
	int streak[4];			/* consecutive checks disagreeing
					   with `active`, per condition */
	int have_sig;
	uint8_t sig[HEALTH_SIG_W * HEALTH_SIG_H];
	int64_t last_change_us;
};

void health_params_default(struct health_params *p);
void health_state_init(struct health_state *s);

/* health_measure - the metrics of one frame (change left at -1).
 * -1 if the view is empty or smaller than 6x6. */
int health_measure(const struct grey_view *f, struct health_metrics *m);

/*
 * health_check - measure f (captured at t_us), update s, and return the
 * conditions whose state changed (XOR of before and after; s->active has
 * the new state), or -1 on a bad view.
 */
int health_check(struct health_state *s, const struct health_params *p,
		 const struct grey_view *f, int64_t t_us,
		 struct health_metrics *m);

/* "black", "saturated", "blurred", "frozen", "unreadable-plates". */
const char *health_cond_name(unsigned cond);

#endif
