/* SPDX-License-Identifier: MIT */
/*
 * ingest_health.h - anpr-ingest's health report (docs/backoffice.md,
 * "Health"), as pure logic: from what the store says (open gaps, the
 * quarantine's counts), what the daemon counted since it started, and the
 * time now (passed in, never read here), the report's problems, its JSON
 * document (the --health-file), and which problems are new or resolved
 * since the previous report (what is logged). No I/O.
 *
 * Problems name cameras, chains, sequence numbers, reasons and times;
 * never a VRM or a location (the store's gap and quarantine rows carry
 * neither).
 */
#ifndef INGEST_HEALTH_H
#define INGEST_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/anprstore.h"

/* What anpr-ingest did since it started (answers given). */
struct ingest_tally {
	uint64_t stored;	/* 201: checked, committed, acknowledged */
	uint64_t duplicates;	/* 200: held already, acknowledged again */
	uint64_t refused;	/* 4xx after the body: quarantined */
	uint64_t forbidden;	/* 403 at the headers: unknown certificate */
	uint64_t unavailable;	/* 503: nothing kept, the camera retries */
};

struct ingest_health_input {
	int64_t now_unix, started_unix;
	int64_t gap_alarm_s;	/* a gap open longer is a problem */
	int64_t refusal_window_s; /* refusals this recent are a problem */
	bool db_ok;
	const char *db_error;	/* when !db_ok */
	struct ingest_tally tally;
	const struct anpr_gap *gaps;	/* every open gap, oldest first */
	size_t ngaps;
	bool gaps_truncated;		/* more than ngaps are open */
	const struct anpr_quarantine_count *quarantine;
	size_t nquarantine;
	/* a replicated store (anpr-ingest --standbys N, N > 0): what the
	 * server's synchronous_standby_names makes a commit wait for
	 * (anpr_store_standbys_of: -1 not understood) and the setting */
	unsigned standbys_required;
	int standbys_wait;
	const char *standbys_names;
};

#define INGEST_PROBLEM_LEN 200

/* The report's problems, one line each, stable from one report to the
 * next while the problem lasts (no ages in them: times are absolute), so
 * that the daemon logs a problem once when it appears and once when it is
 * resolved. Up to cap lines in lines; returns how many there are (which
 * may exceed cap). */
size_t ingest_health_problems(const struct ingest_health_input *in,
			      char (*lines)[INGEST_PROBLEM_LEN], size_t cap);

/* The health document (JSON, docs/backoffice.md "Health"), malloc'ed, or
 * NULL if out of memory. */
char *ingest_health_json(const struct ingest_health_input *in);

/* Lines of cur not in prev (appeared) go to on_new, lines of prev not in
 * cur (resolved) to on_gone. */
void ingest_health_diff(char (*prev)[INGEST_PROBLEM_LEN], size_t nprev,
			char (*cur)[INGEST_PROBLEM_LEN], size_t ncur,
			void (*on_new)(const char *line, void *ctx),
			void (*on_gone)(const char *line, void *ctx),
			void *ctx);

/* "90s", "30m", "1.5h", "2d" or a number of seconds (common/timeutil.h's
 * one parser, bare numbers as seconds), a whole number of seconds: 0 and
 * *s, or -1. */
int ingest_parse_duration_s(const char *text, int64_t *s);

/* UTC ISO 8601 to the second ("2026-12-06T14:00:00Z") into buf[21]. */
void ingest_utc_text(int64_t unix_s, char buf[21]);

#endif
