// SPDX-License-Identifier: MIT
/*
 * alert_feed.c - a client of anprd's alert socket: connect, reconnect with
 * back-off, lines, each handed over once (alert_feed.h).
 */
#include "common/alert_feed.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/timeutil.h"

#define RETRY_FIRST_MS	100
#define RETRY_MAX_MS	2000

int alert_feed_init(struct alert_feed *f, const char *path)
{
	memset(f, 0, sizeof *f);
	f->fd = -1;
	f->retry_ms = RETRY_FIRST_MS;
	if (strlen(path) >= sizeof f->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(f->path, path);
	return 0;
}

void alert_feed_close(struct alert_feed *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

bool alert_feed_seen(struct alert_feed *f, const char *line, size_t len)
{
	uint64_t h = fnv1a(line, len);

	for (size_t i = 0; i < f->nseen; i++)
		if (f->seen[i] == h)
			return true;
	f->seen[f->seen_next] = h;
	f->seen_next = (f->seen_next + 1) % ALERT_FEED_SEEN;
	if (f->nseen < ALERT_FEED_SEEN)
		f->nseen++;
	return false;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);	/* its length checked at init */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void say(char *why, size_t whylen, const char *fmt, const char *what)
{
	if (why && whylen)
		snprintf(why, whylen, fmt, what);
}

/* The next whole line in the buffer not handed over before: 1 with *line
 * and *len, or 0 (none whole yet). */
static int next_line(struct alert_feed *f, const char **line, size_t *len)
{
	char *nl;

	while ((nl = memchr(f->buf, '\n', f->have))) {
		size_t n = (size_t)(nl - f->buf) + 1;

		if (!alert_feed_seen(f, f->buf, n)) {
			*line = f->buf;
			*len = n;
			f->consumed = n;
			return 1;
		}
		memmove(f->buf, f->buf + n, f->have - n);
		f->have -= n;
	}
	return 0;
}

enum alert_feed_event alert_feed_next(struct alert_feed *f, int wait_ms,
				      const volatile sig_atomic_t *stop,
				      const char **line, size_t *len,
				      char *why, size_t whylen)
{
	struct pollfd p;
	ssize_t n;

	if (f->consumed) {	/* the line handed over last */
		memmove(f->buf, f->buf + f->consumed, f->have - f->consumed);
		f->have -= f->consumed;
		f->consumed = 0;
	}
	if (stop && *stop)
		return ALERT_FEED_STOPPED;
	if (f->fd < 0) {
		f->fd = connect_to(f->path);
		if (f->fd < 0) {
			bool first = !f->down_said;

			say(why, whylen, "%s", strerror(errno));
			f->down_said = true;
			anpr_sleep_ms(f->retry_ms, stop);
			f->retry_ms = f->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : f->retry_ms * 2;
			return first ? ALERT_FEED_DOWN : ALERT_FEED_IDLE;
		}
		f->again = f->ever;
		f->after_down = f->down_said;
		f->ever = true;
		f->down_said = false;
		f->retry_ms = RETRY_FIRST_MS;
		f->have = 0;
		return ALERT_FEED_UP;
	}
	if (next_line(f, line, len))
		return ALERT_FEED_LINE;
	if (f->have == sizeof f->buf - 1) {	/* full, and no line in it */
		alert_feed_close(f);
		return ALERT_FEED_TOO_LONG;
	}
	p = (struct pollfd){ f->fd, POLLIN, 0 };
	if (poll(&p, 1, wait_ms) <= 0)
		return ALERT_FEED_IDLE;
	n = recv(f->fd, f->buf + f->have, sizeof f->buf - 1 - f->have, 0);
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return ALERT_FEED_IDLE;
		say(why, whylen, "%s", n == 0 ? "closed" : strerror(errno));
		alert_feed_close(f);
		return ALERT_FEED_LOST;
	}
	f->have += (size_t)n;
	if (next_line(f, line, len))
		return ALERT_FEED_LINE;
	if (f->have == sizeof f->buf - 1) {
		alert_feed_close(f);
		return ALERT_FEED_TOO_LONG;
	}
	return ALERT_FEED_IDLE;
}
