// SPDX-License-Identifier: MIT
/*
 * test_decide.c - anprd's decision step (pipeline_decide.c) fed results
 * made up by hand, as the tracker's tests feed it reads: no camera, no
 * reader, no thread. The configuration goes through the one mapping
 * (pipeline_config_from); alerts are caught by the pipeline's alert
 * callback; there is no evidence writer, so every vehicle's record is
 * "none, and why" (the writer's side is tested with the spool).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/hotlist.h"
#include "anprd/pipeline_int.h"

static const char conf[] =
	"[camera]\nid = CAM-0001\nsite = M4-J12-EB\n"
	"[location]\nmode = fixed\nlatitude = 51.473912\nlongitude = -0.487113\ndirection = NE\n"
	"[source front]\nuri = file:/nonexistent/replay\nfps = 25\n"
	"[tracker]\nmax_gap = 800ms\ntimeout = 3s\nmin_reads = 2\n"
	"[hotlists]\nfile = /nonexistent/pnc.csv\nmax_fuzzy = 1\n"
	"[spool]\ndir = /nonexistent/spool\n"
	"[keys]\nsigning_key = /nonexistent/camera.key\n";

static const char hotlist_csv[] =
	"vrm,list,reason,priority,action\n"
	"AB12CDE,PNC,stolen vehicle,1,intercept\n"
	"SILENT1,ANPR,of interest,3,silent\n";

#define ALERTS_MAX 32

struct caught {
	int n;
	struct alert a[ALERTS_MAX];
};

static uint64_t catch_alert(void *ctx, const struct alert *a)
{
	struct caught *c = ctx;

	if (c->n < ALERTS_MAX)
		c->a[c->n] = *a;
	return (uint64_t)++c->n;
}

struct fixture {
	struct pipeline *p;
	struct hotlist_holder holder;
	struct caught alerts;
	uint64_t job_no;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct anprd_config cfg;
	struct hotlist_builder *b = hotlist_builder_new();
	struct hotlist *hl = NULL;
	char err[512];

	assert_non_null(f);
	if (anprd_config_parse("anprd.conf", conf, strlen(conf), &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	if (hotlist_parse_csv(b, "pnc.csv", hotlist_csv, strlen(hotlist_csv), err, sizeof(err)) ||
	    hotlist_builder_finish(b, &hl, err, sizeof(err)))
		fail_msg("%s", err);
	hotlist_holder_init(&f->holder, hl);
	f->p = calloc(1, sizeof(*f->p));
	assert_non_null(f->p);
	pipeline_config_from(&cfg, &f->p->cfg);
	f->p->cfg.alert = catch_alert;
	f->p->cfg.alert_ctx = &f->alerts;
	f->p->cfg.sources[0].replay_fast = 1;	/* no latency histogram */
	f->p->hotlists = &f->holder;
	f->p->writer = NULL;
	assert_int_equal(pl_decision_init(f->p), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pl_decision_free(f->p);
	free(f->p);
	hotlist_holder_destroy(&f->holder);
	free(f);
	return 0;
}

/* One frame's result with one plate read (or none: text NULL), as the
 * reader workers make them; x moves the plate across the frame. */
static void feed(struct fixture *f, int64_t t_us, const char *text, float conf, int x)
{
	struct pl_done *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->source = 0;
	d->job_no = f->job_no++;
	d->frame_seq = d->job_no;
	d->t_us = t_us;
	d->when.mono_ns = (uint64_t)t_us * 1000u;
	d->when.utc.tv_sec = 1765000000 + t_us / 1000000;
	d->when.utc.tv_nsec = (long)(t_us % 1000000) * 1000;
	d->width = 1920;
	d->height = 1080;
	if (text) {
		struct anpr_plate *pl = &d->plates[0];

		d->nplates = 1;
		snprintf(pl->text, sizeof(pl->text), "%s", text);
		pl->nchars = (int)strlen(text);
		for (int k = 0; k < pl->nchars; k++)
			pl->char_conf[k] = conf;
		pl->confidence = conf;
		pl->region = ANPR_REGION_GB;
		pl->box[0] = x;
		pl->box[1] = 600;
		pl->box[2] = 180;
		pl->box[3] = 40;
	}
	pl_decide(f->p, d);
	for (int i = 0; i < d->nplates; i++)
		snapshot_free(&d->snaps[i]);
	free(d);
}

static int count_kind(const struct caught *c, int kind)
{
	int n = 0;

	for (int i = 0; i < c->n && i < ALERTS_MAX; i++)
		n += c->a[i].kind == kind;
	return n;
}

/* A vehicle not on any list: one vehicle recorded when its track ends
 * (by time, with frames still coming), no alert. */
static void a_passing_vehicle_is_one_record_and_no_alert(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 5; i++)
		feed(f, 1000000 + i * 40000, "XY65ABC", 0.9f, 200 + i * 30);
	assert_int_equal(atomic_load(&f->p->stats.vehicles), 0);	/* still in view */
	for (int i = 0; i < 100; i++)
		feed(f, 2000000 + i * 40000, NULL, 0, 0);	/* 4 s of empty road */
	assert_int_equal(atomic_load(&f->p->stats.vehicles), 1);
	assert_int_equal(f->alerts.n, 0);
}

/* A hit: the live alert goes at once, on the first read, before the
 * vehicle's record exists (record_pending); once, however many frames
 * read it; and when the track ends its record follow-up says why there is
 * none (no writer here). */
static void a_hit_alerts_at_once_then_names_its_record(void **state)
{
	struct fixture *f = *state;

	feed(f, 1000000, "AB12CDE", 0.92f, 200);
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT), 1);
	assert_string_equal(f->alerts.a[0].vrm, "AB12CDE");
	assert_string_equal(f->alerts.a[0].list, "PNC");
	assert_int_equal(f->alerts.a[0].record_pending, 1);
	assert_string_equal(f->alerts.a[0].record, "");
	assert_true(f->alerts.a[0].vehicle > 0);
	for (int i = 1; i < 6; i++)
		feed(f, 1000000 + i * 40000, "AB12CDE", 0.92f, 200 + i * 30);
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT), 1);	/* de-duplicated */
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT_RECORD), 0);
	for (int i = 0; i < 100; i++)
		feed(f, 2000000 + i * 40000, NULL, 0, 0);
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT_RECORD), 1);
	for (int i = 0; i < f->alerts.n; i++) {
		if (f->alerts.a[i].kind != ALERT_HIT_RECORD)
			continue;
		assert_int_equal(f->alerts.a[i].vehicle, f->alerts.a[0].vehicle);
		assert_int_equal(f->alerts.a[i].hit_seq, 1);
		assert_non_null(strstr(f->alerts.a[i].detail, "without an evidence writer"));
	}
}

/* A look-alike read (8 for B is within max_fuzzy = 1) still alerts,
 * saying how far it was; a silent entry does not alert at all, though
 * the vehicle is still recorded. */
static void look_alikes_alert_and_silent_entries_do_not(void **state)
{
	struct fixture *f = *state;

	feed(f, 1000000, "A812CDE", 0.9f, 200);	/* B read as 8: one look-alike swap */
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT), 1);
	assert_int_equal(f->alerts.a[0].distance, 1);
	assert_string_equal(f->alerts.a[0].entry_vrm, "AB12CDE");
	feed(f, 1040000, "A812CDE", 0.9f, 230);
	for (int i = 0; i < 100; i++)
		feed(f, 2000000 + i * 40000, NULL, 0, 0);
	feed(f, 7000000, "SILENT1", 0.9f, 200);
	feed(f, 7040000, "SILENT1", 0.9f, 230);
	for (int i = 0; i < 100; i++)
		feed(f, 8000000 + i * 40000, NULL, 0, 0);
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT), 1);	/* not SILENT1 */
	assert_int_equal(atomic_load(&f->p->stats.vehicles), 2);
}

/* A result the queue dropped (never read) reads nothing; a track with
 * fewer reads than min_reads is dropped, not recorded; a hit on it has
 * its follow-up all the same. */
static void dropped_frames_and_short_tracks(void **state)
{
	struct fixture *f = *state;
	struct pl_done *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->job_no = f->job_no++;
	d->t_us = 1000000;
	d->dropped = 1;
	d->nplates = 1;
	snprintf(d->plates[0].text, sizeof(d->plates[0].text), "AB12CDE");
	d->plates[0].confidence = 0.9f;
	pl_decide(f->p, d);
	free(d);
	assert_int_equal(f->alerts.n, 0);
	feed(f, 1040000, "AB12CDE", 0.9f, 200);	/* one read: under min_reads 2 */
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT), 1);
	for (int i = 0; i < 100; i++)
		feed(f, 2000000 + i * 40000, NULL, 0, 0);
	assert_int_equal(atomic_load(&f->p->stats.vehicles), 0);
	assert_int_equal(count_kind(&f->alerts, ALERT_HIT_RECORD), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_passing_vehicle_is_one_record_and_no_alert,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_hit_alerts_at_once_then_names_its_record,
						setup, teardown),
		cmocka_unit_test_setup_teardown(look_alikes_alert_and_silent_entries_do_not,
						setup, teardown),
		cmocka_unit_test_setup_teardown(dropped_frames_and_short_tracks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
