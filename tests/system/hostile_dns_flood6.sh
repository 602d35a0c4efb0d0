#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest's DNS flood over IPv6 is judged as one over IPv4 (issue 18.6,
# 16.10): guest 1 floods the proxy's IPv6 address with unique names its
# upstream never answers; it gets REFUSED past its share (counted
# guest_pending_full), and guest 2's queries, over IPv4 and over IPv6,
# are still answered during the flood.
. "$(dirname "$0")/../lib.sh"
HERE=$(dirname "$0")
command -v dig >/dev/null || skip "no dig"
world_init
for i in 1 2; do guest_add "$i"; done
cat >"$TMP/n.xml" <<XML
<network>
  <name>f6</name>
  <forward mode='nat'/>
  <ip address='192.168.165.1' prefix='24'>
    <dhcp><range start='192.168.165.10' end='192.168.165.50'/></dhcp>
  </ip>
  <ip family='ipv6' address='fd00:165::1' prefix='64'/>
</network>
XML
inwan ip addr add 203.0.113.3/24 dev eth0
inwan /usr/bin/python3 "$HERE/dns_upstream.py" $WAN_IP 203.0.113.3 "$TMP/up.log" >"$TMP/up.out" 2>&1 &
wait_for 50 grep -q ready "$TMP/up.out" || fail "upstream did not start: $(cat "$TMP/up.out")"
vnetd_start
vnetctl net-define "$TMP/n.xml" >/dev/null || fail "net-define"
vnetctl net-start f6 >/dev/null || fail "net-start: $(tail -3 "$TMP/vnetd.log")"
for i in 1 2; do vnetctl port-add f6 "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
for i in 1 2; do
	guest_dhcp "$i" || fail "guest $i got no lease"
	inguest "$i" ip -6 addr add "fd00:165::1$i/64" dev eth0	# with DAD: the port claims it
done
guest_ll_wait 1 2
GW=192.168.165.1 GW6=fd00:165::1
dnsc() {
	vnetctl --json stats f6 | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0]["dns"].get(sys.argv[1], -1))' "$1"
}
resolve() { local g=$1 s=$2 n=$3; inguest "$g" dig +short +time=1 +tries=1 @"$s" "$n"; }
wait_for 50 sh -c "[ \"\$(ip netns exec $P-g2 dig +short +time=1 +tries=1 @$GW6 before.test)\" = 10.10.10.10 ]" ||
	fail "guest 2 cannot resolve over IPv6 before the flood: $(resolve 2 $GW6 before.test)"

inguest 1 /usr/bin/python3 "$HERE/dns_flood.py" udp $GW6 7 >"$TMP/flood" 2>&1 &
fl=$!
wait_for 30 grep -q ready "$TMP/flood" || fail "flood did not start"
sleep 1.5
for i in 1 2 3; do
	a=$(resolve 2 $GW "victim$i.test")
	[ "$a" = 10.10.10.10 ] || fail "guest 2's IPv4 query $i during the flood got '$a'"
	a=$(resolve 2 $GW6 "victim6-$i.test")
	[ "$a" = 10.10.10.10 ] || fail "guest 2's IPv6 query $i during the flood got '$a'"
	sleep 0.5
done
wait $fl
read -r _ sent _ replies _ refused <<<"$(tail -1 "$TMP/flood")"
q=$(dnsc guest_pending_full)
log "flood over IPv6: sent $sent, replies $replies, refused $refused; guest_pending_full=$q"
[ "$sent" -ge 100 ] || fail "the flood sent only $sent queries"
[ "$q" -ge 1 ] || fail "the flooding guest's refusals were not counted"
[ "$refused" -ge 1 ] || fail "the flooding guest got no REFUSED"
log "ok"
