#!/bin/sh
# Install every Debian package vnet needs to build, test and demo, and mount
# bpffs if missing. Idempotent; quick when everything is present.
set -e
PKGS="clang llvm make gcc pkg-config bpftool libbpf-dev libxdp-dev xdp-tools
libnl-3-dev libnl-route-3-dev libjson-c-dev libxml2-dev libmicrohttpd-dev
libcmocka-dev libseccomp-dev libelf-dev zlib1g-dev libclang-rt-14-dev libslirp-dev libvdeplug-dev vdeplug vde2
iproute2 nftables ethtool tcpdump busybox isc-dhcp-client dhcpcd5 dnsutils iperf3 curl
procps prometheus iputils-ping python3 python3-scapy hping3 qemu-system-x86 cpio dnsperf dnsmasq-base kea-admin ndisc6 frr
dpkg-dev bzip2 xz-utils time libjemalloc2"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || { echo "deps: missing packages:$missing (run as root)" >&2; exit 1; }
	echo "deps: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# frr: the EVPN test (evpn.sh) runs its own bgpd/zebra in each host namespace; the package's
# own service must not run in the host's namespace (Debian starts it on install where it can).
if [ "$(id -u)" = 0 ] && echo "$missing" | grep -qw frr; then
	if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
		systemctl disable --now frr >/dev/null 2>&1 || true
	elif [ -x /etc/init.d/frr ]; then
		/etc/init.d/frr stop >/dev/null 2>&1 || true
	fi
fi
# busybox udhcpc6 (dhcp6_udhcpc6.sh): built once from Debian's busybox source
# package (no Debian 12 binary has the applet); a failed fetch or build does
# not fail deps, the test then skips and says why.
UDHCPC6=/usr/local/libexec/vnet-test/udhcpc6
if [ "$(id -u)" = 0 ] && [ ! -x "$UDHCPC6" ]; then
	echo "deps: building $UDHCPC6 (apt-get source busybox)"
	"$(dirname "$0")/udhcpc6_build.sh" "$UDHCPC6" ||
		echo "deps: could not build $UDHCPC6: dhcp6_udhcpc6 will skip" >&2
fi
if [ "$(id -u)" = 0 ] && ! mount | grep -q ' /sys/fs/bpf type bpf'; then
	mount -t bpf bpf /sys/fs/bpf
fi
exit 0
