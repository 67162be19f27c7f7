// SPDX-License-Identifier: MIT
/*
 * preflight.c - anprd's start-up checks, shared by `anprd --check-config`
 * and `anprd-checkconf` (preflight.h). Each check uses the code the
 * daemon itself starts with (the hotlist loader, the key loader, the
 * upload URL rule), so the two cannot disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anprd/preflight.h"
#include "upload/upload.h"

int anprd_key_passphrase(const char *file, char *out, size_t cap, char *err,
			 size_t errlen)
{
	char path[512];
	const char *dir = getenv("CREDENTIALS_DIRECTORY");

	out[0] = '\0';
	if (file)
		return ev_read_passphrase(file, out, cap, err, errlen) ? -1 : 1;
	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/signing-key.passphrase", dir);
	if (access(path, R_OK) != 0)
		return 0;
	return ev_read_credential_passphrase(path, out, cap, err, errlen) ? -1 : 1;
}

int anprd_load_signing_key(const char *key_path, const char *passphrase_file,
			   struct ev_key *key, char *err, size_t errlen)
{
	enum { PASS_MAX = 1024 };
	char *pass = ev_secure_alloc(PASS_MAX);
	int have, rc;

	if (!pass) {
		snprintf(err, errlen, "%s: out of memory", key_path);
		return -1;
	}
	have = anprd_key_passphrase(passphrase_file, pass, PASS_MAX, err, errlen);
	rc = have < 0 ? -1
		      : ev_key_load_secret(key_path, have ? pass : NULL, key, err, errlen);
	ev_secure_free(pass);
	return rc ? -1 : 0;
}

int anprd_load_hotlists(const struct anprd_config *cfg, struct hotlist **out,
			char *err, size_t errlen)
{
	const char *paths[ANPRD_MAX_HOTLISTS];

	for (int i = 0; i < cfg->hotlists.nfiles; i++)
		paths[i] = cfg->hotlists.files[i];
	return hotlist_load(paths, cfg->hotlists.nfiles, out, err, errlen);
}

/* A source's URI, where it can be checked without opening the camera
 * (which a running anprd holds): a file: recording must be a readable file
 * or directory, a v4l2: device a character device. usb: and libcamera:
 * sources are found by enumeration at start; they are not checked here. */
static int check_source(const struct anprd_source *s, char *why, size_t len)
{
	struct stat st;
	const char *p;

	if (strncmp(s->uri, "file:", 5) == 0) {
		p = s->uri + 5;
		if (stat(p, &st) != 0) {
			snprintf(why, len, "%s: %s", p, strerror(errno));
			return -1;
		}
		if ((!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) || access(p, R_OK) != 0) {
			snprintf(why, len, "%s: not a readable file or directory", p);
			return -1;
		}
		snprintf(why, len, "%s", s->uri);
		return 0;
	}
	if (strncmp(s->uri, "v4l2:", 5) == 0) {
		p = s->uri + 5;
		if (stat(p, &st) != 0) {
			snprintf(why, len, "%s: %s (is the camera connected, the driver "
				 "loaded?)", p, strerror(errno));
			return -1;
		}
		if (!S_ISCHR(st.st_mode)) {
			snprintf(why, len, "%s: not a character device", p);
			return -1;
		}
		snprintf(why, len, "%s", s->uri);
		return 0;
	}
	snprintf(why, len, "%s (found at start, not checked here)", s->uri);
	return 0;
}

/* The spool directory: a real directory anprd can write, or one it can
 * make in a writable parent. */
static int check_spool(const char *dir, char *why, size_t len)
{
	struct stat st;
	char parent[ANPRD_PATH_MAX + 1];
	char *slash;

	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: not a directory%s", dir,
				 S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
			return -1;
		}
		if (access(dir, W_OK | X_OK) != 0) {
			snprintf(why, len, "%s: not writable by this user", dir);
			return -1;
		}
		snprintf(why, len, "%s", dir);
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	else
		snprintf(parent, sizeof(parent), "%s", slash ? "/" : ".");
	if (access(parent, W_OK | X_OK) != 0) {
		snprintf(why, len, "%s does not exist and %s is not writable by this user",
			 dir, parent);
		return -1;
	}
	snprintf(why, len, "%s (made at start)", dir);
	return 0;
}

/* [upload] url: what anpr-upload accepts, and not ending in the path it
 * appends itself. */
static int check_upload_url(const char *url, char *why, size_t len)
{
	size_t n = strlen(url), p = strlen(UPLOAD_PATH);

	if (!*url) {
		snprintf(why, len, "no [upload] url: records stay in the spool");
		return 0;
	}
	if (strncmp(url, "https://", 8) != 0) {
		snprintf(why, len, "'%s': must be https:// (anpr-upload sends nothing "
			 "over plain HTTP)", url);
		return -1;
	}
	if (n >= p && strcmp(url + n - p, UPLOAD_PATH) == 0) {
		snprintf(why, len, "'%s': ends in %s, which anpr-upload appends "
			 "itself: give the back office's base URL", url, UPLOAD_PATH);
		return -1;
	}
	snprintf(why, len, "%s (%s%s)", url, url, UPLOAD_PATH);
	return 0;
}

int anprd_preflight(const struct anprd_config *cfg, const char *passphrase_file,
		    FILE *out)
{
	char why[1400], err[1024];
	struct hotlist *hl = NULL;
	struct ev_key key;
	int fails = 0;

#define LINE(ok, what, ...) do {					\
		fprintf(out, "  %-4s %s: ", (ok) ? "ok" : "FAIL", what);	\
		fprintf(out, __VA_ARGS__);				\
		fputc('\n', out);					\
		if (!(ok))						\
			fails++;					\
	} while (0)

	if (anprd_load_hotlists(cfg, &hl, err, sizeof(err)) == 0) {
		LINE(1, "hotlists", "%d file%s, %zu entr%s (%zu wildcard%s)",
		     cfg->hotlists.nfiles, cfg->hotlists.nfiles == 1 ? "" : "s",
		     hotlist_count(hl), hotlist_count(hl) == 1 ? "y" : "ies",
		     hotlist_wildcard_count(hl), hotlist_wildcard_count(hl) == 1 ? "" : "s");
		hotlist_free(hl);
	} else {
		LINE(0, "hotlists", "%s", err);
	}
	if (ev_init() != 0) {
		LINE(0, "signing key", "libsodium cannot be initialised");
	} else if (anprd_load_signing_key(cfg->keys.signing_key, passphrase_file, &key,
					  err, sizeof(err)) == 0) {
		char id[17];

		ev_key_id(key.keynum, id);
		LINE(1, "signing key", "%s opens (key id %s)", cfg->keys.signing_key, id);
		ev_key_free(&key);
	} else {
		LINE(0, "signing key", "%s", err);
	}
	for (int i = 0; i < cfg->nsources; i++) {
		char what[ANPRD_ID_MAX + 16];
		int rc = check_source(&cfg->sources[i], why, sizeof(why));

		snprintf(what, sizeof(what), "source %s", cfg->sources[i].name);
		LINE(rc == 0, what, "%s", why);
	}
	LINE(check_spool(cfg->spool.dir, why, sizeof(why)) == 0, "spool", "%s", why);
	LINE(check_upload_url(cfg->upload.url, why, sizeof(why)) == 0, "upload", "%s", why);
#undef LINE
	return fails;
}
