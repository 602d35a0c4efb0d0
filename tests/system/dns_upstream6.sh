#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IPv6 upstream resolvers (issue 18.6): the host's resolv.conf names only
# an IPv6 nameserver (in the wan namespace, reached over the uplink), and a
# guest's dig through vnetd's proxy gets its answers, over UDP and, for a
# truncated answer, TCP; the upstream sees the queries come from the
# host's IPv6 address. An IPv6 <forwarder domain addr> is used for its
# domain. Before, the service child could open AF_INET sockets only and
# IPv6 nameservers were skipped: no upstream at all.
. "$(dirname "$0")/../lib.sh"

command -v dig >/dev/null || skip "no dig"
world_init
guest_add 1
inhost ip addr add fd00:53::1/64 dev wan0 nodad
inwan ip addr add fd00:53::2/64 dev eth0 nodad
inwan ip addr add fd00:53::3/64 dev eth0 nodad
printf 'search example.org\nnameserver fd00:53::2\n' >"$TMP/resolv.conf"
inwan /usr/bin/python3 "$ROOT/tests/system/dns_upstream.py" fd00:53::2 fd00:53::3 "$TMP/up.log" \
	>"$TMP/up.out" 2>&1 &
wait_for 50 grep -q ready "$TMP/up.out" || fail "upstream did not start: $(cat "$TMP/up.out")"

cat >"$TMP/n.xml" <<XML
<network>
  <name>u6</name>
  <forward mode='nat'/>
  <dns>
    <forwarder domain='corp.test' addr='fd00:53::3'/>
  </dns>
  <ip address='192.168.163.1' prefix='24'>
    <dhcp><range start='192.168.163.10' end='192.168.163.50'/></dhcp>
  </ip>
</network>
XML
vnetd_start
vnetctl net-define "$TMP/n.xml" >/dev/null || fail "net-define"
vnetctl net-start u6 >/dev/null || fail "net-start: $(tail -3 "$TMP/vnetd.log")"
vnetctl port-add u6 vif1.0 >/dev/null || fail "port-add"
guest_dhcp 1 || fail "guest 1 got no lease"
GW=192.168.163.1

log "a name forwarded to the IPv6 upstream, over UDP"
a=$(inguest 1 dig +short +time=3 +tries=2 @$GW www.test A)
[ "$a" = "93.184.216.34" ] || fail "www.test: '$a' ($(tail -3 "$TMP/vnetd.log"))"
grep -q "^udp fd00:53::1 [0-9]* www.test " "$TMP/up.log" ||
	fail "the upstream saw no query from fd00:53::1: $(cat "$TMP/up.log")"

log "a truncated answer is retried over TCP to the IPv6 upstream"
a=$(inguest 1 dig +short +time=3 +tries=2 @$GW big.test A)
[ "$a" = "5.5.5.5" ] || fail "big.test: '$a'"
grep -q "^tcp fd00:53::1 [0-9]* big.test " "$TMP/up.log" || fail "no TCP query: $(cat "$TMP/up.log")"

log "spoofed replies (wrong ID, question, address, port) over IPv6 are ignored"
a=$(inguest 1 dig +short +time=3 +tries=2 @$GW spoof.test A)
[ "$a" = "1.2.3.4" ] || fail "spoof.test: '$a'"
[ "$(net_stat u6 dns.bad_replies)" -ge 2 ] || fail "bad replies not counted: $(net_stat u6 dns.bad_replies)"

log "an IPv6 <forwarder domain addr> gets its domain's names"
inguest 1 dig +short +time=2 +tries=1 @$GW x.corp.test A >/dev/null 2>&1
grep -q "^dead fd00:53::1 [0-9]* x.corp.test " "$TMP/up.log" ||
	fail "x.corp.test did not go to fd00:53::3: $(cat "$TMP/up.log")"
grep -q "x.corp.test" <(grep -v "^dead" "$TMP/up.log") && fail "x.corp.test went to the default upstream"
log "ok"
