#!/bin/bash
# Issue 19.2: what guests may reach on the host, per network
# (<vnet:hostAccess mode=>). all (the default, libvirt's): an SSH-like
# listener on the gateway answers. services: DHCP, DNS, ping and the listed
# <vnet:service> ports; anything else dropped and counted to_host. none:
# DHCP and DNS only (no ping, no listed port), counted to_host.
. "$(dirname "$0")/../lib.sh"
command -v dig >/dev/null || skip "dig not installed"

tcp_ok() { inguest "$1" timeout 3 bash -c "echo > /dev/tcp/$2/$3" 2>/dev/null; }
drop_of() { net_stat "$1" "datapath.drops.$2"; }

world_init
for g in 1 2 3; do guest_add "$g"; done
vnetd_start
NS="xmlns:vnet='http://vnet.dev/schemas/network/1.0'"
cat >"$TMP/svc.xml" <<X
<network $NS><name>svc</name><forward mode='nat'/><bridge name='vnbr1'/>
  <vnet:hostAccess mode='services'><vnet:service proto='tcp' port='2049'/></vnet:hostAccess>
  <ip address='192.168.100.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.100.10' end='192.168.100.20'/></dhcp></ip></network>
X
cat >"$TMP/none.xml" <<X
<network $NS><name>none</name><forward mode='nat'/><bridge name='vnbr2'/>
  <vnet:hostAccess mode='none'/>
  <ip address='192.168.101.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.101.10' end='192.168.101.20'/></dhcp></ip></network>
X
for n in svc none; do vnetctl net-define "$TMP/$n.xml" >/dev/null || fail "net-define $n"; done
for n in default svc none; do vnetctl net-start $n >/dev/null || fail "net-start $n"; done
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add svc vif2.0 >/dev/null || fail "port-add vif2.0"
vnetctl port-add none vif3.0 --hook xdp >/dev/null || fail "port-add vif3.0"
for g in 1 2 3; do guest_dhcp $g "guest$g" || fail "guest $g got no lease"; done
inhost python3 -c 'import selectors,socket
sel = selectors.DefaultSelector()
for p in (2222, 2049):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p)); s.listen(64); sel.register(s, selectors.EVENT_READ)
while True:
    for k, _ in sel.select(): k.fileobj.accept()[0].close()' &
wait_for 50 bash -c "ip netns exec $HOST ss -ltn | grep -q ':2049 '" || fail "host listeners did not start"

# all
tcp_ok 1 192.168.122.1 2222 || fail "all: the guest cannot reach a listener on the gateway"
tcp_ok 1 $UPLINK_IP 2222 || fail "all: the guest cannot reach a listener on the uplink address"
# services
th=$(drop_of svc to_host)
tcp_ok 2 192.168.100.1 2222 && fail "services: an unlisted host port answered"
tcp_ok 2 192.168.100.1 2049 || fail "services: the listed port 2049 does not answer"
inguest 2 ping -c 1 -W 2 192.168.100.1 >/dev/null || fail "services: no ping to the gateway"
[ "$(inguest 2 dig @192.168.100.1 +short +tries=2 +timeout=2 guest2)" = "$(guest_ip 2)" ] ||
	fail "services: no DNS"
[ "$(drop_of svc to_host)" -gt "$th" ] || fail "services: to_host not counted"
# none
th=$(drop_of none to_host)
tcp_ok 3 192.168.101.1 2049 && fail "none: a host port answered"
tcp_ok 3 192.168.101.1 2222 && fail "none: a host port answered"
inguest 3 ping -c 1 -W 1 192.168.101.1 >/dev/null && fail "none: ping to the gateway answered"
[ "$(inguest 3 dig @192.168.101.1 +short +tries=2 +timeout=2 guest3)" = "$(guest_ip 3)" ] ||
	fail "none: no DNS"
[ "$(drop_of none to_host)" -ge $((th + 3)) ] || fail "none: to_host not counted"
log "to_host: svc $(drop_of svc to_host), none $(drop_of none to_host)"
log "ok"
