/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * anprcap: user-visible ABI of the ANPR capture driver.
 *
 * This is the one header user space needs beside <linux/videodev2.h>:
 * the metadata format of the "-meta" node, its fourcc, and the driver's
 * private control class with its control IDs. See docs/kmod.md and
 * docs/frame-metadata.md.
 */
#ifndef _UAPI_ANPRCAP_H
#define _UAPI_ANPRCAP_H

#include <linux/types.h>
#include <linux/videodev2.h>

/* Driver name as reported by VIDIOC_QUERYCAP (struct v4l2_capability.driver). */
#define ANPRCAP_DRIVER_NAME	"anprcap"

/*
 * Metadata format of the V4L2_BUF_TYPE_META_CAPTURE node: one
 * struct anprcap_meta per buffer, one buffer per sensor frame.
 */
#define V4L2_META_FMT_ANPRCAP	v4l2_fourcc('A', 'N', 'P', 'M')

#define ANPRCAP_META_MAGIC	0x4d504e41	/* "ANPM" in memory order */
#define ANPRCAP_META_VERSION	1

/* Bits of struct anprcap_meta.flags */
#define ANPRCAP_META_FL_STROBE_ON	(1U << 0) /* IR illuminator fired */
#define ANPRCAP_META_FL_INJECTED	(1U << 1) /* image came from the output node */
#define ANPRCAP_META_FL_VIDEO_DROPPED	(1U << 2) /* no video buffer: image lost */

/* Values of struct anprcap_meta.trigger and of ANPRCAP_CID_TRIGGER_MODE */
#define ANPRCAP_TRIGGER_FREE_RUN	0 /* sensor's own frame clock */
#define ANPRCAP_TRIGGER_EXTERNAL	1 /* one frame per external trigger */

/**
 * struct anprcap_meta - per-frame metadata, one per META_CAPTURE buffer
 * @magic:		ANPRCAP_META_MAGIC
 * @version:		ANPRCAP_META_VERSION; readers reject other versions
 * @size:		sizeof(struct anprcap_meta) as written by the driver
 * @sequence:		sensor frame number, equal to the v4l2_buffer.sequence
 *			of the video frame it describes
 * @flags:		ANPRCAP_META_FL_* bits
 * @soe_ns:		start of exposure, CLOCK_MONOTONIC, nanoseconds; equal to
 *			the video buffer's timestamp
 * @eoe_ns:		end of exposure, CLOCK_MONOTONIC, nanoseconds
 * @exposure_us:	exposure time actually used, microseconds
 * @gain_mdb:		analogue gain, milli-decibels (1000 = 1 dB)
 * @strobe_intensity:	IR illuminator intensity, percent (0-100); 0 when off
 * @trigger:		ANPRCAP_TRIGGER_* that started this frame
 * @frames_dropped:	video frames lost since streaming started (no buffer
 *			queued, sensor overrun, or an injected stall:
 *			ANPRCAP_CID_ERRINJ_STALL), including this one if
 *			ANPRCAP_META_FL_VIDEO_DROPPED is set
 * @reserved:		zero
 *
 * All fields are in the CPU's native byte order. The layout is fixed
 * (64 bytes, no implicit padding); new fields only ever replace @reserved
 * and come with a new @version.
 */
struct anprcap_meta {
	__u32 magic;
	__u16 version;
	__u16 size;
	__u32 sequence;
	__u32 flags;
	__u64 soe_ns;
	__u64 eoe_ns;
	__u32 exposure_us;
	__u32 gain_mdb;
	__u32 strobe_intensity;
	__u32 trigger;
	__u64 frames_dropped;
	__u32 reserved[2];
};

/*
 * Private control class. Standard controls used by the driver:
 * V4L2_CID_EXPOSURE (microseconds), V4L2_CID_GAIN (milli-decibels),
 * V4L2_CID_TEST_PATTERN. Everything ANPR-specific lives in this class.
 */
#define ANPRCAP_CTRL_CLASS		0x00f00000
#define ANPRCAP_CID_CLASS		(ANPRCAP_CTRL_CLASS | 1)
#define ANPRCAP_CID_BASE		(ANPRCAP_CTRL_CLASS | 0x900)
/* bool: fire the IR illuminator during each exposure */
#define ANPRCAP_CID_STROBE_ENABLE	(ANPRCAP_CID_BASE + 0)
/* integer 0-100: IR illuminator intensity, percent */
#define ANPRCAP_CID_STROBE_INTENSITY	(ANPRCAP_CID_BASE + 1)
/* menu: ANPRCAP_TRIGGER_FREE_RUN or ANPRCAP_TRIGGER_EXTERNAL */
#define ANPRCAP_CID_TRIGGER_MODE	(ANPRCAP_CID_BASE + 2)
/*
 * integer64, read-only, volatile: video frames lost since the sensor started
 * streaming: no video buffer queued, a sensor overrun (below), or an
 * injected stall (ANPRCAP_CID_ERRINJ_STALL)
 */
#define ANPRCAP_CID_FRAMES_DROPPED	(ANPRCAP_CID_BASE + 3)
/*
 * integer64, read-only, volatile: of those, frame slots of a free-running
 * sensor that passed while its frame interrupt was late (sensor overruns)
 */
#define ANPRCAP_CID_SENSOR_OVERRUNS	(ANPRCAP_CID_BASE + 4)

/*
 * Error injection, in the manner of vivid's "Error Injection" controls: they
 * exist only when the module is loaded with error_inj=1 (default 0), so
 * production use and v4l2-compliance never see them. docs/kmod.md,
 * "Error injection", says what each does to the frames.
 */
#define ANPRCAP_CID_ERRINJ_BASE		(ANPRCAP_CID_BASE + 0x40)
/*
 * integer 0-ANPRCAP_ERRINJ_MAX_BUF_ERRORS, volatile, execute on write: the
 * next N video capture buffers come back with V4L2_BUF_FLAG_ERROR (no
 * image, bytesused 0, their own sequence numbers); reads as the number
 * still to come. Writing replaces that number.
 */
#define ANPRCAP_CID_ERRINJ_BUF_ERRORS	(ANPRCAP_CID_ERRINJ_BASE + 0)
/*
 * bool: the sensor stalls: while set it delivers no frame on any node (its
 * buffers stay queued). A free-running sensor's frame slots still pass:
 * each is a lost frame (counted in ANPRCAP_CID_FRAMES_DROPPED, a gap in the
 * sequence); an externally triggered one exposes nothing.
 */
#define ANPRCAP_CID_ERRINJ_STALL	(ANPRCAP_CID_ERRINJ_BASE + 1)
/*
 * integer 0-ANPRCAP_ERRINJ_MAX_ERRNO: the next VIDIOC_REQBUFS or
 * VIDIOC_CREATE_BUFS that allocates buffers on any of the sensor's nodes
 * fails with this errno (vb2 queue_setup); the control is then 0 again
 */
#define ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR	(ANPRCAP_CID_ERRINJ_BASE + 2)
/*
 * integer 0-ANPRCAP_ERRINJ_MAX_ERRNO: the next VIDIOC_STREAMON of any of the
 * sensor's nodes fails with this errno (vb2 start_streaming), its queued
 * buffers handed back to vb2 still queued; the control is then 0 again
 */
#define ANPRCAP_CID_ERRINJ_STREAMON_ERROR	(ANPRCAP_CID_ERRINJ_BASE + 3)

#define ANPRCAP_ERRINJ_MAX_BUF_ERRORS	1000
#define ANPRCAP_ERRINJ_MAX_ERRNO	133	/* EHWPOISON, the last errno */

/* Values of V4L2_CID_TEST_PATTERN */
#define ANPRCAP_PATTERN_GRADIENT	0 /* moving horizontal ramp */
#define ANPRCAP_PATTERN_BARS		1 /* vertical bars */
#define ANPRCAP_PATTERN_FLAT		2 /* mid-grey */

#endif /* _UAPI_ANPRCAP_H */
