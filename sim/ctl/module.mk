# vtlctl: the control client of vtld (protocol in sim/ctl/PROTOCOL.md).
BINS += vtlctl
vtlctl_SRCS := sim/vtlctl.c
vtlctl_LDLIBS := -ljansson
