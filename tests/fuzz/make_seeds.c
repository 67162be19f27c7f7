// SPDX-License-Identifier: MIT
/*
 * Writes small valid seed files for the fuzzers: DIR/jpeg/, DIR/png/,
 * DIR/pnm/. Generated at build time so no binary fixture is committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "anpr_image.h"

static void put(const char *dir, const char *leaf, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* A colour progressive JPEG (decoded scan by scan: its own code path). */
static void put_progressive_jpeg(const char *dir)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *mem = NULL;
	unsigned long len = 0;
	uint8_t row[20 * 3];

	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &mem, &len);
	c.image_width = 20;
	c.image_height = 12;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW r = row;

		for (int i = 0; i < 20 * 3; i++)
			row[i] = (uint8_t)(i * 9 + c.next_scanline * 21);
		jpeg_write_scanlines(&c, &r, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	put(dir, "progressive.jpg", mem, len);
	free(mem);
}

struct mem_png {
	unsigned char p[4096];
	size_t n;
};

static void png_to_mem(png_structp png, png_bytep data, png_size_t n)
{
	struct mem_png *m = png_get_io_ptr(png);

	if (n > sizeof(m->p) - m->n)
		png_error(png, "seed too big");
	memcpy(m->p + m->n, data, n);
	m->n += n;
}

static void png_flush_none(png_structp png)
{
	(void)png;
}

/* An RGBA PNG, opaque everywhere (accepted) but one pixel (refused). */
static void put_rgba_png(const char *dir, const char *leaf, int one_clear)
{
	static struct mem_png m;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	uint8_t row[6 * 4];

	m.n = 0;
	png_set_write_fn(png, &m, png_to_mem, png_flush_none);
	png_set_IHDR(png, info, 6, 4, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < 4; y++) {
		for (int i = 0; i < 6 * 4; i++)
			row[i] = (i % 4 == 3) ? 255 : (uint8_t)(i * 11 + y * 40);
		if (one_clear && y == 2)
			row[3] = 0;
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	put(dir, leaf, m.p, m.n);
}

static void put_chunk(unsigned char *p, size_t *n, const char *type, const unsigned char *d,
		      size_t len)
{
	uLong crc = crc32(0, (const Bytef *)type, 4);

	if (len)
		crc = crc32(crc, d, (uInt)len);
	p[*n] = len >> 24; p[*n + 1] = len >> 16; p[*n + 2] = len >> 8; p[*n + 3] = len;
	memcpy(p + *n + 4, type, 4);
	if (len)
		memcpy(p + *n + 8, d, len);
	p[*n + 8 + len] = crc >> 24; p[*n + 9 + len] = crc >> 16;
	p[*n + 10 + len] = crc >> 8; p[*n + 11 + len] = crc;
	*n += 12 + len;
}

/*
 * An 8x4 grey PNG whose zlib stream goes on past the last row (issue 18:
 * the decoder must stop there) with `tail` bytes of zeros, or, with
 * second, ends and is followed by a second stream: the fuzzer starts from
 * the shape of the attack.
 */
static void put_tail_png(const char *dir, const char *leaf, size_t tail, int second)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char ihdr[13] = { 0, 0, 0, 8, 0, 0, 0, 4, 8, 0, 0, 0, 0 };
	static unsigned char raw[4 * 9 + 8192], z[16384], out[20000];
	size_t n = 8, zn;
	z_stream zs;

	memset(raw, 0, sizeof(raw));
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 8; x++)
			raw[y * 9 + 1 + x] = (unsigned char)(x * 30 + y * 7);
	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, 9) != Z_OK)
		exit(1);
	zs.next_in = raw;
	zs.avail_in = (uInt)(4 * 9 + (second ? 0 : tail));
	zs.next_out = z;
	zs.avail_out = sizeof(z);
	deflate(&zs, Z_FINISH);
	zn = sizeof(z) - zs.avail_out;
	deflateEnd(&zs);
	if (second) {
		uLongf more = sizeof(z) - zn;

		compress2(z + zn, &more, raw + 4 * 9, (uLong)tail, 9);
		zn += more;
	}
	memcpy(out, sig, 8);
	put_chunk(out, &n, "IHDR", ihdr, sizeof(ihdr));
	put_chunk(out, &n, "IDAT", z, zn);
	put_chunk(out, &n, "IEND", NULL, 0);
	put(dir, leaf, out, n);
}

int main(int argc, char **argv)
{
	static const char pgm[] = "P5\n# seed\n4 3\n255\n0123456789ab";
	static const char ppm[] = "P6 2 2 15\n\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c";
	/* 1x1 grey PNG, 8 bits */
	static const unsigned char png[] = {
		0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
		0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
		0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00,
		0x0a, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0x60, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x01, 0xe2, 0x21, 0xbc, 0x33, 0x00, 0x00, 0x00, 0x00, 0x49,
		0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
	};
	char dir[400], err[256];
	struct anpr_image img;
	uint8_t *jpg;
	size_t len;
	int q;

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/pnm", argv[1]);
	mkdir(argv[1], 0755);
	mkdir(dir, 0755);
	put(dir, "seed.pgm", pgm, sizeof(pgm) - 1);
	put(dir, "seed.ppm", ppm, sizeof(ppm) - 1);
	snprintf(dir, sizeof(dir), "%s/png", argv[1]);
	mkdir(dir, 0755);
	put(dir, "seed.png", png, sizeof(png));
	put_rgba_png(dir, "rgba-opaque.png", 0);
	put_rgba_png(dir, "rgba-one-clear.png", 1);
	put_tail_png(dir, "zlib-tail.png", 8192, 0);
	put_tail_png(dir, "second-stream.png", 4096, 1);
	snprintf(dir, sizeof(dir), "%s/jpeg", argv[1]);
	mkdir(dir, 0755);
	if (anpr_image_alloc(&img, 24, 16))
		return 1;
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 24; x++)
			img.data[y * img.stride + x] = (uint8_t)(x * 10 ^ y * 16);
	for (q = 30; q <= 90; q += 60) {
		char leaf[32];

		if (anpr_image_encode_jpeg(&img, q, &jpg, &len, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		snprintf(leaf, sizeof(leaf), "q%d.jpg", q);
		put(dir, leaf, jpg, len);
		free(jpg);
	}
	anpr_image_free(&img);
	put_progressive_jpeg(dir);
	return 0;
}
