/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "udns.h"

#include <string.h>

#include "dns/dns.h"

#define LOCAL_TTL 0 /* leases change: let nobody cache them */

struct dns_zone *vu_dns_zone(const struct netdef *def)
{
	struct dns_zone *z = dns_zone_new(def->domain, def->ip, def->prefix);

	if (z && dns_zone_load_netdef(z, def) < 0) {
		dns_zone_free(z);
		return NULL;
	}
	return z;
}

int vu_dns_frame(struct dns_zone *z, struct vu_dnsfwd *fwd, const struct netdef *def,
		 const uint8_t gw_mac[6], const struct udp_view *u, uint8_t *out, size_t cap,
		 struct vu_dns_counters *c)
{
	struct dns_zone_answer ans;
	struct dns_builder b;
	struct dns_query q;
	enum dns_zone_result r;
	uint8_t reply[512];
	size_t n;
	int r2;

	/* no question, or not a query we can answer: dropped, as the
	 * daemon's proxy does for what it cannot parse */
	if (dns_parse_query(u->data, u->len, &q) < 0 || !q.hdr.qdcount) {
		c->bad_queries++;
		return 0;
	}
	r = dns_zone_lookup(z, q.q.name, q.q.name_len, q.q.qtype, &ans);
	if (r == DNS_ZONE_NOT_OURS) {
		c->forwarded++;
		r2 = vu_dnsfwd_query(fwd, u, &q, out, cap);
		return r2 > 0 ? r2 : 0;
	}
	c->local_answers++;
	c->nxdomain += r == DNS_ZONE_NXDOMAIN;
	/* RFC 1035 4.1.1: AA, we are the authority for these names */
	dns_build_reply(&b, reply, sizeof(reply), &q,
			r == DNS_ZONE_NXDOMAIN ? DNS_R_NXDOMAIN : DNS_R_NOERROR, 1);
	for (unsigned i = 0; i < ans.n_addrs; i++)
		dns_add_a(&b, LOCAL_TTL, ans.addrs[i]);
	for (unsigned i = 0; i < ans.n_rrs; i++)
		dns_add_rr(&b, ans.rrs[i].type, LOCAL_TTL, ans.rrs[i].data, ans.rrs[i].len);
	if (ans.ptr_len)
		dns_add_ptr(&b, LOCAL_TTL, ans.ptr, ans.ptr_len);
	n = dns_build_finish(&b, &q, 0);
	r2 = frame_udp_build(out, cap, gw_mac, u->src_mac, def->ip, 53, u->src, u->sport, reply, n);
	return r2 > 0 ? r2 : 0;
}
