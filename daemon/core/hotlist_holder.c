// SPDX-License-Identifier: MIT
/*
 * hotlist_holder.c - RCU-like publication of the current hotlist; see
 * hotlist_holder.h.
 *
 * Why the grace period is enough (all operations sequentially
 * consistent): a reader stores the current epoch E into its slot, then
 * loads the pointer. The writer exchanges the pointer, then raises the
 * epoch to E' > every epoch a reader could have stored before, then waits
 * while any slot holds a non-zero value below E'. A reader that loaded the
 * old pointer stored its slot before that load, hence before the exchange,
 * so the writer sees its slot (< E') until it unlocks. A reader that
 * stores its slot after the raise carries E' and cannot have the old
 * pointer: its load follows the exchange.
 */
#include "core/hotlist_holder.h"

#include <sched.h>
#include <time.h>

void hotlist_holder_init(struct hotlist_holder *h, struct hotlist *hl)
{
	atomic_init(&h->cur, hl);
	atomic_init(&h->epoch, 1);
	for (int i = 0; i < HOTLIST_HOLDER_SLOTS; i++)
		atomic_init(&h->slot[i], 0);
	atomic_init(&h->nslots, 0);
	pthread_mutex_init(&h->writer, NULL);
	pthread_mutex_init(&h->reload, NULL);
}

void hotlist_holder_destroy(struct hotlist_holder *h)
{
	hotlist_free(atomic_exchange(&h->cur, NULL));
	pthread_mutex_destroy(&h->writer);
	pthread_mutex_destroy(&h->reload);
}

int hotlist_holder_register(struct hotlist_holder *h)
{
	int s = atomic_fetch_add(&h->nslots, 1);

	if (s >= HOTLIST_HOLDER_SLOTS) {
		atomic_fetch_sub(&h->nslots, 1);
		return -1;
	}
	return s;
}

const struct hotlist *hotlist_holder_read_lock(struct hotlist_holder *h,
					       int slot)
{
	atomic_store(&h->slot[slot], atomic_load(&h->epoch));
	return atomic_load(&h->cur);
}

void hotlist_holder_read_unlock(struct hotlist_holder *h, int slot)
{
	atomic_store(&h->slot[slot], 0);
}

struct hotlist *hotlist_holder_swap(struct hotlist_holder *h,
				    struct hotlist *hl)
{
	struct hotlist *old;
	uint_fast64_t e;
	int n;

	pthread_mutex_lock(&h->writer);
	old = atomic_exchange(&h->cur, hl);
	e = atomic_fetch_add(&h->epoch, 1) + 1;
	n = atomic_load(&h->nslots);
	if (n > HOTLIST_HOLDER_SLOTS)
		n = HOTLIST_HOLDER_SLOTS;
	for (int i = 0; i < n; i++) {
		unsigned spins = 0;
		for (;;) {
			uint_fast64_t v = atomic_load(&h->slot[i]);
			if (v == 0 || v >= e)
				break;
			if (++spins < 100) {
				sched_yield();
			} else {
				struct timespec ts = {0, 100000};
				nanosleep(&ts, NULL);
			}
		}
	}
	pthread_mutex_unlock(&h->writer);
	return old;
}

long hotlist_holder_reload(struct hotlist_holder *h, const char *const *paths,
			   int npaths, struct hotlist **added, char *err,
			   size_t errlen)
{
	struct hotlist *fresh, *old;
	long n;

	pthread_mutex_lock(&h->reload);
	if (hotlist_load(paths, npaths, &fresh, err, errlen)) {
		pthread_mutex_unlock(&h->reload);
		return -1;
	}
	n = (long)hotlist_count(fresh);
	old = hotlist_holder_swap(h, fresh);
	/* fresh stays valid: only a later reload (serialised here) could
	 * swap it out and free it */
	if (added)
		*added = hotlist_added(old, fresh);
	hotlist_free(old);
	pthread_mutex_unlock(&h->reload);
	return n;
}
