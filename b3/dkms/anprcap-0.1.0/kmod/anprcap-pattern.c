// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: test patterns. Every row of a pattern frame is the same, so one
 * row is computed and copied down: cheap enough for 2048x1536 at 60 fps.
 * Levels are 16-bit and scaled to the format's depth; 16-bit formats are
 * stored little-endian, Y10 in the low 10 bits.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "uapi/anprcap.h"
#include "anprcap-fmt.h"
#include "anprcap-pattern.h"

#define ANPRCAP_BARS 8

/* 16-bit level of pixel column @x in frame @sequence */
u16 anprcap_pattern_level(u32 pattern, u32 x, u32 width, u32 sequence)
{
	if (!width)
		return 0;
	switch (pattern) {
	case ANPRCAP_PATTERN_BARS:
		return (u16)((x * ANPRCAP_BARS / width) * 0xffff / (ANPRCAP_BARS - 1));
	case ANPRCAP_PATTERN_FLAT:
		return 0x8000;
	case ANPRCAP_PATTERN_GRADIENT:
	default:
		/* a ramp that moves 8 columns per frame */
		return (u16)(((x + 8ULL * sequence) % width) * 0xffff / width);
	}
}

void anprcap_pattern_fill(u8 *dst, const struct v4l2_pix_format *pix,
			  u32 pattern, u32 sequence)
{
	const struct anprcap_fmt_info *info = anprcap_fmt_find(pix->pixelformat);
	u32 x, y;

	if (!info || !pix->height)
		return;
	for (x = 0; x < pix->width; x++) {
		u16 v = anprcap_pattern_level(pattern, x, pix->width, sequence);

		if (info->bytes == 1) {
			dst[x] = v >> 8;
		} else {
			v >>= 16 - info->depth;	/* little-endian, low bits */
			dst[2 * x] = v & 0xff;
			dst[2 * x + 1] = v >> 8;
		}
	}
	for (y = 1; y < pix->height; y++)
		memcpy(dst + y * pix->bytesperline, dst, pix->bytesperline);
}
