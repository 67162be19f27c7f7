// SPDX-License-Identifier: MIT
/*
 * console_people.c - the people's listener of anpr-console: the page
 * (www/), login as a PostgreSQL role (as anpr-query is run as the person:
 * the database decides, and audits under session_user), a session cookie,
 * the alerts' stream, actions on hits and cameras' sites, each asked on
 * the person's own connection. A session holds that connection, never the
 * password.
 *
 *   POST /v1/login   {"user", "password"}      200, 401 refused, 403 no operator
 *   POST /v1/logout
 *   GET  /v1/session                            {"user"} or 401
 *   GET  /v1/events                             text/event-stream
 *   POST /v1/hits/ID/action {"action", "note"}  201
 *   GET  /v1/hits/ID/record                     {"record", "state", "covered", "images"}
 *   GET  /v1/hits/ID/plate.jpg, overview.jpg    image/jpeg; 403 refused, 404 none yet
 *   GET  /v1/clones/ID/earlier|later/plate.jpg, overview.jpg
 *                                               a cloned-plate flag's reads' images (0020)
 *   POST /v1/clones/ID/action {"action", "note"} 201 (0020)
 *   GET  /v1/cameras/ID/site                    {"camera", "site"}
 *   POST /v1/search (analysts)                   console_search.c
 *   POST /v1/export (analysts in anpr_exporter: the search's question;
 *        the disclosure bundle(s), application/x-tar)   console_export.c
 *   GET  /v1/reads/ID/plate.jpg, overview.jpg?purpose=&case_ref=&authorisation=
 *        (analysts: a searched read's images, 0023) console_search.c
 *   GET  /v1/accuracy, /v1/accuracy/queue, /v1/accuracy/ID/plate.jpg,
 *        overview.jpg; POST /v1/accuracy/ID/verdict (reviewers)
 *                                               console_accuracy.c
 *   GET  /, /console.js, /console.css           the page
 *
 * A POST must be Content-Type: application/json (a form of another site
 * cannot send that without the browser asking first) and the cookie is
 * SameSite=Strict: no request from another site acts on a session.
 */
#include "console/console.h"

#include "evidence/readfile.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSIONS_MAX	64
#define BODY_MAX	4096
#define COOKIE		"anpr_console_session"

struct session {
	bool used;
	char sid[65];		/* 32 random bytes, hex */
	char user[64];
	bool operator_, analyst, reviewer;	/* anpr_operator, anpr_analyst, anpr_reviewer */
	bool images;			/* anpr_hit_images: the page asks for hits' images */
	time_t expires;
	pthread_mutex_t lock;	/* of pg */
	PGconn *pg;		/* as the person */
};

static struct session sessions[SESSIONS_MAX];
static pthread_mutex_t sessions_lock = PTHREAD_MUTEX_INITIALIZER;

int console_people_init(char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot be initialised");
		return -1;
	}
	for (size_t i = 0; i < SESSIONS_MAX; i++)
		pthread_mutex_init(&sessions[i].lock, NULL);
	return 0;
}

void console_people_fini(void)
{
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		PQfinish(sessions[i].pg);
		sessions[i].pg = NULL;
		sessions[i].used = false;
	}
}

static void session_end(struct session *s)
{
	PGconn *pg;

	/* under sessions_lock */
	pg = s->pg;
	s->pg = NULL;
	s->used = false;
	sodium_memzero(s->sid, sizeof s->sid);
	pthread_mutex_lock(&s->lock);	/* no request is using it */
	pthread_mutex_unlock(&s->lock);
	PQfinish(pg);
}

/* The session of the request's cookie, locked (its pg is the caller's
 * until session_put), or NULL. */
static struct session *session_get(struct MHD_Connection *c)
{
	const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
	struct session *found = NULL;
	time_t now = time(NULL);

	if (!sid || strlen(sid) != 64)
		return NULL;
	pthread_mutex_lock(&sessions_lock);
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		struct session *s = &sessions[i];

		if (!s->used || sodium_memcmp(s->sid, sid, 64) != 0)
			continue;
		if (now >= s->expires) {
			clog_line("session of %s expired", s->user);
			session_end(s);
			break;
		}
		found = s;
		break;
	}
	if (found)
		pthread_mutex_lock(&found->lock);
	pthread_mutex_unlock(&sessions_lock);
	return found;
}

static void session_put(struct session *s)
{
	pthread_mutex_unlock(&s->lock);
}

bool console_session_live(const char *sid)
{
	bool live = false;
	time_t now = time(NULL);

	pthread_mutex_lock(&sessions_lock);
	for (size_t i = 0; i < SESSIONS_MAX && !live; i++)
		live = sessions[i].used && now < sessions[i].expires &&
		       sodium_memcmp(sessions[i].sid, sid, 64) == 0;
	pthread_mutex_unlock(&sessions_lock);
	return live;
}

/* --------------------------------------------------------------- answers */

void console_people_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
}

static enum MHD_Result answer_json(struct MHD_Connection *c, unsigned status, json_t *o,
				   const char *cookie)
{
	char *text = json_dumps(o, JSON_COMPACT);
	struct MHD_Response *r;
	enum MHD_Result ret;

	json_decref(o);
	if (!text)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	console_people_headers(r);
	if (cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result console_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
	return answer_json(c, status, o, NULL);
}

/* The page's files: these names only, from --www. */
static enum MHD_Result page(struct MHD_Connection *c, const char *url)
{
	static const struct { const char *url, *file, *type; } files[] = {
		{ "/", "index.html", "text/html; charset=utf-8" },
		{ "/console.js", "console.js", "text/javascript; charset=utf-8" },
		{ "/console.css", "console.css", "text/css; charset=utf-8" },
	};
	char path[4096], err[512];
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *buf;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (strcmp(url, files[i].url) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", console_cfg.www, files[i].file);
		if (read_file_limited(path, 1 << 20, &buf, &len, err, sizeof err) != 0) {
			clog_line("page: %s", err);
			return console_error(c, 500, "page", "the page's file cannot be read");
		}
		r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
		if (!r) {
			free(buf);
			return MHD_NO;
		}
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, files[i].type);
		console_people_headers(r);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	return console_error(c, 404, "not-found", "no such page");
}

/* ----------------------------------------------------------------- login */

/* A role name as people have them: 1-63 of [a-z0-9_], a letter or _ first. */
static bool role_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 63 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static enum MHD_Result login(struct MHD_Connection *c, const struct console_body *b)
{
	static const char *const keys[] = { "dbname", "user", "password",
					    "application_name", NULL };
	const char *vals[5];
	json_t *o = json_loadb(b->buf ? b->buf : "", b->len, JSON_REJECT_DUPLICATES, NULL);
	const char *user = json_string_value(json_object_get(o, "user"));
	const char *pw = json_string_value(json_object_get(o, "password"));
	unsigned char rnd[32];
	char cookie[200], why[300];
	struct session *s = NULL;
	PGconn *pg;
	PGresult *r;
	bool op, an, rv, im;
	char addr[64];
	unsigned wait;

	/* every attempt counts against its address, before anything is
	 * asked of the database; a user name's failures against that name,
	 * from whatever address (so that a password is not guessed slowly
	 * from many). A name that is limited is refused without asking the
	 * database whether the password was right. */
	console_client_addr(c, addr, sizeof addr);
	wait = climit_take(&console_limit_login_addr, addr);
	if (wait) {
		json_decref(o);
		clog_line("login refused (429): too many attempts from %s", addr);
		return console_limited(c, wait, "too many login attempts from this address");
	}
	if (!user || !pw || !role_ok(user) || !*pw) {
		json_decref(o);
		return console_error(c, 400, "malformed",
				     "{\"user\": ROLE, \"password\": TEXT} expected");
	}
	wait = climit_check(&console_limit_login_user, user);
	if (wait) {
		sodium_memzero((char *)pw, strlen(pw));
		clog_line("login of %s refused (429): too many failed logins", user);
		json_decref(o);
		return console_limited(c, wait, "too many failed logins for this user");
	}
	vals[0] = console_cfg.people_db;
	vals[1] = user;
	vals[2] = pw;
	vals[3] = "anpr-console";
	vals[4] = NULL;
	pg = PQconnectdbParams(keys, vals, 1);
	sodium_memzero((char *)pw, strlen(pw));
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(why, sizeof why, "%s", PQerrorMessage(pg));
		why[strcspn(why, "\n")] = '\0';
		PQfinish(pg);
		climit_take(&console_limit_login_user, user);
		clog_line("login of %s refused: %s", user, why);
		json_decref(o);
		return console_error(c, 401, "login-refused", "the user or the password is wrong");
	}
	/* the database must have checked a password: a role it trusts
	 * without one (trust, peer) would log in with any */
	if (!PQconnectionUsedPassword(pg)) {
		PQfinish(pg);
		clog_line("login of %s refused: the database asked for no password "
			  "(pg_hba.conf must ask people for scram-sha-256)", user);
		json_decref(o);
		return console_error(c, 401, "login-refused",
				     "the database did not check a password for this user");
	}
	r = PQexec(pg, "SET TimeZone = 'UTC'; "
		   "SELECT pg_has_role(session_user, 'anpr_operator', 'MEMBER'), "
		   "pg_has_role(session_user, 'anpr_analyst', 'MEMBER'), "
		   "pg_has_role(session_user, 'anpr_reviewer', 'MEMBER'), "
		   "pg_has_role(session_user, 'anpr_hit_images', 'MEMBER')");
	op = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
	an = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 1)[0] == 't';
	rv = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 2)[0] == 't';
	im = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 3)[0] == 't';
	PQclear(r);
	if (!op && !an && !rv) {
		PQfinish(pg);
		clog_line("login of %s refused: not in anpr_operator, anpr_analyst or "
			  "anpr_reviewer", user);
		json_decref(o);
		return console_error(c, 403, "not-operator",
				     "this user is neither a control-room operator (anpr_operator), "
				     "an analyst (anpr_analyst) nor a reviewer (anpr_reviewer)");
	}
	pthread_mutex_lock(&sessions_lock);
	/* the session this browser had, if any, ends: a login is a new one */
	{
		const char *old = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);

		for (size_t i = 0; old && strlen(old) == 64 && i < SESSIONS_MAX; i++)
			if (sessions[i].used && sodium_memcmp(sessions[i].sid, old, 64) == 0)
				session_end(&sessions[i]);
	}
	for (size_t i = 0; i < SESSIONS_MAX && !s; i++)
		if (!sessions[i].used || time(NULL) >= sessions[i].expires) {
			if (sessions[i].used)
				session_end(&sessions[i]);
			s = &sessions[i];
		}
	if (s) {
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(s->sid, sizeof s->sid, rnd, sizeof rnd);
		sodium_memzero(rnd, sizeof rnd);
		snprintf(s->user, sizeof s->user, "%s", user);
		s->operator_ = op;
		s->analyst = an;
		s->reviewer = rv;
		s->images = im;
		s->expires = time(NULL) + (time_t)console_cfg.session_hours * 3600;
		s->pg = pg;
		s->used = true;
		snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; Max-Age=%u; HttpOnly; "
			 "Secure; SameSite=Strict", s->sid, console_cfg.session_hours * 3600);
	}
	pthread_mutex_unlock(&sessions_lock);
	if (!s) {
		PQfinish(pg);
		json_decref(o);
		clog_line("login of %s refused: %d sessions open", user, SESSIONS_MAX);
		return console_error(c, 503, "busy", "too many sessions open");
	}
	clog_line("login of %s", user);
	{
		json_t *a = json_pack("{s:s,s:b,s:b,s:b,s:b}", "user", user, "operator", op,
				      "analyst", an, "reviewer", rv, "images", im);

		json_decref(o);
		return answer_json(c, 200, a, cookie);
	}
}

/* ------------------------------------------------ asked as the person */

/* Run sql with up to 4 text parameters on the person's connection pg (of
 * user): the result (PQclear it), or NULL with *status the HTTP status and
 * why (the database's primary message). */
PGresult *console_ask(PGconn *pg, const char *user, const char *sql, int n,
		      const char *const *v, unsigned *status, char *why, size_t whylen)
{
	PGresult *r;
	const char *state, *msg;

	/* a connection the server closed while it was idle (PostgreSQL
	 * restarted) shows as such only once its input is read: made again
	 * before the statement, which is never sent twice */
	if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK) {
		clog_line("the connection of %s was lost; making it again", user);
		PQreset(pg);
	}
	r = PQexecParams(pg, sql, n, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	snprintf(why, whylen, "%s", msg ? msg : "the database cannot be reached");
	why[strcspn(why, "\n")] = '\0';
	if (!state)
		*status = 503;
	else if (strcmp(state, "P0002") == 0)		/* no_data_found */
		*status = 404;
	else if (strcmp(state, "22023") == 0 || strncmp(state, "22", 2) == 0)
		*status = 400;
	else if (strcmp(state, "23505") == 0)		/* unique_violation: done before */
		*status = 409;
	else if (strcmp(state, "42501") == 0)		/* insufficient_privilege */
		*status = 403;
	else
		*status = 503;
	PQclear(r);
	return NULL;
}

static PGresult *ask(struct session *s, const char *sql, int n, const char *const *v,
		     unsigned *status, char *why, size_t whylen)
{
	return console_ask(s->pg, s->user, sql, n, v, status, why, whylen);
}

bool console_id_ok(const char *s, size_t n)
{
	if (n < 1 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static enum MHD_Result camera_site(struct MHD_Connection *c, struct session *s,
				   const char *camera)
{
	const char *v[1] = { camera };
	unsigned status = 503;
	char why[300] = "";
	PGresult *r = ask(s, "SELECT anpr.camera_site($1)", 1, v, &status, why, sizeof why);
	enum MHD_Result ret;

	if (!r)
		return console_error(c, status, "refused", why);
	ret = answer_json(c, 200, json_pack("{s:s,s:o}", "camera", camera, "site",
					    PQgetisnull(r, 0, 0) ? json_null()
						: json_string(PQgetvalue(r, 0, 0))), NULL);
	PQclear(r);
	return ret;
}

/* The record behind a hit and its state (anpr.hit_record: held or not,
 * verified or not), and whether this person may see its images. */
static enum MHD_Result hit_record(struct MHD_Connection *c, struct session *s,
				  const char *id)
{
	const char *v[1] = { id };
	unsigned status = 503;
	char why[300] = "";
	PGresult *r = ask(s, "SELECT record_id, state, covered, images "
			  "FROM anpr.hit_record($1::bigint)", 1, v, &status, why, sizeof why);
	enum MHD_Result ret;

	if (!r)
		return console_error(c, status, "refused", why);
	ret = answer_json(c, 200, json_pack("{s:I,s:o,s:s,s:o,s:b}",
		"alert", (json_int_t)strtoll(id, NULL, 10),
		"record", PQgetisnull(r, 0, 0) ? json_null() : json_string(PQgetvalue(r, 0, 0)),
		"state", PQgetvalue(r, 0, 1),
		"covered", PQgetisnull(r, 0, 2) ? json_null()
			: json_boolean(PQgetvalue(r, 0, 2)[0] == 't'),
		"images", PQgetvalue(r, 0, 3)[0] == 't'), NULL);
	PQclear(r);
	return ret;
}

/* A file of the image store (imagestore.h: ROOT/DAY/ab/<sha256>.jpg)
 * whose bytes are those its name says, or NULL with *code why not. The
 * day and the hash come from the database; checked all the same, since
 * they make a path. */
static char *image_read(const char *day, const char *hex, size_t *len, const char **code)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char path[4200], err[512], got[2 * crypto_hash_sha256_BYTES + 1];
	char *buf;

	*code = "image-missing";
	if (!console_cfg.images || strlen(day) != 10 || strspn(day, "0123456789-") != 10 ||
	    strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
		return NULL;
	snprintf(path, sizeof path, "%s/%s/%.2s/%s.jpg", console_cfg.images, day, hex, hex);
	if (read_file_limited(path, 32u << 20, &buf, len, err, sizeof err) != 0) {
		clog_line("image %s: %s", hex, err);
		return NULL;
	}
	crypto_hash_sha256(h, (const unsigned char *)buf, *len);
	sodium_bin2hex(got, sizeof got, h, sizeof h);
	if (strcmp(got, hex) != 0) {
		/* damaged on disk: not the evidence the record names */
		clog_line("image %s: its bytes hash to %s, not its name: not served", hex, got);
		free(buf);
		*code = "image-damaged";
		return NULL;
	}
	return buf;
}

/* GET /v1/hits/ID/plate.jpg or overview.jpg: asked of anpr.hit_image as
 * the person, which decides and audits (served or refused); the bytes
 * from the image store. Cached by nobody (console_people_headers'
 * no-store): an image stays on screen for the session, never on disk. */
static enum MHD_Result hit_image(struct MHD_Connection *c, struct session *s,
				 const char *id, const char *which)
{
	const char *v[2] = { id, which };
	char what[80];

	snprintf(what, sizeof what, "%s image of alert %s", which, id);
	return console_decided_image(c, s->pg, s->user, "SELECT allowed, why, capture_day::text, "
				     "encode(sha256, 'hex') FROM anpr.hit_image($1::bigint, $2)",
				     2, v, what, "the hit's record is not received yet",
				     "the record has no such image");
}

enum MHD_Result console_decided_image(struct MHD_Connection *c, PGconn *pg, const char *user,
				      const char *sql, int n, const char *const *v,
				      const char *what, const char *not_received,
				      const char *no_image)
{
	unsigned status = 503;
	char why[300] = "";
	PGresult *r = console_ask(pg, user, sql, n, v, &status, why, sizeof why);
	enum MHD_Result ret;

	if (!r)
		return console_error(c, status, "refused", why);
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		snprintf(why, sizeof why, "%s", PQgetvalue(r, 0, 1));
		PQclear(r);
		if (not_received && strcmp(why, "not-received") == 0)
			return console_error(c, 404, "not-received", not_received);
		if (strcmp(why, "no-image") == 0)
			return console_error(c, 404, "no-image", no_image);
		clog_line("%s refused to %s (audited): %s", what, user, why);
		return console_error(c, 403, "forbidden", why);
	}
	ret = console_image(c, PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
	PQclear(r);
	return ret;
}

enum MHD_Result console_image(struct MHD_Connection *c, const char *day, const char *hex)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *code;
	size_t len = 0;
	char *buf = image_read(day, hex, &len, &code);

	if (!buf)
		return console_error(c, 404, code, "the image is not in the image store");
	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "image/jpeg");
	console_people_headers(resp);
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* --------------------------------------------------------------- routing */

struct preq {
	struct console_body body;
};

static enum MHD_Result route(struct MHD_Connection *c, const char *url, const char *method,
			     const struct console_body *b)
{
	struct session *s;
	enum MHD_Result ret;
	bool post = strcmp(method, "POST") == 0;

	if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return console_error(c, 405, "method", "GET or POST");
	if (strncmp(url, "/v1/", 4) != 0)
		return post ? console_error(c, 405, "method", "GET the page") : page(c, url);
	if (strcmp(url, "/v1/login") == 0 && post)
		return login(c, b);
	s = session_get(c);
	if (!s)
		return console_error(c, 401, "no-session", "log in first");
	if (strcmp(url, "/v1/session") == 0 && !post) {
		ret = answer_json(c, 200, json_pack("{s:s,s:b,s:b,s:b,s:b}", "user", s->user,
						    "operator", s->operator_, "analyst", s->analyst,
						    "reviewer", s->reviewer, "images", s->images), NULL);
	} else if (strcmp(url, "/v1/logout") == 0 && post) {
		char user[64];

		snprintf(user, sizeof user, "%s", s->user);
		session_put(s);
		pthread_mutex_lock(&sessions_lock);
		for (size_t i = 0; i < SESSIONS_MAX; i++)
			if (&sessions[i] == s && s->used)
				session_end(s);
		pthread_mutex_unlock(&sessions_lock);
		console_events_wake();	/* its streams end now */
		clog_line("logout of %s", user);
		return answer_json(c, 200, json_pack("{s:b}", "logged_out", 1),
				   COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
	} else if (strcmp(url, "/v1/search") == 0 && post) {
		ret = s->analyst ? console_search(c, s->pg, s->user, b->buf, b->len)
			: console_error(c, 403, "forbidden",
					"this user is not an analyst (anpr_analyst)");
	} else if (strcmp(url, "/v1/export") == 0 && post) {
		ret = s->analyst ? console_export(c, s->pg, s->user, b->buf, b->len)
			: console_error(c, 403, "forbidden",
					"this user is not an analyst (anpr_analyst)");
	} else if (strncmp(url, "/v1/reads/", 10) == 0 && !post) {
		ret = s->analyst ? console_read_image(c, s->pg, s->user, url + 10)
			: console_error(c, 403, "forbidden",
					"this user is not an analyst (anpr_analyst)");
	} else if (strncmp(url, "/v1/accuracy", 12) == 0 && (url[12] == '\0' || url[12] == '/')) {
		ret = s->reviewer ? console_accuracy(c, s->pg, s->user, url + 12, post,
						     b->buf, b->len)
			: console_error(c, 403, "forbidden",
					"this user is not a reviewer (anpr_reviewer)");
	} else if (strcmp(url, "/v1/events") == 0 && !post && !s->operator_) {
		/* the live hits are the control room's */
		ret = console_error(c, 403, "forbidden",
				    "this user is not a control-room operator (anpr_operator)");
	} else if (strcmp(url, "/v1/events") == 0 && !post) {
		const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							       "Last-Event-ID");
		char sid[65];
		struct MHD_Response *r;
		int64_t last_id = -1;

		if (last && console_id_ok(last, strlen(last)))
			last_id = strtoll(last, NULL, 10);
		snprintf(sid, sizeof sid, "%s", s->sid);
		session_put(s);		/* the stream may last hours */
		r = console_events_response(last_id, sid);
		if (!r)
			return console_error(c, 503, "unavailable", "the alerts cannot be read");
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	} else if (strncmp(url, "/v1/hits/", 9) == 0 && post) {
		const char *id = url + 9, *slash = strchr(id, '/');

		if (slash && strcmp(slash, "/action") == 0 && console_id_ok(id, (size_t)(slash - id))) {
			char idbuf[20];

			snprintf(idbuf, sizeof idbuf, "%.*s", (int)(slash - id), id);
			ret = console_act(c, s->pg, s->user, idbuf, b->buf, b->len, false);
		} else {
			ret = console_error(c, 404, "not-found", "POST /v1/hits/ID/action");
		}
	} else if (strncmp(url, "/v1/hits/", 9) == 0 && !post) {
		const char *id = url + 9, *slash = strchr(id, '/');
		char idbuf[20];

		if (slash && console_id_ok(id, (size_t)(slash - id))) {
			snprintf(idbuf, sizeof idbuf, "%.*s", (int)(slash - id), id);
			if (strcmp(slash, "/record") == 0)
				ret = hit_record(c, s, idbuf);
			else if (strcmp(slash, "/plate.jpg") == 0)
				ret = hit_image(c, s, idbuf, "plate");
			else if (strcmp(slash, "/overview.jpg") == 0)
				ret = hit_image(c, s, idbuf, "overview");
			else
				ret = console_error(c, 404, "not-found", "GET /v1/hits/ID/record, "
						    "plate.jpg or overview.jpg");
		} else {
			ret = console_error(c, 404, "not-found", "GET /v1/hits/ID/record");
		}
	} else if (strncmp(url, "/v1/clones/", 11) == 0 && s->operator_) {
		ret = console_clones(c, s->pg, s->user, url + 11, post, b->buf, b->len);
	} else if (strncmp(url, "/v1/cameras/", 12) == 0 && !post) {
		const char *cam = url + 12, *slash = strchr(cam, '/');
		size_t n = slash ? (size_t)(slash - cam) : 0;

		if (slash && strcmp(slash, "/site") == 0 && n >= 1 && n <= 32 &&
		    strspn(cam, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789_.:+-") == n) {
			char camera[33];

			snprintf(camera, sizeof camera, "%.*s", (int)n, cam);
			ret = camera_site(c, s, camera);
		} else {
			ret = console_error(c, 404, "not-found", "GET /v1/cameras/ID/site");
		}
	} else {
		ret = console_error(c, 404, "not-found", "no such resource");
	}
	session_put(s);
	return ret;
}

enum MHD_Result console_people_request(void *cls, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *version, const char *upload_data,
				       size_t *upload_data_size, void **con_cls)
{
	struct preq *q = *con_cls;

	(void)cls; (void)version;
	if (!q) {
		if (strcmp(method, "POST") == 0) {
			const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_CONTENT_TYPE);

			if (!ct || strncasecmp(ct, "application/json", 16) != 0)
				return console_error(c, 415, "media-type",
						     "Content-Type: application/json expected");
		}
		q = calloc(1, sizeof *q);
		if (!q)
			return MHD_NO;
		q->body.limit = BODY_MAX;
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (console_body_add(&q->body, upload_data, *upload_data_size) != 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (q->body.over)
		return console_error(c, 413, "too-large", "a request body is at most 4096 bytes");
	return route(c, url, method, &q->body);
}

void console_people_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct preq *q = *con_cls;

	(void)cls; (void)c; (void)toe;
	if (q) {
		if (q->body.buf)
			sodium_memzero(q->body.buf, q->body.cap);	/* a password */
		console_body_free(&q->body);
		free(q);
		*con_cls = NULL;
	}
}
