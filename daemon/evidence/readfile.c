// SPDX-License-Identifier: MIT
/* readfile.c - read_fd_limited, into secure memory when asked; the reading
 * is libanprcommon's (common/readfile.c). See readfile.h. */
#include "evidence/readfile.h"

#include <stdlib.h>

#include "evidence/evidence.h"

/* common/readfile.h promises its codes are these */
_Static_assert((int)RF_EIO == (int)EV_EIO, "RF_EIO is EV_EIO");
_Static_assert((int)RF_EFORMAT == (int)EV_EFORMAT, "RF_EFORMAT is EV_EFORMAT");
_Static_assert((int)RF_ENOMEM == (int)EV_ENOMEM, "RF_ENOMEM is EV_ENOMEM");

int read_fd_limited(int fd, const char *path, size_t limit, bool secret, char **buf,
		    size_t *len, char *err, size_t errlen)
{
	if (secret)
		return read_fd_limited_with(fd, path, limit, ev_secure_alloc, ev_secure_free,
					    buf, len, err, errlen);
	return read_fd_limited_with(fd, path, limit, malloc, free, buf, len, err, errlen);
}
