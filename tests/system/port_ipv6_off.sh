#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A port's host side carries no IPv6 (issue 21.2): vnetd sets disable_ipv6
# on the host end of every device it enslaves as a guest port (a bridge
# member needs no address; the network's L3 is the bridge's), before the
# device comes up, so the host namespace holds no link-local address and no
# fe80::/64 or multicast route per guest (the kernel routes each IPv6 frame
# it receives over every IPv6 device's routes). Guests are unchanged: two
# guests on a NAT66 network take SLAAC from vnet's RA, reach each other and
# the wan over IPv6, and ping the gateway's link-local. Guest 1 then attacks
# the host over IPv6: TCP and UDP listeners on :: in the host namespace hear
# nothing sent to the bridge's link-local, the port's former EUI-64
# link-local (a neighbour entry pointing at the port's MAC) or the gateway
# address (counted to_host), the former link-local answers no ping, and of
# the host only the bridge answers ff02::1; vnet's DNS on the gateway still
# answers (fails with host_access6 letting TCP/UDP through); a tap made by
# tap-add has no IPv6 either; a port-del and a net-stop give the device back
# with the value it had (IPv6 on; a device with disable_ipv6=1 before
# port-add keeps it after port-del), net-start takes it away again; the
# bridge and the uplink keep theirs.
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
conf6() { inhost cat "/proc/sys/net/ipv6/conf/$1/$2"; }	# (vif1.0: no sysctl -n)
# port_v6_none DEV: no IPv6 address, no IPv6 route of any table on DEV
port_v6_none() {
	[ "$(conf6 "$1" disable_ipv6)" = 1 ] || fail "$1: disable_ipv6 is not 1"
	[ -z "$(inhost ip -6 addr show dev "$1")" ] || fail "$1 has IPv6 addresses: $(inhost ip -6 addr show dev "$1")"
	[ -z "$(inhost ip -6 route show table all dev "$1")" ] ||
		fail "$1 has IPv6 routes: $(inhost ip -6 route show table all dev "$1")"
}

# guest 2 comes up before vnetd: its port (vif2.0) is up with a link-local
# when it is added, guest 1's (vif1.0) is down until then (ipv6_wan_start)
ipv6_wan_start "<forward mode='nat' dev='wan0'><nat ipv6='yes'/></forward>" fd00:66
guest_add 2
wait_for 50 bash -c "ip netns exec $HOST ip -6 addr show dev vif2.0 | grep -q fe80" ||
	fail "the test's premise: vif2.0 has no link-local before port-add"
vnetctl port-add r6 vif2.0 >/dev/null || fail "port-add vif2.0"
port_v6_none vif1.0
port_v6_none vif2.0
for d in vnbr6 wan0; do
	inhost ip -6 addr show dev $d scope link | grep -q fe80 || fail "$d lost its link-local address"
done

inguest 2 ip link set eth0 down
inguest 2 ip link set eth0 up
wait_for 150 bash -c "ip netns exec $P-g2 ip -6 addr show dev eth0 scope global | grep -q 'fd00:66::' &&
	! ip netns exec $P-g2 ip -6 addr show dev eth0 | grep -q tentative" ||
	fail "guest 2 did no SLAAC: $(inguest 2 ip -6 addr show dev eth0)"
g2=$(inguest 2 ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$g2" >/dev/null || fail "guest 1 cannot ping6 guest 2 ($g2)"
inguest 2 ping -6 -c 2 -i 0.2 -W 2 "$g" >/dev/null || fail "guest 2 cannot ping6 guest 1 ($g)"
inguest 1 ping -6 -c 2 -i 0.2 -W 2 2001:db8:a::2 >/dev/null || fail "guest 1 cannot ping6 the wan"
inguest 2 ping -6 -c 2 -i 0.2 -W 2 2001:db8:a::2 >/dev/null || fail "guest 2 cannot ping6 the wan"
brll=$(inhost ip -6 -o addr show dev vnbr6 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
inguest 1 ping -6 -c 2 -i 0.2 -W 2 "$brll%eth0" >/dev/null || fail "guest 1 cannot ping6 the gateway's link-local"
# still none after the traffic (nothing turned it back on)
port_v6_none vif1.0
port_v6_none vif2.0

log "guest 1 knocks on the host over IPv6: only the network's own services answer"
# listeners in the host namespace bound on :: (an SSH-like TCP service, a
# DNS-like UDP one): a guest must reach neither, over the bridge's
# link-local, the port's former EUI-64 link-local (the guest points its
# neighbour entry at the port's MAC, as hostile_host_access.sh's trick) or
# the gateway address; the former link-local answers no ping
inhost $PY -u - >"$TMP/knock.log" 2>&1 <<'PY' &
import select, socket
t = socket.socket(socket.AF_INET6); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("::", 2222)); t.listen(8)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::", 5300))
print("ready")
while True:
    for s in select.select([t, u], [], [])[0]:
        if s is t:
            c, a = t.accept(); print("tcp from", a[0]); c.close()
        else:
            d, a = u.recvfrom(2048); print("udp from", a[0], d)
PY
wait_for 50 grep -q ready "$TMP/knock.log" || fail "host listeners did not start"
eui64() {	# eui64 DEV: the link-local DEV would have (RFC 4291 2.5.1)
	$PY -c 'import sys
m = [int(x, 16) for x in sys.argv[1].split(":")]
m[0] ^= 2
e = m[:3] + [0xff, 0xfe] + m[3:]
print("fe80::" + ":".join("%x" % (e[i] << 8 | e[i + 1]) for i in range(0, 8, 2)))' "$(inhost cat "/sys/class/net/$1/address")"
}
vifll=$(eui64 vif1.0)
inguest 1 ip -6 neigh replace "$vifll" lladdr "$(inhost cat /sys/class/net/vif1.0/address)" dev eth0 nud permanent ||
	fail "guest 1: neighbour entry for $vifll"
to_host0=$(net_stat r6 datapath.drops.to_host)
for dst in "$brll%eth0" "$vifll%eth0" fd00:66::1; do
	inguest 1 $PY - "$dst" <<'PY' || fail "guest 1 reached a host listener at $dst"
import socket, sys
a = socket.getaddrinfo(sys.argv[1], 2222, socket.AF_INET6, socket.SOCK_STREAM)[0][4]
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b"knock", (a[0], 5300) + a[2:])
c = socket.socket(socket.AF_INET6)
c.settimeout(1.5)
try:
    c.connect(a)
    sys.exit(1)
except OSError:
    pass
PY
done
inguest 1 ping -6 -c 2 -i 0.3 -W 1 "$vifll%eth0" >/dev/null 2>&1 && fail "the port's former link-local $vifll answers a ping"
# ff02::1: guest 2 and the bridge answer, never a port device of the host
inguest 1 ping -6 -c 3 -i 0.3 -W 1 ff02::1%eth0 >"$TMP/ping_all.txt" 2>&1
grep -q "from $brll" "$TMP/ping_all.txt" || fail "the bridge does not answer ff02::1: $(cat "$TMP/ping_all.txt")"
for d in vif1.0 vif2.0; do
	grep -q "from $(eui64 $d)" "$TMP/ping_all.txt" && fail "$d answers ff02::1"
done
sleep 0.5
grep -q "from" "$TMP/knock.log" && fail "a host listener heard guest 1: $(cat "$TMP/knock.log")"
[ "$(net_stat r6 datapath.drops.to_host)" -ge $((to_host0 + 6)) ] ||
	fail "the knocks were not dropped as to_host ($to_host0 -> $(net_stat r6 datapath.drops.to_host))"
# what the network serves still answers: DNS on the gateway address
inguest 1 $PY - <<'PY' || fail "vnet's DNS on fd00:66::1 did not answer"
import socket, struct
q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + b"\x05guest\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, ("fd00:66::1", 53))
assert s.recv(512)[:2] == b"\x42\x42"
PY

log "a tap made by tap-add"
vnetctl tap-add r6 --name vt6 >/dev/null || fail "tap-add vt6: $(tail -3 "$TMP/vnetd.log")"
port_v6_none vt6

log "port-del gives the device back with the namespace's default"
vnetctl port-del r6 vif2.0 >/dev/null || fail "port-del vif2.0"
[ "$(conf6 vif2.0 disable_ipv6)" = "$(conf6 default disable_ipv6)" ] || fail "vif2.0 kept disable_ipv6 after port-del"
wait_for 50 bash -c "ip netns exec $HOST ip -6 addr show dev vif2.0 | grep -q fe80" ||
	fail "vif2.0 has no link-local after port-del"
log "port-del gives back the device's own value, not the default"
inhost ip link add v6off type veth peer name v6offp || fail "veth v6off"
inhost sysctl -qw net.ipv6.conf.v6off.disable_ipv6=1
vnetctl port-add r6 v6off >/dev/null || fail "port-add v6off"
port_v6_none v6off
vnetctl port-del r6 v6off >/dev/null || fail "port-del v6off"
[ "$(conf6 v6off disable_ipv6)" = 1 ] || fail "v6off had disable_ipv6=1 before port-add, $(conf6 v6off disable_ipv6) after port-del"
log "net-stop gives the ports back, net-start takes their IPv6 again"
vnetctl port-add r6 v6off >/dev/null || fail "port-add v6off again"
grep -rqs '"ipv6_before": *"off"' "$TMP/state" || fail "the state on disk does not keep v6off's disable_ipv6=1"
vnetctl net-stop r6 >/dev/null || fail "net-stop r6"
[ "$(conf6 vif1.0 disable_ipv6)" = "$(conf6 default disable_ipv6)" ] || fail "vif1.0 kept disable_ipv6 after net-stop"
[ "$(conf6 v6off disable_ipv6)" = 1 ] || fail "v6off lost its disable_ipv6=1 at net-stop"
vnetctl net-start r6 >/dev/null || fail "net-start r6"
vnetctl port-list r6 | grep -q vif1.0 || fail "vif1.0 not re-added at net-start"
port_v6_none v6off
# re-added with IPv6 off by vnetd: still the device's own value goes back
vnetctl port-del r6 v6off >/dev/null || fail "port-del v6off after net-start"
[ "$(conf6 v6off disable_ipv6)" = 1 ] || fail "v6off: disable_ipv6 $(conf6 v6off disable_ipv6) after net-start and port-del"
port_v6_none vif1.0
log "a vnetd restart keeps what a port gives back (the state on disk)"
vnetd_stop
[ "$(conf6 vif1.0 disable_ipv6)" = 1 ] || fail "the test's premise: vif1.0 keeps vnetd's disable_ipv6 over a restart"
vnetd_start
vnetctl port-del r6 vif1.0 >/dev/null || fail "port-del vif1.0 after the restart"
[ "$(conf6 vif1.0 disable_ipv6)" = "$(conf6 default disable_ipv6)" ] || fail "vif1.0 kept disable_ipv6 after a restart and port-del"
log "ok"
