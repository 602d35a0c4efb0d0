#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Port forwards to a guest's IPv6 address (issue 18): a NAT66 network with
# <portForward to='fd00:66::10'> (a TCP range and a UDP port). The wan
# connects to the uplink's 2001:db8:a::1:8080 and :8081 and reaches the
# guest's :80 and :81, which sees the wan's own address as its peer; the
# wan gets the guest's answer from the uplink's address and port (the reply
# reverse-translated, not masqueraded as a new NAT66 flow); UDP likewise;
# the wan's port unreachable about the guest's UDP answer reaches the
# guest (ICMPv6 error translated); a forwarded connection survives vnetd's
# SIGKILL and restart; port 8080 is a dual-stack forward (the guest's IPv4
# address too), forward-del removes both halves; when the uplink's IPv6
# address moves the forward follows it; a port that is not forwarded stays
# closed (unsolicited is not counted: the uplink's address is the host's);
# the definition round-trips through net-dumpxml; a forward to an address
# outside the IPv6 <ip>, or without <nat ipv6='yes'>, is refused with its
# line. The hairpin relay: the host and the guest (host access services)
# reach the TCP forward through the uplink's IPv6 address too, and the
# guest no other port there. VNET_UPLINK_XDP=on
# (ipv6_portfwd_xdp.sh): the same behind the uplink's XDP program.
#
#   guest fd00:66::10 -- vnbr6 fd00:66::1/64 (NAT66) [host] wan0 2001:db8:a::1 -- 2001:db8:a::2 [wan]
# Exit 0 pass, 1 fail, 77 skip.
TEST_NAME=${TEST_NAME:-ipv6_portfwd}
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
GA=fd00:66::10

FWD="<portForward proto='tcp' port='8080' portEnd='8081' to='$GA' toPort='80'/>"
FWD="$FWD<portForward proto='udp' port='5300' to='$GA' toPort='5301'/>"
# the same host port to the guest's IPv4 address: a dual-stack forward
FWD="$FWD<portForward proto='tcp' port='8080' to='10.66.0.10' toPort='80'/>"
# host access services: the guests reach the host only for DHCP, DNS, ping
# and the forwards' ports on the uplink's address (the relay)
HA="<vnet:hostAccess xmlns:vnet='http://vnet.dev/schemas/network/1.0' mode='services'/>"
ipv6_wan_start "$HA<forward mode='nat' dev='wan0'><nat ipv6='yes'/>$FWD</forward>" fd00:66

if [ "$VNET_UPLINK_XDP" = on ]; then	# the uplink's XDP program, native, in front
	inhost ip -d link show wan0 | grep -q "prog/xdp" || fail "no XDP program on wan0"
	inhost ip link show wan0 | grep -q xdpgeneric && fail "wan0 runs generic XDP"
fi

# the guest's fixed address, claimed by its duplicate address detection
inguest 1 ip -6 addr add $GA/64 dev eth0
wait_for 100 bash -c "! ip netns exec $P-g1 ip -6 addr show dev eth0 | grep -q tentative" ||
	fail "the guest's $GA stayed tentative"
inguest 1 ping -6 -c 1 -W 2 -I $GA fd00:66::1 >/dev/null || fail "the guest cannot reach its gateway from $GA"
inguest 1 ip addr add 10.66.0.10/24 dev eth0
inguest 1 ip route add default via 10.66.0.1
inguest 1 ping -c 1 -W 2 10.66.0.1 >/dev/null || fail "the guest cannot reach its IPv4 gateway"

# the definition as written comes back
vnetctl net-dumpxml r6 >"$TMP/dump.xml" || fail "net-dumpxml r6"
grep -q "<portForward proto='tcp' port='8080' portEnd='8081' to='$GA' toPort='80'/>" "$TMP/dump.xml" ||
	fail "net-dumpxml lost the IPv6 TCP forward: $(grep portForward "$TMP/dump.xml")"
grep -q "<portForward proto='udp' port='5300' to='$GA' toPort='5301'/>" "$TMP/dump.xml" ||
	fail "net-dumpxml lost the IPv6 UDP forward"

nat0=$(net_stat r6 datapath.conntrack.nat_created)
dnat0=$(net_stat r6 datapath.conntrack.dnat_hits)
uns0=$(net_stat r6 datapath.drops.unsolicited)

# gsrv PORT: a guest TCP server for one connection that answers "hello
# PEER" and writes the peer to $TMP/peer.PORT
gsrv() {
	inguest 1 $PY -c 'import socket,sys
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",int(sys.argv[1]))); l.listen(1); l.settimeout(15); c,a=l.accept()
c.sendall(("hello %s\n"%a[0]).encode()); c.recv(100); c.close(); print(a[0])' "$1" >"$TMP/peer.$1" 2>&1 &
	GSRV=$!
	wait_for 50 bash -c "ip netns exec $P-g1 ss -ltn | grep -q ':$1 '" || fail "the guest's listener :$1 did not start"
}
# conn NETNS-CMD ADDR PORT: connect, print what came back and the peer's address
conn='import socket,sys
s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)
d=s.recv(100).decode().strip(); p=s.getpeername(); s.sendall(b"bye"); s.close(); print(d, p[0], p[1])'

for hp in 8080 8081; do
	gp=$((hp - 8000))
	gsrv $gp
	out=$(inwan $PY -c "$conn" 2001:db8:a::1 $hp 2>&1) || fail "the wan cannot connect to [2001:db8:a::1]:$hp: $out"
	wait "$GSRV"
	[ "$(cat "$TMP/peer.$gp")" = 2001:db8:a::2 ] || fail "the guest saw '$(cat "$TMP/peer.$gp")', not the wan's 2001:db8:a::2"
	[ "$out" = "hello 2001:db8:a::2 2001:db8:a::1 $hp" ] || fail "the wan got '$out' on :$hp"
done
log "TCP: the wan reached [$GA]:80 and :81 through [2001:db8:a::1]:8080 and :8081"
# the dual-stack forward's IPv4 half: the uplink's IPv4 address, port 8080
gsrv 80
out=$(inwan $PY -c "$conn" 203.0.113.1 8080 2>&1) || fail "the wan cannot connect to 203.0.113.1:8080: $out"
wait "$GSRV"
[ "$out" = "hello ::ffff:203.0.113.2 203.0.113.1 8080" ] || fail "the wan got '$out' on 203.0.113.1:8080"
log "TCP: port 8080 of both of the uplink's addresses reaches the guest (dual stack)"
[ "$(net_stat r6 datapath.conntrack.dnat_hits)" -ge $((dnat0 + 3)) ] || fail "the forwards' flows were not counted (dnat_hits)"
[ "$(net_stat r6 datapath.conntrack.nat_created)" = "$nat0" ] ||
	fail "the guest's answers were masqueraded as new NAT66 flows (nat_created rose)"

# a forwarded connection survives vnetd's SIGKILL and restart (pinned
# fwd6_map and ct6_map: the data path keeps both directions going)
inguest 1 $PY -c 'import socket
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",80)); l.listen(1); l.settimeout(60); c,a=l.accept(); c.settimeout(60)
while True:
  d=c.recv(100)
  if not d: break
  c.sendall(b"echo "+d)' >/dev/null 2>&1 &
esrv=$!
wait_for 50 bash -c "ip netns exec $P-g1 ss -ltn | grep -q ':80 '" || fail "the guest's echo server did not start"
rm -f "$TMP/go"
inwan $PY -c 'import socket,os,time,sys
s=socket.create_connection(("2001:db8:a::1",8080),timeout=10); s.sendall(b"one"); a=s.recv(100)
while not os.path.exists(sys.argv[1]): time.sleep(0.1)
s.sendall(b"two"); b=s.recv(100); s.close(); print(a.decode(), "/", b.decode())' "$TMP/go" >"$TMP/long.out" 2>&1 &
long=$!
wait_for 100 bash -c "ip netns exec $WAN ss -tn state established | grep -q '2001:db8:a::1\]:8080'" ||
	fail "the long connection was not established"
vnetd_kill9
vnetd_start
touch "$TMP/go"
wait "$long"; wait "$esrv"
[ "$(cat "$TMP/long.out")" = "echo one / echo two" ] ||
	fail "the forwarded connection did not survive vnetd's restart: $(cat "$TMP/long.out")"
log "a forwarded connection survived vnetd's SIGKILL and restart"

# UDP: an answer from the uplink's address and port; then the guest answers
# again after the wan's socket closed: the wan's port unreachable comes back
# translated (the guest's connected socket reports it)
inguest 1 $PY -c 'import socket,time
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::",5301)); s.settimeout(10)
d,a=s.recvfrom(100); s.connect(a[:2]); s.send(b"pong "+a[0].encode())
time.sleep(1); s.send(b"late"); s.settimeout(3)
try:
  s.recv(100); print("answered")
except ConnectionRefusedError: print(a[0], "refused")
except socket.timeout: print(a[0], "timeout")' >"$TMP/udp.out" 2>&1 &
usrv=$!
wait_for 50 bash -c "ip netns exec $P-g1 ss -lun | grep -q ':5301 '" || fail "the guest's UDP socket did not start"
out=$(inwan $PY -c 'import socket
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(5)
s.sendto(b"ping", ("2001:db8:a::1",5300)); d,a=s.recvfrom(100); print(d.decode(), a[0], a[1])' 2>&1) ||
	fail "no UDP answer through the IPv6 forward: $out"
[ "$out" = "pong 2001:db8:a::2 2001:db8:a::1 5300" ] || fail "the wan got '$out' over UDP"
wait "$usrv"
[ "$(cat "$TMP/udp.out")" = "2001:db8:a::2 refused" ] ||
	fail "the wan's port unreachable did not reach the guest: $(cat "$TMP/udp.out")"
log "UDP: answered from [2001:db8:a::1]:5300; the wan's port unreachable reached the guest"

# a port that is not forwarded: the host's (closed), not the guest's
gsrv 82
inwan $PY -c "$conn" 2001:db8:a::1 8082 >/dev/null 2>&1 && fail "the wan reached an unforwarded port"
kill "$GSRV" 2>/dev/null; wait "$GSRV" 2>/dev/null
[ "$(net_stat r6 datapath.drops.unsolicited)" = "$uns0" ] || fail "forwarded or host traffic counted unsolicited"

# the hairpin relay: the host itself and the guest through the uplink's
# address (the guest's server sees the relay's connection from the host's
# address on the bridge)
relayed() { vnetctl --json stats r6 | $PY -c 'import json,sys
print(json.load(sys.stdin)[0].get("forward_relay",{}).get("connections",0))'; }
rel0=$(relayed) to_host=$(net_stat r6 datapath.drops.to_host)
gsrv 80
out=$(inhost $PY -c "$conn" 2001:db8:a::1 8080 2>&1) || fail "the host cannot reach the forward on [2001:db8:a::1]:8080: $out"
wait "$GSRV"
[ "$out" = "hello fd00:66::1 2001:db8:a::1 8080" ] || fail "the host got '$out' through the relay"
gsrv 80
out=$(inguest 1 $PY -c "$conn" 2001:db8:a::1 8080 2>&1) || fail "the guest cannot reach the forward on [2001:db8:a::1]:8080: $out"
wait "$GSRV"
[ "$out" = "hello fd00:66::1 2001:db8:a::1 8080" ] || fail "the guest got '$out' through the relay"
[ "$(relayed)" -ge $((rel0 + 2)) ] || fail "the relay counted $(($(relayed) - rel0)) connections, not 2"
[ "$(net_stat r6 datapath.drops.to_host)" = "$to_host" ] || fail "the guest's hairpin was dropped (to_host)"
# another TCP port on the uplink's IPv6 address stays closed to the guest (to_host)
inguest 1 $PY -c "$conn" 2001:db8:a::1 22 >/dev/null 2>&1 && fail "the guest reached the host's port 22"
[ "$(net_stat r6 datapath.drops.to_host)" -gt "$to_host" ] || fail "the guest's SYN to the host's port 22 was not dropped"
log "relay: the host and the guest reached the forward on [2001:db8:a::1]:8080"

# forward-add with [GUESTIPV6]:PORT on the running network, then forward-del
vnetctl forward-add r6 tcp 8443 "[$GA]:443" >/dev/null || fail "forward-add [$GA]:443"
vnetctl --json forward-list r6 | grep -q "\"guest_ip\": *\"$GA\"" ||
	fail "forward-list: $(vnetctl --json forward-list r6)"
gsrv 443
out=$(inwan $PY -c "$conn" 2001:db8:a::1 8443 2>&1) || fail "the wan cannot use the added forward: $out"
wait "$GSRV"
[ "$out" = "hello 2001:db8:a::2 2001:db8:a::1 8443" ] || fail "the wan got '$out' on :8443"
vnetctl forward-del r6 tcp 8443 >/dev/null || fail "forward-del tcp 8443"
inwan $PY -c "$conn" 2001:db8:a::1 8443 >/dev/null 2>&1 && fail "the deleted forward still answers"
log "forward-add/-del [$GA]:443 on the running network"
# forward-del of the dual-stack port removes both families' forwards
vnetctl forward-del r6 tcp 8080 >/dev/null || fail "forward-del tcp 8080"
vnetctl --json forward-list r6 | grep -q '"host_port": *"8080' && fail "forward-del left a forward of 8080"
inwan $PY -c "$conn" 2001:db8:a::1 8080 >/dev/null 2>&1 && fail "the deleted IPv6 forward still answers"
inwan $PY -c "$conn" 203.0.113.1 8080 >/dev/null 2>&1 && fail "the deleted IPv4 forward still answers"
[ -n "$(vnetctl --json forward-list r6 | grep 5300)" ] || fail "forward-del took the UDP forward too"

# the uplink's IPv6 address moves: vnetd follows it (the reconciler), the
# forward is the new address's port, the old address's is gone
inguest 1 $PY -c 'import socket
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::",5301))
while True:
  d,a=s.recvfrom(100); s.sendto(b"pong", a)' >/dev/null 2>&1 &
echo6=$!
inhost ip -6 addr add 2001:db8:a::5/64 dev wan0 nodad
inhost ip -6 addr del 2001:db8:a::1/64 dev wan0
uping() { inwan $PY -c 'import socket,sys
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(1)
s.sendto(b"ping", (sys.argv[1],5300)); d,a=s.recvfrom(100); assert a[0]==sys.argv[1]; print(d.decode())' "$1"; }
wait_for 150 uping 2001:db8:a::5 || fail "the forward did not follow the uplink's new IPv6 address"
kill "$echo6"; wait "$echo6" 2>/dev/null
log "the forward followed the uplink's IPv6 address to 2001:db8:a::5"

# refused definitions, with their line
bad() {
	local want=$1 xml=$2 out
	printf '%s\n' "$xml" >"$TMP/bad.xml"
	out=$(vnetctl net-define "$TMP/bad.xml" 2>&1) && fail "accepted: $xml"
	grep -q "$want" <<<"$out" || fail "net-define said '$out', wanted '$want'"
}
bad "line 3.*not a guest address inside" "<network><name>b1</name><forward mode='nat'><nat ipv6='yes'/>
<portForward proto='tcp' port='80' to='10.66.1.5'/>
<portForward proto='tcp' port='81' to='fd00:68::10'/></forward>
<ip address='10.66.1.1' prefix='24'/><ip family='ipv6' address='fd00:67::1' prefix='64'/></network>"
bad "line 2.*nat ipv6='yes'" "<network><name>b2</name><forward mode='nat'>
<portForward proto='tcp' port='81' to='fd00:67::10'/></forward>
<ip address='10.66.1.1' prefix='24'/><ip family='ipv6' address='fd00:67::1' prefix='64'/></network>"
log "ok"
