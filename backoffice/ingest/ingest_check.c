// SPDX-License-Identifier: MIT
/*
 * ingest_check.c - the checks of one uploaded record (docs/backoffice.md
 * "Ingest: the checks, in order"), pure: the store is reached only through
 * the lookups passed in.
 */
#include "ingest/ingest_check.h"
#include "ingest/ingest_hash.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evidence/evidence_spool.h"

const char *const ingest_part_names[IP_COUNT] = {
	[IP_RECORD] = "record",
	[IP_SIGNATURE] = "signature",
	[IP_NEW_SIGNATURE] = "new_signature",
	[IP_PLATE] = "plate_image",
	[IP_OVERVIEW] = "overview_image",
};

enum ingest_part_id ingest_part_by_name(const char *name)
{
	for (int i = 0; i < IP_COUNT; i++)
		if (name && strcmp(name, ingest_part_names[i]) == 0)
			return (enum ingest_part_id)i;
	return IP_COUNT;
}

size_t ingest_part_limit(enum ingest_part_id id, size_t image_max)
{
	switch (id) {
	case IP_RECORD:
		return EV_RECORD_MAX;
	case IP_SIGNATURE:
	case IP_NEW_SIGNATURE:
		return INGEST_SIG_MAX;
	default:
		return image_max;
	}
}

__attribute__((format(printf, 5, 6)))
static void verdict(struct ingest_verdict *v, enum ingest_outcome o,
		    int status, const char *reason, const char *fmt, ...)
{
	va_list ap;

	v->outcome = o;
	v->status = status;
	v->reason = reason;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof v->detail, fmt, ap);
	va_end(ap);
}

#define REFUSE(v, status, reason, ...) \
	verdict(v, INGEST_REFUSED, status, reason, __VA_ARGS__)
#define UNAVAILABLE(v, ...) \
	verdict(v, INGEST_UNAVAILABLE, 503, NULL, __VA_ARGS__)

/*
 * The parser's messages quote the offending value ("vrm \"..\" is not
 * VRM"); a value may be a VRM or a position, which never goes into a log
 * or a quarantine detail (the record's bytes are kept for whoever may see
 * them). Every quoted span is withheld.
 */
static void withhold_quoted(char *dst, size_t cap, const char *src)
{
	size_t o = 0;
	bool in = false;

	for (; *src && o + 1 < cap; src++) {
		if (*src == '"') {
			in = !in;
			if (in) {
				static const char w[] = "\"(withheld)";

				for (size_t i = 0; w[i] && o + 1 < cap; i++)
					dst[o++] = w[i];
			} else {
				dst[o++] = '"';
			}
			continue;
		}
		if (!in)
			dst[o++] = *src;
	}
	dst[o] = '\0';
}

static bool hex_equal(const uint8_t h[EV_HASH_LEN], const char *hex)
{
	char mine[EV_HASH_HEX + 1];

	ev_hex(h, EV_HASH_LEN, mine);
	return hex && strcmp(mine, hex) == 0;
}

/* A part of bytes as a NUL-terminated string (signatures are text). */
static char *part_text(const struct ingest_part *p)
{
	char *s = malloc(p->len + 1);

	if (!s)
		return NULL;
	if (p->len)
		memcpy(s, p->data, p->len);
	s[p->len] = '\0';
	return s;
}

/* The signature file text sig (len) against key k, and its trusted
 * comment against the one the record must carry (as anpr-verify:
 * ev_v_check_sig). 0, or the reason code with v filled in. */
static const char *check_sig(struct ingest_verdict *v, const struct ev_key *k,
			     const struct ingest_part *rec,
			     const struct ingest_part *sig, const char *what,
			     const char *want_tc)
{
	char err[768], tc[EV_MS_COMMENT_MAX + 1], *text;
	int rc;

	text = part_text(sig);
	if (!text) {
		UNAVAILABLE(v, "out of memory checking the %s", what);
		return "";
	}
	rc = ev_verify_sig(k, rec->data, rec->len, text, sig->len, what, tc,
			   sizeof tc, err, sizeof err);
	free(text);
	if (rc == EV_EKEY) {
		REFUSE(v, 403, INGEST_R_WRONG_KEY, "%s", err);
		return INGEST_R_WRONG_KEY;
	}
	if (rc) {
		REFUSE(v, 400, INGEST_R_BAD_SIG, "%s", err);
		return INGEST_R_BAD_SIG;
	}
	if (strcmp(tc, want_tc) != 0) {
		char safe[300];

		ev_safe_text(safe, sizeof safe, tc);
		REFUSE(v, 400, INGEST_R_BAD_SIG, "%s: trusted comment \"%s\" "
		       "does not describe this record (signature taken from "
		       "another record?)", what, safe);
		return INGEST_R_BAD_SIG;
	}
	return NULL;
}

/* The signature by a registered, unrevoked key of the camera. */
static bool check_signature(const struct ingest_request *rq,
			    const struct ingest_lookup *lk,
			    struct ingest_verdict *v, const char *want_tc)
{
	const struct ev_record *r = &v->rec;
	struct anpr_camera_key keys[32];
	const struct anpr_camera_key *k = NULL;
	struct ev_key key;
	char err[512];
	size_t n = 0;

	if (lk->camera_keys(lk->ctx, rq->camera_id, keys,
			    sizeof keys / sizeof keys[0], &n, err,
			    sizeof err) != 0) {
		UNAVAILABLE(v, "keys of camera %s: %s", rq->camera_id, err);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].key_id, r->v[EV_F_KEY_ID]) == 0)
			k = &keys[i];
	if (!k) {
		REFUSE(v, 403, INGEST_R_WRONG_KEY, "record %s says key %s, which "
		       "is not a registered key of camera %s",
		       r->v[EV_F_RECORD_ID], r->v[EV_F_KEY_ID], rq->camera_id);
		return false;
	}
	if (k->revoked) {
		REFUSE(v, 403, INGEST_R_WRONG_KEY, "record %s is signed with key "
		       "%s of camera %s, which is revoked",
		       r->v[EV_F_RECORD_ID], k->key_id, rq->camera_id);
		return false;
	}
	if (ev_pubkey_from_b64(k->public_key_b64, &key, "registered key", err,
			       sizeof err) != 0) {
		/* the register is ours: a bad entry is our fault, not the
		 * camera's, so it is not quarantined but answered 503 */
		UNAVAILABLE(v, "camera %s key %s in the register: %s",
			    rq->camera_id, k->key_id, err);
		return false;
	}
	return check_sig(v, &key, &rq->part[IP_RECORD], &rq->part[IP_SIGNATURE],
			 "signature", want_tc) == NULL;
}

/* A named image: present, and its SHA-256 as the signed record says. */
static bool check_image(const struct ingest_request *rq,
			struct ingest_verdict *v, enum ingest_part_id id,
			enum ev_field ff, enum ev_field fh)
{
	const struct ev_record *r = &v->rec;
	const struct ingest_part *p = &rq->part[id];
	uint8_t h[EV_HASH_LEN];

	if (strcmp(r->v[ff], EV_NONE) == 0) {
		if (p->present) {
			REFUSE(v, 400, INGEST_R_MALFORMED, "record %s names no "
			       "%s but one was sent", r->v[EV_F_RECORD_ID],
			       ingest_part_names[id]);
			return false;
		}
		return true;
	}
	if (!p->present) {
		REFUSE(v, 400, INGEST_R_IMAGE_MISSING, "record %s names %s %s, "
		       "which was not sent", r->v[EV_F_RECORD_ID],
		       ingest_part_names[id], r->v[ff]);
		return false;
	}
	ingest_sha256(p->data, p->len, h);
	if (!hex_equal(h, r->v[fh])) {
		char hex[EV_HASH_HEX + 1];

		ev_hex(h, EV_HASH_LEN, hex);
		REFUSE(v, 400, INGEST_R_IMAGE_ALTERED, "record %s: %s %s has "
		       "SHA-256 %s, the signed record says %s",
		       r->v[EV_F_RECORD_ID], ingest_part_names[id], r->v[ff],
		       hex, r->v[fh]);
		return false;
	}
	return true;
}

/* The links to the neighbours the store holds. */
static bool check_links(const struct ingest_lookup *lk,
			struct ingest_verdict *v, uint64_t seq)
{
	const struct ev_record *r = &v->rec;
	const char *chain = r->v[EV_F_CHAIN_ID], *id = r->v[EV_F_RECORD_ID];
	uint8_t h[EV_HASH_LEN], ph[EV_HASH_LEN];
	char err[512], hex[EV_HASH_HEX + 1];
	bool held;

	if (seq == 1) {
		if (strcmp(r->v[EV_F_PREV_HASH], EV_ZERO_HASH_HEX) != 0) {
			REFUSE(v, 409, INGEST_R_CHAIN, "record %s is the first "
			       "of chain %s but its prev_hash is not zero", id,
			       chain);
			return false;
		}
		v->link_verified = true;
	} else if (lk->chain_record) {
		if (lk->chain_record(lk->ctx, chain, seq - 1, &held, h, ph, err,
				     sizeof err) != 0) {
			UNAVAILABLE(v, "chain %s record %" PRIu64 ": %s", chain,
				    seq - 1, err);
			return false;
		}
		if (held && memcmp(h, v->prev_hash, EV_HASH_LEN) != 0) {
			ev_hex(h, EV_HASH_LEN, hex);
			REFUSE(v, 409, INGEST_R_CHAIN, "record %s: prev_hash "
			       "does not match the SHA-256 of record %" PRIu64
			       " held (%s): one of them was altered or "
			       "replaced, or this one inserted", id, seq - 1,
			       hex);
			return false;
		}
		v->link_verified = held;
	}
	if (!lk->chain_record)
		return true;	/* the store checks them */
	if (lk->chain_record(lk->ctx, chain, seq + 1, &held, h, ph, err,
			     sizeof err) != 0) {
		UNAVAILABLE(v, "chain %s record %" PRIu64 ": %s", chain,
			    seq + 1, err);
		return false;
	}
	if (held && memcmp(ph, v->sha256, EV_HASH_LEN) != 0) {
		ev_hex(ph, EV_HASH_LEN, hex);
		REFUSE(v, 409, INGEST_R_CHAIN, "record %s: the next record %"
		       PRIu64 " held names prev_hash %s, not this record's "
		       "SHA-256 %s", id, seq + 1, hex, v->sha256_hex);
		return false;
	}
	return true;
}

/* A checkpoint: its span, and its Merkle root when every record of the
 * span is held (otherwise it waits; the store re-checks). */
static bool check_checkpoint(const struct ingest_lookup *lk,
			     struct ingest_verdict *v, uint64_t seq)
{
	const struct ev_record *r = &v->rec;
	uint64_t first = ev_record_u64(r, EV_F_FIRST_SEQ);
	uint64_t last = ev_record_u64(r, EV_F_LAST_SEQ);
	uint64_t count = ev_record_u64(r, EV_F_CP_COUNT);
	uint8_t (*leaves)[EV_HASH_LEN], root[EV_HASH_LEN], ph[EV_HASH_LEN];
	char err[512], hex[EV_HASH_HEX + 1];
	bool held = true;
	uint64_t s;

	if (last + 1 != seq || first > last || first == 0 ||
	    count != last - first + 1) {
		REFUSE(v, 409, INGEST_R_CHECKPOINT, "checkpoint %s covers %"
		       PRIu64 "..%" PRIu64 " (count %" PRIu64 ") but must end "
		       "just before itself with count = last - first + 1",
		       r->v[EV_F_RECORD_ID], first, last, count);
		return false;
	}
	if (count > INGEST_CP_MAX || !lk->chain_record)
		return true;	/* not recomputed here: the store does */
	leaves = malloc((size_t)count * sizeof *leaves);
	if (!leaves) {
		UNAVAILABLE(v, "out of memory for checkpoint %s",
			    r->v[EV_F_RECORD_ID]);
		return false;
	}
	for (s = first; s <= last && held; s++)
		if (lk->chain_record(lk->ctx, r->v[EV_F_CHAIN_ID], s, &held,
				     leaves[s - first], ph, err,
				     sizeof err) != 0) {
			UNAVAILABLE(v, "chain %s record %" PRIu64 ": %s",
				    r->v[EV_F_CHAIN_ID], s, err);
			free(leaves);
			return false;
		}
	if (held) {
		ev_merkle_root((const uint8_t (*)[EV_HASH_LEN])leaves,
			       (size_t)count, root);
		if (!hex_equal(root, r->v[EV_F_MERKLE_ROOT])) {
			ev_hex(root, EV_HASH_LEN, hex);
			REFUSE(v, 409, INGEST_R_CHECKPOINT, "checkpoint %s: the "
			       "Merkle root of records %" PRIu64 "..%" PRIu64
			       " held is %s, the checkpoint says %s",
			       r->v[EV_F_RECORD_ID], first, last, hex,
			       r->v[EV_F_MERKLE_ROOT]);
			free(leaves);
			return false;
		}
	}
	free(leaves);
	return true;
}

/* A key rotation: old_key_id is the signing key, new_key_id the new
 * public key's id (as anpr-verify's check_rotation), and the new key's
 * signature when it was sent. */
static bool check_rotation(const struct ingest_request *rq,
			   struct ingest_verdict *v, const char *want_tc)
{
	const struct ev_record *r = &v->rec;
	struct ev_key nk;
	char err[512], id[17];

	if (strcmp(r->v[EV_F_OLD_KEY_ID], r->v[EV_F_KEY_ID]) != 0) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "key rotation %s: old_key_id "
		       "%s is not the signing key %s", r->v[EV_F_RECORD_ID],
		       r->v[EV_F_OLD_KEY_ID], r->v[EV_F_KEY_ID]);
		return false;
	}
	if (ev_pubkey_from_b64(r->v[EV_F_NEW_PUBKEY], &nk, "new_public_key",
			       err, sizeof err) != 0) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "key rotation %s: %s",
		       r->v[EV_F_RECORD_ID], err);
		return false;
	}
	ev_key_id(nk.keynum, id);
	if (strcmp(id, r->v[EV_F_NEW_KEY_ID]) != 0) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "key rotation %s: new_key_id "
		       "%s does not match new_public_key (key id %s)",
		       r->v[EV_F_RECORD_ID], r->v[EV_F_NEW_KEY_ID], id);
		return false;
	}
	if (rq->part[IP_NEW_SIGNATURE].present) {
		if (check_sig(v, &nk, &rq->part[IP_RECORD],
			      &rq->part[IP_NEW_SIGNATURE], "new_signature",
			      want_tc))
			return false;
		v->newsig_checked = true;
	}
	v->add_key = true;
	snprintf(v->new_key_b64, sizeof v->new_key_b64, "%.56s",
		 r->v[EV_F_NEW_PUBKEY]);
	return true;
}

void ingest_check(const struct ingest_request *rq,
		  const struct ingest_lookup *lk, struct ingest_verdict *v)
{
	const struct ingest_part *rp = &rq->part[IP_RECORD];
	struct ev_record *r = &v->rec;
	struct anpr_held held;
	char err[768], want[256], name[48], tc[512];
	uint64_t seq;

	memset(v, 0, sizeof *v);
	/* the request: parts, sizes, headers */
	if (rq->malformed) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "%s", rq->malformed);
		return;
	}
	if (!rp->present || !rq->part[IP_SIGNATURE].present) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "the record and signature "
		       "parts are required (%s missing)",
		       rp->present ? "signature" : "record");
		return;
	}
	if (!rq->idempotency_key || !rq->claimed_sha256) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "header %s missing",
		       !rq->idempotency_key ? "Idempotency-Key"
					    : "X-ANPR-Record-SHA256");
		return;
	}
	ingest_sha256(rp->data, rp->len, v->sha256);
	ev_hex(v->sha256, EV_HASH_LEN, v->sha256_hex);
	if (strcmp(v->sha256_hex, rq->claimed_sha256) != 0) {
		char safe[80];

		ev_safe_text(safe, sizeof safe, rq->claimed_sha256);
		REFUSE(v, 400, INGEST_R_SHA256, "the record part has SHA-256 %s, "
		       "X-ANPR-Record-SHA256 says %s", v->sha256_hex, safe);
		return;
	}
	/* the record: canonical anpr-record/1, its id what it must be */
	if (ev_record_parse((const char *)rp->data, rp->len, "record", r, err,
			    sizeof err) != 0) {
		char safe[sizeof v->detail];

		withhold_quoted(safe, sizeof safe, err);
		REFUSE(v, 400, INGEST_R_MALFORMED, "%s", safe);
		return;
	}
	v->parsed = true;
	seq = ev_record_u64(r, EV_F_CHAIN_SEQ);
	ev_unhex(r->v[EV_F_PREV_HASH], v->prev_hash, EV_HASH_LEN);
	snprintf(want, sizeof want, "%.64s-%.16s-%.20s", r->v[EV_F_CAMERA_ID],
		 r->v[EV_F_CHAIN_ID], r->v[EV_F_CHAIN_SEQ]);
	if (strcmp(want, r->v[EV_F_RECORD_ID]) != 0 || seq == 0) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "record_id %s should be %s",
		       r->v[EV_F_RECORD_ID], want);
		return;
	}
	/* whose: the certificate's camera; the id the client announced */
	if (strcmp(r->v[EV_F_CAMERA_ID], rq->camera_id) != 0) {
		REFUSE(v, 403, INGEST_R_WRONG_CAMERA, "record %s is camera %s's, "
		       "but the client certificate is camera %s's",
		       r->v[EV_F_RECORD_ID], r->v[EV_F_CAMERA_ID],
		       rq->camera_id);
		return;
	}
	if (strcmp(r->v[EV_F_RECORD_ID], rq->idempotency_key) != 0) {
		char safe[200];

		ev_safe_text(safe, sizeof safe, rq->idempotency_key);
		REFUSE(v, 400, INGEST_R_IDEMPOTENCY, "record %s was sent under "
		       "Idempotency-Key %s", r->v[EV_F_RECORD_ID], safe);
		return;
	}
	/* held already? */
	if (lk->record_held(lk->ctx, r->v[EV_F_RECORD_ID], &held, err,
			    sizeof err) != 0) {
		UNAVAILABLE(v, "record %s: %s", r->v[EV_F_RECORD_ID], err);
		return;
	}
	if (held.held) {
		if (memcmp(held.sha256, v->sha256, EV_HASH_LEN) == 0) {
			verdict(v, INGEST_DUPLICATE, 200, NULL, "record %s is "
				"held already, with this SHA-256",
				r->v[EV_F_RECORD_ID]);
			return;
		}
		ev_hex(held.sha256, EV_HASH_LEN, want);
		REFUSE(v, 409, INGEST_R_CONFLICT, "record %s is held with "
		       "SHA-256 %s; this one has %s", r->v[EV_F_RECORD_ID],
		       want, v->sha256_hex);
		return;
	}
	/* signed by a key of the camera, over exactly these bytes, with the
	 * trusted comment the camera writes (anpr-verify's check) */
	ev_rec_name(seq, EV_SUFFIX_REC, name, sizeof name);
	ev_trusted_comment(r->v[EV_F_FORMAT], name, r->v[EV_F_RECORD_ID], seq,
			   v->sha256, tc, sizeof tc);
	if (!check_signature(rq, lk, v, tc))
		return;
	/* the images it names, and no others */
	if (r->type == EV_READ) {
		if (!check_image(rq, v, IP_PLATE, EV_F_PLATE_FILE,
				 EV_F_PLATE_HASH) ||
		    !check_image(rq, v, IP_OVERVIEW, EV_F_OVERVIEW_FILE,
				 EV_F_OVERVIEW_HASH))
			return;
	} else if (rq->part[IP_PLATE].present ||
		   rq->part[IP_OVERVIEW].present) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "record %s (%s) names no "
		       "image but one was sent", r->v[EV_F_RECORD_ID],
		       ev_type_names[r->type]);
		return;
	}
	if (r->type != EV_KEY_ROTATION && rq->part[IP_NEW_SIGNATURE].present) {
		REFUSE(v, 400, INGEST_R_MALFORMED, "record %s is no key "
		       "rotation but a new_signature was sent",
		       r->v[EV_F_RECORD_ID]);
		return;
	}
	/* a plate found but not read (anpr-record/4) is checked and stored
	 * as any read, with no mark (anpr_ingest_main.c): never found by a
	 * VRM search, kept and purged with the reads of its day */
	/* its place in the chain */
	if (!check_links(lk, v, seq))
		return;
	if (r->type == EV_CHECKPOINT && !check_checkpoint(lk, v, seq))
		return;
	if (r->type == EV_KEY_ROTATION && !check_rotation(rq, v, tc))
		return;
	verdict(v, INGEST_OK, 201, NULL, "record %s verified",
		r->v[EV_F_RECORD_ID]);
}

int ingest_ack_json(const char *record_id, const char *sha256_hex,
		    char *out, size_t cap)
{
	int n;

	if (ev_value_check(EV_K_TOKEN, record_id) != 0 ||
	    ev_value_check(EV_K_HASH, sha256_hex) != 0)
		return -1;
	n = snprintf(out, cap, "{\"record_id\": \"%s\", \"record_sha256\": "
		     "\"%s\"}", record_id, sha256_hex);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int ingest_error_json(const char *code, const char *detail, char *out,
		      size_t cap)
{
	size_t o;
	int n;

	n = snprintf(out, cap, "{\"error\": \"%s\", \"detail\": \"", code);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	o = (size_t)n;
	for (const unsigned char *s = (const unsigned char *)detail; *s; s++) {
		char esc[8];
		size_t el;

		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s;
			el = 2;
		} else if (*s < 0x20 || *s > 0x7e) {
			snprintf(esc, sizeof esc, "\\u%04x", *s);
			el = 6;
		} else {
			esc[0] = (char)*s;
			el = 1;
		}
		if (o + el + 3 > cap)
			return -1;
		memcpy(out + o, esc, el);
		o += el;
	}
	if (o + 3 > cap)
		return -1;
	memcpy(out + o, "\"}", 3);
	return (int)(o + 2);
}

int ingest_time_us(const char *t, int64_t *us, char day[11])
{
	struct tm tm;
	int64_t secs;

	if (ev_value_check(EV_K_TIME, t) != 0)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = atoi(t) - 1900;
	tm.tm_mon = atoi(t + 5) - 1;
	tm.tm_mday = atoi(t + 8);
	tm.tm_hour = atoi(t + 11);
	tm.tm_min = atoi(t + 14);
	tm.tm_sec = atoi(t + 17);
	secs = (int64_t)timegm(&tm);
	*us = secs * 1000000 + atoi(t + 20);
	memcpy(day, t, 10);
	day[10] = '\0';
	return 0;
}
