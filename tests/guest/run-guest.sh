#!/bin/bash
# Boot one QEMU test guest (built by build-image.sh) on a tap or a VDE switch
# and wait for it to power off. The serial console goes to the log; the
# guest's results are its "VNET-RESULT ..." lines.
#
#   run-guest.sh (--tap IFNAME | --vde SOCKET) --log FILE [--mac MAC]
#                [--name NAME] [--timeout SECONDS] [--append "vnet.ping=... ..."]
#
# Run it in the network namespace that holds the tap (ip netns exec ...).
# --timeout (default 60) is a hard limit: QEMU is killed after it.
# Exit status: QEMU's (0 after the guest powered off), 124 on timeout,
# 77 if no image can be built here, 2 on bad usage.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NETDEV="" LOG="" MAC="" NAME=guest TIMEOUT=60 APPEND=""

usage() { echo "usage: $0 (--tap IF | --vde SOCK) --log FILE [--mac MAC] [--name N] [--timeout S] [--append ARGS]" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--tap) NETDEV="tap,id=n0,ifname=$2,script=no,downscript=no"; shift ;;
	--vde) NETDEV="vde,id=n0,sock=$2"; shift ;;
	--log) LOG=$2; shift ;;
	--mac) MAC=$2; shift ;;
	--name) NAME=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--append) APPEND=$2; shift ;;
	*) usage ;;
	esac
	shift || usage
done
[ -n "$NETDEV" ] && [ -n "$LOG" ] || usage
command -v qemu-system-x86_64 >/dev/null || { echo "run-guest: qemu-system-x86_64 is not installed" >&2; exit 77; }
DIR=$("$ROOT/tests/guest/build-image.sh" --print) || exit $?
# A locally administered MAC unique per boot unless one is given.
[ -n "$MAC" ] || MAC=$(printf '52:54:00:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $(($$ % 256)))

# -nodefaults: no stray NIC or VGA; the serial port is the console on stdout.
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg -m 256 -smp 1 -nographic -no-reboot \
	-nodefaults -serial stdio -monitor none \
	-kernel "$DIR/vmlinuz" -initrd "$DIR/initrd.img" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off vnet.name=$NAME $APPEND" \
	-netdev "$NETDEV" -device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=" \
	</dev/null >"$LOG" 2>&1
