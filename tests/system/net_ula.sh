#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The opt-in automatic ULA (issue 18.1, RFC 4193): a network with
# <vnet:ula/> gets a /64 of the host's random fd00::/8 /48 (made once, in
# <state>/ula-prefix) at net-define, printed back by net-dumpxml as
# <vnet:ula prefix='…/64'/> (not as an <ip>); its guests do SLAAC in it and
# reach each other and the gateway; a second network gets another /64 of
# the same /48; a vnetd restart and a redefinition keep the prefix.
. "$(dirname "$0")/../lib.sh"

world_init
guest_add 1; guest_add 2
vnetd_start
ula_xml() { cat <<X
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>$1</name><forward mode='nat'/>
<bridge name='$2'/><vnet:ula/>
<ip address='$3.1' prefix='24'><dhcp><range start='$3.10' end='$3.50'/></dhcp></ip>
</network>
X
}
ula_xml u1 vnbru1 10.67.0 >"$TMP/u1.xml"
ula_xml u2 vnbru2 10.68.0 >"$TMP/u2.xml"
vnetctl net-define "$TMP/u1.xml" >/dev/null || fail "net-define u1: $(tail -2 "$TMP/vnetd.log")"
vnetctl net-define "$TMP/u2.xml" >/dev/null || fail "net-define u2"
prefix_of() { vnetctl net-dumpxml "$1" | sed -n "s/.*<vnet:ula prefix='\([^']*\)'.*/\1/p"; }
p1=$(prefix_of u1) p2=$(prefix_of u2)
host48=$(cat "$TMP/state/ula-prefix")
log "host $host48, u1 $p1, u2 $p2"
case "$host48" in fd[0-9a-f][0-9a-f]:*/48) ;; *) fail "no ULA /48 in the state dir: '$host48'" ;; esac
case "$p1" in fd*::/64) ;; *) fail "u1 has no ULA /64: $(vnetctl net-dumpxml u1)" ;; esac
[ -n "$p2" ] && [ "$p1" != "$p2" ] || fail "u1 and u2 share '$p1'"
/usr/bin/python3 - "$host48" "$p1" "$p2" <<'PY' || fail "the /64s are not inside the host's /48"
import ipaddress, sys
h = ipaddress.ip_network(sys.argv[1])
assert all(ipaddress.ip_network(p).subnet_of(h) for p in sys.argv[2:])
PY
vnetctl net-dumpxml u1 | grep -q "family='ipv6'" && fail "the ULA printed as a libvirt <ip>"

vnetctl net-start u1 >/dev/null || fail "net-start u1: $(tail -3 "$TMP/vnetd.log")"
net=${p1%::/64}
for g in 1 2; do
	vnetctl port-add u1 "vif$g.0" >/dev/null || fail "port-add vif$g.0"
	inguest "$g" ip link set eth0 down
	inguest "$g" ip link set eth0 up
done
global() { inguest "$1" ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1; }
for g in 1 2; do
	wait_for 150 bash -c "ip netns exec $P-g$g ip -6 addr show dev eth0 scope global | grep -q '$net:' &&
		! ip netns exec $P-g$g ip -6 addr show dev eth0 | grep -q tentative" ||
		fail "guest $g did no SLAAC in $p1: $(inguest $g ip -6 addr show dev eth0)"
done
g2=$(global 2)
log "guest 2 at $g2"
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$g2" >/dev/null || fail "guest 1 cannot ping6 guest 2's ULA address"
inguest 2 ping -6 -c 2 -i 0.2 -W 2 "$net::1" >/dev/null || fail "guest 2 cannot ping6 the gateway $net::1"

log "vnetd restarted: the same prefix, the guest keeps its address"
vnetd_stop
vnetd_start
[ "$(prefix_of u1)" = "$p1" ] || fail "u1's prefix changed to $(prefix_of u1)"
[ "$(cat "$TMP/state/ula-prefix")" = "$host48" ] || fail "the host's /48 changed"
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$g2" >/dev/null || fail "guest 1 cannot ping6 guest 2 after the restart"
log "a redefinition with <vnet:ula/> keeps it; one from net-dumpxml too"
vnetctl net-define "$TMP/u2.xml" >/dev/null || fail "redefine u2"
[ "$(prefix_of u2)" = "$p2" ] || fail "u2's prefix changed to $(prefix_of u2)"
vnetctl net-dumpxml u1 >"$TMP/u1-dump.xml"
vnetctl net-define "$TMP/u1-dump.xml" >/dev/null || fail "redefine u1 from its dump"
[ "$(prefix_of u1)" = "$p1" ] || fail "u1's prefix changed on redefinition"
log "ok"
