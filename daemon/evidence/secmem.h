/* SPDX-License-Identifier: MIT */
/*
 * secmem.h - internal to anprevidence: giving a key its secret half
 * (secmem.c). The public side (ev_secure_alloc, ev_key_copy, ...) is in
 * evidence.h.
 */
#ifndef ANPR_EVIDENCE_SECMEM_H
#define ANPR_EVIDENCE_SECMEM_H

#include <stdint.h>

#include "evidence/evidence.h"

/* Fresh secure memory for k's secret key (reference count 1), to be
 * filled by the caller: its EV_SK_LEN bytes, or NULL when out of memory
 * (k->secret is then NULL too). k must not hold a secret already. */
uint8_t *ev_key_new_secret(struct ev_key *k);

#endif
