/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a network definition file (NET.xml in vnetd's conf dir, in the
 * user's ~/.config/vnet/networks, or a running user network's copy). */
#ifndef VNET_NETDEF_FILE_H
#define VNET_NETDEF_FILE_H

#include <stddef.h>

#include "netdef.h"

#define NETDEF_FILE_MAX (1 << 20) /* larger is not a definition */

/* Read and parse path into *ret (allocated). 0; -errno of the read, with
 * err "cannot read PATH: why" (-ENOENT: the caller may have a fallback);
 * or -EINVAL with the parser's one-line message in err. */
int netdef_load_file(const char *path, struct netdef **ret, char *err, size_t errlen);

#endif
