// SPDX-License-Identifier: MIT
/* utf8.c - strict UTF-8 decoding, checking and repair; see utf8.h. */
#include "core/utf8.h"

#include <stdio.h>
#include <string.h>

static int cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	uint32_t v;
	int len;

	if (n == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* RFC 3629, table 3: C0, C1 and F5..FF never start a sequence, and
	 * the second byte's range rules out overlongs (E0, F0), surrogates
	 * (ED) and code points above U+10FFFF (F4) */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0Fu;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07u;
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if (!cont(s[i]))
			return 0;
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
	    (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return len;
}

const char *utf8_text_problem(const char *s, size_t n, int allow_tab, size_t *at, char *why,
			      size_t whylen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(u + i, n - i, &cp);

		if (len == 0) {
			snprintf(why, whylen, "not valid UTF-8 (byte 0x%02X at byte %zu; "
				 "a Windows-1252 or Latin-1 export? save it as UTF-8)", u[i], i + 1);
			break;
		}
		if (utf8_is_control(cp) && !(allow_tab && cp == '\t')) {
			if (cp < 0x80)
				snprintf(why, whylen, "control character 0x%02X at byte %zu", cp,
					 i + 1);
			else
				snprintf(why, whylen, "control character U+%04X at byte %zu", cp,
					 i + 1);
			break;
		}
		i += (size_t)len;
	}
	if (i >= n)
		return NULL;
	if (at)
		*at = i;
	return why;
}

size_t utf8_sanitize(const char *s, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;

	if (cap == 0)
		return 0;
	while (i < n) {
		static const char repl[] = "\xEF\xBF\xBD";
		uint32_t cp;
		int len = utf8_decode(u + i, n - i, &cp);
		const char *src = len ? s + i : repl;
		size_t sl = len ? (size_t)len : 3;

		if (o + sl >= cap)
			break;
		memcpy(out + o, src, sl);
		o += sl;
		i += len ? (size_t)len : 1;
	}
	out[o] = '\0';
	return o;
}
