#!/bin/bash
# The DHCP and DNS parts of libvirt's network XML, honoured by vnetd's
# services with real clients (issue 17): several <range>s with their own
# <lease> (expiry='0': infinite, "never" in leases), <host> by name and a
# <host> without ip (name and lease only), <bootp>, a DHCP <option>; <srv>,
# <txt>, several <hostname>s, an IPv6 <dns><host> (AAAA), <forwarder
# domain addr> (that domain to that server), <forwarder domain> (local
# only), forwardPlainNames='no', unknown names of the <domain> forwarded
# (no localOnly); and a network with <dns enable='no'>: no DNS server, no
# DNS server in its DHCP replies.
. "$(dirname "$0")/../lib.sh"
HERE=$(dirname "$0")
world_init
guest_add 1 52:54:00:00:00:31
guest_add 2 52:54:00:00:00:32
guest_add 3 52:54:00:00:00:33
guest_add 4 52:54:00:00:00:34
guest_add 5 52:54:00:00:00:35
vnetd_start
GW=192.168.152.1
cat >"$TMP/sv.xml" <<XML
<network>
  <name>sv</name>
  <forward mode='nat'/>
  <bridge name='vnbrsv'/>
  <domain name='svc.test'/>
  <dns forwardPlainNames='no'>
    <forwarder domain='corp.test' addr='203.0.113.4'/>
    <forwarder domain='lan'/>
    <host ip='192.168.152.77'><hostname>a1</hostname><hostname>a2</hostname></host>
    <host ip='fd00::5'><hostname>six</hostname></host>
    <txt name='info' value='hello world'/>
    <srv service='http' protocol='tcp' target='web.svc.test' port='8080' priority='10' weight='20'/>
  </dns>
  <ip address='$GW' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.152.10' end='192.168.152.11'>
        <lease expiry='2' unit='hours'/>
      </range>
      <range start='192.168.152.100' end='192.168.152.100'>
        <lease expiry='0'/>
      </range>
      <host name='byname' ip='192.168.152.60'/>
      <host mac='52:54:00:00:00:34' name='noip'>
        <lease expiry='5' unit='minutes'/>
      </host>
      <bootp file='pxelinux.0' server='192.168.152.2'/>
      <option number='42' value='192.168.152.1'/>
    </dhcp>
  </ip>
</network>
XML
cat >"$TMP/nd.xml" <<XML
<network>
  <name>nd</name>
  <forward mode='nat'/>
  <bridge name='vnbrnd'/>
  <dns enable='no'/>
  <ip address='192.168.153.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.153.10' end='192.168.153.20'/></dhcp>
  </ip>
</network>
XML
for n in sv nd; do
	vnetctl net-define "$TMP/$n.xml" >/dev/null || fail "net-define $n"
	vnetctl net-start $n >/dev/null || fail "net-start $n"
done
for i in 1 2 3 4; do vnetctl port-add sv "vif$i.0" >/dev/null || fail "port-add vif$i.0"; done
vnetctl port-add nd vif5.0 >/dev/null || fail "port-add vif5.0"

# the default upstream (resolv.conf) and corp.test's own, each logging
inwan ip addr add 203.0.113.3/24 dev eth0
inwan ip addr add 203.0.113.4/24 dev eth0
inwan ip addr add 203.0.113.5/24 dev eth0
inwan /usr/bin/python3 "$HERE/dns_upstream.py" $WAN_IP 203.0.113.3 "$TMP/up.log" >"$TMP/up.out" 2>&1 &
inwan /usr/bin/python3 "$HERE/dns_upstream.py" 203.0.113.4 203.0.113.5 "$TMP/corp.log" \
	>"$TMP/corp.out" 2>&1 &
wait_for 50 grep -q ready "$TMP/up.out" || fail "upstream did not start"
wait_for 50 grep -q ready "$TMP/corp.out" || fail "corp upstream did not start"

# dhcp N [hostname]: udhcpc in guest N; what it was given in $TMP/env-gN
cat >"$TMP/env.script" <<'SH'
#!/bin/sh
case "$1" in bound|renew)
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	env | grep -E '^(ip|lease|siaddr|boot_file|ntpsrv|dns|hostname|router)=' | sort >"$ENVOUT"
esac
exit 0
SH
chmod +x "$TMP/env.script"
dhcp() {
	local n=$1 x=()
	[ -n "${2:-}" ] && x=(-x "hostname:$2")
	inguest "$n" env ENVOUT="$TMP/env-g$n" busybox udhcpc -i eth0 -n -q -t 6 -T 1 -A 1 \
		-O ntpsrv -O bootfile "${x[@]}" -s "$TMP/env.script" >"$TMP/udhcpc-g$n.log" 2>&1
}
val() { sed -n "s/^$2=//p" "$TMP/env-g$1"; }

# ---- DHCP ----------------------------------------------------------------------
dhcp 1 || fail "guest 1 got no lease"
[ "$(val 1 ip)" = 192.168.152.10 ] && [ "$(val 1 lease)" = 7200 ] ||
	fail "guest 1: $(cat "$TMP/env-g1")"
[ "$(val 1 siaddr)" = 192.168.152.2 ] && [ "$(val 1 boot_file)" = pxelinux.0 ] ||
	fail "guest 1: no bootp: $(cat "$TMP/env-g1")"
[ "$(val 1 ntpsrv)" = 192.168.152.1 ] || fail "guest 1: option 42 missing: $(cat "$TMP/env-g1")"
[ "$(val 1 dns)" = $GW ] || fail "guest 1: no DNS server offered"
dhcp 4 || fail "guest 4 (host without ip) got no lease"
[ "$(val 4 ip)" = 192.168.152.11 ] && [ "$(val 4 lease)" = 300 ] && [ "$(val 4 hostname)" = noip ] ||
	fail "guest 4: $(cat "$TMP/env-g4")"
dhcp 2 || fail "guest 2 got no lease from the second range"
[ "$(val 2 ip)" = 192.168.152.100 ] && [ "$(val 2 lease)" = 4294967295 ] ||
	fail "guest 2 (infinite): $(cat "$TMP/env-g2")"
dhcp 3 byname || fail "guest 3 (host by name) got no lease"
[ "$(val 3 ip)" = 192.168.152.60 ] || fail "guest 3: $(cat "$TMP/env-g3")"
vnetctl leases sv | grep '192.168.152.100' | grep -q never || fail "leases: $(vnetctl leases sv)"
vnetctl leases sv | grep '192.168.152.10/' | grep -qv never || fail "leases: $(vnetctl leases sv)"

# ---- DNS -----------------------------------------------------------------------
d() { inguest 1 dig +time=2 +tries=2 @$GW "$@"; }
ask() { d +short "$@" | head -1; }
rcode() { d "$@" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }
[ "$(ask SRV _http._tcp.svc.test)" = "10 20 8080 web.svc.test." ] ||
	fail "SRV: '$(ask SRV _http._tcp.svc.test)'"
[ "$(ask TXT info.svc.test)" = '"hello world"' ] || fail "TXT: '$(ask TXT info.svc.test)'"
[ "$(ask AAAA six.svc.test)" = fd00::5 ] || fail "AAAA: '$(ask AAAA six.svc.test)'"
[ "$(ask a1.svc.test)" = 192.168.152.77 ] && [ "$(ask a2)" = 192.168.152.77 ] ||
	fail "several hostnames of one <host>"
[ "$(ask byname.svc.test)" = 192.168.152.60 ] || fail "the host by name has no DNS name"
[ "$(ask www.corp.test)" = 10.10.10.10 ] || fail "corp.test not answered"
grep -q ' www.corp.test ' "$TMP/corp.log" && ! grep -q ' www.corp.test ' "$TMP/up.log" ||
	fail "corp.test did not go to its own server only"
[ "$(rcode printer.lan)" = NXDOMAIN ] || fail "a local-only domain: $(rcode printer.lan)"
[ "$(rcode plainname)" = NXDOMAIN ] || fail "a plain name: $(rcode plainname)"
[ "$(ask unknown.svc.test)" = 10.10.10.10 ] || fail "unknown name of the domain not forwarded"
! grep -qE ' (printer.lan|plainname) ' "$TMP/up.log" "$TMP/corp.log" || fail "local names forwarded"
[ "$(ask www.example.com)" = 10.10.10.10 ] || fail "default upstream"

# ---- <dns enable='no'> ---------------------------------------------------------------
dhcp 5 || fail "guest 5 got no lease"
[ -z "$(val 5 dns)" ] || fail "a network without DNS offered a DNS server: $(val 5 dns)"
inguest 5 dig +time=1 +tries=1 @192.168.153.1 www.example.com >"$TMP/nd.dig" 2>&1 &&
	grep -q 'status:' "$TMP/nd.dig" && fail "a DNS server answers on a network without DNS"
log "ok"
