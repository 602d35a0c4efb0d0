#!/bin/bash
# What the network XML says about the bridge is honoured on the host (issue
# 17.1): <mtu> on the bridge, on every port when it joins (veth, tap) and
# kept as ports join; <bridge stp delay> on the kernel bridge (stp_state,
# forward_delay) with a warning in net-info that vnet's fast path forwards
# around STP; <mac address> is the bridge's MAC.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1; guest_add 2
inhost ip link set vif2.0 mtu 1400 # a port that comes with its own MTU
vnetd_start

cat >"$TMP/big.xml" <<X
<network><name>big</name><forward mode='nat'/><bridge name='vnbr3' stp='on' delay='2'/>
<mtu size='9000'/>
<ip address='10.50.0.1' prefix='24'><dhcp><range start='10.50.0.10' end='10.50.0.50'/></dhcp></ip></network>
X
out=$(vnetctl net-define "$TMP/big.xml" 2>&1) || fail "net-define big: $out"
grep -qi "warning:.*stp" <<<"$out" || fail "net-define printed no STP warning: $out"
vnetctl net-start big >/dev/null || fail "net-start big"
mtu() { inhost cat "/sys/class/net/$1/mtu"; }
[ "$(mtu vnbr3)" = 9000 ] || fail "bridge MTU $(mtu vnbr3), want 9000"
[ "$(inhost cat /sys/class/net/vnbr3/bridge/stp_state)" != 0 ] || fail "STP is off on vnbr3"
[ "$(inhost cat /sys/class/net/vnbr3/bridge/forward_delay)" = 200 ] || fail "forward_delay $(inhost cat /sys/class/net/vnbr3/bridge/forward_delay), want 200 (2 s)"
vnetctl net-info big | grep -qi "warning.*stp" || fail "net-info has no STP warning: $(vnetctl net-info big)"

for i in 1 2; do
	vnetctl port-add big vif$i.0 >/dev/null || fail "port-add vif$i.0"
	[ "$(mtu vif$i.0)" = 9000 ] || fail "port vif$i.0 MTU $(mtu vif$i.0), want 9000"
	[ "$(mtu vnbr3)" = 9000 ] || fail "bridge MTU fell to $(mtu vnbr3) when vif$i.0 joined"
done
tap=$(vnetctl tap-add big --name bt0) || fail "tap-add"
[ "$(mtu bt0)" = 9000 ] || fail "tap MTU $(mtu bt0), want 9000"
[ "$(mtu vnbr3)" = 9000 ] || fail "bridge MTU fell to $(mtu vnbr3) when the tap joined"

log "jumbo frames between two guests and to the gateway"
for i in 1 2; do inguest $i ip link set eth0 mtu 9000; done
guest_dhcp 1 && guest_dhcp 2 || fail "no lease (STP forward delay?)"
inguest 1 ping -c 1 -W 2 -M do -s 8972 "$(guest_ip 2)" >/dev/null || fail "no 9000-byte ping between guests"
inguest 1 ping -c 1 -W 2 -M do -s 8972 10.50.0.1 >/dev/null || fail "no 9000-byte ping to the gateway"
log "ok"
