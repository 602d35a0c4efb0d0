#!/usr/bin/env python3
"""perf_diff.py DIR SECONDS [N]: where vnet's guest->guest live frames spend
more than the bare tc redirect's (tests/bench.sh BENCH_ONLY=g2g BENCH_PERF=DIR).
DIR/{vnet,base}.data are system-wide cpu-clock profiles of SECONDS inside the
sending; DIR/{vnet,base}.run the runs' "WORLD pps sent_pps cpu". Only the
sender's samples count (comm pktgen: its system calls carry each frame through
both veths and the tc programs in softirq). Prints ns a frame by kernel symbol,
vnet / bare / difference, the N largest differences each way, and the totals."""
import collections, subprocess, sys

def load(f):
    """ns of samples by the sampled (innermost) symbol; perf script, not
    perf report, whose per-symbol totals dropped some symbols' samples."""
    out = subprocess.run(["perf", "script", "-i", f, "--comm", "pktgen", "-F", "period,ip,sym"],
                         capture_output=True, text=True).stdout
    d = collections.Counter()
    for rec in out.split("\n\n"):
        lines = [l.strip() for l in rec.strip().splitlines()]
        if len(lines) < 2 or not lines[0].isdigit():
            continue
        frame = lines[1].split(None, 1)
        d[frame[1] if len(frame) > 1 else frame[0]] += int(lines[0])	# cpu-clock: ns
    return d

def main():
    dirn, secs = sys.argv[1], float(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    ns = {}
    for w in ("vnet", "base"):
        frames = float(open(f"{dirn}/{w}.run").read().split()[2]) * secs
        ns[w] = {k: v / frames for k, v in load(f"{dirn}/{w}.data").items()}
    v, b = ns["vnet"], ns["base"]
    tv, tb = sum(v.values()), sum(b.values())
    print(f"ns a frame, sender's samples: vnet {tv:.0f}, bare tc redirect {tb:.0f}, difference {tv - tb:.0f}")
    rows = sorted(((v.get(k, 0) - b.get(k, 0), v.get(k, 0), b.get(k, 0), k) for k in set(v) | set(b)),
                  reverse=True)
    print(f"{'diff':>7} {'vnet':>7} {'bare':>7}  symbol")
    for r in rows[:n] + [None] + rows[-n // 2:]:
        print("    ..." if r is None else f"{r[0]:7.1f} {r[1]:7.1f} {r[2]:7.1f}  {r[3]}")
    bpf = sum(x for k, x in v.items() if k.startswith("bpf_prog_") and "bench_" not in k)
    print(f"vnet's JITed programs (bpf_prog_*, own code only): {bpf:.0f} ns a frame")

main()
