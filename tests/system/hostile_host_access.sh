#!/bin/bash
# Issue 16.1, a hostile guest reaching host services: it points its
# gateway's neighbour entry at the host-side MAC of its own port (seen in
# its MLD/RS at link-up), or sends to a broadcast, multicast or bridge
# link-local MAC. Listeners in the host namespace on the bridge address, the
# uplink address and 0.0.0.0 must see nothing; with ip_forward=1 in the host
# namespace the same trick must neither inject into a second network nor let
# an isolated network's packets out. DHCP, DNS, ping to the gateway and
# guest<->guest keep working (also through the trick), on a tc port and an
# xdp-veth port, and the drops are counted.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "scapy not installed for $PY"

drops() {	# drops NET: the network's drop counters as "reason=n ..."
	vnetctl --json stats "$1" | $PY -c 'import json,sys
d=json.load(sys.stdin)[0]["datapath"]["drops"]
print(" ".join("%s=%d" % (k, v) for k, v in sorted(d.items()) if v))'
}
drop_of() { net_stat "$1" "datapath.drops.$2"; }
# tcp_ok G ADDR PORT: guest G completes a TCP handshake with ADDR:PORT
tcp_ok() { inguest "$1" $PY -c 'import socket,sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5).close()' "$2" "$3" 2>/dev/null; }
udp_send() { inguest "$1" $PY -c 'import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))' "$2" "$3" "$4"; }
# udp_listen NS-CMD... PORT LOG: log every datagram's payload
udp_listen() {
	local port=${*: -2:1} out=${*: -1}
	"${@:1:$#-2}" $PY -u -c 'import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); print("ready")
while True:
    d, a = s.recvfrom(2048); print(d.decode(errors="replace"), a[0])' "$port" >"$out" 2>&1 &
	wait_for 30 grep -q ready "$out" || fail "UDP listener on $port did not start"
}

world_init
for g in 1 2 3 4; do guest_add "$g"; done
vnetd_start
# host access services (issue 19: the default is libvirt's all): what this
# test attacks is the services policy's boundary
cat >"$TMP/default.xml" <<'X'
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>default</name>
  <forward mode='nat'/><bridge name='vnbr0'/><vnet:hostAccess mode='services'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>
X
vnetctl net-define "$TMP/default.xml" >/dev/null || fail "net-define default (services)"
cat >"$TMP/net2.xml" <<'X'
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>net2</name><forward mode='nat'/><bridge name='vnbr1'/><vnet:hostAccess mode='services'/>
  <ip address='192.168.100.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.100.10' end='192.168.100.20'/></dhcp></ip></network>
X
cat >"$TMP/iso.xml" <<'X'
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>iso</name><bridge name='vnbr2'/><vnet:hostAccess mode='services'/>
  <ip address='10.77.0.1' netmask='255.255.255.0'>
    <dhcp><range start='10.77.0.10' end='10.77.0.20'/></dhcp></ip></network>
X
vnetctl net-define "$TMP/net2.xml" >/dev/null || fail "net-define net2"
vnetctl net-define "$TMP/iso.xml" >/dev/null || fail "net-define iso"
for n in default net2 iso; do vnetctl net-start $n >/dev/null || fail "net-start $n"; done
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add default vif2.0 --hook xdp >/dev/null || fail "port-add vif2.0 --hook xdp"
vnetctl port-add net2 vif3.0 >/dev/null || fail "port-add vif3.0"
vnetctl port-add iso vif4.0 >/dev/null || fail "port-add vif4.0"
vnetctl port-list default | grep vif2.0 | grep -q xdp-veth || fail "vif2.0 is not on xdp-veth"
for g in 1 2 3 4; do guest_dhcp $g || fail "guest $g got no lease"; done
ip1=$(guest_ip 1) ip2=$(guest_ip 2) ip3=$(guest_ip 3) ip4=$(guest_ip 4)
inguest 4 ip route replace default via 10.77.0.1
GW=192.168.122.1

# Host services: TCP on 0.0.0.0, the bridge address and the uplink address;
# UDP on 0.0.0.0 (receives broadcasts too).
inhost $PY -u -c 'import selectors,socket
sel = selectors.DefaultSelector()
for a, p in (("0.0.0.0", 7001), ("192.168.122.1", 7002), ("203.0.113.1", 7003)):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, p)); s.listen(64); sel.register(s, selectors.EVENT_READ)
print("ready")
while True:
    for k, _ in sel.select():
        c, peer = k.fileobj.accept(); print("tcp", c.getsockname()[1], peer[0]); c.close()' \
	>"$TMP/host-tcp.log" 2>&1 &
wait_for 30 grep -q ready "$TMP/host-tcp.log" || fail "host TCP listeners did not start"
udp_listen inhost 7004 "$TMP/host-udp.log"

# Before the attack: the gateway's services and guest<->guest work.
inguest 1 ping -c 1 -W 2 $GW >/dev/null || fail "guest 1 cannot ping the gateway"
inguest 1 ping -c 1 -W 2 "$ip2" >/dev/null || fail "guest 1 cannot ping guest 2"
before_to_host=$(drop_of default to_host)

# The trick, from a tc port and from an xdp-veth port.
for g in 1 2; do
	vmac=$(inhost cat /sys/class/net/vif$g.0/address)
	inguest $g ip neigh replace $GW lladdr "$vmac" dev eth0 nud permanent
	for t in "$GW 7001" "$GW 7002" "$UPLINK_IP 7003" "$UPLINK_IP 7001"; do
		# shellcheck disable=SC2086
		tcp_ok $g $t && fail "guest $g (gateway at its port's MAC $vmac) connected to host $t"
	done
done
grep "^tcp" "$TMP/host-tcp.log" && fail "host TCP listeners accepted guest connections"
# Allowed services do not depend on the MAC chosen either.
inguest 1 ping -c 1 -W 2 $GW >/dev/null || fail "ping to the gateway failed through the port's MAC"
got=$(inguest 1 dig +short +time=2 +tries=1 @$GW guest2)
[ "$got" = "$ip2" ] || fail "DNS through the port's MAC answered '$got', expected $ip2"

# UDP to the host with group MACs (broadcast, IPv4 multicast, the bridge's
# link-local range that the kernel hands to the port device itself) and to
# broadcast IP destinations.
mac1=$(inguest 1 cat /sys/class/net/eth0/address)
inguest 1 $PY - "$mac1" "$ip1" $GW $UPLINK_IP "$(inhost cat /sys/class/net/vif1.0/address)" <<'PY' ||
import sys
from scapy.all import Ether, IP, UDP, sendp
mac, src, gw, up, vif = sys.argv[1:6]
frames = [("ff:ff:ff:ff:ff:ff", gw, "bcast-mac-gw"), ("ff:ff:ff:ff:ff:ff", up, "bcast-mac-uplink"),
          ("01:00:5e:00:00:fb", gw, "mcast-mac-gw"), ("01:80:c2:00:00:0e", gw, "linklocal-mac-gw"),
          ("ff:ff:ff:ff:ff:ff", "255.255.255.255", "limited-bcast"),
          ("ff:ff:ff:ff:ff:ff", "192.168.122.255", "subnet-bcast"),
          (vif, "192.168.122.255", "subnet-bcast-port-mac"), (vif, "224.0.0.1", "mcast-port-mac")]
for dmac, dst, tag in frames:
    sendp(Ether(src=mac, dst=dmac) / IP(src=src, dst=dst, ttl=64) / UDP(sport=4444, dport=7004) / tag,
          iface="eth0", verbose=False)
PY
	fail "scapy send failed"
sleep 0.5
grep -v ready "$TMP/host-udp.log" && fail "host UDP listener received the datagrams above from a guest"

# Host ip_forward=1: no injection into net2, nothing out of iso untranslated.
inhost sysctl -qw net.ipv4.ip_forward=1
udp_listen inguest 3 7005 "$TMP/g3.log"
udp_listen inwan 7006 "$TMP/wan.log"
before_cross=$(drop_of default cross_net) before_iso=$(drop_of iso isolated)
udp_send 1 "$ip3" 7005 "inject-from-net1"
udp_send 2 "$ip3" 7005 "inject-from-net1-xdp"
vmac4=$(inhost cat /sys/class/net/vif4.0/address)
inguest 4 ip neigh replace 10.77.0.1 lladdr "$vmac4" dev eth0 nud permanent
udp_send 4 $WAN_IP 7006 "isolated-leak"
inguest 4 ip neigh replace 10.77.0.1 lladdr "$(inhost cat /sys/class/net/vnbr2/address)" dev eth0 nud permanent
udp_send 4 $WAN_IP 7006 "isolated-via-bridge-mac"
sleep 0.5
grep -v ready "$TMP/g3.log" && fail "a guest of network default injected into network net2"
grep -v ready "$TMP/wan.log" && fail "the isolated network's packets left untranslated"

# Counters moved: the host-bound attempts, the cross-network and isolated ones.
log "drops default: $(drops default)"
log "drops iso: $(drops iso)"
[ "$(drop_of default to_host)" -ge $((before_to_host + 8)) ] || fail "to_host did not count the TCP attempts"
[ "$(drop_of default cross_net)" -ge $((before_cross + 2)) ] || fail "cross_net did not count the injection"
[ "$(drop_of iso isolated)" -ge $((before_iso + 2)) ] || fail "isolated did not count the leak"
[ "$(drop_of default bad_dst)" -ge 2 ] || fail "bad_dst did not count the group destinations to the port's MAC"
[ "$(drop_of default host_group)" -ge 2 ] || fail "host_group did not count the broadcasts to the host"

# Normal service after all this: DHCP (renewal), DNS, gateway, guests, wan.
for g in 1 2; do
	inguest $g ip neigh del $GW dev eth0
	guest_dhcp $g || fail "guest $g: DHCP failed after the attack"
	inguest $g ping -c 1 -W 2 $GW >/dev/null || fail "guest $g cannot ping the gateway"
	inguest $g ping -c 1 -W 2 $WAN_IP >/dev/null || fail "guest $g cannot reach the wan"
done
inguest 1 ping -c 1 -W 2 "$ip2" >/dev/null || fail "guest 1 cannot ping guest 2"
inguest 2 ping -c 1 -W 2 "$ip1" >/dev/null || fail "guest 2 cannot ping guest 1"
[ "$(inguest 2 dig +short +time=2 +tries=1 @$GW guest1)" = "$ip1" ] || fail "DNS broken"
inguest 4 ping -c 1 -W 2 10.77.0.1 >/dev/null || fail "the isolated guest cannot ping its gateway"
log "ok"
