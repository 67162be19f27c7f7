// SPDX-License-Identifier: MIT
/*
 * anpr-alerts - the in-car (or any terminal's) view of anprd's alerts:
 * connects to anprd's alert socket (docs/alerts.md), shows each alert once
 * as a line a person reads at a glance, rings the terminal's bell for a
 * hit, and reconnects on its own when anprd restarts or the connection
 * drops. It talks only to the camera host's anprd, so it works with the
 * back office unreachable. On (re)connecting, anprd replays its last 64
 * alerts (its backlog); those already shown are skipped, so a reconnect
 * shows what was missed and nothing twice.
 *
 *   anpr-alerts [--socket PATH] [--json] [--no-bell] [--max-alerts N]
 *
 * --json passes each alert's line through as anprd sent it (once; lines
 * that are not alerts of ALERT_SCHEMA are said on stderr and dropped).
 *
 * Exit status: 0 after --max-alerts alerts (or at SIGINT/SIGTERM), 2 for
 * a usage error. Everything a person sees from an alert passes through
 * ev_safe_text: a hostile hotlist reason cannot drive the terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/alert_feed.h"
#include "core/anprd_formats.h"
#include "evidence/evidence_verify.h"

_Static_assert(ALERT_FEED_LINE_MAX == ALERT_LINE_MAX, "the feed takes anprd's longest line");

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A member's text made safe to print ("-" when absent). */
static const char *text(json_t *o, const char *key, char *buf, size_t cap)
{
	const char *s = json_string_value(json_object_get(o, key));

	ev_safe_text(buf, cap, s && *s ? s : "-");
	return buf;
}

/* HH:MM:SS of an ISO 8601 time, or the whole text if it is not one. */
static const char *clock_of(const char *iso)
{
	static char hms[9];

	if (strlen(iso) >= 19 && iso[10] == 'T') {
		memcpy(hms, iso + 11, 8);
		hms[8] = '\0';
		return hms;
	}
	return iso;
}

static void show_hit(json_t *a, const char *kind, bool bell)
{
	json_t *m = json_object_get(a, "match");
	char vrm[64], mvrm[64], list[96], reason[400], action[32], when[64];
	char source[96], record[160], detail[400];
	json_int_t prio = json_integer_value(json_object_get(m, "priority"));
	json_int_t dist = json_integer_value(json_object_get(m, "distance"));
	double conf = json_number_value(json_object_get(a, "confidence"));

	text(a, "vrm", vrm, sizeof vrm);
	text(m, "vrm", mvrm, sizeof mvrm);
	text(m, "list", list, sizeof list);
	text(m, "reason", reason, sizeof reason);
	text(m, "action", action, sizeof action);
	text(a, "time", when, sizeof when);
	text(a, "source", source, sizeof source);
	text(a, "record", record, sizeof record);
	if (strcmp(kind, "hit-record") == 0) {
		text(a, "detail", detail, sizeof detail);
		if (json_is_string(json_object_get(a, "record")))
			printf("         record of the hit on %s: %s (read %s, confidence %.2f)\n",
			       mvrm, record, vrm, conf);
		else
			printf("         NO RECORD for the hit on %s: %s\n", mvrm, detail);
		return;
	}
	for (char *p = action; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	printf("%s%s %s  %s", bell ? "\a" : "",
	       strcmp(kind, "hit") == 0 ? "HIT " : "SEEN", action, mvrm);
	if (dist > 0 || strcmp(vrm, mvrm) != 0)
		printf(" (read %s%s)", vrm, dist > 0 ? ", look-alike" : "");
	printf("  %s p%d: %s\n", list, (int)prio, reason);
	printf("         %s %s  camera %s source %s  confidence %.2f  %s\n",
	       strcmp(kind, "hit") == 0 ? "at" : "earlier, at", clock_of(when),
	       text(a, "camera", detail, sizeof detail), source, conf,
	       strcmp(kind, "hit") == 0 ? "record to follow" : record);
}

/* One alert line as a person reads it, or (json) as it came; 0, or -1 if
 * it is not an alert (not a JSON object of the schema with a kind). */
static int show(const char *line, size_t len, bool bell, bool json)
{
	json_error_t jerr;
	json_t *a = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *kind = json_string_value(json_object_get(a, "kind"));
	const char *schema = json_string_value(json_object_get(a, "schema"));
	char when[64], state[64], detail[400];

	if (!a || !json_is_object(a) || !kind || !schema ||
	    strcmp(schema, ALERT_SCHEMA) != 0) {
		json_decref(a);
		return -1;
	}
	if (json) {
		fwrite(line, 1, len, stdout);
	} else if (strncmp(kind, "hit", 3) == 0) {
		show_hit(a, kind, bell);
	} else if (strcmp(kind, "unreadable") == 0) {
		/* a plate found but not read: no hit, nobody to send */
		json_t *ev = json_object_get(a, "evidence");

		printf("UNREAD   %s %s: a plate not read (%s), vehicle %lld, evidence %.2f: %s\n",
		       clock_of(text(a, "time", when, sizeof when)),
		       text(a, "source", state, sizeof state),
		       text(a, "why", detail, 200),
		       (long long)json_integer_value(json_object_get(a, "vehicle")),
		       json_is_number(ev) ? json_number_value(ev) : 0.0,
		       text(a, "detail", detail + 200, sizeof detail - 200));
	} else if (strcmp(kind, "health") == 0) {
		printf("camera   %s %s %s: %s\n", clock_of(text(a, "time", when, sizeof when)),
		       text(a, "state", state, sizeof state),
		       json_is_true(json_object_get(a, "active")) ? "RAISED" : "cleared",
		       text(a, "detail", detail, sizeof detail));
	} else {
		printf("info     %s %s\n", clock_of(text(a, "time", when, sizeof when)),
		       text(a, "detail", detail, sizeof detail));
	}
	json_decref(a);
	fflush(stdout);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: anpr-alerts [--socket PATH] [--json] [--no-bell] [--max-alerts N]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-bell", no_argument, NULL, 'b' },
		{ "max-alerts", required_argument, NULL, 'm' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = ALERT_SOCK_PATH;
	bool json = false, bell = true;
	long max_alerts = 0, shown = 0;
	static struct alert_feed feed;
	int o;
	char *end;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's': path = optarg; break;
		case 'j': json = true; break;
		case 'b': bell = false; break;
		case 'm':
			errno = 0;
			max_alerts = strtol(optarg, &end, 10);
			if (errno || *end || max_alerts < 1) {
				fprintf(stderr, "anpr-alerts: --max-alerts '%s': not a number "
					"from 1\n", optarg);
				return 2;
			}
			break;
		case 'V':
			printf("%s %s\n", "anpr-alerts", ANPR_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (alert_feed_init(&feed, path) != 0) {
		fprintf(stderr, "anpr-alerts: --socket '%s': too long for a UNIX socket\n", path);
		return 2;
	}
	while (!max_alerts || shown < max_alerts) {
		const char *line;
		size_t len;
		char why[128];
		enum alert_feed_event e = alert_feed_next(&feed, 500, &stop, &line, &len,
							  why, sizeof why);

		if (e == ALERT_FEED_STOPPED)
			break;
		switch (e) {
		case ALERT_FEED_LINE:
			if (show(line, len, bell, json) == 0)
				shown++;
			else
				fprintf(stderr, "anpr-alerts: a line of %zu bytes that is not "
					"an alert, skipped\n", len);
			break;
		case ALERT_FEED_DOWN:	/* said once an outage, not once a try */
			fprintf(stderr, "anpr-alerts: %s: %s; retrying until anprd is back\n",
				path, why);
			break;
		case ALERT_FEED_UP:
			if (feed.after_down || feed.again)
				fprintf(stderr, "anpr-alerts: connected to %s%s\n", path,
					feed.again ? " again (alerts missed meanwhile follow, "
					"if anprd still has them)" : "");
			break;
		case ALERT_FEED_LOST:
			fprintf(stderr, "anpr-alerts: the connection to anprd was lost (%s); "
				"reconnecting\n", why);
			break;
		case ALERT_FEED_TOO_LONG:
			fprintf(stderr, "anpr-alerts: a line over %d bytes, not an alert: "
				"reconnecting\n", ALERT_LINE_MAX);
			break;
		default:
			break;
		}
	}
	alert_feed_close(&feed);
	return 0;
}
