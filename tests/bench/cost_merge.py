#!/usr/bin/env python3
"""dp_cost's rows from several worlds (one dp_cost process each: its own maps,
programs and moment) merged into one set of rows, as dp_cost prints them:
"ns" is the fastest world's figure, "ns_median" the median world's, "ns_all"
every world's in order, "ok" only if every world's verdict was right.

Why several worlds: on this machine (a KVM guest on a shared host) the same
program on the same frame costs up to ~2x more in some processes than in
others, the whole distribution of runs shifted, steady within a process and
moving with the speed of unrelated userspace code timed in the same process
(dp_cost's "machine reference"). The slow worlds are the machine's phases,
not the program's work, so a row's figure is its fastest world, printed with
the median beside it and each world's reference (docs/performance.md, "The
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
    print(json.dumps({"path": key[0], "program": key[1], "ns": min(ns),
                      "ns_median": statistics.median(ns), "ns_all": ns,
                      "verdict": rs[0]["verdict"], "ok": all(r["ok"] for r in rs),
                      "worlds": len(rs)}))
if refs:
    print(json.dumps({"path": "machine reference",
                      "ref_ns_all": [round((r["ref_ns"] + r["ref_end_ns"]) / 2, 3) for r in refs]}))
