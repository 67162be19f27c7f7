/* SPDX-License-Identifier: MIT */
/*
 * readfile.h - the one "read a whole file, with a size limit" of the tree
 * (issue 22): configuration, hotlists, keys, records, bundles,
 * certificates. The lowest library every reader of such files links
 * (libanprevidence) holds it.
 *
 * What it guarantees: only a regular file is read (a FIFO, device, socket
 * or directory planted at the path is refused at once, never waited on:
 * the file is opened O_NONBLOCK and fstat'ed before a byte is read); a file
 * over the caller's limit is refused before it is read; a file whose size
 * changes while it is read is refused (a partial or torn copy is never
 * handed on); and every error names the file and the reason.
 */
#ifndef EVIDENCE_READFILE_H
#define EVIDENCE_READFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * read_file_limited - the bytes of the regular file at path, at most limit
 * of them, into a malloc'd, NUL-terminated *buf (*len excludes the NUL).
 * Opened O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY. Returns 0, or a
 * negative EV_* code with "PATH: reason" in err:
 *   EV_EIO      "PATH: cannot open: No such file or directory",
 *               "PATH: is a FIFO, not a regular file",
 *               "PATH: changed while being read (...)", "PATH: read error: ..."
 *   EV_EFORMAT  "PATH: 2000000 bytes, over the 1048576-byte limit"
 *   EV_ENOMEM   "PATH: out of memory"
 * On error *buf and *len are left alone.
 */
int read_file_limited(const char *path, size_t limit, char **buf, size_t *len, char *err,
		      size_t errlen);

/*
 * read_fd_limited - the same from an open descriptor (not closed here);
 * path names it in errors. secret: the buffer comes from ev_secure_alloc
 * (free it with ev_secure_free), for keys and passphrases.
 */
int read_fd_limited(int fd, const char *path, size_t limit, bool secret, char **buf,
		    size_t *len, char *err, size_t errlen);

/* file_kind - "a FIFO", "a directory", ... for a stat mode. */
const char *file_kind(mode_t mode);

#ifdef __cplusplus
}
#endif
#endif
