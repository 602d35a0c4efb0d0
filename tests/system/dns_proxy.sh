#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# DNS proxy against real clients: dig in a guest namespace asks the proxy
# (tests/tools/dnsd_standalone) in a host namespace, which forwards to a
# small upstream server (dns_upstream.py) in a wan namespace.
# Exit 0 pass, 1 fail, 77 skip.
BUILD=${BUILD:-build}
BIN=$BUILD/tests/tools/dnsd_standalone
HERE=$(dirname "$0")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip dig python3; do
	command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }
done
[ -x "$BIN" ] || { echo "SKIP: $BIN not built (make BUILD=$BUILD $BIN)"; exit 77; }

H=hdns-$$-h G=hdns-$$-g W=hdns-$$-w
TMP=$(mktemp -d /tmp/hdns-$$.XXXXXX)
PIDS=""
FAIL=0
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for n in $H $G $W; do ip netns del $n 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; FAIL=1; }
inh() { ip netns exec $H "$@"; }
ing() { ip netns exec $G "$@"; }

# ---- world --------------------------------------------------------------------
set -e
for n in $H $G $W; do ip netns add $n; ip -n $n link set lo up; done
ip -n $H link add hg0 type veth peer name eth0 netns $G
ip -n $H link add hw0 type veth peer name eth0 netns $W
ip -n $H addr add 10.99.0.1/24 dev hg0
ip -n $H addr add 10.99.0.2/24 dev hg0
ip -n $H addr add 10.99.0.3/24 dev hg0
ip -n $H addr add 10.98.0.1/24 dev hw0
ip -n $G addr add 10.99.0.10/24 dev eth0
ip -n $W addr add 10.98.0.2/24 dev eth0
ip -n $W addr add 10.98.0.3/24 dev eth0
for l in "$H hg0" "$H hw0" "$G eth0" "$W eth0"; do set -- $l; ip -n $1 link set $2 up; done
set +e

wait_ready() { # file pid
	for _ in $(seq 50); do
		grep -q ready "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

ip netns exec $W python3 "$HERE/dns_upstream.py" 10.98.0.2 10.98.0.3 "$TMP/up.log" \
	>"$TMP/up.out" 2>&1 &
PIDS="$PIDS $!"
wait_ready "$TMP/up.out" $! || { echo "FAIL: upstream did not start"; cat "$TMP/up.out"; exit 1; }

ip netns exec $H "$BIN" --ip 10.99.0.1 --prefix 24 --domain example --local-only --name guest1=10.99.0.10 \
	--name guest2=10.99.0.11 --forwarder 10.98.0.2 --counters "$TMP/c1.json" \
	>"$TMP/p1.out" 2>&1 &
P1=$!
PIDS="$PIDS $P1"
# the second proxy's only upstream swallows everything
ip netns exec $H "$BIN" --ip 10.99.0.2 --prefix 24 --forwarder 10.98.0.3 --counters "$TMP/c2.json" \
	>"$TMP/p2.out" 2>&1 &
P2=$!
PIDS="$PIDS $P2"
# the third one's domain is not localOnly (libvirt's default)
ip netns exec $H "$BIN" --ip 10.99.0.3 --prefix 24 --domain example --name guest1=10.99.0.10 \
	--forwarder 10.98.0.2 >"$TMP/p3.out" 2>&1 &
P3=$!
PIDS="$PIDS $P3"
wait_ready "$TMP/p1.out" $P1 && wait_ready "$TMP/p2.out" $P2 && wait_ready "$TMP/p3.out" $P3 ||
	{ echo "FAIL: proxy did not start"; cat "$TMP"/p*.out; exit 1; }

ctr() { # pid file name
	rm -f "$2"
	kill -USR1 "$1"
	for _ in $(seq 20); do [ -s "$2" ] && break; sleep 0.05; done
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], -1))' "$2" "$3"
}
c1() { ctr $P1 "$TMP/c1.json" "$1"; }
DIG="dig @10.99.0.1 +tries=1 +timeout=4"
ups() { grep -c " $1 " "$TMP/up.log"; }

# ---- local names ----------------------------------------------------------------
out=$(ing $DIG +short guest1.example A)
[ "$out" = 10.99.0.10 ] && ok "local name guest1.example" || bad "guest1.example -> '$out'"
out=$(ing $DIG +short GUEST2 A)
[ "$out" = 10.99.0.11 ] && ok "bare name, case-insensitive" || bad "GUEST2 -> '$out'"
out=$(ing $DIG +short -x 10.99.0.10)
[ "$out" = guest1.example. ] && ok "PTR 10.99.0.10" || bad "PTR -> '$out'"
out=$(ing $DIG nope.example A | grep -o 'status: [A-Z]*')
[ "$out" = "status: NXDOMAIN" ] && ok "unknown local name NXDOMAIN" || bad "nope.example: $out"
out=$(ing $DIG -x 10.99.0.99 | grep -o 'status: [A-Z]*')
[ "$out" = "status: NXDOMAIN" ] && ok "unknown reverse NXDOMAIN" || bad "PTR .99: $out"
[ "$(ups nope.example)" = 0 ] && [ "$(ups 99.0.99.10.in-addr.arpa)" = 0 ] &&
	ok "local zones never forwarded" || bad "local names reached the upstream"
out=$(ing dig @10.99.0.3 +tries=1 +timeout=4 +short fwd.example A)
[ "$out" = 10.10.10.10 ] && [ "$(ups fwd.example)" = 1 ] &&
	ok "unknown name of a domain without localOnly forwarded" || bad "fwd.example -> '$out'"
out=$(ing dig @10.99.0.3 +tries=1 +timeout=4 +short guest1.example A)
[ "$out" = 10.99.0.10 ] && ok "its own names still local" || bad "guest1.example on P3 -> '$out'"
out=$(ing $DIG +tcp +short guest1.example A)
[ "$out" = 10.99.0.10 ] && ok "local name over TCP" || bad "tcp guest1 -> '$out'"

# ---- forwarding and cache ---------------------------------------------------------
h0=$(c1 cache_hits)
out=$(ing $DIG +short www.test A)
[ "$out" = 93.184.216.34 ] && ok "forwarded www.test" || bad "www.test -> '$out'"
out=$(ing $DIG www.test A | awk '/^www.test.*IN.*A/ {print $2}')
[ "$(ups www.test)" = 1 ] && ok "second query not forwarded" || bad "upstream saw www.test $(ups www.test) times"
[ "$(c1 cache_hits)" -gt "$h0" ] && ok "cache hit counted" || bad "cache_hits did not rise"
[ -n "$out" ] && [ "$out" -le 300 ] && ok "cached TTL $out <= 300" || bad "cached TTL '$out'"
out=$(ing $DIG nx.test A | grep -o 'status: [A-Z]*')
out2=$(ing $DIG nx.test A | grep -o 'status: [A-Z]*')
[ "$out" = "status: NXDOMAIN" ] && [ "$out2" = "$out" ] && [ "$(ups nx.test)" = 1 ] &&
	ok "NXDOMAIN relayed and negatively cached" || bad "nx.test: $out/$out2, upstream $(ups nx.test)"
# RFC 5452: distinct queries use distinct source ports and IDs
for i in 1 2 3 4 5 6; do ing $DIG +short r$i.test A >/dev/null; done
np=$(grep ' r[0-9].test ' "$TMP/up.log" | awk '{print $3}' | sort -u | wc -l)
ni=$(grep ' r[0-9].test ' "$TMP/up.log" | awk '{print $5}' | sort -u | wc -l)
[ "$np" -ge 5 ] && [ "$ni" -ge 5 ] && ok "random source ports ($np/6) and IDs ($ni/6)" ||
	bad "ports $np ids $ni distinct of 6"

# ---- spoofing, truncation, dead upstream -------------------------------------------
b0=$(c1 bad_replies)
out=$(ing $DIG +short spoof.test A)
[ "$out" = 1.2.3.4 ] && ok "spoofed replies ignored, real answer relayed" || bad "spoof.test -> '$out'"
[ "$(c1 bad_replies)" -ge $((b0 + 2)) ] && ok "bad replies counted" ||
	bad "bad_replies $(c1 bad_replies) (was $b0)"
out=$(ing $DIG +short big.test A)
[ "$out" = 5.5.5.5 ] && grep -q '^tcp .* big.test ' "$TMP/up.log" &&
	ok "TC answer retried over TCP upstream" || bad "big.test -> '$out'"
[ "$(c1 upstream_tcp_retries)" -ge 1 ] && ok "TCP retry counted" || bad "no upstream_tcp_retries"
out=$(ing $DIG +tcp +short tcpq.test A)
[ "$out" = 10.10.10.10 ] && ok "guest TCP query forwarded" || bad "tcp tcpq.test -> '$out'"
tr0=$(c1 truncated)
out=$(ing dig @10.99.0.1 +noedns +ignore +tries=1 many.test A | grep -c 'flags:.* tc')
n=$(ing dig @10.99.0.1 +noedns +tries=1 +short many.test A | wc -l)
[ "$out" = 1 ] && [ "$n" = 40 ] && [ "$(c1 truncated)" -gt "$tr0" ] &&
	ok "673-byte answer: TC to a 512-byte client, whole over TCP" || bad "many.test: tc=$out n=$n"
# identical questions in flight are merged into one upstream query
ing dig @10.99.0.2 +tries=1 +timeout=6 same.test A >"$TMP/m1" &
m1=$!
ing dig @10.99.0.2 +tries=1 +timeout=6 same.test A >"$TMP/m2"
wait $m1
[ "$(grep -c 'status: SERVFAIL' "$TMP/m1" "$TMP/m2" | grep -c ':1')" = 2 ] &&
	[ "$(ups same.test)" = 1 ] && [ "$(ctr $P2 "$TMP/c2.json" merged)" = 1 ] &&
	ok "identical queries merged" || bad "merge: upstream saw $(ups same.test)"
t0=$(date +%s%N)
out=$(ing dig @10.99.0.2 +tries=1 +timeout=6 x.test A | grep -o 'status: [A-Z]*')
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$out" = "status: SERVFAIL" ] && [ $ms -lt 4000 ] && ok "dead upstream: SERVFAIL in $ms ms" ||
	bad "dead upstream: '$out' after $ms ms"
[ "$(ctr $P2 "$TMP/c2.json" upstream_timeouts)" = 2 ] && ok "upstream timeout counted" ||
	bad "upstream_timeouts $(ctr $P2 "$TMP/c2.json" upstream_timeouts)"

# ---- hostile input: the proxy keeps answering ---------------------------------------
ing python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
loop = bytes([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1])
for p in (loop, b"\x00", b"\x00" * 12, bytes(range(256)) * 4):
    s.sendto(p, ("10.99.0.1", 53))
t = socket.create_connection(("10.99.0.1", 53))   # a stalled TCP client
t.send(b"\x00\x40abc")
PY
out=$(ing $DIG +short guest1.example A)
[ "$out" = 10.99.0.10 ] && [ "$(c1 formerr)" -ge 1 ] && ok "malformed queries counted, still answering" ||
	bad "after garbage: '$out', formerr $(c1 formerr)"
kill -0 $P1 2>/dev/null && kill -0 $P2 2>/dev/null || bad "a proxy died"

[ $FAIL = 0 ] && echo "PASS: dns_proxy" || { echo "FAIL: dns_proxy"; cat "$TMP"/p*.out; }
exit $FAIL
