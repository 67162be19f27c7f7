/* SPDX-License-Identifier: MIT */
/* usbproto.c - USB IR sensor protocol, see usbproto.h. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "usbproto.h"

#define FCC(a, b, c, d) ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))

uint32_t usbp_crc32(uint32_t crc, const void *buf, size_t len)
{
	/* zlib's CRC-32 is this CRC (and fast); feed it in bounded chunks. */
	const uint8_t *p = buf;

	while (len) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;

		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t get32(const uint8_t *p) { return get16(p) | ((uint32_t)get16(p + 2) << 16); }
static uint64_t get64(const uint8_t *p) { return get32(p) | ((uint64_t)get32(p + 4) << 32); }

unsigned usbp_bpp(uint32_t fourcc)
{
	if (fourcc == FCC('G', 'R', 'E', 'Y'))
		return 1;
	if (fourcc == FCC('Y', '1', '6', ' '))
		return 2;
	return 0;
}

size_t usbp_frame_len(uint32_t payload_bytes, unsigned mps)
{
	size_t n = USBP_HEADER_SIZE + (size_t)payload_bytes;

	return mps && n % mps == 0 ? n + 1 : n;
}

void usbp_header_encode(const struct usbp_header *h, uint8_t out[USBP_HEADER_SIZE])
{
	memset(out, 0, USBP_HEADER_SIZE);
	put32(out + 0, USBP_FRAME_MAGIC);
	put16(out + 4, USBP_VERSION);
	put16(out + 6, USBP_HEADER_SIZE);
	put32(out + 8, h->sequence);
	put32(out + 12, h->flags);
	put64(out + 16, h->soe_ns);
	put32(out + 24, h->fourcc);
	put16(out + 28, h->width);
	put16(out + 30, h->height);
	put32(out + 32, h->stride);
	put32(out + 36, h->payload_bytes);
	put32(out + 40, h->dropped);
	put32(out + 44, h->payload_crc);
	put32(out + 48, h->exposure_us);
	put32(out + 52, h->gain_mdb);
	put32(out + 56, h->session);
	put32(out + 60, usbp_crc32(0, out, 60));
}

int usbp_frame_check(const uint8_t *b, size_t len, struct usbp_header *h, char *why, size_t wl)
{
	uint32_t crc;
	unsigned bpp;

	if (len < USBP_HEADER_SIZE) {
		snprintf(why, wl, "short transfer: %zu bytes, header needs %d", len, USBP_HEADER_SIZE);
		return -1;
	}
	if (get32(b) != USBP_FRAME_MAGIC) {
		snprintf(why, wl, "bad frame magic 0x%08x", get32(b));
		return -1;
	}
	if (get16(b + 4) != USBP_VERSION || get16(b + 6) != USBP_HEADER_SIZE) {
		snprintf(why, wl, "protocol version %u, header size %u not supported (want %d, %d)",
			 get16(b + 4), get16(b + 6), USBP_VERSION, USBP_HEADER_SIZE);
		return -1;
	}
	crc = usbp_crc32(0, b, 60);
	if (crc != get32(b + 60)) {
		snprintf(why, wl, "header CRC 0x%08x, computed 0x%08x", get32(b + 60), crc);
		return -1;
	}
	h->sequence = get32(b + 8);
	h->flags = get32(b + 12);
	h->soe_ns = get64(b + 16);
	h->fourcc = get32(b + 24);
	h->width = get16(b + 28);
	h->height = get16(b + 30);
	h->stride = get32(b + 32);
	h->payload_bytes = get32(b + 36);
	h->dropped = get32(b + 40);
	h->payload_crc = get32(b + 44);
	h->exposure_us = get32(b + 48);
	h->gain_mdb = get32(b + 52);
	h->session = (uint16_t)get32(b + 56);
	bpp = usbp_bpp(h->fourcc);
	if (!bpp) {
		snprintf(why, wl, "frame %u: unknown pixel format 0x%08x", h->sequence, h->fourcc);
		return -1;
	}
	if (!h->width || !h->height || h->width > USBP_MAX_DIM || h->height > USBP_MAX_DIM) {
		snprintf(why, wl, "frame %u: bad size %ux%u", h->sequence, h->width, h->height);
		return -1;
	}
	if (h->stride < (uint32_t)h->width * bpp ||
	    (uint64_t)h->stride * h->height != h->payload_bytes) {
		snprintf(why, wl, "frame %u: stride %u x height %u does not match payload %u bytes",
			 h->sequence, h->stride, h->height, h->payload_bytes);
		return -1;
	}
	if (len != USBP_HEADER_SIZE + (size_t)h->payload_bytes &&
	    len != USBP_HEADER_SIZE + (size_t)h->payload_bytes + 1) {
		snprintf(why, wl, "frame %u: transfer of %zu bytes, header says %u + %d",
			 h->sequence, len, h->payload_bytes, USBP_HEADER_SIZE);
		return -1;
	}
	crc = usbp_crc32(0, b + USBP_HEADER_SIZE, h->payload_bytes);
	if (crc != h->payload_crc) {
		snprintf(why, wl, "frame %u: payload CRC 0x%08x, computed 0x%08x", h->sequence,
			 h->payload_crc, crc);
		return -1;
	}
	return 0;
}

void usbp_cmd_encode(const struct usbp_cmd *c, uint8_t out[USBP_CMD_SIZE])
{
	memset(out, 0, USBP_CMD_SIZE);
	put32(out, USBP_CMD_MAGIC);
	put16(out + 4, c->opcode);
	put16(out + 6, c->session);
	put32(out + 8, c->fourcc);
	put16(out + 12, c->width);
	put16(out + 14, c->height);
	put16(out + 16, c->fps_num);
	put16(out + 18, c->fps_den);
	put32(out + 20, usbp_crc32(0, out, 20));
}

int usbp_cmd_decode(const uint8_t *b, size_t len, struct usbp_cmd *c)
{
	if (len != USBP_CMD_SIZE || get32(b) != USBP_CMD_MAGIC ||
	    get32(b + 20) != usbp_crc32(0, b, 20))
		return -1;
	c->opcode = get16(b + 4);
	c->session = get16(b + 6);
	c->fourcc = get32(b + 8);
	c->width = get16(b + 12);
	c->height = get16(b + 14);
	c->fps_num = get16(b + 16);
	c->fps_den = get16(b + 18);
	return 0;
}
