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
  rsm/engine/tests/test_pools.c rsm/engine/tests/test_media.c \
  rsm/engine/tests/test_notify.c rsm/server/tests/test_notify_rsmd.c
test_rsmd_LIBS := rsm cutest
test_rsmd_LDLIBS = -lcunit $(rsm_LDLIBS)

# Calls per second through the socket (8 clients) against the embedded engine.
BENCH += bench_rsmd
bench_rsmd_SRCS := rsm/server/bench/bench_rsmd.c rsm/server/tests/daemon.c
bench_rsmd_LIBS := rsm
bench_rsmd_LDLIBS = $(rsm_LDLIBS)

# Notification latency through rsmd (commit to watcher), p50/p99 over 10,000 events.
BENCH += bench_notify
bench_notify_SRCS := rsm/server/bench/bench_notify.c rsm/server/tests/daemon.c
bench_notify_LIBS := rsm
bench_notify_LDLIBS = $(rsm_LDLIBS)

# The direct object_get encoder and reader (rsm/client/wire.c) against jansson, and rsmd's
# direct answer (dispatch.c) against its jansson answer.
TESTS += test_rsm_wire
test_rsm_wire_SRCS := rsm/server/tests/test_wire.c rsm/server/dispatch.c
test_rsm_wire_LIBS := rsm cutest
test_rsm_wire_LDLIBS = -lcunit $(rsm_LDLIBS)

# The rsm CLI's library operations (inject, eject, clean, refresh, requests) embedded and
# through rsmd against a vtld, and kill -9 of rsmd in a mount storm.
TESTS += test_cli_libops
test_cli_libops_SRCS := rsm/server/tests/test_cli_libops.c rsm/server/tests/daemon.c
test_cli_libops_LIBS := rsm cutest
test_cli_libops_LDLIBS = -lcunit $(rsm_LDLIBS)

# The direct readers must never read a line differently from jansson.
FUZZ += fuzz_rsm_wire
fuzz_rsm_wire_SRCS := rsm/server/fuzz/fuzz_rsm_wire.c
fuzz_rsm_wire_LIBS := rsm
fuzz_rsm_wire_LDLIBS = $(rsm_LDLIBS)
