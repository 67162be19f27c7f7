/* SPDX-License-Identifier: MIT */
/*
 * roi.h - a source's region of interest for the reader: one polygon in
 * coordinates relative to the frame (0..1 across, 0..1 down), turned into
 * a per-pixel mask for any frame size. Syntax: docs/anprd-conf.md.
 */
#ifndef ANPRD_ROI_H
#define ANPRD_ROI_H

#include <stddef.h>
#include <stdint.h>

#include "core/anprd_formats.h"

struct anprd_roi {
	int npoints;
	float x[ANPRD_MAX_ROI_POINTS];
	float y[ANPRD_MAX_ROI_POINTS];
};

/*
 * anprd_roi_parse - "x,y x,y x,y ..." (3 to ANPRD_MAX_ROI_POINTS points,
 * each coordinate in 0..1). Returns 0 or -1 with the reason in err.
 */
int anprd_roi_parse(const char *s, struct anprd_roi *roi, char *err,
		    size_t errlen);

/*
 * anprd_roi_mask - fill mask (width x height bytes, row stride `stride`)
 * with 255 where the pixel centre lies inside the polygon (even-odd rule)
 * and 0 elsewhere. Returns the number of pixels inside.
 */
size_t anprd_roi_mask(const struct anprd_roi *roi, int width, int height,
		      uint8_t *mask, size_t stride);

/* anprd_roi_format - write the polygon back in the parse syntax. */
void anprd_roi_format(const struct anprd_roi *roi, char *buf, size_t len);

#endif
