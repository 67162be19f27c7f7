// SPDX-License-Identifier: MIT
/*
 * anpr-incar - the in-car page (issue 23 item 3; docs/incar.md,
 * anpr-incar(8)): serves, on the mobile camera host, a page that shows
 * the car's own hits from anprd's alert socket at once, with the plate
 * patch from the local spool and a sound. It talks only to this host's
 * anprd: it works with the back office unreachable.
 *
 *   anpr-incar [--socket PATH] [--spool DIR] [--listen ADDR:PORT]
 *              [--www DIR] [--allow-host HOST[,HOST...]]
 *
 * main is the steps: the options; the listener; ready; the feed from
 * anprd until SIGTERM or SIGINT; stop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <systemd/sd-daemon.h>

#include "common/alert_feed.h"
#include "core/anprd_formats.h"
#include "incar/incar.h"

_Static_assert(ALERT_FEED_LINE_MAX == ALERT_LINE_MAX, "the feed takes anprd's longest line");

#define SPOOL_DEFAULT	"/var/lib/anpr/spool"
#define WWW_DEFAULT	"/usr/share/anpr/incar"
#define LISTEN_DEFAULT	"127.0.0.1:8088"

/* The settings, from the command line only: one mapping, here. */
struct options {
	const char *socket, *spool, *www, *hosts;
	char addr[64];
	unsigned port;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: anpr-incar [--socket PATH] [--spool DIR] [--listen ADDR:PORT] "
		"[--www DIR] [--allow-host HOST[,HOST...]]\n");
}

/* ADDR:PORT, [V6ADDR]:PORT; 0 or -1. */
static int parse_listen(const char *s, struct options *o)
{
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t alen;

	if (!colon)
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '\0' || port > 65535)
		return -1;
	alen = (size_t)(colon - s);
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		s++;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof o->addr)
		return -1;
	memcpy(o->addr, s, alen);
	o->addr[alen] = '\0';
	o->port = (unsigned)port;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "spool", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "www", required_argument, NULL, 'w' },
		{ "allow-host", required_argument, NULL, 'a' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ .socket = ALERT_SOCK_PATH, .spool = SPOOL_DEFAULT,
			       .www = WWW_DEFAULT };
	parse_listen(LISTEN_DEFAULT, o);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'p': o->spool = optarg; break;
		case 'w': o->www = optarg; break;
		case 'a': o->hosts = optarg; break;
		case 'l':
			if (parse_listen(optarg, o) != 0) {
				fprintf(stderr, "anpr-incar: --listen '%s': not ADDR:PORT "
					"(e.g. 127.0.0.1:8088, [::1]:8088)\n", optarg);
				return 2;
			}
			break;
		case 'V':
			printf("anpr-incar %s\n", ANPR_VERSION);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

/* A line from anprd that is an alert of the schema: given to the page. */
static void take_line(const char *line, size_t len)
{
	json_error_t jerr;
	json_t *a = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *schema = json_string_value(json_object_get(a, "schema"));
	const char *kind = json_string_value(json_object_get(a, "kind"));

	if (json_is_object(a) && schema && kind && strcmp(schema, ALERT_SCHEMA) == 0)
		incar_events_alert(line, len);
	else
		fprintf(stderr, "anpr-incar: a line of %zu bytes from anprd that is not an "
			"%s alert, skipped\n", len, ALERT_SCHEMA);
	json_decref(a);
}

/* anprd's alerts to the page until stopped; its state as it changes. */
static void feed(const struct options *o)
{
	static struct alert_feed f;

	if (alert_feed_init(&f, o->socket) != 0) {
		fprintf(stderr, "anpr-incar: --socket '%s': too long for a UNIX socket\n",
			o->socket);
		return;
	}
	incar_events_anprd(false, "not connected yet");
	for (;;) {
		const char *line;
		size_t len;
		char why[160], msg[256];
		enum alert_feed_event e = alert_feed_next(&f, 500, &stop, &line, &len,
							  why, sizeof why);

		if (e == ALERT_FEED_STOPPED)
			break;
		switch (e) {
		case ALERT_FEED_LINE:
			take_line(line, len);
			break;
		case ALERT_FEED_DOWN:
			fprintf(stderr, "anpr-incar: %s: %s; waiting for anprd\n", o->socket, why);
			snprintf(msg, sizeof msg, "anprd is not running (%s)", why);
			incar_events_anprd(false, msg);
			break;
		case ALERT_FEED_UP:
			fprintf(stderr, "anpr-incar: connected to %s%s\n", o->socket,
				f.again ? " again" : "");
			incar_events_anprd(true, NULL);
			break;
		case ALERT_FEED_LOST:
			fprintf(stderr, "anpr-incar: the connection to anprd was lost (%s)\n", why);
			snprintf(msg, sizeof msg, "the connection to anprd was lost (%s)", why);
			incar_events_anprd(false, msg);
			break;
		case ALERT_FEED_TOO_LONG:
			fprintf(stderr, "anpr-incar: a line over %d bytes from anprd: reconnecting\n",
				ALERT_LINE_MAX);
			incar_events_anprd(false, "a line from anprd was too long; reconnecting");
			break;
		default:
			break;
		}
	}
	alert_feed_close(&f);
}

int main(int argc, char **argv)
{
	struct options o;
	struct incar_http_conf hc;
	char err[512];
	int rc = parse_options(argc, argv, &o);

	if (rc)
		return rc == 1 ? 0 : 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	hc = (struct incar_http_conf){ .addr = o.addr, .port = o.port, .www = o.www,
				       .spool = o.spool, .hosts = o.hosts };
	if (incar_http_start(&hc, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-incar: %s\n", err);
		return 1;
	}
	fprintf(stderr, "anpr-incar: the page is at http://%s%s%s:%u/ (alerts from %s, "
		"plate patches from %s)\n", strchr(o.addr, ':') ? "[" : "", o.addr,
		strchr(o.addr, ':') ? "]" : "", incar_http_port(), o.socket, o.spool);
	sd_notify(0, "READY=1");
	feed(&o);
	sd_notify(0, "STOPPING=1");
	incar_http_stop();
	return 0;
}
