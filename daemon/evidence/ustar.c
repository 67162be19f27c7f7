/* SPDX-License-Identifier: MIT */
/*
 * ustar.c - the evidence bundle container: a minimal POSIX ustar writer and
 * a defensive reader (regular files and directories only; no absolute
 * names, no "..", no links), so bundles open with any tar and anpr-verify
 * never writes outside its scratch directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evidence/evidence_verify.h"
#include "evidence/readfile.h"

#define BLK 512
#define MEMBER_MAX (256ULL * 1024 * 1024)

struct ev_tar {
	FILE *f;
	char path[512];
	time_t mtime;
};

struct hdr {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12];
	char chksum[8], typeflag, linkname[100], magic[6], version[2];
	char uname[32], gname[32], devmajor[8], devminor[8], prefix[155];
	char pad[12];
};
_Static_assert(sizeof(struct hdr) == BLK, "ustar header");

static unsigned checksum(const struct hdr *h)
{
	const unsigned char *p = (const unsigned char *)h;
	unsigned sum = 0;

	for (size_t i = 0; i < BLK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
	return sum;
}

int ev_tar_open(struct ev_tar **tp, const char *path, char *err,
		size_t errlen)
{
	struct ev_tar *t = calloc(1, sizeof *t);

	*tp = NULL;
	if (!t) {
		snprintf(err, errlen, "%s: out of memory", path);
		return EV_ENOMEM;
	}
	t->f = fopen(path, "wxe");
	if (!t->f) {
		snprintf(err, errlen, "%s: cannot create: %s", path,
			 strerror(errno));
		free(t);
		return EV_EIO;
	}
	snprintf(t->path, sizeof t->path, "%s", path);
	t->mtime = time(NULL);
	*tp = t;
	return 0;
}

static int put_header(struct ev_tar *t, const char *name, size_t len,
		      unsigned mode, char type, char *err, size_t errlen)
{
	struct hdr h;

	if (strlen(name) >= sizeof h.name) {
		snprintf(err, errlen, "%s: member name too long: %s", t->path,
			 name);
		return EV_EINVAL;
	}
	memset(&h, 0, sizeof h);
	memcpy(h.name, name, strlen(name));
	snprintf(h.mode, sizeof h.mode, "%07o", mode & 07777);
	snprintf(h.uid, sizeof h.uid, "%07o", 0);
	snprintf(h.gid, sizeof h.gid, "%07o", 0);
	snprintf(h.size, sizeof h.size, "%011llo", (unsigned long long)len);
	snprintf(h.mtime, sizeof h.mtime, "%011llo",
		 (unsigned long long)t->mtime);
	h.typeflag = type;
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	snprintf(h.uname, sizeof h.uname, "root");
	snprintf(h.gname, sizeof h.gname, "root");
	snprintf(h.chksum, sizeof h.chksum, "%06o", checksum(&h));
	h.chksum[7] = ' ';
	if (fwrite(&h, BLK, 1, t->f) != 1) {
		snprintf(err, errlen, "%s: write failed: %s", t->path,
			 strerror(errno));
		return EV_EIO;
	}
	return 0;
}

int ev_tar_add(struct ev_tar *t, const char *name, const void *data,
	       size_t len, unsigned mode, char *err, size_t errlen)
{
	static const char zero[BLK];
	int rc = put_header(t, name, len, mode, '0', err, errlen);

	if (rc)
		return rc;
	if ((len && fwrite(data, len, 1, t->f) != 1) ||
	    (len % BLK && fwrite(zero, BLK - len % BLK, 1, t->f) != 1)) {
		snprintf(err, errlen, "%s: write failed: %s", t->path,
			 strerror(errno));
		return EV_EIO;
	}
	return 0;
}

int ev_tar_add_file(struct ev_tar *t, const char *name, const char *src,
		    char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc = read_file_limited(src, MEMBER_MAX, &buf, &len, err, errlen);

	if (rc)
		return rc;
	rc = ev_tar_add(t, name, buf, len, 0644, err, errlen);
	free(buf);
	return rc;
}

int ev_tar_close(struct ev_tar *t, char *err, size_t errlen)
{
	static const char zero[2 * BLK];
	int rc = 0;

	if (!t)
		return 0;
	if (fwrite(zero, sizeof zero, 1, t->f) != 1 || fflush(t->f) != 0 ||
	    fsync(fileno(t->f)) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", t->path,
			 strerror(errno));
		rc = EV_EIO;
	}
	if (fclose(t->f) != 0 && !rc) {
		snprintf(err, errlen, "%s: close failed: %s", t->path,
			 strerror(errno));
		rc = EV_EIO;
	}
	free(t);
	return rc;
}

static int octal(const char *f, size_t n, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (unsigned long long)(f[i] - '0');
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static bool safe_name(const char *n)
{
	const char *p = n;

	if (!*n || *n == '/')
		return false;
	while (*p) {
		const char *s = strchr(p, '/');
		size_t l = s ? (size_t)(s - p) : strlen(p);

		if ((l == 2 && p[0] == '.' && p[1] == '.') ||
		    (l == 1 && p[0] == '.'))
			return false;
		if (l == 0 && s)
			return false;
		p += l + (s ? 1 : 0);
	}
	return true;
}

static int mkdirs(const char *dir, const char *rel)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "%s/%s", dir, rel);
	for (char *p = buf + strlen(dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int ev_tar_extract(const char *path, const char *dir, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "rbe");
	struct hdr h;
	char name[260], out[1400], *buf = NULL;
	unsigned long long size, sum;
	int rc = EV_EFORMAT, members = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	for (;;) {
		size_t got = fread(&h, 1, BLK, f);
		static const char zero[BLK];

		if (got == 0 && feof(f) && members) {
			rc = 0;	/* end without the zero blocks: accept */
			break;
		}
		if (got != BLK) {
			snprintf(err, errlen, "%s: truncated tar header after "
				 "%d members", path, members);
			break;
		}
		if (memcmp(&h, zero, BLK) == 0) {
			rc = members ? 0 : EV_EFORMAT;
			if (!members)
				snprintf(err, errlen, "%s: empty archive",
					 path);
			break;
		}
		if (octal(h.chksum, sizeof h.chksum, &sum) != 0 ||
		    sum != checksum(&h) || memcmp(h.magic, "ustar", 5) != 0) {
			snprintf(err, errlen, "%s: not a ustar archive, or "
				 "header %d damaged (checksum)", path,
				 members + 1);
			break;
		}
		if (h.prefix[0])
			snprintf(name, sizeof name, "%.155s/%.100s", h.prefix,
				 h.name);
		else
			snprintf(name, sizeof name, "%.100s", h.name);
		if (octal(h.size, sizeof h.size, &size) != 0 ||
		    size > MEMBER_MAX) {
			snprintf(err, errlen, "%s: member %s: bad or huge size",
				 path, name);
			break;
		}
		if (!safe_name(name)) {
			snprintf(err, errlen, "%s: member \"%s\": unsafe name "
				 "(absolute or with ..), refused", path, name);
			break;
		}
		members++;
		snprintf(out, sizeof out, "%s/%s", dir, name);
		if (h.typeflag == '5') {
			size_t l = strlen(out);
			if (l && out[l - 1] == '/')
				out[l - 1] = '\0';
			if (mkdirs(dir, name) != 0 ||
			    (mkdir(out, 0755) != 0 && errno != EEXIST)) {
				snprintf(err, errlen, "%s: %s: %s", path, out,
					 strerror(errno));
				rc = EV_EIO;
				break;
			}
			continue;
		}
		if (h.typeflag != '0' && h.typeflag != '\0') {
			snprintf(err, errlen, "%s: member %s: type '%c' "
				 "refused (only files and directories)", path,
				 name, h.typeflag);
			break;
		}
		buf = malloc(size + BLK);
		if (!buf) {
			snprintf(err, errlen, "%s: out of memory", path);
			rc = EV_ENOMEM;
			break;
		}
		size_t want = (size_t)((size + BLK - 1) / BLK * BLK);
		if (fread(buf, 1, want, f) != want) {
			snprintf(err, errlen, "%s: member %s: truncated data",
				 path, name);
			break;
		}
		int fd;
		if (mkdirs(dir, name) != 0 ||
		    (fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			       O_CLOEXEC, 0644)) < 0) {
			snprintf(err, errlen, "%s: cannot unpack %s: %s", path,
				 name, strerror(errno));
			rc = EV_EIO;
			break;
		}
		if (write(fd, buf, (size_t)size) != (ssize_t)size) {
			snprintf(err, errlen, "%s: cannot unpack %s: %s", path,
				 name, strerror(errno));
			close(fd);
			rc = EV_EIO;
			break;
		}
		close(fd);
		free(buf);
		buf = NULL;
	}
	free(buf);
	fclose(f);
	return rc;
}
