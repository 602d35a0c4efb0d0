/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The value syntax of a raw DHCP option (<vnet:option code= value=>), close
 * to dnsmasq's --dhcp-option: the admin writes what the option means, not
 * its bytes. */
#include "dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int only(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "1.2.3.4,5.6.7.8": 4 bytes each. */
static int enc_addrs(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (;;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char one[INET_ADDRSTRLEN];
		struct in_addr a;

		if (len == 0 || len >= sizeof(one) || n + 4 > cap)
			return -EINVAL;
		memcpy(one, s, len);
		one[len] = '\0';
		if (inet_pton(AF_INET, one, &a) != 1)
			return -EINVAL;
		memcpy(out + n, &a, 4);
		n += 4;
		if (!end)
			return (int)n;
		s = end + 1;
	}
}

/* A decimal number in the fewest of 1, 2 or 4 bytes, network order. */
static int enc_number(const char *s, uint8_t *out, size_t cap)
{
	unsigned long long v;
	size_t w;

	if (strlen(s) > 10)
		return -EINVAL;
	v = strtoull(s, NULL, 10);
	if (v > 0xffffffffull)
		return -EINVAL;
	w = v > 0xffff ? 4 : v > 0xff ? 2 : 1;
	if (w > cap)
		return -EINVAL;
	for (size_t i = 0; i < w; i++)
		out[i] = (uint8_t)(v >> (8 * (w - 1 - i)));
	return (int)w;
}

/* "01:2:ab": one or two hex digits per byte. */
static int enc_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (;;) {
		int hi = hexval(s[0]), lo = hi >= 0 ? hexval(s[1]) : -1;

		if (hi < 0 || n == cap)
			return -EINVAL;
		out[n++] = (uint8_t)(lo >= 0 ? hi << 4 | lo : hi);
		s += lo >= 0 ? 2 : 1;
		if (!*s)
			return (int)n;
		if (*s++ != ':')
			return -EINVAL;
	}
}

int dhcp_option_encode(const char *value, uint8_t *out, size_t cap)
{
	size_t len = strlen(value);

	if (cap > 255)
		cap = 255;
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		if (len - 2 > cap)
			return -EINVAL;
		memcpy(out, value + 1, len - 2);
		return (int)(len - 2);
	}
	if (len && only(value, "0123456789")) /* before hex: "10" is ten */
		return enc_number(value, out, cap);
	if (len && only(value, "0123456789.,"))
		return enc_addrs(value, out, cap);
	if (strchr(value, ':') && only(value, "0123456789abcdefABCDEF:"))
		return enc_hex(value, out, cap);
	if (len > cap)
		return -EINVAL;
	memcpy(out, value, len);
	return (int)len;
}
