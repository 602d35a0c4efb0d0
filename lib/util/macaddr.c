/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <stdio.h>

int mac_parse(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			 &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

/* without snprintf: the DHCP server formats one per message (issue 21.3) */
void mac_format(const uint8_t mac[6], char buf[18])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 6; i++) {
		buf[3 * i] = hex[mac[i] >> 4];
		buf[3 * i + 1] = hex[mac[i] & 15];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}
