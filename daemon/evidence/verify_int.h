/* SPDX-License-Identifier: MIT */
/*
 * verify_int.h - internals shared by verify.c (the checks of one record)
 * and verify_path.c (finding the records, the head, paths and bundles).
 */
#ifndef ANPR_EVIDENCE_VERIFY_INT_H
#define ANPR_EVIDENCE_VERIFY_INT_H

#include "evidence/evidence_spool.h"
#include "evidence/evidence_verify.h"

struct entry {
	uint64_t seq;
	uint32_t dir;			/* index into rep->dirs */
	uint8_t hash[EV_HASH_LEN];
	bool hashed, dup;
	bool uploaded;			/* no file: hash from the upload ledger */
	bool confirmed;			/* uploaded, and a present checkpoint's
					   Merkle root rebuilt from its hash */
	int type;			/* enum ev_type, -1 unknown / absent */
	unsigned version;		/* anpr-record/N of its file, 0 unknown */
	bool plate, overview, newsig;	/* files its signed record names */
};

/* A name in a records directory that is not a record file. */
struct other_file {
	uint32_t dir;			/* index into rep->dirs */
	unsigned mode;			/* st_mode (lstat) */
	char name[256];
};

struct vctx {
	struct ev_vreport *rep;
	const struct ev_key *given;
	size_t ngiven;
	struct ev_key cur;
	bool have_cur;
	struct entry *e;
	size_t ne, cape;
	uint64_t cp_start;		/* first seq of the open span, 0: ? */
	char real_root[512], disp_root[512];
	int64_t last_hb;		/* time of the last heartbeat, s */
	int64_t last_time_us;		/* time_utc of the previous record */
	unsigned last_hb_interval;
	struct ev_record r;
	const char *ledger;		/* anpr-upload's ledger, or NULL */
	const char *anchor;		/* --anchor FILE, or NULL */
	char chain_id[17];		/* of the newest readable record */
	struct ev_key seen[16];		/* keys the chain was signed with */
	size_t nseen;
	struct other_file *other;	/* see collect() */
	size_t nother;
};

const char *ev_v_disp(struct vctx *c, const char *path, char *buf,
		      size_t cap);
void ev_v_problem(struct vctx *c, uint64_t seq, const char *code,
		  const char *file, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void ev_v_note(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint64_t ev_v_seq_name(const char *name, const char *want_sfx);
struct entry *ev_v_find(struct vctx *c, uint64_t seq);
void ev_v_path_of(const struct vctx *c, const struct entry *e,
		  const char *sfx, char *out,
		  size_t cap);
const struct ev_key *ev_v_given_key(struct vctx *c, const char *id);
const struct ev_key *ev_v_chain_key(struct vctx *c, const char *kid);
/* A signed head's fields (verify_path.c). */
struct ev_v_head {
	bool v1;			/* anpr-head/1: no prev_head_seq */
	char chain_id[17], key_id[17];
	char record_hash[EV_HASH_HEX + 1];
	uint64_t seq;
	uint64_t prev_head_seq;		/* UINT64_MAX for anpr-head/1 */
};
int ev_v_parse_head(const char *text, size_t len, struct ev_v_head *h);
bool ev_v_check_sig(struct vctx *c, uint64_t seq, const char *file,
		    const char *text, size_t len, const struct ev_key *k,
		    const char *sigpath, const char *want_tc);
void ev_v_check_record(struct vctx *c, struct entry *e, size_t idx);
/* k signed record seq: the report's key table (rep->keys). */
void ev_v_key_used(struct vctx *c, const struct ev_key *k, uint64_t seq);
/* The image a read record (c->r, entry e) names in ff, hashed against fh. */
void ev_v_check_image(struct vctx *c, const struct entry *e,
		      const char *file, enum ev_field ff, enum ev_field fh,
		      const char *sfx);
const char *ev_v_dir(const struct vctx *c, uint32_t idx);
int ev_v_add_entry(struct vctx *c, uint64_t seq, const char *dir);
int ev_v_dir_index(struct vctx *c, const char *dir, uint32_t *idx);
/* verify_ledger.c: the ledger's lines for deleted records become entries
 * (uploaded); lines that cannot be true are problems. */
int ev_v_merge_ledger(struct vctx *c, const char *rec_dir, char *err,
		      size_t errlen);
void ev_v_note_uploaded(struct vctx *c);
/* verify_files.c: every file of a spool or bundle is one the writer (or
 * the exporter) makes, and each record's files are the ones it names. */
bool ev_v_shard_name(const struct vctx *c, const char *name);
int ev_v_add_other(struct vctx *c, const char *dir, const char *name,
		   unsigned mode);
void ev_v_check_files(struct vctx *c, const char *root);
/* verify_anchor.c: the chain reached the anchor's record unchanged. */
void ev_v_check_anchor(struct vctx *c);
/* verify_bundle.c: MANIFEST.txt and SHA256SUMS against the bundle. */
void ev_v_check_bundle(struct vctx *c, const char *root);
/* ... and SHA256SUMS alone (every file under root listed and matching). */
void ev_v_check_sums(struct vctx *c, const char *root);
/* verify_disclose.c: a disclosure bundle (EV_DISCLOSURE_FORMAT), instead
 * of the chain checks: each record, its proof, its checkpoint. */
bool ev_v_is_disclosure(const char *root);
void ev_v_check_disclosure(struct vctx *c, const char *root);

#endif
