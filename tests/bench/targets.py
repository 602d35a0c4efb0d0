#!/usr/bin/env python3
"""Issue 21's table (the fast path at the limit): each row with the figure
this run measured, its target and "met" / "NOT met". Reads tests/bench.sh's
bench.json (report.py) and dp_cost's JSON lines; prints the table and adds
it to bench.json as "issue21". Usage: targets.py BENCH.JSON COST.JSON|- HOOK"""
import json
import sys

bench_path, cost_path, hook = sys.argv[1:4]
bench = json.load(open(bench_path))
m = bench.get("metrics", {})
cost = {}
if cost_path != "-":
    try:
        for line in open(cost_path):
            r = json.loads(line)
            if "program" in r:
                cost.setdefault((r["path"], r["program"]), r["ns"])
    except OSError:
        pass

rows = []


def row(figure, value, target, ok, shown):
    rows.append({"figure": figure, "value": value, "target": target,
                 "met": None if value is None else ok})
    return (figure, "-" if value is None else shown, target,
            "not measured" if value is None else "met" if ok else "NOT met")


def ratio(key, over):
    return (m.get(key) or {}).get(over)


out = []
# the programs alone (dp_cost: tc and the XDP frags program)
for path, limit in (("guest->guest", 120), ("guest->wan NAT", 180), ("wan->guest NAT reply", 150)):
    progs = ["vnet_port_tc", "vnet_port_xdpf"] if path != "wan->guest NAT reply" else ["vnet_uplink_tc"]
    for prog in progs:
        ns = cost.get((path, prog))
        out.append(row(f"vnet program, {path} ({prog})", ns, f"<= {limit} ns",
                       ns is not None and ns <= limit, f"{ns:.0f} ns" if ns is not None else ""))
# against the bare redirect at the same hook: tc's own (tcceil) under the tc
# hook, the XDP redirect (ceil) under xdp-veth
over = "vnet_over_ceiling" if hook == "xdp-veth" else "vnet_over_tc_ceiling"
r = ratio("pps_g2g_live", over)
out.append(row(f"guest<->guest pps / bare {'XDP' if hook == 'xdp-veth' else 'tc'} redirect",
               r, ">= 0.90", r is not None and r >= 0.90, f"{r:.2f}" if r is not None else ""))
for key, what in (("pps_nat", "AF_PACKET"), ("pps_nat_live", "live frames")):
    r = ratio(key, "vnet_over_ceiling")
    out.append(row(f"NAT pps / ceiling ({what})", r, ">= 0.85", r is not None and r >= 0.85,
                   f"{r:.2f}" if r is not None else ""))
for key, what in (("tcp1", "1 stream"), ("tcp4", "4 streams")):
    r = ratio(key, "vnet_over_ceiling")
    out.append(row(f"TCP through NAT / no-forwarder wire ({what})", r, ">= 0.97",
                   r is not None and r >= 0.97, f"{r:.2f}" if r is not None else ""))
r = ratio("cps", "vnet_over_ceiling")
out.append(row("new connections/s / wire", r, ">= 0.95", r is not None and r >= 0.95,
               f"{r:.2f}" if r is not None else ""))

w = [max(len(x[i]) for x in out + [("figure", "measured", "target", "verdict")]) for i in range(4)]
print(f"\nissue 21's targets (hook {hook}):")
for x in [("figure", "measured", "target", "verdict")] + out:
    print("  " + "  ".join(c.ljust(w[i]) for i, c in enumerate(x)).rstrip())
met = sum(1 for r in rows if r["met"])
print(f"  {met} of {len(rows)} met")
bench["issue21"] = {"hook": hook, "rows": rows}
with open(bench_path, "w") as f:
    json.dump(bench, f, indent=1)
    f.write("\n")
