#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NAT66 (issue 18.4): a NAT network with <nat ipv6='yes'> and a ULA <ip>.
# A guest (SLAAC) pings the wan router and TCP shows the uplink's address
# at the wan (not the guest's); the wan cannot reach the guest's address
# (unsolicited); conntrack has the flows; an upload to a far host behind a
# 1400-byte hop completes (the router's packet too big, translated, reached
# the guest); a fragmented echo is answered; a spoofed IPv6 source from the
# guest is dropped (src_ip6) and never reaches the wan; nothing is dropped
# as ipv6. PORT_HOOK=xdp (ipv6_nat_xdp.sh) runs the same with the guest's
# port on XDP.
#
#   guest -- vnbr6 fd00:66::1/64 (NAT66) [host] wan0 2001:db8:a::1 -- 2001:db8:a::2 [wan router]
#          eth1 2001:db8:f::1 (mtu 1400) -- 2001:db8:f::2 [far] (mtu 1500)
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

# (the wan routes the ULA prefix to the host anyway: unsolicited)
ipv6_wan_start "<forward mode='nat' dev='wan0'><nat ipv6='yes'/></forward>" fd00:66
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
[ "$(cat "$TMP/peer")" = 2001:db8:a::1 ] || fail "the wan saw '$(cat "$TMP/peer")', not the uplink's 2001:db8:a::1"
[ "$(net_stat r6 datapath.conntrack.nat_created)" -ge 2 ] || fail "no NAT66 flow was counted (nat_created)"

# the wan cannot open a connection to the guest (no flow: unsolicited)
uns=$(net_stat r6 datapath.drops.unsolicited)
inguest 1 $PY -c 'import socket
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",7003)); l.listen(1); l.settimeout(4)
try:
  c,a=l.accept(); print("accepted", a[0])
except socket.timeout: print("none")' >"$TMP/in.out" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $P-g1 ss -ltn | grep -q ':7003'" || fail "the guest's listener did not start"
inwan $PY -c 'import socket; s=socket.create_connection(("'"$g"'",7003),timeout=2)' 2>/dev/null &&
	fail "the wan connected to the guest's address through NAT66"
wait "$srv"
[ "$(cat "$TMP/in.out")" = none ] || fail "the guest accepted from the wan: $(cat "$TMP/in.out")"
[ "$(net_stat r6 datapath.drops.unsolicited)" -gt "$uns" ] || fail "the wan's SYN was not counted unsolicited"

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
[ "$(cat "$TMP/far.out")" = "2001:db8:a::1 $want" ] || fail "far got '$(cat "$TMP/far.out")', sent '2001:db8:a::1 $want'"
inguest 1 ip -6 route get 2001:db8:f::2 | grep -q "mtu 1400" ||
	fail "the guest learned no path MTU: $(inguest 1 ip -6 route get 2001:db8:f::2)"

fp=$(pstat fast_packets) fu=$(pstat tx_packets)
log "redirected by vnet: from the guest $((fp - f_port)), to it $((fu - f_up)) packets"
[ $((fp - f_port)) -ge 20 ] || fail "the guest's IPv6 was not translated by the port program"
[ $((fu - f_up)) -ge 20 ] || fail "the answers were not translated by the uplink program"

# fragments: a 3000-byte echo goes out in three, its answer comes back in
# three (the first fragment translated with its flow, the others follow)
inguest 1 ping -6 -c 2 -i 0.3 -s 3000 -W 3 2001:db8:a::2 >/dev/null ||
	fail "a fragmented ping6 through NAT66 got no answer"

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
[ "$(net_stat r6 datapath.drops.src_ip6)" -ge $((src + 3)) ] || fail "the spoofed packets were not counted src_ip6"
[ "$(net_stat r6 datapath.drops.ipv6)" = "$v6" ] || fail "NAT66 traffic counted as 'ipv6' drops"
log "ok"
