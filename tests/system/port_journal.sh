#!/bin/bash
# The port journal (issue 21.2): port-add and port-del append one fsync'd
# line to state/ports/NAME.journal instead of rewriting every port (the
# running state is not rewritten per port). After kill -9 with a torn last
# line, the next vnetd replays the journal on the list: exactly the ports
# added and not deleted come back, with their programs, and the journal is
# folded into the list. A long journal is folded by itself (its length
# stays bounded); a clean stop folds it into the running state too (what a
# vnetd before the journal reads).
. "$(dirname "$0")/../lib.sh"
world_init
for i in $(seq 0 79); do
	echo "link add j$i type veth peer name jp$i"
	echo "link set jp$i up"
done >"$TMP/links"
inhost ip -batch "$TMP/links" || fail "cannot create the veths"
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default"
J=$TMP/state/ports/default.journal
R=$TMP/state/running/default.json
ports_in() { python3 -c 'import json,sys; print(" ".join(sorted(p["ifname"] for p in json.load(open(sys.argv[1])).get("ports", []))))' "$1"; }
listed() { vnetctl --json port-list default | python3 -c 'import json,sys; print(" ".join(sorted(p["ifname"] for p in json.load(sys.stdin))))'; }

r0=$(stat -c %Y.%s "$R")
for i in 0 1 2 3 4; do vnetctl port-add default "j$i" >/dev/null || fail "port-add j$i"; done
vnetctl port-add default j5 --mac 52:54:00:aa:00:05 >/dev/null || fail "port-add j5 --mac"
vnetctl port-del default j2 >/dev/null || fail "port-del j2"
[ -f "$J" ] || fail "no journal after port-add"
[ "$(wc -l <"$J")" = 7 ] || fail "journal has $(wc -l <"$J") lines, want 7 (6 adds, 1 del)"
[ "$(stat -c %Y.%s "$R")" = "$r0" ] || fail "the running state was rewritten by port-add"
[ -z "$(ports_in "$R")" ] || fail "running state lists ports: $(ports_in "$R")"
want="j0 j1 j3 j4 j5"
[ "$(listed)" = "$want" ] || fail "port-list: $(listed)"
# each port's tcx link is pinned (kernels without tcx: clsact filters, no pin); port-del unpins its own
pin_of() { echo "$PIN_DIR/link_tcx_in_$(inhost cat /sys/class/net/$1/ifindex)"; }
if inhost $TC_PROGS j0 ingress | grep -q "^tcx"; then
	[ -e "$(pin_of j0)" ] || fail "j0's link is not pinned"
	[ -e "$(pin_of j2)" ] && fail "port-del left j2's link pin"
fi

log "kill -9 with a torn line at the end of the journal"
vnetd_kill9
printf '{"add": {"ifname": "j9' >>"$J"
vnetd_start
wait_for 100 sh -c "[ \"\$($BUILD/vnetctl --socket $TMP/run/vnetd.sock --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"ports\"])')\" = 5 ]" ||
	fail "after the restart: $(listed), want $want"
[ "$(listed)" = "$want" ] || fail "after the restart: $(listed), want $want"
[ -e "$J" ] && fail "the journal was not folded into the list at start"
[ "$(ports_in "$TMP/state/ports/default.json")" = "$want" ] || fail "port list: $(ports_in "$TMP/state/ports/default.json")"
for i in 0 1 3 4 5; do
	inhost $TC_PROGS "j$i" ingress | grep -q vnet || fail "j$i has no program after the restart"
done
inhost $TC_PROGS j2 ingress | grep -q vnet && fail "the deleted j2 came back"
vnetctl --json port-list default | grep -q '52:54:00:aa:00:05' || fail "j5 lost its --mac"

log "a long journal folds by itself"
for i in $(seq 10 79); do vnetctl port-add default "j$i" >/dev/null || fail "port-add j$i"; done
lines=$(cat "$J" 2>/dev/null | wc -l)
[ "$lines" -lt 70 ] || fail "journal of $lines lines after 70 port-adds: never folded"
[ "$(vnetctl --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)["ports"])')" = 75 ] ||
	fail "75 ports expected"

log "a clean stop writes the running state whole"
vnetd_stop
[ -e "$J" ] && fail "journal left after a clean stop"
[ "$(ports_in "$R" | wc -w)" = 75 ] || fail "running state lists $(ports_in "$R" | wc -w) ports after a clean stop, want 75"
vnetd_start
wait_for 100 sh -c "[ \"\$($BUILD/vnetctl --socket $TMP/run/vnetd.sock --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"ports\"])')\" = 75 ]" ||
	fail "after the clean restart: not 75 ports"
vnetctl net-stop default >/dev/null || fail "net-stop"
left=$(ls "$PIN_DIR" | grep "^link_" | tr '\n' ' ')
[ -z "$left" ] || fail "net-stop left link pins: $left"
log "ok"
