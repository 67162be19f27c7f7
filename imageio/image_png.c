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
 *
 * Evidence must not be silently patched up (docs/image-io.md), so, as in
 * image_jpeg.c, every libpng warning fails the decode: a CRC error in an
 * ancillary chunk, compressed data after the last row, a stream that ends
 * without its end code. Ancillary chunks a grey decode never uses (text,
 * colour profiles, gamma, ...) are skipped unread, so they can neither
 * warn nor make libpng inflate anything.
 *
 * The decode never inflates more than the image needs. libpng's
 * sequential reader, after the last row, inflates whatever the zlib
 * stream still holds just to find its end: a 1 MB file with a 1 GB tail
 * of zeros took 3.7 s and then decoded "OK". The progressive reader used
 * here stops at the first byte of output past the last row (a warning,
 * so an error here), and is fed PNG_FEED bytes at a time, so the rest of
 * the file is never even handed to it. Before that, the compressed image
 * data (the IDAT chunks) may not exceed what any encoder writes for an
 * image of that size (png_idat_cap), which bounds the work a file of
 * empty deflate blocks could cause.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "image_internal.h"

/* Bound libpng's allocations for ancillary chunks (text, iCCP, ...). */
#define PNG_MAX_CHUNK_MEMORY (8u * 1024 * 1024)

/* Bytes handed to the progressive reader per call (libpng's own IDAT
 * read size): how far past the image's end it can ever see. */
#define PNG_FEED 8192u

struct png_ctx {
	char msg[256];
	const char *name;
	char *err;
	size_t errlen;
	int rc;				/* set before a png_longjmp of our own */
	size_t idat_bytes;		/* compressed image data in the file */
	struct anpr_image *img;
	uint8_t *grey_alpha;		/* decoded apart when there is alpha */
	int has_alpha;
	int ended;			/* IEND reached */
};

static void on_png_error(png_structp png, png_const_charp msg)
{
	struct png_ctx *ctx = png_get_error_ptr(png);

	snprintf(ctx->msg, sizeof(ctx->msg), "%s", msg);
	png_longjmp(png, 1);
}

/* A warning is damage libpng would quietly work around: fail instead. */
static void on_png_warning(png_structp png, png_const_charp msg)
{
	on_png_error(png, msg);
}

/* Fail from inside a callback with our own code and message. */
static void fail_now(png_structp png, struct png_ctx *ctx, int rc)
{
	ctx->rc = rc;
	png_longjmp(png, 1);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The IDAT bytes of the file, from its chunk headers alone (length and
 * type; libpng checks everything else as it decodes). Stops at IEND or
 * wherever the chunk list runs off the end: libpng reports that.
 */
static size_t png_idat_bytes(const uint8_t *buf, size_t len)
{
	size_t off = 8, sum = 0;

	while (off <= len && len - off >= 8) {	/* len may be under 8 */
		uint32_t n = be32(buf + off);

		if (n > 0x7fffffffu)
			break;
		if (memcmp(buf + off + 4, "IDAT", 4) == 0)
			sum += n;
		else if (memcmp(buf + off + 4, "IEND", 4) == 0)
			break;
		if ((size_t)n + 12 > len - off)
			break;
		off += (size_t)n + 12;
	}
	return sum;
}

/* Filtered bytes of a w x h image of bits_pp bits per pixel: a filter
 * byte and the packed samples per row. */
static uint64_t raw_size(uint64_t w, uint64_t h, unsigned bits_pp)
{
	return w && h ? h * ((w * bits_pp + 7) / 8 + 1) : 0;
}

/*
 * The most compressed image data an honest encoder writes for this
 * image: its raw (filtered) size, the sum over the seven passes when
 * interlaced, plus a quarter (deflate's worst case is stored blocks, 5
 * bytes per block of up to 65535; fixed Huffman codes grow a byte to 9
 * bits at most) plus 64 KiB for small images and odd encoders.
 */
static uint64_t png_idat_cap(png_uint_32 w, png_uint_32 h, int depth, int channels,
			     int interlace)
{
	static const int xs[7] = {0, 4, 0, 2, 0, 1, 0}, xd[7] = {8, 8, 4, 4, 2, 2, 1};
	static const int ys[7] = {0, 0, 4, 0, 2, 0, 1}, yd[7] = {8, 8, 8, 4, 4, 2, 2};
	unsigned bits = (unsigned)(depth * channels);
	uint64_t raw = 0;

	if (interlace == PNG_INTERLACE_NONE)
		raw = raw_size(w, h, bits);
	else
		for (int p = 0; p < 7; p++)
			raw += raw_size(w > (png_uint_32)xs[p] ? (w - xs[p] + xd[p] - 1) / xd[p] : 0,
					h > (png_uint_32)ys[p] ? (h - ys[p] + yd[p] - 1) / yd[p] : 0,
					bits);
	return raw + raw / 4 + 65536;
}

/* Ancillary chunks a grey decode does not use: skipped unread. */
static void skip_unused_chunks(png_structp png)
{
	static const png_byte unused[] = "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0"
					 "pCAL\0pHYs\0sBIT\0sCAL\0sPLT\0sRGB\0sTER\0tEXt\0"
					 "tIME\0zTXt";

	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, unused,
				    (int)(sizeof(unused) / 5));
}

/* Header read: check it, choose the transformations, allocate. */
static void on_info(png_structp png, png_infop info)
{
	struct png_ctx *ctx = png_get_progressive_ptr(png);
	png_uint_32 w, h;
	int depth, ctype, interlace;
	uint64_t cap;

	png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
	if (anpr_image_check_dims((long)w, (long)h, ctx->name, ctx->err, ctx->errlen))
		fail_now(png, ctx, ANPR_IMG_ELIMIT);
	cap = png_idat_cap(w, h, depth, png_get_channels(png, info), interlace);
	if (ctx->idat_bytes > cap) {
		anpr_image_fail(ctx->err, ctx->errlen, ANPR_IMG_ELIMIT, ctx->name,
				"PNG holds %zu bytes of compressed image data, more than the %llu "
				"an image of %lux%lu can need (a zlib bomb or padding?)",
				ctx->idat_bytes, (unsigned long long)cap, (unsigned long)w,
				(unsigned long)h);
		fail_now(png, ctx, ANPR_IMG_ELIMIT);
	}
	if (depth == 16) {
		anpr_image_fail(ctx->err, ctx->errlen, ANPR_IMG_EUNSUPPORTED, ctx->name,
				"16-bit PNG is not supported (8-bit only)");
		fail_now(png, ctx, ANPR_IMG_EUNSUPPORTED);
	}
	ctx->has_alpha = (ctype & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
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
	if (png_get_channels(png, info) != (ctx->has_alpha ? 2 : 1) ||
	    png_get_bit_depth(png, info) != 8) {
		anpr_image_fail(ctx->err, ctx->errlen, ANPR_IMG_EUNSUPPORTED, ctx->name,
				"PNG does not reduce to 8-bit grey");
		fail_now(png, ctx, ANPR_IMG_EUNSUPPORTED);
	}
	if (anpr_image_alloc(ctx->img, (int)w, (int)h) ||
	    (ctx->has_alpha && !(ctx->grey_alpha = calloc((size_t)w * 2, h)))) {
		anpr_image_fail(ctx->err, ctx->errlen, ANPR_IMG_ENOMEM, ctx->name, "out of memory");
		fail_now(png, ctx, ANPR_IMG_ENOMEM);
	}
}

/* One row (of one pass, when interlaced) decoded: merge it into place. */
static void on_row(png_structp png, png_bytep row, png_uint_32 y, int pass)
{
	struct png_ctx *ctx = png_get_progressive_ptr(png);
	struct anpr_image *img = ctx->img;
	png_bytep dst;

	(void)pass;
	if (!row || y >= (png_uint_32)img->height)
		return;		/* interlaced: nothing new in this row */
	dst = ctx->has_alpha ? ctx->grey_alpha + (size_t)y * img->width * 2
			     : img->data + (size_t)y * img->stride;
	png_progressive_combine_row(png, dst, row);
}

static void on_end(png_structp png, png_infop info)
{
	struct png_ctx *ctx = png_get_progressive_ptr(png);

	(void)info;
	ctx->ended = 1;
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

/* Hand the file to libpng PNG_FEED bytes at a time until IEND. */
static void feed(png_structp png, png_infop info, const struct png_ctx *ctx, const uint8_t *buf,
		 size_t len, volatile size_t *fed)
{
	while (*fed < len && !ctx->ended) {
		size_t n = len - *fed < PNG_FEED ? len - *fed : PNG_FEED;

		*fed += n;	/* counted first: libpng may longjmp out */
		/* libpng only reads the buffer; its prototype is not const */
		png_process_data(png, info, (png_bytep)(buf + *fed - n), n);
	}
}

int anpr_image_decode_png_fed(const uint8_t *buf, size_t len, const char *name,
			      struct anpr_image *img, size_t *fed_out, char *err, size_t errlen)
{
	struct png_ctx ctx;
	png_structp png;
	png_infop info = NULL;
	volatile size_t fed = 0;
	volatile int rc = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.name = name;
	ctx.err = err;
	ctx.errlen = errlen;
	ctx.img = img;
	ctx.idat_bytes = png_idat_bytes(buf, len);
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_png_error, on_png_warning);
	if (!png)
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		rc = ctx.rc ? ctx.rc
			    : anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
					      "corrupt PNG: %s", ctx.msg);
		goto out;
	}
	png_set_user_limits(png, ANPR_IMG_MAX_DIM, ANPR_IMG_MAX_DIM);
	png_set_chunk_malloc_max(png, PNG_MAX_CHUNK_MEMORY);
	skip_unused_chunks(png);
	png_set_progressive_read_fn(png, &ctx, on_info, on_row, on_end);
	feed(png, info, &ctx, buf, len, &fed);
	if (!ctx.ended)
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				     "corrupt PNG: file is truncated (no IEND after %zu bytes)", len);
	else if (ctx.has_alpha)
		rc = take_opaque_grey(ctx.grey_alpha, img->width, img->height, img, name, err,
				      errlen);
out:
	if (rc)
		anpr_image_free(img);
	if (fed_out)
		*fed_out = fed;
	free(ctx.grey_alpha);
	png_destroy_read_struct(&png, &info, NULL);
	return rc;
}

int anpr_image_decode_png(const uint8_t *buf, size_t len, const char *name,
			  struct anpr_image *img, char *err, size_t errlen)
{
	return anpr_image_decode_png_fed(buf, len, name, img, NULL, err, errlen);
}
