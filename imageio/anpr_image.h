/* SPDX-License-Identifier: MIT */
/*
 * anpr_image.h - decode JPEG, PNG and PGM/PPM files into 8-bit grey images,
 * and encode grey images as JPEG (plate patches and overview images).
 *
 * Every function that can fail returns 0 on success or a negative
 * ANPR_IMG_E* code, and writes a message naming the input and the reason
 * into the caller's error buffer (always NUL-terminated when errlen > 0).
 * Inputs are untrusted: hard limits bound the dimensions and the decoded
 * size before any pixel memory is allocated.
 */
#ifndef ANPR_IMAGE_H
#define ANPR_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Hard limits on what the decoders accept. */
#define ANPR_IMG_MAX_DIM	16384			/* width or height, pixels */
#define ANPR_IMG_MAX_PIXELS	(64u * 1024u * 1024u)	/* width * height */
#define ANPR_IMG_MAX_FILE	(256u * 1024u * 1024u)	/* encoded bytes */

enum anpr_img_err {
	ANPR_IMG_OK = 0,
	ANPR_IMG_EIO = -1,		/* cannot open / read / write the file */
	ANPR_IMG_EFORMAT = -2,		/* not a JPEG, PNG, PGM or PPM */
	ANPR_IMG_ECORRUPT = -3,		/* malformed or truncated data */
	ANPR_IMG_EUNSUPPORTED = -4,	/* valid but not accepted (16-bit, ...) */
	ANPR_IMG_ELIMIT = -5,		/* zero size or over the hard limits */
	ANPR_IMG_ENOMEM = -6,
	ANPR_IMG_EINVAL = -7,		/* bad argument from the caller */
};

/* An 8-bit grey image. Row y starts at data + y * stride. */
struct anpr_image {
	uint8_t *data;
	int width;
	int height;
	size_t stride;			/* bytes per row, >= width */
};

/*
 * anpr_image_alloc - allocate a zeroed width x height image whose stride is
 * width rounded up to 64 bytes (rows aligned for SIMD). Free with
 * anpr_image_free().
 */
int anpr_image_alloc(struct anpr_image *img, int width, int height);

/* anpr_image_free - release pixels from any function here; safe on zeroed. */
void anpr_image_free(struct anpr_image *img);

/*
 * anpr_image_load - read and decode a file; the format is detected from its
 * content, not its name. RGB(A) input is converted to grey (BT.601 luma).
 */
int anpr_image_load(const char *path, struct anpr_image *img,
		    char *err, size_t errlen);

/*
 * anpr_image_decode - decode an in-memory file. @name is used only in error
 * messages (a path, or a label such as "<frame 12>").
 */
int anpr_image_decode(const void *buf, size_t len, const char *name,
		      struct anpr_image *img, char *err, size_t errlen);

/*
 * anpr_image_encode_jpeg - encode a grey image as a baseline JPEG of the
 * given quality (1..100). *out is malloc'd; the caller frees it.
 */
int anpr_image_encode_jpeg(const struct anpr_image *img, int quality,
			   uint8_t **out, size_t *outlen,
			   char *err, size_t errlen);

/* anpr_image_save_jpeg - encode and write to a file (written whole, or not). */
int anpr_image_save_jpeg(const struct anpr_image *img, int quality,
			 const char *path, char *err, size_t errlen);

/* anpr_image_save_pgm - write a binary PGM (P5); handy for tests and tools. */
int anpr_image_save_pgm(const struct anpr_image *img, const char *path,
			char *err, size_t errlen);

/* anpr_image_strerror - a short name for an ANPR_IMG_E* code. */
const char *anpr_image_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif /* ANPR_IMAGE_H */
