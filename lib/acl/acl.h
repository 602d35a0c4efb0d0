/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/acl/: network ACLs (docs/acl.md). A named,
 * ordered list of allow/drop rules -- protocol, source and destination
 * prefix, port ranges, ICMP type, direction -- with a default action, the
 * subset of libvirt nwfilter rules and Incus network ACLs people write.
 * acl.c: XML and command-line forms (parsers of untrusted input, fuzzed:
 * fuzz_acl_xml.c); acl_compile.c: rules -> the data path's bit-vector
 * classifier contents, free of I/O. */
#ifndef VNET_ACL_ACL_H
#define VNET_ACL_ACL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define ACL_NAME_MAX 64
#define ACL_MAX_RULES 1024	/* rules of an ACL (each direction: the data path's limit) */
#define ACL_WORDS (ACL_MAX_RULES / 64)
#define ACL_XML_MAX (1 << 20)
#define ACL_NS "http://vnet.dev/schemas/network/1.0"

enum acl_action { ACL_ALLOW = 0, ACL_DROP = 1 };
/* A rule applies to packets into the guest (in), from it (out) or both. */
enum acl_dirmask { ACL_IN = 1, ACL_OUT = 2, ACL_INOUT = 3 };
/* Compiled tables, as the data path numbers them (VNET_ACL_DIR_*). */
enum acl_table_dir { ACL_TABLE_IN = 0, ACL_TABLE_OUT = 1 };

/* An address prefix; family 0: any address (of either family). An IPv4
 * prefix matches IPv4 packets only, an IPv6 prefix IPv6 packets only. */
struct acl_prefix {
	int family;	/* 0, AF_INET, AF_INET6 */
	uint8_t len;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct acl_rule {
	uint8_t action;		/* enum acl_action */
	uint8_t dir;		/* enum acl_dirmask */
	uint8_t proto;		/* 0 any, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 */
	struct acl_prefix src, dst;
	uint16_t sport_lo, sport_hi;	/* host order; 0-65535: any */
	uint16_t dport_lo, dport_hi;
	int icmp_type;		/* -1: any */
	uint64_t hits_base;	/* not in XML: hits of generations replaced (vnetd) */
};

struct acl {
	char name[ACL_NAME_MAX];
	uint8_t dflt;		/* enum acl_action when no rule matches */
	size_t n_rules;
	struct acl_rule rules[ACL_MAX_RULES];
};

/* A name: [A-Za-z0-9_.-], 1..ACL_NAME_MAX-1, not starting with '.'. */
int acl_name_ok(const char *name);

/* Parse an <acl> document. 0, or -EINVAL with one line in err. Allocates *ret. */
int acl_parse_xml(const char *xml, size_t len, struct acl **ret, char *err, size_t errlen);
/* The XML form (malloc'd, NUL-terminated), or NULL on ENOMEM. */
char *acl_format_xml(const struct acl *a);

/* A rule from "key=value" words (action= dir= proto= src= dst= sport=
 * dport= icmp-type=), as acl-rule-add takes them. */
int acl_rule_parse(int n, const char *const *words, struct acl_rule *r, char *err,
		   size_t errlen);
/* One line: "drop out tcp src=10.0.0.0/8 dport=80" */
void acl_rule_format(const struct acl_rule *r, char *buf, size_t n);
void acl_rule_init(struct acl_rule *r);	/* allow, both directions, anything */
/* Insert r before index at (at >= n_rules: append); remove rule at. */
int acl_rule_insert(struct acl *a, size_t at, const struct acl_rule *r, char *err, size_t errlen);
int acl_rule_remove(struct acl *a, size_t at, char *err, size_t errlen);

/* ---- the compiler (acl_compile.c) ---- */
/* The fields of the compiled tables: the data path's vnet_acl_field, then
 * the IPv6 address fields (their own trie, acl_lpm6, as SRC and DST). */
enum acl_field { ACL_F_SRC, ACL_F_DST, ACL_F_SPORT, ACL_F_DPORT, ACL_F_SRC6, ACL_F_DST6 };

/* One LPM trie entry of a field (enum acl_field): the value's first plen
 * bits (network order in data) and the rules it allows. */
struct acl_lpm_entry {
	uint8_t field;
	uint8_t plen;
	uint8_t data[16];
	uint64_t bits[ACL_WORDS];
};

/* One direction of an ACL as the data path's classifier holds it: the
 * direction's rules get bits 0..nrules-1 in order. */
struct acl_table {
	unsigned nrules, nwords;
	uint8_t dflt;
	uint16_t rule_of_bit[ACL_MAX_RULES];	/* index into acl->rules */
	uint8_t act[ACL_MAX_RULES];
	uint64_t proto[4][ACL_WORDS];	/* IPv4: other, tcp, udp, icmp */
	uint64_t proto6[4][ACL_WORDS];	/* IPv6: other, tcp, udp, icmpv6 */
	size_t n_lpm;
	struct acl_lpm_entry *lpm;	/* malloc'd */
};

int acl_compile(const struct acl *a, enum acl_table_dir dir, struct acl_table *t);
void acl_table_free(struct acl_table *t);
/* Does the compiled table match the tuple (host order ports; ICMP: type
 * as dport, sport 0)? The first matching bit or -1: the data path's
 * semantics in C, for tests. */
int acl_table_match(const struct acl_table *t, uint32_t saddr, uint32_t daddr, uint8_t proto,
		    uint16_t sport, uint16_t dport);
/* The same for an IPv6 packet (addresses network order; ICMPv6: type as
 * dport). */
int acl_table_match6(const struct acl_table *t, const struct in6_addr *saddr,
		     const struct in6_addr *daddr, uint8_t proto, uint16_t sport, uint16_t dport);

#endif
