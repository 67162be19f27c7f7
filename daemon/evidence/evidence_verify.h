/* SPDX-License-Identifier: MIT */
/*
 * evidence_verify.h - checking a spool, an unpacked evidence bundle or one
 * record: every signature, the chain, the checkpoints, the images and the
 * signed head. The result is a report; the tools print it.
 */
#ifndef ANPR_EVIDENCE_VERIFY_H
#define ANPR_EVIDENCE_VERIFY_H

#include "evidence/evidence.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Problem codes (stable: they appear in anpr-verify --json). */
#define EV_P_UNREADABLE		"unreadable"
#define EV_P_MALFORMED		"malformed"
#define EV_P_NO_SIGNATURE	"missing-signature"
#define EV_P_BAD_SIGNATURE	"bad-signature"
#define EV_P_WRONG_KEY		"wrong-key"
#define EV_P_OUT_OF_PLACE	"out-of-place"	/* name vs chain_seq */
#define EV_P_DUPLICATE		"duplicate"
#define EV_P_MISSING		"missing-records"
#define EV_P_CHAIN		"chain-broken"	/* prev_hash mismatch */
#define EV_P_FOREIGN		"foreign-record" /* other camera/chain */
#define EV_P_IMAGE_MISSING	"image-missing"
#define EV_P_IMAGE_ALTERED	"image-altered"
#define EV_P_CHECKPOINT		"checkpoint-mismatch"
#define EV_P_TRUNCATED		"truncated"
#define EV_P_HEAD		"bad-head"
#define EV_P_MANIFEST		"manifest-mismatch" /* bundle's account */
#define EV_P_SUMS		"checksum-mismatch" /* vs SHA256SUMS */
#define EV_P_ANCHOR		"anchor-mismatch" /* vs --anchor */
#define EV_P_EXTRA		"unexpected-file" /* not the writer's */
#define EV_P_LEDGER_HASH	"ledger-mismatch" /* ledger vs record */
#define EV_P_LEDGER_SPAN	"ledger-impossible" /* a deletion that
						   anpr-upload never makes */
#define EV_P_PROOF		"proof-mismatch" /* inclusion proof fails */

struct ev_problem {
	uint64_t seq;			/* 0: not tied to one record */
	char code[24];
	char file[512];
	char msg[768];
};

/* One verified record, in chain order (what --export needs). */
struct ev_vrec {
	uint64_t seq;
	enum ev_type type;
	uint64_t cp_first, cp_last;	/* checkpoint records */
	uint32_t dir;			/* its files' directory: dirs[dir] */
	bool plate, overview;		/* images the record names */
	bool newsig;			/* a key rotation's second signature */
	bool ok;
};

struct ev_vkey {
	char id[17];
	char fingerprint[EV_HASH_HEX + 1];
	char pubkey[160];		/* its minisign public key file */
	uint64_t first_seq, last_seq;	/* records it signed */
};

/* One record of a disclosure bundle, as proven (kind "disclosure"). */
struct ev_vdisc {
	uint64_t seq;			/* its chain_seq */
	char type[16];
	char record_id[80];
	char time_utc[32];
	char vrm[EV_VRM_MAX + 1];	/* reads: the mark as read */
	char capture_clock[32];		/* reads of anpr-record/3: how the
					   capture time was obtained, and
					   whether the clocks disagreed;
					   "" when the record does not say */
	bool clocks_disagree;
	char key_id[17];		/* signed it */
	uint64_t cp_seq;		/* the checkpoint proving its place */
	uint64_t cp_first, cp_last;	/* that checkpoint's span */
	uint64_t index, size;		/* leaf index, tree size */
	char cp_key_id[17];
	char root[EV_HASH_HEX + 1];
	bool ok;			/* record, images, proof, checkpoint */
};

struct ev_vreport {
	char path[512];
	char kind[16];			/* "spool", "bundle", "record" */
	char root[512];			/* the directory holding records/ */
	char camera_id[EV_CAMERA_ID_MAX + 1];
	char chain_id[17];
	uint64_t first_seq, last_seq;
	size_t records, reads, heartbeats, checkpoints, rotations, images;
	uint64_t covered_to;		/* last seq under a checkpoint */
	size_t clock_unsynced;		/* records made with clock_synced=0 */
	uint64_t clock_max_error_us;	/* largest clock_maxerror_us seen */
	size_t time_backwards;		/* records older than their predecessor */
	size_t capclk[EV_CAPCLK_COUNT];	/* reads by capture_clock (/3) */
	size_t clocks_disagree;		/* reads with clocks_disagree=1 */
	size_t capclk_unstated;		/* reads of /1 and /2: not said */
	uint64_t head_seq;		/* 0: no signed head found */
	uint64_t anchor_seq;		/* 0: no --anchor, or it failed */
	size_t uploaded;		/* records gone to the back office whose
					   ledger hashes a present checkpoint
					   confirms */
	uint64_t uploaded_first, uploaded_last;
	size_t uploaded_unconfirmed;	/* deleted, known from the ledger only */
	struct ev_problem *problems;
	size_t nproblems;
	char (*notes)[640];
	size_t nnotes;
	struct ev_vrec *recs;
	size_t nrecs;
	char (*dirs)[512];		/* the directories holding records */
	size_t ndirs;
	struct ev_vkey keys[16];
	size_t nkeys;
	struct ev_vdisc *disc;		/* a disclosure bundle's records */
	size_t ndisc;
};

/* Verify path (a spool or bundle directory, or a .rec file) against the
 * trusted public keys. Returns 0 when the check ran (rep->nproblems says
 * whether it passed), or a negative EV_E* when it could not run at all
 * (err says why). Free the report with ev_vreport_free. */
/* The same, for a spool that anpr-upload has been emptying: the records
 * listed in its ledger (docs/upload-protocol.md: "seq record_id sha256
 * unix_time" lines) and no longer present stand in by their hashes, which
 * are checked against the signed chain (the next record's prev_hash, the
 * checkpoints' Merkle roots). ledger may be NULL. */
int ev_verify_path_uploaded(const char *path, const struct ev_key *keys, size_t nkeys,
			    const char *ledger, struct ev_vreport *rep, char *err,
			    size_t errlen);
int ev_verify_path(const char *path, const struct ev_key *keys, size_t nkeys,
		   struct ev_vreport *rep, char *err, size_t errlen);
/* What else the check may use (all optional). */
struct ev_vopts {
	const char *ledger;		/* anpr-upload's uploaded.log */
	const char *anchor;		/* a signed record or head of the chain
					   kept outside the camera (FILE with
					   FILE.minisig beside it) */
};
int ev_verify_path_opts(const char *path, const struct ev_key *keys,
			size_t nkeys, const struct ev_vopts *opts,
			struct ev_vreport *rep, char *err, size_t errlen);
void ev_vreport_free(struct ev_vreport *rep);
/* src as printable ASCII: other bytes as \xNN, '\\' doubled (cap bytes
 * with the NUL; cut, never split an escape). For anything taken from the
 * files examined before it reaches a terminal or a log. */
void ev_safe_text(char *dst, size_t cap, const char *src);
/* README.txt of an evidence bundle, as anpr-verify --export and
 * anpr-query --export write it. */
extern const char ev_bundle_readme[];
/* README.txt of a disclosure bundle (EV_DISCLOSURE_FORMAT). */
extern const char ev_disclosure_readme[];
/* The problem with the lowest seq (the first bad record), or NULL. */
const struct ev_problem *ev_vreport_first(const struct ev_vreport *rep);

/* One line of anpr-upload's ledger (docs/upload-protocol.md):
 * "seq record_id sha256 unix_time", single spaces, LF. */
struct ev_ledger_line {
	uint64_t seq, time;
	uint8_t hash[EV_HASH_LEN];
	char record_id[80];
	char chain_id[17];		/* from record_id */
	size_t lineno;
};
/* Strict parse of one line (with or without its LF); on error why says
 * what is wrong. */
int ev_ledger_parse_line(const char *line, size_t len,
			 struct ev_ledger_line *out, char *why, size_t whylen);

/* ------------------------------------------------------------- ustar */

/* Minimal POSIX ustar writer/reader for evidence bundles: regular files
 * and directories only, names up to 100 bytes. */
struct ev_tar;
int ev_tar_open(struct ev_tar **t, const char *path, char *err,
		size_t errlen);
int ev_tar_add(struct ev_tar *t, const char *name, const void *data,
	       size_t len, unsigned mode, char *err, size_t errlen);
int ev_tar_add_file(struct ev_tar *t, const char *name, const char *src,
		    char *err, size_t errlen);
int ev_tar_close(struct ev_tar *t, char *err, size_t errlen);
/* Unpack into dir (must exist). Refuses absolute names, "..", links and
 * devices; a damaged archive is an error naming the member. */
int ev_tar_extract(const char *path, const char *dir, char *err,
		   size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
