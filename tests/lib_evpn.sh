#!/bin/bash
# The three-host EVPN world of the issue 22 tests (evpn.sh and the tests
# beside it). Source it from a system test, after nothing else (it sources
# lib.sh), then:
#
#   evpn_world_init          underlay (+ wan) namespace, host namespaces,
#                            a temp dir, the cleanup trap
#   evpn_guest_add H G [MAC] guest namespace $P-gG, its eth0 peered to
#                            vifG.0 in host H (not yet a port)
#   evpn_start               FRR + vnetd on every host; network $NET defined
#                            (from $TMP/span.xml, written by evpn_write_xml
#                            unless the test wrote its own), started, each
#                            guest G added as a port on its host; then the
#                            flood lists (type-3 routes) are waited for
#   evpn_world               all of the above: guest N on host N, MAC
#                            52:54:00:00:22:0N (EVPN_HOSTS hosts, default 3)
#
#   host H = namespace $P-hH, underlay address 10.99.0.H; the underlay
#   namespace $P-ul is a bridge (10.99.0.254) that also plays the wan.
#   Each host: its own vnetd (conf, state, run dirs under $TMP/hH, pins in
#   /sys/fs/bpf/$P-hH, log $TMP/hH/vnetd.log) and its own zebra + bgpd
#   (config, pid files, zserv and vty sockets in $TMP/hH/frr).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] && [ -x /usr/lib/frr/zebra ] ||
	skip "FRR not installed (make deps)"
id frr >/dev/null 2>&1 || skip "no frr user (Debian's frr package makes it)"

HOSTS=${EVPN_HOSTS:-1 2 3}
UL=$P-ul
NET=span
VNI=7000
BR=vnbr$$
BR=${BR:0:15}
VX=vnvx$VNI
declare -A VPID	# host -> its vnetd's pid
declare -A GHOST	# guest -> the host its port is on

hn() { echo "$P-h$1"; }
inh() { local h=$1; shift; nsenter --net="/run/netns/$(hn "$h")" "$@"; }
inul() { nsenter --net="/run/netns/$UL" "$@"; }
vctl() { local h=$1; shift; "$BUILD/vnetctl" --socket "$TMP/h$h/run/vnetd.sock" "$@"; }
vty() { local h=$1; shift; vtysh --vty_socket "$TMP/h$h/frr" "$@"; }

frr_stop() {
	local h=$1 d pid
	for d in bgpd zebra; do
		pid=$(cat "$TMP/h$h/frr/$d.pid" 2>/dev/null) || continue
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
		rm -f "$TMP/h$h/frr/$d.pid"
	done
}

# frr_start H: zebra, then bgpd, with no configuration: vnetd applies its own
# with vtysh
frr_start() {
	local h=$1 f
	f=$TMP/h$h/frr
	: >"$f/empty.conf"
	: >"$f/bgpd.conf"
	chown frr:frr "$f" "$f/empty.conf" "$f/bgpd.conf"
	inh "$h" /usr/lib/frr/zebra -d -u frr -g frr -f "$f/empty.conf" -i "$f/zebra.pid" \
		-z "$f/zserv.api" --vty_socket "$f" --log "file:$f/zebra.log" ||
		fail "host $h: zebra did not start"
	wait_for 100 test -S "$f/zserv.api" || fail "host $h: zebra has no zserv socket"
	inh "$h" /usr/lib/frr/bgpd -d -u frr -g frr -f "$f/bgpd.conf" -i "$f/bgpd.pid" \
		-z "$f/zserv.api" --vty_socket "$f" --log "file:$f/bgpd.log" ||
		fail "host $h: bgpd did not start"
	wait_for 100 test -S "$f/bgpd.vty" || fail "host $h: bgpd has no vty socket"
}

# vnetd_host_start H [extra args]: host H's vnetd, waited for
vnetd_host_start() {
	local h=$1; shift
	(exec nsenter --net="/run/netns/$(hn "$h")" "$BUILD/vnetd" --foreground \
		--conf-dir "$TMP/h$h/conf" --state-dir "$TMP/h$h/state" --run-dir "$TMP/h$h/run" \
		--pin-dir "/sys/fs/bpf/$P-h$h" --resolv-conf "$TMP/h$h/resolv.conf" \
		--underlay-local "10.99.0.$h" --frr-vty-dir "$TMP/h$h/frr" "$@" \
		>>"$TMP/h$h/vnetd.log" 2>&1) &
	VPID[$h]=$!
}

evpn_cleanup() {
	local rc=$? h n pid
	set +e
	for h in $HOSTS; do
		[ -n "${VPID[$h]}" ] && kill "${VPID[$h]}" 2>/dev/null && wait "${VPID[$h]}" 2>/dev/null
		if [ -e "/sys/fs/bpf/$P-h$h/drops" ]; then
			n=$(/usr/bin/python3 "$ROOT/tests/internal_drops.py" "/sys/fs/bpf/$P-h$h/drops" 2>/dev/null)
			[ "${n:-0}" != 0 ] && { echo "$TEST_NAME: FAIL: host $h: $n internal drops" >&2; rc=1; }
		fi
		if [ -d "$TMP/h$h/conf" ] && [ -e "/run/netns/$(hn "$h")" ]; then
			inh "$h" "$BUILD/vnetd" --cleanup --conf-dir "$TMP/h$h/conf" --state-dir "$TMP/h$h/state" \
				--run-dir "$TMP/h$h/run" --pin-dir "/sys/fs/bpf/$P-h$h" >/dev/null 2>&1
		fi
		frr_stop "$h"
		rm -rf "/sys/fs/bpf/$P-h$h"
	done
	if [ $rc != 0 ] && [ -n "$TMP" ]; then
		for h in $HOSTS; do
			echo "--- host $h vnetd.log"; tail -20 "$TMP/h$h/vnetd.log"
			echo "--- host $h bgpd.log"; tail -10 "$TMP/h$h/frr/bgpd.log"
		done >&2 2>/dev/null
	fi
	for n in "${NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit $rc
}

evpn_world_init() {
	local h
	TMP=$(mktemp -d "/tmp/$P.XXXXXX")
	chmod 0711 "$TMP"	# the FRR daemons (user frr) reach their dirs below
	trap evpn_cleanup EXIT
	trap 'exit 130' INT TERM
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	# the underlay (and wan): one bridge, 10.99.0.0/24, the wan at .254
	netns_add "$UL"
	inul ip link add br0 type bridge
	inul ip addr add 10.99.0.254/24 dev br0
	inul ip link set br0 up
	for h in $HOSTS; do
		netns_add "$(hn "$h")"
		mkdir -p "$TMP/h$h/conf" "$TMP/h$h/state" "$TMP/h$h/run" "$TMP/h$h/frr"
		chmod 0711 "$TMP/h$h"
		ip link add "u$h" netns "$UL" type veth peer name ul0 netns "$(hn "$h")" ||
			fail "cannot create the underlay veth of host $h"
		inul ip link set "u$h" master br0 up
		inh "$h" ip addr add "10.99.0.$h/24" dev ul0
		inh "$h" ip link set ul0 up
		inh "$h" ip route add default via 10.99.0.254
		echo "nameserver 10.99.0.254" >"$TMP/h$h/resolv.conf"
	done
}

# evpn_guest_add H G [MAC]: guest G's namespace, its eth0 peered to vifG.0 on host H
evpn_guest_add() {
	local h=$1 g=$2 mac=${3:-52:54:00:00:22:0$2}
	netns_add "$P-g$g"
	ip link add "vif$g.0" netns "$(hn "$h")" type veth peer name eth0 netns "$P-g$g" ||
		fail "cannot create vif$g.0"
	inguest "$g" ip link set eth0 address "$mac"
	inguest "$g" ip link set eth0 up
	inh "$h" ip link set "vif$g.0" up
	GHOST[$g]=$h
}

# evpn_write_xml [EXTRA]: the network every host defines, to $TMP/span.xml;
# EXTRA goes inside <network> (e.g. a <domain>)
evpn_write_xml() {
	cat >"$TMP/span.xml" <<X
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'>
  <name>$NET</name>
  <forward mode='nat'/>
  <bridge name='$BR'/>
  <mac address='02:00:00:00:22:01'/>
  ${1:-}
  <ip address='10.70.0.1' prefix='24'>
    <dhcp><range start='10.70.0.100' end='10.70.0.189'/></dhcp>
  </ip>
  <vnet:overlay vni='$VNI' asn='65022'>
    <vnet:peer address='10.99.0.1'/>
    <vnet:peer address='10.99.0.2'/>
    <vnet:peer address='10.99.0.3'/>
  </vnet:overlay>
</network>
X
}

n_flood() { test "$(inh "$1" bridge fdb show dev $VX | grep -c '^00:00:00:00:00:00 dst')" = "$2"; }
remote_macs() { inh "$1" bridge fdb show dev $VX | grep -c "52:54:00:00:22:.* dst .* self extern_learn"; }
remote_ips() { inh "$1" ip neigh show dev $BR | grep -c "extern_learn"; }
# wait_for takes a command: these re-count on every try
n_remote_macs() { test "$(remote_macs "$1")" = "$2"; }
n_remote_ips() { test "$(remote_ips "$1")" = "$2"; }
# info H KEY: one field of host H's `net-info --json`
info() { vctl "$1" --json net-info $NET | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin); print(d.get(sys.argv[1], ""))' "$2"; }

# evpn_start [vnetd args]: FRR and vnetd everywhere, the network started,
# the guests' ports added, the flood lists in place
evpn_start() {
	local h g n
	[ -f "$TMP/span.xml" ] || evpn_write_xml
	for h in $HOSTS; do frr_start "$h"; done
	for h in $HOSTS; do vnetd_host_start "$h" "$@"; done
	for h in $HOSTS; do
		# 90 s: three vnetds load their programs at once on a loaded 2-core host
		wait_for 900 vctl "$h" net-list || fail "host $h: vnetd did not come up"
	done
	for h in $HOSTS; do
		vctl "$h" net-define "$TMP/span.xml" >/dev/null || fail "host $h: net-define"
		out=$(vctl "$h" net-start $NET 2>&1) || fail "host $h: net-start: $out"
	done
	for g in "${!GHOST[@]}"; do
		vctl "${GHOST[$g]}" port-add $NET "vif$g.0" >/dev/null || fail "host ${GHOST[$g]}: port-add vif$g.0"
	done
	# the flood lists (type-3 routes): a guest's broadcast reaches every host
	n=$(($(echo $HOSTS | wc -w) - 1))
	for h in $HOSTS; do
		wait_for 300 n_flood "$h" $n || fail "host $h: no flood list: $(inh "$h" bridge fdb show dev $VX)"
	done
}

evpn_world() {
	local h
	evpn_world_init
	for h in $HOSTS; do evpn_guest_add "$h" "$h"; done
	evpn_start "$@"
}
