# SPDX-License-Identifier: MIT
# Import/export, cleaning and change detection (rsm/engine/ie.c, clean.c, detect.c;
# rsm/api/ie.c, clean.c, detect.c). The test program builds its own simulated libraries
# (vtl_system_open + xport_sim_attach) so it can inject faults and move virtual time, and
# runs a 24-hour soak on the virtual clock; test_rsmd.c runs the calls through an rsmd and
# a vtld it starts (rsmd, vtld and vtlctl run from $(B)/bin). rsmdev is linked after rsm
# (devlink.h).
TESTS += test_rsm_ieclean
test_rsm_ieclean_SRCS := $(sort $(wildcard rsm/ieclean/tests/*.c)) rsm/server/tests/daemon.c
test_rsm_ieclean_LIBS := rsm $(RSMDEV_LINK) cutest
test_rsm_ieclean_LDLIBS = -lcunit $(rsm_LDLIBS) $(RSMDEV_LDLIBS)
