/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DHCPv6 message parsing (dhcp6.h): bounded walks over TLV options. */
#include "dhcp6.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int duid_copy(struct dhcp6_duid *d, const uint8_t *v, unsigned len)
{
	if (len < 3 || len > DHCP6_DUID_MAX) /* a type and at least one byte */
		return -EINVAL;
	d->len = (uint8_t)len;
	memcpy(d->b, v, len);
	return 0;
}

/* IA_NA: IAID, T1, T2, then options; we keep the IAADDRs' addresses. */
static int parse_ia_na(const uint8_t *v, unsigned len, struct dhcp6_msg *m)
{
	struct dhcp6_ia *ia;
	unsigned at = 12;

	if (len < 12)
		return -EINVAL;
	if (m->n_ia >= DHCP6_MAX_IA) {
		m->n_ia++; /* counted, not answered */
		return 0;
	}
	ia = &m->ia[m->n_ia++];
	memset(ia, 0, sizeof(*ia));
	ia->iaid = get32(v);
	while (at + 4 <= len) {
		unsigned code = get16(v + at), olen = get16(v + at + 2);

		if (olen > len - at - 4)
			return -EINVAL;
		if (code == DHCP6_OPT_IAADDR) {
			if (olen < 24)
				return -EINVAL;
			if (ia->n_addrs < DHCP6_MAX_IA_ADDRS)
				memcpy(&ia->addrs[ia->n_addrs++], v + at + 4, 16);
		}
		at += 4 + olen;
	}
	return at == len ? 0 : -EINVAL;
}

/* Client FQDN (RFC 4704): flags, then a name in DNS wire format (maybe
 * partial). Its first label, if it is a sane host name, names the lease. */
static void parse_fqdn(const uint8_t *v, unsigned len, struct dhcp6_msg *m)
{
	unsigned l;

	if (len < 2)
		return;
	l = v[1];
	if (!l || l >= DHCP6_HOSTNAME_MAX || l > len - 2)
		return;
	for (unsigned i = 0; i < l; i++) {
		uint8_t c = v[2 + i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c == '-' && i > 0)))
			return;
	}
	memcpy(m->hostname, v + 2, l);
	m->hostname[l] = 0;
}

static int parse_opt(unsigned code, const uint8_t *v, unsigned len, struct dhcp6_msg *m)
{
	switch (code) {
	case DHCP6_OPT_CLIENTID:
		if (m->has_client)
			return -EINVAL;
		m->has_client = 1;
		return duid_copy(&m->client, v, len);
	case DHCP6_OPT_SERVERID:
		if (m->has_server)
			return -EINVAL;
		m->has_server = 1;
		return duid_copy(&m->server, v, len);
	case DHCP6_OPT_IA_NA:
		return parse_ia_na(v, len, m);
	case DHCP6_OPT_IA_TA:
		m->has_ia_ta = 1;
		return 0;
	case DHCP6_OPT_IA_PD:
		m->has_ia_pd = 1;
		return 0;
	case DHCP6_OPT_RAPID_COMMIT:
		m->rapid_commit = 1;
		return len == 0 ? 0 : -EINVAL;
	case DHCP6_OPT_FQDN:
		parse_fqdn(v, len, m);
		return 0;
	}
	return 0; /* ORO, elapsed time, vendor options...: nothing we need */
}

int dhcp6_msg_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m)
{
	size_t at = 4;

	memset(m, 0, sizeof(*m));
	if (len < 4 || len > DHCP6_MSG_MAX)
		return -EINVAL;
	m->type = buf[0];
	m->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	if (!m->type || m->type == DHCP6_RELAY_FORW || m->type == DHCP6_RELAY_REPL ||
	    m->type > DHCP6_TYPE_MAX)
		return -EINVAL;
	while (at + 4 <= len) {
		unsigned code = get16(buf + at), olen = get16(buf + at + 2);

		if (olen > len - at - 4 || parse_opt(code, buf + at + 4, olen, m) < 0)
			return -EINVAL;
		at += 4 + olen;
	}
	return at == len ? 0 : -EINVAL;
}

const char *dhcp6_type_name(unsigned type)
{
	static const char *const names[] = {
		"none", "solicit", "advertise", "request", "confirm", "renew", "rebind", "reply",
		"release", "decline", "reconfigure", "information-request", "relay-forw", "relay-repl",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

int dhcp6_duid_to_str(const struct dhcp6_duid *d, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	if (!d->len || cap < (size_t)d->len * 3)
		return -ENOSPC;
	/* "%02x:%02x..." without printf: a save formats every lease's DUID */
	for (unsigned i = 0; i < d->len; i++) {
		if (i)
			*p++ = ':';
		*p++ = hex[d->b[i] >> 4];
		*p++ = hex[d->b[i] & 15];
	}
	*p = '\0';
	return 0;
}

int dhcp6_duid_from_str(const char *s, struct dhcp6_duid *d)
{
	unsigned n = 0;

	memset(d, 0, sizeof(*d));
	while (*s) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++, s++) {
			char c = *s;

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -EINVAL;
		}
		if (n >= DHCP6_DUID_MAX)
			return -EINVAL;
		d->b[n++] = (uint8_t)v;
		if (*s == ':' && s[1]) /* colon hex, or bare hex pairs */
			s++;
	}
	if (n < 3)
		return -EINVAL;
	d->len = (uint8_t)n;
	return 0;
}

void dhcp6_duid_ll(const uint8_t mac[6], struct dhcp6_duid *d)
{
	static const uint8_t hdr[4] = { 0, 3, 0, 1 }; /* DUID-LL, Ethernet */

	memcpy(d->b, hdr, 4);
	memcpy(d->b + 4, mac, 6);
	d->len = 10;
}
