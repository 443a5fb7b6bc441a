# SPDX-License-Identifier: MIT
# rsm/mli/: media label libraries (ntmsmli.h): built-in claimers, the plugin loader and the
# free-media label writer. A static library with no engine dependency (libc + libdl);
# consumers link rsmmli and -ldl. See rsm/mli/README.md.
LIBS += rsmmli
rsmmli_SRCS := $(sort $(wildcard rsm/mli/*.c))
RSMMLI_LDLIBS := -ldl

TESTS += test_rsm_mli
test_rsm_mli_SRCS := $(sort $(wildcard rsm/mli/tests/*.c))
test_rsm_mli_LIBS := rsmmli cutest
test_rsm_mli_LDLIBS := -lcunit $(RSMMLI_LDLIBS)

# Test plugins, one shared object each, next to the test program: a good media label
# library and broken ones (missing symbol, failing MaxMediaLabel, answers that break the
# contract). The loader suite copies the ones it needs into a fresh directory.
MLI_TEST_PLUGINS := $(patsubst rsm/mli/tests/plugins/%.c,$(B)/tests/mli-plugins/%.so,\
                      $(wildcard rsm/mli/tests/plugins/*.c))
$(B)/tests/mli-plugins/%.so: rsm/mli/tests/plugins/%.c rsm/include/ntmsmli.h
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS_ALL) -shared -o $@ $< $(LDFLAGS_ALL)
$(B)/tests/test_rsm_mli: | $(MLI_TEST_PLUGINS)

FUZZ += fuzz_rsm_mli
fuzz_rsm_mli_SRCS := rsm/mli/fuzz/fuzz_rsm_mli.c
fuzz_rsm_mli_LIBS := rsmmli
fuzz_rsm_mli_LDLIBS := $(RSMMLI_LDLIBS)

BENCH += bench_rsm_mli
bench_rsm_mli_SRCS := rsm/mli/bench/bench_rsm_mli.c
bench_rsm_mli_LIBS := rsmmli
bench_rsm_mli_LDLIBS := $(RSMMLI_LDLIBS)
