# SPDX-License-Identifier: MIT
# rsmd, the RSM service (the engine behind a Unix socket), and its tests.
BINS += rsmd
rsmd_SRCS := rsm/server/rsmd.c rsm/server/dispatch.c
# The daemon drives the libraries: it links the device layer (rsm/dev) after librsm.
rsmd_LIBS = rsm $(RSMDEV_LINK)
rsmd_LDLIBS = $(rsm_LDLIBS) $(RSMDEV_LDLIBS)

# rsmd's suite plus the engine's object, pool and media suites in client mode.
TESTS += test_rsmd
test_rsmd_SRCS := rsm/server/tests/test_main.c rsm/server/tests/test_rsmd.c \
  rsm/server/tests/daemon.c rsm/server/tests/fx_client.c rsm/engine/tests/test_objects.c \
  rsm/engine/tests/test_pools.c rsm/engine/tests/test_media.c
test_rsmd_LIBS := rsm cutest
test_rsmd_LDLIBS = -lcunit $(rsm_LDLIBS)

# Calls per second through the socket (8 clients) against the embedded engine.
BENCH += bench_rsmd
bench_rsmd_SRCS := rsm/server/bench/bench_rsmd.c rsm/server/tests/daemon.c
bench_rsmd_LIBS := rsm
bench_rsmd_LDLIBS = $(rsm_LDLIBS)
