#!/bin/bash
# DNS abuse between guests (issue 16.10): one guest floods the proxy with
# unique names its upstream never answers, then holds slow TCP connections;
# the other guest's forwarded queries, over UDP and TCP, must still be
# answered, and the refusals counted.
. "$(dirname "$0")/../lib.sh"
HERE=$(dirname "$0")
default_world 2
GW=192.168.122.1
inwan ip addr add 203.0.113.3/24 dev eth0
inwan /usr/bin/python3 "$HERE/dns_upstream.py" $WAN_IP 203.0.113.3 "$TMP/up.log" >"$TMP/up.out" 2>&1 &
wait_for 50 grep -q ready "$TMP/up.out" || fail "upstream did not start: $(cat "$TMP/up.out")"

dnsc() {
	vnetctl --json stats default | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0]["dns"].get(sys.argv[1], -1))' "$1"
}
# resolve G NAME [dig options]: guest G's answer for NAME through the proxy.
resolve() { local g=$1 n=$2; shift 2; inguest "$g" dig +short +time=1 +tries=1 "$@" @$GW "$n"; }
[ "$(resolve 2 before.test)" = 10.10.10.10 ] || fail "guest2 cannot resolve before the attack"

# 1. Guest 1 floods unique names (about 2000/s, each pending 2 s: far more
# than the 256-question table) while guest 2 keeps resolving.
inguest 1 /usr/bin/python3 "$HERE/dns_flood.py" udp $GW 7 >"$TMP/flood" 2>&1 &
fl=$!
wait_for 30 grep -q ready "$TMP/flood" || fail "flood did not start"
sleep 1.5
for i in 1 2 3 4 5; do
	a=$(resolve 2 "victim$i.test")
	[ "$a" = 10.10.10.10 ] || fail "guest2's query $i during the flood got '$a'"
	sleep 0.5
done
wait $fl
read -r _ sent _ replies _ refused <<<"$(tail -1 "$TMP/flood")"
q=$(dnsc guest_pending_full)
log "flood: sent $sent, replies $replies, refused $refused; guest_pending_full=$q pending_full=$(dnsc pending_full)"
[ "$q" -ge 1 ] || fail "the flooding guest's refusals were not counted"
[ "$refused" -ge 1 ] || fail "the flooding guest got no REFUSED"

# 2. Guest 1 holds 40 slow TCP connections; guest 2 asks over TCP.
inguest 1 /usr/bin/python3 "$HERE/dns_flood.py" tcp $GW 40 5 >"$TMP/tcp" 2>&1 &
tc=$!
wait_for 30 grep -q ready "$TMP/tcp" || fail "slow TCP clients did not start"
sleep 0.5
a=$(resolve 2 tcpvictim.test +tcp)
[ "$a" = 10.10.10.10 ] || fail "guest2's TCP query behind 40 slow connections got '$a'"
wait $tc
read -r _ held _ closed <<<"$(tail -1 "$TMP/tcp")"
r=$(dnsc tcp_guest_rejected)
log "slow tcp: held $held, closed $closed; tcp_guest_rejected=$r"
[ "$held" -le 4 ] || fail "one guest held $held TCP connections"
[ "$r" -ge 36 ] || fail "rejected TCP connections not counted ($r)"
[ "$(resolve 2 after.test)" = 10.10.10.10 ] || fail "guest2 cannot resolve after the attack"
log "ok"
