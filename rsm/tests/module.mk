# SPDX-License-Identifier: MIT
# Tests of the Windows-compatible headers and the API boundary of librsm:
#   test_rsm_headers  constants, layouts, UNICODE mapping, text conversion, last error,
#                     unimplemented functions (CUnit)
#   rsm_sample_win    a Windows-style RSM client run against an embedded engine
#
# The public headers live in rsm/include; add the path unless rsm/module.mk already did.
ifeq ($(findstring -Irsm/include,$(INCLUDES)),)
INCLUDES += -Irsm/include
endif

# The tests link librsm (LIBS += rsm in rsm/module.mk, included before this file). Until
# that library exists, they link a private library of the boundary files they test.
ifeq ($(filter rsm,$(LIBS)),)
LIBS += rsmhdrtest
rsmhdrtest_SRCS := rsm/api/lasterror.c rsm/api/wstr.c rsm/api/unsupported.c
RSM_TESTS_LIB := rsmhdrtest
RSM_TESTS_LDLIBS :=
else
RSM_TESTS_LIB := rsm
RSM_TESTS_LDLIBS = $(rsm_LDLIBS) -lsqlite3
endif

TESTS += test_rsm_headers
test_rsm_headers_SRCS := rsm/tests/test_rsm_headers.c rsm/tests/test_constants.c \
  rsm/tests/test_layout.c rsm/tests/test_unicode.c rsm/tests/unicode_w.c \
  rsm/tests/unicode_a.c rsm/tests/test_wstr.c rsm/tests/test_objinfo_conv.c \
  rsm/tests/test_lasterror.c rsm/tests/test_unsupported.c
test_rsm_headers_LIBS := $(RSM_TESTS_LIB) cutest
test_rsm_headers_LDLIBS = -lcunit $(RSM_TESTS_LDLIBS)
