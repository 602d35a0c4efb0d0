/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DNS wire format (RFC 1035, EDNS0 RFC 6891): query parsing with safe name
 * decompression, reply validation, answer building and the rewrites a
 * forwarding proxy needs. Pure functions over byte buffers; names are kept
 * in uncompressed wire form (length-prefixed labels, ending in 0). */
#ifndef VNET_DNS_MSG_H
#define VNET_DNS_MSG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

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


#endif
