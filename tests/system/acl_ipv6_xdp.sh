#!/bin/bash
# acl_ipv6.sh with the XDP program on the veth ports (VNET_DP_HOOK=xdp-veth).
export VNET_DP_HOOK=xdp-veth
exec "$(dirname "$0")/acl_ipv6.sh"
