// SPDX-License-Identifier: MIT
/*
 * location_tracker.c - pure logic: which location a record gets.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "location/location.h"

void anpr_loc_tracker_init(struct anpr_loc_tracker *t, uint64_t max_age_ms)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->max_age_ms = max_age_ms;
}

void anpr_loc_tracker_destroy(struct anpr_loc_tracker *t)
{
	pthread_mutex_destroy(&t->lock);
}

void anpr_loc_tracker_set_connected(struct anpr_loc_tracker *t, int connected)
{
	pthread_mutex_lock(&t->lock);
	t->connected = connected;
	if (!connected)
		t->mode = 0;	/* what gpsd said no longer holds */
	pthread_mutex_unlock(&t->lock);
}

void anpr_loc_tracker_report(struct anpr_loc_tracker *t,
			     const struct anpr_gps_report *r, uint64_t now_ns)
{
	int valid = r->mode >= 2 && isfinite(r->lat_deg) && isfinite(r->lon_deg) &&
		    fabs(r->lat_deg) <= 90.0 && fabs(r->lon_deg) <= 180.0;

	pthread_mutex_lock(&t->lock);
	t->reports++;
	/* a 2D/3D report with an impossible position is no fix at all */
	t->mode = valid ? r->mode : (r->mode >= 2 ? 1 : r->mode);
	if (valid) {
		t->fix = *r;
		t->fix_mono_ns = now_ns;
		t->have_fix = 1;
	}
	pthread_mutex_unlock(&t->lock);
}

uint64_t anpr_loc_tracker_reports(struct anpr_loc_tracker *t)
{
	uint64_t n;

	pthread_mutex_lock(&t->lock);
	n = t->reports;
	pthread_mutex_unlock(&t->lock);
	return n;
}

static void fill_from_fix(struct anpr_location *out, const struct anpr_gps_report *f)
{
	out->has_position = 1;
	out->lat_deg = f->lat_deg;
	out->lon_deg = f->lon_deg;
	out->has_altitude = f->mode >= 3 && f->has_altitude && isfinite(f->alt_m);
	out->alt_m = out->has_altitude ? f->alt_m : 0.0;
	out->eph_m = isfinite(f->eph_m) ? f->eph_m : -1.0;
	out->speed_mps = isfinite(f->speed_mps) ? f->speed_mps : -1.0;
	out->track_deg = isfinite(f->track_deg) ? f->track_deg : -1.0;
	out->satellites_used = f->satellites_used;
	out->fix_utc_ns = f->fix_utc_ns;
}

void anpr_loc_tracker_query(struct anpr_loc_tracker *t, uint64_t now_ns,
			    struct anpr_location *out)
{
	uint64_t age_ms;

	memset(out, 0, sizeof(*out));
	out->eph_m = out->speed_mps = out->track_deg = -1.0;
	out->satellites_used = -1;
	pthread_mutex_lock(&t->lock);
	age_ms = t->have_fix && now_ns >= t->fix_mono_ns ?
		 (now_ns - t->fix_mono_ns) / 1000000u : 0;
	if (t->have_fix) {
		/* the last known position travels with every status, so an
		 * examiner sees where it was - but the status says how good */
		fill_from_fix(out, &t->fix);
		out->age_ms = age_ms;
	}
	if (!t->connected)
		out->status = ANPR_LOC_GPS_NO_GPSD;
	else if (t->mode < 2)
		out->status = ANPR_LOC_GPS_NO_FIX;
	else if (age_ms > t->max_age_ms)
		out->status = ANPR_LOC_GPS_STALE;
	else
		out->status = t->fix.mode >= 3 ? ANPR_LOC_GPS_3D : ANPR_LOC_GPS_2D;
	pthread_mutex_unlock(&t->lock);
}

void anpr_location_fixed(struct anpr_location *out, double lat_deg, double lon_deg)
{
	memset(out, 0, sizeof(*out));
	out->status = ANPR_LOC_FIXED_SITE;
	out->has_position = 1;
	out->lat_deg = lat_deg;
	out->lon_deg = lon_deg;
	out->eph_m = out->speed_mps = out->track_deg = -1.0;
	out->satellites_used = -1;
}

const char *anpr_loc_status_name(enum anpr_loc_status s)
{
	switch (s) {
	case ANPR_LOC_FIXED_SITE:	return "fixed-site";
	case ANPR_LOC_GPS_3D:		return "gps-3d";
	case ANPR_LOC_GPS_2D:		return "gps-2d";
	case ANPR_LOC_GPS_NO_FIX:	return "gps-no-fix";
	case ANPR_LOC_GPS_STALE:	return "gps-stale";
	case ANPR_LOC_GPS_NO_GPSD:	return "gps-no-gpsd";
	}
	return "unknown";
}

int anpr_location_format(const struct anpr_location *loc, char *buf, size_t cap)
{
	size_t n = 0;
	int w;

#define APPEND(...) do {						\
		w = snprintf(buf + n, cap > n ? cap - n : 0, __VA_ARGS__);	\
		if (w < 0 || (size_t)w >= (cap > n ? cap - n : 0))	\
			return -1;					\
		n += (size_t)w;						\
	} while (0)

	APPEND("status=%s", anpr_loc_status_name(loc->status));
	if (loc->has_position)
		APPEND(" lat=%.6f lon=%.6f", loc->lat_deg, loc->lon_deg);
	if (loc->has_altitude)
		APPEND(" alt=%.1f", loc->alt_m);
	if (loc->eph_m >= 0)
		APPEND(" eph=%.1f", loc->eph_m);
	if (loc->status != ANPR_LOC_FIXED_SITE && loc->has_position)
		APPEND(" age_ms=%llu", (unsigned long long)loc->age_ms);
	if (loc->satellites_used >= 0)
		APPEND(" sats=%d", loc->satellites_used);
#undef APPEND
	return (int)n;
}
