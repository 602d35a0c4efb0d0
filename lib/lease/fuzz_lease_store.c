/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the lease file parser; every accepted line must format
 * back to a line that parses to the same record, and restore into a pool. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dhcp.h"
#include "lease.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static int on_rec(void *ctx, const struct lease_rec *r)
{
	char line[LEASE_LINE_MAX];
	struct lease_rec back;
	int n = lease_store_format_line(r, line, sizeof(line));

	check(n > 1 && line[n - 1] == '\n');
	check(lease_store_parse_line(line, (size_t)n - 1, &back) == 0);
	check(!memcmp(&back, r, sizeof(back)));
	dhcp_pool_restore(ctx, r, 1000);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_pool_config c = { .prefix = 16, .lease_secs = 60 };
	struct lease_store_stats st;
	struct lease_rec recs[64];
	struct dhcp_pool *p;

	inet_pton(AF_INET, "10.0.0.1", &c.server_ip);
	inet_pton(AF_INET, "10.0.0.2", &c.start);
	inet_pton(AF_INET, "10.0.0.255", &c.end);
	p = dhcp_pool_new(&c, NULL, NULL);
	check(p != NULL);
	lease_store_parse_buf((const char *)data, size, on_rec, p, &st);
	check(dhcp_pool_snapshot(p, recs, 64) <= st.loaded);
	dhcp_pool_free(p);
	return 0;
}
