/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: everything in libanprcap that parses untrusted bytes.
 * The first byte picks the parser; the rest is its input:
 *   0  y4m stream header        1  y4m frame header
 *   2  USB frame (header + payload check)   3  USB command
 *   4  a whole file: source (y4m or raw) through the public API, every
 *      frame taken and its pixels read, from a memfd
 * Any crash or sanitizer report is a failure; errors must be reported.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anprcap.h"
#include "../../libanprcap/src/rtsp_url.h"
#include "../../libanprcap/src/usbproto.h"
#include "../../libanprcap/src/y4m.h"

static volatile unsigned sink;

static void whole_file(const uint8_t *d, size_t n)
{
	const struct anprcap_frame *fr;
	anprcap_source *src;
	char uri[64];
	int fd = memfd_create("fuzz", 0), k = 0;


	if (fd < 0)
		return;
	if (n && write(fd, d, n) != (ssize_t)n) {
		close(fd);
		return;
	}
	snprintf(uri, sizeof(uri), "file:/proc/self/fd/%d", fd);
	if (anprcap_open(uri, &src) == 0) {
		/* raw streams need a size: take one from the data */
		anprcap_configure(src, ANPRCAP_FMT_GREY, n > 1 ? 1 + d[0] % 64 : 8,
				  n > 2 ? 1 + d[1] % 64 : 8, 0, 0);
		anprcap_set_option(src, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
		if (anprcap_start(src) == 0) {
			for (int rc = 0; rc != ANPRCAP_E_EOF && k < 64; k++) {
				rc = anprcap_next_frame(src, 0, &fr);
				if (rc == 0) {
					for (size_t i = 0; i < fr->bytes; i += 61)
						sink += fr->data[i];
					if (fr->bytes)
						sink += fr->data[fr->bytes - 1];
					anprcap_release_frame(src, fr);
				} else if (!anprcap_last_error()[0]) {
					__builtin_trap();	/* every error has a message */
				}
			}
		}
		anprcap_close(src);
	}
	close(fd);
}

/* The rtsp: URI and its options: a URI parsed is one with no user
 * information and no fragment; a password (what precedes the '@') is never
 * in a message. Then the same bytes as a credentials file. */
static void rtsp_uri(const uint8_t *d, size_t n)
{
	char rest[1200], err[1024], user[RTSP_CRED_MAX], pass[RTSP_CRED_MAX], path[64];
	struct rtsp_url u;
	const char *at, *slash;
	int fd;

	if (n >= sizeof(rest))
		n = sizeof(rest) - 1;
	memcpy(rest, d, n);
	rest[n] = 0;
	err[0] = 0;
	if (anprcap__rtsp_parse("rtsp", rest, &u, err, sizeof(err)) == 0) {
		if (strncmp(u.location, "rtsp://", 7) || strchr(u.location, '#'))
			__builtin_trap();
		slash = u.location + 7 + strcspn(u.location + 7, "/?");
		at = memchr(u.location + 7, '@', (size_t)(slash - (u.location + 7)));
		if (at)
			__builtin_trap();
	} else {
		if (!err[0])
			__builtin_trap();
		at = strchr(rest, '@');
		if (!strncmp(rest, "//", 2) && at && at - rest > 10 &&
		    (size_t)(at - rest) < strcspn(rest + 2, "/?#") + 2) {
			char secret[16], other[1200], err2[1024];
			struct rtsp_url u2;

			/* a user information of 8+ characters never shown:
			 * unless the message says those 8 characters whatever
			 * the user information is ("//credentials@" and a
			 * message that speaks of credentials), which the same
			 * URI with other user information tells */
			memcpy(secret, rest + 2, 8);
			secret[8] = 0;
			memcpy(other, rest, n + 1);
			memset(other + 2, 'q', (size_t)(at - rest) - 2);
			err2[0] = 0;
			(void)anprcap__rtsp_parse("rtsp", other, &u2, err2, sizeof(err2));
			if (strlen(secret) == 8 && !strstr(at, secret) &&
			    strstr(err, secret) && !strstr(err2, secret))
				__builtin_trap();
		}
	}
	fd = memfd_create("cred", 0);
	if (fd < 0)
		return;
	if ((n && write(fd, d, n) != (ssize_t)n) || fchmod(fd, 0600) < 0) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (anprcap__rtsp_read_credentials(path, user, pass, err, sizeof(err)) == 0) {
		if (!user[0] || strchr(user, ':') || strchr(user, '\n') || strchr(pass, '\n'))
			__builtin_trap();
	} else if (!err[0]) {
		__builtin_trap();
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct y4m_info in;
	struct usbp_header h;
	struct usbp_cmd c;
	char why[256];
	size_t used;

	if (size < 1)
		return 0;
	switch (data[0] % 6) {
	case 0:
		if (anprcap__y4m_header(data + 1, size - 1, &in, &used, why, sizeof(why)) == 0 &&
		    (used > size - 1 || in.frame_bytes < in.luma_bytes))
			__builtin_trap();
		break;
	case 1:
		if (anprcap__y4m_frame_header(data + 1, size - 1, &used, why, sizeof(why)) == 0 &&
		    used > size - 1)
			__builtin_trap();
		break;
	case 2:
		if (usbp_frame_check(data + 1, size - 1, &h, why, sizeof(why)) == 0 &&
		    USBP_HEADER_SIZE + (size_t)h.payload_bytes > size - 1)
			__builtin_trap();
		break;
	case 3:
		usbp_cmd_decode(data + 1, size - 1, &c);
		break;
	case 5:
		rtsp_uri(data + 1, size - 1);
		break;
	default:
		whole_file(data + 1, size - 1);
		break;
	}
	return 0;
}
