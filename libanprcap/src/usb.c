/* SPDX-License-Identifier: MIT */
/*
 * usb.c - the USB backend: USB IR sensors speaking the bulk protocol of
 * docs/usb-sensor-protocol.md, through libusb's asynchronous API.
 * URI: usb:VID:PID[:SERIAL] (hex VID and PID). Each source has its own
 * libusb context; events are handled inside anprcap_next_frame(), so no
 * thread is started. A frame is its transfer's buffer (no copy), submitted
 * again on release. Unplug surfaces as ANPRCAP_E_NODEV.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libusb.h>

#include "backend.h"
#include "usbproto.h"

#define USB_CMD_TIMEOUT_MS 500

enum xstate { X_IDLE = 0, X_SUBMITTED, X_READY, X_HELD };

struct uxfer {
	struct anprcap_slot s;		/* first: the core casts frames to slots */
	struct libusb_transfer *t;
	struct usrc *u;
	enum xstate state;
	int status;			/* libusb status when it completed */
	int len;			/* actual length */
};

struct usrc {
	libusb_context *ctx;
	libusb_device_handle *h;
	char name[160];			/* for messages: usb:VID:PID[:SERIAL] (bus B dev D) */
	int iface;
	uint8_t ep_in, ep_out;
	unsigned mps;
	struct uxfer x[ANPRCAP_MAX_BUFFERS];
	int nx;
	int ready[ANPRCAP_MAX_BUFFERS];	/* FIFO of completed transfers */
	int rhead, rcount;
	size_t xfer_len;
	int streaming, gone;
	uint32_t last_seq;
	int have_seq;
	uint64_t pending_drops;
	int64_t offset;			/* host - device clock, ns */
	int have_offset;
	uint64_t last_ts;
	uint16_t session;		/* of the current START */
};

static int usb_code(int lerr)
{
	switch (lerr) {
	case LIBUSB_ERROR_ACCESS: return ANPRCAP_E_ACCESS;
	case LIBUSB_ERROR_NO_DEVICE: return ANPRCAP_E_NODEV;
	case LIBUSB_ERROR_NOT_FOUND: return ANPRCAP_E_NOENT;
	case LIBUSB_ERROR_BUSY: return ANPRCAP_E_BUSY;
	case LIBUSB_ERROR_TIMEOUT: return ANPRCAP_E_TIMEOUT;
	case LIBUSB_ERROR_NO_MEM: return ANPRCAP_E_NOMEM;
	case LIBUSB_ERROR_NOT_SUPPORTED: return ANPRCAP_E_UNSUPPORTED;
	case LIBUSB_ERROR_INVALID_PARAM: return ANPRCAP_E_INVAL;
	default: return ANPRCAP_E_IO;
	}
}

static int uerr(struct usrc *u, int lerr, const char *what)
{
	if (lerr == LIBUSB_ERROR_NO_DEVICE) {
		u->gone = 1;
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone (unplugged?) during %s; re-open it",
				    u->name, what);
	}
	return anprcap__err(usb_code(lerr), "%s: %s: %s", u->name, what, libusb_strerror(lerr));
}

/* Find our interface and its bulk endpoints in the active configuration. */
static int find_iface(libusb_device *dev, int *iface, uint8_t *in, uint8_t *out, unsigned *mps)
{
	struct libusb_config_descriptor *cfg;
	int found = 0;

	if (libusb_get_active_config_descriptor(dev, &cfg) != 0)
		return 0;
	for (int i = 0; i < cfg->bNumInterfaces && !found; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];

		for (int a = 0; a < itf->num_altsetting && !found; a++) {
			const struct libusb_interface_descriptor *d = &itf->altsetting[a];
			uint8_t ei = 0, eo = 0;
			unsigned m = 0;

			if (d->bInterfaceClass != USBP_IF_CLASS ||
			    d->bInterfaceSubClass != USBP_IF_SUBCLASS ||
			    d->bInterfaceProtocol != USBP_IF_PROTOCOL)
				continue;
			for (int e = 0; e < d->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];

				if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
					continue;
				if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) && !ei) {
					ei = ep->bEndpointAddress;
					m = ep->wMaxPacketSize;
				} else if (!(ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) && !eo) {
					eo = ep->bEndpointAddress;
				}
			}
			if (ei && eo) {
				*iface = d->bInterfaceNumber;
				*in = ei;
				*out = eo;
				*mps = m;
				found = 1;
			}
		}
	}
	libusb_free_config_descriptor(cfg);
	return found;
}

static int read_serial(libusb_device_handle *h, const struct libusb_device_descriptor *dd,
		       char *buf, int len)
{
	if (!dd->iSerialNumber)
		return -1;
	return libusb_get_string_descriptor_ascii(h, dd->iSerialNumber, (unsigned char *)buf, len) < 0
		? -1 : 0;
}

static int usb_list(struct anprcap_listbuf *lb)
{
	libusb_context *ctx;
	libusb_device **devs;
	ssize_t n;
	int rc = 0;

	if (libusb_init(&ctx) != 0)
		return 0;	/* no USB on this host: nothing to list */
	n = libusb_get_device_list(ctx, &devs);
	for (ssize_t i = 0; i < n && !rc; i++) {
		struct libusb_device_descriptor dd;
		libusb_device_handle *h;
		char serial[64] = "", prod[96] = "", uri[128], name[160];
		int iface;
		uint8_t in, out;
		unsigned mps;

		if (libusb_get_device_descriptor(devs[i], &dd) || !find_iface(devs[i], &iface, &in, &out, &mps))
			continue;
		if (libusb_open(devs[i], &h) == 0) {
			read_serial(h, &dd, serial, sizeof(serial));
			if (dd.iProduct)
				libusb_get_string_descriptor_ascii(h, dd.iProduct, (unsigned char *)prod,
								   sizeof(prod));
			libusb_close(h);
		}
		if (serial[0])
			snprintf(uri, sizeof(uri), "usb:%04x:%04x:%s", dd.idVendor, dd.idProduct, serial);
		else
			snprintf(uri, sizeof(uri), "usb:%04x:%04x", dd.idVendor, dd.idProduct);
		snprintf(name, sizeof(name), "%s (bus %u dev %u)", prod[0] ? prod : "USB IR sensor",
			 libusb_get_bus_number(devs[i]), libusb_get_device_address(devs[i]));
		rc = anprcap__list_add(lb, uri, name, "usb");
	}
	if (n >= 0)
		libusb_free_device_list(devs, 1);
	libusb_exit(ctx);
	return rc;
}

static void free_transfers(struct usrc *u)
{
	for (int i = 0; i < ANPRCAP_MAX_BUFFERS; i++) {
		if (u->x[i].t) {
			free(u->x[i].t->buffer);
			libusb_free_transfer(u->x[i].t);
			u->x[i].t = NULL;
		}
		u->x[i].state = X_IDLE;
	}
	u->nx = 0;
	u->rcount = u->rhead = 0;
}

static void usb_close(struct anprcap_source *src)
{
	struct usrc *u = src->priv;

	if (!u)
		return;
	free_transfers(u);
	if (u->h) {
		if (!u->gone)
			libusb_release_interface(u->h, u->iface);
		libusb_close(u->h);
	}
	if (u->ctx)
		libusb_exit(u->ctx);
	free(u);
	src->priv = NULL;
}

static int parse_uri(const char *rest, unsigned *vid, unsigned *pid, char *serial, size_t sl)
{
	int n = 0;

	if (sscanf(rest, "%4x:%4x%n", vid, pid, &n) != 2 || n != 9)
		return -1;
	if (rest[n] == 0)
		return 0;
	if (rest[n] != ':' || !rest[n + 1] || strlen(rest + n + 1) >= sl)
		return -1;
	strcpy(serial, rest + n + 1);
	return 0;
}

static int usb_open(struct anprcap_source *src, const char *rest)
{
	struct usrc *u = calloc(1, sizeof(*u));
	libusb_device **devs = NULL;
	char serial[64] = "";
	unsigned vid, pid;
	ssize_t n;
	int rc, lerr, denied = 0;

	if (!u)
		return anprcap__err(ANPRCAP_E_NOMEM, "usb:%s: out of memory", rest);
	src->priv = u;
	snprintf(u->name, sizeof(u->name), "usb:%s", rest);
	if (parse_uri(rest, &vid, &pid, serial, sizeof(serial)) < 0) {
		rc = anprcap__err(ANPRCAP_E_INVAL, "usb:%s: expected usb:VID:PID[:SERIAL] with 4-digit hex VID and PID",
				  rest);
		goto fail;
	}
	lerr = libusb_init(&u->ctx);
	if (lerr) {
		u->ctx = NULL;
		rc = anprcap__err(usb_code(lerr), "%s: libusb_init: %s", u->name, libusb_strerror(lerr));
		goto fail;
	}
	n = libusb_get_device_list(u->ctx, &devs);
	if (n < 0) {
		rc = uerr(u, (int)n, "listing USB devices");
		goto fail;
	}
	for (ssize_t i = 0; i < n && !u->h; i++) {
		struct libusb_device_descriptor dd;
		libusb_device_handle *h;
		char s[64] = "";

		if (libusb_get_device_descriptor(devs[i], &dd) || dd.idVendor != vid ||
		    dd.idProduct != pid)
			continue;
		if (!find_iface(devs[i], &u->iface, &u->ep_in, &u->ep_out, &u->mps))
			continue;
		lerr = libusb_open(devs[i], &h);
		if (lerr) {
			denied |= lerr == LIBUSB_ERROR_ACCESS;
			continue;
		}
		if (serial[0] && (read_serial(h, &dd, s, sizeof(s)) || strcmp(s, serial) != 0)) {
			libusb_close(h);
			continue;
		}
		u->h = h;
		snprintf(u->name, sizeof(u->name), "usb:%s (bus %u dev %u)", rest,
			 libusb_get_bus_number(devs[i]), libusb_get_device_address(devs[i]));
	}
	libusb_free_device_list(devs, 1);
	if (!u->h) {
		rc = denied ? anprcap__err(ANPRCAP_E_ACCESS, "%s: permission denied opening the device (udev rule?)",
					   u->name)
			    : anprcap__err(ANPRCAP_E_NOENT, "%s: no such USB sensor (VID:PID%s not present, or no ANPR sensor interface)",
					   u->name, serial[0] ? ":SERIAL" : "");
		goto fail;
	}
	libusb_set_auto_detach_kernel_driver(u->h, 1);
	lerr = libusb_claim_interface(u->h, u->iface);
	if (lerr) {
		rc = uerr(u, lerr, "claiming the interface");
		goto fail;
	}
	return 0;
fail:
	usb_close(src);
	return rc;
}

static int usb_configure(struct anprcap_source *src, struct anprcap_config *cfg)
{
	struct usrc *u = src->priv;
	char s[5];

	if (cfg->format && !usbp_bpp(cfg->format))
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: format %s not in the protocol (GREY, Y16)",
				    u->name, anprcap_fourcc_str(cfg->format, s));
	if (cfg->width > USBP_MAX_DIM || cfg->height > USBP_MAX_DIM)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: size %ux%u over the protocol limit",
				    u->name, cfg->width, cfg->height);
	return 0;	/* sent with START; frames say what the device chose */
}

static int send_cmd(struct usrc *u, uint16_t op, const struct anprcap_config *cfg)
{
	struct usbp_cmd c = { .opcode = op };
	uint8_t buf[USBP_CMD_SIZE];
	int done = 0, lerr;

	if (cfg) {
		c.fourcc = cfg->format;
		c.width = (uint16_t)cfg->width;
		c.height = (uint16_t)cfg->height;
		c.fps_num = (uint16_t)(cfg->fps_num > 65535 ? 65535 : cfg->fps_num);
		c.fps_den = (uint16_t)(cfg->fps_den > 65535 ? 65535 : cfg->fps_den);
	}
	c.session = u->session;
	usbp_cmd_encode(&c, buf);
	lerr = libusb_bulk_transfer(u->h, u->ep_out, buf, sizeof(buf), &done, USB_CMD_TIMEOUT_MS);
	if (lerr)
		return uerr(u, lerr, op == USBP_START ? "sending START" : "sending STOP");
	return 0;
}

static void LIBUSB_CALL on_done(struct libusb_transfer *t)
{
	struct uxfer *x = t->user_data;
	struct usrc *u = x->u;

	x->status = t->status;
	x->len = t->actual_length;
	if (x->state != X_SUBMITTED)
		return;
	if (!u->streaming || t->status == LIBUSB_TRANSFER_CANCELLED) {
		x->state = X_IDLE;
		return;
	}
	x->state = X_READY;
	u->ready[(u->rhead + u->rcount) % ANPRCAP_MAX_BUFFERS] = x->s.index;
	u->rcount++;
}

static int submit(struct usrc *u, struct uxfer *x)
{
	int lerr;

	x->state = X_SUBMITTED;
	lerr = libusb_submit_transfer(x->t);
	if (lerr) {
		x->state = X_IDLE;
		return uerr(u, lerr, "submitting a transfer");
	}
	return 0;
}

/* Cancel everything in flight and wait (bounded) for the cancellations. */
static void cancel_all(struct usrc *u)
{
	struct timeval tv = { 0, 100000 };
	int pending;

	for (int i = 0; i < u->nx; i++)
		if (u->x[i].state == X_SUBMITTED)
			libusb_cancel_transfer(u->x[i].t);
	for (int round = 0; round < 20; round++) {
		pending = 0;
		for (int i = 0; i < u->nx; i++)
			pending += u->x[i].state == X_SUBMITTED;
		if (!pending)
			break;
		libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	}
}

static int usb_stop(struct anprcap_source *src)
{
	struct usrc *u = src->priv;

	u->streaming = 0;
	if (!u->gone)
		send_cmd(u, USBP_STOP, NULL);
	cancel_all(u);
	free_transfers(u);
	return 0;
}

static int usb_start(struct anprcap_source *src)
{
	struct usrc *u = src->priv;
	size_t maxpay;
	int rc;

	if (u->gone)
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone; re-open it", u->name);
	/* Transfers larger than any frame of the size asked (16-bit), or of
	 * 2 MiB when the size is left to the device. */
	if (src->cfg.width && src->cfg.height)
		maxpay = (size_t)src->cfg.width * src->cfg.height * 2;
	else
		maxpay = (size_t)2 << 20;	/* 2 MiB: 1920x1080 GREY */
	u->xfer_len = USBP_HEADER_SIZE + maxpay + (u->mps ? u->mps : 512);
	u->nx = src->opt.buffers;
	for (int i = 0; i < u->nx; i++) {
		struct uxfer *x = &u->x[i];
		uint8_t *buf = malloc(u->xfer_len);

		x->t = libusb_alloc_transfer(0);
		if (!buf || !x->t) {
			free(buf);
			free_transfers(u);
			return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory for %d transfers of %zu bytes",
					    u->name, u->nx, u->xfer_len);
		}
		x->u = u;
		x->s.index = i;
		x->s.held = 0;
		libusb_fill_bulk_transfer(x->t, u->h, u->ep_in, buf, (int)u->xfer_len, on_done, x, 0);
	}
	u->streaming = 1;
	u->session = (uint16_t)(u->session + 1 + (anprcap__mono_ns() & 0xff));
	u->have_seq = u->have_offset = 0;
	u->pending_drops = 0;
	u->last_ts = 0;
	for (int i = 0; i < u->nx; i++) {
		rc = submit(u, &u->x[i]);
		if (rc < 0)
			goto fail;
	}
	rc = send_cmd(u, USBP_START, &src->cfg);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	u->streaming = 0;
	cancel_all(u);
	free_transfers(u);
	return rc;
}

/* Turn one completed transfer into a frame (0), an error (<0), or 1 when
 * it was a stale frame of an earlier stream, skipped. */
static int take(struct anprcap_source *src, struct usrc *u, struct uxfer *x,
		struct anprcap_slot **out)
{
	struct anprcap_frame *p = &x->s.pub;
	struct usbp_header h;
	char why[200];
	uint64_t now, ts;
	int64_t off;
	int rc;

	switch (x->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		break;
	case LIBUSB_TRANSFER_NO_DEVICE:
		x->state = X_IDLE;
		u->gone = 1;
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone (unplugged?); re-open it", u->name);
	case LIBUSB_TRANSFER_TIMED_OUT:
	case LIBUSB_TRANSFER_OVERFLOW:
		u->pending_drops++;
		rc = submit(u, x);
		return rc < 0 ? rc : anprcap__err(ANPRCAP_E_CORRUPT, "%s: transfer %s; frame lost",
						  u->name, x->status == LIBUSB_TRANSFER_OVERFLOW ? "overflow" : "timed out");
	default:
		x->state = X_IDLE;
		/* An unplug often shows first as a plain transfer error: ask the
		 * device (disconnect handling in the kernel may lag a little). */
		for (int i = 0; i < 10; i++) {
			int c;
			struct timespec ts = { 0, 50000000 };

			if (libusb_get_configuration(u->h, &c) == LIBUSB_ERROR_NO_DEVICE) {
				u->gone = 1;
				return anprcap__err(ANPRCAP_E_NODEV,
						    "%s: device gone (unplugged?); re-open it", u->name);
			}
			nanosleep(&ts, NULL);
		}
		return anprcap__err(ANPRCAP_E_IO, "%s: transfer failed (%s)", u->name,
				    libusb_error_name(x->status));
	}
	if (usbp_frame_check(x->t->buffer, (size_t)x->len, &h, why, sizeof(why)) < 0) {
		u->pending_drops++;
		rc = submit(u, x);
		return rc < 0 ? rc : anprcap__err(ANPRCAP_E_CORRUPT, "%s: %s", u->name, why);
	}
	if (h.session != u->session) {
		/* A frame of an earlier stream, still in the pipe: not ours. */
		rc = submit(u, x);
		return rc < 0 ? rc : 1;
	}
	now = anprcap__now(src);
	off = (int64_t)(now - h.soe_ns);
	if (!u->have_offset || off < u->offset) {
		u->offset = off;
		u->have_offset = 1;
	}
	ts = h.soe_ns + (uint64_t)u->offset;
	if (ts <= u->last_ts)
		ts = u->last_ts + 1;
	u->last_ts = ts;
	p->data = x->t->buffer + USBP_HEADER_SIZE;
	p->bytes = h.payload_bytes;
	p->stride = h.stride;
	p->format = h.fourcc;
	p->width = h.width;
	p->height = h.height;
	p->timestamp_ns = ts;
	p->ts_source = ANPRCAP_TS_SOE;
	p->meta = x->t->buffer;
	p->meta_bytes = USBP_HEADER_SIZE;
	p->meta_format = ANPRCAP_META_USB;
	p->dmabuf_fd = -1;
	/* The sequence counts every exposure: its gaps are the frames lost
	 * anywhere (in the device or here), and the only count once there is
	 * a previous frame. A transfer that timed out or came back corrupt
	 * (pending_drops) lost an exposure only if the sequence says so: a
	 * timeout on a slow host with no gap after it lost nothing, and
	 * counting it made drops disagree with the gaps (kmod-vm,
	 * capture-usb "slow consumer", seen once under TCG). */
	if (u->have_seq)
		p->drops = h.sequence > u->last_seq
			? (uint32_t)(h.sequence - u->last_seq - 1) : 0;
	else
		p->drops = (uint32_t)u->pending_drops + h.dropped;
	p->sequence = h.sequence;
	u->last_seq = h.sequence;
	u->have_seq = 1;
	u->pending_drops = 0;
	src->cfg.format = h.fourcc;
	src->cfg.width = h.width;
	src->cfg.height = h.height;
	x->state = X_HELD;
	*out = &x->s;
	return 0;
}

static int usb_next(struct anprcap_source *src, int timeout_ms, struct anprcap_slot **out)
{
	struct usrc *u = src->priv;
	uint64_t deadline = anprcap__mono_ns() + (timeout_ms > 0 ? (uint64_t)timeout_ms * 1000000ull : 0);

	if (u->gone)
		return anprcap__err(ANPRCAP_E_NODEV, "%s: device gone; re-open it", u->name);
	for (;;) {
		struct timeval tv;
		uint64_t now;
		int lerr, busy = 1;

		if (u->rcount) {
			struct uxfer *x = &u->x[u->ready[u->rhead]];

			int rc;

			u->rhead = (u->rhead + 1) % ANPRCAP_MAX_BUFFERS;
			u->rcount--;
			rc = take(src, u, x, out);
			if (rc <= 0)
				return rc;
			continue;	/* skipped a stale frame */
		}
		for (int i = 0; i < u->nx; i++)
			busy &= u->x[i].state == X_HELD;
		if (busy)
			return anprcap__err(ANPRCAP_E_BUSY,
					    "%s: all %d buffers are held by the caller; release a frame",
					    u->name, u->nx);
		now = anprcap__mono_ns();
		if (timeout_ms >= 0 && now >= deadline && timeout_ms != 0)
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms", u->name,
					    timeout_ms);
		if (timeout_ms < 0) {
			tv.tv_sec = 1;
			tv.tv_usec = 0;
		} else {
			uint64_t left = deadline > now ? deadline - now : 0;

			tv.tv_sec = (time_t)(left / 1000000000ull);
			tv.tv_usec = (suseconds_t)(left % 1000000000ull / 1000);
		}
		lerr = libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
		if (lerr && lerr != LIBUSB_ERROR_INTERRUPTED)
			return uerr(u, lerr, "handling USB events");
		if (timeout_ms == 0 && !u->rcount)
			return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame ready", u->name);
	}
}

static void usb_release(struct anprcap_source *src, struct anprcap_slot *slot)
{
	struct usrc *u = src->priv;
	struct uxfer *x = &u->x[slot->index];

	if (!u->streaming || u->gone || x->state != X_HELD)
		return;
	submit(u, x);	/* a failure shows on the next call */
}

const struct anprcap_backend_ops anprcap__usb_ops = {
	.scheme = "usb",
	.list = usb_list,
	.open = usb_open,
	.close = usb_close,
	.configure = usb_configure,
	.start = usb_start,
	.stop = usb_stop,
	.next = usb_next,
	.release = usb_release,
	.get_fd = NULL,
};
