// SPDX-License-Identifier: MIT
/*
 * config.c - table-driven parser and validator for anprd.conf; see
 * config.h and docs/anprd-conf.md (one row there per row of opts[] here).
 */
#include "core/config.h"
#include "common/timeutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/ini.h"
#include "evidence/readfile.h"

enum opt_type {
	T_ID,		/* [A-Za-z0-9._-], 1..ANPRD_ID_MAX */
	T_PATH,		/* absolute path */
	T_URL,		/* http:// or https:// */
	T_URI,		/* libanprcap source URI */
	T_HOST,		/* host name or address */
	T_INT,
	T_DOUBLE,
	T_DURATION,	/* int64_t milliseconds */
	T_SIZE,		/* uint64_t bytes */
	T_BOOL,
	T_LOCMODE,
	T_DIRECTION,
	T_COUNTRY,
	T_ROI,
};

#define F_SOURCE	1u	/* lives in struct anprd_source */
#define F_SECRET	2u	/* value never echoed */
#define F_REPEAT	4u	/* may be given several times (hotlist files) */

struct opt {
	const char *section;
	const char *key;
	size_t off;
	size_t size;		/* char buffers */
	double min, max;
	enum opt_type type;
	unsigned flags;
};

#define C(f) offsetof(struct anprd_config, f), sizeof(((struct anprd_config *)0)->f)
#define S(f) offsetof(struct anprd_source, f), sizeof(((struct anprd_source *)0)->f)
#define MS_DAY (86400.0 * 1000)

static const struct opt opts[] = {
	{"camera", "id", C(camera_id), 0, 0, T_ID, 0},
	{"camera", "site", C(site_id), 0, 0, T_ID, 0},
	{"location", "mode", C(location.mode), 0, 0, T_LOCMODE, 0},
	{"location", "latitude", C(location.latitude), -90, 90, T_DOUBLE, F_SECRET},
	{"location", "longitude", C(location.longitude), -180, 180, T_DOUBLE, F_SECRET},
	{"location", "direction", C(location.direction), 0, 359, T_DIRECTION, 0},
	{"location", "lane", C(location.lane), 0, 16, T_INT, 0},
	{"location", "gpsd_host", C(location.gpsd_host), 0, 0, T_HOST, 0},
	{"location", "gpsd_port", C(location.gpsd_port), 1, 65535, T_INT, 0},
	{"location", "max_fix_age", C(location.max_fix_age_ms), 100, 600000, T_DURATION, 0},
	{"source", "uri", S(uri), 0, 0, T_URI, F_SOURCE},
	{"source", "fps", S(fps), 0, 120, T_INT, F_SOURCE},
	{"source", "roi", S(roi), 0, 0, T_ROI, F_SOURCE},
	{"reader", "workers", C(reader.workers), 0, ANPRD_MAX_WORKERS, T_INT, 0},
	{"reader", "min_confidence", C(reader.min_confidence), 0, 1, T_DOUBLE, 0},
	{"reader", "country", C(reader.country), 0, 0, T_COUNTRY, 0},
	{"reader", "min_plate_width", C(reader.min_plate_width), 16, 2000, T_INT, 0},
	{"reader", "line_reread", C(reader.line_reread), 0, 8, T_INT, 0},
	{"tracker", "max_gap", C(tracker.max_gap_ms), 10, 60000, T_DURATION, 0},
	{"tracker", "timeout", C(tracker.timeout_ms), 10, 600000, T_DURATION, 0},
	{"tracker", "leave_grace", C(tracker.leave_grace_ms), 0, 60000, T_DURATION, 0},
	{"tracker", "gate", C(tracker.gate), 0.1, 100, T_DOUBLE, 0},
	{"tracker", "min_reads", C(tracker.min_reads), 1, 100, T_INT, 0},
	{"hotlists", "file", C(hotlists.files[0]), 0, 0, T_PATH, F_REPEAT},
	{"hotlists", "max_fuzzy", C(hotlists.max_fuzzy), 0, 4, T_INT, 0},
	{"hotlists", "search_back", C(hotlists.search_back_ms), 0, 7 * MS_DAY, T_DURATION, 0},
	{"spool", "dir", C(spool.dir), 0, 0, T_PATH, 0},
	{"spool", "max_bytes", C(spool.max_bytes), 1048576, 1e15, T_SIZE, 0},
	{"spool", "min_free_bytes", C(spool.min_free_bytes), 0, 1e15, T_SIZE, 0},
	{"keys", "signing_key", C(keys.signing_key), 0, 0, T_PATH, 0},
	{"upload", "url", C(upload.url), 0, 0, T_URL, 0},
	{"upload", "client_cert", C(upload.client_cert), 0, 0, T_PATH, 0},
	{"upload", "client_key", C(upload.client_key), 0, 0, T_PATH, 0},
	{"upload", "ca_file", C(upload.ca_file), 0, 0, T_PATH, 0},
	{"upload", "timeout", C(upload.timeout_ms), 100, 600000, T_DURATION, 0},
	{"upload", "connections", C(upload.connections), 1, 32, T_INT, 0},
	{"upload", "records_per_request", C(upload.records_per_request), 1, 32, T_INT, 0},
	{"alerts", "socket", C(alerts.socket), 0, 0, T_PATH, 0},
	{"alerts", "webhook", C(alerts.webhook), 0, 0, T_URL, 0},
	{"alerts", "webhook_timeout", C(alerts.webhook_timeout_ms), 10, 60000, T_DURATION, 0},
	{"alerts", "webhook_client_cert", C(alerts.webhook_client_cert), 0, 0, T_PATH, 0},
	{"alerts", "webhook_client_key", C(alerts.webhook_client_key), 0, 0, T_PATH, 0},
	{"alerts", "webhook_ca", C(alerts.webhook_ca), 0, 0, T_PATH, 0},
	{"alerts", "journal", C(alerts.journal), 0, 0, T_BOOL, 0},
	{"health", "heartbeat", C(health.heartbeat_ms), 1000, MS_DAY, T_DURATION, 0},
	{"health", "frozen_after", C(health.frozen_after_ms), 100, 3600000, T_DURATION, 0},
	{"health", "black_level", C(health.black_level), 0, 255, T_DOUBLE, 0},
	{"health", "saturated_fraction", C(health.saturated_fraction), 0, 1, T_DOUBLE, 0},
	{"health", "blur_min", C(health.blur_min), 0, 1e6, T_DOUBLE, 0},
	{"health", "unreadable_window", C(health.unreadable_window), 0, 1000, T_INT, 0},
	{"health", "unreadable_raise", C(health.unreadable_raise), 1, 1000, T_INT, 0},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

const char *anprd_config_option_name(int i)
{
	static char buf[80];

	if (i < 0 || i >= NOPTS)
		return NULL;
	snprintf(buf, sizeof(buf), "%s.%s", opts[i].section, opts[i].key);
	return buf;
}

void anprd_config_defaults(struct anprd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->location.mode = -1;	/* required */
	cfg->location.direction = -1;
	snprintf(cfg->location.gpsd_host, sizeof(cfg->location.gpsd_host),
		 "localhost");
	cfg->location.gpsd_port = 2947;
	cfg->location.max_fix_age_ms = 5000;
	cfg->reader.workers = 0;
	cfg->reader.min_confidence = 0.5;
	snprintf(cfg->reader.country, sizeof(cfg->reader.country), "uk");
	cfg->reader.min_plate_width = 60;
	cfg->reader.line_reread = 3;
	cfg->tracker.max_gap_ms = 1000;
	cfg->tracker.timeout_ms = 2000;
	cfg->tracker.leave_grace_ms = 300;
	cfg->tracker.gate = 2.0;
	cfg->tracker.min_reads = 1;
	cfg->hotlists.max_fuzzy = 2;
	cfg->hotlists.search_back_ms = 30 * 60 * 1000;
	cfg->spool.max_bytes = 8ull << 30;
	cfg->spool.min_free_bytes = 256ull << 20;
	cfg->upload.timeout_ms = 30000;
	cfg->upload.connections = 4;
	cfg->upload.records_per_request = 16;
	snprintf(cfg->alerts.socket, sizeof(cfg->alerts.socket), "%s",
		 ALERT_SOCK_PATH);
	cfg->alerts.webhook_timeout_ms = 2000;
	cfg->alerts.journal = 1;
	cfg->health.heartbeat_ms = 60000;
	cfg->health.frozen_after_ms = 10000;
	cfg->health.black_level = 8.0;
	cfg->health.saturated_fraction = 0.6;
	cfg->health.blur_min = 15.0;
	cfg->health.unreadable_window = 20;	/* unread_rate_params_default */
	cfg->health.unreadable_raise = 8;
}

int anprd_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	double v, mul = 1;

	errno = 0;
	if (*s == '-')
		return -1;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -1;
	if (*end == '\0')
		mul = 1;
	else if (strcmp(end, "K") == 0)
		mul = 1024.0;
	else if (strcmp(end, "M") == 0)
		mul = 1024.0 * 1024;
	else if (strcmp(end, "G") == 0)
		mul = 1024.0 * 1024 * 1024;
	else if (strcmp(end, "T") == 0)
		mul = 1024.0 * 1024 * 1024 * 1024;
	else
		return -1;
	v *= mul;
	if (v > 1e18)
		return -1;
	*bytes = (uint64_t)llround(v);
	return 0;
}

/* Parser state. */
struct pctx {
	const char *name;
	struct anprd_config *cfg;
	int cur_source;		/* index in cfg->sources, or -1 */
	int section_known;
	int seen[sizeof(opts) / sizeof(opts[0])];		/* line, global opts */
	int sseen[ANPRD_MAX_SOURCES][sizeof(opts) / sizeof(opts[0])];
	int section_line[16];
};

static const char *const sections[] = {
	"camera", "location", "source", "reader", "tracker", "hotlists",
	"spool", "keys", "upload", "alerts", "health",
};
#define NSECTIONS ((int)(sizeof(sections) / sizeof(sections[0])))

static int id_ok(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > ANPRD_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return 0;
	}
	return 1;
}

static int has_blank(const char *v)
{
	return strpbrk(v, " \t") != NULL;
}

static int section_handler(struct pctx *pc, const char *section, int line,
			   char *err, size_t errlen)
{
	pc->cur_source = -1;
	if (strncmp(section, "source", 6) == 0 &&
	    (section[6] == ' ' || section[6] == '\0')) {
		const char *nm = section + 6;
		struct anprd_config *cfg = pc->cfg;
		while (*nm == ' ')
			nm++;
		if (!id_ok(nm)) {
			snprintf(err, errlen,
				 "[source NAME] needs a name of 1..%d letters, "
				 "digits, '.', '_' or '-'", ANPRD_ID_MAX);
			return -1;
		}
		for (int i = 0; i < cfg->nsources; i++)
			if (strcmp(cfg->sources[i].name, nm) == 0) {
				snprintf(err, errlen,
					 "source '%s' defined twice (first at "
					 "line %d)", nm, cfg->sources[i].line);
				return -1;
			}
		if (cfg->nsources == ANPRD_MAX_SOURCES) {
			snprintf(err, errlen, "more than %d sources",
				 ANPRD_MAX_SOURCES);
			return -1;
		}
		struct anprd_source *src = &cfg->sources[cfg->nsources];
		memset(src, 0, sizeof(*src));
		snprintf(src->name, sizeof(src->name), "%s", nm);
		src->line = line;
		pc->cur_source = cfg->nsources++;
		return 0;
	}
	for (int i = 0; i < NSECTIONS; i++) {
		if (strcmp(section, sections[i]) != 0 || i == 2)
			continue;
		if (pc->section_line[i]) {
			snprintf(err, errlen,
				 "section [%s] given twice (first at line %d)",
				 section, pc->section_line[i]);
			return -1;
		}
		pc->section_line[i] = line;
		return 0;
	}
	snprintf(err, errlen, "unknown section [%s]", section);
	return -1;
}

static int set_value(struct pctx *pc, const struct opt *o, void *base,
		     const char *v, char *err, size_t errlen)
{
	char *dst = (char *)base + o->off;
	char *end;
	int secret = o->flags & F_SECRET;

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)
	switch (o->type) {
	case T_ID:
		if (!id_ok(v))
			BAD("'%s' is not an id (1..%d letters, digits, '.', "
			    "'_', '-')", v, ANPRD_ID_MAX);
		snprintf(dst, o->size, "%s", v);
		return 0;
	case T_PATH:
		if (v[0] != '/')
			BAD("'%s' is not an absolute path", v);
		if (strlen(v) > ANPRD_PATH_MAX || has_blank(v))
			BAD("path longer than %d bytes or with blanks",
			    ANPRD_PATH_MAX);
		if (o->flags & F_REPEAT) {
			struct anprd_config *cfg = pc->cfg;
			if (cfg->hotlists.nfiles == ANPRD_MAX_HOTLISTS)
				BAD("more than %d hotlist files",
				    ANPRD_MAX_HOTLISTS);
			for (int i = 0; i < cfg->hotlists.nfiles; i++)
				if (strcmp(cfg->hotlists.files[i], v) == 0)
					BAD("hotlist file '%s' listed twice", v);
			dst += (size_t)cfg->hotlists.nfiles * o->size;
			cfg->hotlists.nfiles++;
		}
		snprintf(dst, o->size, "%s", v);
		return 0;
	case T_URL:
		if (strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0)
			BAD("'%s' is not an http:// or https:// URL", v);
		if (strlen(v) > ANPRD_PATH_MAX || has_blank(v) ||
		    strlen(v) <= (size_t)(v[4] == 's' ? 8 : 7))
			BAD("URL empty, with blanks or longer than %d bytes",
			    ANPRD_PATH_MAX);
		snprintf(dst, o->size, "%s", v);
		return 0;
	case T_URI: {
		static const char *const schemes[] = {
			"v4l2:", "usb:", "libcamera:", "file:", "rtsp://", "rtsps://"};
		const char *auth = strstr(v, "://");
		int ok = 0;
		for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			size_t n = strlen(schemes[i]);
			if (strncmp(v, schemes[i], n) == 0 && v[n])
				ok = 1;
		}
		/* never repeat a URI that may hold a password */
		if (auth && memchr(auth + 3, '@', strcspn(auth + 3, "/?#")))
			BAD("a user name or password in the source URI: give them in a "
			    "file (#credentials=FILE; docs/libanprcap.md, rtsp)");
		if (!ok)
			BAD("'%s' is not a source URI (v4l2:DEVICE, "
			    "usb:VID:PID[:SERIAL], libcamera:ID, file:PATH or "
			    "rtsp://HOST/PATH)",
			    v);
		if (strlen(v) > ANPRD_PATH_MAX || has_blank(v))
			BAD("URI longer than %d bytes or with blanks",
			    ANPRD_PATH_MAX);
		snprintf(dst, o->size, "%s", v);
		return 0;
	}
	case T_HOST:
		if (!v[0] || strlen(v) > 253 || has_blank(v) ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789.-:[]") != strlen(v))
			BAD("'%s' is not a host name or address", v);
		snprintf(dst, o->size, "%s", v);
		return 0;
	case T_INT: {
		long x;
		errno = 0;
		x = strtol(v, &end, 10);
		if (end == v || *end || errno)
			BAD("'%s' is not a whole number", v);
		if (x < o->min || x > o->max)
			BAD("%ld is out of range %.0f..%.0f", x, o->min, o->max);
		int xi = (int)x;
		memcpy(dst, &xi, sizeof(xi));
		return 0;
	}
	case T_DOUBLE: {
		double x;
		errno = 0;
		x = strtod(v, &end);
		if (end == v || *end || errno || !isfinite(x)) {
			if (secret)
				BAD("value is not a number (not shown: "
				    "location)");
			BAD("'%s' is not a number", v);
		}
		if (x < o->min || x > o->max) {
			if (secret)
				BAD("value is out of range %g..%g (not "
				    "shown: location)", o->min, o->max);
			BAD("%g is out of range %g..%g", x, o->min, o->max);
		}
		memcpy(dst, &x, sizeof(x));
		return 0;
	}
	case T_DURATION: {
		int64_t ms;
		if (anpr_parse_duration_ms(v, &ms, 0))
			BAD("'%s' is not a duration (a number and a unit: ms, "
			    "s, m, h or d, e.g. 500ms, 10s)", v);
		if (ms < o->min || ms > o->max)
			BAD("%s is out of range %.0fms..%.0fms", v, o->min,
			    o->max);
		memcpy(dst, &ms, sizeof(ms));
		return 0;
	}
	case T_SIZE: {
		uint64_t b;
		if (anprd_parse_size(v, &b))
			BAD("'%s' is not a size (bytes, or a number with K, M, "
			    "G or T, e.g. 8G)", v);
		if ((double)b < o->min || (double)b > o->max)
			BAD("%s is out of range %.0f..%.0f bytes", v, o->min,
			    o->max);
		memcpy(dst, &b, sizeof(b));
		return 0;
	}
	case T_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
		    !strcmp(v, "1"))
			*(int *)dst = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") ||
			 !strcmp(v, "off") || !strcmp(v, "0"))
			*(int *)dst = 0;
		else
			BAD("'%s' is not yes or no", v);
		return 0;
	case T_LOCMODE:
		if (!strcmp(v, "fixed"))
			*(int *)dst = ANPRD_LOC_FIXED;
		else if (!strcmp(v, "gpsd"))
			*(int *)dst = ANPRD_LOC_GPSD;
		else
			BAD("'%s' is not 'fixed' or 'gpsd'", v);
		return 0;
	case T_DIRECTION: {
		static const char *const compass[] = {
			"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
		long x;
		for (int i = 0; i < 8; i++)
			if (!strcmp(v, compass[i])) {
				*(int *)dst = i * 45;
				return 0;
			}
		errno = 0;
		x = strtol(v, &end, 10);
		if (end == v || *end || errno || x < 0 || x > 359)
			BAD("'%s' is not a direction (degrees 0..359 or N, NE, "
			    "E, SE, S, SW, W, NW)", v);
		*(int *)dst = (int)x;
		return 0;
	}
	case T_COUNTRY:
		if (strcmp(v, "uk") != 0)
			BAD("country '%s' is not supported (only 'uk')", v);
		snprintf(dst, o->size, "%s", v);
		return 0;
	case T_ROI: {
		char why[160];
		struct anprd_source *src = base;
		if (anprd_roi_parse(v, (struct anprd_roi *)dst, why,
				    sizeof(why)))
			BAD("%s", why);
		src->has_roi = 1;
		return 0;
	}
	}
#undef BAD
	snprintf(err, errlen, "internal: option type %d", (int)o->type);
	return -1;
}

static int handler(void *ctx, const char *section, const char *key,
		   const char *value, int line, char *err, size_t errlen)
{
	struct pctx *pc = ctx;
	int in_source;

	if (!key)
		return section_handler(pc, section, line, err, errlen);
	in_source = pc->cur_source >= 0;
	for (int i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];
		int *seen;
		void *base;
		char why[400];

		if (strcmp(o->key, key) != 0)
			continue;
		if (in_source ? !(o->flags & F_SOURCE)
			      : strcmp(o->section, section) != 0)
			continue;
		if (in_source) {
			seen = &pc->sseen[pc->cur_source][i];
			base = &pc->cfg->sources[pc->cur_source];
		} else {
			seen = &pc->seen[i];
			base = pc->cfg;
		}
		if (*seen && !(o->flags & F_REPEAT)) {
			snprintf(err, errlen,
				 "[%s] %s given twice (first at line %d)",
				 section, key, *seen);
			return -1;
		}
		if (value[0] == '\0') {
			snprintf(err, errlen, "[%s] %s has no value", section,
				 key);
			return -1;
		}
		if (set_value(pc, o, base, value, why, sizeof(why))) {
			snprintf(err, errlen, "[%s] %s: %s", section, key, why);
			return -1;
		}
		*seen = line;
		return 0;
	}
	snprintf(err, errlen, "unknown option '%s' in [%s]", key, section);
	return -1;
}

static int seen_line(const struct pctx *pc, const char *section,
		     const char *key)
{
	for (int i = 0; i < NOPTS; i++)
		if (!strcmp(opts[i].section, section) &&
		    !strcmp(opts[i].key, key))
			return pc->seen[i];
	return 0;
}

/* Cross-option checks once the whole file is read. */
static int validate(const struct pctx *pc, char *err, size_t errlen)
{
	const struct anprd_config *cfg = pc->cfg;
	const char *nm = pc->name;
	int l;

#define REQUIRE(cond, ...) do { if (!(cond)) { \
		int n_ = snprintf(err, errlen, "%s: ", nm); \
		if (n_ > 0 && (size_t)n_ < errlen) \
			snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
		return -1; } } while (0)
#define REQUIRE_AT(line, cond, ...) do { if (!(cond)) { \
		int n_ = snprintf(err, errlen, "%s:%d: ", nm, line); \
		if (n_ > 0 && (size_t)n_ < errlen) \
			snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
		return -1; } } while (0)

	REQUIRE(cfg->camera_id[0], "[camera] id is required");
	l = seen_line(pc, "health", "unreadable_raise");
	REQUIRE_AT(l ? l : seen_line(pc, "health", "unreadable_window"),
		   cfg->health.unreadable_window == 0 ||
		   cfg->health.unreadable_raise <= cfg->health.unreadable_window,
		   "[health] unreadable_raise (%d) is more vehicles than "
		   "unreadable_window (%d)", cfg->health.unreadable_raise,
		   cfg->health.unreadable_window);
	REQUIRE(cfg->site_id[0], "[camera] site is required");
	REQUIRE(cfg->location.mode >= 0,
		"[location] mode is required (fixed or gpsd)");
	if (cfg->location.mode == ANPRD_LOC_FIXED) {
		REQUIRE(seen_line(pc, "location", "latitude"),
			"[location] latitude is required when mode = fixed");
		REQUIRE(seen_line(pc, "location", "longitude"),
			"[location] longitude is required when mode = fixed");
		REQUIRE(cfg->location.direction >= 0,
			"[location] direction is required when mode = fixed");
		l = seen_line(pc, "location", "gpsd_host");
		REQUIRE_AT(l, !l,
			   "[location] gpsd_host is only for mode = gpsd");
	} else {
		l = seen_line(pc, "location", "latitude");
		if (!l)
			l = seen_line(pc, "location", "longitude");
		REQUIRE_AT(l, !l,
			   "[location] latitude/longitude are only for mode = "
			   "fixed (an in-vehicle camera takes them from gpsd)");
		l = seen_line(pc, "location", "direction");
		REQUIRE_AT(l, !l,
			   "[location] direction is only for mode = fixed");
	}
	REQUIRE(cfg->nsources > 0,
		"no [source NAME] section (at least one is required)");
	for (int i = 0; i < cfg->nsources; i++)
		REQUIRE_AT(cfg->sources[i].line, cfg->sources[i].uri[0],
			   "[source %s] uri is required", cfg->sources[i].name);
	REQUIRE(cfg->spool.dir[0], "[spool] dir is required");
	REQUIRE(cfg->keys.signing_key[0], "[keys] signing_key is required");
	l = seen_line(pc, "tracker", "timeout");
	if (!l)
		l = seen_line(pc, "tracker", "max_gap");
	REQUIRE_AT(l, cfg->tracker.timeout_ms >= cfg->tracker.max_gap_ms,
		   "[tracker] timeout (%lldms) is shorter than max_gap (%lldms)",
		   (long long)cfg->tracker.timeout_ms,
		   (long long)cfg->tracker.max_gap_ms);
	l = seen_line(pc, "upload", "client_cert");
	if (!l)
		l = seen_line(pc, "upload", "client_key");
	REQUIRE_AT(l, !cfg->upload.client_cert[0] == !cfg->upload.client_key[0],
		   "[upload] client_cert and client_key go together");
	l = seen_line(pc, "upload", "client_cert");
	REQUIRE_AT(l, !cfg->upload.client_cert[0] || cfg->upload.url[0],
		   "[upload] client_cert given without url");
	l = seen_line(pc, "alerts", "webhook_client_cert");
	if (!l)
		l = seen_line(pc, "alerts", "webhook_client_key");
	REQUIRE_AT(l, !cfg->alerts.webhook_client_cert[0] == !cfg->alerts.webhook_client_key[0],
		   "[alerts] webhook_client_cert and webhook_client_key go together");
	if (!l)
		l = seen_line(pc, "alerts", "webhook_ca");
	REQUIRE_AT(l, (!cfg->alerts.webhook_client_cert[0] && !cfg->alerts.webhook_ca[0]) ||
		   cfg->alerts.webhook[0],
		   "[alerts] webhook_client_cert or webhook_ca given without webhook");
	l = seen_line(pc, "spool", "min_free_bytes");
	REQUIRE_AT(l, cfg->spool.min_free_bytes < cfg->spool.max_bytes,
		   "[spool] min_free_bytes must be below max_bytes");
	return 0;
#undef REQUIRE
#undef REQUIRE_AT
}

int anprd_config_parse(const char *name, const char *text, size_t len,
		       struct anprd_config *cfg, char *err, size_t errlen)
{
	struct pctx *pc;
	char why[512];
	int line, rc;

	if (len > ANPRD_CONF_MAX_SIZE) {
		snprintf(err, errlen, "%s: file larger than %d bytes", name,
			 ANPRD_CONF_MAX_SIZE);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: NUL byte (not a text file)", name);
		return -1;
	}
	pc = calloc(1, sizeof(*pc));
	if (!pc) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	anprd_config_defaults(cfg);
	pc->name = name;
	pc->cfg = cfg;
	pc->cur_source = -1;
	rc = ini_parse_buffer(text, len, handler, pc, &line, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "%s:%d: %s", name, line, why);
	else
		rc = validate(pc, err, errlen);
	free(pc);
	return rc;
}

int anprd_config_load(const char *path, struct anprd_config *cfg, char *err,
		      size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (read_file_limited(path, ANPRD_CONF_MAX_SIZE, &buf, &len, err, errlen))
		return -1;
	rc = anprd_config_parse(path, buf, len, cfg, err, errlen);
	free(buf);
	return rc;
}

static void fmt_ms(char *b, size_t n, int64_t ms)
{
	if (ms % 1000)
		snprintf(b, n, "%lldms", (long long)ms);
	else
		snprintf(b, n, "%llds", (long long)(ms / 1000));
}

/* Empty strings mean "not set" and are left out (they would not parse). */
static void kv(FILE *out, const char *key, const char *val)
{
	if (val[0])
		fprintf(out, "%s = %s\n", key, val);
}

void anprd_config_dump(const struct anprd_config *cfg, FILE *out)
{
	char a[64], b[64], c[64], roi[ANPRD_MAX_ROI_POINTS * 24];

	fprintf(out, "[camera]\nid = %s\nsite = %s\n\n", cfg->camera_id,
		cfg->site_id);
	if (cfg->location.mode == ANPRD_LOC_FIXED) {
		fprintf(out, "[location]\nmode = fixed\n"
			"# latitude, longitude: set, withheld (fixed sites are "
			"not disclosed)\ndirection = %d\nlane = %d\n\n",
			cfg->location.direction, cfg->location.lane);
	} else {
		fmt_ms(a, sizeof(a), cfg->location.max_fix_age_ms);
		fprintf(out, "[location]\nmode = gpsd\ngpsd_host = %s\n"
			"gpsd_port = %d\nmax_fix_age = %s\nlane = %d\n\n",
			cfg->location.gpsd_host, cfg->location.gpsd_port, a,
			cfg->location.lane);
	}
	for (int i = 0; i < cfg->nsources; i++) {
		const struct anprd_source *s = &cfg->sources[i];
		fprintf(out, "[source %s]\nuri = %s\nfps = %d\n", s->name,
			s->uri, s->fps);
		if (s->has_roi) {
			anprd_roi_format(&s->roi, roi, sizeof(roi));
			fprintf(out, "roi = %s\n", roi);
		}
		fputc('\n', out);
	}
	fprintf(out, "[reader]\nworkers = %d\nmin_confidence = %g\n"
		"country = %s\nmin_plate_width = %d\nline_reread = %d\n\n",
		cfg->reader.workers, cfg->reader.min_confidence,
		cfg->reader.country, cfg->reader.min_plate_width,
		cfg->reader.line_reread);
	fmt_ms(a, sizeof(a), cfg->tracker.max_gap_ms);
	fmt_ms(b, sizeof(b), cfg->tracker.timeout_ms);
	fmt_ms(c, sizeof(c), cfg->tracker.leave_grace_ms);
	fprintf(out, "[tracker]\nmax_gap = %s\ntimeout = %s\nleave_grace = %s\n"
		"gate = %g\nmin_reads = %d\n\n", a, b, c, cfg->tracker.gate,
		cfg->tracker.min_reads);
	fprintf(out, "[hotlists]\n");
	for (int i = 0; i < cfg->hotlists.nfiles; i++)
		fprintf(out, "file = %s\n", cfg->hotlists.files[i]);
	fmt_ms(a, sizeof(a), cfg->hotlists.search_back_ms);
	fprintf(out, "max_fuzzy = %d\nsearch_back = %s\n\n",
		cfg->hotlists.max_fuzzy, a);
	fprintf(out, "[spool]\ndir = %s\nmax_bytes = %llu\nmin_free_bytes = %llu"
		"\n\n[keys]\nsigning_key = %s\n\n", cfg->spool.dir,
		(unsigned long long)cfg->spool.max_bytes,
		(unsigned long long)cfg->spool.min_free_bytes,
		cfg->keys.signing_key);
	fmt_ms(a, sizeof(a), cfg->upload.timeout_ms);
	fprintf(out, "[upload]\n");
	kv(out, "url", cfg->upload.url);
	kv(out, "client_cert", cfg->upload.client_cert);
	kv(out, "client_key", cfg->upload.client_key);
	kv(out, "ca_file", cfg->upload.ca_file);
	fprintf(out, "timeout = %s\n\n[alerts]\n", a);
	kv(out, "socket", cfg->alerts.socket);
	kv(out, "webhook", cfg->alerts.webhook);
	fmt_ms(a, sizeof(a), cfg->alerts.webhook_timeout_ms);
	kv(out, "webhook_client_cert", cfg->alerts.webhook_client_cert);
	kv(out, "webhook_client_key", cfg->alerts.webhook_client_key);
	kv(out, "webhook_ca", cfg->alerts.webhook_ca);
	fprintf(out, "webhook_timeout = %s\njournal = %s\n\n", a,
		cfg->alerts.journal ? "yes" : "no");
	fmt_ms(a, sizeof(a), cfg->health.heartbeat_ms);
	fmt_ms(b, sizeof(b), cfg->health.frozen_after_ms);
	fprintf(out, "[health]\nheartbeat = %s\nfrozen_after = %s\n"
		"black_level = %g\nsaturated_fraction = %g\nblur_min = %g\n"
		"unreadable_window = %d\nunreadable_raise = %d\n",
		a, b, cfg->health.black_level, cfg->health.saturated_fraction,
		cfg->health.blur_min, cfg->health.unreadable_window,
		cfg->health.unreadable_raise);
}
