/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/dns/ (one header per folder). */
#ifndef VNET_DNS_DNS_H
#define VNET_DNS_DNS_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "netdef/netdef.h"

/* ---- dns_msg ---- */
/* DNS wire format (RFC 1035, EDNS0 RFC 6891): query parsing with safe name
 * decompression, reply validation, answer building and the rewrites a
 * forwarding proxy needs. Pure functions over byte buffers; names are kept
 * in uncompressed wire form (length-prefixed labels, ending in 0). */
#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255     /* RFC 1035 2.3.4: names are 255 octets or less */
#define DNS_LABEL_MAX 63
#define DNS_UDP_MIN 512	     /* RFC 1035 4.2.1: without EDNS */
#define DNS_EDNS_SIZE 1232   /* our advertised and maximum UDP payload size */
#define DNS_TEXT_MAX 1024    /* presentation form incl. escapes and NUL */

enum dns_type {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33, DNS_T_OPT = 41,
	DNS_T_IXFR = 251, DNS_T_AXFR = 252, DNS_T_ANY = 255,
};

enum dns_class { DNS_C_IN = 1, DNS_C_ANY = 255 };

enum dns_rcode {
	DNS_R_NOERROR = 0, DNS_R_FORMERR = 1, DNS_R_SERVFAIL = 2, DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4, DNS_R_REFUSED = 5, DNS_R_BADVERS = 16, /* extended, via OPT */
};

/* Header flag bits (host order of the 16-bit flags word). */
#define DNS_F_QR 0x8000
#define DNS_F_OPCODE 0x7800
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_AD 0x0020
#define DNS_F_CD 0x0010
#define DNS_F_RCODE 0x000f

struct dns_header {
	uint16_t id, flags, qdcount, ancount, nscount, arcount;
};

struct dns_question {
	uint8_t name[DNS_NAME_MAX]; /* wire form, case as received */
	uint8_t name_len;	    /* bytes incl. the final 0 */
	uint16_t qtype, qclass;
};

/* A parsed query from a client. */
struct dns_query {
	struct dns_header hdr;
	struct dns_question q;
	int has_edns;
	uint16_t edns_size;   /* requestor's UDP payload size (>= 512 once clamped) */
	uint8_t edns_version;
	int edns_do;	      /* DNSSEC OK bit */
};

/* What a validated upstream reply tells the proxy. */
struct dns_reply_info {
	struct dns_header hdr;
	struct dns_question q;
	int has_q;
	int has_edns;
	uint32_t min_ttl;     /* over answer + authority RRs; UINT32_MAX if none */
	uint32_t neg_ttl;     /* RFC 2308: min(SOA TTL, SOA MINIMUM); 0 if no SOA */
};

static inline unsigned dns_rcode(const struct dns_header *h) { return h->flags & DNS_F_RCODE; }
static inline unsigned dns_opcode(const struct dns_header *h) { return (h->flags & DNS_F_OPCODE) >> 11; }

/* Read the (possibly compressed) name at *off into out (wire form, at most
 * DNS_NAME_MAX bytes); *off moves past the name as it sits in the message.
 * Compression pointers must point strictly before the label that holds
 * them, which rules out loops and forward references. Returns the length
 * of out, or -EBADMSG. */
int dns_name_read(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out);

/* Case-insensitive (ASCII) comparison of two wire names: 1 if equal. */
int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
void dns_name_lower(uint8_t *name, size_t len);
/* "www.Example.com" / "www.example.com." -> wire; "" or "." -> root.
 * Returns the wire length or -EINVAL (empty label, label > 63, name > 255). */
int dns_name_from_text(const char *text, uint8_t *out);
/* wire -> "www.example.com" (root -> "."), non-printables as \DDD. */
int dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t outlen);
/* Count labels (root = 0). */
unsigned dns_name_labels(const uint8_t *name, size_t len);

/* Parse a query. Returns 0; -EINVAL when no reply can be formed (shorter
 * than a header, or QR set): drop; -EBADMSG: malformed, answer FORMERR;
 * -EOPNOTSUPP: opcode other than QUERY, answer NOTIMP. q->hdr is valid
 * whenever the return is not -EINVAL. */
int dns_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q);

/* Validate a reply from an upstream: header, question and every record
 * must parse and end exactly at len. 0 or -EBADMSG. */
int dns_parse_reply(const uint8_t *pkt, size_t len, struct dns_reply_info *r);

/* ---- building ------------------------------------------------------------ */
struct dns_builder {
	uint8_t *buf;
	size_t cap, len;
	uint16_t ancount, nscount, arcount;
	int overflow; /* a record did not fit: the message is marked TC */
};

/* Start a reply to q: header with q's ID, opcode, RD and CD, QR and RA set,
 * plus the question (when q carried one). Never fails when cap >= 512. */
int dns_build_reply(struct dns_builder *b, uint8_t *buf, size_t cap,
		    const struct dns_query *q, unsigned rcode, int aa);
/* Answer records, owner = the question's name (compression pointer). */
int dns_add_a(struct dns_builder *b, uint32_t ttl, struct in_addr ip);
int dns_add_ptr(struct dns_builder *b, uint32_t ttl, const uint8_t *target, size_t tlen);
/* Any record with its RDATA as on the wire (AAAA, SRV, TXT). */
int dns_add_rr(struct dns_builder *b, uint16_t type, uint32_t ttl, const void *rd, size_t rdlen);
/* Finish: add an OPT record when q had one (RFC 6891 6.1.1), set counts and
 * TC if something did not fit. Returns the message length. */
size_t dns_build_finish(struct dns_builder *b, const struct dns_query *q, unsigned ext_rcode);

/* Build the query we send upstream for q: new ID, RD set, q's CD, the
 * question, and an OPT with DNS_EDNS_SIZE and q's DO bit. Returns the
 * length or -ENOSPC. */
int dns_build_upstream_query(uint8_t *buf, size_t cap, const struct dns_query *q, uint16_t id);

/* Turn an upstream (or cached) reply into the reply to one client: its ID
 * and RD bit, TTLs lowered by age_s, OPT dropped when the client sent none
 * or its payload size set to DNS_EDNS_SIZE; if the result exceeds limit,
 * a truncated reply (header + question + OPT, TC set) instead.
 * Returns the length or -EBADMSG / -ENOSPC. */
int dns_relay_reply(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		    const struct dns_query *client, uint32_t age_s, size_t limit);

/* The UDP reply size limit for this client (RFC 6891 6.2.5, capped at
 * DNS_EDNS_SIZE to avoid fragmentation). */
size_t dns_client_udp_limit(const struct dns_query *q);

/* ---- dns_cache ---- */
/* A bounded DNS answer cache: whole reply messages keyed by question
 * (lower-case name, type, class, DO bit), honouring TTLs (RFC 1035 3.2.1,
 * RFC 2181 8) with negative caching (RFC 2308). LRU eviction when full.
 * Pure: time is passed in as `now` (milliseconds, monotonic). */
#define DNS_CACHE_KEY_MAX (255 + 5)
#define DNS_CACHE_MAX_TTL 86400 /* cap: one day */
#define DNS_CACHE_NEG_MAX_TTL 900 /* RFC 2308 5 suggests 1-3 h; we keep it short */
#define DNS_CACHE_MSG_MAX 65535

struct dns_cache;

struct dns_cache_stats {
	uint64_t hits, misses, neg_hits, inserts, evictions, expired;
	size_t entries;
};

struct dns_cache *dns_cache_new(size_t max_entries);
void dns_cache_free(struct dns_cache *c);

/* Build the key for a question; name in wire form, any case. Returns its
 * length. out must hold DNS_CACHE_KEY_MAX bytes. */
size_t dns_cache_key(uint8_t *out, const uint8_t *name, size_t nlen, uint16_t qtype,
		     uint16_t qclass, int do_bit);

/* Store msg for ttl seconds (capped; ttl 0 is not stored). negative marks
 * an NXDOMAIN/NODATA answer. Replaces an existing entry. 0, -EINVAL or
 * -ENOMEM. */
int dns_cache_put(struct dns_cache *c, const uint8_t *key, size_t klen, const uint8_t *msg,
		  size_t mlen, uint32_t ttl, int negative, uint64_t now);

/* Look up: on a hit sets *msg, *mlen (valid until the next put/free) and
 * *age_s (seconds since stored) and returns 1; 0 on a miss (expired
 * entries are dropped). Counts hits and misses. */
int dns_cache_get(struct dns_cache *c, const uint8_t *key, size_t klen, uint64_t now,
		  const uint8_t **msg, size_t *mlen, uint32_t *age_s);

void dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *st);

/* ---- dns_upstreams ---- */
/* Which resolvers a network's DNS proxy forwards to, in vnetd and in user
 * mode alike: the definition's <dns><forwarder>s, else the nameservers of
 * resolv.conf, IPv4 and IPv6 alike (issue 18.6). Addresses are kept as
 * sockaddr_storage holding a sockaddr_in or sockaddr_in6 with port 53. */
/* def->forwarders, else the nameserver lines of resolv_conf (NULL:
 * /etc/resolv.conf), in order, as address:53. Skipped: the network's own
 * addresses (def->ip, its IPv6 <ip>s: forwarding to ourselves would
 * loop), 0.0.0.0 and ::, an IPv6 link-local address without its
 * %interface, and duplicates. Returns how many (0..max). */
size_t dns_upstreams_load(const struct netdef *def, const char *resolv_conf,
			  struct sockaddr_storage *out, size_t max);
/* connect()'s length for a (0: neither AF_INET nor AF_INET6). */
socklen_t dns_sockaddr_len(const struct sockaddr_storage *a);
/* Same family, address, port (and IPv6 scope)? */
int dns_sockaddr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* A definition's address as address:53; -1 if it has no family. */
int dns_sockaddr_from_netdef(const struct netdef_addr *na, struct sockaddr_storage *out);
/* 1 if a must not be an upstream of def (see dns_upstreams_load). */
int dns_upstream_unusable(const struct netdef *def, const struct sockaddr_storage *a);

/* ---- dns_route ---- */
/* Where a name that is not a local one goes (dnsmasq's server=/domain/):
 * <forwarder domain='x' addr='a'/> sends x and its subdomains to a (the
 * longest domain wins), <forwarder domain='x'/> answers them locally only
 * (NXDOMAIN), and forwardPlainNames='no' keeps names of one label local.
 * Everything else goes to the default upstreams (dns_upstreams_load). */
enum dns_route_kind {
	DNS_ROUTE_DEFAULT, /* the default upstreams */
	DNS_ROUTE_LOCAL,   /* never forwarded: NXDOMAIN */
	DNS_ROUTE_SERVERS, /* the domain's own servers: group */
};
struct dns_routes;
/* NULL on OOM. A domain forwarder's address that dns_upstream_unusable
 * refuses is skipped; a domain whose servers are all skipped is local only. */
struct dns_routes *dns_routes_from_netdef(const struct netdef *def);
void dns_routes_free(struct dns_routes *r);
/* qname in wire form, any case; *group set for DNS_ROUTE_SERVERS. */
enum dns_route_kind dns_route(const struct dns_routes *r, const uint8_t *qname, size_t qlen,
			      size_t *group);
/* Group g's servers as address:53 (at most max); how many. */
size_t dns_routes_servers(const struct dns_routes *r, size_t g, struct sockaddr_storage *out,
			  size_t max);
size_t dns_routes_groups(const struct dns_routes *r);

/* ---- dns_zone ---- */
/* The names a network answers itself: guest names (static hosts, <dns><host>,
 * leases) to IPv4 addresses, under the network's domain when one is set, and
 * the subnet's reverse zone (d.c.b.a.in-addr.arpa). Names inside the local
 * domain or the reverse zone are never forwarded.
 *
 * Two kinds of names. Configured names (static hosts, <dns><host>, host-add)
 * are the operator's: any name, reference counted. Lease names come from a
 * guest's DHCP hostname, which the guest chooses, so they follow dnsmasq's
 * rules (issue 16.6): one RFC 1123 label inside the network's domain, one
 * per lease address, first come keeps it, configured and reserved names
 * stay with their owners, and the name goes when the lease goes or changes
 * its hostname. One implementation for vnetd and user mode. */
#define DNS_ZONE_MAX_ADDRS 8 /* A records returned for one name */

struct dns_zone;

enum dns_zone_result {
	DNS_ZONE_NOT_OURS, /* forward it */
	DNS_ZONE_ANSWER,   /* answers in *ans */
	DNS_ZONE_NODATA,   /* name exists, no record of that type */
	DNS_ZONE_NXDOMAIN, /* inside our zones, no such name */
};

#define DNS_ZONE_MAX_RRS 8 /* AAAA, SRV and TXT records returned for one name */

/* A record other than A, its RDATA as on the wire (valid until the zone
 * changes). */
struct dns_zone_rr {
	uint16_t type, len;
	const uint8_t *data;
};

struct dns_zone_answer {
	unsigned n_addrs;
	struct in_addr addrs[DNS_ZONE_MAX_ADDRS];
	unsigned n_rrs;
	struct dns_zone_rr rrs[DNS_ZONE_MAX_RRS];
	uint8_t ptr[DNS_NAME_MAX]; /* PTR target, wire form */
	size_t ptr_len;		   /* 0 if no PTR answer */
};

/* domain: "" for none. net/prefix: the subnet (any address inside it);
 * prefix 0 disables the reverse zone. NULL on OOM or bad domain. */
struct dns_zone *dns_zone_new(const char *domain, struct in_addr net, unsigned prefix);
void dns_zone_free(struct dns_zone *z);

/* A configured name: a bare label ("guest1") or a dotted name; added with a
 * reference count, so the same (name, ip) added twice needs two deletes. A
 * lease name it conflicts with (the same label, or label.<domain>) is
 * removed: the operator's names win. 0, -EINVAL (bad name) or -ENOMEM. */
int dns_zone_add(struct dns_zone *z, const char *name, struct in_addr ip);
/* 0 or -ENOENT. */
int dns_zone_del(struct dns_zone *z, const char *name, struct in_addr ip);
/* The operator's other records (<dns><host ip='fd00::5'>, <srv>, <txt>),
 * configured names as dns_zone_add's (a lease name they share goes).
 * SRV: owner _service._proto[.domain] (domain "": relative to the zone's),
 * target "" = "." (no such service). TXT: value split into strings of 255.
 * 0, -EINVAL (bad name or value) or -ENOMEM. */
int dns_zone_add6(struct dns_zone *z, const char *name, const struct in6_addr *ip6);
int dns_zone_add_srv(struct dns_zone *z, const char *service, const char *proto,
		     const char *domain, const char *target, unsigned port, unsigned priority,
		     unsigned weight);
int dns_zone_add_txt(struct dns_zone *z, const char *name, const char *value);
/* libvirt's <domain localOnly>: 1 (as built) answers NXDOMAIN for unknown
 * names of the domain; 0 leaves them NOT_OURS (forwarded). The reverse
 * zone is always answered locally. */
void dns_zone_set_local_only(struct dns_zone *z, int local_only);
/* def's names and records: <host>s with a name and address (both
 * families), every <dns><host> hostname (A or AAAA), <srv>, <txt>,
 * <domain localOnly> and the IPv6 <ip localPtr='yes'> prefixes.
 * A record that is not valid is skipped with a warning. 0 or -ENOMEM. */
int dns_zone_load_netdef(struct dns_zone *z, const struct netdef *def);
size_t dns_zone_count(const struct dns_zone *z);

/* Why a hostname did or did not become a lease name. */
#define DNS_LEASE_NAME_RESULTS(X)                                              \
	X(OK, ok)	      /* published (or already published for this address) */ \
	X(NONE, none)	      /* no hostname */                                       \
	X(INVALID, invalid)   /* not an RFC 1123 label */                            \
	X(OUTSIDE, outside)   /* dotted, and not label.<the network's domain> */     \
	X(RESERVED, reserved) /* a name no guest may claim (dns_lease_reserved) */  \
	X(TAKEN, taken)	      /* another lease or a configured host holds it */       \
	X(NOMEM, nomem)

enum dns_lease_name {
#define X(e, s) DNS_LEASE_NAME_##e,
	DNS_LEASE_NAME_RESULTS(X)
#undef X
};
const char *dns_lease_name_str(enum dns_lease_name r); /* "ok", "taken"... */

#define DNS_LEASE_LABEL_MAX 64 /* 63 characters and the NUL */

/* The label a DHCP hostname gives: "Guest1", "guest1." or
 * "guest1.<domain>" give "guest1" (lower case) in label. */
enum dns_lease_name dns_zone_lease_label(const struct dns_zone *z, const char *hostname,
					 char label[DNS_LEASE_LABEL_MAX]);
/* Labels no guest may claim: "localhost" (RFC 6761), "wpad" and "isatap"
 * (found by clients through DNS: a guest holding them would be every other
 * guest's web proxy or IPv6 router), "local" (mDNS), "localdomain",
 * "ip6-localhost", "ip6-loopback". label: lower case. */
int dns_lease_reserved(const char *label);

/* The lease at ip now has hostname (NULL or "": none). Whatever name ip had
 * from its lease goes first, unless it is the same. */
enum dns_lease_name dns_zone_lease_set(struct dns_zone *z, struct in_addr ip,
				       const char *hostname);
/* The same with the guest's MAC (NULL: not known): a guest may hold one
 * name in both families, its IPv4 lease's MAC matching its DHCPv6 lease's
 * (dns_duid_mac); within a family, and between guests, first come keeps it. */
enum dns_lease_name dns_zone_lease_set_owner(struct dns_zone *z, struct in_addr ip,
					     const uint8_t *mac, const char *hostname);
/* The lease at ip ended: its name goes. */
void dns_zone_lease_clear(struct dns_zone *z, struct in_addr ip);
/* A DHCPv6 lease's hostname (issue 18.6): an AAAA record and a PTR in
 * ip6.arpa under the same rules. mac: the link-layer address in its DUID
 * (NULL: none). */
enum dns_lease_name dns_zone_lease6_set(struct dns_zone *z, const struct in6_addr *ip,
					const uint8_t *mac, const char *hostname);
void dns_zone_lease6_clear(struct dns_zone *z, const struct in6_addr *ip);
/* The MAC of a DUID-LLT or DUID-LL of Ethernet (RFC 8415 11.2, 11.4) in
 * colon hex ("00:03:00:01:52:54:00:aa:bb:cc"): 0, or -1 (other DUIDs). */
int dns_duid_mac(const char *duid, uint8_t mac[6]);
/* <ip family='ipv6' localPtr='yes'>: PTR questions inside net/prefix are
 * answered here only (NXDOMAIN when unknown), never forwarded. Outside
 * such a prefix a known address (a static AAAA name, a DHCPv6 lease) is
 * answered and an unknown one forwarded, as libvirt's dnsmasq does. At
 * most DNS_ZONE_MAX_PTR6 prefixes. 0, -EINVAL (prefix > 128) or -ENOSPC. */
#define DNS_ZONE_MAX_PTR6 8
int dns_zone_local_ptr6(struct dns_zone *z, const struct in6_addr *net, unsigned prefix);
size_t dns_zone_lease_count(const struct dns_zone *z);

/* Classify a question (qname in wire form, any case). A lease label asked
 * at the root ("guest1.") answers A, AAAA and ANY only; other types are
 * NOT_OURS, since such a name may also be a TLD whose NS, DS or SOA a
 * guest's validating resolver needs from upstream. */
enum dns_zone_result dns_zone_lookup(const struct dns_zone *z, const uint8_t *qname, size_t qlen,
				     uint16_t qtype, struct dns_zone_answer *ans);
/* Changes with every change to z's names and records (never 0): an answer
 * built from the zone holds while the generation is the same. */
uint64_t dns_zone_generation(const struct dns_zone *z);

/* ---- dns_answer ---- */
/* Local answers built once (issue 21.3): finished UDP replies keyed by the
 * query's bytes after its ID, with the question name lower-cased. Two
 * queries with the same key get the same reply but for the ID and the
 * question's case (0x20), which a hit copies from the query: the owner
 * names of the answers point at the question. An entry holds for one zone
 * generation; a new one (any zone change) makes every entry stale. Fixed
 * size, direct-mapped: a collision replaces. Pure, no I/O. */
#define DNS_ANSWER_ENTRIES 256
#define DNS_ANSWER_QUERY_MAX 128 /* longer queries are not cached */
#define DNS_ANSWER_REPLY_MAX 512 /* nor longer replies */

struct dns_answers;
struct dns_answers *dns_answers_new(void);
void dns_answers_free(struct dns_answers *a);
/* The reply for query q (a whole UDP query as received) in generation gen:
 * copied to out (cap) with q's ID and question; its length and *tag (as
 * stored), or 0 on a miss. */
size_t dns_answers_get(struct dns_answers *a, uint64_t gen, const uint8_t *q, size_t qlen,
		       uint8_t *out, size_t cap, unsigned *tag);
/* Keep reply as the answer to q in generation gen; tag: the caller's (what
 * to count on a hit). Queries and replies that cannot be cached are not. */
void dns_answers_put(struct dns_answers *a, uint64_t gen, const uint8_t *q, size_t qlen,
		     const uint8_t *reply, size_t rlen, unsigned tag);

#endif
