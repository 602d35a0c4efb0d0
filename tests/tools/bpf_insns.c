/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How much of the verifier's budget (1M instructions a program) each
 * program of a BPF object takes: loads it with every map unpinned (nothing
 * is pinned or reused on bpffs, unlike bpftool prog loadall, whose
 * PIN_BY_NAME maps land at the bpffs root), prints each program's
 * instructions after loading and the instructions the verifier processed
 * (bpf_prog_info.verified_insns), unloads. Needs CAP_BPF.
 * Usage: bpf_insns build/bpf/vnet.bpf.o */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;

	if (argc != 2) {
		fprintf(stderr, "usage: bpf_insns OBJECT\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "bpf_insns: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);	/* private maps, gone on exit */
	if (bpf_object__load(obj)) {
		fprintf(stderr, "bpf_insns: %s: load failed\n", argv[1]);
		bpf_object__close(obj);
		return 1;
	}
	printf("%-20s %8s %10s\n", "program", "insns", "verified");
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		printf("%-20s %8u %10u\n", bpf_program__name(prog), info.xlated_prog_len / 8,
		       info.verified_insns);
	}
	bpf_object__close(obj);
	return 0;
}
