// SPDX-License-Identifier: GPL-2.0-or-later
/* Router advertisements on a network's bridge (ra_service.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ndp/ndp.h"
#include "ra_service/ra_service.h"
#include "util/util.h"

struct ra_service {
	struct loop *loop;
	int fd;
	int ifindex;
	char ifname[IF_NAMESIZE];
	long timer;
	struct ndp_ra_cfg cfg;
	struct ndp_sched sched;
	struct ra_stats stats;
};

static uint32_t rnd32(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)loop_now_ms() * 2654435761u;
	return r;
}

int ra_service_wanted(const struct netdef *d)
{
	if (d->mode == NETDEF_MODE_BRIDGE)
		return 0;	/* the LAN has its router */
	for (size_t i = 0; i < d->n_ips; i++)
		if (d->ips[i].family == AF_INET6)
			return 1;
	return 0;
}

/* The RA's content from the definition: each IPv6 <ip>'s prefix, the
 * first one's address as DNS server (the gateway) unless DNS is off. */
static void cfg_from_def(struct ndp_ra_cfg *c, const struct netdef *d, const uint8_t *mac)
{
	bool dns = d->dns_enable != NETDEF_NO;

	memset(c, 0, sizeof(*c));
	memcpy(c->src_mac, mac, 6);
	c->mtu = d->mtu;
	for (size_t i = 0; i < d->n_ips && c->n_prefixes < NDP_MAX_PREFIXES; i++) {
		if (d->ips[i].family != AF_INET6)
			continue;
		c->prefixes[c->n_prefixes].prefix = d->ips[i].addr6;
		c->prefixes[c->n_prefixes++].len = d->ips[i].prefix;
		if (dns && !c->n_rdnss)
			c->rdnss[c->n_rdnss++] = d->ips[i].addr6;
	}
	ndp_ra_cfg_defaults(c, d->n_ranges6 > 0, dns);
	if (dns && d->domain[0] && strlen(d->domain) <= NDP_DNSSL_MAX)
		snprintf(c->dnssl, sizeof(c->dnssl), "%s", d->domain);
}

/* The bridge's MTU (no <mtu>: the link's own, 1500 as a rule), 0 unknown.
 * An ioctl, not /sys: vnetd may run in a network namespace whose /sys it
 * has not mounted (tests: nsenter --net). */
static uint32_t bridge_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	r = ioctl(fd, SIOCGIFMTU, &ifr);
	close(fd);
	return r == 0 && ifr.ifr_mtu >= 1280 ? (uint32_t)ifr.ifr_mtu : 0;	/* RFC 8200: 1280 at least */
}

/* Multicast an RA to all nodes (ff02::1) on the bridge. */
static int send_ra(struct ra_service *s)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = s->ifindex };
	uint8_t buf[NDP_RA_MAX];
	ssize_t n = ndp_ra_build(&s->cfg, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	if (sendto(s->fd, buf, n, 0, (struct sockaddr *)&to, sizeof(to)) != n)
		return -errno;
	s->stats.sent++;
	return 0;
}

static void arm(struct ra_service *s);

static void on_timer(void *data)
{
	struct ra_service *s = data;
	uint64_t now = loop_now_ms();
	int r;

	s->timer = 0;
	r = send_ra(s);
	if (r == -EADDRNOTAVAIL || r == -ENETDOWN) {
		/* the bridge's link-local is still tentative (DAD): soon again */
		s->sched.next_ms = now + 1000;
	} else {
		if (r)
			log_warn("%s: router advertisement not sent: %s", s->ifname, strerror(-r));
		ndp_sched_sent(&s->sched, now, rnd32());
	}
	arm(s);
}

static void arm(struct ra_service *s)
{
	uint64_t now = loop_now_ms();
	long t;

	if (s->timer)
		loop_cancel_timer(s->loop, s->timer);
	t = loop_add_timer(s->loop, s->sched.next_ms > now ? s->sched.next_ms - now : 0, on_timer, s);
	s->timer = t > 0 ? t : 0;
}

/* A router solicitation (guest input: ndp_rs_parse checks it). */
static void on_rs(int fd, uint32_t events, void *data)
{
	struct ra_service *s = data;
	uint8_t msg[1280], cbuf[CMSG_SPACE(sizeof(int))];
	struct sockaddr_in6 from;
	struct iovec iov = { msg, sizeof(msg) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct ndp_rs rs;
	int hops = -1;
	ssize_t n;

	for (int i = 0; i < 16; i++) {	/* a burst at most per wakeup */
		mh.msg_controllen = sizeof(cbuf);
		mh.msg_namelen = sizeof(from);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
			    c->cmsg_len == CMSG_LEN(sizeof(int)))
				memcpy(&hops, CMSG_DATA(c), sizeof(int));
		if (ndp_rs_parse(msg, n, hops, &from.sin6_addr, &rs)) {
			s->stats.bad_rs++;
			continue;
		}
		s->stats.solicited++;
		ndp_sched_solicited(&s->sched, loop_now_ms(), rnd32());
		arm(s);
	}
}

/* The kernel must not take router advertisements on the bridge (vnet is
 * the router there): accept_ra and redirects off, in this namespace. */
static void bridge_sysctls(const char *ifname)
{
	static const char *const names[] = { "accept_ra", "accept_redirects" };
	char path[128];

	for (size_t i = 0; i < 2; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, names[i]);
		f = fopen(path, "w");
		if (!f || fputs("0", f) < 0)
			log_warn("%s: cannot set %s: %s", ifname, names[i], strerror(errno));
		if (f)
			fclose(f);
	}
}

static int open_socket(struct ra_service *s, char *err, size_t errlen)
{
	struct ipv6_mreq mreq = { .ipv6mr_interface = s->ifindex };
	struct icmp6_filter filt;
	int one = 1, hops = 255, zero = 0;

	s->fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (s->fd < 0)
		return ERR("ICMPv6 socket: %s", strerror(errno)), -errno;
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filt);
	inet_pton(AF_INET6, "ff02::2", &mreq.ipv6mr_multiaddr);	/* all routers */
	if (setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, s->ifname, strlen(s->ifname) + 1) ||
	    setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &s->ifindex, sizeof(s->ifindex)) ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq)))
		return ERR("%s: ICMPv6 socket options: %s", s->ifname, strerror(errno)), -errno;
	return 0;
}

struct ra_service *ra_service_start(struct loop *loop, const struct netdef *d, int ifindex,
				    const uint8_t *mac, char *err, size_t errlen)
{
	struct ra_service *s = calloc(1, sizeof(*s));
	uint8_t probe[NDP_RA_MAX];
	ssize_t n;

	if (!s)
		return ERR("out of memory"), NULL;
	s->loop = loop;
	s->fd = -1;
	s->ifindex = ifindex;
	if (!if_indextoname(ifindex, s->ifname)) {
		ERR("bridge ifindex %d: %s", ifindex, strerror(errno));
		goto fail;
	}
	cfg_from_def(&s->cfg, d, mac);
	if (!s->cfg.mtu)
		s->cfg.mtu = bridge_mtu(s->ifname);
	n = ndp_ra_build(&s->cfg, probe, sizeof(probe));
	if (n < 0) {
		ERR("%s: cannot build a router advertisement: %s", s->ifname, strerror((int)-n));
		goto fail;
	}
	bridge_sysctls(s->ifname);
	if (open_socket(s, err, errlen) ||
	    loop_add_fd(loop, s->fd, EPOLLIN, on_rs, s)) {
		if (!err[0])
			ERR("%s: cannot watch the ICMPv6 socket", s->ifname);
		goto fail;
	}
	ndp_sched_start(&s->sched, loop_now_ms(), rnd32());
	arm(s);
	return s;
fail:
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return NULL;
}

void ra_service_stop(struct ra_service *s)
{
	if (!s)
		return;
	if (s->timer)
		loop_cancel_timer(s->loop, s->timer);
	/* RFC 4861 6.2.5: a router ceasing to be one says so (lifetime 0) */
	s->cfg.router_lifetime_s = 0;
	send_ra(s);
	loop_del_fd(s->loop, s->fd);
	close(s->fd);
	free(s);
}

void ra_service_stats(const struct ra_service *s, struct ra_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (s)
		*st = s->stats;
}
