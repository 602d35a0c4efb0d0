#!/bin/bash
# Issue 18 guards: a hostile guest (scapy) sends IPv6 with a spoofed source
# (another guest's link-local, an address it never claimed), a forged
# neighbour advertisement (the gateway's link-local "is at" its MAC,
# override set), a router advertisement (a prefix and a default route), a
# redirect and a DHCPv6 advertise. Each is dropped and counted (src_ip6,
# nd_spoof, ra_guard, dhcp6_server), none reaches the other guest
# (tcpdump there), whose neighbour cache, addresses and routes stay as they
# were; the same guest's honest IPv6 still arrives.
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "scapy not installed for $PY"
command -v tcpdump >/dev/null || skip "tcpdump not installed"

drop_of() { net_stat default "datapath.drops.$1"; }
ll() { inguest "$1" ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1; }
state() {	# guest 2's IPv6 view: neighbour of the gateway, addresses, routes
	inguest 2 ip -6 neigh show dev eth0 | grep -w "$brll" | awk '{print $1, $3}'
	inguest 2 ip -6 -o addr show dev eth0 | awk '{print $4}'
	inguest 2 ip -6 route show | sort
}

default_world 2
for g in 1 2; do
	wait_for 50 bash -c "ip netns exec $P-g$g ip -6 addr show dev eth0 | grep -q fe80 &&
		! ip netns exec $P-g$g ip -6 addr show dev eth0 | grep -q tentative" ||
		fail "guest $g has no link-local address"
done
wait_for 50 bash -c "ip netns exec $HOST ip -6 addr show dev vnbr0 | grep -q fe80 &&
	! ip netns exec $HOST ip -6 addr show dev vnbr0 | grep -q tentative" ||
	fail "vnbr0 has no link-local address"
# guest 2 takes router advertisements (as a guest would) -- none may come
inguest 2 sysctl -qw net.ipv6.conf.eth0.accept_ra=2 net.ipv6.conf.eth0.accept_redirects=1
ll1=$(ll 1) ll2=$(ll 2)
mac1=$(inguest 1 cat /sys/class/net/eth0/address)
mac2=$(inguest 2 cat /sys/class/net/eth0/address)
brll=$(inhost ip -6 -o addr show dev vnbr0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
brmac=$(inhost cat /sys/class/net/vnbr0/address)
# honest traffic first: both guests' addresses claimed, guest 2 knows the gateway
inguest 1 ping -6 -c 1 -W 2 "$ll2%eth0" >/dev/null || fail "guest1 cannot ping6 guest2"
inguest 2 ping -6 -c 1 -W 2 "$brll%eth0" >/dev/null || fail "guest2 cannot ping6 the gateway"
before=$(state)
log "guest 2 before: $(echo $before)"
b_src=$(drop_of src_ip6) b_nd=$(drop_of nd_spoof) b_ra=$(drop_of ra_guard) b_d6=$(drop_of dhcp6_server)

(exec ip netns exec "$P-g2" tcpdump -i eth0 -nn -U -w "$TMP/g2.pcap" ip6 2>"$TMP/g2.err") &
cap=$!
wait_for 50 grep -q "listening on" "$TMP/g2.err" || fail "tcpdump did not start"
inguest 1 $PY - "$mac1" "$ll1" "$mac2" "$ll2" "$brll" <<'PY' || fail "scapy send failed"
import sys
from scapy.all import (Ether, IPv6, UDP, Raw, ICMPv6ND_NA, ICMPv6ND_RA, ICMPv6ND_Redirect,
    ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptPrefixInfo, ICMPv6NDOptRDNSS,
    DHCP6_Advertise, DHCP6OptServerId, DUID_LL, sendp)
mac, ll, mac2, ll2, brll = sys.argv[1:6]
allnodes = "33:33:00:00:00:01"
def udp(src, tag):
    return Ether(src=mac, dst=mac2) / IPv6(src=src, dst=ll2) / UDP(sport=40000, dport=7200) / tag
frames = [
    udp(ll, "honest"),
    udp(ll2, "spoof-other-guest"),
    udp("fe80::dead:beef", "spoof-unclaimed"),
    udp("2001:db8::66", "spoof-global"),
    Ether(src=mac, dst=allnodes) / IPv6(src=ll, dst="ff02::1", hlim=255) /
        ICMPv6ND_NA(tgt=brll, R=1, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac),
    Ether(src=mac, dst=mac2) / IPv6(src=ll, dst=ll2, hlim=255) /
        ICMPv6ND_NA(tgt=brll, R=1, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac),
    Ether(src=mac, dst=allnodes) / IPv6(src=ll, dst="ff02::1", hlim=255) /
        ICMPv6ND_RA(routerlifetime=1800) / ICMPv6NDOptSrcLLAddr(lladdr=mac) /
        ICMPv6NDOptPrefixInfo(prefix="2001:db8:bad::", prefixlen=64, L=1, A=1) /
        ICMPv6NDOptRDNSS(dns=[ll]),
    Ether(src=mac, dst=mac2) / IPv6(src=brll, dst=ll2, hlim=255) /
        ICMPv6ND_Redirect(tgt=ll, dst="2001:db8::1"),
    Ether(src=mac, dst="33:33:00:01:00:02") / IPv6(src=ll, dst="ff02::1:2") /
        UDP(sport=547, dport=546) / DHCP6_Advertise(trid=1) / DHCP6OptServerId(duid=DUID_LL(lladdr=mac)),
    Ether(src=mac, dst=mac2) / IPv6(src=ll, dst=ll2) /
        UDP(sport=547, dport=546) / DHCP6_Advertise(trid=2) / DHCP6OptServerId(duid=DUID_LL(lladdr=mac)),
]
for f in frames:
    sendp(f, iface="eth0", verbose=False)
PY
sleep 1
kill "$cap"; wait "$cap" 2>/dev/null
seen=$($PY - "$TMP/g2.pcap" <<'PY'
import sys
from scapy.all import rdpcap, IPv6, UDP, ICMPv6ND_NA, ICMPv6ND_RA, ICMPv6ND_Redirect
for p in rdpcap(sys.argv[1]):
    if UDP in p and p[UDP].dport == 7200:
        print(bytes(p[UDP].payload).decode(errors="replace"))
    elif UDP in p and p[UDP].sport == 547:
        print("dhcp6-advertise")
    elif ICMPv6ND_RA in p:
        print("ra")
    elif ICMPv6ND_Redirect in p:
        print("redirect")
    elif ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt != p[IPv6].src:
        print("forged-na")
PY
)
log "guest 2 saw: $(echo $seen)"
grep -qx honest <<<"$seen" || fail "the honest datagram did not reach guest 2 (capture broken?)"
for m in spoof-other-guest spoof-unclaimed spoof-global forged-na ra redirect dhcp6-advertise; do
	grep -qx "$m" <<<"$seen" && fail "'$m' from guest 1 reached guest 2"
done
d_src=$(($(drop_of src_ip6) - b_src)) d_nd=$(($(drop_of nd_spoof) - b_nd))
d_ra=$(($(drop_of ra_guard) - b_ra)) d_d6=$(($(drop_of dhcp6_server) - b_d6))
log "drops: src_ip6 +$d_src nd_spoof +$d_nd ra_guard +$d_ra dhcp6_server +$d_d6"
[ "$d_src" -ge 3 ] || fail "spoofed sources counted $d_src, want 3"
[ "$d_nd" -ge 2 ] || fail "forged advertisements counted $d_nd, want 2"
[ "$d_ra" -ge 2 ] || fail "router advertisement and redirect counted $d_ra, want 2"
[ "$d_d6" -ge 2 ] || fail "DHCPv6 advertises counted $d_d6, want 2"
sleep 1
after=$(state)
[ "$after" = "$before" ] || fail "guest 2's neighbours/addresses/routes changed: before '$(echo $before)', after '$(echo $after)'"
inguest 2 ip -6 route show default | grep -q . && fail "guest 2 got a default route"
inguest 2 ip -6 neigh show | grep -qi "$mac1" && inguest 2 ip -6 neigh show | grep -i "$mac1" | grep -vqw "$ll1" &&
	fail "guest 2 maps another address to guest 1's MAC: $(inguest 2 ip -6 neigh show)"
log "ok"
