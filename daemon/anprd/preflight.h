/* SPDX-License-Identifier: MIT */
/*
 * preflight.h - what anprd and anpr-upload need before they can start,
 * checked in one place, so that "ok" from `anprd --check-config` and from
 * `anprd-checkconf` means the daemon will start: the hotlists load, the
 * signing key opens (with its passphrase; the key is never printed), the
 * sources' URIs where they can be checked without taking the camera from
 * a running anprd, the spool directory, and the upload URL. Exit codes
 * are anprd's: 0 ok, 2 it would not start.
 */
#ifndef ANPRD_PREFLIGHT_H
#define ANPRD_PREFLIGHT_H

#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "evidence/evidence.h"
#include "core/hotlist.h"

/*
 * The signing key's passphrase, if the key is encrypted: from file (which
 * must be anprd's own, mode 0600 or stricter), else from the systemd
 * credential "signing-key.passphrase" in $CREDENTIALS_DIRECTORY, else none
 * (an unencrypted key). 1 with out filled, 0 for none, -1 with err.
 */
int anprd_key_passphrase(const char *file, char *out, size_t cap, char *err,
			 size_t errlen);

/* The secret key, its passphrase read as above (in secure memory). 0, or
 * -1 with err naming the key file and the reason. */
int anprd_load_signing_key(const char *key_path, const char *passphrase_file,
			   struct ev_key *key, char *err, size_t errlen);

/* Every hotlist the configuration names, loaded into *out. */
int anprd_load_hotlists(const struct anprd_config *cfg, struct hotlist **out,
			char *err, size_t errlen);

/*
 * Every check, one line each to out ("  ok   hotlists: 3 files, 120
 * entries"; "  FAIL signing key: ..."); returns the number of failures
 * (0: anprd will start). passphrase_file as for anprd_key_passphrase.
 */
int anprd_preflight(const struct anprd_config *cfg, const char *passphrase_file,
		    FILE *out);

#endif
