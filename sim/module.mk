# SPDX-License-Identifier: MIT
# libvtl: the virtual medium changer (sim/core + sim/target), its personalities, tests,
# fuzz target and benchmark. sim/tape and sim/iscsi have their own module.mk files.

LIBS += vtl
vtl_SRCS := sim/core/clock.c sim/core/library.c sim/core/config.c sim/core/state.c \
            sim/core/fault.c sim/core/mutant.c sim/personalities_gen.c \
            $(wildcard sim/target/*.c)
vtl_LDLIBS := -lyaml

# Built-in personalities, compiled in so vtld needs no data directory.
SIM_PERS_YAML := $(sort $(wildcard sim/personalities/*.yaml))
$(B)/gen/sim/personalities_gen.c: $(SIM_PERS_YAML) sim/personalities/embed.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)sh sim/personalities/embed.sh $(SIM_PERS_YAML) > $@.tmp && mv $@.tmp $@

TESTS += test_vtl
test_vtl_SRCS := $(wildcard sim/core/tests/*.c) $(wildcard sim/target/tests/*.c)
test_vtl_LIBS := vtl t10 cutest
test_vtl_LDLIBS := -lyaml -lcunit

FUZZ += fuzz_vtl_changer
fuzz_vtl_changer_SRCS := fuzz/fuzz_vtl_changer.c
fuzz_vtl_changer_LIBS := vtl t10
fuzz_vtl_changer_LDLIBS := -lyaml

BENCH += bench_changer
bench_changer_SRCS := bench/bench_changer.c
bench_changer_LIBS := vtl t10
bench_changer_LDLIBS := -lyaml
