// SPDX-License-Identifier: MIT
/* config_map.c - configuration to part parameters; see config_map.h. */
#include "core/config_map.h"

#include <string.h>

void anprd_tracker_params(const struct anprd_config *cfg,
			  struct tracker_params *p)
{
	tracker_params_default(p);
	p->max_gap_us = cfg->tracker.max_gap_ms * 1000;
	p->timeout_us = cfg->tracker.timeout_ms * 1000;
	p->leave_grace_us = cfg->tracker.leave_grace_ms * 1000;
	p->gate = cfg->tracker.gate;
	p->min_reads = cfg->tracker.min_reads;
}

void anprd_health_params(const struct anprd_config *cfg,
			 struct health_params *p)
{
	health_params_default(p);
	p->black_level = cfg->health.black_level;
	p->saturated_fraction = cfg->health.saturated_fraction;
	p->blur_min = cfg->health.blur_min;
	p->frozen_after_us = cfg->health.frozen_after_ms * 1000;
}

void anprd_alert_cfg(const struct anprd_config *cfg,
		     struct alert_dispatch_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->socket_path = cfg->alerts.socket;
	c->webhook_url = cfg->alerts.webhook;
	c->webhook_timeout_ms = cfg->alerts.webhook_timeout_ms;
	c->webhook_client_cert = cfg->alerts.webhook_client_cert;
	c->webhook_client_key = cfg->alerts.webhook_client_key;
	c->webhook_ca = cfg->alerts.webhook_ca;
	c->webhook_tries = 3;
	c->journal = cfg->alerts.journal;
	c->queue_len = 4096;
}
