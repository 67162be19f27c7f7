// SPDX-License-Identifier: MIT
/* ini.c - strict INI tokenizer; see ini.h and docs/anprd-conf.md. */
#include "core/ini.h"

#include <stdio.h>
#include <string.h>

#include "core/anprd_formats.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks at both ends of s[0..*n), returning the new start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_blank(*s)) {
		s++;
		(*n)--;
	}
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

static int key_ok(const char *k, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return 1;
}

static int section_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.' || c == ' '))
			return 0;
	}
	return 1;
}

int ini_parse_buffer(const char *buf, size_t len, ini_handler h, void *ctx,
		     int *errline, char *err, size_t errlen)
{
	char section[ANPRD_CONF_MAX_LINE + 1] = "";
	char key[ANPRD_CONF_MAX_LINE + 1];
	char value[ANPRD_CONF_MAX_LINE + 1];
	size_t pos = 0;
	int line = 0;

	*errline = 0;
	if (errlen)
		err[0] = '\0';
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;	/* a UTF-8 byte-order mark is tolerated */
	while (pos < len) {
		size_t start = pos, n;
		const char *p;

		line++;
		while (pos < len && buf[pos] != '\n')
			pos++;
		n = pos - start;
		if (pos < len)
			pos++;	/* the newline */
		p = buf + start;
		if (n && p[n - 1] == '\r')
			n--;
		*errline = line;
		if (n > ANPRD_CONF_MAX_LINE) {
			snprintf(err, errlen, "line longer than %d bytes",
				 ANPRD_CONF_MAX_LINE);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				snprintf(err, errlen,
					 "control character 0x%02x in line", c);
				return -1;
			}
		}
		p = trim(p, &n);
		if (n == 0 || p[0] == '#' || p[0] == ';')
			continue;
		if (p[0] == '[') {
			const char *s;
			size_t sn;
			if (p[n - 1] != ']') {
				snprintf(err, errlen,
					 "section header has no closing ']'");
				return -1;
			}
			sn = n - 2;
			s = trim(p + 1, &sn);
			if (!section_ok(s, sn)) {
				snprintf(err, errlen,
					 "bad section name (letters, digits, "
					 "'_', '-', '.', one space)");
				return -1;
			}
			memcpy(section, s, sn);
			section[sn] = '\0';
			if (h(ctx, section, NULL, NULL, line, err, errlen))
				return -1;
			continue;
		}
		const char *eq = memchr(p, '=', n);
		if (!eq) {
			snprintf(err, errlen, "expected 'key = value'");
			return -1;
		}
		size_t kn = (size_t)(eq - p), vn = n - kn - 1;
		const char *k = trim(p, &kn), *v = trim(eq + 1, &vn);
		if (!key_ok(k, kn)) {
			snprintf(err, errlen,
				 "bad key name (lower-case letters, digits, '_')");
			return -1;
		}
		if (section[0] == '\0') {
			snprintf(err, errlen, "key '%.*s' before any [section]",
				 (int)kn, k);
			return -1;
		}
		memcpy(key, k, kn);
		key[kn] = '\0';
		memcpy(value, v, vn);
		value[vn] = '\0';
		if (h(ctx, section, key, value, line, err, errlen))
			return -1;
	}
	*errline = 0;
	return 0;
}
