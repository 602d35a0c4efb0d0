#!/bin/bash
# Independence from the host firewall: with a forward chain whose policy is
# drop (what Docker sets) and an unrelated nftables ruleset in the host,
# guest<->guest and guest->wan traffic on the fast path keeps working.
. "$(dirname "$0")/../lib.sh"
command -v nft >/dev/null || skip "nft not installed"
default_world 2
ip2=$(guest_ip 2)
inhost nft -f - <<'NFT' || fail "cannot load the hostile ruleset"
table inet hostile {
	chain forward { type filter hook forward priority 0; policy drop; }
	chain post { type nat hook postrouting priority 100; policy accept; }
}
NFT
inguest 1 ping -c 3 -i 0.2 -W 2 "$ip2" >/dev/null || fail "guest<->guest blocked by the host firewall"
inguest 1 ping -c 3 -i 0.2 -W 2 $WAN_IP >/dev/null || fail "guest->wan blocked by the host firewall"
inwan python3 -m http.server 8080 --bind $WAN_IP >"$TMP/http.log" 2>&1 &
wait_for 50 inwan bash -c "echo > /dev/tcp/$WAN_IP/8080" || fail "wan http server did not start"
inguest 1 curl -s -m 5 -o /dev/null "http://$WAN_IP:8080/" || fail "guest TCP to the wan blocked"
grep -q "^$UPLINK_IP " "$TMP/http.log" || fail "wan did not see the uplink address"
log "ok"
