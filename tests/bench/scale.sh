#!/bin/bash
# make bench-scale (issue 21, "flat cost as work grows"; never part of make
# test): in one run, in namespaces of its own,
#  - the programs' cost per packet (tests/tools/ct_scale cost: dp_cost's
#    rows) with 10, 10k and 1M conntrack flows and 2, 200, 1,000 ports;
#  - live packets/s (pktgen, as tests/bench.sh measures) guest->guest and
#    guest->wan through vnetd with the same flows and ports;
#  - port-add time of the 1st and the 1,000th port (each beside a no-op
#    request, the control socket's own round trip);
#  - net-start of as many networks as a host may run, up to 100;
#  - vnetd's RSS and the pinned maps' memory per 100k flows;
#  - the conntrack GC's CPU at 1M flows (vnetd's CPU time over an interval),
#    fresh and idle (35 s: the GC then reads every initiator's partner).
# Prints the table with issue 21's targets; writes $BUILD/bench-scale.txt
# and .json. Flows are synthetic (ct_scale fill): answered UDP, two
# entries each, seen now. Findings: docs/performance.md.
export VNET_TEST_PREFIX=${VNET_TEST_PREFIX:-bs$$}
TEST_NAME=bench-scale
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${BUILD:-$ROOT/build}" && pwd) || exit 1
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/bench/worlds.sh"
SECS=${BENCH_SECONDS:-3}
PORTS_MAX=${BENCH_PORTS:-1000}
NETS_MAX=${BENCH_NETS:-100}
# the GC's intervals: two cycles at 1M flows (the kernel judge walks the
# whole table every 8th tick; a shorter interval holds 1 or 2 of its passes)
GC_SECS=${BENCH_GC_SECONDS:-16}
# BENCH_GC_ONLY=1: the flows, memory and GC figures only (no program cost,
# no extra ports, no live rates, no networks): a quick rerun of the GC rows
GC_ONLY=${BENCH_GC_ONLY:-}
# BENCH_PORTS_ONLY=1: the extra ports, their port-add times and the live
# rates at 2, 200 and BENCH_PORTS ports only (no program cost, no flows, no
# GC, no networks)
PORTS_ONLY=${BENCH_PORTS_ONLY:-}
# BENCH_PERF=DIR: a perf profile (every CPU, call graphs) of each live rate
# into DIR/perf.TAG.g2g|nat.data, with the top symbols in DIR/perf.TAG.*.txt
PERF_DIR=${BENCH_PERF:-}
# 1M flows are 2M entries: a table of 4M keeps the GC's high mark (7/8)
# far away, so it scans without evicting
export VNET_CT_MAX=${BENCH_CT_MAX:-4194304}
CT_SCALE=$BUILD/tests/tools/ct_scale
PKTGEN=$BUILD/bench/pktgen
for b in "$CT_SCALE" "$PKTGEN" "$BUILD/vnetd" "$BUILD/vnetctl"; do
	[ -x "$b" ] || skip "$b not built (make bench-scale builds it)"
done
jget() { python3 -c 'import json,sys
d=json.loads(sys.stdin.read().strip().splitlines()[-1])
for k in sys.argv[1:]: d=d[k]
print(d)' "$@"; }
rec() {
	[ -n "$2" ] || fail "no value for $1"
	echo "{\"key\": \"$1\", \"value\": $2}" >>"$RES"
	log "$1 = $2"
}
now_us() { echo $((${EPOCHREALTIME/./})); }

# live_pps DST_ROLE DMAC DIP [PERF_NAME]: pktgen from g1 to DST_ROLE's eth0
# (bench.sh's); with PERF_DIR, perf records every CPU while it counts
live_pps() {
	local out=$TMP/count.$RANDOM ppid=""
	in_ns vnet "$1" "$PKTGEN" count eth0 1 "$SECS" >"$out" 2>&1 &
	local cpid=$!
	wait_for 50 grep -q ready "$out" || fail "counter: $(cat "$out")"
	if [ -n "$PERF_DIR" ] && [ -n "$4" ]; then
		perf record -q -a -g -o "$PERF_DIR/perf.$4.data" -- sleep "$SECS" >/dev/null 2>&1 &
		ppid=$!
	fi
	# the sender's CPU time (pktgen's "cpu"): its system calls carry every
	# frame through the veth, vnet's program and the receiver's counter
	# (one task), so packets per CPU-second of it is the figure other load
	# on the machine does not lower
	local smac dur spid
	smac=$(mac_of vnet g1 eth0) dur=$(awk "BEGIN { print $SECS + 1.5 }")
	in_ns vnet g1 "$PKTGEN" send eth0 "$smac" "$2" "$IP1" "$3" "$dur" >"$TMP/send.out" 2>&1 &
	spid=$!
	if [ -n "$ppid" ]; then	# the sender's own profile (other benches run pktgen too)
		sleep 0.3
		pgrep -P "$spid" -x pktgen >"$PERF_DIR/perf.$4.pid"
	fi
	wait "$spid" || fail "pktgen send: $(cat "$TMP/send.out")"
	wait "$cpid"
	# what arrived a second, times the sender's seconds per CPU-second
	echo "$(jget pps <"$out") $(jget seconds <"$TMP/send.out") $(jget cpu <"$TMP/send.out")" |
		awk '{ printf "%.0f\n", ($3 > 0 ? $1 * $2 / $3 : 0) }' >"$TMP/pps_cpu"
	if [ -n "$ppid" ]; then
		wait "$ppid"
		perf report -i "$PERF_DIR/perf.$4.data" --pid "$(cat "$PERF_DIR/perf.$4.pid")" \
			--no-children --sort sym --stdio -g none --percentage relative 2>/dev/null |
			grep '%' | head -60 >"$PERF_DIR/perf.$4.txt"
		perf report -i "$PERF_DIR/perf.$4.data" --no-children --sort comm --stdio -g none \
			2>/dev/null | grep '%' | head -20 >"$PERF_DIR/perf.$4.comm.txt"
	fi
	jget pps <"$out" || fail "counter: $(cat "$out")"
}
# BENCH_ROUNDS=N: each live rate the best of N rounds, guest->guest and
# guest->wan alternating (the first round profiled with BENCH_PERF)
ROUNDS=${BENCH_ROUNDS:-1}
live_rows() {	# TAG
	local r g gc n nc v
	[ -n "$GC_ONLY" ] && return
	g=0 gc=0 n=0 nc=0
	for r in $(seq "$ROUNDS"); do
		v=$(live_pps g2 "$(mac_of vnet g2 eth0)" "$IP2" "$([ "$r" = 1 ] && echo "$1.g2g")")
		[ "$v" -gt "$g" ] && g=$v
		v=$(cat "$TMP/pps_cpu"); [ "$v" -gt "$gc" ] && gc=$v
		v=$(live_pps wan "$(mac_of vnet host vnbr0)" "$WAN_IP" "$([ "$r" = 1 ] && echo "$1.nat")")
		[ "$v" -gt "$n" ] && n=$v
		v=$(cat "$TMP/pps_cpu"); [ "$v" -gt "$nc" ] && nc=$v
	done
	rec "pps_g2g_$1" "$g"
	rec "pps_cpu_g2g_$1" "$gc"
	rec "pps_nat_$1" "$n"
	rec "pps_cpu_nat_$1" "$nc"
}

# ports_to N: extra ports s2.. on the default network until it has N,
# each port-add timed beside a no-op request (net-list). The far ends (sxN)
# stand for guests: they live in a namespace of their own ($FAR) with IPv6
# off there -- in the host namespace, or 1,000 IPv6 devices in one guest
# namespace, each IPv6 frame received would be routed over all of their
# link-local and multicast routes (O(devices) a frame, O(ports) frames for
# each one the bridge floods): a cost of the bench's packing, not of a host
# whose guests each have their own kernel or namespace.
# BENCH_FAR_IN_HOST=1: the first runs' layout instead, both ends in the
# host namespace, the far ends with IPv6 (to measure what that costs).
N_EXTRA=0
FAR=""
[ -n "$BENCH_FAR_IN_HOST" ] && FAR=$HOST
ports_to() {
	local want=$(($1 - 2)) i t0 t1 t2
	[ -n "$GC_ONLY" ] && return
	[ "$want" -le "$N_EXTRA" ] && return
	if [ -z "$FAR" ]; then
		FAR=$P-far
		netns_add "$FAR"
		ip netns exec "$FAR" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || fail "IPv6 off in $FAR"
	fi
	for i in $(seq "$N_EXTRA" $((want - 1))); do
		echo "link add s$i type veth peer name sx$i netns $FAR"
	done >"$TMP/links"
	inhost ip -batch "$TMP/links" || fail "cannot create veths"
	for i in $(seq "$N_EXTRA" $((want - 1))); do echo "link set sx$i up"; done >"$TMP/links"
	ip netns exec "$FAR" ip -batch "$TMP/links" || fail "cannot bring the far ends up"
	for i in $(seq "$N_EXTRA" $((want - 1))); do
		t0=$(now_us)
		vnetctl net-list >/dev/null || fail "net-list"
		read -r c1 _ <"/proc/$VNETD_PID/schedstat"
		t1=$(now_us)
		vnetctl port-add default "s$i" >/dev/null || fail "port-add s$i: $(vnetctl port-add default "s$i" 2>&1)"
		t2=$(now_us)
		read -r c2 _ <"/proc/$VNETD_PID/schedstat"	# vnetd's one thread
		# wall time, the no-op's, vnetd's CPU time in it (busy machine: the
		# CPU figure is the one that says what the daemon did)
		echo "$((i + 1)) $((t2 - t1)) $((t1 - t0)) $(((c2 - c1) / 1000))" >>"$TMP/portadd"
	done
	N_EXTRA=$want
}

vnet_stat() { # python expression over /proc/VNETD_PID
	python3 - "$VNETD_PID" "$1" <<'PY'
import sys
pid, what = sys.argv[1], sys.argv[2]
if what == "rss":
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"): print(int(l.split()[1]) * 1024)
elif what == "cpuns":  # time on a CPU, ns (every thread; one in vnetd)
    import os
    print(sum(int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
              for t in os.listdir(f"/proc/{pid}/task")))
else:  # cpu: utime + stime in clock ticks
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    print(int(f[11]) + int(f[12]))
PY
}
map_bytes() { # memlock of the pinned map NAME, or of all (no NAME)
	local p
	for p in "$PIN_DIR"/${1:-*}; do
		bpftool -j map show pinned "$p" 2>/dev/null
	done | python3 -c 'import json,sys
print(sum(json.loads(l).get("bytes_memlock", 0) for l in sys.stdin if l.strip().startswith("{")))'
}
ct_stat() { vnetctl --json stats default | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["datapath"]["conntrack"][sys.argv[1]])' "$1"; }
ct_entries() { ct_stat entries; }
# gc_interval NAME: over GC_SECS with nothing else to do, the GC's own CPU
# time (conntrack gc_cpu_us: dp_tick's time in the GCs) and all of vnetd's,
# in % of a core, and the GC's passes over the whole table in it
gc_interval() {
	local c0 c1 t0 t1 g0 g1
	local p0 p1
	c0=$(vnet_stat cpuns); g0=$(ct_stat gc_cpu_us); t0=$(now_us)
	p0=$(ct_stat gc_passes 2>/dev/null)
	sleep "$GC_SECS"
	c1=$(vnet_stat cpuns); g1=$(ct_stat gc_cpu_us); t1=$(now_us)
	p1=$(ct_stat gc_passes 2>/dev/null)
	rec "$1" "$(awk "BEGIN { printf \"%.2f\", ($g1 - $g0) * 100 / ($t1 - $t0) }")"
	rec "vnetd_$1" "$(awk "BEGIN { printf \"%.2f\", ($c1 - $c0) / 10 / ($t1 - $t0) }")"
	# whole-table passes in the interval (a build before gc_passes: none)
	[ -n "$p0" ] && [ -n "$p1" ] && rec "${1%_pct}_passes" $((p1 - p0))
}

RES=""
vnet_world
RES=$TMP/results
: >"$RES"
in_ns vnet g1 ping -c 2 -i 0.2 -W 2 $WAN_IP >/dev/null || fail "g1 cannot reach the wan"
in_ns vnet g1 ping -c 2 -i 0.2 -W 2 "$IP2" >/dev/null || fail "g1 cannot reach g2"
log "world up: ct_map of $VNET_CT_MAX entries, ${SECS}s per packet rate"

# 1. the programs alone, in their own namespace (no device around them)
log "program cost (ct_scale cost): fills up to 1M flows and 1,000 ports"
if [ -z "$GC_ONLY$PORTS_ONLY" ]; then
	DP_TEST_CT_MAX=$VNET_CT_MAX VNET_TEST_PREFIX=$P "$CT_SCALE" cost >"$TMP/cost.json" ||
		fail "ct_scale cost"
	cat "$TMP/cost.json" >>"$RES"
fi

# 2. live, through vnetd: ports first (10 flows), then flows (1,000 ports)
rec rss_empty "$(vnet_stat rss)"
rec maps_empty "$(map_bytes)"
live_rows p2
ports_to 200
live_rows p200
ports_to "$PORTS_MAX"
live_rows p$PORTS_MAX
[ -z "$GC_ONLY" ] && rec ports "$PORTS_MAX"
if [ -z "$PORTS_ONLY" ]; then
"$CT_SCALE" fill "$PIN_DIR" 10000 >/dev/null || fail "fill 10k"
live_rows f10k
# the GC with 10k flows in the 4M-entry table: the floor (empty buckets)
gc_interval gc_10k_cpu_pct
rss0=$(vnet_stat rss)
"$CT_SCALE" fill "$PIN_DIR" 100000 >/dev/null || fail "fill 100k"
rec rss_per_100k $(($(vnet_stat rss) - rss0))
rec ct_map_bytes "$(map_bytes ct_map)"
rec ct_map_max "$VNET_CT_MAX"
"$CT_SCALE" fill "$PIN_DIR" 1000000 >"$TMP/fill.json" || fail "fill 1M"
rec ct_fill_ms "$(jget ms <"$TMP/fill.json")"
rec ct_entries_1m "$(ct_entries)"
live_rows f1m
# the GC at 1M flows: its CPU time over GC_SECS (its tick reads a slice
# of the table, all of it within 8 ticks; nothing else runs)
gc_interval gc_cpu_pct
rec ct_entries_after_gc "$(ct_entries)"
# the same 1M flows idle for 35 s (answered UDP: 60 s to live): the GC
# reads each initiator's partner to judge it (fresh ones it judges alone)
"$CT_SCALE" fill "$PIN_DIR" 1000000 35 >/dev/null || fail "fill 1M idle"
gc_interval gc_idle_cpu_pct
rec ct_entries_after_idle_gc "$(ct_entries)"
rec rss_1m "$(vnet_stat rss)"
rec maps_1m "$(map_bytes)"
fi
if [ -z "$GC_ONLY" ]; then
# port-add: the 1st and the last, each the median of 5 around it
python3 - "$TMP/portadd" >>"$RES" <<'PY'
import json, statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
def med(sel, col): return statistics.median(r[col] for r in sel)
first, last = rows[:5], rows[-5:]
for k, v in (("portadd_first_us", med(first, 1)), ("portadd_last_us", med(last, 1)),
             ("portadd_first_cpu_us", med(first, 3)), ("portadd_last_cpu_us", med(last, 3)),
             ("noop_first_us", med(first, 2)), ("noop_last_us", med(last, 2)),
             ("portadd_last_n", rows[-1][0] + 2)):
    print(json.dumps({"key": k, "value": v}))
PY
# every port-add (N wall_us noop_us vnetd_cpu_us), for the curve
cp "$TMP/portadd" "$BUILD/bench-scale.portadd"
fi
# port-del and net-stop over 1M flows: each reads the shared tables once,
# conntrack in the kernel (a pass per port by vnetd's read took over 22 min
# for 1,000 ports over 4M flows)
if [ -z "$PORTS_ONLY" ]; then
"$CT_SCALE" fill "$PIN_DIR" 1000000 >/dev/null || fail "fill 1M for net-stop"
sleep 1	# the GC's tick after the fill, not in the port-del's time
if [ "$N_EXTRA" -gt 0 ]; then
	t0=$(now_us)
	vnetctl port-del default "s$((N_EXTRA - 1))" >/dev/null || fail "port-del s$((N_EXTRA - 1))"
	rec portdel_1m_us $(($(now_us) - t0))
	N_EXTRA=$((N_EXTRA - 1))
fi
rec netstop_ports $((N_EXTRA + 2))
t0=$(now_us)
vnetctl net-stop default >/dev/null || fail "net-stop default"
rec netstop_1m_us $(($(now_us) - t0))
fi
# 3. net-start of many networks (isolated, each with DHCP and DNS)
if [ -z "$GC_ONLY$PORTS_ONLY" ]; then
vnetctl port-del default vif1.0 >/dev/null
for i in $(seq 1 $((NETS_MAX - 1))); do
	cat >"$TMP/n$i.xml" <<X
<network><name>s$i</name><bridge name='vs$i'/>
  <ip address='10.$((100 + i / 250)).$((i % 250)).1' netmask='255.255.255.0'>
    <dhcp><range start='10.$((100 + i / 250)).$((i % 250)).2' end='10.$((100 + i / 250)).$((i % 250)).200'/></dhcp></ip></network>
X
	vnetctl net-define "$TMP/n$i.xml" >"$TMP/refused" 2>&1 || break
	t0=$(now_us)
	vnetctl net-start "s$i" >"$TMP/refused" 2>&1 || break
	echo "$i $(($(now_us) - t0))" >>"$TMP/netstart"
	: >"$TMP/refused"
done
[ -s "$TMP/netstart" ] || fail "no network started: $(cat "$TMP/refused")"
nets=$(($(wc -l <"$TMP/netstart") + 1))
rec nets_started "$nets"
[ -s "$TMP/refused" ] && echo "{\"key\": \"nets_refused\", \"value\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$(tail -1 "$TMP/refused")")}" >>"$RES"
python3 - "$TMP/netstart" >>"$RES" <<'PY'
import json, statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
for k, v in (("netstart_first_us", statistics.median(r[1] for r in rows[:5])),
             ("netstart_last_us", statistics.median(r[1] for r in rows[-5:])),
             ("netstart_total_us", sum(r[1] for r in rows))):
    print(json.dumps({"key": k, "value": v}))
PY
rec rss_nets "$(vnet_stat rss)"
fi

python3 "$ROOT/tests/bench/scale_report.py" "$RES" "$BUILD/bench-scale.txt" "$BUILD/bench-scale.json" \
	"seconds=$SECS ct_max=$VNET_CT_MAX kernel=$(uname -r) cpus=$(nproc)" || fail "report"
cat "$BUILD/bench-scale.txt"
exit 0
