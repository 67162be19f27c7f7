// SPDX-License-Identifier: MIT
/*
 * unread_rate.c - the share of a camera's vehicles whose plate was found
 * but not read, over its last vehicles (unread_rate.h).
 */
#include "core/unread_rate.h"

#include <string.h>

void unread_rate_params_default(struct unread_rate_params *p)
{
	/* 8 of 20: a defaced or ghost plate is rare (a handful a day at a
	 * busy site); 8 in 20 passing vehicles is a camera problem */
	p->window = 20;
	p->raise = 8;
}

void unread_rate_init(struct unread_rate *r)
{
	memset(r, 0, sizeof(*r));
}

int unread_rate_add(struct unread_rate *r, const struct unread_rate_params *p, bool unreadable)
{
	int window = p->window > UNREAD_RATE_WINDOW_MAX ? UNREAD_RATE_WINDOW_MAX : p->window;
	bool was = r->active;

	if (window <= 0 || p->raise <= 0)
		return 0;
	if (r->head >= window)	/* the window made smaller since */
		unread_rate_init(r);
	if (r->n == window) {
		r->unread -= r->last[r->head];	/* the oldest leaves */
	} else {
		r->n++;
	}
	r->last[r->head] = unreadable ? 1 : 0;
	r->unread += r->last[r->head];
	r->head = (r->head + 1) % window;
	if (!r->active && r->unread >= p->raise)
		r->active = true;
	else if (r->active && r->unread <= p->raise / 2)
		r->active = false;
	return r->active != was;
}
