/* SPDX-License-Identifier: MIT */
/*
 * null.c - the null backend: null:WIDTHxHEIGHT (null:640x480 if the rest
 * is not a size) delivers grey frames of one shade (128) at 25 frames/s,
 * or at the rate anprcap_configure() asks, paced like a recording
 * (pace.c): real time with drops when the caller falls behind, or as fast
 * as it reads (ANPRCAP_OPT_REPLAY). It has no device, so it is the
 * template for a new backend: every op of struct anprcap_backend_ops is
 * here, each doing the least its contract (backend.h) asks, and the
 * smoke test of a pipeline that needs a source and no camera.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "pace.h"

#define NULL_SHADE 128

struct nslot {
	struct anprcap_slot s;		/* first: the core casts frames to slots */
};

struct nsrc {
	uint8_t *pixels;		/* one grey frame, shared by every slot:
					   nobody writes it once made */
	struct nslot *slots;
	int nslots;
	struct anprcap_pace pace;
};

static int null_open(struct anprcap_source *src, const char *rest)
{
	struct nsrc *n = calloc(1, sizeof(*n));
	unsigned w = 640, h = 480;
	char tail;

	if (!n)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", src->uri);
	if (sscanf(rest, "%ux%u%c", &w, &h, &tail) != 2 || w < 1 || h < 1 ||
	    w > 8192 || h > 8192) {
		if (strchr(rest, 'x')) {
			free(n);
			return anprcap__err(ANPRCAP_E_INVAL, "%s: expected null:WIDTHxHEIGHT "
					    "(1 to 8192 each)", src->uri);
		}
		w = 640;
		h = 480;
	}
	src->cfg = (struct anprcap_config){ ANPRCAP_FMT_GREY, w, h, 25, 1 };
	src->priv = n;
	return 0;
}

static void null_close(struct anprcap_source *src)
{
	struct nsrc *n = src->priv;

	free(n->pixels);
	free(n->slots);
	free(n);
	src->priv = NULL;
}

/* Grey only, any size and rate: what was asked is what it delivers. */
static int null_configure(struct anprcap_source *src, struct anprcap_config *cfg)
{
	if (cfg->format != ANPRCAP_FMT_GREY)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: the null source is grey only",
				    src->uri);
	if (cfg->width < 1 || cfg->height < 1 || cfg->width > 8192 || cfg->height > 8192)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: size %ux%u: 1 to 8192 each",
				    src->uri, cfg->width, cfg->height);
	return 0;
}

static int null_start(struct anprcap_source *src)
{
	struct nsrc *n = src->priv;
	size_t bytes = (size_t)src->cfg.width * src->cfg.height;

	n->pixels = malloc(bytes);
	n->slots = calloc((size_t)src->opt.buffers, sizeof(*n->slots));
	if (!n->pixels || !n->slots) {
		free(n->pixels);
		free(n->slots);
		n->pixels = NULL;
		n->slots = NULL;
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", src->uri);
	}
	memset(n->pixels, NULL_SHADE, bytes);
	n->nslots = src->opt.buffers;
	for (int i = 0; i < n->nslots; i++) {
		struct anprcap_frame *f = &n->slots[i].s.pub;

		n->slots[i].s.index = i;
		f->data = n->pixels;
		f->stride = src->cfg.width;
		f->bytes = bytes;
		f->format = ANPRCAP_FMT_GREY;
		f->width = src->cfg.width;
		f->height = src->cfg.height;
		f->ts_source = ANPRCAP_TS_SYNTHETIC;
		f->meta_format = ANPRCAP_META_NONE;
		f->dmabuf_fd = -1;
	}
	anprcap__pace_init(&n->pace, anprcap__now(src), src->cfg.fps_num, src->cfg.fps_den,
			   (unsigned)n->nslots, src->opt.replay == ANPRCAP_REPLAY_FAST);
	return 0;
}

static int null_stop(struct anprcap_source *src)
{
	struct nsrc *n = src->priv;

	free(n->pixels);
	free(n->slots);
	n->pixels = NULL;
	n->slots = NULL;
	n->nslots = 0;
	return 0;
}

static int null_next(struct anprcap_source *src, int timeout_ms, struct anprcap_slot **out)
{
	struct nsrc *n = src->priv;
	struct anprcap_pace_step st;
	struct nslot *s = NULL;
	uint64_t deadline = 0;

	for (int i = 0; i < n->nslots; i++)
		if (!n->slots[i].s.held) {
			s = &n->slots[i];
			break;
		}
	if (!s)
		return anprcap__err(ANPRCAP_E_BUSY,
				    "%s: all %d buffers are held by the caller; release a frame",
				    src->uri, n->nslots);
	if (timeout_ms > 0)
		deadline = anprcap__now(src) + (uint64_t)timeout_ms * 1000000ull;
	for (;;) {
		anprcap__pace_step(&n->pace, anprcap__now(src), &st);
		if (st.ready)
			break;
		if (timeout_ms == 0)
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame yet", src->uri);
		if (timeout_ms > 0 && st.wait_until > deadline) {
			anprcap__sleep_until(src, deadline);
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms",
					    src->uri, timeout_ms);
		}
		anprcap__sleep_until(src, st.wait_until);
	}
	anprcap__pace_commit(&n->pace, &st);
	s->s.pub.sequence = st.index;
	s->s.pub.timestamp_ns = st.timestamp;
	s->s.pub.drops = (uint32_t)st.drops;
	*out = &s->s;
	return 0;
}

static void null_release(struct anprcap_source *src, struct anprcap_slot *slot)
{
	(void)src;
	(void)slot;	/* nothing to requeue: the slot is free once held is 0 */
}

static int null_get_fd(struct anprcap_source *src)
{
	(void)src;
	return -1;	/* nothing to poll: next() paces itself */
}

const struct anprcap_backend_ops anprcap__null_ops = {
	.scheme = "null",
	.list = NULL,		/* nothing is "present": it is opened by name */
	.open = null_open,
	.close = null_close,
	.configure = null_configure,
	.start = null_start,
	.stop = null_stop,
	.next = null_next,
	.release = null_release,
	.get_fd = null_get_fd,
};
