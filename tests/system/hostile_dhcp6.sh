#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DHCPv6 pool exhaustion from one port (issue 18.5, as DHCPv4's port_limit,
# docs/security.md item 5): guest 1 sends 40 Solicits with rapid commit,
# each with its own forged DUID (scapy), from its link-local address, at a
# pool of 16 addresses. It gets DHCP6_PORT_LEASES (4) bindings, the rest
# are refused and counted (dhcp6.port_limit); guest 2's dhclient -6 still
# gets a lease; guest 1 cannot release guest 2's lease by its DUID, neither
# from its link-local nor unicast from a global address it claimed (nor
# from one it did not claim: src_ip6).
. "$(dirname "$0")/../lib.sh"

command -v dhclient >/dev/null || skip "no dhclient"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || skip "no scapy"
world_init
for i in 1 2; do guest_add "$i"; done
cat >"$TMP/v6.xml" <<XML
<network>
  <name>h6</name>
  <forward mode='nat'/>
  <bridge name='vnbr164'/>
  <ip address='192.168.164.1' prefix='24'/>
  <ip family='ipv6' address='fd00:164::1' prefix='64'>
    <dhcp><range start='fd00:164::100' end='fd00:164::10f'/></dhcp>
  </ip>
</network>
XML
vnetd_start
vnetctl net-define "$TMP/v6.xml" >/dev/null || fail "net-define"
vnetctl net-start h6 >/dev/null || fail "net-start: $(tail -3 "$TMP/vnetd.log")"
for i in 1 2; do vnetctl port-add h6 "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
guest_ll_wait 1 2

# attack.py MODE: "solicit" 40 forged DUIDs; "release DUID SID IAID [SRC DST
# DMAC]" a Release for DUID, multicast from the link-local or unicast
cat >"$TMP/attack.py" <<'PY'
import sys, time
from scapy.all import Ether, IPv6, UDP, sendp, get_if_hwaddr, conf
from scapy.layers.dhcp6 import (DHCP6_Solicit, DHCP6_Release, DHCP6OptClientId, DHCP6OptIA_NA,
                                DHCP6OptRapidCommit, DHCP6OptServerId, DUID_LL, DHCP6OptElapsedTime)
from scapy.arch import get_if_addr6
conf.verb = 0
mac = get_if_hwaddr("eth0")
ll = [l.split()[0] for l in open("/proc/net/if_inet6") if l.split()[-1] == "eth0" and l.startswith("fe80")][0]
ll = ":".join(ll[i:i + 4] for i in range(0, 32, 4))
base = Ether(src=mac, dst="33:33:00:01:00:02") / IPv6(src=ll, dst="ff02::1:2", hlim=1) / UDP(sport=546, dport=547)
if sys.argv[1] == "solicit":
    for i in range(40):
        duid = DUID_LL(lladdr="02:66:%02x:%02x:00:01" % (i >> 8, i & 0xff))
        sendp(base / DHCP6_Solicit(trid=1000 + i) / DHCP6OptClientId(duid=duid) /
              DHCP6OptElapsedTime() / DHCP6OptIA_NA(iaid=1) / DHCP6OptRapidCommit(), iface="eth0")
        time.sleep(0.02)
else:
    duid = DUID_LL(lladdr=sys.argv[2])
    sid = DUID_LL(lladdr=sys.argv[3])
    if len(sys.argv) > 5:	# unicast from SRC to the server's DST at DMAC
        base = Ether(src=mac, dst=sys.argv[7]) / IPv6(src=sys.argv[5], dst=sys.argv[6]) / UDP(sport=546, dport=547)
    sendp(base / DHCP6_Release(trid=77) / DHCP6OptClientId(duid=duid) / DHCP6OptServerId(duid=sid) /
          DHCP6OptIA_NA(iaid=int(sys.argv[4])), iface="eth0")
PY

log "guest 1 solicits 40 forged DUIDs (rapid commit) at a pool of 16"
inguest 1 /usr/bin/python3 "$TMP/attack.py" solicit || fail "scapy"
wait_for 100 sh -c "[ \$('$BUILD/vnetctl' --socket '$TMP/run/vnetd.sock' --json stats h6 |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"dhcp6\"][\"port_limit\"])') -ge 30 ]" ||
	fail "port_limit not counted: $(vnetctl --json stats h6)"
pl=$(net_stat h6 dhcp6.port_limit)
held=$(vnetctl --json leases h6 2>/dev/null | grep -c '02:66:' || true)
log "port_limit $pl, forged leases bound: $held"
[ "$pl" = 36 ] || fail "port_limit $pl, expected 36"
[ "$(net_stat h6 dhcp6.active_leases)" = 4 ] || fail "leases: $(vnetctl --json stats h6)"
vnetctl metrics | grep -qx 'vnet_dhcp6_port_limit_total{network="h6"} 36' ||
	fail "no vnet_dhcp6_port_limit_total 36: $(vnetctl metrics | grep dhcp6)"
if command -v promtool >/dev/null; then
	vnetctl metrics | promtool check metrics >"$TMP/promtool" 2>&1 || fail "promtool: $(cat "$TMP/promtool")"
fi

log "guest 2's dhclient -6 still gets a lease"
out=$(guest_dhclient6 2 - -D LL 2>&1) || fail "dhclient -6 in guest 2: $out"
addr=$(echo "$out" | sed -n 's/.*addr=\([^ ]*\).*/\1/p' | head -1)
case "$addr" in fd00:164::10[0-9a-f]) ;; *) fail "guest 2 got '$addr' ($out)" ;; esac

log "guest 1 releases guest 2's lease by its DUID and IAID: refused (wrong_port)"
sid=$(inhost cat /sys/class/net/vnbr164/address)
read -r duid iaid < <(vnetctl --json leases h6 | /usr/bin/python3 -c 'import json, sys
for l in json.load(sys.stdin):
    if l.get("ip") == sys.argv[1]:
        print(l["duid"], l["iaid"])' "$addr")
case "$duid" in 00:03:00:01:*) ;; *) fail "guest 2's DUID '$duid' is not a DUID-LL" ;; esac
inguest 1 /usr/bin/python3 "$TMP/attack.py" release "${duid#00:03:00:01:}" "$sid" "$iaid" ||
	fail "scapy release"
wait_for 50 sh -c "[ \$('$BUILD/vnetctl' --socket '$TMP/run/vnetd.sock' --json stats h6 |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"dhcp6\"][\"wrong_port\"])') -ge 1 ]" ||
	fail "the forged release was not refused: $(vnetctl --json stats h6)"
vnetctl --json leases h6 | grep -q "\"$addr\"" || fail "guest 2's lease was released from port 1"

# A Release unicast from a global address is served (busybox udhcpc6 sends
# them, dhcp6_udhcpc6.sh) only from the port that claimed that address,
# and judged by that port: from an address guest 1 claimed (its DAD), it
# is refused as above; from one no port claimed it never leaves the port.
log "guest 1 unicasts the forged Release from its own global address: refused (wrong_port)"
inguest 1 ip -6 addr add fd00:164::77/64 dev eth0
wait_for 50 sh -c "ip netns exec $P-g1 ip -6 addr show dev eth0 | grep 'fd00:164::77/64' | grep -qv tentative" ||
	fail "guest 1's fd00:164::77 did not pass DAD"
brll=$(inhost ip -6 -o addr show dev vnbr164 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
[ -n "$brll" ] || fail "the bridge has no link-local address"
wp=$(net_stat h6 dhcp6.wrong_port)
inguest 1 /usr/bin/python3 "$TMP/attack.py" release "${duid#00:03:00:01:}" "$sid" "$iaid" \
	fd00:164::77 "$brll" "$sid" || fail "scapy unicast release"
wp_more() { [ "$(net_stat h6 dhcp6.wrong_port)" -gt "$wp" ]; }
wait_for 50 wp_more || fail "the unicast forged release was not judged by port 1: $(vnetctl --json stats h6)"
vnetctl --json leases h6 | grep -q "\"$addr\"" || fail "guest 2's lease was released by a unicast from port 1"
log "from an address no port claimed: dropped at the port (src_ip6)"
src=$(net_stat h6 datapath.drops.src_ip6)
inguest 1 /usr/bin/python3 "$TMP/attack.py" release "${duid#00:03:00:01:}" "$sid" "$iaid" \
	fd00:164::99 "$brll" "$sid" || fail "scapy unclaimed release"
src_more() { [ "$(net_stat h6 datapath.drops.src_ip6)" -gt "$src" ]; }
wait_for 50 src_more || fail "the release from an unclaimed address was not dropped src_ip6"
vnetctl --json leases h6 | grep -q "\"$addr\"" || fail "guest 2's lease was released from an unclaimed address"
log "ok"
