// SPDX-License-Identifier: MIT
/*
 * Location tests. The tracker is tested with an injected clock; the gpsd
 * client is tested against a real gpsd reading a pseudo-terminal that this
 * test writes NMEA sentences into, as a receiver would: a 3D fix, then a
 * lost fix, then gpsd going away.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <fcntl.h>

#include "location/location.h"

#define MS 1000000ull

static struct anpr_gps_report fix3d(double lat, double lon)
{
	struct anpr_gps_report r = {
		.mode = 3, .lat_deg = lat, .lon_deg = lon, .has_altitude = 1, .alt_m = 35.0,
		.eph_m = 4.5, .speed_mps = 10.0, .track_deg = 90.0, .satellites_used = 8,
		.fix_utc_ns = 1795000000000000000ll,
	};
	return r;
}

static void never_connected_is_no_gpsd(void **state)
{
	struct anpr_loc_tracker t;
	struct anpr_location l;

	(void)state;
	anpr_loc_tracker_init(&t, 2000);
	anpr_loc_tracker_query(&t, 5 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_NO_GPSD);
	assert_false(l.has_position);
	anpr_loc_tracker_destroy(&t);
}

static void current_fix_then_stale(void **state)
{
	struct anpr_loc_tracker t;
	struct anpr_location l;
	struct anpr_gps_report r = fix3d(51.5, -0.1166667);
	char line[256];
	int n;

	(void)state;
	anpr_loc_tracker_init(&t, 2000);
	anpr_loc_tracker_set_connected(&t, 1);
	anpr_loc_tracker_query(&t, 1 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_NO_FIX);	/* connected, nothing yet */
	anpr_loc_tracker_report(&t, &r, 1000 * MS);
	anpr_loc_tracker_query(&t, 1500 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_3D);
	assert_int_equal(l.age_ms, 500);
	assert_true(fabs(l.lat_deg - 51.5) < 1e-9);
	n = anpr_location_format(&l, line, sizeof(line));
	assert_int_equal(n, strlen(line));
	assert_string_equal(line, "status=gps-3d lat=51.500000 lon=-0.116667 alt=35.0 eph=4.5 "
			    "age_ms=500 sats=8");
	/* exactly at the limit still current; one ms over is stale */
	anpr_loc_tracker_query(&t, 3000 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_3D);
	anpr_loc_tracker_query(&t, 3001 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_STALE);
	assert_true(l.has_position);			/* kept, and labelled */
	assert_int_equal(l.age_ms, 2001);
	anpr_loc_tracker_destroy(&t);
}

static void lost_fix_keeps_last_position_labelled(void **state)
{
	struct anpr_loc_tracker t;
	struct anpr_location l;
	struct anpr_gps_report r = fix3d(51.5, -0.1);
	struct anpr_gps_report lost = { .mode = 1 };
	char line[256];

	(void)state;
	anpr_loc_tracker_init(&t, 2000);
	anpr_loc_tracker_set_connected(&t, 1);
	anpr_loc_tracker_report(&t, &r, 100 * MS);
	anpr_loc_tracker_report(&t, &lost, 200 * MS);
	anpr_loc_tracker_query(&t, 300 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_NO_FIX);
	assert_true(l.has_position);
	assert_int_equal(l.age_ms, 200);
	anpr_location_format(&l, line, sizeof(line));
	assert_non_null(strstr(line, "status=gps-no-fix"));
	assert_non_null(strstr(line, "age_ms=200"));
	/* gpsd disconnects: the status says so */
	anpr_loc_tracker_set_connected(&t, 0);
	anpr_loc_tracker_query(&t, 400 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_NO_GPSD);
	anpr_loc_tracker_destroy(&t);
}

static void impossible_position_is_no_fix(void **state)
{
	struct anpr_loc_tracker t;
	struct anpr_location l;
	struct anpr_gps_report r = fix3d(NAN, 0.0);
	struct anpr_gps_report far = fix3d(91.0, 0.0);

	(void)state;
	anpr_loc_tracker_init(&t, 2000);
	anpr_loc_tracker_set_connected(&t, 1);
	anpr_loc_tracker_report(&t, &r, 1 * MS);
	anpr_loc_tracker_report(&t, &far, 2 * MS);
	anpr_loc_tracker_query(&t, 3 * MS, &l);
	assert_int_equal(l.status, ANPR_LOC_GPS_NO_FIX);
	assert_false(l.has_position);
	anpr_loc_tracker_destroy(&t);
}

static void fixed_site_and_format_bounds(void **state)
{
	struct anpr_location l;
	char small[8], line[128];
	int n;

	(void)state;
	anpr_location_fixed(&l, 53.4, -2.25);
	n = anpr_location_format(&l, line, sizeof(line));
	assert_int_equal(n, strlen(line));
	assert_string_equal(line, "status=fixed-site lat=53.400000 lon=-2.250000");
	assert_int_equal(anpr_location_format(&l, small, sizeof(small)), -1);
}

/* ---- real gpsd through gpsfake ------------------------------------------ */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Waits up to secs for pred(); returns whether it became true. */
static int wait_for(int (*pred)(struct anpr_loc_tracker *), struct anpr_loc_tracker *t,
		    int secs)
{
	for (int i = 0; i < secs * 20; i++) {
		if (pred(t))
			return 1;
		usleep(50000);
	}
	return 0;
}

static int has_3d(struct anpr_loc_tracker *t)
{
	struct anpr_location l;

	anpr_loc_tracker_query(t, mono_ns(), &l);
	return l.status == ANPR_LOC_GPS_3D;
}

static int has_no_fix(struct anpr_loc_tracker *t)
{
	struct anpr_location l;

	anpr_loc_tracker_query(t, mono_ns(), &l);
	return l.status == ANPR_LOC_GPS_NO_FIX && l.has_position;
}

static int has_no_gpsd(struct anpr_loc_tracker *t)
{
	struct anpr_location l;

	anpr_loc_tracker_query(t, mono_ns(), &l);
	return l.status == ANPR_LOC_GPS_NO_GPSD;
}

/* Writes the sentences of one second to the pty, at most every 20 ms. */
static void feed(int fd, int s, int have_fix)
{
	char b[160], line[200];
	unsigned ck;
	const char *body[3];
	char gga[160], rmc[160];

	if (have_fix) {
		snprintf(gga, sizeof(gga), "GPGGA,1200%02d.00,5130.0000,N,00007.0000,W,1,08,0.9,35.0,M,47.0,M,,",
			 s % 60);
		snprintf(rmc, sizeof(rmc), "GPRMC,1200%02d.00,A,5130.0000,N,00007.0000,W,10.0,90.0,241126,,,A",
			 s % 60);
		body[1] = "GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.8,0.9,1.5";
	} else {
		/* how receivers say "no fix": quality 0, empty positions */
		snprintf(gga, sizeof(gga), "GPGGA,1200%02d.00,,,,,0,00,99.9,,M,,M,,", s % 60);
		snprintf(rmc, sizeof(rmc), "GPRMC,1200%02d.00,V,,,,,,,241126,,,N", s % 60);
		body[1] = "GPGSA,A,1,,,,,,,,,,,,,,,";
	}
	body[0] = gga;
	body[2] = rmc;
	for (int i = 0; i < 3; i++) {
		snprintf(b, sizeof(b), "%s", body[i]);
		ck = 0;
		for (const char *q = b; *q; q++)
			ck ^= (unsigned char)*q;
		snprintf(line, sizeof(line), "$%s*%02X\r\n", b, ck);
		if (write(fd, line, strlen(line)) < 0)
			return;
	}
	usleep(20000);
}

static void gpsd_client_against_real_gpsd(void **state)
{
	char dir[] = "/tmp/anpr-gps-XXXXXX", port[16], sock[64], err[256];
	struct anpr_loc_tracker t;
	struct anpr_gpsd *g;
	struct anpr_location l;
	const char *pts;
	pid_t pid;
	int master, status, s = 0;

	(void)state;
	if (access("/usr/sbin/gpsd", X_OK))
		fail_msg("gpsd missing: scripts/install-deps installs it");
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/gpsd.sock", dir);
	/* the receiver: a pseudo-terminal that this test writes NMEA into */
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	pts = ptsname(master);
	assert_non_null(pts);

	srand((unsigned)(mono_ns() ^ (uint64_t)getpid()));
	snprintf(port, sizeof(port), "%d", 30000 + rand() % 20000);
	anpr_loc_tracker_init(&t, 2000);
	assert_int_equal(anpr_gpsd_start(&g, "127.0.0.1", port, &t, 100, NULL, err,
					 sizeof(err)), 0);
	usleep(300000);
	assert_true(has_no_gpsd(&t));	/* nothing listens yet */

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		/* -N foreground, -n poll the device without waiting for a client,
		 * -b read-only (never reconfigure the "receiver") */
		execl("/usr/sbin/gpsd", "gpsd", "-N", "-n", "-b", "-S", port, "-F", sock, pts,
		      (char *)NULL);
		_exit(127);
	}
	for (s = 0; s < 200 && !has_3d(&t); s++)
		feed(master, s, 1);
	assert_true(has_3d(&t));
	anpr_loc_tracker_query(&t, mono_ns(), &l);
	print_message("# gpsd fix after %d s of NMEA: %s, lat %.6f lon %.6f\n", s,
		      anpr_loc_status_name(l.status), l.lat_deg, l.lon_deg);
	assert_true(fabs(l.lat_deg - 51.5) < 1e-6);
	assert_true(fabs(l.lon_deg + 7.0 / 60.0) < 1e-6);
	assert_true(l.age_ms < 2000);
	/* the fix is lost: recorded as lost, with the last position and its age */
	for (s = 0; s < 200 && !has_no_fix(&t); s++)
		feed(master, 100 + s, 0);
	assert_true(has_no_fix(&t));
	/* gpsd goes away: the client says so (and would reconnect) */
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	assert_true(wait_for(has_no_gpsd, &t, 10));
	anpr_gpsd_stop(g);
	anpr_loc_tracker_destroy(&t);
	close(master);
	unlink(sock);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_connected_is_no_gpsd),
		cmocka_unit_test(current_fix_then_stale),
		cmocka_unit_test(lost_fix_keeps_last_position_labelled),
		cmocka_unit_test(impossible_position_is_no_fix),
		cmocka_unit_test(fixed_site_and_format_bounds),
		cmocka_unit_test(gpsd_client_against_real_gpsd),
	};

	return cmocka_run_group_tests_name("location", tests, NULL, NULL);
}
