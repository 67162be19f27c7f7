// SPDX-License-Identifier: MIT
/*
 * upload_spool.c - which records the spool holds, in upload order, and
 * deleting one after its acknowledgement. Spool layout: docs/spool.md
 * (records/XXXXXXXX/NNNNNNNNNNNN.rec, .rec.minisig, images beside them;
 * head-NNNNNNNNNNNN names the newest committed record).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "evidence/evidence_format.h"
#include "upload/upload.h"

/* The newest committed seq, from the name of the head file. */
static int read_head(const char *dir, uint64_t *head, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*head = 0;
	if (!d) {
		snprintf(err, errlen, "%s: cannot open spool: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		uint64_t v;
		char tail;

		if (sscanf(e->d_name, "head-%" SCNu64 "%c", &v, &tail) == 1 && v > *head)
			*head = v;
	}
	closedir(d);
	return 0;
}

static int sha256_file(const char *path, char hex[65])
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], out[32];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	fclose(f);
	crypto_hash_sha256_final(&st, out);
	sodium_bin2hex(hex, 65, out, sizeof(out));
	return 0;
}

/* Reads the fields the uploader needs from a record (key=value lines). */
static int parse_record(const char *path, struct upload_item *it, char *plate, char *overview,
			size_t cap)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	plate[0] = overview[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
		if (strcmp(line, "record_id") == 0) {
			snprintf(it->record_id, sizeof(it->record_id), "%s", v);
		} else if (strcmp(line, "hotlist") == 0) {
			it->hit = strcmp(v, "-") != 0 && v[0];
		} else if (strcmp(line, "type") == 0) {
			it->checkpoint = strcmp(v, "checkpoint") == 0;
			it->rotation = strcmp(v, "key-rotation") == 0;
		} else if (strcmp(line, "plate_image") == 0 && strcmp(v, "-") != 0) {
			snprintf(plate, cap, "%s", v);
		} else if (strcmp(line, "overview_image") == 0 && strcmp(v, "-") != 0) {
			snprintf(overview, cap, "%s", v);
		}
	}
	fclose(f);
	return it->record_id[0] ? 0 : -1;
}

static int cmp_items(const void *a, const void *b)
{
	const struct upload_item *x = a, *y = b;

	/* key rotations first (oldest first among them: each is signed by
	 * the key the one before it handed over to), then hits, then the
	 * rest, oldest first */
	if (x->rotation != y->rotation)
		return y->rotation - x->rotation;
	if (x->hit != y->hit)
		return y->hit - x->hit;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void upload_order(struct upload_item *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_items);
}

uint64_t upload_keep_from(const struct upload_item *items, size_t n, uint64_t head)
{
	uint64_t cp = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].checkpoint && items[i].seq > cp)
			cp = items[i].seq;
	if (cp == 0)
		return 1;	/* no checkpoint: the writer needs them all */
	return cp < head ? cp : head;
}

/* An image named by a record must be a plain name in the same directory. */
static int plain_name(const char *s)
{
	return s[0] && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

long upload_scan(const char *dir, struct upload_item **items, uint64_t *head,
		 char *err, size_t errlen)
{
	char recdir[512], sub[1024];
	struct upload_item *v = NULL;
	size_t n = 0, cap = 0;
	DIR *d, *sd;
	struct dirent *e, *r;

	*items = NULL;
	if (read_head(dir, head, err, errlen))
		return -1;
	snprintf(recdir, sizeof(recdir), "%s/records", dir);
	d = opendir(recdir);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* nothing written yet */
		snprintf(err, errlen, "%s: %s", recdir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", recdir, e->d_name);
		/* only the writer's shards (8 digits, real directories): a link
		 * in their place would have records deleted elsewhere */
		{
			struct stat st;

			if (strlen(e->d_name) != 8 ||
			    strspn(e->d_name, "0123456789") != 8 ||
			    lstat(sub, &st) || !S_ISDIR(st.st_mode))
				continue;
		}
		sd = opendir(sub);
		if (!sd)
			continue;
		while ((r = readdir(sd))) {
			struct upload_item it;
			char plate[256], overview[256];
			const char *sfx = "";
			uint64_t seq;

			/* only SSSSSSSSSSSS.rec (the writer's names exactly:
			 * sscanf's "%llu" took "+12.rec" and " 12.rec" too),
			 * committed (<= head) */
			seq = ev_rec_name_seq(r->d_name, &sfx);
			if (seq == 0 || strcmp(sfx, EV_SUFFIX_REC) != 0 || seq > *head)
				continue;
			memset(&it, 0, sizeof(it));
			it.seq = seq;
			snprintf(it.files[0], sizeof(it.files[0]), "%s/%s", sub, r->d_name);
			snprintf(it.names[0], sizeof(it.names[0]), "record");
			snprintf(it.files[1], sizeof(it.files[1]), "%s/%s.minisig", sub, r->d_name);
			snprintf(it.names[1], sizeof(it.names[1]), "signature");
			it.nfiles = 2;
			if (parse_record(it.files[0], &it, plate, overview, sizeof(plate)) ||
			    sha256_file(it.files[0], it.sha256))
				continue;	/* vanished or not ours: anpr-verify's concern */
			/* a key rotation's second signature, by the new key
			 * (docs/upload-protocol.md: without it the back office
			 * cannot show the new key's hand-over in an export) */
			{
				struct stat st;

				snprintf(it.files[it.nfiles], sizeof(it.files[0]),
					 "%s/%s.new.minisig", sub, r->d_name);
				if (it.rotation &&
				    lstat(it.files[it.nfiles], &st) == 0 &&
				    S_ISREG(st.st_mode))
					snprintf(it.names[it.nfiles++],
						 sizeof(it.names[0]), "new_signature");
			}
			if (plain_name(plate)) {
				snprintf(it.files[it.nfiles], sizeof(it.files[0]), "%s/%s", sub, plate);
				snprintf(it.names[it.nfiles++], sizeof(it.names[0]), "plate_image");
			}
			if (plain_name(overview)) {
				snprintf(it.files[it.nfiles], sizeof(it.files[0]), "%s/%s", sub, overview);
				snprintf(it.names[it.nfiles++], sizeof(it.names[0]), "overview_image");
			}
			if (n == cap) {
				struct upload_item *nv;

				cap = cap ? cap * 2 : 256;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					closedir(sd);
					closedir(d);
					snprintf(err, errlen, "%s: out of memory", dir);
					return -1;
				}
				v = nv;
			}
			v[n++] = it;
		}
		closedir(sd);
	}
	closedir(d);
	upload_order(v, n);
	*items = v;
	return (long)n;
}

static int fsync_dir_of(const char *path)
{
	char dir[1600];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* 1 if paths a and b name files in the same directory */
static int same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;

	return la == lb && strncmp(a, b, la) == 0;
}

static int write_line_sync(const char *path, int flags, const char *text, char *err,
			   size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0640);
	size_t len = strlen(text);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd);
}

/* A marker line may name only a file of a record in a spool shard,
 * .../records/NNNNNNNN/SSSSSSSSSSSS followed by .rec, .rec.minisig,
 * .rec.new.minisig, .plate.jpg or .overview.jpg, in a shard and records/
 * that are directories, not links: the marker lives in the state
 * directory, and a line planted there (or a shard replaced by a link to
 * the key directory) must not make anpr-upload delete anything else. */
static int deletable(const char *path)
{
	static const char *const sfx[] = {
		".rec", ".rec.minisig", ".rec.new.minisig", ".plate.jpg",
		".overview.jpg",
	};
	const char *name = strrchr(path, '/'), *shard, *records;
	char dir[1600];
	struct stat st;
	size_t i;

	if (!name || name == path || strstr(path, "/../") || strstr(path, "/./"))
		return 0;
	for (shard = name - 1; shard > path && shard[-1] != '/'; shard--)
		;
	if (shard == path || name - shard != 8 ||
	    strspn(shard, "0123456789") != 8 || shard - path < 9 ||
	    strncmp(shard - 9, "/records/", 9) != 0 ||
	    strspn(name + 1, "0123456789") != 12)
		return 0;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (strcmp(name + 13, sfx[i]) == 0)
			break;
	if (i == sizeof(sfx) / sizeof(sfx[0]))
		return 0;
	records = shard - 1;
	snprintf(dir, sizeof(dir), "%.*s", (int)(name - path), path);
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(records - path), path);
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Deletes the files listed in the marker (one path a line), syncs each
 * directory they were in (once per run of files in the same directory),
 * removes the marker. A line that names anything but a record's file
 * stops it before anything is deleted. */
static int finish_delete(const char *marker, char *err, size_t errlen)
{
	char path[1600], last[1600] = "";
	FILE *f = fopen(marker, "r");

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(path, sizeof(path), f)) {
		path[strcspn(path, "\n")] = '\0';
		if (path[0] && !deletable(path)) {
			snprintf(err, errlen, "%s: names %.600s, which is not a file "
				 "of a record in a spool shard (or is reached through a "
				 "link): refusing to delete anything it lists", marker,
				 path);
			fclose(f);
			return -1;
		}
	}
	rewind(f);
	while (fgets(path, sizeof(path), f)) {
		path[strcspn(path, "\n")] = '\0';
		if (!path[0])
			continue;
		if (unlink(path) && errno != ENOENT) {
			snprintf(err, errlen, "%s: cannot delete: %s", path, strerror(errno));
			fclose(f);
			return -1;
		}
		if (last[0] && !same_dir(last, path) && fsync_dir_of(last)) {
			snprintf(err, errlen, "%s: cannot sync directory: %s", last,
				 strerror(errno));
			fclose(f);
			return -1;
		}
		snprintf(last, sizeof(last), "%s", path);
	}
	fclose(f);
	if (last[0] && fsync_dir_of(last)) {
		snprintf(err, errlen, "%s: cannot sync directory: %s", last, strerror(errno));
		return -1;
	}
	return unlink(marker);
}

int upload_recover(const char *state_dir, char *err, size_t errlen)
{
	char marker[512];

	snprintf(marker, sizeof(marker), "%s/deleting", state_dir);
	return finish_delete(marker, err, errlen);
}

int upload_commit_batch(const char *state_dir, const struct upload_item *const *items,
			size_t n, char *err, size_t errlen)
{
	char ledger[512], marker[512];
	size_t cap = n * (UPLOAD_MAX_FILES * 1540 + 256) + 1, off = 0;
	char *text;
	int rc;

	if (n == 0)
		return 0;
	text = malloc(cap);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", state_dir);
		return -1;
	}
	/* 1. the audit lines: what the back office acknowledged, and when;
	 *    one write and one fsync for the whole group */
	snprintf(ledger, sizeof(ledger), "%s/%s", state_dir, UPLOAD_LEDGER);
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off, "%" PRIu64 " %s %s %lld\n",
					items[i]->seq, items[i]->record_id, items[i]->sha256,
					(long long)time(NULL));
	rc = write_line_sync(ledger, O_APPEND, text, err, errlen);
	/* 2. what is about to go, so a crash half way is finished on restart
	 *    (upload_recover) instead of leaving a record without its files */
	off = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		for (int k = 0; k < items[i]->nfiles; k++)
			off += (size_t)snprintf(text + off, cap - off, "%s\n", items[i]->files[k]);
	snprintf(marker, sizeof(marker), "%s/deleting", state_dir);
	if (rc == 0)
		rc = write_line_sync(marker, O_TRUNC, text, err, errlen);
	free(text);
	if (rc)
		return -1;	/* nothing deleted */
	/* 3. delete, sync the directories, forget the marker */
	return finish_delete(marker, err, errlen) ? -1 : 0;
}

int upload_commit(const char *state_dir, const struct upload_item *it, char *err,
		  size_t errlen)
{
	return upload_commit_batch(state_dir, &it, 1, err, errlen);
}
