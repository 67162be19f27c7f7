// SPDX-License-Identifier: MIT
/*
 * location_gpsd.c - a gpsd client thread (libgps, JSON watch) feeding an
 * anpr_loc_tracker. gpsd going away is not an error for the daemon: the
 * tracker says "no gpsd" and the thread reconnects.
 */
#include <errno.h>
#include <gps.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "location/location.h"

struct anpr_gpsd {
	pthread_t thread;
	atomic_int stop;
	char host[256];
	char port[16];
	unsigned retry_ms;
	struct anpr_loc_tracker *tracker;
	uint64_t (*now)(void);
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double or_unknown(double v)
{
	return isfinite(v) ? v : -1.0;
}

static void report_tpv(struct anpr_gpsd *g, const struct gps_data_t *d)
{
	struct anpr_gps_report r;

	memset(&r, 0, sizeof(r));
	r.mode = d->fix.mode;
	r.lat_deg = d->fix.latitude;
	r.lon_deg = d->fix.longitude;
	r.has_altitude = d->fix.mode >= MODE_3D && isfinite(d->fix.altMSL);
	r.alt_m = r.has_altitude ? d->fix.altMSL : 0.0;
	r.eph_m = or_unknown(d->fix.eph);
	r.speed_mps = or_unknown(d->fix.speed);
	r.track_deg = or_unknown(d->fix.track);
	r.satellites_used = d->satellites_used > 0 ? d->satellites_used : -1;
	r.fix_utc_ns = (int64_t)d->fix.time.tv_sec * 1000000000 + d->fix.time.tv_nsec;
	anpr_loc_tracker_report(g->tracker, &r, g->now());
}

static void *gpsd_thread(void *arg)
{
	struct anpr_gpsd *g = arg;
	struct gps_data_t data;

	while (!atomic_load(&g->stop)) {
		memset(&data, 0, sizeof(data));
		if (gps_open(g->host, g->port, &data) != 0) {
			anpr_loc_tracker_set_connected(g->tracker, 0);
			anpr_sleep_ms(g->retry_ms, NULL);
			continue;
		}
		gps_stream(&data, WATCH_ENABLE | WATCH_JSON, NULL);
		anpr_loc_tracker_set_connected(g->tracker, 1);
		while (!atomic_load(&g->stop)) {
			if (!gps_waiting(&data, 200000))	/* 200 ms: notice stop */
				continue;
			errno = 0;
			if (gps_read(&data, NULL, 0) < 0)
				break;	/* gpsd went away */
			if (data.set & MODE_SET)
				report_tpv(g, &data);
			data.set = 0;
		}
		gps_stream(&data, WATCH_DISABLE, NULL);
		gps_close(&data);
		anpr_loc_tracker_set_connected(g->tracker, 0);
		if (!atomic_load(&g->stop))
			anpr_sleep_ms(g->retry_ms, NULL);
	}
	return NULL;
}

int anpr_gpsd_start(struct anpr_gpsd **out, const char *host, const char *port,
		    struct anpr_loc_tracker *t, unsigned retry_ms,
		    uint64_t (*now)(void), char *err, size_t errlen)
{
	struct anpr_gpsd *g;
	int rc;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "gpsd: out of memory");
		return -ENOMEM;
	}
	snprintf(g->host, sizeof(g->host), "%s", host ? host : "localhost");
	snprintf(g->port, sizeof(g->port), "%s", port ? port : DEFAULT_GPSD_PORT);
	g->retry_ms = retry_ms ? retry_ms : 1000;
	g->tracker = t;
	g->now = now ? now : mono_ns;
	rc = pthread_create(&g->thread, NULL, gpsd_thread, g);
	if (rc) {
		snprintf(err, errlen, "gpsd %s:%s: cannot start client thread: %s",
			 g->host, g->port, strerror(rc));
		free(g);
		return -rc;
	}
	*out = g;
	return 0;
}

void anpr_gpsd_stop(struct anpr_gpsd *g)
{
	if (!g)
		return;
	atomic_store(&g->stop, 1);
	pthread_join(g->thread, NULL);
	free(g);
}
