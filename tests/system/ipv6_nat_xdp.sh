#!/bin/bash
# ipv6_nat.sh with the guest port on XDP (port-add --hook xdp: on a veth the
# xdp-veth hook, XDP in front of tc).
export PORT_HOOK=xdp
exec "$(dirname "$0")/ipv6_nat.sh"
