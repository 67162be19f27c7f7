// SPDX-License-Identifier: MIT
/* health.c - camera health checks over grey frames; see health.h. */
#include "core/health.h"

#include <stdlib.h>
#include <string.h>

void health_params_default(struct health_params *p)
{
	p->black_level = 8.0;
	p->saturated_fraction = 0.6;
	p->blur_min = 15.0;
	p->frozen_after_us = 10000000;
	p->frozen_diff = 0.05;
	p->hold = 3;
}

void health_state_init(struct health_state *s)
{
	memset(s, 0, sizeof(*s));
}

const char *health_cond_name(unsigned cond)
{
	switch (cond) {
	case HEALTH_BLACK: return "black";
	case HEALTH_SATURATED: return "saturated";
	case HEALTH_BLURRED: return "blurred";
	case HEALTH_FROZEN: return "frozen";
	case HEALTH_UNREADABLE: return "unreadable-plates";
	default: return "unknown";
	}
}

int health_measure(const struct grey_view *f, struct health_metrics *m)
{
	uint64_t sum = 0, sat = 0, n = 0;
	double ls = 0, ls2 = 0;
	uint64_t ln = 0;

	if (!f->data || f->width < 6 || f->height < 6 ||
	    f->stride < (size_t)f->width)
		return -1;
	for (int y = 0; y < f->height; y++) {
		const uint8_t *r = f->data + (size_t)y * f->stride;
		for (int x = 0; x < f->width; x++) {
			sum += r[x];
			sat += r[x] >= 250;
		}
		n += (uint64_t)f->width;
	}
	/* Laplacian over 2x2 block sums: sensor noise is averaged down
	 * (variance / 4) while real edges stay, so noise alone does not
	 * pass for a sharp view. */
	int bw = f->width / 2, bh = f->height / 2;
	uint16_t *b = malloc((size_t)bw * (size_t)bh * sizeof(*b));
	if (!b)
		return -1;
	for (int y = 0; y < bh; y++) {
		const uint8_t *r0 = f->data + (size_t)(2 * y) * f->stride;
		const uint8_t *r1 = r0 + f->stride;
		for (int x = 0; x < bw; x++)
			b[(size_t)y * bw + x] = (uint16_t)(r0[2 * x] +
				r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]);
	}
	for (int y = 1; y < bh - 1; y++) {
		const uint16_t *r = b + (size_t)y * bw;
		for (int x = 1; x < bw - 1; x++) {
			/* block sums are 4x the mean: scale back */
			double l = (4.0 * r[x] - r[x - 1] - r[x + 1] -
				    r[x - bw] - r[x + bw]) / 4.0;
			ls += l;
			ls2 += l * l;
			ln++;
		}
	}
	free(b);
	m->mean = (double)sum / (double)n;
	m->saturated = (double)sat / (double)n;
	m->sharpness = ln ? ls2 / (double)ln - (ls / (double)ln) *
					      (ls / (double)ln) : 0;
	m->change = -1;
	return 0;
}

/* Single pixels on a grid: sensor noise keeps a live view changing, a
 * stuck feed repeats them exactly. */
static void signature(const struct grey_view *f, uint8_t *sig)
{
	for (int j = 0; j < HEALTH_SIG_H; j++) {
		int y = (int)(((int64_t)j * 2 + 1) * f->height /
			      (2 * HEALTH_SIG_H));
		const uint8_t *r = f->data + (size_t)y * f->stride;
		for (int i = 0; i < HEALTH_SIG_W; i++) {
			int x = (int)(((int64_t)i * 2 + 1) * f->width /
				      (2 * HEALTH_SIG_W));
			sig[j * HEALTH_SIG_W + i] = r[x];
		}
	}
}

static int bit_index(unsigned c)
{
	return c == HEALTH_BLACK ? 0 : c == HEALTH_SATURATED ? 1 :
	       c == HEALTH_BLURRED ? 2 : 3;
}

/* Debounce: flip condition c after `hold` checks that disagree. */
static void debounce(struct health_state *s, unsigned c, int now, int hold)
{
	int i = bit_index(c);
	int was = (s->active & c) != 0;

	if (now == was) {
		s->streak[i] = 0;
		return;
	}
	if (++s->streak[i] >= hold) {
		s->active ^= c;
		s->streak[i] = 0;
	}
}

int health_check(struct health_state *s, const struct health_params *p,
		 const struct grey_view *f, int64_t t_us,
		 struct health_metrics *m)
{
	uint8_t sig[HEALTH_SIG_W * HEALTH_SIG_H];
	unsigned before = s->active;
	int black, saturated, blurred;
	int hold = p->hold > 0 ? p->hold : 1;

	if (health_measure(f, m))
		return -1;
	signature(f, sig);
	if (s->have_sig) {
		uint64_t d = 0;
		for (size_t i = 0; i < sizeof(sig); i++)
			d += (uint64_t)abs((int)sig[i] - (int)s->sig[i]);
		m->change = (double)d / (double)sizeof(sig);
	}
	if (!s->have_sig || m->change > p->frozen_diff)
		s->last_change_us = t_us;
	memcpy(s->sig, sig, sizeof(sig));
	s->have_sig = 1;

	black = m->mean < p->black_level;
	saturated = m->saturated > p->saturated_fraction;
	blurred = !black && !saturated && m->sharpness < p->blur_min;
	debounce(s, HEALTH_BLACK, black, hold);
	debounce(s, HEALTH_SATURATED, saturated, hold);
	debounce(s, HEALTH_BLURRED, blurred, hold);
	if (t_us - s->last_change_us >= p->frozen_after_us)
		s->active |= HEALTH_FROZEN;
	else
		s->active &= ~(unsigned)HEALTH_FROZEN;
	return (int)(before ^ s->active);
}
