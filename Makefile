# SPDX-License-Identifier: GPL-2.0-or-later
# vnet: make (build), make deps, make demo, make test, make bench, make install
.DELETE_ON_ERROR:
.SUFFIXES:

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
BUILD   := build
PREFIX  ?= /usr/local
Q       := $(if $(V),,@)

PKGS     := libbpf libxdp libnl-3.0 libnl-route-3.0 json-c libxml-2.0 libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -DVNET_VERSION=\"0.1.0\" -D_GNU_SOURCE -Ilib -Ictl/vnetd -Ibpf -I$(BUILD) $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lelf -lz

LIB_SRCS     := $(wildcard lib/*.c)
VNETD_SRCS   := $(filter-out ctl/vnetd/main.c,$(wildcard ctl/vnetd/*.c))
VNETCTL_SRCS := $(wildcard ctl/vnetctl/*.c)
BPF_SRCS     := $(wildcard bpf/*.bpf.c)
BPF_HDRS     := $(wildcard bpf/*.h bpf/lib/*.h)
SKELS        := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.skel.h)
UNIT_SRCS    := $(wildcard tests/unit/test_*.c tests/bpf/test_*.c)
UNIT_BINS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_SRCS    := $(wildcard lib/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst lib/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

LIB_OBJS     := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
VNETD_OBJS   := $(VNETD_SRCS:%.c=$(BUILD)/obj/%.o)
VNETCTL_OBJS := $(VNETCTL_SRCS:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/vnetd $(BUILD)/vnetctl
.PHONY: all deps demo test unit fuzz bench install clean

# ---- BPF: clang -target bpf -> object -> skeleton ---------------------------
$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		-I$(BUILD) -Ibpf -I/usr/include/$(shell uname -m)-linux-gnu -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# ---- C ---------------------------------------------------------------------
$(BUILD)/obj/%.o: %.c $(SKELS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libvnet.a: $(LIB_OBJS)
	$(Q)$(AR) rcs $@ $^
$(BUILD)/libvnetd.a: $(VNETD_OBJS)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/vnetd: $(BUILD)/obj/ctl/vnetd/main.o $(BUILD)/libvnetd.a $(BUILD)/libvnet.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/vnetctl: $(VNETCTL_OBJS) $(BUILD)/libvnet.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libvnetd.a $(BUILD)/libvnet.a $(SKELS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libvnetd.a $(BUILD)/libvnet.a $(LDLIBS) -lcmocka

# ---- fuzz targets: clang + libFuzzer + ASan over the lib/ sources ------------
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -DFUZZING
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -std=gnu11 -c $< -o $@
$(BUILD)/fuzz/%: lib/fuzz/%.c $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

unit: $(UNIT_BINS)
fuzz: $(FUZZ_BINS)

# ---- the README's two commands ----------------------------------------------
deps:
	$(Q)tests/deps.sh

demo: deps all
	$(Q)tests/demo.sh

test: deps all unit fuzz
	$(Q)tests/run.sh

bench: deps all
	$(Q)tests/bench.sh

install: all
	install -D -m 0755 $(BUILD)/vnetd $(DESTDIR)$(PREFIX)/sbin/vnetd
	install -D -m 0755 $(BUILD)/vnetctl $(DESTDIR)$(PREFIX)/bin/vnetctl

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
