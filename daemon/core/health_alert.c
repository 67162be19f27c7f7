// SPDX-License-Identifier: MIT
/* health_alert.c - health conditions as alerts; see health_alert.h. */
#include "core/health_alert.h"

#include <stdio.h>
#include <string.h>

void health_alert_init(struct alert *a, unsigned cond, bool active, const char *camera,
		       const char *source, int64_t time_us)
{
	memset(a, 0, sizeof(*a));
	a->kind = ALERT_HEALTH;
	a->time_us = time_us;
	snprintf(a->camera, sizeof(a->camera), "%s", camera);
	snprintf(a->source, sizeof(a->source), "%s", source);
	snprintf(a->state, sizeof(a->state), "%s", health_cond_name(cond));
	a->active = active;
}

int health_alerts(unsigned changed, unsigned active,
		  const struct health_metrics *m, const char *camera,
		  const char *source, int64_t time_us, struct alert out[4])
{
	static const unsigned order[] = {HEALTH_BLACK, HEALTH_SATURATED,
					 HEALTH_BLURRED, HEALTH_FROZEN};
	int n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned c = order[i];
		struct alert *a = &out[n];
		if (!(changed & c))
			continue;
		health_alert_init(a, c, (active & c) != 0, camera, source, time_us);
		switch (c) {
		case HEALTH_BLACK:
			snprintf(a->detail, sizeof(a->detail),
				 "mean grey %.1f", m->mean);
			break;
		case HEALTH_SATURATED:
			snprintf(a->detail, sizeof(a->detail),
				 "%.0f %% of pixels saturated",
				 m->saturated * 100.0);
			break;
		case HEALTH_BLURRED:
			snprintf(a->detail, sizeof(a->detail),
				 "sharpness %.1f", m->sharpness);
			break;
		default:
			snprintf(a->detail, sizeof(a->detail), "%s",
				 a->active ? "the view has stopped changing"
					   : "the view changes again");
			break;
		}
		n++;
	}
	return n;
}
