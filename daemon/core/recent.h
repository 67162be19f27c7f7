/* SPDX-License-Identifier: MIT */
/*
 * recent.h - the vehicles of the last while (mark, capture time, vehicle
 * number, source, confidence and, once written, the id of the signed
 * record) in a fixed ring, so that entries added to the hotlists can be
 * searched back over them (hotlist_search_back; only vehicles whose record
 * is written are searched). Pure; the caller locks.
 */
#ifndef ANPRD_RECENT_H
#define ANPRD_RECENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/hotlist.h"

struct recent {
	struct recent_read *r;
	size_t cap, head, n;	/* head: next slot to write */
	uint64_t overwritten;	/* reads lost to a full ring while still
				   inside the window (counted, reported) */
	int64_t window_ms;
};

/* recent_init - room for cap reads, kept for window_ms. 0 or -1. */
int recent_init(struct recent *rc, size_t cap, int64_t window_ms);
void recent_free(struct recent *rc);

/* recent_add - remember one vehicle (its mark is normalised here), its
 * record not written yet. */
void recent_add(struct recent *rc, const char *vrm, int64_t time_ms,
		uint64_t vehicle, const char *source, float confidence);

/* recent_set_record - the vehicle's record is written, as record_id (the
 * newest entry of that vehicle number). 0, or -1 if it is not held. */
int recent_set_record(struct recent *rc, uint64_t vehicle,
		      const char *record_id);

/*
 * recent_search_back - the reads within the window before now_ms that
 * hit an entry of `added`, oldest first, via fn. Returns the pairs found.
 */
size_t recent_search_back(const struct recent *rc,
			  const struct hotlist *added, int64_t now_ms,
			  int max_fuzzy, hotlist_backhit_fn fn, void *ctx);

#endif
