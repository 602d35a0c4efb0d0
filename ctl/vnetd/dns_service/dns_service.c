/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-network DNS proxy: sockets on the gateway address, local answers
 * from the zone, the cache, and forwarding for everything else. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/dns.h"
#include "dns_service.h"
#include "util/util.h"

#define UDP_QUERY_MAX 4096
#define REPLY_MAX 65535
/* Datagrams read with one recvmmsg, and replies sent with one sendmmsg. */
#define UDP_BATCH 32
#define UDP_ROUNDS 2 /* batches per wakeup: bounded so other sockets get a turn */

/* A reply waiting for the batch's sendmmsg. */
struct udp_out {
	int fd;
	uint16_t len;
	union dns_sockaddr to;
	uint8_t buf[DNS_EDNS_SIZE];
};

struct dns_service {
	struct loop *loop;
	char name[NETDEF_NAME_MAX];
	struct ratelimit name_log; /* refused lease names */
	int udp_fd, tcp_fd, udp_watched;
	int more_udp[DNS_MAX_LISTEN], more_tcp[DNS_MAX_LISTEN]; /* IPv6 addresses */
	size_t n_more;
	int pkt_fd;		/* guest_udp_socket (issue 19.2), or -1 */
	struct in_addr ip;	/* the gateway: what pkt_fd's queries are for */
	struct dns_zone *zone;
	struct dns_cache *cache;
	struct dns_fwd *fwd;
	struct dns_routes *routes;			  /* <forwarder domain>, forwardPlainNames */
	struct dns_fwd *gfwd[NETDEF_MAX_FORWARDERS]; /* per routed domain: its servers */
	size_t n_gfwd;
	struct dns_tcp *tcp;
	struct dns_counters ctr;
	struct dns_answers *answers; /* local answers built once (dns.h) */
	int batching;		     /* UDP replies wait in out[] for flush_udp() */
	unsigned n_out;
	struct udp_out out[UDP_BATCH];
	uint8_t in[UDP_BATCH][UDP_QUERY_MAX + 64]; /* recvmmsg's (+ IPv4, UDP headers) */
	uint8_t reply[REPLY_MAX]; /* scratch for building/relaying */
	/* <vnet:overlay> (issue 22): the other hosts' proxies ask this one
	 * for its guests' names on peer_fd (UDP 53 on the VTEP address), and
	 * this one asks them on ask_fd (dns_peer_*) */
	int peer_fd, ask_fd;
	size_t n_peers;
	struct in_addr peers[NETDEF_MAX_OVERLAY_PEERS];
	struct dns_peer_ask {
		uint16_t id;
		struct in_addr ip;
		uint8_t mac[6];
		uint8_t used;
	} asks[64];
	unsigned next_ask;
};

static void count_type(struct dns_service *s, uint16_t type)
{
	static const uint16_t types[] = {
#define X(t) DNS_T_##t,
		DNS_COUNTED_TYPES(X)
#undef X
	};
	unsigned i;

	for (i = 0; i < DNS_SLOT_OTHER && types[i] != type; i++)
		;
	s->ctr.queries_by_type[i]++;
}

struct in_addr dns_peer_key(const union dns_sockaddr *a)
{
	const uint8_t *b = a->in6.sin6_addr.s6_addr;
	uint32_t h = 2166136261u;

	if (a->sa.sa_family != AF_INET6)
		return a->in.sin_addr;
	if (IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr)) {
		struct in_addr v4;

		memcpy(&v4, b + 12, 4);
		return v4;
	}
	for (unsigned i = 0; i < 16; i++)
		h = (h ^ b[i]) * 16777619u;
	return (struct in_addr){ .s_addr = htonl(0xf0000000u | (h & 0x0fffffffu)) };
}

int dns_peer_equal(const union dns_sockaddr *a, const union dns_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return 0;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port == b->in6.sin6_port &&
		       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16);
	return a->in.sin_port == b->in.sin_port && a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

static size_t client_limit(const struct dns_client *c)
{
	return c->tcp ? REPLY_MAX : dns_client_udp_limit(&c->q);
}

static socklen_t addr_len(const union dns_sockaddr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

/* Send the replies queued while a batch was handled: one sendmmsg for each
 * run of replies on the same socket. A reply the socket refuses is dropped
 * (as sendto's would be: the client retries). */
static void flush_udp(struct dns_service *s)
{
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	unsigned i = 0;

	for (unsigned k = 0; k < s->n_out; k++) {
		struct udp_out *o = &s->out[k];

		iov[k] = (struct iovec){ o->buf, o->len };
		mm[k] = (struct mmsghdr){ .msg_hdr = { .msg_name = &o->to.sa,
						       .msg_namelen = addr_len(&o->to),
						       .msg_iov = &iov[k], .msg_iovlen = 1 } };
	}
	while (i < s->n_out) {
		unsigned run = 1;
		int n;

		while (i + run < s->n_out && s->out[i + run].fd == s->out[i].fd)
			run++;
		n = sendmmsg(s->out[i].fd, &mm[i], run, MSG_DONTWAIT);
		if (n <= 0) {
			log_debug("dns: sendmmsg: %s", n < 0 ? strerror(errno) : "nothing sent");
			n = 1; /* skip the one refused */
		}
		i += (unsigned)n;
	}
	s->n_out = 0;
}

void dns_service_send(struct dns_service *s, const struct dns_client *c, const uint8_t *msg,
		      size_t len)
{
	if (len >= DNS_HDR_LEN && (msg[2] & (DNS_F_TC >> 8)))
		s->ctr.truncated++;
	if (c->tcp) {
		dns_tcp_send(s->tcp, c->conn_id, msg, len);
		return;
	}
	if (s->batching && len <= sizeof(s->out[0].buf)) {
		struct udp_out *o;

		if (s->n_out == UDP_BATCH)
			flush_udp(s);
		o = &s->out[s->n_out++];
		o->fd = c->udp_fd;
		o->to = c->addr;
		o->len = (uint16_t)len;
		memcpy(o->buf, msg, len);
		return;
	}
	if (sendto(c->udp_fd, msg, len, MSG_DONTWAIT, &c->addr.sa,
		   c->addr.sa.sa_family == AF_INET6 ? sizeof(c->addr.in6) : sizeof(c->addr.in)) < 0)
		log_debug("dns: sendto: %s", strerror(errno));
}

/* A reply carrying only an rcode (FORMERR, SERVFAIL, NOTIMP, REFUSED...). */
static void send_rcode(struct dns_service *s, const struct dns_client *c, unsigned rcode)
{
	struct dns_builder b;
	size_t len;

	dns_build_reply(&b, s->reply, client_limit(c), &c->q, rcode & 0xf, 0);
	len = dns_build_finish(&b, &c->q, rcode);
	dns_service_send(s, c, s->reply, len);
}

/* What a precomputed answer counts on a hit: its query type and result. */
#define TAG(qtype, r) ((unsigned)(qtype) << 8 | (unsigned)(r))

static void count_local(struct dns_service *s, enum dns_zone_result r)
{
	s->ctr.local_answers++;
	if (r == DNS_ZONE_NXDOMAIN)
		s->ctr.nxdomain++;
	if (r == DNS_ZONE_NODATA)
		s->ctr.nodata++;
}

/* A UDP query answered before as this one would be: the same bytes but for
 * the ID and the name's case, and the zone unchanged since. */
static int answer_precomputed(struct dns_service *s, const struct dns_client *c,
			      const uint8_t *pkt, size_t len)
{
	unsigned tag;
	size_t n = dns_answers_get(s->answers, dns_zone_generation(s->zone), pkt, len, s->reply,
				   sizeof(s->reply), &tag);

	if (!n)
		return 0;
	count_type(s, (uint16_t)(tag >> 8));
	count_local(s, (enum dns_zone_result)(tag & 0xff));
	dns_service_send(s, c, s->reply, n);
	return 1;
}

static int answer_local(struct dns_service *s, const struct dns_client *c, const uint8_t *pkt,
			size_t len)
{
	const struct dns_question *q = &c->q.q;
	struct dns_zone_answer ans;
	struct dns_builder b;
	enum dns_zone_result r;
	size_t n;

	if (q->qclass != DNS_C_IN && q->qclass != DNS_C_ANY)
		return 0;
	r = dns_zone_lookup(s->zone, q->name, q->name_len, q->qtype, &ans);
	if (r == DNS_ZONE_NOT_OURS)
		return 0;
	count_local(s, r);
	/* RFC 1035 4.1.1: AA, we are the authority for these names */
	dns_build_reply(&b, s->reply, client_limit(c), &c->q,
			r == DNS_ZONE_NXDOMAIN ? DNS_R_NXDOMAIN : DNS_R_NOERROR, 1);
	for (unsigned i = 0; i < ans.n_addrs; i++)
		dns_add_a(&b, DNS_LOCAL_TTL, ans.addrs[i]);
	for (unsigned i = 0; i < ans.n_rrs; i++)
		dns_add_rr(&b, ans.rrs[i].type, DNS_LOCAL_TTL, ans.rrs[i].data, ans.rrs[i].len);
	if (ans.ptr_len)
		dns_add_ptr(&b, DNS_LOCAL_TTL, ans.ptr, ans.ptr_len);
	n = dns_build_finish(&b, &c->q, 0);
	if (!c->tcp) /* the same query gets this reply until the zone changes */
		dns_answers_put(s->answers, dns_zone_generation(s->zone), pkt, len, s->reply, n,
				TAG(q->qtype, r));
	dns_service_send(s, c, s->reply, n);
	return 1;
}

/* A name that is not local: NXDOMAIN here if its domain is local only (or
 * it is a plain name that is not forwarded), else the forwarder its
 * domain goes to (*fwd: the default upstreams unless changed). */
static int answer_routed(struct dns_service *s, const struct dns_client *c, struct dns_fwd **fwd)
{
	struct dns_builder b;
	size_t g = 0;

	switch (dns_route(s->routes, c->q.q.name, c->q.q.name_len, &g)) {
	case DNS_ROUTE_LOCAL:
		s->ctr.local_answers++;
		s->ctr.nxdomain++;
		dns_build_reply(&b, s->reply, client_limit(c), &c->q, DNS_R_NXDOMAIN, 1);
		dns_service_send(s, c, s->reply, dns_build_finish(&b, &c->q, 0));
		return 1;
	case DNS_ROUTE_SERVERS:
		if (g < s->n_gfwd && s->gfwd[g])
			*fwd = s->gfwd[g];
		return 0;
	default:
		return 0;
	}
}

static void relay(struct dns_service *s, const struct dns_client *c, const uint8_t *m,
		  size_t len, uint32_t age)
{
	int n = dns_relay_reply(m, len, s->reply, sizeof(s->reply), &c->q, age, client_limit(c));

	if (n < 0) {
		send_rcode(s, c, DNS_R_SERVFAIL);
		s->ctr.servfail++;
		return;
	}
	dns_service_send(s, c, s->reply, n);
}

static int answer_cached(struct dns_service *s, const struct dns_client *c)
{
	uint8_t key[DNS_CACHE_KEY_MAX];
	const uint8_t *m;
	size_t klen, mlen;
	uint32_t age;

	klen = dns_cache_key(key, c->q.q.name, c->q.q.name_len, c->q.q.qtype, c->q.q.qclass,
			     c->q.edns_do);
	if (!dns_cache_get(s->cache, key, klen, loop_now_ms(), &m, &mlen, &age)) {
		s->ctr.cache_misses++;
		return 0;
	}
	s->ctr.cache_hits++;
	relay(s, c, m, mlen, age);
	return 1;
}

/* RFC 2308: NXDOMAIN and NODATA are cached for the SOA's negative TTL;
 * without an SOA they are not cached. Truncated answers are not cached. */
static void cache_store(struct dns_service *s, const uint8_t *m, size_t len,
			const struct dns_client *c)
{
	struct dns_reply_info r;
	uint8_t key[DNS_CACHE_KEY_MAX];
	unsigned rc;
	size_t klen;

	if (dns_parse_reply(m, len, &r) < 0 || (r.hdr.flags & DNS_F_TC))
		return;
	rc = dns_rcode(&r.hdr);
	klen = dns_cache_key(key, c->q.q.name, c->q.q.name_len, c->q.q.qtype, c->q.q.qclass,
			     c->q.edns_do);
	if (rc == DNS_R_NOERROR && r.hdr.ancount && r.min_ttl != UINT32_MAX)
		dns_cache_put(s->cache, key, klen, m, len, r.min_ttl, 0, loop_now_ms());
	else if ((rc == DNS_R_NXDOMAIN || (rc == DNS_R_NOERROR && !r.hdr.ancount)) && r.neg_ttl)
		dns_cache_put(s->cache, key, klen, m, len, r.neg_ttl, 1, loop_now_ms());
}

static void forward_done(void *ctx, const uint8_t *reply, size_t len,
			 const struct dns_client *clients, unsigned n)
{
	struct dns_service *s = ctx;

	if (reply && n)
		cache_store(s, reply, len, &clients[0]);
	for (unsigned i = 0; i < n; i++) {
		if (reply) {
			relay(s, &clients[i], reply, len, 0);
		} else {
			s->ctr.servfail++;
			send_rcode(s, &clients[i], DNS_R_SERVFAIL);
		}
	}
}

static int refuse_early(struct dns_service *s, struct dns_client *c, int rc)
{
	if (rc == -EINVAL) {
		s->ctr.dropped++; /* not even a header, or a response: drop */
		return 1;
	}
	if (rc == -EBADMSG || (rc == 0 && c->q.q.qtype == DNS_T_OPT)) {
		s->ctr.formerr++;
		send_rcode(s, c, DNS_R_FORMERR);
		return 1;
	}
	if (rc == -EOPNOTSUPP) {
		s->ctr.notimp++;
		send_rcode(s, c, DNS_R_NOTIMP);
		return 1;
	}
	/* RFC 6891 6.1.3: unknown EDNS version -> BADVERS */
	if (c->q.has_edns && c->q.edns_version != 0) {
		s->ctr.formerr++;
		send_rcode(s, c, DNS_R_BADVERS);
		return 1;
	}
	if (c->q.q.qtype == DNS_T_AXFR || c->q.q.qtype == DNS_T_IXFR) {
		s->ctr.refused++;
		send_rcode(s, c, DNS_R_REFUSED);
		return 1;
	}
	return 0;
}

static int from_peer(const struct dns_service *s, const struct dns_client *c)
{
	for (size_t i = 0; i < s->n_peers; i++)
		if (c->addr.in.sin_family == AF_INET &&
		    c->addr.in.sin_addr.s_addr == s->peers[i].s_addr)
			return 1;
	return 0;
}

/* A query on the VTEP address: another host's proxy asking for a name of
 * this network's zone. Only the peers are answered, and only from the
 * zone: nothing is forwarded or cached for them. */
static void handle_peer(struct dns_service *s, struct dns_client *c, const uint8_t *pkt,
			size_t len)
{
	int rc;

	if (!from_peer(s, c)) {
		s->ctr.dropped++;
		return;
	}
	rc = dns_parse_query(pkt, len, &c->q);
	if (refuse_early(s, c, rc) || answer_local(s, c, pkt, len))
		return;
	s->ctr.refused++;
	send_rcode(s, c, DNS_R_REFUSED);
}

void dns_service_handle(struct dns_service *s, struct dns_client *c, const uint8_t *pkt,
			size_t len)
{
	struct dns_fwd *fwd = s->fwd;
	int rc;

	if (!c->tcp && s->peer_fd >= 0 && c->udp_fd == s->peer_fd) {
		handle_peer(s, c, pkt, len);
		return;
	}
	if (!c->tcp && answer_precomputed(s, c, pkt, len))
		return;
	rc = dns_parse_query(pkt, len, &c->q);
	if (rc == 0)
		count_type(s, c->q.q.qtype);
	if (refuse_early(s, c, rc) || answer_local(s, c, pkt, len) || answer_routed(s, c, &fwd) ||
	    answer_cached(s, c))
		return;
	rc = dns_fwd_query(fwd, c);
	if (rc == -ENOBUFS) {
		s->ctr.pending_full++; /* the client will retry */
	} else if (rc == -EDQUOT) {
		/* this guest's share is in flight: say so at once (REFUSED is
		 * policy, and no resolver caches it as it may a SERVFAIL) */
		s->ctr.guest_pending_full++;
		s->ctr.refused++;
		send_rcode(s, c, DNS_R_REFUSED);
	} else if (rc < 0) {
		s->ctr.servfail++;
		send_rcode(s, c, DNS_R_SERVFAIL);
	}
}

static void on_udp(int fd, uint32_t events, void *data)
{
	struct dns_service *s = data;
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	union dns_sockaddr from[UDP_BATCH];
	struct dns_client c;

	for (int round = 0; round < UDP_ROUNDS; round++) {
		int n;

		for (unsigned i = 0; i < UDP_BATCH; i++) {
			iov[i] = (struct iovec){ s->in[i], UDP_QUERY_MAX };
			mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &from[i],
							       .msg_namelen = sizeof(from[i]),
							       .msg_iov = &iov[i], .msg_iovlen = 1 } };
		}
		n = recvmmsg(fd, mm, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		s->batching = 1;
		for (int i = 0; i < n; i++) {
			const struct msghdr *h = &mm[i].msg_hdr;

			memset(&c, 0, sizeof(c));
			c.udp_fd = fd;
			s->ctr.queries_udp++;
			/* a datagram over UDP_QUERY_MAX was cut: dropped */
			if ((h->msg_flags & MSG_TRUNC) || h->msg_namelen > sizeof(c.addr)) {
				s->ctr.dropped++;
				continue;
			}
			memcpy(&c.addr, &from[i], h->msg_namelen);
			if (h->msg_namelen != addr_len(&c.addr)) {
				s->ctr.dropped++;
				continue;
			}
			dns_service_handle(s, &c, s->in[i], mm[i].msg_len);
		}
		s->batching = 0;
		flush_udp(s);
		if (n < UDP_BATCH)
			return;
	}
}

/* Queries read from the packet socket (before the host's INPUT chain),
 * answered through the UDP socket as any other. */
static void on_pkt(int fd, uint32_t events, void *data)
{
	struct dns_service *s = data;
	struct ipv4_udp u[UDP_BATCH];
	struct dns_client c;

	for (int round = 0; round < UDP_ROUNDS; round++) {
		int n = guest_udp_recv_many(fd, &s->in[0][0], sizeof(s->in[0]), u, UDP_BATCH);

		if (n < 0)
			return;
		s->batching = 1; /* the replies leave in sendmmsg batches */
		for (int i = 0; i < n; i++) {
			if (u[i].dst.s_addr != s->ip.s_addr)
				continue; /* to another DNS server, routed by the host */
			memset(&c, 0, sizeof(c));
			c.udp_fd = s->udp_fd;
			c.addr.in.sin_family = AF_INET;
			c.addr.in.sin_addr = u[i].src;
			c.addr.in.sin_port = htons(u[i].sport);
			s->ctr.queries_udp++;
			if (u[i].len > UDP_QUERY_MAX) {
				s->ctr.dropped++;
				continue;
			}
			dns_service_handle(s, &c, u[i].payload, u[i].len);
		}
		s->batching = 0;
		flush_udp(s);
	}
}

int dns_service_guest_socket(struct dns_service *s, int pkt_fd)
{
	if (loop_add_fd(s->loop, pkt_fd, EPOLLIN, on_pkt, s) < 0) {
		close(pkt_fd);
		return -EIO;
	}
	s->pkt_fd = pkt_fd;
	return 0;
}

static int listen_on(const union dns_sockaddr *a, int type, char *err, size_t errlen)
{
	int af = a->sa.sa_family, one = 1, fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	char t[INET6_ADDRSTRLEN] = "?";

	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, &a->sa, af == AF_INET6 ? sizeof(a->in6) : sizeof(a->in)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0))
		goto fail;
	return fd;
fail:
	inet_ntop(af, af == AF_INET6 ? (const void *)&a->in6.sin6_addr : (const void *)&a->in.sin_addr,
		  t, sizeof(t));
	snprintf(err, errlen, "dns: %s %s%s%s:53: %s", type == SOCK_STREAM ? "tcp" : "udp",
		 af == AF_INET6 ? "[" : "", t, af == AF_INET6 ? "]" : "", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* One forwarder per <forwarder domain addr> group, on its servers. */
static int setup_routes(struct dns_service *s, const struct netdef *def)
{
	s->routes = dns_routes_from_netdef(def);
	if (!s->routes)
		return -ENOMEM;
	s->n_gfwd = dns_routes_groups(s->routes);
	for (size_t g = 0; g < s->n_gfwd; g++) {
		struct sockaddr_storage ups[NETDEF_MAX_FORWARDERS];
		size_t n = dns_routes_servers(s->routes, g, ups, NETDEF_MAX_FORWARDERS);

		if (n && !(s->gfwd[g] = dns_fwd_new(s->loop, ups, n, forward_done, s, &s->ctr)))
			return -ENOMEM;
	}
	return 0;
}

static int setup(struct dns_service *s, const struct netdef *def,
		 const struct sockaddr_storage *ups,
		 size_t n_ups, char *err, size_t errlen)
{
	if (!n_ups)
		log_warn("dns: %s: no upstream resolver; only local names answered", def->name);
	s->zone = dns_zone_new(def->domain, def->ip, def->prefix);
	s->cache = dns_cache_new(DNS_CACHE_ENTRIES);
	s->answers = dns_answers_new();
	s->fwd = dns_fwd_new(s->loop, ups, n_ups, forward_done, s, &s->ctr);
	if (!s->zone || !s->cache || !s->answers || !s->fwd ||
	    dns_zone_load_netdef(s->zone, def) == -ENOMEM ||
	    setup_routes(s, def) < 0) {
		snprintf(err, errlen, "dns: out of memory");
		return -ENOMEM;
	}
	if (loop_add_fd(s->loop, s->udp_fd, EPOLLIN, on_udp, s) < 0) {
		snprintf(err, errlen, "dns: cannot register sockets");
		return -ENOMEM;
	}
	s->udp_watched = 1;
	if (!(s->tcp = dns_tcp_new(s->loop, s->tcp_fd, s, &s->ctr))) {
		snprintf(err, errlen, "dns: cannot register sockets");
		return -ENOMEM;
	}
	return 0;
}

static int sockets(const union dns_sockaddr *a, int *udp_fd, int *tcp_fd, char *err,
		   size_t errlen)
{
	*udp_fd = listen_on(a, SOCK_DGRAM, err, errlen);
	if (*udp_fd < 0)
		return -EADDRNOTAVAIL;
	*tcp_fd = listen_on(a, SOCK_STREAM, err, errlen);
	if (*tcp_fd < 0) {
		close(*udp_fd);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

int dns_service_sockets(struct in_addr ip, int *udp_fd, int *tcp_fd, char *err, size_t errlen)
{
	union dns_sockaddr a = { .in = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
					 .sin_addr = ip } };

	return sockets(&a, udp_fd, tcp_fd, err, errlen);
}

int dns_service_sockets6(const struct in6_addr *ip, int *udp_fd, int *tcp_fd, char *err,
			 size_t errlen)
{
	union dns_sockaddr a = { .in6 = { .sin6_family = AF_INET6, .sin6_port = htons(DNS_PORT),
					  .sin6_addr = *ip } };

	return sockets(&a, udp_fd, tcp_fd, err, errlen);
}

int dns_service_listen(struct dns_service *s, int udp_fd, int tcp_fd)
{
	if (s->n_more == DNS_MAX_LISTEN - 1 || loop_add_fd(s->loop, udp_fd, EPOLLIN, on_udp, s) < 0)
		goto fail;
	if (dns_tcp_listen(s->tcp, tcp_fd) < 0) {
		loop_del_fd(s->loop, udp_fd);
		goto fail;
	}
	s->more_udp[s->n_more] = udp_fd;
	s->more_tcp[s->n_more++] = tcp_fd;
	return 0;
fail:
	close(udp_fd);
	close(tcp_fd);
	return -ENOSPC;
}

struct dns_service *dns_service_start_on(struct loop *loop, const struct netdef *def,
					 const struct sockaddr_storage *ups, size_t n_ups, int udp_fd,
					 int tcp_fd, char *err, size_t errlen)
{
	struct dns_service *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "dns: out of memory");
		close(udp_fd);
		close(tcp_fd);
		return NULL;
	}
	s->loop = loop;
	snprintf(s->name, sizeof(s->name), "%s", def->name);
	s->name_log = (struct ratelimit)RATELIMIT_INIT(DNS_NAME_LOG_BURST, DNS_NAME_LOG_MS);
	s->udp_fd = udp_fd;
	s->tcp_fd = tcp_fd;
	s->pkt_fd = -1;
	s->peer_fd = s->ask_fd = -1;
	s->ip = def->ip;
	if (setup(s, def, ups, n_ups, err, errlen) < 0) {
		dns_service_stop(s);
		return NULL;
	}
	log_debug("dns: %s: serving on %s:53", def->name, inet_ntoa(def->ip));
	return s;
}

struct dns_service *dns_service_start(struct loop *loop, const struct netdef *def,
				      const char *resolv_conf, char *err, size_t errlen)
{
	struct sockaddr_storage ups[DNS_MAX_UPSTREAMS];
	size_t n_ups;
	struct dns_service *s;
	int udp_fd, tcp_fd;

	if (!def->has_ip) {
		snprintf(err, errlen, "dns: network %s has no address", def->name);
		return NULL;
	}
	n_ups = dns_upstreams_load(def, resolv_conf, ups, DNS_MAX_UPSTREAMS);
	if (dns_service_sockets(def->ip, &udp_fd, &tcp_fd, err, errlen))
		return NULL;
	s = dns_service_start_on(loop, def, ups, n_ups, udp_fd, tcp_fd, err, errlen);
	for (size_t i = 0; s && i < def->n_ips && i < NETDEF_MAX_IPS; i++)
		if (def->ips[i].family == AF_INET6 &&
		    !dns_service_sockets6(&def->ips[i].addr6, &udp_fd, &tcp_fd, err, errlen))
			dns_service_listen(s, udp_fd, tcp_fd);
	return s;
}

void dns_service_stop(struct dns_service *s)
{
	if (!s)
		return;
	dns_fwd_free(s->fwd);
	if (s->peer_fd >= 0) {
		loop_del_fd(s->loop, s->peer_fd);
		close(s->peer_fd);
	}
	if (s->ask_fd >= 0) {
		loop_del_fd(s->loop, s->ask_fd);
		close(s->ask_fd);
	}
	for (size_t g = 0; g < s->n_gfwd; g++)
		dns_fwd_free(s->gfwd[g]);
	dns_routes_free(s->routes);
	dns_tcp_free(s->tcp);
	for (size_t i = 0; i < s->n_more; i++) {
		loop_del_fd(s->loop, s->more_udp[i]);
		close(s->more_udp[i]);
		close(s->more_tcp[i]);
	}
	if (s->pkt_fd >= 0) {
		loop_del_fd(s->loop, s->pkt_fd);
		close(s->pkt_fd);
	}
	if (s->udp_watched)
		loop_del_fd(s->loop, s->udp_fd);
	if (s->udp_fd >= 0)
		close(s->udp_fd);
	if (s->tcp_fd >= 0)
		close(s->tcp_fd);
	dns_cache_free(s->cache);
	dns_answers_free(s->answers);
	dns_zone_free(s->zone);
	free(s);
}

void dns_service_add_name(struct dns_service *s, const char *name, struct in_addr ip)
{
	if (s && name && *name && dns_zone_add(s->zone, name, ip) < 0)
		log_debug("dns: cannot add name %s", name);
}

void dns_service_del_name(struct dns_service *s, const char *name, struct in_addr ip)
{
	if (s && name && *name)
		dns_zone_del(s->zone, name, ip);
}

static void count_refused(struct dns_service *s, enum dns_lease_name r)
{
	switch (r) {
	case DNS_LEASE_NAME_INVALID: s->ctr.lease_names_refused_invalid++; break;
	case DNS_LEASE_NAME_OUTSIDE: s->ctr.lease_names_refused_outside++; break;
	case DNS_LEASE_NAME_RESERVED: s->ctr.lease_names_refused_reserved++; break;
	case DNS_LEASE_NAME_TAKEN: s->ctr.lease_names_refused_taken++; break;
	default: break;
	}
}

/* A refused lease name: counted, and logged within the rate limit. */
static void refused(struct dns_service *s, enum dns_lease_name r, const char *who,
		    const char *addr, const char *hostname)
{
	uint64_t held = 0;
	char more[64] = "";

	if (r == DNS_LEASE_NAME_OK || r == DNS_LEASE_NAME_NONE)
		return;
	count_refused(s, r);
	/* a guest renewing with a new bad name each time must not flood the log */
	if (!ratelimit_ok(&s->name_log, loop_now_ms(), &held))
		return;
	if (held)
		snprintf(more, sizeof(more), "; %llu such lines not logged before",
			 (unsigned long long)held);
	log_info("dns %s: %s %s asked for name '%s': not published (%s)%s", s->name, who, addr,
		 hostname, dns_lease_name_str(r), more);
}

void dns_service_lease_bound(struct dns_service *s, struct in_addr ip, const uint8_t mac[6],
			     const char *hostname)
{
	char m[18];

	if (!s)
		return;
	mac_format(mac, m);
	refused(s, dns_zone_lease_set_owner(s->zone, ip, mac, hostname), m, inet_ntoa(ip),
		hostname);
}

void dns_service_lease6_bound(struct dns_service *s, const struct in6_addr *ip,
			      const uint8_t *mac, const char *hostname)
{
	char a[INET6_ADDRSTRLEN], m[18] = "-";

	if (!s)
		return;
	inet_ntop(AF_INET6, ip, a, sizeof(a));
	if (mac)
		mac_format(mac, m);
	refused(s, dns_zone_lease6_set(s->zone, ip, mac, hostname), m, a, hostname);
}

void dns_service_lease6_gone(struct dns_service *s, const struct in6_addr *ip)
{
	if (s)
		dns_zone_lease6_clear(s->zone, ip);
}

void dns_service_lease_gone(struct dns_service *s, struct in_addr ip)
{
	if (s)
		dns_zone_lease_clear(s->zone, ip);
}

/* {"le_ms": {"1": n, ...}, "count": n, "sum_us": n}: rendered by
 * metrics.c as the vnet_dns_upstream_latency_seconds histogram. */
static struct json_object *latency_json(const struct dns_counters *c)
{
	static const unsigned bounds_ms[DNS_LATENCY_N] = DNS_LATENCY_BUCKETS_MS;
	struct json_object *o = json_object_new_object(), *le = json_object_new_object();
	char k[16];

	for (unsigned i = 0; i < DNS_LATENCY_N; i++) {
		snprintf(k, sizeof(k), "%u", bounds_ms[i]);
		json_object_object_add(le, k, json_object_new_int64((int64_t)c->latency_le[i]));
	}
	json_object_object_add(o, "le_ms", le);
	json_object_object_add(o, "count", json_object_new_int64((int64_t)c->latency_count));
	json_object_object_add(o, "sum_us", json_object_new_int64((int64_t)c->latency_sum_us));
	return o;
}

struct json_object *dns_counters_json(const struct dns_counters *c, const struct dns_gauges *g)
{
	static const char *const types[] = {
#define X(t) #t,
		DNS_COUNTED_TYPES(X)
#undef X
		"OTHER",
	};
	struct json_object *o = json_object_new_object();
	char name[32];

	if (!o)
		return NULL;
#define X(n) json_object_object_add(o, #n, json_object_new_int64((int64_t)c->n));
	DNS_COUNTERS(X)
#undef X
	for (unsigned i = 0; i < DNS_SLOT_N; i++) {
		snprintf(name, sizeof(name), "queries_%s", types[i]);
		for (char *p = name; *p; p++)
			*p = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p;
		json_object_object_add(o, name, json_object_new_int64(c->queries_by_type[i]));
	}
	json_object_object_add(o, "cache_entries", json_object_new_int64((int64_t)g->cache_entries));
	json_object_object_add(o, "lease_name_entries",
			       json_object_new_int64((int64_t)g->lease_name_entries));
	json_object_object_add(o, "upstream_latency", latency_json(c));
	return o;
}

void dns_service_counters(struct dns_service *s, struct dns_counters *c, struct dns_gauges *g)
{
	struct dns_cache_stats st;

	dns_cache_stats(s->cache, &st);
	*c = s->ctr;
	g->cache_entries = st.entries;
	g->lease_name_entries = dns_zone_lease_count(s->zone);
}

struct json_object *dns_service_counters_json(struct dns_service *s)
{
	struct dns_counters c;
	struct dns_gauges g;

	dns_service_counters(s, &c, &g);
	return dns_counters_json(&c, &g);
}

/* ---- names across hosts (<vnet:overlay>, issue 22) ---------------------------- */

void dns_service_peers(struct dns_service *s, const struct in_addr *peers, size_t n)
{
	if (!s)
		return;
	s->n_peers = n < NETDEF_MAX_OVERLAY_PEERS ? n : NETDEF_MAX_OVERLAY_PEERS;
	memcpy(s->peers, peers, s->n_peers * sizeof(*peers));
}

int dns_service_peer_listen(struct dns_service *s, int udp_fd)
{
	if (!s || s->peer_fd >= 0 || loop_add_fd(s->loop, udp_fd, EPOLLIN, on_udp, s) < 0) {
		close(udp_fd);
		return -1;
	}
	s->peer_fd = udp_fd;
	return 0;
}

/* The first PTR record's target of a reply to our question, as text. */
static int reply_ptr(const uint8_t *pkt, size_t len, char *out, size_t outlen)
{
	struct dns_reply_info r;
	uint8_t name[DNS_NAME_MAX];
	size_t off = 12;
	int nl;

	if (dns_parse_reply(pkt, len, &r) || !r.has_q || dns_rcode(&r.hdr) != DNS_R_NOERROR)
		return -1;
	if (dns_name_read(pkt, len, &off, name) < 0 || (off += 4) > len)
		return -1;
	for (unsigned i = 0; i < r.hdr.ancount; i++) {
		uint16_t type, rdlen;

		if (dns_name_read(pkt, len, &off, name) < 0 || off + 10 > len)
			return -1;
		type = (uint16_t)(pkt[off] << 8 | pkt[off + 1]);
		rdlen = (uint16_t)(pkt[off + 8] << 8 | pkt[off + 9]);
		off += 10;
		if (off + rdlen > len)
			return -1;
		if (type == DNS_T_PTR) {
			size_t o = off;

			nl = dns_name_read(pkt, len, &o, name);
			return nl < 0 ? -1 : dns_name_to_text(name, (size_t)nl, out, outlen);
		}
		off += rdlen;
	}
	return -1;
}

static void on_ask_reply(int fd, uint32_t events, void *data)
{
	struct dns_service *s = data;
	uint8_t buf[1500];
	char text[DNS_TEXT_MAX], *dot;
	struct sockaddr_in from;

	(void)events;
	for (int k = 0; k < 64; k++) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		struct dns_client c = { 0 };
		uint16_t id;
		size_t i;

		if (n < 0)
			return;
		c.addr.in = from;
		if (n < 12 || fl != sizeof(from) || !from_peer(s, &c) ||
		    from.sin_port != htons(DNS_PORT))
			continue;
		id = (uint16_t)(buf[0] << 8 | buf[1]);
		for (i = 0; i < sizeof(s->asks) / sizeof(s->asks[0]); i++)
			if (s->asks[i].used && s->asks[i].id == id)
				break;
		if (i == sizeof(s->asks) / sizeof(s->asks[0]) ||
		    reply_ptr(buf, (size_t)n, text, sizeof(text)) < 0)
			continue;
		/* "guest3" or "guest3.domain": the label is the guest's name */
		if ((dot = strchr(text, '.')))
			*dot = '\0';
		if (text[0]) {
			log_debug("dns %s: %s is %s on another host", s->name,
				  inet_ntoa(s->asks[i].ip), text);
			dns_service_lease_bound(s, s->asks[i].ip, s->asks[i].mac, text);
		}
		s->asks[i].used = 0;
	}
}

/* Ask every peer's proxy for the name of ip (a guest of another host, its
 * MAC mac): a PTR query; the first answer names it here. */
void dns_service_peer_ask(struct dns_service *s, struct in_addr ip, const uint8_t mac[6])
{
	const uint8_t *a = (const uint8_t *)&ip.s_addr;
	struct dns_peer_ask *k;
	struct dns_query q = { 0 };
	uint8_t buf[512];
	char text[64];
	int nl, len;

	if (!s || !s->n_peers)
		return;
	if (s->ask_fd < 0) {
		s->ask_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (s->ask_fd < 0)
			return;
		if (loop_add_fd(s->loop, s->ask_fd, EPOLLIN, on_ask_reply, s) < 0) {
			close(s->ask_fd);
			s->ask_fd = -1;
			return;
		}
	}
	snprintf(text, sizeof(text), "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
	nl = dns_name_from_text(text, q.q.name);
	if (nl < 0)
		return;
	q.q.name_len = (uint8_t)nl;
	q.q.qtype = DNS_T_PTR;
	q.q.qclass = DNS_C_IN;
	k = &s->asks[s->next_ask++ % (sizeof(s->asks) / sizeof(s->asks[0]))];
	k->used = 1;
	if (getrandom(&k->id, sizeof(k->id), 0) != sizeof(k->id))
		k->id = (uint16_t)(s->next_ask * 7919u);
	k->ip = ip;
	memcpy(k->mac, mac, 6);
	len = dns_build_upstream_query(buf, sizeof(buf), &q, k->id);
	if (len < 0)
		return;
	for (size_t i = 0; i < s->n_peers; i++) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
					  .sin_addr = s->peers[i] };

		sendto(s->ask_fd, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to));
	}
}
