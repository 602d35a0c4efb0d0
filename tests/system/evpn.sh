#!/bin/bash
# Issue 22: one network across three hosts. Each host namespace runs its own
# vnetd (own conf, state, run and pin dirs) and its own FRR (zebra + bgpd,
# own config, pid and vty socket dir), on an underlay bridge namespace that
# also plays the wan (10.99.0.254). The same definition (<vnet:overlay>) is
# defined on every host; each host's VTEP address comes from
# vnetd --underlay-local. Then:
#   - guests on different hosts ping and TCP each other by address;
#   - ARP for a remote guest is answered on the local host: the underlay
#     carries no ARP inside VXLAN (tcpdump), yet the guest learns the MAC;
#   - each host's guests reach the wan through their own uplink (SNAT to
#     their own host's underlay address);
#   - stopping FRR on host 3 withdraws its guest on hosts 1 and 2,
#     restarting it restores the guest;
#   - net-stop removes the VXLAN device.
. "$(dirname "$0")/../lib.sh"
require_root
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] && [ -x /usr/lib/frr/zebra ] ||
	skip "FRR not installed (make deps)"
id frr >/dev/null 2>&1 || skip "no frr user (Debian's frr package makes it)"

HOSTS="1 2 3"
UL=$P-ul
NET=span
VNI=7000
BR=vnbr$$
BR=${BR:0:15}
VX=vnvx$VNI
declare -A VPID

hn() { echo "$P-h$1"; }
inh() { local h=$1; shift; nsenter --net="/run/netns/$(hn "$h")" "$@"; }
inul() { nsenter --net="/run/netns/$UL" "$@"; }
vctl() { local h=$1; shift; "$BUILD/vnetctl" --socket "$TMP/h$h/run/vnetd.sock" "$@"; }
vty() { local h=$1; shift; vtysh --vty_socket "$TMP/h$h/frr" "$@"; }

frr_stop() {
	local h=$1 d pid
	for d in bgpd zebra; do
		pid=$(cat "$TMP/h$h/frr/$d.pid" 2>/dev/null) || continue
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
		rm -f "$TMP/h$h/frr/$d.pid"
	done
}

# frr_start H: zebra, then bgpd, with no configuration: vnetd applies its own
# with vtysh
frr_start() {
	local h=$1 f
	f=$TMP/h$h/frr
	: >"$f/empty.conf"
	: >"$f/bgpd.conf"
	chown frr:frr "$f" "$f/empty.conf" "$f/bgpd.conf"
	inh "$h" /usr/lib/frr/zebra -d -u frr -g frr -f "$f/empty.conf" -i "$f/zebra.pid" \
		-z "$f/zserv.api" --vty_socket "$f" --log "file:$f/zebra.log" ||
		fail "host $h: zebra did not start"
	wait_for 100 test -S "$f/zserv.api" || fail "host $h: zebra has no zserv socket"
	inh "$h" /usr/lib/frr/bgpd -d -u frr -g frr -f "$f/bgpd.conf" -i "$f/bgpd.pid" \
		-z "$f/zserv.api" --vty_socket "$f" --log "file:$f/bgpd.log" ||
		fail "host $h: bgpd did not start"
	wait_for 100 test -S "$f/bgpd.vty" || fail "host $h: bgpd has no vty socket"
}

evpn_cleanup() {
	local rc=$? h n pid
	set +e
	for h in $HOSTS; do
		[ -n "${VPID[$h]}" ] && kill "${VPID[$h]}" 2>/dev/null && wait "${VPID[$h]}" 2>/dev/null
		if [ -e "/sys/fs/bpf/$P-h$h/drops" ]; then
			n=$(/usr/bin/python3 "$ROOT/tests/internal_drops.py" "/sys/fs/bpf/$P-h$h/drops" 2>/dev/null)
			[ "${n:-0}" != 0 ] && { echo "$TEST_NAME: FAIL: host $h: $n internal drops" >&2; rc=1; }
		fi
		if [ -d "$TMP/h$h/conf" ] && [ -e "/run/netns/$(hn "$h")" ]; then
			inh "$h" "$BUILD/vnetd" --cleanup --conf-dir "$TMP/h$h/conf" --state-dir "$TMP/h$h/state" \
				--run-dir "$TMP/h$h/run" --pin-dir "/sys/fs/bpf/$P-h$h" >/dev/null 2>&1
		fi
		frr_stop "$h"
		rm -rf "/sys/fs/bpf/$P-h$h"
	done
	if [ $rc != 0 ] && [ -n "$TMP" ]; then
		for h in $HOSTS; do
			echo "--- host $h vnetd.log"; tail -20 "$TMP/h$h/vnetd.log"
			echo "--- host $h bgpd.log"; tail -10 "$TMP/h$h/frr/bgpd.log"
		done >&2 2>/dev/null
	fi
	for n in "${NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit $rc
}

TMP=$(mktemp -d "/tmp/$P.XXXXXX")
chmod 0711 "$TMP"	# the FRR daemons (user frr) reach their dirs below
trap evpn_cleanup EXIT
trap 'exit 130' INT TERM
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# ---- the underlay (and wan): one bridge, 10.99.0.0/24, the wan at .254
netns_add "$UL"
inul ip link add br0 type bridge
inul ip addr add 10.99.0.254/24 dev br0
inul ip link set br0 up
for h in $HOSTS; do
	netns_add "$(hn "$h")"
	mkdir -p "$TMP/h$h/conf" "$TMP/h$h/state" "$TMP/h$h/run" "$TMP/h$h/frr"
	chmod 0711 "$TMP/h$h"
	ip link add "u$h" netns "$UL" type veth peer name ul0 netns "$(hn "$h")" ||
		fail "cannot create the underlay veth of host $h"
	inul ip link set "u$h" master br0 up
	inh "$h" ip addr add "10.99.0.$h/24" dev ul0
	inh "$h" ip link set ul0 up
	inh "$h" ip route add default via 10.99.0.254
	echo "nameserver 10.99.0.254" >"$TMP/h$h/resolv.conf"
	# guest N on host N, its own MAC; its address from DHCP below
	netns_add "$P-g$h"
	ip link add "vif$h.0" netns "$(hn "$h")" type veth peer name eth0 netns "$P-g$h" ||
		fail "cannot create vif$h.0"
	inguest "$h" ip link set eth0 address "52:54:00:00:22:0$h"
	inguest "$h" ip link set eth0 up
	inh "$h" ip link set "vif$h.0" up
done

# ---- FRR and vnetd on every host
cat >"$TMP/span.xml" <<X
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'>
  <name>$NET</name>
  <forward mode='nat'/>
  <bridge name='$BR'/>
  <mac address='02:00:00:00:22:01'/>
  <ip address='10.70.0.1' prefix='24'>
    <dhcp><range start='10.70.0.100' end='10.70.0.189'/></dhcp>
  </ip>
  <vnet:overlay vni='$VNI' asn='65022'>
    <vnet:peer address='10.99.0.1'/>
    <vnet:peer address='10.99.0.2'/>
    <vnet:peer address='10.99.0.3'/>
  </vnet:overlay>
</network>
X
for h in $HOSTS; do frr_start "$h"; done
for h in $HOSTS; do
	(exec nsenter --net="/run/netns/$(hn "$h")" "$BUILD/vnetd" --foreground \
		--conf-dir "$TMP/h$h/conf" --state-dir "$TMP/h$h/state" --run-dir "$TMP/h$h/run" \
		--pin-dir "/sys/fs/bpf/$P-h$h" --resolv-conf "$TMP/h$h/resolv.conf" \
		--underlay-local "10.99.0.$h" --frr-vty-dir "$TMP/h$h/frr" \
		>>"$TMP/h$h/vnetd.log" 2>&1) &
	VPID[$h]=$!
done
for h in $HOSTS; do
	# 90 s: three vnetds load their programs at once on a loaded 2-core host
	wait_for 900 vctl "$h" net-list || fail "host $h: vnetd did not come up"
done
for h in $HOSTS; do
	vctl "$h" net-define "$TMP/span.xml" >/dev/null || fail "host $h: net-define"
	vctl "$h" net-dumpxml $NET | grep -q "<vnet:overlay vni='$VNI' asn='65022'>" ||
		fail "host $h: net-dumpxml has no overlay: $(vctl "$h" net-dumpxml $NET)"
	out=$(vctl "$h" net-start $NET 2>&1) || fail "host $h: net-start: $out"
	vctl "$h" port-add $NET "vif$h.0" >/dev/null || fail "host $h: port-add"
done
for h in $HOSTS; do
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
# guest's broadcast request reaches it over VXLAN and is not answered.
# first the flood lists (type-3 routes), so that the requests do reach the other hosts
n_flood() { test "$(inh "$1" bridge fdb show dev $VX | grep -c '^00:00:00:00:00:00 dst')" = 2; }
for h in $HOSTS; do
	wait_for 300 n_flood "$h" || fail "host $h: no flood list: $(inh "$h" bridge fdb show dev $VX)"
done
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
remote_macs() { inh "$1" bridge fdb show dev $VX | grep -c "52:54:00:00:22:.* dst .* self extern_learn"; }
remote_ips() { inh "$1" ip neigh show dev $BR | grep -c "extern_learn"; }
# wait_for takes a command: these re-count on every try
n_remote_macs() { test "$(remote_macs "$1")" = "$2"; }
n_remote_ips() { test "$(remote_ips "$1")" = "$2"; }
for h in $HOSTS; do
	wait_for 300 n_remote_macs $h 2 ||
		fail "host $h: remote MACs $(remote_macs "$h") of 2: $(vty "$h" -c 'show bgp l2vpn evpn summary')"
	wait_for 100 n_remote_ips $h 2 ||
		fail "host $h: remote IPs $(remote_ips "$h") of 2: $(inh "$h" ip neigh show dev $BR)"
done
log "EVPN converged: every host has the 2 remote guests (MAC + IP)"
# net-info: the overlay, its remote VTEPs and MACs
info() { vctl "$1" --json net-info $NET | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin); print(d.get(sys.argv[1], ""))' "$2"; }
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
log "FRR stopped on host 3: its guest withdrawn elsewhere; restarted: vnetd configured it, guest restored"

# ---- net-stop removes the VXLAN device (and zebra withdraws the guest)
vctl 2 net-stop $NET >/dev/null || fail "host 2: net-stop"
inh 2 ip link show dev $VX >/dev/null 2>&1 && fail "host 2: $VX left after net-stop"
wait_for 150 n_remote_macs 1 1 || fail "host 1: guest 2 not withdrawn after net-stop on host 2"
log "net-stop: VXLAN device gone, guest withdrawn"
exit 0
