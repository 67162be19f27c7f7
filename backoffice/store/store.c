// SPDX-License-Identifier: MIT
/*
 * store.c - the connection, statements and errors of anprstore, and the
 * migrations. Every statement with a value in it goes through
 * PQexecParams; only the migration files themselves (SQL written by us,
 * several statements each) go through PQexec.
 */
#include "store/store_int.h"

#include "evidence/evidence.h"
#include "evidence/readfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void st_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void sp_init(struct sparams *p)
{
	memset(p, 0, sizeof *p);
}

static int sp_slot(struct sparams *p)
{
	/* a statement with more parameters than SP_MAX is a bug here, not
	 * a runtime condition: abort loudly rather than send a wrong query */
	if (p->n >= SP_MAX)
		abort();
	return p->n++;
}

void sp_text(struct sparams *p, const char *s)
{
	int i = sp_slot(p);

	p->v[i] = s;
}

void sp_opt(struct sparams *p, const char *s)
{
	sp_text(p, s && *s ? s : NULL);
}

void sp_i64(struct sparams *p, int64_t x)
{
	int i = sp_slot(p);

	snprintf(p->buf[i], sizeof p->buf[i], "%" PRId64, x);
	p->v[i] = p->buf[i];
}

void sp_u64(struct sparams *p, uint64_t x)
{
	int i = sp_slot(p);

	snprintf(p->buf[i], sizeof p->buf[i], "%" PRIu64, x);
	p->v[i] = p->buf[i];
}

void sp_f64(struct sparams *p, double x)
{
	int i = sp_slot(p);

	if (isnan(x))
		return;
	/* %.17g: a double read back as the same double */
	snprintf(p->buf[i], sizeof p->buf[i], "%.17g", x);
	p->v[i] = p->buf[i];
}

void sp_bytes(struct sparams *p, const void *b, size_t n)
{
	int i = sp_slot(p);

	if (!b)
		return;
	/* binary format: the bytes as they are, no escaping either way */
	p->v[i] = n ? (const char *)b : "";
	p->len[i] = (int)n;
	p->fmt[i] = 1;
}

/* SQLSTATE classes: 23 integrity (unique: 23505), 22 data, 08 connection,
 * 57P operator intervention (shutdown), 53 resources. */
static int rc_of(const PGresult *r, PGconn *pg)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(pg) != CONNECTION_OK || !state)
		return ANPR_STORE_EIO;
	if (strcmp(state, "23505") == 0)
		return ANPR_STORE_EEXIST;
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return ANPR_STORE_EINVAL;
	return ANPR_STORE_EIO;
}

static PGresult *st_exec_fail(struct anpr_store *st, const char *what,
			      PGresult *r, int *rc, char *err, size_t errlen);

/* Run sql once, prepared (its name: its place in st->prepared) or not. */
static PGresult *run_once(struct anpr_store *st, const char *sql,
			  const struct sparams *p, bool prepare)
{
	int n = p ? p->n : 0, i;
	char name[16];

	if (!prepare)
		return PQexecParams(st->pg, sql, n, NULL, n ? p->v : NULL,
				    n ? p->len : NULL, n ? p->fmt : NULL, 0);
	for (i = 0; i < st->nprepared && st->prepared[i] != sql; i++)
		;
	if (i == ST_PREPARED_MAX)	/* full: a statement too many, run it plain */
		return run_once(st, sql, p, false);
	snprintf(name, sizeof name, "anpr_s%d", i);
	if (i == st->nprepared) {
		PGresult *r = PQprepare(st->pg, name, sql, n, NULL);

		if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
			return r;	/* the error, as executing it would give */
		PQclear(r);
		st->prepared[st->nprepared++] = sql;
	}
	return PQexecPrepared(st->pg, name, n, n ? p->v : NULL,
			      n ? p->len : NULL, n ? p->fmt : NULL, 0);
}

static PGresult *exec(struct anpr_store *st, const char *what, const char *sql,
		      const struct sparams *p, bool prepare, int *rc, char *err,
		      size_t errlen)
{
	PGresult *r;
	ExecStatusType s;
	bool idle = PQtransactionStatus(st->pg) == PQTRANS_IDLE;

	for (int attempt = 0;; attempt++) {
		r = run_once(st, sql, p, prepare);
		s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
		if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
			return r;
		/* A connection that died while idle (the server restarted)
		 * is only found out by using it. Outside a transaction, a
		 * statement that changes nothing (a read, BEGIN) is safe to
		 * send again on a new connection; anything else is not (it
		 * may have been done), and is left to the caller's retry. */
		if (attempt > 0 || !idle || PQstatus(st->pg) == CONNECTION_OK ||
		    (strncmp(sql, "SELECT ", 7) != 0 && strcmp(sql, "BEGIN") != 0))
			break;
		PQclear(r);
		PQreset(st->pg);
		if (PQstatus(st->pg) != CONNECTION_OK)
			return st_exec_fail(st, what, NULL, rc, err, errlen);
		if (st_session_setup(st, err, errlen) != 0) {
			*rc = ANPR_STORE_EIO;
			return NULL;
		}
	}
	return st_exec_fail(st, what, r, rc, err, errlen);
}

PGresult *st_exec(struct anpr_store *st, const char *what, const char *sql,
		  const struct sparams *p, int *rc, char *err, size_t errlen)
{
	return exec(st, what, sql, p, false, rc, err, errlen);
}

PGresult *st_exec_ps(struct anpr_store *st, const char *what, const char *sql,
		     const struct sparams *p, int *rc, char *err, size_t errlen)
{
	return exec(st, what, sql, p, true, rc, err, errlen);
}

static PGresult *st_exec_fail(struct anpr_store *st, const char *what,
			      PGresult *r, int *rc, char *err, size_t errlen)
{
	*rc = rc_of(r, st->pg);
	{
		const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				  : NULL;
		const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
				      : NULL;
		if (!m) {
			/* no server message: the connection's own, which is
			 * libpq's (host, port, reason) and carries no data */
			m = PQerrorMessage(st->pg);
		}
		st_err(err, errlen, "%s: %.*s%s%s%s", what,
		       (int)strcspn(m, "\n"), m, state ? " (SQLSTATE " : "",
		       state ? state : "", state ? ")" : "");
	}
	PQclear(r);
	return NULL;
}

static int st_cmd(struct anpr_store *st, const char *what, const char *sql,
		  char *err, size_t errlen)
{
	int rc = 0;
	PGresult *r = st_exec(st, what, sql, NULL, &rc, err, errlen);

	if (!r)
		return rc;
	PQclear(r);
	return 0;
}

int st_begin(struct anpr_store *st, const char *what, char *err,
	     size_t errlen)
{
	return st_cmd(st, what, "BEGIN", err, errlen);
}

void anpr_store_require_standbys(struct anpr_store *st, unsigned n)
{
	st->standbys = n;
}

static bool word_at(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncasecmp(*p, w, n) != 0 || isalnum((unsigned char)(*p)[n]) ||
	    (*p)[n] == '_')
		return false;
	*p += n;
	return true;
}

int anpr_store_standbys_of(const char *names)
{
	const char *p = names;
	long k = 1;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	if (!word_at(&p, "FIRST"))
		(void)word_at(&p, "ANY");
	while (isspace((unsigned char)*p))
		p++;
	if (isdigit((unsigned char)*p)) {
		char *end;

		k = strtol(p, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		/* "2 (a, b)": a number is only ever followed by the list */
		if (*end != '(' || k < 1 || k > 1000)
			return -1;
		p = end;
	}
	if (*p == '(') {
		size_t close = strcspn(p, ")");

		if (p[close] != ')')
			return -1;
		for (p += close + 1; isspace((unsigned char)*p); p++)
			;
		return *p ? -1 : (int)k;
	}
	/* a plain list of names (or "*"): the first one that is there */
	return strpbrk(p, "()") ? -1 : 1;
}

int anpr_store_standbys(struct anpr_store *st, int *waits_for, char *names,
			size_t namescap, char *err, size_t errlen)
{
	PGresult *r;
	int rc;

	r = st_exec(st, "the server's synchronous standbys",
		    "SELECT current_setting('synchronous_standby_names')", NULL,
		    &rc, err, errlen);
	if (!r)
		return rc;
	snprintf(names, namescap, "%s", PQgetvalue(r, 0, 0));
	*waits_for = anpr_store_standbys_of(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

/* anpr_store_require_standbys: just before COMMIT, in the transaction. */
static int standbys_enough(struct anpr_store *st, char *err, size_t errlen)
{
	char names[256] = "";
	int waits = -1, rc;

	rc = anpr_store_standbys(st, &waits, names, sizeof names, err, errlen);
	if (rc)
		return rc;
	if (waits >= 0 && (unsigned)waits >= st->standbys)
		return 0;
	st_err(err, errlen, "not committed: the server's commits %s "
	       "(synchronous_standby_names = '%.200s'), where %u synchronous "
	       "standby%s must hold every acknowledged record "
	       "(anpr_store_require_standbys, anpr-ingest --standbys)",
	       waits < 0 ? "wait for standbys in a way not understood" :
	       waits == 0 ? "wait for no standby" : "wait for fewer standbys",
	       names, st->standbys, st->standbys == 1 ? "" : "s");
	return ANPR_STORE_EIO;
}

int st_commit(struct anpr_store *st, const char *what, char *err,
	      size_t errlen)
{
	int rc = st->standbys ? standbys_enough(st, err, errlen) : 0;

	if (rc) {
		st_rollback(st);
		return rc;
	}
	rc = st_cmd(st, what, "COMMIT", err, errlen);

	if (rc)
		st_rollback(st);
	return rc;
}

void st_rollback(struct anpr_store *st)
{
	PQclear(PQexec(st->pg, "ROLLBACK"));
}

const char *st_val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int64_t st_i64(const PGresult *r, int row, int col)
{
	const char *v = st_val(r, row, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

int st_hash(const PGresult *r, int row, int col, uint8_t out[32])
{
	const char *v = st_val(r, row, col);

	if (!v || strlen(v) != 64 || ev_unhex(v, out, 32) != 0)
		return -1;
	return 0;
}

/* Notices ("relation already exists, skipping") are not errors and the
 * daemons' logs are not the place for the server's chatter. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

bool st_day_known(const struct anpr_store *st, int64_t day)
{
	for (int i = 0; i < ST_DAYS_KNOWN; i++)
		if (st->days_known[i] == day + 1)
			return true;
	return false;
}

void st_day_note(struct anpr_store *st, int64_t day)
{
	if (st_day_known(st, day))
		return;
	/* the oldest out: the newest first */
	memmove(st->days_known + 1, st->days_known,
		(ST_DAYS_KNOWN - 1) * sizeof st->days_known[0]);
	st->days_known[0] = day + 1;
}

void st_days_forget(struct anpr_store *st)
{
	memset(st->days_known, 0, sizeof st->days_known);
}

int st_session_setup(struct anpr_store *st, char *err, size_t errlen)
{
	st_days_forget(st);
	st->nprepared = 0;	/* a new session: nothing prepared in it */
	PQsetNoticeProcessor(st->pg, quiet, NULL);
	/* an acknowledgement follows a durable commit (docs/backoffice.md),
	 * whatever the server's default; UTC so that dates are the days of
	 * time_utc whatever the server's time zone */
	int rc = st_cmd(st, "session setup", "SET synchronous_commit = on", err,
			errlen);

	return rc ? rc : st_cmd(st, "session setup", "SET TIME ZONE 'UTC'", err,
				errlen);
}

/* libpq's message of a failed connection on one line: with several hosts
 * (a replicated store: host=a,b,c target_session_attrs=read-write) it has
 * a line per host tried, and the first alone (often the dead primary's
 * "Connection refused") hides why the others would not do ("session is
 * read-only"). libpq's own text: hosts, ports, reasons, no data. */
static const char *conn_message(PGconn *pg, char *buf, size_t cap)
{
	const char *m = PQerrorMessage(pg);
	size_t o = 0;

	for (; *m && o + 3 < cap; m++) {
		if (*m != '\n') {
			buf[o++] = *m;
			continue;
		}
		while (m[1] == '\n' || m[1] == ' ' || m[1] == '\t')
			m++;
		if (m[1] && o + 3 < cap) {
			buf[o++] = ';';
			buf[o++] = ' ';
		}
	}
	buf[o] = '\0';
	return buf;
}

int st_ready(struct anpr_store *st, char *err, size_t errlen)
{
	if (PQstatus(st->pg) == CONNECTION_OK)
		return 0;
	PQreset(st->pg);
	if (PQstatus(st->pg) != CONNECTION_OK) {
		char m[1024];

		st_err(err, errlen, "database connection lost: %s",
		       conn_message(st->pg, m, sizeof m));
		return ANPR_STORE_EIO;
	}
	return st_session_setup(st, err, errlen);
}

int anpr_store_open(struct anpr_store **out, const char *conninfo, char *err,
		    size_t errlen)
{
	struct anpr_store *st;
	int rc;

	*out = NULL;
	if (!conninfo) {
		st_err(err, errlen, "database: no connection string");
		return ANPR_STORE_EINVAL;
	}
	if (ev_init() != 0) {
		st_err(err, errlen, "libsodium failed to initialise");
		return ANPR_STORE_EIO;
	}
	st = calloc(1, sizeof *st + strlen(conninfo) + 1);
	if (!st) {
		st_err(err, errlen, "database: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	strcpy(st->conninfo, conninfo);
	st->pg = PQconnectdb(conninfo);
	if (!st->pg) {
		free(st);
		st_err(err, errlen, "database: out of memory");
		return ANPR_STORE_ENOMEM;
	}
	if (PQstatus(st->pg) != CONNECTION_OK) {
		char m[1024];

		st_err(err, errlen, "database connection failed: %s",
		       conn_message(st->pg, m, sizeof m));
		anpr_store_close(st);
		return ANPR_STORE_EIO;
	}
	rc = st_session_setup(st, err, errlen);
	if (rc) {
		anpr_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void anpr_store_close(struct anpr_store *st)
{
	if (!st)
		return;
	PQfinish(st->pg);
	free(st);
}

/* ----------------------------------------------------------- migrations */

/* NNNN_name.sql: four digits, an underscore, a plain name. */
static int is_migration(const char *n)
{
	size_t len = strlen(n);

	if (len < 10 || strcmp(n + len - 4, ".sql") != 0 || n[4] != '_')
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	for (size_t i = 5; i < len - 4; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') ||
		      n[i] == '_' || n[i] == '-'))
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int list_migrations(const char *dir, char ***names, size_t *count,
			   char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*names = NULL;
	*count = 0;
	if (!d) {
		st_err(err, errlen, "migrations directory %s: %s", dir,
		       strerror(errno));
		return ANPR_STORE_EINVAL;
	}
	while ((e = readdir(d))) {
		if (!is_migration(e->d_name))
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *v);

			if (!nv)
				goto nomem;
			v = nv;
		}
		if (!(v[n] = strdup(e->d_name)))
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	*names = v;
	*count = n;
	return 0;
nomem:
	closedir(d);
	free_names(v, n);
	st_err(err, errlen, "migrations directory %s: out of memory", dir);
	return ANPR_STORE_ENOMEM;
}

static int read_sql(const char *path, char **text, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = read_file_limited(path, 16u << 20, &buf, &len, err, errlen);

	if (rc)
		return ANPR_STORE_EINVAL;
	if (memchr(buf, '\0', len)) {
		free(buf);
		st_err(err, errlen, "migration %s: contains a NUL byte", path);
		return ANPR_STORE_EINVAL;
	}
	*text = buf;
	return 0;
}

/* Applied in the order of their names; each in a transaction of its own
 * with its row in schema_migrations, so a failed file leaves neither. A
 * session advisory lock keeps two anpr-db migrate from interleaving. */
static int migrate_locked(struct anpr_store *st, const char *dir, int *applied,
			  char *err, size_t errlen)
{
	char **names = NULL;
	size_t n = 0;
	int rc;
	PGresult *r;

	rc = st_cmd(st, "creating schema anpr", "CREATE SCHEMA IF NOT EXISTS anpr",
		    err, errlen);
	if (rc)
		return rc;
	rc = st_cmd(st, "creating anpr.schema_migrations",
		    "CREATE TABLE IF NOT EXISTS anpr.schema_migrations ("
		    " name text PRIMARY KEY,"
		    " sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    err, errlen);
	if (rc)
		return rc;
	rc = list_migrations(dir, &names, &n, err, errlen);
	if (rc)
		return rc;
	if (n == 0) {
		st_err(err, errlen, "migrations directory %s: no NNNN_name.sql file",
		       dir);
		rc = ANPR_STORE_EINVAL;
		goto out;
	}
	/* the database must not be ahead of this directory: that is an older
	 * anpr-db (or the wrong directory) about to be trusted */
	r = st_exec(st, "reading anpr.schema_migrations",
		    "SELECT name FROM anpr.schema_migrations ORDER BY name", NULL,
		    &rc, err, errlen);
	if (!r)
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0);

		if (!bsearch(&name, names, n, sizeof *names, cmp_str)) {
			st_err(err, errlen,
			       "migration %s is applied in the database but not in %s "
			       "(wrong directory, or an older anpr-db)", name, dir);
			rc = ANPR_STORE_EINVAL;
			PQclear(r);
			goto out;
		}
	}
	PQclear(r);
	for (size_t i = 0; i < n; i++) {
		char path[4096], hex[65], *sql = NULL;
		uint8_t h[32];
		struct sparams p;

		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
		    sizeof path) {
			st_err(err, errlen, "migration %s: path too long", names[i]);
			rc = ANPR_STORE_EINVAL;
			goto out;
		}
		rc = read_sql(path, &sql, err, errlen);
		if (rc)
			goto out;
		ev_sha256(sql, strlen(sql), h);
		ev_hex(h, 32, hex);
		sp_init(&p);
		sp_text(&p, names[i]);
		r = st_exec(st, "reading anpr.schema_migrations",
			    "SELECT sha256 FROM anpr.schema_migrations WHERE name = $1",
			    &p, &rc, err, errlen);
		if (!r) {
			free(sql);
			goto out;
		}
		if (PQntuples(r) == 1) {
			int same = strcmp(PQgetvalue(r, 0, 0), hex) == 0;

			if (!same)
				st_err(err, errlen,
				       "migration %s was applied with SHA-256 %.16s..., "
				       "the file now has %.16s...: an applied migration "
				       "must not change (add a new one)",
				       names[i], PQgetvalue(r, 0, 0), hex);
			PQclear(r);
			free(sql);
			if (!same) {
				rc = ANPR_STORE_EINVAL;
				goto out;
			}
			continue;
		}
		PQclear(r);
		rc = st_begin(st, names[i], err, errlen);
		if (!rc) {
			char what[300];
			PGresult *x;

			snprintf(what, sizeof what, "migration %s", names[i]);
			/* several statements: PQexec, which runs them all
			 * inside the transaction begun above */
			x = PQexec(st->pg, sql);
			if (!x || (PQresultStatus(x) != PGRES_COMMAND_OK &&
					  PQresultStatus(x) != PGRES_TUPLES_OK)) {
				const char *m = x ? PQresultErrorField(x, PG_DIAG_MESSAGE_PRIMARY)
						  : NULL;

				rc = rc_of(x, st->pg);
				if (rc == ANPR_STORE_EEXIST)
					rc = ANPR_STORE_EINVAL;
				st_err(err, errlen, "%s: %s", what,
				       m ? m : "failed (connection lost)");
			}
			PQclear(x);
			if (!rc) {
				sp_init(&p);
				sp_text(&p, names[i]);
				sp_text(&p, hex);
				x = st_exec(st, what,
					    "INSERT INTO anpr.schema_migrations (name, sha256) "
					    "VALUES ($1, $2)", &p, &rc, err, errlen);
				PQclear(x);
			}
			if (rc)
				st_rollback(st);
			else
				rc = st_commit(st, what, err, errlen);
		}
		free(sql);
		if (rc)
			goto out;
		(*applied)++;
	}
out:
	free_names(names, n);
	return rc;
}

int anpr_store_migrate(struct anpr_store *st, const char *dir, int *applied,
		       char *err, size_t errlen)
{
	int rc, n = 0;

	if (applied)
		*applied = 0;
	if (!dir) {
		st_err(err, errlen, "migrations: no directory");
		return ANPR_STORE_EINVAL;
	}
	rc = st_ready(st, err, errlen);
	if (rc)
		return rc;
	/* key: a constant of this project; anpr.day_partition locks days
	 * under 1095782482 */
	rc = st_cmd(st, "migration lock", "SELECT pg_advisory_lock(1095782483, 0)",
		    err, errlen);
	if (rc)
		return rc;
	rc = migrate_locked(st, dir, &n, err, errlen);
	/* the lock goes with the session if this fails (connection lost) */
	PQclear(PQexec(st->pg, "SELECT pg_advisory_unlock(1095782483, 0)"));
	if (applied)
		*applied = n;
	return rc;
}

int st_token_ok(const char *s, size_t max)
{
	return s && strlen(s) <= max && ev_value_check(EV_K_TOKEN, s) == 0;
}

int st_chain_id_ok(const char *s)
{
	return s && ev_value_check(EV_K_HEX16, s) == 0;
}

int st_hash_hex_ok(const char *s)
{
	return s && ev_value_check(EV_K_HASH, s) == 0;
}
