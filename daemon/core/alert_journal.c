// SPDX-License-Identifier: MIT
/* alert_journal.c - alerts as structured systemd journal entries. */
#include "core/alert_out.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "core/utf8.h"

int alert_journal_priority(const struct alert *a)
{
	switch (a->kind) {
	case ALERT_HIT:
	case ALERT_HIT_SEARCHBACK:
		return a->action == HOTLIST_ACT_INTERCEPT ? LOG_CRIT
							   : LOG_WARNING;
	case ALERT_HIT_RECORD:	/* no record for a hit: the evidence failed */
		return a->record[0] ? LOG_NOTICE : LOG_ERR;
	case ALERT_HEALTH:
		return a->active ? LOG_WARNING : LOG_NOTICE;
	case ALERT_UNREADABLE:	/* no hit: nobody is sent after it */
		return LOG_NOTICE;
	default:
		return LOG_INFO;
	}
}

/* Journal fields as valid UTF-8 (journalctl -o json turns anything else
 * into an array of numbers): each invalid byte becomes U+FFFD. */
struct clean_alert {
	char camera[3 * ANPRD_ID_MAX + 1], source[3 * ANPRD_ID_MAX + 1];
	char vrm[3 * HOTLIST_VRM_MAX + 1], entry_vrm[3 * HOTLIST_PATTERN_MAX + 1];
	char list[3 * HOTLIST_LIST_MAX + 1], reason[3 * HOTLIST_REASON_MAX + 1];
	char state[3 * sizeof(((struct alert *)0)->state) + 1];
	char detail[3 * sizeof(((struct alert *)0)->detail) + 1];
	char record[3 * ALERT_RECORD_MAX + 1];
};

static void clean(const struct alert *a, struct clean_alert *c)
{
	utf8_sanitize(a->camera, c->camera, sizeof(c->camera));
	utf8_sanitize(a->source, c->source, sizeof(c->source));
	utf8_sanitize(a->vrm, c->vrm, sizeof(c->vrm));
	utf8_sanitize(a->entry_vrm, c->entry_vrm, sizeof(c->entry_vrm));
	utf8_sanitize(a->list, c->list, sizeof(c->list));
	utf8_sanitize(a->reason, c->reason, sizeof(c->reason));
	utf8_sanitize(a->state, c->state, sizeof(c->state));
	utf8_sanitize(a->detail, c->detail, sizeof(c->detail));
	utf8_sanitize(a->record, c->record, sizeof(c->record));
}

int alert_journal_send(const struct alert *a, char *err, size_t errlen)
{
	int rc, prio = alert_journal_priority(a);
	struct clean_alert c;

	clean(a, &c);

	if (a->kind == ALERT_HIT_RECORD)
		rc = sd_journal_send(
			"MESSAGE=ANPR hit-record: alert %llu (%s, vehicle %llu): %s%s",
			(unsigned long long)a->hit_seq, c.vrm,
			(unsigned long long)a->vehicle,
			c.record[0] ? "record " : "NO RECORD: ",
			c.record[0] ? c.record : c.detail,
			"PRIORITY=%d", prio,
			"SYSLOG_IDENTIFIER=anprd",
			"ANPR_ALERT=%s", alert_kind_name(a->kind),
			"ANPR_SEQ=%llu", (unsigned long long)a->seq,
			"ANPR_HIT_SEQ=%llu", (unsigned long long)a->hit_seq,
			"ANPR_CAMERA=%s", c.camera,
			"ANPR_SOURCE=%s", c.source,
			"ANPR_VRM=%s", c.vrm,
			"ANPR_MATCH_VRM=%s", c.entry_vrm,
			"ANPR_LIST=%s", c.list,
			"ANPR_VEHICLE=%llu", (unsigned long long)a->vehicle,
			"ANPR_RECORD=%s", c.record,
			"ANPR_DETAIL=%s", c.detail,
			NULL);
	else if (ALERT_IS_HIT(a->kind))
		rc = sd_journal_send(
			"MESSAGE=ANPR %s: %s matches %s on list %s (%s%s, "
			"priority %d): %s", alert_kind_name(a->kind), c.vrm,
			c.entry_vrm, c.list, alert_action_name(a->action),
			a->distance ? ", look-alike" : "", a->priority,
			c.reason,
			"PRIORITY=%d", prio,
			"SYSLOG_IDENTIFIER=anprd",
			"ANPR_ALERT=%s", alert_kind_name(a->kind),
			"ANPR_SEQ=%llu", (unsigned long long)a->seq,
			"ANPR_CAMERA=%s", c.camera,
			"ANPR_SOURCE=%s", c.source,
			"ANPR_VRM=%s", c.vrm,
			"ANPR_MATCH_VRM=%s", c.entry_vrm,
			"ANPR_LIST=%s", c.list,
			"ANPR_ACTION=%s", alert_action_name(a->action),
			"ANPR_PRIORITY=%d", a->priority,
			"ANPR_DISTANCE=%d", a->distance,
			"ANPR_VEHICLE=%llu", (unsigned long long)a->vehicle,
			"ANPR_RECORD=%s", c.record,
			NULL);
	else if (a->kind == ALERT_UNREADABLE)
		rc = sd_journal_send(
			"MESSAGE=ANPR unreadable: a plate found, not read (%s), "
			"vehicle %llu: %s", c.state, (unsigned long long)a->vehicle,
			c.detail,
			"PRIORITY=%d", prio,
			"SYSLOG_IDENTIFIER=anprd",
			"ANPR_ALERT=%s", alert_kind_name(a->kind),
			"ANPR_SEQ=%llu", (unsigned long long)a->seq,
			"ANPR_CAMERA=%s", c.camera,
			"ANPR_SOURCE=%s", c.source,
			"ANPR_VEHICLE=%llu", (unsigned long long)a->vehicle,
			"ANPR_UNREADABLE=%s", c.state,
			"ANPR_DETAIL=%s", c.detail,
			NULL);
	else
		rc = sd_journal_send(
			"MESSAGE=ANPR %s: %s%s%s", alert_kind_name(a->kind),
			c.state, c.state[0] ? " " : "", c.detail,
			"PRIORITY=%d", prio,
			"SYSLOG_IDENTIFIER=anprd",
			"ANPR_ALERT=%s", alert_kind_name(a->kind),
			"ANPR_SEQ=%llu", (unsigned long long)a->seq,
			"ANPR_CAMERA=%s", c.camera,
			"ANPR_SOURCE=%s", c.source,
			"ANPR_STATE=%s", c.state,
			"ANPR_ACTIVE=%d", a->active,
			NULL);
	if (rc < 0) {
		snprintf(err, errlen, "journal: cannot send: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
