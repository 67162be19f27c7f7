// SPDX-License-Identifier: MIT
/* loopback_http.c - see loopback_http.h. */
#include "loopback_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int wait_readable(struct loopback_http *h, int fd)
{
	while (!atomic_load(&h->stop)) {
		struct pollfd p = {fd, POLLIN, 0};
		int n = poll(&p, 1, 20);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
	return -1;
}

/* Serve one connection: requests until the client closes. */
static void serve(struct loopback_http *h, int fd)
{
	char buf[8192];
	size_t have = 0;

	for (;;) {
		char *end;
		ssize_t n;
		size_t hlen, clen = 0, need;

		while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
			if (have == sizeof(buf) || wait_readable(h, fd) < 0)
				return;
			n = recv(fd, buf + have, sizeof(buf) - have, 0);
			if (n <= 0)
				return;
			have += (size_t)n;
		}
		hlen = (size_t)(end - buf) + 4;
		for (char *p = buf; p < end; p++)
			if (strncasecmp(p, "\r\nContent-Length:", 17) == 0)
				clen = strtoul(p + 17, NULL, 10);
		need = hlen + clen;
		if (need > sizeof(buf))
			return;
		while (have < need) {
			if (wait_readable(h, fd) < 0)
				return;
			n = recv(fd, buf + have, sizeof(buf) - have, 0);
			if (n <= 0)
				return;
			have += (size_t)n;
		}
		pthread_mutex_lock(&h->mu);
		if (h->nreq < LH_MAX_REQ) {
			struct lh_request *r = &h->req[h->nreq++];
			snprintf(r->head, sizeof(r->head), "%.*s", (int)hlen, buf);
			snprintf(r->body, sizeof(r->body), "%.*s", (int)clen,
				 buf + hlen);
		}
		pthread_mutex_unlock(&h->mu);
		memmove(buf, buf + need, have - need);
		have -= need;
		/* the answer of each mode; LH_HANG (none): wait for the client
		 * to give up */
		static const char *const answer[] = {
			[LH_OK] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			[LH_500] = "HTTP/1.1 500 Internal Server Error\r\n"
				   "Content-Length: 0\r\n\r\n",
			[LH_429] = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n"
				   "Content-Length: 0\r\n\r\n",
			[LH_403] = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
		};
		int mode = atomic_load(&h->mode);
		const char *a = mode >= 0 && mode < (int)(sizeof answer / sizeof answer[0])
				? answer[mode] : NULL;

		if (!a) {
			while (wait_readable(h, fd) > 0 && recv(fd, buf, sizeof(buf), 0) > 0)
				;
			return;
		}
		if (send(fd, a, strlen(a), MSG_NOSIGNAL) < 0)
			return;
	}
}

static void *run(void *arg)
{
	struct loopback_http *h = arg;

	while (wait_readable(h, h->lfd) > 0) {
		int fd = accept(h->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(h, fd);
		close(fd);
	}
	return NULL;
}

int lh_start(struct loopback_http *h)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->lfd < 0)
		return -1;
	setsockopt(h->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(h->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(h->lfd, 8) ||
	    getsockname(h->lfd, (struct sockaddr *)&sa, &sl))
		return -1;
	h->port = ntohs(sa.sin_port);
	return pthread_create(&h->th, NULL, run, h) ? -1 : 0;
}

void lh_stop(struct loopback_http *h)
{
	atomic_store(&h->stop, 1);
	pthread_join(h->th, NULL);
	close(h->lfd);
	pthread_mutex_destroy(&h->mu);
}

int lh_count(struct loopback_http *h)
{
	int n;

	pthread_mutex_lock(&h->mu);
	n = h->nreq;
	pthread_mutex_unlock(&h->mu);
	return n;
}

int lh_get(struct loopback_http *h, int i, struct lh_request *out)
{
	int rc = -1;

	pthread_mutex_lock(&h->mu);
	if (i < h->nreq) {
		*out = h->req[i];
		rc = 0;
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
}
