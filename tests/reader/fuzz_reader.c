// SPDX-License-Identifier: MIT
/*
 * fuzz_reader.c - libFuzzer targets (clang, ASan + UBSan):
 *   FUZZ_WEIGHTS: rd_net_parse and rd_linenet_parse on arbitrary bytes (a
 *     weights file from anywhere must be refused cleanly or load), and
 *     what loads run once (the line recognizer's output read under the
 *     formats);
 *   otherwise: anpr_reader_read on an arbitrary frame (2 bytes width, 1
 *     byte height, 1 byte stride pad, then pixels tiled to fill it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader/reader_int.h"

#ifdef FUZZ_WEIGHTS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[256];
	struct rd_net *net = rd_net_parse(data, len, "<fuzz>", err, sizeof(err));

	if (net) {
		float patch[RD_CH_H * RD_CH_W] = { 0 }, prob[RD_CLASSES];

		rd_net_run(net, &anpr_kern_scalar, patch, prob);
		rd_net_free(net);
	}
	struct rd_linenet *ln = rd_linenet_parse(data, len, "<fuzz>", err, sizeof(err));

	if (ln) {
		static float band[RD_BAND_H * RD_BAND_W], logp[RD_LN_T][RD_CLASSES];
		struct rd_decoded d;

		for (size_t i = 0; i < RD_BAND_H * RD_BAND_W; i++)
			band[i] = (float)(i % 7) / 6.0f;
		rd_linenet_run(ln, &anpr_kern_scalar, band, logp);
		rd_syntax_decode_ctc((const float (*)[RD_CLASSES])logp, ANPR_REGION_AUTO, &d);
		rd_linenet_free(ln);
	}
	return 0;
}
#else
static struct anpr_reader *reader;
static uint8_t frame[(320 + 6) * 240];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct anpr_read out;
	char err[256];
	int w, h;
	size_t stride;

	if (!reader) {
		struct anpr_reader_config cfg;

		anpr_reader_config_default(&cfg);
		reader = anpr_reader_create(&cfg, err, sizeof(err));
		if (!reader)
			abort();
	}
	if (len < 4)
		return 0;
	/* A frame up to 320x240 tiled from the input bytes. */
	w = 1 + (data[0] | data[1] << 8) % 320;
	h = 1 + data[2] % 240;
	stride = (size_t)w + data[3] % 7;
	data += 4;
	len -= 4;
	if (!len)
		return 0;
	for (size_t i = 0; i < (size_t)h * stride; i++)
		frame[i] = data[i % len];
	/* The argument checks. */
	if (anpr_reader_read(reader, NULL, w, h, stride, &out) == 0 ||
	    anpr_reader_read(reader, frame, w, 0, stride, &out) == 0 ||
	    anpr_reader_read(reader, frame, w + 1, 1, (size_t)w, &out) == 0)
		abort();
	anpr_reader_read(reader, frame, w, h, stride, &out);
	for (int i = 0; i < out.nplates; i++)
		if (strlen(out.plates[i].text) != (size_t)out.plates[i].nchars)
			abort();
	return 0;
}
#endif
