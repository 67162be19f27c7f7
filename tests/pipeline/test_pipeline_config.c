// SPDX-License-Identifier: MIT
/*
 * test_pipeline_config.c - pipeline_config_from, the one mapping from
 * anprd.conf to the pipeline's parameters. Issue 19: `[location] lane` was
 * parsed and every read record still said lane=0, because anprd's main
 * mapped the file by hand and left the lane out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/config.h"
#include "anprd/pipeline.h"

static const char conf[] =
	"[camera]\nid = CAM-0001\nsite = M4-J12-EB\n"
	"[location]\nmode = fixed\nlatitude = 51.473912\nlongitude = -0.487113\n"
	"direction = NE\nlane = 2\n"
	"[source front]\nuri = v4l2:/dev/anpr/cam0\nfps = 25\n"
	"roi = 0,0.4 1,0.4 1,1 0,1\n"
	"[source rear]\nuri = file:/var/lib/anpr/replay\n"
	"[reader]\nworkers = 2\nmin_confidence = 0.7\n"
	"[tracker]\nmax_gap = 800ms\ntimeout = 3s\nmin_reads = 2\n"
	"[hotlists]\nfile = /etc/anpr/hotlists/pnc.csv\nsearch_back = 15m\n"
	"max_fuzzy = 1\n"
	"[spool]\ndir = /var/spool/anpr\n"
	"[keys]\nsigning_key = /etc/anpr/keys/camera.key\n"
	"[health]\nheartbeat = 30s\nfrozen_after = 10s\n";

static void parse(const char *text, struct anprd_config *cfg)
{
	char err[512];

	if (anprd_config_parse("anprd.conf", text, strlen(text), cfg, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_mapping(void **state)
{
	struct anprd_config cfg;
	struct pl_config pc;
	(void)state;

	parse(conf, &cfg);
	pipeline_config_from(&cfg, &pc);
	assert_int_equal(pc.lane, 2);	/* into every read record */
	assert_string_equal(pc.camera_id, "CAM-0001");
	assert_int_equal(pc.nsources, 2);
	assert_string_equal(pc.sources[0].name, "front");
	assert_string_equal(pc.sources[1].uri, "file:/var/lib/anpr/replay");
	assert_int_equal(pc.sources[0].fps, 25);
	assert_non_null(pc.sources[0].roi);
	assert_null(pc.sources[1].roi);
	assert_int_equal(pc.workers, 2);
	assert_true(pc.reader.min_confidence > 0.69f && pc.reader.min_confidence < 0.71f);
	assert_int_equal(pc.tracker.max_gap_us, 800000);
	assert_int_equal(pc.tracker.timeout_us, 3000000);
	assert_int_equal(pc.tracker.min_reads, 2);
	assert_int_equal(pc.max_fuzzy, 1);
	assert_int_equal(pc.search_back_ms, 15 * 60 * 1000);
	assert_int_equal(pc.heartbeat_ms, 30000);
	assert_int_equal(pc.health.frozen_after_us, 10000000);
	assert_true(pc.fixed_lat > 51.47 && pc.fixed_lat < 51.48);
	/* the run's options are the caller's */
	assert_null(pc.alert);
	assert_null(pc.log);
	assert_int_equal(pc.sources[0].replay_fast, 0);
}

/* No lane stated: 0, as docs/record-format.md says ("not stated"). */
static void test_no_lane(void **state)
{
	struct anprd_config cfg;
	struct pl_config pc;
	char text[sizeof(conf)];
	char *l;
	(void)state;

	memcpy(text, conf, sizeof(conf));
	l = strstr(text, "lane = 2\n");
	assert_non_null(l);
	memset(l, ' ', 8);	/* blank line */
	parse(text, &cfg);
	pipeline_config_from(&cfg, &pc);
	assert_int_equal(pc.lane, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_no_lane),
	};

	return cmocka_run_group_tests_name("pipeline config", tests, NULL, NULL);
}
