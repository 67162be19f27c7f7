/* SPDX-License-Identifier: MIT */
/*
 * verify_anchor.c - anpr-verify --anchor FILE: a signed record or head of
 * this chain kept outside the camera (the back office's newest record of
 * it, a heartbeat it received, a bundle's head). A spool alone cannot show
 * that it was not rolled back whole to an earlier copy of itself, records
 * and heads together; an anchor can: the chain reached the anchor's
 * record, so the spool must hold it (or, with --uploaded, its ledger
 * line), with the same SHA-256.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/verify_int.h"
#include "evidence/readfile.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

struct anchor {
	uint64_t seq;
	uint8_t hash[EV_HASH_LEN];
	char chain[17], key_id[17];
};

/* A head file, as the spool's heads are read. */
static int parse_head(const char *text, size_t len, struct anchor *a)
{
	struct ev_v_head h;

	if (ev_v_parse_head(text, len, &h) != 0 ||
	    ev_value_check(EV_K_HEX16, h.key_id) != 0 ||
	    ev_unhex(h.record_hash, a->hash, EV_HASH_LEN) != 0)
		return -1;
	a->seq = h.seq;
	snprintf(a->chain, sizeof a->chain, "%s", h.chain_id);
	snprintf(a->key_id, sizeof a->key_id, "%s", h.key_id);
	return 0;
}

void ev_v_check_anchor(struct vctx *c)
{
	struct ev_vreport *r = c->rep;
	char *text, err[768], sig[1100], hex[EV_HASH_HEX + 1];
	struct anchor a;
	const struct ev_key *k;
	const struct entry *e;
	size_t len;
	bool head;

	memset(&a, 0, sizeof a);
	if (read_file_limited(c->anchor, EV_RECORD_MAX, &text, &len, err,
			 sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_ANCHOR, c->anchor, "%s", err);
		return;
	}
	head = strncmp(text, "format=anpr-head/", 17) == 0;
	if (head ? parse_head(text, len, &a) != 0
		 : ev_record_parse(text, len, c->anchor, &c->r, err,
				   sizeof err) != 0) {
		ev_v_problem(c, 0, EV_P_ANCHOR, c->anchor, "%s", head
			     ? "not a valid head file" : err);
		free(text);
		return;
	}
	if (!head) {
		a.seq = ev_record_u64(&c->r, EV_F_CHAIN_SEQ);
		snprintf(a.chain, sizeof a.chain, "%s", c->r.v[EV_F_CHAIN_ID]);
		snprintf(a.key_id, sizeof a.key_id, "%s", c->r.v[EV_F_KEY_ID]);
		ev_sha256(text, len, a.hash);
	}
	k = ev_v_chain_key(c, a.key_id);
	snprintf(sig, sizeof sig, "%s%s", c->anchor, EV_SUFFIX_SIG);
	if (!k) {
		ev_v_problem(c, 0, EV_P_ANCHOR, c->anchor, "signed with key %s, "
			     "which is neither trusted (--key) nor one the "
			     "chain was signed with", a.key_id);
		free(text);
		return;
	}
	if (!ev_v_check_sig(c, 0, c->anchor, text, len, k, sig, NULL)) {
		free(text);
		return;
	}
	free(text);
	if (strcmp(a.chain, c->chain_id) != 0) {
		ev_v_problem(c, 0, EV_P_ANCHOR, c->anchor, "is of chain %s, not "
			     "of this chain %s", a.chain, c->chain_id);
		return;
	}
	r->anchor_seq = a.seq;
	if (a.seq > r->last_seq) {
		ev_v_problem(c, r->last_seq + 1, EV_P_TRUNCATED, c->anchor,
			     "this signed %s shows the chain reached record %"
			     PRIu64 ", but the last record here is %" PRIu64
			     ": records %" PRIu64 "..%" PRIu64 " were removed, "
			     "or the spool was rolled back", head ? "head"
			     : "record", a.seq, r->last_seq, r->last_seq + 1,
			     a.seq);
		return;
	}
	e = ev_v_find(c, a.seq);
	if (!e || !e->hashed)
		return;		/* missing or unreadable: reported already */
	if (memcmp(e->hash, a.hash, EV_HASH_LEN) != 0) {
		ev_hex(e->hash, EV_HASH_LEN, hex);
		ev_v_problem(c, a.seq, EV_P_ANCHOR, c->anchor, "record %" PRIu64
			     " here has SHA-256 %s, not the one of this signed "
			     "copy kept outside the camera", a.seq, hex);
		return;
	}
	ev_v_note(c, "anchored: record %" PRIu64 ", signed and kept outside "
		  "the camera (%s), is here unchanged", a.seq, c->anchor);
}
