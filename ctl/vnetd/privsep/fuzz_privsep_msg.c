/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the core's check of what its service child sends, and
 * the child's check of what the core sends (ctl/vnetd/privsep_msg.c,
 * included here), then what the core does with an accepted lease (the
 * lease mirror, privsep_leases.c). The first byte picks the direction, the
 * second the number of descriptors; the rest is the datagram. An accepted
 * message must keep the promises the core's handlers rely on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "privsep_leases.c"
#include "privsep_msg.c"

#define NET 1
#define GEN 2

static void check(int cond)
{
	if (!cond)
		abort();
}

static int lookup(void *ctx, uint32_t net_id, struct psm_net_view *v)
{
	if (net_id != NET)
		return -1;
	*v = (struct psm_net_view){ GEN, GEN + 1, GEN, { htonl(0xc0a87a01) }, 24 };
	return 0;
}

static void apply_lease(struct lease_mirror *m, const struct psm_lease *l)
{
	struct dhcp_lease_info li = { .ip = l->ip, .expires = l->expires };

	check(psm_in_subnet(l->ip, (struct in_addr){ htonl(0xc0a87a01) }, 24));
	check(psm_mac_ok(l->mac) && memchr(l->hostname, 0, sizeof(l->hostname)));
	memcpy(li.mac, l->mac, 6);
	memcpy(li.hostname, l->hostname, sizeof(li.hostname));
	if (l->bound)
		lease_mirror_set(m, &li);
	else
		lease_mirror_del(m, l->ip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lease_mirror *mirror;
	static uint8_t buf[PSM_MAX] __attribute__((aligned(8)));
	enum psm_verdict v;
	char why[160];

	if (size < 2 || size - 2 > sizeof(buf))
		return 0;
	if (!mirror)
		mirror = lease_mirror_new();
	memcpy(buf, data + 2, size - 2);
	if (data[0] & 1) {
		v = psm_check_from_core(buf, size - 2, data[1] & 3, why, sizeof(why));
		check(v != PSM_STALE);
		return 0;
	}
	v = psm_check_from_child(buf, size - 2, data[1] & 3, lookup, NULL, why, sizeof(why));
	if (v != PSM_OK)
		return 0;
	check(((struct psm_hdr *)buf)->len == size - 2 && psm_size(((struct psm_hdr *)buf)->type));
	if (((struct psm_hdr *)buf)->type == PSM_LEASE)
		apply_lease(mirror, (const struct psm_lease *)buf);
	if (lease_mirror_count(mirror) > 4096) {
		lease_mirror_free(mirror);
		mirror = NULL;
	}
	return 0;
}
