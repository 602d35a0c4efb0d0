/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNET_MACADDR_H
#define VNET_MACADDR_H

#include <stdint.h>

/* "52:54:00:ab:cd:ef" <-> 6 bytes. mac_parse returns 0 or -EINVAL. */
int mac_parse(const char *s, uint8_t mac[6]);
void mac_format(const uint8_t mac[6], char buf[18]);

#endif
