// SPDX-License-Identifier: MIT
/*
 * console_events.c - the stored alerts to the browsers (docs/console.md):
 * one connection as anpr-console's own role LISTENs on anpr_alerts and
 * anpr_hit_actions (notified by anpr.alert_put and anpr.hit_action at
 * their commit), reads each new row and puts it, formatted once as a
 * server-sent event, in a ring every browser's stream reads from. A
 * stream starts with a replay from anpr.alerts: after the browser's
 * Last-Event-ID (the id of the last alert it got), or the latest alerts
 * for a page that has none. A lost connection is made again, and what
 * was stored meanwhile is read then (by id), so a restart of PostgreSQL
 * loses no alert for the page.
 */
#include "console/console.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING		512	/* events kept for the streams */
#define REPLAY_LATEST	100	/* alerts a new page gets */
#define KEEPALIVE_S	15

/* One alert as the page takes it: the line as the camera sent it (json,
 * not jsonb: its text kept) with its id, camera, time received and the
 * last action on it. */
#define ALERT_EVENT_SQL \
	"SELECT a.id, json_build_object('id', a.id, 'camera', a.camera_id, " \
	"'received_at', a.received_at, 'alert', a.line::json, 'action', " \
	"(SELECT json_build_object('action', h.action, 'note', h.note, 'who', h.who, " \
	"'at', h.at) FROM anpr.hit_actions h WHERE h.alert_id = a.id " \
	"ORDER BY h.id DESC LIMIT 1))::text FROM anpr.alerts a "

struct event {
	int64_t id;		/* the alert's; 0 for an action */
	char *text;		/* the whole server-sent event */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct event ring[RING];
	uint64_t gen;		/* events put so far; ring[gen % RING] next */
	bool stop;
	uint64_t wakes;		/* console_events_wake()s so far */
	pthread_t thread;
	bool running;
	/* the replays' connection (one replay at a time) */
	pthread_mutex_t replay_lock;
	PGconn *replay;
} E = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.replay_lock = PTHREAD_MUTEX_INITIALIZER,
};

/* "id: N\nevent: alert\ndata: JSON\n\n"; CR and LF in data (JSON's
 * whitespace only: a string holds neither raw) become spaces, so that the
 * event is one data line whatever the camera's spacing. */
static char *sse_text(const char *event, int64_t id, const char *data)
{
	size_t n = strlen(data);
	char *s = malloc(n + 96), *p;

	if (!s)
		return NULL;
	p = s;
	if (id > 0)
		p += sprintf(p, "id: %" PRId64 "\n", id);
	p += sprintf(p, "event: %s\ndata: ", event);
	for (size_t i = 0; i < n; i++)
		*p++ = data[i] == '\r' || data[i] == '\n' ? ' ' : data[i];
	strcpy(p, "\n\n");
	return s;
}

static void put(int64_t id, char *text)
{
	struct event *e;

	pthread_mutex_lock(&E.lock);
	e = &E.ring[E.gen % RING];
	free(e->text);
	e->id = id;
	e->text = text;
	E.gen++;
	pthread_cond_broadcast(&E.cond);
	pthread_mutex_unlock(&E.lock);
}

/* An event t (taken): put in the ring (ring), or appended to *out (a
 * stream's replay; dropped if memory runs out). */
static void emit(int64_t id, char *t, bool ring, char **out, size_t *outlen)
{
	size_t tl;
	char *b;

	if (ring) {
		put(id, t);
		return;
	}
	tl = strlen(t);
	b = realloc(*out, *outlen + tl + 1);
	if (b) {
		memcpy(b + *outlen, t, tl + 1);
		*out = b;
		*outlen += tl;
	}
	free(t);
}

static PGconn *connect_db(void)
{
	PGconn *pg = PQconnectdb(console_cfg.db);

	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[300];

		snprintf(msg, sizeof msg, "%s", PQerrorMessage(pg));
		msg[strcspn(msg, "\n")] = '\0';
		clog_line("events: database: %s", msg);
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

/* The alerts of sql (ALERT_EVENT_SQL and its condition, one parameter)
 * as events: each put in the ring (ring) or appended to *out. The largest
 * id seen goes to *max. 0, or -1 (the query failed). */
static int alert_events(PGconn *pg, const char *sql, int64_t param, bool ring,
			char **out, size_t *outlen, int64_t *max)
{
	char p[24];
	const char *v[1] = { p };
	PGresult *r;
	int n;

	snprintf(p, sizeof p, "%" PRId64, param);
	r = PQexecParams(pg, sql, 1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		char msg[300];

		snprintf(msg, sizeof msg, "%s", PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
			 ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(pg));
		msg[strcspn(msg, "\n")] = '\0';
		clog_line("events: reading alerts: %s", msg);
		PQclear(r);
		return -1;
	}
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		int64_t id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		char *t = sse_text("alert", id, PQgetvalue(r, i, 1));

		if (!t)
			continue;
		if (id > *max)
			*max = id;
		emit(id, t, ring, out, outlen);
	}
	PQclear(r);
	return 0;
}

static void action_event(PGconn *pg, const char *id)
{
	const char *v[1] = { id };
	PGresult *r = PQexecParams(pg,
		"SELECT json_build_object('alert', h.alert_id, 'action', h.action, "
		"'note', h.note, 'who', h.who, 'at', h.at)::text "
		"FROM anpr.hit_actions h WHERE h.id = $1::bigint", 1, NULL, v, NULL, NULL, 0);

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		char *t = sse_text("action", 0, PQgetvalue(r, 0, 0));

		if (t)
			put(0, t);
	}
	PQclear(r);
}

/* A cloned-plate flag as the page takes it (0017; no place: the flags
 * hold none), by anpr.cloned_plates_recent, which only anpr-console's
 * and the operators' roles may call; with its latest action (0020: an
 * action notifies the flag again, and the page shows what it carries). */
#define CLONE_EVENT_SQL \
	"SELECT json_build_object('id', c.id, 'vrm', c.vrm, 'earlier', " \
	"json_build_object('record', c.earlier_record, 'camera', c.earlier_camera, " \
	"'time', c.earlier_time), 'later', json_build_object('record', c.later_record, " \
	"'camera', c.later_camera, 'time', c.later_time), 'km', round(c.distance_km::numeric, 1), " \
	"'seconds', round(c.seconds::numeric, 1), 'kmh', round(c.speed_kmh::numeric), " \
	"'detected_at', c.detected_at, 'action', (SELECT json_build_object('action', a.action, " \
	"'who', a.who, 'note', a.note, 'at', a.at) FROM anpr.clone_actions a " \
	"WHERE a.clone_id = c.id ORDER BY a.id DESC LIMIT 1))::text " \
	"FROM anpr.cloned_plates_recent($1::interval) c "

/* The flags of sql (CLONE_EVENT_SQL and its condition; params[0] the
 * interval, params[1] an id if the condition names one) as "clone"
 * events: put in the ring, or appended to *out. No event id: the
 * stream's Last-Event-ID counts alerts only. */
static void clone_events(PGconn *pg, const char *sql, int nparams, const char *const *params,
			 bool ring, char **out, size_t *outlen)
{
	PGresult *r = PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		char msg[300];

		snprintf(msg, sizeof msg, "%s", m ? m : PQerrorMessage(pg));
		msg[strcspn(msg, "\n")] = '\0';
		clog_line("events: reading cloned-plate flags: %s", msg);
		PQclear(r);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		char *t = sse_text("clone", 0, PQgetvalue(r, i, 0));

		if (!t)
			continue;
		emit(0, t, ring, out, outlen);
	}
	PQclear(r);
}

static void *listener(void *arg)
{
	PGconn *pg = NULL;
	int64_t max = 0;
	bool first = true;

	(void)arg;
	for (;;) {
		struct pollfd pfd;
		PGnotify *nf;

		pthread_mutex_lock(&E.lock);
		if (E.stop) {
			pthread_mutex_unlock(&E.lock);
			break;
		}
		pthread_mutex_unlock(&E.lock);
		if (!pg) {
			PGresult *r;

			pg = connect_db();
			if (!pg) {
				sleep(1);
				continue;
			}
			r = PQexec(pg, "LISTEN anpr_alerts; LISTEN anpr_hit_actions; "
				   "LISTEN anpr_clones");
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				PQclear(r);
				PQfinish(pg);
				pg = NULL;
				sleep(1);
				continue;
			}
			PQclear(r);
			if (first) {
				/* the newest id now: what follows is new */
				r = PQexec(pg, "SELECT coalesce(max(id), 0) FROM anpr.alerts");
				if (PQresultStatus(r) == PGRES_TUPLES_OK)
					max = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
				PQclear(r);
				first = false;
				clog_line("events: listening for alerts");
			} else {
				/* what was stored while the connection was lost */
				alert_events(pg, ALERT_EVENT_SQL "WHERE a.id > $1::bigint ORDER BY a.id",
					     max, true, NULL, NULL, &max);
				clog_line("events: listening again, alerts up to %" PRId64, max);
			}
		}
		pfd.fd = PQsocket(pg);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0 || (poll(&pfd, 1, 500) < 0 && errno != EINTR) ||
		    ((pfd.revents & POLLIN) && !PQconsumeInput(pg)) ||
		    PQstatus(pg) != CONNECTION_OK) {
			clog_line("events: connection lost; making it again");
			PQfinish(pg);
			pg = NULL;
			continue;
		}
		while ((nf = PQnotifies(pg)) != NULL) {
			if (strcmp(nf->relname, "anpr_alerts") == 0) {
				alert_events(pg, ALERT_EVENT_SQL "WHERE a.id = $1::bigint",
					     strtoll(nf->extra, NULL, 10), true, NULL, NULL, &max);
			} else if (strcmp(nf->relname, "anpr_clones") == 0) {
				const char *v[2] = { "1 day", nf->extra };

				clone_events(pg, CLONE_EVENT_SQL "WHERE c.id = $2::bigint", 2, v,
					     true, NULL, NULL);
			} else {
				action_event(pg, nf->extra);
			}
			PQfreemem(nf);
		}
	}
	PQfinish(pg);
	return NULL;
}

int console_events_start(char *err, size_t errlen)
{
	if (pthread_create(&E.thread, NULL, listener, NULL) != 0) {
		snprintf(err, errlen, "cannot start the events thread");
		return -1;
	}
	E.running = true;
	return 0;
}

void console_events_stop(void)
{
	pthread_mutex_lock(&E.lock);
	E.stop = true;
	pthread_cond_broadcast(&E.cond);
	pthread_mutex_unlock(&E.lock);
	if (E.running)
		pthread_join(E.thread, NULL);
	E.running = false;
	PQfinish(E.replay);
	E.replay = NULL;
	for (size_t i = 0; i < RING; i++) {
		free(E.ring[i].text);
		E.ring[i].text = NULL;
	}
}

void console_events_wake(void)
{
	pthread_mutex_lock(&E.lock);
	E.wakes++;
	pthread_cond_broadcast(&E.cond);
	pthread_mutex_unlock(&E.lock);
}

/* ---------------------------------------------------- a browser's stream */

struct stream {
	uint64_t next;		/* the ring's next event for it */
	char *pending;		/* bytes to send before the next event */
	size_t len, off;
	int64_t *replayed;	/* alert ids the replay sent, not sent again */
	size_t nreplayed;
	char sid[65];		/* its session: the stream ends with it */
};

static bool replayed(const struct stream *s, int64_t id)
{
	for (size_t i = 0; i < s->nreplayed; i++)
		if (s->replayed[i] == id)
			return true;
	return false;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;

	(void)pos;
	while (s->off == s->len) {
		struct timespec until;
		uint64_t wakes;
		char *t = NULL;
		int rc = 0;

		free(s->pending);
		s->pending = NULL;
		s->len = s->off = 0;
		if (!console_session_live(s->sid))
			return MHD_CONTENT_READER_END_OF_STREAM;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += KEEPALIVE_S;
		pthread_mutex_lock(&E.lock);
		wakes = E.wakes;
		while (!E.stop && s->next == E.gen && rc == 0 && wakes == E.wakes)
			rc = pthread_cond_timedwait(&E.cond, &E.lock, &until);
		if (E.stop) {
			pthread_mutex_unlock(&E.lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (wakes != E.wakes && s->next == E.gen) {
			/* woken to look at its session again: nothing to send */
		} else if (s->next == E.gen) {
			t = strdup(":\n\n");	/* a comment: the connection lives */
		} else {
			const struct event *e;

			if (E.gen - s->next > RING)
				s->next = E.gen - RING;	/* fell behind: the oldest kept */
			e = &E.ring[s->next % RING];
			s->next++;
			if (!(e->id > 0 && replayed(s, e->id)))
				t = strdup(e->text);
		}
		pthread_mutex_unlock(&E.lock);
		if (t) {
			s->pending = t;
			s->len = strlen(t);
		}
	}
	if (max > s->len - s->off)
		max = s->len - s->off;
	memcpy(buf, s->pending + s->off, max);
	s->off += max;
	return (ssize_t)max;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;

	free(s->pending);
	free(s->replayed);
	free(s);
}

/* The replay into s->pending: 0, or -1 (the database away). */
static int replay(struct stream *s, int64_t last_id)
{
	int64_t max = 0;
	int rc;

	pthread_mutex_lock(&E.replay_lock);
	if (E.replay && (!PQconsumeInput(E.replay) || PQstatus(E.replay) != CONNECTION_OK)) {
		PQfinish(E.replay);
		E.replay = NULL;
	}
	if (!E.replay)
		E.replay = connect_db();
	if (!E.replay) {
		pthread_mutex_unlock(&E.replay_lock);
		return -1;
	}
	if (last_id < 0)
		rc = alert_events(E.replay, "SELECT * FROM (" ALERT_EVENT_SQL
				  "ORDER BY a.id DESC LIMIT $1::bigint) x ORDER BY 1",
				  REPLAY_LATEST, false, &s->pending, &s->len, &max);
	else
		rc = alert_events(E.replay, ALERT_EVENT_SQL "WHERE a.id > $1::bigint "
				  "ORDER BY a.id LIMIT 1000", last_id, false, &s->pending,
				  &s->len, &max);
	if (rc == 0) {
		/* and the last day's cloned-plate flags, oldest first (a
		 * flag whose notification the stream missed, too) */
		const char *v[1] = { "1 day" };

		clone_events(E.replay, CLONE_EVENT_SQL "WHERE c.id IN (SELECT id FROM "
			     "anpr.cloned_plates_recent($1::interval) ORDER BY detected_at DESC, "
			     "id DESC LIMIT 100) ORDER BY c.detected_at, c.id",
			     1, v, false, &s->pending, &s->len);
	}
	pthread_mutex_unlock(&E.replay_lock);
	if (rc != 0)
		return -1;
	/* the ids sent, from the text: "id: N" lines */
	for (const char *p = s->pending; p && (p = strstr(p, "id: ")) != NULL; p += 4) {
		if (p != s->pending && p[-1] != '\n')
			continue;
		int64_t *b = realloc(s->replayed, (s->nreplayed + 1) * sizeof *b);

		if (!b)
			break;
		s->replayed = b;
		s->replayed[s->nreplayed++] = strtoll(p + 4, NULL, 10);
	}
	return 0;
}

struct MHD_Response *console_events_response(int64_t last_id, const char *sid)
{
	struct stream *s = calloc(1, sizeof *s);
	struct MHD_Response *r;
	static const char head[] = "retry: 2000\n\n";

	if (!s)
		return NULL;
	snprintf(s->sid, sizeof s->sid, "%s", sid);
	pthread_mutex_lock(&E.lock);
	s->next = E.gen;	/* before the replay: nothing falls between */
	pthread_mutex_unlock(&E.lock);
	if (replay(s, last_id) != 0) {
		stream_free(s);
		return NULL;
	}
	{
		char *b = malloc(s->len + sizeof head);

		if (!b) {
			stream_free(s);
			return NULL;
		}
		memcpy(b, head, sizeof head - 1);
		if (s->len)
			memcpy(b + sizeof head - 1, s->pending, s->len);
		free(s->pending);
		s->pending = b;
		s->len += sizeof head - 1;
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, stream_free);
	if (!r) {
		stream_free(s);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	console_people_headers(r);
	return r;
}
