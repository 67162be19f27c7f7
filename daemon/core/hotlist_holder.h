/* SPDX-License-Identifier: MIT */
/*
 * hotlist_holder.h - the current hotlist, swapped atomically on reload
 * (RCU-like): readers never lock and never see a half-built list; the
 * writer publishes the new list with one atomic pointer exchange, waits
 * for a grace period (every reader that might still hold the old pointer
 * has left its read section), and only then hands the old list back for
 * freeing.
 *
 * Each reader thread owns a slot. Read sections are short (one lookup);
 * they must not nest and must not block.
 */
#ifndef ANPRD_HOTLIST_HOLDER_H
#define ANPRD_HOTLIST_HOLDER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/hotlist.h"

#define HOTLIST_HOLDER_SLOTS	64

struct hotlist_holder {
	_Atomic(struct hotlist *) cur;
	atomic_uint_fast64_t epoch;	/* starts at 1; 0 in a slot = idle */
	atomic_uint_fast64_t slot[HOTLIST_HOLDER_SLOTS];
	atomic_int nslots;
	pthread_mutex_t writer;		/* one swap at a time */
	pthread_mutex_t reload;		/* one reload at a time */
};

/* hotlist_holder_init - start holding hl (may be NULL: no list yet). */
void hotlist_holder_init(struct hotlist_holder *h, struct hotlist *hl);

/* hotlist_holder_destroy - free the current list; no reader may remain. */
void hotlist_holder_destroy(struct hotlist_holder *h);

/* hotlist_holder_register - claim a reader slot: >= 0, or -1 if full. */
int hotlist_holder_register(struct hotlist_holder *h);

/* Read section: the list stays valid until the matching unlock. */
const struct hotlist *hotlist_holder_read_lock(struct hotlist_holder *h,
					       int slot);
void hotlist_holder_read_unlock(struct hotlist_holder *h, int slot);

/*
 * hotlist_holder_swap - publish hl, wait until no reader can hold the
 * previous list, and return it (the caller frees it, or diffs it first).
 */
struct hotlist *hotlist_holder_swap(struct hotlist_holder *h,
				    struct hotlist *hl);

/*
 * hotlist_holder_reload - load the files into a new list; on any error
 * return -1 with "file:line: reason" in err and keep the current list.
 * Otherwise swap it in, free the old one and, if added is not NULL, set
 * *added to the entries that are new (for hotlist_search_back; free it
 * with hotlist_free; NULL if out of memory). Returns the new entry count.
 */
long hotlist_holder_reload(struct hotlist_holder *h, const char *const *paths,
			   int npaths, struct hotlist **added, char *err,
			   size_t errlen);

#endif
