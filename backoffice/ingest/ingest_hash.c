// SPDX-License-Identifier: MIT
/*
 * ingest_hash.c - SHA-256 by nettle (GnuTLS's cryptographic library,
 * already anpr-ingest's through GnuTLS) for the request path; see
 * ingest_hash.h for why not libsodium's, which the rest of the evidence
 * code keeps (a camera hashes a read's images once; anpr-ingest hashes
 * every camera's).
 */
#include "ingest/ingest_hash.h"

#include <nettle/sha2.h>

void ingest_sha256(const void *buf, size_t len, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, len, buf);
	sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}
