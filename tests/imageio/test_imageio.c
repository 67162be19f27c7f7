// SPDX-License-Identifier: MIT
/*
 * Unit tests for imageio: round trips for every accepted variant, and a
 * clear, named error for every bad input the decoders must refuse.
 * All inputs are generated here with libjpeg/libpng, never read from disk
 * fixtures, so each case states exactly what it feeds.
 *
 * Long file: one suite's cases and the fixtures they share (one cmocka
 * program, one process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "anpr_image.h"
#include "../../imageio/image_internal.h"

/* ---- helpers: build encoded inputs in memory ---------------------------- */

struct buf {
	uint8_t *p;
	size_t n;
};

static void fill_pattern(uint8_t *px, int w, int h, int channels)
{
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int c = 0; c < channels; c++)
				px[((size_t)y * w + x) * channels + c] =
					(uint8_t)((x * 7 + y * 13 + c * 50) & 0xff);
}

static struct buf make_jpeg(int w, int h, int channels, int progressive)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *mem = NULL;
	unsigned long len = 0;
	uint8_t *px = malloc((size_t)w * h * channels);
	struct buf b;

	fill_pattern(px, w, h, channels);
	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &mem, &len);
	c.image_width = w;
	c.image_height = h;
	c.input_components = channels;
	c.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = px + (size_t)c.next_scanline * w * channels;

		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(px);
	b.p = mem;
	b.n = len;
	return b;
}

static void png_write_mem(png_structp png, png_bytep data, png_size_t n)
{
	struct buf *b = png_get_io_ptr(png);

	b->p = realloc(b->p, b->n + n);
	memcpy(b->p + b->n, data, n);
	b->n += n;
}

static void png_flush_mem(png_structp png)
{
	(void)png;
}

/* ctype: PNG_COLOR_TYPE_*; depth 1..16; trns adds a tRNS chunk (grey only) */
static struct buf make_png(int w, int h, int ctype, int depth, int interlace, int trns)
{
	struct buf b = { NULL, 0 };
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	int channels = ctype == PNG_COLOR_TYPE_GRAY ? 1 : ctype == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 :
		       ctype == PNG_COLOR_TYPE_RGB ? 3 : ctype == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
	size_t rowbytes = ((size_t)w * channels * depth + 7) / 8;
	uint8_t *px = calloc(rowbytes, h);
	png_color pal[4] = { { 0, 0, 0 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 255 } };

	for (int y = 0; y < h; y++)
		for (size_t x = 0; x < rowbytes; x++)
			px[y * rowbytes + x] = (uint8_t)(x * 3 + y * 5);
	if (ctype == PNG_COLOR_TYPE_PALETTE)
		for (size_t i = 0; i < rowbytes * h; i++)
			px[i] &= depth == 8 ? 0x03 : 0xff;	/* indices 0..3 */
	png_set_write_fn(png, &b, png_write_mem, png_flush_mem);
	png_set_IHDR(png, info, w, h, depth, ctype, interlace ? PNG_INTERLACE_ADAM7 : 0,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (ctype == PNG_COLOR_TYPE_PALETTE)
		png_set_PLTE(png, info, pal, 4);
	if (trns) {
		png_color_16 tc = { 0 };

		png_set_tRNS(png, info, NULL, 0, &tc);
	}
	png_write_info(png, info);
	for (int pass = png_set_interlace_handling(png); pass > 0; pass--)
		for (int y = 0; y < h; y++)
			png_write_row(png, px + y * rowbytes);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(px);
	return b;
}

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/anpr-imageio-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static const char *write_tmp(const char *leaf, const void *p, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, leaf);
	f = fopen(path, "wb");
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
	return path;
}

/* Decodes a file that must fail with `code`; the message must name the file. */
static void expect_load_error(const char *leaf, const void *p, size_t n, int code,
			      const char *reason)
{
	struct anpr_image img;
	char err[512];
	const char *path = write_tmp(leaf, p, n);
	int rc = anpr_image_load(path, &img, err, sizeof(err));

	print_message("# %s -> %s\n", leaf, err);
	assert_int_equal(rc, code);
	assert_null(img.data);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, reason));
}

/* ---- accepted inputs ---------------------------------------------------- */

static void jpeg_grey_round_trip(void **state)
{
	struct anpr_image src, out;
	uint8_t *jpg;
	size_t len;
	char err[256];
	long diff = 0;

	(void)state;
	assert_int_equal(anpr_image_alloc(&src, 67, 41), 0);
	assert_true(src.stride >= 67 && src.stride % 64 == 0);
	fill_pattern(src.data, 0, 0, 1);
	for (int y = 0; y < 41; y++)
		for (int x = 0; x < 67; x++)
			src.data[y * src.stride + x] = (uint8_t)(x < 33 ? 30 : 220);
	assert_int_equal(anpr_image_encode_jpeg(&src, 95, &jpg, &len, err, sizeof(err)), 0);
	assert_true(len > 100);
	assert_int_equal(anpr_image_decode(jpg, len, "mem.jpg", &out, err, sizeof(err)), 0);
	assert_int_equal(out.width, 67);
	assert_int_equal(out.height, 41);
	for (int y = 0; y < 41; y++)
		for (int x = 0; x < 67; x++)
			diff += labs((long)out.data[y * out.stride + x] - src.data[y * src.stride + x]);
	assert_true(diff / (67 * 41) <= 3);	/* lossy, but close */
	free(jpg);
	anpr_image_free(&src);
	anpr_image_free(&out);
}

static void jpeg_colour_to_grey(void **state)
{
	struct buf b = make_jpeg(40, 30, 3, 0);
	struct anpr_image img;
	char err[256];

	(void)state;
	assert_int_equal(anpr_image_decode(b.p, b.n, "rgb.jpg", &img, err, sizeof(err)), 0);
	assert_int_equal(img.width, 40);
	assert_int_equal(img.height, 30);
	anpr_image_free(&img);
	free(b.p);
}

static void png_variants_decode(void **state)
{
	static const struct { int ctype, depth, interlace; } v[] = {
		{ PNG_COLOR_TYPE_GRAY, 8, 0 },
		{ PNG_COLOR_TYPE_GRAY, 8, 1 },
		{ PNG_COLOR_TYPE_GRAY, 1, 0 },
		{ PNG_COLOR_TYPE_GRAY, 4, 1 },
		{ PNG_COLOR_TYPE_RGB, 8, 0 },
		{ PNG_COLOR_TYPE_PALETTE, 8, 0 },
		{ PNG_COLOR_TYPE_PALETTE, 2, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf b = make_png(33, 17, v[i].ctype, v[i].depth, v[i].interlace, 0);
		struct anpr_image img;
		char err[256];
		int rc = anpr_image_decode(b.p, b.n, "v.png", &img, err, sizeof(err));

		if (rc)
			print_error("variant %zu: %s\n", i, err);
		assert_int_equal(rc, 0);
		assert_int_equal(img.width, 33);
		assert_int_equal(img.height, 17);
		anpr_image_free(&img);
		free(b.p);
	}
}

static void png_grey8_exact(void **state)
{
	struct buf b = make_png(19, 7, PNG_COLOR_TYPE_GRAY, 8, 1, 0);
	struct anpr_image img;
	char err[256];

	(void)state;
	assert_int_equal(anpr_image_decode(b.p, b.n, "g.png", &img, err, sizeof(err)), 0);
	for (int y = 0; y < 7; y++)
		for (int x = 0; x < 19; x++)
			assert_int_equal(img.data[y * img.stride + x], (uint8_t)(x * 3 + y * 5));
	anpr_image_free(&img);
	free(b.p);
}

static void pgm_round_trip_exact(void **state)
{
	struct anpr_image src, out;
	char err[256], path[256];

	(void)state;
	assert_int_equal(anpr_image_alloc(&src, 65, 3), 0);
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 65; x++)
			src.data[y * src.stride + x] = (uint8_t)(x * 4 + y);
	snprintf(path, sizeof(path), "%s/rt.pgm", tmpdir);
	assert_int_equal(anpr_image_save_pgm(&src, path, err, sizeof(err)), 0);
	assert_int_equal(anpr_image_load(path, &out, err, sizeof(err)), 0);
	assert_int_equal(out.width, 65);
	for (int y = 0; y < 3; y++)
		assert_memory_equal(out.data + y * out.stride, src.data + y * src.stride, 65);
	anpr_image_free(&src);
	anpr_image_free(&out);
}

static void pgm_comments_and_maxval(void **state)
{
	static const char pgm[] = "P5\n# a comment\n2 1 # trailing\n15\n\x0f\x00";
	static const uint8_t ppm[] = { 'P', '6', ' ', '1', ' ', '1', ' ', '2', '5', '5', '\n',
				       255, 0, 0 };
	struct anpr_image img;
	char err[256];

	(void)state;
	assert_int_equal(anpr_image_decode(pgm, sizeof(pgm) - 1, "c.pgm", &img, err,
					   sizeof(err)), 0);
	assert_int_equal(img.data[0], 255);	/* 15 of 15 scales to 255 */
	assert_int_equal(img.data[1], 0);
	anpr_image_free(&img);
	assert_int_equal(anpr_image_decode(ppm, sizeof(ppm), "r.ppm", &img, err,
					   sizeof(err)), 0);
	assert_int_equal(img.data[0], 76);	/* BT.601 luma of pure red */
	anpr_image_free(&img);
}

static void save_jpeg_is_atomic_and_loadable(void **state)
{
	struct anpr_image src, out;
	char err[256], path[256];
	struct stat st;

	(void)state;
	assert_int_equal(anpr_image_alloc(&src, 64, 32), 0);
	snprintf(path, sizeof(path), "%s/patch.jpg", tmpdir);
	assert_int_equal(anpr_image_save_jpeg(&src, 90, path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(anpr_image_load(path, &out, err, sizeof(err)), 0);
	assert_int_equal(out.width, 64);
	anpr_image_free(&out);
	/* an unwritable destination is an error naming the file, not a crash */
	assert_int_equal(anpr_image_save_jpeg(&src, 90, "/nonexistent-dir/x.jpg", err,
					      sizeof(err)), ANPR_IMG_EIO);
	assert_non_null(strstr(err, "/nonexistent-dir/x.jpg"));
	assert_int_equal(anpr_image_encode_jpeg(&src, 0, NULL, NULL, err, sizeof(err)),
			 ANPR_IMG_EINVAL);
	anpr_image_free(&src);
}

/* ---- refused inputs ----------------------------------------------------- */

static void zero_size_inputs(void **state)
{
	static const char pgm0[] = "P5 0 10 255\n";
	static const char pgm1[] = "P5 10 0 255\n";
	struct buf png = make_png(1, 1, PNG_COLOR_TYPE_GRAY, 8, 0, 0);
	uint32_t crc;

	(void)state;
	expect_load_error("empty.jpg", "", 0, ANPR_IMG_EFORMAT, "empty file");
	expect_load_error("zero-w.pgm", pgm0, sizeof(pgm0) - 1, ANPR_IMG_ELIMIT, "zero-size");
	expect_load_error("zero-h.pgm", pgm1, sizeof(pgm1) - 1, ANPR_IMG_ELIMIT, "zero-size");
	/* a PNG whose IHDR says width 0, with a correct CRC: libpng refuses it */
	memset(png.p + 16, 0, 4);
	crc = (uint32_t)crc32(0, png.p + 12, 17);
	png.p[29] = crc >> 24; png.p[30] = crc >> 16; png.p[31] = crc >> 8; png.p[32] = crc;
	expect_load_error("zero-w.png", png.p, png.n, ANPR_IMG_ECORRUPT, "corrupt PNG");
	free(png.p);
}

static void oversize_dimensions(void **state)
{
	static const char huge[] = "P5 16385 2 255\n";
	static const char many[] = "P5 16000 16000 255\n";
	struct buf j = make_jpeg(16, 16, 1, 0);

	(void)state;
	expect_load_error("wide.pgm", huge, sizeof(huge) - 1, ANPR_IMG_ELIMIT, "limit");
	expect_load_error("many.pgm", many, sizeof(many) - 1, ANPR_IMG_ELIMIT, "limit");
	/* patch the SOF0 height/width of a real JPEG to 60000x60000 */
	for (size_t i = 2; i + 9 < j.n; i++) {
		if (j.p[i] == 0xff && j.p[i + 1] == 0xc0) {
			j.p[i + 5] = 0xea; j.p[i + 6] = 0x60;
			j.p[i + 7] = 0xea; j.p[i + 8] = 0x60;
			break;
		}
	}
	expect_load_error("huge.jpg", j.p, j.n, ANPR_IMG_ELIMIT, "limit");
	free(j.p);
}

static void truncated_inputs(void **state)
{
	struct buf j = make_jpeg(64, 64, 1, 0);
	struct buf p = make_png(64, 64, PNG_COLOR_TYPE_GRAY, 8, 0, 0);
	static const char pgm[] = "P5 4 4 255\n0123456";

	(void)state;
	expect_load_error("trunc.jpg", j.p, j.n / 2, ANPR_IMG_ECORRUPT, "JPEG");
	expect_load_error("trunc-header.jpg", j.p, 20, ANPR_IMG_ECORRUPT, "JPEG");
	expect_load_error("trunc.png", p.p, p.n / 2, ANPR_IMG_ECORRUPT, "PNG");
	expect_load_error("trunc-sig.png", p.p, 12, ANPR_IMG_ECORRUPT, "PNG");
	expect_load_error("trunc.pgm", pgm, sizeof(pgm) - 1, ANPR_IMG_ECORRUPT, "truncated");
	free(j.p);
	free(p.p);
}

static void corrupt_inputs(void **state)
{
	struct buf j = make_jpeg(64, 64, 1, 0);
	struct buf p = make_png(64, 64, PNG_COLOR_TYPE_GRAY, 8, 0, 0);
	static const char garbage[] = "this is not an image at all";
	static const char badhdr[] = "P5 abc 4 255\n";
	static const char over[] = "P5 2 1 100\n\x10\xff";

	(void)state;
	/* overwrite the entropy-coded data after the header with junk markers */
	for (size_t i = j.n / 2; i < j.n / 2 + 32; i++)
		j.p[i] = (uint8_t)(i & 1 ? 0xff : 0xd9 - (i & 7));
	expect_load_error("corrupt.jpg", j.p, j.n, ANPR_IMG_ECORRUPT, "JPEG");
	/* flip a byte inside IDAT: the CRC no longer matches */
	p.p[p.n - 20] ^= 0x55;
	expect_load_error("corrupt.png", p.p, p.n, ANPR_IMG_ECORRUPT, "corrupt PNG");
	expect_load_error("garbage.bin", garbage, sizeof(garbage) - 1, ANPR_IMG_EFORMAT,
			  "not a JPEG, PNG, PGM or PPM");
	expect_load_error("badhdr.pgm", badhdr, sizeof(badhdr) - 1, ANPR_IMG_ECORRUPT,
			  "malformed");
	expect_load_error("over.pgm", over, sizeof(over) - 1, ANPR_IMG_ECORRUPT, "maxval");
	free(j.p);
	free(p.p);
}

/* Two encodings of one picture must decode to the same w x h pixels. */
static void expect_same_pixels(struct buf x, const char *xname, struct buf y,
			       const char *yname, int w, int h)
{
	struct anpr_image a, b;
	char err[256];

	assert_int_equal(anpr_image_decode(x.p, x.n, xname, &a, err, sizeof(err)), 0);
	assert_int_equal(anpr_image_decode(y.p, y.n, yname, &b, err, sizeof(err)), 0);
	assert_int_equal(a.width, w);
	assert_int_equal(a.height, h);
	for (int r = 0; r < h; r++)
		assert_memory_equal(a.data + (size_t)r * a.stride, b.data + (size_t)r * b.stride,
				    (size_t)w);
	anpr_image_free(&a);
	anpr_image_free(&b);
	free(x.p);
	free(y.p);
}

/* Progressive coding only reorders the same quantised coefficients. */
static void progressive_jpeg_equals_baseline(void **state)
{
	(void)state;
	expect_same_pixels(make_jpeg(67, 45, 3, 1), "prog.jpg", make_jpeg(67, 45, 3, 0),
			   "base.jpg", 67, 45);
}

/*
 * A valid grey progressive JPEG of 1 + 63 * 2 = 127 scans (one DC scan,
 * then each AC coefficient alone, first its high bits, then its last bit):
 * legal, but past the decoder's 100-scan limit.
 */
static struct buf make_many_scan_jpeg(void)
{
	static jpeg_scan_info scans[127];
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *mem = NULL;
	unsigned long len = 0;
	uint8_t px[16 * 16];
	int n = 0;
	struct buf b;

	fill_pattern(px, 16, 16, 1);
	scans[n++] = (jpeg_scan_info){ 1, { 0 }, 0, 0, 0, 0 };
	for (int k = 1; k < 64; k++)
		scans[n++] = (jpeg_scan_info){ 1, { 0 }, k, k, 0, 1 };
	for (int k = 1; k < 64; k++)
		scans[n++] = (jpeg_scan_info){ 1, { 0 }, k, k, 1, 0 };
	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &mem, &len);
	c.image_width = 16;
	c.image_height = 16;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	c.scan_info = scans;
	c.num_scans = n;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = px + (size_t)c.next_scanline * 16;

		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	b.p = mem;
	b.n = len;
	return b;
}

static void progressive_jpeg_scan_limit(void **state)
{
	struct buf j = make_many_scan_jpeg();

	(void)state;
	expect_load_error("scans.jpg", j.p, j.n, ANPR_IMG_ELIMIT, "more than 100 scans");
	free(j.p);
}

static void sixteen_bit_refused(void **state)
{
	struct buf g16 = make_png(8, 8, PNG_COLOR_TYPE_GRAY, 16, 0, 0);
	struct buf rgb16 = make_png(8, 8, PNG_COLOR_TYPE_RGB, 16, 0, 0);
	static const char pgm16[] = "P5 1 1 65535\n\x01\x02";

	(void)state;
	expect_load_error("g16.png", g16.p, g16.n, ANPR_IMG_EUNSUPPORTED, "16-bit");
	expect_load_error("rgb16.png", rgb16.p, rgb16.n, ANPR_IMG_EUNSUPPORTED, "16-bit");
	expect_load_error("g16.pgm", pgm16, sizeof(pgm16) - 1, ANPR_IMG_EUNSUPPORTED, "16-bit");
	free(g16.p);
	free(rgb16.p);
}

/* RGBA/GA/tRNS files whose pixels are all opaque read as their colours do. */
static struct buf make_opaque_alpha_png(int w, int h, int with_alpha)
{
	struct buf b = { NULL, 0 };
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	int ch = with_alpha ? 4 : 3;
	uint8_t *row = malloc((size_t)w * ch);

	png_set_write_fn(png, &b, png_write_mem, png_flush_mem);
	png_set_IHDR(png, info, w, h, 8, with_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
		     0, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			row[x * ch + 0] = (uint8_t)(x * 7 + y);
			row[x * ch + 1] = (uint8_t)(y * 11 + x);
			row[x * ch + 2] = (uint8_t)(x * y);
			if (with_alpha)
				row[x * ch + 3] = 255;
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	return b;
}

static void opaque_alpha_accepted(void **state)
{
	(void)state;
	expect_same_pixels(make_opaque_alpha_png(23, 17, 1), "rgba.png",
			   make_opaque_alpha_png(23, 17, 0), "rgb.png", 23, 17);
}

/* make_png's alpha bytes run through 0..255, and its tRNS makes grey 0 clear. */
static void transparency_refused(void **state)
{
	struct buf rgba = make_png(8, 8, PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 0);
	struct buf ga = make_png(8, 8, PNG_COLOR_TYPE_GRAY_ALPHA, 8, 1, 0);
	struct buf trns = make_png(8, 8, PNG_COLOR_TYPE_GRAY, 8, 0, 1);

	(void)state;
	expect_load_error("rgba.png", rgba.p, rgba.n, ANPR_IMG_EUNSUPPORTED, "translucent pixels");
	expect_load_error("ga.png", ga.p, ga.n, ANPR_IMG_EUNSUPPORTED, "translucent pixels");
	expect_load_error("trns.png", trns.p, trns.n, ANPR_IMG_EUNSUPPORTED, "1 transparent or translucent pixel ");
	free(rgba.p);
	free(ga.p);
	free(trns.p);
}

static void unreadable_paths(void **state)
{
	struct anpr_image img;
	char err[256];
	char path[256];

	(void)state;
	assert_int_equal(anpr_image_load("/nonexistent/x.jpg", &img, err, sizeof(err)),
			 ANPR_IMG_EIO);
	assert_non_null(strstr(err, "/nonexistent/x.jpg"));
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(anpr_image_load(tmpdir, &img, err, sizeof(err)), ANPR_IMG_EIO);
	assert_non_null(strstr(err, "not a regular file"));
	/* plain-text PNM variants are refused by name */
	snprintf(path, sizeof(path), "%s", write_tmp("plain.pgm", "P2 1 1 255\n7\n", 12));
	assert_int_equal(anpr_image_load(path, &img, err, sizeof(err)), ANPR_IMG_EUNSUPPORTED);
	assert_non_null(strstr(err, "P2"));
	/* a tiny error buffer is still terminated */
	assert_int_equal(anpr_image_load("/nonexistent/x.jpg", &img, err, 5), ANPR_IMG_EIO);
	assert_int_equal(strlen(err), 4);
	assert_string_equal(anpr_image_strerror(ANPR_IMG_EUNSUPPORTED),
			    "unsupported image variant");
}

/* ---- issue 18, finding 19: PNG zlib tails, warnings --------------------- */

static void put_chunk(struct buf *b, const char *type, const uint8_t *data, size_t n, int bad_crc)
{
	uint8_t hdr[8] = { n >> 24, n >> 16, n >> 8, n, type[0], type[1], type[2], type[3] };
	uLong crc = crc32(0, hdr + 4, 4);	/* crc32(c, NULL, 0) would reset it */
	uint8_t tail[4];

	if (n)
		crc = crc32(crc, data, (uInt)n);
	tail[0] = crc >> 24; tail[1] = crc >> 16; tail[2] = crc >> 8; tail[3] = crc;
	tail[3] ^= bad_crc ? 0x5a : 0;
	b->p = realloc(b->p, b->n + 12 + n);
	memcpy(b->p + b->n, hdr, 8);
	if (n)
		memcpy(b->p + b->n + 8, data, n);
	memcpy(b->p + b->n + 8 + n, tail, 4);
	b->n += 12 + n;
}

/* deflate n bytes (zeros when p is NULL) into z's output buffer o */
static void deflate_more(z_stream *z, struct buf *o, const uint8_t *p, size_t n, int flush)
{
	static const uint8_t zeros[65536];

	do {
		size_t take = n > sizeof(zeros) ? sizeof(zeros) : n;
		int last = take == n;

		z->next_in = (Bytef *)(uintptr_t)(p ? p : zeros);
		z->avail_in = (uInt)take;
		do {
			uint8_t out[65536];

			z->next_out = out;
			z->avail_out = sizeof(out);
			assert_true(deflate(z, last ? flush : Z_NO_FLUSH) != Z_STREAM_ERROR);
			o->p = realloc(o->p, o->n + sizeof(out) - z->avail_out);
			memcpy(o->p + o->n, out, sizeof(out) - z->avail_out);
			o->n += sizeof(out) - z->avail_out;
		} while (z->avail_out == 0);
		if (p)
			p += take;
		n -= take;
	} while (n);
}

/*
 * A w x h 8-bit grey PNG whose zlib stream carries `tail` bytes of zeros
 * after the last row (the same stream, so inflating it yields output past
 * the image), and `second` bytes of a second zlib stream in an IDAT of its
 * own after the first stream ended. *rows_end: the file offset where the
 * rows' compressed data ends (an upper bound).
 */
static struct buf make_png_with_tail(int w, int h, size_t tail, size_t second, size_t *rows_end)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t ihdr[13] = { w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 0, 0, 0, 0 };
	struct buf b = { NULL, 0 }, z1 = { NULL, 0 }, z2 = { NULL, 0 };
	size_t rows_z;
	uint8_t *raw = malloc((size_t)(w + 1) * h);
	z_stream z;

	for (int y = 0; y < h; y++) {
		raw[(size_t)y * (w + 1)] = 0;	/* filter: none */
		for (int x = 0; x < w; x++)
			raw[(size_t)y * (w + 1) + 1 + x] = (uint8_t)(x * 7 + y * 13);
	}
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit(&z, 9), Z_OK);
	deflate_more(&z, &z1, raw, (size_t)(w + 1) * h, tail ? Z_SYNC_FLUSH : Z_FINISH);
	rows_z = z1.n;
	if (tail)
		deflate_more(&z, &z1, NULL, tail, Z_FINISH);
	deflateEnd(&z);
	if (second) {
		memset(&z, 0, sizeof(z));
		assert_int_equal(deflateInit(&z, 9), Z_OK);
		deflate_more(&z, &z2, NULL, second, Z_FINISH);
		deflateEnd(&z);
	}
	b.p = malloc(8);
	memcpy(b.p, sig, 8);
	b.n = 8;
	put_chunk(&b, "IHDR", ihdr, sizeof(ihdr), 0);
	/* IDATs of 8 KiB, as libpng writes them */
	*rows_end = b.n + rows_z + 12 * (rows_z / 8192 + 1);
	for (size_t off = 0; off < z1.n; off += 8192)
		put_chunk(&b, "IDAT", z1.p + off, z1.n - off < 8192 ? z1.n - off : 8192, 0);
	if (second)
		put_chunk(&b, "IDAT", z2.p, z2.n, 0);
	put_chunk(&b, "IEND", NULL, 0, 0);
	free(raw);
	free(z1.p);
	free(z2.p);
	return b;
}

/*
 * A zlib stream that goes on after the last row (a 1 GB tail of zeros
 * decoded "OK" after 3.7 s, the warning ignored): refused as corrupt, and
 * found without inflating the tail: the decoder is handed the file 8 KiB
 * at a time and stops at the first byte of output past the image, so it
 * never sees most of the file. Counted, not timed.
 */
static void png_zlib_tail_refused_unread(void **state)
{
	size_t rows_end, fed = 0;
	/* 48 MiB of zeros after 256 x 64 rows: ~48 KB, under the size cap */
	struct buf t = make_png_with_tail(256, 64, 48u << 20, 0, &rows_end);
	struct anpr_image img;
	char err[512];
	int rc;

	(void)state;
	rc = anpr_image_decode_png_fed(t.p, t.n, "tail.png", &img, &fed, err, sizeof(err));
	print_message("# tail.png (%zu bytes, rows end by %zu): %s; %zu bytes handed to libpng\n",
		      t.n, rows_end, err, fed);
	assert_int_equal(rc, ANPR_IMG_ECORRUPT);
	assert_null(img.data);
	assert_non_null(strstr(err, "tail.png: corrupt PNG: "));
	assert_non_null(strstr(err, "xtra compressed data"));
	assert_true(t.n > rows_end + 4 * 8192);
	assert_true(fed <= rows_end + 8192);	/* one feed past the rows at most */
	expect_load_error("tail.png", t.p, t.n, ANPR_IMG_ECORRUPT, "xtra compressed data");
	free(t.p);
}

/* More compressed data than any encoder writes for the image: refused
 * from the chunk headers, before a row is inflated. */
static void png_oversized_idat_refused(void **state)
{
	size_t rows_end, fed = 0;
	/* 128 MiB of zeros after 64 x 16 rows: ~128 KB for an image of 1 KB */
	struct buf t = make_png_with_tail(64, 16, 128u << 20, 0, &rows_end);
	struct anpr_image img;
	char err[512];

	(void)state;
	assert_int_equal(anpr_image_decode_png_fed(t.p, t.n, "bomb.png", &img, &fed, err,
						   sizeof(err)), ANPR_IMG_ELIMIT);
	print_message("# bomb.png (%zu bytes): %s; %zu bytes handed to libpng\n", t.n, err, fed);
	assert_null(img.data);
	assert_non_null(strstr(err, "bomb.png: PNG holds "));
	assert_non_null(strstr(err, "an image of 64x16 can need"));
	assert_true(fed <= 8192);
	free(t.p);
	/* shorter than a signature (the fuzzer's find: the chunk walk read
	 * past the end) */
	assert_int_equal(anpr_image_decode_png_fed((const uint8_t *)"\x89PNG", 4, "short.png", &img,
						   &fed, err, sizeof(err)), ANPR_IMG_ECORRUPT);
}

/* A second zlib stream after the image's, and extra IDAT bytes: refused. */
static void png_second_stream_refused(void **state)
{
	size_t rows_end, fed = 0;
	struct buf t = make_png_with_tail(256, 64, 0, 32u << 20, &rows_end);
	struct anpr_image img;
	char err[512];
	int rc;

	(void)state;
	assert_int_equal(anpr_image_decode_png_fed(t.p, t.n, "two.png", &img, &fed, err,
						   sizeof(err)), ANPR_IMG_ECORRUPT);
	print_message("# two.png (%zu bytes): %s; %zu bytes handed to libpng\n", t.n, err, fed);
	assert_non_null(strstr(err, "two.png: corrupt PNG: "));
	assert_true(fed <= rows_end + 8192 && fed < t.n);
	free(t.p);
	/* the same image with no tail decodes, pixel for pixel */
	t = make_png_with_tail(256, 64, 0, 0, &rows_end);
	rc = anpr_image_decode(t.p, t.n, "ok.png", &img, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(img.data[63 * img.stride + 255], (uint8_t)(255 * 7 + 63 * 13));
	anpr_image_free(&img);
	free(t.p);
}

/* Insert chunk (type, data) before IEND of a PNG. */
static void insert_before_iend(struct buf *b, const char *type, const void *data, size_t n,
			       int bad_crc)
{
	struct buf c = { NULL, 0 };

	put_chunk(&c, type, data, n, bad_crc);
	b->p = realloc(b->p, b->n + c.n);
	memmove(b->p + b->n - 12 + c.n, b->p + b->n - 12, 12);
	memcpy(b->p + b->n - 12, c.p, c.n);
	b->n += c.n;
	free(c.p);
}

/*
 * libpng warnings fail the decode, as libjpeg's do (damage is not patched
 * up): a CRC error in an ancillary chunk decoded "OK" before. Ancillary
 * chunks a grey decode does not use are skipped unread, so a broken
 * colour profile or text chunk with a good CRC cannot fail a good image.
 */
static void png_warnings_fail(void **state)
{
	struct buf p = make_png(16, 8, PNG_COLOR_TYPE_GRAY, 8, 0, 0);
	struct buf q = make_png(16, 8, PNG_COLOR_TYPE_RGB, 8, 0, 0);
	static const char text[] = "Comment\0hello";
	static const uint8_t iccp[] = "bad profile\0\0not zlib at all";
	static const uint8_t gama[4] = { 0, 0, 0, 1 };	/* nonsense gamma */
	struct anpr_image img;
	char err[256];

	(void)state;
	insert_before_iend(&p, "tEXt", text, sizeof(text) - 1, 1);
	expect_load_error("badcrc.png", p.p, p.n, ANPR_IMG_ECORRUPT, "CRC error");
	insert_before_iend(&q, "iCCP", iccp, sizeof(iccp) - 1, 0);
	insert_before_iend(&q, "tEXt", text, sizeof(text) - 1, 0);
	insert_before_iend(&q, "gAMA", gama, sizeof(gama), 0);
	insert_before_iend(&q, "prVt", "x", 1, 0);
	assert_int_equal(anpr_image_decode(q.p, q.n, "chunks.png", &img, err, sizeof(err)), 0);
	anpr_image_free(&img);
	/* an unknown critical chunk is an error, not skipped */
	insert_before_iend(&q, "CRIT", "x", 1, 0);
	expect_load_error("crit.png", q.p, q.n, ANPR_IMG_ECORRUPT, "corrupt PNG");
	free(p.p);
	free(q.p);
}

/* A FIFO at an image path is refused at once, not waited on. */
static void fifo_image_refused(void **state)
{
	char path[256], err[512];
	struct anpr_image img;

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo.png", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(anpr_image_load(path, &img, err, sizeof(err)), ANPR_IMG_EIO);
	alarm(0);
	assert_non_null(strstr(err, "fifo.png: is a FIFO, not a regular file"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jpeg_grey_round_trip),
		cmocka_unit_test(jpeg_colour_to_grey),
		cmocka_unit_test(png_variants_decode),
		cmocka_unit_test(png_grey8_exact),
		cmocka_unit_test(pgm_round_trip_exact),
		cmocka_unit_test(pgm_comments_and_maxval),
		cmocka_unit_test(save_jpeg_is_atomic_and_loadable),
		cmocka_unit_test(zero_size_inputs),
		cmocka_unit_test(oversize_dimensions),
		cmocka_unit_test(truncated_inputs),
		cmocka_unit_test(corrupt_inputs),
		cmocka_unit_test(progressive_jpeg_equals_baseline),
		cmocka_unit_test(progressive_jpeg_scan_limit),
		cmocka_unit_test(sixteen_bit_refused),
		cmocka_unit_test(opaque_alpha_accepted),
		cmocka_unit_test(transparency_refused),
		cmocka_unit_test(unreadable_paths),
		cmocka_unit_test(png_zlib_tail_refused_unread),
		cmocka_unit_test(png_oversized_idat_refused),
		cmocka_unit_test(png_second_stream_refused),
		cmocka_unit_test(png_warnings_fail),
		cmocka_unit_test(fifo_image_refused),
	};

	return cmocka_run_group_tests_name("imageio", tests, setup_dir, teardown_dir);
}
