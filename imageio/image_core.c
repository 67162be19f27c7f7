// SPDX-License-Identifier: MIT
/*
 * image_core.c - allocation, format detection, file loading and the error
 * conventions shared by the decoders.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_internal.h"

#define ROW_ALIGN 64

int anpr_image_fail(char *err, size_t errlen, int code, const char *name,
		    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return code;
	n = snprintf(err, errlen, "%s: ", name ? name : "<image>");
	if (n < 0 || (size_t)n >= errlen)
		return code;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

int anpr_image_check_dims(long width, long height, const char *name,
			  char *err, size_t errlen)
{
	if (width <= 0 || height <= 0)
		return anpr_image_fail(err, errlen, ANPR_IMG_ELIMIT, name,
				       "zero-size image (%ldx%ld)", width, height);
	if (width > ANPR_IMG_MAX_DIM || height > ANPR_IMG_MAX_DIM)
		return anpr_image_fail(err, errlen, ANPR_IMG_ELIMIT, name,
				       "image %ldx%ld exceeds the %d pixel limit per side",
				       width, height, ANPR_IMG_MAX_DIM);
	if ((unsigned long)width * (unsigned long)height > ANPR_IMG_MAX_PIXELS)
		return anpr_image_fail(err, errlen, ANPR_IMG_ELIMIT, name,
				       "image %ldx%ld exceeds the %u pixel limit",
				       width, height, ANPR_IMG_MAX_PIXELS);
	return 0;
}

int anpr_image_alloc(struct anpr_image *img, int width, int height)
{
	size_t stride;
	void *p;

	if (!img)
		return ANPR_IMG_EINVAL;
	memset(img, 0, sizeof(*img));
	if (width <= 0 || height <= 0 || width > ANPR_IMG_MAX_DIM ||
	    height > ANPR_IMG_MAX_DIM ||
	    (size_t)width * (size_t)height > ANPR_IMG_MAX_PIXELS)
		return ANPR_IMG_ELIMIT;
	stride = ((size_t)width + ROW_ALIGN - 1) & ~(size_t)(ROW_ALIGN - 1);
	if (posix_memalign(&p, ROW_ALIGN, stride * (size_t)height))
		return ANPR_IMG_ENOMEM;
	memset(p, 0, stride * (size_t)height);
	img->data = p;
	img->width = width;
	img->height = height;
	img->stride = stride;
	return 0;
}

void anpr_image_free(struct anpr_image *img)
{
	if (!img)
		return;
	free(img->data);
	memset(img, 0, sizeof(*img));
}

enum anpr_img_format anpr_image_sniff(const uint8_t *buf, size_t len)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
		return ANPR_FMT_JPEG;
	if (len >= 8 && memcmp(buf, png_sig, 8) == 0)
		return ANPR_FMT_PNG;
	if (len >= 2 && buf[0] == 'P' && buf[1] >= '1' && buf[1] <= '7')
		return ANPR_FMT_PNM;
	return ANPR_FMT_UNKNOWN;
}

int anpr_image_decode(const void *buf, size_t len, const char *name,
		      struct anpr_image *img, char *err, size_t errlen)
{
	const uint8_t *b = buf;

	if (err && errlen)
		err[0] = '\0';
	if (!img)
		return anpr_image_fail(err, errlen, ANPR_IMG_EINVAL, name, "no output image");
	memset(img, 0, sizeof(*img));
	if (!buf || len == 0)
		return anpr_image_fail(err, errlen, ANPR_IMG_EFORMAT, name,
				       "empty file (0 bytes)");
	if (len > ANPR_IMG_MAX_FILE)
		return anpr_image_fail(err, errlen, ANPR_IMG_ELIMIT, name,
				       "file of %zu bytes exceeds the %u byte limit",
				       len, ANPR_IMG_MAX_FILE);
	switch (anpr_image_sniff(b, len)) {
	case ANPR_FMT_JPEG:
		return anpr_image_decode_jpeg(b, len, name, img, err, errlen);
	case ANPR_FMT_PNG:
		return anpr_image_decode_png(b, len, name, img, err, errlen);
	case ANPR_FMT_PNM:
		return anpr_image_decode_pnm(b, len, name, img, err, errlen);
	default:
		return anpr_image_fail(err, errlen, ANPR_IMG_EFORMAT, name,
				       "not a JPEG, PNG, PGM or PPM file");
	}
}

int anpr_image_load(const char *path, struct anpr_image *img,
		    char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, rc;

	if (err && errlen)
		err[0] = '\0';
	if (img)
		memset(img, 0, sizeof(*img));
	if (!path || !img)
		return anpr_image_fail(err, errlen, ANPR_IMG_EINVAL, path, "invalid argument");
	/* O_NONBLOCK: a FIFO at the path must not hang us (refused below) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return anpr_image_fail(err, errlen, ANPR_IMG_EIO, path, "cannot open: %s",
				       strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = anpr_image_fail(err, errlen, ANPR_IMG_EIO, path, "cannot stat: %s",
				     strerror(errno));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return anpr_image_fail(err, errlen, ANPR_IMG_EIO, path, "is %s, not a regular file",
				       S_ISFIFO(st.st_mode)  ? "a FIFO" :
				       S_ISDIR(st.st_mode)   ? "a directory" :
				       S_ISCHR(st.st_mode)   ? "a character device" :
				       S_ISBLK(st.st_mode)   ? "a block device" :
				       S_ISSOCK(st.st_mode)  ? "a socket" : "not a file");
	}
	if ((unsigned long long)st.st_size > ANPR_IMG_MAX_FILE) {
		close(fd);
		return anpr_image_fail(err, errlen, ANPR_IMG_ELIMIT, path,
				       "file of %lld bytes exceeds the %u byte limit",
				       (long long)st.st_size, ANPR_IMG_MAX_FILE);
	}
	if (st.st_size == 0) {
		close(fd);
		return anpr_image_fail(err, errlen, ANPR_IMG_EFORMAT, path, "empty file (0 bytes)");
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, path, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = anpr_image_fail(err, errlen, ANPR_IMG_EIO, path, "read error: %s",
					     strerror(errno));
			goto out;
		}
		if (n == 0)
			break;	/* shrank while reading: decode what is there */
		got += (size_t)n;
	}
	rc = anpr_image_decode(buf, got, path, img, err, errlen);
out:
	free(buf);
	close(fd);
	return rc;
}

const char *anpr_image_strerror(int code)
{
	switch (code) {
	case ANPR_IMG_OK:		return "success";
	case ANPR_IMG_EIO:		return "I/O error";
	case ANPR_IMG_EFORMAT:		return "unknown format";
	case ANPR_IMG_ECORRUPT:		return "corrupt or truncated data";
	case ANPR_IMG_EUNSUPPORTED:	return "unsupported image variant";
	case ANPR_IMG_ELIMIT:		return "size out of limits";
	case ANPR_IMG_ENOMEM:		return "out of memory";
	case ANPR_IMG_EINVAL:		return "invalid argument";
	default:			return "unknown error";
	}
}
