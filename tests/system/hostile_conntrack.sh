#!/bin/bash
# Conntrack exhaustion (issue 16.7), in a small table (VNET_CT_MAX=4096
# entries: 2048 flows; per-guest cap 2048/16 = 128 flows, per-forward cap
# 2048/8 = 256, the defaults' fractions).
#  A. Guest 1 drops its own RSTs and SYN-floods a wan listener (hping3): the
#     remote answers SYN-ACK, the guest never ACKs. Its flows stop at its
#     cap (counted ct_guest_limit) and expire on the half-open timeout;
#     guest 3 still connects, guest 2's established connection lives on.
#  B. A wan host SYN-floods a TCP port forward from random sources: capped
#     per forward (counted ct_forward_limit); guest 3 still connects.
#  C. Without a guest cap the flood fills the table: the GC evicts the
#     half-open flows first (counted conntrack_evicted), never the
#     established one, and a new connection gets in.
# VNET_CT_TIMEOUT_DIV=30 (test-only) makes A's and B's timeouts 30 times
# shorter (half-open 60 s -> 2 s); C runs with the real timeouts.
. "$(dirname "$0")/../lib.sh"
command -v hping3 >/dev/null || skip "hping3 not installed"
command -v nft >/dev/null || skip "nft not installed"
export VNET_CT_MAX=4096 VNET_CT_TIMEOUT_DIV=30
VNETD=$BUILD/vnetd-test	# the timeout divider is a test hook
default_world 3
ip3=$(guest_ip 3)

# counter KEY: drops.KEY or conntrack.KEY of network default (0 if absent)
counter() {
	vnetctl --json stats default | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]["datapath"]
k = sys.argv[1]
print(d["drops"].get(k, d["conntrack"].get(k, 0)))' "$1"
}
# connects N: guest N opens a new TCP connection to the wan and gets an echo
connects() {
	inguest "$1" python3 -c "
import socket, sys
s = socket.create_connection(('$WAN_IP', 80), timeout=${2:-4})
s.sendall(b'ping\n'); sys.exit(0 if s.recv(5) == b'ping\n' else 1)"
}

# the wan: an echo server on port 80 (answers every SYN: syncookies)
inwan python3 - >"$TMP/echo.log" 2>&1 <<'PY' &
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(4096)
def serve(c):
    with c:
        while (d := c.recv(4096)):
            c.sendall(d)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
wait_for 50 inwan bash -c "ss -ltn | grep -q ':80 '" || fail "echo server did not start"
connects 2 || fail "guest 2 cannot reach the wan"

# guest 2: one established connection, an echo every 0.2 s for 60 s at most
# (stops when $TMP/stop exists); fails on any lost or late echo
inguest 2 python3 - "$WAN_IP" "$TMP/stop" >"$TMP/g2.log" 2>&1 <<'PY' &
import os, socket, sys, time
s = socket.create_connection((sys.argv[1], 80), timeout=5)
n = 0
t0 = time.time()
while not os.path.exists(sys.argv[2]) and time.time() - t0 < 60:
    s.sendall(b"x%d\n" % n)
    want = b"x%d\n" % n
    got = b""
    while len(got) < len(want):
        got += s.recv(64)
    assert got == want, got
    n += 1
    time.sleep(0.2)
print("echoes", n)
PY
G2=$!

# ---- A: a guest's half-open SYN flood ------------------------------------
inguest 1 nft -f - <<'EOF' || fail "nft in guest 1"
table ip hostile {
	chain out {
		type filter hook output priority 0;
		tcp flags rst drop
	}
}
EOF
lim0=$(counter ct_guest_limit); exp0=$(counter conntrack_expired)
log "A: guest 1 SYN-floods $WAN_IP:80 for 3 s, swallowing the SYN-ACKs"
inguest 1 timeout 3 hping3 -q -S -p 80 -i u100 "$WAN_IP" >/dev/null 2>&1 &
FLOOD=$!
sleep 1.5
ents=$(counter entries)
connects 3 || fail "A: guest 3 could not connect during guest 1's flood"
wait $FLOOD
lim=$(($(counter ct_guest_limit) - lim0))
log "A: during the flood: $ents entries in default; ct_guest_limit +$lim"
[ "$ents" -le 400 ] || fail "A: guest 1's flood holds $ents entries (cap: 128 flows = 256 entries)"
[ "$lim" -gt 0 ] || fail "A: refusals over the guest cap were not counted"
# half-open flows expire on SYN_RECV's timeout (60 s / 30 here)
small() { [ "$(counter entries)" -le 20 ]; }
wait_for 80 small || fail "A: half-open flows did not expire ($(counter entries) entries left)"
[ "$(counter conntrack_expired)" -gt "$exp0" ] || fail "A: expiry not counted"
log "A: after the flood: $(counter entries) entries, conntrack_expired +$(($(counter conntrack_expired) - exp0))"

# ---- B: random sources through one TCP port forward -----------------------
inguest 3 python3 -c "
import socket
s = socket.socket(); s.bind(('0.0.0.0', 80)); s.listen(4096)
while True: s.accept()[0].close()" >/dev/null 2>&1 &
wait_for 50 inguest 3 bash -c "ss -ltn | grep -q ':80 '" || fail "guest 3 listener"
vnetctl forward-add default tcp 8080 "$ip3:80" >/dev/null || fail "forward-add"
fl0=$(counter ct_forward_limit)
log "B: the wan SYN-floods $UPLINK_IP:8080 from random sources for 3 s"
inwan timeout 3 hping3 -q -S -p 8080 --rand-source -i u100 "$UPLINK_IP" >/dev/null 2>&1 &
FLOOD=$!
sleep 1.5
ents=$(counter entries)
connects 3 || fail "B: guest 3 could not connect during the forward flood"
wait $FLOOD
fl=$(($(counter ct_forward_limit) - fl0))
log "B: during the flood: $ents entries; ct_forward_limit +$fl"
[ "$ents" -le 700 ] || fail "B: the forward flood holds $ents entries (cap: 256 flows = 512 entries)"
[ "$fl" -gt 0 ] || fail "B: refusals over the forward cap were not counted"
wait_for 80 small || fail "B: half-open forward flows did not expire ($(counter entries) entries left)"

# ---- C: no guest cap, real timeouts: full table, half-open evicted first ---
log "C: vnetd without a guest cap and with the real timeouts"
vnetd_stop
VNET_CT_TIMEOUT_DIV= vnetd_start --ct-guest-max 0
max=$(counter max_entries); ev0=$(counter conntrack_evicted); full0=$(counter ct_full)
inguest 1 timeout 2 hping3 -q -S -p 80 -i u50 "$WAN_IP" >/dev/null 2>&1
ct_full=$(($(counter ct_full) - full0))
log "C: after 2 s of flood: ct_full +$ct_full of a $max-entry table"
[ "$ct_full" -gt 0 ] || fail "C: the flood did not fill the table"
# the half-open flows would hold the table for 60 s; eviction frees it now
connects 3 8 || fail "C: no new connection while half-open flows filled the table"
ev=$(($(counter conntrack_evicted) - ev0))
log "C: conntrack_evicted +$ev, $(counter entries) entries"
[ "$ev" -gt 0 ] || fail "C: no half-open flow was evicted"

touch "$TMP/stop"
wait $G2 || { cat "$TMP/g2.log"; fail "guest 2's established connection broke"; }
log "guest 2: $(cat "$TMP/g2.log")"
kill -0 "$VNETD_PID" || fail "vnetd died"
log "ok"
