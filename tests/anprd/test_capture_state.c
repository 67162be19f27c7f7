// SPDX-License-Identifier: MIT
/* test_capture_state.c - a frame's capture clock for the read records
 * (every RTSP clock quality, the clocks-disagree flag, every ts_source of
 * local and replayed sources), and an IP camera's outage state for the
 * status file (the library's messages parsed, down since the last frame,
 * lost time while down and after, the JSON and the operator's line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/capture_state.h"
#include "evidence/evidence.h"

#define S_NS 1000000000ull

static struct anprcap_frame rtsp_frame(struct anprcap_rtsp_meta *m, uint32_t clock,
				       uint32_t flags)
{
	struct anprcap_frame f;

	memset(&f, 0, sizeof(f));
	memset(m, 0, sizeof(*m));
	m->magic = ANPRCAP_META_RTSP;
	m->version = 1;
	m->size = sizeof(*m);
	m->clock = clock;
	m->flags = flags;
	f.meta_format = ANPRCAP_META_RTSP;
	f.meta = m;
	f.meta_bytes = sizeof(*m);
	/* what rtsp.c sets: SOE for a synchronised frame whose clocks agree,
	 * HOST otherwise; the record must not take it for a sensor's */
	f.ts_source = clock == ANPRCAP_RTSP_CLOCK_SYNCHRONISED &&
		      !(flags & ANPRCAP_RTSP_FL_CLOCKS_DISAGREE) ? ANPRCAP_TS_SOE : ANPRCAP_TS_HOST;
	return f;
}

static void test_rtsp_clocks(void **state)
{
	struct anprcap_rtsp_meta m;
	struct anprcap_frame f;
	bool dis = true;

	(void)state;
	f = rtsp_frame(&m, ANPRCAP_RTSP_CLOCK_SYNCHRONISED, 0);
	assert_int_equal(capture_clock_of(&f, &dis), EV_CAPCLK_CAMERA_SYNCHRONISED);
	assert_false(dis);
	f = rtsp_frame(&m, ANPRCAP_RTSP_CLOCK_ESTIMATED, ANPRCAP_RTSP_FL_RECONNECTED);
	assert_int_equal(capture_clock_of(&f, &dis), EV_CAPCLK_CAMERA_ESTIMATED);
	assert_false(dis);
	f = rtsp_frame(&m, ANPRCAP_RTSP_CLOCK_RECEIVE_TIME, 0);
	assert_int_equal(capture_clock_of(&f, &dis), EV_CAPCLK_RECEIVE_TIME);
	/* the camera's clock an hour out: still its synchronised time, and
	 * the record says the clocks disagreed (time_utc is the arrival) */
	f = rtsp_frame(&m, ANPRCAP_RTSP_CLOCK_SYNCHRONISED, ANPRCAP_RTSP_FL_CLOCKS_DISAGREE);
	assert_int_equal(capture_clock_of(&f, &dis), EV_CAPCLK_CAMERA_SYNCHRONISED);
	assert_true(dis);
	f = rtsp_frame(&m, 77, 0);
	assert_int_equal(capture_clock_of(&f, &dis), EV_CAPCLK_UNKNOWN);
	/* metadata too short to be the RTSP structure: not trusted */
	f = rtsp_frame(&m, ANPRCAP_RTSP_CLOCK_ESTIMATED, 0);
	f.meta_bytes = 8;
	assert_int_equal(capture_clock_of(&f, &dis), EV_CAPCLK_RECEIVE_TIME);
}

static void test_local_clocks(void **state)
{
	static const struct { enum anprcap_ts_source ts; enum ev_capclk want; } t[] = {
		{ ANPRCAP_TS_SOE, EV_CAPCLK_SENSOR_EXPOSURE },
		{ ANPRCAP_TS_EOF, EV_CAPCLK_DRIVER_FRAME_END },
		{ ANPRCAP_TS_HOST, EV_CAPCLK_RECEIVE_TIME },
		{ ANPRCAP_TS_SYNTHETIC, EV_CAPCLK_SYNTHETIC },
		{ ANPRCAP_TS_UNKNOWN, EV_CAPCLK_UNKNOWN },
	};
	struct anprcap_frame f;
	bool dis;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.ts_source = t[i].ts;
		dis = true;
		assert_int_equal(capture_clock_of(&f, &dis), t[i].want);
		assert_false(dis);
		/* each value is one the record format takes */
		assert_int_equal(ev_value_check(EV_K_CAPCLK, ev_capclk_names[t[i].want]), 0);
	}
	assert_int_not_equal(ev_value_check(EV_K_CAPCLK, "synchronised"), 0);
	assert_int_not_equal(ev_value_check(EV_K_CAPCLK, ""), 0);
}

static void test_outage(void **state)
{
	struct stream_state s;
	struct anprcap_rtsp_meta m;
	char buf[512];

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&m, 0, sizeof(m));
	/* a plain timeout (no outage) says nothing; nor does a file source */
	assert_false(stream_state_lost(&s, "rtsp://cam/1: no frame within 1000 ms", 5 * S_NS, 5000000));
	assert_false(s.rtsp);
	assert_string_equal(stream_state_describe(&s, 5 * S_NS, buf, sizeof(buf)), "");
	assert_string_equal(stream_state_json(&s, 5 * S_NS, buf, sizeof(buf)), "");
	/* frames, then lost: down since the last frame, the reason without
	 * the URI, said once */
	m.reconnects = 2;
	m.lost_ns = 10 * S_NS;
	stream_state_frame(&s, &m, 100 * S_NS, 1796612400000000);	/* 2026-12-07T03:00:00Z */
	assert_true(s.rtsp);
	assert_false(s.down);
	assert_true(stream_state_lost(&s, "rtsp://127.0.0.1:8554/cam: stream lost (no frame for "
				      "2000 ms) 2.6 s ago; reconnect attempt 1 in 0.5 s",
				      102 * S_NS + S_NS / 2, 1796612402600000));
	assert_true(s.down);
	assert_string_equal(s.reason, "no frame for 2000 ms");
	assert_int_equal(s.down_since_ns, 100 * S_NS);
	assert_false(stream_state_lost(&s, "rtsp://127.0.0.1:8554/cam: stream lost (the camera "
				       "ended the stream (EOS)) 5.0 s ago; reconnect attempt 2 under way",
				       105 * S_NS, 1796612405000000));
	assert_string_equal(s.reason, "the camera ended the stream (EOS)");
	assert_int_equal(s.down_since_ns, 100 * S_NS);
	/* 42 s down: the operator's line and the status JSON */
	assert_int_equal(stream_state_lost_total(&s, 142 * S_NS), 52 * S_NS);
	assert_string_equal(stream_state_describe(&s, 142 * S_NS, buf, sizeof(buf)),
			    "camera stream lost 42 s (the camera ended the stream (EOS)), "
			    "reconnecting; 2 reconnects, 52 s lost since start");
	assert_string_equal(stream_state_json(&s, 142 * S_NS, buf, sizeof(buf)),
			    "{\"up\":false,\"down_since\":\"2026-12-07T03:00:00Z\",\"down_s\":42.0,"
			    "\"reason\":\"the camera ended the stream (EOS)\",\"reconnects\":2,"
			    "\"lost_s\":52.0}");
	/* back: the library's counts take over */
	m.reconnects = 3;
	m.lost_ns = 52 * S_NS + S_NS / 2;
	stream_state_frame(&s, &m, 143 * S_NS, 1796612443000000);
	assert_false(s.down);
	assert_int_equal(stream_state_lost_total(&s, 200 * S_NS), 52 * S_NS + S_NS / 2);
	assert_string_equal(stream_state_describe(&s, 200 * S_NS, buf, sizeof(buf)),
			    "camera stream up; 3 reconnects, 52 s lost since start");
	assert_string_equal(stream_state_json(&s, 200 * S_NS, buf, sizeof(buf)),
			    "{\"up\":true,\"down_since\":null,\"down_s\":0.0,\"reason\":null,"
			    "\"reconnects\":3,\"lost_s\":52.5}");
}

static void test_refused_and_escaped(void **state)
{
	struct stream_state s;
	char buf[512];

	(void)state;
	memset(&s, 0, sizeof(s));
	/* credentials refused before any frame: down since it was noticed */
	assert_true(stream_state_lost(&s, "rtsp://cam:554/1: the camera refused the credentials "
				      "\"q\\\"; retrying in 2.0 s", 7 * S_NS, 0));
	assert_int_equal(s.down_since_ns, 7 * S_NS);
	assert_string_equal(s.reason, "the camera refused the credentials \"q\\\"");
	stream_state_json(&s, 9 * S_NS, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"reason\":\"the camera refused the credentials \\\"q\\\\\\\"\""));
	assert_non_null(strstr(buf, "\"down_since\":\"1970-01-01T00:00:00Z\",\"down_s\":2.0"));
	/* a message of neither form is no outage */
	assert_false(stream_state_lost(&s, "garbage", 9 * S_NS, 0));
	assert_false(stream_state_lost(&s, "x: stream lost (", 9 * S_NS, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtsp_clocks),
		cmocka_unit_test(test_local_clocks),
		cmocka_unit_test(test_outage),
		cmocka_unit_test(test_refused_and_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
