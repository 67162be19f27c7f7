// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the video output node (/dev/anpr/camN-out), a loopback into the
 * simulated sensor. Each frame written here is the image of one sensor
 * frame; in external trigger mode it is also the trigger for that frame.
 * It shares the sensor format with the capture node.
 */
#include <linux/videodev2.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "anprcap.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

static int out_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			   unsigned int *nplanes, unsigned int sizes[],
			   struct device *alloc_devs[])
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vq);
	unsigned int size = dev->pix.sizeimage;

	if (*nplanes)
		return sizes[0] < size || sizes[0] > ANPRCAP_MAX_BUF_SIZE ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = size;
	return 0;
}

/* an injected frame must fill the whole image */
static int out_buf_prepare(struct vb2_buffer *vb)
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < dev->pix.sizeimage)
		return -EINVAL;
	if (vb2_get_plane_payload(vb, 0) < dev->pix.sizeimage)
		return -EINVAL;
	return 0;
}

static int out_buf_out_validate(struct vb2_buffer *vb)
{
	to_vb2_v4l2_buffer(vb)->field = V4L2_FIELD_NONE;
	return 0;
}

static void out_buf_queue(struct vb2_buffer *vb)
{
	anprcap_sensor_queue(vb2_get_drv_priv(vb->vb2_queue), to_anprcap_buffer(vb));
}

static int out_start_streaming(struct vb2_queue *vq, unsigned int count)
{
	return anprcap_sensor_start(vb2_get_drv_priv(vq), vq);
}

static void out_stop_streaming(struct vb2_queue *vq)
{
	anprcap_sensor_stop(vb2_get_drv_priv(vq), vq);
}

static const struct vb2_ops anprcap_out_qops = {
	.queue_setup = out_queue_setup,
	.buf_out_validate = out_buf_out_validate,
	.buf_prepare = out_buf_prepare,
	.buf_queue = out_buf_queue,
	.start_streaming = out_start_streaming,
	.stop_streaming = out_stop_streaming,
	ANPRCAP_VB2_WAIT_OPS
};

static int out_enum_output(struct file *file, void *priv, struct v4l2_output *out)
{
	if (out->index)
		return -EINVAL;
	out->type = V4L2_OUTPUT_TYPE_ANALOG;
	strscpy(out->name, "Sensor loopback", sizeof(out->name));
	return 0;
}

static int out_g_output(struct file *file, void *priv, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int out_s_output(struct file *file, void *priv, unsigned int i)
{
	return i ? -EINVAL : 0;
}

static const struct v4l2_ioctl_ops anprcap_out_ioctl_ops = {
	.vidioc_querycap = anprcap_querycap,
	.vidioc_enum_fmt_vid_out = anprcap_enum_fmt_vid,
	.vidioc_g_fmt_vid_out = anprcap_g_fmt_vid,
	.vidioc_try_fmt_vid_out = anprcap_try_fmt_vid,
	.vidioc_s_fmt_vid_out = anprcap_s_fmt_vid,
	.vidioc_enum_framesizes = anprcap_enum_framesizes,
	.vidioc_enum_output = out_enum_output,
	.vidioc_g_output = out_g_output,
	.vidioc_s_output = out_s_output,
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

int anprcap_vid_out_init(struct anprcap_dev *dev)
{
	struct vb2_queue *q = &dev->q_out;
	struct video_device *vdev = &dev->vdev_out;
	int ret;

	ret = anprcap_queue_init(dev, q, V4L2_BUF_TYPE_VIDEO_OUTPUT, &anprcap_out_qops);
	if (ret)
		return ret;

	snprintf(vdev->name, sizeof(vdev->name), "cam%u-out", dev->index);
	vdev->device_caps = V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_STREAMING |
			    V4L2_CAP_READWRITE;
	vdev->vfl_dir = VFL_DIR_TX;
	vdev->fops = &anprcap_fops;
	vdev->ioctl_ops = &anprcap_out_ioctl_ops;
	anprcap_vdev_common(dev, vdev, q);
	return 0;
}
