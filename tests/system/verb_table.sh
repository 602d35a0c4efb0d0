#!/bin/bash
# One verb table (lib/ctl/ctl.h): vnetctl's help, the man page and bash
# completion agree with it, and a verb refuses options that are not its own
# (vnetctl before sending, vnetd for any other client). Needs no daemon
# except for the last check, which runs one in a namespace.
. "$(dirname "$0")/../lib.sh"
MAN=$ROOT/man/vnetctl.8

verbs=$("$BUILD/vnetctl" help | awk '/^  [a-z]/ { print $1 }')
[ "$(echo "$verbs" | wc -l)" -ge 20 ] || fail "vnetctl help lists too few verbs: $verbs"
# every verb documented in the man page's COMMANDS, every documented one a verb
man_verbs=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$MAN" | grep -A1 '^\.TP' |
	sed -n 's/^\.B[IR]\{0,1\} \([a-z\\-]*\).*/\1/p' | sed 's/\\-/-/g' | sort -u)
for v in $verbs; do
	[ "$v" = help ] && continue
	grep -qx "$v" <<<"$man_verbs" || fail "verb $v missing from man/vnetctl.8"
done
for v in $man_verbs; do
	grep -qx "$v" <<<"$verbs" || fail "man/vnetctl.8 documents $v, which is not a verb"
done

# completion: verbs and each verb's own options come from the table
# shellcheck source=/dev/null
. "$ROOT/completion/vnetctl.bash"
complete_words() { COMP_WORDS=("$BUILD/vnetctl" "$@"); COMP_CWORD=$(($# )); _vnetctl; echo "${COMPREPLY[*]}"; }
out=$(complete_words port-add --)
[[ $out == *--mac* && $out == *--hook* && $out != *--bridge* ]] || fail "port-add options: $out"
out=$(complete_words share --)
[[ $out == *--bridge* && $out != *--mac* ]] || fail "share options: $out"
out=$(complete_words net-)
[[ $out == *net-define* && $out == *net-dumpxml* ]] || fail "verb completion: $out"

# vnetctl: another verb's option is a usage error (exit 2), before any request
"$BUILD/vnetctl" --socket /nonexistent leases default --hook tc >"$TMP.out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "leases --hook: exit $rc, want 2: $(cat "$TMP.out")"
grep -q "does not take --hook" "$TMP.out" || fail "unclear: $(cat "$TMP.out")"
"$BUILD/vnetctl" --socket /nonexistent host-add default 52:54:00:00:00:01 10.0.0.1 --bridge x \
	>/dev/null 2>&1
[ $? -eq 2 ] || fail "host-add --bridge accepted"
"$BUILD/vnetctl" --socket /nonexistent net-list --mac x >/dev/null 2>&1
[ $? -eq 2 ] || fail "net-list --mac accepted"
# ...and its own options are not (the daemon is asked: no socket, exit 1)
for cmd in "leases default --mac 52:54:00:00:00:01" "host-add default 52:54:00:00:00:01 10.0.0.1 --name x" \
	"net-list --all --name" "net-dhcp-leases default 52:54:00:00:00:01"; do
	# shellcheck disable=SC2086
	"$BUILD/vnetctl" --socket /nonexistent $cmd >/dev/null 2>&1
	[ $? -eq 1 ] || fail "vnetctl $cmd: not sent to the daemon"
done
rm -f "$TMP.out"

# "did you mean": virsh's names, and never the opposite action
for pair in net-port-list:port-list forward-rm:forward-del forward-remove:forward-del \
	port-delete:port-del host-remove:host-del nte-lsit:net-list net-destory:net-destroy; do
	out=$("$BUILD/vnetctl" "${pair%%:*}" 2>&1)
	grep -q "did you mean '${pair#*:}'" <<<"$out" || fail "${pair%%:*}: $out"
done
for v in $verbs; do
	typo=${v%?}x # the last letter mistyped: the verb itself, never its opposite
	out=$("$BUILD/vnetctl" "$typo" 2>&1)
	grep -q "did you mean '$v'" <<<"$out" || fail "$typo: $out"
done

# vnetd: the same refusal for a client that sends foreign options itself
world_init
vnetd_start
out=$(inhost_net python3 - "$TMP/run/vnetd.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(json.dumps({"cmd": "leases", "args": ["default"], "opts": {"hook": "x"}}).encode() + b"\n")
print(s.makefile().readline().strip())
PY
)
echo "$out" | grep -q '"ok": *false' || fail "vnetd accepted a foreign option: $out"
echo "$out" | grep -q "does not take --hook" || fail "unclear vnetd refusal: $out"
log "ok"
