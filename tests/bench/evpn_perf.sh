#!/bin/bash
# make bench (issue 22): guest <-> guest across two hosts over VXLAN, vnet
# against the same without vnet. Both worlds have the same shape, built side
# by side in network namespaces and measured alternately, ROUNDS rounds:
#   vnet: tests/lib_evpn.sh's world with two hosts (vnetd + zebra + bgpd
#         each, the network spanning them, a guest on each host leased by
#         DHCP); host 1's port program redirects guest 1's frames for guest
#         2 straight to the VXLAN device (the fast path, docs/multi-host.md)
#   base: two host namespaces with a Linux bridge and a VXLAN device of the
#         same parameters (VNI, dstport 4789, nolearning), the remote MAC
#         and the flood entry installed statically (what zebra would), the
#         guests' veths in the bridge: the kernel's path, no vnet.
# The underlay (a bridge namespace) has MTU 1600 in both, so a 1500-byte
# guest frame is not fragmented after encapsulation.
# Figures: live-frames UDP pps (pktgen, 64-byte frames) guest 1 -> guest 2,
# counted at guest 2's eth0, and one TCP stream (iperf3) guest 1 -> guest 2.
# Prints the table, writes $BUILD/bench-evpn.txt and $BUILD/bench-evpn.json.
# Knobs: BENCH_ROUNDS (3), BENCH_SECONDS (3).
export VNET_TEST_PREFIX=${EVPN_BENCH_PREFIX:-be$$}
export EVPN_HOSTS="1 2"
TEST_NAME=bench-evpn
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${BUILD:-$ROOT/build}" && pwd) || exit 1
. "$ROOT/tests/lib_evpn.sh"
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECONDS:-3}
PKTGEN=$BUILD/bench/pktgen
for b in "$PKTGEN" "$BUILD/vnetd" "$BUILD/vnetctl"; do
	[ -x "$b" ] || skip "$b not built (make bench builds it)"
done
command -v iperf3 >/dev/null || skip "iperf3 missing (make deps)"

BVNI=7100
BMAC1=52:54:00:00:23:01 BMAC2=52:54:00:00:23:02
BIP1=10.71.0.11 BIP2=10.71.0.12
bns() { echo "$P-b$1"; }	# base world namespaces: bul, bh1, bh2, bg1, bg2
inb() { local n=$1; shift; ip netns exec "$(bns "$n")" "$@"; }

base_world() {
	local h o
	netns_add "$(bns ul)"
	inb ul ip link add br0 type bridge
	inb ul ip link set br0 up
	for h in 1 2; do
		o=$((3 - h))
		netns_add "$(bns h$h)"
		netns_add "$(bns g$h)"
		ip link add "u$h" netns "$(bns ul)" mtu 1600 type veth peer name ul0 mtu 1600 netns "$(bns h$h)" ||
			fail "base: underlay veth of host $h"
		inb ul ip link set "u$h" master br0 up
		inb h$h ip addr add "10.98.0.$h/24" dev ul0
		inb h$h ip link set ul0 up
		inb h$h ip link add br0 type bridge
		inb h$h ip link set br0 up
		inb h$h ip link add vx type vxlan id $BVNI local "10.98.0.$h" dstport 4789 nolearning ||
			fail "base: vxlan on host $h"
		inb h$h ip link set vx master br0 up
		ip link add "vif$h.0" netns "$(bns h$h)" type veth peer name eth0 netns "$(bns g$h)" ||
			fail "base: guest veth $h"
		inb h$h ip link set "vif$h.0" master br0 up
		inb g$h ip link set eth0 address "$(eval echo \$BMAC$h)" up
		inb g$h ip addr add "$(eval echo \$BIP$h)/24" dev eth0
		# what zebra installs: the flood entry and the remote guest's MAC
		inb h$h bridge fdb append 00:00:00:00:00:00 dev vx dst "10.98.0.$o" ||
			fail "base: flood entry on host $h"
		inb h$h bridge fdb add "$(eval echo \$BMAC$o)" dev vx dst "10.98.0.$o" self static ||
			fail "base: remote MAC on host $h"
		inb h$h bridge fdb add "$(eval echo \$BMAC$o)" dev vx master static
		# the network's NAT, as vnet's uplink program does it: each host
		# masquerades its own guests out of its underlay (the distributed
		# SNAT of <vnet:overlay>); conntrack then sees the underlay's
		# packets as vnet's uplink program does
		inb h$h sysctl -qw net.ipv4.ip_forward=1
		inb h$h ip addr add 10.71.0.1/24 dev br0
		inb h$h nft -f - <<N || fail "base: nftables on host $h"
table ip bnat {
	chain post { type nat hook postrouting priority srcnat; ip saddr 10.71.0.0/24 oifname "ul0" masquerade; }
}
N
	done
}

gro_on() {	# both worlds alike: GRO on both ends of the guest veths
	local h
	for h in 1 2; do
		inh "$h" ethtool -K "vif$h.0" gro on >/dev/null 2>&1
		inguest "$h" ethtool -K eth0 gro on >/dev/null 2>&1
		inb h$h ethtool -K "vif$h.0" gro on >/dev/null 2>&1
		inb g$h ethtool -K eth0 gro on >/dev/null 2>&1
	done
}

jget() { python3 -c 'import json,sys
t=sys.stdin.read().strip()
try: d=json.loads(t)
except ValueError: d=json.loads(t.splitlines()[-1])
for k in sys.argv[1:]: d=d[k]
print(d)' "$@"; }
RES=""
rec() {
	[ -n "$3" ] || fail "no value for $1 $2"
	echo "$*" >>"$RES"
	log "$*"
}

# pps UL G1NS G2NS SMAC DMAC SIP DIP: live frames G1 -> G2, counted at
# G2; the encapsulated packets host 1 sent meanwhile (rx of u1 in the
# underlay namespace UL) go to $TMP/sent as packets/s
pps() {
	local out=$TMP/count.$RANDOM ul=$1 a b
	shift
	a=$(ip netns exec "$ul" cat /sys/class/net/u1/statistics/rx_packets)
	ip netns exec "$2" "$PKTGEN" count eth0 1 "$SECS" >"$out" 2>&1 &
	local cpid=$!
	wait_for 50 grep -q ready "$out" || fail "counter: $(cat "$out")"
	ip netns exec "$1" "$PKTGEN" send eth0 "$3" "$4" "$5" "$6" "$(awk "BEGIN { print $SECS + 1.5 }")" \
		>"$TMP/send.out" 2>&1 || fail "pktgen send: $(cat "$TMP/send.out")"
	wait "$cpid"
	b=$(ip netns exec "$ul" cat /sys/class/net/u1/statistics/rx_packets)
	awk "BEGIN { print ($b - $a) / ($SECS + 1.5) }" >"$TMP/sent"
	jget pps <"$out" || fail "counter: $(cat "$out")"
}

# tcp G1NS DIP: one iperf3 stream to DIP (its server runs)
tcp() {
	ip netns exec "$1" iperf3 -c "$2" -t "$SECS" -O 1 -P 1 -J >"$TMP/iperf.json" ||
		fail "iperf3 to $2: $(tail -3 "$TMP/iperf.json")"
	jget end sum_received bits_per_second <"$TMP/iperf.json"
}

# ---- the vnet world: 2 hosts, underlay MTU 1600
evpn_world_init
inul ip link set br0 mtu 1600
for h in $HOSTS; do
	inul ip link set "u$h" mtu 1600
	inh "$h" ip link set ul0 mtu 1600
	evpn_guest_add "$h" "$h"
done
evpn_start
for h in $HOSTS; do
	guest_dhcp "$h" "guest$h" || fail "guest $h got no lease"
	inguest "$h" ping -c 1 -W 2 10.70.0.1 >/dev/null || fail "guest $h: no gateway"
done
IP1=$(guest_ip 1) IP2=$(guest_ip 2)
for h in $HOSTS; do
	wait_for 300 n_remote_macs $h 1 || fail "host $h: the remote guest's MAC not installed"
done
base_world
gro_on
inguest 1 ping -c 2 -i 0.2 -W 2 "$IP2" >/dev/null || fail "vnet: guest 1 cannot reach guest 2"
inb g1 ping -c 2 -i 0.2 -W 2 $BIP2 >/dev/null || fail "base: guest 1 cannot reach guest 2"
inguest 2 iperf3 -s -B "$IP2" >/dev/null 2>&1 &
inb g2 iperf3 -s -B $BIP2 >/dev/null 2>&1 &
wait_for 50 inguest 2 sh -c 'ss -ltn | grep -q 5201' || fail "vnet: iperf3 server"
wait_for 50 inb g2 sh -c 'ss -ltn | grep -q 5201' || fail "base: iperf3 server"
fastpath() { vctl 1 --json stats $NET | python3 -c 'import json, sys
print(sum(r["tx_packets"] for r in json.load(sys.stdin)[0]["overlay"]["remotes"] if r["vtep"] == "10.99.0.2"))'; }
fast0=$(fastpath)
log "worlds up: vnet guests $IP1 -> $IP2, base $BIP1 -> $BIP2; $ROUNDS rounds of ${SECS}s"

if [ -n "$EVPN_BENCH_HOLD" ]; then	# debugging: keep the worlds until the file goes
	touch "$EVPN_BENCH_HOLD"
	log "holding: prefix $P, tmp $TMP; rm $EVPN_BENCH_HOLD to finish"
	while [ -e "$EVPN_BENCH_HOLD" ]; do sleep 1; done
	exit 0
fi
RES=$TMP/results
: >"$RES"
vmac1=$(inguest 1 cat /sys/class/net/eth0/address) vmac2=$(inguest 2 cat /sys/class/net/eth0/address)
for r in $(seq "$ROUNDS"); do
	order="vnet base"
	[ $((r % 2)) = 0 ] && order="base vnet"
	for w in $order; do
		if [ $w = vnet ]; then
			rec vnet pps "$(pps "$UL" "$P-g1" "$P-g2" "$vmac1" "$vmac2" "$IP1" "$IP2")"
			rec vnet sent "$(cat "$TMP/sent")"
			rec vnet tcp "$(tcp "$P-g1" "$IP2")"
		else
			rec base pps "$(pps "$(bns ul)" "$(bns g1)" "$(bns g2)" $BMAC1 $BMAC2 $BIP1 $BIP2)"
			rec base sent "$(cat "$TMP/sent")"
			rec base tcp "$(tcp "$(bns g1)" $BIP2)"
		fi
	done
done
# the vnet figures went by the fast path: host 1 counted them for host 2's VTEP
fast=$(($(fastpath) - fast0))
[ "$fast" -gt 1000 ] || fail "vnet: only $fast packets went by the fast path to 10.99.0.2"

python3 - "$RES" "$BUILD/bench-evpn.txt" "$BUILD/bench-evpn.json" "$fast" \
	"rounds=$ROUNDS seconds=$SECS kernel=$(uname -r) cpus=$(nproc)" <<'PY' || fail "report"
import json, statistics, sys
res, txt, js, fast, meta = sys.argv[1:6]
d = {}
for l in open(res):
    w, k, v = l.split()
    d.setdefault((w, k), []).append(float(v))
med = lambda w, k: statistics.median(d[(w, k)])
rows = []
out = [f"guest <-> guest across hosts over VXLAN (issue 22; {meta}), medians:",
       f"  {'figure':50s} {'vnet':>10s} {'bridge':>10s} {'vnet/bridge':>12s}"]
for k, label, s, unit in (("pps", "UDP 64B guest1 -> guest2, live frames", 1e6, "Mpps"),
                          ("sent", "  of which host 1 encapsulated (underlay)", 1e6, "Mpps"),
                          ("tcp", "TCP guest1 -> guest2, 1 stream", 1e9, "Gbit/s")):
    v, b = med("vnet", k), med("base", k)
    rows.append({"figure": k, "vnet": v, "bridge": b, "ratio": v / b if b else None,
                 "vnet_all": d[("vnet", k)], "bridge_all": d[("base", k)]})
    out.append(f"  {label + ' (' + unit + ')':50s} {v / s:10.3f} {b / s:10.3f} {v / b if b else 0:12.2f}")
out.append(f"  vnet's packets by the fast path to the remote VTEP: {fast}")
open(txt, "w").write("\n".join(out) + "\n")
json.dump({"meta": meta, "rows": rows, "fast_path_packets": int(fast)}, open(js, "w"), indent=1)
print("\n".join(out))
PY
exit 0
