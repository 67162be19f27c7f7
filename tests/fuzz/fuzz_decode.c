// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for one imageio decoder, chosen at build time with
 * -DFUZZ_DECODER=anpr_image_decode_{jpeg,png,pnm}. The decoder is called
 * directly (not through format sniffing) so every input reaches it, and
 * the result is checked for consistency, not just for not crashing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../imageio/image_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct anpr_image img;
	char err[256];
	int rc;

	if (size < 2)	/* the public entry point refuses these before any decoder */
		return 0;
	memset(&img, 0, sizeof(img));
	rc = FUZZ_DECODER(data, size, "<fuzz>", &img, err, sizeof(err));
	if (rc == 0) {
		/* a successful decode is a fully readable image within limits */
		if (!img.data || img.width <= 0 || img.height <= 0 ||
		    img.stride < (size_t)img.width ||
		    (size_t)img.width * (size_t)img.height > ANPR_IMG_MAX_PIXELS)
			abort();
		volatile uint8_t sink = img.data[(size_t)(img.height - 1) * img.stride +
						 (size_t)img.width - 1];
		(void)sink;
	} else {
		/* a failure leaves no image behind and always says why */
		if (img.data || err[0] == '\0' || strncmp(err, "<fuzz>: ", 8) != 0)
			abort();
	}
	anpr_image_free(&img);
	return 0;
}
