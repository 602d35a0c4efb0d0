#!/bin/bash
# make bench (issue 7): vnet's data path against the Linux bridge +
# nftables masquerade that libvirt sets up, built side by side in network
# namespaces and measured in the same run, alternating, BENCH_ROUNDS rounds
# of BENCH_SECONDS per figure; the ceiling is a bare XDP redirect between
# the same veths for packets/s, and no forwarder at all (one veth pair) for
# TCP, connections/s and latency. Prints the table and writes $BUILD/bench.txt and
# $BUILD/bench.json. Method and findings: docs/performance.md.
export VNET_TEST_PREFIX=${VNET_TEST_PREFIX:-bn$$}
TEST_NAME=bench
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${BUILD:-$ROOT/build}" && pwd) || exit 1
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/bench/worlds.sh"
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECONDS:-3}
SCALE_FLOWS=${BENCH_FLOWS:-100000}
# BENCH_VNET_HOOK=xdp-veth: vnetd with VNET_DP_HOOK=xdp-veth (docs/datapath.md);
# the ceilings then run in the baseline world (vnet's ports hold XDP links)
VNET_HOOK=${BENCH_VNET_HOOK:-}
[ -n "$VNET_HOOK" ] && export VNET_DP_HOOK=$VNET_HOOK
CW=vnet
[ "$VNET_HOOK" = xdp-veth ] && CW=base
PKTGEN=$BUILD/bench/pktgen
NETLOAD=$BUILD/bench/netload
for b in "$PKTGEN" "$NETLOAD" "$BUILD/vnetd" "$BUILD/vnetctl"; do
	[ -x "$b" ] || skip "$b not built (make bench builds it)"
done
command -v iperf3 >/dev/null || skip "iperf3 missing (make deps)"

jget() { python3 -c 'import json,sys
t=sys.stdin.read().strip()
try: d=json.loads(t)
except ValueError: d=json.loads(t.splitlines()[-1])
for k in sys.argv[1:]: d=d[k]
print(d)' "$@"; }
rec() {
	[ -n "$3" ] || fail "no value for $1 $2"
	echo "$*" >>"$RES"
	log "$*"
}

# counter_start WORLD ROLE WARMUP SECS: count benchmark UDP on ROLE's eth0
counter_start() {
	CNT_OUT=$TMP/count.$RANDOM
	in_ns "$1" "$2" "$PKTGEN" count eth0 "$3" "$4" >"$CNT_OUT" 2>&1 &
	CNT_PID=$!
	wait_for 50 grep -q ready "$CNT_OUT" || fail "counter: $(cat "$CNT_OUT")"
}
counter_end() {	# may run in a subshell, where wait cannot see the counter
	wait "$CNT_PID" 2>/dev/null
	while kill -0 "$CNT_PID" 2>/dev/null; do sleep 0.1; done
	jget "${1:-pps}" <"$CNT_OUT" || fail "counter: $(cat "$CNT_OUT")"; }

# live_pps WORLD DST_ROLE DMAC DIP [SIP]: live frames from g1 (SIP, default
# $IP1; IPv6 frames for IPv6 addresses) to DST_ROLE's eth0
live_pps() {
	counter_start "$1" "$2" 1 "$SECS"
	in_ns "$1" g1 "$PKTGEN" send eth0 "$(mac_of "$1" g1 eth0)" "$3" "${5:-$IP1}" "$4" \
		"$(awk "BEGIN { print $SECS + 1.5 }")" >"$TMP/send.out" || fail "pktgen send: $(cat "$TMP/send.out")"
	counter_end
}

# raw_pps WORLD: AF_PACKET 64-byte UDP from g1 (2 senders, 64 flows) to the wan
raw_pps() {
	local w=$1 pids=() c
	counter_start "$w" wan 1 "$SECS"
	for c in 0 1; do
		in_ns "$w" g1 taskset -c $c "$NETLOAD" raw eth0 "$(mac_of "$w" g1 eth0)" \
			"$(mac_of "$w" host vnbr0)" "$IP1" "$WAN_IP" "$(awk "BEGIN { print $SECS + 1.5 }")" 64 \
			>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	counter_end
}

ceiling() {	# bare XDP redirect vif1.0 -> TARGET in the vnet world's host
	local target=$1 role=$2 dmac=$3 dip=$4 pps
	# not via in_ns: $! must be pktgen itself, so that kill detaches it now
	ip netns exec "$(ns_of $CW host)" "$PKTGEN" redirect vif1.0 "$target" $((SECS * 3 + 12)) \
		>"$TMP/redir.out" 2>&1 &
	local rpid=$!
	wait_for 50 grep -q ready "$TMP/redir.out" || fail "redirect: $(cat "$TMP/redir.out")"
	pps=$(live_pps $CW "$role" "$dmac" "$dip")
	rec ceil "pps_${5}_live" "$pps"
	[ "$5" = g2g ] && rec ceil pps_g2g6_live "$(live_pps6 $CW)"
	[ "$5" = nat ] && rec ceil pps_nat6_live "$(live_pps $CW wan "$dmac" $WAN_IP6 "$(g6_of $CW g1)")"
	[ "$role" = wan ] && rec ceil pps_nat "$(raw_pps $CW)"
	kill "$rpid"; wait "$rpid" 2>/dev/null
}

# tc_ceiling TARGET peer|egress ROLE DMAC DIP NAME: a bare tc redirect on the
# baseline world's vif1.0 (it has no tc program): the floor of a tc path.
tc_ceiling() {
	local rpid
	ip netns exec "$P-bhost" "$PKTGEN" tcredirect vif1.0 "$1" "$2" $((SECS * 2 + 8)) \
		>"$TMP/redir.out" 2>&1 &
	rpid=$!
	wait_for 50 grep -q ready "$TMP/redir.out" || fail "tc redirect: $(cat "$TMP/redir.out")"
	rec tcceil "pps_${6}_live" "$(live_pps base "$3" "$4" "$5")"
	[ "$6" = g2g ] && rec tcceil pps_g2g6_live "$(live_pps6 base)"
	[ "$6" = nat ] && rec tcceil pps_nat6_live "$(live_pps base wan "$4" $WAN_IP6 "$(g6_of base g1)")"
	kill "$rpid"; wait "$rpid" 2>/dev/null
}

# tcp_figures WORLD AS: TCP throughput, latency, connections/s from g1 to
# the wan, recorded under AS (the wire's figures are the "ceil" ones).
tcp_figures() {
	local w=$1 as=$2
	for p in 1 4; do
		in_ns "$w" g1 iperf3 -c $WAN_IP -t "$SECS" -O 1 -P $p -J >"$TMP/iperf.json" ||
			fail "iperf3 in $w"
		rec "$as" tcp$p "$(jget end sum_received bits_per_second <"$TMP/iperf.json")"
	done
	in_ns "$w" g1 "$NETLOAD" rr $WAN_IP 7001 "$SECS" >"$TMP/rr.out" || fail "rr in $w"
	rec "$as" rr_p50 "$(jget p50_us <"$TMP/rr.out")"
	rec "$as" rr_p99 "$(jget p99_us <"$TMP/rr.out")"
	in_ns "$w" g1 "$NETLOAD" crr $WAN_IP 7001 "$SECS" 2 >"$TMP/crr.out" || fail "crr in $w"
	rec "$as" cps "$(jget cps <"$TMP/crr.out")"
	rec "$as" cps_errors "$(jget errors <"$TMP/crr.out")"
}

measure_world() {
	local w=$1 brmac
	brmac=$(mac_of "$w" host vnbr0)
	rec "$w" pps_g2g_live "$(live_pps "$w" g2 "$(mac_of "$w" g2 eth0)" "$IP2")"
	rec "$w" pps_nat "$(raw_pps "$w")"
	rec "$w" pps_nat_live "$(live_pps "$w" wan "$brmac" "$WAN_IP")"
	tcp_figures "$w" "$w"
}

# IPv6 (issue 18): the same live frames guest -> guest with the guests'
# link-local addresses (the default network has no IPv6 <ip>; a port learns
# its guest's address from the guest's first solicitation: v6_warmup pings).
ll_of() { in_ns "$1" "$2" ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1; }
live_pps6() { live_pps "$1" g2 "$(mac_of "$1" g2 eth0)" "$(ll_of "$1" g2)" "$(ll_of "$1" g1)"; }
measure_world6() { rec "$1" pps_g2g6_live "$(live_pps6 "$1")"; }
# NAT66 (worlds.sh nat66_*): live frames guest 1 -> the wan's IPv6 address,
# and one TCP stream to the wan's IPv6 iperf3 (port 5202); the wire's is
# the TCP ceiling
nat66_figures() {
	local w=$1 as=${2:-$1}
	if [ "$w" != wire ]; then
		rec "$as" pps_nat6_live "$(live_pps "$w" wan "$(mac_of "$w" host vnbr0)" $WAN_IP6 "$(g6_of "$w" g1)")"
	fi
	in_ns "$w" g1 iperf3 -6 -c $WAN_IP6 -p 5202 -t "$SECS" -O 1 -P 1 -J >"$TMP/iperf6.json" ||
		fail "iperf3 -6 in $w"
	rec "$as" tcp6_1 "$(jget end sum_received bits_per_second <"$TMP/iperf6.json")"
}
v6_warmup() {
	local w g ns
	for w in vnet base; do
		for g in g1 g2; do
			ns=$(ns_of $w $g)
			wait_for 50 sh -c "ip netns exec $ns ip -6 addr show dev eth0 scope link | grep -q fe80 &&
				! ip netns exec $ns ip -6 addr show dev eth0 | grep -q tentative" ||
				fail "$w: $g has no link-local address"
		done
		in_ns $w g1 ping -6 -c 2 -i 0.2 -W 2 "$(ll_of $w g2)%eth0" >/dev/null || fail "$w: g1 cannot ping6 g2"
		in_ns $w g2 ping -6 -c 2 -i 0.2 -W 2 "$(ll_of $w g1)%eth0" >/dev/null || fail "$w: g2 cannot ping6 g1"
	done
}

# WORLD_ct: "entries flows_created flows_failed" of the NAT table
vnet_ct() { vnetctl --json stats default | python3 -c 'import json,sys
s=json.load(sys.stdin)[0]["datapath"]; c=s["conntrack"]; d=s["drops"]
print(c["entries"], c["nat_created"], d["ct_full"] + d["nat_no_port"])'; }
base_ct() { in_ns base host python3 -c 'import sys
n=int(open("/proc/sys/net/netfilter/nf_conntrack_count").read())
rows=[l.split() for l in open("/proc/net/stat/nf_conntrack")]
h=rows[0]; fail=0
for r in rows[1:]:
    for k in ("insert_failed","drop","early_drop"):
        if k in h: fail+=int(r[h.index(k)],16)
print(n, n, fail)'; }

# scale WORLD TAG FLOWS DPORTS: FLOWS one-packet UDP flows from g1 to the
# wan address on DPORTS destination ports, paced at 50k/s.
scale() {
	local w=$1 tag=$2 flows=$3 dports=$4 before after
	before=$(${w}_ct)
	counter_start "$w" wan 0 $((flows / 50000 + 3))
	in_ns "$w" g1 "$NETLOAD" raw eth0 "$(mac_of "$w" g1 eth0)" "$(mac_of "$w" host vnbr0)" \
		"$IP1" "$WAN_IP" 30 "$flows" 50000 "$flows" "$dports" >/dev/null
	rec "$w" "${tag}_delivered" "$(counter_end packets)"
	after=$(${w}_ct)
	set -- $before $after
	rec "$w" "${tag}_created" $(($5 - $2))
	rec "$w" "${tag}_failed" $(($6 - $3))
	rec "$w" "${tag}_entries" "$4"
}

# uplink_xdp_rows (issue 21.1): NAT replies and a TCP download into guest 2
# with the uplink on XDP (vnetd --uplink-xdp on: the veth uplink in native
# mode, vif2.0 on xdp-veth) against tc (uplink and port on tc), in the vnet
# world, after the other figures (it restarts vnetd). Replies: pktgen live
# frames from the wan to the uplink address on guest 2's NAT flow
# (9000 <-> wan:1234, the guest's port kept), counted at guest 2's eth0.
# Records upxdp_tc / upxdp_xdp pps_reply, tcp_reply; printed after the
# main table (uplink_xdp_report).
uplink_xdp_rows() {
	local mode r wanmac upmac
	in_ns vnet host ethtool -K wan0 gro on >/dev/null 2>&1	# XDP frames into wan0 without a program
	wanmac=$(mac_of vnet wan eth0) upmac=$(mac_of vnet host wan0)
	for mode in tc xdp; do
		vnetd_stop
		if [ $mode = xdp ]; then
			VNET_UPLINK_XDP=on vnetd_start --ct-guest-max 0
			vnetctl port-del default vif2.0 >/dev/null || fail "upxdp: port-del"
			vnetctl port-add default vif2.0 --hook xdp >/dev/null || fail "upxdp: port-add --hook xdp"
			in_ns vnet host ip link show wan0 | grep -q xdp || fail "upxdp: no XDP on wan0"
		else	# the vnet world as measured above: everything on tc
			VNET_UPLINK_XDP=off vnetd_start --ct-guest-max 0
		fi
		for r in $(seq "$ROUNDS"); do
			in_ns vnet g2 python3 -c 'import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("'$IP2'",9000)); s.sendto(b"x",("'$WAN_IP'",1234))' ||
				fail "upxdp: no NAT flow"
			counter_start vnet g2 1 "$SECS"
			in_ns vnet wan "$PKTGEN" send eth0 "$wanmac" "$upmac" "$WAN_IP" "$UPLINK_IP" \
				"$(awk "BEGIN { print $SECS + 1.5 }")" >"$TMP/send.out" ||
				fail "upxdp: pktgen send: $(cat "$TMP/send.out")"
			rec upxdp_$mode pps_reply "$(counter_end)"
			in_ns vnet g2 iperf3 -c $WAN_IP -R -t "$SECS" -O 1 -J >"$TMP/iperf.json" ||
				fail "upxdp: iperf3 -R ($mode)"
			rec upxdp_$mode tcp_reply "$(jget end sum_received bits_per_second <"$TMP/iperf.json")"
		done
		log "upxdp $mode: uplink_xdp $(net_stat default datapath.conntrack.uplink_xdp)," \
			"handed to tc $(net_stat default datapath.conntrack.uplink_xdp_tc)"
	done
}

uplink_xdp_report() {
	python3 - "$RES" <<'PY'
import statistics, sys
d = {}
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) == 3 and f[0].startswith("upxdp_"):
        d.setdefault((f[0], f[1]), []).append(float(f[2]))
def med(w, k, s):
    v = d.get((w, k))
    return statistics.median(v) / s if v else None
print("\nXDP on the uplink (issue 21.1; vnetd --uplink-xdp on, guest port xdp-veth) against tc:")
for k, label, s, unit in (("pps_reply", "UDP 64B wan->guest NAT replies, live frames", 1e6, "Mpps"),
                          ("tcp_reply", "TCP wan->guest NAT download, 1 stream", 1e9, "Gbit/s")):
    t, x = med("upxdp_tc", k, s), med("upxdp_xdp", k, s)
    if t and x:
        print(f"  {label:44s} tc {t:6.2f}  xdp {x:6.2f} {unit}  xdp/tc {x / t:.2f}")
PY
}

RES=""
vnet_world
base_world
wire_world
nat66_base
guest_sysctls
if [ "$VNET_HOOK" = xdp-veth ]; then	# the uplink's peer takes XDP frames (all worlds)
	for w in vnet base wire; do in_ns $w wan ethtool -K eth0 gro on >/dev/null || fail "wan gro"; done
	in_ns vnet host ip link show vif1.0 | grep -q xdp || fail "xdp-veth: no XDP on vif1.0"
fi
RES=$TMP/results
: >"$RES"
for w in vnet base wire; do
	in_ns $w wan iperf3 -s -B $WAN_IP >/dev/null 2>&1 &
	in_ns $w wan iperf3 -s -B $WAN_IP6 -p 5202 >/dev/null 2>&1 &
	in_ns $w wan "$NETLOAD" server 7001 >/dev/null 2>&1 &
done
sleep 0.5
for w in vnet base; do	# warm up: ARP, FDB, first flows
	in_ns $w g1 ping -c 2 -i 0.2 -W 2 $WAN_IP >/dev/null || fail "$w: g1 cannot reach the wan"
	in_ns $w g1 ping -c 2 -i 0.2 -W 2 "$IP2" >/dev/null || fail "$w: g1 cannot reach g2"
done
v6_warmup
for w in vnet base wire; do
	wait_for 50 in_ns $w g1 ping -6 -c 1 -W 1 $WAN_IP6 >/dev/null || fail "$w: g1 cannot reach the wan over IPv6"
done
log "worlds up: guests $IP1 $IP2; $ROUNDS rounds of ${SECS}s"
if [ -n "$BENCH_HOLD" ]; then	# debugging: keep the worlds until the file goes
	touch "$BENCH_HOLD"
	log "holding: prefix $P, tmp $TMP; rm $BENCH_HOLD to finish"
	while [ -e "$BENCH_HOLD" ]; do sleep 1; done
	exit 0
fi
# BENCH_ONLY=g2g (issue 21): only the guest->guest live row, vnet's tc
# program against the bare tc redirect (bpf_redirect_peer, the baseline
# world's vif1.0) in BENCH_ROUNDS rounds, the order swapped every round;
# per round both rates, their ratio and the sender's frames per CPU-second
# (the generator's system calls carry each frame through the whole path).
# BENCH_PERF=DIR: then one more run of each under a system-wide cpu-clock
# profile (perf record -a -g), DIR/vnet.data and DIR/base.data.
g2g_run() {	# WORLD [PERF_FILE]: "WORLD counted_pps sent_pps sender_cpu_s"
	local pps pp= secs=$SECS
	# profiled: the counter outlasts the sender (no frame left to the
	# guest's UDP stack and its ICMP errors), perf inside the sending
	if [ -n "$2" ]; then
		secs=$((SECS + 4))
		(sleep 1.5; exec perf record -q -a -g -e cpu-clock -o "$2" -- sleep "$SECS") >/dev/null 2>&1 &
		pp=$!
	fi
	counter_start "$1" g2 0 "$secs"
	in_ns "$1" g1 "$PKTGEN" send eth0 "$(mac_of "$1" g1 eth0)" "$(mac_of "$1" g2 eth0)" "$IP1" "$IP2" \
		"$(awk "BEGIN { print $SECS + 1.5 }")" >"$TMP/send.out" || fail "pktgen send: $(cat "$TMP/send.out")"
	[ -n "$pp" ] && wait "$pp"
	[ -n "$2" ] || pps=$(counter_end)
	[ -n "$2" ] && { kill "$CNT_PID"; wait "$CNT_PID" 2>/dev/null; pps=$(jget pps <"$TMP/send.out"); }
	echo "$1 $pps $(jget pps <"$TMP/send.out") $(jget cpu <"$TMP/send.out")"
}
g2g_only() {
	local r w rpid order
	ip netns exec "$P-bhost" "$PKTGEN" tcredirect vif1.0 vif2.0 peer $((ROUNDS * (2 * SECS + 12) + 40)) \
		>"$TMP/redir.out" 2>&1 &
	rpid=$!
	wait_for 50 grep -q ready "$TMP/redir.out" || fail "tc redirect: $(cat "$TMP/redir.out")"
	: >"$TMP/g2g"
	for r in $(seq "$ROUNDS"); do
		order="vnet base"
		[ $((r % 2)) = 0 ] && order="base vnet"
		for w in $order; do echo "$r $(g2g_run $w)" >>"$TMP/g2g"; done
	done
	if [ -n "$BENCH_PERF" ]; then
		mkdir -p "$BENCH_PERF"
		for w in vnet base; do g2g_run $w "$BENCH_PERF/$w.data" >"$BENCH_PERF/$w.run"; done
	fi
	kill "$rpid"; wait "$rpid" 2>/dev/null
	python3 - "$TMP/g2g" <<'PY'
import statistics as st, sys
d = {}
for l in open(sys.argv[1]):
    r, w, pps, sent, cpu = l.split()
    d.setdefault(int(r), {})[w] = (float(pps), float(sent) / max(float(cpu), 1e-9))
print("round   vnet Mpps   bare Mpps  vnet/bare   vnet/bare per sender CPU-s")
rat, ratc = [], []
for r in sorted(d):
    v, b = d[r].get("vnet"), d[r].get("base")
    if not (v and b):
        continue
    rat.append(v[0] / b[0]); ratc.append(v[1] / b[1])
    print(f"{r:5d} {v[0] / 1e6:11.3f} {b[0] / 1e6:11.3f} {rat[-1]:10.3f} {ratc[-1]:10.3f}")
for w in ("vnet", "base"):
    x = [d[r][w][0] for r in d if w in d[r]]
    print(f"{w}: fastest {max(x) / 1e6:.3f} median {st.median(x) / 1e6:.3f} Mpps")
if rat:
    print(f"vnet/bare: median of rounds {st.median(rat):.3f} (min {min(rat):.3f} max {max(rat):.3f}),"
          f" per sender CPU-s {st.median(ratc):.3f}")
PY
}
if [ "$BENCH_ONLY" = g2g ]; then
	g2g_only
	exit 0
fi
for r in $(seq "$ROUNDS"); do
	order="vnet base"
	[ $((r % 2)) = 0 ] && order="base vnet"
	# IPv6 right before IPv4 guest->guest: both after the same load (the
	# NAT and TCP figures leave work behind: conntrack, TIME_WAIT)
	for w in $order; do measure_world6 "$w"; measure_world "$w"; nat66_figures "$w"; done
	nat66_figures wire ceil
	tcp_figures wire ceil
	ceiling vif2.0 g2 "$(mac_of $CW g2 eth0)" "$IP2" g2g
	ceiling wan0 wan "$(mac_of $CW host vnbr0)" "$WAN_IP" nat
	tc_ceiling vif2.0 peer g2 "$(mac_of base g2 eth0)" "$IP2" g2g
	tc_ceiling wan0 egress wan "$(mac_of base host vnbr0)" "$WAN_IP" nat
done
# one service (one address and port): the SNAT port range is the limit;
# then many ports: the table size is (vnet's entries stay 60 s, so A first)
for w in vnet base; do
	scale $w scale1 $((SCALE_FLOWS / 10)) 1
	scale $w scale "$SCALE_FLOWS" 1000
done
uplink_xdp_rows
python3 "$ROOT/tests/bench/report.py" "$RES" "$BUILD/bench.txt" "$BUILD/bench.json" \
	"rounds=$ROUNDS seconds=$SECS flows=$SCALE_FLOWS hook=${VNET_HOOK:-tc} kernel=$(uname -r) cpus=$(nproc)" ||
	fail "report"
uplink_xdp_report >>"$BUILD/bench.txt" || fail "uplink XDP report"
# what vnet's programs cost per packet alone (no device, no skb): moves
# with every pipeline change even when the end-to-end figures are noise
# in DP_COST_WORLDS processes of 1/N of the runs each, judged in rounds of
# DP_COST_ROUND calls: the machine's speed for this code switches between
# two levels (2x apart) in phases of 0.1-3 s, so each row is its fastest
# round with the median beside it
# (tests/bench/cost_merge.py; docs/performance.md)
if [ -x "$BUILD/tests/tools/dp_cost" ]; then
	worlds=${DP_COST_WORLDS:-5}
	for k in $(seq "$worlds"); do
		DP_COST_MEDIAN=${DP_COST_MEDIAN:-1} DP_COST_ROUND=${DP_COST_ROUND:-2000} VNET_TEST_PREFIX=$P \
			"$BUILD/tests/tools/dp_cost" $((${DP_COST_RUNS:-100000} / worlds)) \
			>"$TMP/cost.w$k.json" || fail "dp_cost (world $k)"
	done
	python3 "$ROOT/tests/bench/cost_merge.py" "$TMP"/cost.w*.json >"$TMP/cost.json" ||
		fail "dp_cost merge"
	python3 - "$TMP/cost.json" >>"$BUILD/bench.txt" <<'PY' || fail "dp_cost report"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = max((r.get("worlds", 1) for r in rows), default=1)
print(f"\nvnet's programs alone, ns a packet (BPF_PROG_RUN, tests/tools/dp_cost), "
      f"fastest / median round, {n} worlds:")
for r in rows:
    if "program" in r:
        print(f"  {r['path']:36s} {r['program']:16s} {r['ns']:6.0f} / {r.get('ns_median', r['ns']):4.0f}"
              f"{'' if r['ok'] else '  (unexpected verdict)'}")
g2g = next((r for r in rows if r.get("path") == "guest->guest" and r.get("program") == "vnet_port_tc"), None)
ref = next((r for r in rows if r.get("path") == "machine reference"), None)
if g2g and ref:
    print("  each world: machine reference ns/iteration -> tc guest->guest ns: " +
          ", ".join(f"{a:.2f} -> {b:.0f}" for a, b in zip(ref["ref_ns_all"], g2g["ns_all"])))
# issue 19.5: 1,000 ACL rules on a port cost less than twice one rule
ns = {r["path"]: r["ns"] for r in rows if "program" in r}
one, many = ns.get("guest->wan NAT, ACL 1 rule"), ns.get("guest->wan NAT, ACL 1000 rules")
if one and many:
    print(f"  ACL: 1000 rules / 1 rule = {many / one:.2f} (must stay below 2)")
    if many >= 2 * one:
        sys.exit("dp_cost: 1000 ACL rules cost twice one rule or more")
PY
fi
# issue 21's table: every row with its target and verdict, then issue 18's
# (IPv6 within 10 % of IPv4's ratio to its ceiling) (tests/bench/targets.py)
issue21_targets() {
	local cost=-
	[ -s "$TMP/cost.json" ] && cost=$TMP/cost.json
	python3 "$ROOT/tests/bench/targets.py" "$BUILD/bench.json" "$cost" "${VNET_HOOK:-tc}" \
		>>"$BUILD/bench.txt" || fail "issue 21 targets"
}
issue21_targets
cat "$BUILD/bench.txt"
exit 0
