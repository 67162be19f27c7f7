/* SPDX-License-Identifier: MIT */
/* Shared between the image I/O format modules; not installed. */
#ifndef ANPR_IMAGE_INTERNAL_H
#define ANPR_IMAGE_INTERNAL_H

#include <stdarg.h>
#include "anpr_image.h"

/* Formats told apart by their first bytes. */
enum anpr_img_format {
	ANPR_FMT_UNKNOWN = 0,
	ANPR_FMT_JPEG,
	ANPR_FMT_PNG,
	ANPR_FMT_PNM,
};

enum anpr_img_format anpr_image_sniff(const uint8_t *buf, size_t len);

/*
 * anpr_image_fail - format "NAME: reason" into err and return code.
 * Every decoder error goes through here so messages look alike.
 */
int anpr_image_fail(char *err, size_t errlen, int code, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* anpr_image_check_dims - zero size or over the hard limits -> error. */
int anpr_image_check_dims(long width, long height, const char *name,
			  char *err, size_t errlen);

/* BT.601 luma, the same fixed-point weights libjpeg uses for YCbCr. */
static inline uint8_t anpr_luma(unsigned r, unsigned g, unsigned b)
{
	return (uint8_t)((19595u * r + 38470u * g + 7471u * b + 32768u) >> 16);
}

/* Per-format decoders: buf/len is the whole encoded file. */
int anpr_image_decode_jpeg(const uint8_t *buf, size_t len, const char *name,
			   struct anpr_image *img, char *err, size_t errlen);
int anpr_image_decode_png(const uint8_t *buf, size_t len, const char *name,
			  struct anpr_image *img, char *err, size_t errlen);
/*
 * anpr_image_decode_png_fed - anpr_image_decode_png, also saying how many
 * bytes of buf were handed to libpng before it finished or failed (the
 * tests show that a trailing zlib stream is refused unread).
 */
int anpr_image_decode_png_fed(const uint8_t *buf, size_t len, const char *name,
			      struct anpr_image *img, size_t *fed, char *err, size_t errlen);
int anpr_image_decode_pnm(const uint8_t *buf, size_t len, const char *name,
			  struct anpr_image *img, char *err, size_t errlen);

#endif
