// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest api CAP META OUT: the documented negotiation rules and
 * controls (docs/kmod.md) through the real ioctls, as a user sees them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmtest.h"

static int try_fmt(struct vt_node *n, uint32_t fourcc, uint32_t w, uint32_t h,
		   uint32_t want_fourcc, uint32_t want_w, uint32_t want_h, uint32_t want_bpl)
{
	struct v4l2_format f = { .type = n->type };

	f.fmt.pix.pixelformat = fourcc;
	f.fmt.pix.width = w;
	f.fmt.pix.height = h;
	f.fmt.pix.bytesperline = 99999;
	if (vt_ioctl(n, VIDIOC_TRY_FMT, &f, "VIDIOC_TRY_FMT"))
		return -1;
	if (f.fmt.pix.pixelformat != want_fourcc || f.fmt.pix.width != want_w ||
	    f.fmt.pix.height != want_h || f.fmt.pix.bytesperline != want_bpl ||
	    f.fmt.pix.sizeimage != want_bpl * want_h || f.fmt.pix.field != V4L2_FIELD_NONE)
		return vt_fail("%s: TRY_FMT %.4s %ux%u gave %.4s %ux%u bpl %u size %u, expected "
			       "%.4s %ux%u bpl %u", n->path, (char *)&fourcc, w, h,
			       (char *)&f.fmt.pix.pixelformat, f.fmt.pix.width, f.fmt.pix.height,
			       f.fmt.pix.bytesperline, f.fmt.pix.sizeimage, (char *)&want_fourcc,
			       want_w, want_h, want_bpl);
	return 0;
}

static int parm(struct vt_node *n, uint32_t num, uint32_t den, uint32_t want_fps)
{
	struct v4l2_streamparm p = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	p.parm.capture.timeperframe.numerator = num;
	p.parm.capture.timeperframe.denominator = den;
	if (vt_ioctl(n, VIDIOC_S_PARM, &p, "VIDIOC_S_PARM"))
		return -1;
	if (p.parm.capture.timeperframe.numerator != 1 ||
	    p.parm.capture.timeperframe.denominator != want_fps ||
	    !(p.parm.capture.capability & V4L2_CAP_TIMEPERFRAME))
		return vt_fail("%s: S_PARM %u/%u gave %u/%u, expected 1/%u", n->path, num, den,
			       p.parm.capture.timeperframe.numerator,
			       p.parm.capture.timeperframe.denominator, want_fps);
	return 0;
}

static int ctrl(struct vt_node *n, uint32_t id, uint32_t type, int64_t min, int64_t max,
		int64_t def, uint32_t flags)
{
	struct v4l2_query_ext_ctrl q = { .id = id };

	if (vt_ioctl(n, VIDIOC_QUERY_EXT_CTRL, &q, "VIDIOC_QUERY_EXT_CTRL"))
		return vt_fail("%s: control 0x%x missing", n->path, id);
	if (q.type != type || q.minimum != min || q.maximum != max ||
	    q.default_value != def || (q.flags & flags) != flags)
		return vt_fail("%s: control '%s' type %u range %lld..%lld default %lld flags 0x%x "
			       "differs from the documentation", n->path, q.name, q.type,
			       (long long)q.minimum, (long long)q.maximum,
			       (long long)q.default_value, q.flags);
	return 0;
}

/* an ioctl that must fail with @want */
static int refused(struct vt_node *n, unsigned long req, void *arg, int want, const char *what)
{
	if (ioctl(n->fd, req, arg) == 0)
		return vt_fail("%s: %s succeeded, expected %s", n->path, what, strerror(want));
	if (errno != want)
		return vt_fail("%s: %s failed with %s, expected %s", n->path, what,
			       strerror(errno), strerror(want));
	return 0;
}

/* bad requests get the documented error */
static int bad_input(struct vt_node *cap, struct vt_node *out)
{
	struct v4l2_requestbuffers rb = { .count = 1, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					  .memory = V4L2_MEMORY_MMAP };
	struct v4l2_create_buffers cb = { .count = 1, .memory = V4L2_MEMORY_MMAP };
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP };
	unsigned int input = 1;

	if (vt_ioctl(cap, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS 1"))
		return -1;
	if (rb.count < 4)
		return vt_fail("%s: REQBUFS 1 gave %u buffers, documented minimum 4",
			       cap->path, rb.count);
	rb.count = 0;
	if (vt_ioctl(cap, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS 0"))
		return -1;
	cb.format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (vt_ioctl(cap, VIDIOC_G_FMT, &cb.format, "VIDIOC_G_FMT"))
		return -1;
	cb.format.fmt.pix.sizeimage = 2 * 2048 * 1536 * 2 + 1;
	if (refused(cap, VIDIOC_CREATE_BUFS, &cb, EINVAL, "CREATE_BUFS larger than 12 MiB") ||
	    refused(cap, VIDIOC_S_INPUT, &input, EINVAL, "S_INPUT 1"))
		return -1;
	/* output buffers must carry a whole image, and make the format busy */
	if (vt_reqbufs(out, 2))
		return -1;
	if (vt_ioctl(cap, VIDIOC_G_FMT, &f, "VIDIOC_G_FMT"))
		return -1;
	b.index = 0;
	b.bytesused = f.fmt.pix.sizeimage - 1;
	b.field = V4L2_FIELD_NONE;
	if (refused(out, VIDIOC_QBUF, &b, EINVAL, "QBUF of a short injected frame"))
		return -1;
	/* the sensor's own format may be set again (a consumer joining) ... */
	if (vt_ioctl(cap, VIDIOC_S_FMT, &f, "S_FMT of the current format while the output "
		     "queue has buffers"))
		return -1;
	/* ... another one not, on either node */
	f.fmt.pix.width += 16;
	if (refused(cap, VIDIOC_S_FMT, &f, EBUSY, "S_FMT of another size while the output "
		    "queue has buffers"))
		return -1;
	f.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
	if (refused(out, VIDIOC_S_FMT, &f, EBUSY, "S_FMT on the output node while it has buffers"))
		return -1;
	return 0;
}

int vt_cmd_api(int argc, char **argv)
{
	struct vt_node cap, meta, out;
	struct v4l2_frmivalenum fi = { .pixel_format = V4L2_PIX_FMT_Y10, .width = 1920,
				       .height = 1080 };
	struct v4l2_format mf = { .type = V4L2_BUF_TYPE_META_CAPTURE };
	unsigned int count = 0;
	int ret = -1;

	if (argc < 4)
		return vt_fail("usage: api CAP META OUT");
	if (vt_open(&cap, argv[1], V4L2_BUF_TYPE_VIDEO_CAPTURE, 1) ||
	    vt_open(&meta, argv[2], V4L2_BUF_TYPE_META_CAPTURE, 1) ||
	    vt_open(&out, argv[3], V4L2_BUF_TYPE_VIDEO_OUTPUT, 1))
		return -1;
	if (try_fmt(&cap, V4L2_PIX_FMT_RGB24, 1001, 1003, V4L2_PIX_FMT_GREY, 992, 1000, 992) ||
	    try_fmt(&cap, V4L2_PIX_FMT_Y16, 0, 0, V4L2_PIX_FMT_Y16, 320, 240, 640) ||
	    try_fmt(&cap, V4L2_PIX_FMT_Y10, 99999, 99999, V4L2_PIX_FMT_Y10, 2048, 1536, 4096) ||
	    try_fmt(&out, V4L2_PIX_FMT_GREY, 1920, 1080, V4L2_PIX_FMT_GREY, 1920, 1080, 1920) ||
	    parm(&cap, 1001, 30000, 30) || parm(&cap, 1, 1000, 60) || parm(&cap, 10, 1, 1) ||
	    parm(&cap, 0, 0, 30))
		goto done;
	while (ioctl(cap.fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) == 0) {
		if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE || fi.discrete.numerator != 1 ||
		    fi.discrete.denominator != 60 - fi.index) {
			vt_fail("%s: frame interval %u is %u/%u", argv[1], fi.index,
				fi.discrete.numerator, fi.discrete.denominator);
			goto done;
		}
		count++;
		fi.index++;
	}
	if (count != 60) {
		vt_fail("%s: %u frame intervals for 1920x1080, expected 60 (1-60 fps)", argv[1], count);
		goto done;
	}
	fi.index = 0;
	fi.width = 1921;	/* not on the size grid */
	if (ioctl(cap.fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) == 0 || errno != EINVAL) {
		vt_fail("%s: ENUM_FRAMEINTERVALS accepted 1921x1080", argv[1]);
		goto done;
	}
	if (vt_ioctl(&meta, VIDIOC_G_FMT, &mf, "VIDIOC_G_FMT meta"))
		goto done;
	if (mf.fmt.meta.dataformat != V4L2_META_FMT_ANPRCAP ||
	    mf.fmt.meta.buffersize != sizeof(struct anprcap_meta)) {
		vt_fail("%s: meta format %.4s size %u", argv[2], (char *)&mf.fmt.meta.dataformat,
			mf.fmt.meta.buffersize);
		goto done;
	}
	if (ctrl(&cap, V4L2_CID_EXPOSURE, V4L2_CTRL_TYPE_INTEGER, 10, 1000000, 1000, 0) ||
	    ctrl(&cap, V4L2_CID_GAIN, V4L2_CTRL_TYPE_INTEGER, 0, 48000, 0, 0) ||
	    ctrl(&cap, V4L2_CID_TEST_PATTERN, V4L2_CTRL_TYPE_MENU, 0, 2, 0, 0) ||
	    ctrl(&cap, ANPRCAP_CID_STROBE_ENABLE, V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 0) ||
	    ctrl(&cap, ANPRCAP_CID_STROBE_INTENSITY, V4L2_CTRL_TYPE_INTEGER, 0, 100, 50, 0) ||
	    ctrl(&cap, ANPRCAP_CID_TRIGGER_MODE, V4L2_CTRL_TYPE_MENU, 0, 1, 0, 0) ||
	    ctrl(&cap, ANPRCAP_CID_FRAMES_DROPPED, V4L2_CTRL_TYPE_INTEGER64, 0, INT64_MAX, 0,
		 V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE) ||
	    ctrl(&cap, ANPRCAP_CID_SENSOR_OVERRUNS, V4L2_CTRL_TYPE_INTEGER64, 0, INT64_MAX, 0,
		 V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE) ||
	    ctrl(&meta, ANPRCAP_CID_TRIGGER_MODE, V4L2_CTRL_TYPE_MENU, 0, 1, 0, 0))
		goto done;
	if (bad_input(&cap, &out))
		goto done;
	printf("api: TRY_FMT rules, S_PARM rounding, 60 frame intervals, meta format, "
	       "9 controls as documented; minimum 4 buffers; oversized CREATE_BUFS, bad input, "
	       "short injected frame and S_FMT on a busy queue refused\n");
	ret = 0;
done:
	vt_close(&out);
	vt_close(&meta);
	vt_close(&cap);
	return ret;
}

/*
 * bigbuf CAP ok|ENOMEM: REQBUFS of four Y16 2048x1536 buffers (6 MiB each).
 * A vb2-vmalloc sensor gives them; a vb2-dma-contig one cannot (larger than
 * the page allocator's largest block, and Debian's kernel has no CMA) and
 * must say ENOMEM, without a kernel warning (the suite checks the log).
 */
int vt_cmd_bigbuf(int argc, char **argv)
{
	struct vt_node cap;
	struct v4l2_requestbuffers rb = {
		.count = 4, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
	};
	int want_ok, r, err, ret = -1;

	if (argc < 3 || (strcmp(argv[2], "ok") && strcmp(argv[2], "ENOMEM")))
		return vt_fail("usage: bigbuf CAP ok|ENOMEM");
	want_ok = !strcmp(argv[2], "ok");
	if (vt_open(&cap, argv[1], V4L2_BUF_TYPE_VIDEO_CAPTURE, 1))
		return -1;
	if (vt_set_fmt(&cap, V4L2_PIX_FMT_Y16, 2048, 1536, NULL))
		goto done;
	r = ioctl(cap.fd, VIDIOC_REQBUFS, &rb);
	err = errno;
	if (want_ok && r) {
		vt_fail("%s: REQBUFS 4 x Y16 2048x1536: %s, expected success", argv[1], strerror(err));
		goto done;
	}
	if (!want_ok && (!r || err != ENOMEM)) {
		vt_fail("%s: REQBUFS 4 x Y16 2048x1536: %s, expected ENOMEM", argv[1],
			r ? strerror(err) : "succeeded");
		goto done;
	}
	printf("bigbuf: %s: REQBUFS 4 x Y16 2048x1536 (6 MiB each): %s\n", argv[1],
	       r ? strerror(err) : "4 buffers");
	rb.count = 0;
	if (vt_ioctl(&cap, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS 0") ||
	    vt_set_fmt(&cap, V4L2_PIX_FMT_GREY, 640, 480, NULL))
		goto done;
	ret = 0;
done:
	vt_close(&cap);
	return ret;
}
