#!/usr/bin/env python3
"""dp_cost's rows from several worlds (one dp_cost process each: its own maps,
programs and moment) merged into one set of rows, as dp_cost prints them:
"ns" is the fastest world's figure (each world's own figure is its fastest
round, dp_cost's DP_COST_ROUND), "ns_median" the median of the worlds' median
rounds, "ns_all"/"median_all" every world's, "ok" only if every world's
verdict was right.

Why several worlds: on this machine (a KVM guest on a shared host) the same
program on the same frame costs up to ~2x more in some processes than in
others and in some phases of 0.1-3 s than in others: two speeds, the whole
distribution of runs shifted, whatever the machine's own load (dp_cost's
"machine reference", unrelated userspace code, moves less but along). The
slow phases are the machine's, not the program's work, so a row's figure is
its fastest round, with the median beside it (docs/performance.md, "The
program rows: a machine that changes speed").
Usage: cost_merge.py COST.JSON... (one file per world) > merged lines"""
import json
import statistics
import sys

worlds = []
for path in sys.argv[1:]:
    with open(path) as f:
        worlds.append([json.loads(line) for line in f if line.startswith("{")])
if not worlds:
    sys.exit("cost_merge: no worlds")

order, rows, refs = [], {}, []
for w in worlds:
    for r in w:
        if r.get("path") == "machine reference":
            refs.append(r)
            continue
        key = (r.get("path"), r.get("program"))
        if key not in rows:
            order.append(key)
            rows[key] = []
        rows[key].append(r)

for key in order:
    rs = rows[key]
    if "program" not in rs[0]:          # the empty program's per-call cost
        out = dict(rs[0])
        for k in ("tc_ns", "xdp_ns"):
            vals = [r[k] for r in rs if k in r]
            if vals:
                out[k] = min(vals)
                out[k + "_median"] = statistics.median(vals)
        print(json.dumps(out))
        continue
    ns = [r["ns"] for r in rs]
    med = [r.get("round_median", r["ns"]) for r in rs]
    print(json.dumps({"path": key[0], "program": key[1], "ns": min(ns),
                      "ns_median": statistics.median(med), "ns_all": ns, "median_all": med,
                      "verdict": rs[0]["verdict"], "ok": all(r["ok"] for r in rs),
                      "worlds": len(rs)}))
if refs:
    print(json.dumps({"path": "machine reference",
                      "ref_ns_all": [round((r["ref_ns"] + r["ref_end_ns"]) / 2, 3) for r in refs]}))
