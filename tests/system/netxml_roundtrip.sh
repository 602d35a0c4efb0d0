#!/bin/bash
# libvirt's own network XML test inputs (tests/netxml/) through vnetd: each
# is defined, dumped, defined again from the dump and dumped again (the same
# canonical XML); the inputs of modes vnet does not run are refused with a
# message naming what to use; a document with several problems gets them
# all, each with its line; a subnet another *inactive* network uses is no
# reason to refuse a definition (libvirt checks at start), an active one is.
. "$(dirname "$0")/../lib.sh"
world_init
vnetd_start

n=0
for f in "$ROOT"/tests/netxml/*.xml; do
	n=$((n + 1))
	name="nx$n"
	# own names: several inputs are called "default", which vnetd has
	sed "s|<name>[^<]*</name>|<name>$name</name>|" "$f" >"$TMP/in.xml"
	out=$(vnetctl net-define "$TMP/in.xml" 2>&1) || fail "$(basename "$f") refused: $out"
	vnetctl net-dumpxml "$name" >"$TMP/d1.xml" || fail "net-dumpxml $name"
	grep -q "<name>$name</name>" "$TMP/d1.xml" || fail "$(basename "$f"): dump lacks the name"
	out=$(vnetctl net-define "$TMP/d1.xml" 2>&1) || fail "$(basename "$f"): own dump refused: $out"
	vnetctl net-dumpxml "$name" >"$TMP/d2.xml" || fail "net-dumpxml $name (2)"
	cmp -s "$TMP/d1.xml" "$TMP/d2.xml" ||
		fail "$(basename "$f"): dump of the dump differs: $(diff "$TMP/d1.xml" "$TMP/d2.xml")"
	vnetctl net-undefine "$name" || fail "net-undefine $name"
done
[ "$n" -ge 25 ] || fail "only $n libvirt inputs"
log "$n libvirt inputs defined, dumped and redefined"

want_refused() { # FILE MESSAGE
	out=$(vnetctl net-define "$ROOT/tests/netxml/refused/$1" 2>&1) && fail "$1 accepted"
	echo "$out" | grep -q "$2" || fail "$1: unclear refusal: $out"
	echo "$out" | grep -q "line [0-9]*: " || fail "$1: refusal without a line: $out"
}
want_refused 8021Qbh-net.xml "forward mode 'private'.*bridge name"
want_refused vepa-net.xml "forward mode 'vepa'"
want_refused passthrough-pf.xml "forward mode 'passthrough'"
want_refused passthrough-address-crash.xml "forward mode 'passthrough'"
want_refused hostdev.xml "forward mode 'hostdev'.*<hostdev>"
want_refused hostdev-pf-driver-model.xml "forward mode 'hostdev'"
want_refused openvswitch-net.xml "<virtualport> is not supported"
want_refused dnsmasq-options.xml "does not run dnsmasq"
vnetctl net-list | grep -q '^nx' && fail "a refused or undefined network is listed"

# every problem, each with its line, in one answer
cat >"$TMP/bad.xml" <<'X'
<network>
  <name>bad</name>
  <bridge name='vnbr7' foo='1'/>
  <mtu size='70000'/>
  <ip address='10.9.0.1' prefix='24'>
    <dhcp>
      <range start='10.9.1.2' end='10.9.1.9'/>
    </dhcp>
  </ip>
  <zzz/>
</network>
X
out=$(vnetctl net-define "$TMP/bad.xml" 2>&1) && fail "bad.xml accepted"
for want in "line 3: unsupported attribute 'foo' in <bridge>" \
	"line 4: invalid number '70000' in <mtu size>" "line 10: unsupported element <zzz>"; do
	echo "$out" | grep -qF "$want" || fail "missing '$want' in: $out"
done
sed -i "s/ foo='1'//; s/70000/1500/; s|<zzz/>||" "$TMP/bad.xml"
out=$(vnetctl net-define "$TMP/bad.xml" 2>&1) && fail "range outside the subnet accepted"
echo "$out" | grep -qF "line 7: <range start='10.9.1.2' end='10.9.1.9'> is not inside" ||
	fail "semantic error without its line: $out"

# accepted without effect: net-define says so (stderr), net-info lists it
sed "s|<name>[^<]*</name>|<name>warned</name>|" "$ROOT/tests/netxml/nat-network-explicit-flood.xml" >"$TMP/w.xml"
vnetctl net-define "$TMP/w.xml" >"$TMP/w.out" 2>"$TMP/w.err" || fail "warned.xml refused: $(cat "$TMP/w.err")"
grep -q "Network warned defined" "$TMP/w.out" || fail "no define message: $(cat "$TMP/w.out")"
grep -q "warning: <bridge macTableManager> has no effect" "$TMP/w.err" ||
	fail "net-define printed no warning: $(cat "$TMP/w.err")"
vnetctl --json net-info warned | grep -q "macTableManager" || fail "net-info lists no warning"
vnetctl net-undefine warned || fail "net-undefine warned"

# an inactive network's subnet does not block a definition; an active one does
sed "s|<name>[^<]*</name>|<name>same</name>|" "$ROOT/tests/netxml/nat-network.xml" >"$TMP/same.xml"
out=$(vnetctl net-define "$TMP/same.xml" 2>&1) ||
	fail "subnet of the inactive default network refused: $out"
vnetctl net-undefine same || fail "net-undefine same"
vnetctl net-start default || fail "net-start default"
out=$(vnetctl net-define "$TMP/same.xml" 2>&1) && fail "subnet of the active default accepted"
echo "$out" | grep -q "already used by network default" || fail "unclear conflict: $out"
vnetctl net-stop default || fail "net-stop default"
log "ok"
