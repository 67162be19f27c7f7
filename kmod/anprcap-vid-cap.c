// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the video capture node (/dev/anpr/camN): its vb2 queue, frame
 * intervals and frame rate (S_PARM). Formats, sizes and the input are
 * shared with the other nodes (anprcap-vid-common.c).
 */
#include <linux/videodev2.h>
#include <media/v4l2-ioctl.h>

#include "anprcap-core.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

/* at least ANPRCAP_MIN_BUFFERS: fewer lose frames on any consumer hiccup */
static int cap_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			   unsigned int *nplanes, unsigned int sizes[],
			   struct device *alloc_devs[])
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vq);
	int ret;

	ret = anprcap_ctrls_injected_error(dev, dev->ctrl_queue_setup_error, "queue_setup");
	if (ret)
		return ret;
	if (!*nplanes)
		*nbuffers = max_t(unsigned int, *nbuffers, ANPRCAP_MIN_BUFFERS);
	return anprcap_vid_queue_setup(dev, nplanes, sizes);
}

static int cap_buf_prepare(struct vb2_buffer *vb)
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < dev->pix.sizeimage)
		return -EINVAL;
	vb2_set_plane_payload(vb, 0, dev->pix.sizeimage);
	return 0;
}

static const struct vb2_ops anprcap_cap_qops = {
	.queue_setup = cap_queue_setup,
	.buf_prepare = cap_buf_prepare,
	.buf_queue = anprcap_buf_queue,
	.start_streaming = anprcap_start_streaming,
	.stop_streaming = anprcap_stop_streaming,
	ANPRCAP_VB2_WAIT_OPS
};

/* whole frame rates from the fastest (max_fps, index 0) to 1 fps */
static int cap_enum_frameintervals(struct file *file, void *priv,
				   struct v4l2_frmivalenum *fival)
{
	struct anprcap_dev *dev = video_drvdata(file);

	if (!anprcap_fmt_find(fival->pixel_format) ||
	    !anprcap_fmt_size_valid(fival->width, fival->height) ||
	    fival->index >= dev->max_fps - ANPRCAP_MIN_FPS + 1)
		return -EINVAL;
	fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	fival->discrete.numerator = 1;
	fival->discrete.denominator = dev->max_fps - fival->index;
	return 0;
}

static int cap_g_parm(struct file *file, void *priv, struct v4l2_streamparm *parm)
{
	struct anprcap_dev *dev = video_drvdata(file);

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	parm->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
	parm->parm.capture.capturemode = 0;
	parm->parm.capture.timeperframe.numerator = 1;
	parm->parm.capture.timeperframe.denominator = dev->fps;
	parm->parm.capture.extendedmode = 0;
	parm->parm.capture.readbuffers = 2;
	return 0;
}

/* allowed while streaming: the new rate applies from the next frame slot */
static int cap_s_parm(struct file *file, void *priv, struct v4l2_streamparm *parm)
{
	struct anprcap_dev *dev = video_drvdata(file);
	const struct v4l2_fract *tpf = &parm->parm.capture.timeperframe;

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	anprcap_sensor_set_fps(dev, anprcap_fps_from_fract(tpf, dev->max_fps));
	return cap_g_parm(file, priv, parm);
}

static const struct v4l2_ioctl_ops anprcap_cap_ioctl_ops = {
	ANPRCAP_COMMON_IOCTLS,
	.vidioc_enum_fmt_vid_cap = anprcap_enum_fmt_vid,
	.vidioc_g_fmt_vid_cap = anprcap_g_fmt_vid,
	.vidioc_try_fmt_vid_cap = anprcap_try_fmt_vid,
	.vidioc_s_fmt_vid_cap = anprcap_s_fmt_vid,
	.vidioc_enum_framesizes = anprcap_enum_framesizes,
	.vidioc_enum_frameintervals = cap_enum_frameintervals,
	.vidioc_g_parm = cap_g_parm,
	.vidioc_s_parm = cap_s_parm,
	.vidioc_enum_input = anprcap_enum_input,
	.vidioc_g_input = anprcap_g_input,
	.vidioc_s_input = anprcap_s_input,
};

int anprcap_vid_cap_init(struct anprcap_dev *dev)
{
	int ret;

	ret = anprcap_queue_init(dev, &dev->q_cap, V4L2_BUF_TYPE_VIDEO_CAPTURE,
				 &anprcap_cap_qops);
	if (ret)
		return ret;
	anprcap_vdev_init(dev, &dev->vdev_cap, &dev->q_cap, "", V4L2_CAP_VIDEO_CAPTURE,
			  &anprcap_cap_ioctl_ops);
	return 0;
}
