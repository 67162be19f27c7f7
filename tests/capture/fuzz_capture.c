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
#include <unistd.h>

#include "anprcap.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct y4m_info in;
	struct usbp_header h;
	struct usbp_cmd c;
	char why[256];
	size_t used;

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
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
	default:
		whole_file(data + 1, size - 1);
		break;
	}
	return 0;
}
