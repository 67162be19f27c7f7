// SPDX-License-Identifier: MIT
/* test_unread_rate.c - the "unreadable-plates" health condition: raised
 * at `raise` of the last `window` vehicles, cleared at raise / 2 (no
 * flapping), a window that slides, a smaller window after a reload, off
 * when the window is 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/unread_rate.h"

static void test_defaults(void **state)
{
	struct unread_rate_params p;

	(void)state;
	unread_rate_params_default(&p);
	assert_int_equal(p.window, 20);
	assert_int_equal(p.raise, 8);
}

/* A few unreadable plates among many read ones: never raised. */
static void test_rare_ones_never_raise(void **state)
{
	struct unread_rate_params p = { .window = 20, .raise = 8 };
	struct unread_rate r;

	(void)state;
	unread_rate_init(&r);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(unread_rate_add(&r, &p, i % 3 == 0 && i % 9 != 0), 0);
	assert_false(r.active);
}

static void test_raise_and_clear(void **state)
{
	struct unread_rate_params p = { .window = 10, .raise = 4 };
	struct unread_rate r;

	(void)state;
	unread_rate_init(&r);
	assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_int_equal(unread_rate_add(&r, &p, false), 0);
	assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_false(r.active);
	assert_int_equal(unread_rate_add(&r, &p, true), 1);	/* the 4th */
	assert_true(r.active);
	assert_int_equal(r.unread, 4);
	/* read plates: the four slide out of the 10 one by one; held at 3
	 * (above raise / 2 = 2), cleared at 2 */
	for (int i = 0; i < 5; i++)
		assert_int_equal(unread_rate_add(&r, &p, false), 0);
	assert_true(r.active);
	assert_int_equal(r.unread, 4);			/* 10 in the window now */
	assert_int_equal(unread_rate_add(&r, &p, false), 0);	/* the 1st leaves */
	assert_int_equal(r.unread, 3);
	assert_int_equal(unread_rate_add(&r, &p, false), 0);	/* a read one leaves */
	assert_int_equal(r.unread, 3);
	assert_int_equal(unread_rate_add(&r, &p, false), 1);	/* the 3rd leaves: 2 */
	assert_int_equal(r.unread, 2);
	assert_false(r.active);
	/* unreadable ones again: the last two old ones leave as two come
	 * (still 2), then 3 (not raised: raise is 4), then 4 */
	assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_int_equal(r.unread, 2);
	assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_int_equal(r.unread, 3);
	assert_false(r.active);
	assert_int_equal(unread_rate_add(&r, &p, true), 1);
	assert_true(r.active);
}

/* Off: a window of 0 (or a raise of 0) never raises. */
static void test_off(void **state)
{
	struct unread_rate_params p = { .window = 0, .raise = 8 };
	struct unread_rate r;

	(void)state;
	unread_rate_init(&r);
	for (int i = 0; i < 100; i++)
		assert_int_equal(unread_rate_add(&r, &p, true), 0);
	p.window = 20;
	p.raise = 0;
	for (int i = 0; i < 100; i++)
		assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_false(r.active);
}

/* A window made smaller (a reload) starts again rather than read past
 * it; a window over the maximum is the maximum. */
static void test_window_changes(void **state)
{
	struct unread_rate_params p = { .window = 50, .raise = 40 };
	struct unread_rate r;

	(void)state;
	unread_rate_init(&r);
	for (int i = 0; i < 30; i++)
		unread_rate_add(&r, &p, true);
	assert_int_equal(r.unread, 30);
	p.window = 10;
	p.raise = 5;
	assert_int_equal(unread_rate_add(&r, &p, true), 0);	/* started again: 1 */
	assert_int_equal(r.unread, 1);
	assert_int_equal(r.n, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(unread_rate_add(&r, &p, true), 0);
	assert_int_equal(unread_rate_add(&r, &p, true), 1);
	p.window = 5000;
	p.raise = 1000;
	unread_rate_init(&r);
	for (int i = 0; i < 2500; i++)
		unread_rate_add(&r, &p, true);
	assert_int_equal(r.n, UNREAD_RATE_WINDOW_MAX);
	assert_int_equal(r.unread, UNREAD_RATE_WINDOW_MAX);
	assert_true(r.active);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_rare_ones_never_raise),
		cmocka_unit_test(test_raise_and_clear),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_window_changes),
	};
	return cmocka_run_group_tests_name("anprd unreadable-plates rate", tests, NULL, NULL);
}
