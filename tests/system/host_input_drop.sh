#!/bin/bash
# Issue 19.2: the host's firewall cannot break DHCP and DNS. With the host
# namespace's nftables INPUT policy drop (nothing accepted at all), guests
# still get a lease and their DNS answers from vnetd (a local name and one
# forwarded upstream): vnetd reads their requests before the INPUT chain.
# What the firewall is there for still holds: a guest's TCP to a listener on
# the gateway (host access all) is dropped by the host's own INPUT.
. "$(dirname "$0")/../lib.sh"
command -v nft >/dev/null || skip "nft not installed"
command -v dig >/dev/null || skip "dig not installed"

world_init
for g in 1 2; do guest_add "$g"; done
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default"
for g in 1 2; do vnetctl port-add default "vif$g.0" >/dev/null || fail "port-add vif$g.0"; done
inhost nft -f - <<'NFT' || fail "cannot load the ruleset"
table inet hostile {
	chain input { type filter hook input priority 0; policy drop; }
}
NFT
for g in 1 2; do guest_dhcp $g "guest$g" || fail "guest $g got no lease behind INPUT policy drop"; done
ip1=$(guest_ip 1)
ans=$(inguest 2 dig @192.168.122.1 +tries=2 +timeout=2 +short guest1 A 2>/dev/null)
[ "$ans" = "$ip1" ] || fail "no DNS answer for a local name behind INPUT policy drop ('$ans')"
# renewal by unicast to the gateway
guest_dhcp 1 guest1 || fail "guest 1 could not renew behind INPUT policy drop"
inhost python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.122.1", 2222)); s.listen(8); time.sleep(30)' &
sleep 0.5
inguest 1 timeout 3 bash -c 'echo > /dev/tcp/192.168.122.1/2222' 2>/dev/null &&
	fail "the host's INPUT policy drop let a guest's TCP to the gateway through"
log "ok"
