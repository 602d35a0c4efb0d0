/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BPF programs on a device's tc hook, either way vnetd attaches them:
 * tcx links (Linux 6.6+, what `tc filter show` and this machine's bpftool
 * 7.1 do not list) and the cls_bpf filters of a clsact qdisc (the fallback,
 * and every vnetd before issue 21.2). One line per program:
 * "tcx id N NAME" or "clsact id N NAME". Exit 0 even when there is none.
 * Usage: tc_progs DEV ingress|egress */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* this build's uapi headers predate tcx: BPF_TCX_INGRESS/EGRESS */
#define TCX_INGRESS 46
#define TCX_EGRESS 47
#define CLSACT_HANDLE 0x564e	/* DP_TC_HANDLE, ctl/vnetd/dp/dp_priv.h */
#define CLSACT_PRIO 1

static void print_prog(const char *how, __u32 id)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		printf("%s id %u %s\n", how, id, info.name);
	else
		printf("%s id %u ?\n", how, id);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	__u32 ids[16], n = 16;
	int ifindex, egress;

	if (argc != 3 || (strcmp(argv[2], "ingress") && strcmp(argv[2], "egress"))) {
		fprintf(stderr, "usage: tc_progs DEV ingress|egress\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "tc_progs: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	egress = !strcmp(argv[2], "egress");
	libbpf_set_print(NULL);	/* no clsact qdisc (tcx only) is no error here */
	/* the filter first: vnetd moves a hook from its filter to a link by
	 * creating the link, then deleting the filter, so a filter gone here
	 * means the link is already there for the query after it (the other
	 * order could see neither, in between, on a hook never without one) */
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = CLSACT_HANDLE, .priority = CLSACT_PRIO);
	if (bpf_tc_query(&hook, &o) == 0)
		print_prog("clsact", o.prog_id);
	if (bpf_prog_query(ifindex, (enum bpf_attach_type)(egress ? TCX_EGRESS : TCX_INGRESS), 0,
			   NULL, ids, &n) == 0)
		for (__u32 i = 0; i < n && i < 16; i++)
			print_prog("tcx", ids[i]);
	return 0;
}
