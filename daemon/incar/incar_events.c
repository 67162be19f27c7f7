// SPDX-License-Identifier: MIT
/*
 * incar_events.c - what the in-car page streams (incar.h): the last
 * INCAR_RING alerts as server-sent events with rising ids, so that a page
 * that (re)connects gets what it missed (EventSource sends the last id it
 * got: only the newer are sent), and anprd's state, so that the officer
 * sees when the screen is not live. The feed thread puts, every stream's
 * thread waits on the condition.
 */
#include "incar/incar.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The events, their lock and the condition streams wait on. */
static struct {
	pthread_mutex_t lock;	/* guards everything below */
	pthread_cond_t cond;	/* signalled at every put and at stop */
	char *ring[INCAR_RING];	/* alert events; ring[(id - 1) % INCAR_RING] */
	uint64_t last;		/* the last alert's id (0: none yet) */
	uint64_t anprd_gen;	/* anprd state changes so far */
	char *anprd;		/* anprd's state as an event */
	bool stop;
} E = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Streams see anprd's state change by its generation: a stream's *next
 * holds the alert id it goes on from in the low 48 bits and the anprd
 * generation it has seen in the high 16. */
#define ID_BITS		48
#define ID_MASK		((UINT64_C(1) << ID_BITS) - 1)
#define GEN_OF(n)	((n) >> ID_BITS)
#define MAKE_NEXT(id, gen) (((uint64_t)(gen) << ID_BITS) | ((id) & ID_MASK))

void incar_events_alert(const char *line, size_t len)
{
	char *t = malloc(len + 64), *p;
	uint64_t id;

	if (!t)
		return;
	pthread_mutex_lock(&E.lock);
	id = ++E.last;
	p = t + sprintf(t, "id: %llu\nevent: alert\ndata: ", (unsigned long long)id);
	/* the line is one JSON object, its strings escaped: no raw CR or LF
	 * but its end, which the event's own end replaces */
	for (size_t i = 0; i < len; i++)
		if (line[i] != '\n' && line[i] != '\r')
			*p++ = line[i];
	strcpy(p, "\n\n");
	free(E.ring[(id - 1) % INCAR_RING]);
	E.ring[(id - 1) % INCAR_RING] = t;
	pthread_cond_broadcast(&E.cond);
	pthread_mutex_unlock(&E.lock);
}

void incar_events_anprd(bool connected, const char *why)
{
	char when[32], *t, esc[256] = "";
	time_t now = time(NULL);
	struct tm tm;
	size_t k = 0;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* why is strerror's text or ours: printable ASCII; JSON-escape " and \ */
	for (const char *s = why ? why : ""; *s && k + 3 < sizeof esc; s++) {
		if (*s == '"' || *s == '\\')
			esc[k++] = '\\';
		esc[k++] = (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? *s : '?';
	}
	esc[k] = '\0';
	if (asprintf(&t, "event: anprd\ndata: {\"connected\":%s,\"since\":\"%s\",\"why\":\"%s\"}\n\n",
		     connected ? "true" : "false", when, esc) < 0)
		return;
	pthread_mutex_lock(&E.lock);
	free(E.anprd);
	E.anprd = t;
	E.anprd_gen++;
	pthread_cond_broadcast(&E.cond);
	pthread_mutex_unlock(&E.lock);
}

/* Appends s to the growing text *t (length *n); -1 if out of memory. */
static int append(char **t, size_t *n, const char *s)
{
	size_t k = strlen(s);
	char *b = realloc(*t, *n + k + 1);

	if (!b)
		return -1;
	memcpy(b + *n, s, k + 1);
	*t = b;
	*n += k;
	return 0;
}

char *incar_events_start(uint64_t last_id, uint64_t *next)
{
	char *t = NULL;
	size_t n = 0;
	uint64_t first, id;
	int bad;

	pthread_mutex_lock(&E.lock);
	bad = append(&t, &n, "retry: 2000\n\n");
	if (!bad && E.anprd)
		bad = append(&t, &n, E.anprd);
	/* the kept alerts newer than the page's last; an id from before a
	 * restart of anpr-incar (above ours) gets them all */
	first = E.last > INCAR_RING ? E.last - INCAR_RING + 1 : 1;
	if (last_id >= first && last_id <= E.last)
		first = last_id + 1;
	for (id = first; !bad && id <= E.last; id++)
		bad = append(&t, &n, E.ring[(id - 1) % INCAR_RING]);
	*next = MAKE_NEXT(E.last + 1, E.anprd_gen);
	pthread_mutex_unlock(&E.lock);
	if (bad) {
		free(t);
		return NULL;
	}
	return t;
}

char *incar_events_wait(uint64_t *next)
{
	struct timespec until;
	uint64_t id = *next & ID_MASK, gen = GEN_OF(*next);
	char *t = NULL;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += INCAR_KEEPALIVE_S;
	pthread_mutex_lock(&E.lock);
	while (!E.stop && id > E.last && gen == (E.anprd_gen & 0xffff) && rc == 0)
		rc = pthread_cond_timedwait(&E.cond, &E.lock, &until);
	if (E.stop) {
		t = NULL;
	} else if (gen != (E.anprd_gen & 0xffff)) {
		gen = E.anprd_gen & 0xffff;
		t = strdup(E.anprd);
	} else if (id <= E.last) {
		if (E.last - id >= INCAR_RING)	/* fell behind: the oldest kept */
			id = E.last - INCAR_RING + 1;
		t = strdup(E.ring[(id - 1) % INCAR_RING]);
		id++;
	} else {
		t = strdup(":\n\n");	/* a comment: the connection lives */
	}
	*next = MAKE_NEXT(id, gen);
	pthread_mutex_unlock(&E.lock);
	return t;
}

void incar_events_stop(void)
{
	pthread_mutex_lock(&E.lock);
	E.stop = true;
	pthread_cond_broadcast(&E.cond);
	pthread_mutex_unlock(&E.lock);
}
