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

/**
 * struct anprcap_backend_ops - what a backend implements (one const table
 * per backend, listed in core.c's backends[]; the libusb style: the core
 * checks arguments and state, the backend only does its device's work).
 *
 * Calling context, for every op: the core calls them from the thread that
 * called the public function, never from a thread of its own, and never
 * two ops of one source at once (the public API lets one thread at a time
 * use a handle: anprcap.h, "Thread safety"). So an op needs no lock for
 * its source's state; a backend with threads of its own (libcamera's
 * completion callbacks) locks what they share with the ops itself.
 * Different sources of one backend run concurrently: a backend's global
 * state (a libusb context, a camera manager) is its own to lock.
 *
 * Errors: an op that fails returns an ANPRCAP_E_* code (< 0) and has set
 * the message with anprcap__err() ("URI: what failed: why"), which the
 * caller reads with anprcap_last_error(); 0 is success. A device that is
 * gone is ANPRCAP_E_NODEV (the caller re-opens), a full set of held
 * frames ANPRCAP_E_BUSY, no frame in time ANPRCAP_E_TIMEOUT, the end of a
 * recording ANPRCAP_E_EOF.
 *
 * A new backend: start from null.c (scheme "null:", every op present and
 * documented, frames of a fixed grey), add it to core.c's backends[] and
 * known_schemes[], and to libanprcap/build.mk.
 */
struct anprcap_backend_ops {
	/** @scheme: the URI scheme ("v4l2"), also the backend's name. */
	const char *scheme;
	/**
	 * @list: optional (NULL: nothing to enumerate, as file: and null:).
	 * Append each source present now with anprcap__list_add(). Called by
	 * anprcap_list() with no source open; may be slow (it probes devices).
	 * A failure aborts the whole listing.
	 */
	int (*list)(struct anprcap_listbuf *lb);
	/**
	 * @open: required. rest is the URI after "scheme:", never empty. Set
	 * src->priv to the backend's state and src->cfg to the source's
	 * current (or default) format. On failure nothing may be left
	 * allocated: the core frees src and does not call close.
	 */
	int (*open)(struct anprcap_source *src, const char *rest);
	/**
	 * @close: required. Free src->priv and release the device. The core
	 * calls stop first if the source is streaming. Cannot fail.
	 */
	void (*close)(struct anprcap_source *src);
	/**
	 * @configure: required. Only while not streaming (the core refuses
	 * otherwise). cfg holds what the caller asked for, merged with what
	 * is in effect; change it to what the device will really deliver
	 * (nearest size, the frame rate it can do). ANPRCAP_E_UNSUPPORTED if
	 * nothing close enough exists. The core stores cfg on success.
	 */
	int (*configure)(struct anprcap_source *src, struct anprcap_config *cfg);
	/**
	 * @start: required. Begin streaming with src->cfg and src->opt
	 * (buffers, dmabuf, replay, loop, meta: set before start). The core
	 * marks the source streaming only on success.
	 */
	int (*start)(struct anprcap_source *src);
	/**
	 * @stop: required. Stop streaming and give back every buffer, held
	 * frames included (they may not be used after: the public API says
	 * so). Called only while streaming; the source counts as stopped even
	 * if this fails.
	 */
	int (*stop)(struct anprcap_source *src);
	/**
	 * @next: required. Wait up to timeout_ms (0: do not wait, < 0: for
	 * ever) for the next frame and point *slot at a slot of the
	 * backend's whose pub is filled in (timestamps from the device's
	 * clock or src->clock, the sequence number with gaps for lost
	 * frames). The core marks the slot held. ANPRCAP_E_BUSY when every
	 * slot is held by the caller.
	 */
	int (*next)(struct anprcap_source *src, int timeout_ms,
		    struct anprcap_slot **slot);
	/**
	 * @release: required. The caller is done with slot (the core has
	 * cleared slot->held and calls this only while streaming): requeue
	 * its buffer. Cannot fail; a device error shows at the next next().
	 */
	void (*release)(struct anprcap_source *src, struct anprcap_slot *slot);
	/**
	 * @get_fd: optional (NULL: anprcap_get_fd() answers -1). A file
	 * descriptor that polls readable when next() would not wait, for a
	 * caller's own event loop.
	 */
	int (*get_fd)(struct anprcap_source *src);
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
extern const struct anprcap_backend_ops anprcap__null_ops ANPRCAP_HIDDEN;
extern const struct anprcap_backend_ops anprcap__rtsp_ops ANPRCAP_HIDDEN;
extern const struct anprcap_backend_ops anprcap__rtsps_ops ANPRCAP_HIDDEN;

#endif /* ANPRCAP_BACKEND_H */
