/* SPDX-License-Identifier: MIT */
/*
 * minisig.c - minisign-compatible keys and detached signatures with
 * libsodium (Ed25519; BLAKE2b-512 prehash, "ED"). Pure: buffers in,
 * buffers out; key files are read and written by keyfile.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "evidence/evidence.h"
#include "evidence/secmem.h"

int ev_init(void)
{
	return sodium_init() < 0 ? EV_EIO : 0;
}

static uint64_t le64_load(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void le64_store(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

void ev_key_id(const uint8_t keynum[EV_KEYNUM_LEN], char out[17])
{
	snprintf(out, 17, "%016" PRIX64, le64_load(keynum));
}

void ev_key_fingerprint(const struct ev_key *k, char out[EV_HASH_HEX + 1])
{
	uint8_t h[EV_HASH_LEN];

	crypto_hash_sha256(h, k->pk, EV_PK_LEN);
	ev_hex(h, EV_HASH_LEN, out);
}

int ev_key_generate(struct ev_key *k)
{
	uint8_t *sk;

	memset(k, 0, sizeof *k);
	randombytes_buf(k->keynum, sizeof k->keynum);
	sk = ev_key_new_secret(k);
	if (!sk)
		return EV_ENOMEM;
	if (crypto_sign_keypair(k->pk, sk) != 0) {
		ev_key_free(k);
		return EV_EIO;
	}
	ev_burn_stack();
	return 0;
}

void ev_pubkey_b64(const struct ev_key *k, char *out, size_t cap)
{
	struct ev_ms_pubkey p;

	memcpy(p.sig_alg, EV_MS_SIGALG, 2);
	memcpy(p.keynum, k->keynum, EV_KEYNUM_LEN);
	memcpy(p.pk, k->pk, EV_PK_LEN);
	sodium_bin2base64(out, cap, (const uint8_t *)&p, sizeof p,
			  sodium_base64_VARIANT_ORIGINAL);
}

int ev_pubkey_from_b64(const char *b64, struct ev_key *k, const char *name,
		       char *err, size_t errlen)
{
	struct ev_ms_pubkey p;
	size_t n = 0;

	memset(k, 0, sizeof *k);
	if (sodium_base642bin((uint8_t *)&p, sizeof p, b64, strlen(b64), NULL,
			      &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof p) {
		snprintf(err, errlen,
			 "%s: not a minisign public key (bad base64 or "
			 "length)", name);
		return EV_EFORMAT;
	}
	if (memcmp(p.sig_alg, EV_MS_SIGALG, 2) != 0) {
		snprintf(err, errlen,
			 "%s: unsupported key algorithm (not Ed25519 \"Ed\")",
			 name);
		return EV_EFORMAT;
	}
	memcpy(k->keynum, p.keynum, EV_KEYNUM_LEN);
	memcpy(k->pk, p.pk, EV_PK_LEN);
	return 0;
}

int ev_pubkey_encode(const struct ev_key *k, char *out, size_t cap,
		     size_t *len)
{
	char b64[EV_MS_PUBKEY_B64_LEN + 1], id[17];
	int n;

	ev_pubkey_b64(k, b64, sizeof b64);
	ev_key_id(k->keynum, id);
	n = snprintf(out, cap, EV_MS_UNTRUSTED_PREFIX
		     "minisign public key %s\n%s\n", id, b64);
	if (n < 0 || (size_t)n >= cap)
		return EV_EINVAL;
	*len = (size_t)n;
	return 0;
}

/* Split text into lines at LF. A line ends at its first CR, as minisign's
 * trim() makes it end (it cuts at every CR and LF), or at a NUL, and nothing else is
 * taken off: a blank or tab at the end stays part of the line, so that a
 * signature minisign rejects is rejected here too (tests/adversary/
 * signatures.sh runs both on the same files). Returns the number of lines
 * found, at most max. */
static size_t split_lines(const char *buf, size_t len, const char **ls,
			  size_t *ll, size_t *raw, size_t max)
{
	size_t n = 0, off = 0;

	while (off < len && n < max) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (buf + off)) : len - off;
		size_t cut = 0;

		/* minisign's C strings also end at a NUL */
		while (cut < l && buf[off + cut] != '\r' &&
		       buf[off + cut] != '\0')
			cut++;
		ls[n] = buf + off;
		if (raw)
			raw[n] = l;
		ll[n++] = cut;
		off += (nl ? (size_t)(nl - (buf + off)) + 1 : len - off);
	}
	return n;
}

static int b64_decode(const char *s, size_t sl, void *bin, size_t binlen)
{
	size_t n = 0;

	if (sodium_base642bin(bin, binlen, s, sl, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != binlen)
		return -1;
	return 0;
}

int ev_pubkey_parse(const char *buf, size_t len, const char *name,
		    struct ev_key *k, char *err, size_t errlen)
{
	const char *ls[2];
	size_t ll[2], raw[2];
	char line[EV_MS_PUBKEY_B64_LEN + 8];

	if (split_lines(buf, len, ls, ll, raw, 2) < 2) {
		snprintf(err, errlen,
			 "%s: not a minisign public key file (needs a comment "
			 "line and a key line)", name);
		return EV_EFORMAT;
	}
	/* minisign reads the comment with fgets into 1024 bytes */
	if (raw[0] > EV_MS_COMMENT_MAX - 2) {
		snprintf(err, errlen, "%s: line 1: comment too long", name);
		return EV_EFORMAT;
	}
	if (ll[0] < strlen(EV_MS_UNTRUSTED_PREFIX) ||
	    memcmp(ls[0], EV_MS_UNTRUSTED_PREFIX,
		   strlen(EV_MS_UNTRUSTED_PREFIX)) != 0) {
		snprintf(err, errlen,
			 "%s: line 1 does not start with \"%s\"", name,
			 EV_MS_UNTRUSTED_PREFIX);
		return EV_EFORMAT;
	}
	if (ll[1] >= sizeof line) {
		snprintf(err, errlen, "%s: line 2: key too long", name);
		return EV_EFORMAT;
	}
	memcpy(line, ls[1], ll[1]);
	line[ll[1]] = '\0';
	return ev_pubkey_from_b64(line, k, name, err, errlen);
}

static void seckey_chk(const struct ev_ms_seckey *s, uint8_t chk[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, s->sig_alg, sizeof s->sig_alg);
	crypto_generichash_update(&st, s->keynum, sizeof s->keynum);
	crypto_generichash_update(&st, s->sk, sizeof s->sk);
	crypto_generichash_final(&st, chk, 32);
	sodium_memzero(&st, sizeof st);
}

/* XOR keynum || sk || chk with scrypt(passphrase); the scrypt output is
 * a key too, so it is made in secure memory. */
static int seckey_crypt(struct ev_ms_seckey *s, const char *pass)
{
	enum { STREAM_LEN = EV_KEYNUM_LEN + EV_SK_LEN + 32 };
	uint8_t *stream = ev_secure_alloc(STREAM_LEN);
	uint8_t *p = s->keynum;
	int rc = -1;

	if (stream &&
	    crypto_pwhash_scryptsalsa208sha256(
		    stream, STREAM_LEN, pass, strlen(pass), s->kdf_salt,
		    le64_load(s->kdf_opslimit_le),
		    (size_t)le64_load(s->kdf_memlimit_le)) == 0) {
		for (size_t i = 0; i < STREAM_LEN; i++)
			p[i] ^= stream[i];
		rc = 0;
	}
	ev_secure_free(stream);
	return rc;
}

/* The file text of s (the key's whole secret) into out. */
static int seckey_text(const struct ev_ms_seckey *s, bool encrypted,
		       char *out, size_t cap, size_t *len)
{
	enum { B64_LEN = sodium_base64_ENCODED_LEN(
		       sizeof(struct ev_ms_seckey),
		       sodium_base64_VARIANT_ORIGINAL) };
	char *b64 = ev_secure_alloc(B64_LEN);
	int n, rc = 0;

	if (!b64)
		return EV_ENOMEM;
	sodium_bin2base64(b64, B64_LEN, (const uint8_t *)s, sizeof *s,
			  sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, cap, EV_MS_UNTRUSTED_PREFIX "minisign %s secret "
		     "key\n%s\n", encrypted ? "encrypted" : "unencrypted", b64);
	if (n < 0 || (size_t)n >= cap)
		rc = EV_EINVAL;
	else
		*len = (size_t)n;
	ev_secure_free(b64);
	return rc;
}

int ev_seckey_encode(const struct ev_key *k, const char *passphrase,
		     char *out, size_t cap, size_t *len)
{
	struct ev_ms_seckey *s;
	int rc = 0;

	if (!ev_key_has_secret(k))
		return EV_EINVAL;
	s = ev_secure_alloc(sizeof *s);
	if (!s)
		return EV_ENOMEM;
	memset(s, 0, sizeof *s);
	memcpy(s->sig_alg, EV_MS_SIGALG, 2);
	memcpy(s->chk_alg, EV_MS_CHKALG, 2);
	memcpy(s->keynum, k->keynum, EV_KEYNUM_LEN);
	memcpy(s->sk, ev_key_sk(k), EV_SK_LEN);
	seckey_chk(s, s->chk);
	if (passphrase) {
		memcpy(s->kdf_alg, EV_MS_KDF_SCRYPT, 2);
		randombytes_buf(s->kdf_salt, sizeof s->kdf_salt);
		le64_store(s->kdf_opslimit_le, EV_KDF_OPSLIMIT);
		le64_store(s->kdf_memlimit_le, EV_KDF_MEMLIMIT);
		if (seckey_crypt(s, passphrase) != 0)
			rc = EV_ENOMEM;
	} else {
		memcpy(s->kdf_alg, EV_MS_KDF_NONE, 2);
	}
	if (!rc)
		rc = seckey_text(s, passphrase != NULL, out, cap, len);
	ev_secure_free(s);
	ev_burn_stack();
	return rc;
}

/* The key line of a secret key file's text (*line, *ll bytes). */
static int seckey_line(const char *buf, size_t len, const char *name,
		       const char **line, size_t *ll, char *err,
		       size_t errlen)
{
	const char *ls[2];
	size_t lens[2];

	if (split_lines(buf, len, ls, lens, NULL, 2) < 2 ||
	    lens[0] < strlen(EV_MS_UNTRUSTED_PREFIX) ||
	    memcmp(ls[0], EV_MS_UNTRUSTED_PREFIX,
		   strlen(EV_MS_UNTRUSTED_PREFIX)) != 0) {
		snprintf(err, errlen,
			 "%s: not a minisign secret key file (comment line "
			 "and key line expected)", name);
		return EV_EFORMAT;
	}
	*line = ls[1];
	*ll = lens[1];
	return 0;
}

/* The key line into s (secure memory). */
static int seckey_decode(const char *line, size_t ll, const char *name,
			 struct ev_ms_seckey *s, char *err, size_t errlen)
{
	if (b64_decode(line, ll, s, sizeof *s) != 0) {
		snprintf(err, errlen,
			 "%s: line 2: not a minisign secret key (bad base64 "
			 "or length)", name);
		return EV_EFORMAT;
	}
	if (memcmp(s->sig_alg, EV_MS_SIGALG, 2) != 0 ||
	    memcmp(s->chk_alg, EV_MS_CHKALG, 2) != 0) {
		snprintf(err, errlen, "%s: unsupported signature or checksum "
			 "algorithm", name);
		return EV_EFORMAT;
	}
	return 0;
}

/* Decrypt s if it is encrypted, and check its checksum. */
static int seckey_open(struct ev_ms_seckey *s, const char *name,
		       const char *passphrase, char *err, size_t errlen)
{
	bool scrypt = memcmp(s->kdf_alg, EV_MS_KDF_SCRYPT, 2) == 0;
	uint8_t chk[32];
	int rc = 0;

	if (scrypt) {
		if (!passphrase) {
			snprintf(err, errlen, "%s: the key is encrypted and "
				 "no passphrase was given", name);
			return EV_EKEY;
		}
		if (le64_load(s->kdf_memlimit_le) > (1ULL << 31) ||
		    seckey_crypt(s, passphrase) != 0) {
			snprintf(err, errlen, "%s: scrypt parameters refused",
				 name);
			return EV_EFORMAT;
		}
	} else if (memcmp(s->kdf_alg, EV_MS_KDF_NONE, 2) != 0) {
		snprintf(err, errlen, "%s: unsupported key derivation "
			 "function", name);
		return EV_EFORMAT;
	}
	seckey_chk(s, chk);
	if (sodium_memcmp(chk, s->chk, sizeof chk) != 0) {
		snprintf(err, errlen, "%s: %s", name,
			 passphrase && scrypt
			 ? "wrong passphrase for this key"
			 : "checksum mismatch (corrupted key file)");
		rc = EV_EKEY;
	}
	sodium_memzero(chk, sizeof chk);
	return rc;
}

int ev_seckey_parse(const char *buf, size_t len, const char *name,
		    const char *passphrase, struct ev_key *k, char *err,
		    size_t errlen)
{
	struct ev_ms_seckey *s;
	const char *line;
	size_t ll;
	uint8_t *sk = NULL;
	int rc;

	memset(k, 0, sizeof *k);
	rc = seckey_line(buf, len, name, &line, &ll, err, errlen);
	if (rc)
		return rc;
	/* the decoded (and decrypted) key is the secret itself */
	s = ev_secure_alloc(sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", name);
		return EV_ENOMEM;
	}
	rc = seckey_decode(line, ll, name, s, err, errlen);
	if (!rc)
		rc = seckey_open(s, name, passphrase, err, errlen);
	if (!rc && !(sk = ev_key_new_secret(k))) {
		snprintf(err, errlen, "%s: out of memory", name);
		rc = EV_ENOMEM;
	}
	if (!rc) {
		memcpy(k->keynum, s->keynum, EV_KEYNUM_LEN);
		memcpy(sk, s->sk, EV_SK_LEN);
		crypto_sign_ed25519_sk_to_pk(k->pk, sk);
	}
	ev_secure_free(s);
	return rc;
}

int ev_sign(const struct ev_key *k, const void *msg, size_t msglen,
	    const char *trusted_comment, char *out, size_t cap, size_t *len)
{
	struct ev_ms_sig s;
	uint8_t h[crypto_generichash_BYTES_MAX];
	uint8_t gbuf[EV_SIG_LEN + EV_MS_TRUSTED_MAX], gsig[EV_SIG_LEN];
	char sb64[EV_MS_SIG_B64_LEN + 1], gb64[EV_MS_GSIG_B64_LEN + 1], id[17];
	size_t tcl = strlen(trusted_comment);
	int n;

	if (!ev_key_has_secret(k) || tcl >= EV_MS_TRUSTED_MAX ||
	    strchr(trusted_comment, '\n'))
		return EV_EINVAL;
	memcpy(s.sig_alg, EV_MS_SIGALG_HASHED, 2);
	memcpy(s.keynum, k->keynum, EV_KEYNUM_LEN);
	crypto_generichash(h, sizeof h, msg, msglen, NULL, 0);
	crypto_sign_detached(s.sig, NULL, h, sizeof h, ev_key_sk(k));
	memcpy(gbuf, s.sig, EV_SIG_LEN);
	/* signed bytes, not a C string */
	memcpy(gbuf + EV_SIG_LEN, trusted_comment, tcl); /* NOLINT(bugprone-not-null-terminated-result) */
	crypto_sign_detached(gsig, NULL, gbuf, EV_SIG_LEN + tcl, ev_key_sk(k));
	ev_burn_stack();	/* what Ed25519 left of the signing scalar */
	sodium_bin2base64(sb64, sizeof sb64, (const uint8_t *)&s, sizeof s,
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(gb64, sizeof gb64, gsig, sizeof gsig,
			  sodium_base64_VARIANT_ORIGINAL);
	ev_key_id(k->keynum, id);
	n = snprintf(out, cap,
		     EV_MS_UNTRUSTED_PREFIX "signature from anpr camera key "
		     "%s\n%s\n" EV_MS_TRUSTED_PREFIX "%s\n%s\n",
		     id, sb64, trusted_comment, gb64);
	if (n < 0 || (size_t)n >= cap)
		return EV_EINVAL;
	*len = (size_t)n;
	return 0;
}

struct parsed_sig {
	struct ev_ms_sig s;
	uint8_t gsig[EV_SIG_LEN];
	const char *tc;
	size_t tcl;
};

static int sig_parse(const char *sig, size_t siglen, const char *name,
		     struct parsed_sig *p, char *err, size_t errlen)
{
	const char *ls[4];
	size_t ll[4], raw[4];
	size_t tp = strlen(EV_MS_TRUSTED_PREFIX);

	if (split_lines(sig, siglen, ls, ll, raw, 4) < 4) {
		snprintf(err, errlen,
			 "%s: not a minisign signature (4 lines expected)",
			 name);
		return EV_EFORMAT;
	}
	/* minisign reads lines with fgets into buffers of 1024 and 8192
	 * bytes (the LF and NUL included), and refuses a longer line; it
	 * takes a NUL in lines 1-3 for a line without its end, too */
	for (int i = 0; i < 3; i++)
		if (memchr(ls[i], '\0', raw[i])) {
			snprintf(err, errlen, "%s: line %d: NUL byte", name,
				 i + 1);
			return EV_EFORMAT;
		}
	if (raw[0] > EV_MS_COMMENT_MAX - 2) {
		snprintf(err, errlen, "%s: line 1: untrusted comment too long",
			 name);
		return EV_EFORMAT;
	}
	if (raw[2] > EV_MS_TRUSTED_MAX - 2) {
		snprintf(err, errlen, "%s: trusted comment too long", name);
		return EV_EFORMAT;
	}
	if (ll[0] < strlen(EV_MS_UNTRUSTED_PREFIX) ||
	    memcmp(ls[0], EV_MS_UNTRUSTED_PREFIX,
		   strlen(EV_MS_UNTRUSTED_PREFIX)) != 0) {
		snprintf(err, errlen, "%s: line 1 does not start with \"%s\"",
			 name, EV_MS_UNTRUSTED_PREFIX);
		return EV_EFORMAT;
	}
	if (b64_decode(ls[1], ll[1], &p->s, sizeof p->s) != 0) {
		snprintf(err, errlen, "%s: line 2: bad base64 or length "
			 "(signature damaged)", name);
		return EV_EFORMAT;
	}
	if (memcmp(p->s.sig_alg, EV_MS_SIGALG_HASHED, 2) != 0) {
		snprintf(err, errlen, "%s: line 2: signature algorithm is not "
			 "\"ED\" (prehashed Ed25519)", name);
		return EV_EFORMAT;
	}
	if (ll[2] < tp || memcmp(ls[2], EV_MS_TRUSTED_PREFIX, tp) != 0) {
		snprintf(err, errlen, "%s: line 3 does not start with \"%s\"",
			 name, EV_MS_TRUSTED_PREFIX);
		return EV_EFORMAT;
	}
	p->tc = ls[2] + tp;
	p->tcl = ll[2] - tp;
	if (p->tcl >= EV_MS_TRUSTED_MAX) {
		snprintf(err, errlen, "%s: trusted comment too long", name);
		return EV_EFORMAT;
	}
	if (b64_decode(ls[3], ll[3], p->gsig, sizeof p->gsig) != 0) {
		snprintf(err, errlen, "%s: line 4: bad base64 or length "
			 "(global signature damaged)", name);
		return EV_EFORMAT;
	}
	return 0;
}

int ev_sig_keynum(const char *sig, size_t siglen,
		  uint8_t keynum[EV_KEYNUM_LEN])
{
	struct parsed_sig p;
	char e[8];

	if (sig_parse(sig, siglen, "-", &p, e, sizeof e) != 0)
		return EV_EFORMAT;
	memcpy(keynum, p.s.keynum, EV_KEYNUM_LEN);
	return 0;
}

int ev_verify_sig(const struct ev_key *k, const void *msg, size_t msglen,
		  const char *sig, size_t siglen, const char *name,
		  char *tc, size_t tccap, char *err, size_t errlen)
{
	struct parsed_sig p;
	uint8_t h[crypto_generichash_BYTES_MAX];
	uint8_t gbuf[EV_SIG_LEN + EV_MS_TRUSTED_MAX];
	char a[17], b[17];
	int rc;

	rc = sig_parse(sig, siglen, name, &p, err, errlen);
	if (rc)
		return rc;
	if (memcmp(p.s.keynum, k->keynum, EV_KEYNUM_LEN) != 0) {
		ev_key_id(p.s.keynum, a);
		ev_key_id(k->keynum, b);
		snprintf(err, errlen, "%s: signed by key %s, not by key %s",
			 name, a, b);
		return EV_EKEY;
	}
	crypto_generichash(h, sizeof h, msg, msglen, NULL, 0);
	if (crypto_sign_verify_detached(p.s.sig, h, sizeof h, k->pk) != 0) {
		snprintf(err, errlen, "%s: signature does not match the "
			 "signed file (file or signature altered)", name);
		return EV_ESIG;
	}
	memcpy(gbuf, p.s.sig, EV_SIG_LEN);
	memcpy(gbuf + EV_SIG_LEN, p.tc, p.tcl);
	if (crypto_sign_verify_detached(p.gsig, gbuf, EV_SIG_LEN + p.tcl,
					k->pk) != 0) {
		snprintf(err, errlen, "%s: trusted comment signature does "
			 "not verify (comment altered)", name);
		return EV_ESIG;
	}
	if (tc) {
		size_t n = p.tcl < tccap - 1 ? p.tcl : tccap - 1;
		memcpy(tc, p.tc, n);
		tc[n] = '\0';
	}
	return 0;
}
