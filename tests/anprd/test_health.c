// SPDX-License-Identifier: MIT
/* test_health.c - camera health on synthetic grey frames: a live scene,
 * black, saturated, blurred, frozen; debouncing; bad views. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/health.h"
#include "core/health_alert.h"

#define W 320
#define H 180

static uint8_t base[W * H];
static uint32_t rng = 12345;

static int rnd(int n)
{
	rng = rng * 1103515245u + 12345u;
	return (int)((rng >> 8) % (uint32_t)n);
}

/* A textured scene: 8x8 blocks of random grey, like edges of a road
 * scene with vehicles and plates. */
static void make_scene(void)
{
	for (int by = 0; by < H; by += 8)
		for (int bx = 0; bx < W; bx += 8) {
			uint8_t g = (uint8_t)(30 + rnd(170));
			for (int y = by; y < by + 8 && y < H; y++)
				for (int x = bx; x < bx + 8 && x < W; x++)
					base[y * W + x] = g;
		}
}

static uint8_t clamp(int v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* base plus sensor noise of +-amp */
static void noisy(const uint8_t *src, uint8_t *dst, int amp)
{
	for (int i = 0; i < W * H; i++)
		dst[i] = clamp(src[i] + (amp ? rnd(2 * amp + 1) - amp : 0));
}

static void box_blur(uint8_t *img, int r)
{
	static uint8_t tmp[W * H];
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int s = 0, n = 0;
			for (int k = -r; k <= r; k++)
				if (x + k >= 0 && x + k < W) {
					s += img[y * W + x + k];
					n++;
				}
			tmp[y * W + x] = (uint8_t)(s / n);
		}
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int s = 0, n = 0;
			for (int k = -r; k <= r; k++)
				if (y + k >= 0 && y + k < H) {
					s += tmp[(y + k) * W + x];
					n++;
				}
			img[y * W + x] = (uint8_t)(s / n);
		}
}

static struct grey_view view(const uint8_t *p)
{
	struct grey_view v = {p, W, H, W};
	return v;
}

static int setup(void **state)
{
	(void)state;
	make_scene();
	return 0;
}

static void test_metrics(void **state)
{
	static uint8_t f[W * H];
	struct health_metrics m;
	(void)state;

	noisy(base, f, 1);
	struct grey_view v = view(f);
	assert_int_equal(health_measure(&v, &m), 0);
	assert_true(m.mean > 80 && m.mean < 150);
	assert_true(m.saturated < 0.01);
	assert_true(m.sharpness > 200);
	assert_true(m.change < 0);
	/* noise alone is not sharpness */
	memset(f, 128, sizeof(f));
	noisy(f, f, 2);
	assert_int_equal(health_measure(&v, &m), 0);
	assert_true(m.sharpness < 15);
	/* a strided view: only width pixels of each row count */
	static uint8_t wide[(W + 64) * H];
	memset(wide, 255, sizeof(wide));
	for (int y = 0; y < H; y++)
		memset(wide + y * (W + 64), 10, W);
	struct grey_view sv = {wide, W, H, W + 64};
	assert_int_equal(health_measure(&sv, &m), 0);
	assert_true(m.mean > 9.9 && m.mean < 10.1);
	assert_true(m.saturated == 0);
}

static void test_bad_view(void **state)
{
	struct health_metrics m;
	struct health_state s;
	struct health_params p;
	uint8_t px[100] = {0};
	(void)state;

	health_params_default(&p);
	health_state_init(&s);
	struct grey_view v0 = {NULL, W, H, W};
	assert_int_equal(health_measure(&v0, &m), -1);
	struct grey_view v1 = {px, 5, 5, 5};
	assert_int_equal(health_check(&s, &p, &v1, 0, &m), -1);
	struct grey_view v2 = {px, 10, 10, 5};	/* stride < width */
	assert_int_equal(health_measure(&v2, &m), -1);
}

static void test_live_scene_ok(void **state)
{
	static uint8_t f[W * H];
	struct health_state s;
	struct health_params p;
	struct health_metrics m;
	(void)state;

	health_params_default(&p);
	health_state_init(&s);
	/* 20 s of a static but live scene (noise), one check a second */
	for (int i = 0; i < 20; i++) {
		noisy(base, f, 1);
		struct grey_view v = view(f);
		assert_int_equal(health_check(&s, &p, &v, (int64_t)i * 1000000,
					      &m), 0);
	}
	assert_int_equal(s.active, 0);
	assert_true(m.change > p.frozen_diff);
}

static void test_black(void **state)
{
	static uint8_t f[W * H];
	struct health_state s;
	struct health_params p;
	struct health_metrics m;
	struct grey_view v = view(f);
	int64_t t = 0;
	(void)state;

	health_params_default(&p);
	health_state_init(&s);
	memset(f, 3, sizeof(f));
	/* two black checks then light again: not raised (hold 3) */
	for (int i = 0; i < 2; i++) {
		noisy(f, f, 1);
		assert_int_equal(health_check(&s, &p, &v, t += 1000000, &m), 0);
	}
	noisy(base, f, 1);
	assert_int_equal(health_check(&s, &p, &v, t += 1000000, &m), 0);
	/* black for good: raised at the third check, and only black (not
	 * blurred) */
	int changed = 0;
	for (int i = 0; i < 3; i++) {
		memset(f, 3, sizeof(f));
		noisy(f, f, 1);
		changed = health_check(&s, &p, &v, t += 1000000, &m);
		if (i < 2)
			assert_int_equal(changed, 0);
	}
	assert_int_equal(changed, HEALTH_BLACK);
	assert_int_equal(s.active, HEALTH_BLACK);
	assert_true(m.mean < 8);
	/* cleared after three good checks */
	for (int i = 0; i < 3; i++) {
		noisy(base, f, 1);
		changed = health_check(&s, &p, &v, t += 1000000, &m);
	}
	assert_int_equal(changed, HEALTH_BLACK);
	assert_int_equal(s.active, 0);
	assert_string_equal(health_cond_name(HEALTH_BLACK), "black");
}

static void test_saturated(void **state)
{
	static uint8_t f[W * H];
	struct health_state s;
	struct health_params p;
	struct health_metrics m;
	struct grey_view v = view(f);
	(void)state;

	health_params_default(&p);
	health_state_init(&s);
	for (int i = 0; i < 3; i++) {
		noisy(base, f, 1);
		memset(f, 255, (size_t)W * H * 7 / 10);	/* top 70 % blown */
		health_check(&s, &p, &v, (int64_t)i * 1000000, &m);
	}
	assert_int_equal(s.active, HEALTH_SATURATED);
	assert_true(m.saturated > 0.69);
}

static void test_blurred(void **state)
{
	static uint8_t f[W * H], soft[W * H];
	struct health_state s;
	struct health_params p;
	struct health_metrics m;
	struct grey_view v = view(f);
	(void)state;

	health_params_default(&p);
	health_state_init(&s);
	memcpy(soft, base, sizeof(soft));
	box_blur(soft, 6);
	box_blur(soft, 6);
	for (int i = 0; i < 3; i++) {
		noisy(soft, f, 1);
		health_check(&s, &p, &v, (int64_t)i * 1000000, &m);
	}
	assert_int_equal(s.active, HEALTH_BLURRED);
	assert_true(m.sharpness < p.blur_min);
	/* a little softness (radius 1) is still fine */
	health_state_init(&s);
	memcpy(soft, base, sizeof(soft));
	box_blur(soft, 1);
	for (int i = 0; i < 3; i++) {
		noisy(soft, f, 1);
		health_check(&s, &p, &v, (int64_t)i * 1000000, &m);
	}
	assert_int_equal(s.active, 0);
}

static void test_frozen(void **state)
{
	static uint8_t f[W * H];
	struct health_state s;
	struct health_params p;
	struct health_metrics m;
	struct grey_view v = view(f);
	int64_t t0 = 5000000, step = 40000;	/* 25 fps */
	int changed;
	(void)state;

	health_params_default(&p);
	health_state_init(&s);
	noisy(base, f, 1);
	/* the very same frame for just under 10 s: not yet */
	int64_t t = t0;
	for (; t < t0 + p.frozen_after_us; t += step)
		assert_int_equal(health_check(&s, &p, &v, t, &m), 0);
	assert_true(m.change == 0);
	changed = health_check(&s, &p, &v, t0 + p.frozen_after_us, &m);
	assert_int_equal(changed, HEALTH_FROZEN);
	assert_int_equal(s.active, HEALTH_FROZEN);
	/* one new frame clears it at once */
	noisy(base, f, 1);
	changed = health_check(&s, &p, &v, t0 + p.frozen_after_us + step, &m);
	assert_int_equal(changed, HEALTH_FROZEN);
	assert_int_equal(s.active, 0);
}

static void test_alerts_from_changes(void **state)
{
	struct health_metrics m = {3.2, 0.0, 1.0, 0.0};
	struct alert a[4];
	(void)state;

	assert_int_equal(health_alerts(0, 0, &m, "CAM", "front", 5, a), 0);
	int n = health_alerts(HEALTH_BLACK | HEALTH_FROZEN, HEALTH_BLACK, &m,
			      "CAM", "front", 5, a);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].kind, ALERT_HEALTH);
	assert_string_equal(a[0].state, "black");
	assert_int_equal(a[0].active, 1);
	assert_string_equal(a[0].detail, "mean grey 3.2");
	assert_string_equal(a[0].source, "front");
	assert_string_equal(a[1].state, "frozen");
	assert_int_equal(a[1].active, 0);
	assert_string_equal(a[1].detail, "the view changes again");
	assert_int_equal(a[1].time_us, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_bad_view),
		cmocka_unit_test(test_live_scene_ok),
		cmocka_unit_test(test_black),
		cmocka_unit_test(test_saturated),
		cmocka_unit_test(test_blurred),
		cmocka_unit_test(test_frozen),
		cmocka_unit_test(test_alerts_from_changes),
	};
	return cmocka_run_group_tests_name("anprd health", tests, setup, NULL);
}
