/* SPDX-License-Identifier: MIT */
/*
 * usbproto.h - the USB IR sensor protocol (docs/usb-sensor-protocol.md):
 * frame header and command encoding, decoding and validation. Pure: no
 * libusb, no I/O; shared by the USB backend and the sensor simulator.
 */
#ifndef ANPRCAP_USBPROTO_H
#define ANPRCAP_USBPROTO_H

#include <stddef.h>
#include <stdint.h>

#define USBP_IF_CLASS		0xff
#define USBP_IF_SUBCLASS	0xa1
#define USBP_IF_PROTOCOL	0x01

#define USBP_FRAME_MAGIC	0x55504e41u	/* "ANPU" */
#define USBP_CMD_MAGIC		0x43504e41u	/* "ANPC" */
#define USBP_VERSION		1
#define USBP_HEADER_SIZE	64
#define USBP_CMD_SIZE		24
#define USBP_MAX_DIM		16384

#define USBP_FL_STROBE		(1u << 0)
#define USBP_FL_OVERRUN		(1u << 1)

enum usbp_opcode { USBP_START = 1, USBP_STOP = 2 };

struct usbp_header {
	uint32_t sequence;
	uint32_t flags;
	uint64_t soe_ns;
	uint32_t fourcc;
	uint16_t width, height;
	uint32_t stride;
	uint32_t payload_bytes;
	uint32_t dropped;
	uint32_t payload_crc;
	uint32_t exposure_us;
	uint32_t gain_mdb;
	uint16_t session;		/* echoes the START that began this stream */
};

struct usbp_cmd {
	uint16_t opcode;
	uint16_t session;		/* START: tag the frames of this stream */
	uint32_t fourcc;
	uint16_t width, height;
	uint16_t fps_num, fps_den;
};

uint32_t usbp_crc32(uint32_t crc, const void *buf, size_t len);

/* Header: write 64 bytes (computes header_crc; payload_crc taken as given). */
void usbp_header_encode(const struct usbp_header *h, uint8_t out[USBP_HEADER_SIZE]);
/* Validate one received transfer (header + payload [+ pad]); on success
 * fills *h and returns 0; else writes why and returns -1. */
int usbp_frame_check(const uint8_t *buf, size_t len, struct usbp_header *h,
		     char *why, size_t whylen);
/* Bytes per pixel of a protocol fourcc, 0 if unknown. */
unsigned usbp_bpp(uint32_t fourcc);
/* Transfer length for a frame on an endpoint of max packet size mps. */
size_t usbp_frame_len(uint32_t payload_bytes, unsigned mps);

void usbp_cmd_encode(const struct usbp_cmd *c, uint8_t out[USBP_CMD_SIZE]);
int usbp_cmd_decode(const uint8_t *buf, size_t len, struct usbp_cmd *c);

#endif
