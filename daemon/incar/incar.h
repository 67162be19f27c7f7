/* SPDX-License-Identifier: MIT */
/*
 * incar.h - anpr-incar, the in-car page (issue 23 item 3, docs/incar.md):
 * a small HTTP server on the mobile camera host that shows the car's own
 * hits from anprd's alert socket, at once, with their plate patch from the
 * local spool and a sound, and works with the back office unreachable
 * (it never talks to it).
 *
 * The parts, each its own file:
 *   incar_events.c  the events the page streams: a ring of the last alerts
 *                   (server-sent event text, ids rising), anprd's state
 *   incar_plate.c   a hit's plate patch out of the spool, checked against
 *                   its record's SHA-256 before it is shown
 *   incar_http.c    the listener (libmicrohttpd): the page, the stream,
 *                   the patches; the Host check and the headers
 *   anpr_incar_main.c  options, the feed from anprd, start and stop
 */
#ifndef INCAR_INCAR_H
#define INCAR_INCAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INCAR_RING		64	/* alerts kept for a page that (re)connects */
#define INCAR_KEEPALIVE_S	15	/* a comment on an idle stream */
#define INCAR_STREAMS_MAX	8	/* pages at once: a car has one or two screens */
#define INCAR_PLATE_MAX		(1u << 20)	/* a plate patch is a few KiB */

/* --- incar_events.c ------------------------------------------------ */

/* Put an alert line (anprd's JSON, one line, already checked to be an
 * alert) in the ring as event "alert" with the next id. */
void incar_events_alert(const char *line, size_t len);

/* anprd's state: connected or not, since when (UTC text), and why not
 * (NULL when connected). Sent first on every stream and as event "anprd"
 * when it changes. */
void incar_events_anprd(bool connected, const char *why);

/* The text a new stream starts with: "retry", anprd's state, and every
 * kept alert with an id above last_id (all of them for 0). Sets *next to
 * where incar_events_wait() goes on from. malloc'd, NULL if out of memory. */
char *incar_events_start(uint64_t last_id, uint64_t *next);

/* The next event's text for a stream at *next (malloc'd; *next moved on),
 * waiting up to INCAR_KEEPALIVE_S for one: a comment if none came, NULL
 * once incar_events_stop() was called. */
char *incar_events_wait(uint64_t *next);

/* Ends every stream's wait (at exit). */
void incar_events_stop(void);

/* --- incar_plate.c ------------------------------------------------- */

enum incar_plate_result {
	INCAR_PLATE_OK,		/* *img, *len: the patch, matching its record */
	INCAR_PLATE_BAD_ID,	/* not a record id of this spool's form */
	INCAR_PLATE_GONE,	/* no such record here (uploaded and deleted, or never) */
	INCAR_PLATE_NONE,	/* the record has no plate patch */
	INCAR_PLATE_MISMATCH,	/* the file is not what the record names: not shown */
	INCAR_PLATE_ERROR,	/* could not be read */
};

/* The plate patch of record_id (CAMERA-CHAINID-SEQ) from the spool at
 * spool_dir: its record records/NNNNNNNN/SSSSSSSSSSSS.rec must name record_id, and
 * the patch's SHA-256 must be the record's plate_image_sha256. why gets a
 * sentence for anything but OK. *img is malloc'd. */
enum incar_plate_result incar_plate(const char *spool_dir, const char *record_id,
				    uint8_t **img, size_t *len, char *why, size_t whylen);

/* --- incar_http.c -------------------------------------------------- */

/**
 * struct incar_http_conf - what the listener serves and to whom.
 * @addr:	the address to listen on (numeric IPv4 or IPv6)
 * @port:	its port (0: the kernel's choice; see incar_http_port)
 * @www:	the page's directory (index.html, incar.js, incar.css)
 * @spool:	anprd's spool directory, for the plate patches
 * @hosts:	Host header values allowed besides ADDR:PORT and
 *		localhost:PORT (comma separated; NULL: none)
 */
struct incar_http_conf {
	const char *addr;
	unsigned port;
	const char *www;
	const char *spool;
	const char *hosts;
};

/* Start listening; 0, or -1 with the reason in err. */
int incar_http_start(const struct incar_http_conf *c, char *err, size_t errlen);

/* The port listened on (after start). */
unsigned incar_http_port(void);

void incar_http_stop(void);

#endif
