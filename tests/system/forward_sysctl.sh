#!/bin/bash
# Forwarding sysctl (issue 16.14): writing net.ipv4.ip_forward in the host
# namespace rewrites every device's forwarding; turned off, vnbr0's (and the
# uplink's) went to 0 and NAT traffic was dropped as fwd_disabled for good.
# The reconciler notices (netconf events) and turns it back on: NAT works
# again within ~2 s of each change, and the repair is counted.
. "$(dirname "$0")/../lib.sh"
default_world 1
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no NAT before the sysctl changes"

fwd() { inhost cat "/proc/sys/net/ipv4/conf/$1/forwarding"; }
stat() { vnetctl --json stats default | python3 -c "import json,sys; d=json.load(sys.stdin)[0]; print($1)"; }
repairs() { stat 'd["repairs"]["forwarding"]'; }
fwd_drops() { stat 'd["datapath"]["drops"]["fwd_disabled"]'; }

# nat_back LABEL: NAT ping works within 2.5 s and both devices forward.
nat_back() {
	local start end ms
	start=$(date +%s%N)
	until inguest 1 ping -c 1 -W 0.2 $WAN_IP >/dev/null 2>&1; do
		end=$(date +%s%N)
		[ $(((end - start) / 1000000)) -lt 2500 ] || fail "$1: no NAT within 2.5 s"
	done
	ms=$((($(date +%s%N) - start) / 1000000))
	log "$1: NAT works ${ms} ms after the change"
	[ "$(fwd vnbr0)" = 1 ] || fail "$1: vnbr0 forwarding is $(fwd vnbr0)"
	[ "$(fwd wan0)" = 1 ] || fail "$1: wan0 forwarding is $(fwd wan0)"
}

for round in 1 2; do
	r0=$(repairs 2>/dev/null)
	inhost sysctl -qw net.ipv4.ip_forward=1
	nat_back "round $round: ip_forward=1"
	inhost sysctl -qw net.ipv4.ip_forward=0
	nat_back "round $round: ip_forward=0"
	[ "$(repairs)" -gt "$r0" ] || fail "round $round: the repair was not counted"
done

log "the bridge's own switch"
r0=$(repairs)
inhost sysctl -qw net.ipv4.conf.vnbr0.forwarding=0
nat_back "conf.vnbr0.forwarding=0"
[ "$(repairs)" -gt "$r0" ] || fail "conf.vnbr0.forwarding=0: the repair was not counted"

d0=$(fwd_drops)
inguest 1 ping -c 5 -i 0.1 -W 1 $WAN_IP >/dev/null || fail "NAT lost pings after the repairs"
[ "$(fwd_drops)" = "$d0" ] || fail "fwd_disabled drops still rising after the repair"
grep -q "forwarding" "$TMP/vnetd.log" || fail "the repair was not logged"
log "ok"
