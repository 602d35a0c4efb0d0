#!/bin/bash
# Networks per host (issue 21.2): a host runs 100 networks at once, each
# with its bridge, DHCP and DNS (the old fixed tables held 64, in the core
# and the service child). net-info states the host's limit (the data
# path's net ids, 255). Guests on the first and the last network get a
# lease from their own network and reach their gateway; after a vnetd
# restart all 100 are adopted; net-stop stops them all, bridges gone.
. "$(dirname "$0")/../lib.sh"
N=${NETS_SCALE_N:-100}
world_init
guest_add 1
guest_add 2
vnetd_start
info() { vnetctl --json net-info "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
active() { vnetctl --json net-list | python3 -c 'import json,sys
print(sum(1 for n in json.load(sys.stdin) if n.get("active") and n["name"].startswith("s")))'; }
sub() { echo "10.$((100 + $1 / 250)).$(($1 % 250))"; }

for i in $(seq 1 "$N"); do
	cat >"$TMP/n$i.xml" <<X
<network><name>s$i</name><bridge name='vs$i'/>
  <ip address='$(sub "$i").1' netmask='255.255.255.0'>
    <dhcp><range start='$(sub "$i").2' end='$(sub "$i").200'/></dhcp></ip></network>
X
	vnetctl net-define "$TMP/n$i.xml" >/dev/null || fail "net-define s$i: $(vnetctl net-define "$TMP/n$i.xml" 2>&1)"
	vnetctl net-start "s$i" >/dev/null || fail "net-start s$i: $(vnetctl net-start "s$i" 2>&1)"
done
[ "$(active)" = "$N" ] || fail "$(active) of $N networks active"
lim=$(info s1 'd["host_network_limit"]')
[ "$lim" -ge 255 ] || fail "net-info: host network limit $lim, want >= 255"
[ "$(info s1 'd["host_networks"]')" -ge "$N" ] || fail "net-info: host networks $(info s1 'd["host_networks"]')"
vnetctl net-info s1 | grep -q "^Host network limit: *$lim$" || fail "net-info text does not state the limit"
for i in 1 "$N"; do
	inhost ip -4 addr show dev "vs$i" | grep -q "$(sub "$i").1/24" || fail "vs$i has no gateway address"
done
log "$N networks running (host limit $lim)"

# a guest on the first and on the last network: its own network's lease
vnetctl port-add s1 vif1.0 >/dev/null || fail "port-add s1"
vnetctl port-add "s$N" vif2.0 >/dev/null || fail "port-add s$N"
guest_dhcp 1 || fail "guest 1 (s1) got no lease"
guest_dhcp 2 || fail "guest 2 (s$N) got no lease"
case "$(guest_ip 1)" in "$(sub 1)".*) ;; *) fail "guest 1 leased $(guest_ip 1), not in s1";; esac
case "$(guest_ip 2)" in "$(sub "$N")".*) ;; *) fail "guest 2 leased $(guest_ip 2), not in s$N";; esac
inguest 1 ping -c 1 -W 2 "$(sub 1).1" >/dev/null || fail "guest 1 cannot reach its gateway"
inguest 2 ping -c 1 -W 2 "$(sub "$N").1" >/dev/null || fail "guest 2 cannot reach its gateway"
log "guests on s1 and s$N leased and reach their gateways"

log "restart: all $N adopted"
vnetd_stop
vnetd_start
wait_for 300 sh -c "[ \"\$($BUILD/vnetctl --socket $TMP/run/vnetd.sock --json net-list | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin) if n.get(\"active\") and n[\"name\"].startswith(\"s\")))')\" = $N ]" ||
	fail "after the restart $(active) of $N active"
inguest 2 ping -c 1 -W 2 "$(sub "$N").1" >/dev/null || fail "guest 2 lost its gateway across the restart"
guest_dhcp 1 || fail "guest 1 got no lease after the restart"

for i in $(seq 1 "$N"); do
	vnetctl net-stop "s$i" >/dev/null || fail "net-stop s$i"
done
[ "$(active)" = 0 ] || fail "$(active) networks still active after net-stop"
left=$(inhost ip -o link show type bridge | grep -c ' vs[0-9]*:')
[ "$left" = 0 ] || fail "$left bridges left after net-stop"
log "ok"
