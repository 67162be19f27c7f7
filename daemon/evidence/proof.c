/* SPDX-License-Identifier: MIT */
/*
 * proof.c - RFC 6962 / RFC 9162 inclusion proofs against a checkpoint's
 * Merkle root, and the proof file of a disclosure bundle. A disclosure
 * holds one record of a checkpoint's span, not its neighbours: the proof
 * shows that record is the leaf at its position under the signed root,
 * with the other leaves present only as the sibling hashes of the path.
 *
 * The leaves are exactly the checkpoint's (hash.c, EV_MERKLE_*): the
 * leaf's input is the record's hash (SHA-256 of its whole .rec file, 32
 * raw bytes), so leaf = SHA-256(0x00 || record_hash).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "evidence/evidence.h"

static void leaf_hash(const uint8_t h[EV_HASH_LEN], uint8_t out[EV_HASH_LEN])
{
	uint8_t b[1 + EV_HASH_LEN];

	b[0] = EV_MERKLE_LEAF_PREFIX;
	memcpy(b + 1, h, EV_HASH_LEN);
	crypto_hash_sha256(out, b, sizeof b);
}

static void node_hash(const uint8_t l[EV_HASH_LEN], const uint8_t r[EV_HASH_LEN],
		      uint8_t out[EV_HASH_LEN])
{
	uint8_t b[1 + 2 * EV_HASH_LEN];

	b[0] = EV_MERKLE_NODE_PREFIX;
	memcpy(b + 1, l, EV_HASH_LEN);
	memcpy(b + 1 + EV_HASH_LEN, r, EV_HASH_LEN);
	crypto_hash_sha256(out, b, sizeof b);
}

/* PATH(m, D[n]) (RFC 9162 2.1.3.1): with k the largest power of two
 * below n, PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, else
 * PATH(m - k, D[k:n]) : MTH(D[0:k]); the deeper part first, so the path
 * runs from the leaf up. Each level hashes its sibling subtree once:
 * O(n) in all. */
static int path_of(const uint8_t (*l)[EV_HASH_LEN], size_t n, size_t m,
		   uint8_t (*path)[EV_HASH_LEN], size_t cap, size_t *len)
{
	size_t k = 1;
	int rc;

	if (n == 1)
		return 0;
	while (k * 2 < n)
		k *= 2;
	if (m < k)
		rc = path_of(l, k, m, path, cap, len);
	else
		rc = path_of(l + k, n - k, m - k, path, cap, len);
	if (rc)
		return rc;
	if (*len == cap)
		return EV_EINVAL;
	if (m < k)
		ev_merkle_root(l + k, n - k, path[*len]);
	else
		ev_merkle_root(l, k, path[*len]);
	(*len)++;
	return 0;
}

int ev_merkle_path(const uint8_t (*leaves)[EV_HASH_LEN], size_t n, size_t m,
		   uint8_t (*path)[EV_HASH_LEN], size_t cap, size_t *len)
{
	*len = 0;
	if (m >= n)
		return EV_EINVAL;
	return path_of(leaves, n, m, path, cap, len);
}

/* RFC 9162 2.1.3.2, step by step. */
bool ev_merkle_verify(const uint8_t record_hash[EV_HASH_LEN], uint64_t index,
		      uint64_t size, const uint8_t (*path)[EV_HASH_LEN],
		      size_t len, const uint8_t root[EV_HASH_LEN])
{
	uint64_t fn, sn;
	uint8_t r[EV_HASH_LEN];

	if (index >= size)
		return false;
	fn = index;
	sn = size - 1;
	leaf_hash(record_hash, r);
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			node_hash(path[i], r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			node_hash(r, path[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(r, root, EV_HASH_LEN) == 0;
}

int ev_proof_build(struct ev_proof *p, const uint8_t (*leaves)[EV_HASH_LEN],
		   size_t n, uint64_t chain_seq, const char *record_id,
		   const struct ev_record *cp, const uint8_t cp_hash[EV_HASH_LEN],
		   char *err, size_t errlen)
{
	uint8_t root[EV_HASH_LEN];
	char hex[EV_HASH_HEX + 1];
	int rc;

	memset(p, 0, sizeof *p);
	if (cp->type != EV_CHECKPOINT) {
		snprintf(err, errlen, "record %s is not a checkpoint",
			 cp->v[EV_F_CHAIN_SEQ]);
		return EV_EINVAL;
	}
	p->first_seq = ev_record_u64(cp, EV_F_FIRST_SEQ);
	p->last_seq = ev_record_u64(cp, EV_F_LAST_SEQ);
	p->size = ev_record_u64(cp, EV_F_CP_COUNT);
	p->cp_seq = ev_record_u64(cp, EV_F_CHAIN_SEQ);
	if (chain_seq < p->first_seq || chain_seq > p->last_seq ||
	    p->size != n || p->last_seq - p->first_seq + 1 != n) {
		snprintf(err, errlen, "checkpoint %" PRIu64 " covers records %"
			 PRIu64 "..%" PRIu64 " (count %" PRIu64 "): not record %"
			 PRIu64 " with %zu leaves", p->cp_seq, p->first_seq,
			 p->last_seq, p->size, chain_seq, n);
		return EV_EINVAL;
	}
	ev_merkle_root(leaves, n, root);
	ev_hex(root, EV_HASH_LEN, hex);
	if (strcmp(hex, cp->v[EV_F_MERKLE_ROOT]) != 0) {
		snprintf(err, errlen, "checkpoint %" PRIu64 ": the Merkle root "
			 "of records %" PRIu64 "..%" PRIu64 " is %s, the signed "
			 "checkpoint says %s: the records held are not the ones "
			 "it covers", p->cp_seq, p->first_seq, p->last_seq, hex,
			 cp->v[EV_F_MERKLE_ROOT]);
		return EV_EFORMAT;
	}
	memcpy(p->root, root, EV_HASH_LEN);
	snprintf(p->record_id, sizeof p->record_id, "%s", record_id);
	p->chain_seq = chain_seq;
	p->index = chain_seq - p->first_seq;
	memcpy(p->record_hash, leaves[p->index], EV_HASH_LEN);
	memcpy(p->cp_hash, cp_hash, EV_HASH_LEN);
	rc = ev_merkle_path(leaves, n, (size_t)p->index, p->path,
			    EV_MERKLE_PATH_MAX, &p->npath);
	if (rc)
		snprintf(err, errlen, "record %" PRIu64 ": no inclusion path",
			 chain_seq);
	return rc;
}

int ev_proof_encode(const struct ev_proof *p, char *out, size_t cap,
		    size_t *len)
{
	char rh[EV_HASH_HEX + 1], ch[EV_HASH_HEX + 1], root[EV_HASH_HEX + 1];
	size_t o;
	int n;

	ev_hex(p->record_hash, EV_HASH_LEN, rh);
	ev_hex(p->cp_hash, EV_HASH_LEN, ch);
	ev_hex(p->root, EV_HASH_LEN, root);
	n = snprintf(out, cap, "format=%s\nrecord_id=%s\nchain_seq=%" PRIu64
		     "\nrecord_sha256=%s\ncheckpoint_seq=%" PRIu64
		     "\ncheckpoint_sha256=%s\nfirst_seq=%" PRIu64 "\nlast_seq=%"
		     PRIu64 "\nleaf_index=%" PRIu64 "\ntree_size=%" PRIu64
		     "\nmerkle_root=%s\n", EV_PROOF_FORMAT, p->record_id,
		     p->chain_seq, rh, p->cp_seq, ch, p->first_seq, p->last_seq,
		     p->index, p->size, root);
	if (n < 0 || (size_t)n >= cap)
		return EV_EINVAL;
	o = (size_t)n;
	for (size_t i = 0; i < p->npath && i < EV_MERKLE_PATH_MAX; i++) {
		char h[EV_HASH_HEX + 1];

		if (o + 5 + EV_HASH_HEX + 1 >= cap)
			return EV_EINVAL;
		ev_hex(p->path[i], EV_HASH_LEN, h);
		o += (size_t)snprintf(out + o, cap - o, "path=%s\n", h);
	}
	*len = o;
	return 0;
}

/* One "key=value" line at *pos: key must be want; value into v. */
static int take(const char *buf, size_t len, size_t *pos, const char *want,
		char *v, size_t vcap)
{
	const char *s = buf + *pos, *nl, *eq;
	size_t kl = strlen(want), vl;

	if (*pos >= len)
		return -1;
	nl = memchr(s, '\n', len - *pos);
	if (!nl)
		return -1;
	eq = memchr(s, '=', (size_t)(nl - s));
	if (!eq || (size_t)(eq - s) != kl || memcmp(s, want, kl) != 0)
		return -1;
	vl = (size_t)(nl - eq - 1);
	if (vl == 0 || vl >= vcap)
		return -1;
	memcpy(v, eq + 1, vl);
	v[vl] = '\0';
	*pos = (size_t)(nl - buf) + 1;
	return 0;
}

static int u64_of(const char *v, uint64_t *out)
{
	if (ev_value_check(EV_K_UINT, v))
		return -1;
	*out = strtoull(v, NULL, 10);
	return 0;
}

int ev_proof_parse(const char *buf, size_t len, const char *name,
		   struct ev_proof *p, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"format", "record_id", "chain_seq", "record_sha256",
		"checkpoint_seq", "checkpoint_sha256", "first_seq", "last_seq",
		"leaf_index", "tree_size", "merkle_root",
	};
	char v[EV_VALUE_MAX], *again;
	size_t pos = 0, line = 0, alen;
	int bad = 0;

	memset(p, 0, sizeof *p);
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: not text (a NUL byte)", name);
		return EV_EFORMAT;
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		line++;
		if (take(buf, len, &pos, keys[i], v, sizeof v) != 0) {
			snprintf(err, errlen, "%s: line %zu: expected %s=VALUE "
				 "(%s)", name, line, keys[i], EV_PROOF_FORMAT);
			return EV_EFORMAT;
		}
		switch (i) {
		case 0: bad = strcmp(v, EV_PROOF_FORMAT) != 0; break;
		case 1:
			bad = ev_value_check(EV_K_TOKEN, v) != 0;
			snprintf(p->record_id, sizeof p->record_id, "%s", v);
			break;
		case 2: bad = u64_of(v, &p->chain_seq); break;
		case 3:
			bad = ev_value_check(EV_K_HASH, v) ||
			      ev_unhex(v, p->record_hash, EV_HASH_LEN);
			break;
		case 4: bad = u64_of(v, &p->cp_seq); break;
		case 5:
			bad = ev_value_check(EV_K_HASH, v) ||
			      ev_unhex(v, p->cp_hash, EV_HASH_LEN);
			break;
		case 6: bad = u64_of(v, &p->first_seq); break;
		case 7: bad = u64_of(v, &p->last_seq); break;
		case 8: bad = u64_of(v, &p->index); break;
		case 9: bad = u64_of(v, &p->size); break;
		case 10:
			bad = ev_value_check(EV_K_HASH, v) ||
			      ev_unhex(v, p->root, EV_HASH_LEN);
			break;
		}
		if (bad) {
			snprintf(err, errlen, "%s: line %zu: %s=%.80s: not a "
				 "valid value", name, line, keys[i], v);
			return EV_EFORMAT;
		}
	}
	while (pos < len) {
		line++;
		if (p->npath == EV_MERKLE_PATH_MAX ||
		    take(buf, len, &pos, "path", v, sizeof v) != 0 ||
		    ev_value_check(EV_K_HASH, v) ||
		    ev_unhex(v, p->path[p->npath], EV_HASH_LEN)) {
			snprintf(err, errlen, "%s: line %zu: expected path=HASH "
				 "(at most %d) to the end", name, line,
				 EV_MERKLE_PATH_MAX);
			return EV_EFORMAT;
		}
		p->npath++;
	}
	/* canonical: the bytes are exactly what the encoder writes */
	alen = len + 1;
	again = malloc(alen);
	if (!again) {
		snprintf(err, errlen, "%s: out of memory", name);
		return EV_ENOMEM;
	}
	bad = ev_proof_encode(p, again, alen, &alen) != 0 || alen != len ||
	      memcmp(again, buf, len) != 0;
	free(again);
	if (bad) {
		snprintf(err, errlen, "%s: not in canonical form (%s)", name,
			 EV_PROOF_FORMAT);
		return EV_EFORMAT;
	}
	return 0;
}

int ev_proof_check(const struct ev_proof *p, const struct ev_record *rec,
		   const uint8_t rec_hash[EV_HASH_LEN],
		   const struct ev_record *cp, const uint8_t cp_hash[EV_HASH_LEN],
		   char *why, size_t whylen)
{
	uint64_t seq = ev_record_u64(rec, EV_F_CHAIN_SEQ);
	uint64_t cseq = ev_record_u64(cp, EV_F_CHAIN_SEQ);
	uint64_t first, last, count, index;
	uint8_t root[EV_HASH_LEN];

	if (cp->type != EV_CHECKPOINT) {
		snprintf(why, whylen, "names record %" PRIu64 " as its "
			 "checkpoint, which is a %s record", cseq,
			 ev_type_names[cp->type]);
		return EV_EFORMAT;
	}
	first = ev_record_u64(cp, EV_F_FIRST_SEQ);
	last = ev_record_u64(cp, EV_F_LAST_SEQ);
	count = ev_record_u64(cp, EV_F_CP_COUNT);
	if (strcmp(rec->v[EV_F_CHAIN_ID], cp->v[EV_F_CHAIN_ID]) != 0 ||
	    strcmp(rec->v[EV_F_CAMERA_ID], cp->v[EV_F_CAMERA_ID]) != 0) {
		snprintf(why, whylen, "the record is camera %s chain %s, its "
			 "checkpoint camera %s chain %s: a record of another "
			 "chain", rec->v[EV_F_CAMERA_ID], rec->v[EV_F_CHAIN_ID],
			 cp->v[EV_F_CAMERA_ID], cp->v[EV_F_CHAIN_ID]);
		return EV_EFORMAT;
	}
	if (seq < first || seq > last || last - first + 1 != count) {
		snprintf(why, whylen, "record %" PRIu64 " is not under "
			 "checkpoint %" PRIu64 ", which covers records %" PRIu64
			 "..%" PRIu64, seq, cseq, first, last);
		return EV_EFORMAT;
	}
	index = seq - first;
#define SAME(cond, what, fmt, a, b) \
	if (!(cond)) { \
		snprintf(why, whylen, "%s is " fmt " but the signed records " \
			 "give " fmt, what, a, b); \
		return EV_EFORMAT; \
	}
	SAME(strcmp(p->record_id, rec->v[EV_F_RECORD_ID]) == 0, "record_id",
	     "%s", p->record_id, rec->v[EV_F_RECORD_ID]);
	SAME(p->chain_seq == seq, "chain_seq", "%" PRIu64, p->chain_seq, seq);
	SAME(p->cp_seq == cseq, "checkpoint_seq", "%" PRIu64, p->cp_seq, cseq);
	SAME(p->first_seq == first, "first_seq", "%" PRIu64, p->first_seq, first);
	SAME(p->last_seq == last, "last_seq", "%" PRIu64, p->last_seq, last);
	SAME(p->index == index, "leaf_index", "%" PRIu64, p->index, index);
	SAME(p->size == count, "tree_size", "%" PRIu64, p->size, count);
#undef SAME
	if (memcmp(p->record_hash, rec_hash, EV_HASH_LEN) != 0) {
		snprintf(why, whylen, "record_sha256 is not the SHA-256 of the "
			 "record file: the record was replaced or altered");
		return EV_EFORMAT;
	}
	if (memcmp(p->cp_hash, cp_hash, EV_HASH_LEN) != 0) {
		snprintf(why, whylen, "checkpoint_sha256 is not the SHA-256 of "
			 "checkpoint record %" PRIu64 "'s file", cseq);
		return EV_EFORMAT;
	}
	if (ev_value_check(EV_K_HASH, cp->v[EV_F_MERKLE_ROOT]) ||
	    ev_unhex(cp->v[EV_F_MERKLE_ROOT], root, EV_HASH_LEN) ||
	    memcmp(root, p->root, EV_HASH_LEN) != 0) {
		snprintf(why, whylen, "merkle_root is not checkpoint %" PRIu64
			 "'s signed merkle_root %s", cseq,
			 cp->v[EV_F_MERKLE_ROOT]);
		return EV_EFORMAT;
	}
	/* the leaf from the record's own hash, index and size from the
	 * signed records: only the path is the proof's own */
	if (!ev_merkle_verify(rec_hash, index, count,
			      (const uint8_t (*)[EV_HASH_LEN])p->path, p->npath,
			      root)) {
		snprintf(why, whylen, "the path (%zu hashes) does not lead "
			 "from record %" PRIu64 " (leaf %" PRIu64 " of %" PRIu64
			 ") to checkpoint %" PRIu64 "'s merkle_root: the proof "
			 "was altered, or the record is not the one the "
			 "checkpoint covers", p->npath, seq, index, count, cseq);
		return EV_EFORMAT;
	}
	return 0;
}
