/* SPDX-License-Identifier: MIT */
/* v4l2_meta.c - metadata node and /dev/anpr aliases, see v4l2_meta.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "backend.h"
#include "v4l2_meta.h"
/* The driver's ABI (its header shares our public header's file name). */
#include "../../kmod/uapi/anprcap.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

int anprcap__v4l2_alias(const char *path, char *alias, size_t len)
{
	char real[PATH_MAX], other[PATH_MAX + 16], r2[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int rc = -1;

	if (!realpath(path, real))
		return -1;
	d = opendir("/dev/anpr");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(other, sizeof(other), "/dev/anpr/%s", e->d_name);
		if (realpath(other, r2) && !strcmp(r2, real) && strlen(other) < len) {
			strcpy(alias, other);
			rc = 0;
			break;
		}
	}
	closedir(d);
	return rc;
}

/* Is /dev/NAME a metadata capture node in our format? Returns an open fd. */
static int open_meta_node(const char *name, char *path, size_t len)
{
	struct v4l2_capability cap;
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_META_CAPTURE };
	uint32_t caps;
	int fd;

	snprintf(path, len, "/dev/%s", name);
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
		caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
		if ((caps & V4L2_CAP_META_CAPTURE) && (caps & V4L2_CAP_STREAMING) &&
		    xioctl(fd, VIDIOC_G_FMT, &f) == 0 &&
		    f.fmt.meta.dataformat == V4L2_META_FMT_ANPRCAP)
			return fd;
	}
	close(fd);
	return -1;
}

/* Sibling nodes share the parent device: /sys/class/video4linux/videoN/device/video4linux/. */
static int find_meta_node(const char *dev, char *path, size_t len)
{
	char real[PATH_MAX], dir[PATH_MAX + 64];
	const char *base;
	struct dirent **ents;
	int n, fd = -1;

	if (!realpath(dev, real))
		return -1;
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	snprintf(dir, sizeof(dir), "/sys/class/video4linux/%s/device/video4linux", base);
	n = scandir(dir, &ents, NULL, versionsort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (fd < 0 && ents[i]->d_name[0] != '.' && strcmp(ents[i]->d_name, base) != 0)
			fd = open_meta_node(ents[i]->d_name, path, len);
		free(ents[i]);
	}
	free(ents);
	return fd;
}

void anprcap__v4l2_meta_stop(struct anprcap_v4l2_meta *m)
{
	struct v4l2_requestbuffers req = {
		.count = 0, .type = V4L2_BUF_TYPE_META_CAPTURE, .memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_META_CAPTURE;

	if (m->fd < 0)
		return;
	xioctl(m->fd, VIDIOC_STREAMOFF, &type);
	for (unsigned i = 0; i < m->nbuf; i++)
		if (m->ptr[i])
			munmap(m->ptr[i], m->len[i]);
	m->nbuf = 0;
	xioctl(m->fd, VIDIOC_REQBUFS, &req);
	close(m->fd);
	m->fd = -1;
}

void anprcap__v4l2_meta_close(struct anprcap_v4l2_meta *m)
{
	anprcap__v4l2_meta_stop(m);
}

static int meta_err(struct anprcap_v4l2_meta *m, const char *what)
{
	int e = errno;

	return anprcap__err(anprcap__errno_code(e), "%s (metadata node): %s: %s", m->path, what,
			    strerror(e));
}

int anprcap__v4l2_meta_start(struct anprcap_v4l2_meta *m, const char *dev, int vfd,
			     unsigned count)
{
	struct v4l2_requestbuffers req = {
		.type = V4L2_BUF_TYPE_META_CAPTURE, .memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_META_CAPTURE;
	int rc;

	(void)vfd;
	memset(m->ring, 0, sizeof(m->ring));
	m->ring_pos = 0;
	m->nbuf = 0;
	m->fd = find_meta_node(dev, m->path, sizeof(m->path));
	if (m->fd < 0)
		return 0;
	req.count = count > META_MAX_BUFS ? META_MAX_BUFS : count;
	if (xioctl(m->fd, VIDIOC_REQBUFS, &req) < 0) {
		rc = meta_err(m, "VIDIOC_REQBUFS");
		goto fail;
	}
	m->nbuf = req.count > META_MAX_BUFS ? META_MAX_BUFS : req.count;
	memset(m->ptr, 0, sizeof(m->ptr));
	for (unsigned i = 0; i < m->nbuf; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_META_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (xioctl(m->fd, VIDIOC_QUERYBUF, &b) < 0) {
			rc = meta_err(m, "VIDIOC_QUERYBUF");
			goto fail;
		}
		m->len[i] = b.length;
		m->ptr[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, m->fd, b.m.offset);
		if (m->ptr[i] == MAP_FAILED) {
			m->ptr[i] = NULL;
			rc = meta_err(m, "mmap");
			goto fail;
		}
		if (xioctl(m->fd, VIDIOC_QBUF, &b) < 0) {
			rc = meta_err(m, "VIDIOC_QBUF");
			goto fail;
		}
	}
	if (xioctl(m->fd, VIDIOC_STREAMON, &type) < 0) {
		rc = meta_err(m, "VIDIOC_STREAMON");
		goto fail;
	}
	return 0;
fail:
	anprcap__v4l2_meta_stop(m);
	return rc;
}

int anprcap__v4l2_meta_soe(const void *rec, size_t n, uint64_t *soe_ns)
{
	struct anprcap_meta mm;

	if (n < sizeof(mm))
		return 0;
	memcpy(&mm, rec, sizeof(mm));
	if (mm.magic != ANPRCAP_META_MAGIC || mm.version != ANPRCAP_META_VERSION ||
	    mm.size < sizeof(mm) || !mm.soe_ns)
		return 0;
	*soe_ns = mm.soe_ns;
	return 1;
}

/* Take every finished metadata buffer into the ring and requeue it. */
static void drain(struct anprcap_v4l2_meta *m)
{
	for (;;) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_META_CAPTURE, .memory = V4L2_MEMORY_MMAP,
		};
		size_t n;

		if (xioctl(m->fd, VIDIOC_DQBUF, &b) < 0 || b.index >= m->nbuf)
			return;
		n = b.bytesused < ANPRCAP_META_MAX ? b.bytesused : ANPRCAP_META_MAX;
		if (n > m->len[b.index])
			n = m->len[b.index];
		if (n && !(b.flags & V4L2_BUF_FLAG_ERROR)) {
			m->ring[m->ring_pos].seq = b.sequence;
			m->ring[m->ring_pos].n = (uint32_t)n;
			memcpy(m->ring[m->ring_pos].data, m->ptr[b.index], n);
			m->ring_pos = (m->ring_pos + 1) % META_RING;
		}
		xioctl(m->fd, VIDIOC_QBUF, &b);
	}
}

static size_t lookup(struct anprcap_v4l2_meta *m, uint32_t seq, void *dst, size_t cap)
{
	for (unsigned i = 0; i < META_RING; i++) {
		if (m->ring[i].n && m->ring[i].seq == seq) {
			size_t n = m->ring[i].n < cap ? m->ring[i].n : cap;

			memcpy(dst, m->ring[i].data, n);
			m->ring[i].n = 0;
			return n;
		}
	}
	return 0;
}

size_t anprcap__v4l2_meta_find(struct anprcap_v4l2_meta *m, uint32_t seq, void *dst, size_t cap)
{
	size_t n;

	if (m->fd < 0)
		return 0;
	drain(m);
	n = lookup(m, seq, dst, cap);
	if (!n) {
		/* The record may trail the image by a moment. */
		struct pollfd p = { .fd = m->fd, .events = POLLIN };

		if (poll(&p, 1, 20) > 0) {
			drain(m);
			n = lookup(m, seq, dst, cap);
		}
	}
	return n;
}
