#!/bin/bash
# <forward mode='open'> (issue 17.1): routed like route mode, but vnet adds
# no NAT and no filtering of its own (libvirt adds no firewall rule): the
# wan sees guests' own addresses and reaches them back, a guest with a
# static address of its own choosing gets through, and guests reach any
# host service. <forward><interface dev>: the uplink is that device (the
# first of a list that exists and is up), not the default route's.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1; guest_add 2
vnetd_start
cat >"$TMP/op.xml" <<X
<network><name>op</name><forward mode='open'/><bridge name='vnbr6'/>
<ip address='10.53.0.1' prefix='24'><dhcp><range start='10.53.0.10' end='10.53.0.50'/></dhcp></ip></network>
X
vnetctl net-define "$TMP/op.xml" >/dev/null || fail "net-define op"
inwan ip route add 10.53.0.0/24 via $UPLINK_IP
vnetctl net-start op >/dev/null || fail "net-start op"
vnetctl port-add op vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add op vif2.0 >/dev/null || fail "port-add vif2.0"
guest_dhcp 1 || fail "guest 1 got no lease"
ip1=$(guest_ip 1)

log "no NAT: the wan sees the guest's own address and reaches it"
inwan python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7001)); s.listen(1); s.settimeout(10)
c, a = s.accept(); print(a[0]); sys.stdout.flush()' >"$TMP/peer" 2>&1 & srv=$!
wait_for 50 bash -c "ip netns exec $WAN ss -ltn | grep -q :7001"
inguest 1 bash -c "echo hi >/dev/tcp/$WAN_IP/7001" || fail "guest 1 cannot connect to the wan"
wait $srv
[ "$(cat "$TMP/peer")" = "$ip1" ] || fail "the wan saw $(cat "$TMP/peer"), not guest 1's $ip1"
inwan ping -c 1 -W 2 "$ip1" >/dev/null || fail "the wan cannot reach guest 1"

log "no filtering: a static address of the guest's choosing gets through"
inguest 2 ip addr add 10.53.0.77/24 dev eth0
inguest 2 ip route add default via 10.53.0.1
inguest 2 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "a static guest cannot reach the wan"
inguest 2 ping -c 1 -W 2 "$ip1" >/dev/null || fail "a static guest cannot reach guest 1"
[ "$(net_stat op datapath.drops.src_ip)" = 0 ] || fail "src_ip drops in open mode"

log "no host-access rules: any host service is reachable"
inhost_net python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.53.0.1", 8089)); s.listen(1); s.settimeout(10); c, a = s.accept()' & hsrv=$!
wait_for 50 bash -c "ip netns exec $HOST ss -ltn | grep -q 10.53.0.1:8089"
inguest 1 bash -c "echo hi >/dev/tcp/10.53.0.1/8089" || fail "guest 1 cannot reach a host service"
wait $hsrv
vnetctl net-stop op >/dev/null || fail "net-stop op"

log "<forward><interface dev> (libvirt allows one for nat/route): the uplink, not the default route's"
inhost ip link add wan1 type veth peer name wan1p
inhost ip link set wan1p up
inhost ip addr add 198.51.100.1/24 dev wan1
inhost ip link set wan1 up
cat >"$TMP/il.xml" <<X
<network><name>il</name><forward mode='nat'><interface dev='wan1'/></forward><bridge name='vnbr7'/>
<ip address='10.54.0.1' prefix='24'/></network>
X
vnetctl net-define "$TMP/il.xml" >/dev/null || fail "net-define il"
vnetctl net-start il >/dev/null || fail "net-start il"
up=$(vnetctl --json net-info il | python3 -c 'import json,sys; print(json.load(sys.stdin).get("uplink"))')
[ "$up" = wan1 ] || fail "uplink $up, want wan1 (the <interface>)"
vnetctl net-stop il >/dev/null || fail "net-stop il"
inhost ip link set wan1 down
out=$(vnetctl net-start il 2>&1) && fail "net-start il without a usable device succeeded"
grep -q "wan1" <<<"$out" || fail "the refusal does not name the list: $out"
log "refused: $out"
log "ok"
