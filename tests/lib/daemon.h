/* SPDX-License-Identifier: MIT
 * Test helpers that run the project's programs: vtld on a free loopback port, vtlctl,
 * and any command with its output captured. Programs come from $B/bin (B defaults to
 * "build"), so `make asan` tests the sanitized binaries.
 */
#ifndef OPENRSM_TESTS_DAEMON_H
#define OPENRSM_TESTS_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

struct test_vtld {
    pid_t pid;            /* 0 when not running */
    unsigned port;        /* the iSCSI port it listens on (127.0.0.1) */
    char dir[256];        /* state, port file, control socket and log live here */
    char sock[512];       /* control socket, for vtlctl --control */
    char log[512];        /* vtld's stderr */
};

/* $B/bin, e.g. "build/bin" (static storage). */
const char *test_bindir(void);

void test_msleep(unsigned ms);

/* Starts vtld with everything under @dir (an existing directory; the state in
 * @dir/state), serving @config (NULL: the default library), on 127.0.0.1 port 0, and
 * waits up to 10 s for its port. Returns 0, or -1 (the reason and the log are printed;
 * nothing is left running). */
int test_vtld_start(struct test_vtld *v, const char *dir, const char *config);

/* Sends @sig and waits up to 10 s (then SIGKILL). Returns the exit status, 128 + the
 * signal if it was killed, or -1 if it was not running. */
int test_vtld_stop(struct test_vtld *v, int sig);

/* Runs @argv, stdout and stderr into @out (NUL-terminated, at most @cap). Returns the
 * exit status, or 128 + the signal that ended it. */
int test_run_capture(char *const argv[], char *out, size_t cap);

/* Runs $B/bin/vtlctl --control @v->sock with up to three arguments (NULL ends them),
 * output into @out. Returns its exit status. */
int test_vtlctl(const struct test_vtld *v, char *out, size_t cap, const char *a1, const char *a2,
                const char *a3);

#endif
