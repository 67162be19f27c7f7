// SPDX-License-Identifier: MIT
/*
 * tls_peer.c - the verified client certificate of a TLS session and its
 * fingerprint (tls_peer.h). GnuTLS does the verification; nothing of the
 * certificate is parsed here.
 */
#include "tls/tls_peer.h"

#include "evidence/evidence.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdint.h>
#include <stdio.h>

int tls_peer_fingerprint(void *session, char fingerprint[TLS_PEER_FPR_HEX + 1],
			 char *why, size_t whylen)
{
	gnutls_session_t s = session;
	const gnutls_datum_t *peers;
	unsigned int status = 0, n = 0;
	uint8_t fp[EV_HASH_LEN];
	int rc;

	if (!s) {
		snprintf(why, whylen, "no TLS session");
		return -1;
	}
	peers = gnutls_certificate_get_peers(s, &n);
	if (!peers || n == 0) {
		snprintf(why, whylen, "no client certificate");
		return -1;
	}
	/* the chain to the trusted CA, validity dates included */
	rc = gnutls_certificate_verify_peers2(s, &status);
	if (rc != GNUTLS_E_SUCCESS || status != 0) {
		gnutls_datum_t out = { NULL, 0 };

		if (rc == GNUTLS_E_SUCCESS &&
		    gnutls_certificate_verification_status_print(
			    status, GNUTLS_CRT_X509, &out, 0) == 0) {
			snprintf(why, whylen, "client certificate not "
				 "verified: %s", (const char *)out.data);
			gnutls_free(out.data);
		} else {
			snprintf(why, whylen, "client certificate not "
				 "verified: %s", gnutls_strerror(rc));
		}
		return -1;
	}
	ev_sha256(peers[0].data, peers[0].size, fp);
	ev_hex(fp, EV_HASH_LEN, fingerprint);
	return 0;
}
