#!/bin/bash
# A port re-added keeps its guest (issue 16.15): port-del purges the port's
# bindings; port-add of the same device, the guest's lease still valid,
# re-binds that lease at once (with and without --mac), without a new DHCP
# exchange and without src_ip/arp_spoof drops. The binding goes back only to
# the device it came from: another port showing the guest's MAC gets nothing.
. "$(dirname "$0")/../lib.sh"
default_world 2
ip1=$(guest_ip 1); ip2=$(guest_ip 2)
mac1=52:54:00:00:00:01

stat() { vnetctl --json stats default | python3 -c "import json,sys; d=json.load(sys.stdin)[0]; print($1)"; }
spoof_drops() { stat 'd["datapath"]["drops"]["src_ip"] + d["datapath"]["drops"]["arp_spoof"]'; }
requests() { stat 'd["dhcp"]["rx_request"] + d["dhcp"]["rx_discover"]'; }
rebound() { stat 'd["repairs"]["leases_rebound"]' 2>/dev/null || echo 0; }
reachable() { # LABEL: guest 1 reaches the wan and guest 2, guest 2 reaches guest 1, at once
	inguest 1 ping -c 1 -W 1 $WAN_IP >/dev/null || fail "$1: guest 1 cannot reach the wan"
	inguest 1 ping -c 1 -W 1 "$ip2" >/dev/null || fail "$1: guest 1 cannot reach guest 2"
	inguest 2 ping -c 1 -W 1 "$ip1" >/dev/null || fail "$1: guest 2 cannot reach guest 1"
}
reachable "before"

for how in "" "--mac $mac1"; do
	label="re-add ${how:-without --mac}"
	d0=$(spoof_drops); q0=$(requests); r0=$(rebound)
	vnetctl port-del default vif1.0 >/dev/null || fail "$label: port-del"
	vnetctl port-add default vif1.0 $how >/dev/null || fail "$label: port-add"
	reachable "$label"
	[ "$(spoof_drops)" = "$d0" ] || fail "$label: src_ip/arp_spoof drops rose ($d0 -> $(spoof_drops))"
	[ "$(requests)" = "$q0" ] || fail "$label: the guest needed a new DHCP exchange"
	[ "$(rebound)" -gt "$r0" ] || fail "$label: the re-bind was not counted"
	log "$label: guest 1 kept its address and reach"
done

log "another device showing guest 1's MAC does not get its binding"
vnetctl port-del default vif1.0 >/dev/null || fail "port-del vif1.0"
guest_add 3 $mac1
inguest 3 ip addr add "$ip1/24" dev eth0
inguest 3 ip route add default via 192.168.122.1
# strict (issue 19): under learn an address whose lease's port is gone is
# free to learn until its guest comes back (docs/security.md)
vnetctl port-add default vif3.0 --filter strict >/dev/null || fail "port-add vif3.0"
d0=$(spoof_drops)
inguest 3 ping -c 2 -W 1 "$ip2" >/dev/null 2>&1 && fail "vif3.0 took guest 1's binding"
inguest 3 ping -c 2 -W 1 $WAN_IP >/dev/null 2>&1 && fail "vif3.0 reached the wan with guest 1's address"
sleep 1.2 # a pending-bind retry (every second) must not bind it either
inguest 3 ping -c 1 -W 1 "$ip2" >/dev/null 2>&1 && fail "vif3.0 took guest 1's binding later"
[ "$(spoof_drops)" -gt "$d0" ] || fail "guest 3's borrowed address was not dropped"
vnetctl port-del default vif3.0 >/dev/null || fail "port-del vif3.0"
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0 after vif3.0"
reachable "back on vif1.0"

log "--mac naming another guest: the old binding is not restored"
vnetctl port-del default vif1.0 >/dev/null || fail "port-del vif1.0"
vnetctl port-add default vif1.0 --mac 52:54:00:00:00:77 >/dev/null || fail "port-add --mac other"
inguest 1 ping -c 1 -W 1 $WAN_IP >/dev/null 2>&1 && fail "the port locked to another MAC still passes guest 1"
log "ok"
