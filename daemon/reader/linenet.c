// SPDX-License-Identifier: MIT
/*
 * linenet.c - the line recognizer: a convolutional network that reads a
 * whole line's band (rd_quad_band) at once, with no segmentation, trained
 * with CTC by training/train_lines.py; inference is this file (no ML
 * runtime). Architecture (docs/reader.md):
 *   32x128 ink - 0.5 -conv3x3(C1)+ReLU-maxpool 2x2-> 16x64xC1
 *   -conv3x3(C2)+ReLU-maxpool 2x2-> 8x32xC2 -conv3x3(C3)+ReLU-maxpool 2x1->
 *   4x32xC3 -conv3x3(C4)+ReLU-max over rows-> 32xC4 -conv1d(3)-> 32x37
 * (batch norm folded into the convolutions by the exporter). Each of the
 * 32 columns gives a distribution over the 36 characters and the CTC
 * blank (class RD_JUNK). Convolutions run as in charnet.c: one call of
 * conv_rows_f32 per layer on zero-padded planes, taps from a table of row
 * pointers built once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/netkern.h"
#include "reader/reader_int.h"

#define MAGIC		"ANPRLIN1"
#define HDR_WORDS	8	/* version, in_h, in_w, c1..c4, classes */
#define HDR_BYTES	(8 + 4 * HDR_WORDS + RD_LN_CHARS)
#define MAX_CH		128
#define N_CONV		4

/* Each conv layer's input size (unpadded) and the pooling after it. */
static const struct {
	int h, w, ph, pw;
} geo[N_CONV] = {
	{ RD_BAND_H, RD_BAND_W, 2, 2 },
	{ RD_BAND_H / 2, RD_BAND_W / 2, 2, 2 },
	{ RD_BAND_H / 4, RD_BAND_W / 4, 2, 1 },
	{ RD_BAND_H / 8, RD_BAND_W / 4, 0, 0 },	/* then max over rows */
};

struct rd_linenet {
	int ch[N_CONV + 1];	/* ch[0] = 1, the band */
	float *w[N_CONV], *b[N_CONV], *wf, *bf;
	float *mem;
	const float **rows;	/* conv taps, layer after layer, then fc */
	int tap0[N_CONV + 1];	/* each layer's first entry in rows */
	/* scratch (one net per thread) */
	float *pad[N_CONV];	/* each conv layer's zero-padded input */
	float *act;		/* a conv layer's output, H x (W+2) planes */
	float *seq;		/* C4 x (RD_LN_T + 2), zero-padded columns */
};

static size_t plane(int layer)
{
	return (size_t)(geo[layer].h + 2) * (geo[layer].w + 2);
}

void rd_linenet_free(struct rd_linenet *net)
{
	if (!net)
		return;
	free(net->mem);
	free(net->rows);
	free(net);
}

struct rd_linenet *rd_linenet_parse(const void *data, size_t len,
				    const char *name, char *err, size_t errlen)
{
	const unsigned char *p = data;
	uint32_t hdr[HDR_WORDS];
	struct rd_linenet *net;
	size_t nw = 0, scratch = 0, act = 0, ntaps = 0;

	if (len < HDR_BYTES || memcmp(p, MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not a line recognizer weights file "
			 "(bad magic or shorter than the header)", name);
		return NULL;
	}
	for (int i = 0; i < HDR_WORDS; i++)
		hdr[i] = rd_le32(p + 8 + 4 * i);
	if (hdr[0] != 1 || hdr[1] != RD_BAND_H || hdr[2] != RD_BAND_W ||
	    hdr[7] != RD_CLASSES) {
		snprintf(err, errlen, "%s: unsupported line weights (version %u, "
			 "input %ux%u, %u classes; want version 1, %dx%d, %d)",
			 name, hdr[0], hdr[1], hdr[2], hdr[7], RD_BAND_H,
			 RD_BAND_W, RD_CLASSES);
		return NULL;
	}
	for (int i = 0; i < N_CONV; i++)
		if (hdr[3 + i] < 1 || hdr[3 + i] > MAX_CH) {
			snprintf(err, errlen, "%s: layer %d has %u channels (1..%d)",
				 name, i + 1, hdr[3 + i], MAX_CH);
			return NULL;
		}
	for (int i = 0; i < RD_LN_CHARS; i++)
		if (rd_char_class((char)p[8 + 4 * HDR_WORDS + i]) != i) {
			snprintf(err, errlen, "%s: class %d is '%c', not the "
				 "reader's", name, i, p[8 + 4 * HDR_WORDS + i]);
			return NULL;
		}
	net = calloc(1, sizeof(*net));
	if (!net) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	net->ch[0] = 1;
	for (int i = 0; i < N_CONV; i++) {
		int cin = (int)(i ? hdr[2 + i] : 1), cout = (int)hdr[3 + i];

		net->ch[i + 1] = cout;
		nw += (size_t)cout * cin * 9 + cout;
		scratch += (size_t)cin * plane(i);
		if ((size_t)cout * geo[i].h * (geo[i].w + 2) > act)
			act = (size_t)cout * geo[i].h * (geo[i].w + 2);
		net->tap0[i] = (int)ntaps;
		ntaps += (size_t)cin * 9;
	}
	net->tap0[N_CONV] = (int)ntaps;
	ntaps += (size_t)net->ch[N_CONV] * 3;
	nw += (size_t)RD_CLASSES * net->ch[N_CONV] * 3 + RD_CLASSES;
	scratch += act + (size_t)net->ch[N_CONV] * (RD_LN_T + 2);
	if (len != HDR_BYTES + nw * 4) {
		snprintf(err, errlen, "%s: size %zu bytes, expected %zu for these "
			 "layer sizes (truncated or trailing data)", name, len,
			 HDR_BYTES + nw * 4);
		rd_linenet_free(net);
		return NULL;
	}
	net->mem = malloc((nw + scratch) * sizeof(float));
	net->rows = calloc(ntaps, sizeof(*net->rows));
	if (!net->mem || !net->rows) {
		snprintf(err, errlen, "%s: out of memory", name);
		rd_linenet_free(net);
		return NULL;
	}
	if (rd_weights_floats(p + HDR_BYTES, nw, net->mem, name, err, errlen)) {
		rd_linenet_free(net);
		return NULL;
	}
	float *q = net->mem;

	for (int i = 0; i < N_CONV; i++) {
		net->w[i] = q;
		q += (size_t)net->ch[i + 1] * net->ch[i] * 9;
		net->b[i] = q;
		q += net->ch[i + 1];
	}
	net->wf = q;
	q += (size_t)RD_CLASSES * net->ch[N_CONV] * 3;
	net->bf = q;
	q += RD_CLASSES;
	for (int i = 0; i < N_CONV; i++) {
		net->pad[i] = q;
		q += (size_t)net->ch[i] * plane(i);
	}
	net->act = q;
	q += act;
	net->seq = q;
	/* Tap t of input plane c: that plane read from offset (t / 3, t % 3). */
	for (int i = 0; i < N_CONV; i++)
		for (int c = 0; c < net->ch[i]; c++)
			for (int t = 0; t < 9; t++)
				net->rows[net->tap0[i] + c * 9 + t] = net->pad[i] +
					(size_t)c * plane(i) +
					(t / 3) * (geo[i].w + 2) + t % 3;
	for (int c = 0; c < net->ch[N_CONV]; c++)
		for (int t = 0; t < 3; t++)
			net->rows[net->tap0[N_CONV] + c * 3 + t] =
				net->seq + (size_t)c * (RD_LN_T + 2) + t;
	return net;
}

struct rd_linenet *rd_linenet_load(const char *path, char *err, size_t errlen)
{
	size_t len;
	unsigned char *buf = rd_weights_read(path, &len, err, errlen);
	struct rd_linenet *net;

	if (!buf)
		return NULL;
	net = rd_linenet_parse(buf, len, path, err, errlen);
	free(buf);
	return net;
}

/*
 * ReLU + max-pool (ph x pw) of the conv output planes of layer @i (H x
 * (W+2), the last two columns garbage) into the next layer's zero-padded
 * input planes.
 */
static void pool_into(const float *in, int ch, int i, float *out)
{
	const int H = geo[i].h, W = geo[i].w, ph = geo[i].ph, pw = geo[i].pw;
	const int oh = H / ph, ow = W / pw, opw = ow + 2;

	memset(out, 0, sizeof(float) * (size_t)ch * (oh + 2) * opw);
	for (int c = 0; c < ch; c++) {
		const float *p = in + (size_t)c * H * (W + 2);
		float *o = out + (size_t)c * (oh + 2) * opw;

		for (int y = 0; y < oh; y++)
			for (int x = 0; x < ow; x++) {
				float m = 0;

				for (int dy = 0; dy < ph; dy++)
					for (int dx = 0; dx < pw; dx++) {
						float v = p[(y * ph + dy) * (W + 2) +
							    x * pw + dx];

						m = v > m ? v : m;
					}
				o[(y + 1) * opw + x + 1] = m;
			}
	}
}

void rd_linenet_run(struct rd_linenet *net, const struct anpr_kern_ops *k,
		    const float *band, float (*logp)[RD_CLASSES])
{
	const struct rd_netkern_ops *nk = rd_netkern_for(k->level);
	const int c4 = net->ch[N_CONV];
	float out[RD_CLASSES * RD_LN_T];

	memset(net->pad[0], 0, sizeof(float) * plane(0));
	for (int y = 0; y < RD_BAND_H; y++)
		for (int x = 0; x < RD_BAND_W; x++)
			net->pad[0][(y + 1) * (RD_BAND_W + 2) + x + 1] =
				band[y * RD_BAND_W + x] - 0.5f;
	for (int i = 0; i < N_CONV; i++) {
		const int H = geo[i].h, pw = geo[i].w + 2;

		nk->conv_rows_f32(net->rows + net->tap0[i], net->ch[i] * 9,
				  net->w[i], net->b[i], net->ch[i + 1], net->act,
				  (size_t)H * pw, H * pw - 2);
		if (i + 1 < N_CONV)
			pool_into(net->act, net->ch[i + 1], i, net->pad[i + 1]);
	}
	/* ReLU and the max over the last layer's rows: one column a step. */
	for (int c = 0; c < c4; c++) {
		const int H = geo[N_CONV - 1].h, pw = geo[N_CONV - 1].w + 2;
		const float *p = net->act + (size_t)c * H * pw;
		float *s = net->seq + (size_t)c * (RD_LN_T + 2);

		s[0] = s[RD_LN_T + 1] = 0;
		for (int x = 0; x < RD_LN_T; x++) {
			float m = 0;

			for (int y = 0; y < H; y++)
				m = p[y * pw + x] > m ? p[y * pw + x] : m;
			s[x + 1] = m;
		}
	}
	nk->conv_rows_f32(net->rows + net->tap0[N_CONV], c4 * 3, net->wf,
			  net->bf, RD_CLASSES, out, RD_LN_T, RD_LN_T);
	for (int t = 0; t < RD_LN_T; t++) {
		float mx = -1e30f, sum = 0;

		for (int i = 0; i < RD_CLASSES; i++)
			mx = fmaxf(mx, out[i * RD_LN_T + t]);
		for (int i = 0; i < RD_CLASSES; i++)
			sum += expf(out[i * RD_LN_T + t] - mx);
		for (int i = 0; i < RD_CLASSES; i++)
			logp[t][i] = out[i * RD_LN_T + t] - mx - logf(sum);
	}
}
