#!/bin/bash
# Bad input and persistence: refused definitions store nothing, clear
# errors for missing devices/networks, a single daemon per socket, and
# definitions that survive a daemon restart.
. "$(dirname "$0")/../lib.sh"
world_init

# vnetctl without a daemon: clear message, non-zero exit.
out=$(vnetctl net-list 2>&1) && fail "vnetctl succeeded without a daemon"
echo "$out" | grep -q "cannot connect to vnetd" || fail "unclear no-daemon error: $out"

vnetd_start
# A second daemon on the same run dir/socket must refuse to start.
if inhost_net "$BUILD/vnetd" --foreground --conf-dir "$TMP/conf2" --state-dir "$TMP/state2" \
	--run-dir "$TMP/run" --pin-dir "$PIN_DIR" --metrics off >"$TMP/second.log" 2>&1; then
	fail "a second vnetd started on the same socket"
fi
grep -q "already" "$TMP/second.log" || fail "unclear second-daemon error: $(cat "$TMP/second.log")"

cat >"$TMP/bad.xml" <<'X'
<network><name>bad</name><vlan><tag id='5'/></vlan>
<ip address='10.9.0.1' netmask='255.255.255.0'/></network>
X
out=$(vnetctl net-define "$TMP/bad.xml" 2>&1) && fail "unsupported XML accepted"
echo "$out" | grep -q "vlan" || fail "error does not name the element: $out"
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "error is not one line: $out"
printf '<network><name>broken' >"$TMP/broken.xml"
expect_fail vnetctl net-define "$TMP/broken.xml"
vnetctl net-list --all | grep -q '^bad ' && fail "refused network was stored"
ls "$TMP/conf/networks" | grep -q bad && fail "refused network left a file"

expect_fail vnetctl net-start nosuchnet
out=$(vnetctl net-start nosuchnet 2>&1); echo "$out" | grep -q "not found" || fail "unclear: $out"
vnetctl net-start default || fail "net-start default"
out=$(vnetctl port-add default nosuchdev0 2>&1) && fail "port-add of a missing device succeeded"
echo "$out" | grep -q "nosuchdev0" || fail "unclear port-add error: $out"
expect_fail vnetctl port-add default
out=$(vnetctl forward-add default sctp 80 192.168.122.5:80 2>&1) && fail "forward-add sctp accepted"
echo "$out" | grep -q "sctp" || fail "unclear forward-add error: $out"
out=$(vnetctl host-add default zz:zz 192.168.122.5 2>&1) && fail "host-add with a bad MAC accepted"
echo "$out" | grep -q "zz:zz" || fail "unclear host-add error: $out"

cat >"$TMP/iso.xml" <<'X'
<network>
  <name>iso</name>
  <bridge name='vnbr9'/>
  <ip address='10.77.0.1' netmask='255.255.255.0'>
    <dhcp><range start='10.77.0.10' end='10.77.0.20'/></dhcp>
  </ip>
</network>
X
vnetctl net-define "$TMP/iso.xml" || fail "cannot define isolated network"
vnetctl net-dumpxml iso | grep -q "10.77.0.10" || fail "dumpxml lacks the range"

# Restart: definitions and the running default network come back.
vnetd_stop
inhost ip link show vnbr0 >/dev/null 2>&1 || fail "vnbr0 went away when vnetd stopped"
vnetd_start
vnetctl net-list --all | grep -q '^iso ' || fail "iso definition lost across restart"
vnetctl --json net-info default | grep -q '"active":true' || fail "default not adopted as active"
vnetctl net-stop default || fail "net-stop default"
vnetctl net-undefine iso || fail "net-undefine iso"
vnetctl net-list --all | grep -q '^iso ' && fail "iso still listed after undefine"
log "ok"
