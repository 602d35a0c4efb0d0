/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DHCP snooping for bridge-mode (shared NIC) networks. vnet serves no DHCP
 * there, yet guest ports keep IP anti-spoofing, which needs each guest's
 * address: it is learned from the LAN server's DHCPACKs. Only ACKs that
 * arrive from the LAN (received on a bridge port that is not a guest's)
 * or that the host itself sends on the bridge count: a guest cannot forge
 * one for another. A
 * binding lives as long as the lease (plus a grace period); renewals
 * extend it.
 *
 * The core opens the packet socket; the service child reads and parses
 * the frames and reports each ACK with where it was seen (PSM_SNOOP_ACK);
 * the verdict and the bindings are made here. */
#include "share.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "util/util.h"
#include "nl/nl.h"
#include "netmgr/netmgr.h"
#include "privsep/privsep.h"

#define SNOOP_MAX 1024
#define SNOOP_GRACE_S 60	/* a late renewal must not cut a guest off */
#define SNOOP_TICK_MS 10000

struct snoop_bind {
	uint8_t mac[6];
	struct in_addr ip;
	uint64_t expires_ms;
};

struct share_snoop {
	struct network *n;
	int fd;		/* kept for the next child */
	uint32_t gen;
	long timer;
	size_t n_binds;
	struct snoop_bind binds[SNOOP_MAX];
};

/* IPv4, not a fragment, UDP, destination port 68 (SOCK_DGRAM: offsets
 * start at the IP header). The socket is ETH_P_ALL: only those taps see
 * what the host sends, too. */
static struct sock_filter snoop_code[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_CLIENT_PORT, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static struct snoop_bind *bind_find(struct share_snoop *s, const uint8_t mac[6])
{
	for (size_t i = 0; i < s->n_binds; i++)
		if (!memcmp(s->binds[i].mac, mac, 6))
			return &s->binds[i];
	return NULL;
}

static void bind_drop(struct share_snoop *s, struct snoop_bind *b)
{
	dp_lease_bind(s->n->mgr->dp, s->n->id, b->mac, b->ip, false);
	*b = s->binds[--s->n_binds];
}

static void on_ack(struct share_snoop *s, const struct psm_snoop_ack *m)
{
	struct snoop_bind *b = bind_find(s, m->mac);
	uint32_t secs = m->lease_secs;
	char mac[18];

	if (b && b->ip.s_addr != m->ip.s_addr)
		bind_drop(s, b), b = NULL;
	if (!b && s->n_binds >= SNOOP_MAX)
		return log_warn("network %s: too many snooped leases", s->n->def->name);
	mac_format(m->mac, mac);
	if (dp_lease_bind(s->n->mgr->dp, s->n->id, m->mac, m->ip, true)) {
		log_debug("network %s: ACK for %s, not a guest here", s->n->def->name, mac);
		return;
	}
	if (!b) {
		b = &s->binds[s->n_binds++];
		memcpy(b->mac, m->mac, 6);
		b->ip = m->ip;
		log_info("network %s: %s leased %s from the LAN", s->n->def->name, mac,
			 inet_ntoa(m->ip));
	}
	b->expires_ms = loop_now_ms() + (secs == 0xffffffffu ? 1ull << 50
				       : ((uint64_t)secs + SNOOP_GRACE_S) * 1000);
}

/* Sent by the host itself on the bridge, or received from the LAN: on a
 * port of the bridge (the shared NIC, or an admin's own uplink port) that
 * is not a guest port of this network. */
static int trusted(struct share_snoop *s, int ifindex, unsigned pkttype)
{
	int br = if_nametoindex(s->n->def->bridge);
	char name[IF_NAMESIZE];

	if (pkttype == PACKET_OUTGOING)
		return ifindex == br;
	for (size_t i = 0; i < s->n->n_ports; i++)
		if (s->n->ports[i].ifindex == ifindex)
			return 0;
	return if_indextoname(ifindex, name) && nl_link_master(name) == br;
}

void share_snoop_on_ack(struct network *n, const struct psm_snoop_ack *m)
{
	if (!n->snoop || n->snoop->gen != m->in.gen || !trusted(n->snoop, m->ifindex, m->pkttype))
		return;
	on_ack(n->snoop, m);
}

uint32_t share_snoop_gen(const struct network *n)
{
	return n->snoop ? n->snoop->gen : 0;
}

void share_snoop_resend(struct network *n)
{
	struct psm_net m;

	if (!n->snoop)
		return;
	privsep_send_netdef(n->id, n->def);
	psm_init(&m, PSM_SNOOP_START);
	m.in = (struct psm_inst){ n->id, n->snoop->gen };
	privsep_send(&m, &n->snoop->fd);
}

static void on_tick(void *data)
{
	struct share_snoop *s = data;
	uint64_t now = loop_now_ms();

	for (size_t i = 0; i < s->n_binds;) {
		if (s->binds[i].expires_ms <= now)
			bind_drop(s, &s->binds[i]);
		else
			i++;
	}
	s->timer = loop_add_timer(s->n->mgr->loop, SNOOP_TICK_MS, on_tick, s);
}

static int snoop_socket(void)
{
	struct sock_fprog prog = { sizeof(snoop_code) / sizeof(snoop_code[0]), snoop_code };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int share_snoop_start(struct network *n, char *err, size_t errlen)
{
	struct share_snoop *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	s->n = n;
	s->fd = snoop_socket();
	r = s->fd < 0 ? s->fd : 0;
	if (r) {
		free(s);
		return snprintf(err, errlen, "cannot watch DHCP on %s: %s", n->def->bridge,
				strerror(-r)), r;
	}
	s->gen = privsep_new_gen();
	s->timer = loop_add_timer(n->mgr->loop, SNOOP_TICK_MS, on_tick, s);
	n->snoop = s;
	share_snoop_resend(n); /* the child reads it */
	return 0;
}

void share_snoop_stop(struct network *n)
{
	struct share_snoop *s = n->snoop;

	if (!s)
		return;
	privsep_stop_service(PSM_SNOOP_STOP, n->id, s->gen);
	while (s->n_binds)
		bind_drop(s, &s->binds[0]);
	loop_cancel_timer(n->mgr->loop, s->timer);
	close(s->fd);
	free(s);
	n->snoop = NULL;
}
