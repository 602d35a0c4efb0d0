/work/wt-ipv6/build2/obj/ctl/vnetd/metrics_http/metrics_http.o: \
 ctl/vnetd/metrics_http/metrics_http.c \
 ctl/vnetd/metrics_http/metrics_http.h ctl/vnetd/core/core.h
ctl/vnetd/metrics_http/metrics_http.h:
ctl/vnetd/core/core.h:
