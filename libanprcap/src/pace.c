/* SPDX-License-Identifier: MIT */
/* pace.c - replay pacing, see pace.h. */
#include "pace.h"

void anprcap__pace_init(struct anprcap_pace *p, uint64_t t0, uint32_t fps_num,
			uint32_t fps_den, unsigned depth, int fast)
{
	if (!fps_num || !fps_den) {
		fps_num = 25;
		fps_den = 1;
	}
	p->t0 = t0;
	p->period = (uint64_t)fps_den * 1000000000ull / fps_num;
	if (!p->period)
		p->period = 1;
	p->next = 0;
	p->depth = depth ? depth : 1;
	p->fast = fast;
}

void anprcap__pace_step(const struct anprcap_pace *p, uint64_t now,
			struct anprcap_pace_step *s)
{
	uint64_t due = p->t0 + p->next * p->period;
	uint64_t latest;

	s->drops = 0;
	s->index = p->next;
	s->wait_until = 0;
	if (p->fast) {
		s->ready = 1;
		s->timestamp = due;
		return;
	}
	if (now < due) {
		s->ready = 0;
		s->wait_until = due;
		return;
	}
	/* Frames p->next .. latest have been captured; keep the newest depth. */
	latest = (now - p->t0) / p->period;
	if (latest - p->next + 1 > p->depth) {
		s->drops = latest + 1 - p->depth - p->next;
		s->index = p->next + s->drops;
	}
	s->ready = 1;
	s->timestamp = p->t0 + s->index * p->period;
}

void anprcap__pace_commit(struct anprcap_pace *p, const struct anprcap_pace_step *s)
{
	p->next = s->index + 1;
}
