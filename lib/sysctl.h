/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNET_SYSCTL_H
#define VNET_SYSCTL_H

/* net.ipv4.conf.<dev>.forwarding = 1 in the caller's network namespace:
 * per device, never the global ip_forward. 0 or -errno. */
int ipv4_forwarding_on(const char *dev);
/* net.ipv4.conf.<dev>.forwarding: 0 or 1, or -errno (no such device). */
int ipv4_forwarding_get(const char *dev);

#endif
