/* SPDX-License-Identifier: MIT */
/*
 * v4l2.c - the V4L2 backend: any single-planar video capture node (our
 * anprcap driver, UVC, vivid). mmap streaming; frames are the kernel's
 * buffers themselves (no copy), queued back on release; optional DMABUF
 * export. When the capture node has a sibling metadata node in our format
 * (V4L2_META_FMT_ANPRCAP, kmod/uapi/anprcap.h), it is streamed alongside
 * and each frame carries the metadata record with its sequence number.
 */
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
#include <sys/stat.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "backend.h"
#include "v4l2_meta.h"

struct vbuf {
	void *ptr;
	size_t len;
	int dmabuf_fd;
	int queued;
};

struct v4slot {
	struct anprcap_slot s;		/* first: the core casts frames to slots */
	uint8_t meta[ANPRCAP_META_MAX];
};

struct v4src {
	char *dev;			/* as given, for messages */
	int fd;
	uint32_t caps;			/* device caps */
	struct v4l2_format fmt;
	struct vbuf buf[ANPRCAP_MAX_BUFFERS];
	struct v4slot slots[ANPRCAP_MAX_BUFFERS];
	unsigned nbuf;
	int streaming;
	int gone;
	uint32_t last_seq;
	int have_seq;
	/*
	 * Buffers the driver flagged V4L2_BUF_FLAG_ERROR since the last frame
	 * handed out. Kept here, not per call: a call that requeues a flagged
	 * buffer and then times out (next(0) from a poll loop) must not forget
	 * them, or the first frame of a session would report no drops.
	 */
	uint32_t err_lost;
	struct anprcap_v4l2_meta meta;	/* metadata node, fd -1 when none */
};

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

static int ioctl_err(struct v4src *v, const char *what)
{
	int e = errno;

	if (e == ENODEV || e == ENXIO) {
		v->gone = 1;
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone (unplugged?) during %s; re-open it",
				    v->dev, what);
	}
	return anprcap__err(anprcap__errno_code(e), "%s: %s: %s", v->dev, what, strerror(e));
}

/* ---- list ---- */

static int is_capture_node(const char *path, char *card, size_t cardlen)
{
	struct v4l2_capability cap;
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	uint32_t caps;
	int ok = 0;

	if (fd < 0)
		return 0;
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
		caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
		ok = (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
		snprintf(card, cardlen, "%s (%s)", (const char *)cap.card, (const char *)cap.driver);
	}
	close(fd);
	return ok;
}

static int v4l2_list(struct anprcap_listbuf *lb)
{
	struct dirent **ents;
	int n = scandir("/dev", &ents, NULL, versionsort);
	int rc = 0;

	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		char path[300], uri[PATH_MAX + 16], card[128], alias[PATH_MAX];

		if (!rc && !strncmp(ents[i]->d_name, "video", 5)) {
			snprintf(path, sizeof(path), "/dev/%s", ents[i]->d_name);
			if (is_capture_node(path, card, sizeof(card))) {
				/* Prefer our stable name /dev/anpr/camN when udev made one. */
				if (anprcap__v4l2_alias(path, alias, sizeof(alias)) == 0)
					snprintf(uri, sizeof(uri), "v4l2:%s", alias);
				else
					snprintf(uri, sizeof(uri), "v4l2:%s", path);
				rc = anprcap__list_add(lb, uri, card, "v4l2");
			}
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* ---- open / close ---- */

static void v4l2_close(struct anprcap_source *src)
{
	struct v4src *v = src->priv;

	if (!v)
		return;
	anprcap__v4l2_meta_close(&v->meta);
	if (v->fd >= 0)
		close(v->fd);
	free(v->dev);
	free(v);
	src->priv = NULL;
}

static void read_format(struct anprcap_source *src, struct v4src *v)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	src->cfg.format = v->fmt.fmt.pix.pixelformat;
	src->cfg.width = v->fmt.fmt.pix.width;
	src->cfg.height = v->fmt.fmt.pix.height;
	if (xioctl(v->fd, VIDIOC_G_PARM, &parm) == 0 &&
	    parm.parm.capture.timeperframe.numerator) {
		/* rate = 1 / timeperframe */
		src->cfg.fps_num = parm.parm.capture.timeperframe.denominator;
		src->cfg.fps_den = parm.parm.capture.timeperframe.numerator;
	}
}

static int v4l2_open(struct anprcap_source *src, const char *dev)
{
	struct v4src *v = calloc(1, sizeof(*v));
	struct v4l2_capability cap;
	int rc;

	if (!v)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", dev);
	src->priv = v;
	v->fd = -1;
	v->meta.fd = -1;
	v->dev = strdup(dev);
	if (!v->dev) {
		rc = anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", dev);
		goto fail;
	}
	v->fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0) {
		rc = anprcap__err(anprcap__errno_code(errno), "%s: cannot open: %s", dev,
				  strerror(errno));
		goto fail;
	}
	if (xioctl(v->fd, VIDIOC_QUERYCAP, &cap) < 0) {
		rc = errno == ENOTTY
			? anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: not a V4L2 device", dev)
			: ioctl_err(v, "VIDIOC_QUERYCAP");
		goto fail;
	}
	v->caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
	if (!(v->caps & V4L2_CAP_VIDEO_CAPTURE)) {
		rc = anprcap__err(ANPRCAP_E_UNSUPPORTED,
				  "%s: not a single-planar video capture node (caps 0x%08x)%s",
				  dev, v->caps,
				  v->caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE ? ": multi-planar is not supported" : "");
		goto fail;
	}
	if (!(v->caps & V4L2_CAP_STREAMING)) {
		rc = anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: driver %s cannot stream (no V4L2_CAP_STREAMING)",
				  dev, (const char *)cap.driver);
		goto fail;
	}
	v->fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (xioctl(v->fd, VIDIOC_G_FMT, &v->fmt) < 0) {
		rc = ioctl_err(v, "VIDIOC_G_FMT");
		goto fail;
	}
	read_format(src, v);
	return 0;
fail:
	v4l2_close(src);
	return rc;
}

/* ---- configure ---- */

static int v4l2_configure(struct anprcap_source *src, struct anprcap_config *cfg)
{
	struct v4src *v = src->priv;
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	char want[5], got[5];

	if (xioctl(v->fd, VIDIOC_G_FMT, &f) < 0)
		return ioctl_err(v, "VIDIOC_G_FMT");
	f.fmt.pix.pixelformat = cfg->format;
	f.fmt.pix.width = cfg->width;
	f.fmt.pix.height = cfg->height;
	f.fmt.pix.field = V4L2_FIELD_NONE;
	f.fmt.pix.bytesperline = 0;
	if (xioctl(v->fd, VIDIOC_S_FMT, &f) < 0)
		return ioctl_err(v, "VIDIOC_S_FMT");
	if (cfg->format && f.fmt.pix.pixelformat != cfg->format)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: format %s not offered (driver chose %s)",
				    v->dev, anprcap_fourcc_str(cfg->format, want),
				    anprcap_fourcc_str(f.fmt.pix.pixelformat, got));
	v->fmt = f;
	cfg->format = f.fmt.pix.pixelformat;
	cfg->width = f.fmt.pix.width;
	cfg->height = f.fmt.pix.height;
	if (cfg->fps_num && cfg->fps_den) {
		struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

		parm.parm.capture.timeperframe.numerator = cfg->fps_den;
		parm.parm.capture.timeperframe.denominator = cfg->fps_num;
		if (xioctl(v->fd, VIDIOC_S_PARM, &parm) < 0) {
			if (errno != ENOTTY && errno != EINVAL)
				return ioctl_err(v, "VIDIOC_S_PARM");
			return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: frame rate cannot be set",
					    v->dev);
		}
		if (parm.parm.capture.timeperframe.numerator) {
			cfg->fps_num = parm.parm.capture.timeperframe.denominator;
			cfg->fps_den = parm.parm.capture.timeperframe.numerator;
		}
	}
	return 0;
}

/* ---- start / stop ---- */

static void unmap_all(struct v4src *v)
{
	for (unsigned i = 0; i < v->nbuf; i++) {
		if (v->buf[i].ptr && v->buf[i].ptr != MAP_FAILED)
			munmap(v->buf[i].ptr, v->buf[i].len);
		if (v->buf[i].dmabuf_fd >= 0)
			close(v->buf[i].dmabuf_fd);
		memset(&v->buf[i], 0, sizeof(v->buf[i]));
		v->buf[i].dmabuf_fd = -1;
	}
	v->nbuf = 0;
}

static void free_buffers(struct v4src *v)
{
	struct v4l2_requestbuffers req = {
		.count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
	};

	unmap_all(v);
	if (!v->gone)
		xioctl(v->fd, VIDIOC_REQBUFS, &req);
}

static int v4l2_stop(struct anprcap_source *src)
{
	struct v4src *v = src->priv;
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (v->streaming && !v->gone)
		xioctl(v->fd, VIDIOC_STREAMOFF, &type);
	v->streaming = 0;
	anprcap__v4l2_meta_stop(&v->meta);
	free_buffers(v);
	return 0;
}

static int queue_buf(struct v4src *v, unsigned i)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i,
	};

	if (xioctl(v->fd, VIDIOC_QBUF, &b) < 0)
		return ioctl_err(v, "VIDIOC_QBUF");
	v->buf[i].queued = 1;
	return 0;
}

static int v4l2_start(struct anprcap_source *src)
{
	struct v4src *v = src->priv;
	struct v4l2_requestbuffers req = {
		.count = (uint32_t)src->opt.buffers, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	int rc;

	if (v->gone)
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone; re-open it", v->dev);
	if (xioctl(v->fd, VIDIOC_G_FMT, &v->fmt) < 0)
		return ioctl_err(v, "VIDIOC_G_FMT");
	read_format(src, v);
	if (xioctl(v->fd, VIDIOC_REQBUFS, &req) < 0)
		return ioctl_err(v, "VIDIOC_REQBUFS (mmap)");
	if (req.count < 2) {
		rc = anprcap__err(ANPRCAP_E_NOMEM, "%s: driver gave %u buffers, need at least 2",
				  v->dev, req.count);
		goto fail;
	}
	v->nbuf = req.count > ANPRCAP_MAX_BUFFERS ? ANPRCAP_MAX_BUFFERS : req.count;
	for (unsigned i = 0; i < v->nbuf; i++)
		v->buf[i].dmabuf_fd = -1;
	for (unsigned i = 0; i < v->nbuf; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (xioctl(v->fd, VIDIOC_QUERYBUF, &b) < 0) {
			rc = ioctl_err(v, "VIDIOC_QUERYBUF");
			goto fail;
		}
		v->buf[i].len = b.length;
		v->buf[i].ptr = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
				     b.m.offset);
		if (v->buf[i].ptr == MAP_FAILED) {
			v->buf[i].ptr = NULL;
			rc = anprcap__err(ANPRCAP_E_NOMEM, "%s: mmap of buffer %u (%u bytes): %s",
					  v->dev, i, b.length, strerror(errno));
			goto fail;
		}
		if (src->opt.dmabuf) {
			struct v4l2_exportbuffer e = {
				.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = i,
				.flags = O_RDONLY | O_CLOEXEC,
			};

			if (xioctl(v->fd, VIDIOC_EXPBUF, &e) < 0) {
				rc = ioctl_err(v, "VIDIOC_EXPBUF (DMABUF export)");
				goto fail;
			}
			v->buf[i].dmabuf_fd = e.fd;
		}
		v->slots[i].s.index = (int)i;
		v->slots[i].s.held = 0;
	}
	for (unsigned i = 0; i < v->nbuf; i++) {
		rc = queue_buf(v, i);
		if (rc < 0)
			goto fail;
	}
	if (src->opt.meta) {
		rc = anprcap__v4l2_meta_start(&v->meta, v->dev, v->fd, src->opt.buffers + 4);
		if (rc < 0)
			goto fail;
	}
	if (xioctl(v->fd, VIDIOC_STREAMON, &type) < 0) {
		rc = ioctl_err(v, "VIDIOC_STREAMON");
		goto fail;
	}
	v->streaming = 1;
	v->have_seq = 0;
	v->err_lost = 0;
	return 0;
fail:
	anprcap__v4l2_meta_stop(&v->meta);
	free_buffers(v);
	return rc;
}

/* ---- frames ---- */

static enum anprcap_ts_source ts_source(uint32_t flags)
{
	if ((flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		return ANPRCAP_TS_UNKNOWN;
	return (flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) == V4L2_BUF_FLAG_TSTAMP_SRC_SOE
		? ANPRCAP_TS_SOE : ANPRCAP_TS_EOF;
}

static int v4l2_next(struct anprcap_source *src, int timeout_ms, struct anprcap_slot **out)
{
	struct v4src *v = src->priv;
	uint64_t deadline = 0;	/* read the clock only when we have to wait */
	struct v4l2_buffer b;
	struct v4slot *s;

	if (v->gone)
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone; re-open it", v->dev);
	for (;;) {
		struct pollfd p = { .fd = v->fd, .events = POLLIN };
		int wait = timeout_ms, r;

		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(v->fd, VIDIOC_DQBUF, &b) == 0) {
			if (b.index >= v->nbuf)
				return anprcap__err(ANPRCAP_E_IO, "%s: driver returned buffer %u of %u",
						    v->dev, b.index, v->nbuf);
			v->buf[b.index].queued = 0;
			if (!(b.flags & V4L2_BUF_FLAG_ERROR))
				break;
			/* A frame the driver marked bad: give it back, count it lost. */
			v->err_lost++;
			r = queue_buf(v, b.index);
			if (r < 0)
				return r;
			continue;
		}
		if (errno != EAGAIN)
			return ioctl_err(v, "VIDIOC_DQBUF");
		for (r = 0; r < (int)v->nbuf && !v->buf[r].queued; r++)
			;
		if (r == (int)v->nbuf)
			return anprcap__err(ANPRCAP_E_BUSY,
					    "%s: all %u buffers are held by the caller; release a frame",
					    v->dev, v->nbuf);
		if (timeout_ms == 0)
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame ready", v->dev);
		if (timeout_ms > 0) {
			uint64_t now = anprcap__mono_ns();

			if (!deadline)
				deadline = now + (uint64_t)timeout_ms * 1000000ull;
			if (now >= deadline)
				return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms",
						    v->dev, timeout_ms);
			wait = (int)((deadline - now + 999999) / 1000000);
		}
		r = poll(&p, 1, wait);
		if (r < 0 && errno != EINTR)
			return anprcap__err(ANPRCAP_E_IO, "%s: poll: %s", v->dev, strerror(errno));
		if (r > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) && !(p.revents & POLLIN)) {
			/* Unplugged, or the driver stopped: DQBUF says which. */
			memset(&b, 0, sizeof(b));
			b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
			b.memory = V4L2_MEMORY_MMAP;
			if (xioctl(v->fd, VIDIOC_DQBUF, &b) < 0 && errno != EAGAIN)
				return ioctl_err(v, "VIDIOC_DQBUF");
			if (b.index < v->nbuf && b.bytesused) {
				v->buf[b.index].queued = 0;
				break;
			}
			if (p.revents & POLLHUP) {
				v->gone = 1;
				return anprcap__err(ANPRCAP_E_NODEV,
						    "%s: device hung up (unplugged?); re-open it", v->dev);
			}
			return anprcap__err(ANPRCAP_E_IO, "%s: driver reports an error on the capture queue",
					    v->dev);
		}
	}
	s = &v->slots[b.index];
	s->s.pub.data = v->buf[b.index].ptr;
	s->s.pub.bytes = b.bytesused ? b.bytesused : v->fmt.fmt.pix.sizeimage;
	s->s.pub.stride = v->fmt.fmt.pix.bytesperline;
	s->s.pub.format = v->fmt.fmt.pix.pixelformat;
	s->s.pub.width = v->fmt.fmt.pix.width;
	s->s.pub.height = v->fmt.fmt.pix.height;
	s->s.pub.sequence = b.sequence;
	s->s.pub.ts_source = ts_source(b.flags);
	s->s.pub.timestamp_ns = (uint64_t)b.timestamp.tv_sec * 1000000000ull +
				(uint64_t)b.timestamp.tv_usec * 1000ull;
	if (s->s.pub.ts_source == ANPRCAP_TS_UNKNOWN || !s->s.pub.timestamp_ns) {
		s->s.pub.timestamp_ns = anprcap__mono_ns();
		s->s.pub.ts_source = ANPRCAP_TS_HOST;
	}
	/*
	 * The sequence gap counts flagged frames too (they used their numbers);
	 * the flagged count stands alone for the first frame of a session, or
	 * for a driver whose flagged buffers use no sequence number.
	 */
	s->s.pub.drops = 0;
	if (v->have_seq && b.sequence > v->last_seq + 1)
		s->s.pub.drops = b.sequence - v->last_seq - 1;
	if (s->s.pub.drops < v->err_lost)
		s->s.pub.drops = v->err_lost;
	v->err_lost = 0;
	v->last_seq = b.sequence;
	v->have_seq = 1;
	s->s.pub.dmabuf_fd = v->buf[b.index].dmabuf_fd;
	s->s.pub.meta = NULL;
	s->s.pub.meta_bytes = 0;
	s->s.pub.meta_format = ANPRCAP_META_NONE;
	if (v->meta.fd >= 0) {
		size_t n = anprcap__v4l2_meta_find(&v->meta, b.sequence, s->meta, sizeof(s->meta));

		if (n) {
			s->s.pub.meta = s->meta;
			s->s.pub.meta_bytes = n;
			s->s.pub.meta_format = ANPRCAP_META_ANPR;
			/* The driver's SOE stamp is authoritative when present. */
			if (anprcap__v4l2_meta_soe(s->meta, n, &s->s.pub.timestamp_ns))
				s->s.pub.ts_source = ANPRCAP_TS_SOE;
		}
	}
	*out = &s->s;
	return 0;
}

static void v4l2_release(struct anprcap_source *src, struct anprcap_slot *slot)
{
	struct v4src *v = src->priv;

	if (!v->streaming || v->gone || (unsigned)slot->index >= v->nbuf)
		return;
	queue_buf(v, (unsigned)slot->index);	/* failure shows on the next DQBUF */
}

static int v4l2_get_fd(struct anprcap_source *src)
{
	return ((struct v4src *)src->priv)->fd;
}

const struct anprcap_backend_ops anprcap__v4l2_ops = {
	.scheme = "v4l2",
	.list = v4l2_list,
	.open = v4l2_open,
	.close = v4l2_close,
	.configure = v4l2_configure,
	.start = v4l2_start,
	.stop = v4l2_stop,
	.next = v4l2_next,
	.release = v4l2_release,
	.get_fd = v4l2_get_fd,
};
