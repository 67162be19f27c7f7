/* SPDX-License-Identifier: MIT */
/* y4m.c - YUV4MPEG2 stream and frame headers, see y4m.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anprcap.h"
#include "y4m.h"

static const uint8_t *find_nl(const uint8_t *buf, size_t len, size_t max)
{
	return memchr(buf, '\n', len < max ? len : max);
}

static int parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 0xffffffffull)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_ratio(const char *s, size_t n, uint32_t *a, uint32_t *b)
{
	const char *c = memchr(s, ':', n);

	if (!c)
		return -1;
	return parse_u32(s, (size_t)(c - s), a) || parse_u32(c + 1, n - (size_t)(c - s) - 1, b)
		? -1 : 0;
}

int anprcap__y4m_header(const uint8_t *buf, size_t len, struct y4m_info *info,
			size_t *used, char *why, size_t whylen)
{
	static const char magic[] = "YUV4MPEG2";
	const uint8_t *nl;
	const char *p, *end;
	size_t luma, chroma;
	int have_w = 0, have_h = 0;

	memset(info, 0, sizeof(*info));
	strcpy(info->colorspace, "420jpeg");
	if (len < sizeof(magic) - 1)
		return memcmp(buf, magic, len) != 0 ? (snprintf(why, whylen, "not a YUV4MPEG2 file (bad magic)"), -1) : 1;
	if (memcmp(buf, magic, sizeof(magic) - 1) != 0) {
		snprintf(why, whylen, "not a YUV4MPEG2 file (bad magic)");
		return -1;
	}
	nl = find_nl(buf, len, Y4M_MAX_HEADER);
	if (!nl) {
		if (len < Y4M_MAX_HEADER)
			return 1;
		snprintf(why, whylen, "stream header longer than %d bytes", Y4M_MAX_HEADER);
		return -1;
	}
	p = (const char *)buf + sizeof(magic) - 1;
	end = (const char *)nl;
	while (p < end) {
		const char *tok;
		size_t n;

		if (*p != ' ') {
			snprintf(why, whylen, "malformed stream header");
			return -1;
		}
		while (p < end && *p == ' ')
			p++;
		tok = p;
		while (p < end && *p != ' ')
			p++;
		n = (size_t)(p - tok);
		if (!n)
			break;
		switch (tok[0]) {
		case 'W':
			if (parse_u32(tok + 1, n - 1, &info->width)) {
				snprintf(why, whylen, "bad width '%.*s'", (int)n, tok);
				return -1;
			}
			have_w = 1;
			break;
		case 'H':
			if (parse_u32(tok + 1, n - 1, &info->height)) {
				snprintf(why, whylen, "bad height '%.*s'", (int)n, tok);
				return -1;
			}
			have_h = 1;
			break;
		case 'F':
			if (parse_ratio(tok + 1, n - 1, &info->fps_num, &info->fps_den) ||
			    !info->fps_num || !info->fps_den) {
				snprintf(why, whylen, "bad frame rate '%.*s'", (int)n, tok);
				return -1;
			}
			break;
		case 'C':
			if (n - 1 >= sizeof(info->colorspace)) {
				snprintf(why, whylen, "unknown colour space '%.*s'", (int)n, tok);
				return -1;
			}
			memcpy(info->colorspace, tok + 1, n - 1);
			info->colorspace[n - 1] = 0;
			break;
		case 'I':
			if (n != 2 || (tok[1] != 'p' && tok[1] != '?')) {
				snprintf(why, whylen, "interlaced video '%.*s' not supported",
					 (int)n, tok);
				return -1;
			}
			break;
		default:	/* A (aspect), X (extensions): ignored */
			break;
		}
	}
	if (!have_w || !have_h || !info->width || !info->height) {
		snprintf(why, whylen, "stream header lacks a width or height");
		return -1;
	}
	if (info->width > 16384 || info->height > 16384) {
		snprintf(why, whylen, "size %ux%u over the 16384 limit", info->width,
			 info->height);
		return -1;
	}
	luma = (size_t)info->width * info->height;
	info->format = ANPRCAP_FMT_GREY;
	if (!strcmp(info->colorspace, "mono")) {
		chroma = 0;
	} else if (!strcmp(info->colorspace, "mono16")) {
		luma *= 2;
		chroma = 0;
		info->format = ANPRCAP_FMT_Y16;
	} else if (!strncmp(info->colorspace, "420", 3) &&
		   (!info->colorspace[3] || !strcmp(info->colorspace + 3, "jpeg") ||
		    !strcmp(info->colorspace + 3, "paldv") ||
		    !strcmp(info->colorspace + 3, "mpeg2"))) {
		chroma = 2 * (((size_t)info->width + 1) / 2) * (((size_t)info->height + 1) / 2);
	} else if (!strcmp(info->colorspace, "422")) {
		chroma = 2 * (((size_t)info->width + 1) / 2) * info->height;
	} else if (!strcmp(info->colorspace, "444")) {
		chroma = 2 * luma;
	} else {
		snprintf(why, whylen, "colour space '%s' not supported (mono, mono16, 420, 422, 444)",
			 info->colorspace);
		return -1;
	}
	info->luma_bytes = luma;
	info->frame_bytes = luma + chroma;
	*used = (size_t)(nl - buf) + 1;
	return 0;
}

int anprcap__y4m_frame_header(const uint8_t *buf, size_t len, size_t *used,
			      char *why, size_t whylen)
{
	const uint8_t *nl;

	if (len < 5)
		return memcmp(buf, "FRAME", len) != 0 ? (snprintf(why, whylen, "frame header missing ('FRAME' expected)"), -1) : 1;
	if (memcmp(buf, "FRAME", 5) != 0 || (len > 5 && buf[5] != '\n' && buf[5] != ' ')) {
		snprintf(why, whylen, "frame header missing ('FRAME' expected)");
		return -1;
	}
	nl = find_nl(buf, len, Y4M_MAX_HEADER);
	if (!nl) {
		if (len < Y4M_MAX_HEADER)
			return 1;
		snprintf(why, whylen, "frame header longer than %d bytes", Y4M_MAX_HEADER);
		return -1;
	}
	*used = (size_t)(nl - buf) + 1;
	return 0;
}
