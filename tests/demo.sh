#!/bin/bash
# make demo: the default network in a sandbox of namespaces. Starts vnetd,
# starts "default", attaches two guests, shows their leases, pings
# guest<->guest and guest->wan through NAT, resolves a guest name, prints
# the counters and tears everything down. Touches no real interface.
TEST_NAME=demo
. "$(dirname "$0")/lib.sh"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

world_init
guest_add 1
guest_add 2
step "vnetd in namespace $HOST (uplink wan0 $UPLINK_IP, wan $WAN_IP)"
vnetd_start
run vnetctl net-list --all
step "start the default network and attach two guests"
run vnetctl net-start default
run vnetctl port-add default vif1.0
run vnetctl port-add default vif2.0
run vnetctl net-info default
step "guests ask for DHCP leases (busybox udhcpc)"
guest_dhcp 1 guest1 || fail "guest1 got no lease"
guest_dhcp 2 guest2 || fail "guest2 got no lease"
run vnetctl leases default
ip1=$(guest_ip 1); ip2=$(guest_ip 2)
step "guest1 ($ip1) -> guest2 ($ip2)"
inguest 1 ping -c 3 -W 2 "$ip2" || fail "guest ping failed"
step "guest1 -> wan ($WAN_IP) through NAT"
inguest 1 ping -c 3 -W 2 "$WAN_IP" || fail "wan ping failed"
inwan python3 -m http.server 8080 --bind $WAN_IP >"$TMP/http.log" 2>&1 &
wait_for 50 inwan bash -c "echo > /dev/tcp/$WAN_IP/8080"
inguest 1 curl -s -m 5 -o /dev/null "http://$WAN_IP:8080/demo" || fail "http to the wan failed"
printf 'the wan web server logged: %s\n' "$(grep demo "$TMP/http.log")"
grep -q "^$UPLINK_IP " "$TMP/http.log" || fail "the wan did not see the uplink address"
step "guest1 resolves guest2 through the gateway's DNS proxy"
run inguest 1 dig +short @192.168.122.1 guest2
step "counters"
run vnetctl stats default
step "tear down"
run vnetctl net-stop default
echo; echo "demo ok"
