/* SPDX-License-Identifier: MIT */
/*
 * console.h - what the modules of anpr-console share (docs/console.md):
 * the configuration, the log, HTTP answers, and each module's entry
 * points. console_main.c runs the two listeners; console_camera.c takes
 * the cameras' alerts; console_people.c the people's logins, sessions,
 * actions and the page; console_events.c the fan-out of stored alerts to
 * the browsers (LISTEN, server-sent events, replay); console_search.c the
 * analysts' search; console_accuracy.c the reviewers' read accuracy;
 * console_actions.c the operators' actions; console_clones.c the
 * cloned-plate flags' images.
 */
#ifndef ANPR_CONSOLE_H
#define ANPR_CONSOLE_H

#include "console/console_limit.h"
#include "store/anprstore.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console_cfg {
	const char *db;		/* anpr-console's own role (anpr_console) */
	const char *people_db;	/* where people log in: host, port, dbname */
	const char *www;	/* the page's files */
	const char *images;	/* anpr-ingest's image store, or NULL: no images */
	unsigned session_hours;	/* a session's life from its login */
};
extern struct console_cfg console_cfg;

/* One line on stderr: names cameras, alert ids, roles and reasons, never
 * a mark or a location. */
void clog_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An answer with a body copied (type: its Content-Type), and the JSON
 * {"error": code, "detail": detail} for a refusal. */
enum MHD_Result console_answer(struct MHD_Connection *c, unsigned status,
			       const char *type, const char *body, size_t len);
enum MHD_Result console_error(struct MHD_Connection *c, unsigned status,
			      const char *code, const char *detail);
/* The headers every answer to a person carries (no caching, no framing,
 * no sniffing, the page's own scripts and styles only). */
void console_people_headers(struct MHD_Response *r);

/* A 429 with Retry-After: wait seconds (and the error JSON saying so). */
enum MHD_Result console_limited(struct MHD_Connection *c, unsigned wait, const char *detail);
/* The rate limits (docs/console.md, "Rate limits"): alerts per camera,
 * login attempts per client address, failed logins per user name. */
extern struct climit console_limit_camera, console_limit_login_addr, console_limit_login_user;
/* Connections from one address at most, on each listener: a camera holds
 * one, a browser a stream and a few requests; a control room or a fleet
 * of cameras behind one NAT address more. */
#define CONSOLE_PER_ADDRESS	64u
void console_client_addr(struct MHD_Connection *c, char *out, size_t outlen);

/* The request's body, gathered (MHD's upload callbacks) up to a limit. */
struct console_body {
	char *buf;
	size_t len, cap, limit;
	bool over;
};
/* 0, or -1 out of memory; over set (the rest dropped) past limit. */
int console_body_add(struct console_body *b, const char *data, size_t len);
void console_body_free(struct console_body *b);

/* console_camera.c: POST /v1/alerts of the cameras' listener. */
enum MHD_Result console_camera_request(void *cls, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *version, const char *upload_data,
				       size_t *upload_data_size, void **con_cls);
void console_camera_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			      enum MHD_RequestTerminationCode toe);

/* console_people.c: the people's listener. */
int console_people_init(char *err, size_t errlen);
void console_people_fini(void);
enum MHD_Result console_people_request(void *cls, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *version, const char *upload_data,
				       size_t *upload_data_size, void **con_cls);
void console_people_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			      enum MHD_RequestTerminationCode toe);

/* console_search.c: POST /v1/search on the person's connection pg. */
struct pg_conn;
enum MHD_Result console_search(struct MHD_Connection *c, struct pg_conn *pg, const char *user,
			       const char *body, size_t len);
/* console_search.c: the question of a search or an export (its JSON
 * body: vrm, fuzzy, camera, from, to, purpose, case_ref, authorisation),
 * checked, and asked for an authorisation where its window needs one
 * (before anything runs: nothing searched, nothing audited). x->o set:
 * go on (free with console_question_free; the strings are its); else
 * the answer is queued (400, 403 needs-authorisation, 503) and returned. */
struct json_t;
struct console_question {
	struct json_t *o;
	struct anpr_query q;
	const char *purpose, *case_ref;
	int64_t auth;
};
enum MHD_Result console_question(struct MHD_Connection *c, struct pg_conn *pg, const char *user,
				 const char *body, size_t len, const char *what,
				 struct console_question *x);
void console_question_free(struct console_question *x);
/* A search's or an export's failure in the store library (rc, err), as
 * the person is told: 403 forbidden (SQLSTATE 42501: the group the
 * database's function is granted to; forbidden says which), 400 a
 * malformed mark, else 503; logged as "WHAT of USER failed: ERR". */
enum MHD_Result console_policy_failed(struct MHD_Connection *c, const char *user,
				      const char *what, int rc, const char *err,
				      const char *forbidden);
/* console_export.c: POST /v1/export, the search's question: the reads
 * the policy allows as disclosure bundles (anpr.export_reads, audited
 * 'export'), one tar; for an analyst who is an exporter. */
enum MHD_Result console_export(struct MHD_Connection *c, struct pg_conn *pg, const char *user,
			       const char *body, size_t len);
/* console_search.c: GET /v1/reads/ID/plate.jpg or overview.jpg?purpose=
 * &case_ref=&authorisation= (path: what follows /v1/reads/), a searched
 * read's image through anpr.read_image (0023), for an analyst. */
enum MHD_Result console_read_image(struct MHD_Connection *c, struct pg_conn *pg,
				   const char *user, const char *path);

/* console_people.c, for the modules that answer a person: sql with up to
 * 4 text parameters on the person's connection pg (user: for the log);
 * the result, or NULL with *status (404 no such thing, 400 refused as
 * malformed, 409 done before, 403 not allowed, 503) and why (the
 * database's primary message). */
struct pg_result;
struct pg_result *console_ask(struct pg_conn *pg, const char *user, const char *sql, int n,
			      const char *const *v, unsigned *status, char *why,
			      size_t whylen);
/* A JSON answer (o's reference taken) with the people's headers. */
struct json_t;
enum MHD_Result console_json(struct MHD_Connection *c, unsigned status, struct json_t *o);
/* The image store's file of that capture day and SHA-256 (hex), checked
 * against its hash, as image/jpeg; 404 image-missing or image-damaged. */
enum MHD_Result console_image(struct MHD_Connection *c, const char *day, const char *hex);
/* An image asked of a database function that decides and audits (sql, on
 * the person's connection, answers allowed, why, capture_day::text,
 * encode(sha256, 'hex')): the image (console_image); 404 not-received
 * (not_received: its detail; NULL where the function never says so) or
 * no-image (no_image); 403 the refusal, logged as "WHAT refused to USER
 * (audited): WHY"; or the database's error as console_ask says. */
enum MHD_Result console_decided_image(struct MHD_Connection *c, struct pg_conn *pg,
				      const char *user, const char *sql, int n,
				      const char *const *v, const char *what,
				      const char *not_received, const char *no_image);
/* 1-18 digits: an id in a URL. */
bool console_id_ok(const char *s, size_t n);

/* console_accuracy.c: /v1/accuracy... (path: what follows /v1/accuracy)
 * for a reviewer, on the person's connection pg. */
enum MHD_Result console_accuracy(struct MHD_Connection *c, struct pg_conn *pg, const char *user,
				 const char *path, bool post, const char *body, size_t len);

/* console_actions.c: an operator's action (body: the request's JSON) on
 * the hit alert id, or with clone on the cloned-plate flag id. */
enum MHD_Result console_act(struct MHD_Connection *c, struct pg_conn *pg, const char *user,
			    const char *id, const char *body, size_t len, bool clone);

/* console_clones.c: /v1/clones/... (path: what follows /v1/clones/) for
 * an operator, on the person's connection pg. */
enum MHD_Result console_clones(struct MHD_Connection *c, struct pg_conn *pg, const char *user,
			       const char *path, bool post, const char *body, size_t len);

/* The session of that id is logged in and not expired. */
bool console_session_live(const char *sid);

/* console_events.c: one LISTEN connection (console_cfg.db) fanned out.
 * events_response: the stream of a browser from after last_id (-1: the
 * latest alerts first, as a page that has seen none), which ends with
 * its session sid; NULL if the database cannot be read. */
int console_events_start(char *err, size_t errlen);
void console_events_stop(void);
/* Every stream looks again whether its session lives (after a logout). */
void console_events_wake(void);
struct MHD_Response *console_events_response(int64_t last_id, const char *sid);

#endif
