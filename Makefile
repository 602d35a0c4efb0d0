# SPDX-License-Identifier: GPL-2.0-or-later
# vnet: make (build), make deps, make demo, make test, make bench, make bench-scale, make install
.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
BUILD   := build
PREFIX  ?= /usr/local
Q       := $(if $(V),,@)

PKGS     := libbpf libxdp libnl-3.0 libnl-route-3.0 json-c libxml-2.0 libmicrohttpd libseccomp
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
LDLIBS   += $(PKG_LIBS) -lelf -lz
DEPFLAGS  = -MMD -MP -MF $@.d
# a program's own (hidden, so globs over build/fuzz/fuzz_* see programs only)
BIN_DEPFLAGS = -MMD -MP -MF $(@D)/.$(@F).d

# Include paths by layer: lib/ sees only itself (it cannot include a header
# of ctl/ or bpf/), the daemon sees lib/ and the data path's shared headers,
# tests see every layer. A '#include "../' across folders fails the build
# (check-layers).
BASE_CPPFLAGS := -DVNET_VERSION=\"0.1.0\" -D_GNU_SOURCE $(PKG_CFLAGS)
LIB_CPPFLAGS   = $(BASE_CPPFLAGS) -Ilib
VNETD_CPPFLAGS = $(BASE_CPPFLAGS) -Ilib -Ictl/vnetd -Ibpf -I$(BUILD)
CPPFLAGS      += $(VNETD_CPPFLAGS)
TEST_CPPFLAGS  = $(VNETD_CPPFLAGS) -Itests -Ictl/vnet-user

# Sources: a fuzz_*.c beside the code it fuzzes is a fuzz target, never part
# of a library or program.
NOT_FUZZ      = $(foreach f,$(1),$(if $(findstring /fuzz_,$(f)),,$(f)))
LIB_SRCS     := $(call NOT_FUZZ,$(wildcard lib/*/*.c))
VNETD_SRCS   := $(call NOT_FUZZ,$(filter-out ctl/vnetd/core/main.c ctl/vnetd/core/test_hooks.c,$(wildcard ctl/vnetd/*/*.c)))
VNETCTL_SRCS := $(wildcard ctl/vnetctl/*.c)
BPF_SRCS     := $(wildcard bpf/*.bpf.c)
SKELS        := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.skel.h)
UNIT_SRCS    := $(wildcard tests/unit/test_*.c tests/bpf/test_*.c)
UNIT_BINS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TOOL_SRCS    := $(wildcard tests/tools/*.c)
TOOL_BINS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TOOL_SRCS))
FUZZ_SRCS    := $(wildcard lib/*/fuzz_*.c bpf/fuzz_*.c ctl/*/fuzz_*.c ctl/vnetd/*/fuzz_*.c)
FUZZ_BINS    := $(foreach s,$(FUZZ_SRCS),$(BUILD)/fuzz/$(basename $(notdir $(s))))

LIB_OBJS     := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
VNETD_OBJS   := $(VNETD_SRCS:%.c=$(BUILD)/obj/%.o)
VNETCTL_OBJS := $(VNETCTL_SRCS:%.c=$(BUILD)/obj/%.o)

all: check-layers $(BUILD)/vnetd $(BUILD)/vnetctl
.PHONY: all deps demo test unit fuzz fuzz-build bench bench-scale install clean check-layers

check-layers:
	$(Q)! grep -rn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\./' bpf ctl lib nss tests \
		--include='*.[ch]' || { echo 'a #include "../" crosses a layer: use the include path' >&2; false; }
	$(Q)tests/check_layout.sh

# ---- BPF: clang -target bpf -> object -> skeleton ---------------------------
$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

# -Wassign-enum, -Wenum-conversion: a pipeline function's return type says
# which convention it follows (bpf/lib/ctx.h); mixing them fails the build.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -Wassign-enum -Wenum-conversion \
	-I$(BUILD) -Ibpf -I/usr/include/$(shell uname -m)-linux-gnu
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c | $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# Test-only programs (tests/bpf/*.bpf.c: never in vnetd), skeletons for the
# BPF tests that load them.
TEST_BPF_SRCS := $(wildcard tests/bpf/*.bpf.c)
TEST_SKELS    := $(TEST_BPF_SRCS:tests/bpf/%.bpf.c=$(BUILD)/tests/bpf/%.skel.h)
$(BUILD)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c | $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp
$(BUILD)/tests/bpf/%.skel.h: $(BUILD)/tests/bpf/%.bpf.o
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# ---- C ---------------------------------------------------------------------
# Dependencies come from the compiler (DEPFLAGS, the .d files included at the
# end); the skeletons are order-only: made first, and only the objects that
# include one are rebuilt when it changes.
$(BUILD)/obj/lib/%.o: CPPFLAGS = $(LIB_CPPFLAGS)
$(BUILD)/obj/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libvnet.a: $(LIB_OBJS)
	$(Q)$(AR) rcs $@ $^
$(BUILD)/libvnetd.a: $(VNETD_OBJS)
	$(Q)$(AR) rcs $@ $^

# test_hooks.c is built twice: hooks off for vnetd (and every test program),
# on for vnetd-test, which only the system tests that inject faults run.
HOOKS_OFF := $(BUILD)/obj/ctl/vnetd/core/test_hooks.o
HOOKS_ON  := $(BUILD)/obj/ctl/vnetd/core/test_hooks_on.o
$(HOOKS_ON): ctl/vnetd/core/test_hooks.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -DVNET_TEST_HOOKS $(CFLAGS) $(DEPFLAGS) -c $< -o $@
$(BUILD)/vnetd: $(BUILD)/obj/ctl/vnetd/core/main.o $(HOOKS_OFF) $(BUILD)/libvnetd.a $(BUILD)/libvnet.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/vnetd-test: $(BUILD)/obj/ctl/vnetd/core/main.o $(HOOKS_ON) $(BUILD)/libvnetd.a $(BUILD)/libvnet.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/vnetctl: $(VNETCTL_OBJS) $(BUILD)/libvnet.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(HOOKS_OFF) $(BUILD)/libvnetd.a $(BUILD)/libvnet.a | $(SKELS) $(TEST_SKELS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(BIN_DEPFLAGS) -MT $@ -o $@ $< $(HOOKS_OFF) \
		$(BUILD)/libvnetd.a $(BUILD)/libvnet.a $(LDLIBS) -lcmocka
# the standalone DHCP servers take test hooks (dhcp_burst.sh and
# dhcp6_flush_hold.sh hold their syncs)
$(BUILD)/tests/tools/dhcpd_standalone $(BUILD)/tests/tools/dhcp6d_standalone: $(BUILD)/tests/tools/%: tests/tools/%.c $(HOOKS_ON) $(BUILD)/libvnetd.a $(BUILD)/libvnet.a | $(SKELS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(BIN_DEPFLAGS) -MT $@ -o $@ $< $(HOOKS_ON) \
		$(BUILD)/libvnetd.a $(BUILD)/libvnet.a $(LDLIBS)

# ---- fuzz targets: clang + libFuzzer + ASan; each fuzz_X.c sits beside the
# code it fuzzes and links lib/ built for fuzzing; corpus in tests/fuzz/X/ ----
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -DFUZZING -std=gnu11
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o)
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(LIB_CPPFLAGS) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@
# $(1): the target's source. Its folder decides its include path as above.
define fuzz_rule
$(BUILD)/fuzz/$(basename $(notdir $(1))): $(1) $(FUZZ_LIB_OBJS) | $(BUILD)/vmlinux.h $(SKELS)
	@mkdir -p $$(@D)
	$$(Q)$$(CLANG) $$(if $$(filter lib/%,$(1)),$$(LIB_CPPFLAGS),$$(VNETD_CPPFLAGS) -I$(dir $(1))) \
		-g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 $$(BIN_DEPFLAGS) -MT $$@ \
		-o $$@ $(1) $(FUZZ_LIB_OBJS) $$(LDLIBS)
endef
$(foreach s,$(FUZZ_SRCS),$(eval $(call fuzz_rule,$(s))))

unit: $(UNIT_BINS) $(TOOL_BINS) $(BUILD)/vnetd-test
fuzz-build: $(FUZZ_BINS)
# make fuzz: every target for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=600 for long runs)
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	$(Q)BUILD=$(abspath $(BUILD)) FUZZ_SECONDS=$(FUZZ_SECONDS) TESTS=fuzz_ tests/run.sh

# ---- the README's two commands ----------------------------------------------
deps:
	$(Q)tests/deps.sh

demo: deps all
	$(Q)tests/demo.sh

test: deps all unit fuzz-build
	$(Q)FUZZ_RUNS=$${FUZZ_RUNS:-20000} tests/run.sh

bench: deps all $(TOOL_BINS)
	$(Q)BUILD=$(abspath $(BUILD)) tests/bench.sh
	$(Q)BUILD=$(abspath $(BUILD)) tests/bench_user.sh || echo "bench: user-mode throughput failed"
	$(Q)BUILD=$(abspath $(BUILD)) tests/bench/dhcp_perf.sh || echo "bench: DHCP benchmark failed"
	$(Q)BUILD=$(abspath $(BUILD)) tests/bench/dhcp6_perf.sh || echo "bench: DHCPv6 benchmark failed"
	$(Q)BUILD=$(abspath $(BUILD)) tests/tools/dns_perf.sh || echo "bench: DNS benchmark failed"
	$(Q)BUILD=$(abspath $(BUILD)) tests/bench/evpn_perf.sh || echo "bench: EVPN (guests across hosts) benchmark failed"

# make bench-scale (issue 21): flat cost as flows, ports and networks grow;
# tests/bench/scale.sh, never part of make test
bench-scale: deps all $(TOOL_BINS)
	$(Q)BUILD=$(abspath $(BUILD)) tests/bench/scale.sh

# ---- operator experience (issue 12): NSS module, install, uninstall, dist ----
# The BPF objects are embedded in vnetd (skeletons) and the default network
# is built in, so neither is installed as a file. With PREFIX=/usr/local
# every path below is on systemd's, ld.so's, man's and bash-completion's
# default search path.
SBINDIR     ?= $(PREFIX)/sbin
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/vnet
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
NSS_SO      := $(BUILD)/libnss_vnet.so.2
DIST_VERSION := $(subst \",,$(patsubst -DVNET_VERSION=%,%,$(filter -DVNET_VERSION=%,$(CPPFLAGS))))
DIST_NAME   := vnet-$(DIST_VERSION)
INSTALLED   := $(SBINDIR)/vnetd $(BINDIR)/vnetctl $(BINDIR)/vnet-user $(LIBDIR)/libnss_vnet.so.2 \
	$(UNITDIR)/vnetd.service $(SYSUSERSDIR)/vnet.conf $(MANDIR)/man8/vnetd.8 \
	$(MANDIR)/man8/vnetctl.8 $(MANDIR)/man5/vnet-network.xml.5 $(BASHCOMPDIR)/vnetctl \
	$(DOCDIR)/operations.md $(DOCDIR)/network-xml.md
.PHONY: uninstall dist distcheck

all: $(NSS_SO)

# The NSS module reuses the lease file parser; only _nss_vnet_* is exported.
$(NSS_SO): nss/nss_vnet.c lib/lease/lease_store.c lib/util/fileutil.c
	@mkdir -p $(@D)
	$(Q)$(CC) -D_GNU_SOURCE -Ilib $(CFLAGS) $(BIN_DEPFLAGS) -fPIC -fvisibility=hidden -shared \
		-Wl,-soname,libnss_vnet.so.2 -Wl,-z,defs -o $@ nss/nss_vnet.c lib/lease/lease_store.c lib/util/fileutil.c

install: all
	install -D -m 0755 $(BUILD)/vnetd $(DESTDIR)$(SBINDIR)/vnetd
	install -D -m 0755 $(BUILD)/vnetctl $(DESTDIR)$(BINDIR)/vnetctl
	install -D -m 0755 $(BUILD)/vnet-user $(DESTDIR)$(BINDIR)/vnet-user
	install -D -m 0644 $(NSS_SO) $(DESTDIR)$(LIBDIR)/libnss_vnet.so.2
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' dist/vnetd.service > $(DESTDIR)$(UNITDIR)/vnetd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vnetd.service
	install -D -m 0644 dist/vnet.sysusers $(DESTDIR)$(SYSUSERSDIR)/vnet.conf
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man8 man/vnetd.8 man/vnetctl.8
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man5 man/vnet-network.xml.5
	install -D -m 0644 completion/vnetctl.bash $(DESTDIR)$(BASHCOMPDIR)/vnetctl
	install -D -m 0644 -t $(DESTDIR)$(DOCDIR) docs/operations.md docs/network-xml.md
	$(if $(DESTDIR),,dist/postinst.sh $(SYSUSERSDIR)/vnet.conf)

# Leaves the vnet group, /etc/vnet and /var/lib/vnet (like a package remove).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

# A tarball of the committed tree; distcheck builds it with only "make deps".
dist:
	@mkdir -p $(BUILD)
	git archive --format=tar.gz --prefix=$(DIST_NAME)/ -o $(BUILD)/$(DIST_NAME).tar.gz HEAD
	@echo "$(BUILD)/$(DIST_NAME).tar.gz"

distcheck: dist
	rm -rf $(BUILD)/distcheck && mkdir -p $(BUILD)/distcheck
	tar -xzf $(BUILD)/$(DIST_NAME).tar.gz -C $(BUILD)/distcheck
	$(MAKE) -C $(BUILD)/distcheck/$(DIST_NAME) all
	$(MAKE) -C $(BUILD)/distcheck/$(DIST_NAME) DESTDIR=$(abspath $(BUILD))/distcheck/root install
	rm -rf $(BUILD)/distcheck
# ---- end of operator experience block ----------------------------------------

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- vnet-user: unprivileged user networks (VDE switch + libslirp) ----------
# slirp's .pc file requires glib's, which the header does not need: add its
# include dir directly so libglib2.0-dev is not a build dependency.
VNET_USER_SRCS := $(call NOT_FUZZ,$(wildcard ctl/vnet-user/*.c))
VNET_USER_OBJS := $(VNET_USER_SRCS:%.c=$(BUILD)/obj/%.o)
all: $(BUILD)/vnet-user
$(BUILD)/obj/ctl/vnet-user/%.o: CPPFLAGS += -I/usr/include/slirp
$(BUILD)/vnet-user: $(VNET_USER_OBJS) $(BUILD)/libvnet.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lslirp -lvdeplug

# ---- make bench (issue 7): generators and counters in tests/bench/ -----------
# pktgen: live-frames XDP generator, XDP/tc drop counters, bare-redirect
# ceiling (a libbpf skeleton of tests/bench/pktgen.bpf.c); netload: AF_PACKET
# and TCP load (plain C). tests/bench.sh runs them. rcvbuf.so: a larger
# receive buffer for perfdhcp (LD_PRELOAD, tests/bench/dhcp_perf.sh).
BENCH_TOOLS := $(BUILD)/bench/pktgen $(BUILD)/bench/netload $(BUILD)/bench/rcvbuf.so
bench bench-scale: $(BENCH_TOOLS)
$(BUILD)/bench/pktgen.bpf.o: tests/bench/pktgen.bpf.c
	@mkdir -p $(@D)
	$(Q)$(CLANG) -g -O2 -target bpf -Wall -Werror \
		-I/usr/include/$(shell uname -m)-linux-gnu -c $< -o $@
$(BUILD)/bench/pktgen.skel.h: $(BUILD)/bench/pktgen.bpf.o
	$(Q)$(BPFTOOL) gen skeleton $< name pktgen > $@
$(BUILD)/bench/pktgen: tests/bench/pktgen.c tests/bench/frame.h $(BUILD)/bench/pktgen.skel.h
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -I$(BUILD)/bench -o $@ $< $(LDLIBS)
$(BUILD)/bench/netload: tests/bench/netload.c tests/bench/frame.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<
$(BUILD)/bench/rcvbuf.so: tests/bench/rcvbuf_preload.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -shared -fPIC -o $@ $< -ldl
# ---- end of make bench block -------------------------------------------------
