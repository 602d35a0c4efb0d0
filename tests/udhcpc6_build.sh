#!/bin/sh
# Build busybox's udhcpc6 for the tests (issue 18, dhcp6_udhcpc6.sh): no
# Debian 12 busybox binary has the applet, so build a one-applet busybox
# (allnoconfig + udhcpc6) from Debian's own busybox source package, fetched
# with apt-get source from a deb-src entry for bookworm. Run by tests/deps.sh
# as root when $1 is missing; installs the binary at $1. Exits non-zero on
# any failure (deps.sh then prints a line and the test skips).
set -e
dest=${1:-/usr/local/libexec/vnet-test/udhcpc6}
src=/etc/apt/sources.list.d/vnet-src.sources
if [ ! -f "$src" ]; then
	cat >"$src" <<'S'
# vnet tests (tests/udhcpc6_build.sh): busybox's source package, to build udhcpc6
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
S
	apt-get update -qq
fi
work=$(mktemp -d /tmp/vnet-udhcpc6.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
# the sandbox user _apt cannot write to a root-owned 0700 directory
chmod 755 "$work"
if ! timeout 600 apt-get source -qq -o APT::Sandbox::User=root busybox >log 2>&1; then
	# stale lists (the source's version moved on): refresh once
	apt-get update -qq
	timeout 600 apt-get source -qq -o APT::Sandbox::User=root busybox >log 2>&1 ||
		{ tail -5 log >&2; exit 1; }
fi
cd busybox-*/
make -s allnoconfig >/dev/null 2>&1
for o in FEATURE_IPV6 UDHCPC6 FEATURE_UDHCPC6_RFC3646 LONG_OPTS; do
	sed -i "s/^# CONFIG_$o is not set/CONFIG_$o=y/" .config
done
sed -i 's/^CONFIG_UDHCP_DEBUG=.*/CONFIG_UDHCP_DEBUG=1/' .config
yes "" | make -s oldconfig >/dev/null 2>&1
grep -q '^CONFIG_UDHCPC6=y' .config || { echo "udhcpc6_build: the applet is not in .config" >&2; exit 1; }
make -s -j2 busybox >log 2>&1 || { tail -20 log >&2; exit 1; }
# one applet: the binary runs it when called by that name (udhcpc6)
mkdir -p "$(dirname "$dest")"
install -m 755 busybox "$dest.new"
mv "$dest.new" "$dest"
"$dest" -i vnet-no-such-link 2>&1 | grep -q "udhcpc6" || { echo "udhcpc6_build: $dest does not run" >&2; exit 1; }
echo "deps: built $dest from Debian's busybox source"
