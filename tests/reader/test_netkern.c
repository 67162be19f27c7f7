// SPDX-License-Identifier: MIT
/*
 * test_netkern.c - the classifier's SIMD kernel and its use (cmocka, x86):
 *  - conv_rows_f32 at every level this CPU runs equals the scalar
 *    reference (netkern_cases.c; the NEON twin runs the same check under
 *    qemu-aarch64, netkern_tap.c);
 *  - the table chosen per level (AVX2: the FMA twin where the CPU has
 *    FMA; both AVX2 tables are checked);
 *  - rd_net_run with the built-in weights, at every level, gives the
 *    probabilities of a plain reference forward pass written here from the
 *    architecture in docs/reader.md (direct 3x3 convolution loops, no
 *    shared code), on random and on drawn patches.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netkern_cases.h"
#include "reader/reader_int.h"

static void test_conv_rows_levels(void **state)
{
	int levels = 0;
	char msg[256];

	(void)state;
	for (int l = ANPR_SIMD_SCALAR + 1; l < ANPR_SIMD_COUNT; l++) {
		const struct anpr_kern_ops *ops = anpr_kern_get((enum anpr_simd)l);
		const struct rd_netkern_ops *k = rd_netkern_for((enum anpr_simd)l);

		if (!ops)
			continue;
		levels++;
		assert_ptr_not_equal(k, &rd_netkern_scalar);
		assert_memory_equal(k->name, ops->name, strlen(ops->name));
		msg[0] = 0;
		if (netkern_check_conv_rows(&rd_netkern_scalar, k, msg, sizeof(msg)))
			fail_msg("%s: %s", k->name, msg);
	}
	assert_true(levels > 0);
#if defined(__x86_64__)
	/* rd_netkern_for() hands out one AVX2 table: check the other too. */
	if (__builtin_cpu_supports("avx2")) {
		msg[0] = 0;
		if (netkern_check_conv_rows(&rd_netkern_scalar, &rd_netkern_avx2,
					    msg, sizeof(msg)))
			fail_msg("avx2: %s", msg);
	}
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		msg[0] = 0;
		if (netkern_check_conv_rows(&rd_netkern_scalar, &rd_netkern_avx2_fma,
					    msg, sizeof(msg)))
			fail_msg("avx2-fma: %s", msg);
	}
#endif
}

static void test_table_choice(void **state)
{
	(void)state;
	assert_ptr_equal(rd_netkern_for(ANPR_SIMD_SCALAR), &rd_netkern_scalar);
	assert_ptr_equal(rd_netkern_for(ANPR_SIMD_COUNT), &rd_netkern_scalar);
#if defined(__x86_64__)
	assert_ptr_equal(rd_netkern_for(ANPR_SIMD_SSE41), &rd_netkern_sse41);
	assert_ptr_equal(rd_netkern_for(ANPR_SIMD_AVX2),
			 __builtin_cpu_supports("fma") ? &rd_netkern_avx2_fma :
							 &rd_netkern_avx2);
	assert_ptr_equal(rd_netkern_for(ANPR_SIMD_NEON), &rd_netkern_scalar);
#endif
}

/* The built-in weights, read again here from the documented layout. */
struct ref_net {
	int c1, c2, f;
	const float *w1, *b1, *w2, *b2, *w3, *b3, *w4, *b4;
	float *mem;
};

static void ref_load(struct ref_net *n)
{
	const unsigned char *p = anpr_reader_weights;
	size_t nw = (anpr_reader_weights_len - 80) / 4;
	uint32_t hdr[8];
	float *q;

	for (int i = 0; i < 8; i++)
		hdr[i] = (uint32_t)p[8 + 4 * i] | (uint32_t)p[9 + 4 * i] << 8 |
			 (uint32_t)p[10 + 4 * i] << 16 | (uint32_t)p[11 + 4 * i] << 24;
	n->c1 = (int)hdr[3];
	n->c2 = (int)hdr[4];
	n->f = (int)hdr[5];
	n->mem = malloc(nw * sizeof(float));
	assert_non_null(n->mem);
	memcpy(n->mem, p + 80, nw * sizeof(float));	/* little-endian host */
	q = n->mem;
	n->w1 = q; q += n->c1 * 9;
	n->b1 = q; q += n->c1;
	n->w2 = q; q += n->c2 * n->c1 * 9;
	n->b2 = q; q += n->c2;
	n->w3 = q; q += n->f * n->c2 * 6 * 4;
	n->b3 = q; q += n->f;
	n->w4 = q; q += RD_CLASSES * n->f;
	n->b4 = q; q += RD_CLASSES;
	assert_int_equal(q - n->mem, (long)nw);
}

/* conv3x3 (zero padding) + ReLU + 2x2 max-pool, in double. */
static void ref_conv_pool(const double *in, int cin, int h, int w,
			  const float *wt, const float *b, int cout, double *out)
{
	for (int o = 0; o < cout; o++)
		for (int y = 0; y < h / 2; y++)
			for (int x = 0; x < w / 2; x++) {
				double best = 0;	/* ReLU: at least 0 */

				for (int dy = 0; dy < 2; dy++)
					for (int dx = 0; dx < 2; dx++) {
						int yy = 2 * y + dy, xx = 2 * x + dx;
						double s = b[o];

						for (int c = 0; c < cin; c++)
							for (int t = 0; t < 9; t++) {
								int sy = yy + t / 3 - 1, sx = xx + t % 3 - 1;

								if (sy < 0 || sy >= h || sx < 0 || sx >= w)
									continue;
								s += wt[((o * cin) + c) * 9 + t] *
								     in[(c * h + sy) * w + sx];
							}
						best = s > best ? s : best;
					}
				out[(o * (h / 2) + y) * (w / 2) + x] = best;
			}
}

static void ref_run(const struct ref_net *n, const float *patch, double *prob)
{
	double in[RD_CH_H * RD_CH_W], a1[64 * 12 * 8], a2[64 * 6 * 4], hid[256];
	double logit[RD_CLASSES], mx = -1e300, sum = 0;
	int flat = n->c2 * 6 * 4;

	for (int i = 0; i < RD_CH_H * RD_CH_W; i++)
		in[i] = patch[i];
	ref_conv_pool(in, 1, RD_CH_H, RD_CH_W, n->w1, n->b1, n->c1, a1);
	ref_conv_pool(a1, n->c1, RD_CH_H / 2, RD_CH_W / 2, n->w2, n->b2, n->c2, a2);
	for (int i = 0; i < n->f; i++) {
		double s = n->b3[i];

		for (int j = 0; j < flat; j++)
			s += n->w3[i * flat + j] * a2[j];
		hid[i] = s > 0 ? s : 0;
	}
	for (int i = 0; i < RD_CLASSES; i++) {
		double s = n->b4[i];

		for (int j = 0; j < n->f; j++)
			s += n->w4[i * n->f + j] * hid[j];
		logit[i] = s;
		mx = s > mx ? s : mx;
	}
	for (int i = 0; i < RD_CLASSES; i++)
		sum += prob[i] = exp(logit[i] - mx);
	for (int i = 0; i < RD_CLASSES; i++)
		prob[i] /= sum;
}

/* Patch @i: random (odd i) or a drawn ring or bar (even i). */
static void make_patch(int i, float *p)
{
	uint32_t s = 2463534242u + (uint32_t)i * 77u;

	for (int y = 0; y < RD_CH_H; y++)
		for (int x = 0; x < RD_CH_W; x++) {
			float v;

			s ^= s << 13;
			s ^= s >> 17;
			s ^= s << 5;
			if (i & 1) {
				v = (float)(s % 1000) / 999.0f;
			} else {
				float dx = ((float)x - 7.5f) / 5.5f, dy = ((float)y - 11.5f) / 9.5f;
				float r = sqrtf(dx * dx + dy * dy);

				v = (i % 4 == 0) ? (r > 0.6f && r < 1.0f) :
						   (x >= 6 && x <= 9 && y >= 2 && y <= 21);
			}
			p[y * RD_CH_W + x] = v;
		}
}

static void test_net_matches_reference(void **state)
{
	struct ref_net ref;
	char err[256];
	int levels = 0;

	(void)state;
	ref_load(&ref);
	for (int l = 0; l < ANPR_SIMD_COUNT; l++) {
		const struct anpr_kern_ops *k = anpr_kern_get((enum anpr_simd)l);
		struct rd_net *net;

		if (!k)
			continue;
		levels++;
		net = rd_net_parse(anpr_reader_weights, (size_t)anpr_reader_weights_len,
				   "<built-in>", err, sizeof(err));
		assert_non_null(net);
		for (int i = 0; i < 40; i++) {
			float patch[RD_CH_H * RD_CH_W], prob[RD_CLASSES];
			double want[RD_CLASSES];

			make_patch(i, patch);
			rd_net_run(net, k, patch, prob);
			ref_run(&ref, patch, want);
			for (int c = 0; c < RD_CLASSES; c++)
				if (fabs(prob[c] - want[c]) > 1e-4)
					fail_msg("%s patch %d class %d: %.7f, reference %.7f",
						 k->name, i, c, (double)prob[c], want[c]);
		}
		rd_net_free(net);
	}
	assert_true(levels >= 2);	/* scalar and at least one SIMD level */
	free(ref.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_rows_levels),
		cmocka_unit_test(test_table_choice),
		cmocka_unit_test(test_net_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
