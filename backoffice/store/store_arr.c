// SPDX-License-Identifier: MIT
/*
 * store_arr.c - text[] literals for array parameters (store_int.h): the
 * group put's columns (records_group.c) and the cloned-plate check's ids
 * (clones.c) sent as one parameter each.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void arr_put(struct arr *a, const char *s, size_t n)
{
	if (a->oom)
		return;
	if (a->len + n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap : 256;
		char *p;

		while (a->len + n + 2 > cap)
			cap *= 2;
		p = realloc(a->s, cap);
		if (!p) {
			a->oom = true;
			return;
		}
		a->s = p;
		a->cap = cap;
	}
	memcpy(a->s + a->len, s, n);
	a->len += n;
	a->s[a->len] = '\0';
}

void arr_sep(struct arr *a)
{
	arr_put(a, a->len ? "," : "{", 1);
}

void arr_text(struct arr *a, const char *s)
{
	arr_sep(a);
	if (!s) {
		arr_put(a, "NULL", 4);
		return;
	}
	arr_put(a, "\"", 1);
	for (const char *p = s; *p; ) {
		size_t run = strcspn(p, "\\\"");

		arr_put(a, p, run);
		p += run;
		if (*p) {
			char esc[2] = { '\\', *p++ };

			arr_put(a, esc, 2);
		}
	}
	arr_put(a, "\"", 1);
}

const char *arr_end(struct arr *a)
{
	if (!a->len)
		arr_put(a, "{", 1);
	arr_put(a, "}", 1);
	return a->oom ? NULL : a->s;
}
