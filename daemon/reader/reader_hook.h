/* SPDX-License-Identifier: MIT */
/*
 * reader_hook.h - an internal door into the pipeline for the training-data
 * dumper (training/dump_chars.c) and tests: a callback that sees every
 * text line found, with its classifier input patches.
 */
#ifndef READER_HOOK_H
#define READER_HOOK_H

#include "reader/reader_int.h"

/* @patches: l->n patches of RD_CH_H x RD_CH_W floats; @scale: the level's
 * scale (frame px per level px); @dark: dark characters on a bright plate. */
typedef void (*rd_line_hook)(void *ctx, const struct rd_line *l, int scale,
			     int dark, const float *patches);

/*
 * rd_reader_create_hooked - a reader that calls @hook for every line; with
 * @with_net 0 it loads no weights and recognises nothing (bootstrapping
 * the first training set).
 */
struct anpr_reader *rd_reader_create_hooked(const struct anpr_reader_config *cfg,
					    int with_net, rd_line_hook hook,
					    void *ctx, char *err, size_t errlen);

#endif
