/* SPDX-License-Identifier: GPL-2.0 */
/* anprcap: ioctl handlers shared by the driver's nodes */
#ifndef ANPRCAP_VID_COMMON_H
#define ANPRCAP_VID_COMMON_H

#include <linux/videodev2.h>
#include <media/videobuf2-core.h>

struct anprcap_dev;
struct video_device;

int anprcap_enum_fmt_vid(struct file *file, void *priv, struct v4l2_fmtdesc *f);
int anprcap_g_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_try_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_s_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_enum_framesizes(struct file *file, void *priv, struct v4l2_frmsizeenum *fsize);
int anprcap_enum_input(struct file *file, void *priv, struct v4l2_input *inp);
int anprcap_g_input(struct file *file, void *priv, unsigned int *i);
int anprcap_s_input(struct file *file, void *priv, unsigned int i);
int anprcap_queue_init(struct anprcap_dev *dev, struct vb2_queue *q,
		       enum v4l2_buf_type type, const struct vb2_ops *ops);
void anprcap_vdev_common(struct anprcap_dev *dev, struct video_device *vdev,
			 struct vb2_queue *q);

#endif /* ANPRCAP_VID_COMMON_H */
