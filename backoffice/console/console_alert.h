/* SPDX-License-Identifier: MIT */
/*
 * console_alert.h - an anpr-alert/2 line as anpr-console takes it from a
 * camera (docs/alerts.md, "The JSON line"): parsed with jansson, strictly
 * (duplicate keys, unknown keys, wrong types, a missing field are each a
 * refusal naming the field), and its camera checked against the one the
 * client certificate names. Pure: no I/O.
 */
#ifndef ANPR_CONSOLE_ALERT_H
#define ANPR_CONSOLE_ALERT_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_ALERT_LINE_MAX 8192	/* anprd's ALERT_LINE_MAX */

struct console_alert {
	int64_t seq;
	char kind[16];
	char time[28];		/* as in the line: YYYY-MM-DDTHH:MM:SS.ffffffZ */
	char camera[33];
};

/* 0 and *out filled; 400 (the line is not an anpr-alert/2 line: why says
 * which field and what is wrong) or 403 (a valid line of another camera
 * than cert_camera). why names fields, never their values. */
int console_alert_check(const char *body, size_t len, const char *cert_camera,
			struct console_alert *out, char *why, size_t whylen);

#endif
