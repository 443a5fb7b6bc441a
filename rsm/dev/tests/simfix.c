/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/simfix.c - in-process library with fault access (simfix.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/dev/tests/simfix.h"
#include "scsi/cdb.h"
#include "scsi/sense.h"
#include "sim/core/clock.h"
#include "sim/target/target.h"
#include "transport/internal.h"

struct adapter {
    struct simfix *f;
    unsigned lun;
    uint64_t nexus;
};

static void fix_done(struct vtl_cmd *cmd)
{
    *(bool *)cmd->front_priv = true;
}

static enum xport_rc fix_exec(struct xport *xp, struct xport_cmd *cmd)
{
    struct adapter *a = xp->priv;
    struct simfix *f = a->f;
    bool finished = false;
    struct vtl_cmd vc;
    memset(&vc, 0, sizeof vc);
    memcpy(vc.cdb, cmd->cdb, cmd->cdb_len);
    vc.cdb_len = cmd->cdb_len;
    if (a->lun == 0 && cmd->cdb[0] == 0xB8 && (f->res_no_dvcid || f->res_max_elems)) {
        struct t10_cdb c;
        if (t10_cdb_decode(cmd->cdb, cmd->cdb_len, T10_PDT_CHANGER, &c, NULL) == T10_OK) {
            if (f->res_no_dvcid)
                c.u.res.dvcid = false;
            if (f->res_max_elems && c.u.res.n_elems > f->res_max_elems)
                c.u.res.n_elems = (uint16_t)f->res_max_elems;
            vc.cdb_len = t10_cdb_build(vc.cdb, sizeof vc.cdb, &c);
        }
    }
    vc.nexus_id = a->nexus;
    if (cmd->dir == XPORT_DIR_OUT) {
        vc.data_out = cmd->buf;
        vc.data_out_len = cmd->buf_len;
    } else if (cmd->dir == XPORT_DIR_IN) {
        vc.data_in = cmd->buf;
        vc.data_in_cap = cmd->buf_len;
        if (a->lun == 0 && cmd->cdb[0] == 0xB8 && f->res_clip && vc.data_in_cap > f->res_clip)
            vc.data_in_cap = f->res_clip;
    }
    f->n_exec++;
    if (a->lun == 0 && cmd->cdb[0] == 0xB8)
        f->n_res++;
    vc.done = fix_done;
    vc.front_priv = &finished;
    struct vtl_clock *clk = vtl_library_clock(f->lib);
    /* What an event loop does between commands: motions whose time has come finish. */
    vtl_system_run_due(f->sys);
    if (vtl_lun_execute(f->lib, a->lun, &vc) == VTL_EXEC_DONE)
        finished = true;
    while (!finished) {
        uint64_t due = vtl_clock_next_due_us(clk);
        if (due == UINT64_MAX)
            return XPORT_E_IO;
        if (vtl_clock_mode(clk) == VTL_CLOCK_VIRTUAL || vtl_clock_mode(clk) == VTL_CLOCK_ZERO) {
            vtl_clock_advance(clk, due);
        } else if (due > 0) {
            struct timespec ts = {.tv_sec = 0,
                                  .tv_nsec = (long)((due < 10000 ? due : 10000) * 1000)};
            nanosleep(&ts, NULL);
        }
        vtl_system_run_due(f->sys);
    }
    cmd->status = vc.status;
    cmd->xfer_len = cmd->dir == XPORT_DIR_IN    ? vc.data_in_len
                    : cmd->dir == XPORT_DIR_OUT ? cmd->buf_len
                                                : 0;
    cmd->sense_len = vc.sense_len < XPORT_SENSE_MAX ? vc.sense_len : XPORT_SENSE_MAX;
    memcpy(cmd->sense, vc.sense, cmd->sense_len);
    struct t10_sense ts;
    if (vc.status == 2 && t10_sense_parse(vc.sense, vc.sense_len, &ts) == T10_OK && ts.key == 2 &&
        ts.asc_ascq == T10_ASC(0x04, 0x01))
        f->n_becoming_ready++;
    return XPORT_OK;
}

static void fix_close(struct xport *xp)
{
    struct adapter *a = xp->priv;
    if (a)
        vtl_nexus_close(a->f->lib, a->nexus);
    free(a);
}

static const struct xport_ops fix_ops = {
    .scheme = "simfix",
    .open = NULL,
    .exec = fix_exec,
    .close = fix_close,
};

int simfix_open(struct simfix *f, const char *config)
{
    memset(f, 0, sizeof *f);
    char err[512];
    if (vtl_system_open(config, NULL, &f->sys, err, sizeof err) != VTL_OK) {
        fprintf(stderr, "simfix: %s\n", err);
        return -1;
    }
    f->lib = vtl_system_library(f->sys);
    vtl_system_ctl_hooks(f->sys, &f->hooks);
    return 0;
}

void simfix_close(struct simfix *f)
{
    if (f->sys)
        vtl_system_close(f->sys);
    memset(f, 0, sizeof *f);
}

struct xport *simfix_xport(struct simfix *f, unsigned lun)
{
    char uri[64];
    /* A sim:-shaped URI so library.c can derive a LUN from it. */
    snprintf(uri, sizeof uri, "sim:fixture?lun=%u", lun);
    return simfix_xport_as(f, lun, uri);
}

struct xport *simfix_xport_as(struct simfix *f, unsigned lun, const char *uri)
{
    struct xport *xp = calloc(1, sizeof *xp);
    struct adapter *a = calloc(1, sizeof *a);
    if (!xp || !a || !(xp->uri = strdup(uri))) {
        free(xp);
        free(a);
        return NULL;
    }
    a->f = f;
    a->lun = lun;
    a->nexus = vtl_nexus_open(f->lib);
    xp->ops = &fix_ops;
    xp->priv = a;
    return xp;
}
