// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the fate of each frame under error injection (kmod/anprcap-errinj.c),
 * and, with the frame clock of kmod/anprcap-timing.c, the sequence numbers
 * and drop counts a stall leaves behind, worked the way the frame interrupt
 * works them (anprcap-sensor.c).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "kunit_oot.h"
#include "../../kmod/anprcap-errinj.c"
#include "../../kmod/anprcap-timing.c"

#define IV 33333333ULL	/* 30 fps */
#define T0 1000000000ULL

static void no_fault_delivers(struct kunit *test)
{
	struct anprcap_errinj ei = {};
	int i;

	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_EQ(test, anprcap_errinj_frame(&ei, i & 1), ANPRCAP_FATE_DELIVER);
}

static void buf_errors_mark_exactly_n_buffers(struct kunit *test)
{
	struct anprcap_errinj ei = { .buf_errors = 3 };

	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, true), ANPRCAP_FATE_BUF_ERROR);
	/* a frame with no buffer to mark consumes no error */
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, false), ANPRCAP_FATE_DELIVER);
	KUNIT_EXPECT_EQ(test, ei.buf_errors, 2u);
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, true), ANPRCAP_FATE_BUF_ERROR);
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, true), ANPRCAP_FATE_BUF_ERROR);
	KUNIT_EXPECT_EQ(test, ei.buf_errors, 0u);
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, true), ANPRCAP_FATE_DELIVER);
}

static void stall_wins_and_keeps_buf_errors(struct kunit *test)
{
	struct anprcap_errinj ei = { .buf_errors = 1 };

	anprcap_errinj_set_stall(&ei, true);
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, true), ANPRCAP_FATE_STALLED);
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, false), ANPRCAP_FATE_STALLED);
	KUNIT_EXPECT_EQ(test, ei.stalled_frames, 2ULL);
	KUNIT_EXPECT_EQ(test, ei.buf_errors, 1u);
	anprcap_errinj_set_stall(&ei, false);
	/* the count survives the clear, for the debug message */
	KUNIT_EXPECT_EQ(test, ei.stalled_frames, 2ULL);
	KUNIT_EXPECT_EQ(test, anprcap_errinj_frame(&ei, true), ANPRCAP_FATE_BUF_ERROR);
	/* a new stall counts from zero; setting it again does not */
	anprcap_errinj_set_stall(&ei, true);
	KUNIT_EXPECT_EQ(test, ei.stalled_frames, 0ULL);
	anprcap_errinj_frame(&ei, true);
	anprcap_errinj_set_stall(&ei, true);
	KUNIT_EXPECT_EQ(test, ei.stalled_frames, 1ULL);
}

/*
 * One frame slot of a free-running sensor whose video node streams with a
 * buffer always queued, as anprcap_frame_irq() does it: returns the fate,
 * and the sequence number in *seq.
 */
static enum anprcap_fate slot(struct anprcap_clock *clk, struct anprcap_errinj *ei,
			      u64 now, u32 *seq)
{
	enum anprcap_fate fate;

	anprcap_clock_tick(clk, now, true, true, seq);
	fate = anprcap_errinj_frame(ei, true);
	if (fate == ANPRCAP_FATE_STALLED)
		anprcap_clock_drop(clk);
	return fate;
}

static void stall_is_a_counted_sequence_gap(struct kunit *test)
{
	struct anprcap_errinj ei = {};
	struct anprcap_clock clk;
	u32 seq, last = 0;
	u64 t;
	int i;

	anprcap_clock_start(&clk, T0, IV);
	for (i = 0, t = T0 + IV; i < 5; i++, t += IV) {
		KUNIT_ASSERT_EQ(test, slot(&clk, &ei, t, &seq), ANPRCAP_FATE_DELIVER);
		last = seq;
	}
	anprcap_errinj_set_stall(&ei, true);
	for (i = 0; i < 7; i++, t += IV)
		KUNIT_ASSERT_EQ(test, slot(&clk, &ei, t, &seq), ANPRCAP_FATE_STALLED);
	anprcap_errinj_set_stall(&ei, false);
	KUNIT_ASSERT_EQ(test, slot(&clk, &ei, t, &seq), ANPRCAP_FATE_DELIVER);
	/* the first frame after the stall: a gap of 7, and 7 drops counted */
	KUNIT_EXPECT_EQ(test, seq - last - 1, 7u);
	KUNIT_EXPECT_EQ(test, clk.dropped, 7ULL);
	KUNIT_EXPECT_EQ(test, clk.overruns, 0ULL);
	KUNIT_EXPECT_EQ(test, ei.stalled_frames, 7ULL);
}

static void buf_errors_keep_the_sequence(struct kunit *test)
{
	struct anprcap_errinj ei = {};
	struct anprcap_clock clk;
	u32 seq, i;

	anprcap_clock_start(&clk, T0, IV);
	ei.buf_errors = 2;
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, slot(&clk, &ei, T0 + (i + 1) * IV, &seq),
				i < 2 ? ANPRCAP_FATE_BUF_ERROR : ANPRCAP_FATE_DELIVER);
		KUNIT_ASSERT_EQ(test, seq, i);
	}
	/* flagged buffers were delivered: no drop */
	KUNIT_EXPECT_EQ(test, clk.dropped, 0ULL);
}

static struct kunit_case anprcap_errinj_cases[] = {
	KUNIT_CASE(no_fault_delivers),
	KUNIT_CASE(buf_errors_mark_exactly_n_buffers),
	KUNIT_CASE(stall_wins_and_keeps_buf_errors),
	KUNIT_CASE(stall_is_a_counted_sequence_gap),
	KUNIT_CASE(buf_errors_keep_the_sequence),
	{}
};

static struct kunit_suite anprcap_errinj_suite = {
	.name = "anprcap_errinj",
	.test_cases = anprcap_errinj_cases,
};

kunit_test_suite(anprcap_errinj_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for anprcap error injection");
