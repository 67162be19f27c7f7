/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap: pixel formats, frame sizes and frame rates of the simulated IR
 * sensor, and the TRY_FMT clamping rules. Pure logic: no device, no locks.
 */
#ifndef ANPRCAP_FMT_H
#define ANPRCAP_FMT_H

#include <linux/types.h>
#include <linux/videodev2.h>

#define ANPRCAP_MIN_WIDTH	320
#define ANPRCAP_MAX_WIDTH	2048
#define ANPRCAP_STEP_WIDTH	16
#define ANPRCAP_MIN_HEIGHT	240
#define ANPRCAP_MAX_HEIGHT	1536
#define ANPRCAP_STEP_HEIGHT	8
#define ANPRCAP_DEF_WIDTH	640
#define ANPRCAP_DEF_HEIGHT	480
#define ANPRCAP_MIN_FPS		1
#define ANPRCAP_MAX_FPS		60
#define ANPRCAP_DEF_FPS		30
/* largest buffer CREATE_BUFS may ask for: twice the largest image */
#define ANPRCAP_MAX_BUF_SIZE	(2 * ANPRCAP_MAX_WIDTH * ANPRCAP_MAX_HEIGHT * 2)

/**
 * struct anprcap_fmt_info - one pixel format the sensor produces
 * @fourcc:	V4L2_PIX_FMT_*
 * @bytes:	bytes per pixel in memory (1 or 2)
 * @depth:	significant bits per pixel (8, 10 or 16)
 */
struct anprcap_fmt_info {
	u32 fourcc;
	u8 bytes;
	u8 depth;
};

const struct anprcap_fmt_info *anprcap_fmt_by_index(unsigned int index);
const struct anprcap_fmt_info *anprcap_fmt_find(u32 fourcc);
void anprcap_fmt_try(struct v4l2_pix_format *pix);
bool anprcap_fmt_same(const struct v4l2_pix_format *a, const struct v4l2_pix_format *b);
bool anprcap_fmt_size_valid(u32 width, u32 height);
unsigned int anprcap_fps_from_fract(const struct v4l2_fract *tpf, unsigned int max_fps);
u64 anprcap_fps_to_ns(unsigned int fps);

#endif /* ANPRCAP_FMT_H */
