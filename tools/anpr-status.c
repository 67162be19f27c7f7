// SPDX-License-Identifier: MIT
/*
 * anpr-status - what an operator needs to know at 3 a.m., in one screen:
 * frames, drops, reads, hits, spool backlog, upload lag, clock sync and
 * camera health, from the status files anprd and anpr-upload write every
 * second (docs/anprd.md, docs/upload-protocol.md).
 *
 *   anpr-status [--dir /run/anpr] [--json]
 *
 * Exit status (monitoring-friendly): 0 all well, 1 something needs
 * attention (listed), 2 no status at all (anprd not running?).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define STALE_S		10	/* a status older than this: the daemon is stuck */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(65536);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The text right after "key": in a JSON object we wrote ourselves. */
static const char *after_key(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = json ? strstr(json, pat) : NULL;
	return p ? p + strlen(pat) : NULL;
}

static double num(const char *json, const char *key, double dflt)
{
	const char *p = after_key(json, key);

	return p ? strtod(p, NULL) : dflt;
}

static int boolean(const char *json, const char *key)
{
	const char *p = after_key(json, key);

	return p && strncmp(p, "true", 4) == 0;
}

static void str(const char *json, const char *key, char *out, size_t cap)
{
	const char *p = after_key(json, key);
	size_t n = 0;

	out[0] = '\0';
	if (!p || *p != '"')
		return;
	for (p++; *p && *p != '"' && n + 1 < cap; p++) {
		if (*p == '\\' && p[1])
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
}

static double age_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? difftime(time(NULL), st.st_mtime) : -1;
}

/* the plural's s, for counts in sentences */
#define PL(n) ((n) == 1 ? "" : "s")

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = getenv("RUNTIME_DIRECTORY") ? getenv("RUNTIME_DIRECTORY") : "/run/anpr";
	char path_d[512], path_u[512], camera[64], last_error[1024], warn[4096] = "";
	char *d, *u;
	int json = 0, c, nwarn = 0;
	FILE *out;
	double age_d, age_u;
	const char *src;

	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'V':
			printf("%s %s\n", "anpr-status", ANPR_VERSION);
			return 0;
		default:
			fprintf(c == 'h' ? stdout : stderr, "usage: anpr-status [--dir DIR] [--json]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	snprintf(path_d, sizeof(path_d), "%s/status.json", dir);
	snprintf(path_u, sizeof(path_u), "%s/upload-status.json", dir);
	d = slurp(path_d);
	u = slurp(path_u);
	if (!d) {
		fprintf(stderr, "anpr-status: %s: %s (is anprd running?)\n", path_d, strerror(errno));
		free(u);
		return 2;
	}
#define WARN(...) do {								\
		size_t l = strlen(warn);					\
		snprintf(warn + l, sizeof(warn) - l, "  ! " __VA_ARGS__);	\
		nwarn++;							\
	} while (0)

	/* the same checks in both modes; in --json mode the text goes
	 * nowhere and only the verdict (and exit status) is kept */
	out = json ? fopen("/dev/null", "w") : stdout;
	if (!out) {
		fprintf(stderr, "anpr-status: /dev/null: %s\n", strerror(errno));
		free(d);
		free(u);
		return 2;
	}
	age_d = age_of(path_d);
	str(d, "camera", camera, sizeof(camera));
	fprintf(out, "anpr status: camera %s, up %.0f s (status %.0f s old)\n", camera,
	       num(d, "uptime_s", 0), age_d);
	if (age_d > STALE_S)
		WARN("anprd's status is %.0f s old: the daemon is stuck or stopped\n", age_d);
	fprintf(out, "  frames   %.0f captured, %.0f dropped (sensor/driver %.0f, pipeline %.0f)\n",
	       num(d, "frames", 0), num(d, "source", 0) + num(d, "queue", 0), num(d, "source", 0),
	       num(d, "queue", 0));
	if (num(d, "source", 0) + num(d, "queue", 0) > 0)
		WARN("frames were dropped: readers cannot keep up, or the sensor lost frames\n");
	fprintf(out, "  reads    %.0f plate%s, %.0f vehicle%s recorded, %.0f hotlist alert%s\n",
	       num(d, "reads", 0), PL(num(d, "reads", 0)), num(d, "vehicles", 0),
	       PL(num(d, "vehicles", 0)), num(d, "hits", 0), PL(num(d, "hits", 0)));
	fprintf(out, "  spool    durable up to record %.0f", num(d, "acked_seq", 0));
	if (num(d, "refused", 0) > 0 || num(d, "writer_dropped", 0) > 0) {
		fprintf(out, ", %.0f RECORDS REFUSED", num(d, "refused", 0) + num(d, "writer_dropped", 0));
		WARN("the spool refused records: disk full or I/O error (see the journal)\n");
	}
	fprintf(out, "\n");
	if (u) {
		age_u = age_of(path_u);
		str(u, "last_error", last_error, sizeof(last_error));
		fprintf(out, "  upload   %.0f acknowledged; backlog %.0f records, oldest %.0f s (upload lag)\n",
		       num(u, "acked", 0), num(u, "pending", 0), num(u, "oldest_pending_age_s", 0));
		if (num(u, "consecutive_failures", 0) > 0)
			WARN("upload failing (%.0f in a row): %s\n", num(u, "consecutive_failures", 0),
			     last_error);
		if (age_u > 120)
			WARN("anpr-upload's status is %.0f s old: is it running?\n", age_u);
	} else {
		fprintf(out, "  upload   no status (anpr-upload not running, or no [upload] url)\n");
	}
	if (boolean(d, "synced"))
		fprintf(out, "  clock    synchronised (estimated error %.1f ms)\n",
		       num(d, "esterror_us", 0) / 1000.0);
	else {
		fprintf(out, "  clock    NOT synchronised (maximum error %.1f s)\n",
		       num(d, "maxerror_us", 0) / 1e6);
		WARN("the clock is not synchronised: record times carry a large error\n");
	}
	src = after_key(d, "sources");
	while (src && (src = strstr(src, "{\"name\":"))) {
		char name[64], health[256];
		const char *h = strstr(src, "\"health\":[");
		size_t n = 0;

		str(src, "name", name, sizeof(name));
		health[0] = '\0';
		if (h) {
			for (h += 10; *h && *h != ']' && n + 1 < sizeof(health); h++)
				if (*h != '"')
					health[n++] = *h == ',' ? ' ' : *h;
			health[n] = '\0';
		}
		fprintf(out, "  camera   %s: %s\n", name, health[0] ? health : "view OK");
		if (health[0])
			WARN("camera %s view: %s\n", name, health);
		src++;
	}
	if (json) {
		/* both documents, as they are, in one object, and what needs
		 * attention: the exit status is the text mode's */
		d[strcspn(d, "\n")] = '\0';
		if (u)
			u[strcspn(u, "\n")] = '\0';
		printf("{\"anprd\":%s,\"upload\":%s,\"anprd_age_s\":%.0f,\"needs_attention\":%d}\n",
		       d, u ? u : "null", age_d, nwarn);
	} else if (nwarn) {
		printf("needs attention:\n%s", warn);
	}
	if (out != stdout)
		fclose(out);
	free(d);
	free(u);
	return nwarn ? 1 : 0;
}
