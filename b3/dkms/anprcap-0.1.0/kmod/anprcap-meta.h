/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap: what the sensor knows about one frame, and its packing into the
 * user-visible struct anprcap_meta. Pure logic.
 */
#ifndef ANPRCAP_META_H
#define ANPRCAP_META_H

#include <linux/types.h>
#include "uapi/anprcap.h"

/**
 * struct anprcap_frame_info - one sensor frame as seen at its interrupt
 * @sequence:		sensor frame number
 * @soe_ns:		start of exposure, CLOCK_MONOTONIC
 * @eoe_ns:		end of exposure, CLOCK_MONOTONIC
 * @exposure_us:	exposure time
 * @gain_mdb:		gain, milli-decibels
 * @strobe_on:		IR illuminator fired
 * @strobe_intensity:	illuminator intensity, percent
 * @trigger:		ANPRCAP_TRIGGER_*
 * @injected:		image comes from the output (loopback) node
 * @video_dropped:	no video buffer was queued for this frame
 * @pattern:		test pattern used when not @injected
 * @frames_dropped:	video frames lost so far in this session
 */
struct anprcap_frame_info {
	u32 sequence;
	u64 soe_ns;
	u64 eoe_ns;
	u32 exposure_us;
	u32 gain_mdb;
	bool strobe_on;
	u32 strobe_intensity;
	u32 trigger;
	bool injected;
	bool video_dropped;
	u32 pattern;
	u64 frames_dropped;
};

void anprcap_meta_pack(struct anprcap_meta *meta, const struct anprcap_frame_info *fi);

#endif /* ANPRCAP_META_H */
