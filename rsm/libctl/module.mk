# SPDX-License-Identifier: MIT
# Library control (rsm/engine/libctl.c, mount.c; rsm/api/libctl.c): its test program runs
# the engine against the in-process simulator (sim:) and against a vtld it starts
# (iscsi://, faults through vtlctl). librsm refers to the device layer weakly until
# rsm/module.mk links it (rsm/engine/devlink.h), so this program links rsmdev after rsm.
TESTS += test_rsm_libctl
# The queue is also run through an rsmd it starts (rsm/server/tests/daemon.c finds it).
test_rsm_libctl_SRCS := $(sort $(wildcard rsm/libctl/tests/*.c)) rsm/server/tests/daemon.c
test_rsm_libctl_LIBS := rsm $(RSMDEV_LINK) cutest
test_rsm_libctl_LDLIBS = -lcunit $(rsm_LDLIBS) $(RSMDEV_LDLIBS)
$(B)/tests/test_rsm_libctl: | $(B)/bin/vtld $(B)/bin/vtlctl $(B)/bin/rsmd

# The same library without the device layer: library control must refuse, not crash.
TESTS += test_rsm_libctl_nodev
test_rsm_libctl_nodev_SRCS := rsm/libctl/nodev/test_nodev.c
test_rsm_libctl_nodev_LIBS := rsm cutest
test_rsm_libctl_nodev_LDLIBS = -lcunit $(rsm_LDLIBS)

# 16 drives mounting at once through the request queue (serialised robot, parallel drives).
BENCH += bench_rsm_queue
bench_rsm_queue_SRCS := rsm/libctl/bench/bench_rsm_queue.c
bench_rsm_queue_LIBS := rsm $(RSMDEV_LINK)
bench_rsm_queue_LDLIBS = $(rsm_LDLIBS) $(RSMDEV_LDLIBS) -lpthread
