#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IPv6 in a network's DNS (issue 18.6) with dig and dhclient -6 through
# vnetd: a DHCPv6 lease's hostname (client FQDN) gets an AAAA record and
# an ip6.arpa PTR, the same guest's IPv4 lease (the MAC in its DUID-LL)
# shares the name, another guest cannot take it, it goes with the lease;
# static IPv6 names (<dns><host>, <dhcp><host name ip>) answer PTR;
# localPtr='yes' answers unknown reverse names of the prefix with NXDOMAIN.
. "$(dirname "$0")/../lib.sh"

command -v dhclient >/dev/null || skip "no dhclient"
command -v dig >/dev/null || skip "no dig"
world_init
for i in 1 2; do guest_add "$i"; done
GW=192.168.161.1
cat >"$TMP/v6.xml" <<XML
<network>
  <name>d6</name>
  <forward mode='nat'/>
  <domain name='example' localOnly='yes'/>
  <dns>
    <host ip='fd00:161::5'><hostname>static6</hostname></host>
  </dns>
  <ip address='$GW' prefix='24'>
    <dhcp><range start='192.168.161.10' end='192.168.161.50'/></dhcp>
  </ip>
  <ip family='ipv6' address='fd00:161::1' prefix='64' localPtr='yes'>
    <dhcp>
      <range start='fd00:161::100' end='fd00:161::1ff'/>
      <host name='fixed6' ip='fd00:161::50'/>
    </dhcp>
  </ip>
</network>
XML
vnetd_start
vnetctl net-define "$TMP/v6.xml" >/dev/null || fail "net-define"
vnetctl net-start d6 >/dev/null || fail "net-start: $(tail -3 "$TMP/vnetd.log")"
for i in 1 2; do vnetctl port-add d6 "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
guest_ll_wait 1 2
# dig SERVER ARGS: the answer section, or the status when there is none
q() { local s=$1; shift; inguest 2 dig +time=2 +tries=2 "@$s" "$@" >"$TMP/dig.out" 2>&1
	grep -q 'ANSWER: [1-9]' "$TMP/dig.out" && { awk '!/^;/ && NF {print $NF}' "$TMP/dig.out"; return; }
	sed -n 's/.*status: \([A-Z]*\).*/\1/p' "$TMP/dig.out"; }
guest_dhcp 2 other || fail "guest 2 got no IPv4 lease"

log "static IPv6 names: AAAA and PTR"
[ "$(q $GW AAAA static6.example)" = "fd00:161::5" ] || fail "static6: $(cat "$TMP/dig.out")"
[ "$(q $GW -x fd00:161::5)" = "static6.example." ] || fail "PTR static6: $(cat "$TMP/dig.out")"
[ "$(q $GW AAAA fixed6.example)" = "fd00:161::50" ] || fail "fixed6: $(cat "$TMP/dig.out")"
[ "$(q $GW -x fd00:161::50)" = "fixed6.example." ] || fail "PTR fixed6: $(cat "$TMP/dig.out")"

log "localPtr: an unknown address of the prefix is NXDOMAIN here"
[ "$(q $GW -x fd00:161::77)" = "NXDOMAIN" ] || fail "PTR unknown: $(cat "$TMP/dig.out")"

log "dhclient -6 (DUID-LL) in guest 1 with FQDN g6name: AAAA and PTR"
guest_dhcp 1 g6name || fail "guest 1 got no IPv4 lease"
out=$(guest_dhclient6 1 g6name -D LL 2>&1) || fail "dhclient -6: $out"
addr1=$(echo "$out" | sed -n 's/.*addr=\([^ ]*\).*/\1/p' | head -1)
case "$addr1" in fd00:161::1[0-9a-f][0-9a-f]) ;; *) fail "guest 1 got '$addr1' ($out)" ;; esac
wait_for 30 sh -c "ip netns exec $P-g2 dig +short @$GW AAAA g6name.example | grep -qx '$addr1'" ||
	fail "no AAAA for g6name: $(q $GW AAAA g6name.example)"
[ "$(q $GW -x "$addr1")" = "g6name.example." ] || fail "PTR g6name: $(cat "$TMP/dig.out")"
log "the same guest's IPv4 lease shares the name"
[ "$(q $GW A g6name.example)" = "$(guest_ip 1)" ] || fail "A g6name: $(cat "$TMP/dig.out")"

log "another guest cannot take the name"
taken0=$(vnetctl --json stats d6 | grep -o '"lease_names_refused_taken": *[0-9]*' | grep -o '[0-9]*$')
out2=$(guest_dhclient6 2 g6name 2>&1) || fail "dhclient -6 in guest 2: $out2"
addr2=$(echo "$out2" | sed -n 's/.*addr=\([^ ]*\).*/\1/p' | head -1)
[ -n "$addr2" ] && [ "$addr2" != "$addr1" ] || fail "guest 2 got '$addr2'"
wait_for 30 sh -c "'$BUILD/vnetctl' --socket '$TMP/run/vnetd.sock' --json stats d6 |
	grep -o '\"lease_names_refused_taken\": *[0-9]*' | grep -qv ': *$taken0\$'" ||
	fail "guest 2's claim of g6name was not refused"
[ "$(q $GW AAAA g6name.example)" = "$addr1" ] || fail "g6name moved: $(cat "$TMP/dig.out")"
[ "$(q $GW -x "$addr2")" = "NXDOMAIN" ] || fail "guest 2's address has a name: $(cat "$TMP/dig.out")"

log "the name goes with the lease"
guest_dhclient6 1 g6name -D LL -r >/dev/null 2>&1
wait_for 30 sh -c "ip netns exec $P-g2 dig +short @$GW AAAA g6name.example | grep -q . && exit 1 || exit 0" ||
	fail "g6name still answered after its release"
[ "$(q $GW -x "$addr1")" = "NXDOMAIN" ] || fail "PTR after release: $(cat "$TMP/dig.out")"
log "the proxy answers on the gateway's IPv6 address, UDP and TCP"
inguest 2 ip -6 route add fd00:161::/64 dev eth0 || fail "route in guest 2"
[ "$(q fd00:161::1 AAAA static6.example)" = "fd00:161::5" ] ||
	fail "over IPv6: $(cat "$TMP/dig.out")"
[ "$(q fd00:161::1 +tcp -x fd00:161::50)" = "fixed6.example." ] ||
	fail "over IPv6, TCP: $(cat "$TMP/dig.out")"
[ "$(q fd00:161::1 A other.example)" = "$(guest_ip 2)" ] ||
	fail "an IPv4 name over IPv6: $(cat "$TMP/dig.out")"
log "ok"
