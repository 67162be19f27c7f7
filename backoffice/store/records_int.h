/* SPDX-License-Identifier: MIT */
/*
 * records_int.h - what the store's put shares between records.c (a
 * record's checks and steps, the public puts) and records_group.c (a
 * group put set-wise). Private to backoffice/store.
 */
#ifndef ANPR_STORE_RECORDS_INT_H
#define ANPR_STORE_RECORDS_INT_H

#include "store/store_int.h"

#include "evidence/evidence.h"

#define DAY_US 86400000000LL

/* The state of one put, so that its steps stay small functions. */
struct put {
	struct anpr_store *st;
	const struct anpr_stored_record *r;
	char *err;
	size_t errlen;
	int64_t day;			/* days since 1970-01-01 */
	char vrm[EV_VRM_MAX + 1], vrm_key[EV_VRM_MAX + 1];
	bool has_vrm;
	bool cp_verified;		/* a checkpoint was verified: covered_to
					   may move */
};

/* A checkpoint whose every covered record is held: its Merkle root over
 * the held hashes must match (else ECHAIN); then its records are covered
 * and u->cp_verified set. If some are missing it waits for them. */
int records_try_checkpoint(struct put *u, const char *cp_id, const char *chain,
			   int64_t first, int64_t last, const uint8_t root[32]);
/* A checkpoint record's row in anpr.checkpoints (nothing for another
 * type): 0, or the error in u->err. */
int records_add_checkpoint(struct put *u);
/* A chain's holdings after count records of it, the last at last_seq,
 * were put (contiguous_to as locked before them): held, last_seq,
 * contiguous_to over the run now held, oldest_gap_since, and covered_to
 * when a checkpoint of it was verified. The per-record steps (count 1)
 * and the set-wise group (count per chain) call the one statement. */
int records_move_holdings(struct anpr_store *st, const char *chain_id, uint64_t last_seq,
			  int64_t contiguous_to, uint64_t count, bool cp_verified,
			  char *err, size_t errlen);
/* covered_to of a chain, after a checkpoint of it was verified. */
int records_chain_coverage(struct anpr_store *st, const char *chain_id,
			   char *err, size_t errlen);

/* Not an error: the group is for the per-record steps. */
#define RECORDS_GROUP_SLOW 1000
/* The valid ones of u[0..n) (rc[i] == 0) put set-wise in the caller's
 * transaction, their days' partitions made: 0; RECORDS_GROUP_SLOW with
 * nothing written (*wrote false) or after the chains' locks only; or an
 * error after which the caller rolls back. (records_group.c) */
int records_group_put(struct anpr_store *st, struct put *u, size_t n,
		      const int *rc, char *err, size_t errlen, bool *wrote);

#endif
