#!/bin/busybox sh
# /init of the QEMU test guest (packed by build-image.sh). Loads the
# virtio-net modules, leases an address on eth0 with udhcpc, runs the checks
# named on the kernel command line and prints one "VNET-RESULT ..." line per
# outcome on the serial console, then powers off. Parameters:
#   vnet.name=NAME        DHCP hostname (option 12)
#   vnet.ping=IP[,IP...]  ping each address (3 tries)
#   vnet.wget=URL         fetch URL, print its first line
#   vnet.loop=SECONDS     repeat the checks every 2 s for SECONDS ("round=N")
#   vnet.run=BASE64       a shell script to run after the checks
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo # results start on a fresh line, after the firmware's escape codes

res() { echo "VNET-RESULT $*"; }
finish() { res "done"; sync; poweroff -f; sleep 5; echo o >/proc/sysrq-trigger; }

# Modules in dependency order; a missing file means the driver is built in.
for m in $(cat /lib/modules/order); do
	[ -f "/lib/modules/$m.ko" ] || continue
	[ -d "/sys/module/$m" ] || insmod "/lib/modules/$m.ko" || res "insmod $m fail"
done

NAME=guest PING="" WGET="" LOOP=0 RUN=""
for kv in $(cat /proc/cmdline); do
	case $kv in
	vnet.name=*) NAME=${kv#*=} ;;
	vnet.ping=*) PING=$(echo "${kv#*=}" | tr ',' ' ') ;;
	vnet.wget=*) WGET=${kv#*=} ;;
	vnet.loop=*) LOOP=${kv#*=} ;;
	vnet.run=*) RUN=${kv#*=} ;;
	esac
done
hostname "$NAME"

cat >/etc/udhcpc.script <<'EOF'
#!/bin/sh
case "$1" in
deconfig) ip -4 addr flush dev "$interface" ;;
bound|renew)
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
	echo "VNET-RESULT dhcp ok ip=$ip router=$router dns=$dns"
	;;
esac
exit 0
EOF
chmod +x /etc/udhcpc.script

ip link set lo up
if ! ip link set eth0 up 2>/dev/null; then
	res "eth0 missing"
	finish
fi
res "boot name=$NAME mac=$(cat /sys/class/net/eth0/address)"
udhcpc -i eth0 -n -q -t 10 -T 1 -A 1 -x "hostname:$NAME" -s /etc/udhcpc.script ||
	res "dhcp fail"

checks() {
	for ip in $PING; do
		if ping -c 3 -W 2 "$ip" >/dev/null 2>&1; then res "${1}ping $ip ok"; else res "${1}ping $ip fail"; fi
	done
	if [ -n "$WGET" ]; then
		# not wget -T: it crashes busybox-static 1.35 (SIGSEGV)
		if body=$(timeout 8 wget -q -O - "$WGET" 2>/dev/null); then
			res "${1}wget ok $(echo "$body" | head -1)"
		else
			res "${1}wget fail"
		fi
	fi
}

checks ""
if [ "$LOOP" -gt 0 ] 2>/dev/null; then
	start=$(cut -d. -f1 /proc/uptime)
	n=1
	while [ $(($(cut -d. -f1 /proc/uptime) - start)) -lt "$LOOP" ]; do
		sleep 2
		checks "round=$n "
		n=$((n + 1))
	done
fi
if [ -n "$RUN" ]; then
	echo "$RUN" | base64 -d >/tmp/run.sh && sh /tmp/run.sh
fi
finish
