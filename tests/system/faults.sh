#!/bin/bash
# Faults the daemon must notice and repair: a guest port deleted and
# recreated with another MAC (nothing inherited), the uplink re-addressed
# (NAT follows), the bridge deleted by hand (recreated, guests recover),
# a corrupt lease file (valid rows kept), SIGHUP reloading definitions.
. "$(dirname "$0")/../lib.sh"
default_world 2
ip1=$(guest_ip 1); ip2=$(guest_ip 2)
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no wan before faults"

log "port deleted under traffic, recreated with another MAC"
inguest 2 ping -i 0.05 -c 40 -W 1 "$ip1" >/dev/null 2>&1 &
PING=$!
sleep 0.5
ip netns del "$P-g1"
wait_for 50 bash -c "out=\$($BUILD/vnetctl --socket $TMP/run/vnetd.sock port-list default) && ! grep -q vif1.0 <<<\"\$out\"" ||
	fail "vanished port vif1.0 still listed"
wait "$PING" # its target is gone: only the daemon's survival matters
kill -0 "$VNETD_PID" || fail "vnetd died when a port vanished under traffic"
netns_add "$P-g1"
ip link add vif1.0 netns "$HOST" type veth peer name eth0 netns "$P-g1"
inguest 1 ip link set eth0 address 52:54:00:00:00:99
inguest 1 ip link set eth0 up
inhost ip link set vif1.0 up
vnetctl port-add default vif1.0 >/dev/null || fail "re-adding vif1.0"
# The new guest claims the old guest's address without a lease: dropped.
src_ip_drops() { net_stat default datapath.drops.src_ip; }
before=$(src_ip_drops)
inguest 1 ip addr add "$ip1/24" dev eth0
inguest 1 ip neigh replace "$ip2" lladdr 52:54:00:00:00:02 dev eth0
inguest 1 ping -c 2 -W 1 "$ip2" >/dev/null 2>&1 && fail "recreated port inherited the old guest's address"
[ "$(src_ip_drops)" -ge $((before + 2)) ] || fail "the inherited address was not dropped as src_ip"
inguest 1 ip neigh flush dev eth0
inguest 1 ip addr flush dev eth0
guest_dhcp 1 newguest || fail "recreated guest got no lease"
inguest 1 ping -c 2 -W 2 "$ip2" >/dev/null || fail "recreated guest cannot reach guest2"

log "uplink re-addressed: NAT follows"
inhost ip addr del $UPLINK_IP/24 dev wan0
inhost ip addr add 203.0.113.9/24 dev wan0
inhost ip route replace default via $WAN_IP dev wan0
inwan python3 -m http.server 8080 --bind $WAN_IP >"$TMP/http.log" 2>&1 &
wait_for 50 inwan bash -c "echo > /dev/tcp/$WAN_IP/8080" || fail "wan http server did not start"
sleep 0.5
wait_for 60 inguest 2 curl -s -m 2 -o /dev/null "http://$WAN_IP:8080/after" || fail "no NAT after the uplink changed address"
grep -q "^203.0.113.9 .*after" "$TMP/http.log" || { cat "$TMP/http.log"; fail "NAT did not follow the new uplink address"; }

log "bridge deleted by hand"
inhost ip link del vnbr0
wait_for 80 inhost ip -4 addr show vnbr0 >/dev/null 2>&1 || fail "vnbr0 was not recreated"
wait_for 80 inguest 2 ping -c 1 -W 1 192.168.122.1 || fail "guest2 cannot reach the recreated gateway"
inguest 2 ping -c 1 -W 2 "$(guest_ip 1)" >/dev/null || fail "guests cannot reach each other after the bridge came back"
inguest 2 busybox udhcpc -i eth0 -n -q -t 4 -T 1 -s "$ROOT/tests/udhcpc.script" >/dev/null 2>&1 ||
	fail "DHCP does not answer on the recreated bridge"

log "corrupt lease file"
vnetd_stop
lf="$TMP/state/leases/default.leases"
[ -s "$lf" ] || fail "no lease file"
printf 'garbage line\n\x01\x02 nonsense\n' >>"$lf"
vnetd_start
vnetctl leases default | grep -q newguest || fail "valid leases lost after corruption"

log "SIGHUP reloads definitions"
cat >"$TMP/conf/networks/hup.xml" <<'X'
<network><name>hup</name><bridge name='vnbr7'/><ip address='10.66.0.1' prefix='24'/></network>
X
kill -HUP "$VNETD_PID"
wait_for 30 bash -c "$BUILD/vnetctl --socket $TMP/run/vnetd.sock net-list --all | grep -q '^hup '" ||
	fail "SIGHUP did not load the new definition"
kill -0 "$VNETD_PID" || fail "vnetd died on SIGHUP"
log "ok"
