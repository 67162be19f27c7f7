/* SPDX-License-Identifier: MIT */
/*
 * console_limit.h - anpr-console's rate limits (docs/console.md, "Rate
 * limits"): a token bucket per key (a camera, a client address, a user
 * name) in a table of fixed size, so that what an attacker sends cannot
 * grow the server's memory. A bucket holds up to burst tokens and gains
 * rate a second; a request takes one. Pure (the clock is an argument), so
 * that the unit test needs no sleep; the lock is the caller's business
 * only through climit_take/climit_check, which lock.
 */
#ifndef ANPR_CONSOLE_LIMIT_H
#define ANPR_CONSOLE_LIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define CLIMIT_KEY_MAX	72

struct climit_entry {
	char key[CLIMIT_KEY_MAX];
	double tokens, at;	/* tokens at time at */
	bool used;
};

struct climit {
	pthread_mutex_t mu;
	double rate, burst;	/* tokens a second, at most */
	size_t n;
	struct climit_entry *e;
};

/* 0, or -1 out of memory. n: how many keys are followed at once. */
int climit_init(struct climit *l, size_t n, double rate, double burst);
void climit_fini(struct climit *l);

/* Take a token of key at now (seconds, monotonic): 0 if one was there;
 * otherwise the whole seconds (at least 1) until one is, nothing taken.
 * A key not followed yet takes a free entry, or one whose bucket is full
 * again (it says nothing any more); with none, the request is refused as
 * if limited: evicting a bucket that is not full would let whoever sends
 * enough keys forget a limit. */
unsigned climit_take_at(struct climit *l, const char *key, double now);
/* The same without taking: 0 if a take would succeed now. */
unsigned climit_check_at(struct climit *l, const char *key, double now);
/* ..._at with CLOCK_MONOTONIC's now. */
unsigned climit_take(struct climit *l, const char *key);
unsigned climit_check(struct climit *l, const char *key);

#endif
