/* SPDX-License-Identifier: MIT */
/*
 * anpr-keygen - make a camera signing key pair (minisign format), or show
 * the id and fingerprint of a public key. See man/anpr-keygen.1.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "evidence.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: anpr-keygen [-f] [--owner USER] [--passphrase-file FILE]"
		" -p PUBKEY -s SECKEY\n"
		"       anpr-keygen --show PUBKEY\n"
		"Makes an Ed25519 camera key pair in minisign's formats. The "
		"secret key is\nwritten mode 0600; without --passphrase-file it "
		"is stored unencrypted, for\nunattended hosts (see "
		"docs/keys.md).\n");
}

static void show(const struct ev_key *k, const char *pubpath)
{
	char id[17], fp[EV_HASH_HEX + 1];

	ev_key_id(k->keynum, id);
	ev_key_fingerprint(k, fp);
	printf("public key:  %s\nkey id:      %s\nfingerprint: sha256:%s\n",
	       pubpath, id, fp);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "owner", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "show", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pub = NULL, *sec = NULL, *owner = NULL, *pfile = NULL;
	const char *showp = NULL;
	char err[512], pass[1024];
	struct ev_key k;
	bool force = false;
	int c;

	while ((c = getopt_long(argc, argv, "fp:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'p': pub = optarg; break;
		case 's': sec = optarg; break;
		case 'o': owner = optarg; break;
		case 'P': pfile = optarg; break;
		case 'S': showp = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (ev_init() != 0) {
		fprintf(stderr, "anpr-keygen: libsodium failed to initialise\n");
		return 1;
	}
	if (showp) {
		if (ev_key_load_public(showp, &k, err, sizeof err) != 0) {
			fprintf(stderr, "anpr-keygen: %s\n", err);
			return 1;
		}
		show(&k, showp);
		return 0;
	}
	if (!pub || !sec) {
		usage(stderr);
		return 2;
	}
	if (pfile && ev_read_passphrase(pfile, pass, sizeof pass, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-keygen: %s\n", err);
		return 1;
	}
	if (ev_key_generate(&k) != 0) {
		fprintf(stderr, "anpr-keygen: key generation failed\n");
		return 1;
	}
	if (ev_key_save(&k, pub, sec, pfile ? pass : NULL, force, err,
			sizeof err) != 0) {
		fprintf(stderr, "anpr-keygen: %s\n", err);
		return 1;
	}
	sodium_memzero(pass, sizeof pass);
	if (owner) {
		struct passwd *pw = getpwnam(owner);

		if (!pw) {
			fprintf(stderr, "anpr-keygen: --owner %s: no such "
				"user\n", owner);
			unlink(sec);
			unlink(pub);
			return 1;
		}
		if (chown(sec, pw->pw_uid, pw->pw_gid) != 0) {
			fprintf(stderr, "anpr-keygen: %s: cannot give it to "
				"%s: %s\n", sec, owner, strerror(errno));
			unlink(sec);
			unlink(pub);
			return 1;
		}
	}
	sodium_memzero(&k.sk, sizeof k.sk);
	show(&k, pub);
	printf("secret key:  %s (mode 0600%s)\n", sec,
	       pfile ? ", scrypt-encrypted" : ", unencrypted");
	return 0;
}
