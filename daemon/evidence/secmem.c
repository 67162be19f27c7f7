/* SPDX-License-Identifier: MIT */
/*
 * secmem.c - memory for secrets: the signing key, and everything a key is
 * made from or written as (key file text, passphrases, scrypt output).
 *
 * A core dump of anprd (the systemd watchdog sends SIGABRT) used to hold
 * the Ed25519 seed twice, in the heap and on the stack. Secrets now live
 * only in sodium_malloc()'d memory: guard pages on both sides, mlock()ed
 * (never written to swap) and madvise(MADV_DONTDUMP) (left out of a core
 * dump, by the kernel and by gdb's gcore alike), wiped by sodium_free().
 * mlock() may fail (RLIMIT_MEMLOCK); libsodium then still marks the pages
 * MADV_DONTDUMP, which is what keeps them out of a core.
 */
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "evidence/evidence.h"
#include "evidence/secmem.h"

/* One key's secret half, shared by the copies of that key. */
struct ev_secret {
	atomic_uint refs;
	uint8_t sk[EV_SK_LEN];
};

void *ev_secure_alloc(size_t n)
{
	/* sodium_malloc needs the page size that sodium_init finds */
	if (sodium_init() < 0)
		return NULL;
	return sodium_malloc(n);
}

void ev_secure_free(void *p)
{
	sodium_free(p);		/* wipes; NULL is fine */
}

uint8_t *ev_key_new_secret(struct ev_key *k)
{
	struct ev_secret *s = ev_secure_alloc(sizeof *s);

	k->secret = s;
	if (!s)
		return NULL;
	atomic_init(&s->refs, 1);
	return s->sk;
}

bool ev_key_has_secret(const struct ev_key *k)
{
	return k->secret != NULL;
}

const uint8_t *ev_key_sk(const struct ev_key *k)
{
	return k->secret ? k->secret->sk : NULL;
}

void ev_key_copy(struct ev_key *dst, const struct ev_key *src)
{
	*dst = *src;
	if (src->secret)
		atomic_fetch_add(&src->secret->refs, 1);
}

void ev_key_free(struct ev_key *k)
{
	if (k->secret && atomic_fetch_sub(&k->secret->refs, 1) == 1)
		sodium_free(k->secret);
	k->secret = NULL;
}

/*
 * libsodium wipes its own copies of a key, but not every word its
 * functions may leave in their stack frames, depending on the code it
 * picks for the CPU (BLAKE2b's message words while the key file's
 * checksum is computed, the limbs of the signing scalar in Ed25519's
 * arithmetic). Overwrite the stack below the caller, where those frames
 * were: 16 KiB is more than the deepest of them (scrypt keeps its state
 * in memory it maps and unmaps itself). tests/adversary/memscan.py finds
 * no word of the key outside secure memory even without this; it is here
 * so that a libsodium built another way cannot change that.
 */
__attribute__((noinline)) void ev_burn_stack(void)
{
	uint8_t pad[16384];

	sodium_memzero(pad, sizeof pad);
	/* keep the frame from being a tail call or shrunk away */
	__asm__ __volatile__("" : : "r"(pad) : "memory");
}
