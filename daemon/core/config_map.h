/* SPDX-License-Identifier: MIT */
/*
 * config_map.h - the parameters of anprd's parts as the configuration
 * sets them (one place that turns milliseconds into microseconds and the
 * like, so every part reads anprd.conf the same way).
 */
#ifndef ANPRD_CONFIG_MAP_H
#define ANPRD_CONFIG_MAP_H

#include "core/alert_dispatch.h"
#include "core/config.h"
#include "core/health.h"
#include "core/tracker.h"

void anprd_tracker_params(const struct anprd_config *cfg,
			  struct tracker_params *p);
void anprd_health_params(const struct anprd_config *cfg,
			 struct health_params *p);
/* Strings in *c point into cfg. */
void anprd_alert_cfg(const struct anprd_config *cfg,
		     struct alert_dispatch_cfg *c);

#endif
