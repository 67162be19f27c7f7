// SPDX-License-Identifier: MIT
/* test_config.c - anprd.conf parsing: good files, every kind of bad file,
 * secrecy of fixed-site coordinates, ROI masks, docs coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "core/config.h"
#include "core/config_map.h"
#include "core/roi.h"

static const char good_fixed[] =
	"# a fixed site\n"
	"[camera]\n"
	"id = CAM-0001\n"
	"site = M4-J12-EB\n"
	"\n"
	"[location]\n"
	"mode = fixed\n"
	"latitude = 51.473912\n"
	"longitude = -0.487113\n"
	"direction = NE\n"
	"lane = 2\n"
	"\n"
	"[source front]\n"
	"uri = v4l2:/dev/anpr/cam0\n"
	"fps = 25\n"
	"roi = 0,0.4 1,0.4 1,1 0,1\n"
	"[source rear]\n"
	"uri = file:/var/lib/anpr/replay\n"
	"[reader]\n"
	"workers = 2\n"
	"min_confidence = 0.7\n"
	"[tracker]\n"
	"max_gap = 800ms\n"
	"timeout = 3s\n"
	"[hotlists]\n"
	"file = /etc/anpr/hotlists/pnc.csv\n"
	"file = /etc/anpr/hotlists/local.csv\n"
	"search_back = 15m\n"
	"[spool]\n"
	"dir = /var/spool/anpr\n"
	"max_bytes = 20G\n"
	"[keys]\n"
	"signing_key = /etc/anpr/keys/camera.key\n"
	"[upload]\n"
	"url = https://bof.example.police.uk/anpr/v1/records\n"
	"client_cert = /etc/anpr/keys/client.crt\n"
	"client_key = /etc/anpr/keys/client.key\n"
	"[alerts]\n"
	"webhook = http://127.0.0.1:8080/hit\n"
	"journal = no\n"
	"[health]\n"
	"heartbeat = 30s\n";

static const char good_gpsd[] =
	"[camera]\nid = CAR-7\nsite = TVP-ARV-12\n"
	"[location]\nmode = gpsd\ngpsd_host = 127.0.0.1\nmax_fix_age = 2s\n"
	"[source dash]\nuri = usb:1d6b:0104\n"
	"[spool]\ndir = /var/spool/anpr\n"
	"[keys]\nsigning_key = /etc/anpr/keys/camera.key\n";

static int parse(const char *text, struct anprd_config *cfg, char *err,
		 size_t errlen)
{
	return anprd_config_parse("anprd.conf", text, strlen(text), cfg, err,
				  errlen);
}

static void test_good_fixed(void **state)
{
	struct anprd_config cfg;
	char err[512];
	(void)state;

	assert_int_equal(parse(good_fixed, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.camera_id, "CAM-0001");
	assert_string_equal(cfg.site_id, "M4-J12-EB");
	assert_int_equal(cfg.location.mode, ANPRD_LOC_FIXED);
	assert_true(cfg.location.latitude > 51.47 && cfg.location.latitude < 51.48);
	assert_true(cfg.location.longitude < -0.48);
	assert_int_equal(cfg.location.direction, 45);
	assert_int_equal(cfg.location.lane, 2);
	assert_int_equal(cfg.nsources, 2);
	assert_string_equal(cfg.sources[0].name, "front");
	assert_string_equal(cfg.sources[0].uri, "v4l2:/dev/anpr/cam0");
	assert_int_equal(cfg.sources[0].fps, 25);
	assert_int_equal(cfg.sources[0].has_roi, 1);
	assert_int_equal(cfg.sources[0].roi.npoints, 4);
	assert_int_equal(cfg.sources[1].has_roi, 0);
	assert_string_equal(cfg.sources[1].uri, "file:/var/lib/anpr/replay");
	assert_int_equal(cfg.reader.workers, 2);
	assert_int_equal(cfg.tracker.max_gap_ms, 800);
	assert_int_equal(cfg.tracker.timeout_ms, 3000);
	assert_int_equal(cfg.hotlists.nfiles, 2);
	assert_string_equal(cfg.hotlists.files[1], "/etc/anpr/hotlists/local.csv");
	assert_int_equal(cfg.hotlists.search_back_ms, 15 * 60000);
	assert_int_equal(cfg.spool.max_bytes, 20ull << 30);
	assert_string_equal(cfg.upload.client_key, "/etc/anpr/keys/client.key");
	assert_string_equal(cfg.alerts.webhook, "http://127.0.0.1:8080/hit");
	assert_string_equal(cfg.alerts.socket, "/run/anpr/alerts.sock");
	assert_int_equal(cfg.alerts.journal, 0);
	assert_int_equal(cfg.health.heartbeat_ms, 30000);
	/* defaults */
	assert_int_equal(cfg.hotlists.max_fuzzy, 2);
	assert_int_equal(cfg.health.frozen_after_ms, 10000);
	assert_string_equal(cfg.reader.country, "uk");
	assert_int_equal(cfg.reader.line_reread, 3);	/* the default */
}

static void test_good_gpsd(void **state)
{
	struct anprd_config cfg;
	char err[512];
	(void)state;

	assert_int_equal(parse(good_gpsd, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.location.mode, ANPRD_LOC_GPSD);
	assert_string_equal(cfg.location.gpsd_host, "127.0.0.1");
	assert_int_equal(cfg.location.gpsd_port, 2947);
	assert_int_equal(cfg.location.max_fix_age_ms, 2000);
	assert_string_equal(cfg.sources[0].uri, "usb:1d6b:0104");
	assert_string_equal(cfg.upload.url, "");
}

/* Replace the line starting with `prefix` in base by `repl` (which may be
 * several lines, or "" to delete it). */
static char *edit(const char *base, const char *prefix, const char *repl)
{
	const char *at = strstr(base, prefix);
	char *out;
	size_t len;

	assert_non_null(at);
	const char *eol = strchr(at, '\n');
	eol = eol ? eol + 1 : at + strlen(at);
	len = strlen(base) + strlen(repl) + 2;
	out = malloc(len);
	snprintf(out, len, "%.*s%s%s", (int)(at - base), base, repl, eol);
	return out;
}

struct bad_case {
	const char *prefix;	/* line of good_fixed to replace */
	const char *repl;
	const char *expect;	/* substring of the message */
};

static const struct bad_case bad_cases[] = {
	{"id = CAM", "id = CAM 0001\n", "anprd.conf:3: [camera] id: 'CAM 0001' is not an id"},
	{"id = CAM", "", "anprd.conf: [camera] id is required"},
	{"site =", "site = \n", "anprd.conf:4: [camera] site has no value"},
	{"mode = fixed", "mode = mobile\n", "anprd.conf:7: [location] mode: 'mobile' is not 'fixed' or 'gpsd'"},
	{"mode = fixed", "", "[location] mode is required"},
	{"latitude", "latitude = 95.1\n", "anprd.conf:8: [location] latitude: value is out of range -90..90"},
	{"latitude", "latitude = 51.4x\n", "anprd.conf:8: [location] latitude: value is not a number"},
	{"latitude", "", "[location] latitude is required when mode = fixed"},
	{"longitude", "longitude = -181\n", "anprd.conf:9: [location] longitude: value is out of range"},
	{"direction", "direction = 360\n", "anprd.conf:10: [location] direction: '360' is not a direction"},
	{"direction", "", "[location] direction is required when mode = fixed"},
	{"lane", "lane = 17\n", "anprd.conf:11: [location] lane: 17 is out of range 0..16"},
	{"lane", "lane = two\n", "anprd.conf:11: [location] lane: 'two' is not a whole number"},
	{"lane", "lane = 2\nlane = 3\n", "anprd.conf:12: [location] lane given twice (first at line 11)"},
	{"lane", "gpsd_host = localhost\n", "anprd.conf:11: [location] gpsd_host is only for mode = gpsd"},
	{"lane", "colour = red\n", "anprd.conf:11: unknown option 'colour' in [location]"},
	{"[source front]", "[sauce front]\n", "anprd.conf:13: unknown section [sauce front]"},
	{"[source front]", "[source]\n", "anprd.conf:13: [source NAME] needs a name"},
	{"[source front]", "[source front\n", "anprd.conf:13: section header has no closing ']'"},
	{"[source rear]", "[source front]\n", "anprd.conf:17: source 'front' defined twice (first at line 13)"},
	{"uri = v4l2", "uri = /dev/video0\n", "anprd.conf:14: [source front] uri: '/dev/video0' is not a source URI"},
	{"uri = v4l2", "uri = v4l2:\n", "is not a source URI"},
	{"uri = v4l2", "uri = rtsp:cam\n", "'rtsp:cam' is not a source URI"},
	/* a password in an RTSP URI: refused, the URI not repeated */
	{"uri = v4l2", "uri = rtsp://officer:hunter2@cam/x\n",
	 "anprd.conf:14: [source front] uri: a user name or password in the source URI: give them in a file"},
	{"uri = v4l2", "", "anprd.conf:13: [source front] uri is required"},
	{"fps = 25", "fps = 500\n", "anprd.conf:15: [source front] fps: 500 is out of range 0..120"},
	{"roi =", "roi = 0,0 1,1\n", "anprd.conf:16: [source front] roi: a region needs at least 3 points, got 2"},
	{"roi =", "roi = 0,0 1.5,0 1,1\n", "anprd.conf:16: [source front] roi: point 2 is outside the frame"},
	{"roi =", "roi = 0,0 1;0 1,1\n", "anprd.conf:16: [source front] roi: point 2 is not 'x,y'"},
	{"[source front]", "", "anprd.conf:13: unknown option 'uri' in [location]"},
	{"workers", "workers = -1\n", "anprd.conf:20: [reader] workers: -1 is out of range 0..64"},
	{"min_confidence", "min_confidence = 1.5\n", "anprd.conf:21: [reader] min_confidence: 1.5 is out of range 0..1"},
	{"min_confidence", "country = fr\n", "anprd.conf:21: [reader] country: country 'fr' is not supported"},
	{"min_confidence", "line_reread = 9\n", "anprd.conf:21: [reader] line_reread: 9 is out of range 0..8"},
	{"max_gap", "max_gap = 800\n", "anprd.conf:23: [tracker] max_gap: '800' is not a duration"},
	{"max_gap", "max_gap = 5s\n", "[tracker] timeout (3000ms) is shorter than max_gap (5000ms)"},
	{"timeout = 3s", "timeout = 5ms\n", "anprd.conf:24: [tracker] timeout: 5ms is out of range 10ms..600000ms"},
	{"file = /etc/anpr/hotlists/local", "file = hotlists/local.csv\n", "anprd.conf:27: [hotlists] file: 'hotlists/local.csv' is not an absolute path"},
	{"file = /etc/anpr/hotlists/local", "file = /etc/anpr/hotlists/pnc.csv\n", "anprd.conf:27: [hotlists] file: hotlist file '/etc/anpr/hotlists/pnc.csv' listed twice"},
	{"search_back", "search_back = 8d\n", "anprd.conf:28: [hotlists] search_back: 8d is out of range"},
	{"dir = /var", "", "anprd.conf: [spool] dir is required"},
	{"max_bytes", "max_bytes = 20Q\n", "anprd.conf:31: [spool] max_bytes: '20Q' is not a size"},
	{"max_bytes", "max_bytes = 1K\n", "anprd.conf:31: [spool] max_bytes: 1K is out of range"},
	{"signing_key", "", "[keys] signing_key is required"},
	{"url = https", "url = ftp://bof/\n", "anprd.conf:35: [upload] url: 'ftp://bof/' is not an http:// or https:// URL"},
	{"url = https", "url = https://\n", "anprd.conf:35: [upload] url: URL empty"},
	{"url = https", "", "[upload] client_cert given without url"},
	{"client_key", "", "anprd.conf:36: [upload] client_cert and client_key go together"},
	{"webhook =", "webhook = 127.0.0.1:8080\n", "anprd.conf:39: [alerts] webhook: '127.0.0.1:8080' is not an http:// or https:// URL"},
	{"webhook =", "webhook = https://bof/v1/alerts\nwebhook_client_cert = /etc/anpr/keys/client.crt\n",
	 "anprd.conf:40: [alerts] webhook_client_cert and webhook_client_key go together"},
	{"webhook =", "webhook_ca = /etc/anpr/keys/ca.pem\n",
	 "anprd.conf:39: [alerts] webhook_client_cert or webhook_ca given without webhook"},
	{"webhook =", "webhook = https://bof/v1/alerts\nwebhook_ca = keys/ca.pem\n",
	 "anprd.conf:40: [alerts] webhook_ca"},
	{"journal", "journal = maybe\n", "anprd.conf:40: [alerts] journal: 'maybe' is not yes or no"},
	{"heartbeat", "heartbeat = 10ms\n", "anprd.conf:42: [health] heartbeat: 10ms is out of range"},
	{"heartbeat", "heartbeat = 30s\nunreadable_window = 5\nunreadable_raise = 6\n",
	 "anprd.conf:44: [health] unreadable_raise (6) is more vehicles than unreadable_window (5)"},
	{"heartbeat", "heartbeat = 30s\nunreadable_raise = 30\n",
	 "anprd.conf:43: [health] unreadable_raise (30) is more vehicles than unreadable_window (20)"},
	{"heartbeat", "heartbeat = 30s\nunreadable_window = 1001\n",
	 "anprd.conf:43: [health] unreadable_window: 1001 is out of range"},
	{"heartbeat", "heartbeat 30s\n", "anprd.conf:42: expected 'key = value'"},
	{"heartbeat", "Heartbeat = 30s\n", "anprd.conf:42: bad key name"},
	{"heartbeat", "heartbeat = 30s\x01\n", "anprd.conf:42: control character 0x01"},
	{"[camera]", "[camera]\n[camera]\n", "anprd.conf:3: section [camera] given twice (first at line 2)"},
	{"# a fixed", "id = x\n", "anprd.conf:1: key 'id' before any [section]"},
};

static void test_bad_configs(void **state)
{
	int failures = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct anprd_config cfg;
		char err[512] = "";
		char *text = edit(good_fixed, bc->prefix, bc->repl);
		int rc = parse(text, &cfg, err, sizeof(err));
		if (rc != -1 || !strstr(err, bc->expect) || strstr(err, "hunter2")) {
			print_error("case %zu (%s -> %s): rc %d, message '%s', "
				    "expected '%s'\n", i, bc->prefix, bc->repl,
				    rc, err, bc->expect);
			failures++;
		}
		free(text);
	}
	assert_int_equal(failures, 0);
}

/* An RTSP camera's URI, its options after '#' (not a comment here). */
static void test_rtsp_source(void **state)
{
	static const char *const uris[] = {
		"rtsp://10.0.0.5:554/stream1#credentials=/etc/anpr/cam1.cred&latency=100",
		"rtsps://cam1.example/live",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		struct anprd_config cfg;
		char err[512] = "", line[256];
		char *text;

		snprintf(line, sizeof(line), "uri = %s\n", uris[i]);
		text = edit(good_fixed, "uri = v4l2", line);
		assert_int_equal(parse(text, &cfg, err, sizeof(err)), 0);
		assert_string_equal(cfg.sources[0].uri, uris[i]);
		free(text);
	}
}

static void test_long_line_and_nul(void **state)
{
	struct anprd_config cfg;
	char err[512];
	char *big = malloc(3000);
	(void)state;

	snprintf(big, 3000, "[camera]\nid = ");
	memset(big + strlen(big), 'x', 1500);
	big[14 + 1500] = '\0';
	assert_int_equal(parse(big, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "anprd.conf:2: line longer than 1024 bytes"));
	free(big);

	const char nul[] = "[camera]\nid = a\0b\n";
	assert_int_equal(anprd_config_parse("x.conf", nul, sizeof(nul) - 1,
					    &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "x.conf: NUL byte"));
}

/* The fixed site's coordinates never appear in errors or in the dump. */
static void test_location_secret(void **state)
{
	struct anprd_config cfg;
	char err[512];
	char *text;
	char *dump = NULL;
	size_t dumplen = 0;
	FILE *f;
	(void)state;

	text = edit(good_fixed, "latitude", "latitude = 51.473912x\n");
	assert_int_equal(parse(text, &cfg, err, sizeof(err)), -1);
	assert_null(strstr(err, "51.47"));
	free(text);
	text = edit(good_fixed, "longitude", "longitude = -200.487113\n");
	assert_int_equal(parse(text, &cfg, err, sizeof(err)), -1);
	assert_null(strstr(err, "487"));
	free(text);

	assert_int_equal(parse(good_fixed, &cfg, err, sizeof(err)), 0);
	f = open_memstream(&dump, &dumplen);
	anprd_config_dump(&cfg, f);
	fclose(f);
	assert_null(strstr(dump, "51.47"));
	assert_null(strstr(dump, "0.487"));
	assert_null(strstr(dump, "latitude ="));
	assert_non_null(strstr(dump, "withheld"));
	assert_non_null(strstr(dump, "uri = v4l2:/dev/anpr/cam0"));
	free(dump);
}

/* A gpsd config dumps to text that parses back to the same values. */
static void test_dump_roundtrip(void **state)
{
	struct anprd_config a, b;
	char err[512];
	char *dump = NULL;
	size_t dumplen = 0;
	FILE *f;
	(void)state;

	assert_int_equal(parse(good_gpsd, &a, err, sizeof(err)), 0);
	a.reader.line_reread = 0;	/* not the default: the dump must say it */
	f = open_memstream(&dump, &dumplen);
	anprd_config_dump(&a, f);
	fclose(f);
	if (parse(dump, &b, err, sizeof(err)))
		fail_msg("dump does not parse: %s\n%s", err, dump);
	assert_memory_equal(&a.location, &b.location, sizeof(a.location));
	assert_memory_equal(&a.tracker, &b.tracker, sizeof(a.tracker));
	assert_memory_equal(&a.health, &b.health, sizeof(a.health));
	assert_int_equal(b.reader.line_reread, 0);
	assert_string_equal(a.sources[0].uri, b.sources[0].uri);
	free(dump);
}

static void test_load_file(void **state)
{
	struct anprd_config cfg;
	char path[] = "/tmp/anprd-conf-XXXXXX";
	char err[512];
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, good_gpsd, strlen(good_gpsd)),
			 (ssize_t)strlen(good_gpsd));
	close(fd);
	assert_int_equal(anprd_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.camera_id, "CAR-7");
	unlink(path);
	assert_int_equal(anprd_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot open: No such file"));
	assert_int_equal(anprd_config_load("/tmp", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/tmp: is a directory, not a regular file"));
}

/*
 * Issue 18, finding 17: a FIFO planted at the configuration path hung
 * anprd and anprd-checkconf in open() (and a SIGHUP reload with it). It is
 * refused at once, saying what it is. alarm(): on the old code this test
 * fails by SIGALRM instead of hanging the suite.
 */
static void test_load_fifo_and_devices(void **state)
{
	struct anprd_config cfg;
	char dir[] = "/tmp/anprd-fifo-XXXXXX", path[64], err[512], want[128];
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/anprd.conf", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(anprd_config_load(path, &cfg, err, sizeof(err)), -1);
	alarm(0);
	snprintf(want, sizeof(want), "%s: is a FIFO, not a regular file", path);
	assert_string_equal(err, want);
	unlink(path);
	rmdir(dir);
	alarm(10);
	assert_int_equal(anprd_config_load("/dev/zero", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "/dev/zero: is a character device, not a regular file");
	assert_int_equal(anprd_config_load("/dev/tty", &cfg, err, sizeof(err)), -1);
	alarm(0);
}

/* anprd's configuration: common/timeutil.h's parser, a unit required */
static int anpr_parse_duration_ms0(const char *s, int64_t *ms)
{
	return anpr_parse_duration_ms(s, ms, 0);
}

static void test_durations_sizes(void **state)
{
	int64_t ms;
	uint64_t b;
	(void)state;

	assert_int_equal(anpr_parse_duration_ms0("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(anpr_parse_duration_ms0("1.5s", &ms), 0);
	assert_int_equal(ms, 1500);
	assert_int_equal(anpr_parse_duration_ms0("2h", &ms), 0);
	assert_int_equal(ms, 7200000);
	assert_int_equal(anpr_parse_duration_ms0("2", &ms), -1);	/* a unit is required */
	assert_int_equal(anpr_parse_duration_ms0("5min", &ms), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(anpr_parse_duration_ms0("1d", &ms), 0);
	assert_int_equal(ms, 86400000);
	assert_int_equal(anpr_parse_duration_ms0("nan", &ms), -1);
	assert_int_equal(anpr_parse_duration_ms0("2sx", &ms), -1);
	assert_int_equal(anpr_parse_duration_ms0("20000000000000s", &ms), -1);	/* over 1e15 ms */
	assert_int_equal(anpr_parse_duration_ms0("-1s", &ms), -1);
	assert_int_equal(anpr_parse_duration_ms0("s", &ms), -1);
	assert_int_equal(anprd_parse_size("512M", &b), 0);
	assert_int_equal(b, 512ull << 20);
	assert_int_equal(anprd_parse_size("4096", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(anprd_parse_size("-4", &b), -1);
	assert_int_equal(anprd_parse_size("4MB", &b), -1);
}

static void test_roi_mask(void **state)
{
	struct anprd_roi roi;
	char err[200], buf[200];
	uint8_t mask[10 * 20];
	(void)state;

	/* lower half of a 20x10 frame */
	assert_int_equal(anprd_roi_parse("0,0.5 1,0.5 1,1 0,1", &roi, err,
					 sizeof(err)), 0);
	assert_int_equal(anprd_roi_mask(&roi, 20, 10, mask, 20), 100);
	assert_int_equal(mask[4 * 20 + 5], 0);
	assert_int_equal(mask[5 * 20 + 5], 255);
	assert_int_equal(mask[9 * 20 + 19], 255);
	/* triangle: right-angled at top-left, covers half the frame */
	assert_int_equal(anprd_roi_parse("0,0 1,0 0,1", &roi, err,
					 sizeof(err)), 0);
	size_t n = anprd_roi_mask(&roi, 20, 10, mask, 20);
	assert_true(n >= 90 && n <= 110);
	assert_int_equal(mask[0], 255);
	assert_int_equal(mask[9 * 20 + 19], 0);
	anprd_roi_format(&roi, buf, sizeof(buf));
	assert_string_equal(buf, "0,0 1,0 0,1");
	assert_int_equal(anprd_roi_parse("0,0 1,0", &roi, err, sizeof(err)), -1);
	assert_int_equal(anprd_roi_parse("0,0 1,0 x", &roi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "point 3 is not 'x,y'"));
}

static void test_config_map(void **state)
{
	struct anprd_config cfg;
	struct tracker_params tp;
	struct health_params hp;
	struct alert_dispatch_cfg ac;
	char err[512];
	(void)state;

	assert_int_equal(parse(good_fixed, &cfg, err, sizeof(err)), 0);
	anprd_tracker_params(&cfg, &tp);
	assert_int_equal(tp.max_gap_us, 800000);
	assert_int_equal(tp.timeout_us, 3000000);
	assert_int_equal(tp.leave_grace_us, 300000);
	assert_true(tp.gate == 2.0);
	anprd_health_params(&cfg, &hp);
	assert_int_equal(hp.frozen_after_us, 10000000);
	assert_true(hp.black_level == 8.0);
	anprd_alert_cfg(&cfg, &ac);
	assert_string_equal(ac.socket_path, "/run/anpr/alerts.sock");
	assert_string_equal(ac.webhook_url, "http://127.0.0.1:8080/hit");
	assert_int_equal(ac.webhook_timeout_ms, 2000);
	assert_int_equal(ac.journal, 0);
	assert_string_equal(ac.webhook_client_cert, "");
	assert_string_equal(ac.webhook_ca, "");
	/* the webhook's certificate for the back office's console */
	{
		char *text = edit(good_fixed, "webhook =",
				  "webhook = https://bof/v1/alerts\n"
				  "webhook_client_cert = /etc/anpr/keys/client.crt\n"
				  "webhook_client_key = /etc/anpr/keys/client.key\n"
				  "webhook_ca = /etc/anpr/keys/ca.pem\n");

		assert_int_equal(parse(text, &cfg, err, sizeof(err)), 0);
		free(text);
		anprd_alert_cfg(&cfg, &ac);
		assert_string_equal(ac.webhook_client_cert, "/etc/anpr/keys/client.crt");
		assert_string_equal(ac.webhook_client_key, "/etc/anpr/keys/client.key");
		assert_string_equal(ac.webhook_ca, "/etc/anpr/keys/ca.pem");
	}
}

/* The example in docs/anprd-conf.md is a valid configuration. */
static void test_docs_example_parses(void **state)
{
	FILE *f = fopen("docs/anprd-conf.md", "r");
	char line[1100], *text = calloc(1, 65536);
	struct anprd_config cfg;
	char err[512];
	int in = 0;
	size_t len = 0;
	(void)state;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "```", 3) == 0) {
			if (in)
				break;
			in = strncmp(line, "```ini", 6) == 0;
			continue;
		}
		if (in && len + strlen(line) < 65536) {
			memcpy(text + len, line, strlen(line));
			len += strlen(line);
		}
	}
	fclose(f);
	assert_true(len > 100);
	if (anprd_config_parse("docs/anprd-conf.md", text, len, &cfg, err,
			       sizeof(err)))
		fail_msg("example does not parse: %s", err);
	assert_string_equal(cfg.camera_id, "CAM-0001");
	free(text);
}

/* Every option in the parser's table is documented. */
static void test_docs_cover_options(void **state)
{
	FILE *f = fopen("docs/anprd-conf.md", "r");
	char *doc;
	long len;
	(void)state;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	doc = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(doc, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (int i = 0; anprd_config_option_name(i); i++) {
		char want[100];
		const char *nm = anprd_config_option_name(i);
		const char *dot = strchr(nm, '.');
		snprintf(want, sizeof(want), "| `%s` ", dot + 1);
		if (!strstr(doc, want))
			fail_msg("docs/anprd-conf.md does not document %s", nm);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_fixed),
		cmocka_unit_test(test_good_gpsd),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_rtsp_source),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_location_secret),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_fifo_and_devices),
		cmocka_unit_test(test_durations_sizes),
		cmocka_unit_test(test_roi_mask),
		cmocka_unit_test(test_config_map),
		cmocka_unit_test(test_docs_example_parses),
		cmocka_unit_test(test_docs_cover_options),
	};
	return cmocka_run_group_tests_name("anprd config", tests, NULL, NULL);
}
