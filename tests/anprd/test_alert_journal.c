// SPDX-License-Identifier: MIT
/*
 * test_alert_journal.c - the journal output, checked on the wire: in a
 * private mount namespace a tmpfs over /run carries our own datagram
 * socket at /run/systemd/journal/socket, where sd_journal_send() delivers
 * its native-protocol message; the test reads and parses it. Needs
 * CAP_SYS_ADMIN (root, as CI runs); without it the tests are skipped and
 * say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alert_out.h"

#define JSOCK "/run/systemd/journal/socket"

static int jfd = -1;
static char why[256];

static int setup(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	(void)state;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755")) {
		snprintf(why, sizeof(why), "private /run not possible: %s",
			 strerror(errno));
		return 0;
	}
	if (mkdir("/run/systemd", 0755) ||
	    mkdir("/run/systemd/journal", 0755)) {
		snprintf(why, sizeof(why), "mkdir: %s", strerror(errno));
		return -1;
	}
	strcpy(sa.sun_path, JSOCK);
	jfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (jfd < 0 || bind(jfd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(why, sizeof(why), "bind %s: %s", JSOCK, strerror(errno));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (jfd >= 0)
		close(jfd);
	return 0;
}

/* Receive one datagram and return the value of field key (or NULL). */
static char msg[65536];
static ssize_t msglen;

static int receive(void)
{
	struct pollfd p = {jfd, POLLIN, 0};

	if (poll(&p, 1, 2000) != 1)
		return -1;
	msglen = recv(jfd, msg, sizeof(msg) - 1, 0);
	if (msglen <= 0)
		return -1;
	msg[msglen] = '\0';
	return 0;
}

static const char *field(const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key);

	for (char *p = msg; p < msg + msglen;) {
		char *nl = memchr(p, '\n', (size_t)(msg + msglen - p));
		if (!nl)
			break;
		if ((size_t)(nl - p) > kl && strncmp(p, key, kl) == 0 &&
		    p[kl] == '=') {
			snprintf(out, outlen, "%.*s", (int)(nl - p - kl - 1),
				 p + kl + 1);
			return out;
		}
		p = nl + 1;
	}
	return NULL;
}

static void test_hit_entry(void **state)
{
	struct alert a;
	char err[256], v[512];
	(void)state;

	if (jfd < 0)
		skip();
	memset(&a, 0, sizeof(a));
	a.kind = ALERT_HIT;
	a.seq = 12;
	strcpy(a.camera, "CAM-0001");
	strcpy(a.source, "front");
	strcpy(a.vrm, "A812CDE");
	strcpy(a.entry_vrm, "AB12CDE");
	strcpy(a.list, "PNC");
	strcpy(a.reason, "Stolen vehicle");
	a.priority = 1;
	a.action = HOTLIST_ACT_INTERCEPT;
	a.distance = 1;
	a.vehicle = 4;
	strcpy(a.record, "CAM-0001-0123456789ABCDEF-77");
	assert_int_equal(alert_journal_send(&a, err, sizeof(err)), 0);
	assert_int_equal(receive(), 0);
	assert_string_equal(field("MESSAGE", v, sizeof(v)),
			    "ANPR hit: A812CDE matches AB12CDE on list PNC "
			    "(intercept, look-alike, priority 1): Stolen vehicle");
	assert_string_equal(field("PRIORITY", v, sizeof(v)), "2");
	assert_string_equal(field("SYSLOG_IDENTIFIER", v, sizeof(v)), "anprd");
	assert_string_equal(field("ANPR_ALERT", v, sizeof(v)), "hit");
	assert_string_equal(field("ANPR_SEQ", v, sizeof(v)), "12");
	assert_string_equal(field("ANPR_VRM", v, sizeof(v)), "A812CDE");
	assert_string_equal(field("ANPR_MATCH_VRM", v, sizeof(v)), "AB12CDE");
	assert_string_equal(field("ANPR_LIST", v, sizeof(v)), "PNC");
	assert_string_equal(field("ANPR_DISTANCE", v, sizeof(v)), "1");
	assert_string_equal(field("ANPR_RECORD", v, sizeof(v)), "CAM-0001-0123456789ABCDEF-77");
	assert_string_equal(field("ANPR_VEHICLE", v, sizeof(v)), "4");
	/* no location field of any kind */
	assert_null(strstr(msg, "LAT"));
	assert_null(strstr(msg, "LON"));
}

/* A live hit's follow-up: the record that proves it, or why there is none
 * (an error: the officer must hear that the evidence failed). */
static void test_hit_record_entry(void **state)
{
	struct alert a;
	char err[256], v[512];
	(void)state;

	if (jfd < 0)
		skip();
	memset(&a, 0, sizeof(a));
	a.kind = ALERT_HIT_RECORD;
	a.seq = 13;
	a.hit_seq = 12;
	a.vehicle = 4;
	strcpy(a.camera, "CAM-0001");
	strcpy(a.source, "front");
	strcpy(a.vrm, "AB12CDE");
	strcpy(a.entry_vrm, "AB12CDE");
	strcpy(a.list, "PNC");
	a.action = HOTLIST_ACT_INTERCEPT;
	strcpy(a.record, "CAM-0001-0123456789ABCDEF-77");
	assert_int_equal(alert_journal_priority(&a), 5);
	assert_int_equal(alert_journal_send(&a, err, sizeof(err)), 0);
	assert_int_equal(receive(), 0);
	assert_string_equal(field("MESSAGE", v, sizeof(v)),
			    "ANPR hit-record: alert 12 (AB12CDE, vehicle 4): "
			    "record CAM-0001-0123456789ABCDEF-77");
	assert_string_equal(field("ANPR_ALERT", v, sizeof(v)), "hit-record");
	assert_string_equal(field("ANPR_HIT_SEQ", v, sizeof(v)), "12");
	assert_string_equal(field("ANPR_RECORD", v, sizeof(v)), "CAM-0001-0123456789ABCDEF-77");
	assert_string_equal(field("PRIORITY", v, sizeof(v)), "5");
	a.record[0] = '\0';
	strcpy(a.detail, "the evidence writer's queue was full");
	assert_int_equal(alert_journal_send(&a, err, sizeof(err)), 0);
	assert_int_equal(receive(), 0);
	assert_string_equal(field("MESSAGE", v, sizeof(v)),
			    "ANPR hit-record: alert 12 (AB12CDE, vehicle 4): NO RECORD: "
			    "the evidence writer's queue was full");
	assert_string_equal(field("PRIORITY", v, sizeof(v)), "3");
}

static void test_health_entry(void **state)
{
	struct alert a;
	char err[256], v[512];
	(void)state;

	if (jfd < 0)
		skip();
	memset(&a, 0, sizeof(a));
	a.kind = ALERT_HEALTH;
	strcpy(a.camera, "CAM-0001");
	strcpy(a.source, "rear");
	strcpy(a.state, "frozen");
	strcpy(a.detail, "no change for 12 s");
	a.active = 1;
	assert_int_equal(alert_journal_priority(&a), 4);
	assert_int_equal(alert_journal_send(&a, err, sizeof(err)), 0);
	assert_int_equal(receive(), 0);
	assert_string_equal(field("MESSAGE", v, sizeof(v)),
			    "ANPR health: frozen no change for 12 s");
	assert_string_equal(field("ANPR_STATE", v, sizeof(v)), "frozen");
	assert_string_equal(field("ANPR_SOURCE", v, sizeof(v)), "rear");
	assert_string_equal(field("PRIORITY", v, sizeof(v)), "4");
	a.active = 0;
	assert_int_equal(alert_journal_priority(&a), 5);
}

static void test_unreadable_entry(void **state)
{
	struct alert a;
	char err[256], v[512];
	(void)state;

	if (jfd < 0)
		skip();
	memset(&a, 0, sizeof(a));
	a.kind = ALERT_UNREADABLE;
	strcpy(a.camera, "CAM-0001");
	strcpy(a.source, "rear");
	strcpy(a.state, "not-read");
	strcpy(a.detail, "a plate found in 5 frames of the vehicle's pass, read in none");
	a.vehicle = 3;
	assert_int_equal(alert_journal_priority(&a), 5);
	assert_int_equal(alert_journal_send(&a, err, sizeof(err)), 0);
	assert_int_equal(receive(), 0);
	assert_string_equal(field("MESSAGE", v, sizeof(v)),
			    "ANPR unreadable: a plate found, not read (not-read), vehicle 3: "
			    "a plate found in 5 frames of the vehicle's pass, read in none");
	assert_string_equal(field("ANPR_ALERT", v, sizeof(v)), "unreadable");
	assert_string_equal(field("ANPR_UNREADABLE", v, sizeof(v)), "not-read");
	assert_string_equal(field("ANPR_VEHICLE", v, sizeof(v)), "3");
	assert_string_equal(field("PRIORITY", v, sizeof(v)), "5");
}

/* No journal listening: libsystemd drops the entry silently (its
 * documented behaviour, so that logging never fails a program), and so
 * the output reports success and keeps going. */
static void test_no_journal(void **state)
{
	struct alert a;
	char err[256];
	(void)state;

	if (jfd < 0)
		skip();
	unlink(JSOCK);
	memset(&a, 0, sizeof(a));
	a.kind = ALERT_INFO;
	strcpy(a.detail, "x");
	assert_int_equal(alert_journal_send(&a, err, sizeof(err)), 0);
	assert_int_equal(recv(jfd, msg, sizeof(msg), MSG_DONTWAIT), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_entry),
		cmocka_unit_test(test_hit_record_entry),
		cmocka_unit_test(test_health_entry),
		cmocka_unit_test(test_unreadable_entry),
		cmocka_unit_test(test_no_journal),
	};
	int rc = cmocka_run_group_tests_name("anprd alert journal", tests,
					     setup, teardown);
	if (why[0])
		fprintf(stderr, "# %s\n", why);
	return rc;
}
