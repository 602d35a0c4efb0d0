#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DHCPv6 (issue 18.3) with real clients through vnetd: ISC dhclient -6 and
# dhcpcd -6 obtain leases from the IPv6 <ip>'s <range>, a host
# reserved by DUID gets its address, leases are listed with their DUID and
# IAID (net-dhcp-leases, protocol ipv6), persisted in NAME.leases6 (a
# full save, then the changes appended: a release is a "free" line); after
# vnetd is killed the leases come back and the released one does not.
. "$(dirname "$0")/../lib.sh"

command -v dhclient >/dev/null || skip "no dhclient"
world_init
for i in 1 2 3; do guest_add "$i"; done
cat >"$TMP/v6.xml" <<XML
<network>
  <name>v6</name>
  <forward mode='nat'/>
  <ip address='192.168.160.1' prefix='24'>
    <dhcp><range start='192.168.160.10' end='192.168.160.50'/></dhcp>
  </ip>
  <ip family='ipv6' address='fd00:160::1' prefix='64'>
    <dhcp>
      <range start='fd00:160::100' end='fd00:160::1ff'/>
      <host id='00:03:00:01:52:54:00:00:00:03' ip='fd00:160::33'/>
    </dhcp>
  </ip>
</network>
XML
vnetd_start
vnetctl net-define "$TMP/v6.xml" >/dev/null || fail "net-define"
vnetctl net-start v6 >/dev/null || fail "net-start: $(tail -3 "$TMP/vnetd.log")"
for i in 1 2 3; do vnetctl port-add v6 "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
guest_ll_wait 1 2 3

log "dhclient -6 in guest 1 leases from the range"
out=$(guest_dhclient6 1 - 2>&1) || fail "dhclient -6: $out"
addr1=$(echo "$out" | sed -n 's/.*addr=\([^ ]*\).*/\1/p' | head -1)
case "$addr1" in fd00:160::1[0-9a-f][0-9a-f]) ;; *) fail "guest 1 got '$addr1' ($out)" ;; esac
echo "$out" | grep -q "dns=fd00:160::1" || fail "no DNS server in the reply: $out"

log "dhcpcd -6 in guest 2 (no router advertisement needed: noipv6rs, ia_na)"
printf 'ipv6only\nnoipv6rs\nia_na 1\nscript /bin/true\n' >"$TMP/dhcpcd6.conf"
# dhcpcd's run and database dirs are compiled in: tmpfs over them, in the
# mount namespace private to this ip netns exec
out2=$(inguest 2 sh -c "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/dhcpcd &&
	timeout 40 dhcpcd -f '$TMP/dhcpcd6.conf' -6 -1 -B -t 30 eth0" 2>&1)
# (the network's RA also gives it a SLAAC address: the lease is the /128)
addr2=$(inguest 2 ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | grep '/128$' |
	cut -d/ -f1 | head -1)
case "$addr2" in fd00:160::1[0-9a-f][0-9a-f]) ;; *) fail "dhcpcd -6 got '$addr2' ($out2)" ;; esac
[ "$addr2" != "$addr1" ] || fail "two clients got $addr1"

log "a DUID reservation: dhclient -6 -D LL in guest 3 (DUID-LL of 52:54:00:00:00:03)"
out3=$(guest_dhclient6 3 - -D LL 2>&1) || fail "dhclient -6 -D LL: $out3"
echo "$out3" | grep -q "addr=fd00:160::33" || fail "the reserved host got: $out3"

log "net-dhcp-leases lists them with protocol ipv6 and the DUID"
vnetctl net-dhcp-leases v6 >"$TMP/leases.txt" || fail "net-dhcp-leases"
grep -q "ipv6.*fd00:160::33/64.*00:03:00:01:52:54:00:00:00:03" "$TMP/leases.txt" ||
	{ cat "$TMP/leases.txt" >&2; fail "the reserved lease is not listed"; }
n6=$(vnetctl --json leases v6 | /usr/bin/python3 -c 'import json,sys; print(sum(1 for l in json.load(sys.stdin) if l.get("protocol") == "ipv6"))')
[ "$n6" = 3 ] || fail "$n6 IPv6 leases listed, expected 3"
grep -q "fd00:160::33" "$TMP/state/leases/v6.leases6" || fail "the lease file has no reserved lease"

log "a release frees guest 1's lease: a 'free' line appended to the journal"
guest_dhclient6 1 - -r >/dev/null 2>&1
wait_for 30 sh -c "! '$BUILD/vnetctl' --socket '$TMP/run/vnetd.sock' --json leases v6 | grep -q '\"$addr1\"'" ||
	fail "guest 1's lease is still listed after its release"
# the saves after the first append what changed (issue 21.3)
grep -qx -- "- 00000000 $addr1 0 free -" "$TMP/state/leases/v6.leases6" ||
	{ cat "$TMP/state/leases/v6.leases6" >&2; fail "no journal line for the release"; }

log "vnetd killed after the Replies: the leases come back from the journal, the release too"
vnetd_kill9
vnetd_start
wait_for 50 sh -c "'$BUILD/vnetctl' --socket '$TMP/run/vnetd.sock' --json leases v6 | grep -q fd00:160::33" ||
	fail "the IPv6 leases did not come back"
vnetctl --json leases v6 >"$TMP/leases.after" || fail "leases after the restart"
grep -q "\"$addr2\"" "$TMP/leases.after" || fail "guest 2's lease ($addr2) did not come back"
! grep -q "\"$addr1\"" "$TMP/leases.after" || fail "guest 1's released lease came back"
log "ok"
