// SPDX-License-Identifier: MIT
/* readfile.c - whole-file reads with a size limit; see readfile.h. */
#include "common/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *file_kind(mode_t mode)
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

int read_fd_limited_with(int fd, const char *path, size_t limit, void *(*alloc)(size_t),
			 void (*release)(void *), char **buf, size_t *len, char *err,
			 size_t errlen)
{
	struct stat st;
	size_t size, cap, got = 0;
	char *b;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		return RF_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		/* a FIFO would block the reader (and a SIGHUP reload would
		 * stall the loop that feeds the systemd watchdog) */
		snprintf(err, errlen, "%s: is %s, not a regular file", path,
			 file_kind(st.st_mode));
		return RF_EIO;
	}
	if ((uint64_t)st.st_size > limit) {
		snprintf(err, errlen, "%s: %lld bytes, over the %zu-byte limit", path,
			 (long long)st.st_size, limit);
		return RF_EFORMAT;
	}
	size = (size_t)st.st_size;
	/* room for one byte more than fstat said (a file that grew while we
	 * read it is caught, not cut short) and the NUL */
	cap = size + 2;
	b = alloc(cap);
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		return RF_ENOMEM;
	}
	while (got < size + 1) {
		ssize_t n = read(fd, b + got, size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
			release(b);
			return RF_EIO;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != size) {
		if (got > size)
			snprintf(err, errlen, "%s: changed while being read (grew past the "
				 "%zu bytes it had when opened)", path, size);
		else
			snprintf(err, errlen, "%s: changed while being read (%zu bytes, "
				 "expected %zu)", path, got, size);
		release(b);
		return RF_EIO;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}

int read_file_limited(const char *path, size_t limit, char **buf, size_t *len, char *err,
		      size_t errlen)
{
	/* O_NONBLOCK: a FIFO with no writer at the path must not hang us
	 * (refused after fstat); O_NOCTTY: nor a tty become ours */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return RF_EIO;
	}
	rc = read_fd_limited_with(fd, path, limit, malloc, free, buf, len, err, errlen);
	close(fd);
	return rc;
}
