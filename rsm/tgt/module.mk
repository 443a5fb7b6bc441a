# SPDX-License-Identifier: MIT
# rsm/tgt/: RSM against Debian's tgt, an iSCSI tape library nobody here wrote (README.md:
# the compatibility table). test_rsm_tgt starts tgtd through tgt-library.sh and drives it
# through the engine; xport-raw sends one CDB to any device URI (the by-hand evidence of
# the table and of conformance/reports/tgt/).
BINS += xport-raw
xport-raw_SRCS := rsm/tgt/xport_raw.c
xport-raw_LIBS := xport vtlsys vtldrive vtltape vtl t10
xport-raw_LDLIBS := -liscsi -ljansson -lyaml -lzstd -lm

TESTS += test_rsm_tgt
# fix.c: the embedded-session fixture of test_rsm_libctl (rsm/libctl/tests/fix.h), reused.
test_rsm_tgt_SRCS := $(sort $(wildcard rsm/tgt/tests/*.c)) rsm/libctl/tests/fix.c
test_rsm_tgt_LIBS := rsm $(RSMDEV_LINK) cutest
test_rsm_tgt_LDLIBS = -lcunit $(rsm_LDLIBS) $(RSMDEV_LDLIBS)
# The harness is run against the same tgt (its findings are conformance/reports/tgt/).
$(B)/tests/test_rsm_tgt: | $(B)/bin/rsm-conform $(B)/bin/xport-raw
