#!/bin/bash
# The build never runs stale binaries: on a copy of the built tree, touching
# a source or header makes exactly its dependants out of date (make -n
# lists what it would rebuild), and every header and source is a dependency
# of something. The named cases run make -n each; the every-file check reads
# one make --debug=v dry run's prerequisite edges (the graph make walks), and
# checks that graph against make -n on the named cases. No namespaces: this
# test only runs make.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
fail() { echo "build_deps: FAIL: $*" >&2; exit 1; }
[ -x "$BUILD/vnetd" ] && [ -d "$BUILD/fuzz" ] || { echo "build_deps: SKIP: not built"; exit 77; }

TMP=$(mktemp -d /tmp/vnet-build-deps.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT" || exit 1
# the committed and working-tree sources, and the build, timestamps kept
git ls-files -co --exclude-standard | grep -v '^build/' | cpio -pdm --quiet "$TMP/src" ||
	fail "cannot copy the tree"
cp -a "$BUILD" "$TMP/src/build"
cd "$TMP/src" || exit 1
GOALS=(all unit fuzz-build)
make -s "${GOALS[@]}" >/dev/null 2>&1 || fail "the copy does not build"

# What make would rebuild after touching $1: output files, one per line.
stale_after() {
	local f=$1 ts
	ts=$(stat -c %y "$f")
	touch -d '+1 minute' "$f"
	make -n "${GOALS[@]}" 2>/dev/null | grep -o ' -o [^ ]*' | awk '{print $2}' |
		sed 's/\.tmp$//' | sort -u
	touch -d "$ts" "$f"
}
# expect FILE +OUT... -OUT...: OUT must (+) / must not (-) be rebuilt.
declare -A NAMED # FILE -> what make -n rebuilt after touching it
expect() {
	local f=$1 s out; shift
	s=$(stale_after "$f")
	NAMED[$f]=$s
	for out in "$@"; do
		case $out in
		+*) grep -qx "build/${out#+}" <<<"$s" || fail "touching $f does not rebuild ${out#+}" ;;
		-*) grep -qx "build/${out#-}" <<<"$s" && fail "touching $f rebuilds ${out#-}" ;;
		esac
	done
	return 0
}

# the cases the issue found stale, and what must stay untouched
expect ctl/vnetd/control/commands.c +fuzz/fuzz_ctlproto +vnetd -vnetctl -vnet-user -fuzz/fuzz_dhcp_msg
expect ctl/vnetd/netmgr/netmgr.h +fuzz/fuzz_ctlproto +vnetd -vnetctl -fuzz/fuzz_frame
expect ctl/vnet-user/udhcp.c +tests/unit/test_vu_frames +vnet-user -fuzz/fuzz_vu_frame -vnetd
expect ctl/vnet-user/frame.c +tests/unit/test_vu_frames +fuzz/fuzz_vu_frame +vnet-user -vnetctl
expect bpf/lib/parse.h +fuzz/fuzz_frame +bpf/vnet.bpf.o +vnetd +tests/bpf/test_dp_nat -vnetctl \
	-obj/lib/dhcp_msg.o -obj/ctl/vnetd/netmgr.o
expect lib/dhcp/dhcp.h +fuzz/fuzz_dhcp_msg +tests/unit/test_dhcp_msg +vnetd -fuzzobj/lib/netdef_xml.o \
	-obj/ctl/vnetctl/main.o
expect lib/lease/lease_store.c +libnss_vnet.so.2 +fuzz/fuzz_lease_store -obj/ctl/vnetd/tap.o
expect tests/bpf/dp_test.h +tests/bpf/test_dp_nat +tests/tools/dp_cost -vnetd

# every source and header is something's dependency (none is ignored): the
# edges "prerequisite -> target" make itself considered in one dry run, from
# the compiler's .d files and the Makefile alike; order-only ones rebuild nothing
LC_ALL=C make -n --debug=v "${GOALS[@]}" 2>/dev/null |
	sed -n "s/^ *Prerequisite [\`']\(.*\)' is \(older\|newer\) than target [\`']\(.*\)'\.\$/\1 \3/p" |
	sort -u >"$TMP/edges"
[ "$(wc -l <"$TMP/edges")" -gt 100 ] || fail "make --debug=v listed no prerequisites"
# targets rebuilt after touching $1 by the graph: its dependants, transitively
graph_stale() {
	awk -v f="$1" '{ up[$1] = up[$1] " " $2 }
		END { q[n = 1] = f; seen[f] = 1
			for (i = 1; i <= n; i++) { k = split(up[q[i]], a, " ")
				for (j = 1; j <= k; j++) if (!(a[j] in seen)) { seen[a[j]] = 1; q[++n] = a[j]; print a[j] } } }' \
		"$TMP/edges" | sort -u
}
# the graph holds every output make -n rebuilds for the named cases (it adds
# only outputs without -o in their recipe: build/libvnet.a, skeletons)
for f in "${!NAMED[@]}"; do
	missing=$(comm -23 <(echo "${NAMED[$f]}") <(graph_stale "$f"))
	[ -z "$missing" ] || fail "the prerequisite graph misses what touching $f rebuilds:" $(head -5 <<<"$missing")
done
for f in $(git -C "$ROOT" ls-files 'lib/*.[ch]' 'ctl/*.[ch]' 'bpf/*.[ch]' 'nss/*.[ch]' \
	'tests/unit/*.[ch]' 'tests/bpf/*.[ch]'); do
	[ -f "$f" ] || continue
	graph_stale "$f" | grep -q '^build/.' || fail "touching $f rebuilds nothing"
done
echo "build_deps: ok"
