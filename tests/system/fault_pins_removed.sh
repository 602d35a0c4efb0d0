#!/bin/bash
# bpffs pins removed under a running network (rm -rf of the pin dir):
# the programs stay attached, so guest <-> guest and guest -> wan
# forwarding goes on without a lost ping; vnetd keeps answering and pins
# its maps again (logged), so a restart adopts the same state: NAT flows
# and lease bindings survive it.
. "$(dirname "$0")/../lib.sh"
default_world 2
ip2=$(guest_ip 2)
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no wan before the test"
[ -n "$(ls -A "$PIN_DIR" 2>/dev/null)" ] || fail "nothing pinned under $PIN_DIR"
ls "$PIN_DIR" >"$TMP/pins.before"
ct_id() { bpftool -j map show pinned "$PIN_DIR/ct_map" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
ct_before=$(ct_id) || fail "no pinned conntrack map"
# attached: every port has a vnet program on tc ingress (or XDP)
attached() {
	local d
	for d in vif1.0 vif2.0; do
		inhost_net $TC_PROGS $d ingress 2>/dev/null | grep -q "vnet" ||
			inhost_net ip link show dev $d | grep -q "prog/xdp" || return 1
	done
}
attached || fail "no program attached to the ports"

inguest 1 ping -i 0.02 -c 250 -W 1 $WAN_IP >"$TMP/ping-wan.log" 2>&1 &
P1=$!
inguest 1 ping -i 0.02 -c 250 -W 1 "$ip2" >"$TMP/ping-g2.log" 2>&1 &
P2=$!
sleep 1
log "rm -rf $PIN_DIR under traffic"
rm -rf "$PIN_DIR" 2>/dev/null # vnetd may be pinning again meanwhile
attached || fail "programs detached when the pins went away"
vnetctl --json stats default >/dev/null || fail "vnetd stopped answering without its pins"
wait $P1; wait $P2
grep -q " 0% packet loss" "$TMP/ping-wan.log" || { tail -2 "$TMP/ping-wan.log"; fail "guest -> wan lost pings"; }
grep -q " 0% packet loss" "$TMP/ping-g2.log" || { tail -2 "$TMP/ping-g2.log"; fail "guest -> guest lost pings"; }
kill -0 "$VNETD_PID" || fail "vnetd died"
wait_for 30 bash -c "ls '$PIN_DIR' 2>/dev/null | cmp -s - '$TMP/pins.before'" ||
	{ ls "$PIN_DIR"; fail "vnetd did not pin its maps again"; }
[ "$(ct_id)" = "$ct_before" ] || fail "the re-pinned conntrack map is not the live one"
[ "$(grep -c "pinned again" "$TMP/vnetd.log")" = 1 ] || fail "the re-pinning was not logged once"
# A NAT flow to keep: a TCP connection held open across the restart (an
# established flow lives for hours; the pings' flows may expire while
# vnetd restarts on a loaded machine, so their entries prove nothing).
inwan python3 -c 'import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], 7070)); l.listen(1); c, a = l.accept()
while True:
    d = c.recv(100)
    if not d: break
    c.sendall(d.upper())' $WAN_IP >/dev/null 2>&1 &
wait_for 50 inwan bash -c "ss -ltn | grep -q ':7070 '" || fail "the wan's server did not start"
inguest 1 python3 -c 'import socket, os, sys, time
s = socket.create_connection((sys.argv[1], 7070), timeout=10)
s.sendall(b"a"); print(s.recv(10).decode(), flush=True)
while not os.path.exists(sys.argv[2]): time.sleep(0.1)
s.sendall(b"b"); print(s.recv(10).decode(), flush=True)' $WAN_IP "$TMP/go" >"$TMP/held.out" 2>&1 &
HELD=$!
wait_for 50 grep -qx A "$TMP/held.out" || fail "the held connection did not start: $(cat "$TMP/held.out")"
nat_before=$(vnetctl --json stats default | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["datapath"]["conntrack"]["entries"])')

log "restart: the pinned state is adopted"
vnetd_stop
vnetd_start
[ "$(ct_id)" = "$ct_before" ] || fail "the restart did not adopt the re-pinned conntrack map"
nat_after=$(vnetctl --json stats default | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["datapath"]["conntrack"]["entries"])')
[ "$nat_before" -ge 2 ] && [ "$nat_after" -ge 2 ] || fail "conntrack entries lost ($nat_before -> $nat_after)"
touch "$TMP/go"
wait $HELD
grep -qx B "$TMP/held.out" || fail "the held NAT connection did not survive the restart: $(cat "$TMP/held.out")"
attached || fail "no program attached after the restart"
inguest 1 ping -c 3 -i 0.2 -W 1 $WAN_IP >/dev/null || fail "no guest -> wan after the restart"
inguest 1 ping -c 3 -i 0.2 -W 1 "$ip2" >/dev/null || fail "no guest -> guest after the restart"
inguest 2 ping -c 3 -i 0.2 -W 1 $WAN_IP >/dev/null || fail "guest 2 has no wan after the restart"
vnetctl --json stats default | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]["datapath"]
assert len([x for x in d["ports"] if x["role"] == "port"]) == 2, d["ports"]' || fail "the adopted data path lost its ports"

log "pins removed while vnetd is stopped: fresh maps, guests recover without a new lease"
vnetd_stop
rm -rf "$PIN_DIR"
vnetd_start
wait_for 100 inguest 1 ping -c 1 -W 1 $WAN_IP || fail "guest 1 cut off after a start with fresh maps"
wait_for 50 inguest 1 ping -c 1 -W 1 "$ip2" || fail "guest 1 cannot reach guest 2 after fresh maps"
grep -q "now that its port is known" "$TMP/vnetd.log" || fail "the leases were not re-bound"
log "ok"
