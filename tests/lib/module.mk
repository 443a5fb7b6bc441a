# Shared test helpers (CUnit runner, exact-size copies, golden-vector loader).
LIBS += cutest
cutest_SRCS := tests/lib/cutest.c tests/lib/daemon.c
