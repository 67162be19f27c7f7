// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest hostile N DEV...: N calls spread over the given nodes, each
 * a V4L2 ioctl (every VIDIOC_* the UAPI defines, plus random command
 * numbers) with random or boundary arguments, and now and then read(),
 * write() or poll(). Arguments are random bytes with a few fields steered
 * to values the driver must then act on (valid buffer types, small buffer
 * counts, sizes near the limits) so the calls get past the V4L2 core's
 * first checks. Pass = no crash here; the VM checks the kernel log.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmtest.h"

static const unsigned long vt_ioctls[] = {
	VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT, VIDIOC_G_FMT, VIDIOC_S_FMT, VIDIOC_REQBUFS,
	VIDIOC_QUERYBUF, VIDIOC_G_FBUF, VIDIOC_S_FBUF, VIDIOC_OVERLAY, VIDIOC_QBUF,
	VIDIOC_EXPBUF, VIDIOC_DQBUF, VIDIOC_STREAMON, VIDIOC_STREAMOFF, VIDIOC_G_PARM,
	VIDIOC_S_PARM, VIDIOC_G_STD, VIDIOC_S_STD, VIDIOC_ENUMSTD, VIDIOC_ENUMINPUT,
	VIDIOC_G_CTRL, VIDIOC_S_CTRL, VIDIOC_G_TUNER, VIDIOC_S_TUNER, VIDIOC_G_AUDIO,
	VIDIOC_S_AUDIO, VIDIOC_QUERYCTRL, VIDIOC_QUERYMENU, VIDIOC_G_INPUT, VIDIOC_S_INPUT,
	VIDIOC_G_EDID, VIDIOC_S_EDID, VIDIOC_G_OUTPUT, VIDIOC_S_OUTPUT, VIDIOC_ENUMOUTPUT,
	VIDIOC_G_AUDOUT, VIDIOC_S_AUDOUT, VIDIOC_G_MODULATOR, VIDIOC_S_MODULATOR,
	VIDIOC_G_FREQUENCY, VIDIOC_S_FREQUENCY, VIDIOC_CROPCAP, VIDIOC_G_CROP, VIDIOC_S_CROP,
	VIDIOC_G_JPEGCOMP, VIDIOC_S_JPEGCOMP, VIDIOC_QUERYSTD, VIDIOC_TRY_FMT,
	VIDIOC_ENUMAUDIO, VIDIOC_ENUMAUDOUT, VIDIOC_G_PRIORITY, VIDIOC_S_PRIORITY,
	VIDIOC_G_SLICED_VBI_CAP, VIDIOC_LOG_STATUS, VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS,
	VIDIOC_TRY_EXT_CTRLS, VIDIOC_ENUM_FRAMESIZES, VIDIOC_ENUM_FRAMEINTERVALS,
	VIDIOC_G_ENC_INDEX, VIDIOC_ENCODER_CMD, VIDIOC_TRY_ENCODER_CMD,
	VIDIOC_S_HW_FREQ_SEEK, VIDIOC_S_DV_TIMINGS, VIDIOC_G_DV_TIMINGS, VIDIOC_DQEVENT,
	VIDIOC_SUBSCRIBE_EVENT, VIDIOC_UNSUBSCRIBE_EVENT, VIDIOC_CREATE_BUFS,
	VIDIOC_PREPARE_BUF, VIDIOC_G_SELECTION, VIDIOC_S_SELECTION, VIDIOC_DECODER_CMD,
	VIDIOC_TRY_DECODER_CMD, VIDIOC_ENUM_DV_TIMINGS, VIDIOC_QUERY_DV_TIMINGS,
	VIDIOC_DV_TIMINGS_CAP, VIDIOC_ENUM_FREQ_BANDS, VIDIOC_DBG_G_CHIP_INFO,
	VIDIOC_QUERY_EXT_CTRL,
};

static const uint32_t vt_ctrl_ids[] = {
	V4L2_CID_EXPOSURE, V4L2_CID_GAIN, V4L2_CID_TEST_PATTERN, ANPRCAP_CID_CLASS,
	ANPRCAP_CID_STROBE_ENABLE, ANPRCAP_CID_STROBE_INTENSITY, ANPRCAP_CID_TRIGGER_MODE,
	ANPRCAP_CID_FRAMES_DROPPED, ANPRCAP_CID_SENSOR_OVERRUNS, 0, 0xffffffff, V4L2_CTRL_FLAG_NEXT_CTRL,
	V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND,
};

static uint64_t vt_rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	vt_rng ^= vt_rng << 13;
	vt_rng ^= vt_rng >> 7;
	vt_rng ^= vt_rng << 17;
	return vt_rng;
}

/* random or boundary 32-bit value */
static uint32_t rnd32(void)
{
	static const uint32_t edge[] = { 0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff,
					 0xfffffffe, 320, 2048, 1536, 64, 4096 };

	if (rnd() % 4 == 0)
		return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
	return (uint32_t)rnd();
}

static void fill_random(void *p, size_t len)
{
	uint8_t *b = p;
	size_t i;

	switch (rnd() % 4) {
	case 0:
		memset(b, 0, len);
		return;
	case 1:
		memset(b, 0xff, len);
		return;
	default:
		for (i = 0; i < len; i++)
			b[i] = (uint8_t)rnd();
	}
}

static struct v4l2_ext_control vt_ctrls[8];

/* steer a few fields so that calls reach the driver */
static void steer(unsigned long req, void *arg, enum v4l2_buf_type type)
{
	uint32_t *u = arg;

	if (rnd() % 4)
		u[0] = type;	/* most argument structs start with the buffer type */
	switch (req) {
	case VIDIOC_REQBUFS: {
		struct v4l2_requestbuffers *r = arg;

		r->type = type;
		r->count = rnd() % 50 ? rnd() % 5 : rnd32();
		r->memory = rnd() % 5;
		break;
	}
	case VIDIOC_CREATE_BUFS: {
		struct v4l2_create_buffers *c = arg;

		c->count = rnd() % 50 ? rnd() % 5 : rnd32();
		c->memory = rnd() % 5;
		c->format.type = type;
		if (rnd() % 2)
			c->format.fmt.pix.sizeimage = rnd() % (16 << 20);
		break;
	}
	case VIDIOC_S_FMT:
	case VIDIOC_TRY_FMT: {
		struct v4l2_format *f = arg;

		f->type = type;
		if (rnd() % 2) {
			f->fmt.pix.width = rnd() % 2600;
			f->fmt.pix.height = rnd() % 2000;
		}
		break;
	}
	case VIDIOC_QBUF:
	case VIDIOC_DQBUF:
	case VIDIOC_QUERYBUF:
	case VIDIOC_PREPARE_BUF: {
		struct v4l2_buffer *b = arg;

		b->type = type;
		b->index = rnd() % 40;
		b->memory = rnd() % 5;
		b->m.userptr = rnd() % 2 ? (unsigned long)rnd() : 0;
		break;
	}
	case VIDIOC_G_EXT_CTRLS:
	case VIDIOC_S_EXT_CTRLS:
	case VIDIOC_TRY_EXT_CTRLS: {
		struct v4l2_ext_controls *cs = arg;
		unsigned int i;

		cs->count = rnd() % 10 ? rnd() % 9 : rnd32();
		cs->which = rnd() % 2 ? 0 : rnd32();
		fill_random(vt_ctrls, sizeof(vt_ctrls));
		for (i = 0; i < 8; i++)
			vt_ctrls[i].id = vt_ctrl_ids[rnd() % (sizeof(vt_ctrl_ids) / 4)];
		cs->controls = rnd() % 10 ? vt_ctrls : (void *)(uintptr_t)rnd();
		break;
	}
	case VIDIOC_S_CTRL:
	case VIDIOC_G_CTRL:
	case VIDIOC_QUERYCTRL:
	case VIDIOC_QUERY_EXT_CTRL:
	case VIDIOC_QUERYMENU:
		u[0] = vt_ctrl_ids[rnd() % (sizeof(vt_ctrl_ids) / 4)];
		break;
	case VIDIOC_S_PRIORITY:
		u[0] = rnd() % 5;
		break;
	default:
		break;
	}
}

int vt_cmd_hostile(int argc, char **argv)
{
	static const enum v4l2_buf_type types[] = {
		V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_META_CAPTURE, V4L2_BUF_TYPE_VIDEO_OUTPUT,
	};
	unsigned long calls, i, ok = 0, errs[140] = { 0 };
	int fds[8], nfd, k;
	uint8_t *arg, *guard;

	if (argc < 3)
		return vt_fail("usage: hostile N DEV...");
	calls = strtoul(argv[1], NULL, 0);
	nfd = argc - 2 > 8 ? 8 : argc - 2;
	for (k = 0; k < nfd; k++) {
		fds[k] = open(argv[2 + k], O_RDWR | O_NONBLOCK);
		if (fds[k] < 0)
			return vt_fail("%s: open: %s", argv[2 + k], strerror(errno));
	}
	/* 16 KiB argument area (the largest _IOC_SIZE) and a PROT_NONE page */
	arg = mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arg == MAP_FAILED)
		return vt_fail("hostile: mmap: %s", strerror(errno));
	guard = arg + 4 * 4096;
	if (mprotect(guard, 4096, PROT_NONE))
		return vt_fail("hostile: mprotect: %s", strerror(errno));

	for (i = 0; i < calls; i++) {
		int fd_i = rnd() % nfd, fd = fds[fd_i], r;
		unsigned long req;
		void *p = arg;

		if (rnd() % 64 == 0) {	/* the other entry points, non-blocking */
			struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };

			switch (rnd() % 3) {
			case 0:
				r = read(fd, arg, rnd() % 4 ? rnd() % 16384 : 1);
				break;
			case 1:
				r = write(fd, arg, rnd() % 16384);
				break;
			default:
				r = poll(&pfd, 1, 0);
				break;
			}
		} else {
			if (rnd() % 16 == 0)
				req = rnd() % 2 ? (uint32_t)rnd() :
				      _IOC(rnd() % 4, 'V', rnd() % 128, rnd() % 16384);
			else
				req = vt_ioctls[rnd() % (sizeof(vt_ioctls) / sizeof(vt_ioctls[0]))];
			fill_random(arg, 16384);
			steer(req, arg, types[fd_i % 3]);
			switch (rnd() % 32) {
			case 0:
				p = NULL;
				break;
			case 1:
				p = guard;
				break;
			case 2:
				p = (void *)(uintptr_t)rnd();
				break;
			case 3:	/* straddles into the guard page */
				p = guard - 8;
				break;
			default:
				break;
			}
			r = ioctl(fd, req, p);
		}
		if (r >= 0)
			ok++;
		else
			errs[errno < 139 ? errno : 139]++;
	}
	for (k = 0; k < nfd; k++)
		close(fds[k]);
	printf("hostile: %lu calls on %d nodes: %lu succeeded, EINVAL %lu, ENOTTY %lu, "
	       "EFAULT %lu, EBUSY %lu, EAGAIN %lu, ENOMEM %lu, other %lu\n",
	       calls, nfd, ok, errs[EINVAL], errs[ENOTTY], errs[EFAULT], errs[EBUSY],
	       errs[EAGAIN], errs[ENOMEM],
	       calls - ok - errs[EINVAL] - errs[ENOTTY] - errs[EFAULT] - errs[EBUSY] -
	       errs[EAGAIN] - errs[ENOMEM]);
	return 0;
}
