#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DHCPv6 Replies that grant a lease wait for the lease file's sync, which
# no longer blocks the loop (issue 21.3, as DHCPv4 in dhcp_burst.sh): vnet's
# DHCPv6 service without the daemon (tests/tools/dhcp6d_standalone) with
# the sync held (test hook VNET_TEST_DHCP_FLUSH_HOLD) answers Requests and
# a Rapid Commit Solicit with no Reply until it completes, while new
# Solicits keep getting Advertises; the Replies' addresses are in the lease
# file when they arrive, and a restarted server loads them; one whose lease
# file cannot be read does not start.
# Namespaces h8d6-$$-*; exit 0 pass, 1 fail, 77 skip.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
. "$TOP/tests/lib.sh"
BIN=$BUILD/tests/tools/dhcp6d_standalone
PY=$TOP/tests/system/dhcp6_flush_hold.py
K=20
S=h8d6-$$-s C=h8d6-$$-c
dhcpd_test_init h8d6-$$ "$BIN" $S $C
dhcpd_ns $S fd00:98::1/64 nodad && dhcpd_client_ns $S $C v0 || exit 1
dhcpd_ll_wait $C
cat >"$T/n.xml" <<X
<network><name>h8</name><bridge name='br0'/>
<ip family='ipv6' address='fd00:98::1' prefix='64'><dhcp>
<range start='fd00:98::1:0' end='fd00:98::1:ffff'/>
</dhcp></ip></network>
X
start_server() { # log
	dhcpd_start $S "$1" env VNET_TEST_DHCP_FLUSH_HOLD="$T/hold" "$BIN" "$T/n.xml" "$T/leases6"
}

start_server "$T/srv1.log" || { echo "FAIL: server did not start"; exit 1; }
ip netns exec $C /usr/bin/python3 "$PY" $K eth0 "$T/hold" "$T/leases6" >"$T/hold.out"
out=$(tr '\n' ' ' <"$T/hold.out")
grep -qx "replies_held 0" "$T/hold.out" && ok "no Reply while its sync is held" ||
	fail "Replies before their sync: $out"
grep -qx "advertises_held $K" "$T/hold.out" && ok "$K Advertises while a sync is held" ||
	fail "Advertises while a sync is held: $out"
grep -qx "replies_after $((K + 1))" "$T/hold.out" && ok "$((K + 1)) Replies once the sync completed" ||
	fail "Replies after the sync: $out"
grep -qx "on_disk $((K + 1))" "$T/hold.out" && ok "the Replies' leases on disk when they arrived" ||
	fail "leases on disk: $out"
dhcpd_stop
# the leases granted are loaded by a new server
start_server "$T/srv2.log" || { echo "FAIL: server did not restart"; exit 1; }
dhcpd_stop
grep -q "\"leases\":$((K + 1))}" "$T/srv2.log.out" && ok "restart: $((K + 1)) leases loaded" ||
	fail "restart: $(cat "$T/srv2.log.out")"
# a lease file that exists but cannot be read (here a directory) stops the
# start: serving would overwrite it with no leases at the first save
mkdir "$T/unreadable"
ip netns exec $S timeout 5 "$BIN" "$T/n.xml" "$T/unreadable" >/dev/null 2>"$T/srv3.log"
rc=$?
[ $rc = 1 ] && grep -q "cannot read" "$T/srv3.log" && ok "an unreadable lease file: no start" ||
	fail "an unreadable lease file: exit $rc, $(cat "$T/srv3.log")"
[ $FAILED = 0 ] && echo PASS
exit $FAILED
