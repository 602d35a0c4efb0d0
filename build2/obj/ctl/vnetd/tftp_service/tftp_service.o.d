/work/wt-ipv6/build2/obj/ctl/vnetd/tftp_service/tftp_service.o: \
 ctl/vnetd/tftp_service/tftp_service.c \
 ctl/vnetd/tftp_service/tftp_service.h ctl/vnetd/core/core.h \
 lib/tftp/tftp.h lib/util/util.h
ctl/vnetd/tftp_service/tftp_service.h:
ctl/vnetd/core/core.h:
lib/tftp/tftp.h:
lib/util/util.h:
