#!/bin/bash
# net-event (issue 17 part 2): vnetd pushes lifecycle events (defined,
# started, stopped, undefined) and lease events to subscribed control
# connections; vnetctl net-event prints them as virsh does (--loop,
# --timeout, --json, one network). A subscriber that never reads does not
# stall the daemon.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1
vnetd_start
vnetctl net-start default >/dev/null || fail "net-start"
vnetctl port-add default vif1.0 >/dev/null || fail "port-add"

cat >"$TMP/ev.xml" <<'X'
<network><name>ev</name><bridge name='vnbr8'/><ip address='10.58.0.1' prefix='24'/></network>
X
vnetctl net-define "$TMP/ev.xml" >/dev/null || fail "define"
subscribed() { grep -c "net-event: subscriber" "$TMP/vnetd.log" | grep -qx "$1"; }
vnetctl net-event --loop --timeout 20 >"$TMP/all.txt" 2>&1 &
ALL=$!
vnetctl --json net-event ev --loop --timeout 20 >"$TMP/ev.json" 2>&1 &
EVJ=$!
vnetctl net-event --timeout 20 >"$TMP/one.txt" 2>&1 &
ONE=$!
# a subscriber that never reads (python holds the socket open)
inhost_net python3 -c '
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
s.sendall(json.dumps({"cmd": "net-event", "args": [], "opts": {"loop": True}}).encode() + b"\n")
time.sleep(25)' "$TMP/run/vnetd.sock" 2>"$TMP/stuck.err" &
STUCK=$!
wait_for 50 subscribed 4 || fail "subscribers not registered: $(grep net-event "$TMP/vnetd.log") $(cat "$TMP/stuck.err")"

vnetctl net-define "$TMP/ev.xml" >/dev/null || fail "define again" # libvirt: Defined (updated)
vnetctl net-start ev >/dev/null || fail "start"
guest_dhcp 1 guest1 || fail "no lease"
# many events for the stuck subscriber: vnetd keeps answering
sed 's/>ev</>ev2</; s/vnbr8/vnbr9/; s/10.58/10.59/' "$TMP/ev.xml" >"$TMP/ev2.xml"
for i in $(seq 20); do vnetctl net-define "$TMP/ev2.xml" >/dev/null && vnetctl net-undefine ev2 >/dev/null; done
t0=$(date +%s%N)
vnetctl net-stop ev >/dev/null || fail "stop"
vnetctl net-undefine ev >/dev/null || fail "undefine"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 1000 ] || fail "vnetd slowed by a subscriber that does not read: ${ms} ms"

wait $ONE
grep -q "^event 'lifecycle' for network ev: Defined$" "$TMP/one.txt" || fail "first event: $(cat "$TMP/one.txt")"
grep -q "^events received: 1$" "$TMP/one.txt" || fail "without --loop, not one event: $(cat "$TMP/one.txt")"
kill $ALL $EVJ 2>/dev/null; wait $ALL $EVJ 2>/dev/null
want="Defined Started Stopped Undefined"
got=$(sed -n "s/^event 'lifecycle' for network ev: //p" "$TMP/all.txt" | tr '\n' ' ')
[ "$got" = "$want " ] || fail "lifecycle events '$got', want '$want': $(cat "$TMP/all.txt")"
grep -Eq "^event 'lease' for network default: bound 52:54:00:00:00:01 192\.168\.122\.[0-9]+ guest1$" "$TMP/all.txt" ||
	fail "no lease event: $(cat "$TMP/all.txt")"
python3 - "$TMP/ev.json" <<'PY' || fail "json events: $(cat "$TMP/ev.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert [e["type"] for e in ev] == ["defined", "started", "stopped", "undefined"], ev
assert all(e["network"] == "ev" and e["event"] == "lifecycle" and e["time"] > 0 for e in ev), ev
PY
# --timeout with nothing happening ends it
out=$(timeout 10 "$BUILD/vnetctl" --socket "$TMP/run/vnetd.sock" net-event --timeout 1) || fail "net-event --timeout: rc $?"
grep -q "events received: 0" <<<"$out" || fail "timeout output: $out"
expect_fail vnetctl net-event nosuchnet --timeout 1
kill $STUCK 2>/dev/null
log "ok"
