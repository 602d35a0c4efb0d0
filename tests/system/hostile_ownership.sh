#!/bin/bash
# Devices vnet does not own (issue 16.12): a network whose <bridge name> is
# the uplink, a guest's vif or a foreign bridge must not start, and no
# rollback, net-stop or --cleanup may delete, re-address or take over that
# device. A bridge vnet created is still removed at net-stop, one deleted by
# hand is re-created, and a foreign device that takes its name meanwhile is
# left alone.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1
inhost ip link add fbr0 type bridge
inhost ip addr add 10.99.0.1/24 dev fbr0
inhost ip link set fbr0 up
vnetd_start

# The device's identity and addresses, to compare after each attempt.
devstate() { inhost ip -o -4 addr show dev "$1" 2>/dev/null | awk '{print $4}' | sort | tr '\n' ' ';
	inhost cat "/sys/class/net/$1/ifindex" 2>/dev/null; }
define() { # NAME BRIDGE SUBNET
	cat >"$TMP/$1.xml" <<X
<network><name>$1</name><forward mode='nat'/><bridge name='$2'/>
<ip address='$3.1' prefix='24'><dhcp><range start='$3.10' end='$3.50'/></dhcp></ip></network>
X
	vnetctl net-define "$TMP/$1.xml" >/dev/null || fail "net-define $1"
}
define onwan wan0 10.91.0
define onvif vif1.0 10.92.0
define onfbr fbr0 10.93.0
declare -A before
for dev in wan0 vif1.0 fbr0; do before[$dev]=$(devstate $dev); done
for net in onwan:wan0 onvif:vif1.0 onfbr:fbr0; do
	n=${net%%:*} dev=${net#*:}
	out=$(vnetctl net-start "$n" 2>&1) && fail "net-start $n on existing device $dev succeeded"
	grep -q "$dev" <<<"$out" || fail "net-start $n: error does not name $dev: $out"
	[ "$(wc -l <<<"$out")" -le 1 ] || fail "net-start $n: error is not one line: $out"
	[ "$(devstate $dev)" = "${before[$dev]}" ] ||
		fail "$dev changed by the failed net-start $n: '$(devstate $dev)' was '${before[$dev]}'"
	expect_fail vnetctl net-stop "$n"
done
log "refused: $(vnetctl net-start onfbr 2>&1)"
inhost ip -o link show fbr0 | grep -q "master" && fail "fbr0 was enslaved"

log "uplink still works"
vnetctl net-start default >/dev/null || fail "net-start default"
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
guest_dhcp 1 || fail "guest 1 got no lease"
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "guest 1 cannot reach the wan"

log "tap-add never takes over a device; a tap's name taken by another device is left alone"
for dev in wan0 vif1.0 fbr0; do
	expect_fail vnetctl tap-add default --name $dev
	[ "$(devstate $dev)" = "${before[$dev]}" ] || fail "tap-add --name $dev changed it"
done
vnetctl tap-add default --name ot0 >/dev/null || fail "tap-add ot0"
inhost sh -c 'ip link del ot0; ip link add ot0 type veth peer name ot0p'
sleep 1 # the reconciler drops the tap's port (and its record), re-adds the device
inhost ip link show ot0 >/dev/null 2>&1 || fail "the reconciler deleted the device that took ot0's name"

log "a bridge vnet created is removed at net-stop"
vnetctl net-stop default >/dev/null || fail "net-stop default"
inhost ip link show vnbr0 >/dev/null 2>&1 && fail "vnbr0 survived net-stop"
inhost ip link show ot0 >/dev/null 2>&1 || fail "net-stop deleted the device that took ot0's name"
inhost ip link del ot0

log "a foreign device that took a vnet bridge's name is left alone"
inhost ip link add fx0 type bridge
vnetctl net-start default >/dev/null || fail "net-start default again"
sleep 0.5 # let the events of the start settle
# one shell: the reconciler acts 100 ms after the deletion's event; should
# it win anyway, delete what it made and try again
for _ in 1 2 3 4 5; do
	inhost sh -c 'ip link del vnbr0; ip link set fx0 name vnbr0' 2>/dev/null && break
done
inhost ip link show fx0 >/dev/null 2>&1 && fail "cannot replace vnbr0"
inhost ip addr add 10.98.0.1/24 dev vnbr0
before[vnbr0]=$(devstate vnbr0)
sleep 1.5 # the reconciler runs after the event
inhost ip -4 addr show dev vnbr0 | grep -q 192.168.122.1 && fail "the reconciler addressed a foreign vnbr0"
[ "$(inhost cat /proc/sys/net/ipv4/conf/vnbr0/forwarding)" = 0 ] ||
	fail "the reconciler turned forwarding on on a foreign vnbr0"
grep -q "vnbr0 exists and vnet did not create it" "$TMP/vnetd.log" ||
	fail "the reconciler did not say why it left vnbr0 alone"
vnetctl net-stop default >/dev/null || fail "net-stop default with a foreign vnbr0"
[ "$(devstate vnbr0)" = "${before[vnbr0]}" ] || fail "net-stop changed the foreign vnbr0"

log "after --cleanup"
vnetctl net-start default >/dev/null 2>&1 && fail "net-start on a foreign vnbr0 succeeded"
vnetd_stop
inhost_net "$BUILD/vnetd" --cleanup --conf-dir "$TMP/conf" --state-dir "$TMP/state" \
	--run-dir "$TMP/run" --pin-dir "$PIN_DIR" >/dev/null 2>&1
for dev in wan0 vif1.0 fbr0 vnbr0; do
	[ "$(devstate $dev)" = "${before[$dev]}" ] || fail "$dev changed by --cleanup"
done
inhost ip link del vnbr0

log "a network an older vnetd left running is adopted (its bridge has no mark yet)"
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default after cleanup"
vnetd_stop
inhost ip link set vnbr0 alias ""
python3 - "$TMP/state/running/default.json" <<'PY' || fail "cannot edit the running state"
import json, sys
s = json.load(open(sys.argv[1]))
s.pop("bridge_owned", None)
json.dump(s, open(sys.argv[1], "w"))
PY
vnetd_start
vnetctl --json net-info default | grep -q '"active":true' ||
	{ tail "$TMP/vnetd.log"; fail "the legacy network was not adopted"; }
vnetctl net-stop default >/dev/null || fail "net-stop legacy default"
inhost ip link show vnbr0 >/dev/null 2>&1 && fail "legacy vnbr0 survived net-stop"
log "ok"
