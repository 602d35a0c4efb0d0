/work/wt-ipv6/build2/obj/lib/ndp/ndp.o: lib/ndp/ndp.c lib/ndp/ndp.h
lib/ndp/ndp.h:
