// SPDX-License-Identifier: MIT
/*
 * netkern_tap.c - stand-alone TAP driver of the classifier kernel's
 * equivalence check, for targets without cmocka (the static aarch64 build
 * run under qemu-aarch64 for NEON).
 */
#include <stdio.h>

#include "netkern_cases.h"

int main(void)
{
	static const enum anpr_simd levels[] = {
		ANPR_SIMD_SSE41, ANPR_SIMD_AVX2, ANPR_SIMD_NEON,
	};
	int n = 0, bad = 0;
	char msg[256];

	for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		const struct anpr_kern_ops *ops = anpr_kern_get(levels[l]);
		const struct rd_netkern_ops *k = rd_netkern_for(levels[l]);

		if (!ops)
			continue;	/* not this CPU */
		if (k == &rd_netkern_scalar) {
			printf("not ok %d - level %s has no classifier kernel\n",
			       ++n, ops->name);
			bad++;
			continue;
		}
		msg[0] = 0;
		if (netkern_check_conv_rows(&rd_netkern_scalar, k, msg, sizeof(msg))) {
			printf("not ok %d - %s conv_rows_f32: %s\n", ++n, k->name, msg);
			bad++;
		} else {
			printf("ok %d - %s conv_rows_f32 equals scalar\n", ++n, k->name);
		}
	}
	if (!n) {
		printf("not ok %d - no SIMD level available on this CPU\n", ++n);
		bad++;
	}
	printf("1..%d\n", n);
	return bad ? 1 : 0;
}
