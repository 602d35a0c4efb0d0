/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <vnet:overlay> (issue 22): what EVPN tells this host about the network's
 * guests on other hosts, and what vnetd does with it so a guest keeps its
 * lease and its anti-spoofing binding when it moves here.
 *
 * zebra installs every remote guest's type-2 MAC+IP route as an
 * extern_learn neighbour entry on the bridge. That table is the shared
 * lease view: each address in it is one guest's on another host, whichever
 * host's DHCP slice it came from. vnetd reads it every reconciler pass
 * (5 s) and at port-add, keeps what it saw (an entry goes when its guest
 * moves here), and
 *   - gives each (MAC, address) to the network's DHCP service as a
 *     reservation: a moved guest's renewal here is ACKed with its address
 *     (outside this host's slice), and this host never leases an address
 *     a guest elsewhere holds;
 *   - at port-add with the guest's MAC, binds its EVPN addresses to the
 *     new port at once: its first frames pass the source checks (strict
 *     mode too), the bridge learns it, zebra announces it with a higher
 *     sequence number (MAC mobility) and the other hosts send to it here.
 * A reservation no longer seen for EVPN_KEEP_S is dropped, unless its
 * guest is bound on a port of this host (it moved here). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "nl/nl.h"
#include "dp/dp.h"
#include "netmgr.h"
#include "privsep/privsep.h"

#define EVPN_MAX_BINDS 1024
#define EVPN_KEEP_S 3600 /* an entry not seen for this long is forgotten */
#define EVPN_ASK_S 60	  /* a remote guest's name is asked again this often */

#ifndef NTF_EXT_LEARNED
#define NTF_EXT_LEARNED 0x10
#endif

struct evpn_bind {
	uint8_t mac[6];
	struct in_addr ip;
	time_t seen;	/* last time the neighbour table had it */
	pid_t child;	/* the service child it was given to; 0: not given */
	time_t asked;	/* when its name was last asked of the other hosts */
	int present;	/* in the table at the last read */
};

struct evpn_view {
	size_t n;
	struct evpn_bind b[EVPN_MAX_BINDS];
};

static struct evpn_bind *find_ip(struct evpn_view *v, struct in_addr ip)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->b[i].ip.s_addr == ip.s_addr)
			return &v->b[i];
	return NULL;
}

static void child_del(struct network *n, struct evpn_bind *b)
{
	struct netdef_host h = { .has_mac = 1, .has_ip = 1, .ip = b->ip };
	char err[128];

	memcpy(h.mac, b->mac, 6);
	if (b->child && b->child == privsep_child_pid() && n->dhcp)
		dhcp_proxy_del_host(n->dhcp, &h, err, sizeof(err));
	b->child = 0;
}

static void child_add(struct network *n, struct evpn_bind *b)
{
	struct netdef_host h = { .has_mac = 1, .has_ip = 1, .ip = b->ip };
	pid_t pid = privsep_child_pid();
	char err[128] = "", mac[18];
	int r;

	if (!n->dhcp || pid <= 0 || b->child == pid)
		return;
	memcpy(h.mac, b->mac, 6);
	r = dhcp_proxy_add_host(n->dhcp, &h, err, sizeof(err));
	mac_format(b->mac, mac);
	if (r && r != -EAGAIN) {
		/* an admin's <host> for the MAC or address wins: nothing to do */
		log_debug("network %s: EVPN guest %s %s not reserved: %s", n->def->name, mac,
			  inet_ntoa(b->ip), err);
		b->child = pid;
		return;
	}
	if (!r) {
		b->child = pid;
		log_debug("network %s: EVPN guest %s %s reserved in DHCP", n->def->name, mac,
			  inet_ntoa(b->ip));
	}
}

struct seen_ctx {
	struct network *n;
	time_t now;
};

static int bound_here(struct network *n, const struct evpn_bind *b);

static void drop(struct network *n, size_t i)
{
	struct evpn_view *v = n->evpn;

	/* its name goes with it, unless the guest is this host's now */
	if (!bound_here(n, &v->b[i]))
		dns_proxy_lease_gone(n->dns, v->b[i].ip);
	child_del(n, &v->b[i]);
	v->b[i] = v->b[--v->n];
}

static void neigh_seen(struct in_addr ip, const uint8_t mac[6], unsigned flags, unsigned state,
		       void *ctx)
{
	struct seen_ctx *c = ctx;
	struct evpn_view *v = c->n->evpn;
	struct evpn_bind *b;

	(void)state;
	if (!(flags & NTF_EXT_LEARNED) || (mac[0] & 1) || !ip.s_addr)
		return;
	b = find_ip(v, ip);
	if (b && memcmp(b->mac, mac, 6)) { /* the address is another guest's now */
		drop(c->n, (size_t)(b - v->b));
		b = NULL;
	}
	/* one address a MAC: the guest's newest (an older one's reservation
	 * would refuse the new one: EEXIST) */
	for (size_t i = 0; !b && i < v->n;)
		if (!memcmp(v->b[i].mac, mac, 6) && v->b[i].ip.s_addr != ip.s_addr)
			drop(c->n, i);
		else
			i++;
	if (!b) {
		if (v->n == EVPN_MAX_BINDS)
			return;
		b = &v->b[v->n++];
		memset(b, 0, sizeof(*b));
		memcpy(b->mac, mac, 6);
		b->ip = ip;
	}
	b->seen = c->now;
	b->present = 1;
}

struct bound_ctx {
	const struct evpn_bind *b;
	int found;
};

static void bound_one(void *ctx, const uint8_t mac[6], struct in_addr ip)
{
	struct bound_ctx *c = ctx;

	c->found |= ip.s_addr == c->b->ip.s_addr && !memcmp(mac, c->b->mac, 6);
}

/* The guest is bound on a port of this host: it moved here. */
static int bound_here(struct network *n, const struct evpn_bind *b)
{
	struct bound_ctx c = { b, 0 };

	for (size_t i = 0; i < n->n_ports && !c.found; i++)
		if (n->ports[i].ifindex)
			dp_port_binds(n->mgr->dp, n->ports[i].ifindex, bound_one, &c);
	return c.found;
}

void network_evpn_refresh(struct network *n)
{
	struct seen_ctx c = { n, time(NULL) };
	struct evpn_view *v;

	if (!n->def->overlay.enabled || n->state != NETWORK_ACTIVE)
		return;
	if (!n->evpn && !(n->evpn = calloc(1, sizeof(*n->evpn))))
		return;
	v = n->evpn;
	for (size_t i = 0; i < v->n; i++)
		v->b[i].present = 0;
	if (nl_neigh4_each(n->def->bridge, neigh_seen, &c))
		return;
	for (size_t i = 0; i < v->n;) {
		struct evpn_bind *b = &v->b[i];

		if (!b->present && c.now - b->seen > EVPN_KEEP_S && !bound_here(n, b)) {
			drop(n, i);
			continue;
		}
		child_add(n, b);
		/* its name: asked of the other hosts now and every minute (a
		 * name that changed, an answer lost) while EVPN shows it */
		if (b->present && (!b->asked || c.now - b->asked >= EVPN_ASK_S)) {
			dns_proxy_peer_ask(n->dns, b->ip, b->mac);
			b->asked = c.now;
		}
		i++;
	}
}

/* port-add with the guest's MAC: its addresses known from EVPN are bound
 * to the port now (the guest moved here from another host). */
void network_evpn_port_added(struct network *n, int ifindex, const uint8_t *mac)
{
	char mac_s[18];

	if (!mac || !n->def->overlay.enabled)
		return;
	network_evpn_refresh(n);
	for (size_t i = 0; n->evpn && i < n->evpn->n; i++) {
		const struct evpn_bind *b = &n->evpn->b[i];
		int r;

		if (memcmp(b->mac, mac, 6))
			continue;
		mac_format(mac, mac_s);
		r = dp_bind_port(n->mgr->dp, n->id, ifindex, mac, b->ip);
		if (r)
			log_warn("network %s: guest %s's address %s (EVPN) not bound to its new "
				 "port: %s", n->def->name, mac_s, inet_ntoa(b->ip), strerror(-r));
		else
			log_info("network %s: guest %s moved here: its address %s (EVPN) bound "
				 "to port ifindex %d", n->def->name, mac_s, inet_ntoa(b->ip), ifindex);
	}
}

/* How many guests of other hosts EVPN shows now (net-info). */
unsigned network_evpn_remote_guests(const struct network *n)
{
	unsigned k = 0;

	for (size_t i = 0; n->evpn && i < n->evpn->n; i++)
		k += (unsigned)n->evpn->b[i].present;
	return k;
}

void network_evpn_free(struct network *n)
{
	free(n->evpn);
	n->evpn = NULL;
}
