/* SPDX-License-Identifier: MIT */
/*
 * anprstore.h - the back office's evidential store on PostgreSQL (libpq):
 * the camera register, the records exactly as signed, per-chain holdings
 * and the quarantine. docs/backoffice.md is the design; the schema is
 * backoffice/sql/. One struct anpr_store is one database connection: not
 * shared between threads (anpr-ingest keeps one per worker thread).
 *
 * Every function returns 0, or a negative ANPR_STORE_E* with err (errlen
 * bytes) saying why in words that name the object (camera id, record id),
 * never a VRM or a location.
 */
#ifndef ANPR_STORE_H
#define ANPR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ANPR_STORE_EIO		-1	/* database unreachable, query failed:
					   transient, answer 503 */
#define ANPR_STORE_ENOENT	-2	/* no such camera, record, ... */
#define ANPR_STORE_EEXIST	-3	/* already there (see the function) */
#define ANPR_STORE_EINVAL	-4	/* bad argument */
#define ANPR_STORE_ENOMEM	-5
#define ANPR_STORE_ECHAIN	-6	/* the record disagrees with what the
					   store holds of its chain: prev_hash
					   or the successor's prev_hash, the
					   chain position held by another
					   record, a checkpoint's Merkle root,
					   the chain's camera. Nothing stored:
					   quarantine it, answer 409 */

struct anpr_store;

/* conninfo: a libpq connection string ("host=127.0.0.1 port=5433
 * dbname=anpr user=anpr_ingest"). A connection lost later (the database
 * restarted) is re-made at the next call; the call that found it lost
 * returns ANPR_STORE_EIO. */
int anpr_store_open(struct anpr_store **st, const char *conninfo, char *err,
		    size_t errlen);
void anpr_store_close(struct anpr_store *st);
/* A store around a libpq connection the caller made and keeps
 * (anpr-console: the person's own, logged in with a password it does not
 * keep, so it cannot open one itself), set up as anpr_store_open's;
 * anpr_store_disown gives the connection back, the statements it
 * prepared there deallocated, and frees the rest. */
struct pg_conn;
int anpr_store_adopt(struct anpr_store **st, struct pg_conn *pg, char *err, size_t errlen);
struct pg_conn *anpr_store_disown(struct anpr_store *st);

/* A replicated store (docs/replication.md): from now on, every transaction
 * of st that writes is committed only while the server's
 * synchronous_standby_names makes a commit wait for at least n standbys
 * (with this connection's synchronous_commit = on, a commit returns once
 * that many have its WAL on disk). Checked just before each COMMIT;
 * otherwise the transaction is rolled back and the call returns
 * ANPR_STORE_EIO, err naming the setting: an acknowledgement must not
 * rest on one server's disk where the force's configuration asks for
 * more. 0 (the default): no check. */
void anpr_store_require_standbys(struct anpr_store *st, unsigned n);

/* How many synchronous standbys a commit waits for under a
 * synchronous_standby_names value (PostgreSQL 15's grammar): "" 0;
 * "FIRST k (...)" and "ANY k (...)" k; "k (...)" k; a plain list or "*"
 * 1. -1 if it is none of these. */
int anpr_store_standbys_of(const char *names);

/* The server's synchronous_standby_names now, and what it makes a commit
 * wait for (anpr_store_standbys_of; -1 not understood). */
int anpr_store_standbys(struct anpr_store *st, int *waits_for, char *names,
			size_t namescap, char *err, size_t errlen);

/* Apply backoffice/sql/NNNN_*.sql files of dir in order, each in its own
 * transaction, recording name and SHA-256 in schema_migrations; an applied
 * file whose SHA-256 changed is ANPR_STORE_EINVAL. *applied: how many were
 * applied now. */
int anpr_store_migrate(struct anpr_store *st, const char *dir, int *applied,
		       char *err, size_t errlen);

/* ------------------------------------------------------ camera register */

/* A fixed camera has a site; a mobile one may. With site_id "" the
 * position is not stored; camera_get gives NAN, NAN, -1 for a position or
 * bearing not stored. */
struct anpr_camera {
	char camera_id[33];
	bool mobile;			/* in a police vehicle; else fixed */
	bool retired;
	char site_id[65];		/* restricted: never logged */
	double site_lat, site_lon;
	int site_bearing_deg;		/* 0-359, or -1: none */
};

/* A public key of a camera: the minisign public key line (56 base64
 * characters) and its key id (16 upper-case hex digits). */
struct anpr_camera_key {
	char key_id[17];
	char public_key_b64[57];
	bool revoked;
};

/* EEXIST if the camera id is registered already. */
int anpr_store_camera_add(struct anpr_store *st, const struct anpr_camera *c,
			  char *err, size_t errlen);
/* From now on its certificates no longer identify it (its records stay);
 * ENOENT if unknown, EEXIST if retired already. */
int anpr_store_camera_retire(struct anpr_store *st, const char *camera_id,
			     char *err, size_t errlen);
int anpr_store_camera_get(struct anpr_store *st, const char *camera_id,
			  struct anpr_camera *c, char *err, size_t errlen);
/* EEXIST if the key is already registered for this camera. */
int anpr_store_camera_key_add(struct anpr_store *st, const char *camera_id,
			      const char *public_key_b64,
			      const char *via_record_id /* rotation, or NULL */,
			      char *err, size_t errlen);
/* ENOENT if the camera has no such key, EEXIST if revoked already. */
int anpr_store_camera_key_revoke(struct anpr_store *st, const char *camera_id,
				 const char *key_id, char *err, size_t errlen);
/* Up to cap keys of the camera (revoked ones too, flagged); *n found. */
int anpr_store_camera_keys(struct anpr_store *st, const char *camera_id,
			   struct anpr_camera_key *keys, size_t cap, size_t *n,
			   char *err, size_t errlen);
/* fingerprint: SHA-256 of the certificate's DER, 64 lower-case hex. */
int anpr_store_cert_add(struct anpr_store *st, const char *camera_id,
			const char *fingerprint, const char *subject,
			int64_t not_after_unix, char *err, size_t errlen);
/* A client certificate of a camera, as registered. */
struct anpr_camera_cert {
	int64_t not_after_unix;
	bool revoked;
	char fingerprint[65];
	char subject[256];		/* truncated if longer */
};
/* Up to cap certificates of the camera (revoked ones too), oldest first;
 * *n found. */
int anpr_store_camera_certs(struct anpr_store *st, const char *camera_id,
			    struct anpr_camera_cert *certs, size_t cap,
			    size_t *n, char *err, size_t errlen);
/* ENOENT if unknown, EEXIST if revoked already. */
int anpr_store_cert_revoke(struct anpr_store *st, const char *fingerprint,
			   char *err, size_t errlen);
/* The camera of an active certificate (not revoked, not expired at now,
 * camera not retired): ENOENT otherwise, err saying which. */
int anpr_store_cert_camera(struct anpr_store *st, const char *fingerprint,
			   int64_t now_unix, char camera_id[33], char *err,
			   size_t errlen);
/* The same, and the camera's keys (as anpr_store_camera_keys, up to cap)
 * read in the same statement: anpr-ingest's one lookup per request. */
int anpr_store_cert_camera_keys(struct anpr_store *st, const char *fingerprint,
				int64_t now_unix, char camera_id[33],
				struct anpr_camera_key *keys, size_t cap,
				size_t *n, char *err, size_t errlen);
/* The same, and what is held under record_id (as anpr_store_record_held;
 * held->held false if nothing): anpr-ingest's one statement per request,
 * asked with the request's Idempotency-Key. EINVAL if record_id is not a
 * record id. */
struct anpr_held;
int anpr_store_request_lookup(struct anpr_store *st, const char *fingerprint,
			      int64_t now_unix, const char *record_id,
			      char camera_id[33], struct anpr_camera_key *keys,
			      size_t cap, size_t *n, struct anpr_held *held,
			      char *err, size_t errlen);
/* The same for the nids record ids of a request of several records
 * (upload protocol version 2): held[i] says what is held under ids[i]. At
 * most ANPR_STORE_LOOKUP_IDS_MAX ids; EINVAL if one is not a record id. */
#define ANPR_STORE_LOOKUP_IDS_MAX	64
int anpr_store_request_lookup_n(struct anpr_store *st, const char *fingerprint,
				int64_t now_unix, const char *const *ids, size_t nids,
				char camera_id[33], struct anpr_camera_key *keys,
				size_t cap, size_t *n, struct anpr_held *held,
				char *err, size_t errlen);

/* ------------------------------------------------ the control room's alerts */

/* Store a camera's anpr-alert/2 line (anpr-console: the camera is its
 * client certificate's, checked against the line before): *id its row in
 * anpr.alerts, *created false if the same line was stored before (a
 * webhook's retry). NOTIFY anpr_alerts at commit. */
int anpr_store_alert_put(struct anpr_store *st, const char *camera_id, int64_t seq,
			 const char *kind, const char *time_iso, const char *line,
			 int64_t *id, bool *created, char *err, size_t errlen);

/* ------------------------------------------ cloned and impossible plates */

/* Compare the reads among record_ids (just stored) with the other reads
 * of their marks (anpr.check_cloned_plates, 0017: further apart than the
 * time between them allows); *flagged: the new flags. anpr-ingest calls
 * it after each group commits. */
int anpr_store_cloned_plates_check(struct anpr_store *st, const char *const *record_ids,
				   size_t n, size_t *flagged, char *err, size_t errlen);
/* Delete the flags whose reads were purged (anpr-db purge, after the
 * purge): a flag never outlives its reads. */
int anpr_store_cloned_plates_forget_purged(struct anpr_store *st, size_t *removed, char *err,
					   size_t errlen);

/* ------------------------------------------------ read accuracy (0018) */

/* The settings of anpr.accuracy_settings. */
struct anpr_accuracy_settings {
	int per_camera_day;		/* reads sampled a camera a day */
	int window_days;		/* the figures' default window */
	double attention_below;		/* a lower bound under it: attention */
};
/* A camera's figures (anpr.camera_accuracy): NAN where not measured. */
struct anpr_accuracy_row {
	char camera_id[33];
	int64_t sampled, unreviewed, confirmed, corrected, not_a_plate, cannot_tell;
	double accuracy, lower, upper;		/* Wilson 95 % */
	int64_t hits_acted, misread;
	double misread_lower, misread_upper;
	char attention[160];			/* "" or why it needs attention */
};
/* The figures over the last days (0: the settings' window), one row a
 * camera (*rows malloc'd, free() it), and the settings. */
int anpr_store_accuracy(struct anpr_store *st, int days, struct anpr_accuracy_settings *set,
			struct anpr_accuracy_row **rows, size_t *n, char *err, size_t errlen);
/* Draw the sample of day ("YYYY-MM-DD", UTC; anpr.accuracy_draw): *drawn
 * the reads drawn now, 0 if that day was drawn before. */
int anpr_store_accuracy_draw(struct anpr_store *st, const char *day, int64_t *drawn,
			     char *err, size_t errlen);
/* Delete the sampled reads whose records were purged, with their verdicts
 * (anpr-db purge, after the purge; the audit entries stay): *samples and
 * *verdicts, how many. */
int anpr_store_accuracy_forget_purged(struct anpr_store *st, size_t *samples, size_t *verdicts,
				      char *err, size_t errlen);

/* ------------------------------------------------------------ holdings */

/* What the store holds of a chain (table chains). */
struct anpr_chain_holding {
	char camera_id[33];
	uint64_t last_seq, held, contiguous_to, covered_to;
	int64_t oldest_gap_since_unix;	/* 0: no gap */
};
/* ENOENT if no record of the chain is held. */
int anpr_store_chain_holding(struct anpr_store *st, const char *chain_id,
			     struct anpr_chain_holding *h, char *err,
			     size_t errlen);

/* ------------------------------------------------------------- records */

enum anpr_link {
	ANPR_LINK_PENDING = 0,		/* the previous record is not held */
	ANPR_LINK_VERIFIED = 1,		/* it is, and prev_hash matches */
};

/* A record that passed every check of docs/backoffice.md ("Ingest"). The
 * byte buffers are the files exactly as received (and signed). */
struct anpr_stored_record {
	const char *record_id, *camera_id, *chain_id;
	uint64_t chain_seq;
	const char *type;		/* read, heartbeat, checkpoint, ... */
	int64_t time_utc_us;		/* microseconds since the epoch, UTC */
	uint8_t sha256[32];
	uint8_t prev_hash[32];
	const void *rec;	size_t rec_len;
	const void *sig;	size_t sig_len;
	const void *newsig;	size_t newsig_len;	/* rotation, or 0 */
	/* reads (NULL otherwise). vrm as in the record; the store keeps it
	 * normalised (daemon/core/vrm.c: upper case, no blanks) with its
	 * look-alike key. vrm_key may be NULL (the store folds vrm); if
	 * given it must be that fold (EINVAL otherwise). */
	const char *vrm, *vrm_key, *region, *hotlist, *hotlist_entry;
	double confidence;
	const uint8_t *plate_sha256, *overview_sha256;	/* or NULL */
	const char *site_id;
	/* checkpoints: first_seq, last_seq (< chain_seq), merkle_root */
	uint64_t cp_first, cp_last;
	uint8_t merkle_root[32];
	bool sig_ok;
	const char *cert_fingerprint;
};

/* What the store holds under a record id, if anything (held false and
 * return 0 if nothing). */
struct anpr_held {
	bool held;
	uint8_t sha256[32];
	char chain_id[17];
	uint64_t chain_seq;
};
int anpr_store_record_held(struct anpr_store *st, const char *record_id,
			   struct anpr_held *h, char *err, size_t errlen);
/* The SHA-256 and prev_hash of the record at (chain_id, seq), if held
 * (*held false and return 0 if not). */
int anpr_store_chain_record(struct anpr_store *st, const char *chain_id,
			    uint64_t seq, bool *held, uint8_t sha256[32],
			    uint8_t prev_hash[32], char *err, size_t errlen);

/* Insert the record in one transaction, committed before return (the
 * day's partition is made if needed): record_index, records, the chain's
 * holdings, the link flag of this record and of its successor if held,
 * the checkpoints this record completes (their records marked covered).
 * Puts to one chain are serialised (a row lock on the chain), so two
 * neighbours arriving at once still find each other.
 * EEXIST: the record id is already held (the caller compares hashes).
 * ECHAIN: see above; err names the record, chain and position.
 * EIO: not stored, or (connection lost at COMMIT) perhaps stored: a retry
 * then gets EEXIST with the same hash, which is the acknowledgement. */
int anpr_store_record_put(struct anpr_store *st,
			  const struct anpr_stored_record *r, char *err,
			  size_t errlen);

/* Several records put at once (group commit): each ends exactly as
 * anpr_store_record_put would have left it, in the order given, its
 * outcome in rc[i] (0, or ANPR_STORE_E*) with words in the errcap bytes
 * at err + i * errcap. They are put in one transaction, one commit and
 * one WAL flush for all; if any of them fails, that transaction is rolled
 * back and each is put again in a transaction of its own (so one bad
 * record costs the others nothing but time). Returns 0, or EIO when the
 * database could not be reached (every rc[i] says so too). */
int anpr_store_records_put(struct anpr_store *st,
			   const struct anpr_stored_record *const *r, size_t n,
			   int *rc, char *err, size_t errcap);
/* How many groups this connection stored set-wise (a few statements for
 * the whole group) rather than record by record: the common case, which
 * a new chain, a held copy or a broken link in the group turns off for
 * that group (docs/backoffice.md, "Group commit"). */
unsigned long anpr_store_groups_setwise(const struct anpr_store *st);


/* ---------------------------------------------------------- quarantine */

struct anpr_quarantined {
	const char *cert_fingerprint, *camera_id;	/* camera_id may be "" */
	const char *record_id, *claimed_sha256_hex;	/* as claimed, or "" */
	const char *reason;		/* a code of docs/backoffice.md */
	const char *detail;		/* words; never a VRM or location */
	const void *rec;	size_t rec_len;
	const void *sig;	size_t sig_len;
	const void *newsig;	size_t newsig_len;
	const char *image_paths;	/* where the received images were kept */
};
int anpr_store_quarantine(struct anpr_store *st,
			  const struct anpr_quarantined *q, char *err,
			  size_t errlen);

/* What the quarantine holds, per camera and reason (camera_id "" for a
 * refusal before the camera was known): how many, how many received since
 * recent_since_unix, and when the last was. Up to cap rows, ordered by
 * camera and reason; *n given. */
struct anpr_quarantine_count {
	char camera_id[33], reason[33];
	uint64_t total, recent;
	int64_t last_unix;
};
int anpr_store_quarantine_counts(struct anpr_store *st,
				 int64_t recent_since_unix,
				 struct anpr_quarantine_count *c, size_t cap,
				 size_t *n, char *err, size_t errlen);

/* ---------------------------------------------------------------- gaps */

struct anpr_gap {
	char camera_id[33], chain_id[17];
	uint64_t first_missing, last_missing;
	int64_t open_since_unix;	/* when the record after it arrived */
};
/* Gaps open since before older_than_unix, oldest first; up to cap of
 * them in gaps, *n of them given (a gap before the first record held
 * counts: chains start at 1). */
int anpr_store_gaps(struct anpr_store *st, int64_t older_than_unix,
		    struct anpr_gap *gaps, size_t cap, size_t *n, char *err,
		    size_t errlen);

/* ------------------------------------------------------ search, export */

/* A search of reads (anpr-query). vrm is as typed (normalised here: upper
 * case, no blanks); fuzzy compares the look-alike fold (daemon/core/vrm.c,
 * as the camera's hotlist matching) with vrm_key. vrm NULL: every read.
 * from_us/to_us bound time_utc (microseconds, UTC, inclusive) when
 * has_from/has_to; camera_id NULL: every camera; limit 0: no limit.
 * Reads come in time order (then record id). */
struct anpr_query {
	const char *vrm;
	bool fuzzy;
	bool has_from, has_to;
	int64_t from_us, to_us;
	const char *camera_id;
	size_t limit;
};
struct anpr_read {
	char record_id[65], camera_id[33], chain_id[17];
	uint64_t chain_seq;
	int64_t time_utc_us;
	char vrm[33], site_id[65];
	double confidence;
	bool sig_ok, link_verified, covered;
};
/* The search under the access policy (docs/access.md): anpr.search_reads
 * as the connected person, for purpose (one of the list), case_ref, and a
 * senior officer's authorisation id (0: none). The reads the policy
 * allows in *reads (site_id empty unless the person may see sites;
 * q->limit is not applied: the audit counts what the database returned,
 * the caller shows what it likes), and one
 * anpr_withheld per reason reads were withheld, or, for a question
 * refused before any search, one with reason "refused" and needs saying
 * why. Audited by the database, whatever it returns. */
struct anpr_withheld {
	char reason[40];
	int tier;			/* 0: refused, or due for deletion */
	int64_t count;
	char needs[200];
};
int anpr_store_search_policy(struct anpr_store *st, const struct anpr_query *q,
			     const char *purpose, const char *case_ref,
			     int64_t authorisation, struct anpr_read **reads, size_t *n,
			     struct anpr_withheld **withheld, size_t *nw, char *err,
			     size_t errlen);

/* One stored record with its bytes exactly as signed. */
struct anpr_span_rec {
	uint64_t chain_seq;
	char record_id[65], type[33], capture_day[11];	/* YYYY-MM-DD */
	void *rec, *sig, *newsig;	/* newsig NULL if none */
	size_t rec_len, sig_len, newsig_len;
	bool has_plate, has_overview;
	uint8_t plate_sha256[32], overview_sha256[32];
};
/* The export under the access policy (docs/access.md): anpr.export_reads
 * as the connected person (a member of anpr_exporter), with the search's
 * question, purpose, case and authorisation, audited as an export. For
 * each read the policy allows (selected): its bytes as signed, and, for a
 * disclosure with inclusion proofs, the verified checkpoint whose span
 * holds it (cp_seq 0: none) with that span's leaf hashes (every record's
 * SHA-256 in chain order; leaves NULL when the store does not hold the
 * whole span). with_span: also the other records of each chain's span
 * (selected false, no checkpoint), from the checkpoint before the first
 * read to the one at or after the last: the camera export's form, which shows the neighbours' reads too.
 * Records come ordered by chain, then position. What was withheld as the
 * search gives it. Free with anpr_store_export_free and free(*withheld). */
struct anpr_export_rec {
	struct anpr_span_rec r;		/* position, id, type, day, bytes, images */
	bool selected;
	char camera_id[33], chain_id[17];
	int64_t time_utc_us;
	uint8_t sha256[32];
	int tier;			/* selected: the read's tier */
	uint64_t cp_seq, cp_first, cp_last;
	void *cp_rec, *cp_sig;
	size_t cp_rec_len, cp_sig_len;
	uint8_t (*leaves)[32];		/* cp_last - cp_first + 1 of them */
	size_t nleaves;
};
int anpr_store_export_policy(struct anpr_store *st, const struct anpr_query *q,
			     const char *purpose, const char *case_ref,
			     int64_t authorisation, bool with_span,
			     struct anpr_export_rec **recs, size_t *n,
			     struct anpr_withheld **withheld, size_t *nw, char *err,
			     size_t errlen);
void anpr_store_export_free(struct anpr_export_rec *recs, size_t n);

#ifdef __cplusplus
}
#endif
/* ------------------------------------------------ the audit (issue 20) */

/* An audit entry's columns as the database prints them (audit.entries,
 * 0007; NULL where absent). */
struct anpr_audit_row {
	long long seq;
	char *at, *who, *action, *purpose, *case_ref, *authorisation;
	char *question, *withheld;
	long long results;
	uint8_t prev_hash[32], hash[32];
};
/* Every entry, in seq order (as the auditor or the owner). */
int anpr_store_audit_read(struct anpr_store *st, struct anpr_audit_row **rows,
			  size_t *n, char *err, size_t errlen);
void anpr_store_audit_free(struct anpr_audit_row *rows, size_t n);
/* The newest entry's seq and hash; ENOENT when there is none. */
int anpr_store_audit_head(struct anpr_store *st, long long *seq, uint8_t hash[32],
			  char *err, size_t errlen);

/* A seal (audit.seals, 0008): the signed message and its signature. */
struct anpr_audit_seal {
	long long seq;
	char *sealed_at, *message, *signature;
};
int anpr_store_audit_seals(struct anpr_store *st, struct anpr_audit_seal **seals,
			   size_t *n, char *err, size_t errlen);
void anpr_store_audit_seals_free(struct anpr_audit_seal *s, size_t n);
int anpr_store_audit_seal_add(struct anpr_store *st, long long seq, const char *message,
			      const char *signature, char *err, size_t errlen);

/* ---------------------------------------------- retention (issue 20) */

/* A day the purge deleted reads of (0009_retention.sql, anpr.purge_at). */
struct anpr_purged_day {
	char day[11];			/* YYYY-MM-DD */
	int64_t deleted, kept;		/* kept: held reads and what proves them */
	char list_sha256[65];		/* of the deleted records' list */
};
/* Purge at now_us (microseconds since the epoch; -1: the database's now)
 * as the owner: every read past the policy's last tier that no legal hold
 * covers; audited; idempotent. The days purged in *days (free()). */
int anpr_store_purge(struct anpr_store *st, int64_t now_us, struct anpr_purged_day **days,
		     size_t *n, char *err, size_t errlen);
/* The image paths the purge listed for removal ("DAY/" or
 * "DAY/ab/HASH.jpg", under the image store's root), and the removal of one
 * from the list once it is gone from the disk. */
int anpr_store_retention_files(struct anpr_store *st, char ***paths, size_t *n, char *err,
			       size_t errlen);
int anpr_store_retention_file_done(struct anpr_store *st, const char *path, char *err,
				   size_t errlen);
void anpr_store_strings_free(char **v, size_t n);

#endif
