/* SPDX-License-Identifier: MIT */
/*
 * ingest_batch.h - what is particular to a request of several records
 * (upload protocol version 2, docs/upload-protocol.md): the X-ANPR-Records
 * header, the indexed part names and the answer's per-record results, as
 * pure logic (ingest_batch.c). Each record of a batch is then checked by
 * ingest_check exactly as a version 1 request is.
 */
#ifndef ANPR_INGEST_BATCH_H
#define ANPR_INGEST_BATCH_H

#include <stddef.h>

#include "ingest/ingest_check.h"

#ifdef __cplusplus
extern "C" {
#endif

#define INGEST_BATCH_PATH	"/v2/records"
#define INGEST_BATCH_MAX	32	/* records per request, at most */

struct ingest_batch_entry {
	char record_id[65];		/* a record id (EV_K_TOKEN) */
	char sha256_hex[65];		/* lower-case hex */
};

/*
 * ingest_batch_parse_records - the X-ANPR-Records header: 1 to
 * INGEST_BATCH_MAX entries "<record_id> <sha256>" separated by a comma and
 * blanks, ids record ids (the evidence library's TOKEN rule), hashes 64
 * lower-case hex digits, no id twice. 0 and *n set, or -1 with why.
 */
int ingest_batch_parse_records(const char *hdr, struct ingest_batch_entry *e, size_t cap,
			       size_t *n, char *why, size_t whylen);

/*
 * ingest_batch_part - a version 2 part name, "<version 1 name>.<I>" with I
 * a decimal index below INGEST_BATCH_MAX (no sign, no leading zero): its
 * part and *index, or IP_COUNT if it is not one.
 */
enum ingest_part_id ingest_batch_part(const char *name, size_t *index);

/* What became of one record of a batch. */
enum ingest_batch_kind {
	INGEST_BATCH_ACK = 0,		/* stored, or held already */
	INGEST_BATCH_REFUSED,		/* quarantined: status 4xx */
	INGEST_BATCH_RETRY,		/* transient: status 5xx */
};

struct ingest_batch_result {
	enum ingest_batch_kind kind;
	const char *record_id;		/* the header's id for this record */
	const char *sha256_hex;		/* ACK: the record file's SHA-256 */
	int status;			/* REFUSED 4xx, RETRY 5xx */
	const char *reason;		/* REFUSED: INGEST_R_* */
	const char *detail;		/* words, never a VRM or a location */
};

/*
 * ingest_batch_results_json - the answer's body: {"results": [R0, ...]},
 * one entry a record in the request's order: an ACK is exactly version
 * 1's acknowledgement, a refusal {"record_id", "refused", "reason",
 * "detail"}, a retry {"record_id", "retry", "detail"}. A malloc'ed string
 * (the caller frees it), NULL when out of memory or an entry is invalid
 * (an id that is no record id, a status out of its range).
 */
char *ingest_batch_results_json(const struct ingest_batch_result *r, size_t n);

#ifdef __cplusplus
}
#endif
#endif
