/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "nl.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/vxlan.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <netlink/route/route.h>
#include <string.h>
#include <sys/random.h>

static struct nl_sock *nls;

/* libnl returns its own positive NLE_* codes negated; map the common ones
 * back to errno so callers can say what went wrong. */
static int nl_errno(int nlerr)
{
	switch (-nlerr) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_NODEV: case NLE_OBJ_NOTFOUND: return -ENODEV;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_BUSY: return -EBUSY;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

const char *nl_strerror(int err)
{
	return strerror(-err);
}

int nl_init(void)
{
	int err;

	nls = nl_socket_alloc();
	if (!nls)
		return -ENOMEM;
	err = nl_connect(nls, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(nls);
		nls = NULL;
		return nl_errno(err);
	}
	return 0;
}

void nl_fini(void)
{
	nl_socket_free(nls);
	nls = NULL;
}

static int link_get(const char *name, struct rtnl_link **ret)
{
	int err = rtnl_link_get_kernel(nls, 0, name, ret);

	return err < 0 ? -ENODEV : 0;
}

/* Set a device's alias (IFLA_IFALIAS) by ifindex. */
static int set_alias(int ifindex, const char *alias)
{
	struct rtnl_link *link, *change;
	int err;

	if (rtnl_link_get_kernel(nls, ifindex, NULL, &link) < 0)
		return -ENODEV;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		return -ENOMEM;
	}
	rtnl_link_set_ifalias(change, alias);
	err = nl_errno(rtnl_link_change(nls, link, change, 0));
	rtnl_link_put(change);
	rtnl_link_put(link);
	return err;
}

static int delete_ifindex(int ifindex)
{
	struct rtnl_link *link;
	int err;

	if (rtnl_link_get_kernel(nls, ifindex, NULL, &link) < 0)
		return -ENODEV;
	err = nl_errno(rtnl_link_delete(nls, link));
	rtnl_link_put(link);
	return err;
}

int nl_bridge_create(const char *name, unsigned mtu, const uint8_t *given_mac, const char *mark)
{
	struct rtnl_link *link = rtnl_link_bridge_alloc();
	int err, idx;

	if (!link)
		return -ENOMEM;
	rtnl_link_set_name(link, name);
	/* A bridge without an explicit MAC takes its lowest port's and changes
	 * as ports come and go; the data path matches the gateway's MAC, so
	 * give it a fixed one: the definition's <mac>, else libvirt's 52:54:00
	 * prefix with a random tail. */
	uint8_t mac[6] = { 0x52, 0x54, 0x00 };
	struct nl_addr *a;

	if (given_mac)
		memcpy(mac, given_mac, 6);
	if ((given_mac || getrandom(mac + 3, 3, 0) == 3) && (a = nl_addr_build(AF_LLC, mac, 6))) {
		rtnl_link_set_addr(link, a);
		nl_addr_put(a);
	}
	if (mtu)
		rtnl_link_set_mtu(link, mtu);
	/* STP stays off: vnet bridges have no loops to break. EXCL: an
	 * existing device of that name is never taken over here. */
	err = nl_errno(rtnl_link_add(nls, link, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(link);
	if (err)
		return err;
	/* The kernel ignores IFLA_IFALIAS on creation: a second request. A
	 * bridge we cannot mark is one we could not recognise: remove it. */
	idx = if_nametoindex(name);
	err = idx ? set_alias(idx, mark) : -ENODEV;
	if (err && idx)
		delete_ifindex(idx);
	return err;
}

int nl_link_set_mark(const char *name, const char *mark)
{
	int idx = if_nametoindex(name);

	return idx ? set_alias(idx, mark) : -ENODEV;
}

int nl_link_alias(const char *name, char *buf, size_t len)
{
	struct rtnl_link *link;
	const char *alias;
	int err = link_get(name, &link);

	if (err)
		return err;
	alias = rtnl_link_get_ifalias(link);
	snprintf(buf, len, "%s", alias ? alias : "");
	rtnl_link_put(link);
	return 0;
}

int nl_link_has_mark(const char *name, const char *mark)
{
	char alias[256];

	return nl_link_alias(name, alias, sizeof(alias)) == 0 && !strcmp(alias, mark);
}

int nl_link_delete(const char *name)
{
	struct rtnl_link *link;
	int err = link_get(name, &link);

	if (err)
		return err;
	err = nl_errno(rtnl_link_delete(nls, link));
	rtnl_link_put(link);
	return err;
}

static int link_change(const char *name, void (*set)(struct rtnl_link *, unsigned long),
		       unsigned long val)
{
	struct rtnl_link *link, *change;
	int err = link_get(name, &link);

	if (err)
		return err;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		return -ENOMEM;
	}
	set(change, val);
	err = nl_errno(rtnl_link_change(nls, link, change, 0));
	rtnl_link_put(change);
	rtnl_link_put(link);
	return err;
}

static void set_updown(struct rtnl_link *l, unsigned long up)
{
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	else
		rtnl_link_unset_flags(l, IFF_UP);
}

static void set_mtu(struct rtnl_link *l, unsigned long mtu)
{
	rtnl_link_set_mtu(l, mtu);
}

int nl_link_set_up(const char *name, int up)
{
	return link_change(name, set_updown, up);
}

int nl_link_set_mtu(const char *name, unsigned mtu)
{
	return link_change(name, set_mtu, mtu);
}

int nl_link_set_master(const char *port, const char *bridge)
{
	int pidx = if_nametoindex(port), bidx = 0;

	if (!pidx)
		return -ENODEV;
	if (bridge) {
		bidx = if_nametoindex(bridge);
		if (!bidx)
			return -ENODEV;
		return nl_errno(rtnl_link_enslave_ifindex(nls, bidx, pidx));
	}
	return nl_errno(rtnl_link_release_ifindex(nls, pidx));
}

/* One u8 attribute of a bridge port, as `bridge link set dev PORT ...`:
 * AF_BRIDGE, the port's IFLA_PROTINFO (libnl 3.7 has no setters for
 * isolated, neigh_suppress). */
static int brport_set_u8(const char *port, int attr, int on)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE };
	struct nlattr *proto;
	struct nl_msg *msg;
	int err;

	ifi.ifi_index = if_nametoindex(port);
	if (!ifi.ifi_index)
		return -ENODEV;
	msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(proto = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED)) ||
	    nla_put_u8(msg, attr, on ? 1 : 0) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, proto);
	err = nl_send_sync(nls, msg);	/* frees msg */
	return nl_errno(err);
}

int nl_brport_set_isolated(const char *port, int on)
{
	return brport_set_u8(port, IFLA_BRPORT_ISOLATED, on);
}

int nl_brport_set_overlay(const char *port)
{
	int err = brport_set_u8(port, IFLA_BRPORT_NEIGH_SUPPRESS, 1);

	return err ? err : brport_set_u8(port, IFLA_BRPORT_LEARNING, 0);
}

int nl_vxlan_create(const char *name, uint32_t vni, struct in_addr local, const char *dev,
		    unsigned mtu, const char *mark)
{
	struct rtnl_link *link = rtnl_link_vxlan_alloc();
	struct nl_addr *a = nl_addr_build(AF_INET, &local, sizeof(local));
	int err, idx, dev_idx = dev && dev[0] ? (int)if_nametoindex(dev) : 0;

	if (!link || !a) {
		err = -ENOMEM;
		goto out;
	}
	if (dev && dev[0] && !dev_idx) {
		err = -ENODEV;
		goto out;
	}
	rtnl_link_set_name(link, name);
	/* as `ip link add NAME type vxlan id VNI local ADDR dstport 4789
	 * nolearning [dev DEV]`: zebra installs the remote MACs */
	if ((err = nl_errno(rtnl_link_vxlan_set_id(link, vni))) ||
	    (err = nl_errno(rtnl_link_vxlan_set_local(link, a))) ||
	    (err = nl_errno(rtnl_link_vxlan_set_port(link, 4789))) ||
	    (err = nl_errno(rtnl_link_vxlan_set_learning(link, 0))) ||
	    (dev_idx && (err = nl_errno(rtnl_link_vxlan_set_link(link, (uint32_t)dev_idx)))))
		goto out;
	if (mtu)
		rtnl_link_set_mtu(link, mtu);
	err = nl_errno(rtnl_link_add(nls, link, NLM_F_CREATE | NLM_F_EXCL));
	if (err)
		goto out;
	idx = (int)if_nametoindex(name);
	err = idx ? set_alias(idx, mark) : -ENODEV;
	if (err && idx)
		delete_ifindex(idx);
out:
	if (a)
		nl_addr_put(a);
	if (link)
		rtnl_link_put(link);
	return err;
}

struct fdb_walk {
	int ifindex;
	nl_fdb_fn fn;
	void *ctx;
};

static int fdb_entry(struct nl_msg *msg, void *arg)
{
	struct fdb_walk *w = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ndmsg *ndm = nlmsg_data(h);
	struct nlattr *tb[NDA_MAX + 1];
	struct in_addr dst = { 0 };

	if (h->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_family != AF_BRIDGE ||
	    ndm->ndm_ifindex != w->ifindex ||
	    nlmsg_parse(h, sizeof(*ndm), tb, NDA_MAX, NULL) < 0 || !tb[NDA_LLADDR] ||
	    nla_len(tb[NDA_LLADDR]) != 6)
		return NL_OK;
	if (tb[NDA_DST] && nla_len(tb[NDA_DST]) == 4)
		memcpy(&dst, nla_data(tb[NDA_DST]), 4);
	w->fn(nla_data(tb[NDA_LLADDR]), dst, ndm->ndm_flags, w->ctx);
	return NL_OK;
}

/* Dump the neighbour table of one family for device ifindex to cb, on a
 * socket of its own: the dump's callback stays off the shared socket. */
static int neigh_dump(int ifindex, int family, nl_recvmsg_msg_cb_t cb, void *arg)
{
	struct ndmsg ndm = { .ndm_family = (unsigned char)family, .ndm_ifindex = ifindex };
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (!err)
		err = nl_send_simple(sk, RTM_GETNEIGH, NLM_F_DUMP, &ndm, sizeof(ndm));
	if (err >= 0)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	return err < 0 ? nl_errno(err) : 0;
}

int nl_fdb_each(const char *dev, nl_fdb_fn fn, void *ctx)
{
	struct fdb_walk w = { .ifindex = (int)if_nametoindex(dev), .fn = fn, .ctx = ctx };

	if (!w.ifindex)
		return -ENODEV;
	return neigh_dump(w.ifindex, AF_BRIDGE, fdb_entry, &w);
}

struct neigh4_walk {
	int ifindex;
	nl_neigh4_fn fn;
	void *ctx;
};

static int neigh4_entry(struct nl_msg *msg, void *arg)
{
	struct neigh4_walk *w = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ndmsg *ndm = nlmsg_data(h);
	struct nlattr *tb[NDA_MAX + 1];
	struct in_addr ip;

	if (h->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_family != AF_INET ||
	    ndm->ndm_ifindex != w->ifindex ||
	    nlmsg_parse(h, sizeof(*ndm), tb, NDA_MAX, NULL) < 0 || !tb[NDA_LLADDR] ||
	    nla_len(tb[NDA_LLADDR]) != 6 || !tb[NDA_DST] || nla_len(tb[NDA_DST]) != 4)
		return NL_OK;
	memcpy(&ip, nla_data(tb[NDA_DST]), 4);
	w->fn(ip, nla_data(tb[NDA_LLADDR]), ndm->ndm_flags, ndm->ndm_state, w->ctx);
	return NL_OK;
}

int nl_neigh4_each(const char *dev, nl_neigh4_fn fn, void *ctx)
{
	struct neigh4_walk w = { .ifindex = (int)if_nametoindex(dev), .fn = fn, .ctx = ctx };

	if (!w.ifindex)
		return -ENODEV;
	return neigh_dump(w.ifindex, AF_INET, neigh4_entry, &w);
}

int nl_link_master(const char *port)
{
	struct rtnl_link *link;
	int err = link_get(port, &link), master;

	if (err)
		return err;
	master = rtnl_link_get_master(link);
	rtnl_link_put(link);
	return master;
}

int nl_link_mac(const char *name, uint8_t mac[6])
{
	struct rtnl_link *link;
	struct nl_addr *a;
	int err = link_get(name, &link);

	if (err)
		return err;
	a = rtnl_link_get_addr(link);
	if (!a || nl_addr_get_len(a) != 6)
		err = -ENOENT;
	else
		memcpy(mac, nl_addr_get_binary_addr(a), 6);
	rtnl_link_put(link);
	return err;
}

int nl_link_kind(const char *name, char *kind, size_t len)
{
	struct rtnl_link *link;
	const char *type;
	int err = link_get(name, &link);

	if (err)
		return err;
	type = rtnl_link_get_type(link);
	snprintf(kind, len, "%s", type ? type : "");
	rtnl_link_put(link);
	return 0;
}

int nl_addr_add(const char *name, struct in_addr ip, unsigned prefix)
{
	struct rtnl_addr *addr;
	struct nl_addr *local;
	int idx = if_nametoindex(name), err;

	if (!idx)
		return -ENODEV;
	addr = rtnl_addr_alloc();
	local = nl_addr_build(AF_INET, &ip, 4);
	if (!addr || !local) {
		rtnl_addr_put(addr);
		nl_addr_put(local);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(local, prefix);
	rtnl_addr_set_ifindex(addr, idx);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, prefix);
	struct in_addr bcast = { ip.s_addr | (prefix ? htonl(~(~0u << (32 - prefix))) : ~0u) };
	struct nl_addr *b = nl_addr_build(AF_INET, &bcast, 4);

	if (b && prefix < 31)
		rtnl_addr_set_broadcast(addr, b);
	nl_addr_put(b);
	err = nl_errno(rtnl_addr_add(nls, addr, 0));
	if (err == -EEXIST)
		err = 0;
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return err;
}

/* The first address of family on device name into out (len bytes); for
 * IPv6 a usable global one only (not tentative, deprecated or failed). */
static int link_first_addr(const char *name, int family, void *out, size_t len)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int idx = if_nametoindex(name), err = -ENOENT;

	if (!idx)
		return -ENODEV;
	if (rtnl_addr_alloc_cache(nls, &cache) < 0)
		return -EIO;
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) != idx || rtnl_addr_get_family(a) != family || !local)
			continue;
		if (family == AF_INET6 &&
		    (rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		     (rtnl_addr_get_flags(a) & (IFA_F_TENTATIVE | IFA_F_DEPRECATED | IFA_F_DADFAILED))))
			continue;
		memcpy(out, nl_addr_get_binary_addr(local), len);
		err = 0;
		break;
	}
	nl_cache_free(cache);
	return err;
}

int nl_link_ipv4(const char *name, struct in_addr *ret_ip)
{
	return link_first_addr(name, AF_INET, ret_ip, sizeof(*ret_ip));
}

int nl_link_ipv6_global(const char *name, struct in6_addr *ret_ip)
{
	return link_first_addr(name, AF_INET6, ret_ip, sizeof(*ret_ip));
}

int nl_default_route_dev(char *name, size_t len)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int err = -ENOENT;

	if (rtnl_route_alloc_cache(nls, AF_INET, 0, &cache) < 0)
		return -EIO;
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *r = (struct rtnl_route *)obj;
		struct rtnl_nexthop *nh;
		char buf[IF_NAMESIZE];

		if (rtnl_route_get_table(r) != RT_TABLE_MAIN ||
		    nl_addr_get_prefixlen(rtnl_route_get_dst(r)) != 0 ||
		    rtnl_route_get_nnexthops(r) < 1)
			continue;
		nh = rtnl_route_nexthop_n(r, 0);
		if (!if_indextoname(rtnl_route_nh_get_ifindex(nh), buf))
			continue;
		snprintf(name, len, "%s", buf);
		err = 0;
		break;
	}
	nl_cache_free(cache);
	return err;
}

static int prefix_of(struct nl_addr *a, int ifindex, struct nl_prefix *p)
{
	int fam = nl_addr_get_family(a);

	if ((fam != AF_INET && fam != AF_INET6) || nl_addr_get_len(a) != (fam == AF_INET ? 4u : 16u))
		return -1;
	memset(p, 0, sizeof(*p));
	p->addr.family = fam;
	if (fam == AF_INET)
		memcpy(&p->addr.v4, nl_addr_get_binary_addr(a), 4);
	else
		memcpy(&p->addr.v6, nl_addr_get_binary_addr(a), 16);
	p->prefix = nl_addr_get_prefixlen(a);
	p->ifindex = ifindex;
	return 0;
}

int nl_links_each(nl_link_fn fn, void *ctx)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int ret = 0;

	if (rtnl_link_alloc_cache(nls, AF_UNSPEC, &cache) < 0)
		return -EIO;
	for (obj = nl_cache_get_first(cache); obj && !ret; obj = nl_cache_get_next(obj)) {
		struct rtnl_link *l = (struct rtnl_link *)obj;
		const char *name = rtnl_link_get_name(l);

		if (name)
			ret = fn(ctx, name, rtnl_link_get_ifindex(l), rtnl_link_get_master(l));
	}
	nl_cache_free(cache);
	return ret;
}

int nl_addrs_each(nl_prefix_fn fn, void *ctx)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int ret = 0;

	if (rtnl_addr_alloc_cache(nls, &cache) < 0)
		return -EIO;
	for (obj = nl_cache_get_first(cache); obj && !ret; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(a);
		struct nl_prefix p;

		if (!local || prefix_of(local, rtnl_addr_get_ifindex(a), &p))
			continue;
		p.prefix = rtnl_addr_get_prefixlen(a);
		ret = fn(ctx, &p);
	}
	nl_cache_free(cache);
	return ret;
}

int nl_routes_each(nl_prefix_fn fn, void *ctx)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int ret = 0;

	if (rtnl_route_alloc_cache(nls, AF_UNSPEC, 0, &cache) < 0)
		return -EIO;
	for (obj = nl_cache_get_first(cache); obj && !ret; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *r = (struct rtnl_route *)obj;
		struct nl_addr *dst = rtnl_route_get_dst(r);
		struct nl_prefix p;
		int ifindex = 0;

		if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST ||
		    !dst || !nl_addr_get_prefixlen(dst))
			continue;
		if (rtnl_route_get_nnexthops(r) >= 1)
			ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0));
		if (prefix_of(dst, ifindex, &p))
			continue;
		ret = fn(ctx, &p);
	}
	nl_cache_free(cache);
	return ret;
}

int nl_bridge_set_stp(const char *name, int stp, unsigned delay_secs)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	struct nl_msg *msg;
	int err;

	ifi.ifi_index = (int)if_nametoindex(name);
	if (!ifi.ifi_index)
		return -ENODEV;
	msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	if (!msg)
		return -ENOMEM;
	/* forward_delay first: the kernel checks its range (2..30 s) only
	 * while STP runs, and libvirt's default delay is 0 */
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
	    !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, delay_secs * 100) < 0 || /* clock_t */
	    nla_put_u32(msg, IFLA_BR_STP_STATE, stp ? 1 : 0) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	err = nl_send_sync(nls, msg); /* frees msg */
	return nl_errno(err);
}

int nl_link_is_up(const char *name)
{
	struct rtnl_link *link;
	int err = link_get(name, &link), up;

	if (err)
		return err;
	up = !!(rtnl_link_get_flags(link) & IFF_UP);
	rtnl_link_put(link);
	return up;
}

int nl_addr6_add(const char *name, const struct in6_addr *ip, unsigned prefix)
{
	struct rtnl_addr *addr;
	struct nl_addr *local;
	int idx = if_nametoindex(name), err;

	if (!idx)
		return -ENODEV;
	addr = rtnl_addr_alloc();
	local = nl_addr_build(AF_INET6, ip, 16);
	if (!addr || !local) {
		rtnl_addr_put(addr);
		nl_addr_put(local);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(local, prefix);
	rtnl_addr_set_ifindex(addr, idx);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, prefix);
	/* no DAD: the address is the network's own, and a bridge without
	 * ports would keep it tentative (unusable) */
	rtnl_addr_set_flags(addr, IFA_F_NODAD);
	err = nl_errno(rtnl_addr_add(nls, addr, 0));
	if (err == -EEXIST)
		err = 0;
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return err;
}

/* The route as vnet installs it: main table, static, through ifindex. */
static struct rtnl_route *route_build(const struct netdef_addr *dst, unsigned prefix,
				      const struct netdef_addr *gw, unsigned metric, int ifindex)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	int fam = dst->family, len = fam == AF_INET ? 4 : 16;
	struct nl_addr *d = nl_addr_build(fam, fam == AF_INET ? (const void *)&dst->v4
							      : (const void *)&dst->v6, len);
	struct nl_addr *g = gw->family ? nl_addr_build(fam, fam == AF_INET ? (const void *)&gw->v4
									 : (const void *)&gw->v6,
						       len)
				       : NULL;

	if (!r || !nh || !d || (gw->family && !g)) {
		rtnl_route_put(r);
		if (nh)
			rtnl_route_nh_free(nh);
		nl_addr_put(d);
		nl_addr_put(g);
		return NULL;
	}
	nl_addr_set_prefixlen(d, prefix);
	rtnl_route_set_family(r, fam);
	rtnl_route_set_dst(r, d);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, g ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	rtnl_route_set_type(r, RTN_UNICAST);
	if (metric)
		rtnl_route_set_priority(r, metric);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (g)
		rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(r, nh);
	nl_addr_put(d);
	nl_addr_put(g);
	return r;
}

int nl_route_add(const struct netdef_addr *dst, unsigned prefix, const struct netdef_addr *gw,
		 unsigned metric, int ifindex)
{
	struct rtnl_route *r = route_build(dst, prefix, gw, metric, ifindex);
	int err;

	if (!r)
		return -ENOMEM;
	err = nl_errno(rtnl_route_add(nls, r, NLM_F_EXCL));
	rtnl_route_put(r);
	return err;
}

int nl_route_del(const struct netdef_addr *dst, unsigned prefix, const struct netdef_addr *gw,
		 unsigned metric, int ifindex)
{
	struct rtnl_route *r = route_build(dst, prefix, gw, metric, ifindex);
	int err;

	if (!r)
		return -ENOMEM;
	err = nl_errno(rtnl_route_delete(nls, r, 0));
	rtnl_route_put(r);
	return err;
}
