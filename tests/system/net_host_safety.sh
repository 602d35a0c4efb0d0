#!/bin/bash
# Safety on a real host (issue 17.3): net-start refuses a subnet already
# configured or routed on the host, or used by another active vnet
# network, and names where; a network on a subnet another *inactive*
# network uses starts; the refused start touches nothing. Ports whose
# devices still exist survive net-stop/net-start and a vnetd restart
# (re-attached with their options, listed by port-list); the bridge keeps
# its MAC (fixed at define, as libvirt), so guests' ARP caches stay right.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1; guest_add 2
vnetd_start

define() { # NAME BRIDGE GATEWAY [PREFIX]
	cat >"$TMP/$1.xml" <<X
<network><name>$1</name><forward mode='nat'/><bridge name='$2'/>
<ip address='$3' prefix='${4:-24}'/></network>
X
	vnetctl net-define "$TMP/$1.xml" >/dev/null || fail "net-define $1"
}
refused() { # NET WORD: net-start fails, one line naming WORD, bridge not left behind
	local out
	out=$(vnetctl net-start "$1" 2>&1) && fail "net-start $1 succeeded: $2 conflicts"
	grep -q -- "$2" <<<"$out" || fail "net-start $1: error does not name $2: $out"
	[ "$(wc -l <<<"$out")" -le 1 ] || fail "net-start $1: error is not one line: $out"
	log "refused: $out"
}
routes() { inhost ip -4 route show | sort; }

log "a subnet configured on the uplink"
r0=$(routes)
define onwan vnbr7 203.0.113.50
refused onwan wan0
inhost ip link show vnbr7 >/dev/null 2>&1 && fail "the refused start left vnbr7"
[ "$(routes)" = "$r0" ] || fail "the refused start changed the routes"

log "a subnet routed on the host"
inhost ip route add 10.77.0.0/24 via $WAN_IP dev wan0
define routed vnbr8 10.77.0.1
refused routed wan0
inhost ip route add 10.78.0.0/16 via $WAN_IP dev wan0
define inside vnbr9 10.78.5.1
refused inside 10.78.0.0/16

log "a subnet of another active vnet network"
define first vnbr10 10.60.0.1
define second vnbr11 10.60.0.2 # the same subnet: define accepts it
vnetctl net-start first >/dev/null || fail "net-start first"
refused second first
vnetctl net-stop first >/dev/null || fail "net-stop first"
vnetctl net-start second >/dev/null || fail "net-start second once first is stopped"
vnetctl net-stop second >/dev/null || fail "net-stop second"

log "ports survive net-stop/net-start and a restart"
vnetctl net-start default >/dev/null || fail "net-start default"
vnetctl port-add default vif1.0 --mac 52:54:00:00:00:01 >/dev/null || fail "port-add vif1.0"
vnetctl port-add default vif2.0 --hook tc >/dev/null || fail "port-add vif2.0"
guest_dhcp 1 || fail "guest 1 got no lease"
guest_dhcp 2 || fail "guest 2 got no lease"
ports() { vnetctl --json port-list default | python3 -c '
import json, sys
print(" ".join(sorted("%s/%s/%s" % (p["ifname"], p.get("mac", "-"), p["hook_choice"]) for p in json.load(sys.stdin))))'; }
want="vif1.0/52:54:00:00:00:01/auto vif2.0/-/tc"
[ "$(ports)" = "$want" ] || fail "port-list: $(ports)"
brmac() { inhost cat /sys/class/net/vnbr0/address; }
mac0=$(brmac)
vnetctl net-stop default >/dev/null || fail "net-stop default"
vnetctl net-start default >/dev/null || fail "net-start default again"
[ "$(brmac)" = "$mac0" ] || fail "the bridge's MAC changed across net-stop/net-start: $mac0 -> $(brmac)"
[ "$(ports)" = "$want" ] || fail "ports after net-stop/net-start: '$(ports)', want '$want'"
inhost ip -o link show vif1.0 | grep -q "master vnbr0" || fail "vif1.0 not on the bridge again"
guest_dhcp 1 || fail "guest 1 got no lease after the restart of its network"
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "guest 1 cannot reach the wan after net-stop/net-start"
log "a port whose device is gone is dropped at start"
vnetctl net-stop default >/dev/null || fail "net-stop default"
inhost ip link del vif2.0
vnetctl net-start default >/dev/null || fail "net-start default without vif2.0"
[ "$(ports)" = "vif1.0/52:54:00:00:00:01/auto" ] || fail "ports without vif2.0: $(ports)"
vnetctl net-stop default >/dev/null || fail "net-stop default"
vnetd_stop
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default after a vnetd restart"
[ "$(ports)" = "vif1.0/52:54:00:00:00:01/auto" ] || fail "ports after a vnetd restart: $(ports)"
[ "$(brmac)" = "$mac0" ] || fail "the bridge's MAC changed across a vnetd restart: $mac0 -> $(brmac)"
# its lease binds again once the data path sees the guest's first frame
wait_for 30 inguest 1 ping -c 1 -W 1 $WAN_IP || { tail -5 $TMP/vnetd.log; net_stat default datapath.drops.src_ip; inguest 1 ip -4 addr; inhost ip link; fail "guest 1 cannot reach the wan after the vnetd restart"; }

log "a port the definition declares (<vnet:port dev>) is added at start when its device exists"
guest_add 3
cat >"$TMP/decl.xml" <<X
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>decl</name>
<forward mode='nat'/><bridge name='vnbr12'/><ip address='10.63.0.1' prefix='24'/>
<vnet:port dev='vif3.0' mac='52:54:00:00:00:03'/><vnet:port dev='novif9'/></network>
X
vnetctl net-define "$TMP/decl.xml" >/dev/null || fail "net-define decl"
vnetctl net-start decl >/dev/null || fail "net-start decl (a declared device is missing: not an error)"
dports=$(vnetctl --json port-list decl | python3 -c 'import json, sys; print(" ".join(p["ifname"] for p in json.load(sys.stdin)))')
[ "$dports" = "vif3.0" ] || fail "declared ports at start: '$dports', want vif3.0"
inhost ip -o link show vif3.0 | grep -q "master vnbr12" || fail "vif3.0 is not on vnbr12"
log "ok"
