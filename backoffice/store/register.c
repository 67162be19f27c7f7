// SPDX-License-Identifier: MIT
/*
 * register.c - the camera register: cameras, their minisign keys, their
 * client certificates. Errors name the camera, key id or certificate
 * fingerprint, never a site or position.
 */
#include "store/store_int.h"

#include "evidence/evidence.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_CAMERA(id)                                                      \
	do {                                                                  \
		if (!st_token_ok((id), 32)) {                                 \
			st_err(err, errlen, "camera id: not 1-32 of "         \
					    "[A-Za-z0-9_.:+-]");                \
			return ANPR_STORE_EINVAL;                             \
		}                                                             \
	} while (0)

#define CHECK_FPR(f)                                                          \
	do {                                                                  \
		if (!st_hash_hex_ok(f)) {                                     \
			st_err(err, errlen, "certificate fingerprint: not "   \
					    "64 lower-case hex digits");      \
			return ANPR_STORE_EINVAL;                             \
		}                                                             \
	} while (0)

/* Run a statement that changes one row or none: 0, ENOENT (none), or the
 * statement's error. */
static int one_row(struct anpr_store *st, const char *what, const char *sql,
		   const struct sparams *p, int *changed, char *err,
		   size_t errlen)
{
	int rc = st_ready(st, err, errlen);
	PGresult *r;

	if (rc)
		return rc;
	r = st_exec(st, what, sql, p, &rc, err, errlen);
	if (!r)
		return rc;
	*changed = atoi(PQcmdTuples(r));
	PQclear(r);
	return 0;
}

int anpr_store_camera_add(struct anpr_store *st, const struct anpr_camera *c,
			  char *err, size_t errlen)
{
	struct sparams p;
	char what[80];
	int rc, n = 0;
	bool site = c->site_id[0] != '\0';

	CHECK_CAMERA(c->camera_id);
	if (!c->mobile && !site) {
		st_err(err, errlen, "camera %s: a fixed camera needs a site",
		       c->camera_id);
		return ANPR_STORE_EINVAL;
	}
	if (site && (isnan(c->site_lat) || isnan(c->site_lon) ||
		     fabs(c->site_lat) > 90 || fabs(c->site_lon) > 180 ||
		     c->site_bearing_deg < -1 || c->site_bearing_deg > 359)) {
		st_err(err, errlen,
		       "camera %s: site position or bearing out of range",
		       c->camera_id);
		return ANPR_STORE_EINVAL;
	}
	snprintf(what, sizeof what, "adding camera %s", c->camera_id);
	sp_init(&p);
	sp_text(&p, c->camera_id);
	sp_text(&p, c->mobile ? "mobile" : "fixed");
	sp_opt(&p, c->site_id);
	sp_f64(&p, site ? c->site_lat : NAN);
	sp_f64(&p, site ? c->site_lon : NAN);
	if (site && c->site_bearing_deg >= 0)
		sp_i64(&p, c->site_bearing_deg);
	else
		sp_text(&p, NULL);
	sp_text(&p, c->retired ? "t" : "f");
	rc = one_row(st, what,
		     "INSERT INTO anpr.cameras (camera_id, kind, site_id, site_lat, "
		     "site_lon, site_bearing_deg, retired_at) VALUES ($1, $2, $3, "
		     "$4::float8, $5::float8, $6::int, CASE WHEN $7::bool THEN now() END)",
		     &p, &n, err, errlen);
	if (rc == ANPR_STORE_EEXIST)
		st_err(err, errlen, "camera %s: already registered", c->camera_id);
	return rc;
}

int anpr_store_camera_retire(struct anpr_store *st, const char *camera_id,
			     char *err, size_t errlen)
{
	struct sparams p;
	struct anpr_camera c = { 0 };
	int rc, n = 0;

	CHECK_CAMERA(camera_id);
	rc = anpr_store_camera_get(st, camera_id, &c, err, errlen);
	if (rc)
		return rc;
	if (c.retired) {
		st_err(err, errlen, "camera %s: retired already", camera_id);
		return ANPR_STORE_EEXIST;
	}
	sp_init(&p);
	sp_text(&p, camera_id);
	return one_row(st, "retiring a camera",
		       "UPDATE anpr.cameras SET retired_at = now() "
		       "WHERE camera_id = $1 AND retired_at IS NULL",
		       &p, &n, err, errlen);
}

int anpr_store_camera_get(struct anpr_store *st, const char *camera_id,
			  struct anpr_camera *c, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;
	const char *v;

	CHECK_CAMERA(camera_id);
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, camera_id);
	r = st_exec(st, "reading the camera register",
		    "SELECT kind, retired_at IS NOT NULL, site_id, site_lat, site_lon, "
		    "site_bearing_deg FROM anpr.cameras WHERE camera_id = $1",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		st_err(err, errlen, "camera %s: not registered", camera_id);
		return ANPR_STORE_ENOENT;
	}
	memset(c, 0, sizeof *c);
	snprintf(c->camera_id, sizeof c->camera_id, "%s", camera_id);
	c->mobile = strcmp(PQgetvalue(r, 0, 0), "mobile") == 0;
	c->retired = PQgetvalue(r, 0, 1)[0] == 't';
	snprintf(c->site_id, sizeof c->site_id, "%s",
		 (v = st_val(r, 0, 2)) ? v : "");
	c->site_lat = (v = st_val(r, 0, 3)) ? strtod(v, NULL) : NAN;
	c->site_lon = (v = st_val(r, 0, 4)) ? strtod(v, NULL) : NAN;
	c->site_bearing_deg = (v = st_val(r, 0, 5)) ? atoi(v) : -1;
	PQclear(r);
	return 0;
}

int anpr_store_camera_key_add(struct anpr_store *st, const char *camera_id,
			      const char *public_key_b64,
			      const char *via_record_id, char *err,
			      size_t errlen)
{
	struct ev_key k;
	struct sparams p;
	char id[17], what[96];
	int rc, n = 0;

	CHECK_CAMERA(camera_id);
	if (!public_key_b64 || strlen(public_key_b64) != 56 ||
	    ev_pubkey_from_b64(public_key_b64, &k, "public key", err, errlen)) {
		st_err(err, errlen,
		       "camera %s: not a minisign Ed25519 public key line "
		       "(56 base64 characters)", camera_id);
		return ANPR_STORE_EINVAL;
	}
	if (via_record_id && !st_token_ok(via_record_id, 64)) {
		st_err(err, errlen, "camera %s: rotation record id malformed",
		       camera_id);
		return ANPR_STORE_EINVAL;
	}
	ev_key_id(k.keynum, id);
	snprintf(what, sizeof what, "camera %s: adding key %s", camera_id, id);
	sp_init(&p);
	sp_text(&p, camera_id);
	sp_text(&p, id);
	sp_text(&p, public_key_b64);
	sp_text(&p, via_record_id);
	rc = one_row(st, what,
		     "INSERT INTO anpr.camera_keys (camera_id, key_id, public_key, "
		     "via_record_id) SELECT $1, $2, $3, $4 "
		     "WHERE EXISTS (SELECT 1 FROM anpr.cameras WHERE camera_id = $1)",
		     &p, &n, err, errlen);
	if (rc == ANPR_STORE_EEXIST) {
		st_err(err, errlen, "camera %s: key %s already registered",
		       camera_id, id);
		return rc;
	}
	if (!rc && n == 0) {
		st_err(err, errlen, "camera %s: not registered", camera_id);
		return ANPR_STORE_ENOENT;
	}
	return rc;
}

int anpr_store_camera_key_revoke(struct anpr_store *st, const char *camera_id,
				 const char *key_id, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	CHECK_CAMERA(camera_id);
	if (!key_id || strlen(key_id) != 16 || strspn(key_id, "0123456789ABCDEF") != 16) {
		st_err(err, errlen, "camera %s: key id not 16 upper-case hex digits",
		       camera_id);
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, camera_id);
	sp_text(&p, key_id);
	/* one statement says which of the three it was: revoked now, revoked
	 * before, or no such key */
	r = st_exec(st, "revoking a camera key",
		    "WITH k AS (SELECT revoked_at FROM anpr.camera_keys "
		    " WHERE camera_id = $1 AND key_id = $2), "
		    "u AS (UPDATE anpr.camera_keys SET revoked_at = now() "
		    " WHERE camera_id = $1 AND key_id = $2 AND revoked_at IS NULL "
		    " RETURNING 1) "
		    "SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM u)",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (st_i64(r, 0, 0) == 0) {
		st_err(err, errlen, "camera %s: no key %s", camera_id, key_id);
		rc = ANPR_STORE_ENOENT;
	} else if (st_i64(r, 0, 1) == 0) {
		st_err(err, errlen, "camera %s: key %s revoked already",
		       camera_id, key_id);
		rc = ANPR_STORE_EEXIST;
	}
	PQclear(r);
	return rc;
}

int anpr_store_camera_keys(struct anpr_store *st, const char *camera_id,
			   struct anpr_camera_key *keys, size_t cap, size_t *n,
			   char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;
	size_t rows;

	*n = 0;
	CHECK_CAMERA(camera_id);
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, camera_id);
	r = st_exec_ps(st, "reading camera keys",
		    "SELECT key_id, public_key, revoked_at IS NOT NULL "
		    "FROM anpr.camera_keys WHERE camera_id = $1 ORDER BY added_at, key_id",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	rows = (size_t)PQntuples(r);
	for (size_t i = 0; i < rows && i < cap; i++) {
		memset(&keys[i], 0, sizeof keys[i]);
		snprintf(keys[i].key_id, sizeof keys[i].key_id, "%s",
			 PQgetvalue(r, (int)i, 0));
		snprintf(keys[i].public_key_b64, sizeof keys[i].public_key_b64,
			 "%s", PQgetvalue(r, (int)i, 1));
		keys[i].revoked = PQgetvalue(r, (int)i, 2)[0] == 't';
	}
	*n = rows < cap ? rows : cap;
	PQclear(r);
	return 0;
}

int anpr_store_cert_add(struct anpr_store *st, const char *camera_id,
			const char *fingerprint, const char *subject,
			int64_t not_after_unix, char *err, size_t errlen)
{
	struct sparams p;
	char what[128];
	int rc, n = 0;

	CHECK_CAMERA(camera_id);
	CHECK_FPR(fingerprint);
	snprintf(what, sizeof what, "camera %s: adding certificate %.16s...",
		 camera_id, fingerprint);
	sp_init(&p);
	sp_text(&p, fingerprint);
	sp_text(&p, camera_id);
	sp_text(&p, subject ? subject : "");
	sp_i64(&p, not_after_unix);
	rc = one_row(st, what,
		     "INSERT INTO anpr.camera_certs (fingerprint_sha256, camera_id, "
		     "subject, not_after) SELECT $1, $2, $3, to_timestamp($4::bigint) "
		     "WHERE EXISTS (SELECT 1 FROM anpr.cameras WHERE camera_id = $2)",
		     &p, &n, err, errlen);
	if (rc == ANPR_STORE_EEXIST) {
		st_err(err, errlen, "certificate %.16s...: already registered",
		       fingerprint);
		return rc;
	}
	if (!rc && n == 0) {
		st_err(err, errlen, "camera %s: not registered", camera_id);
		return ANPR_STORE_ENOENT;
	}
	return rc;
}

int anpr_store_camera_certs(struct anpr_store *st, const char *camera_id,
			    struct anpr_camera_cert *certs, size_t cap,
			    size_t *n, char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;
	size_t rows;

	*n = 0;
	CHECK_CAMERA(camera_id);
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, camera_id);
	r = st_exec(st, "reading camera certificates",
		    "SELECT fingerprint_sha256, subject, "
		    "extract(epoch FROM not_after)::bigint, revoked_at IS NOT NULL "
		    "FROM anpr.camera_certs WHERE camera_id = $1 "
		    "ORDER BY added_at, fingerprint_sha256", &p, &rc, err, errlen);
	if (!r)
		return rc;
	rows = (size_t)PQntuples(r);
	for (size_t i = 0; i < rows && i < cap; i++) {
		memset(&certs[i], 0, sizeof certs[i]);
		snprintf(certs[i].fingerprint, sizeof certs[i].fingerprint, "%s",
			 PQgetvalue(r, (int)i, 0));
		snprintf(certs[i].subject, sizeof certs[i].subject, "%s",
			 PQgetvalue(r, (int)i, 1));
		certs[i].not_after_unix = st_i64(r, (int)i, 2);
		certs[i].revoked = PQgetvalue(r, (int)i, 3)[0] == 't';
	}
	*n = rows < cap ? rows : cap;
	PQclear(r);
	return 0;
}

int anpr_store_cert_revoke(struct anpr_store *st, const char *fingerprint,
			   char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	int rc;

	CHECK_FPR(fingerprint);
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	sp_init(&p);
	sp_text(&p, fingerprint);
	r = st_exec(st, "revoking a certificate",
		    "WITH k AS (SELECT 1 FROM anpr.camera_certs WHERE fingerprint_sha256 = $1), "
		    "u AS (UPDATE anpr.camera_certs SET revoked_at = now() "
		    " WHERE fingerprint_sha256 = $1 AND revoked_at IS NULL RETURNING 1) "
		    "SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM u)",
		    &p, &rc, err, errlen);
	if (!r)
		return rc;
	if (st_i64(r, 0, 0) == 0) {
		st_err(err, errlen, "certificate %.16s...: not registered",
		       fingerprint);
		rc = ANPR_STORE_ENOENT;
	} else if (st_i64(r, 0, 1) == 0) {
		st_err(err, errlen, "certificate %.16s...: revoked already",
		       fingerprint);
		rc = ANPR_STORE_EEXIST;
	}
	PQclear(r);
	return rc;
}

int anpr_store_cert_camera(struct anpr_store *st, const char *fingerprint,
			   int64_t now_unix, char camera_id[33], char *err,
			   size_t errlen)
{
	size_t n;

	return anpr_store_cert_camera_keys(st, fingerprint, now_unix, camera_id,
					   NULL, 0, &n, err, errlen);
}

int anpr_store_cert_camera_keys(struct anpr_store *st, const char *fingerprint,
				int64_t now_unix, char camera_id[33],
				struct anpr_camera_key *keys, size_t cap,
				size_t *n, char *err, size_t errlen)
{
	return anpr_store_request_lookup(st, fingerprint, now_unix, NULL,
					 camera_id, keys, cap, n, NULL, err,
					 errlen);
}

int anpr_store_request_lookup(struct anpr_store *st, const char *fingerprint,
			      int64_t now_unix, const char *record_id,
			      char camera_id[33], struct anpr_camera_key *keys,
			      size_t cap, size_t *n, struct anpr_held *held,
			      char *err, size_t errlen)
{
	if (held && !record_id) {
		memset(held, 0, sizeof *held);
		st_err(err, errlen, "record id: not 1-64 of [A-Za-z0-9_.:+-]");
		return ANPR_STORE_EINVAL;
	}
	return anpr_store_request_lookup_n(st, fingerprint, now_unix,
					   held ? &record_id : NULL, held ? 1 : 0,
					   camera_id, keys, cap, n, held, err,
					   errlen);
}

/* What is held under each of ids, from the lines "id sha256 chain seq"
 * the statement aggregated (ids are record ids: no blank in them). */
static void held_from_lines(const char *lines, const char *const *ids, size_t nids,
			    struct anpr_held *held)
{
	const char *p = lines;

	while (p && *p) {
		char id[65], hex[65], chain[17];
		unsigned long long seq;
		const char *nl = strchr(p, '\n');

		if (sscanf(p, "%64s %64s %16s %llu", id, hex, chain, &seq) == 4) {
			for (size_t i = 0; i < nids; i++) {
				uint8_t h[32];

				if (strcmp(ids[i], id) != 0 || ev_unhex(hex, h, 32) != 0)
					continue;
				held[i].held = true;
				memcpy(held[i].sha256, h, 32);
				snprintf(held[i].chain_id, sizeof held[i].chain_id, "%s", chain);
				held[i].chain_seq = (uint64_t)seq;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
}

int anpr_store_request_lookup_n(struct anpr_store *st, const char *fingerprint,
				int64_t now_unix, const char *const *ids, size_t nids,
				char camera_id[33], struct anpr_camera_key *keys,
				size_t cap, size_t *n, struct anpr_held *held,
				char *err, size_t errlen)
{
	struct sparams p;
	PGresult *r;
	char *arr = NULL;
	size_t off = 0;
	int rc, rows;

	camera_id[0] = '\0';
	*n = 0;
	if (held)
		memset(held, 0, nids * sizeof *held);
	CHECK_FPR(fingerprint);
	if (nids > ANPR_STORE_LOOKUP_IDS_MAX || (nids && (!ids || !held))) {
		st_err(err, errlen, "record ids: at most %d, and somewhere to say what "
		       "is held", ANPR_STORE_LOOKUP_IDS_MAX);
		return ANPR_STORE_EINVAL;
	}
	for (size_t i = 0; i < nids; i++)
		if (!ids[i] || !st_token_ok(ids[i], 64)) {
			st_err(err, errlen, "record id: not 1-64 of [A-Za-z0-9_.:+-]");
			return ANPR_STORE_EINVAL;
		}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	if (nids) {
		/* a text[] literal; each id quoted (an id may be "NULL"), and
		 * an id holds no quote, backslash, comma or brace (st_token_ok) */
		arr = malloc(nids * 67 + 3);
		if (!arr) {
			st_err(err, errlen, "out of memory");
			return ANPR_STORE_EIO;
		}
		arr[off++] = '{';
		for (size_t i = 0; i < nids; i++)
			off += (size_t)sprintf(arr + off, "%s\"%s\"", i ? "," : "", ids[i]);
		arr[off++] = '}';
		arr[off] = '\0';
	}
	sp_init(&p);
	sp_text(&p, fingerprint);
	sp_i64(&p, now_unix);
	sp_text(&p, arr);
	/* one row per key of the camera (one with NULL key columns if it has
	 * none): the register's answer, the keys and, if asked, what is held
	 * under the record ids (one line each, "id sha256 chain seq") in one
	 * statement (a round trip and a statement per request fewer than the
	 * look-ups apart: docs/backoffice.md, "The request path"). The held
	 * look-up is a probe of record_index's unique index per id, kept so
	 * by the OFFSET 0 (the subquery cannot be flattened into a join):
	 * as "record_id = ANY($3)" a new store's generic plan, made while the
	 * table looked empty to the planner, scanned the whole table on every
	 * request until autovacuum's first ANALYZE (auto_explain in the
	 * ingest bench: 4.5 ms a request on 1,800 rows, growing with them) */
	r = st_exec_ps(st, "looking up a certificate",
		    "SELECT k.camera_id, k.revoked_at IS NOT NULL, "
		    "k.not_after <= to_timestamp($2::bigint), c.retired_at IS NOT NULL, "
		    "ck.key_id, ck.public_key, ck.revoked_at IS NOT NULL, ri.held "
		    "FROM anpr.camera_certs k JOIN anpr.cameras c USING (camera_id) "
		    "LEFT JOIN anpr.camera_keys ck ON ck.camera_id = k.camera_id "
		    "LEFT JOIN LATERAL (SELECT string_agg(j.record_id || ' ' || "
		    "encode(j.sha256, 'hex') || ' ' || j.chain_id || ' ' || j.chain_seq, "
		    "E'\\n') AS held FROM unnest($3::text[]) AS q(id) "
		    "CROSS JOIN LATERAL (SELECT x.record_id, x.sha256, x.chain_id, "
		    "x.chain_seq FROM anpr.record_index x "
		    "WHERE x.record_id = q.id OFFSET 0) j) ri ON true "
		    "WHERE k.fingerprint_sha256 = $1 ORDER BY ck.added_at, ck.key_id",
		    &p, &rc, err, errlen);
	free(arr);
	if (!r)
		return rc;
	rows = PQntuples(r);
	if (nids && rows > 0 && !PQgetisnull(r, 0, 7))
		held_from_lines(PQgetvalue(r, 0, 7), ids, nids, held);
	if (rows < 1) {
		st_err(err, errlen, "certificate %.16s...: not registered",
		       fingerprint);
		rc = ANPR_STORE_ENOENT;
	} else if (PQgetvalue(r, 0, 1)[0] == 't') {
		st_err(err, errlen, "certificate %.16s... of camera %s: revoked",
		       fingerprint, PQgetvalue(r, 0, 0));
		rc = ANPR_STORE_ENOENT;
	} else if (PQgetvalue(r, 0, 2)[0] == 't') {
		st_err(err, errlen, "certificate %.16s... of camera %s: expired",
		       fingerprint, PQgetvalue(r, 0, 0));
		rc = ANPR_STORE_ENOENT;
	} else if (PQgetvalue(r, 0, 3)[0] == 't') {
		st_err(err, errlen, "certificate %.16s...: camera %s is retired",
		       fingerprint, PQgetvalue(r, 0, 0));
		rc = ANPR_STORE_ENOENT;
	} else {
		snprintf(camera_id, 33, "%s", PQgetvalue(r, 0, 0));
		for (int i = 0; keys && i < rows && *n < cap; i++) {
			if (PQgetisnull(r, i, 4))
				continue;
			memset(&keys[*n], 0, sizeof keys[*n]);
			snprintf(keys[*n].key_id, sizeof keys[*n].key_id, "%s",
				 PQgetvalue(r, i, 4));
			snprintf(keys[*n].public_key_b64,
				 sizeof keys[*n].public_key_b64, "%s",
				 PQgetvalue(r, i, 5));
			keys[*n].revoked = PQgetvalue(r, i, 6)[0] == 't';
			(*n)++;
		}
	}
	PQclear(r);
	return rc;
}
