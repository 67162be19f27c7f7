// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the video output node (/dev/anpr/camN-out), a loopback into the
 * simulated sensor. Each frame written here is the image of one sensor
 * frame; in external trigger mode it is also the trigger for that frame.
 * It shares the sensor format with the capture node (anprcap-vid-common.c).
 */
#include <linux/videodev2.h>
#include <media/v4l2-ioctl.h>

#include "anprcap-core.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

static int out_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			   unsigned int *nplanes, unsigned int sizes[],
			   struct device *alloc_devs[])
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vq);
	int ret;

	ret = anprcap_ctrls_injected_error(dev, dev->ctrl_queue_setup_error, "queue_setup");
	if (ret)
		return ret;
	return anprcap_vid_queue_setup(dev, nplanes, sizes);
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

static const struct vb2_ops anprcap_out_qops = {
	.queue_setup = out_queue_setup,
	.buf_out_validate = out_buf_out_validate,
	.buf_prepare = out_buf_prepare,
	.buf_queue = anprcap_buf_queue,
	.start_streaming = anprcap_start_streaming,
	.stop_streaming = anprcap_stop_streaming,
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
	ANPRCAP_COMMON_IOCTLS,
	.vidioc_enum_fmt_vid_out = anprcap_enum_fmt_vid,
	.vidioc_g_fmt_vid_out = anprcap_g_fmt_vid,
	.vidioc_try_fmt_vid_out = anprcap_try_fmt_vid,
	.vidioc_s_fmt_vid_out = anprcap_s_fmt_vid,
	.vidioc_enum_framesizes = anprcap_enum_framesizes,
	.vidioc_enum_output = out_enum_output,
	.vidioc_g_output = out_g_output,
	.vidioc_s_output = out_s_output,
};

int anprcap_vid_out_init(struct anprcap_dev *dev)
{
	int ret;

	ret = anprcap_queue_init(dev, &dev->q_out, V4L2_BUF_TYPE_VIDEO_OUTPUT,
				 &anprcap_out_qops);
	if (ret)
		return ret;
	anprcap_vdev_init(dev, &dev->vdev_out, &dev->q_out, "-out", V4L2_CAP_VIDEO_OUTPUT,
			  &anprcap_out_ioctl_ops);
	return 0;
}
