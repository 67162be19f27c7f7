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
 * Below the spool directory nothing is followed: anprd makes only
 * directories and regular files there, so a symbolic link (at records/,
 * at the shard, or at the file) or a FIFO, socket or device in their
 * place was planted, and is refused as "not shown" without being opened
 * through (docs/threat-model.md, "The in-car page").
 */
#include "incar/incar.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * read_in_spool - the regular file records/SHARD/NAME under spool_dir, at
 * most limit bytes, into a malloc'd *buf, opening each step with
 * O_NOFOLLOW (a link anywhere below the spool is refused, not followed).
 * INCAR_PLATE_GONE where nothing is there (the uploader deleted it),
 * INCAR_PLATE_MISMATCH for a link or anything not a directory or regular
 * file, INCAR_PLATE_ERROR otherwise; why says which, naming the path.
 */
static enum incar_plate_result read_in_spool(const char *spool_dir, uint64_t shard,
					     const char *name, size_t limit, char **buf,
					     size_t *len, char *why, size_t whylen)
{
	char step[32], path[4096];
	const char *steps[3] = { "records", step, name };
	int dfd, fd;
	struct stat st;

	snprintf(step, sizeof step, "%08" PRIu64, shard);
	snprintf(path, sizeof path, "%s/records/%s/%s", spool_dir, step, name);
	dfd = open(spool_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(why, whylen, "%s: cannot open: %s", spool_dir, strerror(errno));
		return INCAR_PLATE_ERROR;
	}
	for (int i = 0; i < 3; i++) {
		fd = openat(dfd, steps[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
			    O_CLOEXEC | (i < 2 ? O_DIRECTORY : 0));
		int e = errno;

		close(dfd);
		if (fd < 0) {
			snprintf(why, whylen, "%s: %s", path,
				 e == ENOENT ? "not there" :
				 e == ELOOP || e == ENOTDIR ?
				 "a symbolic link or other file where the spool has a directory "
				 "or a regular file: not shown" : strerror(e));
			return e == ENOENT ? INCAR_PLATE_GONE :
			       e == ELOOP || e == ENOTDIR ? INCAR_PLATE_MISMATCH : INCAR_PLATE_ERROR;
		}
		dfd = fd;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: %s, not a regular file: not shown", path,
			 file_kind(st.st_mode));
		close(fd);
		return INCAR_PLATE_MISMATCH;
	}
	char err[600];
	int rc = read_fd_limited_with(fd, path, limit, malloc, free, buf, len, err, sizeof err);

	close(fd);
	if (rc != 0) {
		snprintf(why, whylen, "%s", err);
		return INCAR_PLATE_ERROR;
	}
	return INCAR_PLATE_OK;
}

enum incar_plate_result incar_plate(const char *spool_dir, const char *record_id,
				    uint8_t **img, size_t *len, char *why, size_t whylen)
{
	uint64_t seq = seq_of(record_id);
	char name[32], path[4096], err[512], *buf = NULL;
	struct ev_record *r;
	uint8_t want[EV_HASH_LEN], got[EV_HASH_LEN];
	enum incar_plate_result res;
	size_t n;
	int rc;

	if (!seq) {
		snprintf(why, whylen, "not a record id");
		return INCAR_PLATE_BAD_ID;
	}
	snprintf(name, sizeof name, "%012" PRIu64 ".rec", seq);
	res = read_in_spool(spool_dir, seq / 10000, name, EV_RECORD_MAX, &buf, &n, why, whylen);
	if (res == INCAR_PLATE_GONE) {
		snprintf(why, whylen, "record %s is no longer on this host (uploaded, "
			 "then deleted from the spool)", record_id);
		return INCAR_PLATE_GONE;
	}
	if (res != INCAR_PLATE_OK)
		return res;
	r = malloc(sizeof *r);
	if (!r) {
		free(buf);
		snprintf(why, whylen, "out of memory");
		return INCAR_PLATE_ERROR;
	}
	snprintf(path, sizeof path, "%s/records/%08" PRIu64 "/%s", spool_dir, seq / 10000, name);
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
	ev_unhex(r->v[EV_F_PLATE_HASH], want, EV_HASH_LEN);
	res = read_in_spool(spool_dir, seq / 10000, r->v[EV_F_PLATE_FILE], INCAR_PLATE_MAX,
			    &buf, &n, why, whylen);
	free(r);
	if (res == INCAR_PLATE_GONE) {
		snprintf(why, whylen, "the plate image of record %s is no longer on this host",
			 record_id);
		return INCAR_PLATE_GONE;
	}
	if (res != INCAR_PLATE_OK)
		return res;
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
