/work/wt-ipv6/build2/obj/lib/tftp/tftp.o: lib/tftp/tftp.c lib/tftp/tftp.h
lib/tftp/tftp.h:
