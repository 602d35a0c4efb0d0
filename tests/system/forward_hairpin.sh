#!/bin/bash
# Issue 17.2, hairpin port forwards: `forward-add default tcp 8080 G1:80`
# must reach guest 1's listener not only from the wan (the uplink program's
# DNAT: guest 1 sees the wan client's own address) but also from the host
# itself and from guest 2 through the uplink address (the core's relay,
# fwd_relay: guest 1 sees the host's address). Bytes both ways and the
# half-close (the client's EOF reaches the guest, which then answers) must
# pass; forward-del stops the relay (refused afterwards); the counters say
# what was relayed.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

# the guest's server: reads to EOF, answers "peer=ADDR len=N"
SERVER='import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(16); print("ready", flush=True)
while True:
    c, a = s.accept(); n = 0
    while True:
        d = c.recv(65536)
        if not d: break
        n += len(d)
    c.sendall(("peer=%s len=%d" % (a[0], n)).encode()); c.close()
    print("peer", a[0], n, flush=True)'
# client ADDR PORT NBYTES: sends NBYTES, half-closes, prints the answer
CLIENT='import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
c.sendall(b"x" * int(sys.argv[3])); c.shutdown(socket.SHUT_WR)
r = b""
while True:
    d = c.recv(4096)
    if not d: break
    r += d
print(r.decode())'

default_world 2
G1=$(guest_ip 1)
G2=$(guest_ip 2)
[ -n "$G1" ] && [ -n "$G2" ] || fail "guests have no address"
inguest 1 $PY -u -c "$SERVER" >"$TMP/server.log" 2>&1 &
wait_for 50 grep -q ready "$TMP/server.log" || fail "guest 1 server did not start"

vnetctl forward-add default tcp 8080 "$G1:80" >/dev/null || fail "forward-add"

expect_reply() {	# expect_reply WHO NS-CMD... : the answer must come, with the peer
	local who=$1 want_peer=$2; shift 2
	local out
	out=$("$@" $PY -c "$CLIENT" $UPLINK_IP 8080 300000 2>&1) || fail "$who: no connection: $out"
	echo "$out" | grep -q "len=300000" || fail "$who: wrong answer: $out"
	echo "$out" | grep -q "peer=$want_peer " || echo "$out" | grep -q "peer=$want_peer\$" ||
		fail "$who: guest 1 saw $out, not $want_peer"
	log "$who: $out"
}

# the wan: DNAT by the uplink program, the relay never sees it
expect_reply wan "$WAN_IP" inwan
# the host itself and guest 2: through the relay (the host's address)
expect_reply host "192.168.122.1" inhost
expect_reply guest2 "192.168.122.1" inguest 2

relayed=$(net_stat default forward_relay.connections)
[ "$relayed" -ge 2 ] || fail "relay counted $relayed connections, want >= 2"
vnetctl stats default | grep -qi relay || fail "stats shows no relay counters"

# forward-del: the relay's listener is gone
vnetctl forward-del default tcp 8080 >/dev/null || fail "forward-del"
expect_fail inhost $PY -c "$CLIENT" $UPLINK_IP 8080 10
expect_fail inguest 2 $PY -c "$CLIENT" $UPLINK_IP 8080 10
log "refused after forward-del"

# net-stop / net-start with the forward: the relay comes back
vnetctl forward-add default tcp 8080 "$G1:80" >/dev/null || fail "forward-add again"
vnetctl net-stop default >/dev/null || fail "net-stop"
expect_fail inhost $PY -c "$CLIENT" $UPLINK_IP 8080 10
vnetctl net-start default >/dev/null || fail "net-start"
wait_for 50 inhost $PY -c "$CLIENT" $UPLINK_IP 8080 10 || fail "relay not back after net-start"

# the cap: 256 relayed connections a port; the 257th is closed at once
CAP='import socket, sys, time
a, p = sys.argv[1], int(sys.argv[2])
held = [socket.create_connection((a, p), timeout=5) for _ in range(256)]
time.sleep(1)
c = socket.create_connection((a, p), timeout=5); c.settimeout(3)
try:
    d = c.recv(10)
except ConnectionResetError:
    d = b""
print("closed" if d == b"" else "open")'
out=$(inhost $PY -c "$CAP" $UPLINK_IP 8080 2>&1) || fail "cap client: $out"
[ "$out" = closed ] || fail "connection 257 was not closed: $out"
[ "$(net_stat default forward_relay.refused_cap)" -ge 1 ] || fail "refused_cap not counted"
log "cap: connection 257 closed, counted"
log "PASS"
