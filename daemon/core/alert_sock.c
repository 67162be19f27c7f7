// SPDX-License-Identifier: MIT
/* alert_sock.c - UNIX socket alert subscribers; see alert_sock.h. */
#include "core/alert_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/anprd_formats.h"

struct client {
	int fd;
	size_t len;		/* bytes queued in buf */
	char *buf;
};

_Static_assert(ALERT_SOCK_BACKLOG_BYTES <= ALERT_SOCK_CLIENT_BUF,
	       "the backlog must fit a new client's queue");

/* The last lines broadcast, oldest at first; replayed to each new client. */
struct backlog {
	char *line[ALERT_SOCK_BACKLOG];
	size_t len[ALERT_SOCK_BACKLOG];
	int first, n;
	size_t bytes;		/* sum of len[] held */
};

struct alert_sock {
	int lfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct client c[ALERT_SOCK_MAX_CLIENTS];
	int n;
	uint64_t dropped;
	struct backlog bl;
};

static void backlog_drop_oldest(struct backlog *b)
{
	free(b->line[b->first]);
	b->bytes -= b->len[b->first];
	b->line[b->first] = NULL;
	b->first = (b->first + 1) % ALERT_SOCK_BACKLOG;
	b->n--;
}

/* Keep a copy of line, making room by dropping the oldest; a line that
 * could never fit, or no memory, leaves the backlog as it was (the live
 * broadcast does not depend on it). */
static void backlog_keep(struct backlog *b, const char *line, size_t len)
{
	char *copy;

	if (len > ALERT_SOCK_BACKLOG_BYTES || !(copy = malloc(len)))
		return;
	memcpy(copy, line, len);
	while (b->n && (b->n == ALERT_SOCK_BACKLOG ||
			b->bytes + len > ALERT_SOCK_BACKLOG_BYTES))
		backlog_drop_oldest(b);
	b->line[(b->first + b->n) % ALERT_SOCK_BACKLOG] = copy;
	b->len[(b->first + b->n) % ALERT_SOCK_BACKLOG] = len;
	b->n++;
	b->bytes += len;
}

/* Queue the backlog for a new client: it fits (ALERT_SOCK_BACKLOG_BYTES
 * is at most the client's queue). */
static void backlog_replay(const struct backlog *b, struct client *c)
{
	for (int i = 0; i < b->n; i++) {
		int k = (b->first + i) % ALERT_SOCK_BACKLOG;

		memcpy(c->buf + c->len, b->line[k], b->len[k]);
		c->len += b->len[k];
	}
}

struct alert_sock *alert_sock_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct alert_sock *s;
	struct stat st;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path longer than %zu bytes",
			 path, sizeof(sa.sun_path) - 1);
		return NULL;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket",
				 path);
			return NULL;
		}
		unlink(path);	/* stale, from a previous run */
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	strcpy(s->path, path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0660) || listen(s->lfd, 16)) {
		snprintf(err, errlen, "%s: cannot listen: %s", path,
			 strerror(errno));
		if (s->lfd >= 0)
			close(s->lfd);
		free(s);
		return NULL;
	}
	return s;
}

static void drop_client(struct alert_sock *s, int i)
{
	close(s->c[i].fd);
	free(s->c[i].buf);
	s->c[i] = s->c[--s->n];
}

/* Write what is queued; -1 if the client is gone. */
static int flush_client(struct client *c)
{
	while (c->len) {
		ssize_t n = send(c->fd, c->buf, c->len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		memmove(c->buf, c->buf + n, c->len - (size_t)n);
		c->len -= (size_t)n;
	}
	return 0;
}

void alert_sock_poll(struct alert_sock *s, int timeout_ms)
{
	struct pollfd p[ALERT_SOCK_MAX_CLIENTS + 1];
	char junk[512];

	p[0].fd = s->lfd;
	p[0].events = POLLIN;
	for (int i = 0; i < s->n; i++) {
		p[i + 1].fd = s->c[i].fd;
		p[i + 1].events = POLLIN | (s->c[i].len ? POLLOUT : 0);
	}
	if (poll(p, (nfds_t)s->n + 1, timeout_ms) <= 0)
		return;
	/* Clients: input is ignored (drained), hang-ups and errors drop. */
	for (int i = s->n - 1; i >= 0; i--) {
		short re = p[i + 1].revents;
		int gone = 0;
		if (re & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(s->c[i].fd, junk, sizeof(junk),
					 MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN &&
				       errno != EINTR))
				gone = 1;
		}
		if (!gone && (re & POLLOUT))
			gone = flush_client(&s->c[i]) < 0;
		if (gone)
			drop_client(s, i);
	}
	if (p[0].revents & POLLIN) {
		for (;;) {
			int fd = accept4(s->lfd, NULL, NULL,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0)
				break;
			if (s->n == ALERT_SOCK_MAX_CLIENTS) {
				close(fd);
				s->dropped++;
				continue;
			}
			s->c[s->n].fd = fd;
			s->c[s->n].len = 0;
			s->c[s->n].buf = malloc(ALERT_SOCK_CLIENT_BUF);
			if (!s->c[s->n].buf) {
				close(fd);
				continue;
			}
			backlog_replay(&s->bl, &s->c[s->n]);
			if (flush_client(&s->c[s->n]) < 0) {
				close(fd);
				free(s->c[s->n].buf);
				continue;
			}
			s->n++;
		}
	}
}

void alert_sock_broadcast(struct alert_sock *s, const char *line, size_t len)
{
	backlog_keep(&s->bl, line, len);
	for (int i = s->n - 1; i >= 0; i--) {
		struct client *c = &s->c[i];
		if (c->len + len > ALERT_SOCK_CLIENT_BUF) {
			/* a subscriber that does not read is cut off */
			s->dropped++;
			drop_client(s, i);
			continue;
		}
		memcpy(c->buf + c->len, line, len);
		c->len += len;
		if (flush_client(c) < 0)
			drop_client(s, i);
	}
}

void alert_sock_close(struct alert_sock *s)
{
	if (!s)
		return;
	while (s->n)
		drop_client(s, s->n - 1);
	while (s->bl.n)
		backlog_drop_oldest(&s->bl);
	close(s->lfd);
	unlink(s->path);
	free(s);
}

int alert_sock_clients(const struct alert_sock *s)
{
	return s->n;
}

uint64_t alert_sock_dropped_clients(const struct alert_sock *s)
{
	return s->dropped;
}

int alert_sock_backlog(const struct alert_sock *s)
{
	return s->bl.n;
}
