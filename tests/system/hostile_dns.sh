#!/bin/bash
# DNS names from DHCP hostnames (issue 16.6): a guest's DHCP hostname
# becomes a DNS name only as one label inside the network's domain, first
# come keeps it, reserved names stay unclaimed, and the name goes with the
# lease. Guest 1 is the victim ("victim"), guest 2 the attacker, guest 3
# asks.
. "$(dirname "$0")/../lib.sh"
HERE=$(dirname "$0")
world_init
for i in 1 2 3; do guest_add $i; done
vnetd_start
GW=192.168.150.1
cat >"$TMP/hn.xml" <<EOF
<network>
  <name>hn</name>
  <forward mode='nat'/>
  <bridge name='vnbrh0'/>
  <domain name='vnet.test'/>
  <ip address='$GW' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.150.10' end='192.168.150.200'/>
      <host mac='52:54:00:00:00:99' name='pinned' ip='192.168.150.99'/>
    </dhcp>
  </ip>
</network>
EOF
vnetctl net-define "$TMP/hn.xml" >/dev/null || fail "net-define"
vnetctl net-start hn >/dev/null || fail "net-start"
for i in 1 2 3; do vnetctl port-add hn "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
inwan ip addr add 203.0.113.3/24 dev eth0
inwan /usr/bin/python3 "$HERE/dns_upstream.py" $WAN_IP 203.0.113.3 "$TMP/up.log" >"$TMP/up.out" 2>&1 &
wait_for 50 grep -q ready "$TMP/up.out" || fail "upstream did not start"

guest_dhcp 1 victim || fail "victim got no lease"
guest_dhcp 3 asker || fail "guest3 got no lease"
V=$(guest_ip 1)
# ask NAME: guest 3's answer; rcode NAME: its status; aa NAME: 1 if authoritative
ask() { inguest 3 dig +short +time=1 +tries=2 @$GW "$1" | head -1; }
rcode() { inguest 3 dig +time=1 +tries=2 @$GW "$1" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }
# gone NAME: not a local name (any more): the upstream answers it, since the
# domain is not localOnly
gone() { [ "$(ask "$1")" = 10.10.10.10 ]; }
aa() { inguest 3 dig +time=1 +tries=2 @$GW "$1" | grep -q 'flags:[^;]* aa' && echo 1 || echo 0; }
dnsc() {
	vnetctl --json stats hn | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0]["dns"].get(sys.argv[1], -1))' "$1"
}
[ "$(ask victim.vnet.test)" = "$V" ] || fail "the victim's own name does not resolve"
[ "$(ask www.example.com)" = 10.10.10.10 ] || fail "upstream answer for www.example.com"

# attack NAME: the attacker (guest 2) takes a lease with hostname NAME.
attack() { guest_dhcp 2 "$1" || fail "attacker got no lease for $1"; }
attack www.example.com
A=$(guest_ip 2)
[ "$(ask www.example.com)" = 10.10.10.10 ] || fail "www.example.com now resolves to '$(ask www.example.com)'"
[ "$(aa www.example.com)" = 0 ] || fail "www.example.com answered authoritatively"
[ "$(ask www)" != "$A" ] && [ "$(ask www.vnet.test)" != "$A" ] || fail "a foreign FQDN gave its first label"
for n in wpad localhost isatap victim pinned; do
	attack $n
	for q in $n $n.vnet.test; do
		a=$(ask $q)
		[ "$a" != "$A" ] || fail "hostname $n: $q resolves to the attacker"
	done
done
[ "$(ask victim.vnet.test)" = "$V" ] && [ "$(ask victim)" = "$V" ] || fail "the victim lost its name"
[ "$(ask pinned.vnet.test)" = 192.168.150.99 ] || fail "the static host lost its name"
# the domain is not localOnly (libvirt's default): an unknown name of it is
# the upstream's to answer, never a guest's
gone wpad.vnet.test || fail "wpad.vnet.test is not the upstream's answer"
for r in outside reserved taken; do
	[ "$(dnsc lease_names_refused_$r)" -ge 1 ] || fail "refused hostnames ($r) not counted"
done
vnetctl metrics | grep -q '^vnet_dns_lease_names_refused_total{network="hn",reason="reserved"} [1-9]' ||
	fail "no vnet_dns_lease_names_refused_total in the metrics"

# A name of its own, given as a label or as its FQDN in our domain, is fine.
attack attacker
[ "$(ask attacker.vnet.test)" = "$A" ] || fail "a free label was not published"
attack evil.vnet.test
[ "$(ask evil.vnet.test)" = "$A" ] && [ "$(ask evil)" = "$A" ] || fail "label.<domain> not published as label"
gone attacker.vnet.test || fail "the attacker's old name stayed"

# The name goes with the lease: the victim releases; now it is free.
# (busybox udhcpc sends its RELEASE when told to stop, with -R; not with -q)
inguest 1 busybox udhcpc -f -i eth0 -R -t 6 -T 1 -A 1 -x hostname:victim -p "$TMP/rel.pid" \
	-s "$ROOT/tests/udhcpc.script" >"$TMP/rel.log" 2>&1 &
rel=$!
wait_for 50 grep -q '^ip=' "$TMP/rel.log" || fail "victim did not renew"
kill "$(cat "$TMP/rel.pid")"
wait $rel
wait_for 20 gone victim.vnet.test || fail "victim's name outlived its release"
attack victim
[ "$(ask victim.vnet.test)" = "$A" ] || fail "a released name could not be taken"

# 150 renewals with a new hostname each: one name left, and the log gets
# a burst of 32 lease lines, then one a second.
lines0=$(wc -l <"$TMP/vnetd.log")
t0=$SECONDS
for i in $(seq 150); do guest_dhcp 2 "churn$i" >/dev/null 2>&1; done
secs=$((SECONDS - t0))
lines=$(($(wc -l <"$TMP/vnetd.log") - lines0))
[ "$(ask churn150.vnet.test)" = "$A" ] || fail "the last hostname is not published"
gone churn1.vnet.test && gone churn75.vnet.test ||
	fail "old hostnames stayed"
e=$(dnsc lease_name_entries)
log "150 renewals in ${secs}s: $lines log lines, $e lease names"
[ "$e" -le 3 ] || fail "$e lease names after renewals (expected at most 3)"
[ "$lines" -le $((32 + secs + 2)) ] && [ "$lines" -lt 100 ] || fail "$lines log lines for 150 renewals"
grep -q 'lease events not logged before' "$TMP/vnetd.log" || fail "held-back lease lines not counted"
log "ok"
