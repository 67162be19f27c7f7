// SPDX-License-Identifier: MIT
/* test_tracker.c - the tracker on synthetic read sequences: one vehicle,
 * misreads across frames, two vehicles at once, gaps, leaving the view,
 * timeouts, eviction, per-source tracks. Time is injected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tracker.h"

#define FRAME_US 40000	/* 25 fps */

struct out {
	int n;
	long reads;		/* nreads summed over every emitted vehicle */
	int bad_text;		/* voted marks with other than A-Z 0-9 */
	struct trk_vehicle v[TRK_MAX_TRACKS * 2];
	uint64_t dropped_id;	/* the last track dropped (tracker_on_drop) */
};

static void on_drop(void *ctx, uint64_t id)
{
	((struct out *)ctx)->dropped_id = id;
}

static void emit(void *ctx, const struct trk_vehicle *v)
{
	struct out *o = ctx;

	o->reads += v->nreads;
	for (const char *p = v->vrm; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			o->bad_text++;

	if (o->n < (int)(sizeof(o->v) / sizeof(o->v[0])))
		o->v[o->n] = *v;
	o->n++;
}

static const struct trk_vehicle *find(const struct out *o, const char *vrm)
{
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->v[i].vrm, vrm) == 0)
			return &o->v[i];
	return NULL;
}

/* A read of `text` on frame f of a plate moving down the frame from
 * (x, y0) at `speed` pixels per frame. */
static struct trk_read rd(const char *text, int source, int f, float x,
			  float y0, float speed, float conf)
{
	struct trk_read r;

	memset(&r, 0, sizeof(r));
	snprintf(r.text, sizeof(r.text), "%s", text);
	r.conf = conf;
	r.source = source;
	r.frame_seq = (uint64_t)f;
	r.t_us = 1000000 + (int64_t)f * FRAME_US;
	r.x = x;
	r.y = y0 + speed * (float)f;
	r.w = 140;
	r.h = 30;
	r.frame_w = 1920;
	r.frame_h = 1080;
	return r;
}

static struct tracker *mk(struct out *o, struct tracker_params *p)
{
	struct tracker_params d;

	if (!p) {
		tracker_params_default(&d);
		p = &d;
	}
	memset(o, 0, sizeof(*o));
	return tracker_new(p, emit, o);
}

static void test_one_vehicle(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	for (int f = 0; f < 10; f++) {
		struct trk_read r = rd("AB12CDE", 0, f, 800, 300, 20, 0.9f);
		tracker_add(t, &r);
		tracker_tick(t, r.t_us);
	}
	assert_int_equal(o.n, 0);
	assert_int_equal(tracker_open(t), 1);
	/* last read at frame 9: t = 1.36 s; timeout 2 s */
	tracker_tick(t, 1000000 + 9 * FRAME_US + 1999999);
	assert_int_equal(o.n, 0);
	tracker_tick(t, 1000000 + 9 * FRAME_US + 2000000);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.v[0].vrm, "AB12CDE");
	assert_int_equal(o.v[0].nreads, 10);
	assert_int_equal(o.v[0].nvoting, 10);
	assert_int_equal(o.v[0].end, TRK_END_TIMEOUT);
	assert_int_equal(o.v[0].direction, 1);
	assert_int_equal(o.v[0].first_us, 1000000);
	assert_int_equal(o.v[0].last_us, 1000000 + 9 * FRAME_US);
	assert_true(o.v[0].agreement > 0.99f);
	assert_int_equal(tracker_open(t), 0);
	tracker_free(t);
}

/*
 * Issue 18, finding 18: the tracker held 10 characters, so a 12-character
 * read (the reader's most) was cut to 10 before the vote. Marks up to the
 * record format's 16 are voted and emitted whole.
 */
static void test_long_marks(void **state)
{
	static const char *const marks[] = { "ABCDEFGHJKL", "ABCDEFGHJKLM", "ABCDEFGHJKLMNPRT" };
	(void)state;

	assert_int_equal(TRK_TEXT_MAX, 16);
	for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
		struct out o;
		struct tracker *t = mk(&o, NULL);

		for (int f = 0; f < 6; f++) {
			struct trk_read r = rd(marks[m], 0, f, 800, 300, 20, 0.9f);

			tracker_add(t, &r);
		}
		tracker_flush(t);
		assert_int_equal(o.n, 1);
		assert_string_equal(o.v[0].vrm, marks[m]);
		assert_string_equal(o.v[0].best.text, marks[m]);
		tracker_free(t);
	}
}

/* Each frame has an error somewhere; the vote recovers the mark. */
static void test_misreads_voted(void **state)
{
	static const char *seq[] = {
		"AB12CDE", "A812CDE", "AB12C0E", "AB12CDE", "AB1ZCDE",
		"AB12CD",  "A812CDF", "AB12CDE", "AB12COE", "4B12CDE",
	};
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	for (int f = 0; f < 10; f++) {
		struct trk_read r = rd(seq[f], 0, f, 800, 300, 20,
				       f == 0 ? 0.95f : 0.7f);
		tracker_add(t, &r);
	}
	assert_int_equal(tracker_open(t), 1);
	tracker_flush(t);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.v[0].vrm, "AB12CDE");
	assert_int_equal(o.v[0].nreads, 10);
	assert_int_equal(o.v[0].nvoting, 9);	/* "AB12CD" is short */
	assert_int_equal(o.v[0].end, TRK_END_FLUSH);
	assert_true(o.v[0].agreement < 0.9f);
	/* the best read is one equal to the vote, the most confident */
	assert_string_equal(o.v[0].best.text, "AB12CDE");
	assert_int_equal(o.v[0].best.frame_seq, 0);
	tracker_free(t);
}

/* No single frame is right, the vote is. */
static void test_vote_combines(void **state)
{
	struct trk_read r[3];
	struct trk_vehicle v;
	(void)state;

	memset(r, 0, sizeof(r));
	strcpy(r[0].text, "XB12CDE");
	strcpy(r[1].text, "AB12CDX");
	strcpy(r[2].text, "AB1XCDE");
	for (int i = 0; i < 3; i++)
		r[i].conf = 0.6f + 0.1f * (float)i;
	trk_vote(r, 3, &v);
	assert_string_equal(v.vrm, "AB12CDE");
	assert_int_equal(v.nvoting, 3);
	/* none equal: the most confident of the winning length */
	assert_string_equal(v.best.text, "AB1XCDE");
	/* per-character confidence outweighs a majority */
	memset(r, 0, sizeof(r));
	strcpy(r[0].text, "AB12CDE");
	strcpy(r[1].text, "AB12CD3");
	strcpy(r[2].text, "AB12CD3");
	for (int i = 0; i < 3; i++) {
		r[i].conf = 0.8f;
		for (int k = 0; k < 7; k++)
			r[i].char_conf[k] = 0.8f;
	}
	r[0].char_conf[6] = 0.99f;
	r[1].char_conf[6] = 0.3f;
	r[2].char_conf[6] = 0.3f;
	trk_vote(r, 3, &v);
	assert_string_equal(v.vrm, "AB12CDE");
	trk_vote(r, 0, &v);
	assert_string_equal(v.vrm, "");
}

/* Two vehicles side by side, read in the same frames. */
static void test_two_vehicles(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	for (int f = 0; f < 12; f++) {
		struct trk_read a = rd(f % 4 == 1 ? "AB12CDF" : "AB12CDE", 0, f,
				       400, 300, 20, 0.9f);
		struct trk_read b = rd(f % 5 == 2 ? "XY70ZZ8" : "XY70ZZB", 0, f,
				       1300, 350, 18, 0.9f);
		if (f & 1) {
			tracker_add(t, &b);
			tracker_add(t, &a);
		} else {
			tracker_add(t, &a);
			tracker_add(t, &b);
		}
	}
	assert_int_equal(tracker_open(t), 2);
	tracker_tick(t, 1000000 + 11 * FRAME_US + 2000000);
	assert_int_equal(o.n, 2);
	const struct trk_vehicle *va = find(&o, "AB12CDE");
	const struct trk_vehicle *vb = find(&o, "XY70ZZB");
	assert_non_null(va);
	assert_non_null(vb);
	assert_int_equal(va->nreads, 12);
	assert_int_equal(vb->nreads, 12);
	tracker_free(t);
}

/* The same mark on two vehicles at once (a cloned plate): position and
 * the one-read-per-frame rule keep them apart. */
static void test_cloned_plates(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	for (int f = 0; f < 6; f++) {
		struct trk_read a = rd("AB12CDE", 0, f, 300, 300, 20, 0.9f);
		struct trk_read b = rd("AB12CDE", 0, f, 1400, 300, 20, 0.9f);
		tracker_add(t, &a);
		tracker_add(t, &b);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.v[0].nreads, 6);
	assert_int_equal(o.v[1].nreads, 6);
	tracker_free(t);
}

/* The same vehicle passing twice, 3 s apart: two passes. */
static void test_gap_splits(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	for (int f = 0; f < 5; f++) {
		struct trk_read r = rd("AB12CDE", 0, f, 800, 300, 20, 0.9f);
		tracker_add(t, &r);
	}
	for (int f = 80; f < 85; f++) {
		struct trk_read r = rd("AB12CDE", 0, f, 800, 300 - 80 * 20, 20,
				       0.9f);
		tracker_add(t, &r);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.v[0].nreads, 5);
	assert_int_equal(o.v[1].nreads, 5);
	tracker_free(t);
}

/* A read too far from where the plate was cannot be the same vehicle. */
static void test_position_gate(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	struct trk_read a = rd("AB12CDE", 0, 0, 100, 300, 0, 0.9f);
	struct trk_read b = rd("AB12CDE", 0, 1, 1700, 900, 0, 0.9f);
	struct trk_read c = rd("AB12CDE", 0, 2, 110, 305, 0, 0.9f);
	tracker_add(t, &a);
	tracker_add(t, &b);
	tracker_add(t, &c);
	assert_int_equal(tracker_open(t), 2);
	tracker_flush(t);
	assert_int_equal(o.n, 2);
	/* one pass of 2 reads (a, c), one of 1 (b) */
	assert_int_equal(o.v[0].nreads + o.v[1].nreads, 3);
	assert_true(o.v[0].nreads == 2 || o.v[1].nreads == 2);
	/* a wholly different mark in the same place is another vehicle */
	memset(&o, 0, sizeof(o));
	struct trk_read d = rd("AB12CDE", 0, 10, 800, 300, 0, 0.9f);
	struct trk_read e = rd("MN65PQR", 0, 11, 805, 302, 0, 0.9f);
	tracker_add(t, &d);
	tracker_add(t, &e);
	assert_int_equal(tracker_open(t), 2);
	tracker_free(t);
}

/* Moving down and out of the bottom of the view: finished after
 * leave_grace, not after the full timeout. */
static void test_leaves_view(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	struct trk_read r;
	(void)state;

	for (int f = 0; f < 8; f++) {
		r = rd("AB12CDE", 0, f, 800, 850, 25, 0.9f);	/* y to 1025 */
		tracker_add(t, &r);
	}
	assert_true(r.y + r.h >= 1080 - 54);
	tracker_tick(t, r.t_us + 299999);
	assert_int_equal(o.n, 0);
	tracker_tick(t, r.t_us + 300000);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.v[0].end, TRK_END_LEFT);
	assert_int_equal(o.v[0].direction, 1);
	/* moving up and out of the top */
	memset(&o, 0, sizeof(o));
	for (int f = 20; f < 26; f++) {
		r = rd("XY70ZZB", 0, f, 800, 20 + 25 * 25, -25, 0.9f);
		tracker_add(t, &r);
	}
	assert_true(r.y <= 54);
	tracker_tick(t, r.t_us + 300000);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.v[0].end, TRK_END_LEFT);
	assert_int_equal(o.v[0].direction, -1);
	/* standing still at the bottom edge has not left: full timeout */
	memset(&o, 0, sizeof(o));
	for (int f = 40; f < 44; f++) {
		r = rd("MN65PQR", 0, f, 800, 1040, 0, 0.9f);
		tracker_add(t, &r);
	}
	tracker_tick(t, r.t_us + 300000);
	assert_int_equal(o.n, 0);
	tracker_tick(t, r.t_us + 2000000);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.v[0].end, TRK_END_TIMEOUT);
	tracker_free(t);
}

static void test_min_reads_and_sources(void **state)
{
	struct tracker_params p;
	struct out o;
	struct tracker *t;
	(void)state;

	tracker_params_default(&p);
	p.min_reads = 3;
	t = mk(&o, &p);
	tracker_on_drop(t, on_drop);
	/* same place, same frame numbers, two sources: two tracks, each read
	 * told the number of the track (vehicle) it joined */
	for (int f = 0; f < 4; f++) {
		struct trk_read a = rd("AB12CDE", 0, f, 800, 300, 20, 0.9f);
		struct trk_read b = rd("AB12CDE", 1, f, 800, 300, 20, 0.9f);
		assert_int_equal(tracker_add(t, &a), 1);
		assert_int_equal(tracker_add(t, &b), 2);
	}
	/* a lone read: dropped at the end, and said so */
	struct trk_read c = rd("ZZ99ZZZ", 0, 5, 100, 100, 0, 0.6f);
	assert_int_equal(tracker_add(t, &c), 3);
	assert_int_equal(tracker_open(t), 3);
	tracker_flush(t);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.v[0].source + o.v[1].source, 1);
	/* each vehicle emitted carries its track's number */
	assert_int_equal(o.v[0].id, (uint64_t)o.v[0].source + 1);
	assert_int_equal(o.v[1].id, (uint64_t)o.v[1].source + 1);
	assert_int_equal(tracker_dropped(t), 1);
	assert_int_equal(o.dropped_id, 3);
	/* numbers are never reused */
	assert_int_equal(tracker_add(t, &c), 4);
	tracker_free(t);
}

/* More open tracks than slots: the stalest is finished early. */
static void test_eviction(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	char m[16];
	(void)state;

	for (int i = 0; i < TRK_MAX_TRACKS + 3; i++) {
		snprintf(m, sizeof(m), "EV%02dABC", i % 100);
		struct trk_read r = rd(m, 0, i, (float)(i % 12) * 150,
				       (float)(i / 12) * 150, 0, 0.9f);
		r.t_us = 1000000 + i * 1000;
		tracker_add(t, &r);
	}
	assert_int_equal(tracker_open(t), TRK_MAX_TRACKS);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.v[0].vrm, "EV00ABC");
	assert_int_equal(o.v[0].end, TRK_END_EVICTED);
	tracker_flush(t);
	assert_int_equal(o.n, TRK_MAX_TRACKS + 3);
	tracker_free(t);
}

static void test_text_distance(void **state)
{
	(void)state;
	assert_int_equal(trk_text_distance("AB12CDE", "AB12CDE"), 0);
	assert_int_equal(trk_text_distance("AB12CDE", "A812CDE"), 1);
	assert_int_equal(trk_text_distance("AB12CDE", "AB12CDF"), 2);
	assert_int_equal(trk_text_distance("AB12CDE", "AB12CD"), 2);
	assert_int_equal(trk_text_distance("", "ABC"), 6);
}

/* Many reads: the stored set keeps the most confident. */
static void test_long_track(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	(void)state;

	for (int f = 0; f < 200; f++) {
		struct trk_read r = rd(f % 3 ? "AB12CDE" : "AB12CDF", 0, f, 800,
				       100, 0, f % 3 ? 0.9f : 0.5f);
		tracker_add(t, &r);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.v[0].nreads, 200);
	assert_string_equal(o.v[0].vrm, "AB12CDE");
	tracker_free(t);
}

/* Dense traffic: 6 lanes, a new vehicle in each lane every 30 frames
 * (staggered), each read 30 times down the frame. Every pass must come
 * out once with its 30 reads: an old track of a neighbouring lane must
 * not swallow a vehicle entering at the top. */
static void test_dense_traffic(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	int bad = 0, total = 0;
	(void)state;

	for (int f = 0; f < 600; f++) {
		for (int l = 0; l < 6; l++) {
			int age = (f + l * 5) % 30, id = (f + l * 5) / 30;
			char m[16];
			snprintf(m, sizeof(m), "BM%02d%c%c%c", (id + l) % 100,
				 'A' + id % 26, 'A' + (id / 26) % 26, 'A' + l);
			struct trk_read r = rd(m, 0, f, 100.0f + 300.0f * (float)l,
					       100.0f + 30.0f * (float)age, 0,
					       0.8f);
			tracker_add(t, &r);
		}
		tracker_tick(t, 1000000 + (int64_t)f * FRAME_US);
		for (int i = 0; i < o.n && i < (int)(sizeof(o.v) / sizeof(o.v[0])); i++) {
			/* passes cut by the start or the end of the run are
			 * shorter; every other one has exactly 30 reads */
			if (o.v[i].nreads != 30 && o.v[i].first_us > 1000000)
				bad++;
			total++;
		}
		o.n = 0;
	}
	tracker_flush(t);
	total += o.n;
	assert_int_equal(bad, 0);
	/* 600 frames / 30 per pass * 6 lanes, plus the lanes' partial
	 * passes at the start */
	assert_true(total >= 120 && total <= 126);
	tracker_free(t);
}

/* Random reads (any text, place, source, gaps): no read is lost or
 * counted twice, every mark voted is letters and digits. */
static void test_random_reads_accounted(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);
	uint32_t r = 777;
	int64_t t_us = 0;
	long added = 0;
	(void)state;

	for (int i = 0; i < 20000; i++) {
		struct trk_read rd_;
		memset(&rd_, 0, sizeof(rd_));
		r = r * 1664525u + 1013904223u;
		int len = (int)(r >> 28) % (TRK_TEXT_MAX + 1);
		for (int k = 0; k < len; k++) {
			r = r * 1664525u + 1013904223u;
			rd_.text[k] = "AB8O0S5I1XYZ"[(r >> 20) % 12];
		}
		r = r * 1664525u + 1013904223u;
		t_us += (r >> 24) % 3 ? 0 : (int64_t)((r >> 8) % 200000);
		rd_.t_us = t_us;
		rd_.frame_seq = (uint64_t)(t_us / FRAME_US);
		rd_.source = (int)(r % 4);
		rd_.x = (float)((r >> 4) % 1900);
		rd_.y = (float)((r >> 12) % 1060);
		rd_.w = 20.0f + (float)((r >> 3) % 200);
		rd_.h = 20;
		rd_.conf = (float)((r >> 16) % 100) / 100.0f;
		rd_.frame_w = 1920;
		rd_.frame_h = 1080;
		tracker_add(t, &rd_);
		added++;
		if (i % 50 == 0)
			tracker_tick(t, t_us);
	}
	tracker_flush(t);
	assert_int_equal(o.reads, added);
	assert_int_equal(o.bad_text, 0);
	assert_int_equal(tracker_open(t), 0);
	tracker_free(t);
}

/* A plate found but not read on frame f (test_unread_*). */
static struct trk_read ur(int why, int f, float x, float ev)
{
	struct trk_read r = rd("", 0, f, x, 100, 12, 0);

	r.unread = why;
	r.evidence = ev;
	return r;
}

static void test_unread_plate(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);

	(void)state;
	for (int f = 0; f < 6; f++) {
		struct trk_read r = ur(1, f, 400, f == 3 ? 0.9f : 0.6f);
		tracker_add(t, &r);
	}
	/* another vehicle's, far off: its own track, too short */
	for (int f = 0; f < 2; f++) {
		struct trk_read r = ur(2, f, 1400, 0.8f);
		tracker_add(t, &r);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.v[0].vrm, "");
	assert_int_equal(o.v[0].unread, 1);
	assert_int_equal(o.v[0].nunread, 6);
	assert_int_equal(o.v[0].nreads, 0);
	assert_int_equal((int)o.v[0].best.frame_seq, 3);
	assert_int_equal(tracker_dropped_unread(t), 1);
	assert_int_equal(tracker_dropped(t), 0);
	tracker_free(t);
}

static void test_unread_then_read(void **state)
{
	struct out o;
	struct tracker *t = mk(&o, NULL);

	(void)state;
	/* far away, found not read; nearer, read: one vehicle, a read */
	for (int f = 0; f < 10; f++) {
		struct trk_read r = f < 4 ? ur(2, f, 400, 0.7f)
				       : rd("AB12CDE", 0, f, 400, 100, 12, 0.9f);
		tracker_add(t, &r);
	}
	/* read, then lost under a cover: still the one read */
	for (int f = 20; f < 30; f++) {
		struct trk_read r = f < 24 ? rd("XY99ZZZ", 0, f, 1000, -100, 12, 0.9f)
					   : ur(2, f, 1000, 0.7f);
		r.y = -100 + 12 * (float)f;
		tracker_add(t, &r);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 2);
	assert_non_null(find(&o, "AB12CDE"));
	assert_int_equal(find(&o, "AB12CDE")->unread, 0);
	assert_int_equal(find(&o, "AB12CDE")->nunread, 4);
	assert_int_equal(find(&o, "AB12CDE")->nreads, 6);
	assert_non_null(find(&o, "XY99ZZZ"));
	assert_int_equal(find(&o, "XY99ZZZ")->nunread, 6);
	assert_null(find(&o, ""));
	tracker_free(t);
}

static void test_unread_by_overlap(void **state)
{
	struct out o;
	struct tracker_params p;
	struct tracker *t;

	(void)state;
	tracker_params_default(&p);
	p.gate = 10;	/* the gate alone would join them */
	t = mk(&o, &p);
	/* side by side, never overlapping: two plates, not one */
	for (int f = 0; f < 4; f++) {
		struct trk_read a = ur(1, f, 400, 0.7f), b = ur(3, f, 545, 0.7f);
		tracker_add(t, &a);
		tracker_add(t, &b);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.v[0].nunread + o.v[1].nunread, 8);
	assert_int_equal(o.v[0].unread + o.v[1].unread, 4);
	tracker_free(t);
	/* unread_min 0: never */
	p.unread_min = 0;
	t = mk(&o, &p);
	for (int f = 0; f < 4; f++) {
		struct trk_read a = ur(1, f, 400, 0.7f);
		tracker_add(t, &a);
	}
	tracker_flush(t);
	assert_int_equal(o.n, 0);
	tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_vehicle),
		cmocka_unit_test(test_long_marks),
		cmocka_unit_test(test_misreads_voted),
		cmocka_unit_test(test_vote_combines),
		cmocka_unit_test(test_two_vehicles),
		cmocka_unit_test(test_cloned_plates),
		cmocka_unit_test(test_gap_splits),
		cmocka_unit_test(test_position_gate),
		cmocka_unit_test(test_leaves_view),
		cmocka_unit_test(test_min_reads_and_sources),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_text_distance),
		cmocka_unit_test(test_long_track),
		cmocka_unit_test(test_dense_traffic),
		cmocka_unit_test(test_random_reads_accounted),
		cmocka_unit_test(test_unread_plate),
		cmocka_unit_test(test_unread_then_read),
		cmocka_unit_test(test_unread_by_overlap),
	};
	return cmocka_run_group_tests_name("anprd tracker", tests, NULL, NULL);
}
