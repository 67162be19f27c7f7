// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest: streaming tests.
 *   loopback CAP META OUT N FPS [slow]  inject N distinct frames through the
 *       output node (external trigger: one frame per injected frame) and
 *       check each captured frame byte for byte, its sequence, timestamp and
 *       metadata; "slow" consumes slowly with 2 buffers and checks that the
 *       lost frames are counted and the delivered ones are intact.
 *   freerun CAP N FPS   free-running test pattern: no drops, no gaps,
 *       timestamps in their frame slots, pattern content.
 *   bench CAP           highest size/rate streamed with zero drops.
 *   hold CAP META OUT   stream until the device goes away (unbind test).
 *
 * Long file: the VM's streaming checks against the real driver run in one
 * process on one open device, in the order a camera host uses it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmtest.h"

#define TS_FLAGS (V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_SOE)

/* frames to inject: a file of raw GREY frames, or generated ones */
static const uint8_t *vt_src;
static size_t vt_src_frames;

static void vt_frame(uint8_t *dst, size_t len, uint32_t index)
{
	if (vt_src)
		memcpy(dst, vt_src + (index % vt_src_frames) * len, len);
	else
		vt_gen_frame(dst, len, index);
}

/* frame steps kept per run for the interval figures (min, median, p99, max) */
#define VT_TIMING_MAX_STEPS 4096

/*
 * timing figures over consecutive delivered frames; a "step" is the time
 * between two delivered frames divided by their sequence distance, so it is
 * one frame interval whether or not frames were lost in between
 */
struct vt_timing {
	uint64_t interval_ns;
	uint64_t tolerance_ns;		/* |step - interval| allowed, 0: not checked */
	uint64_t last_ns;
	uint32_t last_seq;
	unsigned int frames;
	unsigned int gaps;
	unsigned int out_of_slot;	/* |deviation| >= 1 interval */
	unsigned int late;		/* |deviation| >= interval / 2 */
	uint64_t first_ns;
	uint32_t first_seq;
	uint64_t max_dev_ns;
	uint64_t sum_dev_ns;
	unsigned int outside_tol;	/* steps off the interval by more than tolerance_ns */
	unsigned int stalled;		/* ... of which a guest stall explains the excess */
	uint64_t longest_stall_ns;	/* longest guest stall seen during the run */
	uint64_t clean_sum_ns;		/* sum and number of the steps within tolerance */
	unsigned int clean_steps;
	unsigned int nsteps;
	uint64_t step_ns[VT_TIMING_MAX_STEPS];
	uint64_t step_from_ns[VT_TIMING_MAX_STEPS];
	uint64_t step_to_ns[VT_TIMING_MAX_STEPS];
	uint64_t step_dev_ns[VT_TIMING_MAX_STEPS];
	uint32_t step_seq[VT_TIMING_MAX_STEPS];
};

/* returns -1 if the sequence does not increase */
static int vt_timing_add(struct vt_timing *t, const char *path, const struct v4l2_buffer *b)
{
	uint64_t ts = vt_buf_ns(b);

	if ((b->flags & (V4L2_BUF_FLAG_TIMESTAMP_MASK | V4L2_BUF_FLAG_TSTAMP_SRC_MASK)) != TS_FLAGS)
		return vt_fail("%s: buffer flags 0x%x lack MONOTONIC|SOE", path, b->flags);
	if (t->frames) {
		uint64_t expect, dev;

		if (b->sequence <= t->last_seq)
			return vt_fail("%s: sequence %u after %u", path, b->sequence, t->last_seq);
		if (ts <= t->last_ns)
			return vt_fail("%s: timestamp of seq %u not after seq %u", path,
				       b->sequence, t->last_seq);
		t->gaps += b->sequence - t->last_seq - 1;
		expect = (uint64_t)(b->sequence - t->last_seq) * t->interval_ns;
		dev = ts - t->last_ns > expect ? ts - t->last_ns - expect : expect - (ts - t->last_ns);
		if (dev > t->max_dev_ns)
			t->max_dev_ns = dev;
		t->sum_dev_ns += dev;
		if (dev >= t->interval_ns)
			t->out_of_slot++;
		if (dev >= t->interval_ns / 2)
			t->late++;
		if (t->nsteps < VT_TIMING_MAX_STEPS) {
			unsigned int k = t->nsteps++;

			t->step_ns[k] = (ts - t->last_ns) / (b->sequence - t->last_seq);
			t->step_from_ns[k] = t->last_ns;
			t->step_to_ns[k] = ts;
			t->step_dev_ns[k] = dev;
			t->step_seq[k] = b->sequence;
		}
	} else {
		t->first_ns = ts;
		t->first_seq = b->sequence;
	}
	t->last_ns = ts;
	t->last_seq = b->sequence;
	t->frames++;
	return 0;
}

/* mean frame interval measured over the run, per sequence step */
static double vt_timing_mean(const struct vt_timing *t)
{
	if (t->last_seq == t->first_seq)
		return 0;
	return (double)(t->last_ns - t->first_ns) / (t->last_seq - t->first_seq);
}

/*
 * Free running, the mean interval per sequence step from the first to the
 * last frame is the configured one within @slack, give or take what the
 * frame interrupt's latency can add: the first and the last frame each lie
 * in their own slot (a later interrupt is an overrun, which consumes
 * sequence numbers), so latency moves the span by less than one interval,
 * i.e. the mean by less than interval / steps (1 % over 100 frames, 3.4 %
 * over 30).
 */
static int vt_timing_mean_ok(const struct vt_timing *t, double slack)
{
	double m = vt_timing_mean(t);
	double latency = t->last_seq > t->first_seq ?
			 (double)t->interval_ns / (t->last_seq - t->first_seq) : 0;

	return m > t->interval_ns * (1 - slack) - latency &&
	       m < t->interval_ns * (1 + slack) + latency;
}

/*
 * The stall detector samples with 1 ms sleeps on each CPU; the frame
 * interrupt is delayed by the host in ways it sees only in part (a run
 * measured a 31.5 ms stall around a frame 48.8 ms late). A stall explains
 * an excess up to this many times its measured length.
 */
#define VT_STALL_SLACK 2

/*
 * Every step must be within tolerance_ns of the interval, unless a guest
 * stall (vmtest-stall.c) explains the excess: a stall of at least
 * (deviation - tolerance) / VT_STALL_SLACK overlapping the step or the
 * interval before it (a late frame also makes the next step short).
 * Returns the number of steps outside the tolerance that no stall explains.
 */
static unsigned int vt_timing_judge(struct vt_timing *t, const char *path)
{
	unsigned int k, bad = 0;

	t->outside_tol = 0;
	t->stalled = 0;
	t->clean_sum_ns = 0;
	t->clean_steps = 0;
	vt_stall_count(&t->longest_stall_ns);
	if (!t->tolerance_ns)
		return 0;
	for (k = 0; k < t->nsteps; k++) {
		uint64_t dev = t->step_dev_ns[k], stall;

		if (dev <= t->tolerance_ns) {
			t->clean_sum_ns += t->step_ns[k];
			t->clean_steps++;
			continue;
		}
		t->outside_tol++;
		stall = vt_stall_max(t->step_from_ns[k] - t->interval_ns, t->step_to_ns[k]);
		if (stall * VT_STALL_SLACK >= dev - t->tolerance_ns) {
			t->stalled++;
			continue;
		}
		if (bad++ < 5)
			vt_note("%s: seq %u: %.3f ms after the frame before, %.3f ms off the "
				"interval, more than the tolerance %.3f ms, and no guest stall "
				"explains it (longest overlapping %.3f ms)", path, t->step_seq[k],
				(t->step_to_ns[k] - t->step_from_ns[k]) / 1e6, dev / 1e6,
				t->tolerance_ns / 1e6, stall / 1e6);
	}
	return bad;
}

/* mean of the steps within tolerance, 0 if none */
static double vt_timing_clean_mean(const struct vt_timing *t)
{
	return t->clean_steps ? (double)t->clean_sum_ns / t->clean_steps : 0;
}

/*
 * The sensor's rate, measured where no stall moved a frame: at least half of
 * the steps are within tolerance, and their mean is the interval within 2 %.
 */
static int vt_timing_clean_ok(const struct vt_timing *t)
{
	double m = vt_timing_clean_mean(t);

	return t->clean_steps * 2 >= t->nsteps && m > t->interval_ns * 0.98 &&
	       m < t->interval_ns * 1.02;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* the @pct-th percentile (nearest rank) of @n sorted values, 0 if none */
static uint64_t percentile(const uint64_t *sorted, unsigned int n, unsigned int pct)
{
	unsigned int rank = (n * pct + 99) / 100;

	return n ? sorted[rank ? rank - 1 : 0] : 0;
}

static void vt_timing_print(const char *name, const struct vt_timing *t, int64_t dropped,
			    int64_t overruns)
{
	static uint64_t sorted[VT_TIMING_MAX_STEPS];
	unsigned int n = t->nsteps;

	memcpy(sorted, t->step_ns, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), cmp_u64);
	printf("%s: frames %u, drops %lld (sensor overruns %lld), sequence gaps %u, "
	       "interval %.3f ms (measured mean %.3f ms), jitter mean %.3f ms max %.3f ms, "
	       "late > 1/2 interval %u, outside slot %u\n",
	       name, t->frames, (long long)dropped, (long long)overruns, t->gaps,
	       t->interval_ns / 1e6, vt_timing_mean(t) / 1e6,
	       t->frames > 1 ? t->sum_dev_ns / 1e6 / (t->frames - 1) : 0.0,
	       t->max_dev_ns / 1e6, t->late, t->out_of_slot);
	printf("%s: %u frame intervals: min %.3f median %.3f p99 %.3f max %.3f ms",
	       name, n, percentile(sorted, n, 0) / 1e6, percentile(sorted, n, 50) / 1e6,
	       percentile(sorted, n, 99) / 1e6, n ? sorted[n - 1] / 1e6 : 0.0);
	if (t->tolerance_ns)
		printf(", each within %.3f +- %.3f ms: %u outside, %u of them explained by a "
		       "guest stall (longest stall %.3f ms); mean of the %u within %.3f ms",
		       t->interval_ns / 1e6, t->tolerance_ns / 1e6, t->outside_tol, t->stalled,
		       t->longest_stall_ns / 1e6, t->clean_steps, vt_timing_clean_mean(t) / 1e6);
	printf("\n");
	fflush(stdout);
}

static int check_meta(const char *path, const struct anprcap_meta *m, const struct v4l2_buffer *b,
		      uint32_t trigger)
{
	if (m->magic != ANPRCAP_META_MAGIC || m->version != ANPRCAP_META_VERSION ||
	    m->size != sizeof(*m) || b->bytesused != sizeof(*m))
		return vt_fail("%s: bad metadata header magic 0x%x version %u size %u bytesused %u",
			       path, m->magic, m->version, m->size, b->bytesused);
	if (m->sequence != b->sequence || m->soe_ns / 1000 != vt_buf_ns(b) / 1000)
		return vt_fail("%s: metadata seq %u/soe %llu disagree with buffer seq %u/ts %llu",
			       path, m->sequence, (unsigned long long)m->soe_ns, b->sequence,
			       (unsigned long long)vt_buf_ns(b));
	if (m->trigger != trigger)
		return vt_fail("%s: seq %u trigger %u, expected %u", path, m->sequence,
			       m->trigger, trigger);
	if (m->exposure_us != 2000 || m->eoe_ns - m->soe_ns != 2000000ULL ||
	    m->gain_mdb != 6000 || m->strobe_intensity != 80 ||
	    !(m->flags & ANPRCAP_META_FL_STROBE_ON))
		return vt_fail("%s: seq %u metadata does not match the controls "
			       "(exposure %u us, eoe-soe %llu ns, gain %u, strobe %u, flags 0x%x)",
			       path, m->sequence, m->exposure_us,
			       (unsigned long long)(m->eoe_ns - m->soe_ns), m->gain_mdb,
			       m->strobe_intensity, m->flags);
	return 0;
}

static int set_sensor_ctrls(struct vt_node *cap, uint32_t trigger)
{
	if (vt_set_ctrl(cap, ANPRCAP_CID_TRIGGER_MODE, trigger) ||
	    vt_set_ctrl(cap, V4L2_CID_EXPOSURE, 2000) ||
	    vt_set_ctrl(cap, V4L2_CID_GAIN, 6000) ||
	    vt_set_ctrl(cap, ANPRCAP_CID_STROBE_ENABLE, 1) ||
	    vt_set_ctrl(cap, ANPRCAP_CID_STROBE_INTENSITY, 80))
		return -1;
	return 0;
}

int vt_cmd_loopback(int argc, char **argv)
{
	struct vt_node cap, meta, out;
	struct v4l2_pix_format pix;
	struct vt_timing t = { 0 };
	unsigned int n, fps, i, ncap, injected = 0, out_busy = 0, metas = 0, meta_drops = 0;
	int slow, ret = -1, stall_on = 0;
	unsigned int unexplained;
	int64_t dropped = -1, overruns = -1;
	uint8_t *expect = NULL;
	uint64_t deadline, tail_until = 0;

	if (argc < 6)
		return vt_fail("usage: loopback CAP META OUT N FPS [slow|FRAMES.grey]");
	n = strtoul(argv[4], NULL, 0);
	fps = strtoul(argv[5], NULL, 0);
	slow = argc > 6 && !strcmp(argv[6], "slow");
	if (argc > 6 && !slow && vt_map_frames(argv[6], 640 * 480, &vt_src, &vt_src_frames))
		return -1;
	if (vt_open(&cap, argv[1], V4L2_BUF_TYPE_VIDEO_CAPTURE, 1) ||
	    vt_open(&meta, argv[2], V4L2_BUF_TYPE_META_CAPTURE, 1) ||
	    vt_open(&out, argv[3], V4L2_BUF_TYPE_VIDEO_OUTPUT, 1))
		return -1;
	if (vt_set_fmt(&cap, V4L2_PIX_FMT_GREY, 640, 480, &pix) || vt_set_fps(&cap, fps) ||
	    set_sensor_ctrls(&cap, ANPRCAP_TRIGGER_EXTERNAL))
		goto done;
	t.interval_ns = 1000000000ULL / fps;
	/*
	 * Every injected frame is waiting when its slot comes, so consecutive
	 * frames are one interval apart, give or take the frame interrupt's
	 * latency: each may be off by less than half an interval. (The slow
	 * consumer also slows the injection, so the sensor skips slots there.)
	 */
	t.tolerance_ns = slow ? 0 : t.interval_ns / 2;
	expect = malloc(pix.sizeimage);
	if (!expect) {
		vt_fail("out of memory");
		goto done;
	}
	/*
	 * Keeping up means never running out of capture buffers: 24 give the
	 * checking loop 800 ms at 30 fps, more than a busy host has been seen
	 * to hold one vCPU of the TCG guest while the other runs the sensor.
	 */
	ncap = slow ? 2 : 24;
	if (vt_stall_start())
		goto done;
	stall_on = 1;
	if (vt_reqbufs(&cap, ncap) || vt_reqbufs(&meta, 24) || vt_reqbufs(&out, 8))
		goto done;
	for (i = 0; i < cap.nbufs; i++)
		if (vt_qbuf(&cap, i, 0))
			goto done;
	for (i = 0; i < meta.nbufs; i++)
		if (vt_qbuf(&meta, i, 0))
			goto done;
	if (vt_streamon(&cap) || vt_streamon(&meta))
		goto done;
	for (i = 0; i < out.nbufs && injected < n; i++) {
		vt_frame(out.bufs[i].ptr, pix.sizeimage, injected++);
		if (vt_qbuf(&out, i, pix.sizeimage))
			goto done;
		out_busy++;
	}
	if (vt_streamon(&out))
		goto done;

	deadline = vt_now_ns() + (uint64_t)n * t.interval_ns * 4 + 20000000000ULL;
	/*
	 * In external trigger mode every injected frame is exposed exactly
	 * once. When all are exposed (and, keeping up, all captured), keep
	 * collecting for a few more frame times so nothing is in flight.
	 */
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = cap.fd, .events = POLLIN },
			{ .fd = meta.fd, .events = POLLIN },
			{ .fd = out.fd, .events = POLLOUT },
		};
		struct v4l2_buffer b;
		int r;

		/*
		 * An injected frame comes back when the worker has filled (or,
		 * without a buffer, dropped) its capture frame, so once all are
		 * back only frames in the capture queue remain to be read.
		 */
		if (!tail_until && injected == n && !out_busy)
			tail_until = vt_now_ns() + 4 * t.interval_ns + 200000000ULL;
		if (tail_until && vt_now_ns() > tail_until)
			break;
		if (vt_now_ns() > deadline) {
			vt_fail("%s: timeout: %u frames captured, %u in the output queue",
				argv[1], t.frames, out_busy);
			goto done;
		}
		if (poll(p, 3, 100) < 0 && errno != EINTR) {
			vt_fail("poll: %s", strerror(errno));
			goto done;
		}
		while ((r = vt_dqbuf(&out, &b)) == 1) {
			out_busy--;
			if (injected < n) {
				vt_frame(out.bufs[b.index].ptr, pix.sizeimage, injected++);
				if (vt_qbuf(&out, b.index, pix.sizeimage))
					goto done;
				out_busy++;
			}
		}
		if (r < 0)
			goto done;
		while ((r = vt_dqbuf(&meta, &b)) == 1) {
			const struct anprcap_meta *m = meta.bufs[b.index].ptr;

			if (check_meta(argv[2], m, &b, ANPRCAP_TRIGGER_EXTERNAL))
				goto done;
			if (!(m->flags & ANPRCAP_META_FL_INJECTED)) {
				vt_fail("%s: seq %u not marked injected", argv[2], m->sequence);
				goto done;
			}
			meta_drops += !!(m->flags & ANPRCAP_META_FL_VIDEO_DROPPED);
			metas++;
			if (vt_qbuf(&meta, b.index, 0))
				goto done;
		}
		if (r < 0)
			goto done;
		while ((r = vt_dqbuf(&cap, &b)) == 1) {
			if (b.flags & V4L2_BUF_FLAG_ERROR || b.bytesused != pix.sizeimage) {
				vt_fail("%s: seq %u: error flag or bytesused %u != %u", argv[1],
					b.sequence, b.bytesused, pix.sizeimage);
				goto done;
			}
			if (vt_timing_add(&t, argv[1], &b))
				goto done;
			/* frame seq s is injected frame s: compare every byte */
			vt_frame(expect, pix.sizeimage, b.sequence);
			if (memcmp(cap.bufs[b.index].ptr, expect, pix.sizeimage)) {
				const uint8_t *got = cap.bufs[b.index].ptr;
				size_t k = 0;

				while (got[k] == expect[k])
					k++;
				vt_fail("%s: seq %u differs from injected frame %u at byte %zu",
					argv[1], b.sequence, b.sequence, k);
				goto done;
			}
			if (slow)
				usleep(3 * t.interval_ns / 1000);
			if (vt_qbuf(&cap, b.index, 0))
				goto done;
		}
		if (r < 0)
			goto done;
	}
	if (vt_get_ctrl64(&cap, ANPRCAP_CID_FRAMES_DROPPED, &dropped) ||
	    vt_get_ctrl64(&cap, ANPRCAP_CID_SENSOR_OVERRUNS, &overruns))
		goto done;
	vt_stall_stop();
	stall_on = 0;
	unexplained = vt_timing_judge(&t, argv[1]);
	vt_timing_print(slow ? "slow consumer" : "loopback", &t, dropped, overruns);
	printf("%s: injected %u, metadata %u (video dropped %u)\n",
	       slow ? "slow consumer" : "loopback", injected, metas, meta_drops);
	if (metas != n) {
		vt_fail("%s: %u metadata buffers for %u frames", argv[2], metas, n);
		goto done;
	}
	if ((int64_t)meta_drops != dropped || dropped != (int64_t)(n - t.frames)) {
		vt_fail("drop count %lld disagrees: %u injected, %u captured, %u flagged in metadata",
			(long long)dropped, n, t.frames, meta_drops);
		goto done;
	}
	/* externally triggered: a late frame interrupt delays, never drops */
	if (!slow && (t.frames != n || t.gaps || dropped || overruns || unexplained ||
		      !vt_timing_clean_ok(&t))) {
		vt_fail("keeping up: %u of %u frames, %u gaps, %lld dropped, %lld overruns, "
			"%u intervals off by more than %.3f ms without a guest stall, "
			"mean of the %u of %u intervals within it %.3f ms (must be >= half of "
			"them, mean within 2 %%)", t.frames, n, t.gaps, (long long)dropped,
			(long long)overruns, unexplained, t.tolerance_ns / 1e6, t.clean_steps,
			t.nsteps, vt_timing_clean_mean(&t) / 1e6);
		goto done;
	}
	if (slow && (!dropped || !t.gaps)) {
		vt_fail("slow consumer: no drop counted (%lld) or no sequence gap (%u)",
			(long long)dropped, t.gaps);
		goto done;
	}
	ret = 0;
done:
	if (stall_on)
		vt_stall_stop();
	free(expect);
	vt_close(&out);
	vt_close(&meta);
	vt_close(&cap);
	return ret;
}

/* GREY gradient as the driver draws it (docs/kmod.md, test patterns) */
static uint8_t grey_gradient(uint32_t x, uint32_t w, uint32_t seq)
{
	return (uint8_t)((((x + 8ULL * seq) % w) * 0xffff / w) >> 8);
}

static int freerun(const char *path, uint32_t fourcc, unsigned int w, unsigned int h,
		   unsigned int n, unsigned int fps, int quiet, struct vt_timing *t,
		   int64_t *dropped, int64_t *overruns)
{
	struct vt_node cap;
	struct v4l2_pix_format pix;
	unsigned int i;
	uint64_t deadline;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	if (vt_open(&cap, path, V4L2_BUF_TYPE_VIDEO_CAPTURE, 1))
		return -1;
	if (vt_set_fmt(&cap, fourcc, w, h, &pix) || vt_set_fps(&cap, fps) ||
	    vt_set_ctrl(&cap, ANPRCAP_CID_TRIGGER_MODE, ANPRCAP_TRIGGER_FREE_RUN) ||
	    vt_set_ctrl(&cap, V4L2_CID_TEST_PATTERN, ANPRCAP_PATTERN_GRADIENT) ||
	    vt_reqbufs(&cap, 8))
		goto done;
	t->interval_ns = 1000000000ULL / fps;
	t->tolerance_ns = t->interval_ns - 1;	/* in its own slot: |off| < 1 interval */
	for (i = 0; i < cap.nbufs; i++)
		if (vt_qbuf(&cap, i, 0))
			goto done;
	if (vt_streamon(&cap))
		goto done;
	deadline = vt_now_ns() + (uint64_t)n * t->interval_ns * 4 + 20000000000ULL;
	while (t->frames < n) {
		struct pollfd p = { .fd = cap.fd, .events = POLLIN };
		struct v4l2_buffer b;
		int r;

		if (vt_now_ns() > deadline) {
			vt_fail("%s: timeout after %u frames", path, t->frames);
			goto done;
		}
		poll(&p, 1, 1000);
		while ((r = vt_dqbuf(&cap, &b)) == 1) {
			const uint8_t *px = cap.bufs[b.index].ptr;

			if (b.flags & V4L2_BUF_FLAG_ERROR || b.bytesused != pix.sizeimage) {
				vt_fail("%s: seq %u error flag or short", path, b.sequence);
				goto done;
			}
			if (vt_timing_add(t, path, &b))
				goto done;
			if (!quiet && fourcc == V4L2_PIX_FMT_GREY) {
				for (i = 0; i < pix.width; i += 7)
					if (px[i] != grey_gradient(i, pix.width, b.sequence) ||
					    px[(pix.height - 1) * pix.bytesperline + i] != px[i]) {
						vt_fail("%s: seq %u pattern wrong at column %u",
							path, b.sequence, i);
						goto done;
					}
			}
			if (vt_qbuf(&cap, b.index, 0))
				goto done;
		}
		if (r < 0)
			goto done;
	}
	if (vt_get_ctrl64(&cap, ANPRCAP_CID_FRAMES_DROPPED, dropped) ||
	    vt_get_ctrl64(&cap, ANPRCAP_CID_SENSOR_OVERRUNS, overruns) || vt_streamoff(&cap))
		goto done;
	ret = 0;
done:
	vt_close(&cap);
	return ret;
}

int vt_cmd_freerun(int argc, char **argv)
{
	struct vt_timing t;
	int64_t dropped, overruns;
	unsigned int n, fps, unexplained;

	if (argc < 4)
		return vt_fail("usage: freerun CAP N FPS");
	n = strtoul(argv[2], NULL, 0);
	fps = strtoul(argv[3], NULL, 0);
	if (vt_stall_start())
		return -1;
	if (freerun(argv[1], V4L2_PIX_FMT_GREY, 640, 480, n, fps, 0, &t, &dropped, &overruns)) {
		vt_stall_stop();
		return -1;
	}
	vt_stall_stop();
	unexplained = vt_timing_judge(&t, argv[1]);
	vt_timing_print("free-running", &t, dropped, overruns);
	/*
	 * Keeping up, only a late frame interrupt (a sensor overrun, counted
	 * and visible as a sequence gap) may lose a frame; every timestamp
	 * lies in its own frame slot.
	 */
	/* frames lost before the first delivered one are a gap too */
	if (dropped != overruns || (int64_t)(t.gaps + t.first_seq) != overruns || t.out_of_slot ||
	    unexplained || !vt_timing_mean_ok(&t, 0.02))
		return vt_fail("free-running: first sequence %u, %u gaps, %lld dropped, "
			       "%lld overruns, %u outside their slot, mean interval %.3f ms",
			       t.first_seq, t.gaps, (long long)dropped, (long long)overruns,
			       t.out_of_slot, vt_timing_mean(&t) / 1e6);
	return 0;
}

/*
 * Loopback throughput: 8 injected frames, filled once and re-queued as soon
 * as the sensor returns them, drive an externally triggered sensor at @fps
 * for @secs; every delivered frame is one injected frame copied by the
 * driver. Returns the delivered frame rate.
 */
static int loop_rate(const char *capp, const char *outp, uint32_t fourcc, unsigned int w,
		     unsigned int h, unsigned int fps, double secs, double *rate,
		     int64_t *dropped)
{
	struct vt_node cap, out;
	struct v4l2_pix_format pix;
	unsigned int i, frames = 0;
	uint64_t t0, t_end;
	int ret = -1;

	if (vt_open(&cap, capp, V4L2_BUF_TYPE_VIDEO_CAPTURE, 1))
		return -1;
	if (vt_open(&out, outp, V4L2_BUF_TYPE_VIDEO_OUTPUT, 1)) {
		vt_close(&cap);
		return -1;
	}
	if (vt_set_fmt(&cap, fourcc, w, h, &pix) || vt_set_fps(&cap, fps) ||
	    vt_set_ctrl(&cap, ANPRCAP_CID_TRIGGER_MODE, ANPRCAP_TRIGGER_EXTERNAL) ||
	    vt_reqbufs(&cap, 8) || vt_reqbufs(&out, 8))
		goto done;
	for (i = 0; i < cap.nbufs; i++)
		if (vt_qbuf(&cap, i, 0))
			goto done;
	for (i = 0; i < out.nbufs; i++) {
		memset(out.bufs[i].ptr, 0x10 + i, pix.sizeimage);
		if (vt_qbuf(&out, i, pix.sizeimage))
			goto done;
	}
	if (vt_streamon(&cap) || vt_streamon(&out))
		goto done;
	t0 = vt_now_ns();
	t_end = t0 + (uint64_t)(secs * 1e9);
	while (vt_now_ns() < t_end) {
		struct pollfd p[2] = { { .fd = cap.fd, .events = POLLIN },
				       { .fd = out.fd, .events = POLLOUT } };
		struct v4l2_buffer b;
		int r;

		poll(p, 2, 100);
		while ((r = vt_dqbuf(&out, &b)) == 1)
			if (vt_qbuf(&out, b.index, pix.sizeimage))
				goto done;
		if (r < 0)
			goto done;
		while ((r = vt_dqbuf(&cap, &b)) == 1) {
			const uint8_t *px = cap.bufs[b.index].ptr;

			if (px[0] < 0x10 || px[0] > 0x17 || px[pix.sizeimage - 1] != px[0]) {
				vt_fail("%s: seq %u is no injected frame", capp, b.sequence);
				goto done;
			}
			frames++;
			if (vt_qbuf(&cap, b.index, 0))
				goto done;
		}
		if (r < 0)
			goto done;
	}
	*rate = frames / ((vt_now_ns() - t0) / 1e9);
	if (vt_get_ctrl64(&cap, ANPRCAP_CID_FRAMES_DROPPED, dropped))
		goto done;
	ret = 0;
done:
	vt_close(&out);
	vt_close(&cap);
	return ret;
}

int vt_cmd_bench(int argc, char **argv)
{
	static const struct { uint32_t fourcc; const char *name; unsigned int w, h; } cfg[] = {
		{ V4L2_PIX_FMT_GREY, "GREY", 640, 480 },
		{ V4L2_PIX_FMT_GREY, "GREY", 1280, 720 },
		{ V4L2_PIX_FMT_GREY, "GREY", 1920, 1080 },
		{ V4L2_PIX_FMT_GREY, "GREY", 2048, 1536 },
		{ V4L2_PIX_FMT_Y16, "Y16", 1280, 720 },
		{ V4L2_PIX_FMT_Y16, "Y16", 1920, 1080 },
		{ V4L2_PIX_FMT_Y16, "Y16", 2048, 1536 },
	};
	static const unsigned int rates[] = { 15, 30, 60 };
	unsigned int i, j, best_px = 0, best_i = 0, best_fps = 0;
	double best_rate = 0, best_pipe = 0;

	static const struct { uint32_t fourcc; const char *name; unsigned int w, h, fps; } lcfg[] = {
		{ V4L2_PIX_FMT_GREY, "GREY", 1920, 1080, 30 },
		{ V4L2_PIX_FMT_GREY, "GREY", 1920, 1080, 60 },
		{ V4L2_PIX_FMT_Y16, "Y16", 2048, 1536, 30 },
		{ V4L2_PIX_FMT_Y16, "Y16", 2048, 1536, 60 },
	};

	if (argc < 3)
		return vt_fail("usage: bench CAP OUT");
	for (i = 0; i < sizeof(lcfg) / sizeof(lcfg[0]); i++) {
		double rate = 0;
		int64_t dropped = -1;

		if (loop_rate(argv[1], argv[2], lcfg[i].fourcc, lcfg[i].w, lcfg[i].h, lcfg[i].fps,
			      3.0, &rate, &dropped))
			return -1;
		printf("vm loopback %s %ux%u @ %u fps (injected, copied): %.1f frames/s, "
		       "%lld dropped  (target >= %.1f frames/s)  %s\n", lcfg[i].name, lcfg[i].w,
		       lcfg[i].h, lcfg[i].fps, rate, (long long)dropped, lcfg[i].fps * 0.95,
		       rate >= lcfg[i].fps * 0.95 && !dropped ? "OK" : "MISS");
		fflush(stdout);
	}
	for (i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		for (j = 0; j < sizeof(rates) / sizeof(rates[0]); j++) {
			struct vt_timing t;
			int64_t dropped = -1, overruns = -1;
			unsigned int n = rates[j] * 3;	/* 3 s of video */
			int ok = !freerun(argv[1], cfg[i].fourcc, cfg[i].w, cfg[i].h, n,
					  rates[j], 1, &t, &dropped, &overruns) && !dropped && !t.gaps;
			double mbs = (double)cfg[i].w * cfg[i].h *
				     (cfg[i].fourcc == V4L2_PIX_FMT_GREY ? 1 : 2) * rates[j] / 1e6;

			printf("# %s %ux%u @ %u fps (%.1f MB/s): %u frames, %lld dropped "
			       "(%lld overruns), jitter max %.2f ms: %s\n", cfg[i].name, cfg[i].w,
			       cfg[i].h, rates[j], mbs, t.frames, (long long)dropped,
			       (long long)overruns, t.max_dev_ns / 1e6, ok ? "sustained" : "DROPS");
			fflush(stdout);
			/* the driver kept up; only late frame interrupts (host) lost frames */
			if (dropped == overruns && mbs > best_pipe)
				best_pipe = mbs;
			if (ok && mbs > best_rate) {
				best_rate = mbs;
				best_px = cfg[i].w * cfg[i].h;
				best_i = i;
				best_fps = rates[j];
			}
		}
	}
	if (!best_px)
		return vt_fail("no configuration streamed without drops");
	printf("vm highest rate with zero drops: %.1f MB/s  (target >= %.1f MB/s, "
	       "GREY 1920x1080 @ 30 fps)  %s\n", best_rate, 1920.0 * 1080 * 30 / 1e6,
	       best_rate >= 1920.0 * 1080 * 30 / 1e6 ? "OK" : "MISS");
	printf("vm highest rate with no buffer starvation (drops all sensor overruns): "
	       "%.1f MB/s  (target >= %.1f MB/s)  %s\n", best_pipe, 1920.0 * 1080 * 30 / 1e6,
	       best_pipe >= 1920.0 * 1080 * 30 / 1e6 ? "OK" : "MISS");
	printf("vm highest size/rate with zero drops: %s %ux%u @ %u fps\n",
	       cfg[best_i].name, cfg[best_i].w, cfg[best_i].h, best_fps);
	return 0;
}

int vt_cmd_hold(int argc, char **argv)
{
	struct vt_node cap, meta, out;
	unsigned int i, frames = 0;
	int ret = -1;

	if (argc < 4)
		return vt_fail("usage: hold CAP META OUT");
	if (vt_open(&cap, argv[1], V4L2_BUF_TYPE_VIDEO_CAPTURE, 1) ||
	    vt_open(&meta, argv[2], V4L2_BUF_TYPE_META_CAPTURE, 1) ||
	    vt_open(&out, argv[3], V4L2_BUF_TYPE_VIDEO_OUTPUT, 1))
		return -1;
	if (vt_set_fps(&cap, 60) ||
	    vt_set_ctrl(&cap, ANPRCAP_CID_TRIGGER_MODE, ANPRCAP_TRIGGER_FREE_RUN) ||
	    vt_reqbufs(&cap, 4) || vt_reqbufs(&meta, 4) || vt_reqbufs(&out, 4))
		goto done;
	for (i = 0; i < 4; i++)
		if (vt_qbuf(&cap, i, 0) || vt_qbuf(&meta, i, 0) ||
		    vt_qbuf(&out, i, out.bufs[i].len))
			goto done;
	if (vt_streamon(&cap) || vt_streamon(&meta) || vt_streamon(&out))
		goto done;
	printf("# hold: streaming\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { .fd = cap.fd, .events = POLLIN },
				       { .fd = meta.fd, .events = POLLIN } };
		struct v4l2_buffer b;

		if (poll(p, 2, 20000) <= 0) {
			vt_fail("hold: no frame and no disconnect for 20 s (%u frames)", frames);
			goto done;
		}
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (ioctl(cap.fd, VIDIOC_DQBUF, &b) == 0) {
			frames++;
			ioctl(cap.fd, VIDIOC_QBUF, &b);
		} else if (errno == ENODEV) {
			break;
		}
		b.type = V4L2_BUF_TYPE_META_CAPTURE;
		if (ioctl(meta.fd, VIDIOC_DQBUF, &b) == 0)
			ioctl(meta.fd, VIDIOC_QBUF, &b);
		else if (errno == ENODEV)
			break;
	}
	printf("# hold: %u frames, then ENODEV\n", frames);
	ret = 0;
done:
	vt_close(&out);
	vt_close(&meta);
	vt_close(&cap);
	return ret;
}
