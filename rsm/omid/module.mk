# SPDX-License-Identifier: MIT
# OMID inventory with the media label libraries (rsm/engine/omid.c): its test program
# builds simulated libraries of its own (vtl_system_open + xport_sim_attach) so it can
# write labels on the tapes first and make barcodes unreadable. It reuses the fixture of
# test_rsm_libctl (rsm/libctl/tests/fix.c); rsmdev is linked after rsm (devlink.h).
TESTS += test_rsm_omid
test_rsm_omid_SRCS := $(sort $(wildcard rsm/omid/tests/*.c)) rsm/libctl/tests/fix.c
test_rsm_omid_LIBS := rsm $(RSMDEV_LINK) cutest
test_rsm_omid_LDLIBS = -lcunit $(rsm_LDLIBS) $(RSMDEV_LDLIBS)
