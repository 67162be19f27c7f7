// SPDX-License-Identifier: MIT
/*
 * anpr-audit - the back office's audit chain, checked and sealed outside
 * the database (docs/access.md, "4. Audit"; man/anpr-audit.8).
 *
 *   anpr-audit --db CONNINFO verify [--pub FILE]
 *   anpr-audit --db CONNINFO seal --key FILE [--key-passphrase-file F]
 *
 * verify: every entry's hash is recomputed here from its columns (the
 * database is not trusted to say its own chain holds), every link
 * checked, and every seal's minisign signature with the back office's
 * public key (--pub; without it the seals are listed, not verified).
 * Exit 0: intact; 1: the first fault named (which entry, what: edited,
 * removed, inserted or reordered, a seal whose entry changed or whose
 * signature fails), with the last seal before it: what is still proven;
 * 2: usage, or the database or a key cannot be read.
 * seal: signs the chain's head (seq and hash) with the back office's
 * secret key and adds the seal (as a member of anpr_sealer).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/anprstore.h"
#include "audit/audit_chain.h"
#include "evidence/evidence.h"

static void usage(FILE *f)
{
	fputs("usage: anpr-audit --db CONNINFO verify [--pub FILE]\n"
	      "       anpr-audit --db CONNINFO seal --key FILE [--key-passphrase-file F]\n"
	      "CONNINFO may also come from ANPR_DB (a libpq connection string).\n", f);
}

static struct audit_entry entry_of(const struct anpr_audit_row *r)
{
	struct audit_entry e = {
		r->seq, r->at, r->who, r->action, r->purpose, r->case_ref,
		r->authorisation, r->question, r->withheld, r->results, {0}, {0},
	};

	memcpy(e.prev_hash, r->prev_hash, 32);
	memcpy(e.hash, r->hash, 32);
	return e;
}

static int verify(struct anpr_store *st, const char *pubpath)
{
	struct anpr_audit_row *rows;
	struct anpr_audit_seal *seals;
	struct audit_entry *e;
	struct ev_key key;
	size_t n, ns;
	char err[512], why[512] = "";
	long bad, sealed_to = 0;
	int rc = 0;

	if (pubpath && ev_key_load_public(pubpath, &key, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-audit: %s\n", err);
		return 2;
	}
	if (anpr_store_audit_read(st, &rows, &n, err, sizeof err) != 0 ||
	    anpr_store_audit_seals(st, &seals, &ns, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-audit: %s\n", err);
		return 2;
	}
	e = calloc(n ? n : 1, sizeof *e);
	if (!e) {
		fprintf(stderr, "anpr-audit: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		e[i] = entry_of(&rows[i]);
	bad = audit_chain_check(e, n, why, sizeof why);
	/* the seals: each names an entry that must still have that hash, and
	 * (with the key) its signature must hold */
	for (size_t i = 0; i < ns; i++) {
		long long seq;
		uint8_t h[32];
		const char *s = seals[i].signature, *m = seals[i].message;

		if (audit_seal_parse(m, &seq, h) != 0 || seq != seals[i].seq) {
			printf("seal %zu (entry %lld, %s): its message is not a seal's\n", i + 1,
			       seals[i].seq, seals[i].sealed_at);
			rc = 1;
			continue;
		}
		if (pubpath && ev_verify_sig(&key, m, strlen(m), s, strlen(s), "seal", NULL, 0,
					     err, sizeof err) != 0) {
			printf("seal of entry %lld (%s): signature not valid with %s: %s\n", seq,
			       seals[i].sealed_at, pubpath, err);
			rc = 1;
			continue;
		}
		if (seq > (long long)n || e[seq - 1].seq != seq || memcmp(e[seq - 1].hash, h, 32) != 0) {
			printf("seal of entry %lld (%s): that entry is gone or no longer has the "
			       "hash sealed: the chain was rewritten up to it\n", seq,
			       seals[i].sealed_at);
			rc = 1;
			continue;
		}
		if (bad < 0 || seq <= (long long)bad)
			sealed_to = seq > sealed_to ? seq : sealed_to;
	}
	if (bad >= 0) {
		printf("audit chain BROKEN at %s\n", why);
		printf("entries 1 to %ld hold%s\n", bad,
		       sealed_to ? "" : " (none of them under a seal)");
		if (sealed_to)
			printf("the last seal before it covers entries 1 to %ld%s\n", sealed_to,
			       pubpath ? ", signature verified" : " (signature not checked: no --pub)");
		rc = 1;
	} else {
		printf("audit chain intact: %zu entries", n);
		if (sealed_to)
			printf("; entries 1 to %ld under a seal%s, %zu after it not yet sealed\n",
			       sealed_to, pubpath ? " whose signature verifies" : " (signatures "
			       "not checked: no --pub)", n - (size_t)sealed_to);
		else
			printf("; none under a seal yet\n");
	}
	free(e);
	anpr_store_audit_free(rows, n);
	anpr_store_audit_seals_free(seals, ns);
	if (pubpath)
		ev_key_free(&key);
	return rc;
}

static int seal(struct anpr_store *st, const char *keypath, const char *passfile)
{
	struct ev_key key;
	char err[512], pass[512] = "", msg[160], sig[2048], tc[96];
	uint8_t h[32];
	long long seq;
	size_t siglen;
	int rc;

	if (passfile && ev_read_passphrase(passfile, pass, sizeof pass, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-audit: %s\n", err);
		return 2;
	}
	rc = ev_key_load_secret(keypath, passfile ? pass : NULL, &key, err, sizeof err);
	memset(pass, 0, sizeof pass);
	if (rc != 0) {
		fprintf(stderr, "anpr-audit: %s\n", err);
		return 2;
	}
	rc = anpr_store_audit_head(st, &seq, h, err, sizeof err);
	if (rc == ANPR_STORE_ENOENT) {
		/* a new back office: nothing has been audited yet, which is no
		 * failure (the timer runs every 15 minutes from the start, and a
		 * failed unit would page the operator for nothing) */
		ev_key_free(&key);
		printf("nothing to seal: the audit has no entry yet\n");
		return 0;
	}
	if (rc == 0 && audit_seal_message(seq, h, msg, sizeof msg) != 0)
		rc = -1;
	snprintf(tc, sizeof tc, "anpr-audit seal of entry %lld", seq);
	if (rc == 0 && ev_sign(&key, msg, strlen(msg), tc, sig, sizeof sig, &siglen) != 0) {
		snprintf(err, sizeof err, "signing failed");
		rc = -1;
	}
	ev_key_free(&key);
	if (rc == 0) {
		sig[siglen < sizeof sig ? siglen : sizeof sig - 1] = '\0';
		rc = anpr_store_audit_seal_add(st, seq, msg, sig, err, sizeof err);
	}
	if (rc != 0) {
		fprintf(stderr, "anpr-audit: seal: %s\n", err);
		return rc == ANPR_STORE_ENOENT ? 1 : 2;
	}
	printf("sealed entry %lld\n", seq);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", 1, NULL, 'd' }, { "pub", 1, NULL, 'p' }, { "key", 1, NULL, 'k' },
		{ "key-passphrase-file", 1, NULL, 'P' }, { "version", 0, NULL, 'V' },
		{ "help", 0, NULL, 'h' }, { 0 },
	};
	const char *db = getenv("ANPR_DB"), *pub = NULL, *keyp = NULL, *passf = NULL, *cmd;
	struct anpr_store *st;
	char err[512];
	int o, rc;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': db = optarg; break;
		case 'p': pub = optarg; break;
		case 'k': keyp = optarg; break;
		case 'P': passf = optarg; break;
		case 'V': printf("anpr-audit %s\n", ANPR_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || !db) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "seal") == 0 && !keyp) {
		fprintf(stderr, "anpr-audit: seal needs --key FILE (the back office's "
			"secret key, anpr-keygen)\n");
		return 2;
	}
	if (strcmp(cmd, "verify") != 0 && strcmp(cmd, "seal") != 0) {
		fprintf(stderr, "anpr-audit: no command '%s' (verify or seal)\n", cmd);
		return 2;
	}
	if (ev_init() != 0 || anpr_store_open(&st, db, err, sizeof err) != 0) {
		fprintf(stderr, "anpr-audit: %s\n", err);
		return 2;
	}
	rc = strcmp(cmd, "verify") == 0 ? verify(st, pub) : seal(st, keyp, passf);
	anpr_store_close(st);
	return rc;
}
