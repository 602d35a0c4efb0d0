#!/bin/bash
# Ports per network and per host from the maps (issue 21): a network holds
# as many ports as the host's port maps (4,096 by default, net-info says
# so), not a fixed array. A port map pinned by an older build keeps its
# size (here: acl_port_map made with 300 entries before vnetd starts), so
# the host's limit follows it: 300 ports on one network (more than the old
# 256-port array) are added, the 301st is refused with the limit in the
# error, a port-del frees a place; after a vnetd restart every port is
# adopted again.
. "$(dirname "$0")/../lib.sh"
N=300
world_init
vnetd_start
info() { vnetctl --json net-info default | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
lim=$(info 'd["host_port_limit"]')
[ "$lim" -ge 4096 ] || fail "the host's default port limit is $lim, below 4096"
log "default host port limit $lim"

# an older build's smaller map: same shape, fewer entries
vsize=$(bpftool -j map show pinned "$PIN_DIR/acl_port_map" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_value"])') ||
	fail "no acl_port_map pin"
vnetd_stop
rm "$PIN_DIR/acl_port_map"
bpftool map create "$PIN_DIR/acl_port_map" type hash key 4 value "$vsize" entries $N \
	name acl_port_map || fail "cannot pin a smaller acl_port_map"
vnetd_start
grep -q "pinned acl_port_map keeps $N entries" "$TMP/vnetd.log" || fail "the smaller pin's size was not logged"
vnetctl net-start default >/dev/null || fail "net-start default"
[ "$(info 'd["host_port_limit"]')" = $N ] || fail "host limit $(info 'd["host_port_limit"]'), want $N (the pinned map's)"
[ "$(info 'd["port_limit"]')" = $N ] || fail "network limit $(info 'd["port_limit"]'), want $N"

# N + 1 veth pairs in the host namespace (port end sI, far end pI), at once
for i in $(seq 0 $N); do
	echo "link add s$i type veth peer name p$i"
	echo "link set p$i up"
done >"$TMP/links"
inhost ip -batch "$TMP/links" || fail "cannot create the veths"
t0=$(date +%s)
for i in $(seq 0 $((N - 1))); do
	vnetctl port-add default "s$i" >/dev/null || fail "port-add s$i ($(vnetctl port-add default "s$i" 2>&1))"
done
log "$N ports added in $(($(date +%s) - t0)) s"
[ "$(info 'd["ports"]')" = $N ] || fail "net-info ports $(info 'd["ports"]'), want $N"
[ "$(info 'd["host_ports"]')" = $N ] || fail "net-info host ports $(info 'd["host_ports"]'), want $N"
[ "$(info 'd["port_limit"]')" = $N ] || fail "network limit $(info 'd["port_limit"]') with $N ports"
vnetctl net-info default | grep -q "^Host port limit: *$N$" || fail "net-info text does not say the limit"
# net-info's one-line port summary holds what fits in 1 KiB and says how
# many it leaves out (it read every port, for a line that showed ~100)
pp=$(info 'd["port_policy"]')
[ "${#pp}" -le 1100 ] || fail "net-info's port line is ${#pp} bytes"
case $pp in "s0 "*"; +"*" more (port-list)") ;; *) fail "net-info's port line: '$pp'" ;; esac
[ "$(vnetctl --json port-list default | python3 -c 'import json,sys
print(sum(1 for p in json.load(sys.stdin) if "addrs" in p and "filter" in p))')" = $N ] ||
	fail "port-list does not list every port with its policy"

out=$(vnetctl port-add default "s$N" 2>&1) && fail "port $((N + 1)) was added past the limit"
echo "$out" | grep -q "limit.* $N" || fail "refusal does not say the limit: $out"
inhost $TC_PROGS "s$N" ingress | grep -q vnet && fail "the refused port got a program"
log "port $((N + 1)) refused: $out"

vnetctl port-del default s7 >/dev/null || fail "port-del s7"
vnetctl port-add default "s$N" >/dev/null || fail "port-add after a port-del"
vnetctl port-list default | grep -qw s7 && fail "s7 still listed"
vnetctl port-list default | grep -qw "s$N" || fail "s$N not listed"

log "restart: every port adopted again"
vnetd_stop
vnetd_start
wait_for 100 sh -c "[ \"\$($BUILD/vnetctl --socket $TMP/run/vnetd.sock --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"ports\"])')\" = $N ]" ||
	fail "after the restart: $(info 'd["ports"]') ports, want $N"
[ "$(vnetctl --json port-list default | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = $N ] ||
	fail "port-list after the restart"
for i in 0 299 $N; do
	inhost $TC_PROGS "s$i" ingress | grep -q vnet || fail "s$i has no program after the restart"
done
inhost $TC_PROGS s7 ingress | grep -q vnet && fail "the deleted s7 came back"
n=$(bpftool -j map dump pinned "$PIN_DIR/port_map" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = $N ] || fail "port_map holds $n ports, want $N"
log "ok"
