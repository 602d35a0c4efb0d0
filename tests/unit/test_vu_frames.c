/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnet-user's frame glue: Ethernet/IPv4/UDP parse and build (checksums,
 * every bad length refused), and DHCP and DNS answered over raw frames.
 * The user-mode sources are not in a library: they are compiled in here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.c"
#include "udhcp.c"
#include "udns.c"
#include "dhcp_test_pkt.h"
#include "dns/dns.h"
#include "util/util.h"

/* stub: the forwarder is exercised by the system test */
int vu_dnsfwd_query(struct vu_dnsfwd *f, const struct udp_view *u, const struct dns_query *q,
		    uint8_t *out, size_t cap)
{
	return -1;
}

static const uint8_t cmac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
/* libslirp's MAC for 192.168.122.1, which the guests' ARP caches hold */
static const uint8_t gw_mac[6] = { 0x52, 0x55, 192, 168, 122, 1 };

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static uint32_t csum_raw(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold_ok(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void build_parse_roundtrip(void **state)
{
	uint8_t f[FRAME_MAX], data[] = "hello", pseudo[12];
	struct udp_view u;
	int n = frame_udp_build(f, sizeof(f), cmac, bcast, ip("10.0.0.2"), 68, ip("10.0.0.1"), 67,
				data, sizeof(data));

	assert_int_equal(n, 14 + 20 + 8 + sizeof(data));
	assert_int_equal(frame_udp_parse(f, (size_t)n, &u), 0);
	assert_int_equal(u.sport, 68);
	assert_int_equal(u.dport, 67);
	assert_int_equal(u.len, sizeof(data));
	assert_memory_equal(u.data, data, sizeof(data));
	assert_memory_equal(u.src_mac, cmac, 6);
	assert_int_equal(u.src.s_addr, ip("10.0.0.2").s_addr);
	/* a correct IP header and UDP checksum both sum to all ones */
	assert_int_equal(fold_ok(csum_raw(f + 14, 20, 0)), 0xffff);
	memcpy(pseudo, f + 14 + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = 0;
	pseudo[11] = (uint8_t)(8 + sizeof(data));
	assert_int_equal(fold_ok(csum_raw(f + 34, 8 + sizeof(data), csum_raw(pseudo, 12, 0))),
			 0xffff);
	assert_int_equal(frame_udp_build(f, 40, cmac, bcast, ip("1.1.1.1"), 1, ip("2.2.2.2"), 2,
					 data, sizeof(data)),
			 -ENOSPC);
}

static void parse_refuses_bad_frames(void **state)
{
	uint8_t f[FRAME_MAX], g[FRAME_MAX], data[16] = { 0 };
	struct udp_view u;
	int n = frame_udp_build(f, sizeof(f), cmac, bcast, ip("10.0.0.2"), 1000, ip("10.0.0.1"), 53,
				data, sizeof(data));

	for (int len = 0; len < n; len++) /* every truncation */
		assert_int_equal(frame_udp_parse(f, (size_t)len, &u), -EINVAL);
	memcpy(g, f, (size_t)n);
	g[12] = 0x86; /* not IPv4 */
	assert_int_equal(frame_udp_parse(g, (size_t)n, &u), -EINVAL);
	memcpy(g, f, (size_t)n);
	g[14 + 6] = 0x20; /* MF: a fragment goes to slirp */
	assert_int_equal(frame_udp_parse(g, (size_t)n, &u), -EINVAL);
	memcpy(g, f, (size_t)n);
	g[14 + 0] = 0x44; /* IHL 16 bytes */
	assert_int_equal(frame_udp_parse(g, (size_t)n, &u), -EINVAL);
	memcpy(g, f, (size_t)n);
	g[14 + 2] = 0x10; /* IP total length past the frame */
	assert_int_equal(frame_udp_parse(g, (size_t)n, &u), -EINVAL);
	memcpy(g, f, (size_t)n);
	g[34 + 4] = 0x7f; /* UDP length past the IP datagram */
	assert_int_equal(frame_udp_parse(g, (size_t)n, &u), -EINVAL);
	memcpy(g, f, (size_t)n);
	g[34 + 4] = 0;
	g[34 + 5] = 7; /* UDP length below its header */
	assert_int_equal(frame_udp_parse(g, (size_t)n, &u), -EINVAL);
}

static struct netdef *test_def(void)
{
	struct netdef *d = calloc(1, sizeof(*d));

	netdef_default(d);
	return d;
}

/* DISCOVER in a broadcast frame -> OFFER frame from the gateway's MAC */
static void dhcp_over_frames(void **state)
{
	char lease[] = "/tmp/test_vu_frames.XXXXXX", err[256];
	int fd = mkstemp(lease);
	struct netdef *d = test_def();
	struct dns_zone *z = vu_dns_zone(d);
	struct vu_dhcp *dh;
	uint8_t f[FRAME_MAX], out[FRAME_MAX], gw[6];
	struct udp_view u, r;
	struct dhcp_msg m;
	struct pkt p;
	int n;

	slirp_mac(d->ip, gw);
	assert_memory_equal(gw, gw_mac, 6);
	close(fd);
	unlink(lease);
	dh = vu_dhcp_new(d, lease, gw, z, err, sizeof(err));
	assert_non_null(dh);
	pkt_init(&p, DHCPDISCOVER, cmac, 0x1234);
	pkt_end(&p);
	n = frame_udp_build(f, sizeof(f), cmac, bcast, ip("0.0.0.0"), 68, ip("255.255.255.255"), 67,
			    p.b, p.len);
	assert_int_equal(frame_udp_parse(f, (size_t)n, &u), 0);
	n = vu_dhcp_frame(dh, &u, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(frame_udp_parse(out, (size_t)n, &r), 0);
	assert_memory_equal(r.src_mac, gw_mac, 6);
	assert_int_equal(r.src.s_addr, d->ip.s_addr);
	assert_int_equal(r.sport, 67);
	assert_int_equal(r.dport, 68);
	assert_int_equal(dhcp_msg_parse(r.data, r.len, &m), 0);
	assert_int_equal(r.data[0], BOOTREPLY);
	assert_int_equal(r.data[242], DHCPOFFER); /* option 53 comes first */
	vu_dhcp_free(dh);
	dns_zone_free(z);
	free(d);
	unlink(lease);
}

/* A query for a static host's name is answered with its address. */
static void dns_local_name(void **state)
{
	struct netdef *d = test_def();
	struct dns_zone *z;
	struct vu_dns_counters c = { 0 };
	uint8_t q[64] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }, f[FRAME_MAX],
		out[FRAME_MAX];
	struct udp_view u, r;
	size_t ql = 12;
	int n;

	d->n_hosts = 1;
	memcpy(d->hosts[0].mac, cmac, 6);
	d->hosts[0].ip = ip("192.168.122.9");
	strcpy(d->hosts[0].name, "web");
	z = vu_dns_zone(d);
	memcpy(q + ql, "\3web\0\0\1\0\1", 9); /* web. A IN */
	ql += 9;
	n = frame_udp_build(f, sizeof(f), cmac, bcast, ip("192.168.122.9"), 5353,
			    ip("192.168.122.1"), 53, q, ql);
	assert_int_equal(frame_udp_parse(f, (size_t)n, &u), 0);
	n = vu_dns_frame(z, NULL, d, gw_mac, &u, out, sizeof(out), &c);
	assert_true(n > 0);
	assert_int_equal(frame_udp_parse(out, (size_t)n, &r), 0);
	assert_int_equal(r.dport, 5353);
	assert_memory_equal(r.src_mac, gw_mac, 6);
	assert_int_equal(r.data[0], 0x12); /* same ID */
	assert_int_equal(r.data[7], 1);	   /* one answer */
	assert_memory_equal(r.data + r.len - 4, "\xc0\xa8\x7a\x09", 4);
	assert_int_equal(c.local_answers, 1);
	dns_zone_free(z);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_parse_roundtrip),
		cmocka_unit_test(parse_refuses_bad_frames),
		cmocka_unit_test(dhcp_over_frames),
		cmocka_unit_test(dns_local_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
