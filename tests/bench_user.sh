#!/bin/bash
# User-mode TCP throughput (vnet-user: VDE switch + libslirp), for `make
# bench` beside the system-mode figures. The guest is a kernel network
# namespace plugged into the user network's switch with vde_plug's tap
# plugin (root only, which a benchmark may use), so the figure is the user
# stack's, not a TCG guest's. iperf3, BENCH_SECONDS (default 3) per figure:
#   guest->host  guest connects to the gateway = the host's loopback (NAT)
#   host->guest  the same connection reversed (-R)
#   forward      the host connects to a port forward into the guest
# Prints "user <figure> <bits/s>" lines and writes $BUILD/bench-user.txt.
export VNET_TEST_PREFIX=${VNET_TEST_PREFIX:-bu$$}
TEST_NAME=bench_user
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${BUILD:-$ROOT/build}" && pwd) || exit 1
. "$ROOT/tests/lib.sh"
SECS=${BENCH_SECONDS:-3}
require_root
for b in "$BUILD/vnetctl" "$BUILD/vnet-user"; do [ -x "$b" ] || skip "$b not built"; done
command -v iperf3 >/dev/null || skip "iperf3 missing (make deps)"
command -v vde_plug >/dev/null || skip "vde_plug missing (make deps)"

TMP=$(mktemp -d "/tmp/$P.XXXXXX")
H=$P-uh
G=$P-ug
PLUG_PID=""
cleanup() {
	local rc=$?
	set +e
	[ $rc = 0 ] || { tail -20 "$TMP/iperf.json"; cat "$TMP/run/vnet/default/log"; } 2>/dev/null >&2
	ip netns exec "$H" env XDG_RUNTIME_DIR="$TMP/run" HOME="$TMP/home" \
		"$BUILD/vnetctl" --user net-stop default >/dev/null 2>&1
	for ns in "$H" "$G"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
	exit $rc
}
[ -n "${BENCH_KEEP:-}" ] || trap cleanup EXIT
trap 'exit 130' INT TERM
for ns in "$H" "$G"; do
	ip netns add "$ns" || fail "cannot create $ns"
	ip -n "$ns" link set lo up
done
mkdir -m 700 "$TMP/run" "$TMP/home"
# not a test connection: iperf3 -s -1 would take it as its one client
listening() { ip netns exec "$1" ss -Htln "sport = :$2" | grep -q .; }
uv() { ip netns exec "$H" env XDG_RUNTIME_DIR="$TMP/run" HOME="$TMP/home" "$BUILD/vnetctl" --user "$@"; }
uv net-start default >/dev/null || fail "net-start default"
SOCK=$TMP/run/vnet/default/switch

ip netns exec "$G" vde_plug "vde://$SOCK" tap://ut0 >"$TMP/plug.log" 2>&1 &
PLUG_PID=$!
wait_for 50 ip -n "$G" link show ut0 || fail "vde_plug tap: $(cat "$TMP/plug.log")"
ip -n "$G" link set ut0 up
ip netns exec "$G" busybox udhcpc -i ut0 -n -q -t 6 -T 1 -s "$ROOT/tests/udhcpc.script" \
	>"$TMP/dhcp.log" 2>&1 || fail "no lease: $(cat "$TMP/dhcp.log")"
GIP=$(ip -n "$G" -4 -o addr show ut0 | awk '{print $4}' | cut -d/ -f1)

ip netns exec "$H" iperf3 -s -1 -B 127.0.0.1 -p 5201 >/dev/null 2>&1 &
wait_for 50 listening "$H" 5201 || fail "iperf3 server"
bps() { tee -a "$TMP/iperf.json" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'; }
RES=$BUILD/bench-user.txt
: >"$RES"
rec() { [ -n "$2" ] || fail "no figure for $1"; echo "user $1 $2" | tee -a "$RES"; }

rec guest-to-host "$(ip netns exec "$G" iperf3 -c 192.168.122.1 -p 5201 -t "$SECS" -J | bps)"
ip netns exec "$H" iperf3 -s -1 -B 127.0.0.1 -p 5201 >/dev/null 2>&1 &
wait_for 50 listening "$H" 5201 || fail "iperf3 server"
rec host-to-guest "$(ip netns exec "$G" iperf3 -c 192.168.122.1 -p 5201 -t "$SECS" -R -J | bps)"
ip netns exec "$G" iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
wait_for 50 listening "$G" 5202 || fail "iperf3 server in the guest"
uv forward-add default tcp 15202 "$GIP:5202" >/dev/null || fail "forward-add"
rec forward "$(ip netns exec "$H" iperf3 -c 127.0.0.1 -p 15202 -t "$SECS" -J | bps)"
