// SPDX-License-Identifier: MIT
/*
 * kern_dispatch.c - pick the kernel table once, from the CPU's features and
 * the ANPR_SIMD environment variable.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/anpr_kern.h"

static const char *const level_names[ANPR_SIMD_COUNT] = {
	[ANPR_SIMD_SCALAR] = "scalar",
	[ANPR_SIMD_SSE41] = "sse4.1",
	[ANPR_SIMD_AVX2] = "avx2",
	[ANPR_SIMD_NEON] = "neon",
};

int anpr_kern_parse(const char *name)
{
	for (int i = 0; i < ANPR_SIMD_COUNT; i++)
		if (name && strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

const struct anpr_kern_ops *anpr_kern_get(enum anpr_simd level)
{
	switch (level) {
	case ANPR_SIMD_SCALAR:
		return &anpr_kern_scalar;
#if defined(__x86_64__)
	case ANPR_SIMD_SSE41:
		__builtin_cpu_init();
		return __builtin_cpu_supports("sse4.1") ? &anpr_kern_sse41 : NULL;
	case ANPR_SIMD_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") ? &anpr_kern_avx2 : NULL;
#endif
#if defined(__aarch64__)
	case ANPR_SIMD_NEON:
		return &anpr_kern_neon;	/* Advanced SIMD is mandatory on aarch64 */
#endif
	default:
		return NULL;
	}
}

static const struct anpr_kern_ops *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void choose(void)
{
	const char *env = getenv("ANPR_SIMD");

	for (int i = ANPR_SIMD_COUNT - 1; i >= 0 && !chosen; i--)
		chosen = anpr_kern_get((enum anpr_simd)i);
	if (env && *env) {
		int lvl = anpr_kern_parse(env);
		const struct anpr_kern_ops *k =
			lvl >= 0 ? anpr_kern_get((enum anpr_simd)lvl) : NULL;

		if (k)
			chosen = k;
		else
			fprintf(stderr, "anpr: ANPR_SIMD=%s: %s; using %s\n", env,
				lvl < 0 ? "unknown level (scalar, sse4.1, avx2, neon)"
					: "not supported by this CPU or build",
				chosen->name);
	}
}

const struct anpr_kern_ops *anpr_kern_best(void)
{
	pthread_once(&chosen_once, choose);
	return chosen;
}
