/* SPDX-License-Identifier: MIT */
/*
 * simd_cases.h - SIMD-versus-scalar equivalence checks shared by the cmocka
 * driver (x86, test_simd.c) and the stand-alone TAP driver (simd_tap.c, run
 * under qemu-aarch64 for NEON).
 */
#ifndef SIMD_CASES_H
#define SIMD_CASES_H

#include <stddef.h>

#include "reader/anpr_kern.h"

struct simd_case {
	const char *name;
	/* 0 if @k matches @ref on every input tried; else -1 and @msg says
	 * where the first difference was. */
	int (*run)(const struct anpr_kern_ops *ref,
		   const struct anpr_kern_ops *k, char *msg, size_t len);
};

extern const struct simd_case simd_cases[];
extern const int simd_ncases;

#endif
