// SPDX-License-Identifier: MIT
/*
 * console_clones.c - a cloned-plate flag's two reads for an operator
 * (docs/console.md, "Built: cloned and impossible plates"; 0020):
 *
 *   GET  /v1/clones/ID/earlier|later/plate.jpg, overview.jpg
 *        the read's image, asked of anpr.clone_image as the person (the
 *        hit images' policy and audit), from the image store checked
 *        against its SHA-256; 403 refused (audited), 404 none
 *   POST /v1/clones/ID/action {"action", "note"}    console_actions.c
 *
 * The flags themselves reach the page on the alerts' stream
 * (console_events.c).
 */
#include "console/console.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#define USAGE "GET /v1/clones/ID/earlier or later/plate.jpg or overview.jpg; " \
	      "POST /v1/clones/ID/action"

static enum MHD_Result clone_image(struct MHD_Connection *c, PGconn *pg, const char *user,
				   const char *id, const char *read, const char *which)
{
	const char *v[3] = { id, read, which };
	char what[96];

	snprintf(what, sizeof what, "%s image of the %s read of cloned-plate flag %s", which,
		 read, id);
	return console_decided_image(c, pg, user, "SELECT allowed, why, capture_day::text, "
				     "encode(sha256, 'hex') FROM anpr.clone_image($1::bigint, $2, $3)",
				     3, v, what, NULL, "the read has no such image");
}

enum MHD_Result console_clones(struct MHD_Connection *c, PGconn *pg, const char *user,
			       const char *path, bool post, const char *body, size_t len)
{
	const char *slash = strchr(path, '/');
	char id[20];

	if (!slash || !console_id_ok(path, (size_t)(slash - path)))
		return console_error(c, 404, "not-found", USAGE);
	snprintf(id, sizeof id, "%.*s", (int)(slash - path), path);
	if (post)
		return strcmp(slash, "/action") == 0 ?
		       console_act(c, pg, user, id, body, len, true) :
		       console_error(c, 404, "not-found", USAGE);

	const char *rd = strncmp(slash, "/earlier/", 9) == 0 ? "earlier" :
			 strncmp(slash, "/later/", 7) == 0 ? "later" : NULL;
	const char *img = rd ? slash + 2 + strlen(rd) : "";

	if (rd && strcmp(img, "plate.jpg") == 0)
		return clone_image(c, pg, user, id, rd, "plate");
	if (rd && strcmp(img, "overview.jpg") == 0)
		return clone_image(c, pg, user, id, rd, "overview");
	return console_error(c, 404, "not-found", USAGE);
}
