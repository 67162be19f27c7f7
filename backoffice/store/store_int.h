/* SPDX-License-Identifier: MIT */
/*
 * store_int.h - what the files of anprstore share: the connection, the
 * parameter lists of PQexecParams, and running a statement with its error
 * turned into an ANPR_STORE_E* and words.
 */
#ifndef ANPR_STORE_INT_H
#define ANPR_STORE_INT_H

#include "store/anprstore.h"

#include <libpq-fe.h>

/* The statements prepared on this connection (st_exec_ps), known by the
 * address of their SQL text: the ingest path's dozen statements are
 * parsed and planned once per connection instead of once per record
 * (docs/backoffice.md, "What limits ingest"). Emptied whenever the
 * connection is made again (a new session has none). */
#define ST_PREPARED_MAX 48

#define ST_DAYS_KNOWN 4

struct anpr_store {
	PGconn *pg;
	/* capture days whose partition this connection saw committed (days
	 * since 1970 + 1; 0 = none): a put for one of them skips
	 * anpr.day_partition. Forgotten after any failed put, as a day may
	 * be dropped by retention. */
	int64_t days_known[ST_DAYS_KNOWN];
	int nprepared;
	const char *prepared[ST_PREPARED_MAX];
	unsigned long groups_setwise;	/* anpr_store_groups_setwise() */
	unsigned standbys;		/* anpr_store_require_standbys() */
	char conninfo[];
};

/* A new session's settings (synchronous_commit, UTC), after a connection
 * is made or made again. */
int st_session_setup(struct anpr_store *st, char *err, size_t errlen);

/* Up to 24 parameters; text unless given as bytes (binary bytea). Numbers
 * are written into buf, so a list lives as long as its statement. */
#define SP_MAX 24
struct sparams {
	int n;
	const char *v[SP_MAX];
	int len[SP_MAX];
	int fmt[SP_MAX];
	char buf[SP_MAX][24];
};

void sp_init(struct sparams *p);
void sp_text(struct sparams *p, const char *s);	/* NULL: SQL NULL */
void sp_opt(struct sparams *p, const char *s);	/* NULL or "": SQL NULL */
void sp_i64(struct sparams *p, int64_t x);
void sp_u64(struct sparams *p, uint64_t x);
void sp_f64(struct sparams *p, double x);	/* NAN: SQL NULL */
void sp_bytes(struct sparams *p, const void *b, size_t n); /* NULL: NULL */

void st_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Run sql; a result of status TUPLES_OK or COMMAND_OK is returned (PQclear
 * it), NULL otherwise with *rc set and err "WHAT: the server's primary
 * message". The message is the primary one only: PostgreSQL puts the
 * values of a violated constraint in DETAIL, and those may be a VRM. */
PGresult *st_exec(struct anpr_store *st, const char *what, const char *sql,
		  const struct sparams *p, int *rc, char *err, size_t errlen);
/* st_exec for a statement run often: sql must be a string literal (it is
 * known by its address), prepared on first use on this connection and
 * executed as such from then on; the same results and errors. */
PGresult *st_exec_ps(struct anpr_store *st, const char *what, const char *sql,
		     const struct sparams *p, int *rc, char *err, size_t errlen);
/* The day's partition is known to exist; note it; forget them all. */
bool st_day_known(const struct anpr_store *st, int64_t day);
void st_day_note(struct anpr_store *st, int64_t day);
void st_days_forget(struct anpr_store *st);
/* Re-make a lost connection; EIO if that fails. */
int st_ready(struct anpr_store *st, char *err, size_t errlen);
int st_begin(struct anpr_store *st, const char *what, char *err,
	     size_t errlen);
int st_commit(struct anpr_store *st, const char *what, char *err,
	      size_t errlen);
void st_rollback(struct anpr_store *st);

/* A text[] literal for an array parameter (store_arr.c): elements
 * double-quoted with backslash escapes (any text is safe), NULL unquoted.
 * Start zeroed; arr_end closes it and gives the text, NULL if memory ran
 * out; free(a.s) after. */
struct arr {
	char *s;
	size_t len, cap;
	bool oom;
};
void arr_put(struct arr *a, const char *s, size_t n);	/* raw bytes */
void arr_sep(struct arr *a);			/* "{" first, then "," */
void arr_text(struct arr *a, const char *s);	/* an element, or NULL */
const char *arr_end(struct arr *a);

/* Text column value (NULL for SQL NULL). */
const char *st_val(const PGresult *r, int row, int col);
int64_t st_i64(const PGresult *r, int row, int col);
/* A 64-hex column into 32 bytes: 0, or -1 if malformed. */
int st_hash(const PGresult *r, int row, int col, uint8_t out[32]);

/* Hex text into a malloc'd buffer (*len bytes); NULL if out of memory or
 * not hex. */
void *st_unhex_dup(const char *hex, size_t *len);

struct anpr_query;
struct anpr_withheld;
/* The policy functions' first eight parameters (query.c), and the mark
 * and its fold they point into (so they live as long as the parameters);
 * EINVAL for a malformed mark. */
struct st_question {
	struct sparams p;
	char vrm[40], key[40];
};
int st_policy_question(const struct anpr_query *q, const char *purpose,
		       const char *case_ref, int64_t authorisation, struct st_question *sq,
		       char *err, size_t errlen);
/* A withheld (or refused) row of a policy function, by column numbers. */
void st_withheld_row(const PGresult *r, int row, int c_tier, int c_reason, int c_count,
		     int c_needs, struct anpr_withheld *w);

/* Value syntax of docs/record-format.md, by the evidence library's own
 * check (ev_value_check): a TOKEN of at most max bytes, a chain id
 * (HEX16), a SHA-256 in lower-case hex (HASH). NULL is never valid. */
int st_token_ok(const char *s, size_t max);
int st_chain_id_ok(const char *s);
int st_hash_hex_ok(const char *s);

#endif
