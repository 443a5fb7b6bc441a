# SPDX-License-Identifier: MIT
# sim/drive: the virtual LTO tape drives (libvtldrive), their tests, fuzz target and
# benchmark. Link order: vtldrive before vtltape, vtl and t10.
LIBS += vtldrive
vtldrive_SRCS := sim/drive/drive.c sim/drive/drive_ssc.c sim/drive/drive_spc.c \
                 sim/drive/drive_pages.c sim/drive/drive_mam.c sim/drive/drive_use.c \
                 sim/drive/drive_fault.c sim/drive/attach.c

TESTS += test_drive
test_drive_SRCS := $(wildcard sim/drive/tests/*.c)
test_drive_LIBS := vtldrive vtltape vtl t10 cutest
test_drive_LDLIBS := -lcunit -lyaml -lzstd -lz

FUZZ += fuzz_vtl_drive
fuzz_vtl_drive_SRCS := fuzz/fuzz_vtl_drive.c
fuzz_vtl_drive_LIBS := vtldrive vtltape vtl t10
fuzz_vtl_drive_LDLIBS := -lyaml -lzstd -lz

BENCH += bench_drive
bench_drive_SRCS := bench/bench_drive.c
bench_drive_LIBS := vtldrive vtltape vtl t10
bench_drive_LDLIBS := -lyaml -lzstd -lz -lm
