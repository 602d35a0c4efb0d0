#!/bin/bash
# Operator experience: "make install" into a DESTDIR gives the expected tree;
# the unit passes systemd-analyze verify; the man pages render without
# warnings; vnetd speaks the sd_notify protocol; the installed completion
# completes commands, networks and ports from a running vnetd; the installed
# NSS module resolves a leased guest with "getent hosts" in the host
# namespace, through a private nsswitch.conf in a private mount namespace
# (the machine's /etc/nsswitch.conf is never touched); "make uninstall"
# removes everything it installed.
. "$(dirname "$0")/../lib.sh"
TEST_NAME=install
world_init
D=$TMP/dest
NSS_SUM=$(sha256sum /etc/nsswitch.conf)

# ---- install into DESTDIR ----------------------------------------------------
make -s -C "$ROOT" BUILD="$BUILD" DESTDIR="$D" PREFIX=/usr install >"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; fail "make install failed"; }
for f in usr/sbin/vnetd:755 usr/bin/vnetctl:755 usr/lib/libnss_vnet.so.2:644 \
	usr/lib/systemd/system/vnetd.service:644 usr/lib/sysusers.d/vnet.conf:644 \
	usr/share/man/man8/vnetd.8:644 usr/share/man/man8/vnetctl.8:644 \
	usr/share/man/man5/vnet-network.xml.5:644 usr/share/bash-completion/completions/vnetctl:644 \
	usr/share/doc/vnet/operations.md:644; do
	[ -f "$D/${f%:*}" ] || fail "not installed: /${f%:*}"
	[ "$(stat -c %a "$D/${f%:*}")" = "${f#*:}" ] || fail "/${f%:*} has mode $(stat -c %a "$D/${f%:*}")"
done
unit=$D/usr/lib/systemd/system/vnetd.service
grep -qx 'ExecStart=/usr/sbin/vnetd --foreground' "$unit" || fail "unit ExecStart does not use PREFIX"
grep -q '@[A-Z]*@' "$unit" && fail "unit has an unsubstituted placeholder"
grep -qx 'Type=notify' "$unit" || fail "unit is not Type=notify"
grep -q '^g vnet ' "$D/usr/lib/sysusers.d/vnet.conf" || fail "sysusers.d does not create group vnet"
syms=$(nm -D --defined-only "$D/usr/lib/libnss_vnet.so.2" | awk '{print $3}' | sort | tr '\n' ' ')
[ "$syms" = "_nss_vnet_gethostbyname2_r _nss_vnet_gethostbyname3_r _nss_vnet_gethostbyname4_r _nss_vnet_gethostbyname_r " ] ||
	fail "NSS module exports: $syms"
log "install tree ok"

# ---- the unit ----------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	# verify checks ExecStart on the real root: point it at the DESTDIR binary.
	sed "s|^ExecStart=/usr/sbin/|ExecStart=$D/usr/sbin/|" "$unit" >"$TMP/vnetd.service"
	out=$(systemd-analyze verify --man=no "$TMP/vnetd.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
	score=$(systemd-analyze security --offline=yes --root="$D" vnetd.service 2>/dev/null |
		sed -n 's/.*Overall exposure level for vnetd.service: \([0-9.]*\).*/\1/p')
	log "unit verified; systemd-analyze security exposure $score"
	awk -v s="$score" 'BEGIN { exit !(s != "" && s < 4.0) }' ||
		fail "unit exposure '$score' is not below 4.0 (hardening lost?)"
else
	log "unit check skipped: systemd-analyze is not installed"
fi

# ---- man pages ---------------------------------------------------------------
for m in man8/vnetd.8 man8/vnetctl.8 man5/vnet-network.xml.5; do
	f=$D/usr/share/man/$m
	out=$(groff -man -Tutf8 -ww -z "$f" 2>&1); [ -z "$out" ] || fail "groff warns on $m: $out"
	out=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >"$TMP/man.txt") || fail "man -l $m failed: $out"
	[ -z "$out" ] || fail "man -l warns on $m: $out"
	for s in NAME SYNOPSIS DESCRIPTION FILES "SEE ALSO" STANDARDS "RFC 2131" "RFC 2132" "RFC 1035"; do
		grep -q "$s" "$TMP/man.txt" || fail "$m lacks $s"
	done
done
log "man pages render without warnings"

# ---- vnetctl help at every level and suggestions -----------------------------
V=$D/usr/bin/vnetctl
"$V" net-start --help | grep -q '^usage: .*net-start NET' || fail "net-start --help"
"$V" help port-add | grep -q 'port-add NET IFNAME' || fail "help port-add"
"$V" --help | grep -q 'net-list' || fail "vnetctl --help lacks commands"
out=$("$V" nte-lsit 2>&1) && fail "unknown command succeeded"
[ "$out" = "vnetctl: unknown command 'nte-lsit'; did you mean 'net-list'? (see: vnetctl help)" ] ||
	fail "no suggestion: $out"
out=$("$V" net 2>&1) && fail "ambiguous command succeeded"
echo "$out" | grep -q "ambiguous command 'net': could be .*net-start" || fail "ambiguity: $out"

# ---- sd_notify: READY after the socket listens, WATCHDOG from the tick ------
python3 - "$TMP/notify.sock" "$TMP/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(0.5)
with open(sys.argv[2], "a") as f:
    end = time.time() + 60
    while time.time() < end:
        try:
            f.write(s.recv(4096).decode() + "\n---\n"); f.flush()
        except socket.timeout:
            pass
PY
NOTIFY_PID=$!
wait_for 50 test -S "$TMP/notify.sock" || fail "notify listener did not start"
NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=2000000 vnetd_start
wait_for 40 grep -q WATCHDOG=1 "$TMP/notify.log" || fail "no WATCHDOG=1 from vnetd"
grep -q "^READY=1" "$TMP/notify.log" || fail "no READY=1 from vnetd"
grep -q "^STATUS=listening on $TMP/run/vnetd.sock" "$TMP/notify.log" || fail "no STATUS= line"
log "sd_notify: READY=1, STATUS=, WATCHDOG=1 received"

# ---- completion against the running vnetd -----------------------------------
cat >"$TMP/opsnet.xml" <<'X'
<network><name>opsnet</name><bridge name='vnbr9'/></network>
X
vnetctl net-define "$TMP/opsnet.xml" >/dev/null || fail "net-define opsnet"
vnetctl net-start default >/dev/null || fail "net-start default"
guest_add 1
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
complete_words() { # complete_words WORD... : COMPREPLY for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vnetctl
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$D/usr/share/bash-completion/completions/vnetctl" "$V" --socket "$TMP/run/vnetd.sock" "$@"
}
bash -c ". '$D/usr/share/bash-completion/completions/vnetctl'; complete -p vnetctl" | grep -q _vnetctl ||
	fail "completion script does not register for vnetctl"
got=$(complete_words net-st | tr '\n' ' ')
[ "$got" = "net-start net-stop " ] || fail "verb completion: '$got'"
got=$(complete_words net-info ops | tr '\n' ' ')
[ "$got" = "opsnet " ] || fail "network name completion: '$got'"
got=$(complete_words net-start "" | sort | tr '\n' ' ')
[ "$got" = "default opsnet " ] || fail "network list completion: '$got'"
got=$(complete_words port-del default "" | tr '\n' ' ')
[ "$got" = "vif1.0 " ] || fail "port completion: '$got'"
got=$(complete_words port-add default vif1.0 --hook "" | tr '\n' ' ')
[ "$got" = "auto tc xdp " ] || fail "--hook completion: '$got'"
complete_words port-add default vif1.0 --h | grep -qx -- --hook || fail "port-add lacks --hook"
log "completion: commands, networks, ports, --hook"

# ---- NSS: a leased guest by name, in the host namespace ----------------------
guest_dhcp 1 opsguest1 || fail "guest 1 got no lease"
ip1=$(guest_ip 1)
printf 'passwd: files\ngroup: files\nhosts: files vnet\n' >"$TMP/nsswitch.conf"
nss_getent() { # resolve in the host ns with the private nsswitch.conf
	inhost unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf && shift &&
		LD_LIBRARY_PATH="$0" VNET_STATE_DIR="$1" exec getent "$2" "$3"' \
		"$D/usr/lib" "$TMP/nsswitch.conf" "$TMP/state" "$@"
}
wait_for 30 grep -q opsguest1 "$TMP/state/leases/default.leases" || fail "lease not on disk"
got=$(nss_getent hosts opsguest1) || fail "getent hosts opsguest1 failed"
[ "$(echo "$got" | awk '{print $1}')" = "$ip1" ] || fail "opsguest1 -> '$got', expected $ip1"
got=$(nss_getent ahostsv4 OPSGUEST1 | awk 'NR == 1 {print $1}')
[ "$got" = "$ip1" ] || fail "getaddrinfo OPSGUEST1 -> '$got', expected $ip1"
nss_getent hosts nosuchguest >/dev/null && fail "an unknown name resolved"
vnetctl net-stop default >/dev/null || fail "net-stop default"
nss_getent hosts opsguest1 >/dev/null && fail "a stopped network's guest still resolves"
[ "$(sha256sum /etc/nsswitch.conf)" = "$NSS_SUM" ] || fail "/etc/nsswitch.conf changed"
log "NSS: opsguest1 -> $ip1 while the network runs, nothing after net-stop"
# SIGTERM the daemon itself (its pid file), then let lib.sh forget it.
vpid=$(cat "$TMP/run/vnetd.pid")
kill "$vpid" && wait_for 50 sh -c "! kill -0 $vpid" || fail "vnetd did not exit on SIGTERM"
vnetd_stop
wait_for 20 grep -q "^STOPPING=1" "$TMP/notify.log" || { tail -n 5 "$TMP/notify.log" "$TMP/vnetd.log"; fail "no STOPPING=1 at exit"; }
kill "$NOTIFY_PID" 2>/dev/null; wait "$NOTIFY_PID" 2>/dev/null

# ---- uninstall ---------------------------------------------------------------
make -s -C "$ROOT" BUILD="$BUILD" DESTDIR="$D" PREFIX=/usr uninstall >>"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; fail "make uninstall failed"; }
left=$(find "$D" -type f)
[ -z "$left" ] || fail "uninstall left: $left"
log "ok"
