// SPDX-License-Identifier: MIT
/* alert_journal.c - alerts as structured systemd journal entries. */
#include "alert_out.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

int alert_journal_priority(const struct alert *a)
{
	switch (a->kind) {
	case ALERT_HIT:
	case ALERT_HIT_SEARCHBACK:
		return a->action == HOTLIST_ACT_INTERCEPT ? LOG_CRIT
							   : LOG_WARNING;
	case ALERT_HEALTH:
		return a->active ? LOG_WARNING : LOG_NOTICE;
	default:
		return LOG_INFO;
	}
}

int alert_journal_send(const struct alert *a, char *err, size_t errlen)
{
	int rc, prio = alert_journal_priority(a);

	if (a->kind == ALERT_HIT || a->kind == ALERT_HIT_SEARCHBACK)
		rc = sd_journal_send(
			"MESSAGE=ANPR %s: %s matches %s on list %s (%s%s, "
			"priority %d): %s", alert_kind_name(a->kind), a->vrm,
			a->entry_vrm, a->list, alert_action_name(a->action),
			a->distance ? ", look-alike" : "", a->priority,
			a->reason,
			"PRIORITY=%d", prio,
			"SYSLOG_IDENTIFIER=anprd",
			"ANPR_ALERT=%s", alert_kind_name(a->kind),
			"ANPR_SEQ=%llu", (unsigned long long)a->seq,
			"ANPR_CAMERA=%s", a->camera,
			"ANPR_SOURCE=%s", a->source,
			"ANPR_VRM=%s", a->vrm,
			"ANPR_MATCH_VRM=%s", a->entry_vrm,
			"ANPR_LIST=%s", a->list,
			"ANPR_ACTION=%s", alert_action_name(a->action),
			"ANPR_PRIORITY=%d", a->priority,
			"ANPR_DISTANCE=%d", a->distance,
			"ANPR_RECORD=%llu", (unsigned long long)a->record_id,
			NULL);
	else
		rc = sd_journal_send(
			"MESSAGE=ANPR %s: %s%s%s", alert_kind_name(a->kind),
			a->state, a->state[0] ? " " : "", a->detail,
			"PRIORITY=%d", prio,
			"SYSLOG_IDENTIFIER=anprd",
			"ANPR_ALERT=%s", alert_kind_name(a->kind),
			"ANPR_SEQ=%llu", (unsigned long long)a->seq,
			"ANPR_CAMERA=%s", a->camera,
			"ANPR_SOURCE=%s", a->source,
			"ANPR_STATE=%s", a->state,
			"ANPR_ACTIVE=%d", a->active,
			NULL);
	if (rc < 0) {
		snprintf(err, errlen, "journal: cannot send: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
