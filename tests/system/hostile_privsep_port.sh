#!/bin/bash
# A service child taken over lies about where a lease's DHCP exchange came
# in (issue 20.5: the core checks every message before it touches a map).
# build/vnetd-test's CHILD_LIE_PORT hook makes the child name guest 2's
# port for guest 1's lease. The core must not believe it: guest 1's lease is
# bound to its own port (it keeps its traffic), guest 2's port gets no claim
# on guest 1's MAC or address, and the refusal is counted.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1; guest_add 2
VNETD=$BUILD/vnetd-test
export VNET_TEST_CHILD_LIE_PORT=$(inhost cat /sys/class/net/vif2.0/ifindex)
vnetd_start
unset VNET_TEST_CHILD_LIE_PORT
vnetctl net-start default >/dev/null || fail "net-start"
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add default vif2.0 >/dev/null || fail "port-add vif2.0"
guest_dhcp 1 guest1 || fail "guest 1 got no lease"
wait_for 30 inguest 1 ping -c 1 -W 1 192.168.122.1 ||
	fail "guest 1 was bound where the child said, not where its DHCP came in"
ip1=$(guest_ip 1)
# guest 2 cannot use guest 1's address (nor its MAC) from its port
spoofs() { echo $(($(net_stat default datapath.drops.src_ip) + $(net_stat default datapath.drops.arp_spoof))); }
before=$(spoofs)
inguest 2 ip addr add "$ip1/24" dev eth0
inguest 2 ping -c 2 -W 1 -I "$ip1" 192.168.122.1 >/dev/null 2>&1 &&
	fail "guest 2's port was given guest 1's address"
[ "$(spoofs)" -gt "$before" ] || fail "guest 2's spoof not counted"
rej=$(vnetctl metrics | awk -F' ' '/privsep_events_total\{event="rejected"\}/ {print $2}')
[ "${rej:-0}" -ge 1 ] || fail "the child's false port was not counted as rejected"
grep -q "did not come in on" "$TMP/vnetd.log" || fail "the refusal was not logged"
log "ok"
