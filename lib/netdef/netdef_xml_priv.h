/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the netdef XML parser (netdef_xml*.c): the parse context and
 * the small helpers every element parser uses. Each helper that fails has
 * already written the one-line error, so callers just return its value. */
#ifndef VNET_NETDEF_XML_PRIV_H
#define VNET_NETDEF_XML_PRIV_H

#include <libxml/tree.h>
#include <stddef.h>

#include "netdef.h"

struct nx {
	struct netdef *def;
	char *err;
	size_t errlen;
};

/* One allowed child element; fn == NULL means "accepted and ignored". */
struct nx_rule {
	const char *name;
	int (*fn)(struct nx *nx, xmlNode *node);
	int once; /* a second occurrence is refused as a duplicate */
};

#define NX_QUOTE_MAX 48

int nx_fail(struct nx *nx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Printable, bounded copy of untrusted text for error messages. */
const char *nx_quote(const char *in, char out[NX_QUOTE_MAX + 4]);

/* Refuse any attribute not in the NULL-terminated list. */
int nx_attrs(struct nx *nx, xmlNode *node, const char *const *allowed);
/* Copy attribute value: 1 present, 0 absent (and not required), <0 error. */
int nx_attr(struct nx *nx, xmlNode *node, const char *name, char *buf, size_t size,
	    int required);
int nx_attr_ipv4(struct nx *nx, xmlNode *node, const char *name, struct in_addr *out,
		 int required);
int nx_attr_uint(struct nx *nx, xmlNode *node, const char *name, unsigned long max,
		 unsigned long *out, int required);
/* Text content of a leaf element, surrounding white space trimmed. */
int nx_text(struct nx *nx, xmlNode *node, char *buf, size_t size);
/* Walk element children: dispatch by rule, refuse the unknown and stray text. */
int nx_children(struct nx *nx, xmlNode *node, const struct nx_rule *rules, size_t n);

int nx_parse_ip(struct nx *nx, xmlNode *node);
int nx_parse_dns(struct nx *nx, xmlNode *node);

#endif
