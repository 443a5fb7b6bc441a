/* SPDX-License-Identifier: MIT
 * Starting and stopping rsmd from tests (daemon.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsm/server/tests/daemon.h"

static char bindir[PATH_MAX + 16];

/* build/tests/prog -> build/bin */
static const char *bin(const char *name, char *out, size_t cap)
{
    if (!*bindir) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0)
            return NULL;
        self[n] = 0;
        char *slash = strrchr(self, '/');
        *slash = 0;
        snprintf(bindir, sizeof bindir, "%s/../bin", self);
    }
    if (strlen(bindir) + strlen(name) + 2 > cap)
        return NULL;
    strcpy(out, bindir);
    strcat(out, "/");
    strcat(out, name);
    return out;
}

const char *test_rsm_cli(void)
{
    static char path[PATH_MAX + 8];
    return bin("rsm", path, sizeof path);
}

static int can_connect(const char *sock)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

pid_t test_rsmd_start(const char *db, const char *sock, const char *const *extra)
{
    char path[PATH_MAX + 8];
    if (!bin("rsmd", path, sizeof path))
        return -1;
    const char *argv[32] = {path, "--db", db, "--socket", sock};
    int n = 5;
    for (int i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* A test that dies (or stops at a fatal assertion) must not leave a daemon
         * behind: it goes with its parent. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(127);
        /* Keep test output readable: the daemon's start/stop lines go nowhere. */
        FILE *devnull = freopen("/dev/null", "w", stderr);
        (void)devnull;
        execv(path, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 1000; i++) {
        if (can_connect(sock))
            return pid;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

int test_rsmd_stop(pid_t pid, int sig)
{
    if (pid <= 0)
        return -1;
    kill(pid, sig);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return st;
}
