// SPDX-License-Identifier: MIT
/*
 * image_png.c - PNG decode to 8-bit grey with libpng.
 *
 * Accepted: grey 1/2/4/8-bit, palette and RGB at 8 bits, interlaced or
 * not, with or without an alpha channel or tRNS as long as every pixel is
 * fully opaque (many tools write an alpha channel they never use).
 * Refused with a reason: 16-bit samples (an evidential pipeline does not
 * silently drop precision) and any pixel that is actually see-through,
 * because there is no single right grey for it (composite over what?).
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "image_internal.h"

/* Bound libpng's allocations for ancillary chunks (text, iCCP, ...). */
#define PNG_MAX_CHUNK_MEMORY (8u * 1024 * 1024)

struct png_src {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

struct png_ctx {
	char msg[256];
};

static void on_png_read(png_structp png, png_bytep data, png_size_t n)
{
	struct png_src *src = png_get_io_ptr(png);

	if (n > src->len - src->pos)
		png_error(png, "file is truncated");
	memcpy(data, src->buf + src->pos, n);
	src->pos += n;
}

static void on_png_error(png_structp png, png_const_charp msg)
{
	struct png_ctx *ctx = png_get_error_ptr(png);

	snprintf(ctx->msg, sizeof(ctx->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;	/* benign (e.g. an unknown ancillary chunk); data errors are errors */
}

/*
 * take_opaque_grey - copy the grey of a grey+alpha raster into img if every
 * pixel is fully opaque; otherwise refuse, saying how many are not.
 */
static int take_opaque_grey(const uint8_t *ga, int w, int h, struct anpr_image *img,
			    const char *name, char *err, size_t errlen)
{
	size_t see_through = 0;
	int x, y;

	for (y = 0; y < h; y++) {
		const uint8_t *src = ga + (size_t)y * w * 2;
		uint8_t *dst = img->data + (size_t)y * img->stride;

		for (x = 0; x < w; x++) {
			dst[x] = src[2 * x];
			see_through += src[2 * x + 1] != 255;
		}
	}
	if (see_through)
		return anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				       "PNG with %zu transparent or translucent pixel%s is not supported (no single right grey for them)",
				       see_through, see_through == 1 ? "" : "s");
	return 0;
}

int anpr_image_decode_png(const uint8_t *buf, size_t len, const char *name,
			  struct anpr_image *img, char *err, size_t errlen)
{
	struct png_src src = { buf, len, 0 };
	struct png_ctx ctx = { "" };
	png_structp png;
	png_infop info = NULL;
	png_bytep *volatile rows = NULL;
	struct anpr_image *volatile out = img;
	volatile int rc = 0;
	uint8_t *volatile grey_alpha = NULL;
	png_uint_32 w, h;
	int depth, ctype, interlace, y, has_alpha;

	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_png_error, on_png_warning);
	if (!png)
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		if (!rc)
			rc = anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
					     "corrupt PNG: %s", ctx.msg);
		goto out;
	}
	png_set_read_fn(png, &src, on_png_read);
	png_set_user_limits(png, ANPR_IMG_MAX_DIM, ANPR_IMG_MAX_DIM);
	png_set_chunk_malloc_max(png, PNG_MAX_CHUNK_MEMORY);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
	rc = anpr_image_check_dims((long)w, (long)h, name, err, errlen);
	if (rc)
		goto out;
	if (depth == 16) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				     "16-bit PNG is not supported (8-bit only)");
		goto out;
	}
	has_alpha = (ctype & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
	if (ctype == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(png);
	if (ctype & PNG_COLOR_MASK_COLOR)
		png_set_rgb_to_gray_fixed(png, 1, 29900, 58700);	/* BT.601 */
	if (interlace != PNG_INTERLACE_NONE)
		png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_channels(png, info) != (has_alpha ? 2 : 1) ||
	    png_get_bit_depth(png, info) != 8) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				     "PNG does not reduce to 8-bit grey");
		goto out;
	}
	if (anpr_image_alloc(out, (int)w, (int)h)) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
		goto out;
	}
	/* grey + alpha needs two bytes a pixel; decoded apart, then checked */
	if (has_alpha) {
		grey_alpha = malloc((size_t)w * 2 * h);
		if (!grey_alpha) {
			rc = anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
			goto out;
		}
	}
	rows = malloc(sizeof(*rows) * h);
	if (!rows) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
		goto out;
	}
	for (y = 0; y < (int)h; y++)
		rows[y] = has_alpha ? grey_alpha + (size_t)y * w * 2
				    : out->data + (size_t)y * out->stride;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	if (has_alpha)
		rc = take_opaque_grey(grey_alpha, (int)w, (int)h, out, name, err, errlen);
out:
	if (rc)
		anpr_image_free(out);
	free(rows);
	free(grey_alpha);
	png_destroy_read_struct(&png, &info, NULL);
	return rc;
}
