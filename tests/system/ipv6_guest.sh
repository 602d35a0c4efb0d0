#!/bin/bash
# IPv6 between guests on the default network (issue 18), which has no IPv6
# <ip>: link-local ping6 and TCP both ways, the addresses learned on each
# port (a guest's first solicitation claims its address), guest -> gateway
# link-local ping, every frame of it switched port to port or passed, none
# counted as a drop. VNET_DP_HOOK=xdp-veth (ipv6_guest_xdp.sh) runs the
# same at XDP.
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ll() { inguest "$1" ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1; }
drops_total() { vnetctl --json stats default | $PY -c 'import json,sys
d=json.load(sys.stdin)[0]["datapath"]["drops"]; print(sum(v for k,v in d.items() if isinstance(v,int)))'; }

default_world 2
for g in 1 2; do
	wait_for 50 bash -c "ip netns exec $P-g$g ip -6 addr show dev eth0 scope link | grep -q fe80 &&
		! ip netns exec $P-g$g ip -6 addr show dev eth0 | grep -q tentative" ||
		fail "guest $g has no link-local address"
done
wait_for 50 bash -c "ip netns exec $HOST ip -6 addr show dev vnbr0 | grep -q fe80 &&
	! ip netns exec $HOST ip -6 addr show dev vnbr0 | grep -q tentative" ||
	fail "vnbr0 has no link-local address"
ll1=$(ll 1) ll2=$(ll 2)
log "guest1 $ll1, guest2 $ll2"
# (what a guest sent before its port claimed its address -- MLD reports,
# router solicitations from the address its DAD claimed before the port
# was added -- is counted as src_ip6: count from here)
before=$(drops_total)
v6=$(net_stat default datapath.drops.ipv6)
for r in src_ip6 nd_spoof ra_guard; do eval "b_$r=\$(net_stat default datapath.drops.$r)"; done

inguest 1 ping -6 -c 3 -i 0.2 -W 2 "$ll2%eth0" >/dev/null || fail "guest1 cannot ping6 guest2's link-local"
inguest 2 ping -6 -c 3 -i 0.2 -W 2 "$ll1%eth0" >/dev/null || fail "guest2 cannot ping6 guest1's link-local"
brll=$(inhost ip -6 -o addr show dev vnbr0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
[ -n "$brll" ] || fail "vnbr0 has no link-local address"
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$brll%eth0" >/dev/null || fail "guest1 cannot ping6 the gateway's link-local"

# TCP over link-local, 1 MiB, checked end to end
inguest 2 $PY -c 'import socket,hashlib
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",7001)); l.listen(1); c,a=l.accept(); h=hashlib.sha256(); n=0
while True:
  b=c.recv(65536)
  if not b: break
  h.update(b); n+=len(b)
print(n, h.hexdigest())' >"$TMP/tcp6.out" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $P-g2 ss -ltn | grep -q ':7001'" || fail "guest2's server did not start"
want=$(inguest 1 $PY -c 'import socket,hashlib,os,sys
d=os.urandom(1<<20); s=socket.create_connection(("'"$ll2"'%eth0",7001),timeout=10); s.sendall(d); s.close()
print(len(d), hashlib.sha256(d).hexdigest())') || fail "guest1 could not send over TCP/IPv6"
wait "$srv"
[ "$(cat "$TMP/tcp6.out")" = "$want" ] || fail "guest2 got '$(cat "$TMP/tcp6.out")', sent '$want'"

after=$(drops_total)
log "drops during the IPv6 traffic: $((after - before)); ipv6 drops $v6 -> $(net_stat default datapath.drops.ipv6)"
[ "$(net_stat default datapath.drops.ipv6)" = "$v6" ] || fail "guest IPv6 counted as 'ipv6' drops"
for r in src_ip6 nd_spoof ra_guard; do
	b=b_$r
	[ "$(net_stat default datapath.drops.$r)" = "${!b}" ] || fail "ordinary IPv6 traffic dropped as $r"
done
log "ok"
