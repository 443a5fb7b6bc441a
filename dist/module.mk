# SPDX-License-Identifier: MIT
# dist/: what a package installs beside the binaries: systemd units (dist/systemd/) and
# the manual pages (dist/man/, troff, the one source of each page). test_dist checks both
# against the programs: pages render without groff warnings and document every option
# --help prints; units pass systemd-analyze verify and only options the programs have.
TESTS += test_dist
test_dist_SRCS := dist/tests/test_dist.c
test_dist_LIBS := cutest
test_dist_LDLIBS := -lcunit
$(B)/tests/test_dist: | $(B)/bin/rsmd $(B)/bin/rsm $(B)/bin/vtld $(B)/bin/vtlctl
