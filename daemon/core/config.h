/* SPDX-License-Identifier: MIT */
/*
 * config.h - anprd's configuration (/etc/anpr/anprd.conf): the parsed and
 * validated options. Every option, its type, range and default is
 * documented in docs/anprd-conf.md; the parser is table-driven
 * (config.c) so the two are checked against each other by
 * tests/anprd/test_config.c.
 *
 * Fixed-site coordinates are secret: no error message and no dump written
 * by this module contains them (only signed records carry them).
 */
#ifndef ANPRD_CONFIG_H
#define ANPRD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/anprd_formats.h"
#include "core/roi.h"

enum anprd_loc_mode { ANPRD_LOC_FIXED = 0, ANPRD_LOC_GPSD = 1 };

struct anprd_source {
	char name[ANPRD_ID_MAX + 1];	/* from the [source NAME] header */
	char uri[ANPRD_PATH_MAX + 1];	/* libanprcap URI */
	int fps;			/* requested frame rate, 0 = default */
	int has_roi;
	struct anprd_roi roi;		/* reader region of interest */
	int line;			/* line of the section header */
};

struct anprd_config {
	char camera_id[ANPRD_ID_MAX + 1];
	char site_id[ANPRD_ID_MAX + 1];

	struct {
		int mode;		/* enum anprd_loc_mode */
		double latitude;	/* WGS84 degrees, fixed only: SECRET */
		double longitude;
		int direction;		/* degrees 0..359 of travel observed */
		int lane;		/* 0 = not stated */
		char gpsd_host[ANPRD_PATH_MAX + 1];
		int gpsd_port;
		int64_t max_fix_age_ms;	/* older fixes are recorded stale */
	} location;

	int nsources;
	struct anprd_source sources[ANPRD_MAX_SOURCES];

	struct {
		int workers;		/* 0 = one per online core */
		double min_confidence;	/* 0..1 */
		char country[8];	/* "uk" */
		int min_plate_width;	/* pixels */
		int line_reread;	/* readings the line recognizer reads again */
	} reader;

	struct {
		int64_t max_gap_ms;	/* longest gap inside one track */
		int64_t timeout_ms;	/* emit a track unseen this long */
		int64_t leave_grace_ms;	/* emit sooner when it left the view */
		double gate;		/* max jump, in plate widths per 100 ms */
		int min_reads;		/* drop tracks with fewer reads */
	} tracker;

	struct {
		int nfiles;
		char files[ANPRD_MAX_HOTLISTS][ANPRD_PATH_MAX + 1];
		int max_fuzzy;		/* look-alike substitutions allowed */
		int64_t search_back_ms;	/* window of past reads re-checked */
	} hotlists;

	struct {
		char dir[ANPRD_PATH_MAX + 1];
		uint64_t max_bytes;
		uint64_t min_free_bytes;
	} spool;

	struct {
		char signing_key[ANPRD_PATH_MAX + 1];
	} keys;

	struct {
		char url[ANPRD_PATH_MAX + 1];	/* empty = no upload */
		char client_cert[ANPRD_PATH_MAX + 1];
		char client_key[ANPRD_PATH_MAX + 1];
		char ca_file[ANPRD_PATH_MAX + 1];
		int64_t timeout_ms;
		int connections;	/* requests in flight at once */
		int records_per_request;	/* 1: protocol version 1;
						   more: version 2 batches */
	} upload;

	struct {
		char socket[ANPRD_PATH_MAX + 1];	/* empty = none */
		char webhook[ANPRD_PATH_MAX + 1];	/* empty = none */
		int64_t webhook_timeout_ms;
		/* the back office's console knows the camera by its
		 * certificate (docs/console.md); empty = none */
		char webhook_client_cert[ANPRD_PATH_MAX + 1];
		char webhook_client_key[ANPRD_PATH_MAX + 1];
		char webhook_ca[ANPRD_PATH_MAX + 1];
		int journal;
	} alerts;

	struct {
		int64_t heartbeat_ms;
		int64_t frozen_after_ms;
		double black_level;		/* mean grey below = black */
		double saturated_fraction;	/* share of pixels >= 250 */
		double blur_min;		/* Laplacian variance below */
		int unreadable_window;		/* last vehicles looked at; 0 off */
		int unreadable_raise;		/* of them not read: raised */
	} health;
};

/* anprd_config_defaults - every option at its documented default. */
void anprd_config_defaults(struct anprd_config *cfg);

/*
 * anprd_config_parse - parse and validate text[0..len) read from `name`
 * (used in messages). Returns 0, or -1 with "name:line: reason" in err.
 */
int anprd_config_parse(const char *name, const char *text, size_t len,
		       struct anprd_config *cfg, char *err, size_t errlen);

/* anprd_config_load - read the file at path and parse it. */
int anprd_config_load(const char *path, struct anprd_config *cfg, char *err,
		      size_t errlen);

/*
 * anprd_config_dump - write the effective configuration in the file's own
 * syntax, with the fixed site's latitude and longitude withheld.
 */
void anprd_config_dump(const struct anprd_config *cfg, FILE *out);

/* For the documentation check: the i-th "section.key" name, or NULL. */
const char *anprd_config_option_name(int i);

/* Parsers shared with other modules; 0 on success, -1 if malformed
 * (durations: anpr_parse_duration_ms, common/timeutil.h). */
int anprd_parse_size(const char *s, uint64_t *bytes);

#endif
