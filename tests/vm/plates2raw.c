// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-plates2raw: decode photos (JPEG/PNG/PGM/PPM, through anprimageio)
 * to 8-bit grey, scale them (nearest neighbour) to WIDTHxHEIGHT and write
 * them one after another as raw GREY frames: the input the VM suite
 * injects through the driver's output node (tests/vm/init.sh, "plates").
 *   usage: anprcap-plates2raw WIDTH HEIGHT OUT.grey IMAGE...
 * Every error names the file and the reason; the output is written whole
 * (OUT.grey.tmp, then renamed) or not at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "anpr_image.h"

int main(int argc, char **argv)
{
	char err[256], tmp[4096];
	unsigned long w, h;
	uint8_t *frame;
	FILE *out;
	int i;

	if (argc < 5) {
		fprintf(stderr, "usage: anprcap-plates2raw WIDTH HEIGHT OUT.grey IMAGE...\n");
		return 2;
	}
	w = strtoul(argv[1], NULL, 10);
	h = strtoul(argv[2], NULL, 10);
	if (!w || !h || w > 8192 || h > 8192) {
		fprintf(stderr, "anprcap-plates2raw: bad size %sx%s\n", argv[1], argv[2]);
		return 2;
	}
	frame = malloc(w * h);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[3]);
	out = fopen(tmp, "wb");
	if (!frame || !out) {
		fprintf(stderr, "anprcap-plates2raw: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	for (i = 4; i < argc; i++) {
		struct anpr_image img = { 0 };
		unsigned long x, y;

		if (anpr_image_load(argv[i], &img, err, sizeof(err))) {
			fprintf(stderr, "anprcap-plates2raw: %s: %s\n", argv[i], err);
			fclose(out);
			remove(tmp);
			return 1;
		}
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				frame[y * w + x] = img.data[(y * img.height / h) * img.stride +
							    x * img.width / w];
		anpr_image_free(&img);
		if (fwrite(frame, 1, w * h, out) != w * h) {
			fprintf(stderr, "anprcap-plates2raw: %s: %s\n", tmp, strerror(errno));
			fclose(out);
			remove(tmp);
			return 1;
		}
	}
	if (fclose(out) || rename(tmp, argv[3])) {
		fprintf(stderr, "anprcap-plates2raw: %s: %s\n", argv[3], strerror(errno));
		remove(tmp);
		return 1;
	}
	free(frame);
	return 0;
}
