#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Counters by address family (issue 18.7): pings between two guests over
# IPv4 and over IPv6 link-local count rx and tx on the network under
# datapath.families (vnetctl stats), in the text table and as
# vnet_network_packets_total{family,direction}.
. "$(dirname "$0")/../lib.sh"

default_world 2
guest_ll_wait 1 2
ll2=$(inguest 2 ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
fam() { net_stat default "datapath.families.$1"; }
rx4=$(fam ipv4.rx_packets) tx4=$(fam ipv4.tx_packets) rx6=$(fam ipv6.rx_packets) tx6=$(fam ipv6.tx_packets)
log "before: ipv4 rx $rx4 tx $tx4, ipv6 rx $rx6 tx $tx6"
inguest 1 ping -c 20 -i 0.05 -W 2 "$(guest_ip 2)" >/dev/null || fail "ping guest 2"
inguest 1 ping -6 -c 30 -i 0.05 -W 2 "$ll2%eth0" >/dev/null || fail "ping6 guest 2's link-local"
log "after: ipv4 rx $(fam ipv4.rx_packets) tx $(fam ipv4.tx_packets), ipv6 rx $(fam ipv6.rx_packets) tx $(fam ipv6.tx_packets)"
# each ping: a request from guest 1 and a reply from guest 2, both switched
[ "$(fam ipv4.rx_packets)" -ge $((rx4 + 40)) ] || fail "ipv4 rx $(fam ipv4.rx_packets) < $rx4 + 40"
[ "$(fam ipv4.tx_packets)" -ge $((tx4 + 40)) ] || fail "ipv4 tx $(fam ipv4.tx_packets) < $tx4 + 40"
[ "$(fam ipv6.rx_packets)" -ge $((rx6 + 60)) ] || fail "ipv6 rx $(fam ipv6.rx_packets) < $rx6 + 60"
[ "$(fam ipv6.tx_packets)" -ge $((tx6 + 60)) ] || fail "ipv6 tx $(fam ipv6.tx_packets) < $tx6 + 60"
vnetctl stats default | grep -A3 "by address family" | grep -Eq "^ +ipv6 +[1-9]" ||
	fail "no IPv6 row in vnetctl stats: $(vnetctl stats default)"
vnetctl metrics >"$TMP/metrics" || fail "vnetctl metrics"
grep -Eq '^vnet_network_packets_total\{network="default",family="ipv6",direction="tx"\} [1-9]' \
	"$TMP/metrics" || fail "no IPv6 tx packets metric: $(grep vnet_network_ "$TMP/metrics")"
grep -Eq '^vnet_network_packets_total\{network="default",family="ipv4",direction="rx"\} [1-9]' \
	"$TMP/metrics" || fail "no IPv4 rx packets metric"
if command -v promtool >/dev/null; then
	promtool check metrics <"$TMP/metrics" >"$TMP/promtool" 2>&1 || fail "promtool: $(cat "$TMP/promtool")"
fi
log "ok"
