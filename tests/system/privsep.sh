#!/bin/bash
# Privilege separation (issue 20.5). The parsers of what guests send run
# in vnetd's service child: not root, no capability (effective, permitted,
# inheritable, ambient, bounding), no_new_privs, seccomp, chrooted into the
# lease directory. A DHCP packet that crashes it (the test build's fault,
# build/vnetd-test with VNET_TEST_CHILD_CRASH=marker: the shipped vnetd has
# no such hook, test_hooks.h) is survived: the
# core restarts the child within 2 s, the leases are intact, a guest renews
# and another gets a new lease, names resolve, and pings through NAT lose
# nothing meanwhile (guest 2: guest 1 renews, which deconfigures its eth0
# for a moment). The core's death takes the child with it.
. "$(dirname "$0")/../lib.sh"
MARKER=VNET-TEST-CRASH-CHILD

child_of() { pgrep -P "$1" -x vnetd-svc | head -1; }
status_of() { awk -v k="$2:" '$1 == k {$1 = ""; print substr($0, 2)}' "/proc/$1/status"; }
lease_pairs() { vnetctl --json leases default | /usr/bin/python3 -c 'import json,sys
print(" ".join(sorted(l["mac"] + "=" + l["ip"] for l in json.load(sys.stdin))))'; }
event_count() { vnetctl metrics | awk -v e="event=\"$1\"" 'index($0, "vnet_privsep_events_total{" e "}") == 1 {print $2}'; }

[ -x "$BUILD/vnetd-test" ] || fail "no test build $BUILD/vnetd-test (make test builds it)"
strings "$BUILD/vnetd" | grep -q VNET_TEST_CHILD_CRASH && fail "the shipped vnetd has the crash hook"
world_init
guest_add 1; guest_add 2; guest_add 3
VNET_TEST_CHILD_CRASH=$MARKER VNETD=$BUILD/vnetd-test vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default"
for i in 1 2 3; do vnetctl port-add default "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
guest_dhcp 1 guest1 || fail "guest 1 got no lease"
guest_dhcp 2 guest2 || fail "guest 2 got no lease"
ip1=$(guest_ip 1)

log "the service child: no root, no capabilities, seccomp, chrooted"
child=$(child_of "$VNETD_PID")
[ -n "$child" ] || fail "vnetd has no service child"
read -r ruid euid suid fsuid <<<"$(status_of "$child" Uid)"
read -r rgid egid sgid fsgid <<<"$(status_of "$child" Gid)"
for id in $ruid $euid $suid $fsuid $rgid $egid $sgid $fsgid; do
	[ "$id" != 0 ] || fail "the service child runs with uid/gid 0 ($(status_of "$child" Uid))"
done
[ "$(ps -o user= -p "$child")" != root ] || fail "ps shows the service child as root"
[ -z "$(status_of "$child" Groups)" ] || fail "the service child keeps groups: $(status_of "$child" Groups)"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	[ "$(status_of "$child" $c)" = 0000000000000000 ] || fail "$c of the child is $(status_of "$child" $c)"
done
[ "$(status_of "$child" NoNewPrivs)" = 1 ] || fail "the child may gain privileges"
[ "$(status_of "$child" Seccomp)" = 2 ] || fail "the child has no seccomp filter"
[ "$(readlink "/proc/$child/root")" = "$TMP/state/leases" ] ||
	fail "the child's root is $(readlink "/proc/$child/root"), not the lease dir"
[ "$(stat -c %u "$TMP/state/leases/default.leases")" = "$ruid" ] || fail "the child does not own the leases"
log "child $child: uid $ruid gid $rgid, no capabilities, seccomp filter, root $TMP/state/leases"

before=$(lease_pairs)
[ -n "$before" ] || fail "no leases before the crash"
exits=$(event_count child_exit)
inguest 2 ping -i 0.01 -c 500 -W 1 $WAN_IP >"$TMP/ping.log" 2>&1 &
PING=$!
sleep 0.5
log "a DHCP packet with the crash marker"
inguest 3 busybox udhcpc -i eth0 -n -q -t 1 -T 1 -x "hostname:$MARKER" \
	-s "$ROOT/tests/udhcpc.script" >/dev/null 2>&1
wait_for 20 bash -c "! kill -0 $child 2>/dev/null" || fail "the child survived the crash packet"
grep -q "service child $child killed by signal 6" "$TMP/vnetd.log" || fail "the core did not see the crash"
t0=$(date +%s%N)
wait_for 20 bash -c "pgrep -P $VNETD_PID -x vnetd-svc" || fail "no new child within 2 s"
new=$(child_of "$VNETD_PID")
log "child $new started $(( ($(date +%s%N) - t0) / 1000000 )) ms after the crash was seen"
[ "$(event_count child_exit)" -gt "${exits:-0}" ] || fail "vnet_privsep_events_total{event=child_exit} did not move"

[ "$(lease_pairs)" = "$before" ] || fail "leases changed: '$before' -> '$(lease_pairs)'"
guest_dhcp 1 guest1 || fail "guest 1 cannot renew after the restart"
[ "$(guest_ip 1)" = "$ip1" ] || fail "guest 1 renewed to another address"
guest_dhcp 3 guest3 || fail "guest 3 got no lease from the new child"
inguest 2 nslookup guest1 192.168.122.1 2>/dev/null | grep -q "$ip1" || fail "guest1's name is gone"
wait $PING
grep -q " 0% packet loss" "$TMP/ping.log" || { tail -3 "$TMP/ping.log"; fail "pings lost during the crash"; }
log "leases intact, renew and new lease served, $(grep -o '[0-9]* received' "$TMP/ping.log") pings"

log "the core killed: the child goes with it"
vnetd_kill9
wait_for 20 bash -c "! kill -0 $new 2>/dev/null" || fail "the child outlived the core"
log "ok"
