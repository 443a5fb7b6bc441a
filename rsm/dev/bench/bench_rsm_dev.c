/* SPDX-License-Identifier: MIT
 * rsm/dev/bench/bench_rsm_dev.c - what the rsm/dev drivers add on top of the SCSI
 * commands they need, over the in-process sim: transport:
 *   - fast inventory (rsm_dev_lib_inventory) of a 10,000-slot library, every slot full,
 *     against the bare READ ELEMENT STATUS exchange it needs (one RES per element type,
 *     VolTag, DVCID on drives, allocation sized for the answer, data walked with
 *     t10_elem_status_walk); aim: driver <= 1.2x bare;
 *   - a mount + dismount cycle (rsm_dev_lib_mount/_dismount) against its bare commands
 *     (MOVE, TEST UNIT READY, LOAD UNLOAD, MOVE); reported as overhead per cycle.
 * Each figure is the median of 15 runs, in thread CPU time (see now_s()). Prints Markdown rows for
 * bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rsm/dev/library.h"
#include "scsi/cdb.h"
#include "scsi/elem.h"
#include "transport/transport.h"

#define RUNS   15
#define SLOTS  10000
#define CYCLES 50

/* Thread CPU time: the simulator runs in this thread too, so this is the whole cost of
 * the commands plus the driver's, without the time other processes take the core (the
 * machine these run on is shared; wall-clock medians swung 5x between runs). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v)
{
    qsort(v, RUNS, sizeof *v, cmp_double);
    return v[RUNS / 2];
}

static enum t10_rc count_full(const struct t10_elem_desc *d, void *arg)
{
    *(size_t *)arg += d->full;
    return T10_OK;
}

/* The RES exchange an inventory needs, with nothing around it. */
static size_t bare_inventory(struct xport *xp, const struct rsm_chg_layout *l, uint8_t *buf,
                             size_t cap)
{
    const struct rsm_chg_range *r[4] = {&l->mt, &l->st, &l->ie, &l->dt};
    size_t full = 0;
    for (int t = 0; t < 4; t++) {
        if (!r[t]->count)
            continue;
        bool dvcid = t == 3;
        size_t desc = T10_ELEM_DESC_FIXED_LEN + T10_VOLTAG_LEN + (dvcid ? 4 + 64 : 0);
        size_t alloc = 16 + desc * r[t]->count;
        struct t10_cdb c = {.kind = T10_CDB_READ_ELEMENT_STATUS};
        c.u.res.voltag = true;
        c.u.res.dvcid = dvcid;
        c.u.res.elem_type = (uint8_t)(t + 1);
        c.u.res.start_addr = r[t]->first;
        c.u.res.n_elems = r[t]->count;
        c.u.res.alloc_len = (uint32_t)(alloc < cap ? alloc : cap);
        uint8_t cdb[16];
        struct xport_cmd cmd = {.cdb = cdb,
                                .cdb_len = t10_cdb_build(cdb, sizeof cdb, &c),
                                .dir = XPORT_DIR_IN,
                                .buf = buf,
                                .buf_len = c.u.res.alloc_len};
        if (xport_exec(xp, &cmd) != XPORT_OK || cmd.status != 0)
            return 0;
        bool trunc;
        (void)t10_elem_status_walk(buf, cmd.xfer_len, NULL, count_full, &full, &trunc);
    }
    return full;
}

static int simple(struct xport *xp, enum t10_cdb_kind kind, uint16_t a, uint16_t b_)
{
    struct t10_cdb c = {.kind = kind};
    if (kind == T10_CDB_MOVE_MEDIUM) {
        c.u.move.transport = 1;
        c.u.move.src = a;
        c.u.move.dst = b_;
    }
    uint8_t cdb[16];
    struct xport_cmd cmd = {.cdb = cdb, .cdb_len = t10_cdb_build(cdb, sizeof cdb, &c)};
    return xport_exec(xp, &cmd) == XPORT_OK ? cmd.status : -1;
}

int main(void)
{
    /* The simulator keeps tape images in a private directory under $TMPDIR; on tmpfs the
     * cycle measures the commands, not the disk's journal. */
    if (!getenv("TMPDIR") && access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 0);
    char dir[] = "/tmp/bench_rsm_dev.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256], uri[300], duri[320];
    snprintf(path, sizeof path, "%s/lib.yaml", dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 1;
    fprintf(fp, "personality: ibm-ts4300\nslots: %d\nclock: {mode: zero}\ncartridges:\n", SLOTS);
    for (int i = 0; i < SLOTS; i++)
        fprintf(fp, "  - {barcode: B%05dL8, slot: %d}\n", i, i + 1);
    fclose(fp);
    snprintf(uri, sizeof uri, "sim:%s", path);
    snprintf(duri, sizeof duri, "sim:%s?lun=1", path);

    struct rsm_dev_lib *lib;
    enum rsm_dev_rc rc = rsm_dev_lib_open(uri, NULL, 0, NULL, &lib);
    if (rc != RSM_DEV_OK) {
        fprintf(stderr, "bench_rsm_dev: open %s: %s\n", uri, rsm_dev_rc_name(rc));
        return 1;
    }
    struct xport *cxp, *dxp;
    if (xport_open(uri, &cxp, NULL, 0) != XPORT_OK || xport_open(duri, &dxp, NULL, 0) != XPORT_OK)
        return 1;
    size_t cap = 16u << 20;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return 1;
    (void)simple(cxp, T10_CDB_TEST_UNIT_READY, 0, 0); /* power-on UAs out of the way */
    (void)simple(dxp, T10_CDB_TEST_UNIT_READY, 0, 0);

    double drv_t[RUNS], bare_t[RUNS];
    size_t bare_full = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        rc = rsm_dev_lib_inventory(lib, false);
        drv_t[r] = now_s() - t0;
        t0 = now_s();
        bare_full = bare_inventory(cxp, &lib->layout, buf, cap);
        bare_t[r] = now_s() - t0;
        if (rc != RSM_DEV_OK || lib->n_cartridges != SLOTS || bare_full != SLOTS) {
            fprintf(stderr, "bench_rsm_dev: inventory %s, %u / %zu cartridges\n",
                    rsm_dev_rc_name(rc), lib->n_cartridges, bare_full);
            return 1;
        }
    }
    double inv_drv = median(drv_t), inv_bare = median(bare_t);

    /* Mount + dismount cycles: first slot <-> drive 0. */
    uint16_t slot = lib->layout.st.first, dte = lib->drives[0].elem_addr;
    double cyc_drv[RUNS], cyc_bare[RUNS];
    unsigned long cmds0 = rsm_chg_commands(lib->chg) + rsm_drv_commands(lib->drives[0].drv);
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        for (int i = 0; i < CYCLES; i++) {
            if (rsm_dev_lib_mount(lib, slot, 0) != RSM_DEV_OK ||
                rsm_dev_lib_dismount(lib, 0, 0, NULL) != RSM_DEV_OK) {
                fprintf(stderr, "bench_rsm_dev: cycle failed\n");
                return 1;
            }
        }
        cyc_drv[r] = (now_s() - t0) / CYCLES;
        t0 = now_s();
        for (int i = 0; i < CYCLES; i++) {
            int st = simple(cxp, T10_CDB_MOVE_MEDIUM, slot, dte);
            /* TUR until GOOD: 28/00 first after the load, as the driver sees it. */
            for (int k = 0; k < 5 && simple(dxp, T10_CDB_TEST_UNIT_READY, 0, 0) != 0; k++)
                ;
            st |= simple(dxp, T10_CDB_LOAD_UNLOAD, 0, 0);
            st |= simple(cxp, T10_CDB_MOVE_MEDIUM, dte, slot);
            if (st != 0) {
                fprintf(stderr, "bench_rsm_dev: bare cycle failed\n");
                return 1;
            }
        }
        cyc_bare[r] = (now_s() - t0) / CYCLES;
    }
    unsigned long cmds = rsm_chg_commands(lib->chg) + rsm_drv_commands(lib->drives[0].drv) - cmds0;
    double c_drv = median(cyc_drv), c_bare = median(cyc_bare);

    printf("| rsm/dev: fast inventory, %d-slot library, all full (rsm_dev_lib_inventory) | "
           "%.2f ms CPU (bare RES exchange %.2f ms) | <= 1.2x bare | %.2fx |\n",
           SLOTS, inv_drv * 1e3, inv_bare * 1e3, inv_drv / inv_bare);
    printf(
        "| rsm/dev: mount + dismount cycle (sim:, zero robot delay) | %.1f us CPU/cycle, "
        "%.1f SCSI commands/cycle (bare MOVE, TUR x2, UNLOAD, MOVE: %.1f us) | overhead reported | "
        "+%.1f us/cycle (%.2fx) |\n",
        c_drv * 1e6, (double)cmds / (RUNS * CYCLES), c_bare * 1e6, (c_drv - c_bare) * 1e6,
        c_drv / c_bare);
    free(buf);
    xport_close(dxp);
    xport_close(cxp);
    rsm_dev_lib_close(lib);
    unlink(path);
    rmdir(dir);
    return 0;
}
