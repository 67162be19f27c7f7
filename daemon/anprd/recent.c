// SPDX-License-Identifier: MIT
/* recent.c - ring of recent reads for searching back; see recent.h. */
#include "recent.h"

#include <stdlib.h>
#include <string.h>

#include "vrm.h"

int recent_init(struct recent *rc, size_t cap, int64_t window_ms)
{
	memset(rc, 0, sizeof(*rc));
	rc->r = calloc(cap ? cap : 1, sizeof(*rc->r));
	rc->cap = cap ? cap : 1;
	rc->window_ms = window_ms;
	return rc->r ? 0 : -1;
}

void recent_free(struct recent *rc)
{
	free(rc->r);
	rc->r = NULL;
}

void recent_add(struct recent *rc, const char *vrm, int64_t time_ms,
		uint64_t record_id)
{
	struct recent_read *slot = &rc->r[rc->head];

	if (rc->n == rc->cap) {
		if (slot->time_ms >= time_ms - rc->window_ms)
			rc->overwritten++;
	} else {
		rc->n++;
	}
	if (vrm_normalise(vrm, slot->vrm, sizeof(slot->vrm), 0) < 0)
		slot->vrm[0] = '\0';	/* matches nothing */
	slot->time_ms = time_ms;
	slot->record_id = record_id;
	rc->head = (rc->head + 1) % rc->cap;
}

size_t recent_search_back(const struct recent *rc,
			  const struct hotlist *added, int64_t now_ms,
			  int max_fuzzy, hotlist_backhit_fn fn, void *ctx)
{
	size_t first = (rc->head + rc->cap - rc->n) % rc->cap;
	size_t found = 0;

	/* the ring is two runs: [first, cap) and [0, head) */
	if (first + rc->n <= rc->cap)
		return hotlist_search_back(added, rc->r + first, rc->n, now_ms,
					   rc->window_ms, max_fuzzy, fn, ctx);
	found += hotlist_search_back(added, rc->r + first, rc->cap - first,
				     now_ms, rc->window_ms, max_fuzzy, fn, ctx);
	found += hotlist_search_back(added, rc->r, rc->head, now_ms,
				     rc->window_ms, max_fuzzy, fn, ctx);
	return found;
}
