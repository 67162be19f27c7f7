/* SPDX-License-Identifier: MIT */
/*
 * anpr-keygen - make a camera signing key pair (minisign format), or show
 * the id and fingerprint of a public key. See man/anpr-keygen.1.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/evidence.h"

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

/* --owner USER, looked up before anything is written: a bad name must
 * not cost the key pair that is there (issue 18). */
static int lookup_owner(const char *name, struct ev_key_owner *o)
{
	struct passwd *pw = getpwnam(name);

	if (!pw) {
		fprintf(stderr, "anpr-keygen: --owner %s: no such user\n", name);
		return -1;
	}
	o->uid = pw->pw_uid;
	o->gid = pw->pw_gid;
	return 0;
}

/* Make the pair and write it; the passphrase (when pfile) in secure
 * memory. Returns the exit status. */
static int make_pair(const char *pub, const char *sec, const char *pfile,
		     bool force, const struct ev_key_owner *owner)
{
	enum { PASS_MAX = 1024 };
	char err[512], *pass = NULL;
	struct ev_key k;
	int rc = 1;

	if (pfile) {
		pass = ev_secure_alloc(PASS_MAX);
		if (!pass) {
			fprintf(stderr, "anpr-keygen: out of memory\n");
			return 1;
		}
		if (ev_read_passphrase(pfile, pass, PASS_MAX, err, sizeof err) != 0) {
			fprintf(stderr, "anpr-keygen: %s\n", err);
			ev_secure_free(pass);
			return 1;
		}
	}
	if (ev_key_generate(&k) != 0) {
		fprintf(stderr, "anpr-keygen: key generation failed\n");
	} else if (ev_key_save(&k, pub, sec, pass, force, owner, err,
			       sizeof err) != 0) {
		fprintf(stderr, "anpr-keygen: %s\n", err);
	} else {
		show(&k, pub);
		printf("secret key:  %s (mode 0600%s)\n", sec,
		       pfile ? ", scrypt-encrypted" : ", unencrypted");
		rc = 0;
	}
	ev_key_free(&k);
	ev_secure_free(pass);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "owner", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "show", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pub = NULL, *sec = NULL, *owner = NULL, *pfile = NULL;
	const char *showp = NULL;
	char err[512];
	struct ev_key k;
	struct ev_key_owner own;
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
		case 'V':
			printf("%s %s\n", "anpr-keygen", ANPR_VERSION);
			return 0;
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
	if (owner && lookup_owner(owner, &own) != 0)
		return 1;
	return make_pair(pub, sec, pfile, force, owner ? &own : NULL);
}
