/* SPDX-License-Identifier: MIT */
/*
 * location.h - where a read was made: a configured fixed site, or the fix
 * of an in-vehicle camera's GPS (through gpsd).
 *
 * The rule this module exists for: a lost or old fix is recorded as lost or
 * old, with its age, and never passed off as the current position. The
 * tracker is pure logic (the caller supplies the monotonic time); the gpsd
 * client feeds it from a thread of its own.
 */
#ifndef ANPR_LOCATION_H
#define ANPR_LOCATION_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum anpr_loc_status {
	ANPR_LOC_FIXED_SITE = 0,	/* configured position of a fixed camera */
	ANPR_LOC_GPS_3D,		/* current GPS fix with altitude */
	ANPR_LOC_GPS_2D,		/* current GPS fix, no altitude */
	ANPR_LOC_GPS_NO_FIX,		/* gpsd reports no fix (or none yet) */
	ANPR_LOC_GPS_STALE,		/* last fix older than the allowed age */
	ANPR_LOC_GPS_NO_GPSD,		/* not connected to gpsd */
};

/* What one record says about its location. */
struct anpr_location {
	enum anpr_loc_status status;
	int has_position;		/* lat/lon meaningful (current or stale) */
	double lat_deg, lon_deg;	/* WGS84 */
	int has_altitude;
	double alt_m;			/* above mean sea level */
	double eph_m;			/* horizontal error estimate; < 0: unknown */
	double speed_mps;		/* < 0: unknown */
	double track_deg;		/* course over ground; < 0: unknown */
	int satellites_used;		/* < 0: unknown */
	int64_t fix_utc_ns;		/* the receiver's time of the fix; 0: unknown */
	uint64_t age_ms;		/* how old the fix was when queried */
};

/* One report from gpsd (a TPV), already decoded. */
struct anpr_gps_report {
	int mode;			/* 0 not seen, 1 no fix, 2 2D, 3 3D */
	double lat_deg, lon_deg;	/* valid for mode >= 2 */
	int has_altitude;
	double alt_m;
	double eph_m, speed_mps, track_deg;	/* < 0: unknown */
	int satellites_used;		/* < 0: unknown */
	int64_t fix_utc_ns;
};

/**
 * struct anpr_loc_tracker - the latest GPS knowledge, shared between the
 * gpsd thread (writer) and the pipeline (readers).
 * @lock:       protects every field below it.
 * @max_age_ms: a fix older than this is reported as stale.
 */
struct anpr_loc_tracker {
	pthread_mutex_t lock;
	uint64_t max_age_ms;
	int connected;			/* to gpsd */
	int mode;			/* of the latest report */
	int have_fix;			/* a 2D/3D fix was ever seen */
	struct anpr_gps_report fix;	/* the latest 2D/3D fix */
	uint64_t fix_mono_ns;		/* when it arrived */
	uint64_t reports;		/* TPV reports seen */
};

void anpr_loc_tracker_init(struct anpr_loc_tracker *t, uint64_t max_age_ms);
void anpr_loc_tracker_destroy(struct anpr_loc_tracker *t);
void anpr_loc_tracker_set_connected(struct anpr_loc_tracker *t, int connected);
/* anpr_loc_tracker_report - a TPV from gpsd, received at now_ns (monotonic). */
void anpr_loc_tracker_report(struct anpr_loc_tracker *t,
			     const struct anpr_gps_report *r, uint64_t now_ns);
/* anpr_loc_tracker_query - the location to record for a frame taken at now_ns. */
void anpr_loc_tracker_query(struct anpr_loc_tracker *t, uint64_t now_ns,
			    struct anpr_location *out);
uint64_t anpr_loc_tracker_reports(struct anpr_loc_tracker *t);

/* anpr_location_fixed - a fixed site's configured position. */
void anpr_location_fixed(struct anpr_location *out, double lat_deg, double lon_deg);

/* Short stable name of a status, as written into records ("gps-3d", ...). */
const char *anpr_loc_status_name(enum anpr_loc_status s);

/*
 * anpr_location_format - one canonical line for a record, e.g.
 * "status=gps-3d lat=51.500000 lon=-0.116667 alt=35.0 eph=4.5 age_ms=120
 * sats=8". Returns the length, or -1 if cap is too small.
 */
int anpr_location_format(const struct anpr_location *loc, char *buf, size_t cap);

/* ---- gpsd client ------------------------------------------------------ */

struct anpr_gpsd;

/*
 * anpr_gpsd_start - connect to gpsd at host:port (NULL: localhost:2947) in
 * a background thread that feeds @t, reconnecting every @retry_ms while
 * gpsd is away. @now returns CLOCK_MONOTONIC ns (NULL: the real clock).
 */
int anpr_gpsd_start(struct anpr_gpsd **out, const char *host, const char *port,
		    struct anpr_loc_tracker *t, unsigned retry_ms,
		    uint64_t (*now)(void), char *err, size_t errlen);
void anpr_gpsd_stop(struct anpr_gpsd *g);

#ifdef __cplusplus
}
#endif
#endif /* ANPR_LOCATION_H */
