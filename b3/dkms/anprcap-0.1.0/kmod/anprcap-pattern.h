/* SPDX-License-Identifier: GPL-2.0 */
/* anprcap: test patterns of the simulated sensor. Pure logic. */
#ifndef ANPRCAP_PATTERN_H
#define ANPRCAP_PATTERN_H

#include <linux/types.h>
#include <linux/videodev2.h>

u16 anprcap_pattern_level(u32 pattern, u32 x, u32 width, u32 sequence);
void anprcap_pattern_fill(u8 *dst, const struct v4l2_pix_format *pix,
			  u32 pattern, u32 sequence);

#endif /* ANPRCAP_PATTERN_H */
