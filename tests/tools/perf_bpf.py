#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where a BPF program's time goes, from a perf profile taken while it runs.

  DP_COST_ONLY='vnet_port_tc:guest->guest' perf record -a -g -o p.data -- \
      build/tests/tools/dp_cost 500000
  build/tests/tools/bpf_lines ID > lines    # ID: the same build's program, loaded
  perf script -i p.data -F ip,sym,symoff | tests/tools/perf_bpf.py lines vnet_port_tc

Prints the share of the program's samples in its own code ("self") and in
each call it makes (a helper, a map lookup, a global function) by the
source line of the call, then the source lines its own code spends most in.
perf annotate cannot do this where perf has no libopcodes (issue 21's
profiles, docs/performance.md)."""
import bisect
import collections
import re
import sys


def load_lines(path):
    """(offset, file:line, source) of the main function, by offset."""
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split(" ", 4)
        if len(f) >= 4 and f[0] == "0":
            rows.append((int(f[1], 16), f[3], f[4] if len(f) > 4 else ""))
    rows.sort()
    return rows


def samples(stream):
    """Each sample's call chain, innermost first."""
    chain = []
    for line in stream:
        if not line.strip():
            if chain:
                yield chain
            chain = []
        elif line[0] in " \t":
            chain.append(line.strip())
        else:
            chain = []
    if chain:
        yield chain


def main():
    rows = load_lines(sys.argv[1])
    offs = [r[0] for r in rows]
    pat = re.compile(r"bpf_prog_\w+_" + re.escape(sys.argv[2]) + r"\+0x([0-9a-f]+)")

    def src(off):
        i = max(bisect.bisect_right(offs, off) - 1, 0)
        return "%-22s %s" % (rows[i][1], rows[i][2].strip()[:90])

    calls, own, n = collections.Counter(), collections.Counter(), 0
    for chain in samples(sys.stdin):
        for depth, frame in enumerate(chain):
            m = pat.search(frame)
            if not m:
                continue
            n += 1
            off = int(m.group(1), 16)
            if depth == 0:
                calls["(self)"] += 1
                own[src(off)] += 1
            else:   # a return address: the call is just before it
                calls[src(off - 1)] += 1
            break
    if not n:
        sys.exit("no samples in %s" % sys.argv[2])
    print("%d samples in %s; by call site:" % (n, sys.argv[2]))
    for k, v in calls.most_common(20):
        print("%5.1f%%  %s" % (100.0 * v / n, k))
    print("its own code, by line:")
    for k, v in own.most_common(25):
        print("%5.1f%%  %s" % (100.0 * v / n, k))


if __name__ == "__main__":
    main()
