/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap-core.h - the driver's internal state shared by its files (named
 * apart from the UAPI header uapi/anprcap.h and libanprcap's anprcap.h).
 *
 * One platform device per sensor. Each sensor has three video nodes sharing
 * one mutex: video capture, metadata capture and video output (loopback).
 */
#ifndef ANPRCAP_CORE_H
#define ANPRCAP_CORE_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>
#include <media/videobuf2-v4l2.h>

#include "uapi/anprcap.h"
#include "anprcap-errinj.h"
#include "anprcap-fmt.h"
#include "anprcap-meta.h"
#include "anprcap-timing.h"

/*
 * REQBUFS on a capture node gives at least this many buffers: with fewer,
 * any consumer hiccup longer than a frame time loses frames
 */
#define ANPRCAP_MIN_BUFFERS	4

/* every buffer of every queue can be in flight at once, plus slack */
#define ANPRCAP_MAX_JOBS	(3 * VB2_MAX_FRAME + 4)

/**
 * enum anprcap_allocator - where a sensor's vb2 buffers live
 * @ANPRCAP_ALLOC_VMALLOC:	vb2-vmalloc (the simulated sensor has no DMA)
 * @ANPRCAP_ALLOC_DMA_CONTIG:	vb2-dma-contig on the platform device, chosen
 *				when that device has a DMA mask
 */
enum anprcap_allocator {
	ANPRCAP_ALLOC_VMALLOC = 0,
	ANPRCAP_ALLOC_DMA_CONTIG = 1,
};

/**
 * struct anprcap_buffer - a vb2 buffer on one of the driver's lists
 * @vb:		the vb2 buffer, first member
 * @list:	entry in a queued list of struct anprcap_dev (slock)
 */
struct anprcap_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
};

/**
 * struct anprcap_job - work for the frame worker, made by the frame interrupt
 * @fi:		what the sensor knew at the frame interrupt
 * @cap:	video buffer to fill, or NULL (frame dropped)
 * @meta:	metadata buffer to fill, or NULL
 * @out:	injected frame to copy from and return, or NULL
 * @cap_error:	complete @cap with VB2_BUF_STATE_ERROR (injected error)
 */
struct anprcap_job {
	struct anprcap_frame_info fi;
	struct anprcap_buffer *cap;
	struct anprcap_buffer *meta;
	struct anprcap_buffer *out;
	bool cap_error;
};

/**
 * struct anprcap_sensor_cfg - control values the frame interrupt reads
 * @exposure_us:	V4L2_CID_EXPOSURE
 * @gain_mdb:		V4L2_CID_GAIN
 * @strobe_enable:	ANPRCAP_CID_STROBE_ENABLE
 * @strobe_intensity:	ANPRCAP_CID_STROBE_INTENSITY
 * @trigger:		ANPRCAP_CID_TRIGGER_MODE
 * @pattern:		V4L2_CID_TEST_PATTERN
 */
struct anprcap_sensor_cfg {
	u32 exposure_us;
	u32 gain_mdb;
	bool strobe_enable;
	u32 strobe_intensity;
	u32 trigger;
	u32 pattern;
};

/**
 * struct anprcap_dev - one simulated IR sensor and its three nodes
 * @v4l2_dev:	V4L2 device; its release callback frees this struct
 * @pdev:	the platform device this sensor is bound to
 * @index:	sensor number N (/dev/anpr/camN)
 * @allocator:	memory of all three queues, fixed at probe
 * @max_fps:	the sensor's highest frame rate (module parameter max_fps)
 * @error_inj:	the error-injection controls exist (module parameter
 *		error_inj, read at probe)
 * @lock:	serialises ioctls and vb2 queue operations of all three nodes;
 *		protects @pix, @fps and the *_streaming flags' writers
 * @ctrls:	control handler shared by the three nodes
 * @ctrl_queue_setup_error: ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR, or NULL
 *		without error_inj; read and reset under @lock
 * @ctrl_streamon_error: ANPRCAP_CID_ERRINJ_STREAMON_ERROR, or NULL; as above
 * @vdev_cap:	video capture node
 * @vdev_meta:	metadata capture node
 * @vdev_out:	video output (loopback) node
 * @q_cap:	vb2 queue of @vdev_cap
 * @q_meta:	vb2 queue of @vdev_meta
 * @q_out:	vb2 queue of @vdev_out
 * @pix:	sensor format, shared by capture and output nodes (@lock)
 * @fps:	frame rate (@lock to change, @slock to apply)
 * @slock:	protects everything below, taken by the frame interrupt
 * @cap_queued:	video buffers waiting for a frame (@slock)
 * @meta_queued: metadata buffers waiting for a frame (@slock)
 * @out_queued:	injected frames waiting for the sensor (@slock)
 * @cap_streaming: video capture queue is streaming (@slock)
 * @meta_streaming: metadata queue is streaming (@slock)
 * @out_streaming: output queue is streaming (@slock)
 * @running:	the frame timer runs (@slock)
 * @clk:	frame clock, sequence and drop counters (@slock)
 * @cfg:	control values for the next frame (@slock)
 * @errinj:	injected buffer errors and stall (@slock)
 * @jobs:	ring of jobs from the frame interrupt to the worker (@slock)
 * @job_head:	next job to hand to the worker (@slock)
 * @job_count:	jobs in the ring (@slock)
 * @dropped_total: @clk.dropped, readable without @slock by the control
 * @overruns_total: @clk.overruns, readable without @slock by the control
 * @timer:	the sensor's frame interrupt
 * @work:	fills buffers outside interrupt context
 * @wq:		ordered workqueue running @work
 */
struct anprcap_dev {
	struct v4l2_device v4l2_dev;
	struct platform_device *pdev;
	unsigned int index;
	enum anprcap_allocator allocator;
	unsigned int max_fps;
	bool error_inj;
	struct mutex lock;		/* ioctls and vb2 queues of all nodes */
	struct v4l2_ctrl_handler ctrls;
	struct v4l2_ctrl *ctrl_queue_setup_error;
	struct v4l2_ctrl *ctrl_streamon_error;
	struct video_device vdev_cap;
	struct video_device vdev_meta;
	struct video_device vdev_out;
	struct vb2_queue q_cap;
	struct vb2_queue q_meta;
	struct vb2_queue q_out;
	struct v4l2_pix_format pix;
	unsigned int fps;

	spinlock_t slock;		/* shared with the frame interrupt */
	struct list_head cap_queued;
	struct list_head meta_queued;
	struct list_head out_queued;
	bool cap_streaming;
	bool meta_streaming;
	bool out_streaming;
	bool running;
	struct anprcap_clock clk;
	struct anprcap_sensor_cfg cfg;
	struct anprcap_errinj errinj;
	struct anprcap_job jobs[ANPRCAP_MAX_JOBS];
	unsigned int job_head;
	unsigned int job_count;
	atomic64_t dropped_total;
	atomic64_t overruns_total;
	struct hrtimer timer;
	struct work_struct work;
	struct workqueue_struct *wq;
};

/* anprcap-core.c */
extern const struct v4l2_file_operations anprcap_fops;
extern int anprcap_debug;

/*
 * Debug messages by level (module parameter debug, writable at run time):
 * 1 = streaming started and stopped, injected errors and stalls;
 * 2 = also every buffer queued and completed. KERN_DEBUG, so they reach
 * dmesg and not the console.
 */
#define anprcap_dbg(level, dev, fmt, ...) \
	v4l2_dbg(level, anprcap_debug, &(dev)->v4l2_dev, fmt, ##__VA_ARGS__)

/* anprcap-vid-cap.c */
int anprcap_vid_cap_init(struct anprcap_dev *dev);

/* anprcap-meta-cap.c */
int anprcap_meta_cap_init(struct anprcap_dev *dev);

/* anprcap-vid-out.c */
int anprcap_vid_out_init(struct anprcap_dev *dev);

/* anprcap-ctrls.c */
int anprcap_ctrls_init(struct anprcap_dev *dev);
int anprcap_ctrls_injected_error(struct anprcap_dev *dev, struct v4l2_ctrl *ctrl,
				 const char *what);

/* anprcap-sensor.c */
void anprcap_sensor_init(struct anprcap_dev *dev);
int anprcap_sensor_start(struct anprcap_dev *dev, struct vb2_queue *q);
void anprcap_sensor_stop(struct anprcap_dev *dev, struct vb2_queue *q);
void anprcap_sensor_set_fps(struct anprcap_dev *dev, unsigned int fps);
void anprcap_sensor_queue(struct anprcap_dev *dev, struct anprcap_buffer *buf);
void anprcap_sensor_set_cfg(struct anprcap_dev *dev, const struct anprcap_sensor_cfg *cfg);

static inline struct anprcap_buffer *to_anprcap_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct anprcap_buffer, vb);
}

#endif /* ANPRCAP_CORE_H */
