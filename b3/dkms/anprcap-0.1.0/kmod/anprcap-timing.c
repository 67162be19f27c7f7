// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: frame clock arithmetic and drop accounting (pure logic, tested by
 * KUnit). The sensor's frame interrupt calls anprcap_clock_tick() with the
 * time it runs at; the result says which sequence number the frame gets and
 * how many frame slots were missed because the interrupt came late.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include "anprcap-timing.h"

/**
 * anprcap_clock_start() - start a streaming session
 * @clk:	clock to reset
 * @now_ns:	current CLOCK_MONOTONIC time; slot 0 starts one interval later
 * @interval_ns: frame interval, non-zero
 */
void anprcap_clock_start(struct anprcap_clock *clk, u64 now_ns, u64 interval_ns)
{
	clk->interval_ns = interval_ns ? interval_ns : 1;
	clk->base_ns = now_ns + clk->interval_ns;
	clk->base_slot = 0;
	clk->next_slot = 0;
	clk->sequence = 0;
	clk->dropped = 0;
	clk->overruns = 0;
}

u64 anprcap_clock_slot_time(const struct anprcap_clock *clk, u64 slot)
{
	if (slot < clk->base_slot)	/* before the last rate change */
		return clk->base_ns;
	return clk->base_ns + (slot - clk->base_slot) * clk->interval_ns;
}

/* time at which the next frame slot starts (the hrtimer's next expiry) */
u64 anprcap_clock_next_due(const struct anprcap_clock *clk)
{
	return anprcap_clock_slot_time(clk, clk->next_slot);
}

/*
 * A new rate applies from the next slot on: that slot keeps its start time,
 * later ones follow the new interval.
 */
void anprcap_clock_set_interval(struct anprcap_clock *clk, u64 interval_ns)
{
	clk->base_ns = anprcap_clock_next_due(clk);
	clk->base_slot = clk->next_slot;
	clk->interval_ns = interval_ns ? interval_ns : 1;
}

/**
 * anprcap_clock_tick() - account for the frame interrupt
 * @clk:	the clock
 * @now_ns:	time the interrupt runs at (never before the next slot's start)
 * @expose:	true if the sensor exposes a frame in this slot (false for an
 *		externally triggered sensor that got no trigger)
 * @free_run:	the sensor exposes in every slot (its own frame clock)
 * @sequence:	set to the frame's sequence number if @expose
 *
 * Slots that passed entirely while the interrupt was late are sensor
 * overruns of a free-running sensor: each was exposed, consumed a sequence
 * number and counts as a dropped frame. An externally triggered sensor
 * exposes only on a trigger, so a late interrupt only delays the frame.
 *
 * Return: the number of slots missed before this one.
 */
u32 anprcap_clock_tick(struct anprcap_clock *clk, u64 now_ns, bool expose,
		       bool free_run, u32 *sequence)
{
	u64 slot = clk->next_slot;
	u64 missed = 0;

	if (now_ns > anprcap_clock_next_due(clk))
		slot = clk->base_slot +
		       div64_u64(now_ns - clk->base_ns, clk->interval_ns);
	if (slot < clk->next_slot)
		slot = clk->next_slot;
	missed = slot - clk->next_slot;
	clk->next_slot = slot + 1;
	if (expose && free_run) {
		clk->sequence += (u32)missed;
		clk->dropped += missed;
		clk->overruns += missed;
	}
	if (expose)
		*sequence = clk->sequence++;
	return (u32)min_t(u64, missed, U32_MAX);
}

/* the frame just ticked could not be delivered (no buffer queued) */
void anprcap_clock_drop(struct anprcap_clock *clk)
{
	clk->dropped++;
}

/* end of exposure: the exposure never lasts longer than one frame interval */
u64 anprcap_eoe_ns(u64 soe_ns, u32 exposure_us, u64 interval_ns)
{
	return soe_ns + min_t(u64, (u64)exposure_us * NSEC_PER_USEC, interval_ns);
}
