#!/bin/bash
# A libvirt <dhcp> with static <host>s and no <range> (issue 17): vnetd runs
# its DHCP server and serves only the hosts. A host by MAC gets its address
# and name; a guest that is no host gets nothing.
. "$(dirname "$0")/../lib.sh"
world_init
guest_add 1 52:54:00:00:00:31
guest_add 2 52:54:00:00:00:32
vnetd_start
cat >"$TMP/ho.xml" <<XML
<network>
  <name>ho</name>
  <forward mode='nat'/>
  <bridge name='vnbrho'/>
  <ip address='192.168.151.1' netmask='255.255.255.0'>
    <dhcp>
      <host mac='52:54:00:00:00:31' name='fixed' ip='192.168.151.31'/>
    </dhcp>
  </ip>
</network>
XML
vnetctl net-define "$TMP/ho.xml" >/dev/null || fail "net-define"
vnetctl net-start ho >/dev/null || fail "net-start"
for i in 1 2; do vnetctl port-add ho "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done

guest_dhcp 1 || fail "the static host got no lease"
[ "$(guest_ip 1)" = 192.168.151.31 ] || fail "the static host got '$(guest_ip 1)'"
grep -q "hostname=fixed" "$TMP/udhcpc-g1.log" || fail "no hostname fixed: $(cat "$TMP/udhcpc-g1.log")"
vnetctl leases ho | grep -q '192.168.151.31' || fail "leases does not list the host"
if guest_dhcp 2; then fail "a guest that is no host got '$(guest_ip 2)'"; fi
[ "$(net_stat ho dhcp.rx_discover)" -ge 2 ] || fail "discovers not counted"
log "ok"
