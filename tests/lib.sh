#!/bin/bash
# Test world for vnet system tests, demo and benchmarks: everything lives in
# network namespaces created here (names carry the PID) and is removed on
# exit, even on failure. Source it, then call world_init.
#
#   host ns  $HOST   runs vnetd; uplink "wan0" 203.0.113.1/24, default via .2
#   wan ns   $WAN    the "internet": 203.0.113.2/24 (eth0), servers
#   guest ns $P-gN   eth0 <-> veth "vifN.0" in the host ns (a vif-style port)

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
# the programs on a device's tc hook, tcx links and clsact filters alike
# (tests/tools/tc_progs; `tc filter show` lists no tcx link): "tcx id N NAME"
TC_PROGS=$BUILD/tests/tools/tc_progs
P=${VNET_TEST_PREFIX:-vt$$}
HOST=$P-host
WAN=$P-wan
WAN_IP=203.0.113.2
UPLINK_IP=203.0.113.1
TMP=""
PIN_DIR=/sys/fs/bpf/$P
VNETD_PID=""
NAMESPACES=()

log()  { printf '%s: %s\n' "${TEST_NAME:-test}" "$*"; }
fail() { printf '%s: FAIL: %s\n' "${TEST_NAME:-test}" "$*" >&2; exit 1; }
skip() { printf '%s: SKIP: %s\n' "${TEST_NAME:-test}" "$*"; exit 77; }

inhost() { ip netns exec "$HOST" "$@"; }
# vnetd needs the real /sys/fs/bpf: "ip netns exec" remounts /sys, which
# hides bpffs, so enter only the network namespace.
inhost_net() { nsenter --net="/run/netns/$HOST" "$@"; }
inwan()  { ip netns exec "$WAN" "$@"; }
inguest() { local g=$1; shift; ip netns exec "$P-g$g" "$@"; }
vnetctl() { "$BUILD/vnetctl" --socket "$TMP/run/vnetd.sock" "$@"; }

require_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }

netns_add() {
	ip netns add "$1" || fail "cannot create namespace $1"
	NAMESPACES+=("$1")
	ip netns exec "$1" ip link set lo up
}

world_cleanup() {
	local rc=$?
	set +e
	if [ -n "$VNETD_PID" ]; then
		kill "$VNETD_PID" 2>/dev/null
		wait "$VNETD_PID" 2>/dev/null
	fi
	# No packet may leave the pipeline undecided (drop reason "internal",
	# bpf/lib/verdict.h): a test that made one fails, whatever it checked.
	if [ -e "$PIN_DIR/drops" ]; then
		local n
		n=$(/usr/bin/python3 "$ROOT/tests/internal_drops.py" "$PIN_DIR/drops" 2>/dev/null)
		if [ "${n:-0}" != 0 ]; then
			printf '%s: FAIL: %s packets dropped as "internal" (no verdict)\n' "${TEST_NAME:-test}" "$n" >&2
			[ "$rc" = 0 ] && rc=1
		fi
	fi
	if [ -n "$TMP" ] && [ -d "$TMP/conf" ] && ip netns list | grep -q "^$HOST\b"; then
		inhost_net "$BUILD/vnetd" --cleanup --conf-dir "$TMP/conf" --state-dir "$TMP/state" \
			--run-dir "$TMP/run" --pin-dir "$PIN_DIR" >/dev/null 2>&1
	fi
	for pid in $(ip netns pids "$HOST" 2>/dev/null) ; do kill -9 "$pid" 2>/dev/null; done
	for ns in "${NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$PIN_DIR"
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit $rc
}

# world_init: host and wan namespaces, the uplink, a temp dir.
world_init() {
	require_root
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	TMP=$(mktemp -d "/tmp/$P.XXXXXX")
	mkdir -p "$TMP/conf" "$TMP/state" "$TMP/run"
	trap world_cleanup EXIT
	trap 'exit 130' INT TERM
	netns_add "$HOST"
	netns_add "$WAN"
	ip link add wan0 netns "$HOST" type veth peer name eth0 netns "$WAN" ||
		fail "cannot create the uplink veth"
	inhost ip addr add $UPLINK_IP/24 dev wan0
	inhost ip link set wan0 up
	inwan ip addr add $WAN_IP/24 dev eth0
	inwan ip link set eth0 up
	inhost ip route add default via $WAN_IP dev wan0
	echo "nameserver $WAN_IP" > "$TMP/resolv.conf"
}

# guest_add N: guest namespace $P-gN with eth0 peered to vifN.0 in the host.
guest_add() {
	local n=$1 mac=${2:-52:54:00:00:00:$(printf %02x "$1")}
	netns_add "$P-g$n"
	ip link add "vif$n.0" netns "$HOST" type veth peer name eth0 netns "$P-g$n" ||
		fail "cannot create vif$n.0"
	inguest "$n" ip link set eth0 address "$mac"
	inguest "$n" ip link set eth0 up
	# Frames redirected by XDP into a veth need GRO/NAPI on the receiving end.
	inguest "$n" ethtool -K eth0 gro on >/dev/null 2>&1 || true
	inhost ip link set "vif$n.0" up
}

# vnetd_start [extra args]: run vnetd in the host namespace, wait for it.
# VNETD=$BUILD/vnetd-test runs the build with test hooks (test_hooks.h).
vnetd_start() {
	# exec: with an EXIT trap set bash would not exec by itself, and
	# VNETD_PID must be vnetd's own pid for SIGTERM/SIGKILL tests.
	(exec nsenter --net="/run/netns/$HOST" "${VNETD:-$BUILD/vnetd}" --foreground --conf-dir "$TMP/conf" \
		--state-dir "$TMP/state" --run-dir "$TMP/run" --pin-dir "$PIN_DIR" \
		--resolv-conf "$TMP/resolv.conf" "$@" >>"$TMP/vnetd.log" 2>&1) &
	VNETD_PID=$!
	for _ in $(seq 600); do	# 60 s: loading the programs (tc port 186k, XDP 416k verifier insns) takes 5-10 s, several times that on a 2-core host at load 10
		[ -S "$TMP/run/vnetd.sock" ] && vnetctl net-list >/dev/null 2>&1 && return 0
		kill -0 "$VNETD_PID" 2>/dev/null || { cat "$TMP/vnetd.log" >&2; fail "vnetd exited"; }
		sleep 0.1
	done
	cat "$TMP/vnetd.log" >&2
	fail "vnetd did not come up"
}

vnetd_stop() {
	[ -n "$VNETD_PID" ] || return 0
	kill "$VNETD_PID" 2>/dev/null
	wait "$VNETD_PID" 2>/dev/null
	VNETD_PID=""
}

vnetd_kill9() {
	kill -9 "$VNETD_PID" 2>/dev/null
	wait "$VNETD_PID" 2>/dev/null
	VNETD_PID=""
}

# default_world N: the setup most system tests share. world_init, N vif
# guests (guest1..guestN) on the running default network, each leased.
default_world() {
	local n=$1 i
	world_init
	for i in $(seq "$n"); do guest_add "$i"; done
	vnetd_start
	# DEFAULT_HOST_ACCESS=services|none: the default network with that
	# <vnet:hostAccess> (issue 19; the built-in is libvirt's all)
	if [ -n "$DEFAULT_HOST_ACCESS" ]; then
		cat >"$TMP/default.xml" <<X
<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>default</name>
  <forward mode='nat'/><bridge name='vnbr0'/><vnet:hostAccess mode='$DEFAULT_HOST_ACCESS'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>
X
		vnetctl net-define "$TMP/default.xml" >/dev/null || fail "net-define default"
	fi
	vnetctl net-start default >/dev/null || fail "net-start default"
	for i in $(seq "$n"); do
		vnetctl port-add default "vif$i.0" >/dev/null || fail "port-add vif$i.0"
	done
	for i in $(seq "$n"); do guest_dhcp "$i" "guest$i" || fail "guest $i got no lease"; done
}

# guest_dhcp N [hostname]: busybox udhcpc in guest N; configures eth0.
guest_dhcp() {
	local n=$1 name=${2:-guest$1}
	inguest "$n" busybox udhcpc -i eth0 -n -q -t 6 -T 1 -A 1 -x "hostname:$name" \
		-s "$ROOT/tests/udhcpc.script" >"$TMP/udhcpc-g$n.log" 2>&1 ||
		{ cat "$TMP/udhcpc-g$n.log" >&2; return 1; }
}

# guest_ll_wait N...: each guest's link-local address is past DAD (it can
# speak IPv6: DHCPv6 clients and the port's IPv6 guard need it).
guest_ll_wait() {
	local i
	for i in "$@"; do
		wait_for 50 sh -c "! ip netns exec $P-g$i ip -6 addr show dev eth0 tentative | grep -q inet6" ||
			fail "guest $i: link-local address still tentative"
	done
}

# guest_dhclient6 N FQDN|- [dhclient args]: ISC dhclient -6 once in guest N.
# Its own script would rewrite the host's /etc/resolv.conf: ours only sets
# the address (a /128) and prints "addr=A dns=D domain=S".
guest_dhclient6() {
	local g=$1 name=$2; shift 2
	if [ ! -x "$TMP/dh6.script" ]; then
		cat >"$TMP/dh6.script" <<'S'
#!/bin/sh
case "$reason" in
BOUND6|RENEW6|REBIND6)
	ip -6 addr add "$new_ip6_address/128" dev "$interface" nodad 2>/dev/null
	echo "addr=$new_ip6_address dns=$new_dhcp6_name_servers domain=$new_dhcp6_domain_search" ;;
esac
exit 0
S
		chmod +x "$TMP/dh6.script"
	fi
	: >"$TMP/dh6-g$g.conf"
	[ "$name" != - ] && printf 'send fqdn.fqdn "%s";\n' "$name" >"$TMP/dh6-g$g.conf"
	inguest "$g" timeout 30 dhclient -6 -1 -cf "$TMP/dh6-g$g.conf" -sf "$TMP/dh6.script" \
		-lf "$TMP/dh6-g$g.leases" -pf "$TMP/dh6-g$g.pid" "$@" eth0
}

guest_ip() { inguest "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1 | head -1; }

# expect_fail CMD...: the command must fail (non-zero exit).
expect_fail() { if "$@" >/dev/null 2>&1; then fail "expected failure: $*"; fi; }

# wait_for N CMD...: retry CMD for up to N tenths of a second.
wait_for() {
	local n=$1; shift
	for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

# capture_start NS FILE [FILTER]: tcpdump on eth0 of namespace NS into FILE
# (written as it comes); returns once it captures (its filter attached:
# "listening on", not a fixed sleep that a loaded host outlasts), with
# CAPTURE_PID its pid; fails after 10 s.
capture_start() {
	ip netns exec "$1" tcpdump -U -n -i eth0 -w "$2" ${3:+"$3"} >/dev/null 2>"$2.err" &
	CAPTURE_PID=$!
	wait_for 100 grep -q "listening on" "$2.err"
}

# net_stat NET PATH: one figure of `vnetctl --json stats NET` by its dotted
# path (datapath.drops.src_ip, dhcp.port_limit, datapath.conntrack.created);
# 0 when the counter is absent.
net_stat() {
	vnetctl --json stats "$1" | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)[0]
for k in sys.argv[1].split("."):
    d = d.get(k, {}) if isinstance(d, dict) else {}
print(d if isinstance(d, int) else 0)' "$2"
}

# The IPv6 wan world of ipv6_nat.sh and ipv6_route.sh, started: a wan
# router (2001:db8:a::2) with a far host (2001:db8:f::2) behind a 1400-byte
# hop, the host's uplink wan0 2001:db8:a::1 (accept_ra 1), network r6 on
# vnbr6 with 10.66.0.1/24 and PREFIX::1/64, forwarded as FORWARD (an XML
# <forward> element), guest 1 on it (PORT_HOOK) after its SLAAC in the
# prefix; the wan routes the prefix to the host. Checks that vnetd turned
# IPv6 forwarding on on the bridge and the uplink only, accept_ra 1 -> 2.
# Sets FAR and g (the guest's global address).
ipv6_wan_start() {
	local forward=$1 prefix=$2
	world_init
	FAR=$P-far
	netns_add "$FAR"
	ip link add eth1 netns "$WAN" type veth peer name eth0 netns "$FAR" || fail "cannot create the far link"
	inwan ip link set eth1 mtu 1400 up
	ip netns exec "$FAR" ip link set eth0 up
	inwan sysctl -qw net.ipv6.conf.all.forwarding=1
	inhost ip addr add 2001:db8:a::1/64 dev wan0 nodad
	inwan ip addr add 2001:db8:a::2/64 dev eth0 nodad
	inwan ip addr add 2001:db8:f::1/64 dev eth1 nodad
	ip netns exec "$FAR" ip addr add 2001:db8:f::2/64 dev eth0 nodad
	ip netns exec "$FAR" ip -6 route add default via 2001:db8:f::1
	inhost ip -6 route add default via 2001:db8:a::2 dev wan0
	inwan ip -6 route add "$prefix::/64" via 2001:db8:a::1
	inhost sysctl -qw net.ipv6.conf.wan0.accept_ra=1
	[ "$(inhost sysctl -n net.ipv6.conf.all.forwarding)" = 0 ] || fail "the host namespace forwards IPv6 already"
	guest_add 1
	vnetd_start
	cat >"$TMP/r6.xml" <<X
<network><name>r6</name>$forward<bridge name='vnbr6'/>
<ip address='10.66.0.1' prefix='24'><dhcp><range start='10.66.0.10' end='10.66.0.50'/></dhcp></ip>
<ip family='ipv6' address='$prefix::1' prefix='64'/>
</network>
X
	vnetctl net-define "$TMP/r6.xml" >/dev/null || fail "net-define r6"
	vnetctl net-start r6 >/dev/null || fail "net-start r6: $(tail -3 "$TMP/vnetd.log")"
	[ "$(inhost sysctl -n net.ipv6.conf.vnbr6.forwarding)" = 1 ] || fail "IPv6 forwarding is off on the bridge"
	[ "$(inhost sysctl -n net.ipv6.conf.wan0.forwarding)" = 1 ] || fail "IPv6 forwarding is off on the uplink"
	[ "$(inhost sysctl -n net.ipv6.conf.wan0.accept_ra)" = 2 ] || fail "the uplink's accept_ra is not 2"
	[ "$(inhost sysctl -n net.ipv6.conf.all.forwarding)" = 0 ] || fail "the global IPv6 forwarding was changed"
	vnetctl port-add r6 vif1.0 ${PORT_HOOK:+--hook $PORT_HOOK} >/dev/null || fail "port-add vif1.0"
	inguest 1 ip link set eth0 down
	inguest 1 ip link set eth0 up
	wait_for 150 bash -c "ip netns exec $P-g1 ip -6 addr show dev eth0 scope global | grep -q '$prefix::' &&
		! ip netns exec $P-g1 ip -6 addr show dev eth0 | grep -q tentative &&
		ip netns exec $P-g1 ip -6 route show default | grep -q via" ||
		fail "guest did no SLAAC in $prefix::/64: $(inguest 1 ip -6 addr show dev eth0)"
	g=$(inguest 1 ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
	log "guest $g"
}

# The standalone DHCP servers (tests/tools/dhcpd_standalone and
# dhcp6d_standalone: vnet's DHCP services without the daemon) of
# dhcp_clients.sh, dhcp_burst.sh, dhcp6_flush_hold.sh and tests/bench/dhcp*_perf.sh,
# on a bridge br0 in its own namespace.
# dhcpd_test_init NAME BIN NS...: the prologue of a test of a standalone
# server: root or skip (77), T a fresh directory /tmp/NAME.*, FAILED=0 with
# fail (records, goes on) and ok, BIN built or fail. Its trap cleans up at
# exit: the server stopped (dhcpd_stop), then the test's own test_cleanup
# if it defines one, the namespaces NS... deleted, T removed.
dhcpd_test_init() {
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
	T=$(mktemp -d "/tmp/$1.XXXXXX")
	DHCPD_TEST_NS=("${@:3}")
	FAILED=0
	fail() { echo "FAIL: $*"; FAILED=1; }
	ok() { echo "ok: $*"; }
	trap dhcpd_test_exit EXIT
	trap 'exit 1' INT TERM HUP
	make -s -C "$TOP" BUILD="$BUILD" "$2" >/dev/null 2>&1 ||
		{ echo "FAIL: cannot build $2"; exit 1; }
}
dhcpd_test_exit() {
	dhcpd_stop
	! declare -F test_cleanup >/dev/null || test_cleanup
	ns_del "${DHCPD_TEST_NS[@]}"
	rm -rf "$T"
}

# dhcpd_rounds: a DHCP bench's ROUNDS rounds, each of SERVERS in turn:
# the bench's `run SRV` prints one line of figures, appended to $T/SRV.res
# (exit 1 if it prints nothing).
dhcpd_rounds() {
	local i srv r
	for srv in $SERVERS; do : >"$T/$srv.res"; done
	for i in $(seq "$ROUNDS"); do
		for srv in $SERVERS; do
			r=$(run $srv)
			[ -n "$r" ] || exit 1
			echo "round $i $srv: $r" >&2
			echo "$r" >>"$T/$srv.res"
		done
	done
}

# dhcpd_stats FILE COLUMN: "median min max" of a column of a .res file.
dhcpd_stats() {
	awk -v c="$2" '{ print $c }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%s %s %s", v[int((NR + 1) / 2)] + 0, v[1] + 0, v[NR] + 0 }'
}

# dhcpd_ns NS ADDR/LEN [FLAG...]: namespace NS with bridge br0 holding
# ADDR/LEN (FLAGs for ip address add: nodad).
dhcpd_ns() {
	ip netns add "$1" &&
		ip -n "$1" link set lo up &&
		ip -n "$1" link add br0 type bridge &&
		ip -n "$1" addr add "$2" dev br0 "${@:3}" &&
		ip -n "$1" link set br0 up
}

# dhcpd_client_ns SRV_NS NS PORT [MAC]: namespace NS whose eth0 (with MAC)
# is the veth peer of PORT, a port of SRV_NS's br0.
dhcpd_client_ns() {
	ip netns add "$2" &&
		ip -n "$2" link set lo up &&
		ip -n "$1" link add "$3" type veth peer name eth0 netns "$2" &&
		ip -n "$1" link set "$3" master br0 up &&
		{ [ -z "${4:-}" ] || ip -n "$2" link set eth0 address "$4"; } &&
		ip -n "$2" link set eth0 up
}

# dhcpd_ll_wait NS: NS's eth0 has its link-local address past DAD (a
# DHCPv6 client sends from it).
dhcpd_ll_wait() {
	wait_for 50 sh -c "ip -n $1 -6 addr show dev eth0 scope link | grep -q fe80 &&
		! ip -n $1 -6 addr show dev eth0 | grep -q tentative"
}

# dhcpd_start NS LOG CMD...: run CMD (the server, maybe behind env or
# taskset) in NS, its log (stderr) to LOG, its counters (stdout, JSON at
# exit) to LOG.out; DHCPD_PID is its pid. Returns once it logged "ready".
dhcpd_start() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >"$log.out" 2>"$log" &
	DHCPD_PID=$!
	wait_for 50 grep -q ready "$log" && return 0
	cat "$log" >&2
	return 1
}

# dhcpd_stop: end the server (continued first: a test may have stopped it).
dhcpd_stop() {
	[ -n "${DHCPD_PID:-}" ] || return 0
	kill -CONT "$DHCPD_PID" 2>/dev/null
	kill -TERM "$DHCPD_PID" 2>/dev/null
	wait "$DHCPD_PID" 2>/dev/null
	DHCPD_PID=""
}

# ns_del NS...: kill what runs in each namespace, delete it.
ns_del() {
	local ns pids
	for ns in "$@"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
