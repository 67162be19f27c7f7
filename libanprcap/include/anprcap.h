/* SPDX-License-Identifier: MIT */
/*
 * anprcap.h - libanprcap: one capture API over every camera an ANPR host
 * carries (our V4L2 driver, any V4L2/UVC camera, USB IR sensors through
 * libusb, libcamera) and over recorded footage (image directories, y4m,
 * raw streams).
 *
 * Sources are opened by URI:
 *   v4l2:/dev/anpr/cam0        any V4L2 capture node (mmap streaming)
 *   usb:VID:PID[:SERIAL]       USB IR sensor, docs/usb-sensor-protocol.md
 *   libcamera:ID               a camera driven by libcamera (when built in)
 *   file:PATH                  a directory of images, a .y4m file or a raw
 *                              stream (regular file, FIFO or "-" for stdin)
 *   rtsp://HOST[:PORT]/PATH[#OPTIONS], rtsps://...
 *                              an IP camera over RTSP (GStreamer, when
 *                              built in); credentials from a file named in
 *                              the options (#credentials=FILE), never in
 *                              the URI: docs/libanprcap.md, "rtsp"
 *
 * Life cycle:
 *   anprcap_open() -> [anprcap_configure(), anprcap_set_option()] ->
 *   anprcap_start() -> { anprcap_next_frame() ... anprcap_release_frame() }
 *   -> anprcap_stop() -> anprcap_close()
 *
 * Errors: every function that can fail returns 0 (ANPRCAP_OK) or a negative
 * ANPRCAP_E* code. anprcap_strerror() names a code; anprcap_last_error()
 * returns a message for the last failure in the calling thread that names
 * the device or file and the reason, e.g.
 *   "/data/run1/0003.jpg: corrupt JPEG data: premature end of data segment"
 *
 * Thread safety: functions are reentrant. One source handle must be used by
 * one thread at a time (serialise with your own lock if you share it); any
 * number of handles may be used concurrently from different threads.
 * anprcap_last_error() is per thread. Frames may be released from any
 * thread as long as the source is not used concurrently.
 *
 * ABI: the shared library is libanprcap.so.0. Structures the library
 * allocates (struct anprcap_frame, struct anprcap_source_info) may grow at
 * their end in later minor versions; callers never allocate them.
 */
#ifndef ANPRCAP_H
#define ANPRCAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ANPRCAP_API_VERSION	0x00000100	/* 0.1.0: major<<16|minor<<8|patch */

#if defined(__GNUC__)
#define ANPRCAP_EXPORT __attribute__((visibility("default")))
#else
#define ANPRCAP_EXPORT
#endif

/* Error codes (negative; 0 is success). */
enum anprcap_error {
	ANPRCAP_OK = 0,
	ANPRCAP_E_INVAL = -1,		/* bad argument or malformed URI */
	ANPRCAP_E_NOENT = -2,		/* no such device or file */
	ANPRCAP_E_ACCESS = -3,		/* permission denied */
	ANPRCAP_E_BUSY = -4,		/* in use elsewhere, or all buffers held */
	ANPRCAP_E_NODEV = -5,		/* device gone (unplugged); re-open it */
	ANPRCAP_E_TIMEOUT = -6,		/* no frame within the timeout */
	ANPRCAP_E_CORRUPT = -7,		/* malformed data from a file or device */
	ANPRCAP_E_UNSUPPORTED = -8,	/* format, size or feature not offered */
	ANPRCAP_E_IO = -9,		/* I/O error from the OS */
	ANPRCAP_E_NOMEM = -10,
	ANPRCAP_E_EOF = -11,		/* end of a recorded stream */
	ANPRCAP_E_STATE = -12,		/* call not valid now (e.g. not started) */
	ANPRCAP_E_NOTBUILT = -13,	/* backend not compiled into this build */
};

/*
 * Pixel formats: FourCC codes, numerically the same as V4L2's so that a
 * value can be logged or compared without translation.
 */
#define ANPRCAP_FOURCC(a, b, c, d) \
	((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | \
	 ((uint32_t)(d) << 24))
#define ANPRCAP_FMT_ANY		0u
#define ANPRCAP_FMT_GREY	ANPRCAP_FOURCC('G', 'R', 'E', 'Y') /* 8-bit luma */
#define ANPRCAP_FMT_Y16		ANPRCAP_FOURCC('Y', '1', '6', ' ') /* 16-bit LE luma */
#define ANPRCAP_FMT_YUYV	ANPRCAP_FOURCC('Y', 'U', 'Y', 'V') /* 4:2:2 packed */
#define ANPRCAP_FMT_NV12	ANPRCAP_FOURCC('N', 'V', '1', '2') /* Y plane + CbCr */
#define ANPRCAP_FMT_MJPEG	ANPRCAP_FOURCC('M', 'J', 'P', 'G') /* compressed */

/* Where a frame's timestamp comes from. */
enum anprcap_ts_source {
	ANPRCAP_TS_UNKNOWN = 0,
	ANPRCAP_TS_SOE = 1,		/* start of exposure (device clock, mapped) */
	ANPRCAP_TS_EOF = 2,		/* end of frame, stamped by the driver */
	ANPRCAP_TS_HOST = 3,		/* host arrival time (no device timestamp) */
	ANPRCAP_TS_SYNTHETIC = 4,	/* computed from a nominal rate (replay) */
};

/* Per-frame metadata formats (struct anprcap_frame.meta_format). */
#define ANPRCAP_META_NONE	0u
#define ANPRCAP_META_ANPR	ANPRCAP_FOURCC('A', 'N', 'P', 'M') /* struct anprcap_meta, <linux/anprcap.h> */
#define ANPRCAP_META_USB	ANPRCAP_FOURCC('A', 'N', 'P', 'U') /* USB sensor header */
#define ANPRCAP_META_RTSP	ANPRCAP_FOURCC('A', 'N', 'P', 'R') /* struct anprcap_rtsp_meta */

/*
 * How an RTSP frame's capture time was found (struct anprcap_rtsp_meta
 * .clock), docs/frame-metadata.md, "RTSP frames".
 */
enum anprcap_rtsp_clock {
	ANPRCAP_RTSP_CLOCK_SYNCHRONISED = 1,	/* the frame's RTP timestamp mapped to the
						   camera's wall clock by an RTCP sender
						   report of this session */
	ANPRCAP_RTSP_CLOCK_ESTIMATED = 2,	/* no report yet in this session: arrival
						   time plus the camera's offset as last
						   measured (an earlier session) */
	ANPRCAP_RTSP_CLOCK_RECEIVE_TIME = 3,	/* no report ever: the host's arrival time */
};
#define ANPRCAP_RTSP_FL_CLOCKS_DISAGREE	(1u << 0) /* camera time not 0..10 s before arrival */
#define ANPRCAP_RTSP_FL_RECONNECTED	(1u << 1) /* first frame of a new session */
#define ANPRCAP_RTSP_FL_ONVIF		(1u << 2) /* camera_utc is the frame's own time from
						     the ONVIF replay header (RTP header
						     extension 0xABAC), not a sender
						     report's mapping; clock SYNCHRONISED */

/* Per-frame metadata of rtsp: sources (64 bytes, native byte order). */
struct anprcap_rtsp_meta {
	uint32_t magic;			/* ANPRCAP_META_RTSP */
	uint16_t version;		/* 1 */
	uint16_t size;			/* sizeof(struct anprcap_rtsp_meta) */
	uint32_t clock;			/* enum anprcap_rtsp_clock */
	uint32_t flags;			/* ANPRCAP_RTSP_FL_* */
	int64_t camera_utc_ns;		/* capture, camera's clock, ns since 1970 UTC */
	int64_t receive_utc_ns;		/* arrival (decoded), host CLOCK_REALTIME */
	uint64_t receive_mono_ns;	/* the same instant, host CLOCK_MONOTONIC */
	uint64_t lost_ns;		/* stream time lost to outages since start */
	uint64_t gap_ns;		/* the outage just before this frame, else 0 */
	uint32_t reconnects;		/* sessions re-established since start */
	uint32_t reserved;		/* 0 */
};

/*
 * A captured frame. Owned by the library; valid until
 * anprcap_release_frame(). Read-only for the caller. For the V4L2 backend
 * the pixels are the kernel's buffer itself (no copy): release frames
 * promptly or the driver runs out of buffers and drops.
 */
struct anprcap_frame {
	const uint8_t *data;		/* first pixel (plane 0) */
	size_t stride;			/* bytes per row of plane 0 */
	size_t bytes;			/* bytes of image data at data */
	uint32_t format;		/* ANPRCAP_FMT_* */
	uint32_t width;
	uint32_t height;
	uint32_t drops;			/* frames lost just before this one */
	uint64_t sequence;		/* monotonic, gaps = drops */
	uint64_t timestamp_ns;		/* CLOCK_MONOTONIC, nanoseconds */
	enum anprcap_ts_source ts_source;
	uint32_t meta_format;		/* ANPRCAP_META_*, NONE when absent */
	const void *meta;		/* per-frame metadata, NULL when absent */
	size_t meta_bytes;
	int dmabuf_fd;			/* exported DMABUF (V4L2, on request), else -1 */
};

/* One entry of anprcap_list(). */
struct anprcap_source_info {
	const char *uri;		/* open this */
	const char *name;		/* human-readable (card / product name) */
	const char *backend;		/* "v4l2", "usb", "libcamera" (rtsp: sources
					   are not listed) */
};

/* Options for anprcap_set_option(), before anprcap_start(). */
enum anprcap_option {
	ANPRCAP_OPT_BUFFERS = 1,	/* buffers in flight (default 4, 2..32) */
	ANPRCAP_OPT_DMABUF = 2,		/* 1: export each buffer as DMABUF (V4L2) */
	ANPRCAP_OPT_REPLAY = 3,		/* file: ANPRCAP_REPLAY_* (default REALTIME) */
	ANPRCAP_OPT_LOOP = 4,		/* file: 1 = restart at the end (default 0) */
	ANPRCAP_OPT_META = 5,		/* 0: ignore a metadata node (default 1) */
};

enum anprcap_replay {
	ANPRCAP_REPLAY_REALTIME = 0,	/* paced at the rate; slow consumer -> drops */
	ANPRCAP_REPLAY_FAST = 1,	/* as fast as consumed; never drops */
};

typedef struct anprcap_source anprcap_source;

/*
 * A clock: now() returns monotonic nanoseconds; sleep_until() waits until
 * now() >= t (it may return early; the library loops). Injected for tests
 * and simulations; the default is CLOCK_MONOTONIC and clock_nanosleep().
 */
struct anprcap_clock {
	uint64_t (*now)(void *ctx);
	void (*sleep_until)(void *ctx, uint64_t t_ns);
	void *ctx;
};

/* Library version string, e.g. "0.1.0". */
ANPRCAP_EXPORT const char *anprcap_version(void);

/* Short fixed description of an ANPRCAP_E* code. */
ANPRCAP_EXPORT const char *anprcap_strerror(int code);

/* Message of the last failure in this thread ("" if none). */
ANPRCAP_EXPORT const char *anprcap_last_error(void);

/*
 * List capture sources present (V4L2 capture nodes, USB sensors, libcamera
 * cameras). *list is an array of *count entries; free it with
 * anprcap_free_list(). File sources are not listed.
 */
ANPRCAP_EXPORT int anprcap_list(struct anprcap_source_info **list,
				size_t *count);
ANPRCAP_EXPORT void anprcap_free_list(struct anprcap_source_info *list,
				      size_t count);

/* Open a source by URI (see the top of this file). */
ANPRCAP_EXPORT int anprcap_open(const char *uri, anprcap_source **out);

/* Close a source: stops it, frees everything. Frames still held become
 * invalid. Safe on NULL. */
ANPRCAP_EXPORT void anprcap_close(anprcap_source *src);

/*
 * Ask for a format, size and rate before start. 0 / ANPRCAP_FMT_ANY keeps
 * the source's current value; fps_num/fps_den 0 keeps the rate. The source
 * may adjust; read back what it chose with anprcap_get_format().
 */
ANPRCAP_EXPORT int anprcap_configure(anprcap_source *src, uint32_t format,
				     uint32_t width, uint32_t height,
				     uint32_t fps_num, uint32_t fps_den);

/* The format in effect (after start, what frames will carry). */
ANPRCAP_EXPORT int anprcap_get_format(anprcap_source *src, uint32_t *format,
				      uint32_t *width, uint32_t *height,
				      uint32_t *fps_num, uint32_t *fps_den);

ANPRCAP_EXPORT int anprcap_set_option(anprcap_source *src,
				      enum anprcap_option opt, int64_t value);

/* Replace the clock (before start). NULL restores the default. */
ANPRCAP_EXPORT int anprcap_set_clock(anprcap_source *src,
				     const struct anprcap_clock *clock);

ANPRCAP_EXPORT int anprcap_start(anprcap_source *src);
ANPRCAP_EXPORT int anprcap_stop(anprcap_source *src);

/*
 * Wait up to timeout_ms (-1: forever, 0: poll) for the next frame. On
 * success *frame is valid until anprcap_release_frame(). ANPRCAP_E_TIMEOUT
 * when none arrived, ANPRCAP_E_EOF at the end of a recording,
 * ANPRCAP_E_NODEV when the device was unplugged, ANPRCAP_E_BUSY when every
 * buffer is held by the caller.
 */
ANPRCAP_EXPORT int anprcap_next_frame(anprcap_source *src, int timeout_ms,
				      const struct anprcap_frame **frame);

/* Give a frame back (to the kernel, for V4L2). Safe on NULL. */
ANPRCAP_EXPORT void anprcap_release_frame(anprcap_source *src,
					  const struct anprcap_frame *frame);

/* A file descriptor that polls readable when a frame may be ready, or -1. */
ANPRCAP_EXPORT int anprcap_get_fd(anprcap_source *src);

/* The URI the source was opened with, and its backend name. */
ANPRCAP_EXPORT const char *anprcap_uri(const anprcap_source *src);
ANPRCAP_EXPORT const char *anprcap_backend(const anprcap_source *src);

/* Bytes per pixel-row for a format and width (0 if unknown/compressed). */
ANPRCAP_EXPORT size_t anprcap_min_stride(uint32_t format, uint32_t width);

/* "GREY" etc. into buf (>= 5 bytes); returns buf. */
ANPRCAP_EXPORT const char *anprcap_fourcc_str(uint32_t format, char buf[5]);

#ifdef __cplusplus
}
#endif
#endif /* ANPRCAP_H */
