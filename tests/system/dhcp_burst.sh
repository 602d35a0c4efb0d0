#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A backlog larger than one recvmmsg (64) and than one batch (1,024) is
# answered whole, and the leases of a 1,024-ACK batch are on disk (issue
# 21.3: the DHCP server reads with recvmmsg, answers with sendmmsg, one
# fdatasync per batch of up to 1,024). vnet's DHCP service without the
# daemon (tests/tools/dhcpd_standalone) is stopped (SIGSTOP) while a relay
# agent (tests/system/dhcp_burst.py) queues 1,500 DISCOVERs, then resumed;
# the same for the 1,500 REQUESTs; every OFFER and ACK must arrive, and a
# restarted server must load the 1,500 leases. Then, with the lease file's
# flush held (test hook VNET_TEST_DHCP_FLUSH_HOLD), REQUESTs get no ACK
# until it completes while new DISCOVERs keep getting OFFERs, and the held
# leases are on disk after it.
# Namespaces h5db-$$-*; exit 0 pass, 1 fail, 77 skip.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
. "$TOP/tests/lib.sh"
BIN=$BUILD/tests/tools/dhcpd_standalone
PY=$TOP/tests/system/dhcp_burst.py
HOLDPY=$TOP/tests/system/dhcp_flush_hold.py
N=1500 K=20
S=h5db-$$-s C=h5db-$$-c
dhcpd_test_init h5db-$$ "$BIN" $S $C
dhcpd_ns $S 10.98.0.1/16 && dhcpd_client_ns $S $C v0 &&
	ip -n $C addr add 10.98.0.2/16 dev eth0 || exit 1

start_server() { # log
	dhcpd_start $S "$1" env DHCPD_QUIET=1 VNET_TEST_DHCP_FLUSH_HOLD="$T/hold" "$BIN" br0 \
		10.98.0.1/16 10.98.1.0 10.98.255.254 "$T/leases" 120
}
# burst KIND OUT [OFFERS]: the server stopped while the N requests queue
burst() {
	rm -f "$T/ready"
	kill -STOP "$DHCPD_PID"
	ip netns exec $C /usr/bin/python3 "$PY" "$1" $N 10.98.0.1 10.98.0.2 "$T/ready" ${3:-} >"$2" &
	py=$!
	wait_for 200 test -e "$T/ready"
	kill -CONT "$DHCPD_PID"
	wait $py
}
rcvbuf_errors() {
	ip netns exec $S awk '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) if (k[i] == "RcvbufErrors") print $i }' \
		/proc/net/snmp
}

start_server "$T/srv1.log" || { echo "FAIL: server did not start"; exit 1; }
burst discover "$T/offers"
grep -q "^got $N$" "$T/offers" && ok "$N queued DISCOVERs: $N OFFERs" ||
	fail "queued DISCOVERs: $(tail -1 "$T/offers") of $N OFFERs"
grep -v '^got' "$T/offers" | sort -u -k2 | wc -l | grep -qx $N || fail "offered addresses not distinct"
burst request "$T/acks" "$T/offers"
grep -q "^got $N$" "$T/acks" && ok "$N queued REQUESTs: $N ACKs" ||
	fail "queued REQUESTs: $(tail -1 "$T/acks") of $N ACKs"
e=$(rcvbuf_errors)
[ "$e" = 0 ] || fail "the server's socket dropped $e datagrams: the backlog did not fit it"
dhcpd_stop
grep -q "\"rx_discover\": $N, \"rx_request\": $N," "$T/srv1.log.out" &&
	grep -q "\"tx_offer\": $N, \"tx_ack\": $N," "$T/srv1.log.out" && ok "counters: $N of each" ||
	fail "counters: $(head -c 300 "$T/srv1.log.out")"
# the ACKed leases are on disk: a new server loads all of them
start_server "$T/srv2.log" || { echo "FAIL: server did not restart"; exit 1; }
# a flush that does not complete (the test hook) holds its ACKs, not the
# OFFERs of the DISCOVERs that come meanwhile
ip netns exec $C /usr/bin/python3 "$HOLDPY" $K 10.98.0.1 10.98.0.2 "$T/hold" >"$T/hold.out"
grep -qx "acks_held 0" "$T/hold.out" && ok "no ACK while its flush is held" ||
	fail "ACKs before their flush: $(tr '\n' ' ' <"$T/hold.out")"
grep -qx "offers_held $K" "$T/hold.out" && ok "$K OFFERs while a flush is held" ||
	fail "OFFERs while a flush is held: $(tr '\n' ' ' <"$T/hold.out")"
grep -qx "acks_after $K" "$T/hold.out" && ok "$K ACKs once the flush completed" ||
	fail "ACKs after the flush: $(tr '\n' ' ' <"$T/hold.out")"
dhcpd_stop
grep -q "\"active_leases\": $((N + K + 1)) }" "$T/srv2.log.out" && ok "restart: $N leases loaded, $((K + 1)) more leased" ||
	fail "restart: $(grep -o '"active_leases": [0-9]*' "$T/srv2.log.out")"
start_server "$T/srv3.log" || { echo "FAIL: server did not restart"; exit 1; }
# the first flush after a start is a full save (temp file, rename): held
# the same way, while OFFERs go on
ip netns exec $C /usr/bin/python3 "$HOLDPY" $K 10.98.0.1 10.98.0.2 "$T/hold" 200000 full \
	>"$T/hold2.out"
grep -qx "acks_held 0" "$T/hold2.out" && grep -qx "offers_held $K" "$T/hold2.out" &&
	grep -qx "acks_after $K" "$T/hold2.out" &&
	ok "a held full save: $K OFFERs meanwhile, its $K ACKs after it" ||
	fail "a held full save: $(tr '\n' ' ' <"$T/hold2.out")"
dhcpd_stop
grep -q "\"active_leases\": $((N + 2 * K + 1)) }" "$T/srv3.log.out" &&
	ok "restart: the $K held-then-ACKed leases loaded too" ||
	fail "restart after the hold: $(grep -o '"active_leases": [0-9]*' "$T/srv3.log.out")"
start_server "$T/srv4.log" || { echo "FAIL: server did not restart"; exit 1; }
dhcpd_stop
grep -q "\"active_leases\": $((N + 2 * K + 1)) }" "$T/srv4.log.out" &&
	ok "restart: the leases of the held full save loaded" ||
	fail "restart after the held full save: $(grep -o '"active_leases": [0-9]*' "$T/srv4.log.out")"
[ $FAILED = 0 ] && echo PASS
exit $FAILED
