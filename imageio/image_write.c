// SPDX-License-Identifier: MIT
/*
 * image_write.c - write encoded images to files, whole or not at all:
 * a temporary file in the same directory, fsync, then rename over the
 * destination.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_internal.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes head then body to path via path.tmp.XXXXXX + fsync + rename. */
static int write_file_atomic(const char *path, const uint8_t *head, size_t headlen,
			     const uint8_t *body, size_t bodylen,
			     char *err, size_t errlen)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	int fd, saved;

	if (!tmp)
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, path, "out of memory");
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		saved = errno;
		free(tmp);
		return anpr_image_fail(err, errlen, ANPR_IMG_EIO, path,
				       "cannot create temporary file: %s", strerror(saved));
	}
	if (write_all(fd, head, headlen) || write_all(fd, body, bodylen) || fsync(fd)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		return anpr_image_fail(err, errlen, ANPR_IMG_EIO, path, "write failed: %s",
				       strerror(saved));
	}
	if (fchmod(fd, 0644) || close(fd) || rename(tmp, path)) {
		saved = errno;
		unlink(tmp);
		free(tmp);
		return anpr_image_fail(err, errlen, ANPR_IMG_EIO, path, "cannot commit file: %s",
				       strerror(saved));
	}
	free(tmp);
	return 0;
}

int anpr_image_save_jpeg(const struct anpr_image *img, int quality, const char *path,
			 char *err, size_t errlen)
{
	uint8_t *jpg = NULL;
	size_t len = 0;
	int rc;

	if (!path)
		return anpr_image_fail(err, errlen, ANPR_IMG_EINVAL, "<jpeg>", "no path");
	rc = anpr_image_encode_jpeg(img, quality, &jpg, &len, err, errlen);
	if (rc)
		return rc;
	rc = write_file_atomic(path, NULL, 0, jpg, len, err, errlen);
	free(jpg);
	return rc;
}

int anpr_image_save_pgm(const struct anpr_image *img, const char *path,
			char *err, size_t errlen)
{
	char head[64];
	uint8_t *raster;
	int n, y, rc;

	if (!img || !img->data || !path || img->stride < (size_t)img->width)
		return anpr_image_fail(err, errlen, ANPR_IMG_EINVAL, path ? path : "<pgm>",
				       "invalid argument");
	rc = anpr_image_check_dims(img->width, img->height, path, err, errlen);
	if (rc)
		return rc;
	n = snprintf(head, sizeof(head), "P5\n%d %d\n255\n", img->width, img->height);
	raster = malloc((size_t)img->width * (size_t)img->height);
	if (!raster)
		return anpr_image_fail(err, errlen, ANPR_IMG_ENOMEM, path, "out of memory");
	for (y = 0; y < img->height; y++)
		memcpy(raster + (size_t)y * (size_t)img->width,
		       img->data + (size_t)y * img->stride, (size_t)img->width);
	rc = write_file_atomic(path, (const uint8_t *)head, (size_t)n, raster,
			       (size_t)img->width * (size_t)img->height, err, errlen);
	free(raster);
	return rc;
}
