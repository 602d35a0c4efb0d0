/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Operations that fail fill a caller's one-line buffer `err` of size
 * `errlen`: ERR("...", ...) writes it, so "return ERR(...), -EINVAL;" reads
 * as one statement. */
#ifndef VNET_ERRMSG_H
#define VNET_ERRMSG_H

#include <stdio.h>

#define ERR(...) (void)snprintf(err, errlen, __VA_ARGS__)

#endif
