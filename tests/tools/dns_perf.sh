#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Queries per second of the DNS proxy (tests/tools/dnsd_standalone) and of
# dnsmasq, side by side in one run, measured with dnsperf from a guest
# namespace: local names, and cached external names, and for local names
# the ceiling of the I/O (tests/tools/dns_echo: recvmmsg/sendmmsg, no DNS
# work). Prints a table; also per second of each server's own CPU time.
# Knobs: SECS per run, ROUNDS (the servers take turns; medians),
# DP_CLIENTS and DP_OUTSTANDING (dnsperf -c, -q). The last line says
# whether the target of issue 21.3 is met: local names >= 2x dnsmasq.
# Exit 0, or 77 when a tool is missing.
BUILD=${BUILD:-build}
BIN=$BUILD/tests/tools/dnsd_standalone
SECS=${SECS:-5}
ROUNDS=${ROUNDS:-3}
DP_CLIENTS=${DP_CLIENTS:-4}		# dnsperf -c: sockets
DP_OUTSTANDING=${DP_OUTSTANDING:-500}	# dnsperf -q: queries in flight
HERE=$(dirname "$0")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in dnsperf dnsmasq python3 ip /usr/bin/time; do
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
ip -n $H addr add 10.97.0.3/24 dev hg0
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
VPID=$!
PIDS="$PIDS $!"
ip netns exec $H dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address=10.97.0.2 --except-interface=lo --user=root \
	--server=10.96.0.2 --local=/example/ --host-record=guest1.example,10.97.0.10 \
	--cache-size=4096 --pid-file="$TMP/dnsmasq.pid" >"$TMP/dm.out" 2>&1 &
DPID=$!
PIDS="$PIDS $!"
# the ceiling: the same UDP I/O with no DNS work (tests/tools/dns_echo.c)
ip netns exec $H "$BUILD/tests/tools/dns_echo" 10.97.0.3 >"$TMP/echo.out" 2>&1 &
EPID=$!
PIDS="$PIDS $!"
sleep 1
echo "guest1.example A" >"$TMP/local"
echo "www.test A" >"$TMP/cached"
for s in 10.97.0.1 10.97.0.2; do ip netns exec $G dig @$s +short www.test >/dev/null; done
# A server's CPU time so far (utime + stime, clock ticks).
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# One dnsperf run: "queries/s lost% rcodes server-CPU-ticks dnsperf-CPU-centiseconds".
qps() { # server-ip server-pid file
	local t0 t1
	t0=$(ticks "$2")
	ip netns exec $G /usr/bin/time -o "$TMP/gen.cpu" -f "%U %S" \
		dnsperf -s "$1" -d "$3" -l "$SECS" -c "$DP_CLIENTS" -q "$DP_OUTSTANDING" 2>&1 |
		awk '/Queries per second/ {q = int($4)} /Queries lost/ {l = $4}
		     /Response codes/ {r = $3} END {printf "%d %s %s", q, l, r}'
	t1=$(ticks "$2")
	echo " $((t1 - t0)) $(awk '{ printf "%d", ($1 + $2) * 100 }' "$TMP/gen.cpu")"
}
HZ=$(getconf CLK_TCK)
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }
# The servers take turns, ROUNDS times per workload.
for w in local cached; do
	for i in $(seq "$ROUNDS"); do
		echo "$(qps 10.97.0.1 "$VPID" "$TMP/$w")" >>"$TMP/$w.vnet"
		echo "$(qps 10.97.0.2 "$DPID" "$TMP/$w")" >>"$TMP/$w.dnsmasq"
		[ "$w" = local ] && echo "$(qps 10.97.0.3 "$EPID" "$TMP/$w")" >>"$TMP/$w.echo"
	done
done
# per CPU-s = queries answered per second of the server's own CPU time
# (what one core would answer with the server saturated)
cell() { # file -> "qps (lost%) rcodes | per-CPU-s", medians over the rounds
	local q c
	q=$(awk '{ print $1 }' "$1" | median)
	c=$(awk -v hz="$HZ" -v s="$SECS" '{ print ($4 > 0 ? int($1 * s * hz / $4) : 0) }' "$1" |
		median)
	echo "$q $(awk -v q="$q" '$1 == q { printf "%s %s", $2, $3; exit }' "$1") $c"
}
{
echo "DNS: dnsperf -c $DP_CLIENTS -q $DP_OUTSTANDING -l $SECS, one name," \
	"$ROUNDS rounds each (medians)"
echo "per CPU-s = queries answered per second of the server's own CPU time"
printf '%-8s %-30s %-30s %-6s %-12s %-12s %s\n' workload "vnet q/s" "dnsmasq q/s" ratio \
	"vnet/CPU-s" "dnsmasq/CPU-s" "ratio"
for w in local cached; do
	set -- $(cell "$TMP/$w.vnet")
	vq=$1 vc=$4 vcell="$1 $2 $3"
	set -- $(cell "$TMP/$w.dnsmasq")
	dq=$1 dc=$4 dcell="$1 $2 $3"
	r=$(awk -v a="$vq" -v b="$dq" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	rc=$(awk -v a="$vc" -v b="$dc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%-8s %-30s %-30s %-6s %-12s %-12s %s\n' "$w" "$vcell" "$dcell" "$r" "$vc" "$dc" "$rc"
	[ "$w" = local ] && { lr=$r; lrc=$rc; lq=$vq; lvc=$vc; ldc=$dc; }
done
set -- $(cell "$TMP/local.echo")
e=$(awk -v a="$lq" -v b="$1" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
ec=$(awk -v a="$lvc" -v b="$4" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
ed=$(awk -v a="$4" -v b="$ldc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "ceiling (dns_echo: the same recvmmsg/sendmmsg I/O, no DNS work): $1 q/s, $4 per CPU-s;"
echo "vnet local at ${e}x of its q/s and ${ec}x of its per CPU-s; the ceiling per CPU-s is"
echo "${ed}x dnsmasq's (the most any server on this socket I/O could be)"
# dnsperf shares the cores: per query it costs 1/G of a CPU-second, so when
# the CPU time is what runs out, the q/s ratio comes to
# (1/G + 1/dnsmasq) / (1/G + 1/vnet) at these per-CPU-s figures
g=$(awk -v s="$SECS" '{ print ($5 > 0 ? int($1 * s * 100 / $5) : 0) }' "$TMP/local.vnet" | median)
b=$(awk -v g="$g" -v d="$ldc" -v v="$lvc" \
	'BEGIN { printf "%.2f", (g > 0 && d > 0 && v > 0 ? (1 / g + 1 / d) / (1 / g + 1 / v) : 0) }')
z=$(awk -v g="$g" -v d="$ldc" 'BEGIN { printf "%.2f", (d > 0 ? 1 + g / d : 0) }')
echo "dnsperf completes $g queries per second of its own CPU; sharing the CPU time"
echo "with it, vnet's q/s comes to ${b}x dnsmasq's at these per CPU-s figures, and a"
echo "server costing nothing to ${z}x"
m=$(awk -v r="$lr" 'BEGIN { print (r >= 2 ? "met" : "NOT met") }')
echo "target: local names >= 2x dnsmasq's queries/s: ${lr}x: $m (per CPU-s: ${lrc}x)"
} | tee "$BUILD/bench-dns.txt"
