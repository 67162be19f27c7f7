/* SPDX-License-Identifier: MIT */
/*
 * test_capture_rtsp.c - the pure half of the rtsp: backend
 * (libanprcap/src/rtsp_url.c): URIs and options, the credentials file,
 * the capture time and its quality, the back-off. The streaming half runs
 * against a real RTSP server in tests/capture/rtsp.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "anprcap.h"
#include "../../libanprcap/src/rtsp_url.h"

#define MS 1000000LL
#define S 1000000000LL

static char err[1024];

static void parses_uris_and_options(void **state)
{
	struct rtsp_url u;

	(void)state;
	assert_int_equal(anprcap__rtsp_parse("rtsp", "//10.0.0.5:8554/stream1", &u, err,
					     sizeof(err)), 0);
	assert_string_equal(u.location, "rtsp://10.0.0.5:8554/stream1");
	assert_string_equal(u.credfile, "");
	assert_int_equal(u.transport, RTSP_TCP);
	assert_int_equal(u.latency_ms, 200);
	assert_int_equal(u.timeout_ms, 5000);
	assert_int_equal(u.end_eof, 0);

	assert_int_equal(anprcap__rtsp_parse("rtsps", "//cam.example/a?b=c#credentials=/etc/anpr/"
					     "cam1.cred&transport=udp&latency=0&timeout=500&end=eof",
					     &u, err, sizeof(err)), 0);
	assert_string_equal(u.location, "rtsps://cam.example/a?b=c");	/* no fragment */
	assert_string_equal(u.credfile, "/etc/anpr/cam1.cred");
	assert_int_equal(u.transport, RTSP_UDP);
	assert_int_equal(u.latency_ms, 0);
	assert_int_equal(u.timeout_ms, 500);
	assert_int_equal(u.end_eof, 1);
	assert_int_equal(anprcap__rtsp_parse("rtsps", "//cam/x#ca=/etc/anpr/cam-ca.pem", &u, err,
					     sizeof(err)), 0);
	assert_string_equal(u.cafile, "/etc/anpr/cam-ca.pem");

	setenv("CREDENTIALS_DIRECTORY", "/run/credentials/anprd.service", 1);
	assert_int_equal(anprcap__rtsp_parse("rtsp", "//cam/x#credential=cam1", &u, err,
					     sizeof(err)), 0);
	assert_string_equal(u.credfile, "/run/credentials/anprd.service/cam1");
	assert_int_equal(anprcap__rtsp_parse("rtsp", "//cam/x#credential=../x", &u, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "a systemd credential's name, not a path"));
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(anprcap__rtsp_parse("rtsp", "//cam/x#credential=cam1", &u, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "$CREDENTIALS_DIRECTORY is not set"));
}

static void refuses_bad_uris_and_never_shows_a_password(void **state)
{
	static const struct { const char *rest, *msg; } bad[] = {
		{ "cam/x", "rtsp:cam/x: expected rtsp://HOST[:PORT]/PATH" },
		{ "///x", "no host" },
		{ "//u:hunter2@cam/x", "rtsp://***@cam/x: user name or password in the URI" },
		{ "//hunter2@cam/x#credentials=f", "rtsp://***@cam/x: user name" },
		{ "//cam/a b", "space or control character" },
		{ "//cam/x#latency=10001", "latency '10001': milliseconds, 0 to 10000" },
		{ "//cam/x#timeout=499", "timeout '499': milliseconds, 500 to 60000" },
		{ "//cam/x#transport=sctp", "transport 'sctp': expected tcp, udp or auto" },
		{ "//cam/x#latency", "option 'latency': expected NAME=VALUE" },
		{ "//cam/x#credentials=", "option 'credentials=': expected NAME=VALUE" },
		{ "//cam/x#user=bob", "unknown option 'user'" },
		{ "//cam/x#end=stop", "end 'stop': expected reconnect or eof" },
		{ "//cam/x#ca=/etc/ca.pem", "rtsp://cam/x: ca= is for rtsps://" },
	};
	struct rtsp_url u;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(anprcap__rtsp_parse("rtsp", bad[i].rest, &u, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: '%s' lacks '%s'", bad[i].rest, err, bad[i].msg);
		assert_null(strstr(err, "hunter2"));
	}
}

static const char *write_cred(const char *content, size_t len, mode_t mode)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/anprcap-rtsp-cred.%d", getenv("TMPDIR") ?
		 getenv("TMPDIR") : "/tmp", (int)getpid());
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void reads_credentials_files(void **state)
{
	char user[RTSP_CRED_MAX], pass[RTSP_CRED_MAX];
	static const struct { const char *content; mode_t mode; const char *msg; } bad[] = {
		{ "admin:s3cret:x\n", 0604, "may be read by anyone (mode 604): chmod o= it" },
		{ "admin\n", 0600, "expected USER:PASSWORD on one line" },
		{ ":s3cret\n", 0600, "expected USER:PASSWORD on one line" },
		{ "admin:s3cret\nmore\n", 0600, "more than one line" },
		{ "admin:s3\tcret\n", 0600, "control character" },
	};
	const char *p;

	(void)state;
	p = write_cred("admin:s3:cret\n", 14, 0600);
	assert_int_equal(anprcap__rtsp_read_credentials(p, user, pass, err, sizeof(err)), 0);
	assert_string_equal(user, "admin");
	assert_string_equal(pass, "s3:cret");
	p = write_cred("admin:pw\r\n", 10, 0640);
	assert_int_equal(anprcap__rtsp_read_credentials(p, user, pass, err, sizeof(err)), 0);
	assert_string_equal(pass, "pw");
	p = write_cred("admin:pw", 8, 0400);
	assert_int_equal(anprcap__rtsp_read_credentials(p, user, pass, err, sizeof(err)), 0);
	assert_string_equal(pass, "pw");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = write_cred(bad[i].content, strlen(bad[i].content), bad[i].mode);
		assert_int_equal(anprcap__rtsp_read_credentials(p, user, pass, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].msg) || strncmp(err, p, strlen(p)))
			fail_msg("case %zu: '%s' lacks '%s' or the file name", i, err, bad[i].msg);
		assert_null(strstr(err, "s3"));		/* never the content */
	}
	p = write_cred("a:b\0c\n", 6, 0600);
	assert_int_equal(anprcap__rtsp_read_credentials(p, user, pass, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL byte"));
	unlink(p);
	assert_int_equal(anprcap__rtsp_read_credentials("/nonexistent/c", user, pass, err,
							sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/c: cannot open the credentials file"));
}

/* Times: receive-time until a report, synchronised with one, estimated
 * after it from the last offset; clocks that disagree are flagged. */
static void stamps_frames_with_their_quality(void **state)
{
	struct rtsp_clock c = { 0 };
	struct rtsp_stamp st;
	const int64_t utc = 1796600000 * S;
	const uint64_t mono = 5000 * (uint64_t)S;

	(void)state;
	anprcap__rtsp_stamp(&c, 0, 0, utc, mono, &st);
	assert_int_equal(st.clock, ANPRCAP_RTSP_CLOCK_RECEIVE_TIME);
	assert_true(st.camera_utc_ns == utc && st.mono_ns == mono && st.ts_host);
	assert_int_equal(st.flags, 0);

	/* captured 40 ms before arrival by the camera's clock */
	anprcap__rtsp_stamp(&c, 1, utc - 40 * MS, utc, mono, &st);
	assert_int_equal(st.clock, ANPRCAP_RTSP_CLOCK_SYNCHRONISED);
	assert_true(st.camera_utc_ns == utc - 40 * MS);
	assert_true(st.mono_ns == mono - 40 * MS);
	assert_false(st.ts_host);
	assert_int_equal(st.flags, 0);

	/* a new session, no report yet: the last offset, estimated */
	anprcap__rtsp_stamp(&c, 0, 0, utc + 10 * S, mono + 10 * S, &st);
	assert_int_equal(st.clock, ANPRCAP_RTSP_CLOCK_ESTIMATED);
	assert_true(st.camera_utc_ns == utc + 10 * S - 40 * MS);
	assert_true(st.mono_ns == mono + 10 * S - 40 * MS);
	assert_true(st.ts_host);

	/* a camera an hour ahead: its time kept, ours for the stamp */
	anprcap__rtsp_stamp(&c, 1, utc + 3600 * S, utc, mono, &st);
	assert_int_equal(st.clock, ANPRCAP_RTSP_CLOCK_SYNCHRONISED);
	assert_true(st.camera_utc_ns == utc + 3600 * S);
	assert_int_equal(st.flags, ANPRCAP_RTSP_FL_CLOCKS_DISAGREE);
	assert_true(st.mono_ns == mono && st.ts_host);
	/* and a frame 11 s old by its clock */
	anprcap__rtsp_stamp(&c, 1, utc - 11 * S, utc, mono, &st);
	assert_int_equal(st.flags, ANPRCAP_RTSP_FL_CLOCKS_DISAGREE);
	/* a few ms in the future is clock error, not disagreement */
	anprcap__rtsp_stamp(&c, 1, utc + 20 * MS, utc, mono, &st);
	assert_int_equal(st.flags, 0);
	assert_true(st.mono_ns == mono && !st.ts_host);
}

static void backs_off(void **state)
{
	(void)state;
	assert_true(anprcap__rtsp_backoff_ns(1) == 500 * (uint64_t)MS);
	assert_true(anprcap__rtsp_backoff_ns(2) == 1000 * (uint64_t)MS);
	assert_true(anprcap__rtsp_backoff_ns(3) == 2000 * (uint64_t)MS);
	assert_true(anprcap__rtsp_backoff_ns(7) == 30000 * (uint64_t)MS);
	assert_true(anprcap__rtsp_backoff_ns(1000000) == 30000 * (uint64_t)MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_uris_and_options),
		cmocka_unit_test(refuses_bad_uris_and_never_shows_a_password),
		cmocka_unit_test(reads_credentials_files),
		cmocka_unit_test(stamps_frames_with_their_quality),
		cmocka_unit_test(backs_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
