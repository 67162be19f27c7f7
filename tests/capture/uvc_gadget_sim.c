/* SPDX-License-Identifier: MIT */
/*
 * anpr-uvc-gadget-sim - feeds a configfs UVC gadget function (usb_f_uvc)
 * so that the machine's host side sees a real UVC camera (uvcvideo). Used
 * by the VM tests to give the V4L2 backend (and libcamera) a UVC camera.
 *
 *   anpr-uvc-gadget-sim /dev/videoN WIDTH HEIGHT
 *
 * The gadget must offer one uncompressed (YUYV) format with one frame size
 * WIDTHxHEIGHT. Frames: Y(x, y) = (s * 37 + x * 3 + y * 7) & 0xff for frame
 * s, U = V = 128, so a reader can check the layout of what it receives.
 * Handles the UVC probe/commit negotiation and streams with mmap buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <unistd.h>
#include <linux/usb/ch9.h>
#include <linux/usb/g_uvc.h>
#include <linux/usb/video.h>
#include <linux/videodev2.h>

#define NBUF 4

static int fd;
static unsigned W, H;
static void *mem[NBUF];
static size_t len[NBUF];
static int streaming;
static unsigned long seq;
static struct uvc_streaming_control commit;
static int set_cs;		/* control selector of a pending SET_CUR */

static void fill_ctrl(struct uvc_streaming_control *c)
{
	memset(c, 0, sizeof(*c));
	c->bmHint = 1;
	c->bFormatIndex = 1;
	c->bFrameIndex = 1;
	c->dwFrameInterval = 333333;
	c->dwMaxVideoFrameSize = W * H * 2;
	c->dwMaxPayloadTransferSize = 1024;
	c->bmFramingInfo = 3;
	c->bPreferedVersion = 1;
	c->bMaxVersion = 1;
}

static void fill_frame(uint8_t *p)
{
	for (unsigned y = 0; y < H; y++)
		for (unsigned x = 0; x < W; x++) {
			p[(y * W + x) * 2] = (uint8_t)(seq * 37 + x * 3 + y * 7);
			p[(y * W + x) * 2 + 1] = 128;
		}
	seq++;
}

static void respond(struct uvc_request_data *r)
{
	if (ioctl(fd, UVCIOC_SEND_RESPONSE, r) < 0)
		fprintf(stderr, "anpr-uvc-gadget-sim: UVCIOC_SEND_RESPONSE: %s\n", strerror(errno));
}

static void on_setup(const struct usb_ctrlrequest *req)
{
	struct uvc_request_data r;
	unsigned cs = req->wValue >> 8;

	memset(&r, 0, sizeof(r));
	r.length = -EL2HLT;	/* stall unless handled */
	if ((req->bRequestType & USB_TYPE_MASK) == USB_TYPE_CLASS &&
	    (cs == UVC_VS_PROBE_CONTROL || cs == UVC_VS_COMMIT_CONTROL) &&
	    (req->wIndex & 0xff) == 1) {	/* streaming interface */
		struct uvc_streaming_control c;
		size_t n = req->wLength < sizeof(c) ? req->wLength : sizeof(c);

		switch (req->bRequest) {
		case UVC_SET_CUR:
			set_cs = (int)cs;
			r.length = (int)n;
			break;
		case UVC_GET_CUR:
		case UVC_GET_MIN:
		case UVC_GET_MAX:
		case UVC_GET_DEF:
			if (req->bRequest == UVC_GET_CUR && commit.bFormatIndex)
				c = commit;
			else
				fill_ctrl(&c);
			memcpy(r.data, &c, n);
			r.length = (int)n;
			break;
		case UVC_GET_INFO:
			r.data[0] = 0x03;
			r.length = 1;
			break;
		case UVC_GET_LEN:
			r.data[0] = sizeof(c);
			r.length = 2;
			break;
		default:
			break;
		}
	}
	respond(&r);
}

static void on_data(const struct uvc_request_data *d)
{
	struct uvc_streaming_control c;

	fill_ctrl(&c);	/* we have one format and one size: keep ours */
	if (set_cs == UVC_VS_COMMIT_CONTROL)
		commit = c;
	(void)d;
}

static int stream_on(void)
{
	struct v4l2_requestbuffers req = { .count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
					   .memory = V4L2_MEMORY_MMAP };
	int type = V4L2_BUF_TYPE_VIDEO_OUTPUT;

	if (ioctl(fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 2)
		return -1;
	for (unsigned i = 0; i < req.count && i < NBUF; i++) {
		struct v4l2_buffer b = { .type = req.type, .memory = req.memory, .index = i };

		if (ioctl(fd, VIDIOC_QUERYBUF, &b) < 0)
			return -1;
		len[i] = b.length;
		mem[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
		if (mem[i] == MAP_FAILED)
			return -1;
		fill_frame(mem[i]);
		b.bytesused = W * H * 2;
		if (ioctl(fd, VIDIOC_QBUF, &b) < 0)
			return -1;
	}
	if (ioctl(fd, VIDIOC_STREAMON, &type) < 0)
		return -1;
	streaming = 1;
	fprintf(stderr, "anpr-uvc-gadget-sim: streaming %ux%u YUYV\n", W, H);
	return 0;
}

static void stream_off(void)
{
	struct v4l2_requestbuffers req = { .count = 0, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
					   .memory = V4L2_MEMORY_MMAP };
	int type = V4L2_BUF_TYPE_VIDEO_OUTPUT;

	if (!streaming)
		return;
	ioctl(fd, VIDIOC_STREAMOFF, &type);
	for (int i = 0; i < NBUF; i++)
		if (mem[i] && mem[i] != MAP_FAILED)
			munmap(mem[i], len[i]);
	memset(mem, 0, sizeof(mem));
	ioctl(fd, VIDIOC_REQBUFS, &req);
	streaming = 0;
	fprintf(stderr, "anpr-uvc-gadget-sim: stream off\n");
}

int main(int argc, char **argv)
{
	static const unsigned evs[] = { UVC_EVENT_CONNECT, UVC_EVENT_DISCONNECT, UVC_EVENT_SETUP,
					UVC_EVENT_DATA, UVC_EVENT_STREAMON, UVC_EVENT_STREAMOFF };
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };

	if (argc != 4) {
		fprintf(stderr, "usage: anpr-uvc-gadget-sim /dev/videoN WIDTH HEIGHT\n");
		return 2;
	}
	W = (unsigned)atoi(argv[2]);
	H = (unsigned)atoi(argv[3]);
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "anpr-uvc-gadget-sim: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	f.fmt.pix.width = W;
	f.fmt.pix.height = H;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	f.fmt.pix.field = V4L2_FIELD_NONE;
	f.fmt.pix.sizeimage = W * H * 2;
	if (ioctl(fd, VIDIOC_S_FMT, &f) < 0)
		fprintf(stderr, "anpr-uvc-gadget-sim: S_FMT: %s\n", strerror(errno));
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct v4l2_event_subscription s = { .type = evs[i] };

		if (ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &s) < 0) {
			fprintf(stderr, "anpr-uvc-gadget-sim: subscribe: %s\n", strerror(errno));
			return 1;
		}
	}
	fprintf(stderr, "anpr-uvc-gadget-sim: ready on %s\n", argv[1]);
	for (;;) {
		fd_set ex, wr;
		int r;

		FD_ZERO(&ex);
		FD_ZERO(&wr);
		FD_SET(fd, &ex);
		if (streaming)
			FD_SET(fd, &wr);
		r = select(fd + 1, NULL, &wr, &ex, NULL);
		if (r < 0 && errno != EINTR)
			return 1;
		if (FD_ISSET(fd, &ex)) {
			struct v4l2_event ev;
			struct uvc_event *u = (void *)&ev.u.data;

			while (ioctl(fd, VIDIOC_DQEVENT, &ev) == 0) {
				switch (ev.type) {
				case UVC_EVENT_SETUP: on_setup(&u->req); break;
				case UVC_EVENT_DATA: on_data(&u->data); break;
				case UVC_EVENT_STREAMON:
					if (stream_on() < 0)
						fprintf(stderr, "anpr-uvc-gadget-sim: stream on: %s\n",
							strerror(errno));
					break;
				case UVC_EVENT_STREAMOFF:
				case UVC_EVENT_DISCONNECT: stream_off(); break;
				default: break;
				}
			}
		}
		if (streaming && FD_ISSET(fd, &wr)) {
			struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
						 .memory = V4L2_MEMORY_MMAP };

			if (ioctl(fd, VIDIOC_DQBUF, &b) == 0) {
				fill_frame(mem[b.index]);
				b.bytesused = W * H * 2;
				if (ioctl(fd, VIDIOC_QBUF, &b) < 0)
					fprintf(stderr, "anpr-uvc-gadget-sim: QBUF: %s\n", strerror(errno));
			} else if (errno != EAGAIN) {
				stream_off();
			}
		}
	}
}
