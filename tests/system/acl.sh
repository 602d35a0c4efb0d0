#!/bin/bash
# ACLs (issue 19.5, docs/acl.md) with real guests: defined from XML, rules
# added and removed live, attached to the network and to one port, egress
# and ingress. A drop rule stops a running flow (ping every 50 ms) within
# one second; a TCP stream (iperf3) keeps going while an unrelated rule
# changes; rules are hit-counted (acl-stats) and drops counted "acl".
. "$(dirname "$0")/../lib.sh"
command -v iperf3 >/dev/null || skip "iperf3 not installed"
default_world 2
ip1=$(guest_ip 1); ip2=$(guest_ip 2)

hits() { # ACL INDEX: the rule's hit count
	vnetctl --json acl-stats "$1" | python3 -c 'import json, sys
d = json.load(sys.stdin); print(d["rules"][int(sys.argv[1])]["hits"])' "$2"
}

log "bad XML is refused with a clear error"
echo "<acl name='x'><rule proto='tcp' dport='80-70'/></acl>" >"$TMP/bad.xml"
out=$(vnetctl acl-define "$TMP/bad.xml" 2>&1) && fail "bad ACL accepted"
grep -q "dport '80-70'" <<<"$out" || fail "unclear error: $out"

log "an ACL with an unrelated rule, attached as the network's egress"
cat >"$TMP/guard.xml" <<EOF
<acl xmlns='http://vnet.dev/schemas/network/1.0' name='guard' default='allow'>
  <rule action='drop' direction='out' proto='udp' dport='9999'/>
</acl>
EOF
vnetctl acl-define "$TMP/guard.xml" >/dev/null || fail "acl-define"
vnetctl acl-list | grep -q guard || fail "acl-list: $(vnetctl acl-list)"
[ -f "$TMP/conf/acls/guard.xml" ] || fail "the ACL was not stored"
expect_fail vnetctl acl-attach default --egress nosuch
vnetctl acl-attach default --egress guard >/dev/null || fail "acl-attach"
inguest 1 ping -c 2 -W 1 $WAN_IP >/dev/null || fail "the allowed ping is dropped"

log "a TCP stream keeps going while a rule it does not match is added"
inwan iperf3 -s -1 -B $WAN_IP >/dev/null 2>&1 &
wait_for 50 inwan bash -c "echo > /dev/tcp/$WAN_IP/5201" || fail "iperf3 server did not start"
sleep 0.2	# the probe used the one-off server: a fresh one for the stream
inwan iperf3 -s -1 -B $WAN_IP >/dev/null 2>&1 &
sleep 0.3
inguest 1 iperf3 -c $WAN_IP -t 4 -i 0.5 -b 20M --json >"$TMP/iperf.json" 2>"$TMP/iperf.err" &
ipid=$!
sleep 1.5
vnetctl acl-rule-add guard --index 0 drop out udp dport=9998 >/dev/null || fail "acl-rule-add"
vnetctl acl-rule-add guard allow out tcp dport=5201 >/dev/null || fail "acl-rule-add 2"
wait $ipid || fail "iperf3 failed across the rule change: $(cat "$TMP/iperf.err")"
python3 - "$TMP/iperf.json" <<'PY' || fail "the stream stalled across the rule change"
import json, sys
iv = json.load(open(sys.argv[1]))["intervals"]
assert len(iv) >= 7 and all(i["sum"]["bytes"] > 0 for i in iv), [i["sum"]["bytes"] for i in iv]
PY
[ "$(hits guard 2)" -gt 0 ] || fail "the allow rule was not hit-counted: $(vnetctl acl-stats guard)"

log "a drop rule stops a running flow within one second"
inguest 1 ping -D -i 0.05 -W 1 $WAN_IP >"$TMP/ping.txt" 2>&1 &
ppid=$!
sleep 1
t0=$(date +%s.%N)
vnetctl acl-rule-add guard --index 0 drop out icmp dst=$WAN_IP/32 >/dev/null || fail "add drop rule"
sleep 2
kill $ppid; wait $ppid 2>/dev/null
python3 - "$TMP/ping.txt" "$t0" <<'PY' || fail "ping kept going: $(tail -5 "$TMP/ping.txt")"
import re, sys
t0 = float(sys.argv[2])
ts = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", open(sys.argv[1]).read(), re.M)]
before = [t for t in ts if t < t0]
after = [t for t in ts if t >= t0]
print(f"replies before the rule: {len(before)}, after: {len(after)}, last {max(ts) - t0 if ts else 0:.3f} s after")
assert len(before) >= 10, "the flow was not running"
assert not after or max(after) < t0 + 1.0
PY
[ "$(hits guard 0)" -gt 0 ] || fail "the drop rule was not hit-counted"
[ "$(net_stat default datapath.drops.acl)" -gt 0 ] || fail "no drop counted acl"
log "acl-stats: $(vnetctl acl-stats guard | head -3 | tr '\n' ' ')"
vnetctl acl-rule-del guard 0 >/dev/null || fail "acl-rule-del"
inguest 1 ping -c 2 -W 1 $WAN_IP >/dev/null || fail "the ping is still dropped after acl-rule-del"
expect_fail vnetctl acl-rule-del guard 7

log "an ingress ACL on one port: echo requests into guest 2 dropped, from a guest or the host"
cat >"$TMP/noping.xml" <<EOF
<acl name='noping'>
  <rule action='drop' direction='in' proto='icmp' icmpType='8'/>
</acl>
EOF
vnetctl acl-define "$TMP/noping.xml" >/dev/null || fail "acl-define noping"
inguest 1 ping -c 1 -W 1 "$ip2" >/dev/null || fail "guest 1 cannot reach guest 2 before"
vnetctl acl-attach default --port vif2.0 --ingress noping >/dev/null || fail "acl-attach --port"
inguest 1 ping -c 2 -W 1 "$ip2" >/dev/null 2>&1 && fail "guest 1's ping reached guest 2"
# what the kernel delivers (the host's own ping) meets it at the port's egress
inhost ping -c 2 -W 1 "$ip2" >/dev/null 2>&1 && fail "the host's ping reached guest 2"
inguest 2 ping -c 2 -W 1 "$ip1" >/dev/null || fail "guest 2's own ping (and its reply) failed"
[ "$(hits noping 0)" -ge 2 ] || fail "noping's rule: $(hits noping 0) hits"
expect_fail vnetctl acl-undefine noping	# attached
vnetctl acl-detach default --port vif2.0 >/dev/null || fail "acl-detach"
inguest 1 ping -c 1 -W 1 "$ip2" >/dev/null || fail "guest 1 cannot reach guest 2 after detach"
inhost ping -c 1 -W 1 "$ip2" >/dev/null || fail "the host cannot reach guest 2 after detach"
vnetctl acl-undefine noping >/dev/null || fail "acl-undefine"
[ -f "$TMP/conf/acls/noping.xml" ] && fail "the undefined ACL's file is left"

log "port-add --acl-in: the ACL judges the port from its first frame"
vnetctl acl-define "$TMP/noping.xml" >/dev/null || fail "acl-define noping again"
vnetctl port-del default vif2.0 >/dev/null || fail "port-del vif2.0"
expect_fail vnetctl port-add default vif2.0 --acl-in nosuch
vnetctl port-add default vif2.0 --acl-in noping >/dev/null || fail "port-add --acl-in"
inguest 1 ping -c 2 -W 1 "$ip2" >/dev/null 2>&1 && fail "port-add --acl-in: the ping reached guest 2"
expect_fail vnetctl acl-undefine noping
vnetctl acl-detach default --port vif2.0 --ingress >/dev/null || fail "acl-detach port-add's"
inguest 1 ping -c 1 -W 1 "$ip2" >/dev/null || fail "guest 1 cannot reach guest 2 after detach"
vnetctl acl-undefine noping >/dev/null || fail "acl-undefine noping"

log "default drop with replies of allowed flows"
cat >"$TMP/strict.xml" <<EOF
<acl name='strict' default='drop'>
  <rule action='allow' direction='out' proto='icmp' icmpType='8'/>
  <rule action='allow' direction='out' proto='udp' dport='67'/>
</acl>
EOF
vnetctl acl-define "$TMP/strict.xml" >/dev/null || fail "acl-define strict"
vnetctl acl-attach default --port vif1.0 --ingress strict --egress strict >/dev/null ||
	fail "acl-attach strict"
inguest 1 ping -c 2 -W 1 $WAN_IP >/dev/null || fail "the reply of an allowed ping was dropped"
inguest 1 ping -c 2 -W 1 "$ip2" >/dev/null || fail "guest 2's reply was dropped"
inguest 2 ping -c 2 -W 1 "$ip1" >/dev/null 2>&1 && fail "an unsolicited ping reached guest 1"
vnetctl acl-dumpxml strict | grep -q "default=\"drop\"" || fail "acl-dumpxml: $(vnetctl acl-dumpxml strict)"
vnetctl acl-detach default --port vif1.0 >/dev/null || fail "acl-detach strict"
inguest 2 ping -c 1 -W 1 "$ip1" >/dev/null || fail "guest 2 cannot reach guest 1 after detach"
log "ACLs and attachments survive a vnetd restart"
vnetctl acl-rule-add guard --index 0 drop out icmp dst=$WAN_IP/32 >/dev/null || fail "add drop rule"
inguest 1 ping -c 1 -W 1 $WAN_IP >/dev/null 2>&1 && fail "the drop rule let a ping through"
vnetctl net-dumpxml default | grep -q "egress=.guard" ||
	fail "the attachment is not in the definition: $(vnetctl net-dumpxml default)"
vnetd_stop
vnetd_start
wait_for 50 vnetctl acl-stats guard || fail "guard is gone after the restart"
inguest 1 ping -c 2 -W 1 $WAN_IP >/dev/null 2>&1 && fail "the drop rule is gone after the restart"
[ "$(hits guard 0)" -gt 0 ] || fail "no hits after the restart: $(vnetctl acl-stats guard)"
inguest 1 ping -c 1 -W 1 "$ip2" >/dev/null || fail "guest 1 cannot reach guest 2 after the restart"
log "ok"
