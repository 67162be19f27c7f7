// SPDX-License-Identifier: MIT
/* readfile.c - whole-file reads of configuration and hotlists; see readfile.h. */
#include "core/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *anprd_file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "not a file";
	}
}

/* Read up to cap bytes; one more than the size fstat gave tells us the
 * file grew while we read it (a partial copy is never parsed). */
static int read_all(int fd, const char *path, char *buf, size_t cap, size_t *got, char *err,
		    size_t errlen)
{
	*got = 0;
	while (*got < cap) {
		ssize_t n = read(fd, buf + *got, cap - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: read failed: %s", path, strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		*got += (size_t)n;
	}
	return 0;
}

int anprd_read_file(const char *path, size_t limit, char **buf, size_t *len, char *err,
		    size_t errlen)
{
	struct stat st;
	size_t size, got;
	char *b;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		/* a FIFO would block the reader (and a SIGHUP reload would
		 * stall the loop that feeds the systemd watchdog) */
		snprintf(err, errlen, "%s: is %s, not a regular file", path,
			 anprd_file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > limit) {
		snprintf(err, errlen, "%s: %lld bytes, over the %zu-byte limit", path,
			 (long long)st.st_size, limit);
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	b = malloc(size + 2);
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	if (read_all(fd, path, b, size + 1, &got, err, errlen)) {
		free(b);
		close(fd);
		return -1;
	}
	close(fd);
	if (got != size) {
		snprintf(err, errlen, "%s: changed while being read (%zu bytes, expected %zu)", path,
			 got, size);
		free(b);
		return -1;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}
