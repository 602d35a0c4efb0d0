/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "udhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhcp/dhcp.h"
#include "util/util.h"

struct vu_dhcp {
	struct dhcp_pool *pool;
	struct dns_zone *zone;
	struct dhcp_lease_file leases;
	struct in_addr gw;
	uint8_t gw_mac[6];
};

/* A lease's DNS name under the zone's lease rules, as vnetd's (one label in
 * the domain, first come, not reserved, gone with the lease: dns_zone.h).
 * Static hosts' names are in the zone from the definition already. */
static void pool_event(void *ctx, const struct dhcp_pool_event *ev)
{
	struct vu_dhcp *d = ctx;
	enum dns_lease_name r;

	if (!d->zone || ev->is_static)
		return;
	if (!ev->bound) {
		dns_zone_lease_clear(d->zone, ev->ip);
		return;
	}
	r = dns_zone_lease_set(d->zone, ev->ip, ev->hostname);
	if (r != DNS_LEASE_NAME_OK && r != DNS_LEASE_NAME_NONE)
		log_debug("lease %s: hostname '%s' not published (%s)", inet_ntoa(ev->ip),
			  ev->hostname, dns_lease_name_str(r));
}

struct vu_dhcp *vu_dhcp_new(const struct netdef *def, const char *lease_path,
			    const uint8_t gw_mac[6], struct dns_zone *zone, char *err,
			    size_t errlen)
{
	struct vu_dhcp *d = calloc(1, sizeof(*d));
	int r;

	if (!d || !(d->pool = dhcp_pool_from_netdef(def, time(NULL), pool_event, d))) {
		snprintf(err, errlen, "cannot set up DHCP: %s", strerror(errno));
		free(d);
		return NULL;
	}
	d->zone = zone;
	d->gw = def->ip;
	memcpy(d->gw_mac, gw_mac, 6);
	r = dhcp_lease_file_init(&d->leases, lease_path, def->name);
	if (!r)
		r = dhcp_lease_file_load(&d->leases, d->pool, time(NULL));
	if (r) {
		/* running on would overwrite the file and lose its leases */
		snprintf(err, errlen, "cannot read %s: %s", lease_path, strerror(-r));
		vu_dhcp_free(d);
		return NULL;
	}
	return d;
}

void vu_dhcp_free(struct vu_dhcp *d)
{
	if (!d)
		return;
	dhcp_pool_free(d->pool);
	free(d);
}

int vu_dhcp_frame(struct vu_dhcp *d, const struct udp_view *u, uint8_t *out, size_t cap)
{
	static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct in_addr dst = { htonl(INADDR_BROADCAST) };
	const uint8_t *dst_mac = bcast_mac;
	struct dhcp_result res;
	struct dhcp_msg m;
	uint8_t buf[DHCP_MAX_REPLY];
	int n;

	if (dhcp_msg_parse(u->data, u->len, &m) < 0) {
		dhcp_pool_counters(d->pool)->bad_packets++;
		return 0;
	}
	dhcp_pool_handle(d->pool, &m, u->dst.s_addr == d->gw.s_addr, time(NULL), &res);
	if (res.dirty || d->leases.unsaved)
		dhcp_lease_file_save(&d->leases, d->pool); /* before the reply goes out */
	/* no relay agents live on a user switch: a giaddr reply has nowhere to go */
	if (!res.has_reply || res.dest == DHCP_DEST_RELAY)
		return 0;
	n = dhcp_msg_build(&res.reply, buf, sizeof(buf));
	if (n < 0)
		return 0;
	if (res.dest == DHCP_DEST_CIADDR) {
		dst = res.dest_ip;
		dst_mac = m.chaddr;
	}
	n = frame_udp_build(out, cap, d->gw_mac, dst_mac, d->gw, DHCP_SERVER_PORT, dst,
			    DHCP_CLIENT_PORT, buf, (size_t)n);
	if (n > 0)
		dhcp_pool_counters(d->pool)->tx[res.reply.type]++;
	return n > 0 ? n : 0;
}

void vu_dhcp_tick(struct vu_dhcp *d)
{
	if (dhcp_pool_expire(d->pool, time(NULL)) ||
	    dhcp_lease_file_retry_due(&d->leases, time(NULL)))
		dhcp_lease_file_save(&d->leases, d->pool);
}

int64_t vu_dhcp_next(struct vu_dhcp *d)
{
	int64_t t = dhcp_pool_next_expiry(d->pool);

	return t ? (t > time(NULL) ? t - time(NULL) : 1) : 0;
}

int vu_dhcp_add_host(struct vu_dhcp *d, const struct netdef_host *h, char *err, size_t errlen)
{
	int r = dhcp_pool_add_netdef_host(d->pool, h, time(NULL));

	if (r == -EEXIST)
		snprintf(err, errlen, "that MAC already has another static address");
	else if (r == -EADDRINUSE)
		snprintf(err, errlen, "%s is already static for another MAC", inet_ntoa(h->ip));
	else if (r)
		snprintf(err, errlen, "cannot add host: %s", strerror(-r));
	else if (h->name[0] && d->zone)
		dns_zone_add(d->zone, h->name, h->ip);
	if (!r)
		dhcp_lease_file_save(&d->leases, d->pool);
	return r;
}

struct json_object *vu_dhcp_leases_json(struct vu_dhcp *d)
{
	return dhcp_pool_leases_json(d ? d->pool : NULL);
}

struct json_object *vu_dhcp_counters_json(struct vu_dhcp *d)
{
	return dhcp_counters_json(d ? d->pool : NULL);
}
