#!/bin/bash
# The virsh net-* verbs a libvirt user types, with virsh's meaning (issue 17
# part 2): net-destroy, net-uuid/net-name and a UUID wherever a name goes,
# net-list's filters and columns, net-info's layout, net-dhcp-leases (and
# its alias leases) with the MAC filter, host-add --name, host-del,
# forward-list/forward-del.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1
guest_add 2 52:54:00:00:00:77
vnetd_start

cat >"$TMP/iso.xml" <<'X'
<network>
  <name>iso</name>
  <uuid>0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f</uuid>
  <bridge name='vnbr9'/>
  <ip address='10.77.0.1' netmask='255.255.255.0'>
    <dhcp><range start='10.77.0.10' end='10.77.0.20'/></dhcp>
  </ip>
</network>
X
vnetctl net-define "$TMP/iso.xml" >/dev/null || fail "net-define iso"
vnetctl net-start default >/dev/null || fail "net-start default"
vnetctl net-autostart iso >/dev/null || fail "net-autostart iso"

# net-uuid / net-name, and a UUID wherever a name goes
[ "$(vnetctl net-uuid iso)" = 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f ] || fail "net-uuid: $(vnetctl net-uuid iso)"
[ "$(vnetctl net-name 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f)" = iso ] || fail "net-name"
expect_fail vnetctl net-name 00000000-0000-4000-8000-000000000000
du=$(vnetctl net-uuid default)
[[ $du =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] || fail "default uuid '$du'"
vnetctl net-dumpxml 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f | grep -q "<name>iso</name>" || fail "dumpxml by UUID"

# net-list: virsh's meaning (active only unless --all) and columns
out=$(vnetctl net-list)
head -1 <<<"$out" | grep -Eq '^ *Name +State +Autostart +Persistent *$' || fail "net-list header: $out"
grep -Eq '^ *default +active +no +yes' <<<"$out" || fail "net-list default row: $out"
grep -q iso <<<"$out" && fail "net-list without --all lists inactive iso: $out"
vnetctl net-list --all | grep -Eq '^ *iso +inactive +yes +yes' || fail "net-list --all: $(vnetctl net-list --all)"
[ "$(vnetctl net-list --inactive --name)" = iso ] || fail "--inactive --name: $(vnetctl net-list --inactive --name)"
[ "$(vnetctl net-list --all --autostart --name)" = iso ] || fail "--autostart: $(vnetctl net-list --all --autostart --name)"
[ "$(vnetctl net-list --all --uuid | sort | tr '\n' ' ')" = "$(printf '%s\n' 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f "$du" | sort | tr '\n' ' ')" ] ||
	fail "--uuid: $(vnetctl net-list --all --uuid)"
[ -z "$(vnetctl net-list --all --transient --name)" ] || fail "a transient network listed"
[ "$(vnetctl net-list --all --persistent --name | sort | tr '\n' ' ')" = "default iso " ] || fail "--persistent"
vnetctl --json net-list --all | python3 -c 'import json,sys; d=json.load(sys.stdin); assert {n["name"] for n in d} == {"default","iso"}, d' ||
	fail "net-list --all --json"
expect_fail vnetctl net-list --mac x

# net-info: virsh's layout first, vnet's lines after
vnetctl net-info iso >"$TMP/info"
head -6 "$TMP/info" | awk '{print $1}' | tr '\n' ' ' | grep -qx 'Name: UUID: Active: Persistent: Autostart: Bridge: ' ||
	fail "net-info layout: $(cat "$TMP/info")"
grep -Eq '^Active: +no$' "$TMP/info" && grep -Eq '^Bridge: +vnbr9$' "$TMP/info" || fail "net-info values: $(cat "$TMP/info")"

# net-destroy is net-stop
vnetctl net-start iso >/dev/null || fail "net-start iso"
vnetctl net-destroy 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f | grep -q "Network 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f destroyed" || fail "net-destroy by UUID"
vnetctl --json net-info iso | grep -q '"active":false' || fail "iso still active after net-destroy"
inhost ip link show vnbr9 >/dev/null 2>&1 && fail "vnbr9 left after net-destroy"

# host-add --name stores the name; guest 2 gets its address and the name resolves
vnetctl host-add default 52:54:00:00:00:77 192.168.122.77 --name fixed2 >/dev/null || fail "host-add --name"
vnetctl net-dumpxml default | grep -q "name='fixed2'" || fail "host-add --name did not store the name"
vnetctl port-add default vif1.0 >/dev/null && vnetctl port-add default vif2.0 >/dev/null || fail "port-add"
guest_dhcp 1 guest1 || fail "guest 1 got no lease"
guest_dhcp 2 whatever || fail "guest 2 got no lease"
[ "$(guest_ip 2)" = 192.168.122.77 ] || fail "guest 2 got $(guest_ip 2), not its static address"
[ "$(inguest 1 dig +short +time=2 +tries=2 @192.168.122.1 fixed2)" = 192.168.122.77 ] || fail "fixed2 does not resolve"
ip1=$(guest_ip 1)

# net-dhcp-leases: virsh's columns, local expiry time, the MAC filter; leases is its alias
out=$(vnetctl net-dhcp-leases default)
head -1 <<<"$out" | grep -Eq '^ *Expiry Time +MAC address +Protocol +IP address +Hostname +Client ID or DUID *$' ||
	fail "net-dhcp-leases header: $out"
exp=$(date -d "@$(vnetctl --json leases default | python3 -c 'import json,sys
print([l["expires"] for l in json.load(sys.stdin) if l["mac"]=="52:54:00:00:00:01"][0])')" '+%Y-%m-%d %H:%M:%S')
grep -Eq "^ *$exp +52:54:00:00:00:01 +ipv4 +$ip1/24 +guest1 " <<<"$out" || fail "guest1's row (expiry $exp): $out"
out=$(vnetctl net-dhcp-leases default 52:54:00:00:00:77)
grep -q 52:54:00:00:00:01 <<<"$out" && fail "MAC filter lists another MAC: $out"
grep -q "192.168.122.77/24" <<<"$out" || fail "MAC filter lost the host: $out"
out=$(vnetctl leases default --mac 52:54:00:00:00:01)
grep -q 52:54:00:00:00:77 <<<"$out" && fail "leases --mac lists another MAC: $out"
grep -q "$ip1" <<<"$out" || fail "leases --mac lost guest1: $out"
[ "$(vnetctl --json net-dhcp-leases default 52:54:00:00:00:01 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
	fail "json filter"

# host-del by IP: gone from the definition, from DHCP (the guest gets a dynamic address) and DNS
vnetctl host-del default 192.168.122.77 >/dev/null || fail "host-del"
vnetctl net-dumpxml default | grep -q "192.168.122.77" && fail "host-del left the host in the definition"
# (not known here, the name goes upstream, which does not answer: no address)
inguest 1 dig +short +time=1 +tries=1 @192.168.122.1 fixed2 | grep -q 192.168.122.77 && fail "fixed2 still resolves"
inguest 2 ip addr flush dev eth0
guest_dhcp 2 guest2 || fail "guest 2 got no lease after host-del"
[ "$(guest_ip 2)" != 192.168.122.77 ] || fail "guest 2 still got the deleted static address"
out=$(vnetctl host-del default 52:54:00:00:00:99 2>&1) && fail "host-del of an unknown host succeeded"
grep -q "52:54:00:00:00:99" <<<"$out" || fail "unclear host-del error: $out"

# forward-list / forward-del
vnetctl forward-add default tcp 8080 192.168.122.50:80 >/dev/null || fail "forward-add"
vnetctl forward-add default udp 5353 192.168.122.50:53 >/dev/null || fail "forward-add udp"
out=$(vnetctl forward-list default)
grep -Eq '^ *tcp +8080 +192.168.122.50 +80' <<<"$out" || fail "forward-list: $out"
vnetctl forward-del default tcp 8080 >/dev/null || fail "forward-del"
vnetctl forward-list default | grep -q 8080 && fail "forward-del left the forward"
vnetctl forward-list default | grep -q 5353 || fail "forward-del removed the other forward"
vnetctl net-dumpxml default | grep -q "8080" && fail "forward-del left it in the definition"
expect_fail vnetctl forward-del default tcp 8080

# a forward range: host ports 9000-9010 to guest 1's 9000-9010
vnetctl forward-add default tcp 9000-9010 "$ip1:9000" >/dev/null || fail "forward-add of a range"
vnetctl forward-list default | grep -Eq '^ *tcp +9000-9010 +'"$ip1"' +9000' || fail "range not listed: $(vnetctl forward-list default)"
inguest 1 python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 9005)); s.listen(5)
while True:
    c, a = s.accept(); c.sendall(b"guest1\n"); c.close()' >"$TMP/srv.log" 2>&1 &
SRV=$!
hello() { [ "$(inwan timeout 2 bash -c "exec 3<>/dev/tcp/$UPLINK_IP/9005; head -1 <&3")" = guest1 ]; }
wait_for 50 hello || fail "port 9005 of the range does not reach guest 1: $(cat "$TMP/srv.log")"
kill $SRV
# two networks never claim the same host port
vnetctl net-start iso >/dev/null || fail "start iso"
out=$(vnetctl forward-add iso tcp 9004 10.77.0.5:80 2>&1) && fail "iso took tcp 9004, forwarded by default"
grep -q "tcp port 9004 is already forwarded by network default" <<<"$out" || fail "unclear: $out"
vnetctl forward-add iso udp 9004 10.77.0.5:80 >/dev/null 2>&1 || true # udp is another port (refused only by iso's mode)
cat >"$TMP/nat2.xml" <<'X'
<network><name>nat2</name><bridge name='vnbr10'/>
  <forward mode='nat'><portForward proto='tcp' port='9010' to='10.78.0.5' toPort='80'/></forward>
  <ip address='10.78.0.1' prefix='24'/></network>
X
out=$(vnetctl net-define "$TMP/nat2.xml" 2>&1) && fail "nat2 defined with tcp 9010, forwarded by default"
grep -q "already forwarded by network default" <<<"$out" || fail "unclear: $out"
vnetctl forward-del default tcp 9003 >/dev/null || fail "forward-del of a port inside the range"
vnetctl forward-list default | grep -q 9000-9010 && fail "the range is still there"
vnetctl net-define "$TMP/nat2.xml" >/dev/null || fail "nat2 refused once the port is free"
log "ok"
