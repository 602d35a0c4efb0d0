#!/usr/bin/env python3
# make bench-scale's table (tests/bench/scale.sh): the figures and issue 21's
# targets with "met" / "NOT met". Usage: scale_report.py RESULTS TXT JSON INFO
import json
import sys

res, txt_path, json_path, info = sys.argv[1:5]
cost, kv, ct_max_flows = {}, {}, None
for line in open(res):
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    if "path" in d:	# a point measured twice (the reference): its best
        k = (d["flows"], d["ports"], d["path"])
        cost[k] = min(cost.get(k, d["ns"]), d["ns"])
    elif "ct_max_flows" in d:
        ct_max_flows = d["ct_max_flows"]
    else:
        kv[d["key"]] = d["value"]

out = []
p = out.append
p(f"make bench-scale ({info})")
verdicts = []


def verdict(name, ok, figure, target):
    verdicts.append({"figure": name, "value": figure, "target": target, "met": ok})
    p(f"  {name:44s} {figure:>22s}  {target:18s} {'met' if ok else 'NOT met'}")


paths = ["guest->guest", "guest->wan NAT", "wan->guest NAT reply"]
points = sorted({(f, n) for f, n, _ in cost}, key=lambda x: (x[0], x[1]))
p("\nvnet's programs alone, ns a packet (BPF_PROG_RUN; ct_scale cost; the fastest of 5 rounds;")
p("10 flows, 2 ports: the better of the first and the last measurement), by flows and ports:")
p("  " + f"{'flows':>8s} {'ports':>6s}  " + "  ".join(f"{x:>20s}" for x in paths))
for f, n in points:
    p("  " + f"{f:8d} {n:6d}  " + "  ".join(f"{cost.get((f, n, x), float('nan')):20.0f}" for x in paths))
if ct_max_flows is not None and ct_max_flows < 1000000:
    p(f"  (ct_map holds {ct_max_flows} flows: the largest point is its fill, not 1M)")

p("\nlive packets/s through vnetd (pktgen, 64-byte UDP):")
for tag, what in (("p2", "2 ports, 10 flows"), ("p200", "200 ports"),
                  (f"p{kv.get('ports', 1000)}", f"{kv.get('ports', 1000)} ports"),
                  ("f10k", "10k flows"), ("f1m", "1M flows")):
    g, nat = kv.get(f"pps_g2g_{tag}"), kv.get(f"pps_nat_{tag}")
    if g is not None:
        p(f"  {what:24s} guest->guest {g:12,.0f}   guest->wan {nat:12,.0f}")
    gc, natc = kv.get(f"pps_cpu_g2g_{tag}"), kv.get(f"pps_cpu_nat_{tag}")
    if gc is not None:
        p(f"  {'  per CPU-s of the sender':24s} guest->guest {gc:12,.0f}   guest->wan {natc:12,.0f}")

p("\ncontrol plane and memory:")
if "portadd_first_us" in kv:
    p(f"  port-add, 1st extra port: {kv['portadd_first_us'] / 1000:.1f} ms "
      f"(no-op request {kv['noop_first_us'] / 1000:.1f} ms); "
      f"port {kv['portadd_last_n']}: {kv['portadd_last_us'] / 1000:.1f} ms "
      f"(no-op {kv['noop_last_us'] / 1000:.1f} ms)")
    p(f"  port-add, vnetd's CPU time: 1st {kv['portadd_first_cpu_us'] / 1000:.2f} ms, "
      f"port {kv['portadd_last_n']} {kv['portadd_last_cpu_us'] / 1000:.2f} ms")
if "netstop_1m_us" in kv:
    p(f"  with 1M flows: port-del of one port "
      + (f"{kv['portdel_1m_us'] / 1000:.0f} ms" if "portdel_1m_us" in kv else "-")
      + f", net-stop of {kv['netstop_ports']} ports {kv['netstop_1m_us'] / 1000:.0f} ms")
if "nets_started" in kv:
    p(f"  net-start: {kv['nets_started']} networks running; the first "
      f"{kv['netstart_first_us'] / 1000:.1f} ms, the last {kv['netstart_last_us'] / 1000:.1f} ms, "
      f"all {kv['netstart_total_us'] / 1e6:.2f} s")
    if "nets_refused" in kv:
        p(f"  the next was refused: {kv['nets_refused']}")
if "ct_map_bytes" in kv:
    per_flow = kv["ct_map_bytes"] / (kv["ct_map_max"] / 2)
    p(f"  ct_map: {kv['ct_map_bytes'] / 2**20:.0f} MiB memlock for {kv['ct_map_max']} entries "
      f"(preallocated): {per_flow * 100000 / 2**20:.1f} MiB per 100k flows of capacity")
    p(f"  pinned maps in all: {kv['maps_empty'] / 2**20:.0f} MiB (table empty), "
      f"{kv['maps_1m'] / 2**20:.0f} MiB (1M flows)")
    p(f"  vnetd RSS: {kv['rss_empty'] / 2**20:.1f} MiB at start, +{kv['rss_per_100k'] / 2**20:.1f} MiB "
      f"per 100k flows, {kv['rss_1m'] / 2**20:.1f} MiB at 1M flows, "
      f"{kv.get('rss_nets', 0) / 2**20:.1f} MiB with the networks")
    p(f"  1M flows written in {kv['ct_fill_ms'] / 1000:.1f} s; entries {kv['ct_entries_1m']} "
      f"before the GC interval, {kv['ct_entries_after_gc']} after"
      + (f", {kv['ct_entries_after_idle_gc']} after the idle one"
         if "ct_entries_after_idle_gc" in kv else ""))

if "gc_cpu_pct" in kv:
    def both(k):
        n = k[:-len("_pct")] + "_passes"
        return (f"{kv[k]:.2f} %" + (f" (vnetd in all {kv['vnetd_' + k]:.2f} %)" if "vnetd_" + k in kv else "")
                + (f" [{kv[n]:.0f} whole passes]" if n in kv else "")
                if k in kv else "-")
    p(f"  conntrack GC, % of a core (dp_tick's time in the GCs): 10k flows {both('gc_10k_cpu_pct')}, "
      f"1M flows {both('gc_cpu_pct')}, 1M flows idle 35 s {both('gc_idle_cpu_pct')}")

p("\nissue 21's targets (flat cost as work grows):")
p(f"  {'figure':44s} {'measured':>22s}  {'target':18s} verdict")
base = {x: cost.get((10, 2, x)) for x in paths}
top_f = max((f for f, _ in points), default=None)
top_n = max((n for _, n in points), default=None)
for x in paths:
    b = base[x]
    if not b:
        continue
    for f, n, label in ((top_f, top_n, f"{top_f} flows, {top_n} ports"),
                        (10, top_n, f"{top_n} ports")):
        v = cost.get((f, n, x))
        if v is None:
            continue
        verdict(f"{x}, {label}", v <= b * 1.10, f"{v:.0f} ns / {b:.0f} ns = {v / b:.2f}",
                "<= 1.10 x 10 flows, 2 ports")
for tag in (f"p{kv.get('ports', 1000)}", "f1m"):
    for k in ("g2g", "nat"):
        v, b = kv.get(f"pps_{k}_{tag}"), kv.get(f"pps_{k}_p2")
        if v and b:
            verdict(f"live pps {k}, {tag[1:]} {'ports' if tag[0] == 'p' else 'flows'}", v >= b * 0.90,
                    f"{v / b:.2f} x 2 ports", ">= 0.90 x")
        v, b = kv.get(f"pps_cpu_{k}_{tag}"), kv.get(f"pps_cpu_{k}_p2")
        if v and b:
            verdict(f"  the same per CPU-s of the sender", v >= b * 0.90,
                    f"{v / b:.2f} x 2 ports", ">= 0.90 x")
if "portadd_first_us" in kv:
    a, z = kv["portadd_first_cpu_us"], kv["portadd_last_cpu_us"]
    verdict(f"port-add vnetd CPU, port {kv['portadd_last_n']} / 1st", z <= 2 * a,
            f"{z / 1000:.1f} / {a / 1000:.1f} ms = {z / a:.2f}", "<= 2")
    a, z = kv["portadd_first_us"], kv["portadd_last_us"]
    verdict(f"port-add wall time, port {kv['portadd_last_n']} / 1st", z <= 2 * a,
            f"{z / 1000:.1f} / {a / 1000:.1f} ms = {z / a:.2f}", "<= 2")
if "netstart_first_us" in kv:
    a, z = kv["netstart_first_us"], kv["netstart_last_us"]
    verdict(f"net-start, network {kv['nets_started']} / 1st", z <= 2 * a,
            f"{z / 1000:.1f} / {a / 1000:.1f} ms = {z / a:.2f}", "<= 2")
    verdict("networks a host runs", kv["nets_started"] >= 100, str(kv["nets_started"]), ">= 100")
if "netstop_1m_us" in kv and "portadd_first_us" in kv:
    # O(1) a port, as port-add: a net-stop reads the shared tables once
    # for all its ports (not once a port); each port's own detaching
    # (two RCU grace periods in the kernel: the bridge's and tcx's) remains
    a, z = kv["portadd_first_us"], kv["netstop_1m_us"] / kv["netstop_ports"]
    verdict(f"net-stop, 1M flows, a port / port-add", z <= 2 * a,
            f"{z / 1000:.1f} / {a / 1000:.1f} ms = {z / a:.2f}", "<= 2")
if "gc_cpu_pct" in kv:
    verdict("conntrack GC CPU at 1M flows", kv["gc_cpu_pct"] < 5,
            f"{kv['gc_cpu_pct']:.2f} % of a core", "< 5 %")
if "gc_idle_cpu_pct" in kv:
    verdict("conntrack GC CPU at 1M flows idle 35 s", kv["gc_idle_cpu_pct"] < 5,
            f"{kv['gc_idle_cpu_pct']:.2f} % of a core", "< 5 %")

text = "\n".join(out) + "\n"
open(txt_path, "w").write(text)
json.dump({"info": info, "cost": [{"flows": f, "ports": n, "path": x, "ns": v}
                                   for (f, n, x), v in cost.items()],
           "figures": kv, "targets": verdicts}, open(json_path, "w"), indent=1)
