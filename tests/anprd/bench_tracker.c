// SPDX-License-Identifier: MIT
/*
 * bench_tracker.c - `make bench` figure for the tracker: reads per second
 * through tracker_add/tracker_tick with 12 vehicles in view at once on
 * two sources (25 fps each), and the voted marks checked.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/tracker.h"

static long emitted, wrong;

static void on_vehicle(void *ctx, const struct trk_vehicle *v)
{
	(void)ctx;
	emitted++;
	if (strncmp(v->vrm, "BM", 2) != 0)
		wrong++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(void)
{
	struct tracker_params p;
	struct tracker *t;
	long reads = 0;
	const int frames = 200000, lanes = 6;
	double t0, dt;

	tracker_params_default(&p);
	t = tracker_new(&p, on_vehicle, NULL);
	t0 = now_s();
	for (int f = 0; f < frames; f++) {
		int64_t t_us = (int64_t)f * 40000;
		for (int src = 0; src < 2; src++)
			for (int l = 0; l < lanes; l++) {
				/* each lane: a new vehicle every 30 frames,
				 * moving down the frame */
				int age = (f + l * 5) % 30;
				int id = (f + l * 5) / 30;
				struct trk_read r;
				memset(&r, 0, sizeof(r));
				snprintf(r.text, sizeof(r.text), "BM%02d%c%c%c",
					 (id + l) % 100, 'A' + id % 26,
					 'A' + (id / 26) % 26, 'A' + l);
				if (f % 7 == 0)
					r.text[2] = 'O';	/* a misread */
				r.conf = 0.8f;
				r.source = src;
				r.frame_seq = (uint64_t)f;
				r.t_us = t_us;
				r.x = 100.0f + 300.0f * (float)l;
				r.y = 100.0f + 30.0f * (float)age;
				r.w = 140;
				r.h = 30;
				r.frame_w = 1920;
				r.frame_h = 1080;
				tracker_add(t, &r);
				reads++;
			}
		tracker_tick(t, t_us);
	}
	tracker_flush(t);
	dt = now_s() - t0;
	double rate = (double)reads / dt;
	printf("tracker reads/s (12 vehicles in view, 2 sources): %.2e /s  "
	       "(target >= 1e5 /s)  %s\n", rate, rate >= 1e5 ? "OK" : "MISS");
	printf("# %ld reads, %ld vehicles emitted (expected about %ld), "
	       "%ld with a wrong prefix\n", reads, emitted,
	       (long)frames / 30 * lanes * 2, wrong);
	tracker_free(t);
	/* every pass exactly once (a few cut at the start and the end) */
	long expected = (long)frames / 30 * lanes * 2;
	return wrong == 0 && emitted >= expected && emitted <= expected + 24
		       ? 0 : 1;
}
