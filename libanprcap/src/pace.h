/* SPDX-License-Identifier: MIT */
/*
 * pace.h - internal: replay pacing for recorded sources, pure logic (no
 * clock, no I/O) so it unit-tests with plain numbers.
 *
 * Frame i is "captured" at t0 + i * period. In real-time replay a source
 * holds at most `depth` captured frames the consumer has not taken (like a
 * sensor's buffer ring): when the consumer falls further behind, the oldest
 * are overwritten and counted as drops. In fast replay every frame is
 * delivered at once and none is dropped; timestamps stay synthetic.
 */
#ifndef ANPRCAP_PACE_H
#define ANPRCAP_PACE_H

#include <stdint.h>

struct anprcap_pace {
	uint64_t t0;		/* capture time of frame 0, ns */
	uint64_t period;	/* ns per frame, > 0 */
	uint64_t next;		/* index of the next frame to deliver */
	unsigned depth;		/* frames kept waiting before overwriting, >= 1 */
	int fast;		/* 1: do not pace */
};

struct anprcap_pace_step {
	int ready;		/* 1: deliver frame `index` now */
	uint64_t index;		/* frame to deliver (when ready) */
	uint64_t drops;		/* frames skipped before it (when ready) */
	uint64_t timestamp;	/* its capture time (when ready) */
	uint64_t wait_until;	/* when not ready: when it will be */
};

void anprcap__pace_init(struct anprcap_pace *p, uint64_t t0, uint32_t fps_num,
			uint32_t fps_den, unsigned depth, int fast);
/* What to do at time now; does not advance. */
void anprcap__pace_step(const struct anprcap_pace *p, uint64_t now,
			struct anprcap_pace_step *s);
/* Commit a delivered step: the next frame is s->index + 1. */
void anprcap__pace_commit(struct anprcap_pace *p, const struct anprcap_pace_step *s);

#endif
