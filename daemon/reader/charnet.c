// SPDX-License-Identifier: MIT
/*
 * charnet.c - the character classifier: a small convolutional network whose
 * weights are trained by training/train_chars.py and whose inference is
 * this file (no ML runtime). Architecture (docs/reader.md):
 *   24x16x1 -conv3x3(C1)+ReLU-maxpool2-> 12x8xC1 -conv3x3(C2)+ReLU-maxpool2->
 *   6x4xC2 -fc(F)+ReLU-> F -fc(37)-> softmax
 * The convolutions run on the zero-padded planes laid out row after row:
 * tap t of input plane c is that plane read from offset (t / 3, t % 3), so
 * one call of the SIMD kernel conv_rows_f32 (netkern.h) per layer does all
 * of it from a table of row pointers built once per net; the fully
 * connected layers use dot_f32.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/readfile.h"
#include "reader/netkern.h"
#include "reader/reader_int.h"

#define MAGIC		"ANPRCHR1"
#define HDR_WORDS	8	/* version, in_h, in_w, c1, c2, f, classes, 0 */
#define MAX_C		64
#define MAX_F		256

struct rd_net {
	int c1, c2, f;
	char classes[RD_CLASSES + 1];
	float *w1, *b1, *w2, *b2, *w3, *b3, *w4, *b4;
	float *mem;
	/* conv inputs, tap by tap: rows[0..8] layer 1, rows[9..] layer 2 */
	const float **rows;
	/* scratch (per net: one net per thread) */
	float *pad0, *act1, *pad1, *act2, *flat, *hid;
};

uint32_t rd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

const char *rd_net_classes(const struct rd_net *net)
{
	return net->classes;
}

void rd_net_free(struct rd_net *net)
{
	if (!net)
		return;
	free(net->mem);
	free(net->rows);
	free(net);
}

struct rd_net *rd_net_parse(const void *data, size_t len, const char *name,
			    char *err, size_t errlen)
{
	const unsigned char *p = data;
	uint32_t hdr[HDR_WORDS];
	struct rd_net *net;
	size_t nw, need, off;

	if (len < 8 + 4 * HDR_WORDS + RD_CLASSES || memcmp(p, MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not a reader weights file (bad magic or "
			 "shorter than the header)", name);
		return NULL;
	}
	for (int i = 0; i < HDR_WORDS; i++)
		hdr[i] = rd_le32(p + 8 + 4 * i);
	if (hdr[0] != 1 || hdr[1] != RD_CH_H || hdr[2] != RD_CH_W ||
	    hdr[6] != RD_CLASSES) {
		snprintf(err, errlen, "%s: unsupported weights (version %u, input "
			 "%ux%u, %u classes; want version 1, %dx%d, %d)", name,
			 hdr[0], hdr[1], hdr[2], hdr[6], RD_CH_H, RD_CH_W,
			 RD_CLASSES);
		return NULL;
	}
	if (hdr[3] < 1 || hdr[3] > MAX_C || hdr[4] < 1 || hdr[4] > MAX_C ||
	    hdr[5] < 1 || hdr[5] > MAX_F) {
		snprintf(err, errlen, "%s: layer sizes out of range (c1 %u, c2 %u, "
			 "f %u)", name, hdr[3], hdr[4], hdr[5]);
		return NULL;
	}
	int c1 = (int)hdr[3], c2 = (int)hdr[4], f = (int)hdr[5];
	int flat = c2 * (RD_CH_H / 4) * (RD_CH_W / 4);

	nw = (size_t)c1 * 9 + c1 + (size_t)c2 * c1 * 9 + c2 +
	     (size_t)f * flat + f + (size_t)RD_CLASSES * f + RD_CLASSES;
	off = 8 + 4 * HDR_WORDS + RD_CLASSES;
	off = (off + 3) & ~(size_t)3;
	need = off + nw * 4;
	if (len != need) {
		snprintf(err, errlen, "%s: size %zu bytes, expected %zu for these "
			 "layer sizes (truncated or trailing data)", name, len, need);
		return NULL;
	}
	net = calloc(1, sizeof(*net));
	size_t scratch = (size_t)(RD_CH_H + 2) * (RD_CH_W + 2) +
			 (size_t)c1 * (RD_CH_H + 2) * (RD_CH_W + 2) +
			 (size_t)c1 * (RD_CH_H / 2 + 2) * (RD_CH_W / 2 + 2) +
			 (size_t)c2 * (RD_CH_H / 2 + 2) * (RD_CH_W / 2 + 2) +
			 (size_t)flat + (size_t)f + 64;
	if (!net || !(net->mem = malloc((nw + scratch) * sizeof(float))) ||
	    !(net->rows = calloc(9 + (size_t)c1 * 9, sizeof(*net->rows)))) {
		if (net)
			free(net->mem);
		free(net);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	net->c1 = c1;
	net->c2 = c2;
	net->f = f;
	memcpy(net->classes, p + 8 + 4 * HDR_WORDS, RD_CLASSES);
	net->classes[RD_CLASSES] = 0;
	if (rd_weights_floats(p + off, nw, net->mem, name, err, errlen)) {
		rd_net_free(net);
		return NULL;
	}
	float *q = net->mem;

	net->w1 = q; q += c1 * 9;
	net->b1 = q; q += c1;
	net->w2 = q; q += c2 * c1 * 9;
	net->b2 = q; q += c2;
	net->w3 = q; q += (size_t)f * flat;
	net->b3 = q; q += f;
	net->w4 = q; q += RD_CLASSES * f;
	net->b4 = q; q += RD_CLASSES;
	net->pad0 = q; q += (RD_CH_H + 2) * (RD_CH_W + 2);
	net->act1 = q; q += (size_t)c1 * (RD_CH_H + 2) * (RD_CH_W + 2);
	net->pad1 = q; q += (size_t)c1 * (RD_CH_H / 2 + 2) * (RD_CH_W / 2 + 2);
	net->act2 = q; q += (size_t)c2 * (RD_CH_H / 2 + 2) * (RD_CH_W / 2 + 2);
	net->flat = q; q += flat;
	net->hid = q;
	for (int t = 0; t < 9; t++)
		net->rows[t] = net->pad0 + (t / 3) * (RD_CH_W + 2) + t % 3;
	for (int c = 0; c < c1; c++)
		for (int t = 0; t < 9; t++)
			net->rows[9 + c * 9 + t] = net->pad1 +
				(size_t)c * (RD_CH_H / 2 + 2) * (RD_CH_W / 2 + 2) +
				(t / 3) * (RD_CH_W / 2 + 2) + t % 3;
	return net;
}

int rd_weights_floats(const unsigned char *p, size_t n, float *out,
		      const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u = rd_le32(p + 4 * i);
		float v;

		memcpy(&v, &u, sizeof(v));
		if (!isfinite(v) || fabsf(v) > 1e6f) {
			snprintf(err, errlen, "%s: weight %zu is not a finite number "
				 "of sane size", name, i);
			return -1;
		}
		out[i] = v;
	}
	return 0;
}

unsigned char *rd_weights_read(const char *path, size_t *len, char *err,
			       size_t errlen)
{
	char *buf;

	/* the tree's one whole-file read (common/readfile.h): a FIFO or
	 * device planted at the path is refused at once, not waited on, and
	 * a file that changes while read is refused, not half-loaded */
	if (read_file_limited(path, RD_WEIGHTS_MAX, &buf, len, err, errlen) != 0)
		return NULL;
	return (unsigned char *)buf;
}

struct rd_net *rd_net_load(const char *path, char *err, size_t errlen)
{
	size_t len;
	unsigned char *buf = rd_weights_read(path, &len, err, errlen);
	struct rd_net *net;

	if (!buf)
		return NULL;
	net = rd_net_parse(buf, len, path, err, errlen);
	free(buf);
	return net;
}

/*
 * conv3x3 + bias over zero-padded input planes of (H+2) x (W+2) whose taps
 * @rows lists (cin * 9 of them); output planes of H x (W+2) (the last two
 * columns of each row are garbage, ignored by the pooling, which also
 * applies the ReLU).
 */
static void conv_layer(const struct rd_netkern_ops *nk, const float *const *rows,
		       int cin, int H, int W, const float *wt, const float *bias,
		       int cout, float *out)
{
	const int pw = W + 2;

	nk->conv_rows_f32(rows, cin * 9, wt, bias, cout, out, (size_t)H * pw,
			  H * pw - 2);
}

/* ReLU + 2x2 max-pool of H x (W+2) planes into zero-padded (H/2+2) x (W/2+2)
 * planes (pad = 1) or a flat array (pad = 0). */
static void pool_layer(const float *in, int ch, int H, int W, float *out, int pad)
{
	const int pw = W + 2, oh = H / 2, ow = W / 2;
	const int opw = ow + 2 * pad, oph = oh + 2 * pad;

	if (pad)
		memset(out, 0, sizeof(float) * (size_t)ch * oph * opw);
	for (int c = 0; c < ch; c++) {
		const float *p = in + (size_t)c * H * pw;
		float *o = out + (size_t)c * oph * opw;

		for (int y = 0; y < oh; y++)
			for (int x = 0; x < ow; x++) {
				const float *q = p + 2 * y * pw + 2 * x;
				float m = q[0];

				if (q[1] > m)
					m = q[1];
				if (q[pw] > m)
					m = q[pw];
				if (q[pw + 1] > m)
					m = q[pw + 1];
				o[(y + pad) * opw + x + pad] = m > 0 ? m : 0;
			}
	}
}

void rd_net_run(struct rd_net *net, const struct anpr_kern_ops *k,
		const float *patch, float *prob)
{
	const int H = RD_CH_H, W = RD_CH_W;
	const int flat = net->c2 * (H / 4) * (W / 4);
	const struct rd_netkern_ops *nk = rd_netkern_for(k->level);
	float mx = -1e30f, sum = 0;

	memset(net->pad0, 0, sizeof(float) * (H + 2) * (W + 2));
	for (int y = 0; y < H; y++)
		memcpy(net->pad0 + (y + 1) * (W + 2) + 1, patch + y * W,
		       sizeof(float) * W);
	conv_layer(nk, net->rows, 1, H, W, net->w1, net->b1, net->c1, net->act1);
	pool_layer(net->act1, net->c1, H, W, net->pad1, 1);
	conv_layer(nk, net->rows + 9, net->c1, H / 2, W / 2, net->w2, net->b2,
		   net->c2, net->act2);
	pool_layer(net->act2, net->c2, H / 2, W / 2, net->flat, 0);
	for (int i = 0; i < net->f; i++) {
		float v = net->b3[i] + k->dot_f32(net->w3 + (size_t)i * flat,
						  net->flat, flat);

		net->hid[i] = v > 0 ? v : 0;
	}
	for (int i = 0; i < RD_CLASSES; i++) {
		prob[i] = net->b4[i] + k->dot_f32(net->w4 + (size_t)i * net->f,
						  net->hid, net->f);
		if (prob[i] > mx)
			mx = prob[i];
	}
	for (int i = 0; i < RD_CLASSES; i++) {
		prob[i] = expf(prob[i] - mx);
		sum += prob[i];
	}
	for (int i = 0; i < RD_CLASSES; i++)
		prob[i] /= sum;
}
