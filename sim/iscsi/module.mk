# SPDX-License-Identifier: MIT
# sim/iscsi: the iSCSI target engine (RFC 7143) - PDU codec, text keys, CHAP, login and
# full feature phase, epoll server. See sim/iscsi/README.md.
LIBS += vtliscsi
vtliscsi_SRCS := sim/iscsi/pdu.c sim/iscsi/text.c sim/iscsi/chap.c sim/iscsi/login.c \
                 sim/iscsi/conn.c sim/iscsi/task.c sim/iscsi/server.c

TESTS += test_iscsi
test_iscsi_SRCS := sim/iscsi/tests/test_main.c sim/iscsi/tests/test_pdu.c \
                   sim/iscsi/tests/test_text.c sim/iscsi/tests/test_chap.c \
                   sim/iscsi/tests/test_conn.c sim/iscsi/tests/test_server.c \
                   sim/iscsi/tests/fake_backend.c
test_iscsi_LIBS := vtliscsi cutest
test_iscsi_LDLIBS := -liscsi -lcunit

FUZZ += fuzz_iscsi_pdu
fuzz_iscsi_pdu_SRCS := fuzz/fuzz_iscsi_pdu.c sim/iscsi/tests/fake_backend.c
fuzz_iscsi_pdu_LIBS := vtliscsi

BENCH += bench_iscsi_loopback
bench_iscsi_loopback_SRCS := bench/bench_iscsi_loopback.c sim/iscsi/tests/fake_backend.c
bench_iscsi_loopback_LIBS := vtliscsi
bench_iscsi_loopback_LDLIBS := -liscsi
