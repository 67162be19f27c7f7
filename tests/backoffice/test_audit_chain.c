// SPDX-License-Identifier: MIT
/*
 * test_audit_chain.c - the audit chain's rules outside the database
 * (backoffice/audit/audit_chain.c): the canonical text field by field,
 * each kind of fault named at the right entry, and seal messages parsed
 * strictly. The same rules against the database's own hashes are the
 * suite backoffice-access.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit_chain.h"
#include "evidence/evidence.h"

#define N 5

static struct audit_entry e[N];
static char at[N][32], q[N][64];

/* A chain of N entries, hashed as audit.append does. */
static void make_chain(void)
{
	for (int i = 0; i < N; i++) {
		snprintf(at[i], sizeof at[i], "2026-12-06T19:0%d:00.000000Z", i);
		snprintf(q[i], sizeof q[i], "{\"vrm\": \"AB%02dCDE\"}", i);
		e[i] = (struct audit_entry){ i + 1, at[i], "pc_smith", "search",
					     i % 2 ? "serious-crime" : NULL, "OP-1",
					     i == 3 ? "42" : NULL, q[i], "{}", i, {0}, {0} };
		if (i)
			memcpy(e[i].prev_hash, e[i - 1].hash, 32);
		assert_int_equal(audit_entry_hash(&e[i], e[i].hash), 0);
	}
}

static void test_canonical_text(void **state)
{
	char *c;

	(void)state;
	make_chain();
	c = audit_canonical(&e[3]);
	assert_non_null(c);
	assert_string_equal(c, "anpr-audit/1\nseq=4\nat=2026-12-06T19:03:00.000000Z\n"
			       "who=pc_smith\naction=search\npurpose=serious-crime\n"
			       "case_ref=OP-1\nauthorisation=42\nquestion={\"vrm\": \"AB03CDE\"}\n"
			       "results=3\nwithheld={}\n");
	free(c);
	c = audit_canonical(&e[0]);
	assert_non_null(strstr(c, "\npurpose=-\n"));
	assert_non_null(strstr(c, "\nauthorisation=-\n"));
	free(c);
}

static void test_faults_named(void **state)
{
	char why[256];
	struct audit_entry saved;

	(void)state;
	make_chain();
	assert_int_equal(audit_chain_check(e, N, why, sizeof why), -1);
	assert_int_equal(audit_chain_check(e, 0, why, sizeof why), -1);
	/* edited */
	e[2].results = 99;
	assert_int_equal(audit_chain_check(e, N, why, sizeof why), 2);
	assert_non_null(strstr(why, "entry 3: its hash is not that of its contents"));
	e[2].results = 2;
	/* removed: entry 3 gone */
	saved = e[2];
	memmove(&e[2], &e[3], 2 * sizeof e[0]);
	assert_int_equal(audit_chain_check(e, N - 1, why, sizeof why), 2);
	assert_non_null(strstr(why, "entry 4: entries 3 to 3 are missing"));
	memmove(&e[3], &e[2], 2 * sizeof e[0]);
	e[2] = saved;
	assert_int_equal(audit_chain_check(e, N, why, sizeof why), -1);
	/* reordered: 3 and 4 swapped (numbers and all) */
	saved = e[2];
	e[2] = e[3];
	e[3] = saved;
	assert_int_equal(audit_chain_check(e, N, why, sizeof why), 2);
	assert_non_null(strstr(why, "entry 4: out of order: an entry it follows (3) comes "
			       "after it (reordered)"));
	/* the first entry's prev_hash must be zero */
	make_chain();
	e[0].prev_hash[0] = 1;
	assert_int_equal(audit_entry_hash(&e[0], e[0].hash), 0);
	assert_int_equal(audit_chain_check(e, N, why, sizeof why), 0);
	assert_non_null(strstr(why, "entry 1: it does not follow entry 0"));
}

static void test_seal_messages(void **state)
{
	uint8_t h[32], got[32];
	char msg[160];
	long long seq;

	(void)state;
	memset(h, 0xab, sizeof h);
	assert_int_equal(audit_seal_message(17, h, msg, sizeof msg), 0);
	assert_string_equal(msg, "anpr-audit-seal/1\nseq=17\nhash="
			    "abababababababababababababababababababababababababababababababab\n");
	assert_int_equal(audit_seal_parse(msg, &seq, got), 0);
	assert_int_equal(seq, 17);
	assert_memory_equal(got, h, 32);
	/* anything but exactly that is not a seal */
	assert_int_equal(audit_seal_parse("anpr-audit-seal/1\nseq=017\nhash="
		"abababababababababababababababababababababababababababababababab\n", &seq, got), -1);
	assert_int_equal(audit_seal_parse("anpr-audit-seal/1\nseq=0\nhash="
		"abababababababababababababababababababababababababababababababab\n", &seq, got), -1);
	assert_int_equal(audit_seal_parse("anpr-audit-seal/1\nseq=17\nhash="
		"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\n", &seq, got), -1);
	assert_int_equal(audit_seal_parse("anpr-audit-seal/1\nseq=17\nhash="
		"abababababababababababababababababababababababababababababababab\nmore\n",
		&seq, got), -1);
	assert_int_equal(audit_seal_parse("", &seq, got), -1);
	assert_int_equal(audit_seal_message(1, h, msg, 20), -1);	/* too small */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_text),
		cmocka_unit_test(test_faults_named),
		cmocka_unit_test(test_seal_messages),
	};

	if (ev_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
