/* SPDX-License-Identifier: MIT
 * bench/bench_changer.c - changer hot paths through vtl_lun_execute(), as a front end
 * would drive them:
 *   - READ ELEMENT STATUS, all element types with VolTag, over a 10,000-slot library
 *     with every slot full (aim: <= 5 ms per full report)
 *   - MOVE MEDIUM slot <-> drive at zero robot delay (aim: >= 100,000 moves/s)
 * Each figure is the median of 7 runs. Prints Markdown rows for bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scsi/cdb.h"
#include "sim/core/config.h"
#include "sim/core/library.h"
#include "sim/target/target.h"

#define RUNS 7

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static int run(struct vtl_library *lib, uint64_t nx, const struct t10_cdb *c, uint8_t *in,
               size_t cap, size_t *len)
{
    struct vtl_cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.cdb_len = t10_cdb_build(cmd.cdb, sizeof cmd.cdb, c);
    cmd.nexus_id = nx;
    cmd.data_in = in;
    cmd.data_in_cap = cap;
    if (vtl_lun_execute(lib, 0, &cmd) != VTL_EXEC_DONE)
        return -1;
    if (len)
        *len = cmd.data_in_len;
    return cmd.status;
}

int main(void)
{
    struct vtl_config *cfg;
    if (vtl_config_sized(10000, true, &cfg) != VTL_OK) {
        fprintf(stderr, "bench_changer: cannot build the 10,000-slot config\n");
        return 1;
    }
    struct vtl_library *lib;
    if (vtl_library_create(cfg, &lib) != VTL_OK) {
        fprintf(stderr, "bench_changer: cannot create the library\n");
        return 1;
    }
    vtl_config_free(cfg);
    uint64_t nx = vtl_nexus_open(lib);
    size_t cap = 1u << 20;
    uint8_t *buf = malloc(cap);
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    run(lib, nx, &tur, buf, cap, NULL); /* clears the power-on unit attention */

    struct t10_cdb res = {.kind = T10_CDB_READ_ELEMENT_STATUS};
    res.u.res = (struct t10_cdb_res){
        .voltag = true, .start_addr = 0, .n_elems = 0xFFFF, .alloc_len = 0xFFFFFF};
    double res_ms[RUNS];
    size_t res_len = 0;
    for (int r = 0; r < RUNS; r++) {
        const int iters = 50;
        double t0 = now_s();
        for (int i = 0; i < iters; i++)
            if (run(lib, nx, &res, buf, cap, &res_len) != 0) {
                fprintf(stderr, "bench_changer: READ ELEMENT STATUS failed\n");
                return 1;
            }
        res_ms[r] = (now_s() - t0) * 1000.0 / iters;
    }

    struct t10_cdb to = {.kind = T10_CDB_MOVE_MEDIUM}, back = {.kind = T10_CDB_MOVE_MEDIUM};
    uint16_t slot = vtl_library_first_addr(lib, VTL_ELEM_STORAGE);
    uint16_t drive = vtl_library_first_addr(lib, VTL_ELEM_DTE);
    to.u.move = (struct t10_cdb_move){.src = slot, .dst = drive};
    back.u.move = (struct t10_cdb_move){.src = drive, .dst = slot};
    double moves_s[RUNS];
    for (int r = 0; r < RUNS; r++) {
        const int iters = 100000;
        double t0 = now_s();
        for (int i = 0; i < iters; i += 2)
            if (run(lib, nx, &to, buf, cap, NULL) != 0 ||
                run(lib, nx, &back, buf, cap, NULL) != 0) {
                fprintf(stderr, "bench_changer: MOVE MEDIUM failed\n");
                return 1;
            }
        moves_s[r] = iters / (now_s() - t0);
    }
    double res_med = median(res_ms, RUNS), mv_med = median(moves_s, RUNS);
    printf("| READ ELEMENT STATUS, all types + VolTag, 10,000 full slots (%zu bytes) | %.2f ms | "
           "<= 5 ms | mhVTL/tgt: no published figure |\n",
           res_len, res_med);
    printf("| MOVE MEDIUM slot<->drive, zero robot delay (vtl_lun_execute) | %.0f moves/s | >= "
           "100,000/s | mhVTL/tgt: no published figure |\n",
           mv_med);
    free(buf);
    vtl_library_destroy(lib);
    return 0;
}
