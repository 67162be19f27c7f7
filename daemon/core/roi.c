// SPDX-License-Identifier: MIT
/* roi.c - region-of-interest polygons; see roi.h. */
#include "core/roi.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_coord(const char **pp, float *out)
{
	const char *p = *pp;
	char *end;
	double v;

	errno = 0;
	v = strtod(p, &end);
	if (end == p || errno || !isfinite(v))
		return -1;
	*out = (float)v;
	*pp = end;
	return v < 0.0 || v > 1.0 ? -2 : 0;
}

int anprd_roi_parse(const char *s, struct anprd_roi *roi, char *err,
		    size_t errlen)
{
	const char *p = s;

	memset(roi, 0, sizeof(*roi));
	for (;;) {
		int rc;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (roi->npoints == ANPRD_MAX_ROI_POINTS) {
			snprintf(err, errlen, "more than %d points",
				 ANPRD_MAX_ROI_POINTS);
			return -1;
		}
		rc = parse_coord(&p, &roi->x[roi->npoints]);
		if (rc == 0 && *p == ',') {
			p++;
			rc = parse_coord(&p, &roi->y[roi->npoints]);
		} else if (rc == 0) {
			rc = -1;
		}
		if (rc == 0 && *p != '\0' && *p != ' ' && *p != '\t')
			rc = -1;
		if (rc == -1) {
			snprintf(err, errlen,
				 "point %d is not 'x,y' (two numbers, e.g. "
				 "0.1,0.5)", roi->npoints + 1);
			return -1;
		}
		if (rc == -2) {
			snprintf(err, errlen,
				 "point %d is outside the frame (each "
				 "coordinate must be within 0..1)",
				 roi->npoints + 1);
			return -1;
		}
		roi->npoints++;
	}
	if (roi->npoints < 3) {
		snprintf(err, errlen,
			 "a region needs at least 3 points, got %d",
			 roi->npoints);
		return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

size_t anprd_roi_mask(const struct anprd_roi *roi, int width, int height,
		      uint8_t *mask, size_t stride)
{
	double xs[ANPRD_MAX_ROI_POINTS];
	size_t inside = 0;
	int n = roi->npoints;

	for (int y = 0; y < height; y++) {
		uint8_t *row = mask + (size_t)y * stride;
		double py = (y + 0.5) / height;
		int nx = 0;

		memset(row, 0, (size_t)width);
		/* Crossings of the scanline with each edge (half-open). */
		for (int i = 0, j = n - 1; i < n; j = i++) {
			double yi = roi->y[i], yj = roi->y[j];
			if ((yi > py) == (yj > py))
				continue;
			xs[nx++] = roi->x[i] + (py - yi) / (yj - yi) *
				   (roi->x[j] - roi->x[i]);
		}
		qsort(xs, (size_t)nx, sizeof(xs[0]), cmp_double);
		for (int k = 0; k + 1 < nx; k += 2) {
			/* pixel centres (x + 0.5) / width in [xs[k], xs[k+1]) */
			int x0 = (int)ceil(xs[k] * width - 0.5);
			int x1 = (int)ceil(xs[k + 1] * width - 0.5);
			if (x0 < 0)
				x0 = 0;
			if (x1 > width)
				x1 = width;
			for (int x = x0; x < x1; x++)
				row[x] = 255;
			if (x1 > x0)
				inside += (size_t)(x1 - x0);
		}
	}
	return inside;
}

void anprd_roi_format(const struct anprd_roi *roi, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (int i = 0; i < roi->npoints && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%g,%g",
				 i ? " " : "", roi->x[i], roi->y[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}
