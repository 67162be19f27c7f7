// SPDX-License-Identifier: MIT
/* recent.c - ring of recent reads for searching back; see recent.h. */
#include "core/recent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vrm.h"

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
		uint64_t vehicle, const char *source, float confidence)
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
	slot->vehicle = vehicle;
	snprintf(slot->source, sizeof(slot->source), "%s", source ? source : "");
	slot->confidence = confidence;
	slot->record[0] = '\0';
	rc->head = (rc->head + 1) % rc->cap;
}

int recent_set_record(struct recent *rc, uint64_t vehicle,
		      const char *record_id)
{
	/* newest first: a record is written moments after its vehicle ends */
	for (size_t k = 1; k <= rc->n; k++) {
		struct recent_read *r = &rc->r[(rc->head + rc->cap - k) % rc->cap];

		if (r->vehicle == vehicle) {
			snprintf(r->record, sizeof(r->record), "%s", record_id);
			return 0;
		}
	}
	return -1;
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
