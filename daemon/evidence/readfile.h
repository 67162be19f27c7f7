/* SPDX-License-Identifier: MIT */
/*
 * readfile.h - libanprevidence's side of the tree's one "read a whole
 * file, with a size limit" (issue 22). The reading itself, with
 * read_file_limited() and its guarantees, is in libanprcommon
 * (common/readfile.h, included here, so callers need only this header);
 * this library adds the descriptor form that can read into secure memory,
 * for keys and passphrases (ev_secure_alloc, libsodium).
 * Programs that link libanprevidence link libanprcommon after it.
 */
#ifndef EVIDENCE_READFILE_H
#define EVIDENCE_READFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/readfile.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * read_fd_limited - read_file_limited from an open descriptor (not closed
 * here); path names it in errors. secret: the buffer comes from
 * ev_secure_alloc (free it with ev_secure_free), for keys and passphrases;
 * otherwise from malloc.
 */
int read_fd_limited(int fd, const char *path, size_t limit, bool secret, char **buf,
		    size_t *len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
