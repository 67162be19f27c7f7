// SPDX-License-Identifier: MIT
/*
 * anprcap-errpaths CAPNODE: libanprcap's error paths against the real
 * anprcap driver in the VM (tests/vm.d/capture-errinj.sh), the faults made
 * by the driver's error-injection controls (module parameter error_inj=1,
 * docs/kmod.md "Error injection") set through a second descriptor on the
 * capture node while the library streams, at 10 fps:
 *  1. REQBUFS failing at start: anprcap_start() fails naming the ioctl,
 *     and the next anprcap_start() streams;
 *  2. STREAMON failing at start: the same;
 *  3. buffers flagged V4L2_BUF_FLAG_ERROR mid-stream: never handed to the
 *     caller; the next frame's drops count them (= its sequence gap);
 *  4. a sensor that stops: anprcap_next_frame() says ANPRCAP_E_TIMEOUT
 *     ("no frame within N ms") for as long as it lasts, the source stays
 *     usable, and the first frame after it carries the lost frames in
 *     drops, equal to the driver's drop counter;
 *  5. a poll-driven caller (anprcap_get_fd() + anprcap_next_frame(0))
 *     whose first buffers are flagged: the first frame's drops count them.
 * Prints one "ok"/"not ok" line per step (the plug-in turns them into TAP).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "anprcap.h"
#include "../../kmod/uapi/anprcap.h"

#define FPS 10

static const char *node;
static int cfd = -1;	/* the capture node, for the controls */
static int failed;

static void report(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		failed = 1;
}

static int set_ctrl(uint32_t id, int32_t val)
{
	struct v4l2_ext_control c = { .id = id, .value = val };
	struct v4l2_ext_controls cs = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
	};

	if (ioctl(cfd, VIDIOC_S_EXT_CTRLS, &cs) == 0)
		return 0;
	printf("# %s: S_EXT_CTRLS 0x%x=%d: %s\n", node, id, val, strerror(errno));
	return -1;
}

static int64_t dropped(void)
{
	struct v4l2_ext_control c = { .id = ANPRCAP_CID_FRAMES_DROPPED };
	struct v4l2_ext_controls cs = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
	};

	if (ioctl(cfd, VIDIOC_G_EXT_CTRLS, &cs) < 0) {
		printf("# %s: G_EXT_CTRLS frames dropped: %s\n", node, strerror(errno));
		return -1;
	}
	return c.value64;
}

static anprcap_source *open_src(int meta)
{
	char uri[300];
	anprcap_source *src;

	snprintf(uri, sizeof(uri), "v4l2:%s", node);
	if (anprcap_open(uri, &src) < 0) {
		printf("# %s\n", anprcap_last_error());
		return NULL;
	}
	if (anprcap_configure(src, ANPRCAP_FMT_GREY, 640, 480, FPS, 1) < 0 ||
	    anprcap_set_option(src, ANPRCAP_OPT_META, meta) < 0) {
		printf("# %s\n", anprcap_last_error());
		anprcap_close(src);
		return NULL;
	}
	return src;
}

/* take @n frames, each released at once; 0 or the library's error */
static int frames(anprcap_source *src, int n, uint64_t *last_seq)
{
	const struct anprcap_frame *f;
	int rc;

	while (n-- > 0) {
		rc = anprcap_next_frame(src, 3000, &f);
		if (rc < 0) {
			printf("# %s\n", anprcap_last_error());
			return rc;
		}
		if (last_seq)
			*last_seq = f->sequence;
		anprcap_release_frame(src, f);
	}
	return 0;
}

/* 1 and 2: an ioctl of start fails once; start again streams */
static void start_fails_once(uint32_t ctrl, int err, const char *ioctl_name, int meta)
{
	anprcap_source *src = open_src(meta);
	int rc;

	if (!src || set_ctrl(ctrl, err)) {
		report(0, "start with %s failing: set-up", ioctl_name);
		anprcap_close(src);
		return;
	}
	rc = anprcap_start(src);
	printf("# first start: %d (%s): %s\n", rc, anprcap_strerror(rc), anprcap_last_error());
	report(rc == ANPRCAP_E_IO && strstr(anprcap_last_error(), ioctl_name),
	       "%s failing with EIO: anprcap_start() says ANPRCAP_E_IO, naming %s",
	       ioctl_name, ioctl_name);
	rc = anprcap_start(src);
	if (rc < 0)
		printf("# second start: %s\n", anprcap_last_error());
	report(rc == 0 && frames(src, 3, NULL) == 0,
	       "%s: the next anprcap_start() streams (3 frames)", ioctl_name);
	anprcap_close(src);
}

/* 3: flagged buffers are not frames; the next frame's drops count them */
static void buffer_errors(anprcap_source *src)
{
	const struct anprcap_frame *f;
	uint64_t prev = 0;
	int i, rc, jumps = 0, bad = 0, after = 0;

	if (frames(src, 2, &prev) || set_ctrl(ANPRCAP_CID_ERRINJ_BUF_ERRORS, 3)) {
		report(0, "buffer errors: set-up");
		return;
	}
	for (i = 0; i < 40 && after < 3; i++) {
		rc = anprcap_next_frame(src, 3000, &f);
		if (rc < 0) {
			printf("# %s\n", anprcap_last_error());
			bad = 1;
			break;
		}
		if (f->drops == 3 && f->sequence == prev + 4) {
			jumps++;
			printf("# seq %llu follows %llu with drops=3\n",
			       (unsigned long long)f->sequence, (unsigned long long)prev);
		} else if (f->drops || f->sequence != prev + 1) {
			printf("# seq %llu follows %llu with drops=%u\n",
			       (unsigned long long)f->sequence, (unsigned long long)prev, f->drops);
			bad = 1;
		} else if (jumps) {
			after++;
		}
		prev = f->sequence;
		anprcap_release_frame(src, f);
	}
	report(!bad && jumps == 1 && after == 3,
	       "3 buffers flagged V4L2_BUF_FLAG_ERROR: not returned as frames, the next frame "
	       "has drops=3 and a sequence gap of 3; whole frames after");
}

/* 4: a stalled sensor is a timeout, as long as it lasts; then drops */
static void stall(anprcap_source *src)
{
	const struct anprcap_frame *f;
	uint64_t last = 0;
	int64_t d0, d1;
	int rc, i, timeouts = 0;

	if (frames(src, 1, &last) || (d0 = dropped()) < 0 ||
	    set_ctrl(ANPRCAP_CID_ERRINJ_STALL, 1)) {
		report(0, "stall: set-up");
		return;
	}
	/* frames made before the stall may still come: take them */
	for (i = 0; i < 12; i++) {
		rc = anprcap_next_frame(src, 500, &f);
		if (rc == ANPRCAP_E_TIMEOUT)
			break;
		if (rc < 0)
			break;
		last = f->sequence;
		anprcap_release_frame(src, f);
	}
	for (i = 0; i < 2; i++) {
		rc = anprcap_next_frame(src, 1000, &f);
		if (rc == ANPRCAP_E_TIMEOUT && strstr(anprcap_last_error(), "no frame within 1000 ms"))
			timeouts++;
		else if (rc == 0)
			anprcap_release_frame(src, f);
		printf("# stalled: anprcap_next_frame(1000): %s: %s\n", anprcap_strerror(rc),
		       rc ? anprcap_last_error() : "a frame");
	}
	report(timeouts == 2, "stalled sensor: anprcap_next_frame() says ANPRCAP_E_TIMEOUT, "
	       "'no frame within 1000 ms', twice");
	if (set_ctrl(ANPRCAP_CID_ERRINJ_STALL, 0)) {
		report(0, "stall: clear");
		return;
	}
	rc = anprcap_next_frame(src, 3000, &f);
	d1 = dropped();
	if (rc < 0) {
		printf("# %s\n", anprcap_last_error());
		report(0, "after the stall: frames resume");
		return;
	}
	printf("# after the stall: seq %llu follows %llu, drops=%u, driver dropped %lld\n",
	       (unsigned long long)f->sequence, (unsigned long long)last, f->drops,
	       (long long)(d1 - d0));
	report(f->drops > 0 && f->sequence - last - 1 == f->drops && f->drops == d1 - d0,
	       "after the stall: frames resume on the same source; the first one's drops = "
	       "its sequence gap = frames the driver dropped");
	anprcap_release_frame(src, f);
}

/* 5: a poll-driven caller; the session's first buffers flagged */
static void poll_driven(void)
{
	anprcap_source *src = open_src(1);
	const struct anprcap_frame *f = NULL;
	int i, rc = -1, empty = 0;

	if (!src || set_ctrl(ANPRCAP_CID_ERRINJ_BUF_ERRORS, 2) || anprcap_start(src) < 0) {
		if (src)
			printf("# %s\n", anprcap_last_error());
		report(0, "poll-driven: set-up");
		anprcap_close(src);
		return;
	}
	for (i = 0; i < 50; i++) {
		struct pollfd p = { .fd = anprcap_get_fd(src), .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0)
			break;
		rc = anprcap_next_frame(src, 0, &f);
		if (rc != ANPRCAP_E_TIMEOUT)
			break;
		empty++;
	}
	if (rc == 0) {
		printf("# first frame: seq %llu drops=%u after %d readable-but-empty polls\n",
		       (unsigned long long)f->sequence, f->drops, empty);
		report(f->sequence == 2 && f->drops == 2,
		       "poll-driven caller, first 2 buffers flagged: the first frame (seq 2) "
		       "has drops=2");
		anprcap_release_frame(src, f);
	} else {
		printf("# %s\n", anprcap_last_error());
		report(0, "poll-driven caller: a frame");
	}
	anprcap_close(src);
}

int main(int argc, char **argv)
{
	anprcap_source *src;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: anprcap-errpaths CAPTURE_NODE\n");
		return 2;
	}
	node = argv[1];
	cfd = open(node, O_RDWR | O_NONBLOCK);
	if (cfd < 0) {
		printf("# %s: %s\n", node, strerror(errno));
		return 1;
	}
	start_fails_once(ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR, EIO, "VIDIOC_REQBUFS", 1);
	/* with the metadata node off, the capture node's own STREAMON fails ... */
	start_fails_once(ANPRCAP_CID_ERRINJ_STREAMON_ERROR, EIO, "VIDIOC_STREAMON", 0);
	/* ... with it on, the metadata node's, which the library starts first */
	start_fails_once(ANPRCAP_CID_ERRINJ_STREAMON_ERROR, EIO, "VIDIOC_STREAMON", 1);
	src = open_src(1);
	if (!src || anprcap_start(src) < 0) {
		if (src)
			printf("# %s\n", anprcap_last_error());
		report(0, "streaming with metadata");
	} else {
		buffer_errors(src);
		stall(src);
	}
	anprcap_close(src);
	poll_driven();
	set_ctrl(ANPRCAP_CID_ERRINJ_STALL, 0);
	set_ctrl(ANPRCAP_CID_ERRINJ_BUF_ERRORS, 0);
	close(cfd);
	return failed;
}
