#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Routed IPv6 (issue 18.4): a <forward mode='route'> network with an IPv6
# <ip>. vnetd turns IPv6 forwarding on on the bridge and the uplink, the
# uplink's accept_ra 1 becoming 2 first. A guest (SLAAC) pings the wan
# router and the wan sees the guest's own address on a TCP connection; the
# wan connects to the guest; an upload to a far host behind a 1400-byte
# hop completes (the router's packet too big reached the guest); a spoofed
# IPv6 source from the guest is dropped (src_ip6) and never reaches the
# wan; nothing is dropped as ipv6; conf.all.forwarding=0 written on the
# host is repaired by the reconciler. PORT_HOOK=xdp (ipv6_route_xdp.sh) runs
# the same with the guests' ports on XDP.
#
#   guest -- vnbr6 fd00:6::1/64 [host] wan0 2001:db8:a::1 -- 2001:db8:a::2 [wan router]
#          eth1 2001:db8:f::1 (mtu 1400) -- 2001:db8:f::2 [far] (mtu 1500)
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

world_init
FAR=$P-far
netns_add "$FAR"
ip link add eth1 netns "$WAN" type veth peer name eth0 netns "$FAR" || fail "cannot create the far link"
inwan ip link set eth1 mtu 1400 up
ip netns exec "$FAR" ip link set eth0 up
inwan sysctl -qw net.ipv6.conf.all.forwarding=1
inhost ip addr add 2001:db8:a::1/64 dev wan0 nodad
inwan ip addr add 2001:db8:a::2/64 dev eth0 nodad
inwan ip addr add 2001:db8:f::1/64 dev eth1 nodad
ip netns exec "$FAR" ip addr add 2001:db8:f::2/64 dev eth0 nodad
ip netns exec "$FAR" ip -6 route add default via 2001:db8:f::1
inhost ip -6 route add default via 2001:db8:a::2 dev wan0
inwan ip -6 route add fd00:6::/64 via 2001:db8:a::1
inhost sysctl -qw net.ipv6.conf.wan0.accept_ra=1
[ "$(inhost sysctl -n net.ipv6.conf.all.forwarding)" = 0 ] || fail "the host namespace forwards IPv6 already"

guest_add 1
vnetd_start
cat >"$TMP/r6.xml" <<X
<network><name>r6</name><forward mode='route' dev='wan0'/><bridge name='vnbr6'/>
<ip address='10.66.0.1' prefix='24'><dhcp><range start='10.66.0.10' end='10.66.0.50'/></dhcp></ip>
<ip family='ipv6' address='fd00:6::1' prefix='64'/>
</network>
X
vnetctl net-define "$TMP/r6.xml" >/dev/null || fail "net-define r6"
vnetctl net-start r6 >/dev/null || fail "net-start r6: $(tail -3 "$TMP/vnetd.log")"
[ "$(inhost sysctl -n net.ipv6.conf.vnbr6.forwarding)" = 1 ] || fail "IPv6 forwarding is off on the bridge"
[ "$(inhost sysctl -n net.ipv6.conf.wan0.forwarding)" = 1 ] || fail "IPv6 forwarding is off on the uplink"
[ "$(inhost sysctl -n net.ipv6.conf.wan0.accept_ra)" = 2 ] || fail "the uplink's accept_ra is not 2"
[ "$(inhost sysctl -n net.ipv6.conf.all.forwarding)" = 0 ] || fail "the global IPv6 forwarding was changed"
vnetctl port-add r6 vif1.0 ${PORT_HOOK:+--hook $PORT_HOOK} >/dev/null || fail "port-add vif1.0"
inguest 1 ip link set eth0 down
inguest 1 ip link set eth0 up
wait_for 150 bash -c "ip netns exec $P-g1 ip -6 addr show dev eth0 scope global | grep -q 'fd00:6::' &&
	! ip netns exec $P-g1 ip -6 addr show dev eth0 | grep -q tentative &&
	ip netns exec $P-g1 ip -6 route show default | grep -q via" ||
	fail "guest did no SLAAC in fd00:6::/64: $(inguest 1 ip -6 addr show dev eth0)"
g=$(inguest 1 ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
log "guest $g"
v6=$(net_stat r6 datapath.drops.ipv6)
# the guest port's fast (redirected by its program) and tx (redirected into
# it by vnet: the uplink program's deliveries) packets, not the kernel's
pstat() { vnetctl --json stats r6 | $PY -c 'import json,sys
print(sum(p[sys.argv[1]] for p in json.load(sys.stdin)[0]["datapath"]["ports"] if p["ifname"]=="vif1.0"))' "$1"; }
f_port=$(pstat fast_packets) f_up=$(pstat tx_packets)
src=$(net_stat r6 datapath.drops.src_ip6)

inguest 1 ping -6 -c 3 -i 0.2 -W 2 2001:db8:a::2 >/dev/null || fail "guest cannot ping6 the wan router"

# the wan sees the guest's own address
inwan $PY -c 'import socket
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",7002)); l.listen(1); c,a=l.accept(); print(a[0]); c.close()' >"$TMP/peer" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $WAN ss -ltn | grep -q ':7002'" || fail "the wan's listener did not start"
inguest 1 $PY -c 'import socket; s=socket.create_connection(("2001:db8:a::2",7002),timeout=10); s.close()' ||
	fail "guest cannot connect to the wan over TCP/IPv6"
wait "$srv"
[ "$(cat "$TMP/peer")" = "$g" ] || fail "the wan saw '$(cat "$TMP/peer")', not the guest's $g"

# the wan connects to the guest
inguest 1 $PY -c 'import socket
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",7003)); l.listen(1); c,a=l.accept(); c.sendall(b"hello " + a[0].encode()); c.close()' &
srv=$!
wait_for 50 bash -c "ip netns exec $P-g1 ss -ltn | grep -q ':7003'" || fail "the guest's listener did not start"
got=$(inwan $PY -c 'import socket; s=socket.create_connection(("'"$g"'",7003),timeout=10); print(s.recv(100).decode())') ||
	fail "the wan cannot connect to the guest"
wait "$srv"
[ "$got" = "hello 2001:db8:a::2" ] || fail "the guest answered '$got'"

# an upload across the 1400-byte hop: the wan router's packet too big must
# reach the guest (far advertises MSS 1440: only PMTU discovery makes it fit)
ip netns exec "$FAR" $PY -c 'import socket,hashlib
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",7004)); l.listen(1); c,a=l.accept(); h=hashlib.sha256(); n=0
while True:
  b=c.recv(65536)
  if not b: break
  h.update(b); n+=len(b)
print(a[0], n, h.hexdigest())' >"$TMP/far.out" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $FAR ss -ltn | grep -q ':7004'" || fail "the far listener did not start"
want=$(inguest 1 $PY -c 'import socket,hashlib,os
d=os.urandom(1<<20); s=socket.create_connection(("2001:db8:f::2",7004),timeout=20); s.sendall(d); s.close()
print(len(d), hashlib.sha256(d).hexdigest())') || fail "the upload across the 1400-byte hop failed"
wait "$srv"
[ "$(cat "$TMP/far.out")" = "$g $want" ] || fail "far got '$(cat "$TMP/far.out")', sent '$g $want'"
inguest 1 ip -6 route get 2001:db8:f::2 | grep -q "mtu 1400" ||
	fail "the guest learned no path MTU: $(inguest 1 ip -6 route get 2001:db8:f::2)"

fp=$(pstat fast_packets) fu=$(pstat tx_packets)
log "redirected by vnet: from the guest $((fp - f_port)), to it $((fu - f_up)) packets"
[ $((fp - f_port)) -ge 20 ] || fail "the guest's IPv6 was not routed by the port program"
[ $((fu - f_up)) -ge 20 ] || fail "the wan's IPv6 was not delivered by the uplink program"

# a spoofed source: dropped at the port, never at the wan
inwan $PY -c 'import socket
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::",7005)); s.settimeout(3)
try:
  d,a=s.recvfrom(100); print("got", a[0])
except socket.timeout: print("none")' >"$TMP/spoof.out" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $WAN ss -lun | grep -q ':7005'" || fail "the wan's UDP listener did not start"
inguest 1 ip -6 addr add 2001:db8:ee::5/128 dev eth0 nodad
inguest 1 $PY -c 'import socket
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("2001:db8:ee::5",0))
for _ in range(3): s.sendto(b"spoof", ("2001:db8:a::2",7005))'
wait "$srv"
[ "$(cat "$TMP/spoof.out")" = none ] || fail "the spoofed source reached the wan: $(cat "$TMP/spoof.out")"
inguest 1 ip -6 addr del 2001:db8:ee::5/128 dev eth0	# (else the guest's choice of source)
[ "$(net_stat r6 datapath.drops.src_ip6)" -ge $((src + 3)) ] || fail "the spoofed packets were not counted src_ip6"
[ "$(net_stat r6 datapath.drops.ipv6)" = "$v6" ] || fail "routed IPv6 counted as 'ipv6' drops"
# a write of conf.all.forwarding sets every device's: turned off, the
# reconciler turns the network's bridge and uplink back on (and counts it)
r0=$(net_stat r6 repairs.forwarding)
inhost sysctl -qw net.ipv6.conf.all.forwarding=1
inhost sysctl -qw net.ipv6.conf.all.forwarding=0
wait_for 100 sh -c "[ \$(ip netns exec $HOST cat /proc/sys/net/ipv6/conf/vnbr6/forwarding) = 1 ] &&
	[ \$(ip netns exec $HOST cat /proc/sys/net/ipv6/conf/wan0/forwarding) = 1 ]" ||
	fail "IPv6 forwarding was not turned back on after conf.all.forwarding=0"
[ "$(net_stat r6 repairs.forwarding)" -gt "$r0" ] || fail "the IPv6 forwarding repair was not counted"
# (while the bridge did not forward, its neighbour advertisements said it
# was no router, and the guest dropped its default route, RFC 4861 7.2.5:
# a router solicitation brings it back)
inguest 1 ip -6 route show default | grep -q via ||
	inguest 1 rdisc6 -1 -w 2000 eth0 >/dev/null 2>&1
wait_for 50 sh -c "ip netns exec $P-g1 ip -6 route show default | grep -q via" ||
	fail "the guest got no default route back: $(inguest 1 ip -6 route)"
inguest 1 ping -6 -c 2 -i 0.3 -W 2 2001:db8:a::2 >/dev/null || fail "no routed IPv6 after the repair"
log "ok"
