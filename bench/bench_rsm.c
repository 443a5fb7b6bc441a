/* SPDX-License-Identifier: MIT
 * bench_rsm: the RSM engine in embedded mode.
 *   1. a catalog of N physical media (default 1,000,000) loaded in one transaction
 *      (rsm_dev_media_bulk), and the database size per million media;
 *   2. EnumerateNtmsObject over all of them (aim <= 1 s);
 *   3. GetNtmsObjectInformationW on each of them;
 *   4. AllocateNtmsMedia + DeallocateNtmsMedia pairs per second (aim >= 20,000/s).
 * Prints Markdown rows `| benchmark | result | aim | peer / ratio |` on stdout (bench/run.sh
 * collects them); progress on stderr. Usage: bench_rsm [N_MEDIA] [PAIRS_SECONDS]
 */
#include <ntmsapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rsm/api/session.h"
#include "rsm/engine/devreg.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void barcode(size_t i, char *buf, size_t cap, void *arg)
{
    (void)arg;
    snprintf(buf, cap, "B%07zuL8", i);
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The 1-minute load average: the machine may be shared, so CPU time is reported too. */
static double loadavg(void)
{
    double l = 0;
    FILE *fp = fopen("/proc/loadavg", "r");
    if (fp) {
        if (fscanf(fp, "%lf", &l) != 1)
            l = 0;
        fclose(fp);
    }
    return l;
}

static long long file_size(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

static int rmtree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static HANDLE open_in(const char *dir)
{
    char server[512];
    snprintf(server, sizeof server, "embedded:%s", dir);
    HANDLE h = OpenNtmsSessionA(server, "bench", 0);
    if (h == INVALID_HANDLE_VALUE)
        fprintf(stderr, "bench_rsm: open %s: error %u\n", dir, GetLastError());
    return h;
}

static int bench_catalog(size_t n_media)
{
    char tmpl[] = "/tmp/bench_rsm.XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return 1;
    HANDLE h = open_in(dir);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    struct rsm_engine *e = rsm_session_engine(h);
    struct rsm_guid lto, pool;
    GUID pool_api;
    if (rsm_engine_register_media_type(e, 0x56, "LTO Ultrium", 1, 1, 0x1F, &lto) != RSM_OK ||
        CreateNtmsMediaPoolA(h, "Vault", (LPNTMS_GUID)&lto, NTMS_CREATE_NEW, NULL, &pool_api) !=
            ERROR_SUCCESS)
        return 1;
    rsm_guid_from_api(&pool, &pool_api);

    double c0 = cpu_s();
    double t0 = now_s();
    rsm_rc rc = rsm_dev_media_bulk(e, NULL, &pool, &lto, NTMS_PARTSTATE_AVAILABLE, n_media, barcode,
                                   NULL, NULL);
    double t_load = now_s() - t0, c_load = cpu_s() - c0;
    if (rc != RSM_OK) {
        fprintf(stderr, "bench_rsm: bulk load: %s\n", rsm_rc_name(rc));
        return 1;
    }
    fprintf(stderr, "loaded %zu media in %.2f s\n", n_media, t_load);
    /* Checkpoint so the main file holds everything before measuring its size. */
    CloseNtmsSession(h);
    h = open_in(dir);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    double mb = (double)(file_size(dir, "rsm.db") + file_size(dir, "rsm.db-wal")) / 1e6;
    double mb_per_million = mb * 1e6 / (double)n_media;

    GUID *list = malloc(n_media * sizeof *list);
    if (!list)
        return 1;
    DWORD n = (DWORD)n_media;
    c0 = cpu_s();
    t0 = now_s();
    DWORD err = EnumerateNtmsObject(h, NULL, list, &n, NTMS_PHYSICAL_MEDIA, 0);
    double t_enum = now_s() - t0, c_enum = cpu_s() - c0;
    if (err != ERROR_SUCCESS || n != n_media) {
        fprintf(stderr, "bench_rsm: enumerate: error %u, %u objects\n", err, n);
        return 1;
    }
    fprintf(stderr, "enumerated %u media in %.3f s\n", n, t_enum);

    NTMS_OBJECTINFORMATIONW *info = malloc(sizeof *info);
    if (!info)
        return 1;
    c0 = cpu_s();
    t0 = now_s();
    size_t got = 0;
    for (DWORD i = 0; i < n; i++) {
        memset(info, 0, offsetof(NTMS_OBJECTINFORMATIONW, szName));
        info->dwSize = sizeof *info;
        info->dwType = NTMS_PHYSICAL_MEDIA;
        if (GetNtmsObjectInformationW(h, &list[i], info) == ERROR_SUCCESS &&
            info->Info.PhysicalMedia.szBarCode[0] == L'B')
            got++;
    }
    double t_get = now_s() - t0, c_get = cpu_s() - c0;
    if (got != n) {
        fprintf(stderr, "bench_rsm: get: %zu of %u ok\n", got, n);
        return 1;
    }
    fprintf(stderr, "got %zu objects in %.2f s\n", got, t_get);
    CloseNtmsSession(h);
    free(info);
    free(list);
    rmtree(dir);

    double la = loadavg();
    printf("| rsm: load %zu physical media (one transaction, rsm_dev_media_bulk) | %.2f s wall,"
           " %.2f s CPU (load avg %.1f) | quick (< 1 min total) | — |\n",
           n_media, t_load, c_load, la);
    printf("| rsm: database size per million media (1 side each) | %.0f MB | — | — |\n",
           mb_per_million);
    printf("| rsm: EnumerateNtmsObject, %zu physical media | %.3f s wall, %.3f s CPU | <= 1 s | "
           "%.1fx better than aim |\n",
           n_media, t_enum, c_enum, 1.0 / t_enum);
    printf("| rsm: GetNtmsObjectInformationW, each of %zu physical media | %.2f s wall, %.2f s CPU"
           " (%.1f us CPU/call) | — | — |\n",
           n_media, t_get, c_get, c_get * 1e6 / (double)n_media);
    return 0;
}

static int bench_pairs(double seconds)
{
    char tmpl[] = "/tmp/bench_rsm.XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return 1;
    HANDLE h = open_in(dir);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    struct rsm_engine *e = rsm_session_engine(h);
    struct rsm_guid lto, pool;
    GUID pool_api, lmid;
    if (rsm_engine_register_media_type(e, 0x56, "LTO Ultrium", 1, 1, 0x1F, &lto) != RSM_OK)
        return 1;
    struct rsm_dev_library lib = {.name = "BENCH", .library_type = 2};
    struct rsm_guid libg;
    if (rsm_engine_register_library(e, &lib, &libg) != RSM_OK ||
        CreateNtmsMediaPoolA(h, "Pairs", (LPNTMS_GUID)&lto, NTMS_CREATE_NEW, NULL, &pool_api) !=
            ERROR_SUCCESS)
        return 1;
    rsm_guid_from_api(&pool, &pool_api);
    if (rsm_dev_media_bulk(e, &libg, &pool, &lto, NTMS_PARTSTATE_AVAILABLE, 200, barcode, NULL,
                           NULL) != RSM_OK)
        return 1;
    long pairs = 0;
    double c0 = cpu_s();
    double t0 = now_s(), t;
    do {
        for (int k = 0; k < 100; k++) {
            if (AllocateNtmsMedia(h, &pool_api, NULL, &lmid, NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0,
                                  NULL) != ERROR_SUCCESS ||
                DeallocateNtmsMedia(h, &lmid, 0) != ERROR_SUCCESS) {
                fprintf(stderr, "bench_rsm: allocate/deallocate failed: %u\n", GetLastError());
                return 1;
            }
            pairs++;
        }
        t = now_s() - t0;
    } while (t < seconds);
    double cpu = cpu_s() - c0;
    CloseNtmsSession(h);
    rmtree(dir);
    double rate = (double)pairs / t, cpu_rate = (double)pairs / cpu;
    fprintf(stderr, "%ld allocate+deallocate pairs in %.2f s wall, %.2f s CPU\n", pairs, t, cpu);
    printf("| rsm: AllocateNtmsMedia + DeallocateNtmsMedia pairs, embedded (WAL, "
           "synchronous=NORMAL) | %.0f pairs/s wall, %.0f pairs/s per CPU-second (%.1f us CPU/pair;"
           " load avg %.1f) | >= 20,000/s | %.2fx of aim (CPU) |\n",
           rate, cpu_rate, cpu * 1e6 / (double)pairs, loadavg(), cpu_rate / 20000.0);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n_media = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    if (n_media == 0 || seconds <= 0) {
        fprintf(stderr, "usage: bench_rsm [N_MEDIA] [PAIRS_SECONDS]\n");
        return 2;
    }
    int rc = bench_pairs(seconds);
    if (rc == 0)
        rc = bench_catalog(n_media);
    return rc;
}
