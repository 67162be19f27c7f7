// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the video capture node (/dev/anpr/camN): formats, frame sizes,
 * frame rates (S_PARM) and its vb2 queue.
 */
#include <linux/videodev2.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "anprcap.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

static int cap_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			   unsigned int *nplanes, unsigned int sizes[],
			   struct device *alloc_devs[])
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vq);
	unsigned int size = dev->pix.sizeimage;

	if (*nplanes)
		return sizes[0] < size || sizes[0] > ANPRCAP_MAX_BUF_SIZE ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = size;
	*nbuffers = max_t(unsigned int, *nbuffers, ANPRCAP_MIN_BUFFERS);
	return 0;
}

static int cap_buf_prepare(struct vb2_buffer *vb)
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < dev->pix.sizeimage)
		return -EINVAL;
	vb2_set_plane_payload(vb, 0, dev->pix.sizeimage);
	return 0;
}

static void cap_buf_queue(struct vb2_buffer *vb)
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vb->vb2_queue);

	anprcap_sensor_queue(dev, to_anprcap_buffer(vb));
}

static int cap_start_streaming(struct vb2_queue *vq, unsigned int count)
{
	return anprcap_sensor_start(vb2_get_drv_priv(vq), vq);
}

static void cap_stop_streaming(struct vb2_queue *vq)
{
	anprcap_sensor_stop(vb2_get_drv_priv(vq), vq);
}

static const struct vb2_ops anprcap_cap_qops = {
	.queue_setup = cap_queue_setup,
	.buf_prepare = cap_buf_prepare,
	.buf_queue = cap_buf_queue,
	.start_streaming = cap_start_streaming,
	.stop_streaming = cap_stop_streaming,
	ANPRCAP_VB2_WAIT_OPS
};

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

/* whole frame rates from the fastest (60 fps, index 0) to 1 fps */
static int cap_enum_frameintervals(struct file *file, void *priv,
				   struct v4l2_frmivalenum *fival)
{
	if (!anprcap_fmt_find(fival->pixel_format) ||
	    !anprcap_fmt_size_valid(fival->width, fival->height) ||
	    fival->index >= ANPRCAP_MAX_FPS - ANPRCAP_MIN_FPS + 1)
		return -EINVAL;
	fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	fival->discrete.numerator = 1;
	fival->discrete.denominator = ANPRCAP_MAX_FPS - fival->index;
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

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	anprcap_sensor_set_fps(dev, anprcap_fps_from_fract(&parm->parm.capture.timeperframe));
	return cap_g_parm(file, priv, parm);
}

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

static const struct v4l2_ioctl_ops anprcap_cap_ioctl_ops = {
	.vidioc_querycap = anprcap_querycap,
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

int anprcap_vid_cap_init(struct anprcap_dev *dev)
{
	struct vb2_queue *q = &dev->q_cap;
	struct video_device *vdev = &dev->vdev_cap;
	int ret;

	ret = anprcap_queue_init(dev, q, V4L2_BUF_TYPE_VIDEO_CAPTURE, &anprcap_cap_qops);
	if (ret)
		return ret;

	snprintf(vdev->name, sizeof(vdev->name), "cam%u", dev->index);
	vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING |
			    V4L2_CAP_READWRITE;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->fops = &anprcap_fops;
	vdev->ioctl_ops = &anprcap_cap_ioctl_ops;
	anprcap_vdev_common(dev, vdev, q);
	return 0;
}
