/* SPDX-License-Identifier: MIT */
/*
 * evidence_spool.h - the hash chain (pure), the crash-safe spool (I/O) and
 * the writer thread that the daemon hands records to (never blocks).
 */
#ifndef ANPR_EVIDENCE_SPOOL_H
#define ANPR_EVIDENCE_SPOOL_H

#include <sys/types.h>

#include "evidence/evidence.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What every record says about where and by what it was produced. */
struct ev_site {
	char camera_id[EV_CAMERA_ID_MAX + 1];
	char site_id[65];
	int64_t lat_e6, lon_e6;		/* degrees * 1e6 */
	unsigned bearing_deg;		/* 0..359, direction the camera faces */
	char sw_version[65];		/* e.g. "anpr-0.1.0" */
	char model_sha256[EV_HASH_HEX + 1];
	char config_sha256[EV_HASH_HEX + 1];
};

/* ------------------------------------------------------------- chain */

struct ev_chain {
	struct ev_site site;
	struct ev_key key;		/* signs the records */
	char chain_id[17];
	uint64_t last_seq;		/* 0: empty chain */
	uint8_t last_hash[EV_HASH_LEN];
	uint64_t cp_first;		/* first seq not under a checkpoint */
	uint8_t (*leaves)[EV_HASH_LEN];	/* hashes of cp_first..last_seq */
	size_t nleaves, capleaves;
};

/* A sealed record: its file text, signature(s), seq and hash. */
struct ev_sealed {
	enum ev_type type;
	uint64_t seq;
	uint8_t hash[EV_HASH_LEN];
	char rec[EV_RECORD_MAX];
	size_t rec_len;
	char sig[1024];
	size_t sig_len;
	char sig2[1024];		/* key-rotation: the new key's */
	size_t sig2_len;
};

/* Snapshot for rollback of unwritten records. */
struct ev_chain_mark {
	uint64_t last_seq, cp_first;
	uint8_t last_hash[EV_HASH_LEN];
	size_t nleaves;
	uint8_t (*leaves)[EV_HASH_LEN];	/* copy: a checkpoint empties them */
	struct ev_key key;
};

int ev_chain_init(struct ev_chain *c, const struct ev_site *site,
		  const struct ev_key *key, const char *chain_id);
void ev_chain_free(struct ev_chain *c);
int ev_chain_add_leaf(struct ev_chain *c, const uint8_t h[EV_HASH_LEN]);
/* ev_chain_mark allocates; ev_chain_rollback restores, both free the copy
 * (ev_chain_mark_free when no rollback is needed). */
int ev_chain_mark(const struct ev_chain *c, struct ev_chain_mark *m);
void ev_chain_rollback(struct ev_chain *c, struct ev_chain_mark *m);
void ev_chain_mark_free(struct ev_chain_mark *m);
/* Fill the checkpoint fields of r (type EV_CHECKPOINT) from the chain. */
void ev_chain_fill_checkpoint(const struct ev_chain *c, struct ev_record *r);
/* Fill a key-rotation record for new_key. */
void ev_chain_fill_rotation(const struct ev_chain *c,
			    const struct ev_key *new_key, struct ev_record *r);
/* Fill the common fields, encode, hash, sign; advance the chain. For a
 * key-rotation record new_key signs too and becomes the chain's key. */
int ev_chain_seal(struct ev_chain *c, struct ev_record *r,
		  const struct ev_when *when, const struct ev_key *new_key,
		  struct ev_sealed *out, char *err, size_t errlen);
/* Record file name for seq ("%012llu.rec"), and the trusted comment;
 * format: the record's format value ("anpr-record/2"). */
void ev_rec_name(uint64_t seq, const char *suffix, char *out, size_t cap);
void ev_trusted_comment(const char *format, const char *file,
			const char *record_id,
			uint64_t seq, const uint8_t hash[EV_HASH_LEN],
			char *out, size_t cap);

/* ------------------------------------------------------------- spool */

enum ev_sync_policy {
	EV_SYNC_SYNCFS = 0,	/* one syncfs() per phase (spool on its own fs) */
	EV_SYNC_FSYNC,		/* fsync each file (8 at once), each directory */
};

/* I/O hooks, so tests can inject failures (write: ENOSPC, EIO; sync). */
struct ev_io {
	ssize_t (*write)(void *ctx, int fd, const void *buf, size_t n);
	int (*sync)(void *ctx, int fd, int whole_fs);
	void *ctx;
};

struct ev_spool_config {
	const char *dir;
	struct ev_site site;
	const struct ev_key *key;
	enum ev_sync_policy sync;
	unsigned checkpoint_every;	/* records between checkpoints */
	const struct ev_io *io;		/* NULL: the real write/fsync */
};

struct ev_spool;

struct ev_image {
	const void *data;
	size_t len;
};

int ev_spool_open(struct ev_spool **sp, const struct ev_spool_config *cfg,
		  char *err, size_t errlen);
void ev_spool_close(struct ev_spool *s);
/* Stage one record: r has its type-specific fields filled; images may be
 * NULL (read records only). Nothing is visible until ev_spool_commit. */
int ev_spool_stage(struct ev_spool *s, struct ev_record *r,
		   const struct ev_when *when, const struct ev_image *plate,
		   const struct ev_image *overview, uint64_t *seq,
		   char *err, size_t errlen);
int ev_spool_stage_checkpoint(struct ev_spool *s, const struct ev_when *when,
			      char *err, size_t errlen);
int ev_spool_stage_rotation(struct ev_spool *s, const struct ev_key *new_key,
			    const struct ev_when *when, char *err,
			    size_t errlen);
bool ev_spool_checkpoint_due(const struct ev_spool *s);
/* Make every staged record durable and visible (group commit), and wait
 * for it. */
int ev_spool_commit(struct ev_spool *s, char *err, size_t errlen);
/* The same, overlapped: hands the staged batch to the spool's committer
 * thread and returns at once (after the previous batch's commit ended),
 * so the next batch is signed and written while this one syncs. The
 * outcome arrives through the callbacks (from the committer thread); an
 * error also stops intake, as for ev_spool_commit. */
int ev_spool_commit_async(struct ev_spool *s, char *err, size_t errlen);
void ev_spool_set_callbacks(struct ev_spool *s,
			    void (*on_commit)(void *ctx, uint64_t last_seq),
			    void (*on_fail)(void *ctx, int rc, const char *msg),
			    void *ctx);
/* Wait for the batch in flight; 0 or the sticky error. */
int ev_spool_flush(struct ev_spool *s, char *err, size_t errlen);
uint64_t ev_spool_committed(const struct ev_spool *s);
uint64_t ev_spool_recovered(const struct ev_spool *s); /* seq at open */
const char *ev_spool_chain_id(const struct ev_spool *s);
/* The sticky error that stopped intake (0 if none), with its message. */
int ev_spool_error(const struct ev_spool *s, const char **msg);

/* ------------------------------------------------------------ writer */

struct ev_read_in {
	struct ev_when when;		/* stamped by the capture path */
	unsigned lane;
	char source[65];		/* the source's name (TOKEN), required */
	bool replay;			/* frames replayed from a recording */
	char hotlist_set_sha256[EV_HASH_HEX + 1];	/* the hotlist set in
					   force at the decision (HASH, see
					   evidence_format.h), required */
	uint64_t frame_seq;
	char vrm[EV_VRM_MAX + 1];	/* "-" with an unreadable plate */
	char plate_state[32];		/* "" or "read"; "unreadable:REASON"
					   (EV_PLATE_UNREADABLE) */
	char region[17];
	unsigned confidence_permille;	/* 0..1000 */
	char hotlist[65];		/* "" = no hit */
	char hotlist_entry[65];
	/* where the read was made: the canonical line of docs/location.md
	 * ("status=gps-3d lat=... lon=... age_ms=..."); "" = the configured
	 * fixed site (status=fixed-site with the site's coordinates) */
	char position[200];
	void *plate_jpg;		/* malloc'd; owned by the writer once */
	size_t plate_len;		/* submitted successfully */
	void *overview_jpg;
	size_t overview_len;
	/* the caller's number for this read (0: none): with a read callback
	 * (ev_writer_on_read), the writer says under it which record the read
	 * became, or why it became none */
	uint64_t tag;
};

struct ev_heartbeat_in {
	uint64_t frames_seen, reads_made, frames_dropped;
};

struct ev_writer_config {
	struct ev_spool_config spool;
	unsigned queue_len;		/* records waiting; full => EV_EFULL */
	unsigned batch_max;		/* records per group commit (0: 256) */
	unsigned heartbeat_interval_s;	/* written into heartbeats */
	ev_now_fn now;			/* clock for writer-made records */
	void *now_ctx;
	/* Called from the writer thread after each durable commit. */
	void (*on_commit)(void *ctx, uint64_t last_seq);
	/* Called once when intake stops (disk full, I/O error). */
	void (*on_error)(void *ctx, int rc, const char *msg);
	void *cb_ctx;
};

struct ev_writer;

int ev_writer_start(struct ev_writer **w, const struct ev_writer_config *cfg,
		    char *err, size_t errlen);
/* Never blocks on I/O. On success the writer owns the image buffers; on
 * failure (EV_EFULL, EV_ESTATE, EV_EINVAL) the caller still does. */
int ev_writer_submit_read(struct ev_writer *w, struct ev_read_in *in);
int ev_writer_submit_heartbeat(struct ev_writer *w,
			       const struct ev_heartbeat_in *hb);
int ev_writer_rotate_key(struct ev_writer *w, const struct ev_key *new_key);
/*
 * The fate of a read submitted (accepted) with a tag: record_id is its
 * record's id once that record is durable (committed), or NULL with the
 * reason when it never will be (the record refused, intake stopped).
 * Called once per tagged read, from the writer's or the spool's committer
 * thread, never with a writer lock held.
 */
typedef void (*ev_read_fn)(void *ctx, uint64_t tag, const char *record_id,
			   const char *why);
/*
 * ev_writer_on_read - set (fn non-NULL) or clear the read callback. After
 * it returns, the previous callback is not running and is not called
 * again; tagged reads whose fate is told while none is set go untold.
 */
void ev_writer_on_read(struct ev_writer *w, ev_read_fn fn, void *ctx);
/* Highest chain_seq known durable. */
uint64_t ev_writer_acked(struct ev_writer *w);
uint64_t ev_writer_dropped(struct ev_writer *w);
/* Drain the queue, write a checkpoint and a "stop" heartbeat, join. */
int ev_writer_stop(struct ev_writer *w, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
