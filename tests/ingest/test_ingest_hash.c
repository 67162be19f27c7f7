// SPDX-License-Identifier: MIT
/*
 * test_ingest_hash.c - ingest_sha256 (nettle, the CPU's SHA extensions
 * where there are any) against ev_sha256 (libsodium's portable code), its
 * scalar twin: the same digest for every length from 0 to 300 bytes (every
 * tail of a 64-byte block), odd lengths up to 200 KB, unaligned buffers,
 * and the FIPS 180-2 vectors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evidence/evidence.h"
#include "ingest/ingest_hash.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void same(const uint8_t *buf, size_t len)
{
	uint8_t a[32], b[32];

	ingest_sha256(buf, len, a);
	ev_sha256(buf, len, b);
	if (memcmp(a, b, 32) != 0)
		fail_msg("length %zu at offset %zu: the digests differ", len,
			 (size_t)((uintptr_t)buf % 64));
}

static void test_vectors(void **state)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	char hex[65];
	uint8_t h[32];

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		ingest_sha256(v[i].in, strlen(v[i].in), h);
		ev_hex(h, 32, hex);
		assert_string_equal(hex, v[i].hex);
	}
}

static void test_twin(void **state)
{
	size_t cap = 200 * 1024 + 64;
	uint8_t *buf = malloc(cap);

	(void)state;
	assert_non_null(buf);
	randombytes_buf(buf, cap);
	for (size_t len = 0; len <= 300; len++)
		for (size_t off = 0; off < 4; off++)
			same(buf + off, len);
	for (size_t len = 301; len < 200 * 1024; len = len * 3 / 2 + 7)
		same(buf + (len % 61), len);
	same(buf + 1, 33000);
	same(buf, 200 * 1024);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_twin),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
