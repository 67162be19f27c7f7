/* SPDX-License-Identifier: MIT */
/*
 * backend.h - internal: the one ops table every backend implements (the
 * libusb style), and the state the core keeps for each source. Nothing here
 * is installed or visible to library users.
 */
#ifndef ANPRCAP_BACKEND_H
#define ANPRCAP_BACKEND_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "anprcap.h"

#define ANPRCAP_HIDDEN __attribute__((visibility("hidden")))
#define ANPRCAP_ERRLEN 512
#define ANPRCAP_MAX_BUFFERS 32

enum anprcap_state {
	ST_OPEN = 0,
	ST_STREAMING = 1,
};

/* What the caller asked for; backends fill in what they chose. */
struct anprcap_config {
	uint32_t format, width, height;
	uint32_t fps_num, fps_den;
};

struct anprcap_options {
	int buffers;
	int dmabuf;
	int replay;
	int loop;
	int meta;
};

/* A list being built by anprcap_list(). */
struct anprcap_listbuf {
	struct anprcap_source_info *v;
	size_t n, cap;
};

/* Frame slot: the public frame plus the backend's index for release. */
struct anprcap_slot {
	struct anprcap_frame pub;
	int index;
	int held;			/* given to the caller, not yet released */
};

struct anprcap_backend_ops {
	const char *scheme;		/* URI scheme, also the backend name */
	/* Append present sources (may be NULL). */
	int (*list)(struct anprcap_listbuf *lb);
	/* rest = URI after "scheme:"; set src->priv. */
	int (*open)(struct anprcap_source *src, const char *rest);
	void (*close)(struct anprcap_source *src);
	/* Negotiate: cfg in, chosen values out (before start). */
	int (*configure)(struct anprcap_source *src, struct anprcap_config *cfg);
	int (*start)(struct anprcap_source *src);
	int (*stop)(struct anprcap_source *src);
	int (*next)(struct anprcap_source *src, int timeout_ms,
		    struct anprcap_slot **slot);
	void (*release)(struct anprcap_source *src, struct anprcap_slot *slot);
	int (*get_fd)(struct anprcap_source *src);	/* may be NULL */
};

struct anprcap_source {
	const struct anprcap_backend_ops *ops;
	void *priv;
	char *uri;
	enum anprcap_state state;
	struct anprcap_config cfg;	/* in effect */
	struct anprcap_options opt;
	struct anprcap_clock clock;
};

/* core.c */
ANPRCAP_HIDDEN int anprcap__err(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
ANPRCAP_HIDDEN int anprcap__errno_code(int err);
ANPRCAP_HIDDEN int anprcap__list_add(struct anprcap_listbuf *lb, const char *uri,
				     const char *name, const char *backend);
ANPRCAP_HIDDEN uint64_t anprcap__now(const struct anprcap_source *src);
ANPRCAP_HIDDEN void anprcap__sleep_until(const struct anprcap_source *src,
					 uint64_t t_ns);
ANPRCAP_HIDDEN uint64_t anprcap__mono_ns(void);

/* The backends. */
extern const struct anprcap_backend_ops anprcap__file_ops ANPRCAP_HIDDEN;
extern const struct anprcap_backend_ops anprcap__v4l2_ops ANPRCAP_HIDDEN;
extern const struct anprcap_backend_ops anprcap__usb_ops ANPRCAP_HIDDEN;
extern const struct anprcap_backend_ops anprcap__libcamera_ops ANPRCAP_HIDDEN;

#endif /* ANPRCAP_BACKEND_H */
