#!/bin/bash
# Shared by the QEMU system tests (tests/system/qemu_*.sh); source after
# tests/lib.sh. Boots guests in the background, reads their results.
GUEST_SH=$ROOT/tests/guest
QEMU_PIDS=()
QEMU_NAMES=()

# qemu_require: skip (77) with the reason if no guest can be booted here.
qemu_require() {
	require_root
	command -v qemu-system-x86_64 >/dev/null ||
		skip "qemu-system-x86_64 not installed (package qemu-system-x86, see tests/deps.sh)"
	local out rc
	out=$("$GUEST_SH/build-image.sh" 2>&1); rc=$?
	[ $rc -eq 77 ] && skip "no guest image: $out"
	[ $rc -eq 0 ] || { echo "$out" >&2; fail "building the guest image failed"; }
}

# qemu_boot NAME NETARGS... -- APPEND: boot a guest in the host namespace in
# the background; its console goes to $TMP/NAME.log.
qemu_boot() {
	local name=$1; shift
	local args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	inhost "$GUEST_SH/run-guest.sh" "${args[@]}" --name "$name" --log "$TMP/$name.log" \
		--timeout "${QEMU_TIMEOUT:-60}" --append "$*" &
	QEMU_PIDS+=($!)
	QEMU_NAMES+=("$name")
}

# qemu_wait: wait for every booted guest (each is bounded by its timeout).
qemu_wait() {
	local pid rc=0
	for pid in "${QEMU_PIDS[@]}"; do wait "$pid" || rc=$?; done
	QEMU_PIDS=()
	return $rc
}

# qemu_result NAME ERE: the guest printed "VNET-RESULT ERE", in the first
# round of checks or a later one ("round=N ").
qemu_result() { grep -a -q -E "VNET-RESULT (round=[0-9]+ )?$2" "$TMP/$1.log"; }

# qemu_rounds NAME: how many rounds of checks the guest has printed so far.
qemu_rounds() { grep -a -o -E 'VNET-RESULT round=[0-9]+' "$TMP/$1.log" | tail -1 | grep -o -E '[0-9]+$' || echo 0; }

# qemu_expect NAME PATTERN WHAT: fail with the guest's console if missing.
qemu_expect() {
	qemu_result "$1" "$2" && return 0
	qemu_dump
	fail "$1: $3 (no 'VNET-RESULT $2')"
}

# qemu_dump: the results (and errors) of every guest booted, on stderr.
qemu_dump() {
	local g
	for g in "${QEMU_NAMES[@]}"; do
		grep -a -v '^ *$' "$TMP/$g.log" | grep -a -v 'round=' | tail -25 | sed "s/^/  $g: /" >&2
	done
}

# port_counter NET IFNAME FIELD: a data path counter of one port.
port_counter() {
	vnetctl --json stats "$1" | python3 -c '
import json, sys
ifname, field = sys.argv[1], sys.argv[2]
for net in json.load(sys.stdin):
    for p in net.get("datapath", {}).get("ports", []):
        if p.get("ifname") == ifname:
            print(p.get(field, 0)); sys.exit(0)
print(-1)' "$2" "$3"
}

# wan_http: a web server in the wan namespace serving $TMP/www on :8080.
wan_http() {
	mkdir -p "$TMP/www"
	echo "vnet-wan-ok" >"$TMP/www/hello"
	inwan python3 -m http.server 8080 --bind "$WAN_IP" --directory "$TMP/www" \
		>"$TMP/http.log" 2>&1 &
	wait_for 50 inwan bash -c "echo > /dev/tcp/$WAN_IP/8080" || fail "wan http server did not start"
}
