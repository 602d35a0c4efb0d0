#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NAT66 with <nat ipv6='yes'><port start='20000' end='20009'/> (issue 18.4):
# the wan sees the guest's TCP connections and UDP datagrams come from the
# uplink's address and a source port inside the range -- the guest's own
# port only when it is inside it -- as IPv4's SNAT (net_nat_ranges.sh);
# the answers reach the guest.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ipv6_wan_start "<forward mode='nat' dev='wan0'><nat ipv6='yes'><port start='20000' end='20009'/></nat></forward>" fd00:67

# the wan: a TCP listener and a UDP echo, each printing the peer it saw
inwan $PY -c 'import socket, threading
def tcp():
  l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
  l.bind(("::",7010)); l.listen(16)
  for _ in range(6):
    c,a=l.accept(); print("tcp", a[0], a[1], flush=True); c.sendall(b"hi"); c.close()
def udp():
  s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::",7011))
  for _ in range(6):
    d,a=s.recvfrom(100); print("udp", a[0], a[1], flush=True); s.sendto(d,a)
t=[threading.Thread(target=tcp), threading.Thread(target=udp)]
[x.start() for x in t]; [x.join(timeout=60) for x in t]' >"$TMP/peers" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $WAN ss -ltn | grep -q ':7010' && ip netns exec $WAN ss -lun | grep -q ':7011'" ||
	fail "the wan's listeners did not start"

# from the guest: TCP and UDP from 40000-40004 (not NAT ports), 5000 (a NAT
# port of vnet's own ranges, outside this one) and 20005 (inside it);
# each must get its answer
inguest 1 $PY -c 'import socket
for p in (40000, 40001, 40002, 40003, 5000, 20005):
  c=socket.socket(socket.AF_INET6); c.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
  c.bind(("::",p)); c.settimeout(10); c.connect(("2001:db8:a::2",7010))
  assert c.recv(10)==b"hi", "tcp %d: no answer" % p; c.close()
  u=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::",p)); u.settimeout(10)
  u.sendto(b"x%d" % p, ("2001:db8:a::2",7011))
  assert u.recvfrom(100)[0]==b"x%d" % p, "udp %d: no answer" % p; u.close()' ||
	fail "a guest flow got no answer through NAT66: $(cat "$TMP/peers")"
wait "$srv"
cat "$TMP/peers"
[ "$(grep -c '^tcp 2001:db8:a::1 ' "$TMP/peers")" = 6 ] || fail "the wan did not see 6 TCP connections from the uplink's address"
[ "$(grep -c '^udp 2001:db8:a::1 ' "$TMP/peers")" = 6 ] || fail "the wan did not see 6 UDP datagrams from the uplink's address"
while read -r proto addr port; do
	[ "$port" -ge 20000 ] && [ "$port" -le 20009 ] || fail "$proto from source port $port, outside 20000-20009"
done <"$TMP/peers"
grep -q '^tcp 2001:db8:a::1 20005$' "$TMP/peers" || fail "the guest's own port 20005 (in the range) was not kept for TCP"
grep -q '^udp 2001:db8:a::1 20005$' "$TMP/peers" || fail "the guest's own port 20005 (in the range) was not kept for UDP"
log "ok"
