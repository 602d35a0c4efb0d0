/work/wt-ipv6/build2/bpf/vnet.bpf.o: bpf/vnet.bpf.c bpf/lib/port.h \
  bpf/lib/fdb.h bpf/lib/maps.h bpf/lib/ctx.h \
  /work/wt-ipv6/build2/vmlinux.h bpf/vnet_shared.h bpf/lib/nat.h \
  bpf/lib/conntrack.h bpf/lib/parse.h bpf/lib/counters.h bpf/lib/quota.h \
  bpf/lib/csum.h bpf/lib/host.h bpf/lib/route.h bpf/lib/nexthop.h \
  bpf/lib/frag.h bpf/lib/qos.h bpf/lib/qos_math.h bpf/lib/ipv6.h \
  bpf/lib/learn.h bpf/lib/acl.h bpf/lib/uplink.h bpf/lib/icmp.h \
  bpf/lib/deliver.h bpf/lib/verdict.h bpf/lib/l4sum.h

bpf/lib/port.h:

bpf/lib/fdb.h:

bpf/lib/maps.h:

bpf/lib/ctx.h:

/work/wt-ipv6/build2/vmlinux.h:

bpf/vnet_shared.h:

bpf/lib/nat.h:

bpf/lib/conntrack.h:

bpf/lib/parse.h:

bpf/lib/counters.h:

bpf/lib/quota.h:

bpf/lib/csum.h:

bpf/lib/host.h:

bpf/lib/route.h:

bpf/lib/nexthop.h:

bpf/lib/frag.h:

bpf/lib/qos.h:

bpf/lib/qos_math.h:

bpf/lib/ipv6.h:

bpf/lib/learn.h:

bpf/lib/acl.h:

bpf/lib/uplink.h:

bpf/lib/icmp.h:

bpf/lib/deliver.h:

bpf/lib/verdict.h:

bpf/lib/l4sum.h:
