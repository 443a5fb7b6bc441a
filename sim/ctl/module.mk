# vtld's control protocol (sim/ctl/PROTOCOL.md) and vtlctl, its command-line client.
LIBS += vtlcontrol
vtlcontrol_SRCS := sim/ctl/ctl.c

BINS += vtlctl
vtlctl_SRCS := sim/vtlctl.c
vtlctl_LDLIBS := -ljansson

TESTS += test_ctl
test_ctl_SRCS := sim/ctl/tests/test_ctl.c
test_ctl_LIBS := vtlcontrol vtl t10 cutest
test_ctl_LDLIBS := -ljansson -lyaml -lcunit -lm
