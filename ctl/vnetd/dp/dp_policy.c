// SPDX-License-Identifier: GPL-2.0-or-later
/* A port's guest policy in the data path (issue 19): its filter mode and
 * isolation (vnet_port.flags), how many addresses it may learn
 * (learn_cfg), its declared addresses, and the expiry of learned ones. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "dp_priv.h"

static unsigned learn_expire_s = VNET_LEARN_EXPIRE_S;

void dp_set_learn_expire(unsigned seconds)
{
	learn_expire_s = seconds ? seconds : VNET_LEARN_EXPIRE_S;
}

static __u16 learn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* = bpf_ktime_get_coarse_ns() */
	return ((ts.tv_sec * 1000000000ULL + ts.tv_nsec) >> 30) & VNET_BIND_SEEN_MASK;
}

/* Count n learned bindings of the port as gone (learn_cfg: vnetd's half). */
void dp_learn_gone(struct datapath *dp, __u32 ifindex, unsigned n)
{
	int fd = DP_MAP_FD(dp, learn_cfg);
	struct vnet_learn_cfg c;

	if (!n || bpf_map_lookup_elem(fd, &ifindex, &c))
		return;
	c.gone += n;
	bpf_map_update_elem(fd, &ifindex, &c, BPF_EXIST);
}

struct learned_match {
	__u32 ifindex;		/* 0: any port */
	__u16 now;
	unsigned expire;	/* 0: every learned binding */
	struct datapath *dp;
};

static int match_learned(const void *k, const void *v, const void *arg)
{
	const struct vnet_bind *b = v;
	const struct learned_match *m = arg;
	unsigned age;

	if (!b->learned || (m->ifindex && b->ifindex != m->ifindex))
		return 0;
	age = (m->now - (b->learned & VNET_BIND_SEEN_MASK)) & VNET_BIND_SEEN_MASK;
	if (m->expire && age < m->expire)
		return 0;
	dp_learn_gone(m->dp, b->ifindex, 1);
	return 1;
}

/* Learned bindings not used for learn_expire_s (about: the programs'
 * second is 2^30 ns) are removed: a guest that changed its address frees
 * the old one for others. dp_tick, once a second. */
int dp_learn_expire(struct datapath *dp)
{
	struct learned_match m = { .now = learn_now(), .expire = learn_expire_s, .dp = dp };

	return purge_matching(DP_MAP_FD(dp, bind_map), sizeof(struct vnet_bind_key),
			      sizeof(struct vnet_bind), match_learned, &m);
}

static __u8 policy_flags(const struct dp_port_policy *pol)
{
	__u8 f = pol->isolated ? VNET_PORT_ISOLATED : 0;

	if (pol->filter == NETDEF_FILTER_OFF)
		f |= VNET_PORT_FILTER_OFF;
	else if (pol->filter == NETDEF_FILTER_LEARN)
		f |= VNET_PORT_FILTER_LEARN;
	return f;
}

int dp_port_set_policy(struct datapath *dp, int ifindex, const struct dp_port_policy *pol)
{
	int pfd = DP_MAP_FD(dp, port_map), lfd = DP_MAP_FD(dp, learn_cfg);
	struct vnet_learn_cfg c = { 0 };
	struct vnet_port port;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(pfd, &key, &port))
		return -ENOENT;
	port.flags = (port.flags & VNET_PORT_MULTI_MAC) | policy_flags(pol);
	if (bpf_map_update_elem(pfd, &key, &port, BPF_EXIST))
		return -errno;
	dp_port_state_sync(dp, key);
	bpf_map_lookup_elem(lfd, &key, &c);	/* keeps gone (made is the programs') */
	c.limit = pol->learn_limit ? pol->learn_limit : VNET_LEARN_LIMIT;
	if (pol->filter != NETDEF_FILTER_LEARN)
		c.limit = 0;
	if (bpf_map_update_elem(lfd, &key, &c, BPF_ANY))
		return -errno;
	if (pol->filter != NETDEF_FILTER_LEARN) {
		/* learned addresses are learn's: strict or off keeps none */
		struct learned_match m = { .ifindex = key, .dp = dp };

		purge_matching(DP_MAP_FD(dp, bind_map), sizeof(struct vnet_bind_key),
			       sizeof(struct vnet_bind), match_learned, &m);
	}
	return 0;
}

int dp_port_get_policy(struct datapath *dp, int ifindex, struct dp_port_policy *pol)
{
	struct vnet_learn_cfg c = { 0 };
	struct vnet_port port;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_map), &key, &port))
		return -ENOENT;
	memset(pol, 0, sizeof(*pol));
	pol->filter = port.flags & VNET_PORT_FILTER_OFF	? NETDEF_FILTER_OFF
		      : port.flags & VNET_PORT_FILTER_LEARN ? NETDEF_FILTER_LEARN
							    : NETDEF_FILTER_STRICT;
	pol->isolated = port.flags & VNET_PORT_ISOLATED;
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, learn_cfg), &key, &c) == 0)
		pol->learn_limit = c.limit;
	return 0;
}

int dp_port_declare(struct datapath *dp, int ifindex, struct in_addr ip)
{
	struct vnet_bind_key bk = { .ip = ip.s_addr };
	int pfd = DP_MAP_FD(dp, port_map), bfd = DP_MAP_FD(dp, bind_map);
	struct vnet_bind b = { .ifindex = ifindex }, old;
	struct vnet_port port;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(pfd, &key, &port))
		return -ENOENT;
	bk.net_id = port.net_id;
	if (bpf_map_lookup_elem(bfd, &bk, &old) == 0) {
		if (old.ifindex != key)
			return -EBUSY;
		if (!old.learned)
			return 0;	/* already a lease or declared */
		dp_learn_gone(dp, key, 1);	/* learned first: now declared */
	}
	/* the MAC, if the port has one; else the first frame's (learn.h) */
	if (port.mac_locked && !(port.flags & VNET_PORT_MULTI_MAC))
		memcpy(b.mac, port.mac, 6);
	if (bpf_map_update_elem(bfd, &bk, &b, BPF_ANY))
		return -errno;
	dp_port_state_bind_set(dp, key, bk.net_id, bk.ip, b.mac);	/* none without a MAC */
	return 0;
}

int dp_addrs_all(struct datapath *dp, dp_addr_all_fn fn, void *ctx)
{
	int fd = DP_MAP_FD(dp, bind_map), n = 0;
	struct vnet_bind_key key, next, *prev = NULL;
	struct vnet_bind b;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &b))
			continue;
		fn(ctx, (int)b.ifindex, b.mac, (struct in_addr){ key.ip }, b.learned != 0);
		n++;
	}
	return n;
}

/* A removed port's learning state (dp_port_del). */
void dp_learn_port_gone(struct datapath *dp, __u32 ifindex)
{
	bpf_map_delete_elem(DP_MAP_FD(dp, learn_made), &ifindex);
	bpf_map_delete_elem(DP_MAP_FD(dp, learn_cfg), &ifindex);
}
