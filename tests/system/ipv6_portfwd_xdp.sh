#!/bin/bash
# ipv6_portfwd.sh behind the uplink's XDP program (--uplink-xdp on: native
# XDP on the veth uplink, which hands IPv6 to the tc program).
export TEST_NAME=ipv6_portfwd_xdp VNET_UPLINK_XDP=on
exec "$(dirname "$0")/ipv6_portfwd.sh"
