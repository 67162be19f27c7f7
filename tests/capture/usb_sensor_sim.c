/* SPDX-License-Identifier: MIT */
/*
 * anpr-usb-sensor-sim - plays a USB IR sensor (docs/usb-sensor-protocol.md)
 * as a Linux USB gadget function through FunctionFS. With dummy_hcd the
 * gadget appears on the same machine's host side, where libanprcap's USB
 * backend reads it through libusb: the VM tests' real USB path.
 *
 *   anpr-usb-sensor-sim FFS_DIR [--size WxH] [--fps N] [--record DIR]
 *                       [--corrupt-every N]
 *
 * FFS_DIR is a mounted functionfs instance. The program writes the
 * descriptors, then serves START/STOP commands and streams frames whose
 * pixel (x, y) of frame s is (s * 37 + x * 3 + y * 7) & 0xff, so a reader
 * can check them. --record saves each payload sent (up to 64) as
 * DIR/frame-SEQ.raw. Sequence numbers count every exposure: when the host
 * does not read, frames are skipped and their numbers with them.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "../../libanprcap/src/usbproto.h"

/* Descriptors are little endian; this program is built for LE hosts. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "usb_sensor_sim: little-endian hosts only"
#endif
#define LE(x) (x)
#define DEV_CLOCK_OFFSET 1000000000000ull	/* device clock != host clock */
#define GREY 0x59455247u

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int streaming;
	uint16_t session;
	unsigned w, h;
	uint32_t fourcc;
	uint64_t period;
	int starts;
} st = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 320, 240, GREY, 0, 0 };

static unsigned def_w = 320, def_h = 240, def_fps = 30, corrupt_every;
static const char *record;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static const struct {
	struct usb_functionfs_descs_head_v2 header;
	__le32 fs_count;
	__le32 hs_count;
	struct {
		struct usb_interface_descriptor intf;
		struct usb_endpoint_descriptor_no_audio in, out;
	} __attribute__((packed)) fs, hs;
} __attribute__((packed)) descriptors = {
	.header = {
		.magic = LE(FUNCTIONFS_DESCRIPTORS_MAGIC_V2),
		.flags = LE(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC),
		.length = LE(sizeof(descriptors)),
	},
	.fs_count = LE(3),
	.hs_count = LE(3),
#define INTF { .bLength = sizeof(struct usb_interface_descriptor), \
	       .bDescriptorType = USB_DT_INTERFACE, .bNumEndpoints = 2, \
	       .bInterfaceClass = USBP_IF_CLASS, .bInterfaceSubClass = USBP_IF_SUBCLASS, \
	       .bInterfaceProtocol = USBP_IF_PROTOCOL, .iInterface = 1 }
#define EP(addr, mps) { .bLength = USB_DT_ENDPOINT_SIZE, .bDescriptorType = USB_DT_ENDPOINT, \
			.bEndpointAddress = (addr), .bmAttributes = USB_ENDPOINT_XFER_BULK, \
			.wMaxPacketSize = LE(mps) }
	.fs = { INTF, EP(1 | USB_DIR_IN, 64), EP(2 | USB_DIR_OUT, 64) },
	.hs = { INTF, EP(1 | USB_DIR_IN, 512), EP(2 | USB_DIR_OUT, 512) },
};

#define STR "ANPR IR sensor (simulated)"
static const struct {
	struct usb_functionfs_strings_head header;
	struct {
		__le16 code;
		const char str1[sizeof(STR)];
	} __attribute__((packed)) lang0;
} __attribute__((packed)) strings = {
	.header = {
		.magic = LE(FUNCTIONFS_STRINGS_MAGIC),
		.length = LE(sizeof(strings)),
		.str_count = LE(1),
		.lang_count = LE(1),
	},
	.lang0 = { LE(0x0409), STR },
};

/* ep0: report events (enable/disable), refuse any control request. */
static void *ep0_thread(void *arg)
{
	int fd = *(int *)arg;
	struct usb_functionfs_event ev[4];

	for (;;) {
		ssize_t n = read(fd, ev, sizeof(ev));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("anpr-usb-sensor-sim: ep0 read");
			return NULL;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			static const char *const names[] = { "BIND", "UNBIND", "ENABLE", "DISABLE",
							     "SETUP", "SUSPEND", "RESUME" };

			fprintf(stderr, "anpr-usb-sensor-sim: event %s\n",
				ev[i].type < 7 ? names[ev[i].type] : "?");
			if (ev[i].type == FUNCTIONFS_SETUP) {
				/* stall: read for OUT, write for IN, both fail = stall */
				if (ev[i].u.setup.bRequestType & USB_DIR_IN) {
					if (write(fd, NULL, 0) < 0) { /* stalled */ }
				} else if (read(fd, NULL, 0) < 0) { /* stalled */ }
			}
			if (ev[i].type == FUNCTIONFS_DISABLE || ev[i].type == FUNCTIONFS_UNBIND) {
				pthread_mutex_lock(&st.lock);
				st.streaming = 0;
				pthread_mutex_unlock(&st.lock);
			}
		}
	}
}

/* ep2 (bulk OUT): commands. */
static void *cmd_thread(void *arg)
{
	int fd = *(int *)arg;
	uint8_t buf[512];
	struct usbp_cmd c;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			usleep(50000);	/* disabled: wait for the host to come back */
			continue;
		}
		if (usbp_cmd_decode(buf, (size_t)n, &c) < 0) {
			fprintf(stderr, "anpr-usb-sensor-sim: ignored a bad %zd-byte command\n", n);
			continue;
		}
		pthread_mutex_lock(&st.lock);
		if (c.opcode == USBP_START) {
			st.fourcc = c.fourcc == 0x20363159u ? c.fourcc : GREY;
			st.w = c.width >= 16 && c.width <= 1920 ? c.width : def_w;
			st.h = c.height >= 16 && c.height <= 1080 ? c.height : def_h;
			st.period = 1000000000ull * (c.fps_num && c.fps_den ? c.fps_den : 1) /
				    (c.fps_num && c.fps_den ? c.fps_num : def_fps);
			st.session = c.session;
			st.streaming = 1;
			st.starts++;
			fprintf(stderr, "anpr-usb-sensor-sim: START %ux%u, %llu ns/frame, session %u\n",
				st.w, st.h, (unsigned long long)st.period, st.session);
		} else if (c.opcode == USBP_STOP) {
			st.streaming = 0;
			fprintf(stderr, "anpr-usb-sensor-sim: STOP\n");
		}
		pthread_cond_broadcast(&st.cond);
		pthread_mutex_unlock(&st.lock);
	}
	return NULL;
}

static void save(uint32_t seq, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	if (!record || seq >= 64)
		return;
	snprintf(path, sizeof(path), "%s/frame-%06u.raw", record, seq);
	f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static void stream(int in)
{
	for (;;) {
		unsigned w, h, bpp;
		uint32_t fourcc;
		uint64_t period, t0, k = 0, dropped = 0;
		int starts;
		uint16_t session;
		uint8_t *buf;
		size_t payload, len;

		pthread_mutex_lock(&st.lock);
		while (!st.streaming)
			pthread_cond_wait(&st.cond, &st.lock);
		w = st.w;
		h = st.h;
		fourcc = st.fourcc;
		period = st.period;
		starts = st.starts;
		session = st.session;
		pthread_mutex_unlock(&st.lock);
		bpp = usbp_bpp(fourcc);
		payload = (size_t)w * h * bpp;
		len = usbp_frame_len((uint32_t)payload, 64);	/* short packet at 64 and 512 */
		buf = calloc(1, len);
		if (!buf)
			exit(1);
		t0 = now_ns();
		for (;;) {
			struct usbp_header hd = { 0 };
			uint8_t *p = buf + USBP_HEADER_SIZE;
			uint64_t due = t0 + k * period, now;
			int again;

			pthread_mutex_lock(&st.lock);
			again = st.streaming && st.starts == starts;
			pthread_mutex_unlock(&st.lock);
			if (!again)
				break;
			sleep_until(due);
			for (unsigned y = 0; y < h; y++)
				for (unsigned x = 0; x < w * bpp; x++)
					p[(size_t)y * w * bpp + x] = (uint8_t)(k * 37 + x * 3 + y * 7);
			hd.sequence = (uint32_t)k;
			hd.soe_ns = due + DEV_CLOCK_OFFSET;
			hd.fourcc = fourcc;
			hd.width = (uint16_t)w;
			hd.height = (uint16_t)h;
			hd.stride = w * bpp;
			hd.payload_bytes = (uint32_t)payload;
			hd.dropped = (uint32_t)dropped;
			hd.payload_crc = usbp_crc32(0, p, payload);
			hd.exposure_us = 500;
			hd.gain_mdb = 3000;
			hd.session = session;
			usbp_header_encode(&hd, buf);
			save((uint32_t)k, p, payload);
			if (corrupt_every && k % corrupt_every == corrupt_every - 1)
				p[0] ^= 0xff;	/* payload CRC will not match */
			if (write(in, buf, len) != (ssize_t)len) {
				fprintf(stderr, "anpr-usb-sensor-sim: frame %llu: write: %s\n",
					(unsigned long long)k, strerror(errno));
				usleep(50000);
				pthread_mutex_lock(&st.lock);
				st.streaming = 0;
				pthread_mutex_unlock(&st.lock);
				break;
			}
			/* Exposures that passed while the host was not reading are lost. */
			now = now_ns();
			dropped = 0;
			if (now > t0 + (k + 1) * period) {
				uint64_t next = (now - t0) / period;

				dropped = next - k - 1;
				k = next;
			} else {
				k++;
			}
		}
		free(buf);
	}
}

int main(int argc, char **argv)
{
	char path[4096];
	pthread_t t0, t1;
	int ep0, in, out;

	if (argc < 2) {
		fprintf(stderr, "usage: anpr-usb-sensor-sim FFS_DIR [--size WxH] [--fps N] [--record DIR] [--corrupt-every N]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc &&
		    sscanf(argv[i + 1], "%ux%u", &def_w, &def_h) == 2)
			i++;
		else if (!strcmp(argv[i], "--fps") && i + 1 < argc && (def_fps = (unsigned)atoi(argv[i + 1])) > 0)
			i++;
		else if (!strcmp(argv[i], "--record") && i + 1 < argc)
			record = argv[++i];
		else if (!strcmp(argv[i], "--corrupt-every") && i + 1 < argc)
			corrupt_every = (unsigned)atoi(argv[++i]);
		else {
			fprintf(stderr, "anpr-usb-sensor-sim: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	snprintf(path, sizeof(path), "%s/ep0", argv[1]);
	ep0 = open(path, O_RDWR);
	if (ep0 < 0) {
		fprintf(stderr, "anpr-usb-sensor-sim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (write(ep0, &descriptors, sizeof(descriptors)) != sizeof(descriptors) ||
	    write(ep0, &strings, sizeof(strings)) != sizeof(strings)) {
		fprintf(stderr, "anpr-usb-sensor-sim: %s: writing descriptors: %s\n", path,
			strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ep1", argv[1]);
	in = open(path, O_RDWR);
	snprintf(path, sizeof(path), "%s/ep2", argv[1]);
	out = open(path, O_RDWR);
	if (in < 0 || out < 0) {
		fprintf(stderr, "anpr-usb-sensor-sim: %s/ep1, ep2: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(stderr, "anpr-usb-sensor-sim: ready on %s (%ux%u at %u fps by default)\n", argv[1],
		def_w, def_h, def_fps);
	st.period = 1000000000ull / def_fps;
	pthread_create(&t0, NULL, ep0_thread, &ep0);
	pthread_create(&t1, NULL, cmd_thread, &out);
	stream(in);
	return 0;
}
