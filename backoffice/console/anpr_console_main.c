// SPDX-License-Identifier: MIT
/*
 * anpr-console - the control room's server (issue 23, docs/console.md):
 * HTTPS on libmicrohttpd with GnuTLS, two listeners on one certificate.
 * The cameras' (--camera-port) asks for a client certificate of the
 * camera CA (--client-ca) and takes alert lines (console_camera.c); the
 * people's (--people-port) asks for none (a browser has none to give) and
 * serves the page, logins and the alerts' stream (console_people.c,
 * console_events.c), one thread per connection since a stream lasts.
 *
 * Logs: one line per event on stderr (the journal under systemd); cameras,
 * alert ids, roles and reasons, never a mark or a location.
 */
#include "console/console.h"

#include "evidence/readfile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "evidence/evidence.h"
#include "evidence/evidence_verify.h"

struct console_cfg console_cfg;

void clog_line(const char *fmt, ...)
{
	char line[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "anpr-console: %s\n", line);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512], safe[600];

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	ev_safe_text(safe, sizeof safe, line);
	fprintf(stderr, "anpr-console: http: %s\n", safe);
}

/* retry_after: 0, or a 429's Retry-After in seconds */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type,
			      const char *body, size_t len, unsigned retry_after)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char ra[16];

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	console_people_headers(r);
	if (retry_after) {
		snprintf(ra, sizeof ra, "%u", retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result console_answer(struct MHD_Connection *c, unsigned status,
			       const char *type, const char *body, size_t len)
{
	return answer(c, status, type, body, len, 0);
}

static enum MHD_Result error_answer(struct MHD_Connection *c, unsigned status,
				    const char *code, const char *detail, unsigned retry_after)
{
	char body[1200];
	int n;

	/* code and detail are ours; detail's quotes and backslashes escaped,
	 * control bytes dropped */
	n = snprintf(body, sizeof body, "{\"error\": \"%s\", \"detail\": \"", code);
	for (const char *p = detail; *p && n < (int)sizeof body - 8; p++) {
		if ((unsigned char)*p < 0x20)
			continue;
		if (*p == '"' || *p == '\\')
			body[n++] = '\\';
		body[n++] = *p;
	}
	n += snprintf(body + n, sizeof body - (size_t)n, "\"}\n");
	return answer(c, status, "application/json", body, (size_t)n, retry_after);
}

enum MHD_Result console_error(struct MHD_Connection *c, unsigned status,
			      const char *code, const char *detail)
{
	return error_answer(c, status, code, detail, 0);
}

enum MHD_Result console_limited(struct MHD_Connection *c, unsigned wait, const char *detail)
{
	char d[600];

	snprintf(d, sizeof d, "%s; try again in %u s", detail, wait);
	return error_answer(c, 429, "rate-limited", d, wait);
}

struct climit console_limit_camera, console_limit_login_addr, console_limit_login_user;

/* The client's address as text, for the per-address limits. */
void console_client_addr(struct MHD_Connection *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, outlen, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
			  (socklen_t)outlen);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)outlen);
}

int console_body_add(struct console_body *b, const char *data, size_t len)
{
	if (b->over || b->len + len > b->limit) {
		b->over = true;
		return 0;
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->limit + 1;
		char *n = realloc(b->buf, cap);

		if (!n)
			return -1;
		b->buf = n;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

void console_body_free(struct console_body *b)
{
	free(b->buf);
	memset(b, 0, sizeof *b);
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fprintf(f, "usage: anpr-console --cert PEM --key PEM --client-ca PEM --db CONNINFO\n"
		"                    --people-db CONNINFO --www DIR [--images DIR]\n"
		"                    [--listen ADDR]\n"
		"                    [--camera-port N] [--people-port N] [--port-file F]\n"
		"                    [--session-hours N] [--threads N]\n"
		"                    [--camera-rate PER_SECOND] [--login-rate PER_MINUTE]\n");
}

static char *slurp(const char *path)
{
	char *buf, err[512];
	size_t len;

	if (read_file_limited(path, 1 << 20, &buf, &len, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-console: %s\n", err);
		return NULL;
	}
	return buf;
}

static bool parse_num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *out >= lo && *out <= hi;
}

static int address(const char *listen_addr, unsigned long port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, listen_addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, listen_addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

static unsigned bound_port(struct MHD_Daemon *d, unsigned long asked)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : (unsigned)asked;
}

#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cert", 1, NULL, 'c' }, { "key", 1, NULL, 'k' },
		{ "client-ca", 1, NULL, 'a' }, { "db", 1, NULL, 'd' },
		{ "people-db", 1, NULL, 'D' }, { "www", 1, NULL, 'w' },
		{ "images", 1, NULL, 'i' },
		{ "listen", 1, NULL, 'l' }, { "camera-port", 1, NULL, 'p' },
		{ "people-port", 1, NULL, 'q' }, { "port-file", 1, NULL, 'P' },
		{ "session-hours", 1, NULL, 's' }, { "threads", 1, NULL, 't' },
		{ "camera-rate", 1, NULL, 'r' }, { "login-rate", 1, NULL, 'L' },
		{ "version", 0, NULL, 'V' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *certp = NULL, *keyp = NULL, *cap = NULL, *port_file = NULL;
	const char *listen_addr = "127.0.0.1";
	unsigned long cport = 8444, pport = 8445, threads = 4, ul;
	unsigned long camera_rate = 10, login_rate = 30;
	struct sockaddr_storage cs, ps;
	struct MHD_Daemon *cd, *pd;
	char *cert, *key, *ca, err[512];
	sigset_t sigs;
	int o, sig;

	console_cfg.session_hours = 12;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'c': certp = optarg; break;
		case 'k': keyp = optarg; break;
		case 'a': cap = optarg; break;
		case 'd': console_cfg.db = optarg; break;
		case 'D': console_cfg.people_db = optarg; break;
		case 'w': console_cfg.www = optarg; break;
		case 'i': console_cfg.images = optarg; break;
		case 'l': listen_addr = optarg; break;
		case 'P': port_file = optarg; break;
		case 'p':
		case 'q':
			if (!parse_num(optarg, 0, 65535, &ul)) {
				fprintf(stderr, "anpr-console: --%s '%s': not a port number "
					"from 0 to 65535\n", o == 'p' ? "camera-port"
					: "people-port", optarg);
				return 2;
			}
			*(o == 'p' ? &cport : &pport) = ul;
			break;
		case 's':
			if (!parse_num(optarg, 1, 24, &ul)) {
				fprintf(stderr, "anpr-console: --session-hours '%s': not a "
					"number from 1 to 24\n", optarg);
				return 2;
			}
			console_cfg.session_hours = (unsigned)ul;
			break;
		case 't':
			if (!parse_num(optarg, 1, 64, &threads)) {
				fprintf(stderr, "anpr-console: --threads '%s': not a number "
					"from 1 to 64\n", optarg);
				return 2;
			}
			break;
		case 'r':
		case 'L':
			if (!parse_num(optarg, 1, o == 'r' ? 1000 : 6000, &ul)) {
				fprintf(stderr, "anpr-console: --%s '%s': not a number from 1 "
					"to %d\n", o == 'r' ? "camera-rate" : "login-rate", optarg,
					o == 'r' ? 1000 : 6000);
				return 2;
			}
			*(o == 'r' ? &camera_rate : &login_rate) = ul;
			break;
		case 'V':
			printf("anpr-console %s\n", ANPR_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!certp || !keyp || !cap || !console_cfg.db || !console_cfg.people_db ||
	    !console_cfg.www || optind != argc) {
		fprintf(stderr, "anpr-console: --cert, --key, --client-ca, --db, "
			"--people-db and --www are required\n");
		usage(stderr);
		return 2;
	}
	if (address(listen_addr, cport, &cs) != 0 || address(listen_addr, pport, &ps) != 0) {
		fprintf(stderr, "anpr-console: --listen '%s': not an IPv4 or IPv6 "
			"address\n", listen_addr);
		return 2;
	}
	/* the process holds the TLS server key and people's sessions */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		fprintf(stderr, "anpr-console: cannot turn core dumps off: %s\n",
			strerror(errno));
		return 1;
	}
	if (ev_init() != 0 || console_people_init(err, sizeof err) != 0) {
		fprintf(stderr, "anpr-console: libsodium cannot be initialised\n");
		return 1;
	}
	/* a camera: camera_rate alerts a second, ten seconds' worth at once
	 * (a burst of hits at a busy junction); an address: login_rate
	 * logins a minute, all at once (a shift logging in behind one NAT);
	 * a user name: 5 failed logins, then one a minute (a password
	 * guessed slowly, from many addresses) */
	if (climit_init(&console_limit_camera, 4096, (double)camera_rate,
			10.0 * (double)camera_rate) != 0 ||
	    climit_init(&console_limit_login_addr, 1024, (double)login_rate / 60.0,
			(double)login_rate) != 0 ||
	    climit_init(&console_limit_login_user, 1024, 1.0 / 60.0, 5.0) != 0) {
		fprintf(stderr, "anpr-console: out of memory\n");
		return 1;
	}
	cert = slurp(certp);
	key = slurp(keyp);
	ca = slurp(cap);
	if (!cert || !key || !ca)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (console_events_start(err, sizeof err) != 0) {
		fprintf(stderr, "anpr-console: %s\n", err);
		return 1;
	}
	/* poll(2), not epoll: see anpr_ingest_main.c (a stalled TLS
	 * handshake spun a worker in libmicrohttpd 0.9.75's epoll mode) */
	cd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_TLS |
			      MHD_USE_ERROR_LOG |
			      (((struct sockaddr *)&cs)->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			      (uint16_t)cport, NULL, NULL, console_camera_request, NULL,
			      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&cs,
			      MHD_OPTION_HTTPS_MEM_CERT, cert,
			      MHD_OPTION_HTTPS_MEM_KEY, key,
			      MHD_OPTION_HTTPS_MEM_TRUST, ca,
			      MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
			      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
			      MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			      /* connections held open without a request (slowloris)
			       * take at most this many from one address */
			      MHD_OPTION_PER_IP_CONNECTION_LIMIT, CONSOLE_PER_ADDRESS,
			      MHD_OPTION_NOTIFY_COMPLETED, console_camera_completed, NULL,
			      MHD_OPTION_END);
	/* people: no MHD_OPTION_HTTPS_MEM_TRUST, so no certificate is asked
	 * of a browser; a thread per connection (a stream blocks its own) */
	pd = cd ? MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				   MHD_USE_TLS | MHD_USE_ERROR_LOG |
				   (((struct sockaddr *)&ps)->sa_family == AF_INET6
				    ? MHD_USE_IPv6 : 0),
				   (uint16_t)pport, NULL, NULL, console_people_request, NULL,
				   MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ps,
				   MHD_OPTION_HTTPS_MEM_CERT, cert,
				   MHD_OPTION_HTTPS_MEM_KEY, key,
				   MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
				   MHD_OPTION_CONNECTION_LIMIT, 256u,
				   MHD_OPTION_PER_IP_CONNECTION_LIMIT, CONSOLE_PER_ADDRESS,
				   /* idle 60 s at most: a stream sends a comment every 15 s */
				   MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				   MHD_OPTION_NOTIFY_COMPLETED, console_people_completed, NULL,
				   MHD_OPTION_END) : NULL;
	if (!cd || !pd) {
		fprintf(stderr, "anpr-console: cannot serve HTTPS on %s port %lu (address "
			"in use, or the certificate, key or CA refused by GnuTLS)\n",
			listen_addr, cd ? pport : cport);
		if (cd)
			MHD_stop_daemon(cd);
		console_events_stop();
		return 1;
	}
	explicit_bzero(key, strlen(key));	/* MHD has its own copy */
	free(key);
	cport = bound_port(cd, cport);
	pport = bound_port(pd, pport);
	if (port_file) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%lu %lu\n", cport, pport) < 0 || fclose(f) != 0 ||
		    rename(tmp, port_file) != 0) {
			fprintf(stderr, "anpr-console: %s: %s\n", port_file, strerror(errno));
			MHD_stop_daemon(pd);
			MHD_stop_daemon(cd);
			console_events_stop();
			return 1;
		}
	}
	clog_line("serving HTTPS on %s: cameras on port %lu, people on port %lu",
		  listen_addr, cport, pport);
	sd_notify(0, "READY=1");
	do {
		if (sigwait(&sigs, &sig) != 0)
			sig = SIGTERM;
	} while (sig != SIGINT && sig != SIGTERM);
	sd_notify(0, "STOPPING=1");
	clog_line("stopping (signal %d)", sig);
	MHD_stop_daemon(cd);
	console_events_stop();	/* the streams end: their threads can be joined */
	MHD_stop_daemon(pd);
	console_people_fini();
	climit_fini(&console_limit_camera);
	climit_fini(&console_limit_login_addr);
	climit_fini(&console_limit_login_user);
	free(cert);
	free(ca);
	return 0;
}
