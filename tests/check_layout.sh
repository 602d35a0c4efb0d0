#!/bin/sh
# The layout rules of docs/architecture.md, checked by "make" (check-layers):
# lib/ and ctl/vnetd/ hold only subsystem folders; each folder has one
# public header named after it, any other header is NAME_priv.h and is
# included only inside its folder (tests may include anything).
cd "$(dirname "$0")/.." || exit 2
fail=0
say() { echo "layout: $*" >&2; fail=1; }
for f in lib/*.[ch] ctl/vnetd/*.[ch]; do
	[ -e "$f" ] && say "$f: a file outside a subsystem folder"
done
for d in lib/*/ ctl/vnetd/*/; do
	d=${d%/}
	name=$(basename "$d")
	[ -f "$d/$name.h" ] || say "$d: no public header $name.h"
	for h in "$d"/*.h; do
		[ -e "$h" ] || continue
		case $(basename "$h") in
		"$name.h" | *_priv.h) ;;
		*) say "$h: one public header per folder ($name.h); name others *_priv.h" ;;
		esac
	done
	for h in "$d"/*_priv.h; do
		[ -e "$h" ] || continue
		b=$(basename "$h")
		users=$(grep -rl --include='*.[ch]' -e "#include \"$b\"" -e "#include \"$name/$b\"" \
			lib ctl bpf nss | grep -v "^$d/")
		[ -z "$users" ] || say "$h is private to $d/ but included by: $users"
	done
done
exit $fail
