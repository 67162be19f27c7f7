/* SPDX-License-Identifier: MIT */
/*
 * evidence.h - the evidential record library (anprevidence): records,
 * minisign keys and signatures, the Merkle tree, the hash chain, the
 * crash-safe spool and its writer thread, and the verifier.
 *
 * Conventions (as imageio): functions that can fail return 0 or a negative
 * EV_E* code and write into err (errlen bytes, always NUL-terminated) a
 * message that names the file (or the field) and the reason.
 */
#ifndef ANPR_EVIDENCE_H
#define ANPR_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "evidence/evidence_format.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ev_err {
	EV_OK = 0,
	EV_EIO = -1,		/* open/read/write/sync/rename failed */
	EV_EFORMAT = -2,	/* malformed record, key or signature */
	EV_ESIG = -3,		/* signature does not verify */
	EV_EKEY = -4,		/* wrong key, or key file refused */
	EV_ENOSPC = -5,		/* disk full: intake stopped */
	EV_EFULL = -6,		/* writer queue full: record dropped */
	EV_ESTATE = -7,		/* spool stopped after an earlier error */
	EV_EINVAL = -8,		/* bad argument from the caller */
	EV_ENOMEM = -9,
	EV_EPERM = -10,		/* a secret's file or the spool too open, a
				 * link where none may be */
};

/* Library set-up: sodium_init(). Returns 0 or EV_EIO. Thread-safe. */
int ev_init(void);

/* ------------------------------------------------------------ record */

struct ev_field_info {
	const char *name;
	enum ev_kind kind;
};
extern const struct ev_field_info ev_fields[EV_F_COUNT];
extern const char *const ev_type_names[EV_TYPE_COUNT];
/* capture_clock values by enum ev_capclk ("camera-synchronised", ...),
 * and back: the enum value of a name, -1 for none. */
extern const char *const ev_capclk_names[EV_CAPCLK_COUNT];
int ev_capclk_parse(const char *v);
/* ev_plate_state_parse - a plate_state value (anpr-record/4): 0 "read",
 * 1..3 "unreadable:" no-characters, not-read, no-format; -1 if none. */
int ev_plate_state_parse(const char *v);

/* The fields of a record type in format version `version`, in file order
 * (common fields first); 0 (and NULL) for an unknown type or version. */
size_t ev_type_fields(unsigned version, enum ev_type type,
		      const enum ev_field **fields);

struct ev_record {
	enum ev_type type;
	unsigned version;			/* format: anpr-record/<version> */
	char v[EV_F_COUNT][EV_VALUE_MAX];	/* values, NUL-terminated;
						   fields not in the version's
						   table stay "" */
};

/* A record of the current version (EV_FORMAT_NAME), all values "". */
void ev_record_init(struct ev_record *r, enum ev_type type);
/* The same in an older version (EV_FORMAT_MIN..EV_FORMAT_VERSION):
 * for tests and fixtures only; the writer writes the current version.
 * EV_EINVAL for a version not read. */
int ev_record_init_version(struct ev_record *r, enum ev_type type,
			   unsigned version);
/* printf into field f; EV_EINVAL if it does not fit. */
int ev_record_set(struct ev_record *r, enum ev_field f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Check one value against a syntax class; 0 or EV_EFORMAT. */
int ev_value_check(enum ev_kind kind, const char *v);
/* Encode (checking every field of the type) into out; *len = bytes. */
int ev_record_encode(const struct ev_record *r, char *out, size_t cap,
		     size_t *len, char *err, size_t errlen);
/* Strict, canonical decode. name is used in messages (file name). */
int ev_record_parse(const char *buf, size_t len, const char *name,
		    struct ev_record *r, char *err, size_t errlen);
/* Unsigned field value; the field must be valid UINT. */
uint64_t ev_record_u64(const struct ev_record *r, enum ev_field f);

/* UTC time formatting for the TIME class (microseconds, 'Z'). */
int ev_format_time(const struct timespec *utc, char *out, size_t cap);

/* ------------------------------------------------------------- clock */

/* Clock state at capture, from adjtimex(2). */
struct ev_clock {
	bool synced;			/* kernel says NTP-synchronised */
	uint64_t esterror_us;		/* estimated error */
	uint64_t maxerror_us;		/* maximum error */
};
/* Pure: derive the state from adjtimex's result and struct timex fields. */
void ev_clock_from_timex(int adjtimex_ret, int status, long esterror,
			 long maxerror, struct ev_clock *out);
/* Sample the host clock (calls adjtimex with modes 0). */
int ev_clock_sample(struct ev_clock *out);

/* What the capture path stamps on a record (inject in tests). */
struct ev_when {
	struct timespec utc;		/* CLOCK_REALTIME at capture */
	uint64_t mono_ns;		/* CLOCK_MONOTONIC at capture */
	struct ev_clock clock;
	/* where the frame's own timestamp came from, and whether the
	 * camera's and the host's clocks disagreed (a read's capture_clock
	 * and clocks_disagree; records of other types do not carry them) */
	enum ev_capclk capclk;
	bool clocks_disagree;
};
typedef void (*ev_now_fn)(void *ctx, struct ev_when *out);
/* The real clock: clock_gettime + adjtimex. */
void ev_now_system(void *ctx, struct ev_when *out);

/* ------------------------------------------------------------ hashes */

void ev_sha256(const void *buf, size_t len, uint8_t out[EV_HASH_LEN]);
void ev_hex(const uint8_t *bin, size_t len, char *out /* 2*len+1 */);
int ev_unhex(const char *hex, uint8_t *bin, size_t len);
/* SHA-256 of a file; EV_EIO with the file named. */
int ev_sha256_file(const char *path, uint8_t out[EV_HASH_LEN],
		   char *err, size_t errlen);
/* Merkle tree hash (RFC 6962) of n record hashes. */
void ev_merkle_root(const uint8_t (*leaves)[EV_HASH_LEN], size_t n,
		    uint8_t out[EV_HASH_LEN]);

/* ------------------------------------------- inclusion proofs (proof.c) */

/* RFC 9162 2.1.3.1 PATH(m, D[n]) over n record hashes (the checkpoint's
 * leaves, EV_MERKLE_*): *len sibling hashes, leaf to root, into path (cap
 * entries). EV_EINVAL if m >= n or cap is too small. */
int ev_merkle_path(const uint8_t (*leaves)[EV_HASH_LEN], size_t n, size_t m,
		   uint8_t (*path)[EV_HASH_LEN], size_t cap, size_t *len);
/* RFC 9162 2.1.3.2: does path prove record_hash at index of a tree of size
 * leaves with this root? The size must come from the signed checkpoint
 * (its count), never from the proof: the same path can prove a leaf of
 * trees of other sizes with the same left part. */
bool ev_merkle_verify(const uint8_t record_hash[EV_HASH_LEN], uint64_t index,
		      uint64_t size, const uint8_t (*path)[EV_HASH_LEN],
		      size_t len, const uint8_t root[EV_HASH_LEN]);

/* An inclusion proof file (EV_PROOF_FORMAT, evidence_format.h). */
struct ev_proof {
	char record_id[EV_VALUE_MAX];
	uint64_t chain_seq;
	uint8_t record_hash[EV_HASH_LEN];
	uint64_t cp_seq;			/* the checkpoint record */
	uint8_t cp_hash[EV_HASH_LEN];
	uint64_t first_seq, last_seq;		/* its span */
	uint64_t index, size;			/* leaf_index, tree_size */
	uint8_t root[EV_HASH_LEN];
	uint8_t path[EV_MERKLE_PATH_MAX][EV_HASH_LEN];
	size_t npath;
};
/* The proof of the record at chain_seq from the leaves (record hashes) of
 * the span cp->first_seq.. of the checkpoint record cp (whose file's
 * SHA-256 is cp_hash): every field filled, and the rebuilt root checked
 * against the checkpoint's merkle_root (EV_EFORMAT, err says why, if the
 * leaves are not the checkpoint's). */
int ev_proof_build(struct ev_proof *p, const uint8_t (*leaves)[EV_HASH_LEN],
		   size_t n, uint64_t chain_seq, const char *record_id,
		   const struct ev_record *cp, const uint8_t cp_hash[EV_HASH_LEN],
		   char *err, size_t errlen);
/* The file's text (*len bytes); EV_EINVAL if cap is too small. */
int ev_proof_encode(const struct ev_proof *p, char *out, size_t cap,
		    size_t *len);
/* Strict parse: the fields in order, canonical (encoding the result gives
 * the same bytes), or EV_EFORMAT with err naming the file (name) and the
 * line. */
int ev_proof_parse(const char *buf, size_t len, const char *name,
		   struct ev_proof *p, char *err, size_t errlen);
/* The proof against the two signed records it joins: rec (its file's
 * SHA-256 rec_hash) and the checkpoint cp (cp_hash). Every value the proof
 * repeats must be the signed one, the index and size are taken from the
 * signed records, and the path must rebuild the checkpoint's merkle_root.
 * 0, or EV_EFORMAT with why saying which value or that the path fails. */
int ev_proof_check(const struct ev_proof *p, const struct ev_record *rec,
		   const uint8_t rec_hash[EV_HASH_LEN],
		   const struct ev_record *cp, const uint8_t cp_hash[EV_HASH_LEN],
		   char *why, size_t whylen);

/* -------------------------------------------------- minisign keys/sigs */

/*
 * A key. The secret half, when there is one, is not in the struct: it
 * lives in memory from sodium_malloc (guard pages, mlock()ed, left out of
 * core dumps; secmem.c), shared by reference between the copies of one
 * key. So a key that holds a secret is copied with ev_key_copy (not by
 * assignment) and every copy is released with ev_key_free, which wipes
 * the secret with the last one. A public key (secret NULL) is plain data.
 */
struct ev_secret;
struct ev_key {
	uint8_t keynum[EV_KEYNUM_LEN];
	uint8_t pk[EV_PK_LEN];
	struct ev_secret *secret;	/* NULL: public key only */
};

bool ev_key_has_secret(const struct ev_key *k);
/* The Ed25519 secret key (seed || public key, EV_SK_LEN bytes), or NULL. */
const uint8_t *ev_key_sk(const struct ev_key *k);
/* dst = src, sharing src's secret (one more reference). */
void ev_key_copy(struct ev_key *dst, const struct ev_key *src);
/* Drop k's reference to its secret (wiped and freed with the last one);
 * k keeps its public half. Harmless on a public key. */
void ev_key_free(struct ev_key *k);

/* Memory for other secrets (passphrases, key file text): sodium_malloc'd
 * like a key's secret, NULL when out of memory; ev_secure_free wipes it
 * (NULL is fine). */
void *ev_secure_alloc(size_t n);
void ev_secure_free(void *p);
/* Overwrite the stack below the caller, where library functions that
 * handled a secret left pieces of it (called after signing and after
 * reading a key). */
void ev_burn_stack(void);

/* Key id as minisign prints it ("%016" PRIX64 of the little-endian keynum),
 * 17 bytes with the NUL. */
void ev_key_id(const uint8_t keynum[EV_KEYNUM_LEN], char out[17]);
/* Fingerprint: SHA-256 of the 32-byte Ed25519 public key, hex. */
void ev_key_fingerprint(const struct ev_key *k, char out[EV_HASH_HEX + 1]);
/* Fresh random key pair (k must not hold a secret: it is overwritten). */
int ev_key_generate(struct ev_key *k);
/* The base64 line of the public key (EV_MS_PUBKEY_B64_LEN + 1). */
void ev_pubkey_b64(const struct ev_key *k, char *out, size_t cap);
int ev_pubkey_from_b64(const char *b64, struct ev_key *k, const char *name,
		       char *err, size_t errlen);

/* Public key file text; *len bytes. */
int ev_pubkey_encode(const struct ev_key *k, char *out, size_t cap,
		     size_t *len);
int ev_pubkey_parse(const char *buf, size_t len, const char *name,
		    struct ev_key *k, char *err, size_t errlen);
/* Secret key file text; passphrase NULL = stored in clear (minisign -W). */
int ev_seckey_encode(const struct ev_key *k, const char *passphrase,
		     char *out, size_t cap, size_t *len);
/* k is overwritten (it must not hold a secret); buf should itself be in
 * ev_secure_alloc'd memory, as ev_key_load_secret reads it. */
int ev_seckey_parse(const char *buf, size_t len, const char *name,
		    const char *passphrase, struct ev_key *k,
		    char *err, size_t errlen);

/* Detached signature file text for msg (sig_alg "ED"). */
int ev_sign(const struct ev_key *k, const void *msg, size_t msglen,
	    const char *trusted_comment, char *out, size_t cap, size_t *len);
/* Verify a detached signature file text against msg and key. On success,
 * the trusted comment is copied to tc (tccap bytes) if tc != NULL.
 * EV_EFORMAT (unparsable), EV_EKEY (other key id), EV_ESIG (bad). */
int ev_verify_sig(const struct ev_key *k, const void *msg, size_t msglen,
		  const char *sig, size_t siglen, const char *name,
		  char *tc, size_t tccap, char *err, size_t errlen);
/* Key id found in a signature file text (no verification). */
int ev_sig_keynum(const char *sig, size_t siglen,
		  uint8_t keynum[EV_KEYNUM_LEN]);

/* Key files (I/O). The secret key file must be mode 0600 or stricter and
 * owned by the effective user; anything else is refused with EV_EPERM. */
int ev_key_load_public(const char *path, struct ev_key *k,
		       char *err, size_t errlen);
int ev_key_load_secret(const char *path, const char *passphrase,
		       struct ev_key *k, char *err, size_t errlen);
/* Who the secret key file is given to (anpr-keygen --owner). */
struct ev_key_owner {
	uid_t uid;
	gid_t gid;
};
/* Write the pair (public 0644, secret 0600 and owner's, or the caller's
 * when owner is NULL): both are written and synced as temporary files
 * beside their targets, then renamed into place, the secret key last.
 * Existing files are refused unless force. On any failure the files that
 * were there are left as they were (docs/keys.md). */
int ev_key_save(const struct ev_key *k, const char *pubpath,
		const char *secpath, const char *passphrase, bool force,
		const struct ev_key_owner *owner, char *err, size_t errlen);

/* A passphrase file: its content less trailing newlines, into out (cap
 * bytes with the NUL; give it ev_secure_alloc'd memory); empty is an
 * error naming the file. Like a secret key file it must be owned by the
 * effective user and closed to group and others (mode 0600 or stricter),
 * or it is refused with EV_EPERM, naming the file and its mode. */
int ev_read_passphrase(const char *path, char *out, size_t cap, char *err,
		       size_t errlen);
/* The same from a systemd credential ($CREDENTIALS_DIRECTORY/NAME), whose
 * owner and mode are not checked: systemd makes the directory private to
 * the service, and may give the file to root with an ACL for the
 * service's user (mode bits 0440), which the check above would refuse. */
int ev_read_credential_passphrase(const char *path, char *out, size_t cap,
				  char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
