// SPDX-License-Identifier: MIT
/*
 * bench_hotlist.c - `make bench` figures for the hotlist: time to load and
 * index a 500k-entry CSV file (plus 1,000 wildcard entries), lookup rate
 * and p99 lookup latency over a mix of exact hits, look-alike hits and
 * misses. Release build (-O2), one thread.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/hotlist.h"

#define N_ENTRIES	500000
#define N_WILD		1000
#define N_LOOKUPS	2000000

static const char AREA[] = "ABCDEFGHJKLMNOPRSTUVWXY";	/* no I, Q, Z */
static const char RAND[] = "ABCDEFGHJKLMNOPRSTUVWXYZ";	/* no I, Q */

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void uk_mark(char *m)
{
	int age = rnd(2) ? 2 + (int)rnd(24) : 51 + (int)rnd(25);

	m[0] = AREA[rnd(sizeof(AREA) - 1)];
	m[1] = AREA[rnd(sizeof(AREA) - 1)];
	m[2] = (char)('0' + age / 10);
	m[3] = (char)('0' + age % 10);
	for (int i = 4; i < 7; i++)
		m[i] = RAND[rnd(sizeof(RAND) - 1)];
	m[7] = '\0';
}

/* The i-th of all current-format marks, scrambled: distinct for distinct
 * i (a multiplication modulo the size of the space, by a coprime). */
static void uk_mark_n(uint64_t i, char *m)
{
	const uint64_t na = sizeof(AREA) - 1, nr = sizeof(RAND) - 1;
	const uint64_t space = na * na * 49 * nr * nr * nr;
	uint64_t x = (i * 1000003ull) % space;
	int age = (int)(x % 49);

	x /= 49;
	age = age < 24 ? 2 + age : 51 + age - 24;
	m[0] = AREA[x % na];
	x /= na;
	m[1] = AREA[x % na];
	x /= na;
	m[2] = (char)('0' + age / 10);
	m[3] = (char)('0' + age % 10);
	for (int k = 4; k < 7; k++) {
		m[k] = RAND[x % nr];
		x /= nr;
	}
	m[7] = '\0';
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	static const char *lists[] = {"PNC", "LOCAL", "ANPR-OPS", "COVERT"};
	static const char *acts[] = {"intercept", "inform", "silent"};
	char path[] = "/tmp/anprd-bench-hotlist-XXXXXX";
	char (*marks)[8] = malloc(sizeof(*marks) * N_ENTRIES);
	struct hotlist *hl;
	struct hotlist_hit hits[8];
	char err[512];
	int fd = mkstemp(path);
	FILE *f;
	double t0, t_load, t_look;
	long found = 0;

	if (fd < 0 || !marks) {
		perror("bench_hotlist");
		return 1;
	}
	f = fdopen(fd, "w");
	fprintf(f, "# benchmark hotlist\nvrm,list,reason,priority,action\n");
	for (int i = 0; i < N_ENTRIES; i++) {
		uk_mark_n((uint64_t)i, marks[i]);
		fprintf(f, "%s,%s,\"Reason %d, see PNC\",%d,%s\n", marks[i],
			lists[i % 4], i % 977, 1 + i % 9, acts[i % 3]);
	}
	for (int i = 0; i < N_WILD; i++) {
		char m[8];
		uk_mark(m);
		m[4 + rnd(3)] = '?';
		if (i % 3 == 0)
			m[6] = '*';
		fprintf(f, "%s,PARTIAL-%d,Partial,4,inform\n", m, i);
	}
	fclose(f);

	const char *paths[] = {path};
	t0 = now_s();
	if (hotlist_load(paths, 1, &hl, err, sizeof(err))) {
		fprintf(stderr, "bench_hotlist: %s\n", err);
		unlink(path);
		return 1;
	}
	t_load = now_s() - t0;
	unlink(path);

	/* Lookup mix: 10 % exact hits, 10 % look-alike hits, 80 % misses. */
	char (*q)[8] = malloc(sizeof(*q) * 65536);
	for (int i = 0; i < 65536; i++) {
		int k = (int)rnd(10);
		if (k == 0) {
			memcpy(q[i], marks[rnd(N_ENTRIES)], 8);
		} else if (k == 1) {
			memcpy(q[i], marks[rnd(N_ENTRIES)], 8);
			for (int j = 0; j < 7; j++) {
				char c = q[i][j];
				c = c == 'O' ? '0' : c == 'B' ? '8' :
				    c == 'S' ? '5' : c == '1' ? 'I' : c;
				if (c != q[i][j]) {
					q[i][j] = c;
					break;
				}
			}
		} else {
			uk_mark(q[i]);
		}
	}
	t0 = now_s();
	for (int i = 0; i < N_LOOKUPS; i++)
		found += hotlist_lookup(hl, q[i & 65535], 2, hits, 8) > 0;
	t_look = now_s() - t0;

	/* Latency distribution, one lookup timed at a time. */
	enum { NLAT = 100000 };
	double *lat = malloc(sizeof(double) * NLAT);
	for (int i = 0; i < NLAT; i++) {
		double a = now_s();
		found += hotlist_lookup(hl, q[(i * 7) & 65535], 2, hits, 8) > 0;
		lat[i] = now_s() - a;
	}
	qsort(lat, NLAT, sizeof(double), cmp_d);

	double rate = N_LOOKUPS / t_look;
	double p99 = lat[NLAT * 99 / 100] * 1e6;
	printf("hotlist load+index (%dk entries, %d wildcards): %.3f s  "
	       "(target <= 2 s)  %s\n", N_ENTRIES / 1000, N_WILD, t_load,
	       t_load <= 2.0 ? "OK" : "MISS");
	printf("hotlist lookups/s (%dk entries, 20%% hits): %.2e /s  "
	       "(target >= 1e5 /s)  %s\n", N_ENTRIES / 1000, rate,
	       rate >= 1e5 ? "OK" : "MISS");
	printf("hotlist lookup p99 latency: %.2f us  (target <= 10 us)  %s\n",
	       p99, p99 <= 10.0 ? "OK" : "MISS");
	printf("# %ld lookups hit (sanity: about 20 %% of %d)\n", found,
	       N_LOOKUPS + NLAT);
	hotlist_free(hl);
	free(lat);
	free(q);
	free(marks);
	return found > 0 ? 0 : 1;
}
