#!/bin/bash
# Counters per network (issue 16.13): a hostile guest on network "default"
# sends frames with a forged source address and opens NAT flows; the drops
# and conntrack counters of "default" rise, those of a second network
# "net2" (its own guest, its own uplink traffic) do not -- in
# `vnetctl stats NET` and in the metrics' network label alike.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1
guest_add 2
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default"
cat >"$TMP/net2.xml" <<EOF
<network><name>net2</name><forward mode='nat'/><bridge name='vnbr2'/>
<ip address='192.168.150.1' netmask='255.255.255.0'>
<dhcp><range start='192.168.150.10' end='192.168.150.50'/></dhcp></ip></network>
EOF
vnetctl net-define "$TMP/net2.xml" >/dev/null || fail "net-define net2"
vnetctl net-start net2 >/dev/null || fail "net-start net2"
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add net2 vif2.0 >/dev/null || fail "port-add vif2.0"
guest_dhcp 1 || fail "guest 1 got no lease"
guest_dhcp 2 || fail "guest 2 got no lease"
inguest 2 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "guest 2 (net2) has no wan"

# stat NET KEY: drops.KEY, or conntrack.KEY, of one network
stat() {
	vnetctl --json stats "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]["datapath"]
k = sys.argv[1]
print(d["drops"][k] if k in d["drops"] else d["conntrack"][k])' "$2"
}
# metric FAMILY NET REASON-or-empty: the sample's value (0 when absent)
metric() {
	vnetctl metrics | awk -v f="$1" -v n="network=\"$2\"" -v r="$3" '
		index($1, f "{") == 1 && index($1, n) && (r == "" || index($1, "reason=\"" r "\"")) { v = $NF }
		END { print v + 0 }'
}

src1=$(stat default src_ip); src2=$(stat net2 src_ip)
nat1=$(stat default nat_created); nat2=$(stat net2 nat_created)
msrc1=$(metric vnet_drops_total default src_ip); msrc2=$(metric vnet_drops_total net2 src_ip)

log "guest 1 (default) sends 20 frames from a forged address and opens 10 NAT flows"
inguest 1 /usr/bin/python3 - "$WAN_IP" <<'PY' || fail "scapy failed"
import sys
from scapy.all import Ether, IP, UDP, sendp, get_if_hwaddr, conf
conf.verb = 0
mac = get_if_hwaddr("eth0")
sendp([Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="10.66.0.%d" % i, dst=sys.argv[1]) /
       UDP(sport=1000 + i, dport=9) for i in range(20)], iface="eth0")
PY
for i in $(seq 10); do
	inguest 1 python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$WAN_IP', $((7000 + i))))"
done
sleep 0.5

d1=$(($(stat default src_ip) - src1)); d2=$(($(stat net2 src_ip) - src2))
n1=$(($(stat default nat_created) - nat1)); n2=$(($(stat net2 nat_created) - nat2))
log "src_ip drops: default +$d1, net2 +$d2; nat_created: default +$n1, net2 +$n2"
[ "$d1" -ge 20 ] || fail "default counted $d1 src_ip drops, expected 20"
[ "$d2" = 0 ] || fail "net2 shows default's drops (+$d2): counters are not per network"
[ "$n1" -ge 10 ] || fail "default counted $n1 new NAT flows, expected 10"
[ "$n2" = 0 ] || fail "net2 shows default's NAT flows (+$n2)"

m1=$(($(metric vnet_drops_total default src_ip) - msrc1))
m2=$(($(metric vnet_drops_total net2 src_ip) - msrc2))
log "metrics: vnet_drops_total{reason=src_ip} default +$m1, net2 +$m2"
[ "$m1" -ge 20 ] || fail "metrics: default's src_ip drops rose by $m1"
[ "$m2" = 0 ] || fail "metrics: net2's src_ip drops rose by $m2"
vnetctl metrics | grep -q '^vnet_conntrack_created_total{network="net2"} ' ||
	fail "no per-network conntrack counter for net2"

# net2's own traffic is its own: a flow from guest 2 shows on net2 only
nat1=$(stat default nat_created)
inguest 2 python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$WAN_IP', 7999))"
sleep 0.3
[ "$(stat net2 nat_created)" -gt "$nat2" ] || fail "net2's own flow not counted on net2"
[ "$(stat default nat_created)" = "$nat1" ] || fail "net2's flow counted on default"
if command -v promtool >/dev/null; then
	vnetctl metrics | promtool check metrics >"$TMP/lint" 2>&1 || { cat "$TMP/lint"; fail "promtool rejects the exposition"; }
fi
log "ok"
