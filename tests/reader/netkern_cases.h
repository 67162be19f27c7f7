/* SPDX-License-Identifier: MIT */
/*
 * netkern_cases.h - the classifier kernel (netkern.h) at one SIMD level
 * against its scalar reference; shared by the cmocka driver (x86,
 * test_netkern.c) and the stand-alone TAP driver (netkern_tap.c, run under
 * qemu-aarch64 for NEON).
 */
#ifndef NETKERN_CASES_H
#define NETKERN_CASES_H

#include <stddef.h>

#include "reader/netkern.h"

/*
 * netkern_check_conv_rows - conv_rows_f32 of @k against @ref on random
 * data: tap counts 1..20 and those of the classifier's layers, 1..9
 * outputs (1, 5, 9 for the long tap counts), widths 0..67 and 94..133, row pointers and the output offset
 * 0..3 floats, output strides wider than the width. 0 if every output is
 * within the tolerance of netkern.h; else -1 and @msg says where.
 */
int netkern_check_conv_rows(const struct rd_netkern_ops *ref,
			    const struct rd_netkern_ops *k, char *msg,
			    size_t len);

#endif
