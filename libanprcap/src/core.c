/* SPDX-License-Identifier: MIT */
/*
 * core.c - the public API: URI dispatch to a backend, the state machine
 * (open -> streaming -> open), argument checks, error messages, the clock.
 * No I/O of its own: everything device- or file-specific is in a backend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"

static __thread char last_error[ANPRCAP_ERRLEN];

static const struct anprcap_backend_ops *const backends[] = {
	&anprcap__file_ops,
	&anprcap__null_ops,
#ifdef ANPRCAP_HAVE_V4L2
	&anprcap__v4l2_ops,
#endif
#ifdef ANPRCAP_HAVE_USB
	&anprcap__usb_ops,
#endif
#ifdef ANPRCAP_HAVE_LIBCAMERA
	&anprcap__libcamera_ops,
#endif
#ifdef ANPRCAP_HAVE_RTSP
	&anprcap__rtsp_ops,
	&anprcap__rtsps_ops,
#endif
};
#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

/* Schemes we know of even when their backend is not compiled in. */
static const char *const known_schemes[] = { "file", "null", "v4l2", "usb", "libcamera",
						  "rtsp", "rtsps" };

int anprcap__err(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

int anprcap__errno_code(int err)
{
	switch (err) {
	case ENOENT: case ENOTDIR: return ANPRCAP_E_NOENT;
	case EACCES: case EPERM: return ANPRCAP_E_ACCESS;
	case EBUSY: return ANPRCAP_E_BUSY;
	case ENODEV: case ENXIO: case ESHUTDOWN: return ANPRCAP_E_NODEV;
	case ENOMEM: return ANPRCAP_E_NOMEM;
	case EINVAL: return ANPRCAP_E_INVAL;
	case ETIMEDOUT: case EAGAIN: return ANPRCAP_E_TIMEOUT;
	case ENOTTY: case EOPNOTSUPP: return ANPRCAP_E_UNSUPPORTED;
	default: return ANPRCAP_E_IO;
	}
}

const char *anprcap_version(void)
{
	return ANPR_VERSION;
}

const char *anprcap_strerror(int code)
{
	switch (code) {
	case ANPRCAP_OK: return "success";
	case ANPRCAP_E_INVAL: return "invalid argument";
	case ANPRCAP_E_NOENT: return "no such device or file";
	case ANPRCAP_E_ACCESS: return "permission denied";
	case ANPRCAP_E_BUSY: return "busy";
	case ANPRCAP_E_NODEV: return "device gone";
	case ANPRCAP_E_TIMEOUT: return "timed out";
	case ANPRCAP_E_CORRUPT: return "corrupt data";
	case ANPRCAP_E_UNSUPPORTED: return "not supported";
	case ANPRCAP_E_IO: return "I/O error";
	case ANPRCAP_E_NOMEM: return "out of memory";
	case ANPRCAP_E_EOF: return "end of stream";
	case ANPRCAP_E_STATE: return "not valid in this state";
	case ANPRCAP_E_NOTBUILT: return "backend not built in";
	default: return "unknown error";
	}
}

const char *anprcap_last_error(void)
{
	return last_error;
}

/* ---- clock ---- */

uint64_t anprcap__mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t default_now(void *ctx)
{
	(void)ctx;
	return anprcap__mono_ns();
}

static void default_sleep_until(void *ctx, uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };

	(void)ctx;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

uint64_t anprcap__now(const struct anprcap_source *src)
{
	return src->clock.now(src->clock.ctx);
}

void anprcap__sleep_until(const struct anprcap_source *src, uint64_t t)
{
	/* A clock may return early: loop until it says we are there. */
	while (src->clock.now(src->clock.ctx) < t)
		src->clock.sleep_until(src->clock.ctx, t);
}

/* ---- lists ---- */

int anprcap__list_add(struct anprcap_listbuf *lb, const char *uri,
		      const char *name, const char *backend)
{
	struct anprcap_source_info *e;

	if (lb->n == lb->cap) {
		size_t cap = lb->cap ? lb->cap * 2 : 8;
		void *v = realloc(lb->v, cap * sizeof(*lb->v));

		if (!v)
			return anprcap__err(ANPRCAP_E_NOMEM, "listing sources: out of memory");
		lb->v = v;
		lb->cap = cap;
	}
	e = &lb->v[lb->n];
	e->uri = strdup(uri);
	e->name = strdup(name ? name : "");
	e->backend = backend;
	if (!e->uri || !e->name) {
		free((char *)e->uri);
		free((char *)e->name);
		return anprcap__err(ANPRCAP_E_NOMEM, "listing sources: out of memory");
	}
	lb->n++;
	return 0;
}

void anprcap_free_list(struct anprcap_source_info *list, size_t count)
{
	for (size_t i = 0; i < count && list; i++) {
		free((char *)list[i].uri);
		free((char *)list[i].name);
	}
	free(list);
}

int anprcap_list(struct anprcap_source_info **list, size_t *count)
{
	struct anprcap_listbuf lb = { 0 };

	if (!list || !count)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_list: NULL argument");
	for (size_t i = 0; i < N_BACKENDS; i++) {
		int rc;

		if (!backends[i]->list)
			continue;
		rc = backends[i]->list(&lb);
		if (rc < 0) {
			anprcap_free_list(lb.v, lb.n);
			return rc;
		}
	}
	*list = lb.v;
	*count = lb.n;
	return 0;
}

/* ---- sources ---- */

/* The URI as messages may show it: a "scheme://user:password@host/..."
 * URI with what is before the '@' replaced by "***" (it may hold a
 * password), else the URI. */
static const char *shown_uri(const char *uri, char *buf, size_t len)
{
	const char *auth = strstr(uri, "://"), *end, *at;

	if (!auth)
		return uri;
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	if (!at)
		return uri;
	snprintf(buf, len, "%.*s***%s", (int)(auth - uri), uri, at);
	return buf;
}

int anprcap_open(const char *uri, anprcap_source **out)
{
	const struct anprcap_backend_ops *ops = NULL;
	struct anprcap_source *src;
	const char *colon;
	char shown[ANPRCAP_ERRLEN];
	size_t slen;
	int rc;

	if (!out)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_open: NULL output pointer");
	*out = NULL;
	if (!uri || !*uri)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_open: empty URI");
	colon = strchr(uri, ':');
	if (!colon)
		return anprcap__err(ANPRCAP_E_INVAL,
				    "%s: not a source URI (expected v4l2:DEV, usb:VID:PID[:SERIAL], libcamera:ID, file:PATH, null:WxH or rtsp://HOST/PATH)",
				    uri);
	slen = (size_t)(colon - uri);
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (strlen(backends[i]->scheme) == slen &&
		    !strncmp(backends[i]->scheme, uri, slen))
			ops = backends[i];
	if (!ops) {
		for (size_t i = 0; i < sizeof(known_schemes) / sizeof(*known_schemes); i++)
			if (strlen(known_schemes[i]) == slen &&
			    !strncmp(known_schemes[i], uri, slen))
				return anprcap__err(ANPRCAP_E_NOTBUILT,
						    "%s: the %s backend is not built into this libanprcap",
						    shown_uri(uri, shown, sizeof(shown)), known_schemes[i]);
		return anprcap__err(ANPRCAP_E_INVAL,
				    "%s: unknown URI scheme '%.*s' (expected v4l2, usb, libcamera, file, null, rtsp or rtsps)",
				    shown_uri(uri, shown, sizeof(shown)), (int)slen, uri);
	}
	if (!colon[1])
		return anprcap__err(ANPRCAP_E_INVAL, "%s: nothing after '%s:'", uri, ops->scheme);
	/* A URI whose user information is kept would show a password in
	 * every message: the backends that take such URIs refuse it at open,
	 * and until then messages show it redacted. */

	src = calloc(1, sizeof(*src));
	if (!src)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", uri);
	src->uri = strdup(uri);
	if (!src->uri) {
		free(src);
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", uri);
	}
	src->ops = ops;
	src->opt.buffers = 4;
	src->opt.meta = 1;
	src->opt.replay = ANPRCAP_REPLAY_REALTIME;
	src->clock.now = default_now;
	src->clock.sleep_until = default_sleep_until;
	rc = ops->open(src, colon + 1);
	if (rc < 0) {
		free(src->uri);
		free(src);
		return rc;
	}
	*out = src;
	return 0;
}

void anprcap_close(anprcap_source *src)
{
	if (!src)
		return;
	if (src->state == ST_STREAMING)
		src->ops->stop(src);
	src->ops->close(src);
	free(src->uri);
	free(src);
}

int anprcap_configure(anprcap_source *src, uint32_t format, uint32_t width,
		      uint32_t height, uint32_t fps_num, uint32_t fps_den)
{
	struct anprcap_config cfg;
	int rc;

	if (!src)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_configure: NULL source");
	if (src->state != ST_OPEN)
		return anprcap__err(ANPRCAP_E_STATE, "%s: configure while streaming; stop first",
				    src->uri);
	if ((fps_num == 0) != (fps_den == 0))
		return anprcap__err(ANPRCAP_E_INVAL, "%s: frame rate %u/%u: give both or neither",
				    src->uri, fps_num, fps_den);
	if (width > 65535 || height > 65535)
		return anprcap__err(ANPRCAP_E_INVAL, "%s: size %ux%u too large", src->uri,
				    width, height);
	cfg = src->cfg;
	if (format)
		cfg.format = format;
	if (width)
		cfg.width = width;
	if (height)
		cfg.height = height;
	if (fps_num) {
		cfg.fps_num = fps_num;
		cfg.fps_den = fps_den;
	}
	rc = src->ops->configure(src, &cfg);
	if (rc < 0)
		return rc;
	src->cfg = cfg;
	return 0;
}

int anprcap_get_format(anprcap_source *src, uint32_t *format, uint32_t *width,
		       uint32_t *height, uint32_t *fps_num, uint32_t *fps_den)
{
	if (!src)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_get_format: NULL source");
	if (format)
		*format = src->cfg.format;
	if (width)
		*width = src->cfg.width;
	if (height)
		*height = src->cfg.height;
	if (fps_num)
		*fps_num = src->cfg.fps_num;
	if (fps_den)
		*fps_den = src->cfg.fps_den;
	return 0;
}

int anprcap_set_option(anprcap_source *src, enum anprcap_option opt, int64_t v)
{
	if (!src)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_set_option: NULL source");
	if (src->state != ST_OPEN)
		return anprcap__err(ANPRCAP_E_STATE, "%s: options are set before start",
				    src->uri);
	switch (opt) {
	case ANPRCAP_OPT_BUFFERS:
		if (v < 2 || v > ANPRCAP_MAX_BUFFERS)
			return anprcap__err(ANPRCAP_E_INVAL, "%s: %lld buffers: must be 2..%d",
					    src->uri, (long long)v, ANPRCAP_MAX_BUFFERS);
		src->opt.buffers = (int)v;
		return 0;
	case ANPRCAP_OPT_DMABUF:
		src->opt.dmabuf = v != 0;
		return 0;
	case ANPRCAP_OPT_REPLAY:
		if (v != ANPRCAP_REPLAY_REALTIME && v != ANPRCAP_REPLAY_FAST)
			return anprcap__err(ANPRCAP_E_INVAL, "%s: replay mode %lld unknown",
					    src->uri, (long long)v);
		src->opt.replay = (int)v;
		return 0;
	case ANPRCAP_OPT_LOOP:
		src->opt.loop = v != 0;
		return 0;
	case ANPRCAP_OPT_META:
		src->opt.meta = v != 0;
		return 0;
	}
	return anprcap__err(ANPRCAP_E_INVAL, "%s: unknown option %d", src->uri, (int)opt);
}

int anprcap_set_clock(anprcap_source *src, const struct anprcap_clock *clock)
{
	if (!src)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_set_clock: NULL source");
	if (src->state != ST_OPEN)
		return anprcap__err(ANPRCAP_E_STATE, "%s: set the clock before start", src->uri);
	if (!clock) {
		src->clock.now = default_now;
		src->clock.sleep_until = default_sleep_until;
		src->clock.ctx = NULL;
		return 0;
	}
	if (!clock->now || !clock->sleep_until)
		return anprcap__err(ANPRCAP_E_INVAL, "%s: clock without now() or sleep_until()",
				    src->uri);
	src->clock = *clock;
	return 0;
}

int anprcap_start(anprcap_source *src)
{
	int rc;

	if (!src)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_start: NULL source");
	if (src->state == ST_STREAMING)
		return anprcap__err(ANPRCAP_E_STATE, "%s: already started", src->uri);
	rc = src->ops->start(src);
	if (rc < 0)
		return rc;
	src->state = ST_STREAMING;
	return 0;
}

int anprcap_stop(anprcap_source *src)
{
	int rc;

	if (!src)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_stop: NULL source");
	if (src->state != ST_STREAMING)
		return 0;
	rc = src->ops->stop(src);
	src->state = ST_OPEN;
	return rc;
}

int anprcap_next_frame(anprcap_source *src, int timeout_ms,
		       const struct anprcap_frame **frame)
{
	struct anprcap_slot *slot = NULL;
	int rc;

	if (!src || !frame)
		return anprcap__err(ANPRCAP_E_INVAL, "anprcap_next_frame: NULL argument");
	*frame = NULL;
	if (src->state != ST_STREAMING)
		return anprcap__err(ANPRCAP_E_STATE, "%s: not started", src->uri);
	rc = src->ops->next(src, timeout_ms, &slot);
	if (rc < 0)
		return rc;
	slot->held = 1;
	*frame = &slot->pub;
	return 0;
}

void anprcap_release_frame(anprcap_source *src, const struct anprcap_frame *frame)
{
	struct anprcap_slot *slot;

	if (!src || !frame)
		return;
	/* pub is the first member of the slot */
	slot = (struct anprcap_slot *)(void *)frame;
	if (!slot->held)
		return;
	slot->held = 0;
	if (src->state == ST_STREAMING)
		src->ops->release(src, slot);
}

int anprcap_get_fd(anprcap_source *src)
{
	if (!src || !src->ops->get_fd)
		return -1;
	return src->ops->get_fd(src);
}

const char *anprcap_uri(const anprcap_source *src)
{
	return src ? src->uri : NULL;
}

const char *anprcap_backend(const anprcap_source *src)
{
	return src ? src->ops->scheme : NULL;
}

size_t anprcap_min_stride(uint32_t format, uint32_t width)
{
	switch (format) {
	case ANPRCAP_FMT_GREY:
	case ANPRCAP_FMT_NV12:
		return width;
	case ANPRCAP_FMT_Y16:
	case ANPRCAP_FMT_YUYV:
		return (size_t)width * 2;
	default:
		return 0;
	}
}

const char *anprcap_fourcc_str(uint32_t f, char buf[5])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)((f >> (8 * i)) & 0xff);

		buf[i] = (c >= 32 && c < 127) ? c : '?';
	}
	buf[4] = 0;
	return buf;
}
