/* SPDX-License-Identifier: MIT */
/* Unit tests of libanprcap's pure parts: replay pacing and y4m headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "anprcap.h"
#include "../../libanprcap/src/pace.h"
#include "../../libanprcap/src/y4m.h"

#define MS 1000000ull

static void pace_fast_never_waits_or_drops(void **state)
{
	struct anprcap_pace p;
	struct anprcap_pace_step s;

	(void)state;
	anprcap__pace_init(&p, 1000, 10, 1, 4, 1);
	for (uint64_t i = 0; i < 100; i++) {
		anprcap__pace_step(&p, 0, &s);	/* time does not matter */
		assert_int_equal(s.ready, 1);
		assert_int_equal(s.index, i);
		assert_int_equal(s.drops, 0);
		assert_int_equal(s.timestamp, 1000 + i * 100 * MS);
		anprcap__pace_commit(&p, &s);
	}
}

static void pace_realtime_waits_for_due_time(void **state)
{
	struct anprcap_pace p;
	struct anprcap_pace_step s;

	(void)state;
	anprcap__pace_init(&p, 0, 25, 1, 4, 0);
	assert_int_equal(p.period, 40 * MS);
	anprcap__pace_step(&p, 0, &s);
	assert_int_equal(s.ready, 1);
	assert_int_equal(s.index, 0);
	anprcap__pace_commit(&p, &s);
	anprcap__pace_step(&p, 39 * MS, &s);
	assert_int_equal(s.ready, 0);
	assert_int_equal(s.wait_until, 40 * MS);
	anprcap__pace_step(&p, 40 * MS, &s);
	assert_int_equal(s.ready, 1);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.timestamp, 40 * MS);
}

static void pace_slow_consumer_drops_oldest(void **state)
{
	struct anprcap_pace p;
	struct anprcap_pace_step s;

	(void)state;
	anprcap__pace_init(&p, 0, 25, 1, 4, 0);
	/* At 400 ms frames 0..10 exist; 4 are kept: 7..10. */
	anprcap__pace_step(&p, 400 * MS, &s);
	assert_int_equal(s.ready, 1);
	assert_int_equal(s.drops, 7);
	assert_int_equal(s.index, 7);
	assert_int_equal(s.timestamp, 280 * MS);
	anprcap__pace_commit(&p, &s);
	/* The kept ones then come without further drops. */
	for (uint64_t i = 8; i <= 10; i++) {
		anprcap__pace_step(&p, 400 * MS, &s);
		assert_int_equal(s.index, i);
		assert_int_equal(s.drops, 0);
		anprcap__pace_commit(&p, &s);
	}
	anprcap__pace_step(&p, 400 * MS, &s);
	assert_int_equal(s.ready, 0);
	assert_int_equal(s.wait_until, 440 * MS);
}

static void pace_depth_one_keeps_latest(void **state)
{
	struct anprcap_pace p;
	struct anprcap_pace_step s;

	(void)state;
	anprcap__pace_init(&p, 0, 0, 0, 0, 0);	/* defaults: 25 fps, depth 1 */
	anprcap__pace_step(&p, 100 * MS, &s);	/* frames 0,1,2 exist */
	assert_int_equal(s.index, 2);
	assert_int_equal(s.drops, 2);
}

#define HDR(s) (const uint8_t *)(s), strlen(s)

static void y4m_mono_header(void **state)
{
	struct y4m_info in;
	size_t used;
	char why[160];

	(void)state;
	assert_int_equal(anprcap__y4m_header(HDR("YUV4MPEG2 W64 H48 F25:1 Ip A1:1 Cmono XYSCSS=MONO\nFRAME\n"),
					     &in, &used, why, sizeof(why)), 0);
	assert_int_equal(used, strlen("YUV4MPEG2 W64 H48 F25:1 Ip A1:1 Cmono XYSCSS=MONO\n"));
	assert_int_equal(in.width, 64);
	assert_int_equal(in.height, 48);
	assert_int_equal(in.fps_num, 25);
	assert_int_equal(in.fps_den, 1);
	assert_int_equal(in.format, ANPRCAP_FMT_GREY);
	assert_int_equal(in.frame_bytes, 64 * 48);
	assert_int_equal(in.luma_bytes, 64 * 48);
}

static void y4m_chroma_sizes(void **state)
{
	struct y4m_info in;
	size_t used;
	char why[160];

	(void)state;
	/* default colour space is 420jpeg; odd sizes round chroma up */
	assert_int_equal(anprcap__y4m_header(HDR("YUV4MPEG2 W5 H3\n"), &in, &used, why, sizeof(why)), 0);
	assert_int_equal(in.frame_bytes, 15 + 2 * 3 * 2);
	assert_int_equal(anprcap__y4m_header(HDR("YUV4MPEG2 W4 H2 C422\n"), &in, &used, why, sizeof(why)), 0);
	assert_int_equal(in.frame_bytes, 8 + 8);
	assert_int_equal(anprcap__y4m_header(HDR("YUV4MPEG2 W4 H2 C444\n"), &in, &used, why, sizeof(why)), 0);
	assert_int_equal(in.frame_bytes, 24);
	assert_int_equal(anprcap__y4m_header(HDR("YUV4MPEG2 W4 H2 Cmono16\n"), &in, &used, why, sizeof(why)), 0);
	assert_int_equal(in.format, ANPRCAP_FMT_Y16);
	assert_int_equal(in.frame_bytes, 16);
}

static void y4m_bad_headers(void **state)
{
	static const struct { const char *h; const char *why; } bad[] = {
		{ "YUV4MPEG3 W4 H4\n", "bad magic" },
		{ "YUV4MPEG2 H4\n", "width or height" },
		{ "YUV4MPEG2 W0 H4\n", "width or height" },
		{ "YUV4MPEG2 Wx H4\n", "bad width" },
		{ "YUV4MPEG2 W4 H4 F25:0\n", "bad frame rate" },
		{ "YUV4MPEG2 W4 H4 It\n", "interlaced" },
		{ "YUV4MPEG2 W4 H4 C420p10\n", "not supported" },
		{ "YUV4MPEG2 W99999 H4\n", "limit" },
		{ "YUV4MPEG2 W99999999999 H4\n", "bad width" },
	};
	struct y4m_info in;
	size_t used;
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		assert_true(anprcap__y4m_header(HDR(bad[i].h), &in, &used, why, sizeof(why)) < 0);
		if (!strstr(why, bad[i].why))
			fail_msg("header %s: message '%s' lacks '%s'", bad[i].h, why, bad[i].why);
	}
	/* incomplete: need more */
	assert_int_equal(anprcap__y4m_header(HDR("YUV4MPEG2 W4"), &in, &used, why, sizeof(why)), 1);
	assert_int_equal(anprcap__y4m_header(HDR("YUV4"), &in, &used, why, sizeof(why)), 1);
}

static void y4m_frame_headers(void **state)
{
	size_t used;
	char why[160];

	(void)state;
	assert_int_equal(anprcap__y4m_frame_header(HDR("FRAME\nxxxx"), &used, why, sizeof(why)), 0);
	assert_int_equal(used, 6);
	assert_int_equal(anprcap__y4m_frame_header(HDR("FRAME Ixyz\n"), &used, why, sizeof(why)), 0);
	assert_int_equal(used, 11);
	assert_int_equal(anprcap__y4m_frame_header(HDR("FRA"), &used, why, sizeof(why)), 1);
	assert_true(anprcap__y4m_frame_header(HDR("FRAMX\n"), &used, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "FRAME"));
	assert_true(anprcap__y4m_frame_header(HDR("FRAMES\n"), &used, why, sizeof(why)) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pace_fast_never_waits_or_drops),
		cmocka_unit_test(pace_realtime_waits_for_due_time),
		cmocka_unit_test(pace_slow_consumer_drops_oldest),
		cmocka_unit_test(pace_depth_one_keeps_latest),
		cmocka_unit_test(y4m_mono_header),
		cmocka_unit_test(y4m_chroma_sizes),
		cmocka_unit_test(y4m_bad_headers),
		cmocka_unit_test(y4m_frame_headers),
	};

	return cmocka_run_group_tests_name("capture_pure", tests, NULL, NULL);
}
