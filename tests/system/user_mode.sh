#!/bin/bash
# Seed network 3: an unprivileged user runs the default network in userspace
# (vnet-user: a VDE switch plus libslirp, vnet's DHCP and DNS on it).
# Root builds the world (host + wan namespaces, wan servers, the guest
# image) and creates a throwaway user; from then on every command runs as
# that user inside the host namespace (ip netns exec + setpriv is the only
# root step, and it is the privilege drop itself). The user:
#   starts `default` with vnetctl --user, checks the bad-input errors,
#   boots a real QEMU guest on the VDE socket that leases a static address,
#   resolves its own name and a wan name through vnet's DNS, fetches a page
#   from the host's loopback and from the wan through slirp's NAT, and
#   serves a page that the host fetches through a port forward;
#   kills the stack (it is restarted, the forward comes back), stops the
#   network and finds no process, socket or directory left.
. "$(dirname "$0")/../lib.sh"
TEST_NAME=user_mode
HERE=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = --as-user ]; then
	# ---------------- everything below runs as the test user ----------------
	set -u
	V="$BUILD/vnetctl"
	GUEST_MAC=52:54:00:75:00:01
	GUEST_IP=192.168.122.50
	[ "$(id -u)" != 0 ] || fail "the user part runs as root"
	mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR" || fail "cannot create the user's dirs"
	cd "$HOME" || fail "no home"

	"$V" --user net-list --all | grep -Eq '^default +inactive ' || fail "default not listed as inactive"
	"$V" --user net-start default || fail "net-start default"
	expect_fail "$V" --user net-start default
	# not root and no system vnetd: vnetctl picks user mode by itself
	SOCK=$("$V" --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)["socket"])') ||
		fail "net-info without --user"
	[ "$SOCK" = "$XDG_RUNTIME_DIR/vnet/default/switch" ] || fail "unexpected socket path $SOCK"
	[ -S "$SOCK/ctl" ] || fail "no VDE switch at $SOCK"
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/vnet/default")" = 700 ] || fail "run dir is not private"
	"$V" net-list | grep -Eq '^default +active ' || fail "default not listed as active"

	# a host service on the loopback, and the error cases of forward-add
	mkdir -p www && echo "host-loopback-ok" >www/hello
	python3 -m http.server "$HOST_PORT" --bind 127.0.0.1 --directory www >http.log 2>&1 &
	HTTP_PID=$!
	wait_for 50 bash -c "echo >/dev/tcp/127.0.0.1/$HOST_PORT" || fail "loopback http server"
	err=$("$V" forward-add default tcp 80 $GUEST_IP:8000 2>&1) && fail "forward of port 80 accepted"
	echo "$err" | grep -q 'below 1024' || fail "no clear error for port 80: $err"
	err=$("$V" forward-add default tcp "$HOST_PORT" $GUEST_IP:8000 2>&1) &&
		fail "forward of a port in use accepted"
	echo "$err" | grep -q 'in use' || fail "no clear error for a port in use: $err"
	"$V" host-add default $GUEST_MAC $GUEST_IP ug1 || fail "host-add"
	"$V" forward-add default tcp "$FWD_PORT" $GUEST_IP:8000 || fail "forward-add"

	if [ "$QEMU_OK" = 1 ]; then
		# the guest's script: DNS through vnet, the wan through NAT (busybox nc:
		# the image's wget segfaults when run from vnet.run), then a web
		# server for the forward
		RUN=$(printf '%s\n' \
			'nslookup ug1 192.168.122.1 2>&1 | grep -q "192.168.122.50" && echo "VNET-RESULT dns-local ok"' \
			'nslookup www.test 192.168.122.1 2>&1 | grep -q "93.184.216.34" && echo "VNET-RESULT dns-wan ok"' \
			"printf 'GET /hello HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $WAN_IP 8080 | grep -q vnet-wan-ok && echo 'VNET-RESULT wan ok'" \
			'mkdir -p /www && echo guest-service-ok >/www/hello && httpd -p 8000 -h /www' \
			'echo "VNET-RESULT httpd started"; sleep 20' | base64 -w0)
		"$ROOT/tests/guest/run-guest.sh" --vde "$SOCK" --mac $GUEST_MAC --name ug1 --log guest.log \
			--timeout 90 --append "vnet.wget=http://192.168.122.1:$HOST_PORT/hello vnet.run=$RUN" &
		QPID=$!
		wait_for 600 grep -a -q 'httpd started' guest.log
		got=""
		for _ in $(seq 20); do
			got=$(curl -s -m 3 "http://127.0.0.1:$FWD_PORT/hello") && [ -n "$got" ] && break
			sleep 0.5
		done
		wait "$QPID" || { cat guest.log >&2; fail "the guest did not power off cleanly"; }
		r() { grep -a -q "VNET-RESULT $1" guest.log || { grep -a 'VNET-RESULT\|udhcpc' guest.log >&2; fail "guest: $2"; }; }
		r "dhcp ok ip=$GUEST_IP router=192.168.122.1 dns=192.168.122.1" "no lease of the static address"
		r "wget ok host-loopback-ok" "cannot reach the host's loopback through NAT"
		r "dns-local ok" "its own name did not resolve through vnet"
		r "dns-wan ok" "a wan name did not resolve through vnet's forwarder"
		r "wan ok" "cannot reach the wan through NAT"
		[ "$got" = guest-service-ok ] || fail "port forward to the guest returned '$got'"
		"$V" leases default | grep -q "$GUEST_IP .*ug1" || fail "leases lacks ug1"
		"$V" stats default | grep -Eq 'dns_local_answers +[1-9]' || fail "no local DNS answer counted"
		log "QEMU guest: lease, DNS (local + forwarded), NAT to loopback and wan, port forward: ok"
	fi

	# the user's own definitions: same XML as the daemon's, checked the same way
	cat >route.xml <<-EOF
	<network><name>routed</name><forward mode='route'/><ip address='10.71.0.1' prefix='24'/></network>
	EOF
	err=$("$V" net-define route.xml 2>&1) && fail "route mode accepted in user mode"
	echo "$err" | grep -q 'needs root' || fail "no clear error for route mode: $err"
	cat >lab.xml <<-EOF
	<network><name>lab</name><ip address='10.70.0.1' prefix='24'>
	<dhcp><range start='10.70.0.100' end='10.70.0.110'/></dhcp></ip>
	<forward mode='nat'><portForward proto='tcp' port='$HOST_PORT' to='10.70.0.100' toPort='80'/></forward>
	</network>
	EOF
	"$V" net-define lab.xml || fail "net-define lab"
	[ -f "$XDG_CONFIG_HOME/vnet/networks/lab.xml" ] || fail "definition not stored"
	"$V" net-list --all | grep -Eq '^lab +inactive ' || fail "lab not listed"
	"$V" net-info lab | grep -Eq '^Address: +10.70.0.1/24$' || fail "lab's address: $("$V" net-info lab)"
	# its port forward collides with the loopback server: the start fails cleanly
	err=$("$V" net-start lab 2>&1) && fail "lab started with its forward port in use"
	echo "$err" | grep -q "127.0.0.1:$HOST_PORT.*in use" || fail "no clear error for lab: $err"
	[ ! -e "$XDG_RUNTIME_DIR/vnet/lab" ] || fail "a failed start left $XDG_RUNTIME_DIR/vnet/lab"
	"$V" net-dumpxml lab | grep -q "10.70.0.110" || fail "net-dumpxml lab"
	"$V" net-undefine lab || fail "net-undefine lab"
	expect_fail "$V" net-info lab

	# the stack dies: the supervisor restarts it with the run-time forward
	STACK=$("$V" --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)["stack_pid"])')
	kill -9 "$STACK"
	restarted() { "$V" --json net-info default 2>/dev/null | python3 -c '
import json, sys; d = json.load(sys.stdin); sys.exit(not (d["restarts"] >= 1 and d["stack_pid"] != '"$STACK"'))'; }
	wait_for 100 restarted || fail "the stack was not restarted"
	"$V" net-info default | grep -q "$FWD_PORT" || fail "forward lost in the restart"
	wait_for 30 bash -c "echo >/dev/tcp/127.0.0.1/$FWD_PORT" || fail "forward port not bound after restart"

	# the supervisor killed outright: its children follow it, and the next
	# net-start clears what is left and starts afresh
	SUP=$("$V" --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor_pid"])')
	kill -9 "$SUP"
	gone() { ! pgrep -u "$(id -u)" -x vde_plug && ! pgrep -u "$(id -u)" -x vnet-user; }
	wait_for 50 gone || fail "children outlived a killed supervisor"
	"$V" net-list --all | grep -Eq '^default +inactive ' || fail "default active without its supervisor"
	"$V" net-start default || fail "net-start after a killed supervisor"

	SUP=$("$V" --json net-info default | python3 -c 'import json,sys; print(json.load(sys.stdin)["supervisor_pid"])')
	"$V" net-stop default || fail "net-stop"
	kill "$HTTP_PID"
	kill -0 "$SUP" 2>/dev/null && fail "supervisor still running"
	[ -z "$(ls -A "$XDG_RUNTIME_DIR/vnet")" ] || fail "left behind: $(ls -A "$XDG_RUNTIME_DIR/vnet")"
	ps -u "$(id -u)" -o pid=,comm= | grep -E 'vnet-user|vde_plug' && fail "processes left behind"
	expect_fail "$V" stats default
	"$V" net-list --all | grep -Eq '^default +inactive ' || fail "default still active after net-stop"
	log "user part: ok"
	exit 0
fi

# ---------------- root: the world, then the user ----------------
command -v vde_plug >/dev/null || skip "vde_plug not installed (package vdeplug)"
command -v setpriv >/dev/null || skip "setpriv not installed"
[ -x "$BUILD/vnet-user" ] || fail "$BUILD/vnet-user not built"
world_init
QEMU_OK=1
if ! command -v qemu-system-x86_64 >/dev/null; then
	QEMU_OK=0; log "qemu-system-x86_64 missing: the guest part is skipped"
elif ! out=$("$ROOT/tests/guest/build-image.sh" 2>&1); then
	QEMU_OK=0; log "no guest image: $out"
fi
ip -n "$WAN" addr add 203.0.113.3/24 dev eth0
inwan python3 "$HERE/dns_upstream.py" $WAN_IP 203.0.113.3 "$TMP/up.log" >/dev/null 2>&1 &
mkdir -p "$TMP/www" && echo "vnet-wan-ok" >"$TMP/www/hello"
inwan python3 -m http.server 8080 --bind $WAN_IP --directory "$TMP/www" >/dev/null 2>&1 &
wait_for 50 inwan bash -c "echo >/dev/tcp/$WAN_IP/8080" || fail "wan http server"
echo "nameserver $WAN_IP" >"$TMP/resolv.conf"

U=vnetu$$
USERHOME=$TMP/user
mkdir -m 1777 "$USERHOME"
chmod 755 "$TMP"
# build-image.sh takes a lock in its image dir even to --print: give the
# user a writable image dir whose files link to the built ones
GIMG=$ROOT/build/guest
if [ "$QEMU_OK" = 1 ]; then
	mkdir -m 1777 "$USERHOME/guest" "$USERHOME/guest/cache"
	for f in vmlinuz initrd.img stamp; do ln -s "$GIMG/$f" "$USERHOME/guest/$f"; done
	for f in "$GIMG"/cache/*.deb; do ln -s "$f" "$USERHOME/guest/cache/"; done
fi
user_cleanup() {
	local rc=$?
	# the user's processes all live in the host namespace: world_cleanup
	# kills them by pid; then the account goes
	for pid in $(ip netns pids "$HOST" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
	id "$U" >/dev/null 2>&1 && userdel "$U" 2>/dev/null
	(exit $rc)
	world_cleanup
}
trap user_cleanup EXIT
useradd -M -d "$USERHOME/home" -s /bin/bash "$U" || fail "useradd"

ip netns exec "$HOST" setpriv --reuid "$U" --regid "$U" --init-groups --reset-env -- \
	env PATH=/usr/local/bin:/usr/bin:/bin HOME="$USERHOME/home" \
	XDG_RUNTIME_DIR="$USERHOME/run" XDG_CONFIG_HOME="$USERHOME/home/.config" \
	VNET_RESOLV_CONF="$TMP/resolv.conf" ROOT="$ROOT" BUILD="$BUILD" QEMU_OK=$QEMU_OK \
	WAN_IP=$WAN_IP HOST_PORT=$((20000 + $$ % 20000)) FWD_PORT=$((40000 + $$ % 20000)) \
	GUEST_DIR="$USERHOME/guest" VNET_TEST_PREFIX="$P" \
	bash "$HERE/user_mode.sh" --as-user || exit 1
[ "$QEMU_OK" = 1 ] || skip "user mode works, but the QEMU guest part could not run"
log "PASS"
