#!/bin/bash
# Issue 19.1: filter modes. A statically addressed guest (no DHCP at all)
# works under learn and under off on a NAT, a routed, an isolated network
# with an <ip> and an L2-only one (no <ip>). Under learn a second guest
# that takes the first one's address and a guest that ARP-poisons the
# gateway are dropped and counted (arp_spoof, src_ip); under off both get
# through (the gateway answers the thief, the victim's gateway entry is
# poisoned). port-list shows the mode and the learned address.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "scapy not installed for $PY"

drop_of() { net_stat "$1" "datapath.drops.$2"; }
static() {	# static G ADDR/PREFIX [GATEWAY]
	inguest "$1" ip addr add "$2" dev eth0
	if [ -n "$3" ]; then inguest "$1" ip route replace default via "$3"; fi
}
ping_ok() { inguest "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1 ||
	    inguest "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; }
# garp G SENDER_IP: guest G broadcasts a gratuitous ARP claiming SENDER_IP
garp() { inguest "$1" $PY -c 'import sys
from scapy.all import ARP, Ether, sendp, get_if_hwaddr
m = get_if_hwaddr("eth0")
for op in (1, 2):
    sendp(Ether(src=m, dst="ff:ff:ff:ff:ff:ff") / ARP(op=op, hwsrc=m, psrc=sys.argv[1],
          hwdst="ff:ff:ff:ff:ff:ff", pdst=sys.argv[1]), iface="eth0", verbose=False)' "$2"; }

world_init
for g in 1 2 3 4 5 6 7; do guest_add "$g"; done
vnetd_start
cat >"$TMP/routed.xml" <<'X'
<network><name>routed</name><forward mode='route'/><bridge name='vnbr1'/>
  <ip address='10.20.0.1' netmask='255.255.255.0'/></network>
X
cat >"$TMP/iso.xml" <<'X'
<network><name>iso</name><bridge name='vnbr2'/>
  <ip address='10.30.0.1' netmask='255.255.255.0'/></network>
X
cat >"$TMP/l2.xml" <<'X'
<network><name>l2</name><bridge name='vnbr3'/></network>
X
for n in routed iso l2; do
	vnetctl net-define "$TMP/$n.xml" >/dev/null || fail "net-define $n"
done
for n in default routed iso l2; do vnetctl net-start $n >/dev/null || fail "net-start $n"; done
inwan ip route add 10.20.0.0/24 via $UPLINK_IP
GW=192.168.122.1 V=192.168.122.50
static 1 $V/24 $GW
static 2 10.20.0.50/24 10.20.0.1
static 3 10.30.0.50/24 10.30.0.1
static 4 10.30.0.51/24 10.30.0.1
static 5 10.40.0.5/24
static 6 10.40.0.6/24
static 7 $V/24 $GW		# the thief: guest 1's address
PORTS="default:1 routed:2 iso:3 iso:4 l2:5 l2:6 default:7"

for mode in learn off; do
	log "== filter mode $mode"
	for p in $PORTS; do
		vnetctl port-add "${p%:*}" "vif${p#*:}.0" --filter $mode >/dev/null ||
			fail "port-add vif${p#*:}.0 --filter $mode"
	done
	vnetctl port-list default | grep vif1.0 | grep -qw $mode &&
		vnetctl --json net-info default | grep -q "vif1.0 $mode" ||
		fail "port-list does not show mode $mode: $(vnetctl port-list default)"
	inguest 7 ip link set eth0 down	# the thief waits
	ping_ok 1 $WAN_IP || fail "$mode: static guest on NAT cannot reach the wan"
	ping_ok 2 $WAN_IP || fail "$mode: static guest on the routed network cannot reach the wan"
	ping_ok 3 10.30.0.51 || fail "$mode: static guests on the isolated network cannot talk"
	ping_ok 3 10.30.0.1 || fail "$mode: static guest on the isolated network: no gateway"
	ping_ok 5 10.40.0.6 || fail "$mode: static guests on the L2-only network cannot talk"
	if [ $mode = learn ]; then
		vnetctl --json port-list default | grep -q '"learned": *true' ||
			fail "learn: no learned address in port-list: $(vnetctl port-list default)"
		vnetctl port-list default | grep vif1.0 | grep -q "$V(learned)" ||
			fail "learn: port-list does not show $V as learned"
	fi
	inguest 1 ip neigh show $GW | grep -q lladdr || ping_ok 1 $GW
	gwmac=$(inguest 1 ip neigh show $GW | awk '{print $3}')
	as0=$(drop_of default arp_spoof) si0=$(drop_of default src_ip)
	inguest 7 ip link set eth0 up
	sleep 0.5
	# the thief uses guest 1's address; then poisons the gateway
	if inguest 7 ping -c 2 -W 1 $GW >/dev/null 2>&1; then stole=1; else stole=0; fi
	garp 7 $GW
	sleep 0.5
	as=$(($(drop_of default arp_spoof) - as0)) si=$(($(drop_of default src_ip) - si0))
	poisoned=$(inguest 1 ip neigh show $GW | grep -c "$(inguest 7 cat /sys/class/net/eth0/address)")
	log "$mode: thief reached the gateway: $stole; arp_spoof +$as src_ip +$si; " \
	    "guest 1's gateway entry poisoned: $poisoned"
	if [ $mode = learn ]; then
		[ $stole = 0 ] || fail "learn: a second guest used a bound address"
		[ "$as" -ge 3 ] || fail "learn: the thief's ARP (its own and the gateway's) not counted"
		[ "$poisoned" = 0 ] || fail "learn: guest 1's gateway entry was poisoned"
		ping_ok 1 $WAN_IP || fail "learn: the victim lost its connectivity"
	else
		[ $stole = 1 ] || fail "off: a guest with a static duplicate address got nothing"
		[ "$as" = 0 ] && [ "$si" = 0 ] || fail "off: drops counted (arp_spoof +$as src_ip +$si)"
		[ "$poisoned" = 1 ] || fail "off: the gratuitous ARP did not get through"
	fi
	inguest 1 ip neigh replace $GW lladdr "$gwmac" dev eth0 2>/dev/null
	for p in $PORTS; do vnetctl port-del "${p%:*}" "vif${p#*:}.0" >/dev/null; done
done
log "ok"
