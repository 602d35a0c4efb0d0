#!/bin/bash
# Per-port hook (port-add --hook): guests 1 and 3 on XDP (veths: the
# xdp-veth hook, their ends with GRO on), guest 2 left to the default (tc).
# The XDP ports carry an XDP program and guest 2's does not; guests reach
# each other and the wan; a restarted vnetd attaches the same hooks; a bad
# value is refused in one line; port-del removes the XDP program.
. "$(dirname "$0")/../lib.sh"
world_init
for g in 1 2 3; do guest_add $g; done
# XDP redirected frames into a veth need NAPI on its peer: GRO on the guest end.
for g in 1 3; do inguest $g ethtool -K eth0 gro on >/dev/null || fail "gro on in guest $g"; done
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default"

out=$(vnetctl port-add default vif1.0 --hook fast 2>&1) && fail "--hook fast accepted"
[[ $out == *"invalid hook 'fast'"*tc*xdp*auto* ]] || fail "unclear error: $out"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "error not one line: $out"
vnetctl port-list default | grep -q vif1.0 && fail "refused port was added"

vnetctl port-add default vif1.0 --hook xdp >/dev/null || fail "port-add vif1.0 --hook xdp"
vnetctl port-add default vif2.0 >/dev/null || fail "port-add vif2.0"
vnetctl port-add default vif3.0 --hook xdp >/dev/null || fail "port-add vif3.0 --hook xdp"
for g in 1 2 3; do guest_dhcp $g || fail "guest $g got no lease"; done

has_xdp() { inhost ip -d link show dev "$1" | grep -q "prog/xdp"; }
has_tc() { inhost_net $TC_PROGS "$1" ingress | grep -q vnet; }
# hook_of PORT: "hook/choice" as port-list --json reports it
hook_of() {
	vnetctl --json port-list default | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["ifname"] == sys.argv[1]][0]
print("%s/%s" % (p["hook"], p["hook_choice"]))' "$1"
}
check_hooks() {	# $1: when
	has_xdp vif1.0 || fail "$1: no XDP program on vif1.0"
	has_xdp vif3.0 || fail "$1: no XDP program on vif3.0"
	has_xdp vif2.0 && fail "$1: vif2.0 has an XDP program"
	for p in vif1.0 vif2.0 vif3.0; do has_tc $p || fail "$1: no tc program on $p"; done
	[ "$(hook_of vif1.0)" = xdp-veth/xdp ] || fail "$1: vif1.0 reports $(hook_of vif1.0)"
	[ "$(hook_of vif2.0)" = tc/auto ] || fail "$1: vif2.0 reports $(hook_of vif2.0)"
	vnetctl port-list default | grep -q "^vif1.0 .* xdp-veth  *xdp  *learn\b" ||
		fail "$1: port-list text lacks the hook: $(vnetctl port-list default)"
	ip2=$(guest_ip 2); ip3=$(guest_ip 3)
	inguest 1 ping -c 3 -i 0.2 -W 2 "$ip3" >/dev/null || fail "$1: guest 1 (xdp) -> guest 3 (xdp)"
	inguest 3 ping -c 3 -i 0.2 -W 2 "$(guest_ip 1)" >/dev/null || fail "$1: guest 3 -> guest 1"
	inguest 1 ping -c 3 -i 0.2 -W 2 "$ip2" >/dev/null || fail "$1: guest 1 (xdp) -> guest 2 (tc)"
	inguest 2 ping -c 3 -i 0.2 -W 2 "$ip3" >/dev/null || fail "$1: guest 2 (tc) -> guest 3 (xdp)"
	inguest 1 ping -c 3 -i 0.2 -W 2 $WAN_IP >/dev/null || fail "$1: guest 1 (xdp) -> wan"
}
check_hooks "after port-add"
# recorded with the port (its journal line, or the port list once folded)
cat "$TMP"/state/ports/default.journal "$TMP"/state/ports/default.json 2>/dev/null |
	grep -q '"hook": *"xdp"' || fail "the choice is not recorded"

log "restart vnetd"
vnetd_stop
vnetd_start
check_hooks "after a restart"

log "port-del, port-add --hook tc"
vnetctl port-del default vif1.0 >/dev/null || fail "port-del vif1.0"
has_xdp vif1.0 && fail "port-del left the XDP program on vif1.0"
vnetctl port-add default vif1.0 --hook tc >/dev/null || fail "port-add vif1.0 --hook tc"
has_xdp vif1.0 && fail "--hook tc left an XDP program on vif1.0"
has_tc vif1.0 || fail "--hook tc: no tc program on vif1.0"
[ "$(hook_of vif1.0)" = tc/tc ] || fail "vif1.0 reports $(hook_of vif1.0) after --hook tc"
guest_dhcp 1 || fail "guest 1 got no lease on the re-added port"	# port-del purged its binding
inguest 1 ping -c 3 -i 0.2 -W 2 "$(guest_ip 3)" >/dev/null || fail "guest 1 (tc) -> guest 3 (xdp)"
log "ok"
