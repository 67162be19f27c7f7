// SPDX-License-Identifier: MIT
/*
 * bench_alerts.c - `make bench` figure for alert delivery: time from
 * alert_dispatch_push() of a hit to its JSON line arriving at a
 * subscriber of the UNIX socket, p50 and p99 over 5,000 hits pushed at
 * 1 kHz, with a health alert queued behind each (hits go first).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/alert_dispatch.h"

#define N 5000

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	char dir[] = "/tmp/anprd-bench-alerts-XXXXXX", path[128], err[256];
	static int64_t lat[N];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct alert_dispatch *d;
	struct alert a;
	int fd, got = 0;
	char buf[65536];
	size_t have = 0;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/a.sock", dir);
	struct alert_dispatch_cfg c = {.socket_path = path, .webhook_tries = 1,
				       .queue_len = 8192};
	d = alert_dispatch_start(&c, NULL, NULL, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "bench_alerts: %s\n", err);
		return 1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("bench_alerts: connect");
		return 1;
	}
	for (int i = 0; i < 200; i++) {
		struct alert_dispatch_stats st;
		alert_dispatch_stats(d, &st);
		if (st.socket_clients)
			break;
		usleep(5000);
	}
	memset(&a, 0, sizeof(a));
	strcpy(a.camera, "BENCH");
	strcpy(a.source, "s");
	strcpy(a.vrm, "AB12CDE");
	strcpy(a.entry_vrm, "AB12CDE");
	strcpy(a.list, "PNC");
	strcpy(a.reason, "bench");
	a.priority = 1;
	for (int i = 0; i < N; i++) {
		struct alert h;
		a.kind = ALERT_HIT;
		a.vehicle = (uint64_t)mono_ns();	/* the push time */
		alert_dispatch_push(d, &a);
		memset(&h, 0, sizeof(h));
		h.kind = ALERT_HEALTH;
		strcpy(h.state, "blurred");
		alert_dispatch_push(d, &h);
		/* read what has arrived, then wait out the 1 ms period */
		int64_t until = mono_ns() + 1000000;
		for (;;) {
			int64_t left = until - mono_ns();
			struct pollfd p = {fd, POLLIN, 0};
			if (left <= 0 && i < N - 1)
				break;
			if (poll(&p, 1, left > 0 ? (int)(left / 1000000) + 1
						  : 200) <= 0)
				break;
			ssize_t n = recv(fd, buf + have, sizeof(buf) - have, 0);
			if (n <= 0)
				break;
			int64_t now = mono_ns();
			have += (size_t)n;
			char *nl;
			while ((nl = memchr(buf, '\n', have))) {
				char *r = strstr(buf, "\"vehicle\":");
				if (r && r < nl && got < N)
					lat[got++] = now -
						strtoll(r + 10, NULL, 10);
				have -= (size_t)(nl + 1 - buf);
				memmove(buf, nl + 1, have);
			}
			if (i == N - 1 && got == N)
				break;
		}
	}
	alert_dispatch_stop(d);
	close(fd);
	rmdir(dir);
	if (got < N / 2) {
		fprintf(stderr, "bench_alerts: only %d of %d hits arrived\n",
			got, N);
		return 1;
	}
	qsort(lat, (size_t)got, sizeof(lat[0]), cmp);
	double p50 = (double)lat[got / 2] / 1e6;
	double p99 = (double)lat[got * 99 / 100] / 1e6;
	printf("alert push-to-subscriber latency p50: %.3f ms  (target <= 1 "
	       "ms)  %s\n", p50, p50 <= 1 ? "OK" : "MISS");
	printf("alert push-to-subscriber latency p99: %.3f ms  (target <= 5 "
	       "ms)  %s\n", p99, p99 <= 5 ? "OK" : "MISS");
	printf("# %d of %d hits timed\n", got, N);
	return 0;
}
