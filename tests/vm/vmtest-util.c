// SPDX-License-Identifier: GPL-2.0
/* anprcap-vmtest: V4L2 helpers. Every error names the node and the reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "vmtest.h"

int vt_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("# FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return -1;
}

void vt_note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int vt_ioctl(struct vt_node *n, unsigned long req, void *arg, const char *what)
{
	int r;

	do
		r = ioctl(n->fd, req, arg);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return vt_fail("%s: %s: %s", n->path, what, strerror(errno));
	return 0;
}

int vt_open(struct vt_node *n, const char *path, enum v4l2_buf_type type, int nonblock)
{
	memset(n, 0, sizeof(*n));
	n->path = path;
	n->type = type;
	n->fd = open(path, O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (n->fd < 0)
		return vt_fail("%s: open: %s", path, strerror(errno));
	return 0;
}

void vt_close(struct vt_node *n)
{
	unsigned int i;

	for (i = 0; i < n->nbufs; i++)
		if (n->bufs[i].ptr)
			munmap(n->bufs[i].ptr, n->bufs[i].len);
	n->nbufs = 0;
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

int vt_set_fmt(struct vt_node *cap, uint32_t fourcc, uint32_t w, uint32_t h,
	       struct v4l2_pix_format *out)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	f.fmt.pix.pixelformat = fourcc;
	f.fmt.pix.width = w;
	f.fmt.pix.height = h;
	if (vt_ioctl(cap, VIDIOC_S_FMT, &f, "VIDIOC_S_FMT"))
		return -1;
	if (f.fmt.pix.width != w || f.fmt.pix.height != h || f.fmt.pix.pixelformat != fourcc)
		return vt_fail("%s: S_FMT %ux%u gave %ux%u", cap->path, w, h,
			       f.fmt.pix.width, f.fmt.pix.height);
	if (out)
		*out = f.fmt.pix;
	return 0;
}

int vt_set_fps(struct vt_node *cap, unsigned int fps)
{
	struct v4l2_streamparm p = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	p.parm.capture.timeperframe.numerator = 1;
	p.parm.capture.timeperframe.denominator = fps;
	if (vt_ioctl(cap, VIDIOC_S_PARM, &p, "VIDIOC_S_PARM"))
		return -1;
	if (p.parm.capture.timeperframe.denominator != fps ||
	    p.parm.capture.timeperframe.numerator != 1)
		return vt_fail("%s: S_PARM 1/%u gave %u/%u", cap->path, fps,
			       p.parm.capture.timeperframe.numerator,
			       p.parm.capture.timeperframe.denominator);
	return 0;
}

int vt_set_ctrl(struct vt_node *n, uint32_t id, int32_t val)
{
	struct v4l2_control c = { .id = id, .value = val };
	char what[64];

	snprintf(what, sizeof(what), "VIDIOC_S_CTRL 0x%x=%d", id, val);
	return vt_ioctl(n, VIDIOC_S_CTRL, &c, what);
}

int vt_get_ctrl64(struct vt_node *n, uint32_t id, int64_t *val)
{
	struct v4l2_ext_control c = { .id = id };
	struct v4l2_ext_controls cs = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
	};

	if (vt_ioctl(n, VIDIOC_G_EXT_CTRLS, &cs, "VIDIOC_G_EXT_CTRLS (64-bit counter)"))
		return -1;
	*val = c.value64;
	return 0;
}

int vt_reqbufs(struct vt_node *n, unsigned int count)
{
	struct v4l2_requestbuffers rb = {
		.count = count, .type = n->type, .memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i;

	if (vt_ioctl(n, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS"))
		return -1;
	if (rb.count < count)
		return vt_fail("%s: REQBUFS %u gave %u", n->path, count, rb.count);
	for (i = 0; i < rb.count && i < VT_MAX_BUFS; i++) {
		struct v4l2_buffer b = { .index = i, .type = n->type, .memory = V4L2_MEMORY_MMAP };

		if (vt_ioctl(n, VIDIOC_QUERYBUF, &b, "VIDIOC_QUERYBUF"))
			return -1;
		n->bufs[i].len = b.length;
		n->bufs[i].ptr = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED,
				      n->fd, b.m.offset);
		if (n->bufs[i].ptr == MAP_FAILED) {
			n->bufs[i].ptr = NULL;
			return vt_fail("%s: mmap buffer %u: %s", n->path, i, strerror(errno));
		}
		n->nbufs = i + 1;
	}
	return 0;
}

int vt_qbuf(struct vt_node *n, unsigned int index, uint32_t bytesused)
{
	struct v4l2_buffer b = {
		.index = index, .type = n->type, .memory = V4L2_MEMORY_MMAP,
		.bytesused = bytesused, .field = V4L2_FIELD_NONE,
	};

	return vt_ioctl(n, VIDIOC_QBUF, &b, "VIDIOC_QBUF");
}

/* returns 1 if a buffer was dequeued, 0 if none ready (EAGAIN), -1 on error */
int vt_dqbuf(struct vt_node *n, struct v4l2_buffer *b)
{
	memset(b, 0, sizeof(*b));
	b->type = n->type;
	b->memory = V4L2_MEMORY_MMAP;
	if (ioctl(n->fd, VIDIOC_DQBUF, b) == 0)
		return 1;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return vt_fail("%s: VIDIOC_DQBUF: %s", n->path, strerror(errno));
}

int vt_streamon(struct vt_node *n)
{
	int t = n->type;

	return vt_ioctl(n, VIDIOC_STREAMON, &t, "VIDIOC_STREAMON");
}

int vt_streamoff(struct vt_node *n)
{
	int t = n->type;

	return vt_ioctl(n, VIDIOC_STREAMOFF, &t, "VIDIOC_STREAMOFF");
}

uint64_t vt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t vt_buf_ns(const struct v4l2_buffer *b)
{
	return (uint64_t)b->timestamp.tv_sec * 1000000000ULL + b->timestamp.tv_usec * 1000ULL;
}

/* injected frame number @index: distinct pseudo-random bytes (xorshift64) */
void vt_gen_frame(uint8_t *dst, size_t len, uint32_t index)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL * (index + 1);
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(dst + i, &x, 8);
	}
	for (; i < len; i++)
		dst[i] = (uint8_t)(index + i);
}

/* map a file of raw frames of @frame_len bytes each */
int vt_map_frames(const char *path, size_t frame_len, const uint8_t **data, size_t *frames)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return vt_fail("%s: open: %s", path, strerror(errno));
	if (fstat(fd, &st) || st.st_size < (off_t)frame_len || st.st_size % frame_len) {
		close(fd);
		return vt_fail("%s: not a whole number of %zu-byte frames", path, frame_len);
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return vt_fail("%s: mmap: %s", path, strerror(errno));
	*data = p;
	*frames = st.st_size / frame_len;
	return 0;
}
