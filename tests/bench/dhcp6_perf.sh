#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DHCPv6 exchanges per second of vnet's DHCPv6 service
# (tests/tools/dhcp6d_standalone, no daemon) and of dnsmasq, measured with
# perfdhcp -6 (package kea-admin); the IPv6 twin of dhcp_perf.sh (issue 18).
# A server namespace holds bridge br0 = fd00:99::1/64 (pool fd00:99::1:0 -
# fd00:99::1:ffff, 65,536 addresses, short lease); a client namespace runs
# perfdhcp on its eth0 (link-local source, to ff02::1:2 as a client on the
# link: vnet serves no relays), doing full SOLICIT-ADVERTISE-REQUEST-REPLY
# exchanges at a fixed offered rate from many simulated clients (DUIDs).
# The servers take turns, ROUNDS times each, each round from an empty lease
# file. Prints a table and writes it to $BUILD/bench-dhcp6.txt.
# Exit 0, 1 on setup failure, 77 skip.
# Knobs: RATE (offered exchanges/s), SECS (per run), ROUNDS, CLIENTS,
# SERVERS (default "vnet dnsmasq"), OLD_BIN (an older dhcp6d_standalone,
# run as server "old" alternating with the others: old against new),
# LEASEDIR (directory for the lease files, default a /tmp dir), KEEP=1
# (print perfdhcp's full output on stderr), VNET_TEST_PREFIX (namespace
# prefix, default p6$$). Everything is removed on exit.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
. "$TOP/tests/lib.sh"
BIN=$BUILD/tests/tools/dhcp6d_standalone
RATE=${RATE:-2000}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-60000}
LEASE_SECS=120	# dnsmasq's minimum lease time; same for both
OUT=$BUILD/bench-dhcp6.txt

for t in perfdhcp dnsmasq ip ss awk sort; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t (tests/deps.sh)"; exit 77; }
done
PFX=${VNET_TEST_PREFIX:-p6$$}
S=$PFX-s C=$PFX-c
dhcpd_test_init $PFX "$BIN" $S $C
LD=$T	# lease files; LEASEDIR=/dev/shm shows the cost of fsync on disk
[ -n "${LEASEDIR:-}" ] && LD=$(mktemp -d "$LEASEDIR/$PFX.XXXXXX")
test_cleanup() {
	[ -n "${KEEP:-}" ] && cat "$T/pd.all" >&2
	rm -rf "$LD"
}
dhcpd_ns $S fd00:99::1/64 nodad && dhcpd_client_ns $S $C v0 || exit 1
# perfdhcp sends from eth0's link-local address: wait out its DAD
dhcpd_ll_wait $C

cat >"$T/p6.xml" <<X
<network><name>p6</name><bridge name='br0'/>
<ip family='ipv6' address='fd00:99::1' prefix='64'><dhcp>
<range start='fd00:99::1:0' end='fd00:99::1:ffff'><lease expiry='$LEASE_SECS' unit='seconds'/></range>
</dhcp></ip></network>
X

# Wait until something listens on UDP port 547 in the server namespace.
wait_port547() { wait_for 50 sh -c "ip netns exec $S ss -Hlun 'sport = :547' | grep -q ."; }

start_vnet() {
	ip netns exec $S "$BIN" "$T/p6.xml" "$LD/vnet.leases6" >"$T/vnet.out" 2>"$T/vnet.err" &
	DHCPD_PID=$!
}
# OLD_BIN: an older build's dhcp6d_standalone, run as "old" in turn with
# the others (old against new in one run, alternating).
start_old() {
	ip netns exec $S "$OLD_BIN" "$T/p6.xml" "$LD/old.leases6" >"$T/old.out" 2>"$T/old.err" &
	DHCPD_PID=$!
}
start_dnsmasq() {
	ip netns exec $S dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=br0 \
		--dhcp-range=fd00:99::1:0,fd00:99::1:ffff,64,${LEASE_SECS}s \
		--dhcp-lease-max=70000 --dhcp-leasefile="$LD/dm.leases" --quiet-dhcp6 \
		--user=root --pid-file="$T/dm.pid" >"$T/dm.out" 2>&1 &
	DHCPD_PID=$!
}

# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$DHCPD_PID/stat"; }

# One run: prints "completed_exchanges_per_s drops cpu_us_per_exchange"
# (the server's CPU from its start to the end of perfdhcp's run, over the
# REPLYs perfdhcp received: a figure the machine's load hardly moves).
run() { # server-name
	local cpu
	rm -f "$LD"/*.leases*
	start_$1
	wait_port547 || { echo "FAIL: $1 did not start" >&2; cat "$T"/*.out "$T"/*.err >&2; exit 1; }
	ip netns exec $C perfdhcp -6 -l eth0 -r "$RATE" -R "$CLIENTS" -p "$SECS" \
		-d 2 >"$T/pd.out" 2>&1
	cpu=$(cpu_ticks)
	dhcpd_stop
	cat "$T/pd.out" >>"$T/pd.all"
	awk -v cpu="$cpu" -v hz="$(getconf CLK_TCK)" '
	     /^Rate:/ { r = $2 }
	     /^drops:/ { d += $2 }
	     /REQUEST-REPLY/ { rr = 1 }
	     rr && /^received packets:/ { got = $3; rr = 0 }
	     END { printf "%d %d %.1f\n", r, d, got ? cpu / hz * 1e6 / got : 0 }' "$T/pd.out"
}

SERVERS=${SERVERS:-${OLD_BIN:+old }vnet dnsmasq}
dhcpd_rounds
{
	echo "DHCPv6: perfdhcp -6 -r $RATE -R $CLIENTS -p $SECS (SOLICIT/ADVERTISE/REQUEST/REPLY), $ROUNDS rounds each,"
	echo "pool fd00:99::1:0-fd00:99::1:ffff, lease ${LEASE_SECS}s, lease files on $(df -T "$LD" |
		awk 'NR == 2 { print $2 }')"
	echo "drops = SOLICITs + REQUESTs unanswered within 2 s"
	echo "cpu = the server's CPU per completed exchange (us: user + system over REPLYs received)"
	printf '%-8s %-28s %-24s %-20s\n' server "exchanges/s median (min-max)" \
		"drops median (min-max)" "cpu us median (min-max)"
	for srv in $SERVERS; do
		set -- $(dhcpd_stats "$T/$srv.res" 1)
		r="$1 ($2-$3)"
		set -- $(dhcpd_stats "$T/$srv.res" 2)
		d="$1 ($2-$3)"
		set -- $(dhcpd_stats "$T/$srv.res" 3)
		c="$1 ($2-$3)"
		printf '%-8s %-28s %-24s %-20s\n' $srv "$r" "$d" "$c"
	done
} | tee "$OUT"
exit 0
