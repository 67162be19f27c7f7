/* SPDX-License-Identifier: MIT */
/*
 * health_alert.h - turn the conditions health_check() reports as changed
 * into health alerts (docs/alerts.md): one per condition raised or
 * cleared, with the measurement that decided it.
 */
#ifndef ANPRD_HEALTH_ALERT_H
#define ANPRD_HEALTH_ALERT_H

#include <stdbool.h>

#include "core/alert.h"
#include "core/health.h"

/*
 * health_alerts - fill out[0..4) for each condition in `changed`; its
 * state in `active` says raised or cleared. Returns how many.
 */
/*
 * health_alert_init - *a as the health alert of condition `cond` (raised
 * when `active`) of camera's source at time_us; its detail left empty.
 */
void health_alert_init(struct alert *a, unsigned cond, bool active, const char *camera,
		       const char *source, int64_t time_us);

int health_alerts(unsigned changed, unsigned active,
		  const struct health_metrics *m, const char *camera,
		  const char *source, int64_t time_us, struct alert out[4]);

#endif
