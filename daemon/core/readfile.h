/* SPDX-License-Identifier: MIT */
/*
 * readfile.h - read a whole configuration or hotlist file, safely: a FIFO,
 * a device or a directory planted at the path is refused at once (never
 * waited on), and so is a file over the caller's size limit.
 */
#ifndef ANPRD_READFILE_H
#define ANPRD_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * anprd_read_file - the bytes of the regular file at path, at most limit
 * of them, into a malloc'd, NUL-terminated *buf (*len excludes the NUL).
 * Opened O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY (so opening a FIFO
 * with no writer does not block, nor a tty become ours), then fstat'ed.
 * Returns 0, or -1 with "PATH: reason" in err, e.g. "PATH: is a FIFO, not
 * a regular file", "PATH: 2000000 bytes, over the 1048576-byte limit".
 */
int anprd_read_file(const char *path, size_t limit, char **buf, size_t *len, char *err,
		    size_t errlen);

/* anprd_file_kind - "a FIFO", "a directory", ... for a stat mode. */
const char *anprd_file_kind(mode_t mode);

#endif
