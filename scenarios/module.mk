# SPDX-License-Identifier: MIT
# scenarios/: the scenario runner library (libscn), rsm-scenario, its tests, the whole
# scenario library as a test program, and the scenario-parser fuzz target.
SCN_LINK := scn vtldrive vtltape vtl t10 rsm
# librsm's own system libraries come from rsm/module.mk, so they follow its changes.
SCN_LDLIBS = -lyaml -lzstd -lz -lm $(rsm_LDLIBS)

LIBS += scn
scn_SRCS := scenarios/runner/parse.c scenarios/runner/run.c scenarios/runner/report.c

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
fuzz_scn_parse_LIBS := scn vtl t10
fuzz_scn_parse_LDLIBS := -lyaml
