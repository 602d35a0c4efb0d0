#!/bin/bash
# Seed network 2 with a tap: a real QEMU guest (tests/guest/) on a persistent
# tap made by `vnetctl tap-add` leases an address, pings a vif guest and the
# gateway, and fetches from the wan server through NAT; the fast-path
# counters on the tap port rise. The tap is adopted across a daemon restart
# and removed by port-del and net-stop; --user sets its owner.
TEST_NAME=qemu_tap
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/guest/qemu-lib.sh"
qemu_require
world_init
guest_add 1
vnetd_start
wan_http

vnetctl net-start default || fail "net-start default"
vnetctl port-add default vif1.0 || fail "port-add vif1.0"
guest_dhcp 1 guest1 || fail "vif guest got no lease"
ip1=$(guest_ip 1)

tap=$(vnetctl tap-add default) || fail "tap-add"
[[ $tap == vtap* ]] || fail "tap-add printed '$tap', expected a vtapN name"
inhost ip -d link show "$tap" | grep -q 'tun type tap.*persist on' || fail "$tap is not a persistent tap"
vnetctl port-list default | grep -q "^$tap " || fail "port-list lacks $tap"
[ "$(inhost cat /sys/class/net/$tap/master/ifindex 2>/dev/null)" = \
	"$(inhost cat /sys/class/net/vnbr0/ifindex)" ] || fail "$tap is not on vnbr0"

fast0=$(port_counter default "$tap" fast_packets)
[ "$fast0" -ge 0 ] || fail "no data path counters for $tap"
mac=52:54:00:9e:00:01
qemu_boot qtap1 --tap "$tap" --mac $mac -- \
	"vnet.ping=$ip1,192.168.122.1,$WAN_IP vnet.wget=http://$WAN_IP:8080/hello"
qemu_wait || log "guest exited with status $? (checking its results)"
qemu_expect qtap1 "boot" "guest did not boot"
qemu_expect qtap1 "dhcp ok ip=192.168.122." "no lease"
qemu_expect qtap1 "ping $ip1 ok" "cannot ping the vif guest"
qemu_expect qtap1 "ping 192.168.122.1 ok" "cannot ping the gateway"
qemu_expect qtap1 "ping $WAN_IP ok" "cannot ping the wan"
qemu_expect qtap1 "wget ok vnet-wan-ok" "cannot fetch from the wan server"
qemu_expect qtap1 "done" "guest did not finish"
vnetctl leases default | grep -qi "$mac.*qtap1" || fail "leases lack the QEMU guest"
grep -q "^$UPLINK_IP .*GET /hello" "$TMP/http.log" || fail "wan did not see the request from the uplink address"
grep -q "^192\.168\.122\." "$TMP/http.log" && fail "a guest address leaked to the wan"
fast1=$(port_counter default "$tap" fast_packets)
log "fast-path packets on $tap: $fast0 -> $fast1"
[ "$fast1" -gt "$fast0" ] || fail "fast-path counter on $tap did not rise ($fast0 -> $fast1)"

# A second tap, named and owned by a user; adopted across a daemon restart.
tap2=$(vnetctl tap-add default --name "${P:0:8}t2" --user nobody) || fail "tap-add --name --user"
[ "$tap2" = "${P:0:8}t2" ] || fail "tap-add --name printed '$tap2'"
[ "$(inhost cat /sys/class/net/$tap2/owner)" = "$(id -u nobody)" ] || fail "$tap2 is not owned by nobody"
[ "$(inhost cat /sys/class/net/$tap/owner)" = -1 ] || fail "$tap has an owner without --user"
expect_fail vnetctl tap-add default --name "$tap2"
expect_fail vnetctl tap-add default --user no-such-user-vnet
expect_fail vnetctl tap-add no-such-net
vnetd_stop
vnetd_start
vnetctl port-list default | grep -q "^$tap2 " || fail "$tap2 not adopted after a restart"
vnetctl port-del default "$tap2" || fail "port-del $tap2"
inhost ip link show "$tap2" >/dev/null 2>&1 && fail "$tap2 still exists after port-del"
vnetctl port-del default vif1.0 || fail "port-del vif1.0"
inhost ip link show vif1.0 >/dev/null 2>&1 || fail "port-del removed a device vnet did not create"
vnetctl net-stop default || fail "net-stop"
inhost ip link show "$tap" >/dev/null 2>&1 && fail "$tap still exists after net-stop"
log "ok"
