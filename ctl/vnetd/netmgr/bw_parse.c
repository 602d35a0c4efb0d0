// SPDX-License-Identifier: GPL-2.0-or-later
/* port-add's --inbound/--outbound values, virsh attach-interface's syntax:
 * "AVERAGE[,PEAK[,BURST[,FLOOR]]]" in kilobytes/s and kilobytes. Free of
 * everything else so the control protocol's fuzz target includes it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmgr.h"

int network_bw_parse(const char *s, int with_floor, struct netdef_bw *bw)
{
	uint64_t *f[4] = { &bw->average, &bw->peak, &bw->burst, &bw->floor };
	int n = with_floor ? 4 : 3, i = 0;
	const char *p = s;
	char *end;

	memset(bw, 0, sizeof(*bw));
	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		if (i == n)
			return -EINVAL;
		if (*p != ',') {	/* "AVG,,BURST": peak not given */
			if (*p < '0' || *p > '9')
				return -EINVAL;
			errno = 0;
			*f[i] = strtoull(p, &end, 10);
			if (errno || *f[i] > (1ULL << 40))	/* over a petabyte/s */
				return -EINVAL;
			p = end;
		}
		i++;
		if (!*p)
			break;
		if (*p++ != ',')
			return -EINVAL;
	}
	return bw->average ? 0 : -EINVAL;	/* libvirt: average is mandatory */
}

/* "AVG,PEAK,BURST[,FLOOR]" as port-add takes it; "" for none */
void network_bw_format(const struct netdef_bw *bw, char *buf, size_t len)
{
	if (!bw->average)
		snprintf(buf, len, "%s", "");
	else if (bw->floor)
		snprintf(buf, len, "%llu,%llu,%llu,%llu", (unsigned long long)bw->average,
			 (unsigned long long)bw->peak, (unsigned long long)bw->burst,
			 (unsigned long long)bw->floor);
	else
		snprintf(buf, len, "%llu,%llu,%llu", (unsigned long long)bw->average,
			 (unsigned long long)bw->peak, (unsigned long long)bw->burst);
}
