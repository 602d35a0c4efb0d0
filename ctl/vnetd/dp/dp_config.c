// SPDX-License-Identifier: GPL-2.0-or-later
/* Filling the data path's maps: networks, ports, leases, uplinks and port
 * forwards (datapath.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "util/util.h"

/* Delete every entry of map fd whose value matches (iterate, then delete:
 * deleting while iterating a hash restarts the walk). */
int purge_matching(int fd, size_t ksz, size_t vsz, dp_match_fn match, const void *arg)
{
	unsigned char key[64], next[64], val[128];
	unsigned char (*dead)[64] = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	int removed = 0;

	if (ksz > sizeof(key) || vsz > sizeof(val))
		return -EINVAL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ksz);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, val) || !match(key, val, arg))
			continue;
		if (n == cap) {
			void *t = realloc(dead, (cap = cap ? cap * 2 : 64) * sizeof(*dead));

			if (!t)
				break;
			dead = t;
		}
		memcpy(dead[n++], key, ksz);
	}
	for (size_t i = 0; i < n; i++)
		removed += bpf_map_delete_elem(fd, dead[i]) == 0;
	free(dead);
	return removed;
}

static int match_subnet_net(const void *k, const void *v, const void *arg)
{
	return *(const __u32 *)v == *(const __u32 *)arg;
}

/* bpf_fib_lookup() answers only for a device with IPv4 forwarding on;
 * the fast path looks routes up as arriving on the bridge, so turn it on
 * there (only there: the global ip_forward stays as the admin set it). */
static void bridge_forwarding_on(int ifindex)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name))
		ipv4_forwarding_on(name);
}

static void net_from_cfg(const struct dp_net_cfg *cfg, struct vnet_net *net)
{
	*net = (struct vnet_net){ .flags = VNET_NET_VALID };
	if (cfg->mode == NETDEF_MODE_NAT && cfg->uplink_ifindex)
		net->flags |= VNET_NET_NAT;
	else if (cfg->mode == NETDEF_MODE_ROUTE && cfg->uplink_ifindex)
		net->flags |= VNET_NET_ROUTE;
	else if (cfg->mode == NETDEF_MODE_OPEN && cfg->uplink_ifindex)
		net->flags |= VNET_NET_ROUTE | VNET_NET_OPEN; /* routed; the rest is the kernel's */
	else if (cfg->mode == NETDEF_MODE_BRIDGE)
		net->flags |= VNET_NET_BRIDGE;
	net->bridge_ifindex = cfg->bridge_ifindex;
	net->gw = cfg->gw.s_addr;
	net->mask = cfg->prefix ? htonl(~0u << (32 - cfg->prefix)) : 0;
	net->uplink_ifindex = cfg->uplink_ifindex;
	net->uplink_addr = cfg->uplink_addr.s_addr;
	memcpy(net->bridge_mac, cfg->bridge_mac, 6);
	net->host_access = cfg->host_access == NETDEF_HOST_ALL	  ? VNET_HOST_ALL
			   : cfg->host_access == NETDEF_HOST_NONE ? VNET_HOST_NONE
								  : VNET_HOST_SERVICES;
}

static int match_svc_net(const void *k, const void *v, const void *arg)
{
	return ((const struct vnet_host_svc_key *)k)->net_id == *(const __u32 *)arg;
}

/* The network's extra host ports (mode services), replaced as a set. */
static int net_services_set(struct datapath *dp, const struct dp_net_cfg *cfg)
{
	int fd = DP_MAP_FD(dp, host_svc_map);
	__u32 id = cfg->net_id;
	__u8 one = VNET_HOST_SVC_GW;

	purge_matching(fd, sizeof(struct vnet_host_svc_key), sizeof(__u8), match_svc_net, &id);
	for (size_t i = 0; i < cfg->n_services; i++) {
		struct vnet_host_svc_key k = { .net_id = id,
					       .port = htons(cfg->services[i].port),
					       .proto = cfg->services[i].proto };

		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

static void net6_from_cfg(const struct dp_net_cfg *cfg, struct vnet_net6 *n6)
{
	*n6 = (struct vnet_net6){ .flags = VNET_NET6_VALID };
	for (unsigned i = 0; i < cfg->n_ip6 && i < VNET_NET6_PFX; i++) {
		memcpy(n6->pfx[i].addr, &cfg->ip6[i], 16);
		n6->pfx[i].plen = cfg->prefix6[i] > 128 ? 128 : cfg->prefix6[i];
		n6->n_pfx++;
	}
	if (cfg->ipv6_any || cfg->mode == NETDEF_MODE_BRIDGE)
		n6->flags |= VNET_NET6_ANY;
	if (cfg->uplink_ifindex && n6->n_pfx && cfg->mode != NETDEF_MODE_BRIDGE) {
		if (cfg->nat6 && cfg->mode == NETDEF_MODE_NAT)
			n6->flags |= VNET_NET6_NAT;
		else if (cfg->route6 && (cfg->mode == NETDEF_MODE_ROUTE || cfg->mode == NETDEF_MODE_OPEN))
			n6->flags |= VNET_NET6_ROUTE;
	}
}

static int match_subnet6_net(const void *k, const void *v, const void *arg)
{
	return *(const __u32 *)v == *(const __u32 *)arg;
}

/* The network's IPv6 prefixes in subnet6_map (the uplink program and its
 * guard find a network by them), replaced as a set. */
static int net_subnet6_set(struct datapath *dp, const struct vnet_net6 *n6, __u32 id)
{
	int fd = DP_MAP_FD(dp, subnet6_map);

	purge_matching(fd, sizeof(struct vnet_lpm6_key), sizeof(__u32), match_subnet6_net, &id);
	for (unsigned i = 0; i < n6->n_pfx && i < VNET_NET6_PFX; i++) {
		struct vnet_lpm6_key k = { .prefixlen = n6->pfx[i].plen };

		for (unsigned b = 0; b < 16; b++) {
			unsigned bits = k.prefixlen > b * 8 ? k.prefixlen - b * 8 : 0;

			k.addr[b] = bits >= 8 ? n6->pfx[i].addr[b]
				  : n6->pfx[i].addr[b] & (uint8_t)(0xff00 >> bits);
		}
		if (bpf_map_update_elem(fd, &k, &id, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* bpf_fib_lookup() AF_INET6 answers only for a device with IPv6
 * forwarding on: the bridge, where the fast path's lookups arrive. */
static void bridge_forwarding6_on(int ifindex)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name) && ipv6_forwarding_on(name))
		log_warn("datapath: cannot turn IPv6 forwarding on on %s", name);
}

static int match_ct6_net(const struct vnet_ct6 *ct, const void *arg)
{
	return ct->net_id == *(const __u32 *)arg;
}

/* NAT66's source (nat6_map): a new address makes the network's IPv6
 * translations stale, as a new IPv4 uplink address does. */
static int nat6_set(struct datapath *dp, const struct dp_net_cfg *cfg)
{
	struct vnet_nat6 now = { 0 }, old;
	__u32 id = cfg->net_id;
	int fd = DP_MAP_FD(dp, nat6_map);

	if (cfg->nat6 && cfg->mode == NETDEF_MODE_NAT)
		memcpy(now.addr, &cfg->uplink_addr6, 16);
	if (bpf_map_lookup_elem(fd, &id, &old) == 0 && memcmp(&old, &now, sizeof(old))) {
		dp_ct6_purge(dp, match_ct6_net, &id);
		dp_fwd6_purge(dp, id);	/* keyed on the old address: re-added */
	}
	return bpf_map_update_elem(fd, &id, &now, BPF_ANY) ? -errno : 0;
}
static int match_fwd_net(const void *k, const void *v, const void *arg);

struct bridge_match {
	__u32 net_id;
	__u32 keep;	/* ifindex */
	const char *pin_dir;
};

static int match_bridge_stale(const void *k, const void *v, const void *arg)
{
	const struct bridge_match *m = arg;

	if (*(const __u32 *)v != m->net_id || *(const __u32 *)k == m->keep)
		return 0;
	dp_tc_unpin_stale(m->pin_dir, (int)*(const __u32 *)k);
	return 1;
}

/* The bridge program (bpf/lib/host.h) judges what reaches the host from
 * the network; bridge_map records where it runs, for dp_open's
 * re-attachment and dp_purge. An entry of the network under another
 * ifindex is a bridge that vanished and was recreated: its program went
 * with the device, so only the entry and its defunct link pin are removed
 * (detaching by a stale ifindex could hit a device that reuses it). A shared LAN's bridge
 * (VNET_NET_BRIDGE) gets no program: the host is an ordinary peer there. */
static int net_bridge_set(struct datapath *dp, const struct vnet_net *net, __u32 id, char *err,
			  size_t errlen)
{
	int fd = DP_MAP_FD(dp, bridge_map);
	__u32 br = net->bridge_ifindex;
	struct bridge_match m = { .net_id = id, .keep = br, .pin_dir = dp->pin_dir };

	if (net->flags & VNET_NET_BRIDGE)
		m.keep = 0;
	purge_matching(fd, sizeof(__u32), sizeof(__u32), match_bridge_stale, &m);
	if ((net->flags & VNET_NET_BRIDGE) || !br)
		return 0;
	if (bpf_map_update_elem(fd, &br, &id, BPF_ANY)) {
		int r = -errno;

		dp_err(err, errlen, "bridge ifindex %u: map update: %s", br, strerror(-r));
		return r;
	}
	return dp_attach_bridge(dp, br, err, errlen);
}

/* The network's own SNAT ranges (nat_map; zero: the uplink's address and
 * vnet's port ranges). */
static int nat_set(struct datapath *dp, const struct dp_net_cfg *cfg, char *err, size_t errlen)
{
	struct vnet_nat nc = { 0 };
	__u32 id = cfg->net_id;

	if (cfg->mode == NETDEF_MODE_NAT) {
		nc.addr_lo = cfg->nat_addr_start.s_addr;
		nc.addr_hi = cfg->nat_addr_end.s_addr ? cfg->nat_addr_end.s_addr
						      : cfg->nat_addr_start.s_addr;
		nc.port_lo = cfg->nat_port_start;
		nc.port_hi = cfg->nat_port_end ? cfg->nat_port_end : cfg->nat_port_start;
	}
	if (bpf_map_update_elem(DP_MAP_FD(dp, nat_map), &id, &nc, BPF_ANY)) {
		dp_err(err, errlen, "network %u: NAT ranges: map update: %s", id, strerror(errno));
		return -1;
	}
	return 0;
}

int dp_net_set(struct datapath *dp, const struct dp_net_cfg *cfg, char *err, size_t errlen)
{
	int sfd = DP_MAP_FD(dp, subnet_map), nfd = DP_MAP_FD(dp, net_map);
	struct vnet_net net, old;
	struct vnet_net6 n6;
	__u32 id = cfg->net_id;
	struct vnet_lpm_key lk;

	if (!id || id >= VNET_MAX_NETS || cfg->prefix > 32) {
		dp_err(err, errlen, "network id %u or prefix /%u out of range", id, cfg->prefix);
		return -EINVAL;
	}
	net_from_cfg(cfg, &net);
	net6_from_cfg(cfg, &n6);
	if (net.flags & (VNET_NET_NAT | VNET_NET_ROUTE))
		bridge_forwarding_on(cfg->bridge_ifindex);
	if (n6.flags & (VNET_NET6_ROUTE | VNET_NET6_NAT))
		bridge_forwarding6_on(cfg->bridge_ifindex);
	/* a new uplink address makes every translation of the old one stale,
	 * and the port forwards keyed on it (the caller re-adds forwards);
	 * the same address on another device (share rehome) keeps them */
	if (bpf_map_lookup_elem(nfd, &id, &old) == 0 && (old.flags & VNET_NET_VALID) &&
	    old.uplink_addr && old.uplink_addr != net.uplink_addr) {
		dp_ct_purge(dp, &(struct dp_ct_sel){ .net_id = id });
		purge_matching(DP_MAP_FD(dp, fwd_map), sizeof(struct vnet_fwd_key),
			       sizeof(struct vnet_fwd), match_fwd_net, &id);
	}
	if (nat_set(dp, cfg, err, errlen))
		return -EIO;
	purge_matching(sfd, sizeof(lk), sizeof(__u32), match_subnet_net, &id);
	lk = (struct vnet_lpm_key){ .prefixlen = cfg->prefix, .addr = net.gw & net.mask };
	/* A network without an address (bridge mode) owns no subnet: a /0
	 * entry would claim every address for it. */
	purge_matching(DP_MAP_FD(dp, subnet_info_map), sizeof(lk), sizeof(struct vnet_subnet),
		       match_subnet_net, &id);
	for (size_t i = 0; i < cfg->n_subnets && i < NETDEF_MAX_IPS; i++) {
		struct vnet_lpm_key sk = { .prefixlen = cfg->subnets[i].prefix };
		struct vnet_subnet si = { .net_id = id, .gw = cfg->subnets[i].addr.s_addr };

		if (!sk.prefixlen || sk.prefixlen > 32)
			continue;
		si.mask = htonl(~0u << (32 - sk.prefixlen));
		sk.addr = cfg->subnets[i].addr.s_addr & si.mask;
		if (bpf_map_update_elem(sfd, &sk, &id, BPF_ANY) ||
		    bpf_map_update_elem(DP_MAP_FD(dp, subnet_info_map), &sk, &si, BPF_ANY)) {
			int r = -errno;

			dp_err(err, errlen, "network %u: subnet map: %s", id, strerror(-r));
			return r;
		}
	}
	if ((cfg->prefix && bpf_map_update_elem(sfd, &lk, &id, BPF_ANY)) ||
	    net_services_set(dp, cfg) ||
	    (cfg->mode != NETDEF_MODE_BRIDGE && net_subnet6_set(dp, &n6, id)) ||
	    nat6_set(dp, cfg) ||
	    bpf_map_update_elem(DP_MAP_FD(dp, net6_map), &id, &n6, BPF_ANY) ||
	    bpf_map_update_elem(nfd, &id, &net, BPF_ANY)) {
		int r = -errno;

		dp_err(err, errlen, "network %u: map update: %s", id, strerror(-r));
		return r;
	}
	dp_port_state_sync_net(dp, id);	/* its ports' copies of net */
	return net_bridge_set(dp, &net, id, err, errlen);
}

/* Matches the network's bridges, detaching each as it goes (dp_net_del). */
static int match_bridge_net(const void *k, const void *v, const void *arg)
{
	const struct bridge_match *m = arg;

	if (*(const __u32 *)v != m->net_id)
		return 0;
	dp_detach_bridge(m->pin_dir, (int)*(const __u32 *)k);
	return 1;
}

static int match_fwd_net(const void *k, const void *v, const void *arg)
{
	return ((const struct vnet_fwd *)v)->net_id == *(const __u32 *)arg;
}

static int match_bind_net(const void *k, const void *v, const void *arg)
{
	return ((const struct vnet_bind_key *)k)->net_id == *(const __u32 *)arg;
}

static int match_bind6_net(const void *k, const void *v, const void *arg)
{
	return ((const struct vnet_bind6_key *)k)->net_id == *(const __u32 *)arg;
}

int dp_net_del(struct datapath *dp, uint32_t net_id)
{
	struct vnet_net zero = { 0 };
	struct vnet_nat nat0 = { 0 };
	struct vnet_net6 zero6 = { 0 };

	if (!net_id || net_id >= VNET_MAX_NETS)
		return -EINVAL;
	purge_matching(DP_MAP_FD(dp, bridge_map), sizeof(__u32), sizeof(__u32),
		       match_bridge_net, &(struct bridge_match){ .net_id = net_id, .pin_dir = dp->pin_dir });
	bpf_map_update_elem(DP_MAP_FD(dp, net_map), &net_id, &zero, BPF_ANY);
	dp_port_state_sync_net(dp, net_id);
	bpf_map_update_elem(DP_MAP_FD(dp, nat_map), &net_id, &nat0, BPF_ANY);
	bpf_map_update_elem(DP_MAP_FD(dp, net6_map), &net_id, &zero6, BPF_ANY);
	dp_port_state_bind6_clear_net(dp, net_id);
	purge_matching(DP_MAP_FD(dp, bind6_map), sizeof(struct vnet_bind6_key),
		       sizeof(struct vnet_bind6), match_bind6_net, &net_id);
	dp_port_state_bind6_clear_net(dp, net_id);
	purge_matching(DP_MAP_FD(dp, subnet_map), sizeof(struct vnet_lpm_key), sizeof(__u32),
		       match_subnet_net, &net_id);
	purge_matching(DP_MAP_FD(dp, subnet6_map), sizeof(struct vnet_lpm6_key), sizeof(__u32),
		       match_subnet6_net, &net_id);
	purge_matching(DP_MAP_FD(dp, subnet_info_map), sizeof(struct vnet_lpm_key),
		       sizeof(struct vnet_subnet), match_subnet_net, &net_id);
	purge_matching(DP_MAP_FD(dp, fwd_map), sizeof(struct vnet_fwd_key),
		       sizeof(struct vnet_fwd), match_fwd_net, &net_id);
	dp_fwd6_purge(dp, net_id);
	purge_matching(DP_MAP_FD(dp, host_svc_map), sizeof(struct vnet_host_svc_key),
		       sizeof(__u8), match_svc_net, &net_id);
	dp_port_state_bind_clear_net(dp, net_id);
	purge_matching(DP_MAP_FD(dp, bind_map), sizeof(struct vnet_bind_key),
		       sizeof(struct vnet_bind), match_bind_net, &net_id);
	dp_ct_purge(dp, &(struct dp_ct_sel){ .net_id = net_id });
	dp_ct6_purge(dp, match_ct6_net, &net_id);
	bpf_map_update_elem(DP_MAP_FD(dp, nat6_map), &net_id, &(struct vnet_nat6){ 0 }, BPF_ANY);
	dp_net_qos_set(dp, net_id, NULL, NULL, 0);	/* its <bandwidth> aggregate */
	dp_owner_purge(dp, net_id);
	return 0;
}

int dp_port_prepare(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t *mac,
		    int choice, char *err, size_t errlen)
{
	struct vnet_port port = { .net_id = net_id };
	int pfd = DP_MAP_FD(dp, port_map), kind, r, old_hook = 0;
	__u32 key = ifindex;

	kind = dp_dev_kind(ifindex);
	if (kind < 0) {
		dp_err(err, errlen, "port ifindex %d: %s", ifindex, strerror(-kind));
		return kind;
	}
	/* a re-added port keeps its locked MAC unless a new one is given */
	if (bpf_map_lookup_elem(pfd, &key, &port) == 0)
		old_hook = port.hook;
	if (old_hook == 0 || port.net_id != net_id)
		port = (struct vnet_port){ .net_id = net_id };
	port.kind = kind;
	port.hook = dp_port_hook(kind, choice);
	if (mac) {
		r = dp_owner_claim(dp, net_id, mac, ifindex, !(port.flags & VNET_PORT_MULTI_MAC));
		if (r) {
			dp_err(err, errlen, "port ifindex %d: MAC %02x:%02x:%02x:%02x:%02x:%02x is "
			       "bound to another port", ifindex, mac[0], mac[1], mac[2], mac[3],
			       mac[4], mac[5]);
			return r;
		}
		memcpy(port.mac, mac, 6);
		port.mac_locked = !(port.flags & VNET_PORT_MULTI_MAC);
	}
	if (bpf_map_update_elem(pfd, &key, &port, BPF_ANY)) {
		r = -errno;
		dp_err(err, errlen, "port ifindex %d: map update: %s", ifindex, strerror(-r));
		return r;
	}
	r = dp_port_state_sync(dp, key);
	if (r) {
		dp_err(err, errlen, "port ifindex %d: port state: %s", ifindex, strerror(-r));
		bpf_map_delete_elem(pfd, &key);
		return r;
	}
	if (mac)	/* with the slot port_state gave it (dp_fdb_seed) */
		dp_fdb_seed(dp, net_id, mac, ifindex);
	if (old_hook)
		dp_hook_switch(dp, ifindex, old_hook, port.hook);
	if (kind != VNET_KIND_VETH)
		dp_tx_port(dp, key, 1);	/* a veth: only xdp-veth (dp_attach_port) */
	return 0;
}

int dp_port_start(struct datapath *dp, int ifindex, char *err, size_t errlen)
{
	struct vnet_port port;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_map), &key, &port)) {
		dp_err(err, errlen, "port ifindex %d: not prepared", ifindex);
		return -ENOENT;
	}
	return dp_attach_port(dp, ifindex, port.hook, 0, err, errlen);
}

int dp_port_add_hook(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t *mac,
		     int choice, char *err, size_t errlen)
{
	int r = dp_port_prepare(dp, net_id, ifindex, mac, choice, err, errlen);

	return r ? r : dp_port_start(dp, ifindex, err, errlen);
}

int dp_port_add(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t *mac,
		char *err, size_t errlen)
{
	return dp_port_add_hook(dp, net_id, ifindex, mac, DP_HOOK_AUTO, err, errlen);
}

const char *dp_port_hook_name(struct datapath *dp, int ifindex)
{
	struct vnet_port port;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_map), &key, &port))
		return NULL;
	return dp_hook_name(port.hook);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int dp_port_set_has(const struct dp_port_set *s, __u32 ifindex)
{
	return !!bsearch(&ifindex, s->v, s->n, sizeof(*s->v), cmp_u32);
}

static int match_fdb_port(const void *k, const void *v, const void *arg)
{
	return dp_port_set_has(arg, ((const struct vnet_fdb *)v)->ifindex);
}

static int match_bind_port(const void *k, const void *v, const void *arg)
{
	return dp_port_set_has(arg, ((const struct vnet_bind *)v)->ifindex);
}

static int match_bind6_port(const void *k, const void *v, const void *arg)
{
	return dp_port_set_has(arg, ((const struct vnet_bind6 *)v)->ifindex);
}

static int match_ct6_port(const struct vnet_ct6 *ct, const void *arg)
{
	return ct->dir == VNET_CT_IN && dp_port_set_has(arg, ct->ifindex);
}

/* The port's own entries, found by its ifindex: its program first, so
 * nothing it judges meets half-removed state. -ENOENT: not a port. */
static int port_unhook(struct datapath *dp, __u32 key)
{
	int pfd = DP_MAP_FD(dp, port_map);
	struct vnet_port port;

	if (bpf_map_lookup_elem(pfd, &key, &port))
		return -ENOENT;
	dp_detach(dp->pin_dir, (int)key, port.hook, 0);
	dp_port_qos_clear(dp, (int)key);
	bpf_map_delete_elem(pfd, &key);
	dp_port_state_sync(dp, key);	/* gone, its counters' slot freed */
	dp_tx_port(dp, key, 0);
	bpf_map_delete_elem(DP_MAP_FD(dp, port_stats), &key);
	if (dp_acl_port_set(dp, (int)key, 0, 0))	/* its egress program too, if only for ACLs */
		bpf_map_delete_elem(DP_MAP_FD(dp, acl_port_map), &key);
	return 0;
}

/* What names the ports anywhere in the shared tables: one pass each. */
static void ports_purge(struct datapath *dp, const struct dp_port_set *s)
{
	purge_matching(DP_MAP_FD(dp, fdb_map), sizeof(struct vnet_fdb_key),
		       sizeof(struct vnet_fdb), match_fdb_port, s);
	purge_matching(DP_MAP_FD(dp, bind_map), sizeof(struct vnet_bind_key),
		       sizeof(struct vnet_bind), match_bind_port, s);
	/* the ports' learned IPv6 addresses, and their counts with them */
	purge_matching(DP_MAP_FD(dp, bind6_map), sizeof(struct vnet_bind6_key),
		       sizeof(struct vnet_bind6), match_bind6_port, s);
	for (size_t i = 0; i < s->n; i++)
		bpf_map_delete_elem(DP_MAP_FD(dp, bind6_count), &s->v[i]);
	/* a port's conntrack pairs: their IN entry delivers to it */
	dp_ct_purge(dp, &(struct dp_ct_sel){ .ports = *s });
	dp_ct6_purge(dp, match_ct6_port, s);
	dp_owner_purge_ports(dp, s);
	for (size_t i = 0; i < s->n; i++)
		dp_learn_port_gone(dp, s->v[i]);
	dp->port_purges++;
}

int dp_ports_del(struct datapath *dp, __u32 *ifindex, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)	/* the ports among them, to the front */
		if (ifindex[i] && port_unhook(dp, ifindex[i]) == 0)
			ifindex[k++] = ifindex[i];
	if (k) {
		qsort(ifindex, k, sizeof(*ifindex), cmp_u32);
		ports_purge(dp, &(struct dp_port_set){ .v = ifindex, .n = k });
	}
	return (int)k;
}

int dp_port_del(struct datapath *dp, int ifindex)
{
	__u32 key = (__u32)ifindex;

	return ifindex > 0 && dp_ports_del(dp, &key, 1) == 1 ? 0 : -ENOENT;
}

int dp_uplink_add(struct datapath *dp, int ifindex, char *err, size_t errlen)
{
	struct vnet_uplink up = { 0 }, cur;
	__u32 key = ifindex;
	int kind = dp_dev_kind(ifindex), r;

	if (kind < 0) {
		dp_err(err, errlen, "uplink ifindex %d: %s", ifindex, strerror(-kind));
		return kind;
	}
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_map), &key, &up) == 0)
		up = (struct vnet_uplink){ .ctr = up.ctr };	/* its slot kept (dp_uplink_slot.c) */
	up.kind = kind;
	up.hook = dp_hook_for(kind, 1);
	if (bpf_map_update_elem(DP_MAP_FD(dp, uplink_map), &key, &up, BPF_ANY)) {
		r = -errno;
		dp_err(err, errlen, "uplink ifindex %d: map update: %s", ifindex, strerror(-r));
		return r;
	}
	dp_uplink_slot_sync(dp, key);	/* before its programs: they read the slot */
	dp_tx_port(dp, key, 1);
	r = dp_attach_port(dp, ifindex, up.hook, 1, err, errlen);
	if (r)
		return r;
	up.xdp = dp_uplink_xdp_set(dp, ifindex, kind);
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_map), &key, &cur) == 0)
		up.ctr = cur.ctr;	/* the slot the sync above gave it */
	bpf_map_update_elem(DP_MAP_FD(dp, uplink_map), &key, &up, BPF_ANY);
	dp_uplink_slot_sync(dp, key);
	dp_port_state_sync_all(dp);	/* the ports' copies of their uplink */
	return 0;
}

const char *dp_uplink_xdp_name(struct datapath *dp, int ifindex)
{
	struct vnet_uplink up;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_map), &key, &up))
		return NULL;
	return up.xdp ? "native" : "off";
}

int dp_uplink_del(struct datapath *dp, int ifindex)
{
	int ufd = DP_MAP_FD(dp, uplink_map);
	struct vnet_uplink up;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(ufd, &key, &up))
		return -ENOENT;
	dp_detach(dp->pin_dir, ifindex, up.hook, 1);
	bpf_map_delete_elem(ufd, &key);
	/* its slot and counts freed (a re-added uplink starts from 0), an
	 * uplink that had no slot may take it */
	bpf_map_delete_elem(DP_MAP_FD(dp, port_stats), &key);
	dp_uplink_slot_sync_all(dp);
	dp_tx_port(dp, key, 0);
	dp_port_state_sync_all(dp);
	return 0;
}

static int fwd_key(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf,
		   struct vnet_fwd_key *k)
{
	struct vnet_net net;

	if (!net_id || net_id >= VNET_MAX_NETS ||
	    bpf_map_lookup_elem(DP_MAP_FD(dp, net_map), &net_id, &net))
		return -ENOENT;
	if (!(net.flags & VNET_NET_NAT) || !net.uplink_addr)
		return -EINVAL;
	if (pf->proto != IPPROTO_TCP && pf->proto != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	*k = (struct vnet_fwd_key){ .addr = net.uplink_addr, .port = htons(pf->host_port),
				    .proto = pf->proto };
	return 0;
}

/* The guests' way to a TCP forward's host port on the uplink address
 * (mode services; the hairpin relay listens there): the FWD bit of the
 * port's host_svc_map entry, beside a listed service's GW bit. */
static void fwd_host_svc(struct datapath *dp, uint32_t net_id,
			 const struct netdef_port_forward *pf, int on)
{
	int fd = DP_MAP_FD(dp, host_svc_map);
	struct vnet_host_svc_key k = { .net_id = net_id, .port = htons(pf->host_port),
				       .proto = pf->proto };
	__u8 v = 0;

	if (pf->proto != IPPROTO_TCP)
		return;
	bpf_map_lookup_elem(fd, &k, &v);
	v = on ? v | VNET_HOST_SVC_FWD : v & ~VNET_HOST_SVC_FWD;
	if (v)
		bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	else
		bpf_map_delete_elem(fd, &k);
}

static int forward_add_one(struct datapath *dp, uint32_t net_id,
			   const struct netdef_port_forward *pf, char *err, size_t errlen)
{
	struct vnet_fwd v = { .net_id = net_id, .guest_ip = pf->guest_ip.s_addr,
			      .guest_port = htons(pf->guest_port) };
	struct vnet_fwd_key k;
	int r;

	if (pf->family == AF_INET6) {	/* to a guest's IPv6 address: dp_fwd6.c */
		r = dp_fwd6_add(dp, net_id, pf, err, errlen);
		if (!r)
			fwd_host_svc(dp, net_id, pf, 1);
		return r;
	}
	r = fwd_key(dp, net_id, pf, &k);
	if (r) {
		dp_err(err, errlen, "port forward on network %u: %s", net_id,
		       r == -EINVAL ? "network is not in NAT mode with an uplink address"
				    : strerror(-r));
		return r;
	}
	if (bpf_map_update_elem(DP_MAP_FD(dp, fwd_map), &k, &v, BPF_ANY)) {
		r = -errno;
		dp_err(err, errlen, "port forward: map update: %s", strerror(-r));
	} else {
		fwd_host_svc(dp, net_id, pf, 1);
	}
	return r;
}

static int forward_del_one(struct datapath *dp, uint32_t net_id,
			   const struct netdef_port_forward *pf)
{
	struct vnet_fwd_key k;
	int r;

	if (pf->family == AF_INET6) {
		fwd_host_svc(dp, net_id, pf, 0);
		return dp_fwd6_del(dp, net_id, pf);
	}
	r = fwd_key(dp, net_id, pf, &k);
	if (r)
		return r;
	fwd_host_svc(dp, net_id, pf, 0);
	return bpf_map_delete_elem(DP_MAP_FD(dp, fwd_map), &k) ? -errno : 0;
}

/* Port i of a range (port..port_end -> toPort..toPort+n) as one forward:
 * the map holds one entry per host port. */
static struct netdef_port_forward forward_port(const struct netdef_port_forward *pf, unsigned i)
{
	struct netdef_port_forward one = *pf;

	one.host_port = (uint16_t)(pf->host_port + i);
	one.guest_port = (uint16_t)(pf->guest_port + i);
	one.host_port_end = 0;
	return one;
}

static unsigned forward_ports(const struct netdef_port_forward *pf)
{
	return pf->host_port_end > pf->host_port ? pf->host_port_end - pf->host_port + 1u : 1u;
}

int dp_forward_add(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf,
		   char *err, size_t errlen)
{
	unsigned n = forward_ports(pf);

	for (unsigned i = 0; i < n; i++) {
		struct netdef_port_forward one = forward_port(pf, i);
		int r = forward_add_one(dp, net_id, &one, err, errlen);

		if (r) { /* all of the range or none */
			while (i--) {
				one = forward_port(pf, i);
				forward_del_one(dp, net_id, &one);
			}
			return r;
		}
	}
	return 0;
}

int dp_forward_del(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf)
{
	unsigned n = forward_ports(pf);
	int ret = 0;

	for (unsigned i = 0; i < n; i++) {
		struct netdef_port_forward one = forward_port(pf, i);
		int r = forward_del_one(dp, net_id, &one);

		if (r && !ret)
			ret = r;
	}
	return ret;
}
