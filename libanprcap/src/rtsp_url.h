/* SPDX-License-Identifier: MIT */
/*
 * rtsp_url.h - internal: the pure half of the rtsp: backend (no
 * GStreamer): the source URI and its options, the credentials file, and
 * the mapping of a frame's times to a capture time with its quality.
 * Unit tested in tests/capture/test_capture_rtsp.c.
 */
#ifndef ANPRCAP_RTSP_URL_H
#define ANPRCAP_RTSP_URL_H

#include <stddef.h>
#include <stdint.h>

#define RTSP_URL_MAX 1024
#define RTSP_CRED_MAX 256

enum rtsp_transport { RTSP_TCP = 0, RTSP_UDP = 1, RTSP_AUTO = 2 };

struct rtsp_url {
	char location[RTSP_URL_MAX];	/* rtsp[s]://host[:port]/path[?query]:
					   what is sent, safe to log (no
					   user information, no fragment) */
	char credfile[RTSP_URL_MAX];	/* "" or the credentials file */
	char cafile[RTSP_URL_MAX];	/* rtsps: "" (the system's CAs) or a PEM file */
	enum rtsp_transport transport;
	unsigned latency_ms;		/* jitter buffer, default 200 */
	unsigned timeout_ms;		/* connect / silence limit, default 5000 */
	int end_eof;			/* the camera ending the stream is the end
					   (ANPRCAP_E_EOF), not an outage */
};

/*
 * Parse "//host[:port]/path[#opt&opt...]" after scheme ("rtsp" or
 * "rtsps"). Options: credentials=FILE, credential=NAME (a systemd
 * credential: $CREDENTIALS_DIRECTORY/NAME), transport=tcp|udp|auto,
 * latency=MS (0..10000), timeout=MS (500..60000), end=reconnect|eof
 * (what the camera ending its stream means; default reconnect), ca=FILE
 * (rtsps: only: the CAs, PEM, that the camera's certificate must chain
 * to, instead of the system's). A user or password in
 * the URI itself is refused (passwords go in a file, never in a URI a
 * command line or log could show); the message then shows the URI with
 * the user information replaced by "***". 0, or -1 with err set.
 */
int anprcap__rtsp_parse(const char *scheme, const char *rest, struct rtsp_url *u,
			char *err, size_t errlen);

/*
 * Read "USER:PASSWORD" (one line, optional final newline; the password
 * may hold ':') from path. Refused: a file others may read (mode & 007),
 * not a regular file, over 1 KiB, an empty user, control characters. The
 * message names the file and the reason, never its content. 0, or -1.
 */
int anprcap__rtsp_read_credentials(const char *path, char user[RTSP_CRED_MAX],
				   char pass[RTSP_CRED_MAX], char *err, size_t errlen);

/* The clock qualities, as in anprcap.h (ANPRCAP_RTSP_CLOCK_*). */
struct rtsp_clock {
	int have_offset;		/* a synchronised frame was seen */
	int64_t offset_ns;		/* camera UTC - receive UTC of the last one */
};

struct rtsp_stamp {
	uint32_t clock;			/* ANPRCAP_RTSP_CLOCK_* */
	uint32_t flags;			/* ANPRCAP_RTSP_FL_CLOCKS_DISAGREE */
	int64_t camera_utc_ns;
	uint64_t mono_ns;		/* the capture time on CLOCK_MONOTONIC */
	int ts_host;			/* 1: mono_ns is the receive time */
};

/*
 * A frame received at recv_utc_ns / recv_mono_ns (the host's clocks, read
 * together), with the camera's time of it from a sender report
 * (have_ntp, ntp_utc_ns: Unix epoch) or without. Updates c. Pure.
 */
void anprcap__rtsp_stamp(struct rtsp_clock *c, int have_ntp, int64_t ntp_utc_ns,
			 int64_t recv_utc_ns, uint64_t recv_mono_ns, struct rtsp_stamp *out);

/* The back-off before reconnect attempt n (1, 2, ...): 500 ms doubling,
 * at most 30 s. */
uint64_t anprcap__rtsp_backoff_ns(unsigned attempt);

#endif /* ANPRCAP_RTSP_URL_H */
