// SPDX-License-Identifier: MIT
/*
 * image_jpeg.c - JPEG decode (baseline or progressive) to grey and encode
 * from grey, with libjpeg-turbo.
 *
 * libjpeg reports fatal errors through error_exit (we longjmp back) and
 * recoverable damage - a truncated file, corrupt entropy data - only as
 * warnings while it quietly fills in grey. Evidence must not be silently
 * patched up, so any warning fails the decode too.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>

#include "image_internal.h"

/* libjpeg's own working memory is bounded, whatever the file claims. */
#define JPEG_MAX_WORK_MEMORY (512L * 1024 * 1024)

/*
 * A progressive file is decoded once per scan. Encoders write about ten;
 * a crafted file can carry thousands of tiny scans and take minutes, so
 * more than this is refused (libjpeg-turbo's TurboJPEG API stops at 500).
 */
#define JPEG_MAX_SCANS 100

struct jpeg_err {
	struct jpeg_error_mgr mgr;	/* must be first: libjpeg casts to it */
	jmp_buf jmp;
	char msg[JMSG_LENGTH_MAX];
	int warned;
	int too_many_scans;
};

struct jpeg_scan_guard {
	struct jpeg_progress_mgr mgr;	/* must be first: libjpeg casts to it */
	struct jpeg_err *err;
};

static void on_error_exit(j_common_ptr cinfo)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	cinfo->err->format_message(cinfo, e->msg);
	longjmp(e->jmp, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	/* level -1 is a warning about damaged data; >= 0 are trace messages */
	if (level < 0 && !e->warned) {
		cinfo->err->format_message(cinfo, e->msg);
		e->warned = 1;
	}
}

/* Called by libjpeg as it works; stops a file with too many scans. */
static void on_progress(j_common_ptr cinfo)
{
	struct jpeg_scan_guard *g = (struct jpeg_scan_guard *)cinfo->progress;
	const struct jpeg_decompress_struct *d = (const struct jpeg_decompress_struct *)cinfo;

	if (d->input_scan_number > JPEG_MAX_SCANS) {
		g->err->too_many_scans = 1;
		longjmp(g->err->jmp, 1);
	}
}

int anpr_image_decode_jpeg(const uint8_t *buf, size_t len, const char *name,
			   struct anpr_image *img, char *err, size_t errlen)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err jerr;
	struct jpeg_scan_guard guard;
	/* volatile: modified after setjmp and read after longjmp */
	volatile int rc = 0;
	struct anpr_image *volatile out = img;

	memset(&jerr, 0, sizeof(jerr));
	cinfo.err = jpeg_std_error(&jerr.mgr);
	jerr.mgr.error_exit = on_error_exit;
	jerr.mgr.emit_message = on_message;
	if (setjmp(jerr.jmp)) {
		anpr_image_free(out);
		if (!rc && jerr.too_many_scans)
			rc = anpr_image_fail(err, errlen, ANPR_IMG_ELIMIT, name,
					     "progressive JPEG with more than %d scans",
					     JPEG_MAX_SCANS);
		else if (!rc)
			rc = anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
					     "corrupt JPEG: %s", jerr.msg);
		jpeg_destroy_decompress(&cinfo);
		return rc;
	}
	jpeg_create_decompress(&cinfo);
	cinfo.mem->max_memory_to_use = JPEG_MAX_WORK_MEMORY;
	memset(&guard, 0, sizeof(guard));
	guard.mgr.progress_monitor = on_progress;
	guard.err = &jerr;
	cinfo.progress = &guard.mgr;
	jpeg_mem_src(&cinfo, buf, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	if (jerr.warned) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				     "damaged JPEG header: %s", jerr.msg);
		goto out;
	}
	rc = anpr_image_check_dims((long)cinfo.image_width, (long)cinfo.image_height,
				   name, err, errlen);
	if (rc)
		goto out;
	/*
	 * Progressive files need whole-image coefficient buffers: bounded by
	 * the pixel limits above and JPEG_MAX_WORK_MEMORY; their decode time
	 * by JPEG_MAX_SCANS (on_progress).
	 */
	if (cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_YCbCr &&
	    cinfo.jpeg_color_space != JCS_RGB) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				     "JPEG colour space %d (CMYK/YCCK) is not supported",
				     (int)cinfo.jpeg_color_space);
		goto out;
	}
	cinfo.out_color_space = JCS_GRAYSCALE;	/* Y of YCbCr: BT.601 luma */
	cinfo.dct_method = JDCT_ISLOW;		/* bit-exact across platforms */
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 1) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_EUNSUPPORTED, name,
				     "JPEG decodes to %d components, expected grey",
				     cinfo.output_components);
		goto out;
	}
	if (anpr_image_alloc(out, (int)cinfo.output_width, (int)cinfo.output_height)) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, name, "out of memory");
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = out->data + (size_t)cinfo.output_scanline * out->stride;

		if (jpeg_read_scanlines(&cinfo, &row, 1) != 1)
			break;	/* suspension cannot happen with a memory source */
		if (jerr.warned)
			break;
	}
	if (jerr.warned) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				     "corrupt or truncated JPEG data: %s", jerr.msg);
		goto out;
	}
	jpeg_finish_decompress(&cinfo);
	if (jerr.warned) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_ECORRUPT, name,
				     "corrupt JPEG trailer: %s", jerr.msg);
		goto out;
	}
out:
	if (rc)
		anpr_image_free(out);
	jpeg_destroy_decompress(&cinfo);
	return rc;
}

int anpr_image_encode_jpeg(const struct anpr_image *img, int quality,
			   uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_err jerr;
	unsigned char *volatile mem = NULL;
	unsigned long memlen = 0;
	int y;

	if (err && errlen)
		err[0] = '\0';
	if (!img || !img->data || !out || !outlen || quality < 1 || quality > 100 ||
	    img->stride < (size_t)img->width)
		return anpr_image_fail(err, errlen, ANPR_IMG_EINVAL, "<jpeg encoder>",
				       "invalid argument");
	if (anpr_image_check_dims(img->width, img->height, "<jpeg encoder>", err, errlen))
		return ANPR_IMG_ELIMIT;
	*out = NULL;
	*outlen = 0;
	memset(&jerr, 0, sizeof(jerr));
	cinfo.err = jpeg_std_error(&jerr.mgr);
	jerr.mgr.error_exit = on_error_exit;
	if (setjmp(jerr.jmp)) {
		jpeg_destroy_compress(&cinfo);
		free(mem);
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, "<jpeg encoder>",
				       "%s", jerr.msg);
	}
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, (unsigned char **)&mem, &memlen);
	cinfo.image_width = (JDIMENSION)img->width;
	cinfo.image_height = (JDIMENSION)img->height;
	cinfo.input_components = 1;
	cinfo.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, quality, TRUE);
	cinfo.dct_method = JDCT_ISLOW;
	jpeg_start_compress(&cinfo, TRUE);
	for (y = 0; y < img->height; y++) {
		JSAMPROW row = img->data + (size_t)y * img->stride;

		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	*out = mem;
	*outlen = memlen;
	return 0;
}
