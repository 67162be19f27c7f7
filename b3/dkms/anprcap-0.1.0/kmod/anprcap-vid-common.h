/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap: what the three nodes have in common (anprcap-vid-common.c): the
 * vb2 queue set-up and operations, node registration details, and the
 * ioctl handlers more than one node uses.
 */
#ifndef ANPRCAP_VID_COMMON_H
#define ANPRCAP_VID_COMMON_H

#include <linux/videodev2.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-v4l2.h>

struct anprcap_dev;
struct video_device;

/*
 * The buffer, streaming, log and event ioctls, the same on every node
 * (vb2 does the work on the node's own queue).
 */
#define ANPRCAP_COMMON_IOCTLS					\
	.vidioc_querycap = anprcap_querycap,			\
	.vidioc_reqbufs = vb2_ioctl_reqbufs,			\
	.vidioc_create_bufs = vb2_ioctl_create_bufs,		\
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,		\
	.vidioc_querybuf = vb2_ioctl_querybuf,			\
	.vidioc_qbuf = vb2_ioctl_qbuf,				\
	.vidioc_dqbuf = vb2_ioctl_dqbuf,			\
	.vidioc_expbuf = vb2_ioctl_expbuf,			\
	.vidioc_streamon = vb2_ioctl_streamon,			\
	.vidioc_streamoff = vb2_ioctl_streamoff,		\
	.vidioc_log_status = v4l2_ctrl_log_status,		\
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,	\
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe

int anprcap_queue_init(struct anprcap_dev *dev, struct vb2_queue *q,
		       enum v4l2_buf_type type, const struct vb2_ops *ops);
int anprcap_vid_queue_setup(struct anprcap_dev *dev, unsigned int *nplanes,
			    unsigned int sizes[]);
void anprcap_buf_queue(struct vb2_buffer *vb);
int anprcap_start_streaming(struct vb2_queue *vq, unsigned int count);
void anprcap_stop_streaming(struct vb2_queue *vq);
void anprcap_vdev_init(struct anprcap_dev *dev, struct video_device *vdev,
		       struct vb2_queue *q, const char *suffix, u32 caps,
		       const struct v4l2_ioctl_ops *ioctl_ops);

int anprcap_querycap(struct file *file, void *priv, struct v4l2_capability *cap);
int anprcap_enum_fmt_vid(struct file *file, void *priv, struct v4l2_fmtdesc *f);
int anprcap_g_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_try_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_s_fmt_vid(struct file *file, void *priv, struct v4l2_format *f);
int anprcap_enum_framesizes(struct file *file, void *priv, struct v4l2_frmsizeenum *fsize);
int anprcap_enum_input(struct file *file, void *priv, struct v4l2_input *inp);
int anprcap_g_input(struct file *file, void *priv, unsigned int *i);
int anprcap_s_input(struct file *file, void *priv, unsigned int i);

#endif /* ANPRCAP_VID_COMMON_H */
