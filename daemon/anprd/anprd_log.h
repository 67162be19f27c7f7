/* SPDX-License-Identifier: MIT */
/*
 * anprd_log.h - anprd's own log lines (not alerts, which are alert_out.h's).
 *
 * Where standard error is the journal's stream (systemd sets JOURNAL_STREAM
 * to that stream's "device:inode"), each line becomes a structured journal
 * entry: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=anprd, ANPR_CAMERA, and for
 * the events an operator or a monitor looks for, MESSAGE_ID and ANPR_EVENT
 * (docs/anprd.md lists them), with ANPR_SOURCE and other ANPR_* fields
 * where they apply. Elsewhere, or when the journal refuses the entry, a
 * line goes to a stream, with the "<N>" syslog-priority prefix when
 * JOURNAL_STREAM is set.
 *
 * Nothing logged may name a site's location: callers pass camera and
 * source names, counts and errors, never coordinates.
 */
#ifndef ANPRD_LOG_H
#define ANPRD_LOG_H

#include <stdio.h>
#include <sys/uio.h>

/* The events that carry a MESSAGE_ID (stable: monitors match on them). */
enum anprd_event {
	ANPRD_EV_NONE = 0,		/* an ordinary line: no MESSAGE_ID */
	ANPRD_EV_START,			/* configuration and key loaded */
	ANPRD_EV_READY,			/* capturing: READY=1 sent */
	ANPRD_EV_SOURCE_OPENED,
	ANPRD_EV_SOURCE_LOST,		/* a source error (device gone, I/O) */
	ANPRD_EV_SOURCE_ENDED,		/* a recording played out */
	ANPRD_EV_RELOAD_OK,		/* SIGHUP: hotlists replaced */
	ANPRD_EV_RELOAD_REJECTED,	/* SIGHUP: bad file, lists in force kept */
	ANPRD_EV_INTAKE_STOPPED,	/* the spool refuses records (disk full) */
	ANPRD_EV_KEY_PROBLEM,		/* the signing key cannot be used */
	ANPRD_EV_STOPPED,		/* clean exit, with the run's totals */
	ANPRD_EV_COUNT
};

/* The journal's entry point; anprd_log_journal_sink wraps sd_journal_sendv. */
typedef int (*anprd_log_sink)(void *ctx, const struct iovec *iov, int n);
int anprd_log_journal_sink(void *ctx, const struct iovec *iov, int n);

struct anprd_log {
	FILE *out;		/* lines, when not structured (NULL: none) */
	FILE *err;		/* lines of priority error or worse (NULL: out) */
	int prio_prefix;	/* start lines with "<N>" */
	int structured;		/* entries go to sink, not to out */
	const char *camera;	/* ANPR_CAMERA (may be NULL before the config) */
	anprd_log_sink sink;	/* NULL: anprd_log_journal_sink */
	void *sink_ctx;
};

/*
 * Set l up for this process: lines to out, errors to err; structured if fd is the stream that
 * journal_stream (the JOURNAL_STREAM variable, NULL if unset) names,
 * prefixed if journal_stream is set but names another stream.
 */
void anprd_log_init(struct anprd_log *l, FILE *out, FILE *err, const char *journal_stream,
		    int fd);

/* 1 if JOURNAL_STREAM's "DEV:INO" names dev and ino; 0 if not or malformed. */
int anprd_log_stream_matches(const char *journal_stream, unsigned long long dev,
			     unsigned long long ino);

/* The event's MESSAGE_ID (32 hex digits) and ANPR_EVENT name; "" for none. */
const char *anprd_event_id(enum anprd_event ev);
const char *anprd_event_name(enum anprd_event ev);

/*
 * One line at syslog priority prio. source: ANPR_SOURCE, or NULL. extra:
 * further "ANPR_KEY=value" fields, NULL-terminated, or NULL. Thread-safe
 * (one write or one journal datagram per line).
 */
void anprd_log(const struct anprd_log *l, int prio, enum anprd_event ev, const char *source,
	       const char *const *extra, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
