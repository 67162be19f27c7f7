// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest errinj CAP: the error-injection controls (module loaded
 * with error_inj=1; docs/kmod.md, "Error injection") through the real
 * ioctls, on a free-running sensor at 10 fps (GREY 640x480):
 *  - the controls are there, typed and ranged as documented;
 *  - N buffer errors (S_EXT_CTRLS): exactly N consecutive buffers come back
 *    with V4L2_BUF_FLAG_ERROR and bytesused 0, keeping their sequence
 *    numbers; the next ones are whole frames; the control reads 0 after;
 *  - a stall (S_CTRL): poll() reports nothing and DQBUF says EAGAIN while
 *    it lasts, the drop counter grows; cleared, frames resume with a
 *    sequence gap equal to the frames dropped meanwhile;
 *  - a queue-setup error fails REQBUFS once with the errno asked for;
 *  - a start-streaming error fails STREAMON once with the errno asked for,
 *    every queued buffer back in userspace's hands still queued; the next
 *    STREAMON streams.
 * The suite loads the driver with strict_clock=0, so a host stall of the
 * TCG guest delays frames instead of dropping them; any other drop would
 * show as a mismatch between gaps and the drop counter.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "vmtest.h"

#define EI_FPS		10
#define EI_BUFS		4
#define EI_WAIT_MS	2000	/* a frame must come within this (10 fps) */

static int ext_set(struct vt_node *n, uint32_t id, int32_t val)
{
	struct v4l2_ext_control c = { .id = id, .value = val };
	struct v4l2_ext_controls cs = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
	};
	char what[80];

	snprintf(what, sizeof(what), "VIDIOC_S_EXT_CTRLS 0x%x=%d", id, val);
	return vt_ioctl(n, VIDIOC_S_EXT_CTRLS, &cs, what);
}

static int get_ctrl(struct vt_node *n, uint32_t id, int32_t *val)
{
	struct v4l2_control c = { .id = id };

	if (vt_ioctl(n, VIDIOC_G_CTRL, &c, "VIDIOC_G_CTRL"))
		return -1;
	*val = c.value;
	return 0;
}

static int query(struct vt_node *n, uint32_t id, uint32_t type, int64_t max, uint32_t flags)
{
	struct v4l2_query_ext_ctrl q = { .id = id };

	if (vt_ioctl(n, VIDIOC_QUERY_EXT_CTRL, &q, "VIDIOC_QUERY_EXT_CTRL"))
		return vt_fail("%s: error-injection control 0x%x missing", n->path, id);
	if (q.type != type || q.minimum != 0 || q.maximum != max || q.default_value != 0 ||
	    (q.flags & flags) != flags)
		return vt_fail("%s: control '%s' type %u range %lld..%lld default %lld flags 0x%x "
			       "differs from the documentation", n->path, q.name, q.type,
			       (long long)q.minimum, (long long)q.maximum,
			       (long long)q.default_value, q.flags);
	return 0;
}

/* wait up to @ms for a buffer; 1 = dequeued, 0 = none came, -1 = error */
static int wait_dq(struct vt_node *n, struct v4l2_buffer *b, int ms)
{
	uint64_t end = vt_now_ns() + (uint64_t)ms * 1000000ULL;

	for (;;) {
		struct pollfd p = { .fd = n->fd, .events = POLLIN };
		uint64_t now;
		int r = vt_dqbuf(n, b);

		if (r)
			return r;
		now = vt_now_ns();
		if (now >= end)
			return 0;
		if (poll(&p, 1, (int)((end - now) / 1000000ULL) + 1) < 0 && errno != EINTR)
			return vt_fail("%s: poll: %s", n->path, strerror(errno));
	}
}

/* dequeue the next frame (within EI_WAIT_MS) and queue its buffer again */
static int next(struct vt_node *n, struct v4l2_buffer *b)
{
	int r = wait_dq(n, b, EI_WAIT_MS);

	if (r == 0)
		return vt_fail("%s: no frame within %d ms", n->path, EI_WAIT_MS);
	if (r < 0)
		return -1;
	return vt_qbuf(n, b->index, 0);
}

static int start(struct vt_node *cap)
{
	unsigned int i;

	if (vt_reqbufs(cap, EI_BUFS))
		return -1;
	for (i = 0; i < cap->nbufs; i++)
		if (vt_qbuf(cap, i, 0))
			return -1;
	return vt_streamon(cap);
}

static int stop(struct vt_node *cap)
{
	struct v4l2_requestbuffers rb = {
		.count = 0, .type = cap->type, .memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i;

	if (vt_streamoff(cap))
		return -1;
	for (i = 0; i < cap->nbufs; i++)
		munmap(cap->bufs[i].ptr, cap->bufs[i].len);
	cap->nbufs = 0;
	return vt_ioctl(cap, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS 0");
}

static int buf_errors(struct vt_node *cap, uint32_t size)
{
	const int32_t n_err = 3;
	struct v4l2_buffer b;
	uint32_t prev_seq = 0, seqs[3];
	int i, seen = 0, after = 0, have_prev = 0;
	int32_t left;

	if (next(cap, &b))	/* streaming for real */
		return -1;
	if (ext_set(cap, ANPRCAP_CID_ERRINJ_BUF_ERRORS, n_err))
		return -1;
	/* frames exposed before the write come back whole; then n_err flagged */
	for (i = 0; i < 40 && after < 5; i++) {
		if (next(cap, &b))
			return -1;
		if (have_prev && b.sequence != prev_seq + 1)
			return vt_fail("%s: sequence %u after %u: a gap with no drop to explain it",
				       cap->path, b.sequence, prev_seq);
		prev_seq = b.sequence;
		have_prev = 1;
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			if (after)
				return vt_fail("%s: seq %u flagged after %d whole frames had followed "
					       "the flagged ones", cap->path, b.sequence, after);
			if (b.bytesused)
				return vt_fail("%s: flagged seq %u has bytesused %u, documented 0",
					       cap->path, b.sequence, b.bytesused);
			if (seen < n_err)
				seqs[seen] = b.sequence;
			seen++;
		} else if (seen) {
			if (b.bytesused != size)
				return vt_fail("%s: seq %u after the errors: bytesused %u, not %u",
					       cap->path, b.sequence, b.bytesused, size);
			after++;
		}
	}
	if (seen != n_err || after < 5)
		return vt_fail("%s: %d buffers flagged V4L2_BUF_FLAG_ERROR (asked %d), %d whole "
			       "frames after them", cap->path, seen, n_err, after);
	if (get_ctrl(cap, ANPRCAP_CID_ERRINJ_BUF_ERRORS, &left))
		return -1;
	if (left)
		return vt_fail("%s: buffer-error control reads %d after the errors, not 0",
			       cap->path, left);
	printf("buffer errors: seq %u, %u, %u flagged V4L2_BUF_FLAG_ERROR (bytesused 0), "
	       "no sequence gap, 5 whole frames after, control back to 0\n",
	       seqs[0], seqs[1], seqs[2]);
	return 0;
}

static int stall(struct vt_node *cap)
{
	struct v4l2_buffer b;
	int64_t d0, d_mid, d1;
	uint32_t last_seq;
	uint64_t t0;
	int r;

	if (next(cap, &b) || vt_set_ctrl(cap, ANPRCAP_CID_ERRINJ_STALL, 1) ||
	    vt_get_ctrl64(cap, ANPRCAP_CID_FRAMES_DROPPED, &d0))
		return -1;
	last_seq = b.sequence;
	/* frames made before the stall may still be on their way: drain them */
	while ((r = wait_dq(cap, &b, 500)) == 1) {
		last_seq = b.sequence;
		if (vt_qbuf(cap, b.index, 0))
			return -1;
	}
	if (r < 0)
		return -1;
	t0 = vt_now_ns();
	r = wait_dq(cap, &b, 1500);
	if (r)
		return r < 0 ? -1 : vt_fail("%s: stalled sensor delivered seq %u", cap->path,
					    b.sequence);
	if (vt_get_ctrl64(cap, ANPRCAP_CID_FRAMES_DROPPED, &d_mid))
		return -1;
	if (d_mid - d0 < 5)
		return vt_fail("%s: %lld frames dropped in 2 s of stall at %d fps", cap->path,
			       (long long)(d_mid - d0), EI_FPS);
	if (vt_set_ctrl(cap, ANPRCAP_CID_ERRINJ_STALL, 0) || next(cap, &b) ||
	    vt_get_ctrl64(cap, ANPRCAP_CID_FRAMES_DROPPED, &d1))
		return -1;
	if (b.flags & V4L2_BUF_FLAG_ERROR)
		return vt_fail("%s: first frame after the stall flagged as an error", cap->path);
	if (b.sequence - last_seq - 1 != (uint64_t)(d1 - d0))
		return vt_fail("%s: after the stall seq %u follows %u (gap %u) but %lld frames "
			       "were dropped", cap->path, b.sequence, last_seq,
			       b.sequence - last_seq - 1, (long long)(d1 - d0));
	printf("stall: poll() and DQBUF empty for %.1f s; cleared, seq %u follows %u: gap %u "
	       "= frames dropped meanwhile\n", (vt_now_ns() - t0) / 1e9, b.sequence, last_seq,
	       b.sequence - last_seq - 1);
	return 0;
}

static int queue_setup_error(struct vt_node *cap)
{
	struct v4l2_requestbuffers rb = {
		.count = EI_BUFS, .type = cap->type, .memory = V4L2_MEMORY_MMAP,
	};
	int32_t v;

	if (ext_set(cap, ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR, ENOSPC))
		return -1;
	if (ioctl(cap->fd, VIDIOC_REQBUFS, &rb) == 0 || errno != ENOSPC)
		return vt_fail("%s: REQBUFS with an injected queue-setup error: %s, expected %s",
			       cap->path, errno ? strerror(errno) : "success", strerror(ENOSPC));
	if (get_ctrl(cap, ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR, &v))
		return -1;
	if (v)
		return vt_fail("%s: queue-setup error control reads %d after use", cap->path, v);
	printf("queue setup error: REQBUFS failed once with ENOSPC, control back to 0\n");
	return 0;
}

static int streamon_error(struct vt_node *cap)
{
	int type = cap->type, i, n_queued = 0;
	struct v4l2_buffer b;
	int32_t v;

	/* the next REQBUFS allocates: the queue-setup error was used up */
	if (vt_reqbufs(cap, EI_BUFS))
		return -1;
	for (i = 0; i < (int)cap->nbufs; i++)
		if (vt_qbuf(cap, i, 0))
			return -1;
	if (ext_set(cap, ANPRCAP_CID_ERRINJ_STREAMON_ERROR, EIO))
		return -1;
	errno = 0;
	if (ioctl(cap->fd, VIDIOC_STREAMON, &type) == 0 || errno != EIO)
		return vt_fail("%s: STREAMON with an injected start error: %s, expected %s",
			       cap->path, errno ? strerror(errno) : "success", strerror(EIO));
	/* vb2: buffers the driver refused to start with are still queued */
	for (i = 0; i < (int)cap->nbufs; i++) {
		memset(&b, 0, sizeof(b));
		b.index = i;
		b.type = cap->type;
		b.memory = V4L2_MEMORY_MMAP;
		if (vt_ioctl(cap, VIDIOC_QUERYBUF, &b, "VIDIOC_QUERYBUF"))
			return -1;
		if (!(b.flags & V4L2_BUF_FLAG_QUEUED) ||
		    (b.flags & (V4L2_BUF_FLAG_DONE | V4L2_BUF_FLAG_ERROR)))
			return vt_fail("%s: buffer %d flags 0x%x after the failed STREAMON, "
				       "expected queued", cap->path, i, b.flags);
		n_queued++;
	}
	if (get_ctrl(cap, ANPRCAP_CID_ERRINJ_STREAMON_ERROR, &v))
		return -1;
	if (v)
		return vt_fail("%s: start-streaming error control reads %d after use", cap->path, v);
	/* the same queued buffers stream now */
	if (vt_streamon(cap))
		return -1;
	for (i = 0; i < 3; i++) {
		if (next(cap, &b))
			return -1;
		if (b.flags & V4L2_BUF_FLAG_ERROR)
			return vt_fail("%s: seq %u flagged after the restart", cap->path, b.sequence);
	}
	printf("start streaming error: STREAMON failed once with EIO, %d buffers still queued, "
	       "control back to 0, the next STREAMON streams\n", n_queued);
	return 0;
}

int vt_cmd_errinj(int argc, char **argv)
{
	struct vt_node cap;
	struct v4l2_pix_format pix;
	int ret = -1;

	if (argc < 2)
		return vt_fail("usage: errinj CAP");
	if (vt_open(&cap, argv[1], V4L2_BUF_TYPE_VIDEO_CAPTURE, 1))
		return -1;
	if (query(&cap, ANPRCAP_CID_ERRINJ_BUF_ERRORS, V4L2_CTRL_TYPE_INTEGER,
		  ANPRCAP_ERRINJ_MAX_BUF_ERRORS,
		  V4L2_CTRL_FLAG_VOLATILE | V4L2_CTRL_FLAG_EXECUTE_ON_WRITE) ||
	    query(&cap, ANPRCAP_CID_ERRINJ_STALL, V4L2_CTRL_TYPE_BOOLEAN, 1, 0) ||
	    query(&cap, ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR, V4L2_CTRL_TYPE_INTEGER,
		  ANPRCAP_ERRINJ_MAX_ERRNO, 0) ||
	    query(&cap, ANPRCAP_CID_ERRINJ_STREAMON_ERROR, V4L2_CTRL_TYPE_INTEGER,
		  ANPRCAP_ERRINJ_MAX_ERRNO, 0))
		goto done;
	if (vt_set_fmt(&cap, V4L2_PIX_FMT_GREY, 640, 480, &pix) || vt_set_fps(&cap, EI_FPS) ||
	    start(&cap) || buf_errors(&cap, pix.sizeimage) || stall(&cap) || stop(&cap) ||
	    queue_setup_error(&cap) || streamon_error(&cap) || stop(&cap))
		goto done;
	ret = 0;
done:
	vt_set_ctrl(&cap, ANPRCAP_CID_ERRINJ_STALL, 0);
	vt_close(&cap);
	return ret;
}

/* noerrinj CAP: without error_inj=1 the error-injection controls do not exist */
int vt_cmd_noerrinj(int argc, char **argv)
{
	static const uint32_t ids[] = {
		ANPRCAP_CID_ERRINJ_BUF_ERRORS, ANPRCAP_CID_ERRINJ_STALL,
		ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR, ANPRCAP_CID_ERRINJ_STREAMON_ERROR,
	};
	struct vt_node cap;
	unsigned int i;
	int ret = 0;

	if (argc < 2)
		return vt_fail("usage: noerrinj CAP");
	if (vt_open(&cap, argv[1], V4L2_BUF_TYPE_VIDEO_CAPTURE, 1))
		return -1;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct v4l2_query_ext_ctrl q = { .id = ids[i] };

		if (ioctl(cap.fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0 || errno != EINVAL)
			ret = vt_fail("%s: error-injection control 0x%x present without error_inj=1",
				      argv[1], ids[i]);
	}
	vt_close(&cap);
	if (!ret)
		printf("noerrinj: none of the 4 error-injection controls exists\n");
	return ret;
}
