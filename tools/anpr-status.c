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
#include <unistd.h>

#include <jansson.h>

#define STALE_S		10	/* a status older than this: the daemon is stuck */

/* A status document, parsed (jansson): NULL with *missing set when there
 * is no file, NULL with why filled in when it is not one JSON object. */
static json_t *load(const char *path, int *missing, char *why, size_t whylen)
{
	json_error_t e;
	json_t *j;

	*missing = 0;
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		*missing = access(path, F_OK) != 0;
		snprintf(why, whylen, "%s: %s", path, *missing ? strerror(ENOENT) : e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		snprintf(why, whylen, "%s: not a JSON object", path);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* The member at a dotted path ("drops.source"), or NULL. */
static json_t *at(json_t *root, const char *path)
{
	char key[64];
	const char *dot;

	while (root && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		root = json_object_get(root, key);
		path = dot + 1;
	}
	return root ? json_object_get(root, path) : NULL;
}

static double num(json_t *root, const char *path, double dflt)
{
	json_t *v = at(root, path);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

static int boolean(json_t *root, const char *path)
{
	return json_is_true(at(root, path));
}

static void str(json_t *root, const char *path, char *out, size_t cap)
{
	json_t *v = at(root, path);

	snprintf(out, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
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
	char why[1024];
	json_t *d, *u, *srcs;
	int json = 0, c, nwarn = 0, missing;
	FILE *out;
	double age_d, age_u;
	size_t i;

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
	d = load(path_d, &missing, why, sizeof(why));
	if (!d) {
		fprintf(stderr, "anpr-status: %s%s\n", why, missing ? " (is anprd running?)" : "");
		return 2;
	}
	u = load(path_u, &missing, why, sizeof(why));
	if (!u && !missing)
		fprintf(stderr, "anpr-status: %s (anpr-upload's status ignored)\n", why);
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
		json_decref(d);
		json_decref(u);
		return 2;
	}
	age_d = age_of(path_d);
	str(d, "camera", camera, sizeof(camera));
	fprintf(out, "anpr status: camera %s, up %.0f s (status %.0f s old)\n", camera,
	       num(d, "uptime_s", 0), age_d);
	if (age_d > STALE_S)
		WARN("anprd's status is %.0f s old: the daemon is stuck or stopped\n", age_d);
	fprintf(out, "  frames   %.0f captured, %.0f dropped (sensor/driver %.0f, pipeline %.0f)\n",
	       num(d, "frames", 0), num(d, "drops.source", 0) + num(d, "drops.queue", 0), num(d, "drops.source", 0),
	       num(d, "drops.queue", 0));
	if (num(d, "drops.source", 0) + num(d, "drops.queue", 0) > 0)
		WARN("frames were dropped: readers cannot keep up, or the sensor lost frames\n");
	fprintf(out, "  reads    %.0f plate%s, %.0f vehicle%s recorded, %.0f hotlist alert%s\n",
	       num(d, "reads", 0), PL(num(d, "reads", 0)), num(d, "vehicles", 0),
	       PL(num(d, "vehicles", 0)), num(d, "hits", 0), PL(num(d, "hits", 0)));
	fprintf(out, "  spool    durable up to record %.0f", num(d, "spool.acked_seq", 0));
	if (num(d, "spool.refused", 0) > 0 || num(d, "spool.writer_dropped", 0) > 0) {
		fprintf(out, ", %.0f RECORDS REFUSED", num(d, "spool.refused", 0) + num(d, "spool.writer_dropped", 0));
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
	if (boolean(d, "clock.synced"))
		fprintf(out, "  clock    synchronised (estimated error %.1f ms)\n",
		       num(d, "clock.esterror_us", 0) / 1000.0);
	else {
		fprintf(out, "  clock    NOT synchronised (maximum error %.1f s)\n",
		       num(d, "clock.maxerror_us", 0) / 1e6);
		WARN("the clock is not synchronised: record times carry a large error\n");
	}
	srcs = json_object_get(d, "sources");
	for (i = 0; i < json_array_size(srcs); i++) {
		json_t *src = json_array_get(srcs, i), *hl = json_object_get(src, "health");
		char name[64], health[256] = "";
		size_t k;

		str(src, "name", name, sizeof(name));
		for (k = 0; k < json_array_size(hl); k++) {
			size_t l = strlen(health);

			snprintf(health + l, sizeof(health) - l, "%s%s", k ? " " : "",
				 json_is_string(json_array_get(hl, k))
				 ? json_string_value(json_array_get(hl, k)) : "?");
		}
		fprintf(out, "  camera   %s: %s\n", name, health[0] ? health : "view OK");
		if (health[0])
			WARN("camera %s view: %s\n", name, health);
		/* an IP camera's stream (docs/anprd.md, "Status"): lost now,
		 * and the time lost to outages since anprd started */
		if (json_is_object(json_object_get(src, "stream"))) {
			char reason[256];

			str(src, "stream.reason", reason, sizeof(reason));
			if (!boolean(src, "stream.up")) {
				fprintf(out, "  stream   %s: LOST %.0f s (%s), reconnecting; "
					"%.0f reconnects, %.0f s lost since start\n", name,
					num(src, "stream.down_s", 0), reason,
					num(src, "stream.reconnects", 0), num(src, "stream.lost_s", 0));
				WARN("camera stream %s lost %.0f s (%s), reconnecting\n", name,
				     num(src, "stream.down_s", 0), reason);
			} else {
				fprintf(out, "  stream   %s: up; %.0f reconnects, %.0f s lost since start\n",
					name, num(src, "stream.reconnects", 0),
					num(src, "stream.lost_s", 0));
			}
		}
	}
	if (json) {
		/* both documents in one object, and what needs attention: the
		 * exit status is the text mode's */
		json_t *o = json_pack("{s:O, s:O, s:f, s:i}", "anprd", d, "upload",
				      u ? u : json_null(), "anprd_age_s", age_d,
				      "needs_attention", nwarn);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (!text) {
			fprintf(stderr, "anpr-status: out of memory\n");
			nwarn = nwarn ? nwarn : 1;
		} else {
			printf("%s\n", text);
		}
		free(text);
		json_decref(o);
	} else if (nwarn) {
		printf("needs attention:\n%s", warn);
	}
	if (out != stdout)
		fclose(out);
	json_decref(d);
	json_decref(u);
	return nwarn ? 1 : 0;
}
