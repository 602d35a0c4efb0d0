/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a loaded program's JITed code comes from: one line per line-info
 * record, "FUNC OFFSET INSN FILE:LINE SOURCE", OFFSET the record's JITed
 * address from its function's start (hex). perf names a sample in a BPF
 * program bpf_prog_<tag>_<name>+0xOFFSET; where perf annotate and bpftool's
 * jited dump cannot read BPF code (built without libopcodes/libbfd, as
 * here), this maps the samples to source (tests/tools/perf_bpf.py; issue
 * 21's profiles in docs/performance.md). Needs CAP_BPF.
 * Usage: bpf_lines PROG_ID */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

struct lines {
	struct bpf_prog_info info;
	void *li;		/* nr_line_info records of line_info_rec_size */
	__u64 *jited;		/* each record's JITed address */
	__u64 *ksyms;		/* each function's start */
	__u32 *lens;		/* and length */
};

static int lines_get(int fd, struct lines *l)
{
	struct bpf_prog_info *in = &l->info;
	__u32 len = sizeof(*in), nl, nj, nk, rs;

	memset(in, 0, sizeof(*in));
	if (bpf_obj_get_info_by_fd(fd, in, &len))
		return -errno;
	nl = in->nr_line_info;
	nj = in->nr_jited_line_info;
	nk = in->nr_jited_ksyms;
	rs = in->line_info_rec_size;
	l->li = calloc(nl ? nl : 1, rs ? rs : 1);
	l->jited = calloc(nj ? nj : 1, sizeof(__u64));
	l->ksyms = calloc(nk ? nk : 1, sizeof(__u64));
	l->lens = calloc(nk ? nk : 1, sizeof(__u32));
	if (!l->li || !l->jited || !l->ksyms || !l->lens)
		return -ENOMEM;
	memset(in, 0, sizeof(*in));
	in->nr_line_info = nl;
	in->line_info_rec_size = rs;
	in->line_info = (__u64)(unsigned long)l->li;
	in->nr_jited_line_info = nj;
	in->jited_line_info_rec_size = sizeof(__u64);
	in->jited_line_info = (__u64)(unsigned long)l->jited;
	in->nr_jited_ksyms = nk;
	in->jited_ksyms = (__u64)(unsigned long)l->ksyms;
	in->nr_jited_func_lens = nk;
	in->jited_func_lens = (__u64)(unsigned long)l->lens;
	len = sizeof(*in);
	return bpf_obj_get_info_by_fd(fd, in, &len) ? -errno : 0;
}

/* The function addr lies in (0: the program's main one). */
static __u32 func_of(const struct lines *l, __u64 addr)
{
	for (__u32 k = 0; k < l->info.nr_jited_ksyms; k++)
		if (addr >= l->ksyms[k] && addr < l->ksyms[k] + l->lens[k])
			return k;
	return 0;
}

static void lines_print(const struct lines *l, const struct btf *btf)
{
	__u32 n = l->info.nr_line_info < l->info.nr_jited_line_info ? l->info.nr_line_info
								   : l->info.nr_jited_line_info;

	for (__u32 i = 0; i < n; i++) {
		const struct bpf_line_info *r =
			(const void *)((const char *)l->li + (size_t)i * l->info.line_info_rec_size);
		const char *file = btf__name_by_offset(btf, r->file_name_off);
		const char *src = btf__name_by_offset(btf, r->line_off);
		const char *base = file ? strrchr(file, '/') : NULL;
		__u32 k = func_of(l, l->jited[i]);

		printf("%u %llx %u %s:%u %s\n", k, (unsigned long long)(l->jited[i] - l->ksyms[k]),
		       r->insn_off, base ? base + 1 : file ? file : "?", BPF_LINE_INFO_LINE_NUM(r->line_col),
		       src ? src : "");
	}
}

int main(int argc, char **argv)
{
	struct lines l = { 0 };
	struct btf *btf;
	int fd, r;

	if (argc != 2) {
		fprintf(stderr, "usage: bpf_lines PROG_ID\n");
		return 2;
	}
	fd = bpf_prog_get_fd_by_id((__u32)strtoul(argv[1], NULL, 10));
	if (fd < 0 || (r = lines_get(fd, &l)) < 0) {
		fprintf(stderr, "bpf_lines: program %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	btf = btf__load_from_kernel_by_id(l.info.btf_id);
	if (!btf) {
		fprintf(stderr, "bpf_lines: program %s has no BTF\n", argv[1]);
		return 1;
	}
	lines_print(&l, btf);
	btf__free(btf);
	free(l.li);
	free(l.jited);
	free(l.ksyms);
	free(l.lens);
	return 0;
}
