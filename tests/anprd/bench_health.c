// SPDX-License-Identifier: MIT
/*
 * bench_health.c - `make bench` figure for the camera-health check: time
 * of one health_check() on a 1920x1080 grey frame (anprd checks each
 * source about once a second, so this is the cost per second per camera).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/health.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(void)
{
	enum { W = 1920, H = 1080, N = 200 };
	uint8_t *fr[2] = {malloc((size_t)W * H), malloc((size_t)W * H)};
	struct health_state s;
	struct health_params p;
	struct health_metrics m;
	uint32_t r = 1;
	double t0, per;

	if (!fr[0] || !fr[1])
		return 1;
	/* two frames of one scene with different sensor noise, alternated:
	 * a live view */
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < (size_t)W * H; i++) {
			r = r * 1103515245u + 12345u;
			fr[k][i] = (uint8_t)(40 + ((i / 16) % 7) * 25 +
					     ((r >> 16) & 3));
		}
	health_params_default(&p);
	health_state_init(&s);
	t0 = now_s();
	for (int i = 0; i < N; i++) {
		struct grey_view v = {fr[i & 1], W, H, W};
		if (health_check(&s, &p, &v, (int64_t)i * 1000000, &m) < 0)
			return 1;
	}
	per = (now_s() - t0) / N * 1e3;
	printf("health check per 1920x1080 frame: %.2f ms  (target <= 10 ms)  "
	       "%s\n", per, per <= 10 ? "OK" : "MISS");
	printf("# mean %.1f, sharpness %.1f, active 0x%x\n", m.mean,
	       m.sharpness, s.active);
	free(fr[0]);
	free(fr[1]);
	return s.active == 0 ? 0 : 1;	/* a live, sharp view is healthy */
}
