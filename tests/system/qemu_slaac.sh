#!/bin/bash
# IPv6 SLAAC in a real QEMU guest (issue 18): a network with an IPv6 <ip>
# (a /64) and a tap made by `vnetctl tap-add`; the QEMU guest's kernel
# autoconfigures its EUI-64 address in the prefix from vnet's router
# advertisement, installs a default route via the gateway's link-local and
# ping6s the gateway's global address and a namespace guest (which did SLAAC
# the same way). Everything is checked from inside the guest: its script
# (vnet.run) prints the addresses and routes it has and each ping's outcome.
TEST_NAME=qemu_slaac
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/guest/qemu-lib.sh"
qemu_require
world_init
guest_add 1
vnetd_start
cat >"$TMP/v6.xml" <<X
<network><name>v6</name><forward mode='nat'/><bridge name='vnbr6'/>
<ip address='10.66.0.1' prefix='24'><dhcp><range start='10.66.0.10' end='10.66.0.50'/></dhcp></ip>
<ip family='ipv6' address='fd00:66::1' prefix='64'/>
</network>
X
vnetctl net-define "$TMP/v6.xml" >/dev/null || fail "net-define v6"
vnetctl net-start v6 >/dev/null || fail "net-start v6"
vnetctl port-add v6 vif1.0 >/dev/null || fail "port-add vif1.0"
inguest 1 ip link set eth0 down # DAD and solicitations again, now on the network
inguest 1 ip link set eth0 up
wait_for 150 bash -c "ip netns exec $P-g1 ip -6 addr show dev eth0 scope global | grep -q 'fd00:66::' &&
	! ip netns exec $P-g1 ip -6 addr show dev eth0 | grep -q tentative" ||
	fail "the namespace guest did no SLAAC: $(inguest 1 ip -6 addr show dev eth0)"
g1=$(inguest 1 ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
brll=$(inhost ip -6 -o addr show dev vnbr6 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
[ -n "$brll" ] || fail "the bridge has no link-local address"

tap=$(vnetctl tap-add v6) || fail "tap-add v6"
fast0=$(port_counter v6 "$tap" fast_packets)
# 52:54:00:9e:06:01 -> EUI-64 interface id 5054:ff:fe9e:601
mac=52:54:00:9e:06:01 want=fd00:66::5054:ff:fe9e:601
# The guest's checks. /proc/net/if_inet6: address, ifindex, prefix length,
# scope (00 global), flags (0x40 tentative), name.
cat >"$TMP/slaac.sh" <<'G'
res() { echo "VNET-RESULT $*"; }
addr() { while read -r a ix pl sc fl dev; do
	[ "$dev" = eth0 ] && [ "$sc" = 00 ] && [ $((0x$fl & 0x40)) = 0 ] && { echo "$a/$pl"; return; }
done </proc/net/if_inet6; }
i=0
while [ $i -lt 40 ] && [ -z "$(addr)" ]; do sleep 0.5; i=$((i + 1)); done
a=$(addr)
if [ -n "$a" ]; then res "slaac ok $a"; else res "slaac fail"; ip -6 addr show dev eth0; fi
i=0
while [ $i -lt 20 ] && ! ip -6 route show default | grep -q via; do sleep 0.5; i=$((i + 1)); done
res "route6 $(ip -6 route show default | head -1 | tr -s ' ')"
for t in $PING6; do
	if ping6 -c 3 -W 2 "$t" >/dev/null 2>&1; then res "ping6 $t ok"; else res "ping6 $t fail"; fi
done
G
sed -i "1i PING6='fd00:66::1 $g1'" "$TMP/slaac.sh"
log "namespace guest $g1, gateway $brll, QEMU guest expected at $want"
qemu_boot qslaac --tap "$tap" --mac $mac -- "vnet.run=$(base64 -w0 "$TMP/slaac.sh")"
qemu_wait || log "guest exited with status $? (checking its results)"
qemu_expect qslaac "boot" "guest did not boot"
# the kernel writes if_inet6 addresses as 32 hex digits, no colons
want_hex=$(python3 -c 'import ipaddress,sys; print(ipaddress.ip_address(sys.argv[1]).exploded.replace(":",""))' $want)
qemu_expect qslaac "slaac ok $want_hex/40" "no SLAAC address $want/64 (prefix length 0x40)"
qemu_expect qslaac "route6 default via $brll dev eth0" "no default route via the gateway's link-local $brll"
qemu_expect qslaac "ping6 fd00:66::1 ok" "cannot ping6 the gateway's global address"
qemu_expect qslaac "ping6 $g1 ok" "cannot ping6 the namespace guest"
qemu_expect qslaac "done" "guest did not finish"
# the namespace guest saw the QEMU guest at its SLAAC address (its echo
# requests came from there)
inguest 1 ip -6 neigh show dev eth0 | grep -q "^$want lladdr $mac" ||
	fail "the namespace guest has no neighbour entry $want -> $mac: $(inguest 1 ip -6 neigh show dev eth0)"
fast1=$(port_counter v6 "$tap" fast_packets)
log "fast-path packets on $tap: $fast0 -> $fast1"
[ "$fast1" -gt "$fast0" ] || fail "fast-path counter on $tap did not rise ($fast0 -> $fast1)"
vnetctl net-stop v6 >/dev/null || fail "net-stop v6"
log "ok"
