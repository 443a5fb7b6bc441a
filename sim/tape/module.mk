# SPDX-License-Identifier: MIT
# sim/tape: the tape image store (libvtltape), its tests, fuzz target and benchmark.
LIBS += vtltape
vtltape_SRCS := sim/tape/tapeimg.c sim/tape/tape_fmt.c sim/tape/tape_mam.c \
                sim/tape/tape_xport.c sim/tape/tape_crc.c
vtltape_LDLIBS := -lzstd

TESTS += test_tape
test_tape_SRCS := sim/tape/tests/test_tape.c sim/tape/tests/test_tapeimg.c \
                  sim/tape/tests/test_tape_space.c sim/tape/tests/test_tape_recovery.c \
                  sim/tape/tests/test_tape_mam.c
test_tape_LIBS := vtltape cutest
test_tape_LDLIBS := -lcunit -lzstd

FUZZ += fuzz_vtl_tapeimg
fuzz_vtl_tapeimg_SRCS := fuzz/fuzz_vtl_tapeimg.c
fuzz_vtl_tapeimg_LIBS := vtltape
fuzz_vtl_tapeimg_LDLIBS := -lzstd

BENCH += bench_tape
bench_tape_SRCS := bench/bench_tape.c
bench_tape_LIBS := vtltape
bench_tape_LDLIBS := -lzstd
