#!/bin/bash
# The eBPF data path without the daemon, driven by tests/tools/dpctl:
# guest<->guest through the port-to-port fast path, guest->wan through
# conntrack+SNAT (the wan sees only the uplink address), a DNAT port
# forward, anti-spoofing drops by reason, and the uplink guard: with
# ip_forward on and no netfilter rule at all, nothing with a guest source
# ever reaches the wan. Guests run no XDP program and have GRO off.
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
DPCTL=$BUILD/tests/tools/dpctl
PY=$(command -v /usr/bin/python3 || command -v python3)
[ -x "$DPCTL" ] || skip "$DPCTL not built"
dp() { inhost_net "$DPCTL" "$PIN_DIR" "$@"; }
stat_of() {	# stat_of IFNAME FIELD
	dp stats | $PY -c 'import json,sys
s=json.load(sys.stdin); n,f=sys.argv[1:3]
print(next((p[f] for p in s["ports"] if p["ifname"]==n), 0))' "$1" "$2"
}
drop_of() { dp stats | $PY -c 'import json,sys; print(json.load(sys.stdin)["drops"][sys.argv[1]])' "$1"; }
ct_of() { dp stats | $PY -c 'import json,sys; print(json.load(sys.stdin)["conntrack"][sys.argv[1]])' "$1"; }

cleanup() {
	local rc=$?
	[ -n "$KEEP" ] && [ $rc -ne 0 ] && { echo "KEEP: world left for debugging; press enter"; read -r _; }
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null
	[ -n "$TMP" ] && [ -d /run/netns ] && ip netns list | grep -q "^$HOST\b" && dp purge
	(exit $rc)
	world_cleanup
}

world_init
trap cleanup EXIT
M1=02:00:00:00:00:10 M2=02:00:00:00:00:11 BRMAC=02:00:00:00:01:01
guest_add 1 $M1
guest_add 2 $M2
inhost ip link add vnbr0 type bridge
inhost ip link set vnbr0 address $BRMAC
inhost ip addr add 192.168.122.1/24 dev vnbr0
for v in vif1.0 vif2.0; do inhost ip link set $v master vnbr0; done
inhost ip link set vnbr0 up
inhost sysctl -qw net.ipv4.ip_forward=1
for g in 1 2; do
	inguest $g ethtool -K eth0 gro off >/dev/null 2>&1
	inguest $g ip addr add 192.168.122.1$((g - 1))/24 dev eth0
	inguest $g ip route add default via 192.168.122.1
done
inwan ip addr add 198.51.100.1/32 dev lo	# beyond the next hop
inwan ip route add 192.168.122.0/24 via $UPLINK_IP	# the wan could answer leaks
[ -z "$(inhost nft list ruleset 2>/dev/null)" ] || fail "host ns has nftables rules"

dp open || fail "dpctl open"
dp net-set 1 nat vnbr0 192.168.122.1/24 wan0 $UPLINK_IP || fail "net-set"
dp uplink-add wan0 || fail "uplink-add"
dp port-add 1 vif1.0 $M1 || fail "port-add vif1.0"
dp port-add 1 vif2.0 $M2 || fail "port-add vif2.0"
dp lease-bind 1 $M1 192.168.122.10 || fail "lease-bind g1"
dp lease-bind 1 $M2 192.168.122.11 || fail "lease-bind g2"
dp forward-add 1 tcp 8080 192.168.122.10:80 || fail "forward-add"
inhost $TC_PROGS vif1.0 ingress | grep -q "vnet_port_tc" || fail "no tc program on vif1.0"
tc_show() { inhost $TC_PROGS "$1" "$2"; }
tc_show wan0 egress | grep -q "vnet_uplink_gua" || fail "no guard on wan0"

capture_start "$WAN" "$TMP/wan.pcap" || fail "tcpdump on the wan did not start"
TCPDUMP_PID=$CAPTURE_PID

# --- L2 fast path ---------------------------------------------------------
inguest 1 ping -c 3 -i 0.2 -W 2 192.168.122.11 >/dev/null || fail "g1 cannot ping g2"
inguest 2 $PY -m http.server 8000 --bind 192.168.122.11 >"$TMP/g2http.log" 2>&1 &
wait_for 150 inguest 2 bash -c "echo > /dev/tcp/192.168.122.11/8000" || { cat "$TMP/g2http.log"; fail "g2 http server"; }
head -c 2000000 /dev/urandom > "$TMP/blob"
cp "$TMP/blob" "$TMP/g2blob" 2>/dev/null
inguest 2 bash -c "cd $TMP && $PY -m http.server 8001 --bind 192.168.122.11" >/dev/null 2>&1 &
wait_for 150 inguest 2 bash -c "echo > /dev/tcp/192.168.122.11/8001" || fail "g2 http server 2"
inguest 1 curl -s -m 10 -o "$TMP/got" "http://192.168.122.11:8001/blob" || fail "g1 TCP to g2"
cmp -s "$TMP/blob" "$TMP/got" || fail "g1 fetched a corrupted blob from g2"
fast1=$(stat_of vif1.0 fast_packets); fast2=$(stat_of vif2.0 fast_packets)
log "fast path packets: vif1.0=$fast1 vif2.0=$fast2"
[ "$fast1" -ge 20 ] && [ "$fast2" -ge 20 ] || fail "guest<->guest did not take the fast path"

# --- SNAT to the wan ------------------------------------------------------
inguest 1 ping -c 3 -i 0.2 -W 2 $WAN_IP >/dev/null || fail "g1 cannot ping the wan"
inguest 2 ping -c 2 -i 0.2 -W 2 198.51.100.1 >/dev/null || fail "g2 cannot ping beyond the next hop"
inwan $PY -m http.server 8080 --bind $WAN_IP >"$TMP/http.log" 2>&1 &
wait_for 150 inwan bash -c "echo > /dev/tcp/$WAN_IP/8080" || fail "wan http server"
inguest 1 curl -s -m 10 -o /dev/null "http://$WAN_IP:8080/" || fail "g1 TCP to the wan"
grep -q "^$UPLINK_IP " "$TMP/http.log" || { cat "$TMP/http.log"; fail "wan did not see $UPLINK_IP"; }
inwan bash -c "timeout 5 $PY -c '
import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind((\"$WAN_IP\",5353))
d,a=s.recvfrom(100); open(\"$TMP/udp.src\",\"w\").write(a[0]); s.sendto(d.upper(),a)'" &
sleep 0.5
got=$(inguest 2 timeout 3 $PY -c "
import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b'hello',('$WAN_IP',5353)); print(s.recv(100).decode())")
[ "$got" = HELLO ] || fail "UDP through NAT: got '$got'"
[ "$(cat "$TMP/udp.src")" = $UPLINK_IP ] || fail "UDP source on the wan: $(cat "$TMP/udp.src")"
[ "$(ct_of nat_created)" -ge 3 ] || fail "no NAT flows counted"
[ "$(stat_of wan0 fast_packets)" -ge 3 ] || fail "replies did not take the fast path"

# --- DNAT port forward ----------------------------------------------------
inguest 1 bash -c "cd $TMP && $PY -m http.server 80 --bind 192.168.122.10" >"$TMP/g1http.log" 2>&1 &
wait_for 150 inguest 1 bash -c "echo > /dev/tcp/192.168.122.10/80" || fail "g1 http server"
inwan curl -s -m 10 -o "$TMP/got2" "http://$UPLINK_IP:8080/blob" || fail "port forward wan->g1"
cmp -s "$TMP/blob" "$TMP/got2" || fail "port forward delivered a corrupted blob"
grep -q "^$WAN_IP " "$TMP/g1http.log" || fail "g1 did not see the wan client's address"
[ "$(ct_of dnat_hits)" -ge 1 ] || fail "no DNAT counted"

# --- the host's own connections keep working ------------------------------
inhost curl -s -m 5 -o /dev/null "http://$WAN_IP:8080/" || fail "host cannot reach the wan"
inhost curl -s -m 5 -o /dev/null "http://192.168.122.10:80/" || fail "host cannot reach guest 1"
# guests reach no host service: a listener on the gateway that the host
# itself can reach must stay closed to guests.
inhost python3 -m http.server 2222 --bind 192.168.122.1 >/dev/null 2>&1 &
HOSTSRV=$!
wait_for 150 inhost bash -c "echo > /dev/tcp/192.168.122.1/2222" || fail "host service did not start"
expect_fail inguest 1 timeout 2 bash -c "echo > /dev/tcp/192.168.122.1/2222"
kill "$HOSTSRV"; wait "$HOSTSRV" 2>/dev/null

# --- restart: reopening replaces every program in place; flows survive ---
id0=$(inhost $TC_PROGS vif1.0 ingress | grep -o ' id [0-9]*' | head -1)
inwan bash -c "cd $TMP && exec $PY -m http.server 8081 --bind $WAN_IP" >/dev/null 2>&1 &
wait_for 150 inwan bash -c "echo > /dev/tcp/$WAN_IP/8081" || fail "wan http server 2"
inguest 1 curl -s -m 20 --limit-rate 400k -o "$TMP/got3" "http://$WAN_IP:8081/blob" &
CURL=$!
inguest 2 ping -c 100 -i 0.03 -W 1 $WAN_IP >"$TMP/ping.log" 2>&1 &
PING=$!
for _ in 1 2 3; do sleep 1; dp open || fail "reopen"; done
wait $CURL || fail "NAT download broke across program replacement"
cmp -s "$TMP/blob" "$TMP/got3" || fail "NAT download corrupted across replacement"
wait $PING
grep -q " 0% packet loss" "$TMP/ping.log" || { cat "$TMP/ping.log"; fail "packets lost during replacement"; }
id1=$(inhost $TC_PROGS vif1.0 ingress | grep -o ' id [0-9]*' | head -1)
[ -n "$id1" ] && [ "$id0" != "$id1" ] || fail "program was not replaced ($id0 -> $id1)"

# --- anti-spoofing ---------------------------------------------------------
spoof() {	# spoof SRC_MAC SRC_IP: one UDP frame from g1 to the wan via the gateway
	inguest 1 $PY -c "
import socket,struct,sys
def mac(m): return bytes(int(x,16) for x in m.split(':'))
def csum(b):
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); return ~(s+(s>>16))&0xffff
src=socket.inet_aton('$2'); dst=socket.inet_aton('$WAN_IP')
udp=struct.pack('!HHHH',4000,5353,12,0)+b'spoof'+b'\0'
ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(udp),1,0,64,17,0,src,dst)
ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW); s.bind(('eth0',0))
for i in range(5): s.send(mac('$BRMAC')+mac('$1')+b'\x08\x00'+ip+udp)"
}
d0=$(drop_of src_ip); m0=$(drop_of src_mac)
spoof $M1 192.168.122.99
spoof 02:00:00:00:00:99 192.168.122.10
[ "$(drop_of src_ip)" -ge $((d0 + 5)) ] || fail "spoofed source IP not dropped as src_ip"
[ "$(drop_of src_mac)" -ge $((m0 + 5)) ] || fail "spoofed source MAC not dropped as src_mac"

# --- the guard: traffic the fast path does not translate -----------------
g0=$(drop_of unnat_guard)
# IP protocol 253 (RFC 3692, experiments): no ports, not translated
inguest 2 $PY -c 'import socket
s=socket.socket(socket.AF_INET,socket.SOCK_RAW,253)
for _ in range(3): s.sendto(b"x"*64,("'$WAN_IP'",0))'
sleep 0.3
[ "$(drop_of unnat_guard)" -gt "$g0" ] || fail "an untranslated protocol was not stopped by the guard"
# fragmented datagrams are translated (bpf/lib/frag.h), not left to the guard
inguest 2 ping -c 2 -W 2 -s 3000 $WAN_IP >/dev/null || fail "a fragmented ping did not cross the NAT"

# --- conntrack housekeeping --------------------------------------------------
# a live flow across the GC pass: each dpctl run loads the programs first,
# which takes longer than an idle ICMP flow's 30 s on a loaded host (the
# earlier flows had expired there by the time the pass judged them)
ip netns exec "$P-g2" ping -i 1 -W 1 $WAN_IP >/dev/null 2>&1 &	# not inguest: $! is ping
LIVE=$!
sleep 1.5
dp tick
[ "$(ct_of entries)" -gt 0 ] || fail "conntrack table is empty, a live ping's flow too"
kill $LIVE; wait $LIVE 2>/dev/null

sleep 1
kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null; TCPDUMP_PID=""
leaks=$(tcpdump -n -r "$TMP/wan.pcap" 'src net 192.168.122.0/24' 2>/dev/null | wc -l)
[ "$leaks" -eq 0 ] || { tcpdump -n -r "$TMP/wan.pcap" 'src net 192.168.122.0/24' | head; fail "$leaks guest-source packets reached the wan"; }
log "drops: $(dp stats | $PY -c 'import json,sys; print({k:v for k,v in json.load(sys.stdin)["drops"].items() if v})')"
log "PASS"
exit 0
