/* SPDX-License-Identifier: MIT */
/*
 * y4m.h - internal: YUV4MPEG2 header parsing, pure (works on bytes in
 * memory). See docs/libanprcap.md for what is accepted.
 */
#ifndef ANPRCAP_Y4M_H
#define ANPRCAP_Y4M_H

#include <stddef.h>
#include <stdint.h>

#define Y4M_MAX_HEADER 1024	/* a longer header line is rejected */

struct y4m_info {
	uint32_t width, height;
	uint32_t fps_num, fps_den;	/* 0/0 when absent */
	uint32_t format;		/* ANPRCAP_FMT_GREY or _Y16: the luma we deliver */
	size_t luma_bytes;		/* bytes of the Y plane */
	size_t frame_bytes;		/* bytes of one frame's data, all planes */
	char colorspace[16];
};

/* Results: 0 = parsed (*used = header bytes incl. '\n'), 1 = need more
 * bytes, <0 = invalid (why says what). */
int anprcap__y4m_header(const uint8_t *buf, size_t len, struct y4m_info *info,
			size_t *used, char *why, size_t whylen);
int anprcap__y4m_frame_header(const uint8_t *buf, size_t len, size_t *used,
			      char *why, size_t whylen);

#endif
