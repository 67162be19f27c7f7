/* SPDX-License-Identifier: MIT */
/*
 * spool_int.h - what spool.c and recover.c share: one module split in two
 * files for size (the writer, and what opening a spool does before the
 * first record). Not installed, not for other modules: they use
 * evidence_spool.h.
 */
#ifndef ANPR_EVIDENCE_SPOOL_INT_H
#define ANPR_EVIDENCE_SPOOL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evidence/evidence_spool.h"

/* Open the directory name under at (made, owner-only, if create and
 * missing), refusing a link or anything not a directory; the fd, or -1
 * with *rc and err set. path names it in errors. (spool.c) */
int spool_dir_open(int at, const char *name, const char *path, bool create,
		   int *rc, char *err, size_t errlen);

/* The spool's chain state, rebuilt by recovery. (spool.c) */
struct ev_chain *spool_chain(struct ev_spool *s);
/* What recovery found: the last committed record, the head and the head
 * before it. (spool.c) */
void spool_set_recovered(struct ev_spool *s, uint64_t seq, uint64_t head_seq,
			 uint64_t prev_head_seq);
/* The spool's directory, as given to ev_spool_open. (spool.c) */
const char *spool_dir(const struct ev_spool *s);

/* Empty tmp/, find the last committed record, remove a crashed batch's
 * leftovers, check the record's signature and rebuild the chain state.
 * (recover.c) */
int spool_recover(struct ev_spool *s, int dfd, int rfd, int tfd, char *err,
		  size_t errlen);

#endif
