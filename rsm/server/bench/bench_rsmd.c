/* SPDX-License-Identifier: MIT
 * bench_rsmd: GetNtmsObjectInformationW calls per second through rsmd, 8 client threads
 * with a session each, for a few seconds; compared with the same calls on an embedded
 * session (the engine in process), which is the ceiling the socket path is measured
 * against. Prints Markdown rows for bench/RESULTS.md.
 *
 * The machine may be shared: each figure is the median of ROUNDS runs. Before measuring,
 * a change made by one session must show in another session's next Get (no answer is
 * served from a stale copy); the bench fails otherwise. The client process's context
 * switches per call are printed too: they, more than the CPU work, bound this figure on
 * two cores.
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
#define SECONDS   1.5
#define ROUNDS    3
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

static long ctx_switches(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru); /* all threads of the process, finished ones included */
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* Calls per second with @n threads on @srv, one run; -1 on failure. *@cs_per_call gets
 * the client process's context switches per call. */
static double measure_once(const char *srv, int n, double *cs_per_call)
{
    struct worker w[N_CLIENTS];
    memset(w, 0, sizeof w);
    go = stop = 0;
    for (int i = 0; i < n; i++) {
        w[i].server = srv;
        pthread_create(&w[i].t, NULL, run, &w[i]);
    }
    usleep(200 * 1000);
    long cs0 = ctx_switches();
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
    long cs = ctx_switches() - cs0;
    if (errors) {
        fprintf(stderr, "bench_rsmd: %ld failed calls on %s\n", errors, srv);
        return -1;
    }
    *cs_per_call = calls ? (double)cs / (double)calls : 0;
    return (double)calls / dt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of ROUNDS runs (calls per second, and context switches per call of the same
 * run); -1 on failure. */
static double measure(const char *srv, int n, double *cs_per_call)
{
    double r[ROUNDS][2];
    for (int i = 0; i < ROUNDS; i++) {
        r[i][0] = measure_once(srv, n, &r[i][1]);
        if (r[i][0] < 0)
            return -1;
    }
    qsort(r, ROUNDS, sizeof r[0], cmp_double);
    *cs_per_call = r[ROUNDS / 2][1];
    return r[ROUNDS / 2][0];
}

/* A description set through one session is what another session's next Get returns. */
static int fresh_across_sessions(const char *srv)
{
    HANDLE a = OpenNtmsSessionA(srv, "bench-writer", 0);
    HANDLE b = OpenNtmsSessionA(srv, "bench-reader", 0);
    NTMS_OBJECTINFORMATIONA *info = calloc(1, sizeof *info);
    int ok = a != INVALID_HANDLE_VALUE && b != INVALID_HANDLE_VALUE && info;
    for (int round = 0; ok && round < 3; round++) {
        char want[32];
        snprintf(want, sizeof want, "generation %d", round);
        info->dwSize = sizeof *info;
        info->dwType = NTMS_MEDIA_POOL;
        ok = GetNtmsObjectInformationA(b, &target, info) == ERROR_SUCCESS; /* b reads first */
        info->dwSize = sizeof *info;
        info->dwType = NTMS_MEDIA_POOL;
        ok = ok && GetNtmsObjectInformationA(a, &target, info) == ERROR_SUCCESS;
        snprintf(info->szDescription, sizeof info->szDescription, "%s", want);
        ok = ok && SetNtmsObjectInformationA(a, &target, info) == ERROR_SUCCESS;
        memset(info, 0, sizeof *info);
        info->dwSize = sizeof *info;
        info->dwType = NTMS_MEDIA_POOL;
        ok = ok && GetNtmsObjectInformationA(b, &target, info) == ERROR_SUCCESS &&
             !strcmp(info->szDescription, want);
    }
    free(info);
    if (a != INVALID_HANDLE_VALUE)
        CloseNtmsSession(a);
    if (b != INVALID_HANDLE_VALUE)
        CloseNtmsSession(b);
    return ok ? 0 : -1;
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
    if (fresh_across_sessions(server)) {
        fprintf(stderr, "bench_rsmd: a Get after another session's Set did not see it\n");
        test_rsmd_stop(pid, SIGTERM);
        return 1;
    }
    double cs1, cs8, csl;
    double remote1 = measure(server, 1, &cs1);
    double remote8 = measure(server, N_CLIENTS, &cs8);
    int st = test_rsmd_stop(pid, SIGTERM);
    char emb[320];
    snprintf(emb, sizeof emb, "embedded:%s", db);
    double local8 = measure(emb, N_CLIENTS, &csl);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_rsmd: could not remove %s\n", dir);
    if (remote1 < 0 || remote8 < 0 || local8 < 0 || st != 0)
        return 1;
    printf("| rsmd: GetNtmsObjectInformationW over the socket, 1 client | %.0f calls/s | — |"
           " client context switches %.1f/call |\n",
           remote1, cs1);
    printf("| rsmd: GetNtmsObjectInformationW over the socket, %d clients | %.0f calls/s | >= %.0f/s |"
           " %.2fx aim; client context switches %.1f/call; embedded engine %d threads: %.0f"
           " calls/s (socket = %.0f%%); median of %d runs |\n",
           N_CLIENTS, remote8, AIM, remote8 / AIM, cs8, N_CLIENTS, local8, 100.0 * remote8 / local8,
           ROUNDS);
    return 0;
}
