#!/bin/bash
# Hostile control-socket peers: a non-root peer (nobody, not in group vnet)
# is refused with one clear line, both when the socket's mode stops it and
# when only SO_PEERCRED does; a 2 MiB request, garbage and non-object JSON
# are refused with an error reply; a client that connects and sends
# nothing, or trickles a byte at a time, holds the daemon for at most ~2 s.
. "$(dirname "$0")/../lib.sh"
command -v setpriv >/dev/null || skip "setpriv not installed"
world_init
vnetd_start
sock="$TMP/run/vnetd.sock"
asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

log "non-root peer, socket mode as created"
asnobody "$BUILD/vnetctl" --socket "$sock" net-list >"$TMP/out" 2>"$TMP/err" && fail "nobody was allowed in"
[ "$(wc -l <"$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ] || { cat "$TMP/out" "$TMP/err"; fail "refusal is not one line"; }
log "  $(cat "$TMP/err")"

log "non-root peer reaching the socket: SO_PEERCRED refuses"
chmod 0711 "$TMP" "$TMP/run"
chmod 0777 "$sock"
asnobody "$BUILD/vnetctl" --socket "$sock" net-start default >"$TMP/out" 2>"$TMP/err" && fail "nobody could start a network"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -qi "permission denied" "$TMP/err" ||
	{ cat "$TMP/out" "$TMP/err"; fail "SO_PEERCRED refusal is not one clear line"; }
log "  $(cat "$TMP/err")"
asnobody "$BUILD/vnetctl" --socket "$sock" net-list >/dev/null 2>&1 && fail "nobody could read the network list"
vnetctl --json net-info default | grep -q '"active":false' || fail "nobody's net-start took effect"
chmod 0700 "$TMP"

# raw SEND: send bytes, print the reply (or nothing)
raw() {
	python3 - "$sock" "$1" <<'PY'
import socket, sys
kind = sys.argv[2]
payload = {
    "big": b'{"cmd":"net-define","args":["' + b"a" * (2 << 20) + b'"]}\n',
    "garbage": b"\x00\xff\xfe garbage {{{\n",
    "array": b'[1, 2, 3]\n',
    "nocmd": b'{"args": ["x"]}\n',
}[kind]
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
try:
    s.sendall(payload)
except OSError:
    pass  # the daemon stopped reading: its reply is still queued for us
data = b""
try:
    while not data.endswith(b"\n"):
        b = s.recv(4096)
        if not b:
            break
        data += b
except OSError:
    pass
sys.stdout.write(data.decode(errors="replace"))
PY
}
for k in big garbage array nocmd; do
	r=$(raw $k)
	log "  $k -> $r"
	echo "$r" | grep -q '"ok": *false' || fail "$k request not refused with an error reply"
done
raw big | grep -q "too large" || fail "oversized request not reported as too large"
kill -0 "$VNETD_PID" || fail "vnetd died"

log "hostile XML: entity expansion, deep nesting"
python3 - "$TMP/laughs.xml" "$TMP/deep.xml" <<'PY'
import sys
ents = "".join('<!ENTITY e%d "%s">' % (i, "&e%d;" % (i - 1) * 10 if i else "x" * 10) for i in range(10))
open(sys.argv[1], "w").write('<?xml version="1.0"?><!DOCTYPE network [%s]><network><name>&e9;</name></network>' % ents)
open(sys.argv[2], "w").write("<network><name>deep</name>" + "<a>" * 100000 + "</a>" * 100000 + "</network>")
PY
for x in laughs deep; do
	vnetctl net-define "$TMP/$x.xml" >"$TMP/out" 2>"$TMP/err" && fail "$x XML was accepted"
	[ "$(wc -l <"$TMP/err")" = 1 ] || { cat "$TMP/err"; fail "$x XML refusal is not one line"; }
	log "  $x -> $(cut -c1-100 "$TMP/err")"
done
vnetctl net-list --all | grep -q "^default" || fail "vnetd does not answer after hostile XML"

# answered_within SECONDS: vnetctl net-list answers in time (prints elapsed)
answered_within() {
	local t0=$(date +%s.%N) t1
	vnetctl net-list >/dev/null || fail "vnetd stopped answering"
	t1=$(date +%s.%N)
	log "  answered after $(echo "$t1 - $t0" | bc) s"
	[ "$(echo "$t1 - $t0 <= $1" | bc)" = 1 ]
}
# stall_client MODE: connect, say so (file $TMP/connected), then stay
# silent or trickle a request one byte a second
stall_client() {
	rm -f "$TMP/connected"
	python3 - "$sock" "$1" "$TMP/connected" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
open(sys.argv[3], "w").close()
if sys.argv[2] == "silent":
    time.sleep(8)
else:
    for c in b'{"cmd": "net-list"}':
        try:
            s.send(bytes([c]))
        except OSError:
            break
        time.sleep(1)
PY
	STALL=$!
	wait_for 50 test -e "$TMP/connected" || fail "stalling client did not connect"
	sleep 0.1
}
log "a client that connects and sends nothing"
stall_client silent
answered_within 2.6 || fail "a silent client held the daemon too long"
kill $STALL 2>/dev/null; wait $STALL 2>/dev/null
log "a client trickling one byte a second"
stall_client trickle
answered_within 2.6 || fail "a trickling client held the daemon too long"
kill $STALL 2>/dev/null; wait $STALL 2>/dev/null
vnetctl net-list >/dev/null || fail "vnetd does not answer afterwards"
log "ok"
