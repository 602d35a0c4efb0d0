/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a guest's DHCP datagram through the parser, the server
 * state machine (with the ports it came in on) and the reply builder. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

/* Two ranges (the second with an infinite lease), a static host by MAC,
 * one by name (the guest's option 12 picks it), one without address,
 * <bootp> and raw options (issue 17). */
static struct dhcp_pool *make_pool(void)
{
	static struct dhcp_pool_config c = { .prefix = 24, .lease_secs = 60 };
	static const uint8_t smac[6] = { 0x52, 0x54, 0, 0, 0, 0x55 };
	struct dhcp_pool_host byname = { .name = "named", .lease_secs = 120 };
	struct dhcp_pool_host noip = { .has_mac = 1, .mac = { 0x52, 0x54, 0, 0, 0, 0x56 },
				       .name = "noip", .lease_secs = DHCP_LEASE_INFINITE };
	struct in_addr sip;
	struct dhcp_pool *p;

	inet_pton(AF_INET, "10.0.0.1", &c.server_ip);
	inet_pton(AF_INET, "10.0.0.10", &c.ranges[0].start);
	inet_pton(AF_INET, "10.0.0.13", &c.ranges[0].end);
	inet_pton(AF_INET, "10.0.0.100", &c.ranges[1].start);
	inet_pton(AF_INET, "10.0.0.100", &c.ranges[1].end);
	c.ranges[1].lease_secs = DHCP_LEASE_INFINITE;
	c.n_ranges = 2;
	strcpy(c.domain, "fuzz.test");
	strcpy(c.boot_file, "pxelinux.0");
	c.opts[0].code = 42;
	c.opts[0].len = (uint8_t)dhcp_option_encode("10.0.0.1,10.0.0.2", c.opts[0].data, 255);
	c.n_opts = 1;
	c.mtu = 1400;
	p = dhcp_pool_new(&c, NULL, NULL);
	inet_pton(AF_INET, "10.0.0.11", &sip);
	check(p && dhcp_pool_add_static(p, smac, sip, "static", 1000) == 0);
	inet_pton(AF_INET, "10.0.0.50", &byname.ip);
	check(dhcp_pool_add_host(p, &byname, 1000) == 0 && dhcp_pool_add_host(p, &noip, 1000) == 0);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_pool *p;
	struct dhcp_result res;
	struct dhcp_msg m;
	uint8_t out[DHCP_MAX_REPLY];
	int len;

	if (dhcp_msg_parse(data, size, &m) < 0)
		return 0;
	check(m.hostname_len < DHCP_HOSTNAME_MAX && strlen(m.hostname) <= m.hostname_len);
	p = make_pool();
	/* Twice, so the second message meets the state the first one left;
	 * from ports the xid picks (issue 16: ports and per-port limits), the
	 * second maybe another port, and with no port known when xid says. */
	for (int i = 0; i < 2; i++) {
		struct dhcp_origin o = { (m.xid ^ (uint32_t)i) & 3, (m.xid >> 2) & 3 };

		dhcp_pool_handle_from(p, &m, (m.xid & 16) ? NULL : &o, i, 1000 + i * 30, &res);
		if (m.xid & 32)
			dhcp_pool_forget_port(p, o.port);
		if (!res.has_reply)
			continue;
		check(res.reply.type == DHCPOFFER || res.reply.type == DHCPACK ||
		      res.reply.type == DHCPNAK);
		len = dhcp_msg_build(&res.reply, out, sizeof(out));
		check(len >= DHCP_BOOTP_MIN_LEN && len <= (int)sizeof(out));
		len = dhcp_msg_build(&res.reply, out, DHCP_BOOTP_MIN_LEN);
		check(len == DHCP_BOOTP_MIN_LEN);
	}
	check(dhcp_pool_active(p) <= 7);
	dhcp_pool_free(p);
	return 0;
}
