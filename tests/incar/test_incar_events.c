// SPDX-License-Identifier: MIT
/*
 * test_incar_events.c - what the in-car page streams
 * (daemon/incar/incar_events.c): a new page gets anprd's state and the
 * last 64 alerts; a page that reconnects with the last id it got gets
 * only the newer ones; an id from before a restart of anpr-incar gets them
 * all; a waiting stream gets each new alert once, in order, and anprd's
 * state when it changes; a stream that fell behind goes on from the
 * oldest kept; stop ends every wait.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "incar/incar.h"

static void put(int n)
{
	char line[64];
	int len = snprintf(line, sizeof line, "{\"seq\":%d}\n", n);

	incar_events_alert(line, (size_t)len);
}

/* How many alert events the text holds, and the first's and last's ids. */
static int ids(const char *t, unsigned long *first, unsigned long *last)
{
	int k = 0;

	for (const char *p = t; (p = strstr(p, "id: ")) != NULL; p += 4) {
		unsigned long v = strtoul(p + 4, NULL, 10);

		if (!k++)
			*first = v;
		*last = v;
	}
	return k;
}

static void test_replay_and_live(void **state)
{
	unsigned long first = 0, last = 0;
	uint64_t next, next2;
	char *t;

	(void)state;
	incar_events_anprd(false, "not connected \"yet\"");
	for (int i = 1; i <= 70; i++)
		put(i);
	/* a new page: anprd's state first, then the last 64 (ids 7..70) */
	t = incar_events_start(0, &next);
	assert_non_null(t);
	assert_non_null(strstr(t, "retry: 2000\n\n"));
	assert_true(strstr(t, "event: anprd\ndata: {\"connected\":false,") <
		    strstr(t, "event: alert"));
	assert_non_null(strstr(t, "\"why\":\"not connected \\\"yet\\\"\""));
	assert_int_equal(ids(t, &first, &last), INCAR_RING);
	assert_int_equal(first, 7);
	assert_int_equal(last, 70);
	assert_non_null(strstr(t, "id: 70\nevent: alert\ndata: {\"seq\":70}\n\n"));
	free(t);
	/* a reconnect after id 68: 69 and 70 only */
	t = incar_events_start(68, &next2);
	assert_int_equal(ids(t, &first, &last), 2);
	assert_int_equal(first, 69);
	free(t);
	/* up to date: no alert */
	t = incar_events_start(70, &next2);
	assert_int_equal(ids(t, &first, &last), 0);
	free(t);
	/* an id this anpr-incar never gave (it restarted): everything kept */
	t = incar_events_start(5000, &next2);
	assert_int_equal(ids(t, &first, &last), INCAR_RING);
	free(t);
	/* live: the next alert, once; then anprd's change */
	put(71);
	t = incar_events_wait(&next);
	assert_string_equal(t, "id: 71\nevent: alert\ndata: {\"seq\":71}\n\n");
	free(t);
	incar_events_anprd(true, NULL);
	t = incar_events_wait(&next);
	assert_non_null(strstr(t, "event: anprd\ndata: {\"connected\":true,"));
	assert_null(strstr(t, "id: "));
	free(t);
	/* fell behind by more than the ring: on from the oldest kept */
	for (int i = 72; i <= 72 + INCAR_RING + 10; i++)
		put(i);
	t = incar_events_wait(&next);
	assert_int_equal(ids(t, &first, &last), 1);
	assert_int_equal(first, 72 + 10 + 1);
	free(t);
	/* stop: the wait ends with nothing */
	incar_events_stop();
	assert_null(incar_events_wait(&next));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_and_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
