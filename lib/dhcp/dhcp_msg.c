/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DHCPv4 message parse/build. Every read is bounded by the field it is in;
 * the option walk never trusts a length byte beyond the field's end. */
#include "dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#define OFF_SNAME 44
#define LEN_SNAME 64
#define OFF_FILE 108
#define LEN_FILE 128

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* RFC 3396: an option split into several instances is their concatenation. */
static void append(uint8_t *dst, uint8_t *dlen, size_t cap, const uint8_t *src, uint8_t len)
{
	size_t room = cap - *dlen;
	size_t n = len < room ? len : room;

	memcpy(dst + *dlen, src, n);
	*dlen += n;
}

static int fixed_len(struct dhcp_msg *m, uint8_t len, uint8_t want)
{
	if (len == want)
		return 1;
	m->bad_opts++;
	return 0;
}

static void store_opt(struct dhcp_msg *m, uint8_t code, const uint8_t *v, uint8_t len,
		      int main_field)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (fixed_len(m, len, 1) && !m->type)
			m->type = v[0];
		break;
	case OPT_REQ_IP:
		if (fixed_len(m, len, 4) && !m->has_req_ip) {
			memcpy(&m->req_ip, v, 4);
			m->has_req_ip = 1;
		}
		break;
	case OPT_SERVER_ID:
		if (fixed_len(m, len, 4) && !m->has_server_id) {
			memcpy(&m->server_id, v, 4);
			m->has_server_id = 1;
		}
		break;
	case OPT_LEASE_TIME:
		if (fixed_len(m, len, 4) && !m->has_lease_time) {
			m->lease_time = rd32(v);
			m->has_lease_time = 1;
		}
		break;
	case OPT_MAX_SIZE:
		if (fixed_len(m, len, 2) && !m->max_size)
			m->max_size = (uint16_t)(v[0] << 8 | v[1]);
		break;
	case OPT_OVERLOAD:
		/* Only meaningful in the 'options' field itself. */
		if (main_field && fixed_len(m, len, 1) && !m->overload && v[0] >= 1 && v[0] <= 3)
			m->overload = v[0];
		break;
	case OPT_HOSTNAME:
		append((uint8_t *)m->hostname, &m->hostname_len, DHCP_HOSTNAME_MAX - 1, v, len);
		m->hostname[m->hostname_len] = '\0';
		break;
	case OPT_PRL:
		append(m->prl, &m->prl_len, sizeof(m->prl), v, len);
		break;
	case OPT_CLIENT_ID:
		append(m->client_id, &m->client_id_len, sizeof(m->client_id), v, len);
		break;
	}
}

/* Walk one field of TLV options. A missing END is tolerated (the field's
 * end closes it); a length running past the field is not. */
static int walk(const uint8_t *p, size_t n, struct dhcp_msg *m, int main_field)
{
	size_t i = 0;

	while (i < n) {
		uint8_t code = p[i++], len;

		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (i >= n)
			return -EBADMSG;
		len = p[i++];
		if (len > n - i)
			return -EBADMSG;
		store_opt(m, code, p + i, len, main_field);
		i += len;
	}
	return 0;
}

int dhcp_msg_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	int r;

	memset(m, 0, sizeof(*m));
	if (len < DHCP_MIN_LEN || rd32(buf + DHCP_FIXED_LEN) != DHCP_MAGIC)
		return -EBADMSG;
	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->hops = buf[3];
	memcpy(&m->xid, buf + 4, 4);
	m->secs = (uint16_t)(buf[8] << 8 | buf[9]);
	m->flags = (uint16_t)(buf[10] << 8 | buf[11]);
	memcpy(&m->ciaddr, buf + 12, 4);
	memcpy(&m->yiaddr, buf + 16, 4);
	memcpy(&m->siaddr, buf + 20, 4);
	memcpy(&m->giaddr, buf + 24, 4);
	memcpy(m->chaddr, buf + 28, 16);

	/* RFC 2131 4.1: "The options in the 'options' field MUST be interpreted
	 * first, so that any 'option overload' options may be interpreted. The
	 * 'file' field MUST be interpreted next (if the 'option overload' option
	 * indicates that the 'file' field contains DHCP options), followed by
	 * the 'sname' field." */
	r = walk(buf + DHCP_MIN_LEN, len - DHCP_MIN_LEN, m, 1);
	if (!r && (m->overload & 1))
		r = walk(buf + OFF_FILE, LEN_FILE, m, 0);
	if (!r && (m->overload & 2))
		r = walk(buf + OFF_SNAME, LEN_SNAME, m, 0);
	return r;
}

/* ---- build ---------------------------------------------------------------- */

struct emitter {
	uint8_t *buf;
	size_t off, limit; /* limit keeps one byte for OPT_END */
	uint8_t done[32];  /* bitmap of codes already emitted */
};

static void emit(struct emitter *e, uint8_t code, const void *data, size_t len)
{
	if (e->done[code / 8] & (1u << (code % 8)))
		return;
	if (len > 255 || e->off + 2 + len > e->limit)
		return; /* does not fit: left out */
	e->buf[e->off] = code;
	e->buf[e->off + 1] = (uint8_t)len;
	memcpy(e->buf + e->off + 2, data, len);
	e->off += 2 + len;
	e->done[code / 8] |= 1u << (code % 8);
}

static const struct dhcp_raw_opt *raw_opt(const struct dhcp_reply *r, uint8_t code)
{
	for (size_t i = 0; i < r->n_opts; i++)
		if (r->opts[i].code == code)
			return &r->opts[i];
	return NULL;
}

/* Options 66 and 67 (RFC 2132 9.4, 9.5): the <bootp> server and file. */
static size_t boot_value(const struct dhcp_reply *r, uint8_t code, uint8_t *v)
{
	size_t n;

	if (!r->file[0])
		return 0;
	if (code == OPT_TFTP_SERVER) {
		if (!inet_ntop(AF_INET, &r->siaddr, (char *)v, INET_ADDRSTRLEN))
			return 0;
		return strlen((char *)v);
	}
	n = strnlen(r->file, sizeof(r->file) - 1);
	memcpy(v, r->file, n);
	return n;
}

/* The value this reply carries for code, or 0 if it carries none. The
 * admin's raw options win over what vnet would put (as in dnsmasq). */
static size_t reply_value(const struct dhcp_reply *r, uint8_t code, uint8_t *v)
{
	const struct dhcp_raw_opt *o = code != OPT_MSG_TYPE && code != OPT_SERVER_ID &&
						       r->type != DHCPNAK ? raw_opt(r, code) : NULL;

	if (o) {
		memcpy(v, o->data, o->len);
		return o->len;
	}
	switch (code) {
	case OPT_TFTP_SERVER:
	case OPT_BOOTFILE:
		return boot_value(r, code, v);
	case OPT_LEASE_TIME:
	case OPT_T1:
	case OPT_T2:
		if (!r->has_lease || (code != OPT_LEASE_TIME && !r->t1_secs))
			return 0;
		wr32(v, code == OPT_LEASE_TIME ? r->lease_secs :
			code == OPT_T1 ? r->t1_secs : r->t2_secs);
		return 4;
	case OPT_SUBNET_MASK:
	case OPT_ROUTER:
	case OPT_DNS:
		if (!r->has_netcfg || (code == OPT_DNS && !r->dns.s_addr))
			return 0;
		memcpy(v, code == OPT_SUBNET_MASK ? &r->mask :
			  code == OPT_ROUTER ? &r->router : &r->dns, 4);
		return 4;
	case OPT_MTU:
		if (!r->mtu)
			return 0;
		v[0] = r->mtu >> 8;
		v[1] = r->mtu & 0xff;
		return 2;
	case OPT_DOMAIN:
		memcpy(v, r->domain, strnlen(r->domain, sizeof(r->domain) - 1));
		return strnlen(r->domain, sizeof(r->domain) - 1);
	case OPT_HOSTNAME:
		memcpy(v, r->hostname, strnlen(r->hostname, sizeof(r->hostname) - 1));
		return strnlen(r->hostname, sizeof(r->hostname) - 1);
	case OPT_MESSAGE:
		memcpy(v, r->message, strnlen(r->message, sizeof(r->message) - 1));
		return strnlen(r->message, sizeof(r->message) - 1);
	case OPT_CLIENT_ID:
		memcpy(v, r->client_id, r->client_id_len);
		return r->client_id_len;
	}
	return 0;
}

static void emit_code(struct emitter *e, const struct dhcp_reply *r, uint8_t code)
{
	uint8_t v[255];
	size_t n = reply_value(r, code, v);

	if (n)
		emit(e, code, v, n);
}

static void build_header(const struct dhcp_reply *r, uint8_t *buf)
{
	buf[0] = BOOTREPLY;
	buf[1] = r->htype;
	buf[2] = r->hlen;
	memcpy(buf + 4, &r->xid, 4);
	buf[10] = r->flags >> 8;
	buf[11] = r->flags & 0xff;
	memcpy(buf + 12, &r->ciaddr, 4);
	memcpy(buf + 16, &r->yiaddr, 4);
	memcpy(buf + 20, &r->siaddr, 4);
	memcpy(buf + 24, &r->giaddr, 4);
	memcpy(buf + 28, r->chaddr, 16);
	memcpy(buf + OFF_FILE, r->file, strnlen(r->file, LEN_FILE - 1));
	wr32(buf + DHCP_FIXED_LEN, DHCP_MAGIC);
}

int dhcp_msg_build(const struct dhcp_reply *r, uint8_t *buf, size_t cap)
{
	/* Options we send when carried, in this order after the PRL's. */
	static const uint8_t rest[] = { OPT_LEASE_TIME, OPT_T1, OPT_T2, OPT_SUBNET_MASK,
					OPT_ROUTER, OPT_DNS, OPT_DOMAIN, OPT_MTU,
					OPT_HOSTNAME, OPT_MESSAGE, OPT_CLIENT_ID };
	struct emitter e = { .buf = buf, .off = DHCP_MIN_LEN };
	uint8_t t = r->type;
	size_t i;

	if (cap < DHCP_BOOTP_MIN_LEN)
		return -ENOSPC;
	memset(buf, 0, cap < DHCP_MAX_REPLY ? cap : DHCP_MAX_REPLY);
	e.limit = (cap < DHCP_MAX_REPLY ? cap : DHCP_MAX_REPLY) - 1;
	build_header(r, buf);
	emit(&e, OPT_MSG_TYPE, &t, 1);
	emit(&e, OPT_SERVER_ID, &r->server_id, 4);
	/* RFC 2132 9.8: "The DHCP server is not required to return the options
	 * in the requested order, but MUST try to insert the requested options
	 * in the order requested by the client." */
	for (i = 0; i < r->prl_len; i++)
		emit_code(&e, r, r->prl[i]);
	for (i = 0; i < sizeof(rest); i++)
		emit_code(&e, r, rest[i]);
	for (i = 0; r->type != DHCPNAK && i < r->n_opts; i++) /* sent unasked */
		emit_code(&e, r, r->opts[i].code);
	buf[e.off++] = OPT_END;
	return e.off < DHCP_BOOTP_MIN_LEN ? DHCP_BOOTP_MIN_LEN : (int)e.off;
}

const char *dhcp_type_name(unsigned type)
{
	static const char *const names[] = { "none",	"discover", "offer",   "request", "decline",
					     "ack",	"nak",	    "release", "inform" };

	return type <= DHCP_TYPE_MAX ? names[type] : "unknown";
}
