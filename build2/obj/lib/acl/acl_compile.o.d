/work/wt-ipv6/build2/obj/lib/acl/acl_compile.o: lib/acl/acl_compile.c \
 lib/acl/acl.h
lib/acl/acl.h:
