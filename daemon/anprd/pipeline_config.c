// SPDX-License-Identifier: MIT
/* pipeline_config.c - anprd.conf to the pipeline's parameters; see
 * pipeline.h (pipeline_config_from). */
#include <string.h>

#include "core/config_map.h"
#include "anprd/pipeline.h"

void pipeline_config_from(const struct anprd_config *cfg, struct pl_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->camera_id = cfg->camera_id;
	pc->nsources = cfg->nsources < PL_MAX_SOURCES ? cfg->nsources : PL_MAX_SOURCES;
	for (int i = 0; i < pc->nsources; i++) {
		pc->sources[i].name = cfg->sources[i].name;
		pc->sources[i].uri = cfg->sources[i].uri;
		pc->sources[i].fps = cfg->sources[i].fps;
		pc->sources[i].roi = cfg->sources[i].has_roi ? &cfg->sources[i].roi : NULL;
	}
	pc->workers = cfg->reader.workers;
	anpr_reader_config_default(&pc->reader);
	pc->reader.region = strcmp(cfg->reader.country, "uk") == 0 ? ANPR_REGION_GB
								    : ANPR_REGION_AUTO;
	pc->reader.min_confidence = (float)cfg->reader.min_confidence;
	pc->reader.line_reread = cfg->reader.line_reread;
	anprd_tracker_params(cfg, &pc->tracker);
	pc->max_fuzzy = cfg->hotlists.max_fuzzy;
	pc->alert_dedup_ms = 60000;
	pc->heartbeat_ms = cfg->health.heartbeat_ms;
	pc->search_back_ms = cfg->hotlists.search_back_ms;
	pc->fixed_lat = cfg->location.latitude;
	pc->fixed_lon = cfg->location.longitude;
	pc->lane = cfg->location.lane > 0 ? (unsigned)cfg->location.lane : 0;
	anprd_health_params(cfg, &pc->health);
	pc->unread.window = cfg->health.unreadable_window;
	pc->unread.raise = cfg->health.unreadable_raise;
	pc->health_every_ms = 1000;
}
