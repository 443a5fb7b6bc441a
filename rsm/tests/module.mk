# SPDX-License-Identifier: MIT
# Tests of the Windows-compatible headers and the API boundary of librsm:
#   test_rsm_headers  constants, layouts, UNICODE mapping, text conversion, last error,
#                     unimplemented functions, every entry point linked (CUnit)
#   rsm_sample_win    a Windows-style RSM client run against an embedded engine (CUnit)
# Both link librsm (LIBS += rsm in rsm/module.mk, which also adds -Irsm/include).

TESTS += test_rsm_headers
test_rsm_headers_SRCS := rsm/tests/test_rsm_headers.c rsm/tests/test_constants.c \
  rsm/tests/test_layout.c rsm/tests/test_unicode.c rsm/tests/unicode_w.c \
  rsm/tests/unicode_a.c rsm/tests/test_wstr.c rsm/tests/test_objinfo_conv.c \
  rsm/tests/test_lasterror.c rsm/tests/test_unsupported.c rsm/tests/test_links.c
test_rsm_headers_LIBS := rsm cutest
test_rsm_headers_LDLIBS = -lcunit $(rsm_LDLIBS)

TESTS += rsm_sample_win
rsm_sample_win_SRCS := rsm/tests/rsm_sample_win.c rsm/tests/sample_fixture.c
rsm_sample_win_LIBS := rsm cutest
rsm_sample_win_LDLIBS = -lcunit $(rsm_LDLIBS)

# The headers compile as C++, with and without UNICODE (syntax only: nothing is linked).
CXX ?= g++
all: $(B)/rsm/cxx-headers.ok
$(B)/rsm/cxx-headers.ok: rsm/tests/cxx_check.cpp rsm/include/ntmsapi.h rsm/include/ntmsmli.h \
                         rsm/include/openrsm/wintypes.h
	@mkdir -p $(dir $@)
	@echo "  CXX     $< (syntax, with and without UNICODE)"
	$(Q)$(CXX) -std=c++11 -Wall -Wextra -Werror -fsyntax-only -Irsm/include $<
	$(Q)$(CXX) -std=c++11 -Wall -Wextra -Werror -fsyntax-only -DUNICODE -Irsm/include $<
	$(Q)touch $@
