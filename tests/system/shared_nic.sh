#!/bin/bash
# Seed network 5: a shared physical interface. The host's eth0 sits on a
# "lan" (router 192.168.50.1 with a real DHCP server, dnsmasq) with
# addresses and routes of its own; the NAT network "default" has a vif
# guest. `vnetctl share eth0` hands eth0's MAC, addresses and routes to
# ebr0 without dropping the host's TCP connection; a guest on ebr0 leases
# from the lan's dnsmasq and is reachable from the lan; the NAT guest
# reaches the lan through NAT; `unshare eth0` restores eth0 exactly. A
# forced failure in the middle and a daemon dying in the middle both end
# with eth0 exactly as before.
. "$(dirname "$0")/../lib.sh"
command -v dnsmasq >/dev/null || skip "dnsmasq not installed (package dnsmasq-base)"
world_init
LAN=$P-lan
netns_add "$LAN"
inlan() { ip netns exec "$LAN" "$@"; }
guest_add 1
guest_add 2

# The lan: router/DHCP server/TCP and HTTP servers on lan0.
ip link add eth0 netns "$HOST" type veth peer name lan0 netns "$LAN" || fail "cannot create eth0"
inlan ip addr add 192.168.50.1/24 dev lan0
inlan ip -6 addr add 2001:db8:50::1/64 dev lan0 nodad
inlan ip link set lan0 up
inlan dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=lan0 --bind-interfaces \
	--user=root --dhcp-range=192.168.50.100,192.168.50.150,255.255.255.0,10m \
	--dhcp-option=3,192.168.50.1 --dhcp-leasefile="$TMP/lan.leases" \
	--pid-file="$TMP/dnsmasq.pid" >"$TMP/dnsmasq.log" 2>&1 &
cat >"$TMP/echo_server.py" <<'EOF'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.50.1", 7000)); s.listen(1)
c, peer = s.accept(); f = c.makefile("rw")
for line in f:
    f.write("echo %s %s\n" % (peer[1], line.strip())); f.flush()
EOF
cat >"$TMP/echo_client.py" <<'EOF'
import socket, sys
c = socket.create_connection(("192.168.50.1", 7000), timeout=10); f = c.makefile("rw")
for line in sys.stdin:
    f.write(line); f.flush(); print(f.readline().strip(), flush=True)
EOF
inlan python3 "$TMP/echo_server.py" >"$TMP/echo_server.log" 2>&1 &
inlan python3 -m http.server 8080 --bind 192.168.50.1 >"$TMP/http.log" 2>&1 &

# The host on the lan: two IPv4 addresses, IPv6, routes in two tables.
inhost ip link set eth0 up
inhost ip addr add 192.168.50.10/24 dev eth0
inhost ip addr add 192.168.50.11/24 dev eth0
inhost ip -6 addr add 2001:db8:50::10/64 dev eth0 nodad
inhost ip route replace default via 192.168.50.1 dev eth0
inhost ip route add 10.60.0.0/16 via 192.168.50.1 dev eth0 table 100 metric 50
inhost ip route add 10.61.0.0/16 dev eth0 src 192.168.50.10 scope link mtu 1400
inhost ip -6 route add default via 2001:db8:50::1 dev eth0 metric 1024
wait_for 50 inhost ping -c1 -W1 192.168.50.1 || fail "host cannot reach the lan router"

# (routes sorted: a guest port's routes come back in another place among
# the other devices' when vnetd gives the port its IPv6 back at net-stop)
sorted_json() { /usr/bin/python3 -c 'import json,sys
print(json.dumps(sorted(json.load(sys.stdin), key=lambda r: json.dumps(r, sort_keys=True))))'; }
state() {
	inhost ip -j addr show dev eth0; inhost ip -j link show dev eth0
	inhost ip -j route show table all | sorted_json; inhost ip -j -6 route show table all | sorted_json
}
same_as_before() { wait_for 50 settled; state >"$TMP/now.json"; diff <(tr , '\n' <"$TMP/before.json") \
	<(tr , '\n' <"$TMP/now.json") >&2 || fail "$1: eth0 not restored exactly"; }

# NAT network with guest 1 (its uplink is eth0, the default route's device).
# (exported, not VAR=x vnetd_start: that leaves a subshell between $! and vnetd)
# the shipped vnetd carries no test hooks: only vnetd-test has them
strings "$BUILD/vnetd" | grep -q VNET_TEST_ && fail "the shipped vnetd has test hooks"
VNETD=$BUILD/vnetd-test
export VNET_TEST_SHARE_FAIL=route
vnetd_start
unset VNET_TEST_SHARE_FAIL
vnetctl net-start default || fail "net-start default"
vnetctl port-add default vif1.0 || fail "port-add vif1.0"
guest_dhcp 1 || fail "NAT guest got no lease"
wait_for 50 inlan bash -c "echo > /dev/tcp/192.168.50.1/8080" || fail "lan http server did not start"
inguest 1 curl -s -m 5 -o /dev/null http://192.168.50.1:8080/ || fail "NAT guest cannot reach the lan before share"
# IPv6 duplicate address detection must be over everywhere first, or
# link-local addresses (and their routes) appear between the snapshots.
settled() { ! inhost ip -6 addr show | grep -q tentative; }
wait_for 50 settled || fail "IPv6 addresses stay tentative"
state >"$TMP/before.json"

# A failure in the middle (the last route cannot be moved) rolls back.
out=$(vnetctl share eth0 2>&1) && fail "share succeeded despite the forced failure"
log "forced failure: $out"
[[ $out == *"share eth0: cannot move route"*"rolled back"* ]] || fail "unclear failure: $out"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "failure not reported in one line"
inhost ip link show ebr0 >/dev/null 2>&1 && fail "ebr0 left behind by the rollback"
same_as_before "rollback"
inhost ip link add ebr0 type veth peer name ebr0p
out=$(vnetctl share eth0 2>&1) && fail "share over an existing ebr0 succeeded"
[[ $out == *"ebr0 already exists"* ]] || fail "unclear failure: $out"
inhost ip link del ebr0
same_as_before "refused share"

# A daemon dying half-way (addresses moved, eth0 enslaved, routes not yet):
# the next start undoes it to the snapshot.
vnetd_stop
export VNET_TEST_SHARE_CRASH=route
vnetd_start
unset VNET_TEST_SHARE_CRASH
vnetctl share eth0 >/dev/null 2>&1 && fail "share survived the forced crash"
wait "$VNETD_PID" 2>/dev/null; VNETD_PID=""
inhost ip -br addr show dev ebr0 | grep -q 192.168.50.10 || fail "crash came too late to test"
vnetd_start
grep -q "half-done share" "$TMP/vnetd.log" || fail "recovery not logged"
same_as_before "recovery after a crash"

# The real share, with a TCP connection open across it.
mkfifo "$TMP/cin"
inhost python3 -u "$TMP/echo_client.py" <"$TMP/cin" >"$TMP/cout" 2>&1 &
exec 7>"$TMP/cin"
echo one >&7
wait_for 50 grep -q "echo .* one" "$TMP/cout" || fail "no TCP exchange before share"
port=$(awk '{print $2; exit}' "$TMP/cout")
vnetctl share eth0 || fail "share eth0"
out=$(vnetctl share eth0 2>&1) && fail "second share succeeded"
[[ $out == *"already shared"* ]] || fail "unclear failure: $out"
inhost ip -br addr show dev ebr0 | grep -q "192.168.50.10/24 192.168.50.11/24 2001:db8:50::10/64" ||
	fail "ebr0 lacks eth0's addresses: $(inhost ip -br addr show dev ebr0)"
inhost ip -br addr show dev eth0 | grep -q "192\|2001" && fail "eth0 still has addresses"
inhost ip link show eth0 | grep -q "master ebr0" || fail "eth0 is not a port of ebr0"
[ "$(inhost cat /sys/class/net/ebr0/address)" = "$(inhost cat /sys/class/net/eth0/address)" ] ||
	fail "ebr0 does not have eth0's MAC"
inhost ip route show default | grep -q "dev ebr0" || fail "default route not on ebr0"
inhost ip route show table 100 | grep -q "10.60.0.0/16 via 192.168.50.1 dev ebr0 metric 50" ||
	fail "table 100 route not moved"
inhost ip route show 10.61.0.0/16 | grep -q "dev ebr0 scope link src 192.168.50.10 mtu 1400" ||
	fail "scoped route not moved: $(inhost ip route show 10.61.0.0/16)"
inhost ip -6 route show default | grep -q "dev ebr0" || fail "IPv6 default route not on ebr0"
inhost ip route show dev eth0 table all | grep -v "^fe80\|^multicast\|^local fe80" | grep -q . &&
	fail "routes left on eth0: $(inhost ip route show dev eth0 table all)"
inhost ping -c1 -W2 192.168.50.1 >/dev/null || fail "host cannot reach the lan router after share"
echo two >&7
wait_for 50 grep -q "echo $port two" "$TMP/cout" || fail "TCP connection did not survive the share"

# A daemon restart keeps a completed share as it is.
vnetd_stop
vnetd_start
inhost ip link show eth0 | grep -q "master ebr0" || fail "restart undid the share"
inhost ip -br addr show dev ebr0 | grep -q 192.168.50.10/24 || fail "restart moved addresses"

# A bridge-mode network on ebr0: guest 2 leases from the lan's dnsmasq.
cat >"$TMP/lan.xml" <<EOF
<network><name>lan</name><forward mode='bridge'/><bridge name='ebr0'/></network>
EOF
vnetctl net-define "$TMP/lan.xml" >/dev/null || fail "net-define lan"
vnetctl net-start lan || fail "net-start lan"
vnetctl port-add lan vif2.0 || fail "port-add vif2.0"
guest_dhcp 2 || fail "guest on ebr0 got no lease from the lan"
ip2=$(guest_ip 2)
log "guest on ebr0: $ip2"
[[ $ip2 == 192.168.50.1[0-5][0-9] ]] || fail "lease $ip2 not from the lan's range"
grep -q "router=192.168.50.1 " "$TMP/udhcpc-g2.log" || fail "lease not from the lan's server"
grep -qi "52:54:00:00:00:02" "$TMP/lan.leases" || fail "dnsmasq has no lease for guest 2"
[ "$(vnetctl --json leases lan)" = "[]" ] || fail "vnet served DHCP on the shared network"
inlan ping -c2 -W2 "$ip2" >/dev/null || fail "lan cannot reach the guest on ebr0"

# The NAT guest reaches the lan through NAT (the lan sees the host).
inguest 1 curl -s -m 5 -o /dev/null http://192.168.50.1:8080/ || fail "NAT guest cannot reach the lan"
grep -q "^192.168.50.10 " "$TMP/http.log" || { cat "$TMP/http.log"; fail "lan did not see the host address"; }
grep -q "^192.168.122\." "$TMP/http.log" && fail "a NAT guest address leaked onto the lan"

# unshare: refused while the bridge network runs, then exact.
expect_fail vnetctl unshare eth0
vnetctl net-stop lan || fail "net-stop lan"
inhost ip link show vif2.0 | grep -q master && fail "net-stop left vif2.0 on ebr0"
vnetctl unshare eth0 || fail "unshare eth0"
inhost ip link show ebr0 >/dev/null 2>&1 && fail "ebr0 still exists after unshare"
same_as_before "unshare"
echo three >&7
wait_for 50 grep -q "echo $port three" "$TMP/cout" || fail "TCP connection did not survive unshare"
inguest 1 curl -s -m 5 -o /dev/null http://192.168.50.1:8080/ || fail "NAT guest lost the lan after unshare"
exec 7>&-
log "ok"
