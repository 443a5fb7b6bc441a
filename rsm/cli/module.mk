# SPDX-License-Identifier: MIT
# rsm, the operator's command line (a librsm application); tested by test_rsmd.
# The program shares its name with the library, whose rsm_SRCS/rsm_LIBS/rsm_LDLIBS the
# BINS template would take, so it has its own rule.
$(B)/bin/rsm: $(B)/obj/rsm/cli/rsm.o $(B)/lib/librsm.a | $(B)/bin
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDFLAGS_ALL) $(rsm_LDLIBS)
all: $(B)/bin/rsm
