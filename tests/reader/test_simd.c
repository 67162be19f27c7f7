// SPDX-License-Identifier: MIT
/*
 * test_simd.c - cmocka driver: every SIMD level this CPU runs against the
 * scalar reference (simd_cases.c), plus the level selection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "simd_cases.h"

static void run_case(void **state)
{
	const struct simd_case *c = *state;
	int levels = 0;
	char msg[256];

	for (int l = ANPR_SIMD_SCALAR + 1; l < ANPR_SIMD_COUNT; l++) {
		const struct anpr_kern_ops *k = anpr_kern_get((enum anpr_simd)l);

		if (!k)
			continue;
		levels++;
		msg[0] = 0;
		if (c->run(&anpr_kern_scalar, k, msg, sizeof(msg)))
			fail_msg("%s %s: %s", k->name, c->name, msg);
	}
	/* An x86-64 test host without SSE4.1 would test nothing: fail. */
	assert_true(levels > 0);
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(anpr_kern_parse("scalar"), ANPR_SIMD_SCALAR);
	assert_int_equal(anpr_kern_parse("sse4.1"), ANPR_SIMD_SSE41);
	assert_int_equal(anpr_kern_parse("avx2"), ANPR_SIMD_AVX2);
	assert_int_equal(anpr_kern_parse("neon"), ANPR_SIMD_NEON);
	assert_int_equal(anpr_kern_parse("avx512"), -1);
	assert_int_equal(anpr_kern_parse(NULL), -1);
	assert_non_null(anpr_kern_get(ANPR_SIMD_SCALAR));
#if defined(__x86_64__)
	assert_null(anpr_kern_get(ANPR_SIMD_NEON));
#endif
	assert_null(anpr_kern_get(ANPR_SIMD_COUNT));
}

static void test_best_honours_env(void **state)
{
	(void)state;
	/* Decided once: the first call reads ANPR_SIMD. */
	setenv("ANPR_SIMD", "scalar", 1);
	assert_ptr_equal(anpr_kern_best(), &anpr_kern_scalar);
	setenv("ANPR_SIMD", "avx2", 1);
	assert_ptr_equal(anpr_kern_best(), &anpr_kern_scalar);
}

int main(void)
{
	struct CMUnitTest tests[32];
	int n = 0;

	for (int i = 0; i < simd_ncases && n < 30; i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(run_case,
			(void *)&simd_cases[i]);
		tests[n].name = simd_cases[i].name;
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_parse);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_best_honours_env);
	return _cmocka_run_group_tests("simd", tests, (size_t)n, NULL, NULL);
}
