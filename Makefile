# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# ipctrace build.  Everything goes to $(OUTPUT) (default build/).
#   make [V=1]            ipctrace and the workload programs
#   make demo             build, then trace a bundled demo workload (root)
#   make check            unit, integration (root) and whole-binary tests
#   make check-unit       cmocka unit tests only (no root needed)
#   make check-asan       unit tests built with ASan/UBSan (in build/asan)
#   make check-golden     report of the golden recordings, byte for byte (no root)
#   make check-fuzz       the libFuzzer targets, FUZZ_SECONDS each (clang; in build/fuzz)
#   make install          PREFIX=/usr/local DESTDIR=
#   make deb              Debian package in $(OUTPUT)/ (binary, man page, completion)
#   make vmlinux          regenerate vmlinux/$(uname -m)/vmlinux.h from this kernel
#   LIBBPF_STATIC=0       link libbpf dynamically

OUTPUT ?= build
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PYTHON ?= python3
PREFIX ?= /usr/local
DESTDIR ?=
LIBBPF_STATIC ?= 1

UNAME_M := $(shell uname -m)
BPF_ARCH := $(shell echo $(UNAME_M) | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')
VMLINUX_DIR := vmlinux/$(UNAME_M)
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CFLAGS ?= -g -O2
WARNINGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2
ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(WARNINGS) -fno-omit-frame-pointer \
	-Iinclude -Isrc -I$(OUTPUT) -DIPCTRACE_VERSION='"$(VERSION)"' -MMD -MP $(EXTRA_CFLAGS)
ALL_LDFLAGS := $(LDFLAGS) $(EXTRA_LDFLAGS)
ifeq ($(LIBBPF_STATIC),1)
LIBBPF_LIB := -Wl,-Bstatic -lbpf -Wl,-Bdynamic
else
LIBBPF_LIB := -lbpf
endif
ALL_CFLAGS += -DIPCTRACE_LIBBPF_STATIC=$(if $(filter 1,$(LIBBPF_STATIC)),1,0)
LDLIBS := $(LIBBPF_LIB) -lelf -lz -lm -lmicrohttpd -lpthread

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) -I$(VMLINUX_DIR) -Iinclude \
	-Wall -Werror -Wno-unused-function -MMD -MP $(EXTRA_BPF_CFLAGS)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKEL := $(OUTPUT)/ipctrace.skel.h

SRCS := $(wildcard src/*.c src/*/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(patsubst src/%.c,$(OUTPUT)/src/%.o,$(LIB_SRCS))
LIB := $(OUTPUT)/libipctrace.a
# ar keeps members by file name: two src/*/x.c would replace each other
ifneq ($(words $(notdir $(LIB_SRCS))),$(words $(sort $(notdir $(LIB_SRCS)))))
$(error two files in src/ share a name: $(sort $(foreach f,$(notdir $(LIB_SRCS)),$(if $(filter-out 1,$(words $(filter %/$(f),$(LIB_SRCS)))),$(f)))))
endif
BIN := $(OUTPUT)/ipctrace
# one output folder per stage folder of src/
SRC_DIRS := $(OUTPUT)/src $(patsubst %/,%,$(sort $(dir $(LIB_OBJS))))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))
UNIT_HELPER_SRCS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%.o,$(UNIT_HELPER_SRCS))

# Workloads: one program per tools/<name>/ directory, built with frame pointers
# so that user stacks unwind through them.
TOOL_DIRS := $(patsubst %/,%,$(dir $(wildcard tools/*/*.c)))
TOOL_NAMES := $(sort $(notdir $(TOOL_DIRS)))
TOOL_BINS := $(patsubst %,$(OUTPUT)/tools/%,$(TOOL_NAMES))
TOOL_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter -Iinclude $(EXTRA_CFLAGS)
# hang: programs stuck on purpose, built as a distribution builds (-O2, no
# frame pointers), so that what ipctrace finds in them is what it finds anywhere
$(OUTPUT)/tools/hang: TOOL_CFLAGS := -std=gnu11 -g -O2 -fomit-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wno-unused-result $(EXTRA_CFLAGS)

.DELETE_ON_ERROR:
# $$(@D): a userspace object's own output folder, as an order-only prerequisite
.SECONDEXPANSION:
# test objects come from a pattern chain: keep them between runs
.SECONDARY: $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%.o,$(UNIT_SRCS) $(UNIT_HELPER_SRCS)) \
	$(OUTPUT)/tests/bpf/watchkey.bpf.o
.PHONY: all clean check check-unit check-integration check-cli check-asan check-golden install \
	fuzz check-fuzz \
	uninstall vmlinux tools demo deb

all: $(BIN) tools

tools: $(TOOL_BINS) $(OUTPUT)/tools/racework++

$(OUTPUT) $(OUTPUT)/bpf $(SRC_DIRS) $(OUTPUT)/tests $(OUTPUT)/tools:
	$(Q)mkdir -p $@

# BPF: compile each object, link them into one, generate one skeleton.
$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/ipctrace.bpf.o: $(BPF_OBJS) | $(OUTPUT)
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(SKEL): $(OUTPUT)/ipctrace.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ipctrace_bpf > $@

# Userspace.  Every object waits for the skeleton (order-only) on a clean
# build; afterwards the .d files carry the real dependencies.
$(OUTPUT)/src/%.o: src/%.c | $$(@D) $(SKEL)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The flame graph's script, embedded as a C array (its leading // lines left out).
$(OUTPUT)/flame_js.h: src/output/flame.js | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q){ echo '/* generated from $< */'; echo 'static const char svg_js[] = {'; \
		awk 'body || !/^\/\//{ body = 1; print }' $< | od -An -v -tx1 | \
		sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; echo '0x00 };'; } > $@

$(OUTPUT)/src/output/flame_svg.o: $(OUTPUT)/flame_js.h

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(OUTPUT)/src/main.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

# Unit tests (cmocka): tests/unit/test_X.c links against the library and
# any shared helper sources in tests/unit/.
$(OUTPUT)/tests/%.o: tests/unit/%.c | $(OUTPUT)/tests $(SKEL)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(OUTPUT)/tests/test_%: $(OUTPUT)/tests/test_%.o $(UNIT_HELPER_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

# The watch-key test runs include/ipc_obj.h built for BPF (tests/bpf/) against
# its userspace build.
$(OUTPUT)/tests/bpf:
	$(Q)mkdir -p $@

$(OUTPUT)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c | $(OUTPUT)/tests/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/tests/%.skel.h: $(OUTPUT)/tests/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(OUTPUT)/tests/test_watchkey.o: $(OUTPUT)/tests/watchkey.skel.h

$(OUTPUT)/tools/%: | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(TOOL_CFLAGS) $(filter %.c,$^) -o $@ -pthread -lrt

# racework (C) and racework++ (C++): the race patterns, built the way users
# build their programs: -O2, no frame pointers.
USER_CFLAGS := -g -O2 -Wall -Wextra -Werror -Wno-unused-parameter $(EXTRA_CFLAGS)
$(OUTPUT)/tools/racework: $(wildcard tools/racework/*.c tools/racework/*.h) | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 $(USER_CFLAGS) $(filter %.c,$^) -o $@ -pthread

$(OUTPUT)/tools/racework++: $(wildcard tools/racework++/*.cc) | $(OUTPUT)/tools
	$(call msg,CXX,$@)
	$(Q)$(CXX) -std=gnu++17 $(USER_CFLAGS) $(filter %.cc,$^) -o $@ -pthread

# recgen writes recordings with ipctrace's own record structs and writer: it links the library.
$(OUTPUT)/tools/recgen: tools/recgen/recgen.c $(LIB) | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(LIB) $(LDLIBS) -o $@

define tool_deps
$(OUTPUT)/tools/$(1): $(wildcard tools/$(1)/*.c tools/$(1)/*.h)
endef
$(foreach t,$(TOOL_NAMES),$(eval $(call tool_deps,$(t))))

check-unit: $(UNIT_BINS)
	$(Q)set -e; fail=0; for t in $(UNIT_BINS); do \
		printf '  %-8s %s\n' UNIT $$t; \
		$$t || fail=1; \
	done; exit $$fail

# Fuzzing (libFuzzer, clang): the library again in $(OUTPUT)/fuzz with coverage
# and ASan/UBSan, and the two targets of tests/fuzz/fuzz_report.c.  check-fuzz
# runs each for FUZZ_SECONDS from the seed corpus (the golden recordings and
# tests/fuzz/seeds/); `make fuzz` only builds them.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_SAN := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_DIR := $(OUTPUT)/fuzz
FUZZ_BINS := $(FUZZ_DIR)/fuzz_recording $(FUZZ_DIR)/fuzz_records

fuzz:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(FUZZ_DIR) CC=$(FUZZ_CC) \
		LIBBPF_STATIC=$(LIBBPF_STATIC) CFLAGS='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' \
		$(FUZZ_BINS)

$(OUTPUT)/fuzz_recording $(OUTPUT)/fuzz_records: tests/fuzz/fuzz_report.c $(LIB)
	$(call msg,FUZZ,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(if $(findstring records,$@),-DFUZZ_RAW_RECORDS) \
		$< $(LIB) $(LDLIBS) -o $@

check-fuzz: fuzz
	$(Q)tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

check-asan:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(OUTPUT)/asan LIBBPF_STATIC=$(LIBBPF_STATIC) \
		CFLAGS='-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' check-unit

# The outputs of `report` on recordings kept under tests/golden/ must not
# change unless a change means them to (tests/golden/regen.sh rewrites them).
check-golden: $(BIN)
	$(Q)tests/golden/check.sh $(OUTPUT)

check-integration: $(BIN) tools
	$(Q)$(PYTHON) tests/integration/run.py --build $(OUTPUT)

# One after the other: the integration tests time real workloads.
check:
	$(Q)$(MAKE) --no-print-directory check-unit
	$(Q)$(MAKE) --no-print-directory check-golden
	$(Q)$(MAKE) --no-print-directory check-asan
	$(Q)$(MAKE) --no-print-directory check-fuzz
	$(Q)$(MAKE) --no-print-directory check-integration

demo: $(BIN) tools
	$(Q)tools/demo.sh $(OUTPUT)

COMPLETION_DIR := $(PREFIX)/share/bash-completion/completions

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(COMPLETION_DIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ipctrace
	install -m 0644 man/ipctrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/ipctrace.8
	install -m 0644 completion/ipctrace.bash $(DESTDIR)$(COMPLETION_DIR)/ipctrace

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ipctrace $(DESTDIR)$(PREFIX)/share/man/man8/ipctrace.8 \
		$(DESTDIR)$(COMPLETION_DIR)/ipctrace

# The Debian package: what `make install PREFIX=/usr` puts in place, stripped.
deb: $(BIN)
	$(call msg,DEB,$(OUTPUT)/ipctrace_$(VERSION)_*.deb)
	$(Q)tools/mkdeb.sh $(OUTPUT) $(VERSION) >/dev/null

vmlinux:
	$(Q)tools/gen-vmlinux.sh $(VMLINUX_DIR)/vmlinux.h

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/bpf/*.d $(OUTPUT)/src/*.d $(OUTPUT)/src/*/*.d \
	$(OUTPUT)/tests/*.d $(OUTPUT)/tests/bpf/*.d)

# --- symbolizer test fixtures ---
# Small ELF files that tests/unit/test_syms.c symbolizes: a PIE program
# linked against a shared library, the same program as ET_EXEC (-no-pie),
# a stripped copy, and a root directory holding that copy as /bin/fx_stripped
# with its separate debug file under /usr/lib/debug/.build-id/.  Not built
# with $(CFLAGS): the sanitizer build must not change what the fixtures look
# like.  Order-only, so that the link rule's $^ does not see them; the test
# finds them through SYMS_FIXTURE_DIR.
STRIP ?= strip
OBJCOPY ?= objcopy
READELF ?= readelf
SYMS_FIXTURE_DIR := $(OUTPUT)/tests/fixtures
SYMS_FIXTURES := $(addprefix $(SYMS_FIXTURE_DIR)/,libfx.so fx_pie fx_nopie fx_stripped \
	debugroot/bin/fx_stripped)
SYMS_FIXTURE_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wl,--build-id
SYMS_FIXTURE_DEPS := tests/unit/fixtures/fx_app.c tests/unit/fixtures/fx_lib.h \
	$(SYMS_FIXTURE_DIR)/libfx.so

$(SYMS_FIXTURE_DIR):
	$(Q)mkdir -p $@

$(SYMS_FIXTURE_DIR)/libfx.so: tests/unit/fixtures/fx_lib.c tests/unit/fixtures/fx_lib.h \
		| $(SYMS_FIXTURE_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(SYMS_FIXTURE_CFLAGS) -fPIC -shared $< -o $@

$(SYMS_FIXTURE_DIR)/fx_pie: $(SYMS_FIXTURE_DEPS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(SYMS_FIXTURE_CFLAGS) -fPIE -pie $< -L$(SYMS_FIXTURE_DIR) -lfx \
		-Wl,-rpath,'$$ORIGIN' -o $@

$(SYMS_FIXTURE_DIR)/fx_nopie: $(SYMS_FIXTURE_DEPS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(SYMS_FIXTURE_CFLAGS) -fno-PIE -no-pie $< -L$(SYMS_FIXTURE_DIR) -lfx \
		-Wl,-rpath,'$$ORIGIN' -o $@

$(SYMS_FIXTURE_DIR)/fx_stripped: $(SYMS_FIXTURE_DIR)/fx_pie
	$(call msg,STRIP,$@)
	$(Q)$(STRIP) --strip-all $< -o $@

$(SYMS_FIXTURE_DIR)/debugroot/bin/fx_stripped: $(SYMS_FIXTURE_DIR)/fx_stripped
	$(call msg,GEN,$(SYMS_FIXTURE_DIR)/debugroot)
	$(Q)id=$$($(READELF) -n $< | sed -n 's/.*Build ID: *//p') && test -n "$$id" && \
		dir=$(SYMS_FIXTURE_DIR)/debugroot/usr/lib/debug/.build-id/$$(echo $$id | cut -c1-2) && \
		mkdir -p $$dir $(@D) && \
		$(OBJCOPY) --only-keep-debug $(SYMS_FIXTURE_DIR)/fx_pie \
			$$dir/$$(echo $$id | cut -c3-).debug && \
		cp $< $@

$(OUTPUT)/tests/test_syms: | $(SYMS_FIXTURES)
$(OUTPUT)/tests/test_syms.o: ALL_CFLAGS += -DSYMS_FIXTURE_DIR='"$(abspath $(SYMS_FIXTURE_DIR))"'
