/* SPDX-License-Identifier: MIT */
/*
 * unread_rate.h - camera health from what the reader makes of the
 * vehicles: a camera whose plates are found but not read, many of them
 * among its last vehicles, more likely has a dirty or misted lens, a
 * failing IR lamp or a knocked focus than that many defaced plates
 * (docs/alerts.md, health state "unreadable-plates"). Pure: one call a
 * vehicle, per source, in the order the tracker ends them.
 *
 * Raised when at least `raise` of the last `window` vehicles had their
 * plate found but not read; cleared when no more than raise / 2 of them
 * had (no flapping at the threshold).
 */
#ifndef ANPRD_UNREAD_RATE_H
#define ANPRD_UNREAD_RATE_H

#include <stdbool.h>
#include <stdint.h>

#define UNREAD_RATE_WINDOW_MAX 1000

struct unread_rate_params {
	int window;		/* vehicles looked at; 0: never raised */
	int raise;		/* of them unreadable to raise, 1..window */
};

struct unread_rate {
	uint8_t last[UNREAD_RATE_WINDOW_MAX];	/* 1: unreadable; a ring */
	int n;			/* vehicles in the ring, up to window */
	int head;		/* where the next goes */
	int unread;		/* of the n, unreadable */
	bool active;		/* raised now */
};

void unread_rate_params_default(struct unread_rate_params *p);
void unread_rate_init(struct unread_rate *r);

/*
 * unread_rate_add - one more vehicle of the source, unreadable or read.
 * Returns 1 when the condition changed (r->active says which way), else 0.
 */
int unread_rate_add(struct unread_rate *r, const struct unread_rate_params *p, bool unreadable);

#endif
