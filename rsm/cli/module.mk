# SPDX-License-Identifier: MIT
# rsm, the operator's command line (a librsm application); tested by test_rsmd.
# The program shares its name with the library, whose rsm_SRCS/rsm_LIBS/rsm_LDLIBS the
# BINS template would take, so it has its own rule. It links the device layer (rsm/dev and
# what it needs) so that `rsm --db DIR library add|inventory|mount` drives devices without
# rsmd; -u pulls the drivers out of the static libraries, which librsm reaches through
# weak references (rsm/engine/devlink.h).
RSM_CLI_DEVLIBS := rsmdev xport vtlsys vtldrive vtltape vtl t10
$(B)/bin/rsm: $(B)/obj/rsm/cli/rsm.o $(B)/obj/rsm/cli/events.o $(B)/obj/rsm/cli/libops.o $(B)/lib/librsm.a $(foreach l,$(RSM_CLI_DEVLIBS),$(B)/lib/lib$(l).a) | $(B)/bin
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ -Wl,-u,rsm_dev_lib_open $^ $(LDFLAGS_ALL) $(rsm_LDLIBS) \
	  -liscsi -ljansson -lyaml -lzstd -lm -lpthread
all: $(B)/bin/rsm
