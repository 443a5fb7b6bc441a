/* SPDX-License-Identifier: MIT
 * sim/iscsi/tests/fake_backend.c - the in-test LUNs behind the iSCSI target (see
 * fake_backend.h). Only what the tests need; SPC/SMC/SSC semantics live in sim/target.
 */
#include "sim/iscsi/tests/fake_backend.h"

#include <stdlib.h>
#include <string.h>

unsigned fake_get(const unsigned *counter)
{
    return __atomic_load_n(counter, __ATOMIC_SEQ_CST);
}

static void bump(unsigned *counter)
{
    __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
}

bool fake_backend_init(struct fake_backend *fb)
{
    memset(fb, 0, sizeof *fb);
    fb->defer_ticks = 1;
    for (int i = 0; i < FAKE_N_LUNS; i++)
        if (!(fb->buf[i] = calloc(1, FAKE_BUF_LEN)))
            return false;
    return true;
}

void fake_backend_fini(struct fake_backend *fb)
{
    for (int i = 0; i < FAKE_N_LUNS; i++)
        free(fb->buf[i]);
}

static void check(struct vtl_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq)
{
    cmd->status = VTL_STATUS_CHECK_CONDITION;
    memset(cmd->sense, 0, 18);
    cmd->sense[0] = 0x70;
    cmd->sense[2] = key;
    cmd->sense[7] = 10;
    cmd->sense[12] = asc;
    cmd->sense[13] = ascq;
    cmd->sense_len = 18;
    cmd->data_in_len = 0;
}

static void give(struct vtl_cmd *cmd, const uint8_t *src, size_t len, size_t alloc)
{
    size_t n = len < alloc ? len : alloc;
    if (n > cmd->data_in_cap)
        n = cmd->data_in_cap;
    if (n)                                /* data_in may be NULL when nothing is expected */
        memcpy(cmd->data_in, src, n);
    cmd->data_in_len = n;
    cmd->status = VTL_STATUS_GOOD;
}

static uint32_t be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | be24(p + 1);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Block commands of the disk LUN; returns false if @cdb is not one of them. */
static bool disk_cmd(struct fake_backend *fb, struct vtl_cmd *cmd)
{
    const uint8_t *cdb = cmd->cdb;
    const uint32_t n_blocks = FAKE_BUF_LEN / FAKE_BLOCK;
    uint64_t lba;
    uint32_t n;
    bool write;
    switch (cdb[0]) {
    case 0x25: {                          /* READ CAPACITY (10) */
        uint8_t d[8];
        put_be32(d, n_blocks - 1);
        put_be32(d + 4, FAKE_BLOCK);
        give(cmd, d, sizeof d, sizeof d);
        return true;
    }
    case 0x9E: {                          /* READ CAPACITY (16) */
        if ((cdb[1] & 0x1f) != 0x10)
            return false;
        uint8_t d[32] = {0};
        put_be32(d + 4, n_blocks - 1);
        put_be32(d + 8, FAKE_BLOCK);
        give(cmd, d, sizeof d, be32(cdb + 10));
        return true;
    }
    case 0x28: case 0x2A: case 0x2E:      /* READ/WRITE/WRITE AND VERIFY (10) */
        lba = be32(cdb + 2);
        n = (uint32_t)cdb[7] << 8 | cdb[8];
        write = cdb[0] != 0x28;
        break;
    case 0xA8: case 0xAA: case 0xAE:      /* (12) */
        lba = be32(cdb + 2);
        n = be32(cdb + 6);
        write = cdb[0] != 0xA8;
        break;
    case 0x88: case 0x8A: case 0x8E:      /* (16) */
        lba = (uint64_t)be32(cdb + 2) << 32 | be32(cdb + 6);
        n = be32(cdb + 10);
        write = cdb[0] != 0x88;
        break;
    default:
        return false;
    }
    if (lba > n_blocks || n > n_blocks - lba) {
        check(cmd, 0x05, 0x21, 0x00);     /* LBA OUT OF RANGE */
        return true;
    }
    size_t len = (size_t)n * FAKE_BLOCK;
    uint8_t *at = fb->buf[FAKE_DISK_LUN] + lba * FAKE_BLOCK;
    if (write) {
        /* Only what the CDB asks for is written; more or less data from the initiator is
         * the transport's residual to report. */
        size_t have = cmd->data_out_len < len ? cmd->data_out_len : len;
        if (have)
            memcpy(at, cmd->data_out, have);
        return true;
    }
    give(cmd, at, len, len);
    return true;
}

static void execute(struct fake_backend *fb, uint16_t lun, struct vtl_cmd *cmd)
{
    const uint8_t *cdb = cmd->cdb;
    cmd->status = VTL_STATUS_GOOD;
    cmd->data_in_len = 0;
    cmd->sense_len = 0;
    if (lun >= FAKE_N_LUNS) {
        check(cmd, 0x05, 0x25, 0x00);
        return;
    }
    if (lun == FAKE_DISK_LUN && disk_cmd(fb, cmd))
        return;
    switch (cdb[0]) {
    case 0x00:                            /* TEST UNIT READY */
        return;
    case 0x03: {                          /* REQUEST SENSE: no sense */
        uint8_t s[18] = {0x70, 0, 0, 0, 0, 0, 0, 10};
        give(cmd, s, sizeof s, cdb[4]);
        return;
    }
    case 0x12: {                          /* INQUIRY */
        uint8_t inq[96];
        size_t alloc = (size_t)cdb[3] << 8 | cdb[4];
        memset(inq, ' ', sizeof inq);
        if (cdb[1] & 1) {
            if (cdb[2] != 0x80) {
                check(cmd, 0x05, 0x24, 0x00);
                return;
            }
            uint8_t sn[4 + 10] = {lun == 0 ? 0x08 : 0x01, 0x80, 0, 10};
            memcpy(sn + 4, lun == 0 ? "CHG0000001" : "TAPE000001", 10);
            give(cmd, sn, sizeof sn, alloc);
            return;
        }
        inq[0] = lun == 0 ? 0x08 : lun == FAKE_DISK_LUN ? 0x00 : 0x01; /* changer/disk/tape */
        inq[1] = lun == FAKE_DISK_LUN ? 0 : 0x80;  /* removable media, except the disk */
        inq[2] = 0x06;
        inq[3] = 0x02;
        inq[4] = sizeof inq - 5;
        inq[5] = 0;
        inq[6] = lun == 0 ? 0x08 : 0;      /* MCHNGR off; changer is its own LUN */
        inq[7] = 0;
        memcpy(inq + 8, "OPENRSM ", 8);
        memcpy(inq + 16, lun == 0 ? "FAKE CHANGER    " : lun == FAKE_DISK_LUN ? "FAKE DISK       "
                                                                     : "FAKE TAPE       ", 16);
        memcpy(inq + 32, "0001", 4);
        give(cmd, inq, sizeof inq, alloc);
        return;
    }
    case 0x3B: {                          /* WRITE BUFFER, mode 02h */
        uint32_t off = be24(cdb + 3), len = be24(cdb + 6);
        if ((cdb[1] & 0x1f) != 0x02 || off > FAKE_BUF_LEN || len > FAKE_BUF_LEN - off ||
            len != cmd->data_out_len) {
            check(cmd, 0x05, 0x24, 0x00);
            return;
        }
        if (len)
            memcpy(fb->buf[lun] + off, cmd->data_out, len);
        return;
    }
    case 0x3C: {                          /* READ BUFFER, mode 02h */
        uint32_t off = be24(cdb + 3), len = be24(cdb + 6);
        if ((cdb[1] & 0x1f) != 0x02 || off > FAKE_BUF_LEN || len > FAKE_BUF_LEN - off) {
            check(cmd, 0x05, 0x24, 0x00);
            return;
        }
        give(cmd, fb->buf[lun] + off, len, len);
        return;
    }
    default:
        check(cmd, 0x05, 0x20, 0x00);     /* INVALID COMMAND OPERATION CODE */
        return;
    }
}

static int fb_nexus_open(void *ctx, void *target_ctx, const char *initiator_name,
                         const uint8_t isid[6], uint64_t *nexus_id)
{
    struct fake_backend *fb = ctx;
    (void)target_ctx;
    (void)initiator_name;
    (void)isid;
    bump(&fb->n_nexus_open);
    *nexus_id = 1000 + fake_get(&fb->n_nexus_open);
    return 0;
}

static void fb_nexus_close(void *ctx, void *target_ctx, uint64_t nexus_id)
{
    struct fake_backend *fb = ctx;
    (void)target_ctx;
    (void)nexus_id;
    bump(&fb->n_nexus_close);
}

static enum vtl_exec fb_submit(void *ctx, void *target_ctx, uint16_t lun, struct vtl_cmd *cmd)
{
    struct fake_backend *fb = ctx;
    (void)target_ctx;
    bump(&fb->n_submit);
    fb->last_cdb_len = cmd->cdb_len;
    fb->last_data_out_len = cmd->data_out_len;
    fb->last_data_out = cmd->data_out;
    if (__atomic_load_n(&fb->defer, __ATOMIC_SEQ_CST) && fb->n_pending < FAKE_MAX_PENDING) {
        fb->pending[fb->n_pending] = cmd;
        fb->pending_age[fb->n_pending] = 0;
        fb->pending_lun[fb->n_pending] = lun;
        fb->n_pending++;
        return VTL_EXEC_PENDING;
    }
    execute(fb, lun, cmd);
    return VTL_EXEC_DONE;
}

static void remove_pending(struct fake_backend *fb, size_t i)
{
    fb->n_pending--;
    fb->pending[i] = fb->pending[fb->n_pending];
    fb->pending_age[i] = fb->pending_age[fb->n_pending];
    fb->pending_lun[i] = fb->pending_lun[fb->n_pending];
}

static int fb_task_mgmt(void *ctx, void *target_ctx, uint64_t nexus_id, int fn, uint16_t lun,
                        struct vtl_cmd *cmd)
{
    struct fake_backend *fb = ctx;
    (void)target_ctx;
    (void)nexus_id;
    bump(&fb->n_tmf);
    __atomic_store_n(&fb->last_tmf_fn, fn, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fb->last_tmf_lun, lun, __ATOMIC_SEQ_CST);
    /* Aborted commands still complete through done (iscsi.h contract); a slow device
     * finishes them from the tick instead. */
    for (size_t i = 0; i < fb->n_pending && !fb->slow_abort;) {
        struct vtl_cmd *p = fb->pending[i];
        bool hit = cmd ? p == cmd
                       : (fn >= VTL_ISCSI_TMF_TARGET_WARM_RESET || fb->pending_lun[i] == lun);
        if (!hit) {
            i++;
            continue;
        }
        remove_pending(fb, i);
        p->status = VTL_STATUS_TASK_ABORTED;
        p->data_in_len = 0;
        p->sense_len = 0;
        bump(&fb->n_aborted);
        p->done(p);
    }
    return VTL_ISCSI_TMF_RSP_COMPLETE;
}

void fake_backend_tick(void *ctx)
{
    struct fake_backend *fb = ctx;
    for (size_t i = 0; i < fb->n_pending;) {
        if (++fb->pending_age[i] < __atomic_load_n(&fb->defer_ticks, __ATOMIC_SEQ_CST)) {
            i++;
            continue;
        }
        struct vtl_cmd *cmd = fb->pending[i];
        uint16_t lun = fb->pending_lun[i];
        remove_pending(fb, i);
        execute(fb, lun, cmd);
        bump(&fb->n_late_done);
        cmd->done(cmd);
    }
}

const struct vtl_iscsi_backend_ops fake_backend_ops = {
    .nexus_open = fb_nexus_open,
    .nexus_close = fb_nexus_close,
    .submit = fb_submit,
    .task_mgmt = fb_task_mgmt,
};
