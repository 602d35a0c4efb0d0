// SPDX-License-Identifier: GPL-2.0-or-later
/* Pins removed under a running daemon (rm -rf of the pin dir, bpffs
 * remounted): the maps live on in the daemon's descriptors and the tc
 * programs stay attached, but a restart would find nothing and start from
 * empty maps (conntrack, fdb, lease bindings lost). So every tick the pins
 * are checked and any missing map pin is recreated from the descriptor the
 * daemon holds, and so is every link's (tcx, XDP: dp_links.c holds them,
 * so the programs stayed attached meanwhile). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "util/util.h"
#include "vnet.skel.h"

void dp_repin(struct datapath *dp)
{
	static int warned;
	struct bpf_map *map;
	int n = 0, failed = 0;

	if (!dp || !dp->skel)
		return;
	bpf_object__for_each_map(map, dp->skel->obj) {
		const char *path = bpf_map__pin_path(map);

		if (!path || access(path, F_OK) == 0 || errno != ENOENT)
			continue;
		if (mkdir_p(dp->pin_dir, 0700) || bpf_obj_pin(bpf_map__fd(map), path)) {
			failed++;
			continue;
		}
		n++;
	}
	n += dp_links_repin(dp->pin_dir, &failed);
	if (n)
		log_warn("datapath: %d map and link pin(s) under %s had been removed; pinned again",
			 n, dp->pin_dir);
	/* bpffs gone or read-only: say so once, not every second */
	if (failed && !warned)
		log_warn("datapath: cannot re-pin %d map(s) or link(s) under %s: %s", failed, dp->pin_dir,
			 strerror(errno));
	warned = failed != 0;
}
