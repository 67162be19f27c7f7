// SPDX-License-Identifier: MIT
/*
 * incar_http.c - the in-car page's listener (libmicrohttpd, a thread per
 * connection: a stream waits on the events' condition, docs/incar.md):
 *
 *   GET /                 the page (index.html; incar.js, incar.css)
 *   GET /events           text/event-stream: anprd's state, the kept
 *                         alerts after Last-Event-ID, then the live ones
 *   GET /plate/RECORD_ID  image/jpeg: the hit's plate patch from the spool,
 *                         checked against its record (incar_plate.c)
 *
 * Plain HTTP on loopback by default: the screen is the host's own. Every
 * request's Host must be this listener's address (or localhost) with its
 * port, or one configured: a web page the car's browser loads from
 * elsewhere cannot reach the hits through a name that resolves to
 * 127.0.0.1 (DNS rebinding). The page may load only its own files (CSP).
 */
#include "incar/incar.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/readfile.h"

#define WWW_FILE_MAX	(256u * 1024)
#define HOSTS_MAX	8

/* The page's files, read once at start. */
static const struct {
	const char *url, *file, *type;
} page_files[] = {
	{ "/", "index.html", "text/html; charset=utf-8" },
	{ "/incar.js", "incar.js", "text/javascript; charset=utf-8" },
	{ "/incar.css", "incar.css", "text/css; charset=utf-8" },
};
#define NFILES (sizeof page_files / sizeof page_files[0])

/* The listener and what it serves (set at start, read-only after). */
static struct {
	struct MHD_Daemon *d;
	unsigned port;
	const char *spool;
	char *body[NFILES];
	size_t len[NFILES];
	char hosts[HOSTS_MAX][128];	/* Host values allowed */
	size_t nhosts;
	atomic_int streams;		/* open event streams */
} H;

static void common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"img-src 'self'; connect-src 'self'; base-uri 'none'; "
				"form-action 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type,
			      const void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	common_headers(r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	char *b;
	int n = asprintf(&b, "%s\n", msg);

	if (n < 0)
		return MHD_NO;
	return answer(c, status, "text/plain; charset=utf-8", b, (size_t)n,
		      MHD_RESPMEM_MUST_FREE);
}

/* --- the event stream ------------------------------------------------ */

struct stream {
	uint64_t next;
	char *pending;
	size_t len, off;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;

	(void)pos;
	if (s->off == s->len) {
		free(s->pending);
		s->pending = incar_events_wait(&s->next);
		s->off = 0;
		if (!s->pending) {
			s->len = 0;
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		s->len = strlen(s->pending);
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
	free(s);
	atomic_fetch_sub(&H.streams, 1);
}

static enum MHD_Result events(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
	uint64_t last = h ? strtoull(h, NULL, 10) : 0;
	struct MHD_Response *r;
	struct stream *s;
	enum MHD_Result ret;

	if (atomic_fetch_add(&H.streams, 1) >= INCAR_STREAMS_MAX) {
		atomic_fetch_sub(&H.streams, 1);
		return text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "too many pages open at once");
	}
	s = calloc(1, sizeof *s);
	if (s)
		s->pending = incar_events_start(last, &s->next);
	if (!s || !s->pending) {
		free(s);
		atomic_fetch_sub(&H.streams, 1);
		return MHD_NO;
	}
	s->len = strlen(s->pending);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
	if (!r) {
		stream_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	common_headers(r);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* --- the plate patches ----------------------------------------------- */

static enum MHD_Result plate(struct MHD_Connection *c, const char *id)
{
	static const unsigned status[] = {
		[INCAR_PLATE_OK] = MHD_HTTP_OK,
		[INCAR_PLATE_BAD_ID] = MHD_HTTP_BAD_REQUEST,
		[INCAR_PLATE_GONE] = MHD_HTTP_NOT_FOUND,
		[INCAR_PLATE_NONE] = MHD_HTTP_NOT_FOUND,
		[INCAR_PLATE_MISMATCH] = MHD_HTTP_CONFLICT,
		[INCAR_PLATE_ERROR] = MHD_HTTP_INTERNAL_SERVER_ERROR,
	};
	uint8_t *img = NULL;
	size_t len = 0;
	char why[600];
	enum incar_plate_result res = incar_plate(H.spool, id, &img, &len, why, sizeof why);

	if (res != INCAR_PLATE_OK) {
		if (res == INCAR_PLATE_MISMATCH || res == INCAR_PLATE_ERROR)
			fprintf(stderr, "anpr-incar: %s\n", why);
		return text(c, status[res], why);
	}
	return answer(c, MHD_HTTP_OK, "image/jpeg", img, len, MHD_RESPMEM_MUST_FREE);
}

/* --- the requests ---------------------------------------------------- */

static bool host_allowed(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

	for (size_t i = 0; h && i < H.nhosts; i++)
		if (strcasecmp(h, H.hosts[i]) == 0)
			return true;
	return false;
}

static enum MHD_Result request(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_len, void **ctx)
{
	(void)cls; (void)version; (void)upload;
	if (!*ctx) {	/* the headers: the answer comes at the next call */
		*ctx = c;
		return MHD_YES;
	}
	if (*upload_len) {	/* a body: none is wanted, none is read */
		*upload_len = 0;
		return MHD_YES;
	}
	if (!host_allowed(c))
		return text(c, 421, "this page answers only under its own address "
			    "(the Host header is not one of this listener's)");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET here");
	for (size_t i = 0; i < NFILES; i++)
		if (strcmp(url, page_files[i].url) == 0)
			return answer(c, MHD_HTTP_OK, page_files[i].type, H.body[i], H.len[i],
				      MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/events") == 0)
		return events(c);
	if (strncmp(url, "/plate/", 7) == 0)
		return plate(c, url + 7);
	return text(c, MHD_HTTP_NOT_FOUND, "no such page");
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("anpr-incar: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static void add_host(const char *h)
{
	if (H.nhosts < HOSTS_MAX && strlen(h) < sizeof H.hosts[0])
		snprintf(H.hosts[H.nhosts++], sizeof H.hosts[0], "%s", h);
}

int incar_http_start(const struct incar_http_conf *cf, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	const union MHD_DaemonInfo *info;
	char path[4096], h[160];
	bool v6 = false;

	if (inet_pton(AF_INET, cf->addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)cf->port);
	} else if (inet_pton(AF_INET6, cf->addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)cf->port);
		v6 = true;
	} else {
		snprintf(err, errlen, "--listen: '%s' is no numeric IPv4 or IPv6 address",
			 cf->addr);
		return -1;
	}
	for (size_t i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/%s", cf->www, page_files[i].file);
		if (read_file_limited(path, WWW_FILE_MAX, &H.body[i], &H.len[i], err,
				      errlen) != 0)
			return -1;
	}
	H.spool = cf->spool;
	H.d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			       MHD_USE_POLL | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0),
			       (uint16_t)cf->port, NULL, NULL, request, NULL,
			       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			       MHD_OPTION_CONNECTION_LIMIT, 32u,
			       /* idle 60 s at most: a stream sends a comment every 15 s */
			       MHD_OPTION_CONNECTION_TIMEOUT, 60u,
			       MHD_OPTION_END);
	if (!H.d) {
		snprintf(err, errlen, "cannot listen on %s port %u (in use, or not an "
			 "address of this host)", cf->addr, cf->port);
		return -1;
	}
	info = MHD_get_daemon_info(H.d, MHD_DAEMON_INFO_BIND_PORT);
	H.port = info ? info->port : cf->port;
	snprintf(h, sizeof h, v6 ? "[%s]:%u" : "%s:%u", cf->addr, H.port);
	add_host(h);
	snprintf(h, sizeof h, "localhost:%u", H.port);
	add_host(h);
	if (cf->hosts) {
		char *list = strdup(cf->hosts), *save = NULL;

		for (char *t = list ? strtok_r(list, ",", &save) : NULL; t;
		     t = strtok_r(NULL, ",", &save))
			add_host(t);
		free(list);
	}
	return 0;
}

unsigned incar_http_port(void)
{
	return H.port;
}

void incar_http_stop(void)
{
	incar_events_stop();
	if (H.d)
		MHD_stop_daemon(H.d);
	H.d = NULL;
	for (size_t i = 0; i < NFILES; i++) {
		free(H.body[i]);
		H.body[i] = NULL;
	}
}
