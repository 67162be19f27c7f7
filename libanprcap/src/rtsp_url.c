/* SPDX-License-Identifier: MIT */
/*
 * rtsp_url.c - the pure half of the rtsp: backend (rtsp_url.h): URI and
 * options, credentials file, capture-time mapping, back-off. No GStreamer,
 * so the unit tests and the fuzzer reach it without a network.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anprcap.h"
#include "rtsp_url.h"

#define MS 1000000LL
/* How far before its arrival a frame may have been captured for the
 * camera's clock and ours to count as agreeing (network, jitter buffer,
 * decoder), and how far after (the clocks' own errors). */
#define LATENCY_MAX_NS (10000 * MS)
#define LATENCY_MIN_NS (-50 * MS)

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_uint(const char *v, size_t len, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long n = 0;

	if (len == 0 || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(v[i] - '0');
	}
	if (n < lo || n > hi)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int set_option(struct rtsp_url *u, const char *shown, const char *opt, size_t len,
		      char *err, size_t errlen)
{
	const char *eq = memchr(opt, '=', len);
	size_t klen = eq ? (size_t)(eq - opt) : len, vlen = eq ? len - klen - 1 : 0;
	const char *v = eq ? eq + 1 : "";

#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(opt, k, klen))
	if (!eq || !vlen)
		return fail(err, errlen, "%s: option '%.*s': expected NAME=VALUE", shown,
			    (int)len, opt);
	if (KEY("credentials")) {
		if (vlen >= sizeof(u->credfile))
			return fail(err, errlen, "%s: credentials file name too long", shown);
		memcpy(u->credfile, v, vlen);
		u->credfile[vlen] = 0;
		return 0;
	}
	if (KEY("credential")) {
		const char *dir = getenv("CREDENTIALS_DIRECTORY");

		if (memchr(v, '/', vlen) || (vlen <= 2 && v[0] == '.'))
			return fail(err, errlen, "%s: credential '%.*s': a systemd credential's "
				    "name, not a path", shown, (int)vlen, v);
		if (!dir || !*dir)
			return fail(err, errlen, "%s: credential '%.*s': $CREDENTIALS_DIRECTORY "
				    "is not set (systemd's LoadCredential= sets it)", shown,
				    (int)vlen, v);
		if ((size_t)snprintf(u->credfile, sizeof(u->credfile), "%s/%.*s", dir,
				     (int)vlen, v) >= sizeof(u->credfile))
			return fail(err, errlen, "%s: credentials file name too long", shown);
		return 0;
	}
	if (KEY("transport")) {
		if (vlen == 3 && !memcmp(v, "tcp", 3))
			u->transport = RTSP_TCP;
		else if (vlen == 3 && !memcmp(v, "udp", 3))
			u->transport = RTSP_UDP;
		else if (vlen == 4 && !memcmp(v, "auto", 4))
			u->transport = RTSP_AUTO;
		else
			return fail(err, errlen, "%s: transport '%.*s': expected tcp, udp or auto",
				    shown, (int)vlen, v);
		return 0;
	}
	if (KEY("latency")) {
		if (parse_uint(v, vlen, 0, 10000, &u->latency_ms) < 0)
			return fail(err, errlen, "%s: latency '%.*s': milliseconds, 0 to 10000",
				    shown, (int)vlen, v);
		return 0;
	}
	if (KEY("timeout")) {
		if (parse_uint(v, vlen, 500, 60000, &u->timeout_ms) < 0)
			return fail(err, errlen, "%s: timeout '%.*s': milliseconds, 500 to 60000",
				    shown, (int)vlen, v);
		return 0;
	}
	if (KEY("ca")) {
		if (strncmp(shown, "rtsps:", 6) != 0)
			return fail(err, errlen, "%s: ca= is for rtsps:// (RTSP over TLS)", shown);
		if (vlen >= sizeof(u->cafile))
			return fail(err, errlen, "%s: CA file name too long", shown);
		memcpy(u->cafile, v, vlen);
		u->cafile[vlen] = 0;
		return 0;
	}
	if (KEY("end")) {
		if (vlen == 9 && !memcmp(v, "reconnect", 9))
			u->end_eof = 0;
		else if (vlen == 3 && !memcmp(v, "eof", 3))
			u->end_eof = 1;
		else
			return fail(err, errlen, "%s: end '%.*s': expected reconnect or eof", shown,
				    (int)vlen, v);
		return 0;
	}
#undef KEY
	return fail(err, errlen, "%s: unknown option '%.*s' (expected credentials, credential, "
		    "transport, latency, timeout, end or ca)", shown, (int)klen, opt);
}

int anprcap__rtsp_parse(const char *scheme, const char *rest, struct rtsp_url *u,
			char *err, size_t errlen)
{
	const char *frag, *auth, *host_end, *at;
	char shown[RTSP_URL_MAX + 16];
	size_t loc_len;

	memset(u, 0, sizeof(*u));
	u->transport = RTSP_TCP;
	u->latency_ms = 200;
	u->timeout_ms = 5000;
	if (strncmp(rest, "//", 2) != 0)
		return fail(err, errlen, "%s:%.200s: expected %s://HOST[:PORT]/PATH", scheme,
			    rest, scheme);
	frag = strchr(rest, '#');
	loc_len = frag ? (size_t)(frag - rest) : strlen(rest);
	auth = rest + 2;
	host_end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(host_end - auth));
	if (at) {
		/* Never repeat what is before the '@': it may be a password. */
		snprintf(shown, sizeof(shown), "%s://***@%.*s", scheme,
			 (int)(loc_len - (size_t)(at + 1 - rest)) > 200 ? 200 :
			 (int)(loc_len - (size_t)(at + 1 - rest)), at + 1);
		return fail(err, errlen, "%s: user name or password in the URI: give them in a "
			    "file instead (#credentials=FILE, or #credential=NAME from systemd)",
			    shown);
	}
	if (host_end == auth)
		return fail(err, errlen, "%s:%.200s: no host", scheme, rest);
	for (const char *p = rest; p < rest + loc_len; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return fail(err, errlen, "%s:%.200s: space or control character in the URI",
				    scheme, rest);
	if (strlen(scheme) + 1 + loc_len >= sizeof(u->location))
		return fail(err, errlen, "%s:%.200s...: URI too long", scheme, rest);
	snprintf(u->location, sizeof(u->location), "%s:%.*s", scheme, (int)loc_len, rest);
	if (frag) {
		const char *p = frag + 1;

		while (*p) {
			size_t len = strcspn(p, "&");

			if (len && set_option(u, u->location, p, len, err, errlen) < 0)
				return -1;
			p += len;
			if (*p == '&')
				p++;
		}
	}
	return 0;
}

int anprcap__rtsp_read_credentials(const char *path, char user[RTSP_CRED_MAX],
				   char pass[RTSP_CRED_MAX], char *err, size_t errlen)
{
	char buf[1025];
	struct stat st;
	ssize_t n;
	char *colon, *nl;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return fail(err, errlen, "%s: cannot open the credentials file: %s", path,
			    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, "%s: the credentials file is not a regular file", path);
	}
	if (st.st_mode & 007) {
		close(fd);
		return fail(err, errlen, "%s: the credentials file may be read by anyone "
			    "(mode %03o): chmod o= it", path, (unsigned)(st.st_mode & 0777));
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return fail(err, errlen, "%s: reading the credentials file: %s", path,
			    strerror(errno));
	if (n == (ssize_t)sizeof(buf))
		return fail(err, errlen, "%s: the credentials file is over 1 KiB", path);
	if (memchr(buf, 0, (size_t)n))
		return fail(err, errlen, "%s: NUL byte in the credentials file", path);
	buf[n] = 0;
	nl = strchr(buf, '\n');
	if (nl) {
		if (nl[1])
			return fail(err, errlen, "%s: the credentials file has more than one line "
				    "(expected USER:PASSWORD)", path);
		*nl = 0;
		if (nl > buf && nl[-1] == '\r')
			nl[-1] = 0;
	}
	for (const char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return fail(err, errlen, "%s: control character in the credentials file",
				    path);
	colon = strchr(buf, ':');
	if (!colon || colon == buf)
		return fail(err, errlen, "%s: expected USER:PASSWORD on one line", path);
	*colon = 0;
	if (strlen(buf) >= RTSP_CRED_MAX || strlen(colon + 1) >= RTSP_CRED_MAX)
		return fail(err, errlen, "%s: user or password over %d characters", path,
			    RTSP_CRED_MAX - 1);
	strcpy(user, buf);
	strcpy(pass, colon + 1);
	memset(buf, 0, sizeof(buf));
	return 0;
}

void anprcap__rtsp_stamp(struct rtsp_clock *c, int have_ntp, int64_t ntp_utc_ns,
			 int64_t recv_utc_ns, uint64_t recv_mono_ns, struct rtsp_stamp *out)
{
	int64_t latency;

	memset(out, 0, sizeof(*out));
	if (have_ntp) {
		out->clock = ANPRCAP_RTSP_CLOCK_SYNCHRONISED;
		out->camera_utc_ns = ntp_utc_ns;
		c->have_offset = 1;
		c->offset_ns = ntp_utc_ns - recv_utc_ns;
	} else if (c->have_offset) {
		out->clock = ANPRCAP_RTSP_CLOCK_ESTIMATED;
		out->camera_utc_ns = recv_utc_ns + c->offset_ns;
	} else {
		out->clock = ANPRCAP_RTSP_CLOCK_RECEIVE_TIME;
		out->camera_utc_ns = recv_utc_ns;
		out->mono_ns = recv_mono_ns;
		out->ts_host = 1;
		return;
	}
	latency = recv_utc_ns - out->camera_utc_ns;
	if (latency < LATENCY_MIN_NS || latency > LATENCY_MAX_NS ||
	    (latency > 0 && (uint64_t)latency > recv_mono_ns)) {
		/* The camera's clock and ours disagree: its time stays in the
		 * metadata, the monotonic stamp is the arrival. */
		out->flags |= ANPRCAP_RTSP_FL_CLOCKS_DISAGREE;
		out->mono_ns = recv_mono_ns;
		out->ts_host = 1;
		return;
	}
	out->mono_ns = recv_mono_ns - (uint64_t)(latency > 0 ? latency : 0);
	out->ts_host = out->clock != ANPRCAP_RTSP_CLOCK_SYNCHRONISED;
}

uint64_t anprcap__rtsp_backoff_ns(unsigned attempt)
{
	uint64_t ns = 500 * (uint64_t)MS;

	for (unsigned i = 1; i < attempt && ns < 30000 * (uint64_t)MS; i++)
		ns *= 2;
	return ns < 30000 * (uint64_t)MS ? ns : 30000 * (uint64_t)MS;
}
