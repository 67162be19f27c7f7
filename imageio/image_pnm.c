// SPDX-License-Identifier: MIT
/*
 * image_pnm.c - binary PGM (P5) and PPM (P6) decode, PGM encode.
 *
 * Header: magic, width, height, maxval, separated by white space with
 * '#' comments, then exactly one white-space byte before the raster.
 * maxval 1..255 is scaled to 0..255; maxval > 255 (16-bit) is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image_internal.h"

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads one unsigned decimal header field; -1 if absent or absurd. */
static long read_field(const uint8_t *buf, size_t len, size_t *pos)
{
	long v = 0;
	int digits = 0;

	for (;;) {
		while (*pos < len && is_space(buf[*pos]))
			(*pos)++;
		if (*pos < len && buf[*pos] == '#') {
			while (*pos < len && buf[*pos] != '\n' && buf[*pos] != '\r')
				(*pos)++;
			continue;
		}
		break;
	}
	while (*pos < len && buf[*pos] >= '0' && buf[*pos] <= '9') {
		if (++digits > 9)
			return -1;
		v = v * 10 + (buf[*pos] - '0');
		(*pos)++;
	}
	return digits ? v : -1;
}

int anpr_image_decode_pnm(const uint8_t *buf, size_t len, const char *name,
			  struct anpr_image *img, char *err, size_t errlen)
{
	size_t pos = 2, need, x;
	long w, h, maxval;
	int channels, y, rc;
	const uint8_t *src;

	if (buf[1] != '5' && buf[1] != '6')
		return anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				       "PNM type P%c is not supported (binary P5/P6 only)",
				       buf[1]);
	channels = buf[1] == '5' ? 1 : 3;
	w = read_field(buf, len, &pos);
	h = read_field(buf, len, &pos);
	maxval = read_field(buf, len, &pos);
	if (w < 0 || h < 0 || maxval < 0)
		return anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				       "malformed P%c header", buf[1]);
	if (pos >= len || !is_space(buf[pos]))
		return anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				       "malformed P%c header (no separator before pixels)",
				       buf[1]);
	pos++;
	rc = anpr_image_check_dims(w, h, name, err, errlen);
	if (rc)
		return rc;
	if (maxval == 0)
		return anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name, "maxval is 0");
	if (maxval > 255)
		return anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				       "16-bit P%c (maxval %ld) is not supported (8-bit only)",
				       buf[1], maxval);
	need = (size_t)w * (size_t)h * (size_t)channels;
	if (len - pos < need)
		return anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				       "truncated: %zu of %zu pixel bytes present",
				       len - pos, need);
	if (anpr_image_alloc(img, (int)w, (int)h))
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
	src = buf + pos;
	for (y = 0; y < h; y++) {
		uint8_t *dst = img->data + (size_t)y * img->stride;

		for (x = 0; x < (size_t)w; x++, src += channels) {
			unsigned v;
			int c;

			for (c = 0; c < channels; c++) {
				if (src[c] > maxval) {
					anpr_image_free(img);
					return anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
							       "sample %u above maxval %ld at (%zu,%d)",
							       src[c], maxval, x, y);
				}
			}
			v = channels == 1 ? src[0] : anpr_luma(src[0], src[1], src[2]);
			dst[x] = maxval == 255 ? (uint8_t)v :
				 (uint8_t)((v * 255u + (unsigned)maxval / 2) / (unsigned)maxval);
		}
	}
	return 0;
}
