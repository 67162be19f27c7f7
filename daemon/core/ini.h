/* SPDX-License-Identifier: MIT */
/*
 * ini.h - a small strict INI tokenizer with line numbers (the syntax is in
 * docs/anprd-conf.md). It knows nothing of anprd's options: it calls the
 * handler once per section header (key == NULL) and once per key = value
 * line, and stops at the first error, which the handler may also raise.
 */
#ifndef ANPRD_INI_H
#define ANPRD_INI_H

#include <stddef.h>

/*
 * Handler: section is the header text without brackets, trimmed, with
 * inner runs of blanks kept as written ("source front"). Returns 0 to go
 * on, or non-zero after writing the reason (without file or line) to err.
 */
typedef int (*ini_handler)(void *ctx, const char *section, const char *key,
			   const char *value, int line, char *err,
			   size_t errlen);

/*
 * ini_parse_buffer - tokenize buf[0..len). On failure returns -1, sets
 * *errline to the offending line (1-based) and writes the reason to err.
 */
int ini_parse_buffer(const char *buf, size_t len, ini_handler h, void *ctx,
		     int *errline, char *err, size_t errlen);

#endif
