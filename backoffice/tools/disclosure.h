/* SPDX-License-Identifier: MIT */
/*
 * disclosure.h - the evidence out of the store (anpr-query --export,
 * anpr-console's export): the reads the access policy allowed (anpr.export_reads) written as anpr-disclosure/1
 * bundles (docs/record-format.md, "Disclosure bundle"), one per chain.
 */
#ifndef ANPR_DISCLOSURE_H
#define ANPR_DISCLOSURE_H

#include <stddef.h>
#include <stdio.h>

#include "store/anprstore.h"
#include "ingest/imagestore.h"

/* the largest image read back (anpr-ingest's --max-image at most) */
#define IMAGE_MAX (256u << 20)

/* The n records r (by chain, in chain order, as anpr_store_export_policy
 * gives them) into OUT if they are of one chain, else OUT-CHAINID.tar
 * each; images from the image store images (a directory or a bucket). Every name is checked
 * free before anything is written, and a bundle appears whole or not at
 * all. 0; 1 a failure (said on stderr, after "WHO: "); 2 a name taken;
 * 3 a read that cannot be disclosed (not yet under a checkpoint, named).
 * What was written is said on info (NULL: not said): anpr-query's
 * stdout; anpr-console says its own line. */
int disclosure_export(struct anpr_store *st, const struct imagestore *images, const char *out,
		      const struct anpr_export_rec *r, size_t n, const char *who, FILE *info);

#endif
