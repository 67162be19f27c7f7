// SPDX-License-Identifier: MIT
/*
 * simd_tap.c - stand-alone TAP driver of the SIMD equivalence checks, for
 * targets without cmocka (the static aarch64 build run under qemu-aarch64).
 * Prints one TAP line per (level, kernel); exits non-zero on any failure.
 */
#include <stdio.h>

#include "simd_cases.h"

int main(void)
{
	int n = 0, bad = 0, levels = 0;
	char msg[256];

	for (int l = ANPR_SIMD_SCALAR + 1; l < ANPR_SIMD_COUNT; l++) {
		const struct anpr_kern_ops *k = anpr_kern_get((enum anpr_simd)l);

		if (!k)
			continue;
		levels++;
		for (int c = 0; c < simd_ncases; c++) {
			msg[0] = 0;
			if (simd_cases[c].run(&anpr_kern_scalar, k, msg, sizeof(msg))) {
				printf("not ok %d - %s %s: %s\n", ++n, k->name,
				       simd_cases[c].name, msg);
				bad++;
			} else {
				printf("ok %d - %s %s equals scalar\n", ++n, k->name,
				       simd_cases[c].name);
			}
		}
	}
	if (!levels) {
		printf("not ok %d - no SIMD level available on this CPU\n", ++n);
		bad++;
	}
	printf("1..%d\n", n);
	return bad ? 1 : 0;
}
