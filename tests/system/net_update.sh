#!/bin/bash
# net-update (issue 17 done-when): a static host is added, modified and
# deleted on a running network -- guest 3 gets, changes and loses its fixed
# address and name -- while a ping between two other guests (every 50 ms)
# loses nothing. Also dns-host live, --config alone (pending until the next
# start), XML from a file, and the refusals.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1
guest_add 2
guest_add 3 52:54:00:00:00:33
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start"
for i in 1 2 3; do vnetctl port-add default "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
for i in 1 2 3; do guest_dhcp "$i" "guest$i" || fail "guest $i got no lease"; done
ip2=$(guest_ip 2)
redhcp3() { inguest 3 ip addr flush dev eth0; guest_dhcp 3 guest3 || fail "guest 3 got no lease ($1)"; }
resolves() { inguest 1 dig +short +time=1 +tries=2 @192.168.122.1 "$1" | grep -qx "$2"; }

inguest 1 ping -i 0.05 -c 300 -W 1 "$ip2" >"$TMP/ping.log" 2>&1 &
PING=$!
sleep 1

# add
vnetctl net-update default add ip-dhcp-host "<host mac='52:54:00:00:00:33' name='g3' ip='192.168.122.33'/>" \
	--live --config | grep -q "Updated network default live state and persistent config" || fail "net-update add"
vnetctl net-dumpxml default | grep -q "192.168.122.33" || fail "add not in the definition"
grep -q 192.168.122.33 "$TMP/conf/networks/default.xml" || fail "add not stored"
redhcp3 add
[ "$(guest_ip 3)" = 192.168.122.33 ] || fail "guest 3 got $(guest_ip 3), not the added static address"
resolves g3 192.168.122.33 || fail "g3 does not resolve"
inguest 3 ping -c 1 -W 2 "$ip2" >/dev/null || fail "guest 3 cannot reach guest 2 at its static address"

# modify: the host of that MAC, new address and name
vnetctl net-update default modify ip-dhcp-host "<host mac='52:54:00:00:00:33' name='g3b' ip='192.168.122.34'/>" \
	--live --config >/dev/null || fail "net-update modify"
redhcp3 modify
[ "$(guest_ip 3)" = 192.168.122.34 ] || fail "guest 3 got $(guest_ip 3) after modify"
resolves g3b 192.168.122.34 || fail "g3b does not resolve"
resolves g3 192.168.122.33 && fail "g3 still resolves after modify"
vnetctl net-dumpxml default | grep -q "192.168.122.33" && fail "modify left the old host"

# delete, the element from a file (virsh's other form)
echo "<host mac='52:54:00:00:00:33' name='g3b' ip='192.168.122.34'/>" >"$TMP/host.xml"
vnetctl net-update default delete ip-dhcp-host "$TMP/host.xml" --live --config >/dev/null || fail "net-update delete"
vnetctl net-dumpxml default | grep -q "192.168.122.34" && fail "delete left the host"
redhcp3 delete
[ "$(guest_ip 3)" != 192.168.122.34 ] || fail "guest 3 still got the deleted static address"
resolves g3b 192.168.122.34 && fail "g3b still resolves after delete"
expect_fail vnetctl net-update default delete ip-dhcp-host "$TMP/host.xml"

wait $PING
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/ping.log")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping.log")
log "ping guest1 -> guest2 during the updates: $got of $sent"
[ -n "$sent" ] && [ "$sent" -ge 100 ] && [ "$sent" = "$got" ] || fail "the other guests lost packets: $(tail -3 "$TMP/ping.log")"

# dns-host, live
vnetctl net-update default add dns-host "<host ip='192.168.122.200'><hostname>web</hostname></host>" --live >/dev/null ||
	fail "add dns-host"
resolves web 192.168.122.200 || fail "dns-host web does not resolve"
# --live alone leaves the stored definition as it was: it becomes the pending one
vnetctl net-dumpxml --inactive default | grep -q 192.168.122.200 && fail "--live changed the stored definition"
vnetctl net-update default delete dns-host "<host ip='192.168.122.200'><hostname>web</hostname></host>" --live >/dev/null ||
	fail "delete dns-host"
resolves web 192.168.122.200 && fail "web still resolves"
# --config alone: stored, not running
vnetctl net-update default add dns-host "<host ip='192.168.122.201'><hostname>later</hostname></host>" --config >/dev/null ||
	fail "add dns-host --config"
vnetctl net-dumpxml --inactive default | grep -q 192.168.122.201 || fail "--config not in the pending definition"
vnetctl net-dumpxml default | grep -q 192.168.122.201 && fail "--config changed the running network"
resolves later 192.168.122.201 && fail "--config applied live"

# dns-txt and dns-srv, live (the DNS service is rebuilt from the definition)
vnetctl net-update default add dns-txt "<txt name='info.example' value='hello'/>" --live >/dev/null || fail "add dns-txt"
vnetctl net-update default add dns-srv "<srv service='http' protocol='tcp' domain='example' target='web.example' port='80'/>" \
	--live >/dev/null || fail "add dns-srv"
inguest 1 dig +short +time=1 +tries=2 @192.168.122.1 TXT info.example | grep -qx '"hello"' || fail "TXT not answered"
inguest 1 dig +short +time=1 +tries=2 @192.168.122.1 SRV _http._tcp.example | grep -q "80 web.example." || fail "SRV not answered"
vnetctl net-update default delete dns-txt "<txt name='info.example' value='hello'/>" --live >/dev/null || fail "delete dns-txt"
inguest 1 dig +short +time=1 +tries=1 @192.168.122.1 TXT info.example | grep -q hello && fail "TXT still answered"

# refusals
out=$(vnetctl net-update default modify ip-dhcp-range "<range start='192.168.122.2' end='192.168.122.254'/>" 2>&1) &&
	fail "ip-dhcp-range modify accepted"
grep -q "cannot be modified" <<<"$out" || fail "unclear: $out"
out=$(vnetctl net-update default add ip-dhcp-host "<range start='192.168.122.2' end='192.168.122.9'/>" 2>&1) &&
	fail "a range accepted as a host"
grep -q "<host>" <<<"$out" || fail "unclear: $out"
out=$(vnetctl net-update default add ip-dhcp-host "<host mac='52:54:00:00:00:44' ip='10.1.1.1'/>" --live 2>&1) &&
	fail "a host outside the subnet accepted"
out=$(vnetctl net-update default add dns-foo "<foo/>" 2>&1) && fail "unknown section accepted"
grep -q "unknown section" <<<"$out" || fail "unclear: $out"
out=$(vnetctl net-update default add ip-dhcp-host "<host mac='52:54:00:00:00:45' ip='192.168.122.45'/>" --parent-index 3 2>&1) &&
	fail "--parent-index 3 accepted"
vnetctl net-update default add ip-dhcp-host "<host mac='52:54:00:00:00:45' ip='192.168.122.45'/>" --parent-index 0 --live >/dev/null ||
	fail "--parent-index 0 refused"
vnetctl net-stop default >/dev/null
out=$(vnetctl net-update default add dns-host "<host ip='192.168.122.9'><hostname>x</hostname></host>" --live 2>&1) &&
	fail "--live on an inactive network accepted"
log "ok"
