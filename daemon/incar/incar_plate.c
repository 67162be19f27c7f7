// SPDX-License-Identifier: MIT
/*
 * incar_plate.c - a hit's plate patch for the in-car page, out of anprd's
 * spool (docs/spool.md: records/NNNNNNNN/SSSSSSSSSSSS.rec, shard = seq /
 * 10000, the images beside it).
 * The record is parsed with the evidence library (strict), must be the one
 * the page asked for (its record_id, so that a record of another chain at
 * the same place is never shown), and the patch must hash to the record's
 * plate_image_sha256: what the officer sees is what the evidence holds. A
 * record the uploader has sent and deleted is "gone", said as such.
 */
#include "incar/incar.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/readfile.h"
#include "evidence/evidence.h"

/* The chain position of a record id CAMERA-CHAINID-SEQ: the digits after
 * the last '-', 1..18 of them, no leading zero; 0 if it is not one. The
 * id must be a TOKEN (the record format's class): no '/' or '..' reaches
 * a path. */
static uint64_t seq_of(const char *id)
{
	const char *d = strrchr(id, '-');
	uint64_t v = 0;

	if (ev_value_check(EV_K_TOKEN, id) != 0 || !d || d == id || !d[1] || d[1] == '0' ||
	    strlen(d + 1) > 18)
		return 0;
	for (const char *p = d + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v;
}

/* Nothing at path (the uploader deleted it): said apart from the errors. */
static bool absent(const char *path)
{
	return access(path, F_OK) != 0 && errno == ENOENT;
}

enum incar_plate_result incar_plate(const char *spool_dir, const char *record_id,
				    uint8_t **img, size_t *len, char *why, size_t whylen)
{
	uint64_t seq = seq_of(record_id);
	char path[4096], err[512], *buf = NULL;
	struct ev_record *r;
	uint8_t want[EV_HASH_LEN], got[EV_HASH_LEN];
	size_t n;
	int rc;

	if (!seq) {
		snprintf(why, whylen, "not a record id");
		return INCAR_PLATE_BAD_ID;
	}
	snprintf(path, sizeof path, "%s/records/%08" PRIu64 "/%012" PRIu64 ".rec", spool_dir,
		 seq / 10000, seq);
	if (absent(path)) {
		snprintf(why, whylen, "record %s is no longer on this host (uploaded, "
			 "then deleted from the spool)", record_id);
		return INCAR_PLATE_GONE;
	}
	rc = read_file_limited(path, EV_RECORD_MAX, &buf, &n, err, sizeof err);
	if (rc != 0) {
		snprintf(why, whylen, "%s", err);
		return INCAR_PLATE_ERROR;
	}
	r = malloc(sizeof *r);
	if (!r) {
		free(buf);
		snprintf(why, whylen, "out of memory");
		return INCAR_PLATE_ERROR;
	}
	rc = ev_record_parse(buf, n, path, r, err, sizeof err);
	free(buf);
	if (rc != 0 || strcmp(r->v[EV_F_RECORD_ID], record_id) != 0) {
		/* another chain's record at this place is not the one asked for */
		snprintf(why, whylen, rc != 0 ? "%s" : "record %s is no longer on this host "
			 "(another record is at its place)", rc != 0 ? err : record_id);
		free(r);
		return rc != 0 ? INCAR_PLATE_ERROR : INCAR_PLATE_GONE;
	}
	if (r->type != EV_READ || strcmp(r->v[EV_F_PLATE_FILE], "-") == 0) {
		snprintf(why, whylen, "record %s has no plate image", record_id);
		free(r);
		return INCAR_PLATE_NONE;
	}
	snprintf(path, sizeof path, "%s/records/%08" PRIu64 "/%s", spool_dir, seq / 10000,
		 r->v[EV_F_PLATE_FILE]);
	ev_unhex(r->v[EV_F_PLATE_HASH], want, EV_HASH_LEN);
	free(r);
	if (absent(path)) {
		snprintf(why, whylen, "the plate image of record %s is no longer on this host",
			 record_id);
		return INCAR_PLATE_GONE;
	}
	rc = read_file_limited(path, INCAR_PLATE_MAX, &buf, &n, err, sizeof err);
	if (rc != 0) {
		snprintf(why, whylen, "%s", err);
		return INCAR_PLATE_ERROR;
	}
	ev_sha256(buf, n, got);
	if (memcmp(want, got, EV_HASH_LEN) != 0) {
		snprintf(why, whylen, "the plate image of record %s does not match the SHA-256 "
			 "its record names: not shown", record_id);
		free(buf);
		return INCAR_PLATE_MISMATCH;
	}
	*img = (uint8_t *)buf;
	*len = n;
	return INCAR_PLATE_OK;
}
