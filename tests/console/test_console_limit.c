// SPDX-License-Identifier: MIT
/*
 * test_console_limit.c - anpr-console's token buckets
 * (backoffice/console/console_limit.c) on a clock the test moves: a burst
 * then a refusal with the wait until the next token; the refill; keys
 * apart; a check that takes nothing; a full table refuses a new key
 * rather than forget a bucket that is not full, and reuses one that is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "console/console_limit.h"

static void test_burst_then_wait(void **state)
{
	struct climit l;

	(void)state;
	assert_int_equal(climit_init(&l, 8, 0.5, 3), 0);	/* 1 token / 2 s */
	for (int i = 0; i < 3; i++)
		assert_int_equal(climit_take_at(&l, "cam", 100.0), 0);
	assert_int_equal(climit_take_at(&l, "cam", 100.0), 2);
	assert_int_equal(climit_take_at(&l, "cam", 101.0), 1);	/* half a token */
	assert_int_equal(climit_take_at(&l, "cam", 102.0), 0);	/* one again */
	assert_int_equal(climit_take_at(&l, "cam", 102.0), 2);
	/* another key has its own bucket */
	assert_int_equal(climit_take_at(&l, "other", 102.0), 0);
	/* long idle: full, never more than the burst */
	for (int i = 0; i < 3; i++)
		assert_int_equal(climit_take_at(&l, "cam", 1000.0), 0);
	assert_int_not_equal(climit_take_at(&l, "cam", 1000.0), 0);
	climit_fini(&l);
}

static void test_check_takes_nothing(void **state)
{
	struct climit l;

	(void)state;
	assert_int_equal(climit_init(&l, 8, 1.0 / 60, 2), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(climit_check_at(&l, "user", 5.0), 0);
	assert_int_equal(climit_take_at(&l, "user", 5.0), 0);
	assert_int_equal(climit_take_at(&l, "user", 5.0), 0);
	assert_int_equal(climit_check_at(&l, "user", 5.0), 60);
	assert_int_equal(climit_check_at(&l, "user", 35.0), 30);
	climit_fini(&l);
}

static void test_full_table(void **state)
{
	struct climit l;

	(void)state;
	assert_int_equal(climit_init(&l, 2, 1.0, 1), 0);
	assert_int_equal(climit_take_at(&l, "a", 0.0), 0);
	assert_int_equal(climit_take_at(&l, "b", 0.0), 0);
	/* a and b still remember their take: c is refused, a stays limited */
	assert_int_not_equal(climit_take_at(&l, "c", 0.5), 0);
	assert_int_not_equal(climit_take_at(&l, "a", 0.5), 0);
	/* once a's bucket is full again its entry may go to c */
	assert_int_equal(climit_take_at(&l, "c", 1.5), 0);
	climit_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_wait),
		cmocka_unit_test(test_check_takes_nothing),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
