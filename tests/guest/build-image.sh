#!/bin/bash
# Build the QEMU test guest: a Debian cloud kernel and a busybox initramfs
# whose /init loads the virtio-net modules, leases an address with udhcpc,
# runs the checks named on the kernel command line (see guest-init.sh),
# prints "VNET-RESULT ..." lines on the serial console and powers off.
#
#   tests/guest/build-image.sh [--print]
#
# Output (cached; rebuilt only when the packages or the init script change):
#   $GUEST_DIR/vmlinuz  $GUEST_DIR/initrd.img   (GUEST_DIR defaults to build/guest)
# Packages are fetched with `apt-get download` into $GUEST_DIR/cache.
# Exit status: 0 built or cached, 77 the image cannot be built here (the
# reason is printed), 1 any other failure.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GUEST_DIR=${GUEST_DIR:-$ROOT/build/guest}
CACHE=$GUEST_DIR/cache
INIT_SRC=$ROOT/tests/guest/guest-init.sh
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover
net_failover virtio_net"

cannot() { echo "build-image: cannot build the guest image: $*" >&2; exit 77; }

# The real kernel package behind the metapackage, e.g. linux-image-6.1.0-56-cloud-amd64.
kernel_pkg() {
	local p
	p=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	if [ -z "$p" ] && [ "$(id -u)" = 0 ] && ! ls "$CACHE"/linux-image-*.deb >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1 # a fresh machine may have no package lists
		p=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	fi
	if [ -z "$p" ]; then # no package lists: fall back to a cached download
		p=$(find "$CACHE" -maxdepth 1 -name 'linux-image-[0-9]*-cloud-amd64_*.deb' 2>/dev/null |
			sort | tail -1 | xargs -r basename | cut -d_ -f1)
	fi
	[ -n "$p" ] || cannot "package linux-image-cloud-amd64 unknown to apt (run apt-get update)"
	echo "$p"
}

# fetch PKG: the .deb in the cache (downloaded once), printed as a path.
fetch() {
	local pkg=$1 deb
	deb=$(find "$CACHE" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -1)
	if [ -z "$deb" ]; then
		(cd "$CACHE" && apt-get download "$pkg" >/dev/null 2>"$CACHE/apt.err") ||
			cannot "apt-get download $pkg failed: $(tail -1 "$CACHE/apt.err")"
		deb=$(find "$CACHE" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -1)
	fi
	[ -n "$deb" ] || cannot "no .deb for $pkg"
	echo "$deb"
}

# Copy the modules the guest needs (skipping ones built into the kernel).
copy_modules() {
	local kroot=$1 dest=$2 kver m f
	kver=$(basename "$(find "$kroot/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -1)")
	for m in $MODULES; do
		f=$(find "$kroot/lib/modules/$kver" -name "$m.ko*" | head -1)
		if [ -z "$f" ]; then
			grep -qw "kernel/.*/$m.ko" "$kroot/lib/modules/$kver/modules.builtin" 2>/dev/null ||
				echo "build-image: note: module $m not found, assuming built in" >&2
			continue
		fi
		case $f in
		*.xz) xz -dc "$f" >"$dest/$m.ko" ;;
		*.zst) zstd -qdc "$f" >"$dest/$m.ko" ;;
		*.gz) gzip -dc "$f" >"$dest/$m.ko" ;;
		*) cp "$f" "$dest/$m.ko" ;;
		esac
	done
	echo "$MODULES" | tr -s ' \n' ' ' >"$dest/order"
}

# build KDEB BBDEB: unpack both, assemble the initramfs, install atomically.
build() {
	local kdeb=$1 bbdeb=$2 work root
	work=$(mktemp -d "$GUEST_DIR/work.XXXXXX")
	dpkg -x "$kdeb" "$work/k"
	dpkg -x "$bbdeb" "$work/bb"
	root=$work/root
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,lib/modules,usr/bin,usr/sbin,run}
	cp "$work/bb/bin/busybox" "$root/bin/busybox"
	copy_modules "$work/k" "$root/lib/modules"
	install -m 0755 "$INIT_SRC" "$root/init"
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.img"
	cp "$(find "$work/k/boot" -name 'vmlinuz-*' | head -1)" "$work/vmlinuz"
	mv -f "$work/vmlinuz" "$GUEST_DIR/vmlinuz"
	mv -f "$work/initrd.img" "$GUEST_DIR/initrd.img"
	rm -rf "$work"
}

main() {
	local kpkg kdeb bbdeb stamp
	for tool in apt-get dpkg cpio gzip; do
		command -v "$tool" >/dev/null || cannot "$tool is not installed"
	done
	mkdir -p "$CACHE"
	exec 9>"$GUEST_DIR/.lock"
	flock 9 # two tests may build at once
	kpkg=$(kernel_pkg)
	kdeb=$(fetch "$kpkg")
	bbdeb=$(fetch busybox-static)
	stamp="$(basename "$kdeb") $(basename "$bbdeb") $(sha256sum "$INIT_SRC" "$0" | awk '{print $1}' | tr '\n' ' ')"
	if [ -s "$GUEST_DIR/vmlinuz" ] && [ -s "$GUEST_DIR/initrd.img" ] &&
		[ "$(cat "$GUEST_DIR/stamp" 2>/dev/null)" = "$stamp" ]; then
		[ "${1:-}" = --print ] && echo "$GUEST_DIR"
		return 0
	fi
	rm -rf "$GUEST_DIR"/work.*
	build "$kdeb" "$bbdeb" # set -e stops on any failed step
	echo "$stamp" >"$GUEST_DIR/stamp"
	echo "build-image: built $GUEST_DIR (kernel $kpkg)" >&2
	[ "${1:-}" = --print ] && echo "$GUEST_DIR"
	return 0
}

main "$@"
