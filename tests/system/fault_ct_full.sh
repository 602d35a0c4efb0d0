#!/bin/bash
# Conntrack table full, then a flood: guest 1 opens more UDP flows to the
# wan than the conntrack map holds (VNET_MAX_CT entries, two per flow) and
# then SYN-floods; guest 2's established TCP stream and ping keep flowing,
# the insert failures are counted (conntrack_failed, drop ct_full), and the
# GC evicts the unanswered flows (conntrack_evicted) down to 3/4 of the
# table, so a new flow gets in again. vnetd runs without a per-guest cap
# (--ct-guest-max 0): one guest stands in for many (hostile_conntrack.sh
# tests the cap).
. "$(dirname "$0")/../lib.sh"
command -v iperf3 >/dev/null || skip "iperf3 not installed"
# A table one UDP socket's flood can fill (the default holds 131k flows).
export VNET_CT_MAX=65536
default_world 2
vnetd_stop
vnetd_start --ct-guest-max 0
inguest 2 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no connectivity to the wan"

# counter NAME: conntrack counter (or drops.ct_full) of network default
counter() {
	vnetctl --json stats default | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]["datapath"]
k = sys.argv[1]
print(d["drops"][k] if k in d["drops"] else d["conntrack"][k])' "$1"
}
max=$(counter max_entries) || fail "no conntrack stats"
log "conntrack holds $max entries"

inwan iperf3 -s -1 -B $WAN_IP >/dev/null 2>&1 &
wait_for 50 inwan bash -c "ss -ltn | grep -q :5201" || fail "iperf3 server did not start"
inguest 2 ping -i 0.05 -c 300 -W 1 $WAN_IP >"$TMP/ping.log" 2>&1 &
PING=$!
inguest 2 iperf3 -c $WAN_IP -t 14 -i 0.5 -b 50M --json >"$TMP/iperf.json" 2>"$TMP/iperf.err" &
IPERF=$!
sleep 2

log "guest 1 fills the table (UDP to $((max / 2 + 2000)) ports), then SYN-floods"
inguest 1 python3 - $WAN_IP $((max / 2 + 2000)) <<'PY' || fail "flood generator failed"
import socket, sys, errno
dst, n = sys.argv[1], int(sys.argv[2])
import time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setblocking(False)
sent = 0
for i in range(n):
    port = 1 + i % 65535
    for _ in range(100):  # a full queue: wait a little, send the same flow again
        try:
            u.sendto(b"x", (dst, port)); sent += 1
            break
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ENOBUFS, errno.ECONNREFUSED):
                raise
            time.sleep(0.001)
# SYN flood: non-blocking connects to many closed ports
for i in range(3000):
    s = socket.socket(); s.setblocking(False)
    try:
        s.connect((dst, 20000 + i))
    except OSError:
        pass
    s.close()
print("sent", sent)
PY
# the GC's pass (about once a second) evicts unanswered flows past 7/8 full
evicted() { [ "$(counter conntrack_evicted)" -gt 0 ]; }
wait_for 50 evicted
entries=$(counter entries); failed=$(counter conntrack_failed); ctfull=$(counter ct_full)
ev=$(counter conntrack_evicted)
log "after the flood: entries $entries/$max, conntrack_failed $failed, drops ct_full $ctfull, evicted $ev"
[ "$failed" -gt 0 ] && [ "$ctfull" -gt 0 ] || fail "the flood did not fill the table, or its failures were not counted"
[ "$ev" -gt 0 ] || fail "no unanswered flow was evicted"
[ "$entries" -le $((max * 3 / 4 + 2000)) ] || fail "eviction left $entries of $max entries"
wait $IPERF || { cat "$TMP/iperf.err"; fail "guest 2's TCP stream failed"; }
wait $PING
grep -q " 0% packet loss" "$TMP/ping.log" || { tail -3 "$TMP/ping.log"; fail "guest 2 lost pings"; }
python3 - "$TMP/iperf.json" <<'PY' || fail "guest 2's TCP stream stalled during the flood"
import json, sys
iv = [i["sum"] for i in json.load(open(sys.argv[1]))["intervals"]]
worst = stall = 0.0
for s in iv:
    stall = stall + s["seconds"] if s["bytes"] == 0 else 0.0
    worst = max(worst, stall)
print("intervals", len(iv), "worst stall", worst, "s")
sys.exit(1 if worst > 1.0 or len(iv) < 20 else 0)
PY
kill -0 "$VNETD_PID" || fail "vnetd died"
# The flood is over and evicted: a new flow from guest 2 gets in.
before=$(counter nat_created)
inguest 2 python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'y', ('$WAN_IP', 9))"
sleep 0.2
[ "$(counter nat_created)" -gt "$before" ] || fail "a new flow did not get into the table after the eviction"
log "ok"
