// SPDX-License-Identifier: MIT
/*
 * console_limit.c - token buckets in a fixed table (console_limit.h).
 * A linear scan: the tables are small (hundreds of keys) and a request
 * that reaches a limit has already cost a TLS handshake, which is far
 * dearer than the scan.
 */
#include "console/console_limit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int climit_init(struct climit *l, size_t n, double rate, double burst)
{
	memset(l, 0, sizeof *l);
	l->e = calloc(n, sizeof *l->e);
	if (!l->e)
		return -1;
	l->n = n;
	l->rate = rate;
	l->burst = burst;
	pthread_mutex_init(&l->mu, NULL);
	return 0;
}

void climit_fini(struct climit *l)
{
	if (!l->e)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l->e);
	l->e = NULL;
}

static double refilled(const struct climit *l, const struct climit_entry *e, double now)
{
	double t = e->tokens + (now > e->at ? now - e->at : 0) * l->rate;

	return t > l->burst ? l->burst : t;
}

/* The entry of key (found, or made), or NULL: the table is full of
 * buckets that still say something. Under mu. */
static struct climit_entry *entry(struct climit *l, const char *key, double now)
{
	struct climit_entry *spare = NULL;

	for (size_t i = 0; i < l->n; i++) {
		struct climit_entry *e = &l->e[i];

		if (e->used && strcmp(e->key, key) == 0)
			return e;
		if (!spare && (!e->used || refilled(l, e, now) >= l->burst))
			spare = e;
	}
	if (spare) {
		snprintf(spare->key, sizeof spare->key, "%s", key);
		spare->tokens = l->burst;
		spare->at = now;
		spare->used = true;
	}
	return spare;
}

static unsigned wait_for(const struct climit *l, double tokens)
{
	double s = (1.0 - tokens) / l->rate;

	return s < 1.0 ? 1u : (unsigned)ceil(s);
}

static unsigned take(struct climit *l, const char *key, double now, bool really)
{
	struct climit_entry *e;
	unsigned wait = 0;
	double t;

	pthread_mutex_lock(&l->mu);
	e = entry(l, key, now);
	if (!e) {
		wait = wait_for(l, 0);
	} else {
		t = refilled(l, e, now);
		if (t < 1.0) {
			wait = wait_for(l, t);
		} else if (really) {
			e->tokens = t - 1.0;
			e->at = now;
		}
	}
	pthread_mutex_unlock(&l->mu);
	return wait;
}

unsigned climit_take_at(struct climit *l, const char *key, double now)
{
	return take(l, key, now, true);
}

unsigned climit_check_at(struct climit *l, const char *key, double now)
{
	return take(l, key, now, false);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned climit_take(struct climit *l, const char *key)
{
	return climit_take_at(l, key, mono_now());
}

unsigned climit_check(struct climit *l, const char *key)
{
	return climit_check_at(l, key, mono_now());
}
