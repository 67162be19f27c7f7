// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: frame clock, timestamp arithmetic and drop accounting of
 * kmod/anprcap-timing.c. The "time" is passed in, so no clock is needed.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "kunit_oot.h"
#include "../../kmod/anprcap-timing.c"

#define IV 33333333ULL	/* 30 fps */
#define T0 1000000000ULL

static void clock_start_schedules_first_slot(struct kunit *test)
{
	struct anprcap_clock clk;

	anprcap_clock_start(&clk, T0, IV);
	KUNIT_EXPECT_EQ(test, anprcap_clock_next_due(&clk), T0 + IV);
	KUNIT_EXPECT_EQ(test, clk.sequence, 0u);
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
	anprcap_clock_start(&clk, T0, 0);	/* never divide by zero */
	KUNIT_EXPECT_EQ(test, clk.interval_ns, 1ULL);
}

static void clock_on_time_ticks_are_contiguous(struct kunit *test)
{
	struct anprcap_clock clk;
	u32 seq, i;

	anprcap_clock_start(&clk, T0, IV);
	for (i = 0; i < 1000; i++) {
		u64 due = anprcap_clock_next_due(&clk);

		KUNIT_ASSERT_EQ(test, due, T0 + IV + i * IV);
		/* the interrupt runs a little late, but within its slot */
		KUNIT_ASSERT_EQ(test, anprcap_clock_tick(&clk, due + IV / 2, true, true, &seq), 0u);
		KUNIT_ASSERT_EQ(test, seq, i);
	}
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
	KUNIT_EXPECT_EQ(test, clk.overruns, 0ULL);
}

static void clock_late_interrupt_is_overrun(struct kunit *test)
{
	struct anprcap_clock clk;
	u32 seq;

	anprcap_clock_start(&clk, T0, IV);
	anprcap_clock_tick(&clk, T0 + IV, true, true, &seq);		/* slot 0 */
	KUNIT_EXPECT_EQ(test, seq, 0u);
	/* slot n starts at T0 + (n + 1) * IV; the interrupt for slot 1 comes
	 * 2.5 slots late, in slot 3: slots 1 and 2 were lost
	 */
	KUNIT_EXPECT_EQ(test, anprcap_clock_tick(&clk, T0 + 4 * IV + IV / 2, true, true, &seq), 2u);
	KUNIT_EXPECT_EQ(test, seq, 3u);
	KUNIT_EXPECT_EQ(test, clk.dropped, 2ULL);
	KUNIT_EXPECT_EQ(test, clk.overruns, 2ULL);
	KUNIT_EXPECT_EQ(test, anprcap_clock_next_due(&clk), T0 + 5 * IV);
	anprcap_clock_tick(&clk, T0 + 5 * IV, true, true, &seq);
	KUNIT_EXPECT_EQ(test, seq, 4u);
}

static void clock_untriggered_slot_uses_no_sequence(struct kunit *test)
{
	struct anprcap_clock clk;
	u32 seq = 99;

	anprcap_clock_start(&clk, T0, IV);
	anprcap_clock_tick(&clk, T0 + IV, false, false, &seq);
	KUNIT_EXPECT_EQ(test, seq, 99u);	/* untouched */
	anprcap_clock_tick(&clk, T0 + 4 * IV, false, false, &seq);
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
	anprcap_clock_tick(&clk, T0 + 5 * IV, true, false, &seq);
	KUNIT_EXPECT_EQ(test, seq, 0u);
}

static void clock_triggered_late_interrupt_is_no_drop(struct kunit *test)
{
	struct anprcap_clock clk;
	u32 seq;

	anprcap_clock_start(&clk, T0, IV);
	anprcap_clock_tick(&clk, T0 + IV, true, false, &seq);
	KUNIT_EXPECT_EQ(test, seq, 0u);
	/* externally triggered: the late slots were never exposed */
	KUNIT_EXPECT_EQ(test,
			anprcap_clock_tick(&clk, T0 + 4 * IV + IV / 2, true, false, &seq), 2u);
	KUNIT_EXPECT_EQ(test, seq, 1u);
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
	KUNIT_EXPECT_EQ(test, clk.overruns, 0ULL);
	KUNIT_EXPECT_EQ(test, anprcap_clock_next_due(&clk), T0 + 5 * IV);
}

static void clock_drop_accounting(struct kunit *test)
{
	struct anprcap_clock clk;
	u32 seq, i;

	anprcap_clock_start(&clk, T0, IV);
	for (i = 0; i < 10; i++) {
		anprcap_clock_tick(&clk, anprcap_clock_next_due(&clk), true, true, &seq);
		if (i % 3 == 0)		/* no buffer queued for frames 0, 3, 6, 9 */
			anprcap_clock_drop(&clk);
	}
	KUNIT_EXPECT_EQ(test, clk.dropped, 4ULL);
	KUNIT_EXPECT_EQ(test, clk.overruns, 0ULL);
	KUNIT_EXPECT_EQ(test, clk.sequence, 10u);
	anprcap_clock_start(&clk, T0, IV);	/* a new session starts at zero */
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
}

static void clock_rate_change_keeps_next_slot(struct kunit *test)
{
	struct anprcap_clock clk;
	u32 seq;
	u64 due;

	anprcap_clock_start(&clk, T0, IV);
	anprcap_clock_tick(&clk, T0 + IV, true, true, &seq);
	due = anprcap_clock_next_due(&clk);
	anprcap_clock_set_interval(&clk, 1000000);	/* 1000 fps equivalent */
	KUNIT_EXPECT_EQ(test, anprcap_clock_next_due(&clk), due);
	anprcap_clock_tick(&clk, due, true, true, &seq);
	KUNIT_EXPECT_EQ(test, anprcap_clock_next_due(&clk), due + 1000000);
	KUNIT_EXPECT_EQ(test, seq, 1u);
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
}

static void clock_long_run_no_drift(struct kunit *test)
{
	struct anprcap_clock clk;

	anprcap_clock_start(&clk, T0, IV);
	clk.next_slot = 108000000ULL;	/* 41 days at 30 fps */
	KUNIT_EXPECT_EQ(test, anprcap_clock_next_due(&clk), T0 + IV + 108000000ULL * IV);
}

static void eoe_is_clamped_to_interval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, anprcap_eoe_ns(T0, 1000, IV), T0 + 1000000);
	KUNIT_EXPECT_EQ(test, anprcap_eoe_ns(T0, 1000000, IV), T0 + IV);
	KUNIT_EXPECT_EQ(test, anprcap_eoe_ns(T0, 0, IV), T0);
	KUNIT_EXPECT_EQ(test, anprcap_eoe_ns(T0, U32_MAX, 1000000000ULL), T0 + 1000000000ULL);
}

static struct kunit_case anprcap_timing_cases[] = {
	KUNIT_CASE(clock_start_schedules_first_slot),
	KUNIT_CASE(clock_on_time_ticks_are_contiguous),
	KUNIT_CASE(clock_late_interrupt_is_overrun),
	KUNIT_CASE(clock_untriggered_slot_uses_no_sequence),
	KUNIT_CASE(clock_triggered_late_interrupt_is_no_drop),
	KUNIT_CASE(clock_drop_accounting),
	KUNIT_CASE(clock_rate_change_keeps_next_slot),
	KUNIT_CASE(clock_long_run_no_drift),
	KUNIT_CASE(eoe_is_clamped_to_interval),
	{}
};

static struct kunit_suite anprcap_timing_suite = {
	.name = "anprcap_timing",
	.test_cases = anprcap_timing_cases,
};

kunit_test_suite(anprcap_timing_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for anprcap frame clock and drop accounting");
