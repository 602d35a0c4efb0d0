/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnet-user: runs one vnet network for an unprivileged user. Started by
 * `vnetctl --user net-start NET`, which prepares DIR and passes the paths:
 *   vnet-user run --dir DIR --def FILE.xml --leases FILE [--ready-fd N]
 * It is not meant to be run by hand (but can be, with --ready-fd omitted). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vu.h"

static int usage(void)
{
	fprintf(stderr, "usage: vnet-user run --dir DIR --def FILE.xml --leases FILE "
			"[--ready-fd N] [--debug]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", 1, NULL, 'd' },    { "def", 1, NULL, 'f' },   { "leases", 1, NULL, 'l' },
		{ "ready-fd", 1, NULL, 'r' }, { "debug", 0, NULL, 'D' }, { 0 }
	};
	const char *dir = NULL, *def = NULL, *leases = NULL;
	enum log_level lvl = LOG_LVL_INFO;
	struct vu_paths p;
	int ready = -1, c;

	if (argc < 2 || strcmp(argv[1], "run"))
		return usage();
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'f': def = optarg; break;
		case 'l': leases = optarg; break;
		case 'r': ready = atoi(optarg); break;
		case 'D': lvl = LOG_LVL_DEBUG; break;
		default: return usage();
		}
	}
	if (!dir || !def || !leases)
		return usage();
	log_init("vnet-user", 0, lvl);
	if (user_rundir_init(&p.run, dir) ||
	    snprintf(p.def, sizeof(p.def), "%s", def) >= (int)sizeof(p.def) ||
	    snprintf(p.leases, sizeof(p.leases), "%s", leases) >= (int)sizeof(p.leases)) {
		fprintf(stderr, "vnet-user: path too long\n");
		return 2;
	}
	return vu_supervise(&p, ready);
}
