#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A port's host side carries no IPv6 (issue 21.2): vnetd sets disable_ipv6
# on the host end of every device it enslaves as a guest port (a bridge
# member needs no address; the network's L3 is the bridge's), before the
# device comes up, so the host namespace holds no link-local address and no
# fe80::/64 or multicast route per guest (the kernel routes each IPv6 frame
# it receives over every IPv6 device's routes). Guests are unchanged: two
# guests on a NAT66 network take SLAAC from vnet's RA, reach each other and
# the wan over IPv6, and ping the gateway's link-local; a tap made by
# tap-add has no IPv6 either; a port-del and a net-stop give the device back
# with the namespace's default (IPv6 on), net-start takes it away again; the
# bridge and the uplink keep theirs.
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"

conf6() { inhost cat "/proc/sys/net/ipv6/conf/$1/$2"; }	# (vif1.0: no sysctl -n)
# port_v6_none DEV: no IPv6 address, no IPv6 route of any table on DEV
port_v6_none() {
	[ "$(conf6 "$1" disable_ipv6)" = 1 ] || fail "$1: disable_ipv6 is not 1"
	[ -z "$(inhost ip -6 addr show dev "$1")" ] || fail "$1 has IPv6 addresses: $(inhost ip -6 addr show dev "$1")"
	[ -z "$(inhost ip -6 route show table all dev "$1")" ] ||
		fail "$1 has IPv6 routes: $(inhost ip -6 route show table all dev "$1")"
}

# guest 2 comes up before vnetd: its port (vif2.0) is up with a link-local
# when it is added, guest 1's (vif1.0) is down until then (ipv6_wan_start)
ipv6_wan_start "<forward mode='nat' dev='wan0'><nat ipv6='yes'/></forward>" fd00:66
guest_add 2
wait_for 50 bash -c "ip netns exec $HOST ip -6 addr show dev vif2.0 | grep -q fe80" ||
	fail "the test's premise: vif2.0 has no link-local before port-add"
vnetctl port-add r6 vif2.0 >/dev/null || fail "port-add vif2.0"
port_v6_none vif1.0
port_v6_none vif2.0
for d in vnbr6 wan0; do
	inhost ip -6 addr show dev $d scope link | grep -q fe80 || fail "$d lost its link-local address"
done

inguest 2 ip link set eth0 down
inguest 2 ip link set eth0 up
wait_for 150 bash -c "ip netns exec $P-g2 ip -6 addr show dev eth0 scope global | grep -q 'fd00:66::' &&
	! ip netns exec $P-g2 ip -6 addr show dev eth0 | grep -q tentative" ||
	fail "guest 2 did no SLAAC: $(inguest 2 ip -6 addr show dev eth0)"
g2=$(inguest 2 ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$g2" >/dev/null || fail "guest 1 cannot ping6 guest 2 ($g2)"
inguest 2 ping -6 -c 2 -i 0.2 -W 2 "$g" >/dev/null || fail "guest 2 cannot ping6 guest 1 ($g)"
inguest 1 ping -6 -c 2 -i 0.2 -W 2 2001:db8:a::2 >/dev/null || fail "guest 1 cannot ping6 the wan"
inguest 2 ping -6 -c 2 -i 0.2 -W 2 2001:db8:a::2 >/dev/null || fail "guest 2 cannot ping6 the wan"
brll=$(inhost ip -6 -o addr show dev vnbr6 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$brll%eth0" >/dev/null || fail "guest 1 cannot ping6 the gateway's link-local"
# still none after the traffic (nothing turned it back on)
port_v6_none vif1.0
port_v6_none vif2.0

log "a tap made by tap-add"
vnetctl tap-add r6 --name vt6 >/dev/null || fail "tap-add vt6: $(tail -3 "$TMP/vnetd.log")"
port_v6_none vt6

log "port-del gives the device back with the namespace's default"
vnetctl port-del r6 vif2.0 >/dev/null || fail "port-del vif2.0"
[ "$(conf6 vif2.0 disable_ipv6)" = "$(conf6 default disable_ipv6)" ] || fail "vif2.0 kept disable_ipv6 after port-del"
wait_for 50 bash -c "ip netns exec $HOST ip -6 addr show dev vif2.0 | grep -q fe80" ||
	fail "vif2.0 has no link-local after port-del"
log "net-stop gives the ports back, net-start takes their IPv6 again"
vnetctl net-stop r6 >/dev/null || fail "net-stop r6"
[ "$(conf6 vif1.0 disable_ipv6)" = "$(conf6 default disable_ipv6)" ] || fail "vif1.0 kept disable_ipv6 after net-stop"
vnetctl net-start r6 >/dev/null || fail "net-start r6"
vnetctl port-list r6 | grep -q vif1.0 || fail "vif1.0 not re-added at net-start"
port_v6_none vif1.0
log "ok"
