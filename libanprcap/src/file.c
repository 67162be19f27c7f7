/* SPDX-License-Identifier: MIT */
/*
 * file.c - the file backend: replays recorded footage as a camera would
 * deliver it. file:PATH is
 *   - a directory: its image files (JPEG, PNG, PGM, PPM; decoded to grey
 *     by imageio) in natural name order, one frame each;
 *   - one image file: a single frame;
 *   - a YUV4MPEG2 (.y4m) file: its luma planes (mono, mono16, 420, 422, 444);
 *   - anything else: a raw stream of frames whose format and size the
 *     caller gives with anprcap_configure().
 * Regular files are mmap'ed and frames point into the mapping (no copy);
 * pipes and "-" (stdin) are read sequentially. Timestamps are synthetic
 * (frame i at start + i / rate); pacing and drops are in pace.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anpr_image.h"
#include "backend.h"
#include "pace.h"
#include "y4m.h"

enum fkind { FK_IMAGES, FK_Y4M, FK_RAW };

struct fslot {
	struct anprcap_slot s;		/* first: the core casts frames to slots */
	struct anpr_image img;		/* decoded image (FK_IMAGES) */
	uint8_t *buf;			/* read buffer (streams) */
};

struct fsrc {
	char *path;
	enum fkind kind;
	int fd;				/* -1 for images */
	int stream;			/* 1: pipe/stdin, read sequentially */
	const uint8_t *map;
	size_t map_len;
	/* images */
	char **names;
	size_t n_names;
	/* y4m */
	struct y4m_info y4m;
	size_t y4m_hdr;			/* bytes of the stream header */
	size_t *offsets;		/* data offset of each frame (mmap) */
	/* frames in the file (mmap/images), and what follows the last one */
	uint64_t n_frames;
	char tail_err[256];
	/* geometry of raw/y4m frames */
	size_t stride, frame_bytes, image_bytes;
	/* streaming state */
	struct anprcap_pace pace;
	uint64_t pending_drops;
	uint64_t stream_index;		/* next frame index in a pipe */
	int done;
	struct fslot slots[ANPRCAP_MAX_BUFFERS];
	int nslots;
	uint8_t rbuf[65536];		/* pipe read buffer */
	size_t rpos, rlen;
};

/* ---- small helpers ---- */

static int is_image_magic(const uint8_t *b, size_t n)
{
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return 1;
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return 1;
	if (n >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' &&
	    (b[2] == ' ' || b[2] == '\n' || b[2] == '\r' || b[2] == '\t'))
		return 1;
	return 0;
}

/* Map an imageio error to ours. */
static int img_code(int rc)
{
	switch (rc) {
	case ANPR_IMG_EIO: return ANPRCAP_E_IO;
	case ANPR_IMG_ENOMEM: return ANPRCAP_E_NOMEM;
	case ANPR_IMG_EUNSUPPORTED: case ANPR_IMG_ELIMIT: return ANPRCAP_E_UNSUPPORTED;
	default: return ANPRCAP_E_CORRUPT;
	}
}

/* Fill the pipe buffer; returns bytes available, 0 at EOF, <0 on error. */
static ssize_t sr_fill(struct fsrc *f)
{
	ssize_t n;

	if (f->rpos < f->rlen)
		return (ssize_t)(f->rlen - f->rpos);
	f->rpos = f->rlen = 0;
	do
		n = read(f->fd, f->rbuf, sizeof(f->rbuf));
	while (n < 0 && errno == EINTR);
	if (n > 0)
		f->rlen = (size_t)n;
	return n;
}

/* Read exactly n bytes (dst may be NULL to skip). Returns n, fewer at EOF,
 * or -errno. */
static ssize_t sr_read(struct fsrc *f, uint8_t *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t a = sr_fill(f);
		size_t k;

		if (a < 0)
			return -errno;
		if (a == 0)
			break;
		k = (size_t)a < n - got ? (size_t)a : n - got;
		if (dst)
			memcpy(dst + got, f->rbuf + f->rpos, k);
		f->rpos += k;
		got += k;
	}
	return (ssize_t)got;
}

/* Read a line up to '\n' (inclusive) into dst; returns length, 0 at EOF. */
static ssize_t sr_line(struct fsrc *f, uint8_t *dst, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t a = sr_fill(f);

		if (a < 0)
			return -errno;
		if (a == 0)
			break;
		dst[got++] = f->rbuf[f->rpos++];
		if (dst[got - 1] == '\n')
			break;
	}
	return (ssize_t)got;
}

static void free_names(struct fsrc *f)
{
	for (size_t i = 0; i < f->n_names; i++)
		free(f->names[i]);
	free(f->names);
	f->names = NULL;
	f->n_names = 0;
}

/* ---- open ---- */

static int scan_dir(struct fsrc *f)
{
	struct dirent **ents = NULL;
	int n = scandir(f->path, &ents, NULL, versionsort);

	if (n < 0)
		return anprcap__err(anprcap__errno_code(errno), "%s: cannot read directory: %s",
				    f->path, strerror(errno));
	f->names = calloc((size_t)n + 1, sizeof(*f->names));
	for (int i = 0; i < n; i++) {
		struct stat st;
		char *p = NULL;

		if (f->names && ents[i]->d_name[0] != '.' &&
		    asprintf(&p, "%s/%s", f->path, ents[i]->d_name) >= 0) {
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
				f->names[f->n_names++] = p;
			else
				free(p);
		}
		free(ents[i]);
	}
	free(ents);
	if (!f->names)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", f->path);
	if (!f->n_names)
		return anprcap__err(ANPRCAP_E_NOENT, "%s: directory holds no image files", f->path);
	f->n_frames = f->n_names;
	return 0;
}

/* Index the frames of a mapped y4m file. */
static int index_y4m(struct fsrc *f)
{
	size_t off = f->y4m_hdr, cap = 0;
	char why[160];

	while (off < f->map_len) {
		size_t used;
		int rc = anprcap__y4m_frame_header(f->map + off, f->map_len - off, &used,
						   why, sizeof(why));

		if (rc) {
			snprintf(f->tail_err, sizeof(f->tail_err),
				 "%s: frame %llu at byte %zu: %s", f->path,
				 (unsigned long long)f->n_frames, off,
				 rc > 0 ? "truncated frame header" : why);
			break;
		}
		if (f->map_len - off - used < f->y4m.frame_bytes) {
			snprintf(f->tail_err, sizeof(f->tail_err),
				 "%s: frame %llu at byte %zu truncated: %zu of %zu bytes",
				 f->path, (unsigned long long)f->n_frames, off,
				 f->map_len - off - used, f->y4m.frame_bytes);
			break;
		}
		if (f->n_frames == cap) {
			size_t *v;

			cap = cap ? cap * 2 : 64;
			v = realloc(f->offsets, cap * sizeof(*v));
			if (!v)
				return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", f->path);
			f->offsets = v;
		}
		f->offsets[f->n_frames++] = off + used;
		off += used + f->y4m.frame_bytes;
	}
	return 0;
}

static int open_y4m_header(struct anprcap_source *src, struct fsrc *f,
			   const uint8_t *buf, size_t len)
{
	char why[160];
	int rc = anprcap__y4m_header(buf, len, &f->y4m, &f->y4m_hdr, why, sizeof(why));

	if (rc > 0)
		return anprcap__err(ANPRCAP_E_CORRUPT, "%s: truncated YUV4MPEG2 header", f->path);
	if (rc < 0)
		return anprcap__err(rc == -1 ? ANPRCAP_E_CORRUPT : ANPRCAP_E_UNSUPPORTED,
				    "%s: %s", f->path, why);
	f->kind = FK_Y4M;
	src->cfg.format = f->y4m.format;
	src->cfg.width = f->y4m.width;
	src->cfg.height = f->y4m.height;
	src->cfg.fps_num = f->y4m.fps_num;
	src->cfg.fps_den = f->y4m.fps_den;
	return 0;
}

static int open_file(struct anprcap_source *src, struct fsrc *f)
{
	struct stat st = { 0 };
	uint8_t head[Y4M_MAX_HEADER];
	size_t hn;
	ssize_t n;

	if (strcmp(f->path, "-") == 0) {
		f->fd = 0;
		f->stream = 1;
	} else {
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (f->fd < 0)
			return anprcap__err(anprcap__errno_code(errno), "%s: cannot open: %s",
					    f->path, strerror(errno));
		if (fstat(f->fd, &st) < 0)
			return anprcap__err(ANPRCAP_E_IO, "%s: cannot stat: %s", f->path,
					    strerror(errno));
		f->stream = !S_ISREG(st.st_mode);
	}
	if (!f->stream) {
		f->map_len = (size_t)st.st_size;
		if (f->map_len) {
			void *m = mmap(NULL, f->map_len, PROT_READ, MAP_PRIVATE, f->fd, 0);

			if (m == MAP_FAILED)
				return anprcap__err(ANPRCAP_E_IO, "%s: cannot map: %s", f->path,
						    strerror(errno));
			f->map = m;
		}
		if (is_image_magic(f->map, f->map_len)) {
			struct anpr_image img = { 0 };
			char why[256];
			int rc;

			f->names = calloc(1, sizeof(*f->names));
			if (!f->names || !(f->names[0] = strdup(f->path)))
				return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", f->path);
			f->n_names = f->n_frames = 1;
			f->kind = FK_IMAGES;
			rc = anpr_image_load(f->path, &img, why, sizeof(why));
			if (rc < 0)
				return anprcap__err(img_code(rc), "%s", why);
			src->cfg.format = ANPRCAP_FMT_GREY;
			src->cfg.width = (uint32_t)img.width;
			src->cfg.height = (uint32_t)img.height;
			anpr_image_free(&img);
			return 0;
		}
		if (f->map_len >= 9 && !memcmp(f->map, "YUV4MPEG2", 9)) {
			int rc = open_y4m_header(src, f, f->map, f->map_len);

			return rc < 0 ? rc : index_y4m(f);
		}
		f->kind = FK_RAW;
		return 0;
	}
	/* A pipe: peek at the first line to tell y4m from raw. */
	n = sr_fill(f);
	if (n < 0)
		return anprcap__err(ANPRCAP_E_IO, "%s: read: %s", f->path, strerror(errno));
	if ((size_t)n >= 9 && !memcmp(f->rbuf, "YUV4MPEG2", 9)) {
		n = sr_line(f, head, sizeof(head));
		if (n < 0)
			return anprcap__err(ANPRCAP_E_IO, "%s: read: %s", f->path, strerror(errno));
		hn = (size_t)n;
		return open_y4m_header(src, f, head, hn);
	}
	f->kind = FK_RAW;
	return 0;
}

static void file_close(struct anprcap_source *src)
{
	struct fsrc *f = src->priv;

	if (!f)
		return;
	for (int i = 0; i < ANPRCAP_MAX_BUFFERS; i++) {
		anpr_image_free(&f->slots[i].img);
		free(f->slots[i].buf);
	}
	if (f->map)
		munmap((void *)f->map, f->map_len);
	if (f->fd > 0)
		close(f->fd);
	free_names(f);
	free(f->offsets);
	free(f->path);
	free(f);
	src->priv = NULL;
}

static int file_open(struct anprcap_source *src, const char *path)
{
	struct fsrc *f = calloc(1, sizeof(*f));
	struct stat st = { 0 };
	int rc, is_stdin;

	if (!f)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", path);
	src->priv = f;
	f->fd = -1;
	f->path = strdup(path);
	if (!f->path) {
		rc = anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	is_stdin = strcmp(path, "-") == 0;
	if (!is_stdin && stat(path, &st) < 0) {
		rc = anprcap__err(anprcap__errno_code(errno), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!is_stdin && S_ISDIR(st.st_mode)) {
		struct anpr_image img = { 0 };
		char why[256];

		f->kind = FK_IMAGES;
		rc = scan_dir(f);
		if (rc < 0)
			goto fail;
		if (!f->names) {	/* cannot happen: scan_dir fails first */
			rc = anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", path);
			goto fail;
		}
		/* The first image gives the nominal size. */
		rc = anpr_image_load(f->names[0], &img, why, sizeof(why));
		if (rc < 0) {
			rc = anprcap__err(img_code(rc), "%s", why);
			goto fail;
		}
		src->cfg.format = ANPRCAP_FMT_GREY;
		src->cfg.width = (uint32_t)img.width;
		src->cfg.height = (uint32_t)img.height;
		anpr_image_free(&img);
		return 0;
	}
	rc = open_file(src, f);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	file_close(src);
	return rc;
}

/* ---- configure / start / stop ---- */

static int file_configure(struct anprcap_source *src, struct anprcap_config *cfg)
{
	struct fsrc *f = src->priv;

	if (f->kind == FK_RAW) {
		if (cfg->format && !anprcap_min_stride(cfg->format, 1)) {
			char s[5];

			return anprcap__err(ANPRCAP_E_UNSUPPORTED,
					    "%s: raw format %s not supported (GREY, Y16, YUYV, NV12)",
					    f->path, anprcap_fourcc_str(cfg->format, s));
		}
		return 0;
	}
	if (cfg->format != src->cfg.format || cfg->width != src->cfg.width ||
	    cfg->height != src->cfg.height) {
		char a[5], b[5];

		return anprcap__err(ANPRCAP_E_UNSUPPORTED,
				    "%s: recorded as %s %ux%u; a file source cannot convert to %s %ux%u",
				    f->path, anprcap_fourcc_str(src->cfg.format, a),
				    src->cfg.width, src->cfg.height,
				    anprcap_fourcc_str(cfg->format, b), cfg->width, cfg->height);
	}
	return 0;
}

static int file_start(struct anprcap_source *src)
{
	struct fsrc *f = src->priv;

	if (f->kind == FK_RAW) {
		if (!src->cfg.format || !src->cfg.width || !src->cfg.height)
			return anprcap__err(ANPRCAP_E_INVAL,
					    "%s: a raw stream needs its format and size: call anprcap_configure() (anpr-capture --format GREY --size WxH)",
					    f->path);
		f->stride = anprcap_min_stride(src->cfg.format, src->cfg.width);
		f->image_bytes = f->stride * src->cfg.height;
		if (src->cfg.format == ANPRCAP_FMT_NV12)
			f->image_bytes += f->stride * ((src->cfg.height + 1) / 2);
		f->frame_bytes = f->image_bytes;
		if (!f->stream) {
			f->n_frames = f->map_len / f->frame_bytes;
			f->tail_err[0] = 0;
			if (f->map_len % f->frame_bytes)
				snprintf(f->tail_err, sizeof(f->tail_err),
					 "%s: frame %llu truncated: %zu of %zu bytes", f->path,
					 (unsigned long long)f->n_frames,
					 f->map_len % f->frame_bytes, f->frame_bytes);
		}
	} else if (f->kind == FK_Y4M) {
		f->stride = anprcap_min_stride(f->y4m.format, f->y4m.width);
		f->image_bytes = f->y4m.luma_bytes;
		f->frame_bytes = f->y4m.frame_bytes;
	}
	if (f->stream && src->opt.loop)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: cannot loop over a pipe", f->path);
	if (f->stream && f->stream_index)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: cannot restart a pipe", f->path);
	f->nslots = src->opt.buffers;
	for (int i = 0; i < f->nslots; i++) {
		struct fslot *s = &f->slots[i];

		s->s.index = i;
		s->s.held = 0;
		if (f->stream && !s->buf) {
			s->buf = malloc(f->frame_bytes);
			if (!s->buf)
				return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory for %zu-byte frames",
						    f->path, f->frame_bytes);
		}
	}
	anprcap__pace_init(&f->pace, anprcap__now(src), src->cfg.fps_num, src->cfg.fps_den,
			   (unsigned)src->opt.buffers, src->opt.replay == ANPRCAP_REPLAY_FAST);
	f->pending_drops = 0;
	f->done = 0;
	return 0;
}

static int file_stop(struct anprcap_source *src)
{
	struct fsrc *f = src->priv;

	for (int i = 0; i < f->nslots; i++) {
		f->slots[i].s.held = 0;
		anpr_image_free(&f->slots[i].img);
	}
	return 0;
}

/* ---- frames ---- */

/* Read frame `idx` from a pipe into slot s (skipping frames before it). */
static int stream_frame(struct fsrc *f, uint64_t idx, struct fslot *s)
{
	while (f->stream_index <= idx) {
		uint8_t line[Y4M_MAX_HEADER];
		uint8_t *dst = f->stream_index == idx ? s->buf : NULL;
		ssize_t n;

		if (f->kind == FK_Y4M) {
			size_t used;
			char why[160];

			n = sr_line(f, line, sizeof(line));
			if (n == 0)
				return ANPRCAP_E_EOF;
			if (n < 0 || anprcap__y4m_frame_header(line, (size_t)n, &used, why,
								sizeof(why)))
				return anprcap__err(ANPRCAP_E_CORRUPT, "%s: frame %llu: %s", f->path,
						    (unsigned long long)f->stream_index,
						    n < 0 ? strerror((int)-n) : "bad frame header");
		}
		n = sr_read(f, dst, f->frame_bytes);
		if (n < 0)
			return anprcap__err(ANPRCAP_E_IO, "%s: read: %s", f->path,
					    strerror((int)-n));
		if (n == 0 && f->kind == FK_RAW)
			return ANPRCAP_E_EOF;
		if ((size_t)n < f->frame_bytes)
			return anprcap__err(ANPRCAP_E_CORRUPT,
					    "%s: frame %llu truncated: %zd of %zu bytes", f->path,
					    (unsigned long long)f->stream_index, n, f->frame_bytes);
		f->stream_index++;
	}
	return 0;
}

static int load_frame(struct anprcap_source *src, struct fsrc *f, uint64_t idx,
		      struct fslot *s)
{
	struct anprcap_frame *p = &s->s.pub;
	uint64_t k = f->n_frames ? idx % f->n_frames : idx;
	char why[320];
	int rc;

	p->format = src->cfg.format;
	p->width = src->cfg.width;
	p->height = src->cfg.height;
	p->stride = f->stride;
	p->bytes = f->image_bytes;
	switch (f->kind) {
	case FK_IMAGES:
		anpr_image_free(&s->img);
		rc = anpr_image_load(f->names[k], &s->img, why, sizeof(why));
		if (rc < 0)
			return anprcap__err(img_code(rc), "%s", why);
		p->data = s->img.data;
		p->width = (uint32_t)s->img.width;
		p->height = (uint32_t)s->img.height;
		p->stride = s->img.stride;
		p->bytes = s->img.stride * (size_t)s->img.height;
		p->format = ANPRCAP_FMT_GREY;
		return 0;
	case FK_Y4M:
		if (f->stream)
			break;
		p->data = f->map + f->offsets[k];
		return 0;
	case FK_RAW:
		if (f->stream)
			break;
		p->data = f->map + k * f->frame_bytes;
		return 0;
	}
	rc = stream_frame(f, idx, s);
	if (rc < 0)
		return rc;
	p->data = s->buf;
	return 0;
}

static int file_next(struct anprcap_source *src, int timeout_ms, struct anprcap_slot **out)
{
	struct fsrc *f = src->priv;
	struct anprcap_pace_step st;
	struct fslot *s = NULL;
	uint64_t deadline = 0;
	int rc;

	if (f->done)
		return anprcap__err(ANPRCAP_E_EOF, "%s: end of recording", f->path);
	for (int i = 0; i < f->nslots; i++)
		if (!f->slots[i].s.held) {
			s = &f->slots[i];
			break;
		}
	if (!s)
		return anprcap__err(ANPRCAP_E_BUSY,
				    "%s: all %d buffers are held by the caller; release a frame",
				    f->path, f->nslots);
	if (timeout_ms > 0)
		deadline = anprcap__now(src) + (uint64_t)timeout_ms * 1000000ull;
	for (;;) {
		uint64_t now = anprcap__now(src);

		anprcap__pace_step(&f->pace, now, &st);
		if (st.ready)
			break;
		if (timeout_ms == 0)
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame yet", f->path);
		if (timeout_ms > 0 && st.wait_until > deadline) {
			anprcap__sleep_until(src, deadline);
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms",
					    f->path, timeout_ms);
		}
		anprcap__sleep_until(src, st.wait_until);
	}
	if (!src->opt.loop && !f->stream && st.index >= f->n_frames) {
		f->done = 1;
		if (f->tail_err[0])
			return anprcap__err(ANPRCAP_E_CORRUPT, "%s", f->tail_err);
		return anprcap__err(ANPRCAP_E_EOF, "%s: end of recording (%llu frames)",
				    f->path, (unsigned long long)f->n_frames);
	}
	anprcap__pace_commit(&f->pace, &st);
	rc = load_frame(src, f, st.index, s);
	if (rc < 0) {
		if (rc == ANPRCAP_E_EOF) {
			f->done = 1;
			return anprcap__err(ANPRCAP_E_EOF, "%s: end of stream", f->path);
		}
		if (f->stream)
			f->done = 1;	/* a pipe cannot resync */
		/* This frame is lost: the next one reports it as dropped. */
		f->pending_drops += st.drops + 1;
		return rc;
	}
	s->s.pub.sequence = st.index;
	s->s.pub.timestamp_ns = st.timestamp;
	s->s.pub.ts_source = ANPRCAP_TS_SYNTHETIC;
	s->s.pub.drops = (uint32_t)(st.drops + f->pending_drops);
	s->s.pub.meta = NULL;
	s->s.pub.meta_bytes = 0;
	s->s.pub.meta_format = ANPRCAP_META_NONE;
	s->s.pub.dmabuf_fd = -1;
	f->pending_drops = 0;
	*out = &s->s;
	return 0;
}

static void file_release(struct anprcap_source *src, struct anprcap_slot *slot)
{
	(void)src;
	(void)slot;	/* the slot is free again once held is 0 */
}

const struct anprcap_backend_ops anprcap__file_ops = {
	.scheme = "file",
	.list = NULL,
	.open = file_open,
	.close = file_close,
	.configure = file_configure,
	.start = file_start,
	.stop = file_stop,
	.next = file_next,
	.release = file_release,
	.get_fd = NULL,
};
