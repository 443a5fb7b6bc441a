# transport/: one interface to send a CDB to a device (sim:, iscsi://, sg:).
LIBS += xport
xport_SRCS := $(wildcard transport/*.c)

TESTS += test_transport
test_transport_SRCS := $(wildcard transport/tests/*.c)
test_transport_LIBS := xport vtlsys vtldrive vtltape vtl t10 cutest
test_transport_LDLIBS := -liscsi -ljansson -lyaml -lzstd -lm -lcunit
