// SPDX-License-Identifier: MIT
/*
 * test_standbys.c - what a synchronous_standby_names value makes a commit
 * wait for (anpr_store_standbys_of, docs/replication.md): PostgreSQL 15's
 * grammar, the values Patroni writes, and what is not understood (which
 * anpr-ingest --standbys treats as not enough). No server needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/anprstore.h"

static void test_values(void **state)
{
	(void)state;
	static const struct { const char *names; int want; } cases[] = {
		{ "", 0 }, { "   ", 0 },
		/* Patroni, synchronous_mode: the standby it chose; strict with
		 * none left: "*" (any, so commits wait) */
		{ "node2", 1 }, { "\"node2\"", 1 }, { "*", 1 },
		{ "node2, node3", 1 },	/* a plain list: the first there */
		{ "FIRST 1 (node2, node3)", 1 }, { "first 2 (a,b,c)", 2 },
		{ "ANY 2 (a, b, c)", 2 }, { "any 1 (*)", 1 },
		{ "2 (a, b)", 2 }, { "  FIRST   3   ( a , b , c )  ", 3 },
		/* names that only begin like the key words */
		{ "firstnode", 1 }, { "anything", 1 }, { "any_node", 1 },
		/* not understood */
		{ "FIRST 0 (a)", -1 }, { "FIRST 2 a", -1 }, { "2", -1 },
		{ "FIRST 2 (a, b", -1 }, { "FIRST 1 (a) b", -1 }, { "a)", -1 },
		{ "ANY 99999 (a)", -1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = anpr_store_standbys_of(cases[i].names);

		if (got != cases[i].want)
			fail_msg("\"%s\": %d, not %d", cases[i].names, got,
				 cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
