/* SPDX-License-Identifier: MIT
 * sim/drive/tests/drive_fixture.c - the helpers of drive_fixture.h.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/mode.h"
#include "scsi/ssc.h"
#include "sim/drive/tests/drive_fixture.h"
#include "tests/lib/cutest.h"

void fx_config(struct fx *f, enum vtl_clock_mode mode)
{
    memset(f, 0, sizeof *f);
    test_mkdtemp(f->dir, sizeof f->dir);
    f->clk = vtl_clock_new(mode, 1.0);
    f->cfg.personality = VTL_DRIVE_IBM;
    f->cfg.gen = 8;
    f->cfg.serial = "1013000001";
    f->cfg.state_dir = f->dir;
    f->cfg.clock = f->clk;
    f->cfg.new_capacity_bytes = 8u * 1024 * 1024;
    f->cfg.nosync = true;
}

void fx_start(struct fx *f)
{
    CU_ASSERT_EQUAL_FATAL(vtl_drive_create(&f->cfg, &f->d), VTL_DRIVE_OK);
}

void fx_stop(struct fx *f)
{
    vtl_drive_destroy(f->d);
    vtl_clock_free(f->clk);
    test_rmtree(f->dir);
    f->d = NULL;
}

void fx_load(struct fx *f, const char *barcode)
{
    struct vtl_cart_info cart;
    CU_ASSERT_EQUAL_FATAL(vtl_cart_from_barcode(barcode, 3, &cart), VTL_OK);
    vtl_drive_load(f->d, &cart);
    (void)vtl_clock_advance(f->clk, 3600u * 1000000u); /* threading is far shorter */
}

void fx_ready(struct fx *f, const char *barcode)
{
    fx_config(f, VTL_CLOCK_VIRTUAL);
    fx_start(f);
    fx_load(f, barcode);
    for (int i = 0; i < 10; i++)
        if (fx_tur(f).status == VTL_STATUS_GOOD)
            return;
    CU_FAIL_FATAL("drive did not become ready");
}

static void cmd_done(struct vtl_cmd *cmd)
{
    *(int *)cmd->front_priv = 1;
}

struct res fx_raw(struct fx *f, uint64_t nexus, const uint8_t *cdb, size_t cdb_len,
                  const void *out, size_t out_len, void *in, size_t in_cap)
{
    struct vtl_cmd *cmd = calloc(1, sizeof *cmd);
    int done = 0;
    memcpy(cmd->cdb, cdb, cdb_len < VTL_CDB_MAX ? cdb_len : VTL_CDB_MAX);
    cmd->cdb_len = cdb_len;
    cmd->nexus_id = nexus;
    cmd->data_out = out;
    cmd->data_out_len = out_len;
    cmd->data_in = in;
    cmd->data_in_cap = in_cap;
    cmd->done = cmd_done;
    cmd->front_priv = &done;
    struct res r = {0};
    r.exec = vtl_drive_execute(f->d, cmd);
    if (r.exec == VTL_EXEC_PENDING) {
        for (int i = 0; i < 100000 && !done; i++)
            (void)vtl_clock_advance(f->clk, 100000);
        CU_ASSERT(done);
    }
    r.status = cmd->status;
    r.len = cmd->data_in_len;
    r.sense_len = cmd->sense_len;
    memcpy(r.sense_raw, cmd->sense, cmd->sense_len);
    if (cmd->status == VTL_STATUS_CHECK_CONDITION)
        CU_ASSERT_EQUAL(t10_sense_parse(cmd->sense, cmd->sense_len, &r.s), T10_OK);
    free(cmd);
    return r;
}

struct res fx_cmd(struct fx *f, uint64_t nexus, const struct t10_cdb *c, const void *out,
                  size_t out_len, void *in, size_t in_cap)
{
    uint8_t cdb[T10_CDB_MAX];
    size_t n = t10_cdb_build(cdb, sizeof cdb, c);
    CU_ASSERT_FATAL(n > 0);
    return fx_raw(f, nexus, cdb, n, out, out_len, in, in_cap);
}

struct res fx_tur(struct fx *f)
{
    struct t10_cdb c = {.kind = T10_CDB_TEST_UNIT_READY};
    return fx_cmd(f, 1, &c, NULL, 0, NULL, 0);
}

struct res fx_write(struct fx *f, bool fixed, uint32_t n, const void *buf, size_t len)
{
    struct t10_cdb c = {.kind = T10_CDB_WRITE6, .u.rw6 = {.fixed = fixed, .xfer_len = n}};
    return fx_cmd(f, 1, &c, buf, len, NULL, 0);
}

struct res fx_read(struct fx *f, bool fixed, bool sili, uint32_t n, void *buf, size_t cap)
{
    struct t10_cdb c = {.kind = T10_CDB_READ6,
                        .u.rw6 = {.fixed = fixed, .sili = sili, .xfer_len = n}};
    return fx_cmd(f, 1, &c, NULL, 0, buf, cap);
}

struct res fx_wfm(struct fx *f, uint32_t n)
{
    struct t10_cdb c = {.kind = T10_CDB_WRITE_FILEMARKS6, .u.write_fm = {.count = n}};
    return fx_cmd(f, 1, &c, NULL, 0, NULL, 0);
}

struct res fx_space(struct fx *f, uint8_t code, int64_t count)
{
    struct t10_cdb c = {.kind = T10_CDB_SPACE6, .u.space = {.code = code, .count = count}};
    return fx_cmd(f, 1, &c, NULL, 0, NULL, 0);
}

struct res fx_rewind(struct fx *f)
{
    struct t10_cdb c = {.kind = T10_CDB_REWIND};
    return fx_cmd(f, 1, &c, NULL, 0, NULL, 0);
}

struct res fx_locate(struct fx *f, uint64_t obj)
{
    struct t10_cdb c = {.kind = T10_CDB_LOCATE16, .u.locate = {.lo_id = obj}};
    return fx_cmd(f, 1, &c, NULL, 0, NULL, 0);
}

uint64_t fx_pos(struct fx *f)
{
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_SHORT}};
    uint8_t buf[T10_RP_SHORT_LEN];
    struct res r = fx_cmd(f, 1, &c, NULL, 0, buf, sizeof buf);
    struct t10_read_pos rp;
    if (r.status != VTL_STATUS_GOOD ||
        t10_read_pos_decode(buf, r.len, T10_RP_SHORT, &rp) != T10_OK)
        return UINT64_MAX;
    return rp.first_lo;
}

struct res fx_mode_select_blocklen(struct fx *f, uint32_t block_len)
{
    uint8_t p[T10_MODE_HDR6_LEN + T10_MODE_BLKDESC_LEN];
    struct t10_mode_hdr h = {.buffered_mode = 1, .bd_len = T10_MODE_BLKDESC_LEN};
    struct t10_mode_blkdesc bd = {.density = 0, .block_len = block_len};
    size_t n = t10_mode_hdr_build(p, sizeof p, false, &h);
    n += t10_mode_blkdesc_build(p + n, sizeof p - n, &bd);
    struct t10_cdb c = {.kind = T10_CDB_MODE_SELECT6,
                        .u.mode_select = {.pf = true, .param_len = (uint16_t)n}};
    return fx_cmd(f, 1, &c, p, n, NULL, 0);
}

void fx_pattern(uint8_t *buf, size_t len, unsigned seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
}
