// SPDX-License-Identifier: MIT
/*
 * anpr-ingest - the back office's receiving daemon (issue 17): the server
 * side of docs/upload-protocol.md, versions 1 (a record a request) and 2
 * (several records a request, each checked as version 1's). HTTPS only, on
 * libmicrohttpd with GnuTLS; the camera is known by its client
 * certificate; each record is checked (ingest_check.c), its images made
 * durable (imagestore.c), the record committed to PostgreSQL (anprstore),
 * and only then acknowledged. Refusals go to the quarantine with the bytes
 * received. No HTTP, TLS or multipart parsing is written here.
 *
 * Logs: one line per event on stderr (the journal under systemd); they
 * name cameras, records, reasons, never a VRM or a location.
 *
 * Long file: the daemon's request path read top to bottom (who is asking, the
 * body, the checks' outcome, the answer and its log line), which is what
 * an examiner of what anpr-ingest acknowledges reads; the checks, the
 * image store, the group commit and the health report are modules of
 * their own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "store/anprstore.h"
#include "evidence/evidence.h"
#include "ingest/imagestore.h"
#include "ingest/ingest_batch.h"
#include "ingest/ingest_commit.h"
#include "ingest/ingest_check.h"
#include "ingest/ingest_health.h"
#include "evidence/readfile.h"
#include "tls/tls_peer.h"

#define PATH_RECORDS	"/v1/records"
#define MAX_THREADS	64

static struct {
	const char *conninfo;
	struct imagestore images;
	size_t image_max;
	unsigned threads;
	unsigned committers;	/* group-commit threads (ingest_commit.c) */
	bool image_group_sync;	/* --image-sync group: one syncfs a group */
	bool log_stored;	/* --log-stored: a line for every record stored */
	unsigned standbys;	/* --standbys: synchronous standbys a commit needs */
} cfg;

/* The committers' hook: the group's images durable (--image-sync group). */
static int sync_images(void *ctx, char *err, size_t errlen)
{
	return imagestore_sync(ctx, err, errlen) != 0 ? -1 : 0;
}

/* What was answered since the start, for the health report: counted
 * where each answer is decided (relaxed atomics: totals, not an order). */
static struct ingest_tally tally;

#define COUNT(field) __atomic_fetch_add(&tally.field, 1, __ATOMIC_RELAXED)

/* The totals as they stand (each read alone: a report, not a snapshot). */
static struct ingest_tally tally_now(void)
{
	return (struct ingest_tally){
		.stored = __atomic_load_n(&tally.stored, __ATOMIC_RELAXED),
		.duplicates = __atomic_load_n(&tally.duplicates, __ATOMIC_RELAXED),
		.refused = __atomic_load_n(&tally.refused, __ATOMIC_RELAXED),
		.forbidden = __atomic_load_n(&tally.forbidden, __ATOMIC_RELAXED),
		.unavailable = __atomic_load_n(&tally.unavailable, __ATOMIC_RELAXED),
	};
}

/* ------------------------------------------------ one store per thread */

/* anprstore connections are not shared between threads (anprstore.h):
 * each MHD worker opens its own on first use and keeps it in a
 * thread-specific slot, whose destructor closes it when MHD_stop_daemon
 * ends the worker; after a failure it is dropped, so that the next
 * request reconnects (PostgreSQL restarted, a connection cut). */
static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void store_dtor(void *p)
{
	anpr_store_close(p);
}

static void store_key_make(void)
{
	if (pthread_key_create(&store_key, store_dtor) != 0)
		abort();
}

static struct anpr_store *thread_store(char *err, size_t errlen)
{
	struct anpr_store *st;

	pthread_once(&store_once, store_key_make);
	st = pthread_getspecific(store_key);
	if (st)
		return st;
	if (anpr_store_open(&st, cfg.conninfo, err, errlen) != 0)
		return NULL;
	anpr_store_require_standbys(st, cfg.standbys);
	pthread_setspecific(store_key, st);
	return st;
}

static void thread_store_failed(void)
{
	struct anpr_store *st;

	pthread_once(&store_once, store_key_make);
	st = pthread_getspecific(store_key);
	if (st) {
		pthread_setspecific(store_key, NULL);
		anpr_store_close(st);
	}
}

/* ------------------------------------------------------------ logging */

__attribute__((format(printf, 1, 2)))
static void ilog(const char *fmt, ...)
{
	char line[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* one write per line, so that threads' lines do not interleave */
	fprintf(stderr, "anpr-ingest: %s\n", line);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512], safe[600];

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	ev_safe_text(safe, sizeof safe, line);
	fprintf(stderr, "anpr-ingest: http: %s\n", safe);
}

/* ------------------------------------------------------------ requests */

#define KEYS_MAX 32	/* as many as ingest_check asks for */

/* One record's parts as they arrive. */
struct req_parts {
	uint8_t *buf[IP_COUNT];
	size_t len[IP_COUNT];
	size_t cap[IP_COUNT];		/* of buf */
	size_t got[IP_COUNT];		/* bytes received, kept or not */
	bool seen[IP_COUNT];
};

struct req {
	char camera_id[33];
	char fingerprint[EV_HASH_HEX + 1];
	struct MHD_PostProcessor *pp;
	/* version 2 (POST /v2/records): nrec records named by the
	 * X-ANPR-Records header, parts "<name>.<i>"; version 1: one */
	bool batch;
	size_t nrec;
	struct ingest_batch_entry ent[INGEST_BATCH_MAX];
	struct req_parts rec[INGEST_BATCH_MAX];
	size_t total;
	char malformed[256];		/* the request's first complaint: every
					   record of it is refused with it */
	char header_bad[300];		/* a batch header nothing can be told
					   from: the whole request refused once
					   its body is read (see on_request) */
	/* the camera's keys, read with the certificate's register entry */
	bool keys_known;
	size_t nkeys;
	struct anpr_camera_key keys[KEYS_MAX];
	/* what is held under the request's record ids, read in the same
	 * statement (held_known false: not asked; ingest_check asks the
	 * store; an id blanked: found held meanwhile by a commit, asked
	 * again: forget_held) */
	bool held_known;
	size_t nheld;
	char held_id[INGEST_BATCH_MAX][65];
	struct anpr_held held[INGEST_BATCH_MAX];
};

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (size_t k = 0; k < INGEST_BATCH_MAX; k++)
		for (int i = 0; i < IP_COUNT; i++)
			free(r->rec[k].buf[i]);
	free(r);
}

__attribute__((format(printf, 2, 3)))
static void req_malformed(struct req *r, const char *fmt, ...)
{
	va_list ap;

	if (r->malformed[0])
		return;			/* the first complaint is the one */
	va_start(ap, fmt);
	vsnprintf(r->malformed, sizeof r->malformed, fmt, ap);
	va_end(ap);
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *filename,
			       const char *content_type,
			       const char *transfer_encoding, const char *data,
			       uint64_t off, size_t size)
{
	struct req *r = cls;
	size_t idx = 0;
	enum ingest_part_id id = r->batch ? ingest_batch_part(key, &idx)
					  : ingest_part_by_name(key);
	struct req_parts *rp;
	size_t limit, keep;

	(void)kind; (void)filename; (void)content_type; (void)transfer_encoding;
	if (id == IP_COUNT || idx >= r->nrec) {
		char safe[80];

		ev_safe_text(safe, sizeof safe, key ? key : "");
		req_malformed(r, "unknown part \"%s\"", safe);
		return MHD_YES;		/* read on: answer once it is all in */
	}
	rp = &r->rec[idx];
	if (off == 0 && rp->seen[id] && rp->got[id] > 0 && size > 0) {
		req_malformed(r, "part %s of record %zu sent twice",
			      ingest_part_names[id], idx);
		return MHD_YES;
	}
	rp->seen[id] = true;
	rp->got[id] += size;
	limit = ingest_part_limit(id, cfg.image_max);
	if (rp->got[id] > limit) {
		req_malformed(r, "part %s of record %zu over its limit of %zu bytes",
			      ingest_part_names[id], idx, limit);
		return MHD_YES;
	}
	if (rp->len[id] + size > rp->cap[id]) {
		/* grown as the part arrives, not made at its limit at once: an
		 * 8 MiB buffer per image was an mmap and an munmap per request
		 * (and the TLB shootdowns of the munmap on every CPU) */
		size_t cap = rp->cap[id] ? rp->cap[id] : 65536;
		uint8_t *b;

		while (cap < rp->len[id] + size)
			cap *= 2;
		if (cap > limit)
			cap = limit ? limit : 1;
		b = realloc(rp->buf[id], cap);
		if (!b)
			return MHD_NO;	/* out of memory: connection closed */
		rp->buf[id] = b;
		rp->cap[id] = cap;
	}
	keep = size;
	memcpy(rp->buf[id] + rp->len[id], data, keep);
	rp->len[id] += keep;
	return MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *c, int status,
			      const char *body)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result answer_error(struct MHD_Connection *c, int status,
				    const char *code, const char *detail)
{
	char body[1600];

	if (ingest_error_json(code, detail, body, sizeof body) < 0)
		snprintf(body, sizeof body, "{\"error\": \"%s\"}", code);
	return answer(c, status, body);
}

/* What a connection keeps between its requests (MHD's socket context):
 * the client certificate's verification. Its chain is verified again
 * after TLS_REVERIFY_S, so that a certificate expiring during a long
 * keep-alive connection is not used past its date for longer. */
#define TLS_REVERIFY_S	60

struct tls_conn {
	time_t verified_at;		/* 0: not yet */
	char fingerprint[EV_HASH_HEX + 1];
};

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls; (void)c;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = calloc(1, sizeof(struct tls_conn));
	} else {
		free(*socket_context);
		*socket_context = NULL;
	}
}

/* The camera of the connection's client certificate: 0, or the status to
 * answer (403: no certificate, not verified, unknown; 503: the store). */
static int identify(struct MHD_Connection *c, struct req *r, char *why,
		    size_t whylen)
{
	const union MHD_ConnectionInfo *ci;
	struct tls_conn *tc;
	struct anpr_store *st;
	char err[512];
	const char *idem;
	int rc;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	tc = ci ? ci->socket_context : NULL;
	if (tc && tc->verified_at && time(NULL) - tc->verified_at < TLS_REVERIFY_S) {
		/* this TLS session's certificate chain was verified already:
		 * it cannot change within the session (the register is still
		 * asked below, for every request: a revocation stops the next
		 * one) */
		memcpy(r->fingerprint, tc->fingerprint, sizeof r->fingerprint);
		goto known;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	/* the chain to the camera CA (--client-ca), validity dates included */
	if (tls_peer_fingerprint(ci ? ci->tls_session : NULL, r->fingerprint,
				 why, whylen) != 0)
		return 403;
	if (tc) {
		memcpy(tc->fingerprint, r->fingerprint, sizeof tc->fingerprint);
		tc->verified_at = time(NULL);
	}
known:
	st = thread_store(err, sizeof err);
	if (!st) {
		snprintf(why, whylen, "database: %s", err);
		return 503;
	}
	/* the register's answer, the camera's keys and what is held under
	 * the request's record ids (version 1: the Idempotency-Key; version
	 * 2: X-ANPR-Records) in one statement: ingest_check takes the keys
	 * (lk_keys) and the held answers (lk_held) from here. A key that is
	 * no record id is asked nothing: ingest_check refuses it anyway. */
	idem = r->batch ? NULL
			: MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
	if (r->batch)
		for (size_t i = 0; i < r->nrec; i++)
			snprintf(r->held_id[r->nheld++], sizeof r->held_id[0], "%s",
				 r->ent[i].record_id);
	else if (idem && ev_value_check(EV_K_TOKEN, idem) == 0)	/* a record id's rule */
		snprintf(r->held_id[r->nheld++], sizeof r->held_id[0], "%s", idem);
	if (r->nheld) {
		const char *ids[INGEST_BATCH_MAX];

		for (size_t i = 0; i < r->nheld; i++)
			ids[i] = r->held_id[i];
		rc = anpr_store_request_lookup_n(st, r->fingerprint, (int64_t)time(NULL),
						 ids, r->nheld, r->camera_id, r->keys,
						 KEYS_MAX, &r->nkeys, r->held, err,
						 sizeof err);
		r->held_known = rc == 0;
	} else {
		rc = anpr_store_cert_camera_keys(st, r->fingerprint, (int64_t)time(NULL),
						 r->camera_id, r->keys, KEYS_MAX,
						 &r->nkeys, err, sizeof err);
	}
	r->keys_known = rc == 0;
	if (rc == ANPR_STORE_ENOENT) {
		snprintf(why, whylen, "certificate %s is not an active camera "
			 "certificate: %s", r->fingerprint, err);
		return 403;
	}
	if (rc != 0) {
		thread_store_failed();
		snprintf(why, whylen, "certificate %s: database: %s",
			 r->fingerprint, err);
		return 503;
	}
	return 0;
}

/* ------------------------------------------- lookups for ingest_check */

/* What the lookups see: the thread's store, and the request (whose
 * camera's keys were read with its certificate). */
struct lookup_ctx {
	struct anpr_store *st;
	const struct req *r;
};

static int lk_held(void *ctx, const char *id, struct anpr_held *h, char *err,
		   size_t errlen)
{
	const struct lookup_ctx *x = ctx;
	int rc;

	for (size_t i = 0; x->r->held_known && i < x->r->nheld; i++)
		if (strcmp(id, x->r->held_id[i]) == 0) {
			*h = x->r->held[i];
			return 0;
		}
	rc = anpr_store_record_held(x->st, id, h, err, errlen);
	if (rc == ANPR_STORE_ENOENT) {
		memset(h, 0, sizeof *h);
		return 0;
	}
	return rc;
}

static int lk_keys(void *ctx, const char *cam, struct anpr_camera_key *k,
		   size_t cap, size_t *n, char *err, size_t errlen)
{
	const struct lookup_ctx *x = ctx;
	int rc;

	if (x->r->keys_known && strcmp(cam, x->r->camera_id) == 0) {
		*n = x->r->nkeys < cap ? x->r->nkeys : cap;
		memcpy(k, x->r->keys, *n * sizeof *k);
		return 0;
	}
	rc = anpr_store_camera_keys(x->st, cam, k, cap, n, err, errlen);
	if (rc == ANPR_STORE_ENOENT) {
		*n = 0;
		return 0;
	}
	return rc;
}

/* -------------------------------------------------------- the outcome */

static void utc_day(char day[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

/* What was refused goes to the quarantine with the bytes received (the
 * images too, under quarantine/DAY). 0, or -1: the quarantine could not
 * be written, and the caller answers 503 so that the camera sends it
 * again (a refusal is never lost silently). */
static int quarantine(struct anpr_store *st, const struct req *r,
		      const struct ingest_request *rq,
		      const struct ingest_verdict *v, const char *record_id)
{
	char area[32], day[11], paths[600] = "", rel[256], err[768];
	struct anpr_quarantined q;
	int damaged;

	utc_day(day);
	snprintf(area, sizeof area, "quarantine/%s", day);
	for (int i = IP_PLATE; i <= IP_OVERVIEW; i++) {
		size_t o = strlen(paths);

		if (!rq->part[i].present)
			continue;
		if (imagestore_put(&cfg.images, area, rq->part[i].data,
				   rq->part[i].len, rel, sizeof rel, &damaged,
				   err, sizeof err) != 0) {
			ilog("ERROR quarantine of record %s: %s", record_id,
			     err);
			return -1;
		}
		snprintf(paths + o, sizeof paths - o, "%s%s=%s",
			 o ? " " : "", ingest_part_names[i], rel);
	}
	memset(&q, 0, sizeof q);
	q.cert_fingerprint = r->fingerprint;
	q.camera_id = r->camera_id;
	q.record_id = record_id;
	q.claimed_sha256_hex = rq->claimed_sha256 ? rq->claimed_sha256 : "";
	q.reason = v->reason;
	q.detail = v->detail;
	q.rec = rq->part[IP_RECORD].data;
	q.rec_len = rq->part[IP_RECORD].len;
	q.sig = rq->part[IP_SIGNATURE].data;
	q.sig_len = rq->part[IP_SIGNATURE].len;
	q.newsig = rq->part[IP_NEW_SIGNATURE].data;
	q.newsig_len = rq->part[IP_NEW_SIGNATURE].len;
	q.image_paths = paths;
	if (anpr_store_quarantine(st, &q, err, sizeof err) != 0) {
		ilog("ERROR quarantine of record %s (camera %s, %s): %s",
		     record_id, r->camera_id, v->reason, err);
		thread_store_failed();
		return -1;
	}
	return 0;
}

/* A checked record ready for the group commit: its images put, its row
 * filled in (pointing into the verdict and the request, and here). */
struct prepared {
	struct anpr_stored_record s;
	uint8_t plate[32], over[32], root[32];
	bool images;			/* put without their own sync */
};

/* The record's images put (made durable by the group's sync, or each
 * synced), a rotation's new key registered, its row filled in. 0, or the
 * status to answer (503) with why filled in. */
static int prepare_record(struct anpr_store *st, const struct req *r,
			  const struct ingest_request *rq,
			  const struct ingest_verdict *v, struct prepared *pr,
			  char *why, size_t whylen)
{
	const struct ev_record *e = &v->rec;
	struct anpr_stored_record *sp = &pr->s;
	uint8_t *plate = pr->plate, *over = pr->over, *root = pr->root;
	char day[11], rel[256], err[768];
	int64_t us;
	int damaged, rc;


	if (ingest_time_us(e->v[EV_F_TIME], &us, day) != 0) {
		snprintf(why, whylen, "record %s: time_utc unreadable",
			 e->v[EV_F_RECORD_ID]);
		return 503;
	}
	for (int i = IP_PLATE; i <= IP_OVERVIEW; i++) {
		uint8_t h[32];

		if (!rq->part[i].present)
			continue;
		/* ingest_check hashed these bytes and found the hash the
		 * signed record names: named by it without hashing again */
		if (e->type != EV_READ ||
		    ev_unhex(e->v[i == IP_PLATE ? EV_F_PLATE_HASH : EV_F_OVERVIEW_HASH],
			     h, 32) != 0) {
			snprintf(why, whylen, "record %s: an image the record does "
				 "not name", e->v[EV_F_RECORD_ID]);
			return 503;
		}
		rc = imagestore_put_hashed(&cfg.images, day, rq->part[i].data,
					   rq->part[i].len, h,
					   cfg.image_group_sync ? IMAGESTORE_DEFER_SYNC : 0,
					   rel, sizeof rel, &damaged, err, sizeof err);
		if (rc != 0) {
			snprintf(why, whylen, "record %s: %s",
				 e->v[EV_F_RECORD_ID], err);
			return 503;
		}
		if (damaged)
			ilog("WARNING record %s: %s", e->v[EV_F_RECORD_ID], err);
	}
	memset(sp, 0, sizeof *sp);
	sp->record_id = e->v[EV_F_RECORD_ID];
	sp->camera_id = e->v[EV_F_CAMERA_ID];
	sp->chain_id = e->v[EV_F_CHAIN_ID];
	sp->chain_seq = ev_record_u64(e, EV_F_CHAIN_SEQ);
	sp->type = ev_type_names[e->type];
	sp->time_utc_us = us;
	memcpy(sp->sha256, v->sha256, 32);
	memcpy(sp->prev_hash, v->prev_hash, 32);
	sp->rec = rq->part[IP_RECORD].data;
	sp->rec_len = rq->part[IP_RECORD].len;
	sp->sig = rq->part[IP_SIGNATURE].data;
	sp->sig_len = rq->part[IP_SIGNATURE].len;
	if (v->newsig_checked) {
		sp->newsig = rq->part[IP_NEW_SIGNATURE].data;
		sp->newsig_len = rq->part[IP_NEW_SIGNATURE].len;
	}
	sp->site_id = e->v[EV_F_SITE_ID];
	if (e->type == EV_READ) {
		/* a plate found but not read (anpr-record/4, vrm=-) has no
		 * mark: stored without one, so no VRM search finds it */
		sp->vrm = strcmp(e->v[EV_F_VRM], EV_NONE) == 0 ? NULL : e->v[EV_F_VRM];
		sp->vrm_key = NULL;	/* the store folds it (vrm.c's rule) */
		sp->region = e->v[EV_F_REGION];
		sp->hotlist = e->v[EV_F_HOTLIST];
		sp->hotlist_entry = e->v[EV_F_HOTLIST_ENTRY];
		sp->confidence = strtod(e->v[EV_F_CONFIDENCE], NULL);
		if (strcmp(e->v[EV_F_PLATE_HASH], EV_NONE) != 0 &&
		    ev_unhex(e->v[EV_F_PLATE_HASH], plate, 32) == 0)
			sp->plate_sha256 = plate;
		if (strcmp(e->v[EV_F_OVERVIEW_HASH], EV_NONE) != 0 &&
		    ev_unhex(e->v[EV_F_OVERVIEW_HASH], over, 32) == 0)
			sp->overview_sha256 = over;
	}
	if (e->type == EV_CHECKPOINT) {
		sp->cp_first = ev_record_u64(e, EV_F_FIRST_SEQ);
		sp->cp_last = ev_record_u64(e, EV_F_LAST_SEQ);
		if (ev_unhex(e->v[EV_F_MERKLE_ROOT], root, 32) == 0)
			memcpy(sp->merkle_root, root, 32);
	}
	sp->sig_ok = true;
	sp->cert_fingerprint = r->fingerprint;
	/* a rotation's new key is registered first: if the record then
	 * fails to commit, the camera sends it again and the key is there
	 * (EEXIST); the other order could hold a rotation whose key is not
	 * registered */
	if (v->add_key) {
		rc = anpr_store_camera_key_add(st, r->camera_id, v->new_key_b64,
					       sp->record_id, err, sizeof err);
		if (rc != 0 && rc != ANPR_STORE_EEXIST) {
			thread_store_failed();
			snprintf(why, whylen, "record %s: new key: %s",
				 sp->record_id, err);
			return 503;
		}
	}
	pr->images = cfg.image_group_sync && (rq->part[IP_PLATE].present ||
					      rq->part[IP_OVERVIEW].present);
	return 0;
}

/* What the group commit's answer rc (err: its words) means for the
 * record: 0 stored; 1 held meanwhile (another upload of it won the race);
 * 409 the store found a link or checkpoint wrong; 503 with why. */
static int put_outcome(const struct anpr_stored_record *s, int rc, const char *err,
		       char *why, size_t whylen)
{
	if (rc == ANPR_STORE_EEXIST)
		return 1;		/* another upload of it won the race */
#ifdef ANPR_STORE_ECHAIN	/* the store's extension of anprstore.h */
	if (rc == ANPR_STORE_ECHAIN) {
		/* the store, holding the chain's row lock, found what the
		 * checks could not see yet (a neighbour stored meanwhile) */
		snprintf(why, whylen, "%s", err);
		return 409;
	}
#endif
	if (rc != 0) {
		/* the committer's connection failed, not this thread's */
		snprintf(why, whylen, "record %s: database: %s", s->record_id,
			 err);
		return 503;
	}
	return 0;
}

/* What became of one record: the answer's words (version 1: the
 * status and body; version 2: its entry in the results). */
struct outcome {
	enum ingest_batch_kind kind;
	int status;			/* ACK: 201 stored, 200 held already */
	const char *reason;		/* REFUSED */
	char detail[1200];
};

static void outcome_retry(struct outcome *o, const struct req *r, const char *record_id,
			  const char *why)
{
	ilog("UNAVAILABLE camera %s%s%s: %s", r->camera_id,
	     record_id[0] ? " record " : "", record_id, why);
	COUNT(unavailable);
	o->kind = INGEST_BATCH_RETRY;
	o->status = 503;
	snprintf(o->detail, sizeof o->detail, "%s", why);
}

static void outcome_duplicate(struct outcome *o, const struct req *r, const char *record_id)
{
	ilog("duplicate camera %s record %s: acknowledged again", r->camera_id, record_id);
	COUNT(duplicates);
	o->kind = INGEST_BATCH_ACK;
	o->status = 200;
}

/* quarantined with the bytes received, then refused; or, if the
 * quarantine cannot be written, retried (a refusal is never lost) */
static void outcome_refused(struct outcome *o, struct anpr_store *st, const struct req *r,
			    const struct ingest_request *rq, const struct ingest_verdict *v,
			    const char *record_id)
{
	if (quarantine(st, r, rq, v, record_id) != 0) {
		COUNT(unavailable);
		o->kind = INGEST_BATCH_RETRY;
		o->status = 503;
		snprintf(o->detail, sizeof o->detail, "the refusal could not be recorded");
		return;
	}
	ilog("REFUSED camera %s record %s: %s (%d): %s", r->camera_id, record_id,
	     v->reason, v->status, v->detail);
	COUNT(refused);
	o->kind = INGEST_BATCH_REFUSED;
	o->status = v->status;
	o->reason = v->reason;
	snprintf(o->detail, sizeof o->detail, "%s", v->detail);
}

/* The record's name in the logs: its id once parsed, else the key. */
static void record_name(const struct ingest_request *rq, const struct ingest_verdict *v,
			char *out, size_t cap)
{
	ev_safe_text(out, cap, v->parsed ? v->rec.v[EV_F_RECORD_ID]
		     : rq->idempotency_key ? rq->idempotency_key : "");
}

/* The checks (ingest_check) and all that follows them but the commit:
 * true when the record is prepared for the group commit (pr), false when
 * o says what became of it. */
static bool record_checked(struct anpr_store *st, struct req *r,
			   const struct ingest_request *rq, struct ingest_verdict *v,
			   struct prepared *pr, struct outcome *o)
{
	/* no chain lookups: the store checks the links and a checkpoint's
	 * Merkle root under the chain's lock, one query each (ECHAIN, 409) */
	struct lookup_ctx lctx = { st, r };
	struct ingest_lookup lk = { &lctx, lk_held, lk_keys, NULL };
	char idsafe[160], why[1200];

	ingest_check(rq, &lk, v);
	record_name(rq, v, idsafe, sizeof idsafe);
	switch (v->outcome) {
	case INGEST_OK:
		if (prepare_record(st, r, rq, v, pr, why, sizeof why) == 0)
			return true;
		outcome_retry(o, r, idsafe, why);
		return false;
	case INGEST_DUPLICATE:
		outcome_duplicate(o, r, idsafe);
		return false;
	case INGEST_REFUSED:
		outcome_refused(o, st, r, rq, v, idsafe);
		return false;
	default:
		thread_store_failed();
		outcome_retry(o, r, idsafe, v->detail);
		return false;
	}
}

/* The request's look-up answer for record id no longer stands (a commit
 * found it held meanwhile): lk_held asks the store for it again. Without
 * the id, every answer goes. */
static void forget_held(struct req *r, const char *id)
{
	if (!id) {
		r->held_known = false;
		return;
	}
	for (size_t i = 0; i < r->nheld; i++)
		if (strcmp(r->held_id[i], id) == 0)
			r->held_id[i][0] = '\0';	/* matches no record id */
}

/* What the group commit's answer (rc, err) makes of a prepared record. */
static void record_put(struct anpr_store *st, struct req *r,
		       const struct ingest_request *rq, struct ingest_verdict *v,
		       const struct prepared *pr, int rc, const char *err,
		       struct outcome *o)
{
	struct lookup_ctx lctx = { st, r };
	struct ingest_lookup lk = { &lctx, lk_held, lk_keys, NULL };
	char idsafe[160], why[1200];

	record_name(rq, v, idsafe, sizeof idsafe);
	rc = put_outcome(&pr->s, rc, err, why, sizeof why);
	if (rc == 1) {
		/* held meanwhile: the same bytes or a conflict; asked of the
		 * store again (the request's look-up said not held), for this
		 * record alone: the request's other records keep their answer */
		forget_held(r, rq->idempotency_key);
		ingest_check(rq, &lk, v);
		if (v->outcome == INGEST_OK) {
			snprintf(why, sizeof why, "record %s: held and not held at once",
				 idsafe);
			rc = 503;
		} else if (v->outcome == INGEST_DUPLICATE) {
			outcome_duplicate(o, r, idsafe);
			return;
		} else if (v->outcome == INGEST_REFUSED) {
			outcome_refused(o, st, r, rq, v, idsafe);
			return;
		} else {
			snprintf(why, sizeof why, "%s", v->detail);
			rc = 503;
		}
	}
	if (rc == 409) {
		v->outcome = INGEST_REFUSED;
		v->status = 409;
		v->reason = strstr(why, "Merkle") ? INGEST_R_CHECKPOINT : INGEST_R_CHAIN;
		snprintf(v->detail, sizeof v->detail, "%.600s", why);
		outcome_refused(o, st, r, rq, v, idsafe);
		return;
	}
	if (rc != 0) {
		outcome_retry(o, r, idsafe, why);
		return;
	}
	/* a line a record only when asked: at a force's rate (hundreds a
	 * second) the journal's rate limit would drop them, and with them
	 * the refusals beside them; the health pass says what was stored */
	if (cfg.log_stored)
		ilog("stored camera %s record %s (%s)", r->camera_id, idsafe,
		     ev_type_names[v->rec.type]);
	COUNT(stored);
	o->kind = INGEST_BATCH_ACK;
	o->status = 201;
}

/* Record k of the request as ingest_check takes it. */
static void request_of(struct MHD_Connection *c, const struct req *r, size_t k,
		       struct ingest_request *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->camera_id = r->camera_id;
	if (r->batch) {
		rq->idempotency_key = r->ent[k].record_id;
		rq->claimed_sha256 = r->ent[k].sha256_hex;
	} else {
		rq->idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								  "Idempotency-Key");
		rq->claimed_sha256 = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								 "X-ANPR-Record-SHA256");
	}
	for (int i = 0; i < IP_COUNT; i++)
		rq->part[i] = (struct ingest_part){ r->rec[k].buf[i], r->rec[k].len[i],
						    r->rec[k].seen[i] };
	rq->malformed = r->malformed[0] ? r->malformed : NULL;
}

/* Version 1: one record, answered by its status. */
static enum MHD_Result finish(struct MHD_Connection *c, struct req *r)
{
	struct ingest_request rq;
	struct ingest_verdict *v;
	struct prepared pr;
	struct outcome o = { 0 };
	struct anpr_store *st;
	char err[INGEST_COMMIT_ERR], body[512];
	enum MHD_Result ret;

	request_of(c, r, 0, &rq);
	st = thread_store(err, sizeof err);
	if (!st) {
		ilog("UNAVAILABLE camera %s: database: %s", r->camera_id, err);
		COUNT(unavailable);
		return answer_error(c, 503, "unavailable", "database unavailable");
	}
	v = malloc(sizeof *v);
	if (!v) {
		COUNT(unavailable);
		return answer_error(c, 503, "unavailable", "out of memory");
	}
	if (record_checked(st, r, &rq, v, &pr, &o)) {
		int rc = ingest_commit_put(&pr.s, pr.images, err, sizeof err);

		record_put(st, r, &rq, v, &pr, rc, err, &o);
	}
	switch (o.kind) {
	case INGEST_BATCH_ACK:
		ingest_ack_json(v->rec.v[EV_F_RECORD_ID], v->sha256_hex, body, sizeof body);
		ret = answer(c, o.status, body);
		break;
	case INGEST_BATCH_REFUSED:
		ret = answer_error(c, o.status, o.reason, o.detail);
		break;
	default:
		ret = answer_error(c, 503, "unavailable", o.detail);
		break;
	}
	free(v);
	return ret;
}

/* Version 2: each record checked as version 1's, the prepared ones
 * committed together, the answer one result a record in the request's
 * order (docs/upload-protocol.md), sent after the commit. */
static enum MHD_Result finish_batch(struct MHD_Connection *c, struct req *r)
{
	size_t n = r->nrec, nput = 0;
	struct ingest_request *rq = calloc(n, sizeof *rq);
	struct ingest_verdict *v = calloc(n, sizeof *v);
	struct prepared *pr = calloc(n, sizeof *pr);
	struct outcome *o = calloc(n, sizeof *o);
	struct ingest_batch_result *res = calloc(n, sizeof *res);
	const struct anpr_stored_record *put[INGEST_BATCH_MAX];
	size_t put_of[INGEST_BATCH_MAX];
	int rc[INGEST_BATCH_MAX];
	char (*errs)[INGEST_COMMIT_ERR] = calloc(n, INGEST_COMMIT_ERR);
	char *errp[INGEST_BATCH_MAX];
	bool images = false;
	struct anpr_store *st;
	char err[INGEST_COMMIT_ERR], *body = NULL;
	enum MHD_Result ret;

	if (!rq || !v || !pr || !o || !res || !errs) {
		COUNT(unavailable);
		ret = answer_error(c, 503, "unavailable", "out of memory");
		goto out;
	}
	st = thread_store(err, sizeof err);
	if (!st) {
		ilog("UNAVAILABLE camera %s: database: %s", r->camera_id, err);
		COUNT(unavailable);
		ret = answer_error(c, 503, "unavailable", "database unavailable");
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		request_of(c, r, k, &rq[k]);
		if (record_checked(st, r, &rq[k], &v[k], &pr[k], &o[k])) {
			put_of[nput] = k;
			errp[nput] = errs[nput];
			put[nput++] = &pr[k].s;
			images |= pr[k].images;
		}
	}
	ingest_commit_put_many(put, nput, images, rc, errp, INGEST_COMMIT_ERR);
	for (size_t i = 0; i < nput; i++) {
		size_t k = put_of[i];

		record_put(st, r, &rq[k], &v[k], &pr[k], rc[i], errp[i], &o[k]);
	}
	for (size_t k = 0; k < n; k++)
		res[k] = (struct ingest_batch_result){
			.kind = o[k].kind, .record_id = r->ent[k].record_id,
			.sha256_hex = v[k].sha256_hex, .status = o[k].status,
			.reason = o[k].reason, .detail = o[k].detail,
		};
	body = ingest_batch_results_json(res, n);
	if (!body) {
		/* nothing acknowledged: the camera sends them all again, and
		 * what was stored is acknowledged then as held already */
		COUNT(unavailable);
		ret = answer_error(c, 503, "unavailable", "the answer could not be made");
		goto out;
	}
	ret = answer(c, 200, body);
out:
	free(body);
	free(errs);
	free(res);
	free(o);
	free(pr);
	free(v);
	free(rq);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct req *r = *con_cls;

	(void)cls; (void)version;
	if (!r) {
		const char *ct;
		char why[700], bad[300] = "";
		bool batch;
		int status;

		/* the headers: who, and what; the body is not read yet */
		batch = strcmp(url, INGEST_BATCH_PATH) == 0;
		if (!batch && strcmp(url, PATH_RECORDS) != 0)
			return answer_error(c, 404, "not-found", "no such endpoint");
		if (strcmp(method, "POST") != 0)
			return answer_error(c, 405, "method", "POST only");
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->batch = batch;
		r->nrec = 1;
		if (batch &&
		    ingest_batch_parse_records(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
									   "X-ANPR-Records"),
					       r->ent, INGEST_BATCH_MAX, &r->nrec, bad,
					       sizeof bad) != 0)
			r->nrec = 0;	/* who is asking is still asked first */
		status = identify(c, r, why, sizeof why);
		if (status) {
			ilog("%s connection refused: %s",
			     status == 403 ? "FORBIDDEN" : "UNAVAILABLE", why);
			if (status == 403)
				COUNT(forbidden);
			else
				COUNT(unavailable);
			free(r);
			return answer_error(c, status, status == 403
					    ? "forbidden" : "unavailable",
					    status == 403
					    ? "client certificate not accepted"
					    : "database unavailable");
		}
		if (bad[0]) {
			/* no record can be told from another: every one of
			 * them is refused, and stays on the camera. Answered
			 * once the body is read (and thrown away), not now: a
			 * server that answers and closes while the client
			 * still sends makes the client's TCP see a reset, and
			 * the camera would take its refusal for a network
			 * error and send the same request again and again */
			ilog("REFUSED camera %s: a request of several records: %s",
			     r->camera_id, bad);
			COUNT(refused);
			snprintf(r->header_bad, sizeof r->header_bad, "%s", bad);
			*con_cls = r;
			return MHD_YES;
		}
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_TYPE);
		if (ct && strncasecmp(ct, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA,
				      strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA)) == 0)
			r->pp = MHD_create_post_processor(c, 16384, on_part, r);
		if (!r->pp)
			req_malformed(r, "the body is not multipart/form-data");
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t cap = 0;

		for (int i = 0; i < IP_COUNT; i++)
			cap += ingest_part_limit((enum ingest_part_id)i,
						 cfg.image_max);
		cap *= r->nrec ? r->nrec : INGEST_BATCH_MAX;	/* 0: a bad header */
		r->total += *upload_data_size;
		if (r->total > cap + 65536) {
			/* far more than any record: stop reading it at all */
			ilog("REFUSED camera %s: request body over %zu bytes, "
			     "connection closed", r->camera_id, cap + 65536);
			return MHD_NO;
		}
		if (!r->header_bad[0] && r->pp &&
		    MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES)
			req_malformed(r, "the multipart body cannot be parsed");
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->header_bad[0])
		return answer_error(c, 400, INGEST_R_MALFORMED, r->header_bad);
	return r->batch ? finish_batch(c, r) : finish(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls; (void)c; (void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

/* -------------------------------------------------------------- health */

/* The health report (docs/backoffice.md, "Health"): every interval a
 * thread of its own, on a store connection of its own, asks the store for
 * the open gaps and the quarantine's counts, writes the JSON document to
 * the health file (replaced whole: a reader never sees half of one), logs
 * each problem once when it appears and once when it is resolved, and
 * puts a one-line summary in systemd's status. The logic is
 * ingest_health.c. */
#define HEALTH_GAPS_MAX		256
#define HEALTH_QUARANTINE_MAX	256
#define HEALTH_PROBLEMS_MAX	64
#define REFUSAL_WINDOW_S	86400

static struct {
	const char *file;		/* --health-file, or NULL */
	int64_t interval_s;		/* --health-interval */
	int64_t gap_alarm_s;		/* --gap-alarm */
	time_t started;
	pthread_t thread;
	pthread_mutex_t lock;		/* guards stop */
	pthread_cond_t wake;		/* signalled when stop is set */
	bool stop;
} health = {
	.interval_s = 60,
	.gap_alarm_s = 86400,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
};

static void health_log_new(const char *line, void *ctx)
{
	(void)ctx;
	ilog("health: PROBLEM %s", line);
}

static void health_log_gone(const char *line, void *ctx)
{
	(void)ctx;
	ilog("health: resolved: %s", line);
}

/* path's contents replaced whole by text and a newline: written beside
 * it and renamed over it, so a reader sees the old file or the new one.
 * 0, or -1 with errno. (The port file and the health file.) */
static int replace_file(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;
	int bad, e;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	bad = fputs(text, f) == EOF || fputc('\n', f) == EOF;
	e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad && rename(tmp, path) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

static void health_write(const char *doc)
{
	if (replace_file(health.file, doc) != 0)
		ilog("WARNING health file %s: %s", health.file, strerror(errno));
}

struct health_state {
	struct anpr_store *st;
	struct anpr_gap gaps[HEALTH_GAPS_MAX + 1];
	struct anpr_quarantine_count quarantine[HEALTH_QUARANTINE_MAX];
	char prev[HEALTH_PROBLEMS_MAX][INGEST_PROBLEM_LEN];
	char cur[HEALTH_PROBLEMS_MAX][INGEST_PROBLEM_LEN];
	size_t nprev;
	struct ingest_tally said;	/* the totals the last summary line had */
	char standby_names[256];	/* synchronous_standby_names (--standbys) */
};

/* One line a health interval saying what was answered since the last one,
 * when anything was (the per-record "stored" lines are --log-stored's). */
static void health_log_tally(struct health_state *hs, const struct ingest_tally *now)
{
	const struct ingest_tally *was = &hs->said;

	if (!memcmp(now, was, sizeof *now))
		return;
	ilog("since the last report: %" PRIu64 " records stored, %" PRIu64
	     " duplicates acknowledged again, %" PRIu64 " refused, %" PRIu64
	     " connections refused, %" PRIu64 " answered unavailable",
	     now->stored - was->stored, now->duplicates - was->duplicates,
	     now->refused - was->refused, now->forbidden - was->forbidden,
	     now->unavailable - was->unavailable);
	hs->said = *now;
}

static void health_pass(struct health_state *hs)
{
	struct ingest_health_input in;
	char err[768], safe[800], status[300];
	size_t nprob, ngaps = 0, nq = 0;
	char *doc;
	int rc = 0;

	memset(&in, 0, sizeof in);
	in.now_unix = time(NULL);
	in.started_unix = health.started;
	in.gap_alarm_s = health.gap_alarm_s;
	in.refusal_window_s = REFUSAL_WINDOW_S;
	in.tally = tally_now();
	if (!hs->st) {
		rc = anpr_store_open(&hs->st, cfg.conninfo, err, sizeof err);
		if (rc == 0)
			anpr_store_require_standbys(hs->st, cfg.standbys);
	}
	if (rc == 0)
		rc = anpr_store_gaps(hs->st, in.now_unix + 1, hs->gaps,
				     HEALTH_GAPS_MAX + 1, &ngaps, err,
				     sizeof err);
	in.standbys_required = cfg.standbys;
	if (rc == 0 && cfg.standbys)
		rc = anpr_store_standbys(hs->st, &in.standbys_wait, hs->standby_names,
					 sizeof hs->standby_names, err, sizeof err);
	in.standbys_names = hs->standby_names;
	if (rc == 0)
		rc = anpr_store_quarantine_counts(hs->st, in.now_unix -
						  REFUSAL_WINDOW_S,
						  hs->quarantine,
						  HEALTH_QUARANTINE_MAX, &nq,
						  err, sizeof err);
	if (rc != 0) {
		if (hs->st)
			anpr_store_close(hs->st);
		hs->st = NULL;	/* re-made at the next pass */
		ev_safe_text(safe, sizeof safe, err);
		in.db_error = safe;
	} else {
		in.db_ok = true;
		in.gaps = hs->gaps;
		in.gaps_truncated = ngaps > HEALTH_GAPS_MAX;
		in.ngaps = in.gaps_truncated ? HEALTH_GAPS_MAX : ngaps;
		in.quarantine = hs->quarantine;
		in.nquarantine = nq;
	}
	health_log_tally(hs, &in.tally);
	nprob = ingest_health_problems(&in, hs->cur, HEALTH_PROBLEMS_MAX);
	if (nprob > HEALTH_PROBLEMS_MAX)
		nprob = HEALTH_PROBLEMS_MAX;
	ingest_health_diff(hs->prev, hs->nprev, hs->cur, nprob,
			   health_log_new, health_log_gone, NULL);
	memcpy(hs->prev, hs->cur, nprob * sizeof hs->cur[0]);
	hs->nprev = nprob;
	if (health.file) {
		doc = ingest_health_json(&in);
		if (doc)
			health_write(doc);
		else
			ilog("WARNING health report: out of memory");
		free(doc);
	}
	if (nprob)
		snprintf(status, sizeof status, "%zu problem%s: %s", nprob,
			 nprob == 1 ? "" : "s", hs->cur[0]);
	else
		snprintf(status, sizeof status, "healthy; since the start "
			 "%" PRIu64 " records stored, %" PRIu64 " refused",
			 in.tally.stored, in.tally.refused);
	sd_notifyf(0, "STATUS=%s", status);
}

static void *health_main(void *arg)
{
	struct health_state *hs = arg;
	struct timespec until;
	bool stop = false;

	while (!stop) {
		health_pass(hs);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += health.interval_s;
		pthread_mutex_lock(&health.lock);
		while (!health.stop &&
		       pthread_cond_timedwait(&health.wake, &health.lock,
					      &until) == 0)
			;
		stop = health.stop;
		pthread_mutex_unlock(&health.lock);
	}
	/* what the last interval answered, said before stopping */
	{
		struct ingest_tally now = tally_now();

		health_log_tally(hs, &now);
	}
	if (hs->st)
		anpr_store_close(hs->st);
	free(hs);
	return NULL;
}

static int health_start(void)
{
	struct health_state *hs = calloc(1, sizeof *hs);

	health.started = time(NULL);
	if (!hs || pthread_create(&health.thread, NULL, health_main, hs) != 0) {
		free(hs);
		fprintf(stderr, "anpr-ingest: cannot start the health report\n");
		return -1;
	}
	return 0;
}

static void health_stop(void)
{
	pthread_mutex_lock(&health.lock);
	health.stop = true;
	pthread_cond_signal(&health.wake);
	pthread_mutex_unlock(&health.lock);
	pthread_join(health.thread, NULL);
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fprintf(f, "usage: anpr-ingest --cert PEM --key PEM --client-ca PEM "
		"--db CONNINFO --images DIR|s3://BUCKET\n"
		"                   [--listen ADDR] [--port N] [--port-file F] "
		"[--threads N] [--committers N] [--image-sync group|file]\n"
		"                   [--max-image BYTES] [--log-stored] [--standbys N]\n"
		"                   [--health-file F] [--health-interval DURATION] "
		"[--gap-alarm DURATION]\n");
}

static char *slurp(const char *path, size_t *len)
{
	char *buf, err[512];

	if (read_file_limited(path, 1 << 20, &buf, len, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-ingest: %s\n", err);
		return NULL;
	}
	return buf;
}

static bool parse_size(const char *s, unsigned long long lo,
		       unsigned long long hi, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && end != s && !*end && *out >= lo && *out <= hi;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cert", 1, NULL, 'c' }, { "key", 1, NULL, 'k' },
		{ "client-ca", 1, NULL, 'a' }, { "db", 1, NULL, 'd' },
		{ "images", 1, NULL, 'i' }, { "listen", 1, NULL, 'l' },
		{ "port", 1, NULL, 'p' }, { "port-file", 1, NULL, 'P' },
		{ "threads", 1, NULL, 't' }, { "max-image", 1, NULL, 'm' },
		{ "committers", 1, NULL, 'C' }, { "image-sync", 1, NULL, 'Y' },
		{ "health-file", 1, NULL, 'H' }, { "log-stored", 0, NULL, 'S' },
		{ "health-interval", 1, NULL, 'I' },
		{ "gap-alarm", 1, NULL, 'G' }, { "standbys", 1, NULL, 'R' },
		{ "version", 0, NULL, 'V' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	const char *certp = NULL, *keyp = NULL, *cap = NULL, *imagesp = NULL;
	const char *listen_addr = "127.0.0.1", *port_file = NULL;
	unsigned long long port = 8443, ull;
	char *cert, *key, *ca, err[768];
	size_t len;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	sigset_t sigs;
	int o, sig;

	cfg.threads = 16;
	cfg.committers = 2;
	cfg.image_group_sync = true;
	cfg.image_max = 8u << 20;
	cfg.conninfo = getenv("ANPR_INGEST_DB");
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'c': certp = optarg; break;
		case 'k': keyp = optarg; break;
		case 'a': cap = optarg; break;
		case 'd': cfg.conninfo = optarg; break;
		case 'i': imagesp = optarg; break;
		case 'l': listen_addr = optarg; break;
		case 'P': port_file = optarg; break;
		case 'p':
			if (!parse_size(optarg, 0, 65535, &port)) {
				fprintf(stderr, "anpr-ingest: --port '%s': not "
					"a port number from 0 to 65535\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (!parse_size(optarg, 1, MAX_THREADS, &ull)) {
				fprintf(stderr, "anpr-ingest: --threads '%s': "
					"not a number from 1 to %d\n", optarg,
					MAX_THREADS);
				return 2;
			}
			cfg.threads = (unsigned)ull;
			break;
		case 'R':
			if (!parse_size(optarg, 0, 16, &ull)) {
				fprintf(stderr, "anpr-ingest: --standbys '%s': "
					"not a number from 0 to 16\n", optarg);
				return 2;
			}
			cfg.standbys = (unsigned)ull;
			break;
		case 'C':
			if (!parse_size(optarg, 1, 16, &ull)) {
				fprintf(stderr, "anpr-ingest: --committers '%s': "
					"not a number from 1 to 16\n", optarg);
				return 2;
			}
			cfg.committers = (unsigned)ull;
			break;
		case 'Y':
			if (strcmp(optarg, "group") == 0) {
				cfg.image_group_sync = true;
			} else if (strcmp(optarg, "file") == 0) {
				cfg.image_group_sync = false;
			} else {
				fprintf(stderr, "anpr-ingest: --image-sync '%s': "
					"not group or file\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (!parse_size(optarg, 1024, 256ull << 20, &ull)) {
				fprintf(stderr, "anpr-ingest: --max-image '%s': "
					"not a number of bytes from 1024 to "
					"268435456\n", optarg);
				return 2;
			}
			cfg.image_max = (size_t)ull;
			break;
		case 'H': health.file = optarg; break;
		case 'I':
			if (ingest_parse_duration_s(optarg, &health.interval_s) ||
			    health.interval_s < 1 || health.interval_s > 86400) {
				fprintf(stderr, "anpr-ingest: --health-interval "
					"'%s': not a duration from 1s to 1d "
					"(e.g. 60s, 5m)\n", optarg);
				return 2;
			}
			break;
		case 'G':
			if (ingest_parse_duration_s(optarg, &health.gap_alarm_s) ||
			    health.gap_alarm_s < 1 ||
			    health.gap_alarm_s > 400 * 86400) {
				fprintf(stderr, "anpr-ingest: --gap-alarm '%s': "
					"not a duration from 1s to 400d (e.g. "
					"24h, 90m)\n", optarg);
				return 2;
			}
			break;
		case 'S':
			cfg.log_stored = true;
			break;
		case 'V':
			printf("%s %s\n", "anpr-ingest", ANPR_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!certp || !keyp || !cap || !cfg.conninfo || !imagesp) {
		fprintf(stderr, "anpr-ingest: --cert, --key, --client-ca, --db "
			"(or ANPR_INGEST_DB) and --images are required\n");
		usage(stderr);
		return 2;
	}
	/* the process holds the TLS server key: no core dumps of it */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		fprintf(stderr, "anpr-ingest: cannot turn core dumps off: %s\n",
			strerror(errno));
		return 1;
	}
	if (ev_init() != 0) {
		fprintf(stderr, "anpr-ingest: libsodium cannot be initialised\n");
		return 1;
	}
	if (imagestore_open(&cfg.images, imagesp, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-ingest: %s\n", err);
		return 1;
	}
	{
		/* what a writer killed between write and rename left; nothing
		 * refers to a temporary file, and a live writer's is younger */
		size_t swept = 0;

		if (imagestore_sweep_temp(&cfg.images, time(NULL) - 3600, &swept, err,
					  sizeof err) != 0)
			fprintf(stderr, "anpr-ingest: WARNING %s\n", err);
		if (swept)
			fprintf(stderr, "anpr-ingest: removed %zu temporary image "
				"file%s left by a stopped writer\n", swept,
				swept == 1 ? "" : "s");
	}
	cert = slurp(certp, &len);
	key = slurp(keyp, &len);
	ca = slurp(cap, &len);
	if (!cert || !key || !ca)
		return 1;
	memset(&ss, 0, sizeof ss);
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

		if (inet_pton(AF_INET, listen_addr, &a4->sin_addr) == 1) {
			a4->sin_family = AF_INET;
			a4->sin_port = htons((uint16_t)port);
		} else if (inet_pton(AF_INET6, listen_addr, &a6->sin6_addr) == 1) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons((uint16_t)port);
		} else {
			fprintf(stderr, "anpr-ingest: --listen '%s': not an "
				"IPv4 or IPv6 address\n", listen_addr);
			return 2;
		}
	}
	/* signals are taken by sigwait below, in this thread only */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	{
		char cerr[256];

		if (ingest_commit_start(cfg.conninfo, cfg.committers, cfg.standbys,
					cfg.image_group_sync ? sync_images : NULL,
					&cfg.images, cerr, sizeof cerr) != 0) {
			fprintf(stderr, "anpr-ingest: %s\n", cerr);
			return 1;
		}
	}
	/* poll(2), not epoll: libmicrohttpd 0.9.75 (Debian 12) in epoll
	 * mode calls gnutls_handshake again every few microseconds while a
	 * handshake waits for the client, so a client that sends part of a
	 * ClientHello and stops kept a worker at full CPU until the
	 * connection timed out (docs/threat-model.md, "Listeners";
	 * tests/adversary/listeners.sh) */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			     MHD_USE_TLS | MHD_USE_ERROR_LOG |
			     (((struct sockaddr *)&ss)->sa_family == AF_INET6
			      ? MHD_USE_IPv6 : 0),
			     (uint16_t)port, NULL, NULL, on_request, NULL,
			     /* first, so that the other options' complaints
			      * go through it too */
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_HTTPS_MEM_CERT, cert,
			     MHD_OPTION_HTTPS_MEM_KEY, key,
			     MHD_OPTION_HTTPS_MEM_TRUST, ca,
			     MHD_OPTION_HTTPS_PRIORITIES,
			     "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
			     MHD_OPTION_THREAD_POOL_SIZE, cfg.threads,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
			     MHD_OPTION_END);
	if (!d) {
		ingest_commit_stop();
		fprintf(stderr, "anpr-ingest: cannot serve HTTPS on %s port "
			"%llu (address in use, or the certificate, key or CA "
			"refused by GnuTLS)\n", listen_addr, port);
		return 1;
	}
	memset(key, 0, strlen(key));	/* MHD has its own copy by now */
	free(key);
	{
		const union MHD_DaemonInfo *di =
			MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		unsigned bound = di ? di->port : (unsigned)port;

		if (port_file) {
			char text[16];

			snprintf(text, sizeof text, "%u", bound);
			if (replace_file(port_file, text) != 0) {
				fprintf(stderr, "anpr-ingest: %s: %s\n",
					port_file, strerror(errno));
				MHD_stop_daemon(d);
				ingest_commit_stop();
				return 1;
			}
		}
		ilog("serving HTTPS on %s port %u, %u threads, images in %s",
		     listen_addr, bound, cfg.threads, imagesp);
	}
	if (health_start() != 0) {
		MHD_stop_daemon(d);
		ingest_commit_stop();
		return 1;
	}
	sd_notify(0, "READY=1");
	do {
		if (sigwait(&sigs, &sig) != 0)
			sig = SIGTERM;
	} while (sig != SIGINT && sig != SIGTERM);
	sd_notify(0, "STOPPING=1");
	ilog("stopping (signal %d)", sig);
	MHD_stop_daemon(d);
	ingest_commit_stop();	/* after the requests: none is left waiting */
	health_stop();		/* its last line counts every answer given */
	imagestore_close(&cfg.images);
	free(cert);
	free(ca);
	return 0;
}
