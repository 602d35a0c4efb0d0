#!/bin/bash
# <nat><port start end> and <nat><address start end> are honoured by SNAT
# (issue 17.1): every TCP and UDP flow of a guest leaves with a source port
# in the range (hping3, many flows, seen by tcpdump at the wan); ICMP keeps
# working; a range address not on the uplink is refused at net-start.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1
vnetd_start
cat >"$TMP/pr.xml" <<X
<network><name>pr</name><forward mode='nat'><nat><port start='20000' end='20099'/></nat></forward>
<bridge name='vnbr4'/>
<ip address='10.51.0.1' prefix='24'><dhcp><range start='10.51.0.10' end='10.51.0.50'/></dhcp></ip></network>
X
vnetctl net-define "$TMP/pr.xml" >/dev/null || fail "net-define pr"
vnetctl net-start pr >/dev/null || fail "net-start pr"
vnetctl port-add pr vif1.0 >/dev/null || fail "port-add"
guest_dhcp 1 || fail "no lease"
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no ping to the wan"

capture_start "$WAN" "$TMP/wan.pcap" "src host $UPLINK_IP and dst port 9 and (tcp or udp)" ||
	fail "tcpdump on the wan did not start"
tcpd=$CAPTURE_PID
# 60 TCP SYNs and 60 UDP datagrams, each from its own guest port: 120 flows
inguest 1 hping3 -q -S -p 9 -s 40000 -c 60 -i u2000 $WAN_IP >/dev/null 2>&1
inguest 1 hping3 -q --udp -p 9 -s 41000 -c 60 -i u2000 $WAN_IP >/dev/null 2>&1
sleep 1
kill $tcpd; wait $tcpd 2>/dev/null
ports=$(inwan tcpdump -n -r "$TMP/wan.pcap" 2>/dev/null | awk '{split($3, a, "."); print a[5]}')
n=$(wc -w <<<"$ports")
[ "$n" -ge 100 ] || { inwan tcpdump -n -r "$TMP/wan.pcap" 2>/dev/null | head -5; vnetctl --json stats pr | head -c 1500; fail "only $n of 120 flows seen at the wan"; }
bad=$(for p in $ports; do [ "$p" -ge 20000 ] && [ "$p" -le 20099 ] || echo "$p"; done | head -5)
[ -z "$bad" ] || fail "source ports outside 20000-20099 at the wan: $bad"
log "$n flows, every source port in 20000-20099 ($(sort -un <<<"$ports" | wc -l) distinct)"
[ "$(net_stat pr datapath.drops.nat_no_port)" -le 5 ] ||
	fail "$(net_stat pr datapath.drops.nat_no_port) flows found no port in a range of 100"
vnetctl net-stop pr >/dev/null || fail "net-stop pr"

cat >"$TMP/ar.xml" <<X
<network><name>ar</name><forward mode='nat'><nat><address start='203.0.113.10' end='203.0.113.11'/></nat></forward>
<bridge name='vnbr5'/>
<ip address='10.52.0.1' prefix='24'><dhcp><range start='10.52.0.10' end='10.52.0.50'/></dhcp></ip></network>
X
vnetctl net-define "$TMP/ar.xml" >/dev/null || fail "net-define ar"
out=$(vnetctl net-start ar 2>&1) && fail "net-start with NAT addresses not on the uplink succeeded"
grep -q "203.0.113.10.*wan0" <<<"$out" || fail "the refusal does not name the address and uplink: $out"
inhost ip addr add 203.0.113.10/24 dev wan0
inhost ip addr add 203.0.113.11/24 dev wan0
vnetctl net-start ar >/dev/null || fail "net-start ar with its addresses on wan0"
vnetctl port-add ar vif1.0 >/dev/null || fail "port-add ar"
guest_dhcp 1 || fail "no lease on ar"
capture_start "$WAN" "$TMP/wan2.pcap" "tcp[tcpflags] & tcp-syn != 0 and dst port 9" ||
	fail "tcpdump on the wan did not start"
tcpd=$CAPTURE_PID
inguest 1 hping3 -q -S -p 9 -c 10 -i u2000 $WAN_IP >/dev/null 2>&1
sleep 1
kill $tcpd; wait $tcpd 2>/dev/null
srcs=$(inwan tcpdump -n -r "$TMP/wan2.pcap" 2>/dev/null | awk '{split($3, a, "."); print a[1]"."a[2]"."a[3]"."a[4]}' | sort -u)
[ -n "$srcs" ] || fail "no flow of the guest seen at the wan"
for s in $srcs; do
	[ "$s" = 203.0.113.10 ] || [ "$s" = 203.0.113.11 ] || fail "source $s is not in the NAT range"
done
[ "$(wc -l <<<"$srcs")" = 1 ] || fail "one guest's flows took several addresses: $srcs"
log "the guest's flows leave from $srcs"
log "ok"
