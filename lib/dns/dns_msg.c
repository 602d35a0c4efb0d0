/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define OPT_RR_LEN 11 /* root name, type, class, ttl, rdlen */
#define MAX_PTR_HOPS 127

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

/* RFC 1035 4.1.4: "the pointer ... specifies an offset from the start of the
 * message ... a prior occurance of the same name". Each pointer must point
 * before the start of the label run we are reading, so offsets strictly
 * decrease and loops cannot exist; hops are bounded as well. */
int dns_name_read(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out)
{
	size_t pos = *off, floor = *off, end = 0, n = 0;
	unsigned hops = 0;

	for (;;) {
		if (pos >= len)
			return -EBADMSG;
		uint8_t c = pkt[pos];

		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++hops > MAX_PTR_HOPS)
				return -EBADMSG;
			size_t target = (size_t)(c & 0x3f) << 8 | pkt[pos + 1];

			/* names never live in the header, which we rewrite */
			if (target >= floor || target < DNS_HDR_LEN)
				return -EBADMSG;
			if (!end)
				end = pos + 2;
			floor = pos = target;
			continue;
		}
		if (c & 0xc0) /* 0x40/0x80: extended label types, obsolete */
			return -EBADMSG;
		/* RFC 1035 2.3.4: "names 255 octets or less" (wire form). */
		if (n + 1 + c > DNS_NAME_MAX || pos + 1 + c > len)
			return -EBADMSG;
		memcpy(out + n, pkt + pos, 1 + c);
		n += 1 + c;
		pos += 1 + c;
		if (c == 0)
			break;
	}
	*off = end ? end : pos;
	return (int)n;
}

static uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* RFC 4343: comparisons are case-insensitive for ASCII letters only. */
int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

void dns_name_lower(uint8_t *name, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint8_t l = name[i++];

		for (uint8_t j = 0; j < l && i < len; j++, i++)
			name[i] = lower(name[i]);
	}
}

int dns_name_from_text(const char *text, uint8_t *out)
{
	size_t n = 0, tl = strlen(text);

	if (tl && text[tl - 1] == '.')
		tl--;
	for (size_t i = 0; i < tl;) {
		size_t j = i;

		while (j < tl && text[j] != '.')
			j++;
		if (j == i || j - i > DNS_LABEL_MAX || n + 1 + (j - i) + 1 > DNS_NAME_MAX)
			return -EINVAL;
		out[n++] = (uint8_t)(j - i);
		memcpy(out + n, text + i, j - i);
		n += j - i;
		i = j + 1;
		if (j + 1 == tl) /* "a..": trailing empty label */
			return -EINVAL;
	}
	out[n++] = 0;
	return (int)n;
}

int dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t outlen)
{
	size_t o = 0, i = 0;

	if (outlen < 2)
		return -ENOSPC;
	while (i < len && name[i]) {
		uint8_t l = name[i++];

		for (uint8_t j = 0; j < l && i < len; j++, i++) {
			uint8_t c = name[i];
			int w = (c > 32 && c < 127 && c != '.' && c != '\\') ?
					snprintf(out + o, outlen - o, "%c", c) :
					snprintf(out + o, outlen - o, "\\%03u", c);
			if (w < 0 || (size_t)w >= outlen - o)
				return -ENOSPC;
			o += w;
		}
		if (i < len && name[i] && o + 1 < outlen)
			out[o++] = '.';
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = 0;
	return (int)o;
}

unsigned dns_name_labels(const uint8_t *name, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len && name[i]; i += 1 + name[i])
		n++;
	return n;
}

static void hdr_read(const uint8_t *p, struct dns_header *h)
{
	h->id = rd16(p);
	h->flags = rd16(p + 2);
	h->qdcount = rd16(p + 4);
	h->ancount = rd16(p + 6);
	h->nscount = rd16(p + 8);
	h->arcount = rd16(p + 10);
}

static void hdr_write(uint8_t *p, const struct dns_header *h)
{
	wr16(p, h->id);
	wr16(p + 2, h->flags);
	wr16(p + 4, h->qdcount);
	wr16(p + 6, h->ancount);
	wr16(p + 8, h->nscount);
	wr16(p + 10, h->arcount);
}

static int question_read(const uint8_t *pkt, size_t len, size_t *off, struct dns_question *q)
{
	int n = dns_name_read(pkt, len, off, q->name);

	if (n < 0 || *off + 4 > len)
		return -EBADMSG;
	q->name_len = (uint8_t)n;
	q->qtype = rd16(pkt + *off);
	q->qclass = rd16(pkt + *off + 2);
	*off += 4;
	return 0;
}

/* One resource record as located in a message. */
struct rr {
	uint8_t name[DNS_NAME_MAX];
	int name_len;
	size_t start, ttl_off, rdata, end;
	uint16_t type, class, rdlen;
	uint32_t ttl;
};

static int rr_read(const uint8_t *pkt, size_t len, size_t *off, struct rr *rr)
{
	rr->start = *off;
	rr->name_len = dns_name_read(pkt, len, off, rr->name);
	if (rr->name_len < 0 || *off + 10 > len)
		return -EBADMSG;
	rr->type = rd16(pkt + *off);
	rr->class = rd16(pkt + *off + 2);
	rr->ttl_off = *off + 4;
	rr->ttl = rd32(pkt + *off + 4);
	rr->rdlen = rd16(pkt + *off + 8);
	rr->rdata = *off + 10;
	rr->end = rr->rdata + rr->rdlen;
	if (rr->end > len)
		return -EBADMSG;
	*off = rr->end;
	return 0;
}

/* RFC 6891 6.1.1: OPT owner "MUST be 0 (root domain)"; 6.2.5: "Values lower
 * than 512 MUST be treated as equal to 512". */
static int opt_read(const struct rr *rr, struct dns_query *q)
{
	if (q->has_edns || rr->name_len != 1)
		return -EBADMSG; /* "more than one OPT RR ... FORMERR" */
	q->has_edns = 1;
	q->edns_size = rr->class < DNS_UDP_MIN ? DNS_UDP_MIN : rr->class;
	q->edns_version = (rr->ttl >> 16) & 0xff;
	q->edns_do = !!(rr->ttl & 0x8000);
	return 0;
}

int dns_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q)
{
	size_t off = DNS_HDR_LEN;
	unsigned nrr;
	struct rr rr;

	memset(q, 0, sizeof(*q));
	if (len < DNS_HDR_LEN)
		return -EINVAL;
	hdr_read(pkt, &q->hdr);
	if (q->hdr.flags & DNS_F_QR)
		return -EINVAL; /* never answer an answer */
	if (dns_opcode(&q->hdr) != 0)
		return -EOPNOTSUPP;
	/* RFC 9619: a QUERY carries exactly one question. */
	if (q->hdr.qdcount != 1 || question_read(pkt, len, &off, &q->q) < 0) {
		q->q.name_len = 0;
		return -EBADMSG;
	}
	nrr = (unsigned)q->hdr.ancount + q->hdr.nscount + q->hdr.arcount;
	for (unsigned i = 0; i < nrr; i++) {
		if (rr_read(pkt, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type == DNS_T_OPT &&
		    (i < (unsigned)q->hdr.ancount + q->hdr.nscount || opt_read(&rr, q) < 0))
			return -EBADMSG;
	}
	return off == len ? 0 : -EBADMSG;
}

/* RFC 2181 8: a TTL with the most significant bit set is treated as zero. */
static uint32_t ttl_fix(uint32_t ttl) { return ttl & 0x80000000u ? 0 : ttl; }

/* RFC 2308 5: negative TTL is "the minimum of the SOA MINIMUM field and
 * the TTL of the SOA itself". */
static int soa_neg_ttl(const uint8_t *pkt, size_t len, const struct rr *rr, uint32_t *ttl)
{
	uint8_t tmp[DNS_NAME_MAX];
	size_t off = rr->rdata;

	if (dns_name_read(pkt, rr->end, &off, tmp) < 0 ||
	    dns_name_read(pkt, rr->end, &off, tmp) < 0 || off + 20 != rr->end)
		return -EBADMSG;
	uint32_t min = ttl_fix(rd32(pkt + off + 16)), t = ttl_fix(rr->ttl);

	*ttl = min < t ? min : t;
	(void)len;
	return 0;
}

int dns_parse_reply(const uint8_t *pkt, size_t len, struct dns_reply_info *r)
{
	size_t off = DNS_HDR_LEN;
	struct rr rr;

	memset(r, 0, sizeof(*r));
	r->min_ttl = UINT32_MAX;
	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	hdr_read(pkt, &r->hdr);
	if (!(r->hdr.flags & DNS_F_QR) || r->hdr.qdcount > 1)
		return -EBADMSG;
	if (r->hdr.qdcount) {
		if (question_read(pkt, len, &off, &r->q) < 0)
			return -EBADMSG;
		r->has_q = 1;
	}
	unsigned an_ns = (unsigned)r->hdr.ancount + r->hdr.nscount;
	unsigned nrr = an_ns + r->hdr.arcount;

	for (unsigned i = 0; i < nrr; i++) {
		if (rr_read(pkt, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type == DNS_T_OPT) {
			if (i < an_ns || r->has_edns || rr.name_len != 1)
				return -EBADMSG;
			r->has_edns = 1;
			continue;
		}
		if (i < an_ns && ttl_fix(rr.ttl) < r->min_ttl)
			r->min_ttl = ttl_fix(rr.ttl);
		if (i >= r->hdr.ancount && i < an_ns && rr.type == DNS_T_SOA &&
		    soa_neg_ttl(pkt, len, &rr, &r->neg_ttl) < 0)
			return -EBADMSG;
	}
	return off == len ? 0 : -EBADMSG;
}

/* ---- building ------------------------------------------------------------ */

static int put(struct dns_builder *b, const void *p, size_t n)
{
	if (b->len + n > b->cap)
		return -ENOSPC;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

static int put16(struct dns_builder *b, uint16_t v)
{
	uint8_t x[2];

	wr16(x, v);
	return put(b, x, 2);
}

static int put32(struct dns_builder *b, uint32_t v)
{
	uint8_t x[4];

	wr32(x, v);
	return put(b, x, 4);
}

int dns_build_reply(struct dns_builder *b, uint8_t *buf, size_t cap,
		    const struct dns_query *q, unsigned rcode, int aa)
{
	struct dns_header h = { .id = q->hdr.id };

	memset(b, 0, sizeof(*b));
	b->buf = buf;
	/* keep room for the OPT record that dns_build_finish adds */
	b->cap = cap - (q->has_edns && cap >= OPT_RR_LEN ? OPT_RR_LEN : 0);
	h.flags = DNS_F_QR | DNS_F_RA | (q->hdr.flags & (DNS_F_OPCODE | DNS_F_RD | DNS_F_CD)) |
		  (rcode & DNS_F_RCODE) | (aa ? DNS_F_AA : 0);
	h.qdcount = q->q.name_len ? 1 : 0;
	if (cap < DNS_HDR_LEN)
		return -ENOSPC;
	hdr_write(buf, &h);
	b->len = DNS_HDR_LEN;
	if (!q->q.name_len)
		return 0;
	if (put(b, q->q.name, q->q.name_len) || put16(b, q->q.qtype) || put16(b, q->q.qclass)) {
		b->len = DNS_HDR_LEN;
		wr16(buf + 4, 0);
		return -ENOSPC;
	}
	return 0;
}

static int add_rr(struct dns_builder *b, uint16_t type, uint32_t ttl, const void *rd, size_t rdlen)
{
	size_t mark = b->len;

	if (b->overflow || b->len < DNS_HDR_LEN + 1)
		return -ENOSPC;
	/* owner: pointer to the question name at offset 12 (RFC 1035 4.1.4) */
	if (put16(b, 0xc000 | DNS_HDR_LEN) || put16(b, type) || put16(b, DNS_C_IN) ||
	    put32(b, ttl) || put16(b, (uint16_t)rdlen) || put(b, rd, rdlen)) {
		b->len = mark;
		b->overflow = 1;
		return -ENOSPC;
	}
	b->ancount++;
	return 0;
}

int dns_add_a(struct dns_builder *b, uint32_t ttl, struct in_addr ip)
{
	return add_rr(b, DNS_T_A, ttl, &ip.s_addr, 4);
}

int dns_add_ptr(struct dns_builder *b, uint32_t ttl, const uint8_t *target, size_t tlen)
{
	return add_rr(b, DNS_T_PTR, ttl, target, tlen);
}

int dns_add_rr(struct dns_builder *b, uint16_t type, uint32_t ttl, const void *rd, size_t rdlen)
{
	return add_rr(b, type, ttl, rd, rdlen);
}

static void opt_write(uint8_t *p, unsigned ext_rcode, int do_bit)
{
	p[0] = 0;
	wr16(p + 1, DNS_T_OPT);
	wr16(p + 3, DNS_EDNS_SIZE);
	wr32(p + 5, (uint32_t)(ext_rcode >> 4) << 24 | (do_bit ? 0x8000u : 0));
	wr16(p + 9, 0);
}

size_t dns_build_finish(struct dns_builder *b, const struct dns_query *q, unsigned ext_rcode)
{
	uint8_t *h = b->buf;

	wr16(h + 6, b->ancount);
	wr16(h + 8, b->nscount);
	if (b->overflow)
		wr16(h + 2, rd16(h + 2) | DNS_F_TC);
	if (q->has_edns) {
		opt_write(b->buf + b->len, ext_rcode, q->edns_do);
		b->len += OPT_RR_LEN;
		b->arcount++;
	}
	wr16(h + 10, b->arcount);
	return b->len;
}

int dns_build_upstream_query(uint8_t *buf, size_t cap, const struct dns_query *q, uint16_t id)
{
	struct dns_header h = { .id = id, .qdcount = 1, .arcount = 1 };
	size_t n = DNS_HDR_LEN + q->q.name_len + 4;

	if (cap < n + OPT_RR_LEN || !q->q.name_len)
		return -ENOSPC;
	h.flags = DNS_F_RD | (q->hdr.flags & DNS_F_CD);
	hdr_write(buf, &h);
	memcpy(buf + DNS_HDR_LEN, q->q.name, q->q.name_len);
	wr16(buf + n - 4, q->q.qtype);
	wr16(buf + n - 2, q->q.qclass);
	opt_write(buf + n, 0, q->edns_do);
	return (int)(n + OPT_RR_LEN);
}

size_t dns_client_udp_limit(const struct dns_query *q)
{
	if (!q->has_edns)
		return DNS_UDP_MIN;
	return q->edns_size > DNS_EDNS_SIZE ? DNS_EDNS_SIZE : q->edns_size;
}

/* RFC 2181 9: when a reply does not fit, "set the TC bit" and send what
 * fits; we send just the question so the client retries over TCP. */
static int relay_truncated(const uint8_t *in, uint8_t *out, size_t cap,
			   const struct dns_query *c, const struct dns_reply_info *r)
{
	struct dns_query tq = *c;
	struct dns_builder b;

	tq.q = r->q;
	if (dns_build_reply(&b, out, cap, &tq, dns_rcode(&r->hdr), r->hdr.flags & DNS_F_AA) < 0)
		return -ENOSPC;
	b.overflow = 1;
	(void)in;
	return (int)dns_build_finish(&b, c, 0);
}

/* Lower TTLs by age and locate the OPT record; *opt = its offset or 0. */
static int relay_walk(uint8_t *m, size_t len, uint32_t age, size_t *opt)
{
	struct dns_header h;
	struct dns_question q;
	size_t off = DNS_HDR_LEN;
	struct rr rr;

	hdr_read(m, &h);
	*opt = 0;
	if (h.qdcount > 1 || (h.qdcount && question_read(m, len, &off, &q) < 0))
		return -EBADMSG;
	for (unsigned i = 0; i < (unsigned)h.ancount + h.nscount + h.arcount; i++) {
		if (rr_read(m, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type == DNS_T_OPT) {
			*opt = rr.start;
			wr16(m + rr.ttl_off - 2, DNS_EDNS_SIZE);
			continue;
		}
		uint32_t t = ttl_fix(rr.ttl);

		wr32(m + rr.ttl_off, t > age ? t - age : 0);
	}
	return off == len ? 0 : -EBADMSG;
}

int dns_relay_reply(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		    const struct dns_query *client, uint32_t age_s, size_t limit)
{
	struct dns_reply_info r;
	size_t opt;

	if (dns_parse_reply(in, len, &r) < 0 || !r.has_q)
		return -EBADMSG;
	if (len + OPT_RR_LEN > cap || len > limit + OPT_RR_LEN)
		return relay_truncated(in, out, cap < limit ? cap : limit, client, &r);
	memcpy(out, in, len);
	if (relay_walk(out, len, age_s, &opt) < 0)
		return -EBADMSG;
	wr16(out, client->hdr.id);
	wr16(out + 2, (rd16(out + 2) & ~DNS_F_RD) | (client->hdr.flags & DNS_F_RD));
	/* RFC 6891 7: no OPT towards a requestor that sent none; drop it
	 * when it is the last record (compression pointers only look back). */
	if (!client->has_edns && opt && opt + OPT_RR_LEN + rd16(out + opt + 9) == len) {
		len = opt;
		wr16(out + 10, rd16(out + 10) - 1);
	} else if (client->has_edns && !opt) {
		opt_write(out + len, 0, client->edns_do);
		len += OPT_RR_LEN;
		wr16(out + 10, rd16(out + 10) + 1);
	}
	if (len > limit)
		return relay_truncated(in, out, limit, client, &r);
	/* Rewriting TTLs changes bytes a hostile compression pointer may
	 * point into: relay only what still parses. */
	if (dns_parse_reply(out, len, &r) < 0)
		return -EBADMSG;
	return (int)len;
}
