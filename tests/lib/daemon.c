/* SPDX-License-Identifier: MIT
 * Test helpers that run the project's programs; contract in daemon.h. */
#include "tests/lib/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *test_bindir(void)
{
    static char dir[512];
    if (!dir[0]) {
        const char *b = getenv("B");
        snprintf(dir, sizeof dir, "%s/bin", b && *b ? b : "build");
    }
    return dir;
}

void test_msleep(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int test_vtld_start(struct test_vtld *v, const char *dir, const char *config)
{
    char vtld[600], state[300], portfile[300];
    memset(v, 0, sizeof *v);
    snprintf(v->dir, sizeof v->dir, "%s", dir);
    snprintf(vtld, sizeof vtld, "%s/vtld", test_bindir());
    snprintf(state, sizeof state, "%s/state", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    snprintf(v->log, sizeof v->log, "%s/vtld.log", dir);
    snprintf(v->sock, sizeof v->sock, "%s/ctl.sock", dir);
    unlink(portfile);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(v->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (config)
            execl(vtld, "vtld", "--state-dir", state, "--listen", "127.0.0.1:0", "--port-file",
                  portfile, "--control", v->sock, "--config", config, (char *)NULL);
        else
            execl(vtld, "vtld", "--state-dir", state, "--listen", "127.0.0.1:0", "--port-file",
                  portfile, "--control", v->sock, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {   /* up to 10 s: sanitizer builds start slowly */
        FILE *f = fopen(portfile, "r");
        if (f) {
            unsigned p = 0;
            int got = fscanf(f, "%u", &p);
            fclose(f);
            if (got == 1 && p) {
                v->port = p;
                v->pid = pid;
                return 0;
            }
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            fprintf(stderr, "vtld exited at start; see %s\n", v->log);
            return -1;
        }
        test_msleep(20);
    }
    fprintf(stderr, "vtld did not start within 10 s; see %s\n", v->log);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

int test_vtld_stop(struct test_vtld *v, int sig)
{
    if (v->pid <= 0)
        return -1;
    kill(v->pid, sig);
    int st = 0;
    int i;
    for (i = 0; i < 500 && waitpid(v->pid, &st, WNOHANG) != v->pid; i++)
        test_msleep(20);
    if (i == 500) {
        kill(v->pid, SIGKILL);
        waitpid(v->pid, &st, 0);
    }
    v->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int test_run_capture(char *const argv[], char *out, size_t cap)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pipefd[1]);
    size_t len = 0;
    ssize_t n;
    char sink[4096];
    for (;;) {
        /* Past @cap the rest is read and dropped, so the child never blocks on a pipe. */
        n = len + 1 < cap ? read(pipefd[0], out + len, cap - 1 - len)
                          : read(pipefd[0], sink, sizeof sink);
        if (n <= 0)
            break;
        if (len + 1 < cap)
            len += (size_t)n;
    }
    out[len] = '\0';
    close(pipefd[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int test_vtlctl(const struct test_vtld *v, char *out, size_t cap, const char *a1, const char *a2,
                const char *a3)
{
    char prog[600];
    snprintf(prog, sizeof prog, "%s/vtlctl", test_bindir());
    char *argv[] = {prog, "--control", (char *)v->sock, (char *)a1, (char *)a2, (char *)a3, NULL};
    return test_run_capture(argv, out, cap);
}
