/* SPDX-License-Identifier: MIT */
/*
 * vrm.h - vehicle registration marks as the hotlists and the tracker see
 * them: normalised to upper-case letters and digits without blanks, and
 * folded so that the reader's look-alikes (O/0, I/1, B/8, S/5, listed in
 * anprd_formats.h) compare equal.
 */
#ifndef ANPRD_VRM_H
#define ANPRD_VRM_H

#include <stddef.h>

enum {
	VRM_BAD_CHAR = -1,	/* not a letter or digit (or wildcard) */
	VRM_EMPTY = -2,		/* nothing left after normalising */
	VRM_TOO_LONG = -3,	/* longer than outlen - 1 */
};

/*
 * vrm_normalise - copy `in` to out (size outlen) upper-cased, without
 * blanks or '-'. If allow_wild, '?' and '*' are kept. Returns the length,
 * or VRM_BAD_CHAR, VRM_EMPTY or VRM_TOO_LONG.
 */
int vrm_normalise(const char *in, char *out, size_t outlen, int allow_wild);

/* vrm_fold_char - the digit a look-alike letter folds onto, else c. */
static inline char vrm_fold_char(char c)
{
	switch (c) {
	case 'O': return '0';
	case 'I': return '1';
	case 'B': return '8';
	case 'S': return '5';
	default: return c;
	}
}

/* vrm_fold - fold every character of s (length n) into out (n + 1). */
void vrm_fold(const char *s, size_t n, char *out);

/*
 * vrm_confusion_distance - for two normalised marks of equal length that
 * fold equal, how many positions differ (each a look-alike swap);
 * -1 if the lengths differ or they do not fold equal.
 */
int vrm_confusion_distance(const char *a, const char *b);

#endif
