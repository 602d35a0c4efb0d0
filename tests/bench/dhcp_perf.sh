#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Leases per second of vnet's DHCP service (tests/tools/dhcpd_standalone,
# no daemon) and of dnsmasq, measured with perfdhcp (package kea-admin).
# A server namespace holds bridge br0 = 10.99.0.1/16 (pool 10.99.1.0 -
# 10.99.255.254, short lease); a client namespace runs perfdhcp, which acts
# as a relay agent (giaddr 10.99.0.2, port 67), doing full DORA exchanges at a
# fixed offered rate from many simulated clients. dnsmasq runs with --no-ping:
# its default ping before each new offer stalls it for seconds per address,
# and vnet does not ping either. The servers take turns, ROUNDS times each,
# each round from an empty lease file. Prints a table and writes it to
# $BUILD/bench-dhcp.txt. Exit 0, 1 on setup failure, 77 skip.
# Knobs: RATE (offered exchanges/s), GENS (perfdhcp processes sharing
# RATE), SECS (per run), ROUNDS, CLIENTS,
# LEASEDIR (directory for the lease files, default a /tmp dir), KEEP=1
# (print perfdhcp's full output on stderr).
# Namespaces are named pd$$-*; everything is removed on exit.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
BIN=$BUILD/tests/tools/dhcpd_standalone
RATE=${RATE:-12000}
TARGET=10000	# issue 21.3: leases/s
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-60000}
GENS=${GENS:-1}	# perfdhcp processes, each RATE/GENS from its own address and MACs
LEASE_SECS=120	# dnsmasq's minimum lease time; same for both
OUT=$BUILD/bench-dhcp.txt

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in perfdhcp dnsmasq ip ss awk sort; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t (tests/deps.sh)"; exit 77; }
done
make -s -C "$TOP" BUILD="$BUILD" "$BIN" >/dev/null 2>&1 ||
	{ echo "FAIL: cannot build $BIN"; exit 1; }

S=pd$$-s C=pd$$-c
TMP=$(mktemp -d /tmp/pd$$.XXXXXX)
LD=$TMP	# lease files; LEASEDIR=/dev/shm shows the cost of fsync on disk
[ -n "${LEASEDIR:-}" ] && LD=$(mktemp -d "$LEASEDIR/pd$$.XXXXXX")
SRV=""
stop_server() {
	[ -n "$SRV" ] || return 0
	kill -TERM "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	SRV=""
}
cleanup() {
	stop_server
	for n in $S $C; do
		pids=$(ip netns pids $n 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del $n 2>/dev/null
	done
	[ -n "${KEEP:-}" ] && cat "$TMP/pd.all" >&2
	rm -rf "$TMP" "$LD"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

set -e
for n in $S $C; do ip netns add $n; ip -n $n link set lo up; done
ip -n $S link add br0 type bridge
ip -n $S addr add 10.99.0.1/16 dev br0
ip -n $S link add v0 type veth peer name eth0 netns $C
ip -n $S link set v0 master br0 up
ip -n $S link set br0 up
for g in $(seq "$GENS"); do ip -n $C addr add 10.99.0.$((g + 1))/16 dev eth0; done
ip -n $C link set eth0 up
set +e

# Wait until something listens on UDP port 67 in the server namespace.
wait_port67() {
	for _ in $(seq 50); do
		ip netns exec $S ss -Hlun 'sport = :67' | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# DHCPD_QUIET: the daemon's default log level (the standalone driver
# otherwise logs every packet, which the daemon does not do).
start_vnet() {
	ip netns exec $S env DHCPD_QUIET=1 "$BIN" br0 10.99.0.1/16 10.99.1.0 10.99.255.254 \
		"$LD/vnet.leases" \
		$LEASE_SECS >"$TMP/vnet.out" 2>/dev/null &
	SRV=$!
}
start_dnsmasq() {
	ip netns exec $S dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=br0 \
		--dhcp-range=10.99.1.0,10.99.255.254,255.255.0.0,${LEASE_SECS}s \
		--dhcp-lease-max=70000 --dhcp-leasefile="$LD/dm.leases" --quiet-dhcp --no-ping \
		--user=root --pid-file="$TMP/dm.pid" >"$TMP/dm.out" 2>&1 &
	SRV=$!
}

# The server's CPU time so far, in clock ticks (utime + stime).
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$SRV/stat" 2>/dev/null || echo 0
}

# Replies the client namespace's kernel dropped because perfdhcp's socket
# was full (UDP RcvbufErrors): the load generator falling behind.
client_rcvbuf_errors() {
	ip netns exec $C cat /proc/net/snmp | awk '
		$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) if (k[i] == "RcvbufErrors") print $i }'
}

# One run: prints "completed_exchanges_per_s drops exchanges_per_server_cpu_s
# replies_dropped_at_perfdhcp".
# GENS perfdhcp processes offer RATE/GENS each (one perfdhcp cannot read the
# replies fast enough here: its socket overflows); their rates are summed.
run() { # server-name
	rm -f "$LD"/*.leases
	start_$1
	wait_port67 || { echo "FAIL: $1 did not start" >&2; cat "$TMP"/*.out >&2; exit 1; }
	t0=$(cpu_ticks)
	e0=$(client_rcvbuf_errors)
	pids=""
	for g in $(seq "$GENS"); do
		ip netns exec $C perfdhcp -4 -l 10.99.0.$((g + 1)) -r $((RATE / GENS)) \
			-R $((CLIENTS / GENS)) -b mac=00:0c:0$g:00:00:00 -p "$SECS" -d 2 10.99.0.1 \
			>"$TMP/pd.out.$g" 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	t1=$(cpu_ticks)
	e1=$(client_rcvbuf_errors)
	stop_server
	cat "$TMP"/pd.out.* >>"$TMP/pd.all"
	cat "$TMP"/pd.out.* | awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v secs="$SECS" \
		-v lost=$((e1 - e0)) '
	     /^Rate:/ { r += $2 }
	     /^drops:/ { d += $2 }
	     END { c = ticks / hz; printf "%d %d %d %d\n", r, d, (c > 0 ? r * secs / c : 0), lost }'
	rm -f "$TMP"/pd.out.*
}

: >"$TMP/vnet.res"
: >"$TMP/dnsmasq.res"
for i in $(seq "$ROUNDS"); do
	for srv in vnet dnsmasq; do
		r=$(run $srv)
		[ -n "$r" ] || exit 1
		echo "round $i $srv: $r" >&2
		echo "$r" >>"$TMP/$srv.res"
	done
done

stats() { # file column -> "median min max"
	awk -v c="$2" '{ print $c }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%d %d %d", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
{
	echo "DHCP: perfdhcp -r $RATE -R $CLIENTS -p $SECS (DORA via relay), $ROUNDS rounds each,"
	echo "pool 10.99.1.0-10.99.255.254, lease ${LEASE_SECS}s, lease files on $(df -T "$LD" |
		awk 'NR == 2 { print $2 }')"
	echo "drops = DISCOVERs + REQUESTs unanswered within 2 s; dnsmasq --no-ping"
	echo "per CPU-s = completed exchanges per second of the server's own CPU time"
	echo "(what one core would complete with the server saturated); lost at perfdhcp ="
	echo "replies dropped because perfdhcp's socket was full (the generator fell behind)"
	printf '%-8s %-24s %-24s %-24s %s\n' server "leases/s median (min-max)" \
		"drops median (min-max)" "per CPU-s median (min-max)" "lost at perfdhcp (median)"
	for srv in vnet dnsmasq; do
		set -- $(stats "$TMP/$srv.res" 1)
		r="$1 ($2-$3)"
		set -- $(stats "$TMP/$srv.res" 2)
		d="$1 ($2-$3)"
		set -- $(stats "$TMP/$srv.res" 3)
		c="$1 ($2-$3)"
		set -- $(stats "$TMP/$srv.res" 4)
		printf '%-8s %-24s %-24s %-24s %s\n' $srv "$r" "$d" "$c" "$1"
	done
	set -- $(stats "$TMP/vnet.res" 1)
	v=$1
	set -- $(stats "$TMP/vnet.res" 3)
	vc=$1
	if [ "$v" -ge "$TARGET" ]; then
		m="met"
	else
		m="NOT met"
	fi
	echo "target: DHCPv4 >= $TARGET leases/s: $v: $m"
	if [ "$v" -lt "$TARGET" ] && [ "$vc" -ge "$TARGET" ]; then
		echo "  (the server's CPU allows $vc/s: the load generator or the machine is the limit)"
	fi
} | tee "$OUT"
exit 0
