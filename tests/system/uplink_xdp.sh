#!/bin/bash
# XDP on the uplink (issue 21.1): the uplink veth runs vnet's XDP program in
# native mode (--uplink-xdp on; a veth needs "on", "auto" leaves veths on tc).
# Guests: vif1.0 a veth port on tc, vif2.0 a veth port on xdp-veth (GRO on
# in the guest), and a tap (vnetctl tap-add) whose "guest" is a namespace
# behind a small relay (tap fd <-> packet socket on a veth). Checked live:
# NAT replies (ping, TCP downloads compared by hash) and a DNAT port
# forward reach the xdp-veth and tap guests at XDP (its uplink_xdp counter),
# the tc port's replies are handed to tc (uplink_xdp_tc) and still arrive,
# the fallback paths work (ARP, an ICMP error about a NATed flow, the host's
# own traffic), net-info and stats say "native", and a restart with
# --uplink-xdp off removes the program with traffic still flowing.
# Exit 0 pass, 1 fail, 77 skip.
TEST_NAME=uplink_xdp
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

# ct NAME: a counter of the default network (datapath.conntrack.NAME)
ct() { net_stat default "datapath.conntrack.$1"; }
info() { vnetctl --json net-info default | $PY -c 'import json,sys
d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d.get(sys.argv[1],""))' "$1"; }
up_xdp() { vnetctl --json stats default | $PY -c 'import json,sys
print(json.load(sys.stdin)[0]["datapath"].get("uplink_xdp",""))'; }

# wan_sender PORT BYTES: a wan server for one connection that sends BYTES
# random bytes and writes "bytes sha256" to $TMP/sent.PORT (pid: $SENDER);
# $receiver (python, args ADDR PORT) prints the same of what it received
wan_sender() {
	inwan $PY -c 'import socket,hashlib,os,sys
port,n=int(sys.argv[1]),int(sys.argv[2])
l=socket.socket(); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); l.bind(("'$WAN_IP'",port)); l.listen(1)
c,a=l.accept(); d=os.urandom(n); c.sendall(d); c.close()
open(sys.argv[3],"w").write("%d %s\n"%(n,hashlib.sha256(d).hexdigest()))' "$1" "$2" "$TMP/sent.$1" &
	SENDER=$!
	wait_for 50 bash -c "ip netns exec $WAN ss -ltn | grep -q ':$1 '" || fail "wan server :$1 did not start"
}
receiver='import socket,hashlib,sys
s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=20); h=hashlib.sha256(); n=0
while True:
  b=s.recv(65536)
  if not b: break
  h.update(b); n+=len(b)
print(n,h.hexdigest())'

world_init
guest_add 1
guest_add 2
inwan ethtool -K eth0 gro on >/dev/null 2>&1	# XDP redirects into the uplink (xdp-veth ports)
VNET_UPLINK_XDP=on vnetd_start
vnetctl net-start default >/dev/null || fail "net-start default"
vnetctl port-add default vif1.0 >/dev/null || fail "port-add vif1.0"
vnetctl port-add default vif2.0 --hook xdp >/dev/null || fail "port-add vif2.0 --hook xdp"

# the uplink's XDP program, native (driver) mode, never generic
inhost ip -d link show wan0 | grep -q "prog/xdp" || fail "no XDP program on wan0: $(inhost ip -d link show wan0)"
inhost ip link show wan0 | grep -q xdpgeneric && fail "wan0 runs generic XDP"
[ "$(info uplink_xdp)" = native ] || fail "net-info says uplink_xdp '$(info uplink_xdp)'"
[ "$(up_xdp)" = native ] || fail "stats say uplink_xdp '$(up_xdp)'"

# guest 3 behind the tap: relay frames between the tap and a veth whose far
# end is the guest's eth0 (checksums completed by the guest: no offloads)
tap=$(vnetctl tap-add default) || fail "tap-add"
netns_add "$P-g3"
ip link add tg3h netns "$HOST" type veth peer name eth0 netns "$P-g3" || fail "veth for the tap guest"
inhost sysctl -qw net.ipv6.conf.tg3h.disable_ipv6=1
inhost ip link set tg3h arp off up	# the host must not answer the guest's ARP
inguest 3 ip link set eth0 address 52:54:00:00:00:03
inguest 3 ethtool -K eth0 tx off tso off gso off gro off >/dev/null 2>&1
inguest 3 ip link set eth0 up
inhost_net $PY -c 'import fcntl,os,select,socket,struct,sys
fd=os.open("/dev/net/tun",os.O_RDWR)
fcntl.ioctl(fd,0x400454ca,struct.pack("16sH",sys.argv[1].encode(),0x1002))	# TUNSETIFF tap, no_pi
s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW,socket.htons(3)); s.bind((sys.argv[2],0))
while True:
  r,_,_=select.select([fd,s],[],[])
  if fd in r: s.send(os.read(fd,65536))
  if s in r:
    f,a=s.recvfrom(65536)
    if a[2]!=socket.PACKET_OUTGOING: os.write(fd,f)' "$tap" tg3h >"$TMP/relay.log" 2>&1 &
wait_for 50 bash -c "ip netns exec $HOST ip link show $tap | grep -q LOWER_UP" || fail "tap relay did not attach"
for g in 1 2 3; do guest_dhcp "$g" "guest$g" || fail "guest $g got no lease"; done
ip2=$(guest_ip 2)

# NAT replies into the xdp-veth guest and the tap guest: at XDP
for g in 2 3; do
	x=$(ct uplink_xdp)
	inguest "$g" ping -c 20 -i 0.02 -W 2 "$WAN_IP" >/dev/null || fail "guest $g cannot ping the wan"
	d=$(($(ct uplink_xdp) - x))
	log "guest $g: 20 echo replies, $d redirected at XDP"
	[ "$d" -ge 20 ] || fail "guest $g: echo replies not redirected at XDP ($d of 20)"
done
port=7000
for g in 2 3; do
	port=$((port + 1))
	wan_sender $port $((4 << 20))
	x=$(ct uplink_xdp)
	got=$(inguest "$g" $PY -c "$receiver" "$WAN_IP" $port) || fail "guest $g: download failed"
	wait "$SENDER"
	[ "$got" = "$(cat "$TMP/sent.$port")" ] || fail "guest $g got '$got', wan sent '$(cat "$TMP/sent.$port")'"
	d=$(($(ct uplink_xdp) - x))
	log "guest $g: 4 MiB TCP download intact, $d segments redirected at XDP"
	[ "$d" -ge 2000 ] || fail "guest $g: the download was not redirected at XDP ($d)"
done

# the tc port: XDP hands its replies to tc, which delivers them
x=$(ct uplink_xdp); t=$(ct uplink_xdp_tc)
inguest 1 ping -c 20 -i 0.02 -W 2 "$WAN_IP" >/dev/null || fail "guest 1 (tc port) cannot ping the wan"
port=$((port + 1))
wan_sender $port $((1 << 20))
got=$(inguest 1 $PY -c "$receiver" "$WAN_IP" $port) || fail "guest 1: download failed"
wait "$SENDER"
[ "$got" = "$(cat "$TMP/sent.$port")" ] || fail "guest 1 got '$got', wan sent '$(cat "$TMP/sent.$port")'"
log "guest 1 (tc port): XDP +$(($(ct uplink_xdp) - x)), handed to tc +$(($(ct uplink_xdp_tc) - t))"
[ $(($(ct uplink_xdp_tc) - t)) -ge 20 ] || fail "replies for the tc port were not handed to tc"
[ $(($(ct uplink_xdp) - x)) -lt 10 ] || fail "replies for a tc veth port redirected at XDP"

# a DNAT port forward from the wan to guest 2, at XDP
vnetctl forward-add default tcp 8080 "$ip2:80" >/dev/null || fail "forward-add"
inguest 2 $PY -c 'import socket,hashlib,os
l=socket.socket(); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); l.bind(("0.0.0.0",80)); l.listen(1)
c,a=l.accept(); h=hashlib.sha256(); n=0
while True:
  b=c.recv(65536)
  if not b: break
  h.update(b); n+=len(b)
open("'$TMP/fwd.got'","w").write("%d %s\n"%(n,h.hexdigest()))' &
srv=$!
wait_for 50 bash -c "ip netns exec $P-g2 ss -ltn | grep -q ':80 '" || fail "guest 2 server did not start"
x=$(ct uplink_xdp); hits=$(ct dnat_hits)
want=$(inwan $PY -c 'import socket,hashlib,os
d=os.urandom(2<<20); s=socket.create_connection(("'$UPLINK_IP'",8080),timeout=20); s.sendall(d); s.close()
print(len(d),hashlib.sha256(d).hexdigest())') || fail "wan could not send through the forward"
wait "$srv"
[ "$(cat "$TMP/fwd.got")" = "$want" ] || fail "guest 2 got '$(cat "$TMP/fwd.got")' through the forward, wan sent '$want'"
d=$(($(ct uplink_xdp) - x))
log "port forward: 2 MiB intact, $d segments redirected at XDP, dnat_hits +$(($(ct dnat_hits) - hits))"
[ "$d" -ge 1000 ] || fail "the port forward was not redirected at XDP ($d)"
[ $(($(ct dnat_hits) - hits)) = 1 ] || fail "one connection counted $(($(ct dnat_hits) - hits)) DNAT hits"

# fallback: an ICMP error about a NATed flow (XDP hands it to tc, which
# translates it: test_dp_nat checks the mark; it belongs to no network yet,
# so no network's uplink_xdp_tc counts it), ARP and the host's own traffic
inguest 2 $PY -c 'import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(3); s.connect(("'$WAN_IP'",9))
s.send(b"x")
try:
  s.recv(100); raise SystemExit("an answer?")
except ConnectionRefusedError: pass' || fail "guest 2 got no port unreachable through NAT"
inwan ip neigh flush dev eth0
inwan ping -c 2 -W 2 "$UPLINK_IP" >/dev/null || fail "the wan cannot reach the host (ARP, ping)"
inwan ip neigh show dev eth0 | grep -q "$UPLINK_IP" || fail "no ARP entry for the uplink"

# restart with --uplink-xdp off: the program goes, replies take tc
vnetd_stop
vnetd_start --uplink-xdp off
inhost ip -d link show wan0 | grep -q "prog/xdp" && fail "XDP still on wan0 with --uplink-xdp off"
[ "$(info uplink_xdp)" = off ] || fail "net-info says uplink_xdp '$(info uplink_xdp)' with off"
x=$(ct uplink_xdp)
for g in 1 2 3; do
	inguest "$g" ping -c 3 -W 2 "$WAN_IP" >/dev/null || fail "guest $g cannot ping the wan (tc only)"
done
[ "$(ct uplink_xdp)" = "$x" ] || fail "uplink_xdp moved without the program"
log "ok"
