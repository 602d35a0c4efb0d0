/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the netdef XML parser (netdef_xml*.c): the parse context and
 * the small helpers every element parser uses. A helper that fails has
 * already recorded its error (with the element's line); parsing goes on
 * with the next element so that one try reports every problem. */
#ifndef VNET_NETDEF_XML_PRIV_H
#define VNET_NETDEF_XML_PRIV_H

#include <libxml/tree.h>
#include <netinet/in.h>
#include <stddef.h>

#include "netdef.h"
#include "netdef_priv.h"

#define NX_MAX_ERRORS 32 /* then stop: the rest is noise */

struct nx {
	struct netdef *def;
	struct netdef_lines *ln;
	char *err;
	size_t errlen;
	unsigned n_err;
	xmlNode *cur;	 /* the element being parsed (its line names errors) */
	int cur_ip;	 /* index in def->ips of the <ip> being parsed */
	struct netdef_policy *policy; /* the level <bandwidth>, <port>, vnet:* fill */
	struct netdef_port *port;     /* the <vnet:port> being parsed */
};

/* One allowed child element; fn == NULL means "accepted and ignored". */
struct nx_rule {
	const char *name;
	int (*fn)(struct nx *nx, xmlNode *node);
	int once; /* a second occurrence is refused as a duplicate */
	int vnet; /* in the vnet extension namespace (NETDEF_VNET_NS) */
};

#define NX_QUOTE_MAX 48
#define NX_N(rules) (sizeof(rules) / sizeof((rules)[0]))

int nx_fail(struct nx *nx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Printable, bounded copy of untrusted text for error messages. */
const char *nx_quote(const char *in, char out[NX_QUOTE_MAX + 4]);
unsigned nx_line(const xmlNode *node);

/* Refuse any attribute not in the NULL-terminated list. */
int nx_attrs(struct nx *nx, xmlNode *node, const char *const *allowed);
/* Copy attribute value: 1 present, 0 absent (and not required), <0 error. */
int nx_attr(struct nx *nx, xmlNode *node, const char *name, char *buf, size_t size,
	    int required);
int nx_attr_ipv4(struct nx *nx, xmlNode *node, const char *name, struct in_addr *out,
		 int required);
int nx_attr_ipv6(struct nx *nx, xmlNode *node, const char *name, struct in6_addr *out,
		 int required);
/* Either family; out->family set when present. */
int nx_attr_addr(struct nx *nx, xmlNode *node, const char *name, struct netdef_addr *out,
		 int required);
int nx_attr_uint(struct nx *nx, xmlNode *node, const char *name, unsigned long max,
		 unsigned long *out, int required);
int nx_attr_u64(struct nx *nx, xmlNode *node, const char *name, uint64_t *out);
/* yes/no (or on/off when onoff) into a tri-state. */
int nx_attr_tri(struct nx *nx, xmlNode *node, const char *name, enum netdef_tri *out,
		int onoff);
int nx_attr_mac(struct nx *nx, xmlNode *node, const char *name, uint8_t mac[6], int required);
/* Text content of a leaf element, surrounding white space trimmed. */
int nx_text(struct nx *nx, xmlNode *node, char *buf, size_t size);
/* Walk element children: dispatch by rule, refuse the unknown and stray
 * text; every child is tried even after one failed. */
int nx_children(struct nx *nx, xmlNode *node, const struct nx_rule *rules, size_t n);
/* An element vnet refuses on purpose: the message says what to use. */
int nx_refuse(struct nx *nx, xmlNode *node, const char *why);

int nx_parse_ip(struct nx *nx, xmlNode *node);
int nx_parse_route(struct nx *nx, xmlNode *node);
int nx_parse_dns(struct nx *nx, xmlNode *node);
int nx_parse_metadata(struct nx *nx, xmlNode *node);
int nx_parse_bandwidth(struct nx *nx, xmlNode *node);
int nx_parse_port_isolated(struct nx *nx, xmlNode *node);
int nx_parse_filter(struct nx *nx, xmlNode *node);
int nx_parse_acl(struct nx *nx, xmlNode *node);
int nx_parse_host_access(struct nx *nx, xmlNode *node);
int nx_parse_portgroup(struct nx *nx, xmlNode *node);
int nx_parse_vnet_port(struct nx *nx, xmlNode *node);
int nx_parse_overlay(struct nx *nx, xmlNode *node);
int nx_parse_ula(struct nx *nx, xmlNode *node); /* netdef_xml_ula.c */

#endif
