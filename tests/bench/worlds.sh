# Benchmark worlds (sourced by tests/bench.sh after tests/lib.sh).
# Both worlds have the same shape and addresses, each in its own namespaces:
#   vnet:     tests/lib.sh's world ($HOST, $WAN, $P-g1, $P-g2) run by vnetd
#   baseline: $P-bhost, $P-bwan, $P-bg1, $P-bg2 set up as libvirt would: a
#             Linux bridge with the gateway address, ip_forward=1, an
#             nftables forward + masquerade table, conntrack.
#   wire:     $P-dg1 and $P-dwan on one veth pair, nothing between them:
#             what TCP, connections and latency reach with no forwarder at
#             all (the ceiling for those figures; pps ceilings are redirects)
# ns_of WORLD ROLE names a namespace (ROLE: host wan g1 g2).

ns_of() {
	case $1 in
	vnet) case $2 in host) echo "$HOST" ;; wan) echo "$WAN" ;; *) echo "$P-$2" ;; esac ;;
	base) echo "$P-b$2" ;;
	wire) echo "$P-d$2" ;;
	esac
}
in_ns() { local ns; ns=$(ns_of "$1" "$2"); shift 2; ip netns exec "$ns" "$@"; }
mac_of() { in_ns "$1" "$2" cat "/sys/class/net/$3/address"; }

# Both worlds: GRO on both ends of every guest veth (a veth needs NAPI on
# the receiving end to take XDP frames; applied identically to both).
gro_on() {
	local w=$1
	for g in 1 2; do
		in_ns "$w" host ethtool -K "vif$g.0" gro on >/dev/null 2>&1
		in_ns "$w" "g$g" ethtool -K eth0 gro on >/dev/null 2>&1
	done
}

vnet_world() {
	world_init
	guest_add 1
	guest_add 2
	# no per-guest flow cap: the NAT scale figures measure the table, and
	# one guest stands in for many (the cap is hostile_conntrack.sh's)
	vnetd_start --ct-guest-max 0
	nat66_vnet_define
	vnetctl net-start default >/dev/null || fail "net-start default"
	vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
	vnetctl port-add default vif2.0 >/dev/null || fail "port-add vif2.0"
	nat66_vnet_slaac
	guest_dhcp 1 || fail "guest 1 got no lease"
	guest_dhcp 2 || fail "guest 2 got no lease"
	gro_on vnet
	IP1=$(guest_ip 1) IP2=$(guest_ip 2)
}

# NAT66 (issue 18): the default network as built in, plus an IPv6 <ip> and
# <nat ipv6='yes'>; the uplink and the wan get global IPv6 addresses, the
# guests SLAAC addresses (the same ones in the baseline, set statically).
UPLINK_IP6=2001:db8:a::1 WAN_IP6=2001:db8:a::2 PFX6=fd00:122
nat66_vnet_define() {
	cat >"$TMP/default6.xml" <<X
<network><name>default</name><forward mode='nat' dev='wan0'><nat ipv6='yes'/></forward>
  <bridge name='vnbr0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip>
  <ip family='ipv6' address='$PFX6::1' prefix='64'/></network>
X
	vnetctl net-define "$TMP/default6.xml" >/dev/null || fail "net-define default with IPv6"
	inhost ip addr add $UPLINK_IP6/64 dev wan0 nodad
	inwan ip addr add $WAN_IP6/64 dev eth0 nodad
	inhost ip -6 route add default via $WAN_IP6 dev wan0
}
nat66_vnet_slaac() {
	local g
	for g in 1 2; do
		inguest $g ip link set eth0 down
		inguest $g ip link set eth0 up
	done
	for g in 1 2; do
		wait_for 150 bash -c "ip netns exec $P-g$g ip -6 addr show dev eth0 scope global | grep -q '$PFX6::' &&
			! ip netns exec $P-g$g ip -6 addr show dev eth0 | grep -q tentative &&
			ip netns exec $P-g$g ip -6 route show default | grep -q via" ||
			fail "vnet guest $g did no SLAAC in $PFX6::/64"
	done
}
g6_of() { in_ns "$1" "$2" ip -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1; }
BASE_NFT6='table ip6 bench_libvirt6 {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname "vnbr0" oifname "vnbr0" accept
		iifname "vnbr0" ip6 saddr fd00:122::/64 accept
		oifname "vnbr0" ip6 daddr fd00:122::/64 ct state established,related accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		ip6 saddr fd00:122::/64 ip6 daddr != fd00:122::/64 meta l4proto { tcp, udp } masquerade to :1024-65535
		ip6 saddr fd00:122::/64 ip6 daddr != fd00:122::/64 masquerade
	}
}'
nat66_base() {
	local h=$P-bhost g
	ip -n "$h" addr add $PFX6::1/64 dev vnbr0 nodad
	ip -n "$h" addr add $UPLINK_IP6/64 dev wan0 nodad
	ip -n "$P-bwan" addr add $WAN_IP6/64 dev eth0 nodad
	ip -n "$h" -6 route add default via $WAN_IP6 dev wan0
	ip netns exec "$h" sysctl -qw net.ipv6.conf.all.forwarding=1
	for g in 1 2; do
		ip -n "$P-bg$g" addr add "$(g6_of vnet g$g)/64" dev eth0 nodad
		ip -n "$P-bg$g" -6 route add default via $PFX6::1
	done
	echo "$BASE_NFT6" | ip netns exec "$h" nft -f - || fail "baseline nftables ip6"
	ip netns exec "$P-dg1" ip addr add 2001:db8:a::10/64 dev eth0 nodad
	ip netns exec "$P-dwan" ip addr add $WAN_IP6/64 dev eth0 nodad
}

# libvirt's NAT network, in nftables terms (libvirt >= 9 uses an
# equivalent "libvirt_network" table): guests may start flows to anywhere
# but the subnet is masqueraded, replies come back via conntrack.
BASE_NFT='table ip bench_libvirt {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname "vnbr0" oifname "vnbr0" accept
		iifname "vnbr0" ip saddr 192.168.122.0/24 accept
		oifname "vnbr0" ip daddr 192.168.122.0/24 ct state established,related accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		ip saddr 192.168.122.0/24 ip daddr 224.0.0.0/24 return
		ip saddr 192.168.122.0/24 ip daddr 255.255.255.255 return
		ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 meta l4proto { tcp, udp } masquerade to :1024-65535
		ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 masquerade
	}
}'

base_world() {
	local h=$P-bhost w=$P-bwan g
	netns_add "$h"
	netns_add "$w"
	ip link add wan0 netns "$h" type veth peer name eth0 netns "$w" || fail "baseline uplink"
	ip -n "$h" addr add $UPLINK_IP/24 dev wan0
	ip -n "$h" link set wan0 up
	ip -n "$w" addr add $WAN_IP/24 dev eth0
	ip -n "$w" link set eth0 up
	ip -n "$h" route add default via $WAN_IP dev wan0
	ip -n "$h" link add vnbr0 type bridge stp_state 0 forward_delay 0
	ip -n "$h" addr add 192.168.122.1/24 dev vnbr0
	ip -n "$h" link set vnbr0 up
	for g in 1 2; do
		netns_add "$P-bg$g"
		ip link add "vif$g.0" netns "$h" type veth peer name eth0 netns "$P-bg$g" ||
			fail "baseline vif$g.0"
		ip -n "$P-bg$g" link set eth0 address "$(mac_of vnet g$g eth0)"
		ip -n "$P-bg$g" link set eth0 up
		ip -n "$h" link set "vif$g.0" master vnbr0 up
	done
	ip -n "$P-bg1" addr add "$IP1/24" dev eth0
	ip -n "$P-bg2" addr add "$IP2/24" dev eth0
	for g in 1 2; do ip -n "$P-bg$g" route add default via 192.168.122.1; done
	ip netns exec "$h" sysctl -qw net.ipv4.ip_forward=1
	# libvirt leaves br_netfilter alone; if the module is loaded, keep
	# bridged frames out of iptables (the faster, fairer baseline)
	ip netns exec "$h" sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
	ip netns exec "$h" sysctl -qw net.bridge.bridge-nf-call-ip6tables=0 2>/dev/null # IPv6 rows
	echo "$BASE_NFT" | ip netns exec "$h" nft -f - || fail "baseline nftables"
	gro_on base
}

# The wire: guest 1's twin on the wan's subnet, the same offloads as the
# guests of the other worlds (GRO on at the guest end).
wire_world() {
	netns_add "$P-dg1"
	netns_add "$P-dwan"
	ip link add eth0 netns "$P-dg1" type veth peer name eth0 netns "$P-dwan" || fail "wire veth"
	ip -n "$P-dg1" addr add 203.0.113.10/24 dev eth0
	ip -n "$P-dwan" addr add $WAN_IP/24 dev eth0
	ip -n "$P-dg1" link set eth0 up
	ip -n "$P-dwan" link set eth0 up
	in_ns wire g1 ethtool -K eth0 gro on >/dev/null 2>&1
	in_ns wire g1 sysctl -qw net.ipv4.ip_local_port_range="1024 60999"
}

# Per-world: the guests' ports are ephemeral-range wide and recycle fast.
guest_sysctls() {
	for w in vnet base; do
		for g in g1 g2; do
			in_ns $w $g sysctl -qw net.ipv4.ip_local_port_range="1024 60999"
		done
	done
}
