#!/bin/bash
# Crash safety: a ping at 100/s and a TCP stream run guest -> wan through
# NAT while vnetd is killed with SIGKILL and started again, then stopped
# with SIGTERM and started again. No ping may be lost, the TCP stream may
# not stall for more than a second, and NAT entries and leases survive.
. "$(dirname "$0")/../lib.sh"
command -v iperf3 >/dev/null || skip "iperf3 not installed"
default_world 1
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no connectivity to the wan before the test"
vnetctl --json leases default >"$TMP/leases.before"

inwan iperf3 -s -1 -B $WAN_IP >/dev/null 2>&1 &
wait_for 50 inwan bash -c "echo > /dev/tcp/$WAN_IP/5201" || fail "iperf3 server did not start"
# The probe above used the one-off server; start a fresh one for the stream.
sleep 0.2
inwan iperf3 -s -1 -B $WAN_IP >/dev/null 2>&1 &
sleep 0.3
inguest 1 ping -i 0.01 -c 1000 -W 1 $WAN_IP >"$TMP/ping.log" 2>&1 &
PING=$!
inguest 1 iperf3 -c $WAN_IP -t 10 -i 0.5 -b 200M --json >"$TMP/iperf.json" 2>"$TMP/iperf.err" &
IPERF=$!
sleep 2
log "SIGKILL vnetd"
vnetd_kill9
sleep 0.5
vnetd_start
sleep 2
log "SIGTERM vnetd, start again"
vnetd_stop
vnetd_start
wait $PING; wait $IPERF
grep -q " 0% packet loss" "$TMP/ping.log" || { tail -3 "$TMP/ping.log"; fail "pings were lost across restarts"; }
python3 - "$TMP/iperf.json" <<'PY' || fail "TCP stream stalled"
import json, sys
d = json.load(open(sys.argv[1]))
iv = [i["sum"] for i in d["intervals"]]
stall = 0.0; worst = 0.0
for s in iv:
    stall = stall + s["seconds"] if s["bytes"] == 0 else 0.0
    worst = max(worst, stall)
print("intervals", len(iv), "worst stall", worst, "s")
sys.exit(1 if worst > 1.0 or len(iv) < 15 else 0)
PY
vnetctl --json leases default >"$TMP/leases.after"
python3 - "$TMP/leases.before" "$TMP/leases.after" <<'PY' || fail "leases changed across restarts"
import json, sys
a, b = (sorted((l["mac"], l["ip"]) for l in json.load(open(f))) for f in sys.argv[1:])
sys.exit(0 if a == b and a else 1)
PY
inguest 1 ping -c 1 -W 2 $WAN_IP >/dev/null || fail "no connectivity after the restarts"
log "ok"
