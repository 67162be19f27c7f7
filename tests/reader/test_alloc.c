// SPDX-License-Identifier: MIT
/*
 * test_alloc.c - "no allocation in the per-frame path after warm-up": the
 * reader's own calls to malloc, calloc and realloc are counted (linked with
 * -Wl,--wrap, so only calls from our objects are seen) while it reads
 * frames no larger than one it has already read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader/anpr_reader.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static int allocs;

void *__wrap_malloc(size_t n)
{
	allocs++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	allocs++;
	return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	allocs++;
	return __real_realloc(p, n);
}

/* A frame with text-like blobs and noise, so every stage has work. */
static uint8_t *frame(int w, int h, uint32_t seed)
{
	uint8_t *p = __real_malloc((size_t)w * h);

	assert_non_null(p);
	for (int i = 0; i < w * h; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(60 + (seed >> 27));
	}
	for (int k = 0; k < 7; k++)
		for (int y = h / 2; y < h / 2 + 24; y++)
			for (int x = 40 + 18 * k; x < 40 + 18 * k + 12; x++)
				if (x < w && (y < h / 2 + 4 || y > h / 2 + 19 ||
					      x < 40 + 18 * k + 4))
					p[(size_t)y * w + x] = 240;
	return p;
}

static void test_no_alloc_after_warmup(void **state)
{
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	struct anpr_read out;
	uint8_t *big = frame(1280, 720, 1), *small = frame(640, 360, 2);
	char err[256];

	(void)state;
	anpr_reader_config_default(&cfg);
	r = anpr_reader_create(&cfg, err, sizeof(err));
	assert_non_null(r);
	allocs = 0;
	assert_int_equal(anpr_reader_read(r, big, 1280, 720, 1280, &out), 0);
	assert_true(allocs > 0);	/* warm-up: the buffers grow */
	allocs = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(anpr_reader_read(r, big, 1280, 720, 1280, &out), 0);
		assert_int_equal(anpr_reader_read(r, small, 640, 360, 640, &out), 0);
	}
	assert_int_equal(allocs, 0);
	anpr_reader_destroy(r);
	free(big);
	free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_alloc_after_warmup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
