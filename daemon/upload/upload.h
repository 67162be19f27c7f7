/* SPDX-License-Identifier: MIT */
/*
 * upload.h - anpr-upload: send spooled records to the back office and
 * delete each only after the back office acknowledged it.
 *
 * Protocol (docs/upload-protocol.md): version 1, one HTTPS POST per
 * record to URL/v1/records, multipart/form-data with the record, its
 * minisign signature and its images; Idempotency-Key is the record id, so
 * sending a record twice is harmless. The back office answers 200/201 with
 * a JSON acknowledgement naming the record id and the SHA-256 of the
 * record file; only an acknowledgement that names both correctly deletes
 * anything. Version 2 sends up to 32 records in one POST to
 * URL/v2/records and is answered with one such result a record.
 */
#ifndef ANPR_UPLOAD_H
#define ANPR_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#define UPLOAD_PATH		"/v1/records"
#define UPLOAD_PATH_V2		"/v2/records"
#define UPLOAD_BATCH_MAX	32	/* records per version 2 request */
#define UPLOAD_PART_MAX		(64u << 20)	/* bytes of one file sent, at most */
#define UPLOAD_MAX_FILES	5	/* record, signature, a rotation's
					   second signature, two images */
#define UPLOAD_ID_MAX		128
#define UPLOAD_LEDGER		"uploaded.log"

/* One record in the spool, as the uploader sees it. */
struct upload_item {
	uint64_t seq;
	int hit;			/* carries a hotlist hit: goes first */
	int checkpoint;			/* a type=checkpoint record */
	int rotation;			/* a type=key-rotation record: goes
					   before everything, hits too, so
					   that the back office knows the
					   new key before a record it signed */
	char record_id[UPLOAD_ID_MAX + 1];
	char sha256[65];		/* of the record file */
	int nfiles;			/* [0] record, [1] signature, then
					   new_signature, images */
	char files[UPLOAD_MAX_FILES][1536];	/* absolute paths */
	char names[UPLOAD_MAX_FILES][64];	/* part names */
};

/* ---- spool side (upload_spool.c) ------------------------------------- */

/*
 * upload_scan - the committed records of the spool at dir, hits first and
 * then oldest first. *head is the newest committed seq (never deleted: the
 * writer resumes its chain from it). Returns the count, or -1 with err.
 */
long upload_scan(const char *dir, struct upload_item **items, uint64_t *head,
		 char *err, size_t errlen);

/* upload_order - sort: hits first, then by seq (pure; exposed for tests). */
void upload_order(struct upload_item *items, size_t n);

/*
 * upload_keep_from - the lowest seq that must stay in the spool, whatever
 * the back office acknowledged (pure). The writer resumes its chain, after
 * a crash too, from the records since the last checkpoint: it reads the
 * newest checkpoint record and every record after it (docs/spool.md). So
 * only records before the newest checkpoint among items may be deleted;
 * with no checkpoint, none (recovery walks back to seq 1); never the head.
 */
uint64_t upload_keep_from(const struct upload_item *items, size_t n, uint64_t head);

/*
 * upload_commit - the record was acknowledged: append "seq record_id
 * sha256 unix_time" to the ledger in state_dir (fsync'd), note the files
 * in state_dir/deleting (fsync'd), delete them, fsync their directory,
 * remove the note. A crash before the ledger line leaves the record to be
 * sent again (harmless: idempotency key); a crash after it is finished by
 * upload_recover().
 */
int upload_commit(const char *state_dir, const struct upload_item *it, char *err,
		  size_t errlen);
/*
 * upload_commit_batch - the same for n acknowledged records at once (group
 * commit): their n ledger lines in one write and one fsync, one marker
 * listing all their files, one fsync per directory emptied. The guarantees
 * are upload_commit's: nothing is deleted before its ledger line is
 * durable; a crash before that sends the group again (duplicates are
 * harmless), after it upload_recover() finishes the deletion.
 */
int upload_commit_batch(const char *state_dir, const struct upload_item *const *items,
			size_t n, char *err, size_t errlen);
/* upload_recover - finish a deletion a crash interrupted (at start-up). */
int upload_recover(const char *state_dir, char *err, size_t errlen);

/* ---- network side (upload_http.c) ------------------------------------ */

struct upload_http_cfg {
	const char *url;		/* base, e.g. https://bo.example/anpr */
	const char *client_cert;	/* PEM, NULL = none */
	const char *client_key;
	const char *ca_file;		/* NULL = system CAs */
	const char *camera_id;
	long timeout_ms;
	/* shared by the connections made from this configuration: set once
	 * the back office said it has no version 2 (404, 405 or 501), so
	 * that the rest of the run speaks version 1; NULL: version 1 only */
	int *v1_only;
};

enum upload_result {
	UPLOAD_ACKED = 0,		/* stored by the back office: delete */
	UPLOAD_RETRY = 1,		/* transient: network, timeout, 5xx, bad ack */
	UPLOAD_REJECTED = 2,		/* 4xx: never deleted, operator must look */
};

struct upload_http;

struct upload_http *upload_http_new(const struct upload_http_cfg *cfg, char *err,
				    size_t errlen);
void upload_http_free(struct upload_http *h);
/* Send one record; err explains anything but UPLOAD_ACKED. */
enum upload_result upload_http_send(struct upload_http *h, const struct upload_item *it,
				    char *err, size_t errlen);

#define UPLOAD_ERR_MAX	512
/*
 * upload_http_send_batch - send n records (1..UPLOAD_BATCH_MAX) in one
 * version 2 request; res[i] and err[i] are items[i]'s answer. One record,
 * or a back office without version 2 (cfg.v1_only set, or set now by its
 * 404, 405 or 501, logged once), goes as version 1 requests, one each.
 */
void upload_http_send_batch(struct upload_http *h, const struct upload_item *const *items,
			    size_t n, enum upload_result *res, char (*err)[UPLOAD_ERR_MAX]);

/*
 * upload_results_check - is body exactly a version 2 answer for items
 * (pure)? One JSON object (the acknowledgement's strict rules) whose only
 * member "results" is an array of exactly n entries, entry i naming
 * items[i]'s record_id and being one of: the acknowledgement of items[i]
 * (UPLOAD_ACKED); {"record_id", "refused": 400..499, "reason", "detail"}
 * (UPLOAD_REJECTED; 408 and 429 UPLOAD_RETRY, as version 1's statuses);
 * {"record_id", "retry": 500..599, "detail"} (UPLOAD_RETRY). 1 with res
 * and detail[i] (the back office's words for a refusal or retry) filled
 * in; 0 with why if anything else: no receipt for any of them.
 */
int upload_results_check(const char *body, size_t len, const struct upload_item *const *items,
			 size_t n, enum upload_result *res, char (*detail)[UPLOAD_ERR_MAX],
			 char *why, size_t whylen);

/*
 * upload_ack_check - is body exactly the acknowledgement of it? (pure):
 * one JSON object (strict: valid UTF-8, no duplicate keys, nothing after
 * it) whose only members are "record_id" and "record_sha256", strings
 * equal to the item's id and SHA-256. Anything else is no receipt: 0, with
 * the reason in why. upload_ack_ok is the same without the reason.
 */
int upload_ack_check(const char *body, size_t len, const struct upload_item *it, char *why,
		     size_t whylen);
int upload_ack_ok(const char *body, size_t len, const struct upload_item *it);

/* upload_backoff_ms - delay before attempt n (0-based) after failures:
 * 500 ms doubling to max_ms, with +-20 % jitter from rnd (0..1). */
long upload_backoff_ms(unsigned n, long max_ms, double rnd);

/* ---- several records in flight (upload_window.c) ------------------- */

#define UPLOAD_WINDOW_MAX	32	/* [upload] connections, at most */

/*
 * upload_window_next - the item a free sender takes next, or -1 for none
 * yet (pure; exposed for tests): the first sendable item from taken on,
 * if it is less than k items after cursor (the item the caller waits
 * for), no key rotation before it is unanswered, it is a rotation only
 * when it is the cursor itself, and no hit before it is unanswered
 * unless it is a hit too. items are in the order of
 * upload_order (rotations first).
 */
long upload_window_next(const struct upload_item *items, const unsigned char *sendable,
			long n, long taken, long cursor, unsigned k);

struct upload_window;

/*
 * upload_window_batch - how many items from j on go in j's request (pure;
 * exposed for tests): j itself and the sendable items after it (those not
 * sendable are passed over), up to per in all, stopping before a key
 * rotation (which travels alone, as j or not at all), before an item
 * whose hit differs from j's (the hits' barrier), and at limit (the
 * window's end, exclusive). The chosen indices go to out (per entries).
 */
size_t upload_window_batch(const struct upload_item *items, const unsigned char *sendable,
			   long n, long j, long limit, unsigned per, long *out);

/* k senders, each with a connection of its own (upload_http_new), each
 * sending up to per records a request (1: protocol version 1). */
struct upload_window *upload_window_new(const struct upload_http_cfg *cfg, unsigned k,
					unsigned per, char *err, size_t errlen);
/* Start a pass over n items (sendable[i]: send it; else it is not sent
 * and its result is never asked for). items and sendable must live until
 * upload_window_end. */
int upload_window_begin(struct upload_window *w, const struct upload_item *items,
			const unsigned char *sendable, long n, char *err, size_t errlen);
/* The answer for sendable item i, waiting for it; the caller asks for
 * them in increasing i. */
enum upload_result upload_window_result(struct upload_window *w, long i, char *err,
					size_t errlen);
/* End the pass: answers not asked for are dropped (sent again later). */
void upload_window_end(struct upload_window *w);
void upload_window_free(struct upload_window *w);

#endif
