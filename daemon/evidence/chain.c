/* SPDX-License-Identifier: MIT */
/*
 * chain.c - the hash chain: fills the common fields of a record, encodes,
 * hashes and signs it, links it to its predecessor and keeps the leaves of
 * the next checkpoint's Merkle tree. Pure: no I/O, no clock.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "evidence/evidence_spool.h"

int ev_chain_init(struct ev_chain *c, const struct ev_site *site,
		  const struct ev_key *key, const char *chain_id)
{
	memset(c, 0, sizeof *c);
	c->site = *site;
	ev_key_copy(&c->key, key);
	if (chain_id) {
		if (ev_value_check(EV_K_HEX16, chain_id))
			return EV_EINVAL;
		snprintf(c->chain_id, sizeof c->chain_id, "%s", chain_id);
	} else {
		uint8_t id[EV_CHAIN_ID_LEN];

		randombytes_buf(id, sizeof id);
		for (int i = 0; i < EV_CHAIN_ID_LEN; i++)
			snprintf(c->chain_id + 2 * i, 3, "%02X", id[i]);
	}
	c->cp_first = 1;
	return 0;
}

void ev_chain_free(struct ev_chain *c)
{
	free(c->leaves);
	c->leaves = NULL;
	c->nleaves = c->capleaves = 0;
	ev_key_free(&c->key);
}

int ev_chain_add_leaf(struct ev_chain *c, const uint8_t h[EV_HASH_LEN])
{
	if (c->nleaves == c->capleaves) {
		size_t n = c->capleaves ? 2 * c->capleaves : 256;
		void *p = realloc(c->leaves, n * EV_HASH_LEN);

		if (!p)
			return EV_ENOMEM;
		c->leaves = p;
		c->capleaves = n;
	}
	memcpy(c->leaves[c->nleaves++], h, EV_HASH_LEN);
	return 0;
}

int ev_chain_mark(const struct ev_chain *c, struct ev_chain_mark *m)
{
	m->last_seq = c->last_seq;
	m->cp_first = c->cp_first;
	memcpy(m->last_hash, c->last_hash, EV_HASH_LEN);
	m->nleaves = c->nleaves;
	m->leaves = malloc(c->nleaves ? c->nleaves * EV_HASH_LEN : 1);
	if (!m->leaves)
		return EV_ENOMEM;
	ev_key_copy(&m->key, &c->key);	/* a rotation may replace it */
	if (c->nleaves)
		memcpy(m->leaves, c->leaves, c->nleaves * EV_HASH_LEN);
	return 0;
}

void ev_chain_mark_free(struct ev_chain_mark *m)
{
	free(m->leaves);
	m->leaves = NULL;
	ev_key_free(&m->key);
}

void ev_chain_rollback(struct ev_chain *c, struct ev_chain_mark *m)
{
	c->last_seq = m->last_seq;
	c->cp_first = m->cp_first;
	memcpy(c->last_hash, m->last_hash, EV_HASH_LEN);
	/* capleaves never shrinks, and held nleaves before the mark */
	if (m->nleaves)
		memcpy(c->leaves, m->leaves, m->nleaves * EV_HASH_LEN);
	c->nleaves = m->nleaves;
	ev_key_free(&c->key);
	c->key = m->key;	/* the mark's reference moves to the chain */
	m->key.secret = NULL;
	ev_chain_mark_free(m);
}

void ev_chain_fill_checkpoint(const struct ev_chain *c, struct ev_record *r)
{
	uint8_t root[EV_HASH_LEN];
	char hex[EV_HASH_HEX + 1];

	ev_merkle_root((const uint8_t (*)[EV_HASH_LEN])c->leaves, c->nleaves,
		       root);
	ev_hex(root, EV_HASH_LEN, hex);
	ev_record_set(r, EV_F_FIRST_SEQ, "%" PRIu64, c->cp_first);
	ev_record_set(r, EV_F_LAST_SEQ, "%" PRIu64, c->last_seq);
	ev_record_set(r, EV_F_CP_COUNT, "%zu", c->nleaves);
	ev_record_set(r, EV_F_MERKLE_ROOT, "%s", hex);
}

void ev_chain_fill_rotation(const struct ev_chain *c,
			    const struct ev_key *new_key, struct ev_record *r)
{
	char id[17], b64[EV_MS_PUBKEY_B64_LEN + 1];

	ev_key_id(c->key.keynum, id);
	ev_record_set(r, EV_F_OLD_KEY_ID, "%s", id);
	ev_key_id(new_key->keynum, id);
	ev_record_set(r, EV_F_NEW_KEY_ID, "%s", id);
	ev_pubkey_b64(new_key, b64, sizeof b64);
	ev_record_set(r, EV_F_NEW_PUBKEY, "%s", b64);
}

void ev_rec_name(uint64_t seq, const char *suffix, char *out, size_t cap)
{
	snprintf(out, cap, "%0*" PRIu64 "%s", EV_SEQ_DIGITS, seq, suffix);
}

void ev_trusted_comment(const char *format, const char *file,
			const char *record_id,
			uint64_t seq, const uint8_t hash[EV_HASH_LEN],
			char *out, size_t cap)
{
	char hex[EV_HASH_HEX + 1];

	ev_hex(hash, EV_HASH_LEN, hex);
	snprintf(out, cap, "%s file:%s record_id:%s chain_seq:%" PRIu64
		 " sha256:%s", format, file, record_id, seq, hex);
}

static void fix6(char *out, size_t cap, int64_t v)
{
	uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;

	snprintf(out, cap, "%s%" PRIu64 ".%06" PRIu64, v < 0 ? "-" : "",
		 a / 1000000, a % 1000000);
}

int ev_chain_seal(struct ev_chain *c, struct ev_record *r,
		  const struct ev_when *when, const struct ev_key *new_key,
		  struct ev_sealed *out, char *err, size_t errlen)
{
	const struct ev_site *s = &c->site;
	uint64_t seq = c->last_seq + 1;
	char id[17], hex[EV_HASH_HEX + 1], name[32], tc[512];
	int rc;

	if (r->type == EV_KEY_ROTATION && !new_key) {
		snprintf(err, errlen, "key-rotation record without a new key");
		return EV_EINVAL;
	}
	ev_record_set(r, EV_F_RECORD_ID, "%s-%s-%" PRIu64, s->camera_id,
		      c->chain_id, seq);
	ev_record_set(r, EV_F_CAMERA_ID, "%s", s->camera_id);
	ev_record_set(r, EV_F_CHAIN_ID, "%s", c->chain_id);
	ev_record_set(r, EV_F_CHAIN_SEQ, "%" PRIu64, seq);
	ev_hex(c->last_hash, EV_HASH_LEN, hex);
	ev_record_set(r, EV_F_PREV_HASH, "%s", hex);
	ev_key_id(c->key.keynum, id);
	ev_record_set(r, EV_F_KEY_ID, "%s", id);
	if (ev_format_time(&when->utc, r->v[EV_F_TIME], EV_VALUE_MAX) != 0) {
		snprintf(err, errlen, "record %" PRIu64 ": time out of range",
			 seq);
		return EV_EINVAL;
	}
	ev_record_set(r, EV_F_CLOCK_SYNCED, "%d", when->clock.synced ? 1 : 0);
	ev_record_set(r, EV_F_CLOCK_ESTERR, "%" PRIu64, when->clock.esterror_us);
	ev_record_set(r, EV_F_CLOCK_MAXERR, "%" PRIu64, when->clock.maxerror_us);
	ev_record_set(r, EV_F_MONO_NS, "%" PRIu64, when->mono_ns);
	ev_record_set(r, EV_F_SITE_ID, "%s", s->site_id);
	fix6(r->v[EV_F_LAT], EV_VALUE_MAX, s->lat_e6);
	fix6(r->v[EV_F_LON], EV_VALUE_MAX, s->lon_e6);
	ev_record_set(r, EV_F_BEARING, "%u", s->bearing_deg);
	ev_record_set(r, EV_F_SW_VERSION, "%s", s->sw_version);
	ev_record_set(r, EV_F_MODEL_HASH, "%s", s->model_sha256);
	ev_record_set(r, EV_F_CONFIG_HASH, "%s", s->config_sha256);
	if (r->type == EV_CHECKPOINT)
		ev_chain_fill_checkpoint(c, r);
	if (r->type == EV_KEY_ROTATION)
		ev_chain_fill_rotation(c, new_key, r);

	rc = ev_record_encode(r, out->rec, sizeof out->rec, &out->rec_len, err,
			      errlen);
	if (rc)
		return rc;
	out->type = r->type;
	out->seq = seq;
	ev_sha256(out->rec, out->rec_len, out->hash);
	ev_rec_name(seq, EV_SUFFIX_REC, name, sizeof name);
	ev_trusted_comment(r->v[EV_F_FORMAT], name, r->v[EV_F_RECORD_ID], seq,
			   out->hash, tc, sizeof tc);
	rc = ev_sign(&c->key, out->rec, out->rec_len, tc, out->sig,
		     sizeof out->sig, &out->sig_len);
	out->sig2_len = 0;
	if (!rc && r->type == EV_KEY_ROTATION)
		rc = ev_sign(new_key, out->rec, out->rec_len, tc, out->sig2,
			     sizeof out->sig2, &out->sig2_len);
	if (rc) {
		snprintf(err, errlen, "record %" PRIu64 ": signing failed", seq);
		return rc;
	}
	if (r->type == EV_CHECKPOINT) {
		c->nleaves = 0;
		c->cp_first = seq + 1;
	} else if (ev_chain_add_leaf(c, out->hash) != 0) {
		snprintf(err, errlen, "record %" PRIu64 ": out of memory", seq);
		return EV_ENOMEM;
	}
	c->last_seq = seq;
	memcpy(c->last_hash, out->hash, EV_HASH_LEN);
	if (r->type == EV_KEY_ROTATION) {
		struct ev_key old = c->key;

		ev_key_copy(&c->key, new_key);
		ev_key_free(&old);
	}
	return 0;
}
