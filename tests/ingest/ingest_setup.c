// SPDX-License-Identifier: MIT
/*
 * ingest_setup - test driver for the end-to-end suite: applies the
 * migrations and registers cameras through the store's own library
 * (anprstore.h), as anpr-db does.
 *   ingest_setup CONNINFO migrate DIR
 *   ingest_setup CONNINFO camera ID PUBKEY_B64 CERT_SHA256 [KEY_B64...]
 *   ingest_setup CONNINFO revoke-cert CERT_SHA256
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/anprstore.h"

int main(int argc, char **argv)
{
	struct anpr_store *st;
	char err[1024];
	int rc = 0, n = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: ingest_setup CONNINFO migrate DIR | "
			"camera ID PUBKEY_B64 CERT_SHA256 | revoke-cert FP\n");
		return 2;
	}
	if (anpr_store_open(&st, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "ingest_setup: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "migrate") == 0) {
		rc = anpr_store_migrate(st, argv[3], &n, err, sizeof err);
	} else if (strcmp(argv[2], "camera") == 0 && argc >= 6) {
		struct anpr_camera c;

		memset(&c, 0, sizeof c);
		snprintf(c.camera_id, sizeof c.camera_id, "%s", argv[3]);
		snprintf(c.site_id, sizeof c.site_id, "SITE-%s", argv[3]);
		c.site_lat = 52.0;
		c.site_lon = -1.5;
		c.site_bearing_deg = 90;
		rc = anpr_store_camera_add(st, &c, err, sizeof err);
		for (int i = 4; !rc && i < argc; i++) {
			if (i == 5)
				continue;
			rc = anpr_store_camera_key_add(st, argv[3], argv[i],
						       NULL, err, sizeof err);
		}
		if (!rc)
			rc = anpr_store_cert_add(st, argv[3], argv[5],
						 "CN=test", (int64_t)time(NULL) +
						 86400, err, sizeof err);
	} else if (strcmp(argv[2], "revoke-cert") == 0) {
		rc = anpr_store_cert_revoke(st, argv[3], err, sizeof err);
	} else {
		fprintf(stderr, "ingest_setup: unknown command %s\n", argv[2]);
		rc = -1;
		snprintf(err, sizeof err, "usage");
	}
	if (rc)
		fprintf(stderr, "ingest_setup: %s: %s\n", argv[2], err);
	anpr_store_close(st);
	return rc ? 1 : 0;
}
