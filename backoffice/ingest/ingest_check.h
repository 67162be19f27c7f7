/* SPDX-License-Identifier: MIT */
/*
 * ingest_check.h - anpr-ingest's checks of one uploaded record, as pure
 * logic: given the parts and headers received, the camera the client
 * certificate belongs to and lookups into the store (callbacks), say what
 * becomes of the record. The table is docs/backoffice.md "Ingest: the
 * checks, in order"; every check of a record uses anprevidence, the code
 * anpr-verify runs, so the back office and the court tool cannot differ.
 *
 * No I/O here: anpr-ingest (anpr_ingest_main.c) reads the body, calls
 * ingest_check, then stores, quarantines or answers 503 as told; the unit
 * tests (tests/ingest/test_ingest_check.c) call it on real signed records.
 */
#ifndef ANPR_INGEST_CHECK_H
#define ANPR_INGEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/anprstore.h"
#include "evidence/evidence_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The multipart parts of POST /v1/records (docs/upload-protocol.md).
 * new_signature (a key rotation's .new.minisig) is not sent by protocol
 * version 1; it is accepted and checked when a client sends it. */
enum ingest_part_id {
	IP_RECORD = 0,
	IP_SIGNATURE,
	IP_NEW_SIGNATURE,
	IP_PLATE,
	IP_OVERVIEW,
	IP_COUNT
};
extern const char *const ingest_part_names[IP_COUNT];
/* The part called name, or IP_COUNT. */
enum ingest_part_id ingest_part_by_name(const char *name);

/* Largest part accepted, in bytes: a record is at most EV_RECORD_MAX, a
 * signature at most a few hundred bytes (8 KiB leaves room for a long
 * trusted comment); images up to image_max. */
#define INGEST_SIG_MAX		8192
size_t ingest_part_limit(enum ingest_part_id id, size_t image_max);

struct ingest_part {
	const uint8_t *data;
	size_t len;		/* bytes kept (at most the part's limit) */
	bool present;
};

struct ingest_request {
	const char *camera_id;		/* the client certificate's camera */
	const char *idempotency_key;	/* header, NULL when absent */
	const char *claimed_sha256;	/* X-ANPR-Record-SHA256, or NULL */
	struct ingest_part part[IP_COUNT];
	const char *malformed;		/* the body reader's complaint (not
					   multipart, a part twice, an unknown
					   part, a part over its limit), NULL */
};

/* Lookups into the store. Each returns 0 (the answer filled in, held or
 * not) or a negative value when the store failed (err says why): the
 * verdict is then INGEST_UNAVAILABLE, answered 503. */
struct ingest_lookup {
	void *ctx;
	int (*record_held)(void *ctx, const char *record_id,
			   struct anpr_held *h, char *err, size_t errlen);
	int (*camera_keys)(void *ctx, const char *camera_id,
			   struct anpr_camera_key *keys, size_t cap,
			   size_t *n, char *err, size_t errlen);
	/* NULL: the links to the neighbours and a checkpoint's Merkle root
	 * are left to the store, which checks both again under the chain's
	 * lock in any case (anpr_store_record_put: one query each, where
	 * these lookups cost one statement per neighbour and one per record
	 * a checkpoint covers); anpr-ingest does so. A chain's first record
	 * must still have a zero prev_hash, and a checkpoint's range and
	 * count still agree, whatever is given. */
	int (*chain_record)(void *ctx, const char *chain_id, uint64_t seq,
			    bool *held, uint8_t sha256[32],
			    uint8_t prev_hash[32], char *err, size_t errlen);
};

enum ingest_outcome {
	INGEST_OK = 0,		/* store it, then 201 + acknowledgement */
	INGEST_DUPLICATE,	/* held with the same SHA-256: 200 + ack */
	INGEST_REFUSED,		/* quarantine, answer status (4xx) */
	INGEST_UNAVAILABLE,	/* the store failed: 503, nothing kept */
};

/* Quarantine reason codes (docs/backoffice.md). */
#define INGEST_R_MALFORMED	"malformed"
#define INGEST_R_SHA256		"sha256-mismatch"
#define INGEST_R_WRONG_CAMERA	"wrong-camera"
#define INGEST_R_IDEMPOTENCY	"idempotency-mismatch"
#define INGEST_R_CONFLICT	"conflict"
#define INGEST_R_BAD_SIG	EV_P_BAD_SIGNATURE
#define INGEST_R_WRONG_KEY	EV_P_WRONG_KEY
#define INGEST_R_IMAGE_MISSING	EV_P_IMAGE_MISSING
#define INGEST_R_IMAGE_ALTERED	EV_P_IMAGE_ALTERED
#define INGEST_R_CHAIN		EV_P_CHAIN
#define INGEST_R_CHECKPOINT	EV_P_CHECKPOINT

/* The largest checkpoint span whose Merkle root is recomputed at ingest
 * (the daemon checkpoints every 100 records); a larger one waits. */
#define INGEST_CP_MAX		(1u << 20)

struct ingest_verdict {
	enum ingest_outcome outcome;
	int status;			/* HTTP status to answer */
	const char *reason;		/* INGEST_R_*, for REFUSED */
	char detail[640];		/* words: never a VRM or a location */
	/* the record, once parsed (parsed: rec and the fields below) */
	bool parsed;
	struct ev_record rec;
	uint8_t sha256[EV_HASH_LEN];	/* of the record part (when present) */
	char sha256_hex[EV_HASH_HEX + 1];
	uint8_t prev_hash[EV_HASH_LEN];
	bool link_verified;		/* previous record held, hash matches */
	bool newsig_checked;		/* a rotation's second signature */
	/* OK key rotation: the new key to add to the camera's keys */
	bool add_key;
	char new_key_b64[EV_MS_PUBKEY_B64_LEN + 1];
};

/* Run the checks of docs/backoffice.md in order. v is filled in; the first
 * check that fails decides. */
void ingest_check(const struct ingest_request *rq,
		  const struct ingest_lookup *lk, struct ingest_verdict *v);

/* The acknowledgement, exactly {"record_id": "...", "record_sha256":
 * "..."} (docs/upload-protocol.md). The record id is a TOKEN, so it needs
 * no escape; anything else is refused (-1). Returns its length. */
int ingest_ack_json(const char *record_id, const char *sha256_hex,
		    char *out, size_t cap);
/* A refusal: {"error": CODE, "detail": "..."}, detail JSON-escaped
 * (control and non-ASCII bytes as \u00XX). Returns its length, -1 when it
 * does not fit. */
int ingest_error_json(const char *code, const char *detail, char *out,
		      size_t cap);
/* The capture day (YYYY-MM-DD) of a TIME value, and the microseconds
 * since the epoch; -1 if the value is not a TIME. */
int ingest_time_us(const char *time_utc, int64_t *us, char day[11]);

#ifdef __cplusplus
}
#endif
#endif
