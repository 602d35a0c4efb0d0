/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The automatic unique local IPv6 prefix (issue 18.1, RFC 4193): one
 * random /48 per host, made once and kept in <state>/ula-prefix, and one
 * /64 of it per network that asks with <vnet:ula/>, stored in the
 * definition at define so it stays the same across restarts. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "netmgr.h"
#include "util/util.h"

/* RFC 4193 3.2: "Global ID ... 40-bit ... pseudo-random"; 3.2.2's SHA-1
 * recipe is one way to get it, a good random source is as good. */
static int host_prefix(struct netmgr *m, struct in6_addr *p48)
{
	char path[4096], line[128], text[INET6_ADDRSTRLEN + 8];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/ula-prefix", m->paths.state_dir);
	memset(p48, 0, sizeof(*p48));
	if ((f = fopen(path, "re"))) {
		char *slash;

		r = fgets(line, sizeof(line), f) ? 0 : -EINVAL;
		fclose(f);
		slash = r ? NULL : strchr(line, '/');
		if (slash)
			*slash = 0;
		if (!r && slash && inet_pton(AF_INET6, line, p48) == 1 && p48->s6_addr[0] == 0xfd)
			return 0;
		log_warn("%s: not a ULA /48; making a new one", path);
		memset(p48, 0, sizeof(*p48));
	}
	p48->s6_addr[0] = 0xfd;
	if (getrandom(p48->s6_addr + 1, 5, 0) != 5)
		return -EIO;
	inet_ntop(AF_INET6, p48, text, sizeof(text));
	snprintf(line, sizeof(line), "%s/48\n", text);
	r = file_write_atomic(path, line, strlen(line), 0644);
	if (r < 0)
		return r;
	log_info("ULA prefix of this host: %s/48", text);
	return 0;
}

/* Subnet IDs of /48 that other networks hold already. */
static int subnet_used(struct netmgr *m, const struct netdef *def, const struct in6_addr *p48,
		       unsigned id)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		const struct netdef *o = m->nets[i]->def;

		if (!strcmp(o->name, def->name) || !o->ula.has_prefix ||
		    memcmp(o->ula.prefix.s6_addr, p48->s6_addr, 6))
			continue;
		if ((unsigned)(o->ula.prefix.s6_addr[6] << 8 | o->ula.prefix.s6_addr[7]) == id)
			return 1;
	}
	return 0;
}

int netmgr_assign_ula(struct netmgr *m, struct netdef *def, char *err, size_t errlen)
{
	struct network *same = netmgr_find(m, def->name);
	struct in6_addr p48;
	unsigned id;
	int r;

	if (!def->ula.enabled || def->ula.has_prefix)
		return 0;
	/* a network redefined with <vnet:ula/> keeps the /64 it had */
	if (same && same->def->ula.has_prefix) {
		def->ula.prefix = same->def->ula.prefix;
	} else {
		if ((r = host_prefix(m, &p48)) < 0)
			return ERR("cannot make the host's ULA prefix: %s", strerror(-r)), r;
		for (id = 1; id <= 0xffff && subnet_used(m, def, &p48, id); id++)
			;
		if (id > 0xffff)
			return ERR("no free /64 in the host's ULA /48"), -ENOSPC;
		def->ula.prefix = p48;
		def->ula.prefix.s6_addr[6] = (uint8_t)(id >> 8);
		def->ula.prefix.s6_addr[7] = (uint8_t)id;
	}
	def->ula.has_prefix = 1;
	if (netdef_ula_apply(def))
		return ERR("<vnet:ula>: the network has %d <ip>s already", NETDEF_MAX_IPS), -ENOSPC;
	return 0;
}
