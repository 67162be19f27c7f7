/* SPDX-License-Identifier: MIT */
/*
 * readfile.h - the one "read a whole file, with a size limit" of the tree
 * (issue 22): configuration, hotlists, keys, records, bundles,
 * certificates, the plate reader's weights. It lives in libanprcommon, a
 * library with no dependency beyond libc, so that every reader of such
 * files links it: libanprevidence (whose evidence/readfile.h adds the
 * descriptor form into secure memory, for keys) and libanprreader, which
 * does not link libsodium.
 *
 * What it guarantees: only a regular file is read (a FIFO, device, socket
 * or directory planted at the path is refused at once, never waited on:
 * the file is opened O_NONBLOCK and fstat'ed before a byte is read); a file
 * over the caller's limit is refused before it is read; a file whose size
 * changes while it is read is refused (a partial or torn copy is never
 * handed on); and every error names the file and the reason.
 */
#ifndef COMMON_READFILE_H
#define COMMON_READFILE_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The return codes: the same numbers as libanprevidence's EV_EIO,
 * EV_EFORMAT and EV_ENOMEM (evidence/readfile.c asserts it), so callers
 * that compare against those keep working. */
enum {
	RF_EIO = -1,		/* cannot open, not a regular file, read error, changed */
	RF_EFORMAT = -2,	/* over the limit */
	RF_ENOMEM = -9,
};

/*
 * read_file_limited - the bytes of the regular file at path, at most limit
 * of them, into a malloc'd, NUL-terminated *buf (*len excludes the NUL).
 * Opened O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY. Returns 0, or a
 * negative RF_* (EV_*) code with "PATH: reason" in err:
 *   RF_EIO      "PATH: cannot open: No such file or directory",
 *               "PATH: is a FIFO, not a regular file",
 *               "PATH: changed while being read (...)", "PATH: read error: ..."
 *   RF_EFORMAT  "PATH: 2000000 bytes, over the 1048576-byte limit"
 *   RF_ENOMEM   "PATH: out of memory"
 * On error *buf and *len are left alone.
 */
int read_file_limited(const char *path, size_t limit, char **buf, size_t *len, char *err,
		      size_t errlen);

/*
 * read_fd_limited_with - the same from an open descriptor (not closed
 * here), path naming it in errors, the buffer from alloc (released with
 * release on error). The core of read_file_limited and of
 * libanprevidence's read_fd_limited (which passes its secure allocator).
 */
int read_fd_limited_with(int fd, const char *path, size_t limit, void *(*alloc)(size_t),
			 void (*release)(void *), char **buf, size_t *len, char *err,
			 size_t errlen);

/* file_kind - "a FIFO", "a directory", ... for a stat mode. */
const char *file_kind(mode_t mode);

#ifdef __cplusplus
}
#endif
#endif
