# SPDX-License-Identifier: MIT
# Library control (rsm/engine/libctl.c, mount.c; rsm/api/libctl.c): its test program runs
# the engine against the in-process simulator (sim:) and against a vtld it starts
# (iscsi://, faults through vtlctl). librsm refers to the device layer weakly until
# rsm/module.mk links it (rsm/engine/devlink.h), so this program links rsmdev after rsm.
TESTS += test_rsm_libctl
test_rsm_libctl_SRCS := $(sort $(wildcard rsm/libctl/tests/*.c))
test_rsm_libctl_LIBS := rsm $(RSMDEV_LINK) cutest
test_rsm_libctl_LDLIBS = -lcunit $(rsm_LDLIBS) $(RSMDEV_LDLIBS)
$(B)/tests/test_rsm_libctl: | $(B)/bin/vtld $(B)/bin/vtlctl

# The same library without the device layer: library control must refuse, not crash.
TESTS += test_rsm_libctl_nodev
test_rsm_libctl_nodev_SRCS := rsm/libctl/nodev/test_nodev.c
test_rsm_libctl_nodev_LIBS := rsm cutest
test_rsm_libctl_nodev_LDLIBS = -lcunit $(rsm_LDLIBS)
