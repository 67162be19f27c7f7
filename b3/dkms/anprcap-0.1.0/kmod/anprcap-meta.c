// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: packing of the per-frame metadata (docs/frame-metadata.md).
 * Pure logic, tested by KUnit.
 */
#include <linux/build_bug.h>
#include <linux/string.h>
#include "anprcap-meta.h"

static_assert(sizeof(struct anprcap_meta) == 64);

void anprcap_meta_pack(struct anprcap_meta *meta, const struct anprcap_frame_info *fi)
{
	memset(meta, 0, sizeof(*meta));
	meta->magic = ANPRCAP_META_MAGIC;
	meta->version = ANPRCAP_META_VERSION;
	meta->size = sizeof(*meta);
	meta->sequence = fi->sequence;
	if (fi->strobe_on)
		meta->flags |= ANPRCAP_META_FL_STROBE_ON;
	if (fi->injected)
		meta->flags |= ANPRCAP_META_FL_INJECTED;
	if (fi->video_dropped)
		meta->flags |= ANPRCAP_META_FL_VIDEO_DROPPED;
	meta->soe_ns = fi->soe_ns;
	meta->eoe_ns = fi->eoe_ns;
	meta->exposure_us = fi->exposure_us;
	meta->gain_mdb = fi->gain_mdb;
	meta->strobe_intensity = fi->strobe_on ? fi->strobe_intensity : 0;
	meta->trigger = fi->trigger;
	meta->frames_dropped = fi->frames_dropped;
}
