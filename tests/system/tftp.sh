#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# <tftp root>: a guest fetches its boot file from the network's read-only
# TFTP server (busybox tftp, curl with blksize/tsize), byte for byte; a
# hostile guest cannot read outside the root (.., absolute and relative
# symlinks out, a FIFO), cannot write, and the server survives a crash of
# the service child that runs it.
. "$(dirname "$0")/../lib.sh"

world_init
guest_add 1
R=$TMP/tftp
mkdir -p "$R/boot"
head -c 300000 /dev/urandom >"$R/boot/pxelinux.0"
head -c 1024 /dev/urandom >"$R/exact.bin"
echo "outside the root" >"$TMP/secret"
ln -s /etc/passwd "$R/abs-link"
ln -s ../secret "$R/rel-link"
ln -s boot/pxelinux.0 "$R/inner-link"
mkfifo "$R/fifo"
chmod -R a+rX "$R"
cat >"$TMP/pxe.xml" <<XML
<network>
  <name>pxe</name>
  <forward mode='nat'/>
  <ip address='192.168.150.1' prefix='24'>
    <tftp root='$R'/>
    <dhcp>
      <range start='192.168.150.10' end='192.168.150.50'/>
      <bootp file='boot/pxelinux.0'/>
    </dhcp>
  </ip>
</network>
XML
vnetd_start
vnetctl net-define "$TMP/pxe.xml" >/dev/null || fail "net-define pxe"
vnetctl net-start pxe >/dev/null || fail "net-start pxe: $(tail -3 "$TMP/vnetd.log")"
vnetctl port-add pxe vif1.0 >/dev/null || fail "port-add"
guest_dhcp 1 || fail "no lease"
GW=192.168.150.1

log "DHCP names the boot file and the TFTP server (<bootp file>)"
printf '#!/bin/sh\n[ "$1" = bound ] && echo "boot_file=$boot_file siaddr=$siaddr"\nexit 0\n' >"$TMP/bootp.script"
chmod +x "$TMP/bootp.script"
boot=$(inguest 1 busybox udhcpc -i eth0 -n -q -t 4 -T 1 -s "$TMP/bootp.script" 2>/dev/null | grep boot_file)
[ "$boot" = "boot_file=boot/pxelinux.0 siaddr=$GW" ] || fail "DHCP offered '$boot'"

get() { inguest 1 busybox tftp -g -r "$1" -l "$2" $GW; }
inhost ss -ulnp | grep -q ":69 " || { cat "$TMP/vnetd.log" >&2; fail "nothing listens on port 69"; }

log "busybox tftp fetches the boot file (512-byte blocks)"
get boot/pxelinux.0 "$TMP/got1" || { vnetctl stats pxe >&2; tail -20 "$TMP/vnetd.log" >&2; fail "tftp get boot/pxelinux.0"; }
cmp -s "$R/boot/pxelinux.0" "$TMP/got1" || fail "the file differs"
get /boot/pxelinux.0 "$TMP/got1b" || fail "a leading / is the root"
cmp -s "$R/boot/pxelinux.0" "$TMP/got1b" || fail "the file differs (leading /)"
log "blksize 1400 and a file of whole blocks (an empty last DATA)"
inguest 1 busybox tftp -b 1400 -g -r boot/pxelinux.0 -l "$TMP/got2" $GW || fail "tftp -b 1400"
cmp -s "$R/boot/pxelinux.0" "$TMP/got2" || fail "the file differs (blksize 1400)"
get exact.bin "$TMP/got3" || fail "tftp exact.bin"
cmp -s "$R/exact.bin" "$TMP/got3" || fail "exact.bin differs"
get inner-link "$TMP/got4" || fail "a symlink inside the root"
cmp -s "$R/boot/pxelinux.0" "$TMP/got4" || fail "inner-link differs"
if command -v curl >/dev/null; then
	log "curl: blksize and tsize options (OACK)"
	inguest 1 curl -s --max-time 20 --tftp-blksize 1024 -o "$TMP/got5" "tftp://$GW/boot/pxelinux.0" ||
		fail "curl tftp"
	cmp -s "$R/boot/pxelinux.0" "$TMP/got5" || fail "the file differs (curl)"
fi

log "a hostile guest: nothing outside the root, no writes"
for bad in ../secret abs-link rel-link fifo boot nothere "boot/../../secret"; do
	rm -f "$TMP/bad"
	if timeout 20 inguest 1 busybox tftp -g -r "$bad" -l "$TMP/bad" $GW 2>/dev/null; then
		fail "read '$bad' through tftp: $(head -c 60 "$TMP/bad")"
	fi
done
echo "planted" >"$TMP/plant"
chmod a+r "$TMP/plant"
timeout 20 inguest 1 busybox tftp -p -l "$TMP/plant" -r planted $GW 2>/dev/null &&
	fail "a write request was accepted"
[ -e "$R/planted" ] && fail "a guest wrote into the tftp root"

log "the service child dies: the next one serves TFTP again"
child=$(pgrep -P "$VNETD_PID" -f privsep-child | head -1)
[ -n "$child" ] || child=$(pgrep -P "$VNETD_PID" | head -1)
[ -n "$child" ] || fail "no service child"
kill -9 "$child"
ok=""
for _ in $(seq 50); do
	if get boot/pxelinux.0 "$TMP/got6" 2>/dev/null && cmp -s "$R/boot/pxelinux.0" "$TMP/got6"; then
		ok=1; break
	fi
	sleep 0.2
done
[ -n "$ok" ] || fail "no TFTP after the child's restart"

log "net-stop closes the server"
vnetctl net-stop pxe >/dev/null || fail "net-stop"
inhost ss -uln | grep -q ":69 " && fail "port 69 still open after net-stop"
log "ok"
