#!/bin/bash
# Every <ip> of a network is on its bridge and <route>s are on the host
# while it runs (issue 17.1): a second IPv4 subnet (its guests NATed like
# the first's), an IPv6 address (no DAD), IPv4 and IPv6 <route>s through the
# bridge; net-stop removes them. net-start refuses a second <ip> or a
# <route> the host already has elsewhere (issue 17.3), naming the device.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1; guest_add 2
vnetd_start
cat >"$TMP/mi.xml" <<X
<network><name>mi</name><forward mode='nat'/><bridge name='vnbr8'/>
<ip address='10.57.0.1' prefix='24'><dhcp><range start='10.57.0.10' end='10.57.0.50'/></dhcp></ip>
<ip address='10.58.0.1' prefix='24'/>
<ip family='ipv6' address='fd00:57::1' prefix='64'/>
<route address='10.59.0.0' prefix='24' gateway='10.57.0.5'/>
<route family='ipv6' address='fd00:59::' prefix='64' gateway='fd00:57::5'/>
</network>
X
vnetctl net-define "$TMP/mi.xml" >/dev/null || fail "net-define mi"
vnetctl net-start mi >/dev/null || fail "net-start mi"
addrs() { inhost ip -o addr show dev vnbr8 2>/dev/null | awk '{print $4}' | grep -v '^fe80' | sort | tr '\n' ' '; }
[ "$(addrs)" = "10.57.0.1/24 10.58.0.1/24 fd00:57::1/64 " ] || fail "bridge addresses: '$(addrs)'"
inhost ip -6 addr show dev vnbr8 | grep fd00:57::1 | grep -q tentative && fail "fd00:57::1 is tentative (DAD)"
inhost ip route show 10.59.0.0/24 | grep -q "via 10.57.0.5 dev vnbr8" ||
	fail "no IPv4 <route>: $(inhost ip route show 10.59.0.0/24)"
inhost ip -6 route show fd00:59::/64 | grep -q "via fd00:57::5 dev vnbr8" ||
	fail "no IPv6 <route>: $(inhost ip -6 route show fd00:59::/64)"

log "a guest of the second subnet is NATed like the first's"
vnetctl port-add mi vif1.0 >/dev/null || fail "port-add vif1.0"
# filter mode learn (the default): the second subnet's address is learned
vnetctl port-add mi vif2.0 >/dev/null || fail "port-add vif2.0"
guest_dhcp 1 || fail "guest 1 got no lease"
inguest 2 ip addr add 10.58.0.5/24 dev eth0
inguest 2 ip route add default via 10.58.0.1
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "guest 1 cannot reach the wan"
inguest 2 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "guest 2 (second subnet) cannot reach the wan"
inwan python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7002)); s.listen(1); s.settimeout(10)
c, a = s.accept(); print(a[0]); sys.stdout.flush()' >"$TMP/peer" 2>&1 & srv=$!
wait_for 50 bash -c "ip netns exec $WAN ss -ltn | grep -q :7002"
inguest 2 bash -c "echo hi >/dev/tcp/$WAN_IP/7002" || fail "guest 2 cannot connect to the wan"
wait $srv
[ "$(cat "$TMP/peer")" = "$UPLINK_IP" ] || fail "guest 2's flow was not NATed: the wan saw $(cat "$TMP/peer")"

vnetctl --json port-list mi | grep -q '10.58.0.5' || fail "10.58.0.5 was not learned on vif2.0: $(vnetctl port-list mi)"
log "a guest may not learn the second subnet's gateway address"
inguest 2 ip addr add 10.58.0.1/24 dev eth0
inguest 2 ping -c 1 -W 1 -I 10.58.0.1 10.58.0.9 >/dev/null 2>&1 # its ARP says 10.58.0.1
vnetctl --json port-list mi | grep -q '10.58.0.1"' && fail "vif2.0 learned the gateway 10.58.0.1"
inguest 2 ip addr del 10.58.0.1/24 dev eth0

log "net-stop removes the addresses and routes"
vnetctl net-stop mi >/dev/null || fail "net-stop mi"
[ -z "$(inhost ip route show 10.59.0.0/24)" ] || fail "the IPv4 <route> survived net-stop"
[ -z "$(inhost ip -6 route show fd00:59::/64)" ] || fail "the IPv6 <route> survived net-stop"
vnetctl net-start mi >/dev/null || fail "net-start mi again"
[ "$(addrs)" = "10.57.0.1/24 10.58.0.1/24 fd00:57::1/64 " ] || fail "bridge addresses after a restart: '$(addrs)'"
vnetctl net-stop mi >/dev/null || fail "net-stop mi again"

log "net-start refuses a second <ip> or a <route> the host has elsewhere"
cat >"$TMP/m2.xml" <<X
<network><name>m2</name><forward mode='nat'/><bridge name='vnbr9'/>
<ip address='10.61.0.1' prefix='24'/><ip address='203.0.113.77' prefix='24'/></network>
X
vnetctl net-define "$TMP/m2.xml" >/dev/null || fail "net-define m2"
out=$(vnetctl net-start m2 2>&1) && fail "net-start m2 (second <ip> on wan0's subnet) succeeded"
grep -q "wan0" <<<"$out" || fail "the refusal does not name wan0: $out"
log "refused: $out"
inhost ip route add 10.62.5.0/24 via $WAN_IP
cat >"$TMP/m3.xml" <<X
<network><name>m3</name><forward mode='nat'/><bridge name='vnbr10'/>
<ip address='10.61.0.1' prefix='24'/><route address='10.62.5.0' prefix='24' gateway='10.61.0.9'/></network>
X
vnetctl net-define "$TMP/m3.xml" >/dev/null || fail "net-define m3"
out=$(vnetctl net-start m3 2>&1) && fail "net-start m3 (<route> the host has) succeeded"
grep -q "10.62.5.0/24.*wan0" <<<"$out" || fail "the refusal does not name the route and wan0: $out"
log "refused: $out"
inhost ip route show 10.62.5.0/24 | grep -q "via $WAN_IP" || fail "the host's route was changed"
log "ok"
