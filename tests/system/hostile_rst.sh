#!/bin/bash
# A wan host forging TCP resets against a guest's connection through NAT
# (RFC 5961; docs/datapath.md "A reset from outside must be in the guest's
# window"). The attacker knows the 4-tuple (it sniffs the wan, as a host
# that sees the guest's public port could guess it) and the server's
# sequence number, and sends resets outside the guest's window: the guest's
# idle connection must outlive the reset timeout (VNET_CT_TIMEOUT_DIV=10:
# 1 s) and keep its NAT port -- before the fix conntrack took every reset,
# the GC removed the flow and the guest's next segment left with another
# port, which the server reset. A reset at the guest's ACK number (what the
# server itself would send) still ends the connection and the flow.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "scapy not installed for $PY"
export VNET_CT_TIMEOUT_DIV=10
VNETD=$BUILD/vnetd-test	# the timeout divider is a test hook
default_world 1

inwan $PY - >"$TMP/echo.log" 2>&1 <<'PY' &
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(4)
c, a = s.accept()
print("peer", a[0], a[1], flush=True)
while (d := c.recv(4096)):
    c.sendall(d)
PY
wait_for 50 inwan bash -c "ss -ltn | grep -q ':80 '" || fail "echo server did not start"

# the attacker's view: the server's next sequence number toward the guest
# (seq + payload of its last segment), kept in $TMP/nxt
inwan $PY - "$UPLINK_IP" "$TMP/nxt" >"$TMP/sniff.log" 2>&1 <<'PY' &
import os, sys
from scapy.all import IP, TCP, sniff
def keep(p):
    ip, t = p[IP], p[TCP]
    n = ip.len - ip.ihl * 4 - t.dataofs * 4
    if n > 0:
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write("%d %d\n" % (t.dport, (t.seq + n) % 2**32))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
print("ready", flush=True)
sniff(iface="eth0", filter="tcp and src port 80 and dst host " + sys.argv[1], prn=keep, timeout=90)
PY
wait_for 50 grep -q ready "$TMP/sniff.log" || fail "sniffer did not start"
sleep 0.5

# guest 1: one connection; an echo at each step file $TMP/stepN, "ok N"
inguest 1 $PY - "$WAN_IP" "$TMP" >"$TMP/guest.log" 2>&1 <<'PY' &
import os, socket, sys, time
s = socket.create_connection((sys.argv[1], 80), timeout=5)
for n in range(1, 4):
    while not os.path.exists("%s/step%d" % (sys.argv[2], n)):
        time.sleep(0.05)
    try:
        s.sendall(b"m%d\n" % n)
        print("ok" if s.recv(16) == b"m%d\n" % n else "bad", n, flush=True)
    except OSError as e:
        print("error", n, type(e).__name__, flush=True)
        break
PY
echo_step() {	# echo_step N: guest 1's connection echoes (ok) or not
	touch "$TMP/step$1"
	wait_for 80 grep -qE "^[a-z]+ $1( |\$)" "$TMP/guest.log"
	grep -q "^ok $1\$" "$TMP/guest.log"
}
echo_step 1 || fail "no echo through NAT: $(cat "$TMP/guest.log")"
wait_for 50 test -s "$TMP/nxt" || fail "the sniffer saw no segment: $(cat "$TMP/sniff.log")"
read -r nport nxt <"$TMP/nxt"
log "flow: $UPLINK_IP:$nport, server's next sequence $nxt"
rsts() {	# rsts SEQ...: resets from the server's 4-tuple
	inwan $PY - "$UPLINK_IP" "$nport" "$@" <<'PY' >/dev/null 2>&1
import sys
from scapy.all import IP, TCP, send
for q in sys.argv[3:]:
    send(IP(dst=sys.argv[1]) / TCP(sport=80, dport=int(sys.argv[2]), flags="R", seq=int(q) % 2**32), verbose=0)
PY
}
exp0=$(net_stat default datapath.conntrack.conntrack_expired)
[ "$(net_stat default datapath.conntrack.conntrack_created)" -ge 1 ] || fail "no flow counted"
# outside the window: far ahead, far behind, one before the left edge,
# one past the 256 KiB vnet believes
rsts $((nxt + (1 << 20))) $((nxt + (1 << 31))) $((nxt + (1 << 32) - (1 << 20))) \
	$((nxt + (1 << 32) - 1)) $((nxt + (1 << 18) + 1000)) || fail "scapy send"
sleep 3.5	# the reset timeout (1 s here) and a GC pass or two
[ "$(net_stat default datapath.conntrack.conntrack_expired)" = "$exp0" ] ||
	fail "a forged reset expired the flow (conntrack expired $exp0 -> $(net_stat default datapath.conntrack.conntrack_expired))"
echo_step 2 || fail "the guest's connection died after forged resets: $(cat "$TMP/guest.log")"
read -r p2 _ <"$TMP/nxt"
[ "$p2" = "$nport" ] || fail "the flow lost its NAT port ($nport -> $p2)"

# the genuine one: at the guest's ACK number (the sniffer's latest)
wait_for 20 grep -q "^ok 2" "$TMP/guest.log"
sleep 0.3
read -r _ nxt <"$TMP/nxt"
rsts "$nxt" || fail "scapy send"
expired_more() { [ "$(net_stat default datapath.conntrack.conntrack_expired)" -gt "$exp0" ]; }
wait_for 60 expired_more ||
	fail "a reset in the window did not end the flow"
echo_step 3 && fail "the guest's connection outlived a reset at its ACK number"
grep -qE "^error 3 (ConnectionResetError|BrokenPipeError)" "$TMP/guest.log" ||
	fail "guest: $(cat "$TMP/guest.log")"
log "forged resets ignored, the connection and its port kept; the genuine reset ended both"
