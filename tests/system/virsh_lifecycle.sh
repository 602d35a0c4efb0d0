#!/bin/bash
# Lifecycle with libvirt's meaning (issue 17 part 2): net-create makes a
# transient network (never in the conf dir, gone when stopped, adopted by a
# restarted vnetd); net-define of an active network is accepted and applies
# at its next start (net-dumpxml --inactive shows it meanwhile); net-undefine
# of an active network leaves it running as transient; net-edit runs
# $EDITOR on the definition, validates and applies it.
. "$(dirname "$0")/../lib.sh"
world_init
vnetd_start

net_xml() { # NAME BRIDGE SUBNET(3 octets) [DHCP END]
	cat <<X
<network>
  <name>$1</name>
  <bridge name='$2'/>
  <ip address='$3.1' netmask='255.255.255.0'>
    <dhcp><range start='$3.10' end='$3.${4:-20}'/></dhcp>
  </ip>
</network>
X
}

# net-create: transient
net_xml tr vnbr5 10.55.0 >"$TMP/tr.xml"
vnetctl net-create "$TMP/tr.xml" | grep -q "Network tr created from" || fail "net-create"
inhost ip -4 addr show vnbr5 | grep -q 10.55.0.1/24 || fail "transient network not running"
vnetctl net-list | grep -Eq '^tr +active +no +no' || fail "net-list: $(vnetctl net-list)"
[ "$(vnetctl net-list --transient --name)" = tr ] || fail "--transient"
vnetctl net-info tr | grep -Eq '^Persistent: +no$' || fail "net-info: $(vnetctl net-info tr)"
ls "$TMP/conf/networks" | grep -q '^tr\.' && fail "a transient network was stored in the conf dir"
expect_fail vnetctl net-create "$TMP/tr.xml" # exists
expect_fail vnetctl net-autostart tr	  # libvirt: transient networks cannot autostart
# a restarted vnetd adopts it, still transient
vnetd_stop
vnetd_start
vnetctl net-list | grep -Eq '^tr +active +no +no' || fail "transient network lost across a restart: $(vnetctl net-list --all)"
vnetctl net-destroy tr >/dev/null || fail "net-destroy tr"
vnetctl net-list --all | grep -q '^tr ' && fail "a stopped transient network is still listed"
inhost ip link show vnbr5 >/dev/null 2>&1 && fail "vnbr5 left behind"
expect_fail vnetctl net-start tr
ls "$TMP/state/running" | grep -q '^tr\.' && fail "running state of tr left behind"

# net-define of an active network: pending until its next start
net_xml pe vnbr6 10.56.0 >"$TMP/pe.xml"
vnetctl net-define "$TMP/pe.xml" >/dev/null || fail "define pe"
vnetctl net-start pe >/dev/null || fail "start pe"
net_xml pe vnbr6 10.56.0 30 >"$TMP/pe2.xml"
vnetctl net-define "$TMP/pe2.xml" >/dev/null || fail "redefining an active network was refused"
vnetctl net-dumpxml pe | grep -q "10.56.0.20" || fail "the running definition changed before a restart"
vnetctl net-dumpxml --inactive pe | grep -q "10.56.0.30" || fail "dumpxml --inactive lacks the pending definition"
grep -q 10.56.0.30 "$TMP/conf/networks/pe.xml" || fail "the pending definition was not stored"
# ...kept across a vnetd restart, both of them
vnetd_stop
vnetd_start
vnetctl net-dumpxml pe | grep -q "10.56.0.20" || fail "running definition lost across a restart"
vnetctl net-dumpxml --inactive pe | grep -q "10.56.0.30" || fail "pending definition lost across a restart"
vnetctl net-stop pe >/dev/null && vnetctl net-start pe >/dev/null || fail "restart pe"
vnetctl net-dumpxml pe | grep -q "10.56.0.30" || fail "the new definition did not apply at the next start"

# net-undefine of an active network: it runs on as transient
vnetctl net-undefine pe >/dev/null || fail "net-undefine of an active network refused"
[ -e "$TMP/conf/networks/pe.xml" ] && fail "definition still stored"
vnetctl net-list | grep -Eq '^pe +active +no +no' || fail "pe not running as transient: $(vnetctl net-list)"
inhost ip -4 addr show vnbr6 | grep -q 10.56.0.1/24 || fail "pe's bridge went away"
vnetctl net-stop pe >/dev/null || fail "stop pe"
vnetctl net-list --all | grep -q '^pe ' && fail "pe still listed after its stop"

# net-edit: $EDITOR on the XML, validated, applied as net-define
net_xml ed vnbr7 10.57.0 >"$TMP/ed.xml"
vnetctl net-define "$TMP/ed.xml" >/dev/null || fail "define ed"
EDITOR="sed -i s/10.57.0.20/10.57.0.40/" vnetctl net-edit ed | grep -q "Network ed XML configuration edited" ||
	fail "net-edit"
vnetctl net-dumpxml ed | grep -q "10.57.0.40" || fail "net-edit not applied"
out=$(EDITOR=true vnetctl net-edit ed) || fail "net-edit without change"
grep -q "not changed" <<<"$out" || fail "unchanged edit: $out"
# an invalid edit: the errors, the file kept, nothing applied, exit 1
out=$(EDITOR="sed -i s/10.57.0.40/10.99.0.40/" vnetctl net-edit ed </dev/null 2>&1) && fail "an invalid edit was applied"
grep -q "10.99.0.40" <<<"$out" || fail "the error does not say what is wrong: $out"
kept=$(grep -o '/[^ ]*\.xml' <<<"$out" | head -1)
[ -f "$kept" ] && grep -q 10.99.0.40 "$kept" || fail "the edited file was not kept: $out"
rm -f "$kept"
vnetctl net-dumpxml ed | grep -q "10.57.0.40" || fail "an invalid edit changed the definition"
log "ok"
