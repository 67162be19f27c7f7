// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: format negotiation rules (pure logic, unit-tested by KUnit).
 *
 * TRY_FMT rules, in this order, so a user can predict the result:
 *  1. an unknown pixelformat becomes GREY;
 *  2. width is rounded down to a multiple of 16, height to a multiple of 8;
 *  3. both are then clamped to 320x240 .. 2048x1536;
 *  4. bytesperline = width * bytes per pixel (no padding), sizeimage =
 *     bytesperline * height; field NONE, colorspace RAW, full range.
 * Frame rates: any whole number from 1 to 60 fps. A requested time per
 * frame n/d is rounded to the nearest whole rate and clamped; 0/0 or n = 0
 * gives the default 30 fps.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include "anprcap-fmt.h"

static const struct anprcap_fmt_info anprcap_formats[] = {
	{ .fourcc = V4L2_PIX_FMT_GREY, .bytes = 1, .depth = 8 },
	{ .fourcc = V4L2_PIX_FMT_Y10, .bytes = 2, .depth = 10 },
	{ .fourcc = V4L2_PIX_FMT_Y16, .bytes = 2, .depth = 16 },
};

const struct anprcap_fmt_info *anprcap_fmt_by_index(unsigned int index)
{
	if (index >= ARRAY_SIZE(anprcap_formats))
		return NULL;
	return &anprcap_formats[index];
}

const struct anprcap_fmt_info *anprcap_fmt_find(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(anprcap_formats); i++)
		if (anprcap_formats[i].fourcc == fourcc)
			return &anprcap_formats[i];
	return NULL;
}

void anprcap_fmt_try(struct v4l2_pix_format *pix)
{
	const struct anprcap_fmt_info *info = anprcap_fmt_find(pix->pixelformat);
	u32 w = round_down(pix->width, ANPRCAP_STEP_WIDTH);
	u32 h = round_down(pix->height, ANPRCAP_STEP_HEIGHT);

	if (!info)
		info = &anprcap_formats[0];
	pix->pixelformat = info->fourcc;
	pix->width = clamp_t(u32, w, ANPRCAP_MIN_WIDTH, ANPRCAP_MAX_WIDTH);
	pix->height = clamp_t(u32, h, ANPRCAP_MIN_HEIGHT, ANPRCAP_MAX_HEIGHT);
	pix->bytesperline = pix->width * info->bytes;
	pix->sizeimage = pix->bytesperline * pix->height;
	pix->field = V4L2_FIELD_NONE;
	pix->colorspace = V4L2_COLORSPACE_RAW;
	pix->xfer_func = V4L2_XFER_FUNC_NONE;
	pix->ycbcr_enc = V4L2_YCBCR_ENC_DEFAULT;
	pix->quantization = V4L2_QUANTIZATION_FULL_RANGE;
	pix->flags = 0;
	pix->priv = 0;
}

/**
 * anprcap_fmt_same() - two formats after anprcap_fmt_try() are the same
 * @a:	a format as TRY_FMT returns it
 * @b:	another one
 *
 * Every other field follows from these three (TRY_FMT rules).
 *
 * Return: true if pixel format, width and height are equal.
 */
bool anprcap_fmt_same(const struct v4l2_pix_format *a, const struct v4l2_pix_format *b)
{
	return a->pixelformat == b->pixelformat && a->width == b->width &&
	       a->height == b->height;
}

bool anprcap_fmt_size_valid(u32 width, u32 height)
{
	return width >= ANPRCAP_MIN_WIDTH && width <= ANPRCAP_MAX_WIDTH &&
	       height >= ANPRCAP_MIN_HEIGHT && height <= ANPRCAP_MAX_HEIGHT &&
	       width % ANPRCAP_STEP_WIDTH == 0 && height % ANPRCAP_STEP_HEIGHT == 0;
}

/**
 * anprcap_fps_from_fract() - the whole frame rate S_PARM gives a time per frame
 * @tpf:	time per frame asked for; 0/0 (or any zero) asks for the default
 * @max_fps:	the sensor's highest rate, ANPRCAP_MIN_FPS to ANPRCAP_MAX_FPS
 *
 * Return: the nearest whole rate to denominator / numerator, clamped to
 * ANPRCAP_MIN_FPS..@max_fps; ANPRCAP_DEF_FPS (at most @max_fps) for a zero.
 */
unsigned int anprcap_fps_from_fract(const struct v4l2_fract *tpf, unsigned int max_fps)
{
	u64 fps;

	max_fps = clamp_t(unsigned int, max_fps, ANPRCAP_MIN_FPS, ANPRCAP_MAX_FPS);
	if (!tpf->numerator || !tpf->denominator)
		return min_t(unsigned int, ANPRCAP_DEF_FPS, max_fps);
	/* nearest whole rate to denominator / numerator */
	fps = div64_u64((u64)tpf->denominator * 2 + tpf->numerator,
			2 * (u64)tpf->numerator);
	return clamp_t(u64, fps, ANPRCAP_MIN_FPS, max_fps);
}

u64 anprcap_fps_to_ns(unsigned int fps)
{
	fps = clamp_t(unsigned int, fps, ANPRCAP_MIN_FPS, ANPRCAP_MAX_FPS);
	return div_u64(NSEC_PER_SEC, fps);
}
