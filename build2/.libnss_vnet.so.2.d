/work/wt-ipv6/build2/libnss_vnet.so.2: lib/util/fileutil.c \
 lib/util/util.h
lib/util/util.h:
