/* SPDX-License-Identifier: MIT */
/* Unit tests of the USB sensor protocol codec (docs/usb-sensor-protocol.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../libanprcap/src/usbproto.h"

#define GREY 0x59455247u

static uint8_t *make_frame(uint16_t w, uint16_t h, size_t *len, struct usbp_header *hd)
{
	size_t n = (size_t)w * h;
	uint8_t *b = malloc(USBP_HEADER_SIZE + n + 1);

	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[USBP_HEADER_SIZE + i] = (uint8_t)(i * 7);
	memset(hd, 0, sizeof(*hd));
	hd->sequence = 42;
	hd->flags = USBP_FL_STROBE;
	hd->soe_ns = 0x123456789abcull;
	hd->fourcc = GREY;
	hd->width = w;
	hd->height = h;
	hd->stride = w;
	hd->payload_bytes = (uint32_t)n;
	hd->dropped = 3;
	hd->exposure_us = 250;
	hd->gain_mdb = 6000;
	hd->session = 0x1234;
	hd->payload_crc = usbp_crc32(0, b + USBP_HEADER_SIZE, n);
	usbp_header_encode(hd, b);
	*len = USBP_HEADER_SIZE + n;
	return b;
}

static void crc_check_value(void **state)
{
	(void)state;
	assert_int_equal(usbp_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(usbp_crc32(usbp_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

static void header_roundtrip(void **state)
{
	struct usbp_header in, out;
	char why[200];
	size_t len;
	uint8_t *b;

	(void)state;
	memset(&out, 0, sizeof(out));
	b = make_frame(32, 8, &len, &in);
	assert_int_equal(b[0], 'A');
	assert_int_equal(b[3], 'U');
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	/* one pad byte is allowed */
	assert_int_equal(usbp_frame_check(b, len + 1, &out, why, sizeof(why)), 0);
	free(b);
}

static void corrupt_frames_explained(void **state)
{
	struct usbp_header hd, out;
	char why[200];
	size_t len;
	uint8_t *b = make_frame(16, 4, &len, &hd);

	(void)state;
	assert_int_equal(usbp_frame_check(b, 10, &out, why, sizeof(why)), -1);
	assert_string_equal(why, "short transfer: 10 bytes, header needs 64");
	b[USBP_HEADER_SIZE + 5] ^= 1;
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "frame 42: payload CRC"));
	b[USBP_HEADER_SIZE + 5] ^= 1;
	assert_int_equal(usbp_frame_check(b, len - 1, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "frame 42: transfer of 127 bytes, header says 64 + 64"));
	assert_int_equal(usbp_frame_check(b, len + 2, &out, why, sizeof(why)), -1);
	b[9] ^= 0x80;	/* sequence bit: header CRC catches it */
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "header CRC"));
	b[9] ^= 0x80;
	b[0] = 'X';
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "bad frame magic"));
	b[0] = 'A';
	hd.fourcc = 0x12345678;		/* well-formed header, unknown format */
	usbp_header_encode(&hd, b);
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "unknown pixel format 0x12345678"));
	hd.fourcc = GREY;
	hd.stride = 8;			/* shorter than a row */
	usbp_header_encode(&hd, b);
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "stride 8 x height 4 does not match payload 64"));
	hd.stride = 16;
	hd.width = 0;
	usbp_header_encode(&hd, b);
	assert_int_equal(usbp_frame_check(b, len, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "bad size 0x4"));
	free(b);
}

static void frame_len_pads_full_packets(void **state)
{
	(void)state;
	assert_int_equal(usbp_frame_len(100, 512), 164);
	assert_int_equal(usbp_frame_len(448, 512), 513);
	assert_int_equal(usbp_frame_len(0, 64), 65);
	assert_int_equal(usbp_frame_len(1, 0), 65);
	assert_int_equal(usbp_bpp(GREY), 1);
	assert_int_equal(usbp_bpp(0x20363159u), 2);	/* "Y16 " */
	assert_int_equal(usbp_bpp(0), 0);
}

static void commands_roundtrip_and_reject(void **state)
{
	struct usbp_cmd c = { USBP_START, 7, GREY, 640, 480, 30, 1 }, d;
	uint8_t b[USBP_CMD_SIZE];

	(void)state;
	usbp_cmd_encode(&c, b);
	assert_int_equal(usbp_cmd_decode(b, sizeof(b), &d), 0);
	assert_int_equal(d.opcode, USBP_START);
	assert_int_equal(d.session, 7);
	assert_int_equal(d.fourcc, GREY);
	assert_int_equal(d.width, 640);
	assert_int_equal(d.height, 480);
	assert_int_equal(d.fps_num, 30);
	assert_int_equal(d.fps_den, 1);
	assert_int_equal(usbp_cmd_decode(b, sizeof(b) - 1, &d), -1);
	b[13] ^= 1;
	assert_int_equal(usbp_cmd_decode(b, sizeof(b), &d), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_check_value),
		cmocka_unit_test(header_roundtrip),
		cmocka_unit_test(corrupt_frames_explained),
		cmocka_unit_test(frame_len_pads_full_packets),
		cmocka_unit_test(commands_roundtrip_and_reject),
	};

	return cmocka_run_group_tests_name("capture_usbproto", tests, NULL, NULL);
}
