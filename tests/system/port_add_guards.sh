#!/bin/bash
# A port's guards are in place before its program sees the first frame.
# port-add of a device that is already up (a container's veth, a guest
# moved from another host) while its guest sends: vnetd used to attach the
# program first and then write the port's ACLs and bind its leases, so for
# a few milliseconds
#   A. an ACL given with port-add (--acl-out) did not judge the guest's
#      frames: they reached guest 2 (filter off, so no binding is needed);
#   B. the guest's own leased address was not bound yet: a strict port
#      dropped its legitimate traffic as src_ip (lost packets; on a move
#      the EVPN binding came the same way).
# Guest 1 sends UDP to guest 2 at 20k frames/s while its port is deleted
# and added back ten times; while it is not a port its frames (to guest
# 2's MAC) reach nothing, so every one guest 2 gets went through a port.
. "$(dirname "$0")/../lib.sh"
command -v hping3 >/dev/null || skip "hping3 not installed"
PY=/usr/bin/python3

default_world 2
ip2=$(guest_ip 2)
mac2=52:54:00:00:00:02
inguest 1 ip neigh replace "$ip2" lladdr $mac2 dev eth0 nud permanent

# guest 2 counts the datagrams to a UDP port, until FILE.stop appears
count_start() { # PORT FILE
	rm -f "$2" "$2.stop"
	ip netns exec "$P-g2" $PY -c 'import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(0.1)
open(sys.argv[2] + ".ready", "w").close()
n = 0
while not os.path.exists(sys.argv[2] + ".stop"):
    try:
        while True:
            s.recv(2048); n += 1
    except socket.timeout:
        pass
open(sys.argv[2], "w").write("%d\n" % n)' "$1" "$2" &
	COUNTER=$!
	wait_for 50 test -e "$2.ready" || fail "the counter did not start"
}
count_stop() { # FILE: got= the count (after 0.1 s without a datagram)
	touch "$1.stop"
	wait "$COUNTER" || fail "the counter failed"
	got=$(cat "$1")
}
flood() { # PORT: hping3 from guest 1 to guest 2 (its leased source)
	ip netns exec "$P-g1" hping3 -q --udp -p "$1" -s 40000 -k -i u50 "$ip2" >/dev/null 2>&1 &
	FLOOD=$!
}
readd() { # port-add options: ten times del + add of the running device
	local i
	for i in $(seq 10); do
		vnetctl port-del default vif1.0 >/dev/null || fail "port-del vif1.0 ($i)"
		inhost ip link set vif1.0 up
		sleep 0.05
		vnetctl port-add default vif1.0 "$@" >/dev/null || fail "port-add vif1.0 $* ($i)"
		sleep 0.1
	done
}

log "A. port-add --acl-out: no frame the ACL drops gets through"
cat >"$TMP/noudp.xml" <<EOF
<acl name='noudp'><rule action='drop' direction='out' proto='udp' dport='7777'/></acl>
EOF
vnetctl acl-define "$TMP/noudp.xml" >/dev/null || fail "acl-define"
vnetctl port-del default vif1.0 >/dev/null || fail "port-del"
inhost ip link set vif1.0 up
vnetctl port-add default vif1.0 --filter off --acl-out noudp >/dev/null || fail "port-add --acl-out"
count_start 7777 "$TMP/a.count"
flood 7777
sleep 0.5
readd --filter off --acl-out noudp
kill "$FLOOD"; wait "$FLOOD" 2>/dev/null
sleep 0.2
count_stop "$TMP/a.count"
hits=$(vnetctl --json acl-stats noudp | $PY -c 'import json, sys; print(json.load(sys.stdin)["rules"][0]["hits"])')
log "the ACL dropped $hits datagrams, guest 2 got $got"
[ "$hits" -gt 2000 ] || fail "the flood did not run: the ACL dropped only $hits"
[ "$got" = 0 ] || fail "$got datagrams the port's ACL drops reached guest 2 across the re-adds"

log "B. a strict port's leased guest loses nothing to src_ip across re-adds"
vnetctl port-del default vif1.0 >/dev/null || fail "port-del"
inhost ip link set vif1.0 up
vnetctl port-add default vif1.0 >/dev/null || fail "port-add"
inguest 1 ping -c 1 -W 2 "$ip2" >/dev/null || fail "guest 1's lease was not bound again"
d0=$(net_stat default datapath.drops.src_ip)
count_start 7778 "$TMP/b.count"
flood 7778
sleep 0.5
readd
kill "$FLOOD"; wait "$FLOOD" 2>/dev/null
sleep 0.2
count_stop "$TMP/b.count"
d1=$(net_stat default datapath.drops.src_ip)
log "guest 2 got $got datagrams; src_ip drops $d0 -> $d1"
[ "$got" -gt 2000 ] || fail "the flood did not reach guest 2: $got datagrams"
[ "$d1" = "$d0" ] || fail "$((d1 - d0)) of the guest's own frames dropped as src_ip across the re-adds"
exit 0
