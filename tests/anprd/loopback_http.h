/* SPDX-License-Identifier: MIT */
/*
 * loopback_http.h - a tiny real HTTP/1.1 receiver on 127.0.0.1 for tests:
 * it records every request (headers and body) and answers 200, 500, 429
 * with "Retry-After: 1", 403, or not at all (to make the client time out),
 * as the test sets.
 */
#ifndef TESTS_LOOPBACK_HTTP_H
#define TESTS_LOOPBACK_HTTP_H

#include <pthread.h>
#include <stdatomic.h>

enum lh_mode { LH_OK = 0, LH_500 = 1, LH_HANG = 2, LH_429 = 3, LH_403 = 4 };

#define LH_MAX_REQ 64

struct lh_request {
	char head[2048];
	char body[4096];
};

struct loopback_http {
	int lfd;
	int port;
	pthread_t th;
	atomic_int mode;
	atomic_int stop;
	pthread_mutex_t mu;
	int nreq;
	struct lh_request req[LH_MAX_REQ];
};

/* lh_start - listen on an ephemeral loopback port; 0 or -1. */
int lh_start(struct loopback_http *h);
void lh_stop(struct loopback_http *h);
int lh_count(struct loopback_http *h);
/* Copy request i (0-based) out; 0 or -1 if there is none yet. */
int lh_get(struct loopback_http *h, int i, struct lh_request *out);

#endif
