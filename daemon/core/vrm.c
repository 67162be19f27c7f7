// SPDX-License-Identifier: MIT
/* vrm.c - registration mark normalisation and look-alike folding. */
#include "core/vrm.h"

#include <string.h>

int vrm_normalise(const char *in, char *out, size_t outlen, int allow_wild)
{
	size_t n = 0;

	for (; *in; in++) {
		char c = *in;
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (allow_wild && (c == '?' || c == '*'))))
			return VRM_BAD_CHAR;
		if (n + 1 >= outlen)
			return VRM_TOO_LONG;
		out[n++] = c;
	}
	if (outlen)
		out[n < outlen ? n : outlen - 1] = '\0';
	return n ? (int)n : VRM_EMPTY;
}

void vrm_fold(const char *s, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = vrm_fold_char(s[i]);
	out[n] = '\0';
}

int vrm_confusion_distance(const char *a, const char *b)
{
	int d = 0;
	size_t i;

	for (i = 0; a[i] && b[i]; i++) {
		if (a[i] == b[i])
			continue;
		if (vrm_fold_char(a[i]) != vrm_fold_char(b[i]))
			return -1;
		d++;
	}
	return a[i] || b[i] ? -1 : d;
}
