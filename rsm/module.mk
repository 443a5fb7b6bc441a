# SPDX-License-Identifier: MIT
# librsm: the RSM (NTMS) API and its engine, static and shared, plus a pkg-config file.
# The engine's CUnit suite is test_rsm_engine; bench_rsm measures it.
INCLUDES += -Irsm/include

LIBS += rsm
rsm_SHARED := 1
# The media label libraries (rsm/mli, also the static library rsmmli) are compiled into
# librsm itself: the engine claims labels during OMID inventory, and every program that
# links rsm (statically or not) then gets them without naming rsmmli. -ldl for its plugins.
rsm_SRCS := $(sort $(wildcard rsm/api/*.c rsm/engine/*.c rsm/client/*.c rsm/mli/*.c))
rsm_LDLIBS := -ljansson -lsqlite3 -lpthread -ldl

TESTS += test_rsm_engine
test_rsm_engine_SRCS := $(sort $(wildcard rsm/engine/tests/*.c))
test_rsm_engine_LIBS := rsm cutest
test_rsm_engine_LDLIBS = -lcunit $(rsm_LDLIBS)

BENCH += bench_rsm
bench_rsm_SRCS := bench/bench_rsm.c
bench_rsm_LIBS := rsm
bench_rsm_LDLIBS = $(rsm_LDLIBS)

# pkg-config file for applications: cc app.c $(pkg-config --cflags --libs librsm)
# (paths point into this build tree; an install step would rewrite prefix).
$(B)/lib/pkgconfig/librsm.pc: rsm/module.mk | $(B)/lib
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)printf '%s\n' \
	  'prefix=$(abspath $(B))' \
	  'includedir=$(abspath rsm/include)' \
	  'libdir=$${prefix}/lib' \
	  '' \
	  'Name: librsm' \
	  'Description: OpenRSM Removable Storage Manager API (Windows NTMS compatible)' \
	  'Version: 0.1.0' \
	  'Requires.private: sqlite3 jansson' \
	  'Cflags: -I$${includedir} -I$${includedir}/openrsm' \
	  'Libs: -L$${libdir} -lrsm' \
	  'Libs.private: -ljansson -lsqlite3 -lpthread -ldl' > $@
all: $(B)/lib/pkgconfig/librsm.pc


# librsm from C++: compile, link against the shared library, run once.
CXX ?= g++
all: $(B)/rsm/cxx-link.ok
$(B)/rsm/cxx-link.ok: rsm/engine/tests/cxx_link.cpp $(B)/lib/librsm.so.0
	@mkdir -p $(dir $@)
	@echo "  CXX     $< (link librsm.so and run)"
	$(Q)$(CXX) -std=c++11 -Wall -Wextra -Werror -Irsm/include -o $(B)/rsm/cxx_link $< \
	  -L$(B)/lib -Wl,-rpath,$(abspath $(B)/lib) -lrsm $(SANFLAGS)
	$(Q)d=$$(mktemp -d) && $(B)/rsm/cxx_link $$d; rc=$$?; rm -rf $$d; test $$rc -eq 0
	$(Q)touch $@
