/* SPDX-License-Identifier: MIT
 * bench_rsmd: GetNtmsObjectInformationW calls per second through rsmd, 8 client threads
 * with a session each, for a few seconds; compared with the same calls on an embedded
 * session (the engine in process), which is the ceiling the socket path is measured
 * against. Prints Markdown rows for bench/RESULTS.md.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>

#include "rsm/server/tests/daemon.h"

#define N_CLIENTS 8
#define SECONDS   3.0
#define AIM       20000.0

static char server[400];
static GUID target;
static volatile int go, stop;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct worker {
    pthread_t t;
    const char *server;
    long calls, errors;
};

static void *run(void *arg)
{
    struct worker *w = arg;
    HANDLE h = OpenNtmsSessionA(w->server, "bench", 0);
    if (h == INVALID_HANDLE_VALUE) {
        w->errors = -1;
        return NULL;
    }
    NTMS_OBJECTINFORMATIONW *info = malloc(sizeof *info);
    while (!go)
        usleep(100);
    while (!stop) {
        memset(info, 0, sizeof *info);
        info->dwSize = sizeof *info;
        info->dwType = NTMS_MEDIA_POOL;
        if (GetNtmsObjectInformationW(h, &target, info) == ERROR_SUCCESS)
            w->calls++;
        else
            w->errors++;
    }
    free(info);
    CloseNtmsSession(h);
    return NULL;
}

/* Calls per second with @n threads on @srv; -1 on failure. */
static double measure(const char *srv, int n)
{
    struct worker w[N_CLIENTS];
    memset(w, 0, sizeof w);
    go = stop = 0;
    for (int i = 0; i < n; i++) {
        w[i].server = srv;
        pthread_create(&w[i].t, NULL, run, &w[i]);
    }
    usleep(200 * 1000);
    double t0 = now_s();
    go = 1;
    usleep((useconds_t)(SECONDS * 1e6));
    stop = 1;
    double dt = now_s() - t0;
    long calls = 0, errors = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(w[i].t, NULL);
        calls += w[i].calls;
        errors += w[i].errors;
    }
    if (errors) {
        fprintf(stderr, "bench_rsmd: %ld failed calls on %s\n", errors, srv);
        return -1;
    }
    return (double)calls / dt;
}

int main(void)
{
    char tmpl[] = "/tmp/bench_rsmd.XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return 1;
    char db[300], sock[300];
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(sock, sizeof sock, "%s/rsmd.sock", dir);
    pid_t pid = test_rsmd_start(db, sock, NULL);
    if (pid < 0) {
        fprintf(stderr, "bench_rsmd: cannot start rsmd\n");
        return 1;
    }
    snprintf(server, sizeof server, "unix:%s", sock);
    HANDLE h = OpenNtmsSessionA(server, "bench", 0);
    if (h == INVALID_HANDLE_VALUE ||
        CreateNtmsMediaPoolA(h, "Bench", NULL, NTMS_CREATE_NEW, NULL, &target) != ERROR_SUCCESS) {
        fprintf(stderr, "bench_rsmd: setup failed: %u\n", GetLastError());
        test_rsmd_stop(pid, SIGTERM);
        return 1;
    }
    CloseNtmsSession(h);
    double remote1 = measure(server, 1);
    double remote8 = measure(server, N_CLIENTS);
    int st = test_rsmd_stop(pid, SIGTERM);
    char emb[320];
    snprintf(emb, sizeof emb, "embedded:%s", db);
    double local8 = measure(emb, N_CLIENTS);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_rsmd: could not remove %s\n", dir);
    if (remote1 < 0 || remote8 < 0 || local8 < 0 || st != 0)
        return 1;
    printf("| rsmd: GetNtmsObjectInformationW over the socket, 1 client | %.0f calls/s | — | — |\n",
           remote1);
    printf("| rsmd: GetNtmsObjectInformationW over the socket, %d clients | %.0f calls/s | >= %.0f/s |"
           " %.2fx aim; embedded engine %d threads: %.0f calls/s (socket = %.0f%%) |\n",
           N_CLIENTS, remote8, AIM, remote8 / AIM, N_CLIENTS, local8, 100.0 * remote8 / local8);
    return 0;
}
