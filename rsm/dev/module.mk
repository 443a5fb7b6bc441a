# SPDX-License-Identifier: MIT
# rsm/dev/: changer (SMC) and drive (SSC) drivers and library discovery over transport/.
# They return results and never call the engine (DESIGN.md); see rsm/dev/README.md.
LIBS += rsmdev
rsmdev_SRCS := $(sort $(wildcard rsm/dev/*.c))

RSMDEV_LINK := rsmdev xport vtlsys vtldrive vtltape vtl t10
RSMDEV_LDLIBS := -liscsi -ljansson -lyaml -lzstd -lm

TESTS += test_rsm_dev
test_rsm_dev_SRCS := $(sort $(wildcard rsm/dev/tests/*.c))
test_rsm_dev_LIBS := $(RSMDEV_LINK) cutest
test_rsm_dev_LDLIBS := $(RSMDEV_LDLIBS) -lcunit
# The iscsi:// suite starts the daemon and injects faults with its control client.
$(B)/tests/test_rsm_dev: | $(B)/bin/vtld $(B)/bin/vtlctl

BENCH += bench_rsm_dev
bench_rsm_dev_SRCS := rsm/dev/bench/bench_rsm_dev.c
bench_rsm_dev_LIBS := $(RSMDEV_LINK)
bench_rsm_dev_LDLIBS := $(RSMDEV_LDLIBS)
