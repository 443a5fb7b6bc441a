# SPDX-License-Identifier: MIT
# sim/tcmu: the LIO TCMU front end - ring parsing (libvtltcmu), the vtl-tcmu handler and
# its host-side tests (a ring laid out in memory the way target_core_user lays it out).
LIBS += vtltcmu
vtltcmu_SRCS := sim/tcmu/ring.c sim/tcmu/uio.c

# Static, so the QEMU guest's initramfs needs no copy of libyaml, libzstd or libjansson
# (except in sanitizer builds: ASan cannot link statically).
BINS += vtl-tcmu
vtl-tcmu_SRCS := sim/tcmu/vtl-tcmu.c
vtl-tcmu_LIBS := vtltcmu $(VTL_ALL_LIBS)
vtl-tcmu_LDLIBS := $(if $(SAN),,-static) $(VTL_ALL_LDLIBS)

TESTS += test_tcmu
test_tcmu_SRCS := sim/tcmu/tests/test_ring.c
test_tcmu_LIBS := vtltcmu cutest
test_tcmu_LDLIBS := -lcunit

FUZZ += fuzz_tcmu_ring
fuzz_tcmu_ring_SRCS := fuzz/fuzz_tcmu_ring.c
fuzz_tcmu_ring_LIBS := vtltcmu
