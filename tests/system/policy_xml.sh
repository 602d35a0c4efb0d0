#!/bin/bash
# Issue 19.1/19.3 through the XML: a policy at network, portgroup and
# <vnet:port> level, inherited port <- <vnet:port> <- portgroup <- network.
# The network is strict; portgroup "lab" is off and isolated; vif3.0 is
# declared with an address. A static guest on a strict port gets nothing
# (counted), one in "lab" works, the declared port works with its declared
# address and no other (attached by net-start); port-add --filter
# overrides everything.
. "$(dirname "$0")/../lib.sh"

drop_of() { net_stat pol "datapath.drops.$1"; }
ping_ok() { inguest "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1 ||
	    inguest "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; }

world_init
for g in 1 2 3 4; do guest_add "$g"; done
vnetd_start
cat >"$TMP/pol.xml" <<'X'
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>pol</name>
  <forward mode='nat'/><bridge name='vnbr1'/>
  <vnet:filter mode='strict'/>
  <portgroup name='lab'><vnet:filter mode='off'/><port isolated='yes'/></portgroup>
  <vnet:port dev='vif3.0'><vnet:ip address='10.50.0.30'/></vnet:port>
  <ip address='10.50.0.1' netmask='255.255.255.0'/></network>
X
vnetctl net-define "$TMP/pol.xml" >/dev/null || fail "net-define pol"
vnetctl net-start pol >/dev/null || fail "net-start pol"
vnetctl port-add pol vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add pol vif2.0 --portgroup lab >/dev/null || fail "port-add vif2.0 --portgroup lab"
# vif3.0 is declared: attached by net-start (its device exists)
vnetctl port-add pol vif4.0 --portgroup lab --filter learn >/dev/null || fail "port-add vif4.0"
expect_fail vnetctl port-add pol vif4.0 --portgroup nosuch
for g in 1 2 4; do
	inguest $g ip addr add 10.50.0.$((g * 10))/24 dev eth0
	inguest $g ip route add default via 10.50.0.1
done
inguest 3 ip addr add 10.50.0.30/24 dev eth0
inguest 3 ip route add default via 10.50.0.1
list=$(vnetctl port-list pol)
log "$list"
echo "$list" | grep vif1.0 | grep -qw strict || fail "vif1.0 is not strict"
echo "$list" | grep vif2.0 | grep -qw off || fail "vif2.0 (portgroup lab) is not off"
echo "$list" | grep vif3.0 | grep -q "10.50.0.30" || fail "vif3.0's declared address not listed"
echo "$list" | grep vif4.0 | grep -qw learn || fail "vif4.0 (--filter learn) is not learn"
vnetctl --json port-list pol | python3 -c 'import json,sys
p = {x["ifname"]: x for x in json.load(sys.stdin)}
assert p["vif2.0"]["isolated"] and p["vif4.0"]["isolated"] and not p["vif1.0"]["isolated"], p' ||
	fail "isolation from the portgroup not applied"

s0=$(($(drop_of src_ip) + $(drop_of arp_spoof)))
ping_ok 1 $WAN_IP && fail "a static guest on a strict port reached the wan"
[ $(($(drop_of src_ip) + $(drop_of arp_spoof))) -gt "$s0" ] || fail "strict: drops not counted"
ping_ok 2 $WAN_IP || fail "a static guest in portgroup lab (off) cannot reach the wan"
ping_ok 3 $WAN_IP || fail "the declared address of vif3.0 does not work"
ping_ok 4 $WAN_IP || fail "a static guest with --filter learn cannot reach the wan"
inguest 3 ip addr del 10.50.0.30/24 dev eth0
inguest 3 ip addr add 10.50.0.31/24 dev eth0
inguest 3 ip route add default via 10.50.0.1
ping_ok 3 $WAN_IP && fail "vif3.0 used an address it did not declare"
ping_ok 2 10.50.0.40 && fail "two isolated ports of portgroup lab reached each other"
log "ok"
