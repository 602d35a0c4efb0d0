#!/bin/bash
# Issue 19.3: port isolation. Two ports added with --isolated cannot
# exchange a packet -- not by IP, not by a frame sent to the other's MAC
# (the fast path, counted port_isolated), not by broadcast (the kernel
# bridge's flood: the bridge port's isolated flag) -- while both reach the
# gateway and the wan, and a third, not isolated, port reaches both.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "scapy not installed for $PY"

default_world 0
for g in 1 2 3; do guest_add "$g"; done
vnetctl port-add default vif1.0 --isolated >/dev/null || fail "port-add vif1.0 --isolated"
vnetctl port-add default vif2.0 --isolated --hook xdp >/dev/null || fail "port-add vif2.0"
vnetctl port-add default vif3.0 >/dev/null || fail "port-add vif3.0"
for g in 1 2 3; do guest_dhcp $g || fail "guest $g got no lease"; done
ip1=$(guest_ip 1) ip2=$(guest_ip 2) ip3=$(guest_ip 3)
inhost bridge -d link show dev vif1.0 | grep -q "isolated on" ||
	fail "the bridge port vif1.0 is not isolated: $(inhost bridge -d link show dev vif1.0)"
vnetctl --json port-list default | grep -q '"isolated": *true' || fail "port-list: no isolated port"

for g in 1 2; do
	inguest $g ping -c 1 -W 2 192.168.122.1 >/dev/null || fail "isolated guest $g: no gateway"
	inguest $g ping -c 1 -W 2 $WAN_IP >/dev/null || fail "isolated guest $g: no wan"
	inguest 3 ping -c 1 -W 2 "$(guest_ip $g)" >/dev/null || fail "guest 3 cannot reach guest $g"
done
iso0=$(net_stat default datapath.drops.port_isolated)
inguest 1 ping -c 2 -W 1 "$ip2" >/dev/null 2>&1 && fail "isolated guest 1 reached guest 2"
inguest 2 ping -c 2 -W 1 "$ip1" >/dev/null 2>&1 && fail "isolated guest 2 reached guest 1"
# unicast to the other's MAC (learned by now), and broadcast, from guest 1
mac2=$(inguest 2 cat /sys/class/net/eth0/address)
inguest 2 timeout 4 tcpdump -n -i eth0 -w "$TMP/g2.pcap" "udp port 9999" 2>/dev/null &
TD=$!
sleep 1
inguest 1 $PY -c 'import sys
from scapy.all import Ether, IP, UDP, sendp, get_if_hwaddr
m = get_if_hwaddr("eth0")
for dst in (sys.argv[1], "ff:ff:ff:ff:ff:ff"):
    for _ in range(3):
        sendp(Ether(src=m, dst=dst) / IP(src=sys.argv[2], dst=sys.argv[3]) / UDP(sport=9999, dport=9999) / b"x",
              iface="eth0", verbose=False)' "$mac2" "$ip1" "$ip2"
wait $TD 2>/dev/null
got=$(inguest 2 tcpdump -n -r "$TMP/g2.pcap" 2>/dev/null | wc -l)
iso=$(($(net_stat default datapath.drops.port_isolated) - iso0))
log "isolated: guest 2 received $got of 6 frames from guest 1; port_isolated +$iso"
[ "$got" = 0 ] || fail "an isolated port received $got frames from another isolated port"
[ "$iso" -ge 3 ] || fail "port_isolated not counted ($iso)"
log "ok"
