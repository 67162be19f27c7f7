// SPDX-License-Identifier: MIT
/* hotlist_csv.c - reading hotlist CSV files (docs/hotlists.md). */
#include "core/hotlist.h"
#include "evidence/readfile.h"
#include "core/utf8.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOTLIST_MAX_FILE	(1024ul * 1024 * 1024)	/* bytes per file */
#define NFIELDS			5

static const char *const action_names[] = {"intercept", "inform", "silent"};

/*
 * Split one line (NUL-terminated, modified in place) into fields. Quoted
 * fields follow RFC 4180 ("" is a quote); blanks around unquoted fields
 * are dropped. Returns the field count or -1 with the reason in err.
 */
static int split(char *s, char **f, int maxf, char *err, size_t errlen)
{
	int nf = 0;
	char *p = s;

	for (;;) {
		char *out;
		while (*p == ' ' || *p == '\t')
			p++;
		if (nf == maxf) {
			snprintf(err, errlen, "more than %d fields", maxf);
			return -1;
		}
		f[nf++] = out = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					snprintf(err, errlen,
						 "field %d: quote not closed",
						 nf);
					return -1;
				}
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ',' && *p != '\0') {
				snprintf(err, errlen, "field %d: text after "
					 "the closing quote", nf);
				return -1;
			}
		} else {
			char *end;
			while (*p && *p != ',') {
				if (*p == '"') {
					snprintf(err, errlen, "field %d: quote "
						 "inside an unquoted field", nf);
					return -1;
				}
				p++;
			}
			end = p;
			while (end > out && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			out = end;
		}
		if (*p == '\0') {
			*out = '\0';
			return nf;
		}
		*out = '\0';	/* p points at ',', out <= p */
		p++;
	}
}

/*
 * Every field must be UTF-8 text without control characters (tabs aside:
 * they are blanks here; the reason refuses them later). A Windows-1252
 * extract ("\xa3" for a pound sign) is refused rather than guessed at:
 * its reason would reach officers and subscribers as bytes that are not
 * text, and a strict JSON subscriber drops such an alert.
 */
static int check_fields(char *const *f, char *why, size_t whylen)
{
	static const char *const names[NFIELDS] = {"vrm", "list", "reason", "priority", "action"};
	char what[300];

	for (int i = 0; i < NFIELDS; i++)
		if (utf8_text_problem(f[i], strlen(f[i]), 1, NULL, what, sizeof(what))) {
			snprintf(why, whylen, "field %d (%s): %s", i + 1, names[i], what);
			return -1;
		}
	return 0;
}

static int parse_priority(const char *s, int *prio)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < -1000 || v > 1000)
		return -1;
	*prio = (int)v;
	return 0;
}

int hotlist_parse_csv(struct hotlist_builder *b, const char *name,
		      const char *text, size_t len, char *err, size_t errlen)
{
	char line[HOTLIST_MAX_LINE + 1];
	char why[400];
	size_t pos = 0;
	int lineno = 0, header = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		size_t start = pos, n;
		char *f[NFIELDS], *p;
		int nf, prio, action = -1;

		lineno++;
		while (pos < len && text[pos] != '\n')
			pos++;
		n = pos - start;
		if (pos < len)
			pos++;
		if (n && text[start + n - 1] == '\r')
			n--;
		if (n > HOTLIST_MAX_LINE) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes",
				 name, lineno, HOTLIST_MAX_LINE);
			return -1;
		}
		memcpy(line, text + start, n);
		line[n] = '\0';
		/* a NUL would end the line early for split(): refuse it here */
		if (memchr(line, '\0', n)) {
			snprintf(err, errlen, "%s:%d: control character 0x00 at byte %zu "
				 "(not a text file?)", name, lineno,
				 (size_t)((const char *)memchr(line, '\0', n) - line) + 1);
			return -1;
		}
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#' || !header) {
			/* comments and the header are text too; entries are
			 * checked field by field below, to name the field */
			if (utf8_text_problem(line, n, 1, NULL, why, sizeof(why))) {
				snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
				return -1;
			}
			if (*p == '\0' || *p == '#')
				continue;
		}
		if (!header) {
			size_t hn = strlen(p);
			while (hn && (p[hn - 1] == ' ' || p[hn - 1] == '\t'))
				hn--;
			if (hn != strlen(HOTLIST_HEADER) ||
			    strncmp(p, HOTLIST_HEADER, hn) != 0) {
				snprintf(err, errlen, "%s:%d: the first line must "
					 "be the header '%s'", name, lineno,
					 HOTLIST_HEADER);
				return -1;
			}
			header = 1;
			continue;
		}
		nf = split(p, f, NFIELDS, why, sizeof(why));
		if (nf < 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			return -1;
		}
		if (nf != NFIELDS) {
			snprintf(err, errlen, "%s:%d: expected %d fields (%s), "
				 "found %d", name, lineno, NFIELDS,
				 HOTLIST_HEADER, nf);
			return -1;
		}
		if (check_fields(f, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			return -1;
		}
		if (parse_priority(f[3], &prio)) {
			snprintf(err, errlen, "%s:%d: priority '%s' is not a "
				 "whole number", name, lineno, f[3]);
			return -1;
		}
		for (int i = 0; i < 3; i++)
			if (strcmp(f[4], action_names[i]) == 0)
				action = i;
		if (action < 0) {
			snprintf(err, errlen, "%s:%d: action '%s' is not "
				 "intercept, inform or silent", name, lineno,
				 f[4]);
			return -1;
		}
		if (hotlist_builder_add(b, f[0], f[1], f[2], prio, action,
					name, lineno, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			return -1;
		}
	}
	if (!header) {
		snprintf(err, errlen, "%s: empty (no header '%s')", name,
			 HOTLIST_HEADER);
		return -1;
	}
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return memcmp(a, b, HOTLIST_SET_HEX + 1);
}

/* lines: n lines of 64 hex digits and LF, sorted here; out: 65 bytes */
static void set_digest(char (*lines)[HOTLIST_SET_HEX + 1], size_t n, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	qsort(lines, n, sizeof(*lines), cmp_line);
	crypto_hash_sha256(h, (const unsigned char *)lines, n * sizeof(*lines));
	sodium_bin2hex(out, HOTLIST_SET_HEX + 1, h, sizeof(h));
}

int hotlist_load(const char *const *paths, int npaths, struct hotlist **out,
		 char *err, size_t errlen)
{
	struct hotlist_builder *b = hotlist_builder_new();
	/* "hex\n" per file (no NUL: the lines are hashed as one text) */
	char (*lines)[HOTLIST_SET_HEX + 1] = calloc(npaths > 0 ? (size_t)npaths : 1,
						    sizeof(*lines));
	char digest[HOTLIST_SET_HEX + 1];

	if (!b || !lines) {
		hotlist_builder_free(b);
		free(lines);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < npaths; i++) {
		unsigned char h[crypto_hash_sha256_BYTES];
		char *buf;
		size_t len;
		int rc;

		if (read_file_limited(paths[i], HOTLIST_MAX_FILE, &buf, &len, err, errlen)) {
			hotlist_builder_free(b);
			free(lines);
			return -1;
		}
		/* the digest is of the bytes parsed, not of a second read */
		crypto_hash_sha256(h, (const unsigned char *)buf, len);
		sodium_bin2hex(digest, sizeof(digest), h, sizeof(h));
		memcpy(lines[i], digest, HOTLIST_SET_HEX);
		lines[i][HOTLIST_SET_HEX] = '\n';
		rc = hotlist_parse_csv(b, paths[i], buf, len, err, errlen);
		free(buf);
		if (rc) {
			hotlist_builder_free(b);
			free(lines);
			return -1;
		}
	}
	set_digest(lines, (size_t)(npaths > 0 ? npaths : 0), digest);
	free(lines);
	if (hotlist_builder_finish(b, out, err, errlen))
		return -1;
	hotlist_set_digest(*out, digest);
	return 0;
}
