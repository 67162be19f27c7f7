// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the metadata capture node (/dev/anpr/camN-meta). One
 * struct anprcap_meta per buffer, one buffer per sensor frame, with the same
 * sequence number and timestamp as the video frame it describes.
 */
#include <linux/sizes.h>
#include <linux/videodev2.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "anprcap.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

/* largest metadata buffer CREATE_BUFS may ask for */
#define ANPRCAP_META_MAX_BUF_SIZE	SZ_64K

static int meta_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			    unsigned int *nplanes, unsigned int sizes[],
			    struct device *alloc_devs[])
{
	if (*nplanes)
		return sizes[0] < sizeof(struct anprcap_meta) ||
		       sizes[0] > ANPRCAP_META_MAX_BUF_SIZE ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = sizeof(struct anprcap_meta);
	*nbuffers = max_t(unsigned int, *nbuffers, ANPRCAP_MIN_BUFFERS);
	return 0;
}

static int meta_buf_prepare(struct vb2_buffer *vb)
{
	if (vb2_plane_size(vb, 0) < sizeof(struct anprcap_meta))
		return -EINVAL;
	vb2_set_plane_payload(vb, 0, sizeof(struct anprcap_meta));
	return 0;
}

static void meta_buf_queue(struct vb2_buffer *vb)
{
	anprcap_sensor_queue(vb2_get_drv_priv(vb->vb2_queue), to_anprcap_buffer(vb));
}

static int meta_start_streaming(struct vb2_queue *vq, unsigned int count)
{
	return anprcap_sensor_start(vb2_get_drv_priv(vq), vq);
}

static void meta_stop_streaming(struct vb2_queue *vq)
{
	anprcap_sensor_stop(vb2_get_drv_priv(vq), vq);
}

static const struct vb2_ops anprcap_meta_qops = {
	.queue_setup = meta_queue_setup,
	.buf_prepare = meta_buf_prepare,
	.buf_queue = meta_buf_queue,
	.start_streaming = meta_start_streaming,
	.stop_streaming = meta_stop_streaming,
	ANPRCAP_VB2_WAIT_OPS
};

static int meta_enum_fmt(struct file *file, void *priv, struct v4l2_fmtdesc *f)
{
	if (f->index)
		return -EINVAL;
	f->pixelformat = V4L2_META_FMT_ANPRCAP;
	strscpy(f->description, "ANPR frame metadata", sizeof(f->description));
	return 0;
}

/* the format is fixed: G, TRY and S_FMT all return it */
static int meta_g_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	f->fmt.meta.dataformat = V4L2_META_FMT_ANPRCAP;
	f->fmt.meta.buffersize = sizeof(struct anprcap_meta);
	return 0;
}

static const struct v4l2_ioctl_ops anprcap_meta_ioctl_ops = {
	.vidioc_querycap = anprcap_querycap,
	.vidioc_enum_fmt_meta_cap = meta_enum_fmt,
	.vidioc_g_fmt_meta_cap = meta_g_fmt,
	.vidioc_try_fmt_meta_cap = meta_g_fmt,
	.vidioc_s_fmt_meta_cap = meta_g_fmt,
	.vidioc_enum_input = anprcap_enum_input,
	.vidioc_g_input = anprcap_g_input,
	.vidioc_s_input = anprcap_s_input,
	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,
	.vidioc_log_status = v4l2_ctrl_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

int anprcap_meta_cap_init(struct anprcap_dev *dev)
{
	struct vb2_queue *q = &dev->q_meta;
	struct video_device *vdev = &dev->vdev_meta;
	int ret;

	ret = anprcap_queue_init(dev, q, V4L2_BUF_TYPE_META_CAPTURE, &anprcap_meta_qops);
	if (ret)
		return ret;

	snprintf(vdev->name, sizeof(vdev->name), "cam%u-meta", dev->index);
	vdev->device_caps = V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING |
			    V4L2_CAP_READWRITE;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->fops = &anprcap_fops;
	vdev->ioctl_ops = &anprcap_meta_ioctl_ops;
	anprcap_vdev_common(dev, vdev, q);
	return 0;
}
