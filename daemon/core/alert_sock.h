/* SPDX-License-Identifier: MIT */
/*
 * alert_sock.h - the local alert socket: a UNIX stream socket that
 * clients connect to and from which they read one JSON line per alert
 * (docs/alerts.md). Single-threaded: one owner calls poll and broadcast.
 *
 * Writes never block: each client has a queue of ALERT_SOCK_CLIENT_BUF
 * bytes; a client that lets it fill is disconnected (and counted), so a
 * stuck subscriber cannot hold up the others or the daemon.
 *
 * The socket keeps the last ALERT_SOCK_BACKLOG lines broadcast (at most
 * ALERT_SOCK_BACKLOG_BYTES of them) and sends them, oldest first, to each
 * client as it connects: an in-car or control-room client that connects
 * late, or reconnects after a drop, gets the hits it missed. The lines are
 * the bytes first sent, so a client that saw some of them already skips
 * those by their "seq".
 */
#ifndef ANPRD_ALERT_SOCK_H
#define ANPRD_ALERT_SOCK_H

#include <stddef.h>
#include <stdint.h>

struct alert_sock;

/*
 * alert_sock_open - listen on path (mode 0660). A stale socket left at
 * path is replaced; any other file there is an error. Returns NULL with
 * "path: reason" in err.
 */
struct alert_sock *alert_sock_open(const char *path, char *err, size_t errlen);

/* alert_sock_close - close every client, the listener, unlink path. */
void alert_sock_close(struct alert_sock *s);

/*
 * alert_sock_poll - accept new clients, notice closed ones and flush
 * queued output; waits up to timeout_ms for something to happen.
 */
void alert_sock_poll(struct alert_sock *s, int timeout_ms);

/* alert_sock_broadcast - queue one line for every client and flush; keep
 * it in the backlog (the oldest lines go first when it is full). */
void alert_sock_broadcast(struct alert_sock *s, const char *line, size_t len);

int alert_sock_clients(const struct alert_sock *s);
/* alert_sock_backlog - lines the backlog holds now. */
int alert_sock_backlog(const struct alert_sock *s);
uint64_t alert_sock_dropped_clients(const struct alert_sock *s);

#endif
