/* SPDX-License-Identifier: MIT
 * rsm/libctl/bench/bench_rsm_queue.c - 16 drives mounting at once through the library
 * request queue (rsm/engine/reqq.c): 16 threads call MountNtmsMedia together on an
 * embedded session over sim: with robot and drive-load delays. The robot is serialised,
 * the drives thread their tapes in parallel, so the best any scheduler can do is
 * n x MOVE MEDIUM + one load; a queue that held the robot across the load would take
 * n x (move + load). Prints Markdown rows for bench/run.sh.
 *
 * Two clocks, one row each:
 *
 * - VIRTUAL: the simulated library's time moves only when a command has to wait for it
 *   (a MOVE MEDIUM runs the clock to the move's end; a drive answering BECOMING READY
 *   to a host that has been quiet for a whole polling interval lets the clock run to the
 *   next event: transport/sim.c). The result is the library's own clock from the moment
 *   the 16 threads are released to the last mount's return: exactly what the robot and
 *   the drives spent, none of the host's CPU time, so it shows the schedule alone. A host
 *   thread kept off the CPU for longer than a polling interval looks like a quiet host
 *   and lets the clock run early (a run then shows one load too many), so the row is the
 *   median of V_RUNS runs, with their range.
 * - SCALED (simulated time = wall time x SCALE): the engine's own work (database
 *   transactions, the TEST UNIT READY polling interval, thread hand-over) is counted,
 *   multiplied by SCALE, and so is the in-process front end's wait granularity
 *   (transport/sim.c sleeps at most 10 ms of wall time per step while a move runs: up
 *   to 10 ms x SCALE of simulated time late per move). SCALE 10 keeps that below 0.5%
 *   and the run near 15 s of wall time.
 *
 * Each library is built here and attached to the sim: transport (xport_sim_attach), so
 * the bench reads its clock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ntmsapi.h>
#include <openrsm/rsm.h>

#include "rsm/api/session.h"
#include "rsm/dev/library.h"
#include "rsm/engine/engine.h"
#include "rsm/engine/libctl.h"
#include "sim/core/clock.h"
#include "sim/system.h"
#include "transport/transport.h"

#define N_DRIVES 16
#define SCALE    10.0
#define MOVE_MS  8000  /* the personality's order of magnitude */
#define LOAD_MS  15000 /* the simulator's LTO threading time (sim/drive/drive.h) */
#define V_RUNS   5     /* virtual-clock runs (each well under a second of wall time) */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static HANDLE h;
static NTMS_GUID sides[N_DRIVES];
static pthread_barrier_t go;
static DWORD results[N_DRIVES];

static void *mounter(void *p)
{
    size_t i = (size_t)p;
    NTMS_GUID d;
    pthread_barrier_wait(&go);
    results[i] = MountNtmsMedia(h, &sides[i], &d, 1, NTMS_MOUNT_READ, 0, INFINITE, NULL);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int rm_rf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* The library's clock in seconds, read under the lock sim: commands run under. */
static double sim_clock_s(struct vtl_system *sys)
{
    xport_sim_serialise(true);
    uint64_t us = vtl_clock_now_us(vtl_library_clock(vtl_system_library(sys)));
    xport_sim_serialise(false);
    return (double)us / 1e6;
}

/* One run on a fresh library with clock @clock_yaml and a fresh database: 16 mounts at
 * once. *@sim_s gets the simulated seconds (the library clock's for a virtual clock,
 * wall time x @scale otherwise). 0 on success. */
static int run(const char *dir, const char *name, const char *clock_yaml, bool virt, double scale,
               unsigned poll_ms, double *sim_s)
{
    char path[300], uri[320], server[700], db[600], err[512];
    snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 1;
    fprintf(fp,
            "personality: ibm-ts4300\nslots: 40\ndrives: %d\nclock: %s\n"
            "delays: {move_ms: %d}\ncartridges:\n",
            N_DRIVES, clock_yaml, MOVE_MS);
    for (int i = 0; i < N_DRIVES; i++)
        fprintf(fp, "  - {barcode: B%05dL8, slot: %d}\n", i, i + 1);
    fclose(fp);
    struct vtl_system *sys = NULL;
    if (vtl_system_open(path, NULL, &sys, err, sizeof err) != VTL_OK) {
        fprintf(stderr, "bench_rsm_queue: %s\n", err);
        return 1;
    }
    if (xport_sim_attach(name, sys) != XPORT_OK) {
        vtl_system_close(sys);
        return 1;
    }
    snprintf(uri, sizeof uri, "sim:%s", name);
    /* The polling interval is part of what a scaled clock measures, and the drivers'
     * default (up to 1 s) would dominate it; on a virtual clock it costs no simulated
     * time, only the wall time of the last loads. */
    struct rsm_dev_opts opts = {.ready_poll_ms = poll_ms};
    rsm_lc_set_dev_opts(&opts);
    int rc = 0;
    snprintf(db, sizeof db, "%s/db-%s", dir, name);
    snprintf(server, sizeof server, "embedded:%s", db);
    h = OpenNtmsSessionA(server, "bench", 0);
    NTMS_GUID lib;
    if (h == INVALID_HANDLE_VALUE || !h || rsm_library_add(h, uri, NULL, 0, &lib) != 0) {
        fprintf(stderr, "bench_rsm_queue: cannot add %s\n", uri);
        rc = 1;
    }
    /* The sides of the 16 cartridges (foreign media mount as they are). */
    struct rsm_engine *e = rc == 0 ? rsm_session_engine(h) : NULL;
    struct rsm_caller c;
    rsm_caller_self(&c);
    struct rsm_guid pms[64], lg;
    uint32_t n = 0, k = 0;
    rsm_guid_from_api(&lg, &lib);
    if (rc == 0 && rsm_enumerate(e, &c, &lg, RSM_OT_PHYSICAL_MEDIA, 0, pms, 64, &n) != RSM_OK)
        rc = 1;
    for (uint32_t i = 0; rc == 0 && i < n && k < N_DRIVES; i++) {
        struct rsm_objinfo o;
        struct rsm_guid side;
        uint32_t ns = 0;
        if (rsm_object_get(e, &c, &pms[i], RSM_OT_PHYSICAL_MEDIA, &o) != RSM_OK ||
            o.u.pmedia.barcode[0] != 'B' ||
            rsm_enumerate(e, &c, &pms[i], RSM_OT_PARTITION, 0, &side, 1, &ns) != RSM_OK || ns != 1)
            continue;
        rsm_guid_to_api(&sides[k++], &side);
    }
    if (rc == 0 && k != N_DRIVES) {
        fprintf(stderr, "bench_rsm_queue: %u cartridges found, %d expected\n", k, N_DRIVES);
        rc = 1;
    }
    if (rc == 0) {
        pthread_t t[N_DRIVES];
        pthread_barrier_init(&go, NULL, N_DRIVES + 1);
        for (size_t i = 0; i < N_DRIVES; i++)
            pthread_create(&t[i], NULL, mounter, (void *)i);
        double c0 = sim_clock_s(sys);
        pthread_barrier_wait(&go);
        double t0 = mono_s();
        for (size_t i = 0; i < N_DRIVES; i++)
            pthread_join(t[i], NULL);
        *sim_s = virt ? sim_clock_s(sys) - c0 : (mono_s() - t0) * scale;
        pthread_barrier_destroy(&go);
        for (size_t i = 0; i < N_DRIVES; i++) {
            if (results[i] != ERROR_SUCCESS) {
                fprintf(stderr, "bench_rsm_queue: %s: mount %zu failed: %u\n", name, i,
                        (unsigned)results[i]);
                rc = 1;
            }
        }
    }
    if (h && h != INVALID_HANDLE_VALUE)
        CloseNtmsSession(h);
    h = NULL;
    rsm_lc_set_dev_opts(NULL);
    xport_sim_detach(name);
    vtl_system_close(sys);
    return rc;
}

int main(void)
{
    if (!getenv("TMPDIR") && access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 0);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/bench_rsm_queue.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    /* Links the drivers in: librsm reaches them by weak references (rsm/engine/devlink.h). */
    (void)rsm_dev_map_name(RSM_DEV_MAP_NONE);
    double best = N_DRIVES * MOVE_MS / 1e3 + LOAD_MS / 1e3;
    double serial = N_DRIVES * (MOVE_MS + LOAD_MS) / 1e3;
    double v = 0, s = 0;
    char scaled[64];
    snprintf(scaled, sizeof scaled, "{mode: scaled, scale: %g}", SCALE);
    /* The virtual clock's result is the schedule's, but the rule that lets it run (a
     * quiet polling interval, transport/sim.c) can be fooled by a host thread that the OS
     * keeps off the CPU for longer than that: the median of a few runs, with the range. */
    double vr[V_RUNS];
    int rc = 0;
    for (int i = 0; i < V_RUNS && rc == 0; i++) {
        char name[64];
        snprintf(name, sizeof name, "bench-queue-virtual-%d", i);
        rc = run(dir, name, "{mode: virtual}", true, 1.0, 50, &vr[i]);
    }
    if (rc == 0) {
        qsort(vr, V_RUNS, sizeof *vr, cmp_double);
        v = vr[V_RUNS / 2];
        printf("| rsm queue: %d drives mounting at once (sim:, robot move %.0f s, load %.0f s, "
               "virtual clock, median of %d: %.1f-%.1f s) | %.1f s simulated (robot held for the "
               "whole mount: %.0f s) | within 1%% of n x move + one load = %.0f s | %.4fx |\n",
               N_DRIVES, MOVE_MS / 1e3, LOAD_MS / 1e3, V_RUNS, vr[0], vr[V_RUNS - 1], v, serial,
               best, v / best);
    }
    if (rc == 0)
        rc = run(dir, "bench-queue-scaled", scaled, false, SCALE, 5, &s);
    if (rc == 0)
        printf("| rsm queue: %d drives mounting at once (sim:, robot move %.0f s, load %.0f s, "
               "clock scaled x%g, host time included) | %.1f s simulated | "
               "within 1%% of n x move + one load = %.0f s | %.4fx |\n",
               N_DRIVES, MOVE_MS / 1e3, LOAD_MS / 1e3, SCALE, s, best, s / best);
    (void)rm_rf(dir);
    return rc;
}
