/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <string.h>

void slirp_mac(struct in_addr ip, uint8_t mac[6])
{
	/* libslirp's special_ethaddr with the address in the last four bytes */
	mac[0] = 0x52;
	mac[1] = 0x55;
	memcpy(mac + 2, &ip, 4);
}
