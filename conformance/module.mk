# SPDX-License-Identifier: MIT
# conformance/: the certification harness (libconform), rsm-conform and its tests.
LIBS += conform
conform_SRCS := conformance/run.c conformance/catalogue.c conformance/checks_spc.c \
                conformance/checks_smc.c conformance/checks_ssc.c conformance/report.c

CONFORM_LIBS := conform xport vtlsys vtldrive vtltape vtl t10
CONFORM_LDLIBS := -liscsi -lyaml -lzstd -ljansson -lm

BINS += rsm-conform
rsm-conform_SRCS := conformance/main.c
rsm-conform_LIBS := $(CONFORM_LIBS)
rsm-conform_LDLIBS := $(CONFORM_LDLIBS)

TESTS += test_conform
test_conform_SRCS := $(wildcard conformance/tests/*.c)
test_conform_LIBS := $(CONFORM_LIBS) cutest
test_conform_LDLIBS := $(CONFORM_LDLIBS) -lcunit

# test_conform runs the programs it tests (rsm-conform, and vtld for the iSCSI run).
$(B)/tests/test_conform: | $(B)/bin/rsm-conform $(B)/bin/vtld
