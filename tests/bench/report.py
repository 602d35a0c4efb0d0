#!/usr/bin/env python3
"""Turn tests/bench.sh's result lines ("WORLD METRIC VALUE") into the table
(medians with min/max, ratios vnet/baseline and vnet/ceiling, the issue's
targets) and JSON. Usage: report.py RESULTS OUT.txt OUT.json INFO"""
import json
import statistics
import sys

# metric, label, scale, higher is better, target vnet/base, target vnet/ceil
METRICS = [
    ("pps_g2g_live", "UDP 64B guest->guest, live frames (Mpps)", 1e6, True, 3.0, None),
    ("pps_g2g6_live", "UDP 64B IPv6 guest->guest, live frames (Mpps)", 1e6, True, None, None),
    ("pps_nat", "UDP 64B guest->wan NAT, AF_PACKET (Mpps)", 1e6, True, 5.0, 0.8),
    ("pps_nat_live", "UDP 64B guest->wan NAT, live frames (Mpps)", 1e6, True, None, 0.8),
    ("pps_nat6_live", "UDP 64B IPv6 guest->wan NAT66, live frames (Mpps)", 1e6, True, None, None),
    ("tcp1", "TCP guest->wan NAT, 1 stream (Gbit/s)", 1e9, True, 1.5, None),
    ("tcp6_1", "TCP IPv6 guest->wan NAT66, 1 stream (Gbit/s)", 1e9, True, None, None),
    ("tcp4", "TCP guest->wan NAT, 4 streams (Gbit/s)", 1e9, True, 1.5, None),
    ("cps", "new TCP connections/s through NAT", 1, True, 1.0, None),
    ("cps_errors", "  failed connections in that time", 1, False, None, None),
    ("rr_p50", "TCP 1-byte RR latency p50 (us)", 1, False, None, None),
    ("rr_p99", "TCP 1-byte RR latency p99 (us)", 1, False, None, None),
]
SCALE = [("created", "flows created"), ("failed", "flows refused (counted)"),
         ("delivered", "flows that reached the wan"), ("entries", "table entries after (vnet: 2 a flow)")]
SCALE_RUNS = [("scale1", "to one address:port"), ("scale", "to 1000 ports of one address")]
WORLDS = ("vnet", "base", "ceil", "tcceil")


def load(path):
    data = {}
    for line in open(path):
        f = line.split()
        if len(f) == 3:
            data.setdefault((f[0], f[1]), []).append(float(f[2]))
    return data


def summary(vals, scale):
    if not vals:
        return None
    v = [x / scale for x in vals]
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def fmt(s):
    if s is None:
        return "-"
    m = s["median"]
    d = 2 if m < 10 else 0 if m >= 100 else 1
    return f"{m:.{d}f} [{s['min']:.{d}f}-{s['max']:.{d}f}]"


def ratio(a, b):
    """Median of the per-round ratios: the worlds are measured back to back
    in each round, so pairing them cancels most of the load drift of a
    shared machine (falls back to the ratio of medians if counts differ)."""
    if not a or not b:
        return None
    if len(a) == len(b) and all(b):
        return statistics.median(x / y for x, y in zip(a, b))
    ma, mb = statistics.median(a), statistics.median(b)
    return ma / mb if mb else None


def verdict(r, target):
    if target is None or r is None:
        return ""
    return f" (target {target:g}: {'met' if r >= target else 'NOT met'})"


def build(data):
    rows, out = [], {"metrics": {}, "scale": {}}
    for key, label, scale, higher, t_base, t_ceil in METRICS:
        s = {w: summary(data.get((w, key), []), scale) for w in WORLDS}
        rb = ratio(data.get(("vnet", key)), data.get(("base", key)))
        rc = ratio(data.get(("vnet", key)), data.get(("ceil", key)))
        out["metrics"][key] = {"label": label, "unit_scale": scale, "higher_is_better": higher,
                               "vnet": s["vnet"], "baseline": s["base"], "ceiling": s["ceil"],
                               "vnet_over_baseline": rb, "vnet_over_ceiling": rc,
                               "target_vnet_over_baseline": t_base,
                               "target_vnet_over_ceiling": t_ceil}
        rt = ratio(data.get(("vnet", key)), data.get(("tcceil", key)))
        # the most any forwarder could reach against the baseline
        best = ratio(data.get(("ceil", key)), data.get(("base", key)))
        out["metrics"][key]["tc_ceiling"] = s["tcceil"]
        out["metrics"][key]["vnet_over_tc_ceiling"] = rt
        out["metrics"][key]["ceiling_over_baseline"] = best
        rows.append((label, fmt(s["vnet"]), fmt(s["base"]), fmt(s["ceil"]), fmt(s["tcceil"]),
                     "-" if rb is None else f"{rb:.2f}{verdict(rb, t_base)}",
                     "-" if rc is None else f"{rc:.2f}{verdict(rc, t_ceil)}",
                     "-" if rt is None else f"{rt:.2f}",
                     "-" if best is None or not higher else f"{best:.2f}"))
    for run, _ in SCALE_RUNS:
        for key, label in SCALE:
            k = f"{run}_{key}"
            out["scale"][k] = {w: (data.get((w, k)) or [None])[-1] for w in ("vnet", "base")}
    return rows, out


def ipv6_lines(out):
    """Issue 18: IPv6 within 10 % of IPv4's ratio to its ceiling; NAT66."""
    m = out["metrics"]
    lines = []
    pairs = (("pps_g2g_live", "pps_g2g6_live", "guest->guest"),
             ("pps_nat_live", "pps_nat6_live", "NAT66 live frames"),
             ("tcp1", "tcp6_1", "NAT66 TCP 1 stream"))
    for v4, v6, name in pairs:
        for ceil, what in (("vnet_over_ceiling", "ceiling"), ("vnet_over_tc_ceiling", "bare tc redirect")):
            r4, r6 = m[v4][ceil], m[v6][ceil]
            if r4 is None or r6 is None:
                continue
            ok = r6 >= 0.9 * r4
            out.setdefault("ipv6", {})[f"{v6}_{ceil}"] = {"ipv4": r4, "ipv6": r6, "met": ok}
            lines.append(f"IPv6 {name} within 10 % of IPv4's ratio to its {what}: "
                         f"{r6:.2f} vs {r4:.2f} ({'met' if ok else 'NOT met'})")
    if m["pps_nat6_live"]["vnet"] is None and m["tcp6_1"]["vnet"] is None:
        lines.append("NAT66 (IPv6 guest->wan pps and TCP, baseline nftables ip6 masquerade): "
                     "not measured")
    return lines


def table(rows, out, info):
    head = ("figure", "vnet median [min-max]", "baseline", "ceiling**",
            "bare tc redirect", "vnet/baseline*", "vnet/ceiling*", "vnet/tc*",
            "ceiling/baseline*")
    w = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()
    text = [f"vnet benchmark ({info})", line(head), line(tuple("-" * n for n in w))]
    text += [line(r) for r in rows]
    text.append("* median of the per-round ratios (each round measures both worlds back to back)")
    text.append("** packets/s: a bare XDP redirect between the same veths; TCP, connections and")
    text.append("   latency: no forwarder at all (guest and wan on one veth pair). ceiling/baseline")
    text.append("   is the most any forwarder could reach against the baseline on this machine.")
    text += ipv6_lines(out)
    text.append("")
    num = lambda v: "-" if v is None else f"{v:.0f}"
    for run, what in SCALE_RUNS:
        n = out["scale"][f"{run}_created"]
        text.append(f"NAT table scale, one-packet UDP flows {what}:  vnet / baseline")
        for key, label in SCALE:
            v = out["scale"][f"{run}_{key}"]
            text.append(f"  {label:38s} {num(v['vnet']):>8} / {num(v['base'])}")
    return "\n".join(text) + "\n"


def main():
    res, txt, js, info = sys.argv[1:5]
    rows, out = build(load(res))
    out["info"] = info
    out["raw"] = [l.split() for l in open(res)]
    open(txt, "w").write(table(rows, out, info))
    with open(js, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
