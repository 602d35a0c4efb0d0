#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Leases per second of vnet's DHCP service (tests/tools/dhcpd_standalone,
# no daemon) and of dnsmasq, measured with perfdhcp (package kea-admin).
# A server namespace holds bridge br0 = 10.99.0.1/16 (pool 10.99.1.0 -
# 10.99.255.254, short lease); a client namespace runs GENS perfdhcp
# processes, each a relay agent (giaddr 10.99.0.2, .3, ..., port 67) doing
# full DORA exchanges at RATE/GENS offered per second from its own simulated
# clients. dnsmasq runs with --no-ping: its default ping before each new
# offer stalls it for seconds per address, and vnet does not ping either.
# The servers take turns, ROUNDS times each, each round from an empty lease
# file. Prints a table and writes it to $BUILD/bench-dhcp.txt.
# Exit 0, 1 on setup failure, 77 skip.
# The generator is made to measure the server, not itself (issue 21.3):
# perfdhcp runs single-threaded (-g single: ~1.3x the exchanges per CPU
# second of its two-thread mode here), on jemalloc, and with a 32 MiB
# receive buffer (tests/bench/rcvbuf_preload.c: a namespace's sockets get
# the host's 208 KiB rmem_default, which overflowed at 2k replies/s). The
# table says where replies were lost (perfdhcp's socket, the server's
# socket) and what each side completes per second of its own CPU.
# Knobs: RATE (offered exchanges/s, all generators), GENS (perfdhcp
# processes), SECS (per run), ROUNDS, CLIENTS, LEASEDIR (directory for the
# lease files, default a /tmp dir), SERVERS ("vnet dnsmasq"; add vnet_old
# with VNET_OLD=path to another dhcpd_standalone to compare builds in one
# run), PIN_SRV / PIN_GEN (command prefixes, e.g. "taskset -c 0"),
# PERF=record|trace (perf profile or syscall summary of the server into
# $BUILD/dhcp-SERVER.perf|.trace), KEEP=1 (perfdhcp's full output and the
# namespaces' UDP counters on stderr), GEN_PRELOAD (a library for perfdhcp,
# default jemalloc; empty: none).
# Namespaces are named pd$$-*; everything is removed on exit.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
. "$TOP/tests/lib.sh"
BIN=$BUILD/tests/tools/dhcpd_standalone
RATE=${RATE:-16000}
TARGET=10000	# issue 21.3: leases/s
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-60000}
GENS=${GENS:-2}	# perfdhcp processes, each RATE/GENS from its own address and MACs
SERVERS=${SERVERS:-vnet dnsmasq}
RCVBUF=${RCVBUF:-33554432}	# perfdhcp's receive buffer (bytes)
SHIM=$BUILD/bench/rcvbuf.so
# perfdhcp spends a third of its CPU in glibc's malloc and free: jemalloc
# (libjemalloc2) lets it offer ~1.45x more per CPU-second; GEN_PRELOAD=
# (empty) runs it without
JEMALLOC=/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2
[ -e "$JEMALLOC" ] || JEMALLOC=""
GEN_PRELOAD=${GEN_PRELOAD-$JEMALLOC}
PIN_SRV=${PIN_SRV:-} PIN_GEN=${PIN_GEN:-}
LEASE_SECS=120	# dnsmasq's minimum lease time; same for both
OUT=$BUILD/bench-dhcp.txt

for t in perfdhcp dnsmasq ip ss awk sort /usr/bin/time; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t (tests/deps.sh)"; exit 77; }
done
S=pd$$-s C=pd$$-c
dhcpd_test_init pd$$ "$BIN" $S $C
make -s -C "$TOP" BUILD="$BUILD" "$SHIM" >/dev/null 2>&1 || { echo "FAIL: cannot build $SHIM"; exit 1; }
LD=$T	# lease files; LEASEDIR=/dev/shm shows the cost of fsync on disk
[ -n "${LEASEDIR:-}" ] && LD=$(mktemp -d "$LEASEDIR/pd$$.XXXXXX")
test_cleanup() {
	[ -n "${KEEP:-}" ] && cat "$T/pd.all" >&2
	rm -rf "$LD"
}
dhcpd_ns $S 10.99.0.1/16 && dhcpd_client_ns $S $C v0 || exit 1
for g in $(seq "$GENS"); do ip -n $C addr add 10.99.0.$((g + 1))/16 dev eth0 || exit 1; done

# Wait until something listens on UDP port 67 in the server namespace.
wait_port67() { wait_for 50 sh -c "ip netns exec $S ss -Hlun 'sport = :67' | grep -q ."; }

# DHCPD_QUIET: the daemon's default log level (the standalone driver
# otherwise logs every packet, which the daemon does not do).
start_vnet() { # [binary]
	dhcpd_start $S "$T/vnet" env DHCPD_QUIET=1 $PIN_SRV "${1:-$BIN}" br0 10.99.0.1/16 \
		10.99.1.0 10.99.255.254 "$LD/vnet.leases" $LEASE_SECS
}
start_vnet_old() {
	start_vnet "$VNET_OLD"
}
start_dnsmasq() {
	ip netns exec $S $PIN_SRV dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=br0 \
		--dhcp-range=10.99.1.0,10.99.255.254,255.255.0.0,${LEASE_SECS}s \
		--dhcp-lease-max=70000 --dhcp-leasefile="$LD/dm.leases" --quiet-dhcp --no-ping \
		--user=root --pid-file="$T/dm.pid" >"$T/dm.out" 2>&1 &
	DHCPD_PID=$!
}

# The server's CPU time so far, in clock ticks (utime + stime).
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$DHCPD_PID/stat" 2>/dev/null || echo 0
}

# Datagrams a namespace's kernel dropped because a UDP socket was full
# (RcvbufErrors): in the client namespace the generator falling behind, in
# the server namespace the server.
rcvbuf_errors() { # namespace
	ip netns exec $1 cat /proc/net/snmp | awk '
		$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) if (k[i] == "RcvbufErrors") print $i }'
}

# One run: prints "completed_exchanges_per_s drops exchanges_per_server_cpu_s
# lost_at_perfdhcp lost_at_server offered_per_s exchanges_per_perfdhcp_cpu_s".
# offered = DISCOVERs perfdhcp managed to send per second (it falls short of
# RATE when it lacks CPU); its CPU time is the generators' user + system.
run() { # server-name
	rm -f "$LD"/*.leases "$T/gen.cpu"
	start_$1
	wait_port67 || { echo "FAIL: $1 did not start" >&2; cat "$T"/*.out >&2; exit 1; }
	t0=$(cpu_ticks)
	c0=$(rcvbuf_errors $C)
	s0=$(rcvbuf_errors $S)
	PP=""
	case ${PERF:-} in
	trace) perf trace -s -p "$DHCPD_PID" -o "$BUILD/dhcp-$1.trace" >/dev/null 2>&1 & PP=$! ;;
	?*) perf record -q -g -p "$DHCPD_PID" -o "$BUILD/dhcp-$1.perf" >/dev/null 2>&1 & PP=$! ;;
	esac
	pids=""
	for g in $(seq "$GENS"); do
		ip netns exec $C env LD_PRELOAD="$SHIM${GEN_PRELOAD:+ $GEN_PRELOAD}" RCVBUF_BYTES="$RCVBUF" $PIN_GEN \
			/usr/bin/time -a -o "$T/gen.cpu" -f "%U %S" \
			perfdhcp -g single -4 -l 10.99.0.$((g + 1)) -r $((RATE / GENS)) \
			-R $((CLIENTS / GENS)) -b mac=00:0c:0$g:00:00:00 -p "$SECS" -d 2 10.99.0.1 \
			>"$T/pd.out.$g" 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	t1=$(cpu_ticks)
	c1=$(rcvbuf_errors $C)
	s1=$(rcvbuf_errors $S)
	if [ -n "$PP" ]; then kill -INT "$PP"; wait "$PP"; fi
	if [ -n "${KEEP:-}" ]; then
		echo "$1: UDP counters of the server and the client namespace:" >&2
		ip netns exec $S grep Udp: /proc/net/snmp >&2
		ip netns exec $C grep Udp: /proc/net/snmp >&2
	fi
	dhcpd_stop
	cat "$T"/pd.out.* >>"$T/pd.all"
	gen=$(awk '{ c += $1 + $2 } END { printf "%.2f", c }' "$T/gen.cpu")
	cat "$T"/pd.out.* | awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v secs="$SECS" \
		-v lost=$((c1 - c0)) -v slost=$((s1 - s0)) -v gen="$gen" '
	     /^Rate:/ { r += $2; disc = 1 }
	     /^drops:/ { d += $2 }
	     /^sent packets:/ && disc { sent += $3; disc = 0 }
	     END { c = ticks / hz
		   printf "%d %d %d %d %d %d %d\n", r, d, (c > 0 ? r * secs / c : 0), lost, slost,
			  sent / secs, (gen > 0 ? r * secs / gen : 0) }'
	rm -f "$T"/pd.out.*
}

dhcpd_rounds
{
	echo "DHCP: $GENS x perfdhcp -g single -r $((RATE / GENS)) -R $((CLIENTS / GENS)) -p $SECS" \
		"(DORA via relay${GEN_PRELOAD:+, on $(basename "$GEN_PRELOAD")}), $ROUNDS rounds each,"
	echo "pool 10.99.1.0-10.99.255.254, lease ${LEASE_SECS}s, lease files on $(df -T "$LD" |
		awk 'NR == 2 { print $2 }')"
	echo "drops = DISCOVERs + REQUESTs unanswered within 2 s; dnsmasq --no-ping"
	echo "offered = DISCOVERs perfdhcp sent per second (short of $RATE: perfdhcp lacked CPU)"
	echo "per CPU-s = completed exchanges per second of the server's own CPU time"
	echo "(what one core would complete with the server saturated); lost = replies"
	echo "(at perfdhcp) or requests (at server) dropped because that socket was full;"
	echo "perfdhcp/CPU-s = completed exchanges per second of the generators' CPU time"
	printf '%-8s %-22s %-22s %-8s %-22s %-8s %-8s %s\n' server "leases/s med (min-max)" \
		"drops med (min-max)" offered "per CPU-s med (min-max)" "lost@pd" "lost@srv" \
		"perfdhcp/CPU-s"
	for srv in $SERVERS; do
		set -- $(dhcpd_stats "$T/$srv.res" 1)
		r="$1 ($2-$3)"
		set -- $(dhcpd_stats "$T/$srv.res" 2)
		d="$1 ($2-$3)"
		set -- $(dhcpd_stats "$T/$srv.res" 3)
		c="$1 ($2-$3)"
		printf '%-8s %-22s %-22s %-8s %-22s %-8s %-8s %s\n' $srv "$r" "$d" \
			"$(dhcpd_stats "$T/$srv.res" 6 | cut -d' ' -f1)" "$c" \
			"$(dhcpd_stats "$T/$srv.res" 4 | cut -d' ' -f1)" \
			"$(dhcpd_stats "$T/$srv.res" 5 | cut -d' ' -f1)" \
			"$(dhcpd_stats "$T/$srv.res" 7 | cut -d' ' -f1)"
	done
	case " $SERVERS " in *" vnet "*) ;; *) exit 0 ;; esac
	set -- $(dhcpd_stats "$T/vnet.res" 1)
	v=$1
	set -- $(dhcpd_stats "$T/vnet.res" 3)
	vc=$1
	set -- $(dhcpd_stats "$T/vnet.res" 5)
	vl=$1
	set -- $(dhcpd_stats "$T/vnet.res" 6)
	vo=$1
	if [ "$v" -ge "$TARGET" ]; then
		m="met"
	else
		m="NOT met"
	fi
	if [ -n "$(echo " $SERVERS " | grep " dnsmasq ")" ]; then
		set -- $(dhcpd_stats "$T/dnsmasq.res" 1)
		m="$m (dnsmasq $1/s)"
	fi
	echo "target: DHCPv4 >= $TARGET leases/s: $v: $m"
	if [ "$v" -lt "$TARGET" ]; then
		if [ "$vl" -gt 0 ]; then
			echo "  (the server's socket overflowed: the server, at the CPU it got, is the limit;"
			echo "   per CPU-s it completes $vc/s)"
		else
			echo "  (perfdhcp offered $vo/s and the server dropped nothing: the generators or"
			echo "   the machine are the limit; the server's CPU allows $vc/s)"
		fi
	fi
} | tee "$OUT"
exit 0
