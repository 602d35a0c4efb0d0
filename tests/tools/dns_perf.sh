#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Queries per second of the DNS proxy (tests/tools/dnsd_standalone) and of
# dnsmasq, side by side in one run, measured with dnsperf from a guest
# namespace: local names, and cached external names. Prints a table.
# Exit 0, or 77 when a tool is missing.
BUILD=${BUILD:-build}
BIN=$BUILD/tests/tools/dnsd_standalone
SECS=${SECS:-5}
HERE=$(dirname "$0")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in dnsperf dnsmasq python3 ip; do
	command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }
done
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 77; }
H=hdns-$$-ph G=hdns-$$-pg W=hdns-$$-pw
TMP=$(mktemp -d /tmp/hdns-$$.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for n in $H $G $W; do ip netns del $n 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
set -e
for n in $H $G $W; do ip netns add $n; ip -n $n link set lo up; done
ip -n $H link add hg0 type veth peer name eth0 netns $G
ip -n $H link add hw0 type veth peer name eth0 netns $W
ip -n $H addr add 10.97.0.1/24 dev hg0
ip -n $H addr add 10.97.0.2/24 dev hg0
ip -n $H addr add 10.96.0.1/24 dev hw0
ip -n $G addr add 10.97.0.10/24 dev eth0
ip -n $W addr add 10.96.0.2/24 dev eth0
ip -n $W addr add 10.96.0.3/24 dev eth0
for l in "$H hg0" "$H hw0" "$G eth0" "$W eth0"; do set -- $l; ip -n $1 link set $2 up; done
set +e
ip netns exec $W python3 "$HERE/../system/dns_upstream.py" 10.96.0.2 10.96.0.3 /dev/null \
	>"$TMP/up.out" 2>&1 &
PIDS="$PIDS $!"
ip netns exec $H "$BIN" --ip 10.97.0.1 --prefix 24 --domain example \
	--name guest1=10.97.0.10 --forwarder 10.96.0.2 >"$TMP/p.out" 2>&1 &
PIDS="$PIDS $!"
ip netns exec $H dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address=10.97.0.2 --except-interface=lo --user=root \
	--server=10.96.0.2 --local=/example/ --host-record=guest1.example,10.97.0.10 \
	--cache-size=4096 --pid-file="$TMP/dnsmasq.pid" >"$TMP/dm.out" 2>&1 &
PIDS="$PIDS $!"
sleep 1
echo "guest1.example A" >"$TMP/local"
echo "www.test A" >"$TMP/cached"
for s in 10.97.0.1 10.97.0.2; do ip netns exec $G dig @$s +short www.test >/dev/null; done
qps() { # server file
	ip netns exec $G dnsperf -s "$1" -d "$2" -l "$SECS" -c 4 -q 64 2>&1 |
		awk '/Queries per second/ {q = int($4)} /Queries lost/ {l = $4}
		     /Response codes/ {r = $3} END {printf "%d %s %s\n", q, l, r}'
}
# each cell: queries/s, (lost %), response codes; also in $BUILD/bench-dns.txt
{
printf '%-8s %-34s %-34s\n' "workload" "vnet" "dnsmasq"
for w in local cached; do
	v=$(qps 10.97.0.1 "$TMP/$w")
	d=$(qps 10.97.0.2 "$TMP/$w")
	printf '%-8s %-34s %-34s\n' "$w" "$v" "$d"
done
} | tee "$BUILD/bench-dns.txt"
