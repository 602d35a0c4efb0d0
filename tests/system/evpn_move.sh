#!/bin/bash
# serial: measures the gap of a TCP stream across a move
# Issue 22, mobility: guest 1 is moved from host 1 to host 3 (its veth goes
# to host 3's namespace and is added there as a port, as an orchestrator
# moving a guest does) while an iperf3 stream from guest 2 (host 2) runs to
# it through the overlay. Then:
#   - the stream recovers: its longest run of empty 0.1 s intervals (and of
#     unanswered 50 ms pings from guest 2) stays under 1 s;
#   - the anti-spoofing binding followed the guest (the network is strict): host 3's port holds
#     guest 1's address at once (from the EVPN type-2 route of host 1), not
#     learned, and guest 1's traffic is never dropped as src_ip/arp_spoof;
#   - MAC mobility: hosts 1 and 2 reach guest 1 through host 3's VTEP;
#   - the lease survives: guest 1's DHCP client renews on host 3 (whose
#     slice does not hold the address) and keeps its address, host 3 lists
#     the lease, and the name resolves on hosts 2 and 3; host 1 does not
#     lease the address to another guest.
. "$(dirname "$0")/../lib_evpn.sh"

# strict: a guest sends only from its leases' addresses, so nothing but
# the binding that followed it lets its traffic through on host 3
evpn_world_init
for h in $HOSTS; do evpn_guest_add "$h" "$h"; done
evpn_write_xml "<vnet:filter mode='strict'/>"
evpn_start
M1=52:54:00:00:22:01
declare -A IP
# guest 1's DHCP client stays running (as a guest's does): it renews on SIGUSR1
inguest 1 busybox udhcpc -i eth0 -f -t 6 -T 1 -A 1 -x hostname:guest1 -p "$TMP/udhcpc1.pid" \
	-s "$ROOT/tests/udhcpc.script" >"$TMP/udhcpc-g1.log" 2>&1 &
for h in 2 3; do guest_dhcp "$h" "guest$h" || fail "guest $h got no lease"; done
wait_for 100 grep -q "^ip=" "$TMP/udhcpc-g1.log" || fail "guest 1 got no lease: $(cat "$TMP/udhcpc-g1.log")"
for h in $HOSTS; do IP[$h]=$(guest_ip "$h"); done
case ${IP[1]##*.} in 1[0-2][0-9]) ;; *) fail "guest 1 leased ${IP[1]}, not from host 1's slice" ;; esac
for h in $HOSTS; do
	inguest "$h" ping -c 1 -W 2 10.70.0.1 >/dev/null || fail "guest $h: no gateway"
done
for h in $HOSTS; do
	wait_for 300 n_remote_macs $h 2 || fail "host $h: remote MACs $(remote_macs "$h") of 2"
	wait_for 300 n_remote_ips $h 2 || fail "host $h: remote IPs $(remote_ips "$h") of 2"
done
# vnetd's EVPN view (read by its reconciler, every 5 s) has the other guests
n_guests() { test "$(info "$1" remote_guests)" = "$2"; }
for h in $HOSTS; do
	wait_for 100 n_guests $h 2 ||
		fail "host $h: vnetd knows $(info $h remote_guests) remote guests, not 2"
done
log "guests ${IP[1]} ${IP[2]} ${IP[3]}; EVPN converged"
drops() { # host: src_ip + arp_spoof drops of the network
	vctl "$1" --json stats $NET | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)[0].get("datapath", {}).get("drops", {})
print(d.get("src_ip", 0) + d.get("arp_spoof", 0))'
}
d3=$(drops 3)

# ---- the stream: guest 2 sends to guest 1 (-R: guest 1 counts what arrives)
inguest 2 iperf3 -s -1 -D -B "${IP[2]}" >/dev/null 2>&1 || fail "iperf3 server"
wait_for 50 inguest 2 sh -c 'ss -ltn | grep -q 5201' || fail "iperf3 server not listening"
inguest 1 iperf3 -c "${IP[2]}" -R -t 9 -i 0.1 -b 50M --json >"$TMP/iperf.json" 2>"$TMP/iperf.err" &
IPERF=$!
inguest 2 ping -D -i 0.05 -W 1 -w 10 "${IP[1]}" >"$TMP/ping.log" 2>&1 &
PING=$!
sleep 3

# ---- the move: host 1's veth end goes to host 3, is added there (with the
# guest's MAC, as libvirt knows it), and host 1 forgets its port
inh 1 ip link set vif1.0 netns "$(hn 3)" || fail "cannot move vif1.0 to host 3"
inh 3 ip link set vif1.0 up
vctl 3 port-add $NET vif1.0 --mac $M1 >/dev/null || fail "host 3: port-add vif1.0"
# (vnetd on host 1 may have dropped the port itself when the device left)
vctl 1 port-del $NET vif1.0 >/dev/null 2>&1
vctl 1 port-list $NET | grep -q "vif1.0" && fail "host 1 still has vif1.0: $(vctl 1 port-list $NET)"
# the binding came with the guest: its address, bound, not learned
addrs=$(vctl 3 --json port-list $NET | /usr/bin/python3 -c 'import json, sys
for p in json.load(sys.stdin):
    if p["ifname"] == "vif1.0": print(p.get("addrs", ""))')
[ "$addrs" = "${IP[1]}" ] || fail "host 3: vif1.0 holds '$addrs' right after port-add, not ${IP[1]}"
wait "$IPERF" || fail "iperf3 across the move: $(cat "$TMP/iperf.err"; tail -5 "$TMP/iperf.json")"
wait "$PING"
gap=$(/usr/bin/python3 -c 'import json, sys
ivs = json.load(open(sys.argv[1]))["intervals"]
run = best = 0.0
for iv in ivs:
    s = iv["sum"]
    if s["bytes"] == 0:
        run += s["seconds"]; best = max(best, run)
    else:
        run = 0.0
print("%.2f" % best)' "$TMP/iperf.json") || fail "iperf3 output: $(head -c 300 "$TMP/iperf.json")"
pgap=$(/usr/bin/python3 -c 'import re, sys
t = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\].*bytes from", open(sys.argv[1]).read(), re.M)]
print("%.2f" % max((b - a for a, b in zip(t, t[1:])), default=99))' "$TMP/ping.log")
log "move: iperf3 gap ${gap}s (longest run of empty 0.1 s intervals), ping gap ${pgap}s"
/usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 1.0 else 1)' "$gap" ||
	fail "the TCP stream stopped for ${gap}s across the move (ping gap ${pgap}s)"
/usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 1.0 else 1)' "$pgap" ||
	fail "pings to guest 1 stopped for ${pgap}s across the move"
[ "$(drops 3)" = "$d3" ] || fail "host 3 dropped guest 1's traffic as spoofed ($(drops 3) - $d3)"

# ---- MAC mobility: the other hosts send to guest 1 through host 3
for h in 1 2; do
	wait_for 100 sh -c "nsenter --net=/run/netns/$(hn $h) bridge fdb show dev $VX | grep -q '^$M1 dst 10.99.0.3 '" ||
		fail "host $h: guest 1 not behind host 3: $(inh $h bridge fdb show dev $VX | grep $M1)"
done
seq=$(vty 2 -c "show evpn mac vni $VNI mac $M1" 2>/dev/null | grep -i "Remote seq\|seq" | head -1)
log "MAC mobility: hosts 1 and 2 reach guest 1 through host 3 (zebra on host 2: $seq)"

# ---- the lease survives: a renewal on host 3 keeps guest 1's address
kill -USR1 "$(cat "$TMP/udhcpc1.pid")"
wait_for 100 sh -c "$BUILD/vnetctl --socket $TMP/h3/run/vnetd.sock leases $NET | grep -qi '$M1.*${IP[1]}\|${IP[1]}.*$M1'" ||
	fail "host 3 did not renew guest 1's lease: $(vctl 3 leases $NET); udhcpc: $(tail -3 "$TMP/udhcpc-g1.log")"
sleep 1
[ "$(guest_ip 1)" = "${IP[1]}" ] || fail "guest 1 now has $(guest_ip 1), not ${IP[1]}: $(tail -3 "$TMP/udhcpc-g1.log")"
grep -qi "nak" "$TMP/udhcpc-g1.log" && fail "guest 1's renewal was refused: $(cat "$TMP/udhcpc-g1.log")"
inguest 2 ping -c 1 -W 2 "${IP[1]}" >/dev/null || fail "guest 2 cannot reach guest 1 after the renewal"
# its name too: host 3 serves it from the lease, host 2 (for which it is
# remote before and after) still
for h in 2 3; do
	name=$(inguest $h dig @10.70.0.1 +short +tries=1 +timeout=2 guest1 A 2>/dev/null | head -1)
	[ "$name" = "${IP[1]}" ] || fail "guest $h resolves guest1 as '$name' after the move"
done
log "lease: guest 1 renewed ${IP[1]} on host 3 and kept it"

# ---- host 1 now sees guest 1 through EVPN: it does not lease guest 1's
# address (from its own slice) to a new guest asking for it
inguest 1 ping -c 1 -W 2 10.70.0.1 >/dev/null || fail "guest 1: no gateway on host 3"
wait_for 300 sh -c "nsenter --net=/run/netns/$(hn 1) ip neigh show dev $BR | grep -q '^${IP[1]} .*$M1 extern_learn'" ||
	fail "host 1 does not see guest 1 through EVPN: $(inh 1 ip neigh show dev $BR)"
evpn_guest_add 1 4
vctl 1 port-add $NET vif4.0 >/dev/null || fail "host 1: port-add vif4.0"
# the reconciler (5 s) hands the EVPN view to the DHCP service
sleep 6
inguest 4 busybox udhcpc -i eth0 -n -q -t 6 -T 1 -A 1 -r "${IP[1]}" \
	-s "$ROOT/tests/udhcpc.script" >"$TMP/udhcpc-g4.log" 2>&1 || fail "guest 4 got no lease: $(cat "$TMP/udhcpc-g4.log")"
ip4=$(guest_ip 4)
[ -n "$ip4" ] && [ "$ip4" != "${IP[1]}" ] || fail "host 1 leased guest 1's address ${IP[1]} to guest 4"
log "host 1 gave guest 4 $ip4, not guest 1's ${IP[1]} (held on host 3)"
exit 0
