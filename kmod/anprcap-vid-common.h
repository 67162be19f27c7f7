/* SPDX-License-Identifier: GPL-2.0 */
/* anprcap: ioctl handlers shared by the driver's nodes */
#ifndef ANPRCAP_VID_COMMON_H
#define ANPRCAP_VID_COMMON_H

#include <linux/videodev2.h>

struct anprcap_dev;
struct video_device;
struct vb2_queue;

int anprcap_enum_fmt_vid(struct file *file, void *priv, struct v4l2_fmtdesc *f);
int anprcap_g_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_try_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_s_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_enum_framesizes(struct file *file, void *priv, struct v4l2_frmsizeenum *fsize);
int anprcap_enum_input(struct file *file, void *priv, struct v4l2_input *inp);
int anprcap_g_input(struct file *file, void *priv, unsigned int *i);
int anprcap_s_input(struct file *file, void *priv, unsigned int i);
void anprcap_vdev_common(struct anprcap_dev *dev, struct video_device *vdev,
			 struct vb2_queue *q);

#endif /* ANPRCAP_VID_COMMON_H */
