# SPDX-License-Identifier: MIT
# scenarios/: the scenario runner library (libscn), rsm-scenario, its tests, the whole
# scenario library as a test program, and the scenario-parser fuzz target.
# The runner drives RSM's library control against its own simulated library (sim: through
# transport/) or a real one (--device), so it links the device layer after librsm; librsm
# reaches it through weak references (rsm/engine/devlink.h) that run.c's table pulls in.
SCN_LINK := scn rsm rsmdev xport vtlsys vtldrive vtltape vtl t10
# librsm's own system libraries come from rsm/module.mk, so they follow its changes.
SCN_LDLIBS = -liscsi -ljansson -lyaml -lzstd -lz -lm $(rsm_LDLIBS)

LIBS += scn
scn_SRCS := scenarios/runner/parse.c scenarios/runner/run.c scenarios/runner/report.c \
            scenarios/runner/api.c

# The NTMS_* enum constants of ntmsapi.h, by name, for flags written symbolically.
$(B)/gen/scenarios/ntms_syms.inc: rsm/include/ntmsapi.h scenarios/module.mk
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)grep -o '\bNTMS_[A-Z0-9_]* = ' $< | sed 's/ = //' | sort -u | \
	  sed 's/.*/    {"&", &},/' > $@.tmp && mv $@.tmp $@
$(B)/obj/scenarios/runner/api.o: $(B)/gen/scenarios/ntms_syms.inc
# The Win32/NTMS error names results are written with.
$(B)/gen/scenarios/win32_errs.inc: rsm/include/openrsm/wintypes.h scenarios/module.mk
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)grep -o '^#define ERROR_[A-Z0-9_]* ' $< | sed 's/#define //; s/ $$//' | \
	  sed 's/.*/    {"&", &},/' > $@.tmp && mv $@.tmp $@
$(B)/obj/scenarios/runner/run.o: $(B)/gen/scenarios/win32_errs.inc

BINS += rsm-scenario
rsm-scenario_SRCS := scenarios/runner/main.c
rsm-scenario_LIBS := $(SCN_LINK)
rsm-scenario_LDLIBS = $(SCN_LDLIBS)

TESTS += test_scn
test_scn_SRCS := scenarios/tests/test_scn.c
test_scn_LIBS := $(SCN_LINK) cutest
test_scn_LDLIBS = $(SCN_LDLIBS) -lcunit

# Every scenarios/*.yaml through the runner, one CUnit test each.
TESTS += test_scn_library
test_scn_library_SRCS := scenarios/tests/test_scn_library.c
test_scn_library_LIBS := $(SCN_LINK) cutest
test_scn_library_LDLIBS = $(SCN_LDLIBS) -lcunit

FUZZ += fuzz_scn_parse
fuzz_scn_parse_SRCS := fuzz/fuzz_scn_parse.c
fuzz_scn_parse_LIBS := $(SCN_LINK)
fuzz_scn_parse_LDLIBS = $(SCN_LDLIBS)

# One scenario file with --device against a vtld the test starts (iscsi://).
TESTS += test_scn_device
test_scn_device_SRCS := scenarios/tests/test_scn_device.c
test_scn_device_LIBS := $(SCN_LINK) cutest
test_scn_device_LDLIBS = $(SCN_LDLIBS) -lcunit
$(B)/tests/test_scn_device: | $(B)/bin/vtld $(B)/bin/rsm-scenario
