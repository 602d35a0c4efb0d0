#!/bin/bash
# ACLs judge IPv6 as they judge IPv4 (issue 18 with 19.5, docs/acl.md): an
# IPv6 prefix rule, the ICMPv6 protocol word and a default-drop ACL hold for
# a guest's IPv6 frames both ways; neighbour discovery passes as ARP does;
# rules without an address judge both families. Before this, a guest whose
# egress ACL dropped everything still reached every guest over IPv6.
# VNET_DP_HOOK=xdp-veth (acl_ipv6_xdp.sh) runs the same at XDP.
# Exit 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ll() { inguest "$1" ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1; }
hits() { # ACL INDEX: the rule's hit count
	vnetctl --json acl-stats "$1" | $PY -c 'import json, sys
d = json.load(sys.stdin); print(d["rules"][int(sys.argv[1])]["hits"])' "$2"
}
# tcp6 G ADDR PORT: can guest G open a TCP connection to [ADDR%eth0]:PORT?
tcp6() { inguest "$1" timeout 3 $PY -c 'import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2); s.close()' "$2%eth0" "$3" 2>/dev/null; }
# listen G PORT...: TCP listeners on guest G (killed with the world)
listen() { local g=$1; shift; inguest "$g" $PY -c 'import socket, sys, select
ls = []
for p in sys.argv[1:]:
    l = socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("::", int(p))); l.listen(16); ls.append(l)
while True:
    r, _, _ = select.select(ls, [], [])
    for l in r: l.accept()[0].close()' "$@" >/dev/null 2>&1 & }

default_world 2
guest_ll_wait 1; guest_ll_wait 2
ll1=$(ll 1) ll2=$(ll 2)
ip1=$(guest_ip 1); ip2=$(guest_ip 2)
listen 1 7001 7002; listen 2 7001 7002
wait_for 50 bash -c "ip netns exec $P-g2 ss -ltn | grep -q ':7002'" || fail "guest 2's listeners did not start"
wait_for 50 bash -c "ip netns exec $P-g1 ss -ltn | grep -q ':7002'" || fail "guest 1's listeners did not start"
tcp6 1 "$ll2" 7001 || fail "guest 1 cannot reach guest 2 over IPv6 before any ACL"

log "an IPv6 prefix rule: guest 1's IPv6 to fe80::/10 dropped, its IPv4 untouched"
cat >"$TMP/no6.xml" <<EOF
<acl name='no6'>
  <rule action='drop' direction='out' dst='fe80::/10'/>
</acl>
EOF
vnetctl acl-define "$TMP/no6.xml" >/dev/null || fail "acl-define no6"
vnetctl acl-attach default --port vif1.0 --egress no6 >/dev/null || fail "acl-attach no6"
b_acl=$(net_stat default datapath.drops.acl)
tcp6 1 "$ll2" 7001 && fail "an IPv6 drop rule let guest 1's TCP through"
inguest 1 ping -6 -c 2 -i 0.2 -W 1 "$ll2%eth0" >/dev/null 2>&1 && fail "an IPv6 drop rule let guest 1's ping6 through"
inguest 1 ping -c 2 -i 0.2 -W 1 "$ip2" >/dev/null || fail "the IPv6 rule dropped IPv4"
[ "$(hits no6 0)" -gt 0 ] || fail "the IPv6 rule was not hit-counted: $(vnetctl acl-stats no6)"
[ "$(net_stat default datapath.drops.acl)" -gt "$b_acl" ] || fail "no drop counted acl"
vnetctl acl-detach default --port vif1.0 >/dev/null || fail "acl-detach no6"
tcp6 1 "$ll2" 7001 || fail "guest 1 cannot reach guest 2 over IPv6 after detach"

log "a default-drop egress ACL with one allowed port: IPv6 obeys it, replies pass, ND passes"
cat >"$TMP/strict.xml" <<EOF
<acl name='strict' default='drop'>
  <rule action='allow' direction='out' proto='tcp' dport='7001'/>
</acl>
EOF
vnetctl acl-define "$TMP/strict.xml" >/dev/null || fail "acl-define strict"
vnetctl acl-attach default --port vif1.0 --ingress strict --egress strict >/dev/null || fail "acl-attach strict"
inguest 1 ip -6 neigh flush dev eth0
inguest 2 ip -6 neigh flush dev eth0
tcp6 1 "$ll2" 7001 || fail "the allowed IPv6 flow (or its reply, or neighbour discovery) was dropped"
tcp6 1 "$ll2" 7002 && fail "default drop let guest 1's IPv6 TCP to port 7002 through"
inguest 1 ping -6 -c 2 -i 0.2 -W 1 "$ll2%eth0" >/dev/null 2>&1 && fail "default drop let guest 1's ping6 through"
tcp6 2 "$ll1" 7001 && fail "default drop (ingress) let guest 2's IPv6 TCP into guest 1"
inguest 2 ping -6 -c 2 -i 0.2 -W 1 "$ll1%eth0" >/dev/null 2>&1 && fail "default drop (ingress) let a ping6 into guest 1"
vnetctl acl-detach default --port vif1.0 >/dev/null || fail "acl-detach strict"

log "icmpv6 with a type: echo requests into guest 2 dropped, from a guest or the host; ND passes"
cat >"$TMP/noping6.xml" <<EOF
<acl name='noping6'>
  <rule action='drop' direction='in' proto='icmpv6' icmpType='128'/>
  <rule action='drop' direction='in' proto='icmp' icmpType='8'/>
</acl>
EOF
vnetctl acl-define "$TMP/noping6.xml" >/dev/null || fail "acl-define noping6"
vnetctl acl-dumpxml noping6 | grep -q "icmpv6" || fail "acl-dumpxml lost icmpv6: $(vnetctl acl-dumpxml noping6)"
vnetctl acl-attach default --port vif2.0 --ingress noping6 >/dev/null || fail "acl-attach noping6"
inguest 1 ip -6 neigh flush dev eth0
inguest 1 ping -6 -c 2 -i 0.2 -W 1 "$ll2%eth0" >/dev/null 2>&1 && fail "guest 1's ping6 reached guest 2"
brll=$(inhost ip -6 -o addr show dev vnbr0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
inhost ping -6 -c 2 -i 0.2 -W 1 "$ll2%vnbr0" >/dev/null 2>&1 && fail "the host's ping6 reached guest 2"
tcp6 1 "$ll2" 7002 || fail "the icmpv6 rule dropped TCP (or neighbour discovery)"
inguest 2 ping -6 -c 2 -i 0.2 -W 1 "$ll1%eth0" >/dev/null || fail "guest 2's own ping6 (and its reply) failed"
[ "$(hits noping6 0)" -ge 2 ] || fail "noping6's rule 0: $(hits noping6 0) hits"
[ "$(hits noping6 1)" = 0 ] || fail "the ICMPv4 rule matched ICMPv6: $(vnetctl acl-stats noping6)"
inguest 1 ping -c 2 -i 0.2 -W 1 "$ip2" >/dev/null 2>&1 && fail "guest 1's IPv4 ping reached guest 2"
vnetctl acl-detach default --port vif2.0 >/dev/null || fail "acl-detach noping6"
inguest 1 ping -6 -c 1 -W 1 "$ll2%eth0" >/dev/null || fail "guest 1 cannot ping6 guest 2 after detach"
log "ok"
