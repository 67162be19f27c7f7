// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the metadata capture node (/dev/anpr/camN-meta). One
 * struct anprcap_meta per buffer, one buffer per sensor frame, with the same
 * sequence number and timestamp as the video frame it describes.
 */
#include <linux/sizes.h>
#include <linux/videodev2.h>
#include <media/v4l2-ioctl.h>

#include "anprcap-core.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

/* largest metadata buffer CREATE_BUFS may ask for */
#define ANPRCAP_META_MAX_BUF_SIZE	SZ_64K

static int meta_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
			    unsigned int *nplanes, unsigned int sizes[],
			    struct device *alloc_devs[])
{
	struct anprcap_dev *dev = vb2_get_drv_priv(vq);
	int ret;

	ret = anprcap_ctrls_injected_error(dev, dev->ctrl_queue_setup_error, "queue_setup");
	if (ret)
		return ret;
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

static const struct vb2_ops anprcap_meta_qops = {
	.queue_setup = meta_queue_setup,
	.buf_prepare = meta_buf_prepare,
	.buf_queue = anprcap_buf_queue,
	.start_streaming = anprcap_start_streaming,
	.stop_streaming = anprcap_stop_streaming,
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
	ANPRCAP_COMMON_IOCTLS,
	.vidioc_enum_fmt_meta_cap = meta_enum_fmt,
	.vidioc_g_fmt_meta_cap = meta_g_fmt,
	.vidioc_try_fmt_meta_cap = meta_g_fmt,
	.vidioc_s_fmt_meta_cap = meta_g_fmt,
	.vidioc_enum_input = anprcap_enum_input,
	.vidioc_g_input = anprcap_g_input,
	.vidioc_s_input = anprcap_s_input,
};

int anprcap_meta_cap_init(struct anprcap_dev *dev)
{
	int ret;

	ret = anprcap_queue_init(dev, &dev->q_meta, V4L2_BUF_TYPE_META_CAPTURE,
				 &anprcap_meta_qops);
	if (ret)
		return ret;
	anprcap_vdev_init(dev, &dev->vdev_meta, &dev->q_meta, "-meta", V4L2_CAP_META_CAPTURE,
			  &anprcap_meta_ioctl_ops);
	return 0;
}
