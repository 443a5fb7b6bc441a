/* SPDX-License-Identifier: MIT
 * bench_notify: notification latency through rsmd, from the commit of a change to the
 * moment a watcher in another session has the event in hand. rsmd stamps each event with
 * CLOCK_MONOTONIC when its transaction commits (struct rsm_event.commit_ns, a system-wide
 * clock); the watcher reads the clock when librsm hands it the event. 10,000 operations
 * (allocate/deallocate of one cartridge, one logical-media event each), twice:
 *  - paced: the writer waits until the watcher has the event before the next change, so
 *    each number is one event's trip (the latency an operator console sees);
 *  - flat out: the writer does not wait, so events queue and arrive in batches (the
 *    latency under load; every event must still arrive).
 * The embedded engine, same run, is the peer. Prints Markdown rows for bench/RESULTS.md.
 */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>

#include "rsm/api/session.h"
#include "rsm/client/client.h"
#include "rsm/engine/devreg.h"
#include "rsm/engine/internal.h"
#include "rsm/server/tests/daemon.h"

#define N_OPS  10000
#define AIM_MS 5.0

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct run {
    const char *server;
    GUID pool;
    int paced;
    sem_t got;          /* posted by the watcher per event when paced */
    struct rsm_be_watch *w;
    int64_t *lat_ns;    /* N_OPS latencies */
    int n, lost;
};

static void *watcher(void *arg)
{
    struct run *r = arg;
    while (r->n < N_OPS) {
        struct rsm_event ev;
        rsm_rc rc = rsm_be_watch_wait(r->w, &ev, 10000);
        if (rc != RSM_OK) {
            r->lost = 1;
            if (r->paced)
                sem_post(&r->got); /* do not leave the writer waiting */
            break;
        }
        r->lat_ns[r->n++] = mono_ns() - ev.commit_ns;
        if (r->paced)
            sem_post(&r->got);
    }
    return NULL;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One run; fills p50/p99/max in ms. 0 on success. */
static int measure(struct run *r, double *p50, double *p99, double *max)
{
    HANDLE ws = OpenNtmsSessionA(r->server, "bench-watch", 0);
    HANDLE h = OpenNtmsSessionA(r->server, "bench-write", 0);
    if (ws == INVALID_HANDLE_VALUE || h == INVALID_HANDLE_VALUE)
        return -1;
    struct rsm_session *s = rsm_session_acquire(ws);
    if (!s || rsm_be_watch_open(s, NTMS_LOGICAL_MEDIA, 0, &r->w) != RSM_OK)
        return -1;
    r->lat_ns = calloc(N_OPS, sizeof *r->lat_ns);
    r->n = r->lost = 0;
    sem_init(&r->got, 0, 0);
    pthread_t th;
    pthread_create(&th, NULL, watcher, r);
    int failures = 0;
    for (int i = 0; i < N_OPS / 2 && !r->lost; i++) {
        GUID lmid;
        memset(&lmid, 0, sizeof lmid);
        failures += AllocateNtmsMedia(h, &r->pool, NULL, &lmid, 0, 0, NULL) != 0;
        if (r->paced)
            sem_wait(&r->got);
        failures += DeallocateNtmsMedia(h, &lmid, 0) != 0;
        if (r->paced)
            sem_wait(&r->got);
    }
    pthread_join(th, NULL);
    rsm_be_watch_close(r->w);
    rsm_session_release(s);
    CloseNtmsSession(h);
    CloseNtmsSession(ws);
    int ok = !failures && !r->lost && r->n == N_OPS;
    if (ok) {
        qsort(r->lat_ns, N_OPS, sizeof *r->lat_ns, cmp64);
        *p50 = r->lat_ns[N_OPS / 2] / 1e6;
        *p99 = r->lat_ns[N_OPS * 99 / 100] / 1e6;
        *max = r->lat_ns[N_OPS - 1] / 1e6;
    } else {
        fprintf(stderr, "bench_notify: %d failed calls, %d of %d events%s\n", failures, r->n,
                N_OPS, r->lost ? ", channel broke" : "");
    }
    free(r->lat_ns);
    sem_destroy(&r->got);
    return ok ? 0 : -1;
}

/* A database with one cartridge in application pool "Bench" (embedded, before rsmd). */
static int setup(const char *db, GUID *pool)
{
    char srv[320];
    snprintf(srv, sizeof srv, "embedded:%s", db);
    HANDLE h = OpenNtmsSessionA(srv, "setup", 0);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    struct rsm_engine *en = rsm_session_engine(h);
    struct rsm_guid mt, lib, slot, pm, freep;
    struct rsm_dev_library l = {.name = "LIB1", .library_type = RSM_LIB_ONLINE};
    int bad = rsm_engine_register_media_type(en, 0x56, "LTO Ultrium", 1, 1, 0x1F, &mt) ||
              rsm_engine_register_library(en, &l, &lib) ||
              rsm_engine_register_slot(en, &lib, 1, &slot) ||
              rsm_dev_media_seen(en, &slot, "B00001L8", &mt, NULL, &pm);
    if (!bad) {
        rsm_engine_lock(en);
        bad = rsm_pool_system(en, RSM_POOL_SCRATCH, &mt, true, &freep) != RSM_OK;
        rsm_engine_unlock(en);
    }
    bad = bad || MoveToNtmsMediaPool(h, (GUID *)&pm, (GUID *)&freep) ||
          CreateNtmsMediaPoolA(h, "Bench", (GUID *)&mt, NTMS_OPEN_ALWAYS, NULL, pool) ||
          MoveToNtmsMediaPool(h, (GUID *)&pm, pool);
    CloseNtmsSession(h);
    return bad ? -1 : 0;
}

int main(void)
{
    char tmpl[] = "/tmp/bench_notify.XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return 1;
    char db[300], sock[300], remote[320], local[320];
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(sock, sizeof sock, "%s/rsmd.sock", dir);
    snprintf(remote, sizeof remote, "unix:%s", sock);
    snprintf(local, sizeof local, "embedded:%s", db);
    GUID pool;
    if (setup(db, &pool)) {
        fprintf(stderr, "bench_notify: setup failed\n");
        return 1;
    }
    pid_t pid = test_rsmd_start(db, sock, NULL);
    if (pid < 0) {
        fprintf(stderr, "bench_notify: cannot start rsmd\n");
        return 1;
    }
    double r[3][3];
    struct run paced = {.server = remote, .pool = pool, .paced = 1};
    struct run flat = {.server = remote, .pool = pool, .paced = 0};
    int bad = measure(&paced, &r[0][0], &r[0][1], &r[0][2]);
    bad |= measure(&flat, &r[1][0], &r[1][1], &r[1][2]);
    int st = test_rsmd_stop(pid, SIGTERM);
    struct run emb = {.server = local, .pool = pool, .paced = 1};
    bad |= measure(&emb, &r[2][0], &r[2][1], &r[2][2]);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_notify: could not remove %s\n", dir);
    if (bad || st != 0)
        return 1;
    printf("| rsmd: notification latency, commit to watcher, %d events one at a time |"
           " p50 %.3f ms, p99 %.3f ms, max %.3f ms | p99 <= %.0f ms | %.2fx aim; embedded engine"
           " p50 %.3f ms, p99 %.3f ms |\n",
           N_OPS, r[0][0], r[0][1], r[0][2], AIM_MS, r[0][1] / AIM_MS, r[2][0], r[2][1]);
    printf("| rsmd: notification latency, commit to watcher, %d events flat out (none lost) |"
           " p50 %.3f ms, p99 %.3f ms, max %.3f ms | p99 <= %.0f ms | %.2fx aim |\n",
           N_OPS, r[1][0], r[1][1], r[1][2], AIM_MS, r[1][1] / AIM_MS);
    return 0;
}
