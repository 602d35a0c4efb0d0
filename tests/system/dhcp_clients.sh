#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real DHCP clients against vnet's DHCP service (tests/tools/dhcpd_standalone,
# no daemon): busybox udhcpc, ISC dhclient and dhcpcd each obtain, renew and
# release a lease; a static host gets its fixed address; leases survive a
# server restart; a malformed packet is counted and ignored.
# Everything runs in namespaces named hdhcp-$$-*; nothing outside is touched
# (clients use private scripts/lease files; dhcpcd runs in a private mount
# namespace with tmpfs over /run and /var/lib/dhcpcd).
# Exit: 0 pass, 1 fail, 77 skipped.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
. "$TOP/tests/lib.sh"
BIN=$BUILD/tests/tools/dhcpd_standalone
P=hdhcp-$$
H=$P-h
LEASE=20		# seconds: T1 = 10 s, so renewals happen during the test

skip() { echo "SKIP: $*"; exit 77; }
for t in ip busybox dhclient dhcpcd bash; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
dhcpd_test_init hdhcp-$$ "$BIN" $H $P-g1 $P-g2 $P-g3 $P-g4

test_cleanup() {	# the clients ended gently first
	for ns in $H $P-g1 $P-g2 $P-g3 $P-g4; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	sleep 0.3
}

in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# ---- topology: bridge br0 in $H, guests g1..g4 on veth pairs ----------------
dhcpd_ns $H 10.77.0.1/24 || exit 1
for i in 1 2 3 4; do
	dhcpd_client_ns $H $P-g$i v$i 02:00:00:77:00:0$i || exit 1
done
MAC1=02:00:00:77:00:01 MAC2=02:00:00:77:00:02 MAC3=02:00:00:77:00:03 MAC4=02:00:00:77:00:04

start_server() { # $1 = log file
	dhcpd_start $H "$1" "$BIN" br0 10.77.0.1/24 10.77.0.100 10.77.0.150 "$T/leases" $LEASE \
		"$MAC4=10.77.0.50=fixed4"
}

# wait_log FILE PATTERN SECONDS
wait_log() { wait_for $(($3 * 10)) grep -q -- "$2" "$1"; }

# ---- client configurations (private; never the system's) --------------------
cat >"$T/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
deconfig) ip addr flush dev "$interface" ;;
bound|renew) ip addr replace "$ip/$subnet" dev "$interface" ;;
esac
echo "$1 ${ip:-}" >>"$EVENTS"
EOF
cat >"$T/dhclient.script" <<EOF
#!/bin/sh
EVENTS="$T/g2.events" # dhclient gives its script a clean environment
EOF
cat >>"$T/dhclient.script" <<'EOF'
case "$reason" in
PREINIT) ip link set "$interface" up ;;
BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
EXPIRE|FAIL|RELEASE|STOP) [ -n "${old_ip_address:-}" ] && ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" ;;
esac
echo "$reason ${new_ip_address:-}" >>"$EVENTS"
exit 0
EOF
cat >"$T/dhclient.conf" <<'EOF'
send host-name "g2";
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;
EOF
cat >"$T/dhcpcd.conf" <<EOF
ipv4only
noipv4ll
noarp
hostname g3
script /bin/true
option domain_name_servers, domain_name, interface_mtu
EOF
# dhcpcd's database and run dirs are compiled in: hide them behind tmpfs in
# a mount namespace private to this runner (ip netns exec already made one).
cat >"$T/dhcpcd.run" <<EOF
#!/bin/sh
mount -t tmpfs tmpfs /run || exit 1
mount -t tmpfs tmpfs /var/lib/dhcpcd || exit 1
dhcpcd -f "$T/dhcpcd.conf" -4 -B -d -c /bin/true -j "$T/g3.log" eth0 &
while [ ! -e "$T/g3.release" ]; do sleep 0.2; done
dhcpcd -f "$T/dhcpcd.conf" -4 -k eth0 >>"$T/g3.log" 2>&1
wait
EOF
chmod +x "$T/udhcpc.script" "$T/dhclient.script" "$T/dhcpcd.run"

# ---- phase 1: three clients obtain leases -----------------------------------
start_server "$T/srv1.log" || { echo "FAIL: server did not start"; exit 1; }
EVENTS=$T/g1.events in_ns $P-g1 busybox udhcpc -f -R -i eth0 -s "$T/udhcpc.script" \
	-p "$T/g1.pid" -x hostname:g1 -t 10 -T 1 >"$T/g1.log" 2>&1 &
EVENTS=$T/g2.events in_ns $P-g2 dhclient -4 -d -v -cf "$T/dhclient.conf" \
	-sf "$T/dhclient.script" -lf "$T/g2.leases" -pf "$T/g2.pid" eth0 >"$T/g2.log" 2>&1 &
in_ns $P-g3 sh "$T/dhcpcd.run" &

for i in 1 2 3; do
	eval mac=\$MAC$i
	if wait_log "$T/srv1.log" "lease bound $mac 10.77.0.1[0-5][0-9]" 20; then
		# the ACK follows the bound line once the lease is on disk (the
		# sync runs off the loop): the client configures a moment later
		wait_for 50 sh -c "ip -n $P-g$i -4 -o addr show dev eth0 | grep -q ' 10.77.0.1'"
		addr=$(ip -n $P-g$i -4 -o addr show dev eth0 | awk '{print $4}')
		case "$addr" in
		10.77.0.1[0-5][0-9]/24) ok "g$i obtained $addr" ;;
		*) fail "g$i: server bound a lease but eth0 has '$addr'" ;;
		esac
	else
		fail "g$i ($mac) obtained no lease"
	fi
done
grep -q "lease bound $MAC1 .* g1$" "$T/srv1.log" && ok "hostname g1 recorded" ||
	fail "hostname of g1 not recorded"

# ---- phase 2: restart the server; leases come back from the file -----------
dhcpd_stop
grep -q '"active_leases": *3' "$T/srv1.log.out" || fail "3 active leases before restart"
start_server "$T/srv2.log" || { echo "FAIL: server did not restart"; exit 1; }
for i in 1 2 3; do
	eval mac=\$MAC$i
	grep -q "lease bound $mac" "$T/srv2.log" && ok "g$i lease restored after restart" ||
		fail "g$i lease not restored after restart"
done

# ---- phase 3: renewals at T1 (unicast RENEWING) ----------------------------
for i in 1 2 3; do
	eval mac=\$MAC$i
	if wait_log "$T/srv2.log" "request from $mac: renewing -> ack" $((LEASE + 5)); then
		ok "g$i renewed"
	else
		fail "g$i did not renew"
	fi
done

# ---- phase 4: malformed packets are counted; the server keeps answering ----
# Plain junk, and a DHCPDISCOVER whose hostname option claims 255 bytes
# past the end of the datagram (each sent with a single write).
printf 'not a dhcp packet' >"$T/junk1"
{ printf '\001\001\006\000'; head -c 232 /dev/zero
  printf '\143\202\123\143\065\001\001\014\377abc'; } >"$T/junk2"
in_ns $P-g4 bash -c "ip addr add 10.77.0.250/24 dev eth0 &&
	cat '$T/junk1' >/dev/udp/10.77.0.1/67 && cat '$T/junk2' >/dev/udp/10.77.0.1/67;
	ip addr flush dev eth0"
if wait_log "$T/srv2.log" "malformed packet (17 bytes)" 3 &&
   wait_log "$T/srv2.log" "malformed packet (248 bytes)" 3; then
	ok "malformed packets ignored"
else
	fail "malformed packets not seen"
fi

# ---- phase 5: static host ----------------------------------------------------
EVENTS=$T/g4.events in_ns $P-g4 busybox udhcpc -q -n -i eth0 -s "$T/udhcpc.script" \
	-t 10 -T 1 >"$T/g4.log" 2>&1
if ip -n $P-g4 -4 -o addr show dev eth0 | grep -q ' 10.77.0.50/24'; then
	ok "static host got 10.77.0.50"
else
	fail "static host did not get 10.77.0.50"
fi

# ---- phase 6: releases --------------------------------------------------------
kill -USR2 "$(cat "$T/g1.pid")"
EVENTS=$T/g2.events in_ns $P-g2 dhclient -4 -r -cf "$T/dhclient.conf" -sf "$T/dhclient.script" \
	-lf "$T/g2.leases" -pf "$T/g2.pid" eth0 >>"$T/g2.log" 2>&1
touch "$T/g3.release"
for i in 1 2 3; do
	eval mac=\$MAC$i
	if wait_log "$T/srv2.log" "release from $mac: release$" 10 &&
	   wait_log "$T/srv2.log" "lease gone $mac" 2; then
		ok "g$i released"
	else
		fail "g$i did not release"
	fi
done

dhcpd_stop
c=$T/srv2.log.out
grep -q '"bad_packets": *2,' "$c" || fail "bad_packets not counted"
grep -q '"active_leases": *1' "$c" || fail "expected only the static lease active at the end"
grep -q '"rx_release": *[3-9]' "$c" || fail "releases not counted"
grep -q '^02:00:00:77:00:01 10.77.0.1[0-9]* [0-9]* released' "$T/leases" ||
	fail "lease file does not show g1 released"

if [ $FAILED != 0 ]; then
	for f in "$T"/*.log "$T"/*.out; do echo "== $f"; tail -n 30 "$f"; done
	exit 1
fi
echo "PASS: dhcp_clients"
exit 0
