/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the DHCPv6 parser and server with guests' messages: the parser
 * never reads out of bounds; a message it accepts gets at most one reply,
 * which parses back as a message of ours (same transaction id, our server
 * id); the persisted leases survive a trip through the lease file line;
 * the lease file's journal, drained after each message and applied as a
 * load applies it (later lines win by address and by binding, "free"
 * forgets), always equals the pool's persistent leases.
 * The input is split on the byte sequence "\xff\xfe" into messages given
 * to one server in turn, one second apart. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6.h"

static struct dhcp6_pool *pool(void)
{
	struct dhcp6_pool_config c = { 0 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	dhcp6_duid_ll(mac, &c.server_id);
	c.n_ranges = 1;
	memset(&c.ranges[0].start, 0, 16);
	c.ranges[0].start.s6_addr[0] = 0xfd;
	c.ranges[0].end = c.ranges[0].start;
	c.ranges[0].start.s6_addr[15] = 0x10;
	c.ranges[0].end.s6_addr[15] = 0x13; /* four addresses: exhaustion is reachable */
	c.has_dns = 1;
	c.dns.s6_addr[0] = 0xfd;
	c.dns.s6_addr[15] = 1;
	strcpy(c.domain, "fuzz.test");
	c.rapid_commit = 1;
	c.n_hosts = 1;
	strcpy(c.hosts[0].name, "pinned");
	c.hosts[0].has_ip = 1;
	c.hosts[0].ip = c.dns;
	c.hosts[0].ip.s6_addr[15] = 0x77;
	return dhcp6_pool_new(&c, NULL, NULL);
}

/* The file's view: what a load keeps of the lines so far. */
struct model {
	struct dhcp6_lease l[16];
	size_t n;
};

static void model_drop(struct model *m, size_t i)
{
	m->l[i] = m->l[--m->n];
}

static void model_apply(struct model *m, const struct dhcp6_lease *r)
{
	for (size_t i = m->n; i-- > 0;) {
		const struct dhcp6_lease *x = &m->l[i];

		if (!memcmp(&x->ip, &r->ip, 16) ||
		    (r->state != DHCP6_FREE && r->duid.len && x->duid.len == r->duid.len &&
		     !memcmp(x->duid.b, r->duid.b, r->duid.len) && x->iaid == r->iaid))
			model_drop(m, i);
	}
	if (r->state != DHCP6_FREE) {
		if (m->n == 16)
			abort();
		m->l[m->n++] = *r;
	}
}

static void journal_into(struct dhcp6_pool *p, struct model *m)
{
	struct dhcp6_lease j[16];
	long n = dhcp6_pool_journal(p, j, 16);

	if (n < 0)
		abort(); /* at most one record per entry and per address given up */
	for (long i = 0; i < n; i++)
		model_apply(m, &j[i]);
}

static int by_ip(const void *a, const void *b)
{
	return memcmp(&((const struct dhcp6_lease *)a)->ip, &((const struct dhcp6_lease *)b)->ip, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp6_pool *p = pool();
	uint8_t out[1500];
	struct dhcp6_lease ls[16], back;
	char line[512];
	size_t at = 0;
	int64_t now = 1000;
	struct model fm = { .n = 0 };

	if (!p)
		return 0;
	while (at < size) {
		const uint8_t *end = memmem(data + at, size - at, "\xff\xfe", 2);
		size_t len = end ? (size_t)(end - (data + at)) : size - at;
		struct dhcp6_msg m, r;
		int dirty;
		size_t n;

		if (dhcp6_msg_parse(data + at, len, &m) == 0) {
			n = dhcp6_pool_handle(p, &m, now++, out, sizeof(out), &dirty);
			if (n) {
				if (dhcp6_msg_parse(out, n, &r) || !r.has_server ||
				    r.xid != m.xid || (r.type != DHCP6_ADVERTISE && r.type != DHCP6_REPLY))
					abort();
			}
		}
		at += len + (end ? 2 : 0);
		if (at % 3 == 0) /* a save now and then: changes pile up between */
			journal_into(p, &fm);
	}
	dhcp6_pool_expire(p, now + 700); /* quarantines end, offers too */
	journal_into(p, &fm);
	size_t n = dhcp6_pool_snapshot(p, ls, 16);
	qsort(ls, n, sizeof(*ls), by_ip);
	qsort(fm.l, fm.n, sizeof(*fm.l), by_ip);
	if (fm.n != n || memcmp(fm.l, ls, n * sizeof(*ls)))
		abort(); /* the file would not load as the pool is */
	if (n > 5)
		abort(); /* four range addresses and one reservation */
	for (size_t i = 0; i < n; i++) {
		if (dhcp6_lease_format(&ls[i], line, sizeof(line)) < 0 ||
		    dhcp6_lease_parse(line, &back) || memcmp(&back, &ls[i], sizeof(back)))
			abort();
	}
	dhcp6_pool_free(p);
	return 0;
}
