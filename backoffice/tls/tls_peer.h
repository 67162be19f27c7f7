/* SPDX-License-Identifier: MIT */
/*
 * tls_peer.h - the client certificate of a TLS session, as anpr-ingest
 * and anpr-console know a camera by it (docs/backoffice.md, "The camera
 * register"): the chain verified against the trust the server was given
 * (libmicrohttpd's MHD_OPTION_HTTPS_MEM_TRUST), validity dates included,
 * then named by the SHA-256 of its DER, which the register holds.
 */
#ifndef ANPR_TLS_PEER_H
#define ANPR_TLS_PEER_H

#include <stddef.h>

#define TLS_PEER_FPR_HEX 64

/* session: a gnutls_session_t (MHD_CONNECTION_INFO_GNUTLS_SESSION), or
 * NULL. 0 with fingerprint (64 lower-case hex digits and a NUL); -1 with
 * why (whylen bytes) saying what is missing or what the verification
 * found: no TLS session, no client certificate, not verified (expired,
 * signer not trusted, ...). */
int tls_peer_fingerprint(void *session, char fingerprint[TLS_PEER_FPR_HEX + 1],
			 char *why, size_t whylen);

#endif
