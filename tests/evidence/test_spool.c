/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the chain, the spool (commit, recovery, leftovers of a
 * crashed batch, injected write/sync failures at every point), the writer
 * thread (queue full, key rotation, disk full) and the verifier on
 * tampered spools.
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/evidence_spool.h"
#include "evidence/evidence_verify.h"
#include "evidence/readfile.h"

static char err[1024];
static struct ev_key key, key2;

/* ---------------------------------------------------------- helpers */

struct fault {
	int write_calls, fail_write_at, write_errno;
	int sync_calls, fail_sync_at;
	pthread_mutex_t *gate;		/* writes wait on it when set */
};

static ssize_t f_write(void *ctx, int fd, const void *b, size_t n)
{
	struct fault *f = ctx;
	pthread_mutex_t *g = __atomic_load_n(&f->gate, __ATOMIC_SEQ_CST);

	if (g) {
		pthread_mutex_lock(g);
		pthread_mutex_unlock(g);
	}
	if (__atomic_add_fetch(&f->write_calls, 1, __ATOMIC_SEQ_CST) ==
	    __atomic_load_n(&f->fail_write_at, __ATOMIC_SEQ_CST)) {
		errno = f->write_errno ? f->write_errno : ENOSPC;
		return -1;
	}
	return write(fd, b, n);
}

static int f_sync(void *ctx, int fd, int whole)
{
	struct fault *f = ctx;

	if (__atomic_add_fetch(&f->sync_calls, 1, __ATOMIC_SEQ_CST) ==
	    f->fail_sync_at) {
		errno = EIO;
		return -1;
	}
	return whole ? syncfs(fd) : fsync(fd);
}

static void fixed_now(void *ctx, struct ev_when *w)
{
	static uint64_t ticks;
	uint64_t tick = __atomic_add_fetch(&ticks, 1, __ATOMIC_SEQ_CST);

	(void)ctx;
	w->utc.tv_sec = 1795513515 + (time_t)tick;
	w->utc.tv_nsec = 0;
	w->mono_ns = tick * 1000000000ULL;
	w->clock.synced = true;
	w->clock.esterror_us = 100;
	w->clock.maxerror_us = 2000;
}

static void site(struct ev_spool_config *c, const char *dir)
{
	memset(c, 0, sizeof *c);
	c->dir = dir;
	snprintf(c->site.camera_id, sizeof c->site.camera_id, "CAM7");
	snprintf(c->site.site_id, sizeof c->site.site_id, "A1-J4");
	c->site.lat_e6 = 52000000;
	c->site.lon_e6 = -1500000;
	c->site.bearing_deg = 90;
	snprintf(c->site.sw_version, sizeof c->site.sw_version, "anpr-test");
	memset(c->site.model_sha256, '1', EV_HASH_HEX);
	memset(c->site.config_sha256, '2', EV_HASH_HEX);
	c->key = &key;
	c->checkpoint_every = 0;
}

static char *mkdir_tmp(void)
{
	char t[] = "/tmp/ev-test-spool.XXXXXX";

	assert_non_null(mkdtemp(t));
	return strdup(t);
}

static int rm_cb(const char *p, const struct stat *s, int f, struct FTW *w)
{
	(void)s; (void)f; (void)w;
	return remove(p);
}

static void rm_tree(char *d)
{
	nftw(d, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}

static int stage_read(struct ev_spool *s, int i)
{
	struct ev_record r;
	struct ev_when w;
	char plate[64], over[200];
	struct ev_image p = { plate, sizeof plate }, o = { over, sizeof over };

	memset(plate, 'P' + i, sizeof plate);
	memset(over, 'O' + i, sizeof over);
	fixed_now(NULL, &w);
	ev_record_init(&r, EV_READ);
	ev_record_set(&r, EV_F_LANE, "1");
	ev_record_set(&r, EV_F_SOURCE, "front");
	ev_record_set(&r, EV_F_INPUT, "live");
	ev_record_set(&r, EV_F_HOTLIST_SET_HASH, EV_HOTLIST_SET_NONE);
	ev_record_set(&r, EV_F_CAPTURE_CLOCK, "sensor-exposure");
	ev_record_set(&r, EV_F_CLOCKS_DISAGREE, "0");
	ev_record_set(&r, EV_F_FRAME_SEQ, "%d", 100 + i);
	ev_record_set(&r, EV_F_PLATE_STATE, "read");
	ev_record_set(&r, EV_F_VRM, "AB%02d CDE", i % 100);
	ev_record_set(&r, EV_F_REGION, "GB");
	ev_record_set(&r, EV_F_CONFIDENCE, "0.950");
	ev_record_set(&r, EV_F_HOTLIST, "-");
	ev_record_set(&r, EV_F_HOTLIST_ENTRY, "-");
	ev_record_set(&r, EV_F_POSITION, "status=gps-3d lat=51.500000 lon=-0.116667 age_ms=%d", i);
	return ev_spool_stage(s, &r, &w, &p, &o, NULL, err, sizeof err);
}

static enum ev_sync_policy policy = EV_SYNC_SYNCFS;

static struct ev_spool *open_spool(const char *dir, const struct ev_io *io,
				   unsigned cp)
{
	struct ev_spool_config c;
	struct ev_spool *s;

	site(&c, dir);
	c.sync = policy;
	c.io = io;
	c.checkpoint_every = cp;
	if (ev_spool_open(&s, &c, err, sizeof err) != 0)
		fail_msg("open: %s", err);
	return s;
}

/* Verify; return the number of problems; *first = first problem code. */
static size_t verify(const char *path, const struct ev_key *k,
		     struct ev_vreport *rep)
{
	struct ev_key pub = *k;

	pub.secret = NULL;	/* the public half only: no reference taken */
	if (ev_verify_path(path, &pub, 1, rep, err, sizeof err) != 0)
		fail_msg("verify could not run: %s", err);
	return rep->nproblems;
}

static void expect_ok(const char *path, uint64_t last)
{
	struct ev_vreport rep;

	if (verify(path, &key, &rep) != 0)
		fail_msg("%s: %s: %s", rep.problems[0].code,
			 rep.problems[0].file, rep.problems[0].msg);
	assert_int_equal(rep.last_seq, last);
	ev_vreport_free(&rep);
}

static void shard_path(const char *dir, uint64_t seq, const char *sfx,
		       char *out, size_t cap)
{
	snprintf(out, cap, "%s/records/%08llu/%012llu%s", dir,
		 (unsigned long long)(seq / EV_SHARD_SIZE),
		 (unsigned long long)seq, sfx);
}

/* ------------------------------------------------------------ tests */

static void test_commit_reopen(void **state)
{
	char *d = mkdir_tmp(), p[512];
	struct ev_spool *s;
	char chain[17];
	struct stat st;

	(void)state;
	s = open_spool(d, NULL, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(stage_read(s, i), 0);
	/* nothing visible before the commit */
	shard_path(d, 1, ".rec", p, sizeof p);
	assert_int_not_equal(stat(p, &st), 0);
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	assert_int_equal(ev_spool_committed(s), 3);
	assert_int_equal(stat(p, &st), 0);
	snprintf(chain, sizeof chain, "%s", ev_spool_chain_id(s));
	ev_spool_close(s);
	expect_ok(d, 3);

	s = open_spool(d, NULL, 0);
	assert_int_equal(ev_spool_recovered(s), 3);
	assert_string_equal(ev_spool_chain_id(s), chain);
	assert_int_equal(stage_read(s, 3), 0);
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	expect_ok(d, 4);
	/* the public key is in the spool, in minisign format */
	snprintf(p, sizeof p, "%s/public.key", d);
	assert_int_equal(stat(p, &st), 0);
	rm_tree(d);
}

/* A write failure at every write of a batch: the error names the file and
 * the reason, intake stops, and the spool still verifies with only the
 * acknowledged records; reopening continues the chain. */
static void test_enospc_every_write(void **state)
{
	(void)state;
	for (int at = 1;; at++) {
		char *d = mkdir_tmp();
		struct fault f = { 0 };
		struct ev_io io = { f_write, f_sync, &f };
		struct ev_spool *s = open_spool(d, &io, 0);
		int rc = 0;

		assert_int_equal(stage_read(s, 0), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
		f.write_calls = 0;
		f.fail_write_at = at;
		for (int i = 1; i <= 2 && !rc; i++)
			rc = stage_read(s, i);
		if (!rc)
			rc = ev_spool_commit(s, err, sizeof err);
		if (rc == 0) {
			/* past the last write: 2 x (2 images, signature,
			 * record) + the head and its signature */
			assert_int_equal(at, 11);
			ev_spool_close(s);
			expect_ok(d, 3);
			rm_tree(d);
			break;
		}
		assert_int_equal(rc, EV_ENOSPC);
		assert_non_null(strstr(err, d));
		assert_non_null(strstr(err, "No space left on device"));
		assert_non_null(strstr(err, "intake stopped"));
		assert_int_equal(ev_spool_error(s, NULL), EV_ENOSPC);
		assert_int_equal(stage_read(s, 9), EV_ESTATE);
		assert_non_null(strstr(err, "intake stopped"));
		assert_int_equal(ev_spool_commit(s, err, sizeof err),
				 EV_ESTATE);
		assert_int_equal(ev_spool_committed(s), 1);
		ev_spool_close(s);
		expect_ok(d, 1);
		s = open_spool(d, NULL, 0);
		assert_int_equal(ev_spool_recovered(s), 1);
		assert_int_equal(stage_read(s, 5), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
		ev_spool_close(s);
		expect_ok(d, 2);
		rm_tree(d);
	}
}

static void test_sync_failures(void **state)
{
	(void)state;
	/* sync 1: phase 1 (data) fails: rolled back, nothing visible.
	 * sync 2: phase 2 (directories) fails: visible but unacknowledged;
	 * reopening recovers them as they are whole and signed. */
	for (int at = 1; at <= 2; at++) {
		char *d = mkdir_tmp();
		struct fault f = { 0 };
		struct ev_io io = { f_write, f_sync, &f };
		struct ev_spool *s = open_spool(d, &io, 0);

		f.fail_sync_at = at;
		assert_int_equal(stage_read(s, 0), 0);
		assert_int_equal(stage_read(s, 1), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), EV_EIO);
		assert_non_null(strstr(err, "failed: Input/output error"));
		assert_int_equal(ev_spool_committed(s), 0);
		ev_spool_close(s);
		s = open_spool(d, NULL, 0);
		assert_int_equal(ev_spool_recovered(s), at == 1 ? 0 : 2);
		assert_int_equal(stage_read(s, 2), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
		ev_spool_close(s);
		expect_ok(d, at == 1 ? 1 : 3);
		rm_tree(d);
	}
}

static void test_leftovers_removed(void **state)
{
	char *d = mkdir_tmp(), p[512], q[512];
	struct ev_spool *s = open_spool(d, NULL, 0);
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(stage_read(s, 0), 0);
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	/* a crashed batch: seq 2's image and signature renamed, no record;
	 * a half-written tmp file; a foreign file that must stay */
	shard_path(d, 2, ".plate.jpg", p, sizeof p);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	shard_path(d, 2, ".rec.minisig", q, sizeof q);
	fd = open(q, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	snprintf(q, sizeof q, "%s/tmp/000000000003.rec", d);
	fd = open(q, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	s = open_spool(d, NULL, 0);
	assert_int_not_equal(stat(p, &st), 0);
	assert_int_not_equal(stat(q, &st), 0);
	assert_int_equal(ev_spool_recovered(s), 1);
	ev_spool_close(s);
	expect_ok(d, 1);
	rm_tree(d);
}

static void test_refuses_damaged_or_foreign(void **state)
{
	char *d = mkdir_tmp(), p[512];
	struct ev_spool_config c;
	struct ev_spool *s = open_spool(d, NULL, 0);
	FILE *f;

	(void)state;
	assert_int_equal(stage_read(s, 0), 0);
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	/* other camera */
	site(&c, d);
	snprintf(c.site.camera_id, sizeof c.site.camera_id, "CAM8");
	assert_int_equal(ev_spool_open(&s, &c, err, sizeof err), EV_EINVAL);
	assert_non_null(strstr(err, "belongs to camera CAM7"));
	/* a site setting no record could carry, refused up front */
	site(&c, d);
	snprintf(c.site.site_id, sizeof c.site.site_id, "M25 J10");
	assert_int_equal(ev_spool_open(&s, &c, err, sizeof err), EV_EINVAL);
	assert_non_null(strstr(err, "site setting site_id"));
	site(&c, d);
	c.site.bearing_deg = 400;
	assert_int_equal(ev_spool_open(&s, &c, err, sizeof err), EV_EINVAL);
	assert_non_null(strstr(err, "bearing_deg"));
	/* other key */
	site(&c, d);
	c.key = &key2;
	assert_int_equal(ev_spool_open(&s, &c, err, sizeof err), EV_EKEY);
	assert_non_null(strstr(err, "last signed by key"));
	/* damaged last record: refuse to extend it */
	shard_path(d, 1, ".rec", p, sizeof p);
	f = fopen(p, "r+");
	assert_non_null(f);
	fseek(f, 40, SEEK_SET);
	fputc('X', f);
	fclose(f);
	site(&c, d);
	assert_int_not_equal(ev_spool_open(&s, &c, err, sizeof err), 0);
	assert_non_null(strstr(err, "000000000001.rec"));
	rm_tree(d);
}

static void test_checkpoints_across_restart(void **state)
{
	char *d = mkdir_tmp();
	struct ev_spool *s = open_spool(d, NULL, 4);
	struct ev_vreport rep;
	struct ev_when w;

	(void)state;
	fixed_now(NULL, &w);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(stage_read(s, i), 0);
		if (ev_spool_checkpoint_due(s))
			assert_int_equal(ev_spool_stage_checkpoint(s, &w, err,
				sizeof err), 0);
	}
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	/* heartbeat(1) r r r -> cp(5) ... : reopen in the middle of a span */
	s = open_spool(d, NULL, 4);
	for (int i = 6; i < 9; i++) {
		assert_int_equal(stage_read(s, i), 0);
		if (ev_spool_checkpoint_due(s))
			assert_int_equal(ev_spool_stage_checkpoint(s, &w, err,
				sizeof err), 0);
	}
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	/* a checkpoint in a batch that fails is rolled back whole */
	{
		ev_spool_close(s);
		struct fault f = { 0 };
		struct ev_io io = { f_write, f_sync, &f };
		s = open_spool(d, &io, 4);
		f.fail_sync_at = 1;
		assert_int_equal(stage_read(s, 20), 0);
		assert_int_equal(ev_spool_stage_checkpoint(s, &w, err,
							   sizeof err), 0);
		assert_int_not_equal(ev_spool_commit(s, err, sizeof err), 0);
		ev_spool_close(s);
		s = open_spool(d, NULL, 4);
		assert_int_equal(stage_read(s, 21), 0);
		assert_int_equal(ev_spool_stage_checkpoint(s, &w, err,
							   sizeof err), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	}
	ev_spool_close(s);
	assert_int_equal(verify(d, &key, &rep), 0);
	assert_int_equal(rep.checkpoints, 3);
	assert_int_equal(rep.covered_to, rep.last_seq);
	ev_vreport_free(&rep);
	rm_tree(d);
}

struct cb { int errors; char msg[512]; uint64_t acked; };
static void on_err(void *ctx, int rc, const char *m)
{
	struct cb *c = ctx;
	(void)rc;
	snprintf(c->msg, sizeof c->msg, "%s", m);
	__atomic_add_fetch(&c->errors, 1, __ATOMIC_SEQ_CST);
}
static void on_commit(void *ctx, uint64_t s) { ((struct cb *)ctx)->acked = s; }

static void writer_cfg(struct ev_writer_config *w, const char *dir,
		       struct cb *cb)
{
	memset(w, 0, sizeof *w);
	site(&w->spool, dir);
	w->spool.checkpoint_every = 5;
	w->now = fixed_now;
	w->heartbeat_interval_s = 60;
	w->on_error = on_err;
	w->on_commit = on_commit;
	w->cb_ctx = cb;
}

static void read_in(struct ev_read_in *in, int i, bool images)
{
	memset(in, 0, sizeof *in);
	fixed_now(NULL, &in->when);
	/* the capture path's stamp: each capture clock in turn */
	in->when.capclk = (enum ev_capclk)(i % EV_CAPCLK_COUNT);
	in->when.clocks_disagree = i % 4 == 1;
	in->lane = 2;
	snprintf(in->source, sizeof in->source, "rear-%d", i % 2);
	in->replay = i % 3 == 0;
	snprintf(in->hotlist_set_sha256, sizeof in->hotlist_set_sha256,
		 "%064x", i);
	in->frame_seq = (uint64_t)i;
	snprintf(in->vrm, sizeof in->vrm, "XY%02d ABC", i % 100);
	snprintf(in->region, sizeof in->region, "GB");
	in->confidence_permille = 880;
	if (images) {
		in->plate_jpg = calloc(1, 100);
		in->plate_len = 100;
		in->overview_jpg = calloc(1, 1000);
		in->overview_len = 1000;
	}
}

static void test_writer_rotation(void **state)
{
	char *d = mkdir_tmp();
	struct ev_writer_config cfg;
	struct ev_writer *w;
	struct ev_read_in in;
	struct ev_heartbeat_in hb = { 10, 4, 1 };
	struct ev_vreport rep;
	struct cb cb = { 0 };

	(void)state;
	writer_cfg(&cfg, d, &cb);
	assert_int_equal(ev_writer_start(&w, &cfg, err, sizeof err), 0);
	for (int i = 0; i < 12; i++) {
		read_in(&in, i, i % 2);
		if (i == 3) {	/* a hit on a wildcard entry */
			snprintf(in.hotlist, sizeof in.hotlist, "LOCAL-VOI");
			snprintf(in.hotlist_entry, sizeof in.hotlist_entry,
				 "XY0? A*");
		}
		assert_int_equal(ev_writer_submit_read(w, &in), 0);
		if (i == 5) {
			assert_int_equal(ev_writer_submit_heartbeat(w, &hb), 0);
			assert_int_equal(ev_writer_rotate_key(w, &key2), 0);
		}
	}
	/* the caller's bad input is refused at once */
	read_in(&in, 0, false);
	snprintf(in.vrm, sizeof in.vrm, "bad vrm");
	assert_int_equal(ev_writer_submit_read(w, &in), EV_EINVAL);
	read_in(&in, 0, false);		/* anpr-record/2: no source */
	in.source[0] = '\0';
	assert_int_equal(ev_writer_submit_read(w, &in), EV_EINVAL);
	read_in(&in, 0, false);		/* a URI is not a source's name */
	snprintf(in.source, sizeof in.source, "rtsp://u:pw@cam/1");
	assert_int_equal(ev_writer_submit_read(w, &in), EV_EINVAL);
	read_in(&in, 0, false);		/* no such capture clock */
	in.when.capclk = EV_CAPCLK_COUNT;
	assert_int_equal(ev_writer_submit_read(w, &in), EV_EINVAL);
	read_in(&in, 0, false);		/* no hotlist set named */
	in.hotlist_set_sha256[0] = '\0';
	assert_int_equal(ev_writer_submit_read(w, &in), EV_EINVAL);
	read_in(&in, 0, false);
	snprintf(in.hotlist_set_sha256, sizeof in.hotlist_set_sha256, "%064X",
		 0xABCu);
	assert_int_equal(ev_writer_submit_read(w, &in), EV_EINVAL);
	assert_int_equal(ev_writer_stop(w, err, sizeof err), 0);
	assert_int_equal(cb.errors, 0);
	/* the old key is the trust anchor; the rotation hands over */
	assert_int_equal(verify(d, &key, &rep), 0);
	assert_int_equal(rep.rotations, 1);
	assert_int_equal(rep.nkeys, 2);
	assert_int_equal(rep.reads, 12);
	assert_int_equal(rep.covered_to, rep.last_seq);
	/* each read says its source, live or replay, and the hotlist set it
	 * was given (anpr-record/2), and its capture clock and whether the
	 * clocks disagreed, as stamped (anpr-record/3) */
	{
		int seen = 0;

		for (uint64_t s = 1; s <= rep.last_seq; s++) {
			char path[512], buf[EV_RECORD_MAX + 1], want[80];
			struct ev_record r;
			FILE *f;
			size_t n;
			int i;

			shard_path(d, s, ".rec", path, sizeof path);
			f = fopen(path, "r");
			assert_non_null(f);
			n = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			assert_int_equal(ev_record_parse(buf, n, path, &r, err,
							 sizeof err), 0);
			assert_int_equal(r.version, 4);
			assert_string_equal(r.v[EV_F_FORMAT], "anpr-record/4");
			if (r.type != EV_READ)
				continue;
			i = (int)ev_record_u64(&r, EV_F_FRAME_SEQ);
			snprintf(want, sizeof want, "rear-%d", i % 2);
			assert_string_equal(r.v[EV_F_SOURCE], want);
			assert_string_equal(r.v[EV_F_INPUT],
					    i % 3 == 0 ? "replay" : "live");
			snprintf(want, sizeof want, "%064x", i);
			assert_string_equal(r.v[EV_F_HOTLIST_SET_HASH], want);
			assert_string_equal(r.v[EV_F_CAPTURE_CLOCK],
					    ev_capclk_names[i % EV_CAPCLK_COUNT]);
			assert_string_equal(r.v[EV_F_CLOCKS_DISAGREE],
					    i % 4 == 1 ? "1" : "0");
			seen++;
		}
		assert_int_equal(seen, 12);
	}
	ev_vreport_free(&rep);
	/* with only the new key, the first records are not trusted */
	assert_true(verify(d, &key2, &rep) > 0);
	assert_string_equal(ev_vreport_first(&rep)->code, EV_P_WRONG_KEY);
	ev_vreport_free(&rep);
	/* restarting needs the new key now */
	{
		struct ev_spool_config c;
		struct ev_spool *s;
		site(&c, d);
		assert_int_equal(ev_spool_open(&s, &c, err, sizeof err),
				 EV_EKEY);
		c.key = &key2;
		assert_int_equal(ev_spool_open(&s, &c, err, sizeof err), 0);
		ev_spool_close(s);
	}
	rm_tree(d);
}

static void test_writer_queue_full_and_disk_full(void **state)
{
	char *d = mkdir_tmp();
	struct ev_writer_config cfg;
	struct ev_writer *w;
	struct ev_read_in in;
	struct cb cb = { 0 };
	pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	struct fault f = { 0 };
	struct ev_io io = { f_write, f_sync, &f };
	int full = 0;

	(void)state;
	writer_cfg(&cfg, d, &cb);
	cfg.spool.io = &io;
	cfg.queue_len = 2;
	cfg.batch_max = 1;
	assert_int_equal(ev_writer_start(&w, &cfg, err, sizeof err), 0);
	/* hold the writer thread inside a write: the capture side must not
	 * wait, it gets EV_EFULL once the queue is full */
	pthread_mutex_lock(&gate);
	__atomic_store_n(&f.gate, &gate, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 6; i++) {
		int rc;
		read_in(&in, i, true);
		rc = ev_writer_submit_read(w, &in);
		if (rc == EV_EFULL) {
			full++;
			free(in.plate_jpg);
			free(in.overview_jpg);
		} else {
			assert_int_equal(rc, 0);
		}
	}
	assert_true(full >= 3);
	assert_int_equal(ev_writer_dropped(w), (uint64_t)full);
	/* now the disk fills up */
	__atomic_store_n(&f.write_calls, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&f.fail_write_at, 2, __ATOMIC_SEQ_CST);
	__atomic_store_n(&f.gate, NULL, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&gate);
	for (int i = 0; i < 200 && !__atomic_load_n(&cb.errors, __ATOMIC_SEQ_CST);
	     i++)
		usleep(5000);
	assert_int_equal(__atomic_load_n(&cb.errors, __ATOMIC_SEQ_CST), 1);
	assert_non_null(strstr(cb.msg, "No space left on device"));
	read_in(&in, 9, false);
	assert_int_equal(ev_writer_submit_read(w, &in), EV_ESTATE);
	assert_int_equal(ev_writer_stop(w, err, sizeof err), EV_ENOSPC);
	assert_non_null(strstr(err, "intake stopped"));
	expect_ok(d, cb.acked);
	rm_tree(d);
}

/* What a writer's read callback was told (ev_read_fn), tag by tag. */
struct told {
	pthread_mutex_t mu;
	int n, dup;
	char id[64][96];	/* by tag: the record id, or "-" + why */
};

static void on_read(void *ctx, uint64_t tag, const char *id, const char *why)
{
	struct told *t = ctx;

	pthread_mutex_lock(&t->mu);
	t->n++;
	if (tag < 64) {
		if (t->id[tag][0])
			t->dup++;
		if (id)
			snprintf(t->id[tag], sizeof t->id[tag], "%s", id);
		else
			snprintf(t->id[tag], sizeof t->id[tag], "-%s", why);
	}
	pthread_mutex_unlock(&t->mu);
}

/* The record file that id (CAMERA-CHAINID-SEQ) names, read whole. */
static void record_named(const char *d, const char *id, char *out, size_t cap)
{
	const char *dash = strrchr(id, '-');
	char path[512];
	FILE *f;
	size_t n;

	assert_non_null(dash);
	shard_path(d, strtoull(dash + 1, NULL, 10), ".rec", path, sizeof path);
	f = fopen(path, "r");
	if (!f)
		fail_msg("record %s: no file %s", id, path);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
}

/*
 * Each tagged read is told once: the id of the record it became, once
 * that record is durable (the file holds that record_id and that read),
 * or why it became none; untagged reads are not told, nor anything once
 * the callback is cleared.
 */
static void test_writer_tells_reads(void **state)
{
	char *d = mkdir_tmp();
	struct ev_writer_config cfg;
	struct ev_writer *w;
	struct ev_read_in in;
	struct cb cb = { 0 };
	struct told t = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char rec[EV_RECORD_MAX + 1], want[128];

	(void)state;
	writer_cfg(&cfg, d, &cb);
	cfg.batch_max = 4;	/* several group commits */
	assert_int_equal(ev_writer_start(&w, &cfg, err, sizeof err), 0);
	ev_writer_on_read(w, on_read, &t);
	for (int i = 1; i <= 20; i++) {
		read_in(&in, i, i % 2);
		in.tag = i % 10 == 0 ? 0 : (uint64_t)i;	/* 10, 20: untagged */
		assert_int_equal(ev_writer_submit_read(w, &in), 0);
	}
	assert_int_equal(ev_writer_stop(w, err, sizeof err), 0);
	assert_int_equal(t.n, 18);
	assert_int_equal(t.dup, 0);
	for (int i = 1; i <= 20; i++) {
		if (i % 10 == 0) {
			assert_int_equal(t.id[i][0], '\0');
			continue;
		}
		assert_true(t.id[i][0] && t.id[i][0] != '-');
		record_named(d, t.id[i], rec, sizeof rec);
		snprintf(want, sizeof want, "\nrecord_id=%s\n", t.id[i]);
		assert_non_null(strstr(rec, want));
		snprintf(want, sizeof want, "\nframe_seq=%d\n", i);
		assert_non_null(strstr(rec, want));
		assert_non_null(strstr(rec, "\nlane=2\n"));
	}
	expect_ok(d, cb.acked);
	rm_tree(d);

	/* the disk fills: every read accepted is still told, as none */
	{
		struct fault f = { 0 };
		struct ev_io io = { f_write, f_sync, &f };
		int accepted = 0, told_none = 0;

		d = mkdir_tmp();
		memset(&t, 0, sizeof t);
		pthread_mutex_init(&t.mu, NULL);
		memset(&cb, 0, sizeof cb);
		writer_cfg(&cfg, d, &cb);
		cfg.spool.io = &io;
		cfg.batch_max = 2;
		assert_int_equal(ev_writer_start(&w, &cfg, err, sizeof err), 0);
		ev_writer_on_read(w, on_read, &t);
		__atomic_store_n(&f.write_calls, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&f.fail_write_at, 7, __ATOMIC_SEQ_CST);
		for (int i = 1; i <= 30; i++) {
			read_in(&in, i, true);
			in.tag = (uint64_t)i;
			if (ev_writer_submit_read(w, &in) == 0) {
				accepted++;
			} else {
				free(in.plate_jpg);
				free(in.overview_jpg);
			}
		}
		assert_int_not_equal(ev_writer_stop(w, err, sizeof err), 0);
		assert_int_equal(t.n, accepted);
		assert_int_equal(t.dup, 0);
		for (int i = 1; i <= accepted; i++) {
			assert_true(t.id[i][0] != '\0');
			if (t.id[i][0] == '-') {
				told_none++;
				assert_non_null(strstr(t.id[i], "intake stopped"));
			} else {	/* written before the disk filled */
				record_named(d, t.id[i], rec, sizeof rec);
			}
		}
		assert_true(told_none > 0);
		rm_tree(d);
	}

	/* cleared: nothing is told */
	d = mkdir_tmp();
	memset(&t, 0, sizeof t);
	pthread_mutex_init(&t.mu, NULL);
	writer_cfg(&cfg, d, &cb);
	assert_int_equal(ev_writer_start(&w, &cfg, err, sizeof err), 0);
	ev_writer_on_read(w, on_read, &t);
	ev_writer_on_read(w, NULL, NULL);
	read_in(&in, 1, false);
	in.tag = 1;
	assert_int_equal(ev_writer_submit_read(w, &in), 0);
	assert_int_equal(ev_writer_stop(w, err, sizeof err), 0);
	assert_int_equal(t.n, 0);
	rm_tree(d);
}

/* The verifier names each kind of tampering. */
static void tamper_case(const char *what, void (*mutate)(const char *),
			const char *code)
{
	char *d = mkdir_tmp();
	struct ev_spool *s = open_spool(d, NULL, 5);
	struct ev_vreport rep;
	struct ev_when w;

	fixed_now(NULL, &w);
	for (int i = 0; i < 12; i++) {
		assert_int_equal(stage_read(s, i), 0);
		if (ev_spool_checkpoint_due(s))
			assert_int_equal(ev_spool_stage_checkpoint(s, &w, err,
				sizeof err), 0);
		if (i % 4 == 3)
			assert_int_equal(ev_spool_commit(s, err, sizeof err),
					 0);
	}
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	expect_ok(d, 14);
	mutate(d);
	if (verify(d, &key, &rep) == 0)
		fail_msg("%s: not detected", what);
	if (strcmp(ev_vreport_first(&rep)->code, code) != 0)
		fail_msg("%s: first problem is %s (%s), expected %s", what,
			 ev_vreport_first(&rep)->code,
			 ev_vreport_first(&rep)->msg, code);
	ev_vreport_free(&rep);
	rm_tree(d);
}

static void flip(const char *d, uint64_t seq, const char *sfx, long off)
{
	char p[512];
	FILE *f;
	int c;

	shard_path(d, seq, sfx, p, sizeof p);
	f = fopen(p, "r+");
	assert_non_null(f);
	fseek(f, off, SEEK_SET);
	c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
}

static void m_rec(const char *d) { flip(d, 4, ".rec", 300); }
static void m_img(const char *d) { flip(d, 4, ".overview.jpg", 17); }
static void m_sig(const char *d) { flip(d, 4, ".rec.minisig", 90); }
static void m_del(const char *d)
{
	char p[512];
	const char *sfx[] = { ".rec", ".rec.minisig", ".plate.jpg",
			      ".overview.jpg" };
	for (int i = 0; i < 4; i++) {
		shard_path(d, 9, sfx[i], p, sizeof p);
		assert_int_equal(unlink(p), 0);
	}
}
static void m_swap(const char *d)
{
	char a[512], b[512], t[520];
	const char *sfx[] = { ".rec", ".rec.minisig", ".plate.jpg",
			      ".overview.jpg" };
	for (int i = 0; i < 4; i++) {
		shard_path(d, 3, sfx[i], a, sizeof a);
		shard_path(d, 4, sfx[i], b, sizeof b);
		snprintf(t, sizeof t, "%s.t", a);
		assert_int_equal(rename(a, t), 0);
		assert_int_equal(rename(b, a), 0);
		assert_int_equal(rename(t, b), 0);
	}
}
static void m_trunc(const char *d)
{
	char p[512];
	for (uint64_t s = 12; s <= 14; s++) {
		shard_path(d, s, ".rec", p, sizeof p);
		assert_int_equal(unlink(p), 0);
	}
}

/* An insider with the key re-signs one altered record but cannot rewrite
 * the rest of the chain: the next link and the checkpoint expose it. */
static void m_resign(const char *d)
{
	char p[512], sp[512], *buf, tc[512], name[40], sig[1024];
	size_t len, sl;
	struct ev_record r;
	uint8_t h[EV_HASH_LEN];
	FILE *f;

	shard_path(d, 3, ".rec", p, sizeof p);
	shard_path(d, 3, ".rec.minisig", sp, sizeof sp);
	assert_int_equal(read_file_limited(p, EV_RECORD_MAX, &buf, &len, err,
				      sizeof err), 0);
	assert_non_null(strstr(buf, "vrm=AB02 CDE"));
	memcpy(strstr(buf, "vrm=AB02 CDE"), "vrm=ZZ99 ZZZ", 12);
	assert_int_equal(ev_record_parse(buf, len, p, &r, err, sizeof err), 0);
	ev_sha256(buf, len, h);
	ev_rec_name(3, ".rec", name, sizeof name);
	ev_trusted_comment(r.v[EV_F_FORMAT], name, r.v[EV_F_RECORD_ID], 3, h,
			   tc, sizeof tc);
	assert_int_equal(ev_sign(&key, buf, len, tc, sig, sizeof sig, &sl), 0);
	f = fopen(p, "w");
	fwrite(buf, 1, len, f);
	fclose(f);
	f = fopen(sp, "w");
	fwrite(sig, 1, sl, f);
	fclose(f);
	free(buf);
}

static void test_resigned_record(void **state)
{
	char *d = mkdir_tmp();
	struct ev_spool *s = open_spool(d, NULL, 5);
	struct ev_vreport rep;
	struct ev_when w;
	bool cp = false;

	(void)state;
	fixed_now(NULL, &w);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(stage_read(s, i), 0);
		if (ev_spool_checkpoint_due(s))
			assert_int_equal(ev_spool_stage_checkpoint(s, &w, err,
				sizeof err), 0);
	}
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	m_resign(d);
	assert_true(verify(d, &key, &rep) > 0);
	assert_string_equal(ev_vreport_first(&rep)->code, EV_P_CHAIN);
	assert_int_equal(ev_vreport_first(&rep)->seq, 4);
	for (size_t i = 0; i < rep.nproblems; i++)
		if (strcmp(rep.problems[i].code, EV_P_CHECKPOINT) == 0 &&
		    strstr(rep.problems[i].msg, "Merkle root"))
			cp = true;
	assert_true(cp);
	ev_vreport_free(&rep);
	rm_tree(d);
}

static int stage_heartbeat(struct ev_spool *s, const struct ev_when *w)
{
	struct ev_record r;

	ev_record_init(&r, EV_HEARTBEAT);
	ev_record_set(&r, EV_F_EVENT, "periodic");
	ev_record_set(&r, EV_F_INTERVAL, "60");
	ev_record_set(&r, EV_F_UPTIME, "1");
	ev_record_set(&r, EV_F_FRAMES_SEEN, "0");
	ev_record_set(&r, EV_F_READS_MADE, "0");
	ev_record_set(&r, EV_F_FRAMES_DROPPED, "0");
	ev_record_set(&r, EV_F_RECORDS_DROPPED, "0");
	return ev_spool_stage(s, &r, w, NULL, NULL, NULL, err, sizeof err);
}

/* The clock state is reported: unsynchronised records counted, a clock
 * that stepped back noted; neither is tampering. A read's time is its
 * vehicle's capture time, which may well precede the heartbeat written
 * just before the read's record: that is not a clock stepping back. */
static void test_clock_report(void **state)
{
	char *d = mkdir_tmp();
	struct ev_spool *s = open_spool(d, NULL, 0);
	struct ev_vreport rep;
	struct ev_when w;
	bool noted = false;

	(void)state;
	fixed_now(NULL, &w);
	w.utc.tv_sec += 10;		/* heartbeat 10 s after the capture below */
	assert_int_equal(stage_heartbeat(s, &w), 0);
	assert_int_equal(stage_read(s, 0), 0);	/* captured 10 s earlier */
	fixed_now(NULL, &w);
	w.utc.tv_sec -= 3600;		/* an hour back */
	w.clock.synced = false;
	w.clock.maxerror_us = 16000000;
	assert_int_equal(stage_heartbeat(s, &w), 0);
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	assert_int_equal(verify(d, &key, &rep), 0);
	assert_int_equal(rep.clock_unsynced, 1);
	assert_int_equal(rep.clock_max_error_us, 16000000);
	assert_int_equal(rep.time_backwards, 1);	/* the heartbeat, not the read */
	for (size_t i = 0; i < rep.nnotes; i++) {
		if (strstr(rep.notes[i], "before the previous record")) {
			assert_non_null(strstr(rep.notes[i], "record 3"));
			noted = true;
		}
	}
	assert_true(noted);
	ev_vreport_free(&rep);
	rm_tree(d);
}

static void test_tamper(void **state)
{
	(void)state;
	tamper_case("record byte", m_rec, EV_P_BAD_SIGNATURE);
	tamper_case("image byte", m_img, EV_P_IMAGE_ALTERED);
	tamper_case("signature byte", m_sig, EV_P_BAD_SIGNATURE);
	tamper_case("deleted record", m_del, EV_P_MISSING);
	tamper_case("swapped records", m_swap, EV_P_OUT_OF_PLACE);
	tamper_case("truncated tail", m_trunc, EV_P_TRUNCATED);
}

static int use_fsync(void **state)
{
	(void)state;
	policy = EV_SYNC_FSYNC;
	return 0;
}

/* fsync of one of many files fails: the batch is rolled back whole. */
static void test_fsync_failure(void **state)
{
	(void)state;
	for (int at = 1; at <= 9; at += 4) {
		char *d = mkdir_tmp();
		struct fault f = { 0 };
		struct ev_io io = { f_write, f_sync, &f };
		struct ev_spool *s = open_spool(d, &io, 0);

		assert_int_equal(stage_read(s, 0), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
		f.sync_calls = 0;
		f.fail_sync_at = at;
		assert_int_equal(stage_read(s, 1), 0);
		assert_int_equal(stage_read(s, 2), 0);
		assert_int_equal(ev_spool_commit(s, err, sizeof err), EV_EIO);
		assert_non_null(strstr(err, "fsync failed: Input/output "
					    "error: intake stopped"));
		assert_int_equal(ev_spool_committed(s), 1);
		ev_spool_close(s);
		expect_ok(d, 1);
		rm_tree(d);
	}
}

/* The spool refuses to open (EV_EPERM or EV_EIO) with a message that
 * contains want. */
static void expect_refused(const char *dir, int rc, const char *want)
{
	struct ev_spool_config c;
	struct ev_spool *s;

	site(&c, dir);
	c.sync = policy;
	assert_int_equal(ev_spool_open(&s, &c, err, sizeof err), rc);
	assert_null(s);
	if (!strstr(err, want))
		fail_msg("wanted \"%s\" in: %s", want, err);
}

static void touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	close(fd);
}

/* Issue 18: a link planted in the spool's place of tmp/, records/ or a
 * shard, and a spool directory another user may write or owns, stop the
 * open with the path named; what a link pointed at is not touched. */
static void test_refuses_links_and_loose_dirs(void **state)
{
	char *d = mkdir_tmp(), *v = mkdir_tmp(), p[512], q[512], w[600];
	struct ev_spool *s = open_spool(d, NULL, 0);
	struct stat st;

	(void)state;
	assert_int_equal(stage_read(s, 0), 0);
	assert_int_equal(ev_spool_commit(s, err, sizeof err), 0);
	ev_spool_close(s);
	/* v: someone else's directory, with files named like ours */
	snprintf(p, sizeof p, "%s/000000000007.rec.minisig", v);
	touch(p);
	snprintf(q, sizeof q, "%s/camera.key", v);
	touch(q);

	/* tmp -> v: emptying tmp/ used to delete v's files */
	snprintf(w, sizeof w, "%s/tmp", d);
	assert_int_equal(rmdir(w), 0);
	assert_int_equal(symlink(v, w), 0);
	expect_refused(d, EV_EPERM, "/tmp: is a symbolic link, not a "
		       "directory");
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(unlink(w), 0);
	assert_int_equal(mkdir(w, 0750), 0);

	/* records -> v */
	snprintf(w, sizeof w, "%s/records", d);
	snprintf(p, sizeof p, "%s/records.real", d);
	assert_int_equal(rename(w, p), 0);
	assert_int_equal(symlink(v, w), 0);
	expect_refused(d, EV_EPERM, "/records: is a symbolic link");
	assert_int_equal(unlink(w), 0);
	assert_int_equal(rename(p, w), 0);

	/* a higher shard -> v: scanned first, its leftovers used to go */
	snprintf(w, sizeof w, "%s/records/00000003", d);
	assert_int_equal(symlink(v, w), 0);
	expect_refused(d, EV_EPERM, "/records/00000003: is a symbolic link");
	snprintf(p, sizeof p, "%s/000000000007.rec.minisig", v);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(unlink(w), 0);
	touch(w);
	expect_refused(d, EV_EIO, "/records/00000003: not a directory");
	assert_int_equal(unlink(w), 0);

	/* the spool root as a link, also when named with a trailing / */
	snprintf(w, sizeof w, "%s.link", d);
	assert_int_equal(symlink(d, w), 0);
	expect_refused(w, EV_EPERM, ".link: is a symbolic link");
	strcat(w, "/");
	expect_refused(w, EV_EPERM, ".link: is a symbolic link");
	w[strlen(w) - 1] = '\0';
	assert_int_equal(unlink(w), 0);

	/* modes: group or others may write */
	assert_int_equal(chmod(d, 0777), 0);
	expect_refused(d, EV_EPERM, "spool directory permissions 0777 are "
		       "too open");
	assert_int_equal(chmod(d, 0750), 0);
	snprintf(w, sizeof w, "%s/records", d);
	assert_int_equal(chmod(w, 0770), 0);
	expect_refused(d, EV_EPERM, "/records: spool directory permissions "
		       "0770 are too open");
	assert_int_equal(chmod(w, 0750), 0);
	snprintf(w, sizeof w, "%s/tmp", d);
	assert_int_equal(chmod(w, 0702), 0);
	expect_refused(d, EV_EPERM, "/tmp: spool directory permissions 0702 "
		       "are too open");
	assert_int_equal(chmod(w, 0750), 0);
	snprintf(w, sizeof w, "%s/records/00000000", d);
	assert_int_equal(chmod(w, 0757), 0);
	expect_refused(d, EV_EPERM, "/records/00000000: spool directory "
		       "permissions 0757 are too open");
	assert_int_equal(chmod(w, 0750), 0);
	/* another owner (needs root to make) */
	if (geteuid() == 0) {
		assert_int_equal(chown(d, 65534, 65534), 0);
		expect_refused(d, EV_EPERM, "spool directory is owned by uid "
			       "65534, not by this process's user (uid 0)");
		assert_int_equal(chown(d, 0, 0), 0);
	}
	/* all put right: it opens, and the chain goes on */
	s = open_spool(d, NULL, 0);
	assert_int_equal(ev_spool_recovered(s), 1);
	ev_spool_close(s);
	expect_ok(d, 1);
	rm_tree(d);
	rm_tree(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_reopen),
		cmocka_unit_test(test_enospc_every_write),
		cmocka_unit_test(test_sync_failures),
		cmocka_unit_test(test_leftovers_removed),
		cmocka_unit_test(test_refuses_damaged_or_foreign),
		cmocka_unit_test(test_checkpoints_across_restart),
		cmocka_unit_test(test_writer_rotation),
		cmocka_unit_test(test_writer_queue_full_and_disk_full),
		cmocka_unit_test(test_writer_tells_reads),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_resigned_record),
		cmocka_unit_test(test_clock_report),
		cmocka_unit_test(test_refuses_links_and_loose_dirs),
		/* the same with per-file fsync (parallel) */
		cmocka_unit_test_setup(test_commit_reopen, use_fsync),
		cmocka_unit_test_setup(test_enospc_every_write, use_fsync),
		cmocka_unit_test_setup(test_fsync_failure, use_fsync),
		cmocka_unit_test_setup(test_leftovers_removed, use_fsync),
		cmocka_unit_test_setup(test_checkpoints_across_restart,
				       use_fsync),
	};

	if (ev_init() != 0 || ev_key_generate(&key) != 0 ||
	    ev_key_generate(&key2) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
