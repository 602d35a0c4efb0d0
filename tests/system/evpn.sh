#!/bin/bash
# Issue 22: one network across three hosts. Each host namespace runs its own
# vnetd (own conf, state, run and pin dirs) and its own FRR (zebra + bgpd,
# own config, pid and vty socket dir), on an underlay bridge namespace that
# also plays the wan (10.99.0.254). The same definition (<vnet:overlay>) is
# defined on every host; each host's VTEP address comes from
# vnetd --underlay-local. Then:
#   - guests on different hosts ping and TCP each other by address, and
#     resolve each other by name on their own host's DNS proxy;
#   - ARP for a remote guest is answered on the local host: the underlay
#     carries no ARP inside VXLAN (tcpdump), yet the guest learns the MAC;
#   - each host's guests reach the wan through their own uplink (SNAT to
#     their own host's underlay address);
#   - stopping FRR on host 3 withdraws its guest on hosts 1 and 2 (fdb and
#     neighbour entries; net-info says 10.99.0.3 down), restarting it
#     restores the guest (up again, its name still resolves);
#   - net-stop removes the VXLAN device.
. "$(dirname "$0")/../lib_evpn.sh"

evpn_world
for h in $HOSTS; do
	vctl "$h" net-dumpxml $NET | grep -q "<vnet:overlay vni='$VNI' asn='65022'>" ||
		fail "host $h: net-dumpxml has no overlay: $(vctl "$h" net-dumpxml $NET)"
	inh "$h" ip -d link show dev $VX | grep -q "vxlan id $VNI local 10.99.0.$h .*dstport 4789" ||
		fail "host $h: no VXLAN device: $(inh "$h" ip -d link show dev $VX 2>&1)"
	inh "$h" ip -d link show dev $VX | grep -q "nolearning" || fail "host $h: $VX learns"
	inh "$h" ip link show dev $VX | grep -q "master $BR" || fail "host $h: $VX not in $BR"
	inh "$h" bridge -d link show dev $VX | grep -q "neigh_suppress on" ||
		fail "host $h: no neigh_suppress on $VX"
	inh "$h" ip -d link show dev $VX | grep -q "alias vnet overlay $NET" ||
		fail "host $h: $VX is not marked as vnet's"
	grep -q "advertise-all-vni" "$TMP/h$h/state/frr/$NET.conf" || fail "host $h: no FRR config"
done

# ---- DHCP: each host serves its own slice of the range (its rank among
# the peers: host N gets the Nth third), and only its own guests: a remote
# guest's broadcast request reaches it over VXLAN (the flood lists are in
# place: evpn_start waited for them) and is not answered.
declare -A IP
for h in $HOSTS; do
	guest_dhcp "$h" "guest$h" || fail "guest $h got no lease"
	IP[$h]=$(guest_ip "$h")
	last=${IP[$h]##*.}
	lo=$((100 + 30 * (h - 1)))
	[ "$last" -ge $lo ] && [ "$last" -lt $((lo + 30)) ] ||
		fail "guest $h leased ${IP[$h]}, outside host $h's slice .$lo-.$((lo + 29))"
done
for h in $HOSTS; do
	for o in $HOSTS; do
		[ "$o" = "$h" ] && continue
		vctl "$o" leases $NET | grep -qi "52:54:00:00:22:0$h" &&
			fail "host $o leased to guest $h of host $h: $(vctl "$o" leases $NET)"
	done
	vctl "$h" leases $NET | grep -q "${IP[$h]}" || fail "host $h has no lease for its guest"
done
# the other hosts did see the requests, and refused them as from no port of theirs
unknown_port() { vctl "$1" --json stats $NET | /usr/bin/python3 -c 'import json, sys
print(json.load(sys.stdin)[0].get("dhcp", {}).get("unknown_port", 0))'; }
for h in $HOSTS; do
	[ "$(unknown_port "$h")" -ge 1 ] ||
		fail "host $h never refused a remote guest's DHCP request (unknown_port $(unknown_port "$h"))"
done
log "DHCP: guests leased ${IP[1]} ${IP[2]} ${IP[3]}, each from its own host's slice"

# ---- BGP up, guests known everywhere. A guest's ARP for its gateway
# teaches its host's bridge (and so zebra) its MAC and address.
for h in $HOSTS; do
	inguest "$h" ping -c 1 -W 2 10.70.0.1 >/dev/null || fail "guest $h: no gateway"
done
for h in $HOSTS; do
	wait_for 300 n_remote_macs $h 2 ||
		fail "host $h: remote MACs $(remote_macs "$h") of 2: $(vty "$h" -c 'show bgp l2vpn evpn summary')"
	wait_for 100 n_remote_ips $h 2 ||
		fail "host $h: remote IPs $(remote_ips "$h") of 2: $(inh "$h" ip neigh show dev $BR)"
done
log "EVPN converged: every host has the 2 remote guests (MAC + IP)"
# net-info: the overlay, its remote VTEPs and MACs
info 1 overlay | grep -q "^VNI $VNI on $VX, VTEP 10.99.0.1, AS 65022" ||
	fail "net-info overlay: $(info 1 overlay)"
[ "$(info 1 remote_vteps | tr ' ' '\n' | sort | tr '\n' ' ')" = "10.99.0.2 10.99.0.3 " ] ||
	fail "net-info remote VTEPs: $(info 1 remote_vteps)"
[ "$(info 1 remote_macs)" = 2 ] || fail "net-info remote MACs: $(info 1 remote_macs)"
vctl 2 net-info $NET | grep -q "^Remote vteps: .*10.99.0.1" || fail "net-info text: $(vctl 2 net-info $NET)"
vctl 1 metrics | grep -q "^vnet_overlay_remote_macs{network=\"$NET\"} 2$" ||
	fail "metrics: $(vctl 1 metrics | grep overlay)"
vctl 1 metrics | grep -q "^vnet_overlay_remote_vteps{network=\"$NET\"} 2$" ||
	fail "metrics: $(vctl 1 metrics | grep overlay)"
if command -v promtool >/dev/null; then
	vctl 1 metrics | promtool check metrics >"$TMP/lint" 2>&1 ||
		fail "promtool rejects the metrics: $(cat "$TMP/lint")"
fi

# ---- guest <-> guest across hosts, no ARP on the underlay
inul tcpdump --immediate-mode -U -ni br0 -w "$TMP/ul.pcap" 'udp port 4789' >/dev/null 2>"$TMP/tcpdump.log" &
TD=$!
wait_for 50 grep -q "listening" "$TMP/tcpdump.log" || fail "tcpdump did not start"
for h in $HOSTS; do inguest "$h" ip neigh flush dev eth0; done
for pair in "1 2" "1 3" "2 3" "3 1"; do
	set -- $pair
	inguest "$1" ping -c 2 -W 2 "${IP[$2]}" >/dev/null || fail "guest $1 cannot ping guest $2"
done
inguest 1 ip neigh show ${IP[2]} | grep -q "52:54:00:00:22:02" ||
	fail "guest 1 did not learn guest 2's MAC: $(inguest 1 ip neigh)"
inguest 2 iperf3 -s -1 -D -B ${IP[2]} >/dev/null 2>&1 || fail "iperf3 server"
wait_for 50 inguest 2 sh -c 'ss -ltn | grep -q 5201' || fail "iperf3 server not listening"
inguest 1 iperf3 -c ${IP[2]} -n 2M >"$TMP/iperf.log" 2>&1 ||
	fail "TCP guest 1 -> guest 2 across hosts: $(tail -3 "$TMP/iperf.log")"
sleep 0.5
kill "$TD"; wait "$TD" 2>/dev/null
vx=$(tcpdump -nr "$TMP/ul.pcap" 2>/dev/null | wc -l)
# inner frame: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 = 50; its type at 62
arps=$(tcpdump -nr "$TMP/ul.pcap" 'ether[62:2] = 0x0806' 2>/dev/null | wc -l)
[ "$vx" -gt 10 ] || fail "only $vx VXLAN packets on the underlay"
[ "$arps" = 0 ] || fail "$arps ARP frames crossed the underlay inside VXLAN"
log "ping and TCP across hosts: $vx VXLAN packets on the underlay, 0 of them ARP"

# ---- DNS across hosts: every host's proxy answers for every guest. Each
# vnetd asks the other hosts' proxies (UDP 53 on their VTEP addresses) for
# the names of the remote guests EVPN shows it.
dig_a() { inguest "$1" dig @10.70.0.1 +short +tries=1 +timeout=2 "$2" A 2>/dev/null | head -1; }
resolves() { test "$(dig_a "$1" "$2")" = "$3"; }
for h in $HOSTS; do
	for o in $HOSTS; do
		wait_for 200 resolves "$h" "guest$o" "${IP[$o]}" ||
			fail "guest $h resolves guest$o as '$(dig_a "$h" "guest$o")', not ${IP[$o]}"
	done
done
[ "$(inguest 1 dig @10.70.0.1 +short -x "${IP[3]}" 2>/dev/null)" != "" ] ||
	fail "guest 1 has no PTR for guest 3's ${IP[3]}"
# the hosts answer each other only from their zones: no forwarding for the underlay
inul dig @10.99.0.3 +tries=1 +timeout=2 guest3 2>/dev/null | grep -q "IN[[:space:]]*A[[:space:]]" &&
	fail "host 3's peer socket answered the wan (not a peer)"
echo "nameserver 10.70.0.1" >"$TMP/g1-resolv.conf"
inguest 1 unshare -m sh -c "mount --bind $TMP/g1-resolv.conf /etc/resolv.conf && ping -c 1 -W 2 guest3" \
	>"$TMP/ping-name.log" 2>&1 || fail "guest 1 cannot ping guest3 by name: $(cat "$TMP/ping-name.log")"
grep -q "${IP[3]}" "$TMP/ping-name.log" || fail "ping guest3 went elsewhere: $(cat "$TMP/ping-name.log")"
log "DNS: every guest resolves every other by name on its own host's proxy; guest 1 pings guest3 by name"

# ---- the wan through each host's own uplink (distributed SNAT)
inul tcpdump --immediate-mode -U -ni br0 -w "$TMP/wan.pcap" 'icmp and host 10.99.0.254' >/dev/null 2>"$TMP/tcpdump2.log" &
TD=$!
wait_for 50 grep -q "listening" "$TMP/tcpdump2.log" || fail "tcpdump did not start"
for h in $HOSTS; do
	inguest "$h" ping -c 1 -W 2 10.99.0.254 >/dev/null || fail "guest $h cannot reach the wan"
done
sleep 0.5
kill "$TD"; wait "$TD" 2>/dev/null
for h in $HOSTS; do
	n=$(tcpdump -nr "$TMP/wan.pcap" "src host 10.99.0.$h and icmp[icmptype] = icmp-echo" 2>/dev/null | wc -l)
	[ "$n" -ge 1 ] || fail "guest $h's ping did not leave through host $h's uplink: $(tcpdump -nr "$TMP/wan.pcap" 2>&1)"
done
[ "$(tcpdump -nr "$TMP/wan.pcap" 'src net 10.70.0.0/24' 2>/dev/null | wc -l)" = 0 ] ||
	fail "a guest address reached the wan un-NATed"
log "each guest reaches the wan through its own host's uplink"

# ---- FRR on host 3 stops: its guest is withdrawn on hosts 1 and 2
frr_stop 3
for h in 1 2; do
	wait_for 150 n_remote_macs $h 1 ||
		fail "host $h still has $(remote_macs "$h") remote MACs after FRR on host 3 stopped"
done
inguest 1 ping -c 1 -W 1 ${IP[3]} >/dev/null 2>&1 && fail "guest 3 reachable with its FRR stopped"
[ "$(info 1 remote_macs)" = 1 ] || fail "net-info on host 1: $(info 1 remote_macs) remote MACs"
info 1 remote_vteps | grep -q "10.99.0.3" && fail "net-info on host 1 still lists host 3's VTEP"
n_guests() { test "$(info "$1" remote_guests)" = "$2"; }
for h in 1 2; do
	# its address goes too (zebra's neighbour entry), and vnet says the peer is gone
	wait_for 150 n_remote_ips $h 1 ||
		fail "host $h keeps guest 3's address: $(inh "$h" ip neigh show dev $BR)"
	info $h remotes | grep -q "10.99.0.3 down" || fail "host $h: net-info remotes: $(info $h remotes)"
	wait_for 100 n_guests $h 1 || fail "host $h: vnetd still sees $(info $h remote_guests) remote guests"
done
# FRR back with no configuration: vnetd's reconciler sees a new bgpd and
# applies the network's configuration again
frr_start 3
inguest 3 ping -c 1 -W 2 10.70.0.1 >/dev/null || fail "guest 3: no gateway after the restart"
for h in 1 2; do
	wait_for 300 n_remote_macs $h 2 ||
		fail "host $h: guest 3 not restored ($(remote_macs "$h") remote MACs)"
	wait_for 300 n_remote_ips $h 2 ||
		fail "host $h: guest 3's address not restored: $(inh "$h" ip neigh show dev $BR)"
done
wait_for 50 inguest 1 ping -c 1 -W 1 ${IP[3]} ||
	fail "guest 1 cannot reach guest 3 after FRR's restart: $(inguest 1 ip neigh; inh 1 bridge fdb show dev $VX)"
grep -q "FRR restarted: its BGP EVPN configuration applied again" "$TMP/h3/vnetd.log" ||
	fail "host 3: vnetd did not say it configured the restarted FRR"
for h in 1 2; do
	info $h remotes | grep -q "10.99.0.3 up" || fail "host $h: net-info remotes: $(info $h remotes)"
	wait_for 100 n_guests $h 2 || fail "host $h: vnetd sees $(info $h remote_guests) remote guests, not 2"
	resolves $h guest3 "${IP[3]}" || fail "guest $h no longer resolves guest3"
done
log "FRR stopped on host 3: its guest withdrawn elsewhere; restarted: vnetd configured it, guest restored"

# ---- net-stop removes the VXLAN device (and zebra withdraws the guest)
vctl 2 net-stop $NET >/dev/null || fail "host 2: net-stop"
inh 2 ip link show dev $VX >/dev/null 2>&1 && fail "host 2: $VX left after net-stop"
wait_for 150 n_remote_macs 1 1 || fail "host 1: guest 2 not withdrawn after net-stop on host 2"
log "net-stop: VXLAN device gone, guest withdrawn"
exit 0
