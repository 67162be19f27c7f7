/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap: the simulated sensor's frame clock, sequence numbers and drop
 * accounting. Pure logic: the caller passes the time in and holds the lock.
 */
#ifndef ANPRCAP_TIMING_H
#define ANPRCAP_TIMING_H

#include <linux/types.h>

/**
 * struct anprcap_clock - frame clock and counters of one streaming session
 * @base_ns:	CLOCK_MONOTONIC time of frame slot @base_slot
 * @base_slot:	slot number at which @interval_ns last changed
 * @interval_ns: frame interval in nanoseconds
 * @next_slot:	the next frame slot the sensor will expose
 * @sequence:	sequence number the next exposed frame gets
 * @dropped:	video frames lost (no buffer queued, or sensor overrun)
 * @overruns:	frame slots that passed while the frame interrupt was late
 *		(also counted in @dropped)
 *
 * Frame slot n starts at base_ns + (n - base_slot) * interval_ns. Every slot
 * in which the sensor exposes a frame consumes one sequence number, so a
 * lost frame is always visible as a gap in the sequence.
 */
struct anprcap_clock {
	u64 base_ns;
	u64 base_slot;
	u64 interval_ns;
	u64 next_slot;
	u32 sequence;
	u64 dropped;
	u64 overruns;
};

void anprcap_clock_start(struct anprcap_clock *clk, u64 now_ns, u64 interval_ns);
void anprcap_clock_set_interval(struct anprcap_clock *clk, u64 interval_ns);
u64 anprcap_clock_slot_time(const struct anprcap_clock *clk, u64 slot);
u64 anprcap_clock_next_due(const struct anprcap_clock *clk);
u32 anprcap_clock_tick(struct anprcap_clock *clk, u64 now_ns, bool expose,
		       bool free_run, u32 *sequence);
void anprcap_clock_drop(struct anprcap_clock *clk);
u64 anprcap_eoe_ns(u64 soe_ns, u32 exposure_us, u64 interval_ns);

#endif /* ANPRCAP_TIMING_H */
