#!/bin/bash
# Issue 16.8 and 16.9, a hostile guest sending (scapy) VLAN-tagged frames
# (the kernel moves the tag into skb metadata before tc sees the frame) to
# the wan through NAT and to another guest, and broadcast, multicast,
# reserved and IP-option packets to the gateway's MAC for the wan. Nothing
# of it may reach the wan (tcpdump there) or the other guest (tcpdump there)
# and each is counted (vlan, bad_dst, ip_options); ordinary traffic the same
# way still arrives.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "scapy not installed for $PY"
command -v tcpdump >/dev/null || skip "tcpdump not installed"

drop_of() { net_stat default "datapath.drops.$1"; }
PIDS=()
capture() {	# capture NS FILE: tcpdump on eth0 of namespace NS into FILE
	local out=$2
	(exec ip netns exec "$1" tcpdump -i eth0 -nn -U -w "$out" 2>"$out.err") &
	PIDS+=($!)
	wait_for 50 grep -q "listening on" "$out.err" || fail "tcpdump did not start"
}
# seen FILE: the markers found in a capture, "marker:vlanID:src" per packet
seen() {
	$PY - "$1" <<'PY'
import sys
from scapy.all import rdpcap, Dot1Q, IP, UDP
for p in rdpcap(sys.argv[1]):
    if UDP in p and IP in p:
        vid = p[Dot1Q].vlan if Dot1Q in p else 0
        print("%s:%d:%s" % (bytes(p[UDP].payload).decode(errors="replace"), vid, p[IP].src))
PY
}

# host access services (issue 19; the default all lets broadcast and
# multicast destinations reach the host, as libvirt): the test counts them
DEFAULT_HOST_ACCESS=services default_world 2
ip1=$(guest_ip 1) ip2=$(guest_ip 2)
mac1=$(inguest 1 cat /sys/class/net/eth0/address)
mac2=$(inguest 2 cat /sys/class/net/eth0/address)
brmac=$(inhost cat /sys/class/net/vnbr0/address)
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no wan"
b_vlan=$(drop_of vlan) b_dst=$(drop_of bad_dst) b_opt=$(drop_of ip_options)

capture "$WAN" "$TMP/wan.pcap"
capture "$P-g2" "$TMP/g2.pcap"
inguest 1 $PY - "$mac1" "$ip1" "$brmac" "$mac2" "$ip2" $WAN_IP <<'PY' || fail "scapy send failed"
import sys
from scapy.all import Ether, Dot1Q, IP, UDP, IPOption_LSRR, IPOption_RR, IPOption_Router_Alert, sendp
mac, src, br, mac2, ip2, wan = sys.argv[1:7]
def udp(dst, tag, dport=7100, **kw):
    return IP(src=src, dst=dst, ttl=64, **kw) / UDP(sport=40000, dport=dport) / tag
frames = [
    Ether(src=mac, dst=br) / udp(wan, "plain-wan"),
    Ether(src=mac, dst=mac2) / udp(ip2, "plain-guest"),
    Ether(src=mac, dst=br) / Dot1Q(vlan=5) / udp(wan, "vlan5-wan"),
    Ether(src=mac, dst=mac2) / Dot1Q(vlan=7) / udp(ip2, "vlan7-guest"),
    Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=7) / udp(ip2, "vlan7-bcast"),
    Ether(src=mac, dst=br) / udp("255.255.255.255", "limited-bcast"),
    Ether(src=mac, dst=br) / udp("224.0.0.251", "mdns", dport=5353),
    Ether(src=mac, dst=br) / udp("239.1.2.3", "mcast-admin"),
    Ether(src=mac, dst=br) / udp("240.0.0.1", "class-e"),
    Ether(src=mac, dst=br) / udp("0.1.2.3", "zero-net"),
    Ether(src=mac, dst=br) / udp(wan, "lsrr", options=[IPOption_LSRR(routers=["198.51.100.7"])]),
    Ether(src=mac, dst=br) / udp(wan, "record-route", options=[IPOption_RR(routers=["0.0.0.0"])]),
    Ether(src=mac, dst=br) / udp(wan, "router-alert", options=[IPOption_Router_Alert()]),
]
for f in frames:
    sendp(f, iface="eth0", verbose=False)
PY
sleep 0.7
kill "${PIDS[@]}"; wait "${PIDS[@]}" 2>/dev/null
[ -n "$DEBUG" ] && inwan tcpdump -nn -e -v -r "$TMP/wan.pcap"
wan=$(seen "$TMP/wan.pcap") g2=$(seen "$TMP/g2.pcap")
log "wan saw: $(echo $wan)"
log "guest 2 saw: $(echo $g2)"
grep -q "^plain-wan:0:$UPLINK_IP$" <<<"$wan" || fail "the plain datagram did not reach the wan (capture broken?)"
grep -q "^plain-guest:0:$ip1$" <<<"$g2" || fail "the plain datagram did not reach guest 2 (capture broken?)"
for m in vlan5-wan limited-bcast mdns mcast-admin class-e zero-net lsrr record-route router-alert; do
	grep -q "^$m:" <<<"$wan" && fail "'$m' from a guest reached the wan"
done
for m in vlan7-guest vlan7-bcast; do
	grep -q "^$m:" <<<"$g2" && fail "'$m' (VLAN-tagged) reached guest 2"
done
log "drops: vlan +$(($(drop_of vlan) - b_vlan)) bad_dst +$(($(drop_of bad_dst) - b_dst)) ip_options +$(($(drop_of ip_options) - b_opt))"
[ "$(drop_of vlan)" -ge $((b_vlan + 3)) ] || fail "vlan did not count the tagged frames"
[ "$(drop_of bad_dst)" -ge $((b_dst + 5)) ] || fail "bad_dst did not count the broadcast/multicast/reserved destinations"
[ "$(drop_of ip_options)" -ge $((b_opt + 3)) ] || fail "ip_options did not count the packets with options"
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no wan afterwards"
inguest 1 ping -c 1 -W 2 "$ip2" >/dev/null || fail "no guest 2 afterwards"

# Route mode: what vnet leaves to the kernel on purpose still works through
# the bridge program (fragments forwarded, TTL expiry answered), while
# options and reserved destinations stay in, whether sent to the gateway's
# MAC, to the port's own MAC (the kernel would forward those), or forwarded
# by the host itself with a guest source (the uplink guard).
cat >"$TMP/rt.xml" <<'X'
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>rt</name><forward mode='route'/><bridge name='vnbr1'/><vnet:hostAccess mode='services'/>
  <ip address='10.88.0.1' netmask='255.255.255.0'>
    <dhcp><range start='10.88.0.10' end='10.88.0.20'/></dhcp></ip></network>
X
vnetctl net-define "$TMP/rt.xml" >/dev/null && vnetctl net-start rt >/dev/null || fail "net-start rt"
guest_add 3
vnetctl port-add rt vif3.0 >/dev/null || fail "port-add vif3.0"
guest_dhcp 3 || fail "guest 3 got no lease"
ip3=$(guest_ip 3)
inwan ip route add 10.88.0.0/24 via $UPLINK_IP
inhost sysctl -qw net.ipv4.ip_forward=1
inguest 3 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "route mode: no wan"
inguest 3 ping -c 1 -s 3000 -W 2 $WAN_IP >/dev/null || fail "route mode: a fragmented ping was not forwarded"
inguest 3 ping -c 1 -t 1 -W 2 $WAN_IP | grep -q "Time to live exceeded" ||
	fail "route mode: TTL expiry not answered by the host"
rt_drop() { net_stat rt "datapath.drops.$1"; }
r_opt=$(rt_drop ip_options) r_dst=$(rt_drop bad_dst)
capture "$WAN" "$TMP/wan2.pcap"
PIDS=("${PIDS[-1]}")
mac3=$(inguest 3 cat /sys/class/net/eth0/address)
inguest 3 $PY - "$mac3" "$ip3" "$(inhost cat /sys/class/net/vnbr1/address)" \
	"$(inhost cat /sys/class/net/vif3.0/address)" $WAN_IP <<'PY' || fail "scapy send failed"
import sys
from scapy.all import Ether, IP, UDP, IPOption_LSRR, sendp
mac, src, br, vif, wan = sys.argv[1:6]
lsrr = [IPOption_LSRR(routers=["198.51.100.7"])]
for dmac, name in ((br, "gw"), (vif, "port")):
    for dst, opts, tag in ((wan, [], "rt-plain"), (wan, lsrr, "rt-lsrr"), ("239.1.2.3", [], "rt-mcast")):
        sendp(Ether(src=mac, dst=dmac) / IP(src=src, dst=dst, options=opts) /
              UDP(sport=40000, dport=7100) / ("%s-%s" % (tag, name)), iface="eth0", verbose=False)
PY
# (the guard's drop reaches the sender as ENOBUFS)
inhost $PY - "$ip3" $WAN_IP <<'PY' | grep -q "No buffer space" || fail "the host's own send was not refused"
import sys
from scapy.all import IP, UDP, IPOption_LSRR, send
src, wan = sys.argv[1:3]
try:
    send(IP(src=src, dst=wan, options=[IPOption_LSRR(routers=["198.51.100.7"])]) /
         UDP(sport=40000, dport=7100) / "rt-lsrr-host", verbose=False)
except OSError as e:
    print(e)
PY
sleep 0.7
kill "${PIDS[@]}"; wait "${PIDS[@]}" 2>/dev/null
wan=$(seen "$TMP/wan2.pcap")
log "route mode, wan saw: $(echo $wan)"
for m in rt-plain-gw rt-plain-port; do
	grep -q "^$m:0:$ip3$" <<<"$wan" || fail "route mode: '$m' did not reach the wan untranslated"
done
grep -q "^rt-lsrr\|^rt-mcast" <<<"$wan" && fail "route mode: options or multicast reached the wan"
log "route mode drops: ip_options +$(($(rt_drop ip_options) - r_opt)) bad_dst +$(($(rt_drop bad_dst) - r_dst))"
[ "$(rt_drop ip_options)" -ge $((r_opt + 3)) ] || fail "route mode: ip_options did not count"
[ "$(rt_drop bad_dst)" -ge $((r_dst + 2)) ] || fail "route mode: bad_dst did not count"
log "ok"
