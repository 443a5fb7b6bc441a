# SPDX-License-Identifier: MIT
# OpenRSM build: one entry point. Everything goes into $(B) (build/ by default).
#
#   make              libraries, binaries and test programs
#   make test         every CUnit suite, fuzz-corpus replay and fuzz smoke
#   make asan         the same tests built with AddressSanitizer + UBSan (build/asan)
#   make bench        benchmarks; results are appended to bench/RESULTS.md
#   make fuzz-smoke   each libFuzzer target for a bounded time (clang)
#   make demo         the end-to-end demonstration (vtld + rsmd + rsm)
#   make test-qemu    real Linux clients in a QEMU guest
#
# Modules describe themselves in <dir>/module.mk with these variables (append with +=):
#   LIBS  += name         static library $(B)/lib/libname.a from name_SRCS
#                         (name_SHARED=1 also builds $(B)/lib/libname.so)
#   BINS  += prog         $(B)/bin/prog from prog_SRCS, linked with prog_LIBS (ours,
#                         in link order) and prog_LDLIBS (system)
#   TESTS += prog         like BINS but into $(B)/tests/; `make test` runs each one
#   FUZZ  += prog         libFuzzer target $(B)/fuzz/prog from prog_SRCS (+ prog_LIBS)
#   BENCH += prog         like BINS but into $(B)/bench/; `make bench` runs each one
#   GEN_HDRS              generated headers every object depends on
# Include paths are global: each module adds its public header folder to INCLUDES.

B        ?= build
SAN      ?=
V        ?= 0
CC       ?= cc
AR       ?= ar
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter -Wvla
OPT      ?= -O2 -g
PKGS     := sqlite3 yaml-0.1 cunit jansson libiscsi zlib libzstd
INCLUDES := -I. -I$(B)/gen
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1 -g
endif
CFLAGS_ALL  = $(CSTD) $(WARN) $(OPT) -fPIC -pthread $(SANFLAGS) $(INCLUDES) $(EXTRA_CFLAGS)
LDFLAGS_ALL = -pthread $(SANFLAGS) $(EXTRA_LDFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Missing Debian packages are installed before anything is built (ci/install-deps.sh is
# idempotent and does nothing when all are present). Skipped for clean/help targets.
ifeq ($(filter clean distclean help,$(MAKECMDGOALS)),)
DEPS_OK := $(shell pkg-config --exists $(PKGS) && command -v clang >/dev/null && echo yes)
ifneq ($(DEPS_OK),yes)
$(info Some dependencies are missing: running ci/install-deps.sh)
DEPS_RC := $(shell ./ci/install-deps.sh >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error ci/install-deps.sh failed; install the packages it lists and retry)
endif
endif
endif

LIBS  :=
BINS  :=
TESTS :=
FUZZ  :=
BENCH :=
GEN_HDRS :=
MODULES := $(sort $(wildcard */module.mk */*/module.mk))
include $(MODULES)

.PHONY: all test asan bench fuzz-smoke fuzz-build demo test-qemu clean help
.DEFAULT_GOAL := all

# ---- templates -------------------------------------------------------------------------
objs = $(patsubst %.c,$(B)/obj/%.o,$(filter %.c,$(1))) $(filter %.o,$(1))
libfiles = $(foreach l,$(1),$(B)/lib/lib$(l).a)

define LIB_template
$(B)/lib/lib$(1).a: $$(call objs,$$($(1)_SRCS)) | $(B)/lib
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && $(AR) rcs $$@ $$^
ifeq ($$($(1)_SHARED),1)
$(B)/lib/lib$(1).so: $$(call objs,$$($(1)_SRCS)) $$(call libfiles,$$($(1)_LIBS)) | $(B)/lib
	@echo "  LD      $$@"
	$(Q)$(CC) -shared -Wl,-soname,lib$(1).so.0 -o $$@ $$(call objs,$$($(1)_SRCS)) \
	  $$(call libfiles,$$($(1)_LIBS)) $(LDFLAGS_ALL) $$($(1)_LDLIBS)
# The loader looks for the soname: lib$(1).so.0 -> lib$(1).so.
$(B)/lib/lib$(1).so.0: $(B)/lib/lib$(1).so
	$(Q)ln -sf lib$(1).so $$@
all: $(B)/lib/lib$(1).so $(B)/lib/lib$(1).so.0
endif
all: $(B)/lib/lib$(1).a
endef

# $(1)=program $(2)=output dir $(3)=extra flags
define PROG_template
$(B)/$(2)/$(1): $$(call objs,$$($(1)_SRCS)) $$(call libfiles,$$($(1)_LIBS)) | $(B)/$(2)
	@echo "  LD      $$@"
	$(Q)$(CC) -o $$@ $$(call objs,$$($(1)_SRCS)) $$(call libfiles,$$($(1)_LIBS)) \
	  $(LDFLAGS_ALL) $(3) $$($(1)_LDLIBS)
endef

$(foreach l,$(LIBS),$(eval $(call LIB_template,$(l))))
$(foreach p,$(BINS),$(eval $(call PROG_template,$(p),bin,)))
$(foreach p,$(TESTS),$(eval $(call PROG_template,$(p),tests,)))
$(foreach p,$(BENCH),$(eval $(call PROG_template,$(p),bench,)))

$(B)/obj/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(B)/obj/%.o: $(B)/gen/%.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(B)/lib $(B)/bin $(B)/tests $(B)/bench $(B)/fuzz:
	$(Q)mkdir -p $@

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

all: $(addprefix $(B)/bin/,$(BINS)) $(addprefix $(B)/tests/,$(TESTS))

# ---- tests -----------------------------------------------------------------------------
# ci/run-tests.sh runs each suite, replays every fuzz corpus through the plain-C
# fuzz drivers, and prints one "tests: N passed, N failed" line at the end.
test: all fuzz-replay-build
	$(Q)B=$(B) ./ci/run-tests.sh $(addprefix $(B)/tests/,$(TESTS))
ifeq ($(SAN),)
	$(Q)$(MAKE) --no-print-directory fuzz-smoke
endif

asan:
	$(Q)$(MAKE) --no-print-directory B=build/asan SAN=1 test

# Every fuzz target is also linked with fuzz/replay_main.c into a plain program that
# replays fuzz/corpus/<target>/ in `make test` (crashers found once stay fixed).
FUZZ_REPLAY := $(addprefix $(B)/fuzz-replay/,$(FUZZ))
define FUZZ_template
$(B)/fuzz-replay/$(1): $$(call objs,$$($(1)_SRCS) fuzz/replay_main.c) $$(call libfiles,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$(CC) -o $$@ $$^ $(LDFLAGS_ALL) $$($(1)_LDLIBS)
endef
$(foreach p,$(FUZZ),$(eval $(call FUZZ_template,$(p))))
.PHONY: fuzz-replay-build
fuzz-replay-build: $(FUZZ_REPLAY)

# libFuzzer needs clang; the fuzz build is a separate tree so flags never mix.
FUZZ_TIME ?= 20
fuzz-build:
	$(Q)$(MAKE) --no-print-directory B=build/fuzz-obj CC=clang \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -O1 -g" \
	  $(addprefix build/fuzz-obj/fuzz-lib/,$(FUZZ))
fuzz-smoke: fuzz-build
	$(Q)./ci/fuzz-smoke.sh build/fuzz-obj/fuzz-lib $(FUZZ_TIME) $(FUZZ)

define FUZZLIB_template
$(B)/fuzz-lib/$(1): $$(call objs,$$($(1)_SRCS)) $$(call libfiles,$$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$(CC) -fsanitize=fuzzer,address,undefined -o $$@ $$^ $(LDFLAGS_ALL) $$($(1)_LDLIBS)
endef
$(foreach p,$(FUZZ),$(eval $(call FUZZLIB_template,$(p))))

# ---- benchmarks ------------------------------------------------------------------------
bench: $(addprefix $(B)/bench/,$(BENCH)) all
	$(Q)B=$(B) ./bench/run.sh $(addprefix $(B)/bench/,$(BENCH))

# ---- demo and guest tests (later issues fill these in) ---------------------------------
demo: all
	$(Q)if [ -x ci/demo.sh ]; then ./ci/demo.sh; else \
	  echo "make demo: not yet — it needs rsmd and vtld (see README status table)"; fi

test-qemu:
	$(Q)if [ -x qemu/run.sh ]; then ./qemu/run.sh; else \
	  echo "make test-qemu: not yet — the QEMU guest suite is not built (see README)"; exit 2; fi

clean:
	rm -rf build

help:
	@sed -n '2,12p' Makefile
