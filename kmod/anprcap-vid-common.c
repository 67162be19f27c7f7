// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: what the driver's three nodes have in common (the counterpart of
 * vivid-vid-common.c): the vb2 queue set-up with the sensor's allocator, the
 * vb2 operations that only hand buffers to the sensor, node registration
 * details, and the ioctl handlers shared by the capture, output and
 * metadata nodes. All handlers run with the sensor's @lock held (vb2 and
 * the V4L2 core take it: vdev->lock, q->lock).
 */
#include <linux/gfp.h>
#include <media/v4l2-dev.h>
#include <media/videobuf2-dma-contig.h>
#include <media/videobuf2-vmalloc.h>

#include "anprcap-core.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

/**
 * anprcap_queue_init() - set up and initialise one node's vb2 queue
 * @dev:	the sensor
 * @q:		the queue
 * @type:	its buffer type
 * @ops:	its vb2 operations
 *
 * The sensor's allocator decides the memory: vb2-vmalloc, or vb2-dma-contig
 * on the platform device (which then has a DMA mask). dma-contig cannot take
 * user pointers (user memory is not physically contiguous), so USERPTR is
 * offered with vmalloc only, as vivid does. A dma-contig buffer larger than
 * the page allocator's largest block fails with ENOMEM, without a warning.
 *
 * Return: 0 or the error of vb2_queue_init().
 */
int anprcap_queue_init(struct anprcap_dev *dev, struct vb2_queue *q,
		       enum v4l2_buf_type type, const struct vb2_ops *ops)
{
	bool out = V4L2_TYPE_IS_OUTPUT(type);

	q->type = type;
	q->io_modes = VB2_MMAP | VB2_DMABUF | (out ? VB2_WRITE : VB2_READ);
	if (dev->allocator == ANPRCAP_ALLOC_DMA_CONTIG) {
		q->mem_ops = &vb2_dma_contig_memops;
		q->gfp_flags = __GFP_NOWARN;
	} else {
		q->io_modes |= VB2_USERPTR;
		q->mem_ops = &vb2_vmalloc_memops;
	}
	q->drv_priv = dev;
	q->buf_struct_size = sizeof(struct anprcap_buffer);
	q->ops = ops;
	/* output buffers carry no exposure: their time is when they were queued */
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     (out ? 0 : V4L2_BUF_FLAG_TSTAMP_SRC_SOE);
	q->lock = &dev->lock;
	q->dev = &dev->pdev->dev;
	anprcap_vb2_set_min_queued(q, 0);
	return vb2_queue_init(q);
}

/**
 * anprcap_vid_queue_setup() - plane size of an image queue (capture, output)
 * @dev:	the sensor
 * @nplanes:	0 for REQBUFS, else CREATE_BUFS's plane count (always 1)
 * @sizes:	the plane size: set for REQBUFS, checked for CREATE_BUFS
 *
 * Return: 0, or -EINVAL if CREATE_BUFS asks for a buffer smaller than the
 * image or larger than ANPRCAP_MAX_BUF_SIZE.
 */
int anprcap_vid_queue_setup(struct anprcap_dev *dev, unsigned int *nplanes,
			    unsigned int sizes[])
{
	unsigned int size = dev->pix.sizeimage;

	if (*nplanes)
		return sizes[0] < size || sizes[0] > ANPRCAP_MAX_BUF_SIZE ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = size;
	return 0;
}

/* every queue hands its buffers to the sensor, which takes one per frame */
void anprcap_buf_queue(struct vb2_buffer *vb)
{
	anprcap_sensor_queue(vb2_get_drv_priv(vb->vb2_queue), to_anprcap_buffer(vb));
}

/* the sensor runs while any of the three queues streams */
int anprcap_start_streaming(struct vb2_queue *vq, unsigned int count)
{
	return anprcap_sensor_start(vb2_get_drv_priv(vq), vq);
}

void anprcap_stop_streaming(struct vb2_queue *vq)
{
	anprcap_sensor_stop(vb2_get_drv_priv(vq), vq);
}

/**
 * anprcap_vdev_init() - fill in one node before registration
 * @dev:	the sensor
 * @vdev:	the node
 * @q:		its vb2 queue
 * @suffix:	"" for cam<N>, "-meta" or "-out": the sysfs name udev keys on
 * @caps:	device capabilities; the direction follows from them
 * @ioctl_ops:	its ioctl handlers
 */
void anprcap_vdev_init(struct anprcap_dev *dev, struct video_device *vdev,
		       struct vb2_queue *q, const char *suffix, u32 caps,
		       const struct v4l2_ioctl_ops *ioctl_ops)
{
	snprintf(vdev->name, sizeof(vdev->name), "cam%u%s", dev->index, suffix);
	vdev->device_caps = caps | V4L2_CAP_STREAMING | V4L2_CAP_READWRITE;
	vdev->vfl_dir = caps & V4L2_CAP_VIDEO_OUTPUT ? VFL_DIR_TX : VFL_DIR_RX;
	vdev->fops = &anprcap_fops;
	vdev->ioctl_ops = ioctl_ops;
	vdev->release = video_device_release_empty;
	vdev->v4l2_dev = &dev->v4l2_dev;
	vdev->queue = q;
	vdev->lock = &dev->lock;
	video_set_drvdata(vdev, dev);
}

int anprcap_querycap(struct file *file, void *priv, struct v4l2_capability *cap)
{
	struct anprcap_dev *dev = video_drvdata(file);

	strscpy(cap->driver, ANPRCAP_DRIVER_NAME, sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "ANPR IR sensor %u", dev->index);
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:%s",
		 dev_name(&dev->pdev->dev));
	return 0;
}

/* image formats: capture and output share the sensor's */
int anprcap_enum_fmt_vid(struct file *file, void *priv, struct v4l2_fmtdesc *f)
{
	const struct anprcap_fmt_info *info = anprcap_fmt_by_index(f->index);

	if (!info)
		return -EINVAL;
	f->pixelformat = info->fourcc;
	return 0;
}

int anprcap_g_fmt_vid(struct file *file, void *priv, struct v4l2_format *f)
{
	struct anprcap_dev *dev = video_drvdata(file);

	f->fmt.pix = dev->pix;
	return 0;
}

int anprcap_try_fmt_vid(struct file *file, void *priv, struct v4l2_format *f)
{
	anprcap_fmt_try(&f->fmt.pix);
	return 0;
}

/*
 * Capture and output share the sensor format. A node's own buffers fix it
 * (EBUSY). The other node's buffers fix it too, but setting the format the
 * sensor already has changes nothing, so that is allowed: a consumer such as
 * ffmpeg or GStreamer, which always sets its format, can then join while
 * frames are being injected.
 */
int anprcap_s_fmt_vid(struct file *file, void *priv, struct v4l2_format *f)
{
	struct anprcap_dev *dev = video_drvdata(file);
	struct vb2_queue *own = video_devdata(file)->queue;
	struct vb2_queue *other = own == &dev->q_cap ? &dev->q_out : &dev->q_cap;

	anprcap_fmt_try(&f->fmt.pix);
	if (vb2_is_busy(own))
		return -EBUSY;
	if (vb2_is_busy(other) && !anprcap_fmt_same(&f->fmt.pix, &dev->pix))
		return -EBUSY;
	dev->pix = f->fmt.pix;
	return 0;
}

int anprcap_enum_framesizes(struct file *file, void *priv, struct v4l2_frmsizeenum *fsize)
{
	if (fsize->index || !anprcap_fmt_find(fsize->pixel_format))
		return -EINVAL;
	fsize->type = V4L2_FRMSIZE_TYPE_STEPWISE;
	fsize->stepwise.min_width = ANPRCAP_MIN_WIDTH;
	fsize->stepwise.max_width = ANPRCAP_MAX_WIDTH;
	fsize->stepwise.step_width = ANPRCAP_STEP_WIDTH;
	fsize->stepwise.min_height = ANPRCAP_MIN_HEIGHT;
	fsize->stepwise.max_height = ANPRCAP_MAX_HEIGHT;
	fsize->stepwise.step_height = ANPRCAP_STEP_HEIGHT;
	return 0;
}

/* the one input of the capture and metadata nodes: the IR sensor */
int anprcap_enum_input(struct file *file, void *priv, struct v4l2_input *inp)
{
	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(inp->name, "IR sensor", sizeof(inp->name));
	return 0;
}

int anprcap_g_input(struct file *file, void *priv, unsigned int *i)
{
	*i = 0;
	return 0;
}

int anprcap_s_input(struct file *file, void *priv, unsigned int i)
{
	return i ? -EINVAL : 0;
}
