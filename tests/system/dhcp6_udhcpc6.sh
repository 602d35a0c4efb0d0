#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# busybox udhcpc6 against vnetd's DHCPv6 service (issue 18): it obtains a
# lease from the IPv6 <range> (address on eth0, the lease listed with its
# DUID-LL and IAID), renews it on SIGUSR1 (the lease's expiry moves, same
# address), releases it on SIGUSR2 (the lease leaves vnet's list) and, with
# -R, on exit. The binary is built by make deps from Debian's busybox source
# (tests/udhcpc6_build.sh): no Debian 12 busybox package has the applet.
. "$(dirname "$0")/../lib.sh"

UDHCPC6=${UDHCPC6:-/usr/local/libexec/vnet-test/udhcpc6}
[ -x "$UDHCPC6" ] || skip "no $UDHCPC6 (make deps builds it from Debian's busybox source; it failed or was not run)"
world_init
guest_add 1
guest_add 2
cat >"$TMP/v6.xml" <<XML
<network>
  <name>v6</name>
  <forward mode='nat'/>
  <ip address='192.168.161.1' prefix='24'/>
  <ip family='ipv6' address='fd00:161::1' prefix='64'>
    <dhcp>
      <range start='fd00:161::100' end='fd00:161::1ff'>
        <lease expiry='600' unit='seconds'/>
      </range>
    </dhcp>
  </ip>
</network>
XML
vnetd_start
vnetctl net-define "$TMP/v6.xml" >/dev/null || fail "net-define"
vnetctl net-start v6 >/dev/null || fail "net-start: $(tail -3 "$TMP/vnetd.log")"
for i in 1 2; do vnetctl port-add v6 "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
guest_ll_wait 1 2

# The event script: each event and its address to a log; bound/renew put
# the address on the interface, deconfig takes it off. (busybox 1.35 gives
# the script $lease without converting it from network byte order, 600 s
# shows as 1476526080: the client's own timers use the right value.)
cat >"$TMP/udhcpc6.script" <<'S'
#!/bin/sh
echo "$1 ipv6=$ipv6 lease=$lease dns=$dns" >>"$EVENTS"
case "$1" in
bound|renew) ip -6 addr replace "$ipv6/128" dev "$interface" ;;
deconfig) ip -6 addr flush dev "$interface" scope global ;;
esac
exit 0
S
chmod +x "$TMP/udhcpc6.script"

# lease6 FIELD ADDR: a field of ADDR's IPv6 lease in vnetctl --json leases.
lease6() {
	vnetctl --json leases v6 | /usr/bin/python3 -c '
import json, sys
for l in json.load(sys.stdin):
    if l.get("protocol") == "ipv6" and l.get("ip", "").split("/")[0] == sys.argv[2]:
        print(l.get(sys.argv[1], "")); break' "$1" "$2"
}
unlisted() { [ -z "$(lease6 ip "$1")" ]; }
events() { cat "$TMP/g$1.events" 2>/dev/null; }
# start N [ARGS]: udhcpc6 in the foreground in guest N, in the background.
start() {
	local g=$1; shift
	: >"$TMP/g$g.events"
	EVENTS=$TMP/g$g.events inguest "$g" "$UDHCPC6" -f -i eth0 -s "$TMP/udhcpc6.script" \
		-O dns -p "$TMP/g$g.pid" "$@" >>"$TMP/g$g.log" 2>&1 &
}

log "udhcpc6 in guest 1 obtains a lease from the range"
start 1
wait_for 300 grep -q '^bound ' "$TMP/g1.events" ||
	fail "no lease: $(events 1) $(cat "$TMP/g1.log")"
# udhcpc6 writes addresses in full (fd00:0161:0000:...): vnet's canonical form
canon() { /usr/bin/python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' "$1" 2>/dev/null; }
bound_addr() { canon "$(sed -n 's/^bound ipv6=\([^ ]*\).*/\1/p' "$TMP/g$1.events" | head -1)"; }
addr=$(bound_addr 1)
case "$addr" in fd00:161::1[0-9a-f][0-9a-f]) ;; *) fail "guest 1 got '$addr' ($(events 1))" ;; esac
dns=$(sed -n 's/^bound .* dns=\([^ ]*\).*/\1/p' "$TMP/g1.events" | head -1)
[ "$(canon "$dns")" = fd00:161::1 ] || fail "no DNS server fd00:161::1: $(events 1)"
# past DAD (which claims it for the port): udhcpc6 unicasts its Renew and
# Release from it
on_eth0() { inguest "$1" ip -6 -o addr show dev eth0 | grep " $2/128 " | grep -qv tentative; }
wait_for 50 on_eth0 1 "$addr" || fail "$addr is not on eth0"

log "the lease is listed with udhcpc6's DUID-LL and an IAID"
duid=$(lease6 client_id "$addr")
[ "$duid" = "00:03:00:01:52:54:00:00:00:01" ] ||
	{ vnetctl --json leases v6 >&2; fail "lease of $addr has client id '$duid'"; }
vnetctl net-dhcp-leases v6 >"$TMP/leases.txt" || fail "net-dhcp-leases"
grep -q "ipv6.*$addr/64.*00:03:00:01:52:54:00:00:00:01" "$TMP/leases.txt" ||
	{ cat "$TMP/leases.txt" >&2; fail "net-dhcp-leases does not list $addr"; }
grep -q "^00:03:00:01:52:54:00:00:00:01 [0-9a-f]\{8\} $addr " "$TMP/state/leases/v6.leases6" ||
	{ cat "$TMP/state/leases/v6.leases6" >&2; fail "no DUID/IAID line for $addr in v6.leases6"; }
iaid=$(lease6 iaid "$addr")
[ -n "$iaid" ] || { vnetctl --json leases v6 >&2; fail "no IAID for $addr"; }
exp1=$(lease6 expires "$addr")
[ "${exp1:-0}" -gt 0 ] || { vnetctl --json leases v6 >&2; fail "no expiry for $addr"; }

log "SIGUSR1: udhcpc6 renews, the lease's expiry moves, same address"
sleep 2	# expiry times are whole seconds
kill -USR1 "$(cat "$TMP/g1.pid")"
wait_for 300 grep -q '^renew ' "$TMP/g1.events" ||
	fail "no renew: $(events 1) $(tail -5 "$TMP/g1.log")"
raddr=$(sed -n 's/^renew ipv6=\([^ ]*\).*/\1/p' "$TMP/g1.events" | head -1)
[ "$(canon "$raddr")" = "$addr" ] || fail "renewed another address: $(events 1)"
expiry_after() { [ "$(lease6 expires "$2")" -gt "$1" ]; }
wait_for 50 expiry_after "$exp1" "$addr" ||
	fail "the lease's expiry did not move after the renew ($exp1 -> $(lease6 expires "$addr"))"
[ "$(lease6 iaid "$addr")" = "$iaid" ] || fail "the renewed lease has another IAID"

log "SIGUSR2: udhcpc6 releases, the lease leaves vnet's list"
kill -USR2 "$(cat "$TMP/g1.pid")"
wait_for 100 unlisted "$addr" || fail "$addr is still listed after the release ($(events 1))"
grep -q '^deconfig ' <(tail -1 "$TMP/g1.events") || fail "no deconfig after the release: $(events 1)"
inguest 1 ip -6 -o addr show dev eth0 | grep -q " $addr/128 " && fail "$addr still on eth0 after the release"
kill "$(cat "$TMP/g1.pid")"

log "udhcpc6 -R in guest 2: a lease, then released when it exits (SIGTERM)"
start 2 -R
wait_for 300 grep -q '^bound ' "$TMP/g2.events" || fail "guest 2: no lease: $(events 2) $(cat "$TMP/g2.log")"
addr2=$(bound_addr 2)
unlisted "$addr2" && fail "guest 2's $addr2 is not listed"
wait_for 50 on_eth0 2 "$addr2" || fail "$addr2 is not on guest 2's eth0"
kill "$(cat "$TMP/g2.pid")"
wait_for 100 unlisted "$addr2" ||
	fail "$addr2 is still listed after udhcpc6 -R exited ($(events 2))"
log "ok"
