// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest: what real consumers (v4l2-ctl, ffmpeg, GStreamer) capture
 * is checked against what was injected.
 *   inject OUT MAX       set GREY 640x480 and external trigger, then inject
 *       numbered frames 0, 1, ... (at most MAX) through the output node, as
 *       fast as the sensor takes them, until killed or MAX is reached.
 *   match FILE N         FILE holds exactly N raw GREY 640x480 frames, each
 *       equal byte for byte to one injected frame, of consecutive numbers
 *       (no frame lost, duplicated or reordered).
 *   frames FILE N        write numbered frames 0..N-1 to FILE (raw GREY
 *       640x480), for injectors that read a file (v4l2-ctl --stream-from).
 * Frame k is vt_gen_frame(k) with k in its first 4 bytes (little endian).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmtest.h"

#define VT_CONS_W	640
#define VT_CONS_H	480
#define VT_CONS_SIZE	(VT_CONS_W * VT_CONS_H)

static void numbered_frame(uint8_t *dst, uint32_t k)
{
	vt_gen_frame(dst, VT_CONS_SIZE, k);
	dst[0] = k & 0xff;
	dst[1] = (k >> 8) & 0xff;
	dst[2] = (k >> 16) & 0xff;
	dst[3] = k >> 24;
}

int vt_cmd_inject(int argc, char **argv)
{
	struct vt_node out;
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
	unsigned int i, max, injected = 0;
	int ret = -1;

	if (argc < 3)
		return vt_fail("usage: inject OUT MAX");
	max = strtoul(argv[2], NULL, 0);
	if (vt_open(&out, argv[1], V4L2_BUF_TYPE_VIDEO_OUTPUT, 1))
		return -1;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
	f.fmt.pix.width = VT_CONS_W;
	f.fmt.pix.height = VT_CONS_H;
	if (vt_ioctl(&out, VIDIOC_S_FMT, &f, "VIDIOC_S_FMT"))
		goto done;
	if (f.fmt.pix.sizeimage != VT_CONS_SIZE) {
		vt_fail("%s: S_FMT GREY 640x480 gave sizeimage %u", argv[1], f.fmt.pix.sizeimage);
		goto done;
	}
	if (vt_set_ctrl(&out, ANPRCAP_CID_TRIGGER_MODE, ANPRCAP_TRIGGER_EXTERNAL) ||
	    vt_reqbufs(&out, 8))
		goto done;
	for (i = 0; i < out.nbufs && injected < max; i++) {
		numbered_frame(out.bufs[i].ptr, injected++);
		if (vt_qbuf(&out, i, VT_CONS_SIZE))
			goto done;
	}
	if (vt_streamon(&out))
		goto done;
	printf("# inject: streaming on %s\n", argv[1]);
	fflush(stdout);
	while (injected < max) {
		struct pollfd p = { .fd = out.fd, .events = POLLOUT };
		struct v4l2_buffer b;
		int r;

		if (poll(&p, 1, 20000) <= 0) {
			vt_fail("%s: no injected frame taken for 20 s (%u injected)", argv[1],
				injected);
			goto done;
		}
		while (injected < max && (r = vt_dqbuf(&out, &b)) == 1) {
			numbered_frame(out.bufs[b.index].ptr, injected++);
			if (vt_qbuf(&out, b.index, VT_CONS_SIZE))
				goto done;
		}
		if (r < 0)
			goto done;
	}
	printf("# inject: %u frames\n", injected);
	ret = 0;
done:
	vt_close(&out);
	return ret;
}

int vt_cmd_frames(int argc, char **argv)
{
	uint8_t *frame;
	unsigned int n, k;
	FILE *f;
	int ret = 0;

	if (argc < 3)
		return vt_fail("usage: frames FILE N");
	n = strtoul(argv[2], NULL, 0);
	frame = malloc(VT_CONS_SIZE);
	if (!frame)
		return vt_fail("out of memory");
	f = fopen(argv[1], "wb");
	if (!f) {
		free(frame);
		return vt_fail("%s: %s", argv[1], strerror(errno));
	}
	for (k = 0; k < n && !ret; k++) {
		numbered_frame(frame, k);
		if (fwrite(frame, VT_CONS_SIZE, 1, f) != 1)
			ret = vt_fail("%s: write: %s", argv[1], strerror(errno));
	}
	if (fclose(f) && !ret)
		ret = vt_fail("%s: close: %s", argv[1], strerror(errno));
	free(frame);
	return ret;
}

int vt_cmd_match(int argc, char **argv)
{
	const uint8_t *data;
	size_t frames, i;
	uint8_t *expect;
	uint32_t first = 0, k = 0;
	unsigned int want;
	int ret = -1;

	if (argc < 3)
		return vt_fail("usage: match FILE N");
	want = strtoul(argv[2], NULL, 0);
	if (vt_map_frames(argv[1], VT_CONS_SIZE, &data, &frames))
		return -1;
	if (frames != want)
		return vt_fail("%s: %zu frames, expected %u", argv[1], frames, want);
	expect = malloc(VT_CONS_SIZE);
	if (!expect)
		return vt_fail("out of memory");
	for (i = 0; i < frames; i++) {
		const uint8_t *f = data + i * VT_CONS_SIZE;
		size_t j = 0;

		k = f[0] | f[1] << 8 | f[2] << 16 | (uint32_t)f[3] << 24;
		if (!i)
			first = k;
		if (k != first + i) {
			vt_fail("%s: frame %zu is injected frame %u, expected %zu (lost, repeated "
				"or reordered)", argv[1], i, k, first + i);
			goto out;
		}
		numbered_frame(expect, k);
		if (memcmp(f, expect, VT_CONS_SIZE)) {
			while (f[j] == expect[j])
				j++;
			vt_fail("%s: frame %zu differs from injected frame %u at byte %zu",
				argv[1], i, k, j);
			goto out;
		}
	}
	printf("# match: %s: %zu frames, injected frames %u..%u, byte for byte, none "
	       "lost or repeated\n", argv[1], frames, first, k);
	ret = 0;
out:
	free(expect);
	return ret;
}
