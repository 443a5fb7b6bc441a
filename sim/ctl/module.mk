# The whole library (sim/system.c: changer + drives + tapes + state), vtld's control
# protocol (sim/ctl/PROTOCOL.md), and the two programs: vtld and vtlctl.
LIBS += vtlsys
vtlsys_SRCS := sim/system.c sim/ctl/ctl.c

# Everything a program needs to serve a whole library, in link order.
VTL_ALL_LIBS := vtlsys vtldrive vtltape vtl t10
VTL_ALL_LDLIBS := -ljansson -lyaml -lzstd -lm

BINS += vtld
vtld_SRCS := sim/vtld.c
vtld_LIBS := vtliscsi $(VTL_ALL_LIBS)
vtld_LDLIBS := $(VTL_ALL_LDLIBS)

BINS += vtlctl
vtlctl_SRCS := sim/vtlctl.c
vtlctl_LDLIBS := -ljansson

TESTS += test_ctl
test_ctl_SRCS := sim/ctl/tests/test_ctl.c
test_ctl_LIBS := $(VTL_ALL_LIBS) cutest
test_ctl_LDLIBS := $(VTL_ALL_LDLIBS) -lcunit

TESTS += test_vtld
test_vtld_SRCS := sim/ctl/tests/test_vtld.c
test_vtld_LIBS := xport $(VTL_ALL_LIBS) cutest
test_vtld_LDLIBS := $(VTL_ALL_LDLIBS) -liscsi -lcunit
# test_vtld runs the daemon and the client programs.
$(B)/tests/test_vtld: | $(B)/bin/vtld $(B)/bin/vtlctl

TESTS += test_system
test_system_SRCS := sim/ctl/tests/test_system.c
test_system_LIBS := $(VTL_ALL_LIBS) cutest
test_system_LDLIBS := $(VTL_ALL_LDLIBS) -lcunit

# vtld against tgt over iSCSI (bench/tgt-peer.sh starts and stops tgtd).
BENCH += bench_iscsi
bench_iscsi_SRCS := bench/bench_iscsi.c
bench_iscsi_LIBS := xport $(VTL_ALL_LIBS)
bench_iscsi_LDLIBS := $(VTL_ALL_LDLIBS) -liscsi
$(B)/bench/bench_iscsi: | $(B)/bin/vtld
