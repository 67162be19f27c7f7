/* SPDX-License-Identifier: MIT */
/*
 * anprd_formats.h - every external format anprd reads or writes, as
 * constants in one place: the configuration file (docs/anprd-conf.md), the
 * hotlist CSV files (docs/hotlists.md) and the alert lines sent to
 * subscribers, the webhook and the journal (docs/alerts.md).
 *
 * Change a limit here and in the matching document together.
 */
#ifndef ANPRD_FORMATS_H
#define ANPRD_FORMATS_H

#include "evidence/evidence_format.h"	/* EV_VRM_MAX: the longest mark a record holds */

/* ---- configuration file (/etc/anpr/anprd.conf) ---------------------- */

#define ANPRD_CONF_PATH		"/etc/anpr/anprd.conf"
#define ANPRD_CONF_MAX_LINE	1024	/* bytes per line, newline excluded */
#define ANPRD_CONF_MAX_SIZE	(1024 * 1024)	/* whole file */
#define ANPRD_ID_MAX		32	/* camera id, site id, source name */
#define ANPRD_PATH_MAX		256	/* any path or URI value */
#define ANPRD_MAX_SOURCES	8	/* [source NAME] sections */
#define ANPRD_MAX_HOTLISTS	32	/* [hotlists] file = ... lines */
#define ANPRD_MAX_ROI_POINTS	32	/* vertices of one source's ROI polygon */
#define ANPRD_MAX_WORKERS	64	/* [reader] workers */

/* ---- hotlist CSV ---------------------------------------------------- */

/* The first non-comment line of every hotlist file, exactly. */
#define HOTLIST_HEADER		"vrm,list,reason,priority,action"
#define HOTLIST_MAX_LINE	1024	/* bytes per line, newline excluded */
#define HOTLIST_MAX_ENTRIES	4000000	/* per hotlist set (all files) */
/*
 * The longest mark, in characters after normalisation, that is read,
 * tracked, matched and listed: the record format's limit (an entry
 * longer than any record can hold could never be proven to have hit, and
 * a shorter limit here made reads of 11 or 12 characters match nothing).
 */
#define HOTLIST_VRM_MAX		EV_VRM_MAX
#define HOTLIST_PATTERN_MAX	HOTLIST_VRM_MAX	/* wildcard pattern, characters */
#define HOTLIST_LIST_MAX	32	/* list name */
#define HOTLIST_REASON_MAX	200	/* reason text */
#define HOTLIST_PRIO_MIN	1	/* most urgent */
#define HOTLIST_PRIO_MAX	9	/* least urgent */
#define HOTLIST_WILD_ONE	'?'	/* any one character */
#define HOTLIST_WILD_ANY	'*'	/* any run of characters, maybe none */

/*
 * The reader's look-alike pairs. A hit that needed any of these
 * substitutions is "fuzzy", and its distance is how many it needed. Each
 * pair folds onto its digit.
 */
#define HOTLIST_CONFUSABLE_LETTERS	"OIBS"
#define HOTLIST_CONFUSABLE_DIGITS	"0185"

/* What a hit asks of the people who receive it. */
enum hotlist_action {
	HOTLIST_ACT_INTERCEPT = 0,	/* "intercept": stop the vehicle */
	HOTLIST_ACT_INFORM = 1,		/* "inform": tell officers, no stop */
	HOTLIST_ACT_SILENT = 2,		/* "silent": covert; record only,
					   no local alert output */
};

/* ---- alert lines (UNIX socket, webhook body, journal fields) -------- */

/*
 * One JSON object plus '\n'. Room for every field at its limit even when
 * each byte becomes a 6-byte escape (\u00XX, \ufffd): a hit-record about
 * 4.4 KB, a hit about 2.8 KB, a health alert about 2.3 KB; an alert that
 * does not fit is never sent.
 */
#define ALERT_LINE_MAX		8192
#define ALERT_SCHEMA		"anpr-alert/2"
/* A record id, CAMERA-CHAINID-SEQ (docs/record-format.md), in characters. */
#define ALERT_RECORD_MAX	(EV_CAMERA_ID_MAX + 1 + 16 + 1 + 20)
#define ALERT_SOCK_PATH		"/run/anpr/alerts.sock"
#define ALERT_SOCK_MAX_CLIENTS	32
#define ALERT_SOCK_CLIENT_BUF	(64 * 1024)	/* queued bytes per client */
/* The last alerts the socket keeps for a subscriber that connects late or
 * reconnects (docs/alerts.md): at most this many, and at most half a
 * client's queue, so the replay always fits beside a live alert. */
#define ALERT_SOCK_BACKLOG	64
#define ALERT_SOCK_BACKLOG_BYTES	(ALERT_SOCK_CLIENT_BUF / 2)

/* Alert kinds; hits always go out before any other kind. */
enum alert_kind {
	ALERT_HIT = 0,			/* a read matched a hotlist entry */
	ALERT_HIT_SEARCHBACK = 1,	/* a past read matches a new entry */
	ALERT_HEALTH = 2,		/* camera health changed */
	ALERT_INFO = 3,			/* anything else (reload, start) */
	ALERT_HIT_RECORD = 4,		/* a live hit's record, once written
					   (or why none could be) */
	ALERT_UNREADABLE = 5,		/* a plate found in a vehicle's pass
					   but never read (no hit) */
};

/* A hit of any kind: carries the match, the vehicle and its record. */
#define ALERT_IS_HIT(kind) ((kind) == ALERT_HIT || (kind) == ALERT_HIT_SEARCHBACK || \
			    (kind) == ALERT_HIT_RECORD)

#endif /* ANPRD_FORMATS_H */
