/* SPDX-License-Identifier: MIT */
/*
 * alert_feed.h - a client of anprd's alert socket (docs/alerts.md, "Local
 * UNIX socket") for the programs that show alerts to a person:
 * anpr-alerts (a terminal) and anpr-incar (the in-car page). It connects,
 * waits for anprd and reconnects when the connection drops (back-off
 * 100 ms doubling to 2 s), splits the stream into lines, and hands each
 * line over once: on (re)connecting anprd replays its backlog, and the
 * lines already handed over are recognised by a hash of their bytes
 * (anprd's seq restarts with anprd, the bytes of a line do not).
 * libanprcommon: libc only; what a line means is the caller's.
 */
#ifndef COMMON_ALERT_FEED_H
#define COMMON_ALERT_FEED_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ALERT_FEED_LINE_MAX	8192	/* anprd's ALERT_LINE_MAX */
#define ALERT_FEED_SEEN		256	/* lines remembered: > anprd's backlog (64) */

/* What alert_feed_next() saw. */
enum alert_feed_event {
	ALERT_FEED_LINE,	/* a line not handed over before: *line, *len */
	ALERT_FEED_IDLE,	/* nothing within the wait */
	ALERT_FEED_DOWN,	/* no anprd at the socket (said once an outage): why */
	ALERT_FEED_UP,		/* connected (first time or again) */
	ALERT_FEED_LOST,	/* the connection dropped: why; reconnecting */
	ALERT_FEED_TOO_LONG,	/* a line over the limit: dropped, reconnecting */
	ALERT_FEED_STOPPED,	/* *stop was set */
};

/**
 * struct alert_feed - one subscription to anprd's alert socket.
 * @path:	the socket's path
 * @fd:		the connection, or -1
 * @buf:	bytes received and not yet handed over as lines
 * @have:	bytes in @buf
 * @consumed:	the bytes of the line handed over last, dropped at the next call
 * @retry_ms:	the next wait before connecting again
 * @down_said:	ALERT_FEED_DOWN given for this outage
 * @ever:	connected at least once
 * @again:	at ALERT_FEED_UP: it is a reconnection
 * @after_down:	at ALERT_FEED_UP: ALERT_FEED_DOWN was given before it
 * @seen:	hashes of the lines handed over (a ring of @nseen, next @seen_next)
 */
struct alert_feed {
	char path[108];
	int fd;
	char buf[ALERT_FEED_LINE_MAX + 1];
	size_t have, consumed;
	long retry_ms;
	bool down_said, ever, again, after_down;
	uint64_t seen[ALERT_FEED_SEEN];
	size_t nseen, seen_next;
};

/* Set up a feed of the socket at path (not connected yet); 0, or -1 if
 * the path is too long for a UNIX socket. */
int alert_feed_init(struct alert_feed *f, const char *path);

/* Wait up to wait_ms for what happens next (see the events); connecting
 * when not connected (then the wait is the back-off). A line is handed
 * over with its '\n'; it stays valid until the next call. why (may be
 * NULL) gets the reason of DOWN and LOST. Returns STOPPED once *stop
 * (may be NULL) is set. */
enum alert_feed_event alert_feed_next(struct alert_feed *f, int wait_ms,
				      const volatile sig_atomic_t *stop,
				      const char **line, size_t *len,
				      char *why, size_t whylen);

/* Whether the line was handed over before (a replay); remembers it if not.
 * alert_feed_next() uses it; exposed for tests. */
bool alert_feed_seen(struct alert_feed *f, const char *line, size_t len);

void alert_feed_close(struct alert_feed *f);

#ifdef __cplusplus
}
#endif

#endif
