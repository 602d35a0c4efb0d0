#!/bin/bash
# Router advertisements from the gateway (issue 18): a network with an IPv6
# <ip> (a /64) and a domain. Guests' kernels do SLAAC: an address in the
# prefix and a default route via the gateway's link-local; rdisc6 (ndisc6)
# reads the RA's flags, prefix, MTU, RDNSS (the gateway) and DNSSL (the
# domain); guests reach each other (ping6, TCP) and the gateway's global
# address; net-stop sends a final RA with router lifetime 0 and the guest
# drops its default route; the bridge takes no RA itself (accept_ra=0).
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
command -v rdisc6 >/dev/null || skip "rdisc6 (ndisc6) not installed"

world_init
guest_add 1; guest_add 2
vnetd_start
cat >"$TMP/v6.xml" <<X
<network><name>v6</name><forward mode='nat'/><bridge name='vnbr6'/><domain name='v6.test'/>
<ip address='10.66.0.1' prefix='24'><dhcp><range start='10.66.0.10' end='10.66.0.50'/></dhcp></ip>
<ip family='ipv6' address='fd00:66::1' prefix='64'/>
</network>
X
vnetctl net-define "$TMP/v6.xml" >/dev/null || fail "net-define v6"
vnetctl net-start v6 >/dev/null || fail "net-start v6"
[ "$(inhost sysctl -n net.ipv6.conf.vnbr6.accept_ra)" = 0 ] || fail "the bridge takes router advertisements"
for g in 1 2; do
	vnetctl port-add v6 "vif$g.0" >/dev/null || fail "port-add vif$g.0"
	# the guest's interface comes up on the network: DAD, then solicitations
	inguest "$g" ip link set eth0 down
	inguest "$g" ip link set eth0 up
done
global() { inguest "$1" ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1; }
for g in 1 2; do
	wait_for 150 bash -c "ip netns exec $P-g$g ip -6 addr show dev eth0 scope global | grep -q 'fd00:66::' &&
		! ip netns exec $P-g$g ip -6 addr show dev eth0 | grep -q tentative" ||
		fail "guest $g did no SLAAC in fd00:66::/64: $(inguest $g ip -6 addr show dev eth0)"
done
g1=$(global 1) g2=$(global 2)
brll=$(inhost ip -6 -o addr show dev vnbr6 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
log "guest1 $g1, guest2 $g2, gateway $brll"
inguest 1 ip -6 route show default | grep -q "via $brll dev eth0" ||
	fail "guest 1's default route is not via the gateway's link-local: $(inguest 1 ip -6 route show default)"

# rdisc6: what the RA says
inguest 1 rdisc6 -1 -w 3000 eth0 >"$TMP/rdisc6" 2>&1 || { cat "$TMP/rdisc6"; fail "rdisc6 got no RA"; }
[ -n "$DEBUG" ] && cat "$TMP/rdisc6"
grep -Eq "Stateful address conf.*: *No" "$TMP/rdisc6" || fail "M flag set: $(cat "$TMP/rdisc6")"
grep -Eq "Stateful other conf.*: *Yes" "$TMP/rdisc6" || fail "O flag not set (DNS is on)"
grep -Eq "Router lifetime *: *1800" "$TMP/rdisc6" || fail "router lifetime not 1800"
grep -Eq "Prefix *: *fd00:66::/64" "$TMP/rdisc6" || fail "no prefix fd00:66::/64"
grep -Eq "Recursive DNS server *: *fd00:66::1" "$TMP/rdisc6" || fail "no RDNSS fd00:66::1"
grep -Eq "DNS search list *: *v6.test" "$TMP/rdisc6" || fail "no DNSSL v6.test"
grep -Eq "MTU *: *1500" "$TMP/rdisc6" || fail "no MTU option"
grep -Eq "from $brll" "$TMP/rdisc6" || fail "the RA does not come from the gateway's link-local"

# guest <-> guest over the global addresses, and to the gateway
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$g2" >/dev/null || fail "guest1 cannot ping6 guest2's global address"
inguest 2 ping -6 -c 2 -i 0.2 -W 2 fd00:66::1 >/dev/null || fail "guest2 cannot ping6 the gateway's global address"
inguest 2 $PY -c 'import socket
l=socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
l.bind(("::",7006)); l.listen(1); c,a=l.accept(); n=0
while True:
  b=c.recv(65536)
  if not b: break
  n+=len(b)
print(a[0], n)' >"$TMP/tcp6.out" 2>&1 &
srv=$!
wait_for 50 bash -c "ip netns exec $P-g2 ss -ltn | grep -q ':7006'" || fail "guest2's server did not start"
inguest 1 $PY -c 'import socket
s=socket.create_connection(("'"$g2"'",7006),timeout=10); s.sendall(b"x"*(1<<20)); s.close()' ||
	fail "guest1 could not connect to guest2 over TCP/IPv6"
wait "$srv"
[ "$(cat "$TMP/tcp6.out")" = "$g1 1048576" ] || fail "guest2 got '$(cat "$TMP/tcp6.out")'"

# a solicitation is answered (within 0.5 s plus the 3 s spacing)
t0=$(date +%s%N)
inguest 2 rdisc6 -1 -w 4000 -r 1 eth0 >/dev/null 2>&1 || fail "no RA in answer to a solicitation"
log "solicited RA after $((($(date +%s%N) - t0) / 1000000)) ms"

# net-info: the IPv6 state and the RAs counted
vnetctl net-info v6 >"$TMP/info"
grep -Eq "^Ipv6: +fd00:66::1/64$" "$TMP/info" || fail "net-info lacks the IPv6 address: $(cat "$TMP/info")"
grep -Eq "^Router adverts: +[1-9][0-9]* sent, [1-9][0-9]* solicitations answered" "$TMP/info" ||
	fail "net-info lacks the RA counts: $(grep -i router "$TMP/info")"

# net-stop: the final RA (router lifetime 0) takes the default route away
vnetctl net-stop v6 >/dev/null || fail "net-stop v6"
wait_for 30 bash -c "! ip netns exec $P-g1 ip -6 route show default | grep -q ." ||
	fail "guest 1 kept its default route after net-stop: $(inguest 1 ip -6 route show default)"
log "ok"
