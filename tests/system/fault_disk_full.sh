#!/bin/bash
# The state dir on a full disk: vnetd runs in a private mount namespace
# whose state dir is a tiny tmpfs (nothing of it is visible outside or
# outlives vnetd). With the disk full, new guests still get leases, the
# write errors are counted (dhcp store_errors) and logged once, the lease
# file stays entirely old, no temp file is left; once space is freed the
# file is rewritten whole, with every acknowledged lease.
. "$(dirname "$0")/../lib.sh"
command -v unshare >/dev/null || skip "unshare not installed"
world_init
guest_add 1
guest_add 2
guest_add 3

# vnetd_start_tmpfs: like vnetd_start, with $TMP/state on a 64 KiB tmpfs.
vnetd_start_tmpfs() {
	(exec unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=64k,mode=0755 vnet-state "$1" || exit 1
		shift; exec "$@"' sh "$TMP/state" \
		nsenter --net="/run/netns/$HOST" "$BUILD/vnetd" --foreground --conf-dir "$TMP/conf" \
		--state-dir "$TMP/state" --run-dir "$TMP/run" --pin-dir "$PIN_DIR" \
		--resolv-conf "$TMP/resolv.conf" >>"$TMP/vnetd.log" 2>&1) &
	VNETD_PID=$!
	# 60 s as vnetd_start: loading the programs takes 5-10 s, more at load 10+
	wait_for 600 vnetctl net-list || { cat "$TMP/vnetd.log" >&2; fail "vnetd did not come up"; }
}
# instate CMD...: run CMD in vnetd's mount namespace (sees the tmpfs)
instate() { nsenter --mount="/proc/$VNETD_PID/ns/mnt" "$@"; }
lf="$TMP/state/leases/default.leases"
counter() {
	vnetctl --json stats default | python3 -c '
import json, sys; print(json.load(sys.stdin)[0]["dhcp"]["store_errors"])'
}
# check_file MAC...: the lease file parses whole and holds each MAC
check_file() {
	instate cat "$lf" >"$TMP/leases.copy" || fail "cannot read the lease file"
	python3 - "$TMP/leases.copy" "$@" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "file does not end with a newline"
rows = [l for l in lines[:-1] if l and not l.startswith("#")]
assert all(len(l.split()) >= 4 for l in rows), "malformed row"
text = "\n".join(rows).lower()
missing = [m for m in sys.argv[2:] if m not in text]
assert not missing, "missing leases %s" % missing
PY
}

vnetd_start_tmpfs
instate mountpoint -q "$TMP/state" || fail "the state dir is not the test tmpfs"
mountpoint -q "$TMP/state" && fail "the tmpfs leaked out of vnetd's mount namespace"
vnetctl net-start default >/dev/null || fail "net-start"
for i in 1 2 3; do vnetctl port-add default vif$i.0 >/dev/null || fail "port-add vif$i.0"; done
guest_dhcp 1 guest1 || fail "no lease for guest1"
check_file 52:54:00:00:00:01 || fail "first lease not written"
# Leases are appended to the file between full saves (docs/dhcp.md): an
# append that fits in the file's last block needs no space and succeeds on
# a full disk (the lease is then on disk, as it should be). A comment pads
# the file to a block boundary, so that the next append needs a new block.
instate python3 -c '
import os, sys
n = os.path.getsize(sys.argv[1]) + 1
pad = (-n) % 4096 or 4096
with open(sys.argv[1], "a") as f:
    f.write("#" + "x" * (pad - 1) + "\n")' "$lf" || fail "cannot pad the lease file"
instate cat "$lf" >"$TMP/leases.before"
[ $(($(stat -c %s "$TMP/leases.before") % 4096)) = 0 ] || fail "the lease file is not padded"

log "fill the disk"
instate dd if=/dev/zero of="$TMP/state/fill" bs=4k >/dev/null 2>&1
instate sh -c "echo x >> '$TMP/state/probe'" 2>/dev/null && fail "the disk is not full"
guest_dhcp 2 guest2 || fail "no lease for guest2 while the disk is full"
guest_dhcp 3 guest3 || fail "no lease for guest3 while the disk is full"
inguest 2 ping -c 1 -W 2 "$(guest_ip 3)" >/dev/null || fail "guests cannot talk while the disk is full"
vnetctl leases default | grep -q guest3 || fail "guest3's lease not listed"
errs=$(counter)
[ "$errs" -ge 2 ] || fail "write errors not counted ($errs)"
sleep 6 # at least one retry
warns=$(grep -c "cannot write" "$TMP/vnetd.log")
log "store_errors $(counter), warnings logged $warns"
[ "$warns" = 1 ] || { grep "cannot write" "$TMP/vnetd.log"; fail "the write error was logged $warns times, not once"; }
instate cat "$lf" | cmp -s - "$TMP/leases.before" || fail "the lease file changed while the disk was full"
instate ls "$TMP/state/leases" | grep -v '^default.leases$' && fail "temp files left in the state dir"
kill -0 "$VNETD_PID" || fail "vnetd died"

log "free the disk"
instate rm -f "$TMP/state/fill"
wait_for 80 check_file 52:54:00:00:00:01 52:54:00:00:00:02 52:54:00:00:00:03 ||
	fail "the lease file was not rewritten with every lease after space was freed"
grep -q "written again" "$TMP/vnetd.log" || fail "the recovery was not logged"
vnetctl --json leases default | grep -q guest2 || fail "guest2's lease lost"
log "ok"
