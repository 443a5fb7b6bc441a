/* SPDX-License-Identifier: MIT
 * sim/drive/tests/test_drive_ctl.c - the drive's control side through vtl_drive_execute():
 * INQUIRY and VPD pages, MODE SELECT rules, LOG SENSE pages, TapeAlert read/clear, MAM
 * round trip, LOAD UNLOAD and PREVENT, unit attentions per nexus, reservations, the
 * cleaning life cycle, injected faults, reset, and a library from sim/core with the
 * drive's hooks attached.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/log.h"
#include "scsi/luns.h"
#include "scsi/mam.h"
#include "scsi/mode.h"
#include "scsi/rsoc.h"
#include "scsi/ssc.h"
#include "scsi/vpd.h"
#include "sim/core/config.h"
#include "sim/core/library.h"
#include "sim/drive/tests/drive_fixture.h"
#include "sim/target/target.h"
#include "tests/lib/cutest.h"

static void robot_done(void *arg, enum vtl_rc rc);

static struct res inquiry(struct fx *f, bool evpd, uint8_t page, uint8_t *buf, uint16_t alloc)
{
    struct t10_cdb c = {.kind = T10_CDB_INQUIRY,
                        .u.inquiry = {.evpd = evpd, .page = page, .alloc_len = alloc}};
    return fx_cmd(f, 1, &c, NULL, 0, buf, alloc);
}

struct desig_seen { bool naa, t10; };
static enum t10_rc desig_cb(const struct t10_desig *d, void *arg)
{
    struct desig_seen *s = arg;
    if (d->type == T10_DESIG_NAA && d->len == 8)
        s->naa = true;
    if (d->type == T10_DESIG_T10_VENDOR && d->len > 8 && !memcmp(d->id, "IBM     ", 8))
        s->t10 = true;
    return T10_OK;
}

static void test_inquiry_and_vpd(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_ZERO);
    f.cfg.elem_addr = 0x0101;
    fx_start(&f);
    uint8_t buf[255];
    /* INQUIRY is served with a unit attention pending, and does not clear it */
    struct res r = inquiry(&f, false, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    struct t10_inquiry inq;
    CU_ASSERT_EQUAL(t10_inquiry_decode(buf, r.len, &inq), T10_OK);
    CU_ASSERT_EQUAL(inq.pdt, T10_PDT_TAPE);
    CU_ASSERT_TRUE(inq.rmb);
    CU_ASSERT_STRING_EQUAL(inq.vendor, "IBM");
    CU_ASSERT_STRING_EQUAL(inq.product, "ULT3580-TD8");
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x29, 0x00));
    /* short allocation: truncated without error */
    r = inquiry(&f, false, 0, buf, 5);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.len, 5);

    r = inquiry(&f, true, 0x00, buf, sizeof buf);
    uint8_t pages[16];
    size_t n;
    CU_ASSERT_EQUAL(t10_vpd_supported_decode(buf, r.len, pages, 16, &n), T10_OK);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_EQUAL(pages[3], 0xB0);
    CU_ASSERT_EQUAL(pages[5], 0xB4);

    r = inquiry(&f, true, 0x80, buf, sizeof buf);
    char serial[64];
    CU_ASSERT_EQUAL(t10_vpd_ascii_decode(buf, r.len, 0x80, serial, sizeof serial), T10_OK);
    CU_ASSERT_STRING_EQUAL(serial, "1013000001");

    r = inquiry(&f, true, 0x83, buf, sizeof buf);
    struct desig_seen ds = {0};
    bool trunc;
    CU_ASSERT_EQUAL(t10_vpd_devid_walk(buf, r.len, desig_cb, &ds, &trunc), T10_OK);
    CU_ASSERT_TRUE(ds.naa);
    CU_ASSERT_TRUE(ds.t10);
    /* identical identity on a second drive with the same serial (stable across runs) */
    uint8_t again[255];
    struct fx g;
    fx_config(&g, VTL_CLOCK_ZERO);
    fx_start(&g);
    struct res r2 = inquiry(&g, true, 0x83, again, sizeof again);
    CU_ASSERT_EQUAL(r2.len, r.len);
    CU_ASSERT_EQUAL(memcmp(buf, again, r.len), 0);
    fx_stop(&g);

    r = inquiry(&f, true, 0xB0, buf, sizeof buf);
    struct t10_vpd_b0 b0;
    CU_ASSERT_EQUAL(t10_vpd_b0_decode(buf, r.len, &b0), T10_OK);
    CU_ASSERT_TRUE(b0.worm);
    r = inquiry(&f, true, 0xB2, buf, sizeof buf);
    uint64_t sup;
    CU_ASSERT_EQUAL(t10_vpd_b2_decode(buf, r.len, &sup), T10_OK);
    CU_ASSERT((sup & T10_TA_FLAG(T10_TA_CLEAN_NOW)) != 0);
    CU_ASSERT((sup & T10_TA_FLAG(T10_TA_EXPIRED_CLEANING)) != 0);
    r = inquiry(&f, true, 0xB4, buf, sizeof buf);
    uint16_t ea;
    CU_ASSERT_EQUAL(t10_vpd_b4_decode(buf, r.len, &ea), T10_OK);
    CU_ASSERT_EQUAL(ea, 0x0101);
    /* a page the drive does not have: 24/00 pointing at the page code */
    r = inquiry(&f, true, 0xB1, buf, sizeof buf);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, 2);
    fx_stop(&f);

    fx_config(&f, VTL_CLOCK_ZERO);
    f.cfg.personality = VTL_DRIVE_HPE;
    f.cfg.gen = 9;
    fx_start(&f);
    r = inquiry(&f, false, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_inquiry_decode(buf, r.len, &inq), T10_OK);
    CU_ASSERT_STRING_EQUAL(inq.vendor, "HPE");
    CU_ASSERT_STRING_EQUAL(inq.product, "Ultrium 9-SCSI");
    /* personality quirk: HPE drives take blocks up to 16 MiB - 1, IBM up to 8 MiB */
    (void)fx_tur(&f);
    struct t10_cdb rbl = {.kind = T10_CDB_READ_BLOCK_LIMITS};
    r = fx_cmd(&f, 1, &rbl, NULL, 0, buf, sizeof buf);
    struct t10_block_limits bl;
    CU_ASSERT_EQUAL(t10_block_limits_decode(buf, r.len, &bl), T10_OK);
    CU_ASSERT_EQUAL(bl.max_len, 0xFFFFFF);
    fx_stop(&f);
}

static void test_unsupported_opcodes(void)
{
    struct fx f;
    fx_ready(&f, "U00001L8");
    static const uint8_t move[12] = {0xA5};   /* MOVE MEDIUM: a changer command */
    static const uint8_t fmt[6] = {0x0B};     /* SET CAPACITY: not served */
    static const uint8_t verify[10] = {0x3C}; /* READ BUFFER: not served */
    CHECK_SENSE(fx_raw(&f, 1, move, sizeof move, NULL, 0, NULL, 0), 0x5, T10_ASC(0x20, 0x00));
    CHECK_SENSE(fx_raw(&f, 1, fmt, sizeof fmt, NULL, 0, NULL, 0), 0x5, T10_ASC(0x20, 0x00));
    CHECK_SENSE(fx_raw(&f, 1, verify, sizeof verify, NULL, 0, NULL, 0), 0x5,
                T10_ASC(0x20, 0x00));
    /* a standalone drive reports itself as LUN 0, even with a unit attention pending */
    uint8_t lb[64];
    struct t10_cdb rl = {.kind = T10_CDB_REPORT_LUNS, .u.report_luns = {.alloc_len = 64}};
    vtl_drive_reset(f.d);
    struct res lr = fx_cmd(&f, 1, &rl, NULL, 0, lb, sizeof lb);
    CHECK_GOOD(lr);
    CU_ASSERT_EQUAL(lr.len, 16);
    CU_ASSERT_EQUAL(lb[3], 8); /* LUN LIST LENGTH: one LUN */
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x29, 0x00)); /* the UA was left in place */
    /* reserved bit in REWIND: 24/00 with a field pointer */
    static const uint8_t rew[6] = {0x01, 0x02};
    struct res r = fx_raw(&f, 1, rew, sizeof rew, NULL, 0, NULL, 0);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.s.sks, T10_SKS_FIELD);
    CU_ASSERT_EQUAL(r.s.field.byte, 1);
    fx_stop(&f);
}

static void test_mode_select_rules(void)
{
    struct fx f;
    fx_ready(&f, "M00001L8");
    uint8_t buf[512];
    /* block length beyond READ BLOCK LIMITS: 26/00 pointing into the block descriptor */
    struct res r = fx_mode_select_blocklen(&f, 0x900000);
    CHECK_SENSE(r, 0x5, T10_ASC(0x26, 0x00));
    CU_ASSERT_FALSE(r.s.field.cd);
    CU_ASSERT_EQUAL(r.s.field.byte, 4 + 5);
    /* compression page: DCE is changeable */
    struct t10_cdb c = {.kind = T10_CDB_MODE_SENSE10,
                        .u.mode_sense = {.dbd = true, .page = 0x0F, .alloc_len = 512}};
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    const uint8_t *pg;
    size_t pg_len;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(buf, r.len, true, 0x0F, 0, &pg, &pg_len), T10_OK);
    struct t10_mode_compression comp;
    CU_ASSERT_EQUAL(t10_mode_compression_decode(pg, pg_len, &comp), T10_OK);
    CU_ASSERT_TRUE(comp.dce);
    uint8_t sel[64];
    struct t10_mode_hdr h = {.buffered_mode = 1};
    size_t n = t10_mode_hdr_build(sel, sizeof sel, true, &h);
    comp.dce = false;
    size_t page_off = n;
    n += t10_mode_compression_build(sel + n, sizeof sel - n, &comp, false);
    struct t10_cdb s = {.kind = T10_CDB_MODE_SELECT10,
                        .u.mode_select = {.pf = true, .param_len = (uint16_t)n}};
    CHECK_GOOD(fx_cmd(&f, 1, &s, sel, n, NULL, 0));
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_mode_find_page(buf, r.len, true, 0x0F, 0, &pg, &pg_len), T10_OK);
    CU_ASSERT_EQUAL(t10_mode_compression_decode(pg, pg_len, &comp), T10_OK);
    CU_ASSERT_FALSE(comp.dce);
    /* DCC is not changeable: the pointer names its byte and bit */
    comp.dcc = !comp.dcc;
    t10_mode_compression_build(sel + page_off, sizeof sel - page_off, &comp, false);
    r = fx_cmd(&f, 1, &s, sel, n, NULL, 0);
    CHECK_SENSE(r, 0x5, T10_ASC(0x26, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, page_off + 2);
    CU_ASSERT_EQUAL(r.s.field.bit, 6);
    /* D_SENSE in the control page switches to descriptor sense */
    n = t10_mode_hdr_build(sel, sizeof sel, true, &h);
    struct t10_mode_control ctl = {.d_sense = true};
    n += t10_mode_control_build(sel + n, sizeof sel - n, &ctl, false);
    s.u.mode_select.param_len = (uint16_t)n;
    CHECK_GOOD(fx_cmd(&f, 1, &s, sel, n, NULL, 0));
    r = fx_read(&f, false, false, 10, buf, sizeof buf);
    CHECK_SENSE(r, 0x8, T10_ASC(0x00, 0x05));
    CU_ASSERT_EQUAL(r.sense_raw[0], 0x72);
    CU_ASSERT_TRUE(r.s.info_valid);
    CU_ASSERT_EQUAL(r.s.info, 10);
    /* another nexus is told that mode parameters changed */
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    (void)fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0); /* 29/00 of the new nexus */
    CHECK_GOOD(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_cmd(&f, 1, &s, sel, n, NULL, 0));
    CHECK_SENSE(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0), 0x6, T10_ASC(0x2A, 0x01));
    /* unknown page in MODE SENSE */
    c.u.mode_sense.page = 0x25;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, 2);
    /* all pages: each of 0Ah 0Fh 10h 11h 1Ch present */
    c.u.mode_sense.page = 0x3F;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    static const uint8_t want[] = {0x0A, 0x0F, 0x10, 0x11, 0x1C};
    for (size_t i = 0; i < sizeof want; i++)
        CU_ASSERT_EQUAL(t10_mode_find_page(buf, r.len, true, want[i], 0, &pg, &pg_len), T10_OK);
    fx_stop(&f);
}

/* LTFS-style partitioning: MODE SELECT page 11h (IDP, sizes), FORMAT MEDIUM, then both
 * partitions usable. */
static void test_partition_and_format_medium(void)
{
    struct fx f;
    fx_ready(&f, "P00001L8");
    uint8_t sel[64], buf[512];
    struct t10_mode_hdr h = {.buffered_mode = 1};
    size_t n = t10_mode_hdr_build(sel, sizeof sel, true, &h);
    size_t page_off = n;
    struct t10_mode_partition mp = {.max_add = 3, .n_add = 1, .idp = true, .psum = 2,
                                    .n_sizes = 2, .sizes = {2, 0xFFFF}};
    n += t10_mode_partition_build(sel + n, sizeof sel - n, &mp, false);
    struct t10_cdb s = {.kind = T10_CDB_MODE_SELECT10,
                        .u.mode_select = {.pf = true, .param_len = (uint16_t)n}};
    CHECK_GOOD(fx_cmd(&f, 1, &s, sel, n, NULL, 0));
    /* FORMAT MEDIUM away from BOP is refused */
    CHECK_GOOD(fx_write(&f, false, 4, "abcd", 4));
    static const uint8_t fmt[6] = {0x04, 0x00, 0x01};
    CHECK_SENSE(fx_raw(&f, 1, fmt, sizeof fmt, NULL, 0, NULL, 0), 0x5, T10_ASC(0x2C, 0x00));
    CHECK_GOOD(fx_rewind(&f));
    CHECK_GOOD(fx_raw(&f, 1, fmt, sizeof fmt, NULL, 0, NULL, 0));
    /* page 11h now shows two partitions */
    struct t10_cdb ms = {.kind = T10_CDB_MODE_SENSE10,
                         .u.mode_sense = {.dbd = true, .page = 0x11, .alloc_len = 512}};
    struct res r = fx_cmd(&f, 1, &ms, NULL, 0, buf, sizeof buf);
    const uint8_t *pg;
    size_t pg_len;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(buf, r.len, true, 0x11, 0, &pg, &pg_len), T10_OK);
    struct t10_mode_partition got;
    CU_ASSERT_EQUAL(t10_mode_partition_decode(pg, pg_len, &got), T10_OK);
    CU_ASSERT_EQUAL(got.n_add, 1);
    CU_ASSERT_TRUE(got.pofm);
    /* the old data is gone; partition 1 takes writes and LOCATE reports it */
    CHECK_SENSE(fx_read(&f, false, false, 4, buf, sizeof buf), 0x8, T10_ASC(0x00, 0x05));
    struct t10_cdb loc = {.kind = T10_CDB_LOCATE16, .u.locate = {.cp = true, .partition = 1}};
    CHECK_GOOD(fx_cmd(&f, 1, &loc, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_write(&f, false, 4, "wxyz", 4));
    struct t10_cdb rp = {.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_LONG}};
    r = fx_cmd(&f, 1, &rp, NULL, 0, buf, sizeof buf);
    struct t10_read_pos pos;
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_LONG, &pos), T10_OK);
    CU_ASSERT_EQUAL(pos.partition, 1);
    CU_ASSERT_EQUAL(pos.lo_number, 1);
    struct t10_cdb pl = {.kind = T10_CDB_READ_ATTRIBUTE,
                         .u.read_attr = {.sa = T10_RA_PARTITION_LIST, .alloc_len = 64}};
    r = fx_cmd(&f, 1, &pl, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(buf[3], 2);
    /* more partitions than LTO-8 allows: pointer at ADDITIONAL PARTITIONS DEFINED */
    mp.n_add = 5;
    mp.n_sizes = 6;
    n = page_off + t10_mode_partition_build(sel + page_off, sizeof sel - page_off, &mp, false);
    s.u.mode_select.param_len = (uint16_t)n;
    r = fx_cmd(&f, 1, &s, sel, n, NULL, 0);
    CHECK_SENSE(r, 0x5, T10_ASC(0x26, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, page_off + 3);
    fx_stop(&f);
}

static struct res log_sense(struct fx *f, uint8_t page, uint8_t *buf, uint16_t alloc)
{
    struct t10_cdb c = {.kind = T10_CDB_LOG_SENSE,
                        .u.log_sense = {.pc = 1, .page = page, .alloc_len = alloc}};
    return fx_cmd(f, 1, &c, NULL, 0, buf, alloc);
}

static uint64_t log_param(const uint8_t *buf, size_t len, uint16_t code)
{
    struct t10_log_param p;
    if (t10_log_find_param(buf, len, code, &p) != T10_OK)
        return UINT64_MAX;
    return t10_log_param_uint(&p);
}

static void test_log_pages(void)
{
    struct fx f;
    fx_ready(&f, "L00001L8");
    uint8_t buf[1024];
    struct res r = log_sense(&f, 0x00, buf, sizeof buf);
    CHECK_GOOD(r);
    uint8_t pages[16];
    size_t n;
    CU_ASSERT_EQUAL(t10_log_supported_decode(buf, r.len, pages, 16, &n), T10_OK);
    CU_ASSERT_EQUAL(n, 8);
    static uint8_t w[10000];
    fx_pattern(w, sizeof w, 1);
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_rewind(&f));
    CHECK_GOOD(fx_read(&f, false, false, sizeof w, w, sizeof w));
    r = log_sense(&f, 0x0C, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0000), 10000);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0003), 10000);
    CU_ASSERT(log_param(buf, r.len, 0x0001) >= 10000); /* incompressible + headers */
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0100), 0); /* no cleaning needed */
    r = log_sense(&f, 0x31, buf, sizeof buf);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0003), 8); /* 8 MiB cartridge, in MB */
    r = log_sense(&f, 0x02, buf, sizeof buf);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0005), 10000);
    r = log_sense(&f, 0x1B, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0007), 10000); /* bytes from host */
    r = log_sense(&f, 0x32, buf, sizeof buf); /* the pre-SSC-4 code of the same page */
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(buf[0] & 0x3F, 0x32);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0007), 10000);
    /* LOG SELECT PCR resets the counters */
    struct t10_cdb c = {.kind = T10_CDB_LOG_SELECT, .u.log_select = {.pcr = true, .pc = 1}};
    CHECK_GOOD(fx_cmd(&f, 1, &c, NULL, 0, NULL, 0));
    r = log_sense(&f, 0x0C, buf, sizeof buf);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0000), 0);
    /* unsupported page */
    r = log_sense(&f, 0x17, buf, sizeof buf);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, 2);
    fx_stop(&f);
}

static uint64_t tapealert(struct fx *f)
{
    uint8_t buf[512];
    struct res r = log_sense(f, 0x2E, buf, sizeof buf);
    uint64_t flags = 0;
    bool trunc;
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_GOOD);
    CU_ASSERT_EQUAL(t10_log_tapealert_decode(buf, r.len, &flags, &trunc), T10_OK);
    CU_ASSERT_FALSE(trunc);
    return flags;
}

static void test_tapealert_read_clears(void)
{
    struct fx f;
    fx_ready(&f, "T00001L8");
    CU_ASSERT_EQUAL(tapealert(&f), 0);
    /* a write-failure event is latched once and cleared by the read */
    vtl_drive_fault_write_error(f.d, 1);
    CHECK_SENSE(fx_write(&f, false, 4, "abcd", 4), 0x3, T10_ASC(0x0C, 0x00));
    uint64_t fl = tapealert(&f);
    CU_ASSERT((fl & T10_TA_FLAG(T10_TA_WRITE_FAILURE)) != 0);
    CU_ASSERT_EQUAL(tapealert(&f) & T10_TA_FLAG(T10_TA_WRITE_FAILURE), 0);
    /* a condition (clean now) stays set while it holds */
    vtl_drive_set_dirty(f.d, true);
    CU_ASSERT((tapealert(&f) & T10_TA_FLAG(T10_TA_CLEAN_NOW)) != 0);
    CU_ASSERT((tapealert(&f) & T10_TA_FLAG(T10_TA_CLEAN_PERIODIC)) != 0);
    vtl_drive_set_dirty(f.d, false);
    CU_ASSERT_EQUAL(tapealert(&f), 0);
    fx_stop(&f);
}

static void test_cleaning_life_cycle(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_VIRTUAL);
    f.cfg.clean_after_loads = 2;
    f.cfg.clean_us = 30 * 1000000u;
    fx_start(&f);
    fx_load(&f, "C00001L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT_FALSE(st.dirty);
    vtl_drive_unload(f.d);
    fx_load(&f, "C00002L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    vtl_drive_status(f.d, &st);
    CU_ASSERT_TRUE(st.dirty);
    /* a data cartridge still works in a drive that needs cleaning */
    CHECK_GOOD(fx_write(&f, false, 4, "abcd", 4));
    /* REQUEST SENSE says cleaning requested; log page 0Ch agrees */
    uint8_t buf[512];
    struct t10_cdb rs = {.kind = T10_CDB_REQUEST_SENSE, .u.request_sense = {.alloc_len = 252}};
    struct res r = fx_cmd(&f, 1, &rs, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    struct t10_sense s;
    CU_ASSERT_EQUAL(t10_sense_parse(buf, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 0);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x00, 0x17));
    r = log_sense(&f, 0x0C, buf, sizeof buf);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0100), 1);
    CU_ASSERT((tapealert(&f) & T10_TA_FLAG(T10_TA_CLEAN_NOW)) != 0);
    vtl_drive_unload(f.d);

    /* a cleaner with 2 uses: NOT READY 30/03 while cleaning, then ejected */
    struct vtl_cart_info cln;
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("CLN001L1", 2, &cln), VTL_OK);
    CU_ASSERT_TRUE(cln.cleaning);
    vtl_drive_load(f.d, &cln);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x30, 0x03));
    CU_ASSERT_FALSE(vtl_drive_may_remove(f.d));
    (void)vtl_clock_advance(f.clk, 31 * 1000000u);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x3A, 0x00));
    CU_ASSERT_TRUE(vtl_drive_may_remove(f.d));
    vtl_drive_status(f.d, &st);
    CU_ASSERT_FALSE(st.dirty);
    CU_ASSERT_EQUAL(st.cleanings, 1);
    CU_ASSERT_EQUAL(st.cleaner_uses_left, 1);
    CU_ASSERT_EQUAL(tapealert(&f) & (T10_TA_FLAG(20) | T10_TA_FLAG(21)), 0);
    vtl_drive_unload(f.d);
    /* the count lives with the cartridge: second use, then expired */
    vtl_drive_load(f.d, &cln);
    (void)vtl_clock_advance(f.clk, 31 * 1000000u);
    vtl_drive_status(f.d, &st);
    CU_ASSERT_EQUAL(st.cleaner_uses_left, 0);
    vtl_drive_unload(f.d);
    vtl_drive_set_dirty(f.d, true);
    vtl_drive_load(f.d, &cln);
    vtl_drive_status(f.d, &st);
    CU_ASSERT_EQUAL(st.state, VTL_DRIVE_EJECTED);
    CU_ASSERT_TRUE(st.dirty); /* an expired cleaner cleans nothing */
    uint64_t ta = tapealert(&f);
    CU_ASSERT((ta & T10_TA_FLAG(T10_TA_EXPIRED_CLEANING)) != 0);
    fx_stop(&f);
}

/* The library fills MAM BARCODE (0806h) with the label on load, as sg_read_attr shows. */
static void test_mam_barcode_filled_on_load(void)
{
    struct fx f;
    fx_ready(&f, "BAR042L8");
    static uint8_t buf[4096];
    struct t10_cdb rd = {.kind = T10_CDB_READ_ATTRIBUTE,
                         .u.read_attr = {.sa = T10_RA_VALUES, .first_attr = 0x0806,
                                         .alloc_len = sizeof buf}};
    struct res r = fx_cmd(&f, 1, &rd, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_TRUE_FATAL(r.len >= 4 + 5 + 32);
    CU_ASSERT_EQUAL(buf[4] << 8 | buf[5], 0x0806);
    CU_ASSERT_EQUAL(buf[6] & 0x80, 0);   /* a host attribute: writable */
    CU_ASSERT_EQUAL(memcmp(buf + 4 + 5, "BAR042L8                        ", 32), 0);
    fx_stop(&f);
}

static void test_mam_round_trip(void)
{
    struct fx f;
    fx_ready(&f, "MAM001L8");
    /* host attributes 0800h-0806h, media pool, GUIDs, at their standard lengths */
    static uint8_t label[160], pool[160], guid[36], pguid[36];
    memset(label, ' ', sizeof label);
    memcpy(label, "weekly full", 11);
    memset(pool, ' ', sizeof pool);
    memcpy(pool, "Scratch", 7);
    fx_pattern(guid, sizeof guid, 20);
    fx_pattern(pguid, sizeof pguid, 21);
    static const uint8_t loc = 0x81; /* UTF-8 */
    struct t10_mam_attr in[] = {
        {.id = 0x0800, .format = T10_MAM_ASCII, .len = 8, .value = (const uint8_t *)"OPENRSM "},
        {.id = 0x0801, .format = T10_MAM_ASCII, .len = 32,
         .value = (const uint8_t *)"rsm                             "},
        {.id = 0x0802, .format = T10_MAM_ASCII, .len = 8, .value = (const uint8_t *)"1.0     "},
        {.id = 0x0803, .format = T10_MAM_TEXT, .len = 160, .value = label},
        {.id = 0x0804, .format = T10_MAM_ASCII, .len = 12, .value = (const uint8_t *)"202611251030"},
        {.id = 0x0805, .format = T10_MAM_BINARY, .len = 1, .value = &loc},
        {.id = 0x0806, .format = T10_MAM_ASCII, .len = 32,
         .value = (const uint8_t *)"MAM001L8                        "},
        {.id = 0x0808, .format = T10_MAM_TEXT, .len = 160, .value = pool},
        {.id = 0x0820, .format = T10_MAM_BINARY, .len = 36, .value = guid},
        {.id = 0x0821, .format = T10_MAM_BINARY, .len = 36, .value = pguid},
    };
    static uint8_t plist[1024];
    size_t n = t10_mam_values_build(plist, sizeof plist, in, sizeof in / sizeof in[0]);
    struct t10_cdb w = {.kind = T10_CDB_WRITE_ATTRIBUTE, .u.write_attr = {.param_len = (uint32_t)n}};
    struct res r = fx_cmd(&f, 1, &w, plist, n, NULL, 0);
    CHECK_GOOD(r);
    /* survives unload and reload */
    vtl_drive_unload(f.d);
    fx_load(&f, "MAM001L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    static uint8_t buf[65536];
    struct t10_cdb rd = {.kind = T10_CDB_READ_ATTRIBUTE,
                         .u.read_attr = {.sa = T10_RA_VALUES, .first_attr = 0x0800,
                                         .alloc_len = sizeof buf}};
    r = fx_cmd(&f, 1, &rd, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        /* each written attribute comes back with the same bytes */
        bool found = false;
        size_t off = 4;
        while (off + 5 <= r.len) {
            uint16_t id = (uint16_t)(buf[off] << 8 | buf[off + 1]);
            uint16_t len = (uint16_t)(buf[off + 3] << 8 | buf[off + 4]);
            if (id == in[i].id) {
                found = len == in[i].len && !memcmp(buf + off + 5, in[i].value, len);
                CU_ASSERT_EQUAL(buf[off + 2] & 0x80, 0); /* host attributes are writable */
            }
            CU_ASSERT(id >= 0x0800); /* FIRST ATTRIBUTE IDENTIFIER honoured */
            off += 5u + len;
        }
        CU_ASSERT(found);
    }
    /* device and medium attributes are there and read-only */
    rd.u.read_attr.first_attr = 0;
    r = fx_cmd(&f, 1, &rd, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(buf[4], 0x00); /* first: 0000h remaining capacity */
    CU_ASSERT_EQUAL(buf[5], 0x00);
    CU_ASSERT_EQUAL(buf[6] & 0x80, 0x80);
    /* writing a medium attribute is refused with a pointer at its identifier */
    struct t10_mam_attr bad[] = {
        {.id = 0x0806, .format = T10_MAM_ASCII, .len = 32,
         .value = (const uint8_t *)"XXXXXXXX                        "},
        {.id = 0x0401, .format = T10_MAM_ASCII, .len = 32,
         .value = (const uint8_t *)"FAKE                            "},
    };
    n = t10_mam_values_build(plist, sizeof plist, bad, 2);
    w.u.write_attr.param_len = (uint32_t)n;
    r = fx_cmd(&f, 1, &w, plist, n, NULL, 0);
    CHECK_SENSE(r, 0x5, T10_ASC(0x26, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, 4 + 5 + 32);
    /* a known attribute at the wrong length: pointer at its ATTRIBUTE LENGTH */
    struct t10_mam_attr shortlabel = {.id = 0x0803, .format = T10_MAM_TEXT, .len = 5,
                                      .value = (const uint8_t *)"label"};
    n = t10_mam_values_build(plist, sizeof plist, &shortlabel, 1);
    w.u.write_attr.param_len = (uint32_t)n;
    r = fx_cmd(&f, 1, &w, plist, n, NULL, 0);
    CHECK_SENSE(r, 0x5, T10_ASC(0x26, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, 4 + 3);
    /* nothing was applied: 0806h still holds the barcode */
    rd.u.read_attr.first_attr = 0x0806;
    r = fx_cmd(&f, 1, &rd, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(memcmp(buf + 4 + 5, "MAM001L8", 8), 0);
    /* attribute list and supported attributes */
    rd.u.read_attr.sa = T10_RA_SUPPORTED;
    rd.u.read_attr.first_attr = 0;
    r = fx_cmd(&f, 1, &rd, NULL, 0, buf, sizeof buf);
    uint16_t ids[256];
    size_t n_ids, n_listed;
    bool trunc;
    CU_ASSERT_EQUAL(t10_mam_list_decode(buf, r.len, ids, 256, &n_ids, &n_listed, &trunc), T10_OK);
    bool has0401 = false, has0821 = false;
    for (size_t i = 0; i < n_ids; i++) {
        has0401 |= ids[i] == 0x0401;
        has0821 |= ids[i] == 0x0821;
    }
    CU_ASSERT_TRUE(has0401);
    CU_ASSERT_TRUE(has0821);
    /* partition list */
    rd.u.read_attr.sa = T10_RA_PARTITION_LIST;
    r = fx_cmd(&f, 1, &rd, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.len, 4);
    CU_ASSERT_EQUAL(buf[3], 1);
    fx_stop(&f);
}

static void test_load_unload_and_prevent(void)
{
    struct fx f;
    fx_ready(&f, "LU0001L8");
    CU_ASSERT_FALSE(vtl_drive_may_remove(f.d)); /* threaded: the host must unload */
    struct t10_cdb pa = {.kind = T10_CDB_PREVENT_ALLOW, .u.prevent_allow = {.prevent = 1}};
    CHECK_GOOD(fx_cmd(&f, 1, &pa, NULL, 0, NULL, 0));
    struct t10_cdb ul = {.kind = T10_CDB_LOAD_UNLOAD, .u.load_unload = {.load = false}};
    CHECK_SENSE(fx_cmd(&f, 1, &ul, NULL, 0, NULL, 0), 0x5, T10_ASC(0x53, 0x02));
    pa.u.prevent_allow.prevent = 0;
    CHECK_GOOD(fx_cmd(&f, 1, &pa, NULL, 0, NULL, 0));
    /* unload with HOLD: kept in the drive, 04/02, not removable */
    ul.u.load_unload.hold = true;
    CHECK_GOOD(fx_cmd(&f, 1, &ul, NULL, 0, NULL, 0));
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x04, 0x02));
    CU_ASSERT_FALSE(vtl_drive_may_remove(f.d));
    /* LOAD again, then a plain unload: ejected, removable, 3A/00 */
    struct t10_cdb ld = {.kind = T10_CDB_LOAD_UNLOAD, .u.load_unload = {.load = true}};
    CHECK_GOOD(fx_cmd(&f, 1, &ld, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_tur(&f));
    ul.u.load_unload.hold = false;
    CHECK_GOOD(fx_cmd(&f, 1, &ul, NULL, 0, NULL, 0));
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x3A, 0x00));
    CU_ASSERT_TRUE(vtl_drive_may_remove(f.d));
    /* EOT bit is not served by LTO */
    ld.u.load_unload.eot = true;
    CHECK_SENSE(fx_cmd(&f, 1, &ld, NULL, 0, NULL, 0), 0x5, T10_ASC(0x24, 0x00));
    fx_stop(&f);

    /* immediate REWIND: GOOD at once, then NOT READY 04/01 while the tape winds */
    fx_ready(&f, "LU0002L8");
    static uint8_t w[512 * 1024];
    fx_pattern(w, sizeof w, 2);
    for (int i = 0; i < 8; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    struct t10_cdb rw = {.kind = T10_CDB_REWIND, .u.rewind = {.immed = true}};
    struct res r = fx_cmd(&f, 1, &rw, NULL, 0, NULL, 0);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.exec, VTL_EXEC_DONE);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x04, 0x01));
    (void)vtl_clock_advance(f.clk, 100u * 1000000u);
    CHECK_GOOD(fx_tur(&f));
    CU_ASSERT_EQUAL(fx_pos(&f), 0);
    fx_stop(&f);

    /* auto-eject personality: the robot may take a threaded cartridge */
    fx_config(&f, VTL_CLOCK_ZERO);
    f.cfg.auto_eject = true;
    fx_start(&f);
    fx_load(&f, "LU0003L8");
    CU_ASSERT_TRUE(vtl_drive_may_remove(f.d));
    fx_stop(&f);
}

static void test_unit_attention_per_nexus_and_reservations(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_ZERO);
    fx_start(&f);
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    /* both nexuses see power-on first, then each its own 28/00 */
    CHECK_SENSE(fx_cmd(&f, 1, &tur, NULL, 0, NULL, 0), 0x6, T10_ASC(0x29, 0x00));
    CHECK_SENSE(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0), 0x6, T10_ASC(0x29, 0x00));
    fx_load(&f, "N00001L8");
    CHECK_SENSE(fx_cmd(&f, 1, &tur, NULL, 0, NULL, 0), 0x6, T10_ASC(0x28, 0x00));
    CHECK_GOOD(fx_cmd(&f, 1, &tur, NULL, 0, NULL, 0));
    /* REQUEST SENSE reports and clears nexus 2's attention */
    uint8_t buf[64];
    struct t10_cdb rs = {.kind = T10_CDB_REQUEST_SENSE, .u.request_sense = {.alloc_len = 18}};
    struct res r = fx_cmd(&f, 2, &rs, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.len, 18);
    struct t10_sense s;
    CU_ASSERT_EQUAL(t10_sense_parse(buf, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 0x6);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x28, 0x00));
    CHECK_GOOD(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0));
    /* RESERVE(6) by nexus 1: nexus 2 gets RESERVATION CONFLICT except for INQUIRY */
    struct t10_cdb rsv = {.kind = T10_CDB_RESERVE6};
    CHECK_GOOD(fx_cmd(&f, 1, &rsv, NULL, 0, NULL, 0));
    CU_ASSERT_EQUAL(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0).status, VTL_STATUS_RESERVATION_CONFLICT);
    struct t10_cdb inq = {.kind = T10_CDB_INQUIRY, .u.inquiry = {.alloc_len = 36}};
    CHECK_GOOD(fx_cmd(&f, 2, &inq, NULL, 0, buf, 36));
    struct t10_cdb rel = {.kind = T10_CDB_RELEASE6};
    CHECK_GOOD(fx_cmd(&f, 1, &rel, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0));
    /* nexus loss drops the holder's reservation and PREVENT; the id starts afresh */
    struct t10_cdb pa = {.kind = T10_CDB_PREVENT_ALLOW, .u.prevent_allow = {.prevent = 1}};
    CHECK_GOOD(fx_cmd(&f, 1, &rsv, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_cmd(&f, 1, &pa, NULL, 0, NULL, 0));
    CU_ASSERT_EQUAL(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0).status, VTL_STATUS_RESERVATION_CONFLICT);
    vtl_drive_nexus_lost(f.d, 1);
    CHECK_GOOD(fx_cmd(&f, 2, &tur, NULL, 0, NULL, 0));
    struct t10_cdb ul = {.kind = T10_CDB_LOAD_UNLOAD};
    CHECK_GOOD(fx_cmd(&f, 2, &ul, NULL, 0, NULL, 0)); /* no PREVENT left */
    CHECK_SENSE(fx_cmd(&f, 1, &tur, NULL, 0, NULL, 0), 0x6, T10_ASC(0x29, 0x00));
    fx_stop(&f);
}

static void test_reset_loses_position(void)
{
    struct fx f;
    fx_ready(&f, "R00001L8");
    CHECK_GOOD(fx_write(&f, false, 4, "abcd", 4));
    vtl_drive_reset(f.d);
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x29, 0x00));
    uint8_t buf[32];
    struct t10_read_pos rp;
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_SHORT}};
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_SHORT, &rp), T10_OK);
    CU_ASSERT_TRUE(rp.lolu);
    CU_ASSERT_FALSE(rp.perr); /* PERR is for a field overflow, not an unknown position */
    c.u.read_pos.sa = T10_RP_LONG;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_LONG, &rp), T10_OK);
    CU_ASSERT_TRUE(rp.lonu);
    CU_ASSERT_TRUE(rp.mpu);
    /* the data written before the reset is kept; a rewind makes the position known */
    CHECK_GOOD(fx_rewind(&f));
    c.u.read_pos.sa = T10_RP_SHORT;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_SHORT, &rp), T10_OK);
    CU_ASSERT_FALSE(rp.lolu);
    CU_ASSERT_TRUE(rp.bop);
    r = fx_read(&f, false, false, 4, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(memcmp(buf, "abcd", 4), 0);
    fx_stop(&f);
}

static void test_faults(void)
{
    struct fx f;
    fx_ready(&f, "F00001L8");
    uint8_t buf[64];
    for (int i = 0; i < 4; i++)
        CHECK_GOOD(fx_write(&f, false, 8, "abcdefgh", 8));
    /* media error at block 2: 3/11/00, the drive stands after the bad block */
    CU_ASSERT_EQUAL(vtl_drive_fault_read_error(f.d, 0, 2), VTL_DRIVE_OK);
    CHECK_GOOD(fx_rewind(&f));
    CHECK_GOOD(fx_read(&f, false, false, 8, buf, sizeof buf));
    CHECK_GOOD(fx_read(&f, false, false, 8, buf, sizeof buf));
    struct res r = fx_read(&f, false, false, 8, buf, sizeof buf);
    CHECK_SENSE(r, 0x3, T10_ASC(0x11, 0x00));
    CU_ASSERT_EQUAL(r.s.info, 8);
    CU_ASSERT_EQUAL(fx_pos(&f), 3);
    CHECK_GOOD(fx_read(&f, false, false, 8, buf, sizeof buf));
    /* hard failure: everything but INQUIRY and REQUEST SENSE fails 4/44/00 */
    vtl_drive_fault_hard(f.d, 0);
    CHECK_SENSE(fx_tur(&f), 0x4, T10_ASC(0x44, 0x00));
    struct t10_cdb inq = {.kind = T10_CDB_INQUIRY, .u.inquiry = {.alloc_len = 36}};
    CHECK_GOOD(fx_cmd(&f, 1, &inq, NULL, 0, buf, 36));
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT_EQUAL(st.state, VTL_DRIVE_FAILED);
    vtl_drive_fault_clear(f.d);
    CHECK_GOOD(fx_tur(&f));
    /* not ready mid-write: after 2 writes, 04/00 for 10 s, then 28/00 and ready */
    vtl_drive_fault_not_ready(f.d, 2, 10 * 1000000u);
    CHECK_GOOD(fx_write(&f, false, 8, "abcdefgh", 8));
    CHECK_GOOD(fx_write(&f, false, 8, "abcdefgh", 8));
    CHECK_SENSE(fx_write(&f, false, 8, "abcdefgh", 8), 0x2, T10_ASC(0x04, 0x00));
    (void)vtl_clock_advance(f.clk, 11 * 1000000u);
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x28, 0x00));
    CHECK_GOOD(fx_write(&f, false, 8, "abcdefgh", 8));
    /* slow commands: a write completes later on the clock */
    vtl_drive_fault_slow(f.d, 2 * 1000000u);
    uint64_t t0 = vtl_clock_now_us(f.clk);
    r = fx_write(&f, false, 8, "abcdefgh", 8);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.exec, VTL_EXEC_PENDING);
    CU_ASSERT(vtl_clock_now_us(f.clk) - t0 >= 2 * 1000000u);
    fx_stop(&f);
}

/* A library from sim/core with the drive's hooks attached: MOVE into the drive loads it
 * (NOT READY 04/01, then UA 28/00, then ready); MOVE out is refused 53/02 until the host
 * unloads. */
static void robot_done(void *arg, enum vtl_rc rc)
{
    *(enum vtl_rc *)arg = rc;
}

static void test_library_integration(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_config *cfg;
    CU_ASSERT_EQUAL_FATAL(vtl_config_default(&cfg), VTL_OK);
    cfg->clock_mode = VTL_CLOCK_VIRTUAL;
    struct vtl_library *lib;
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg, &lib), VTL_OK);
    vtl_config_free(cfg);
    struct vtl_elem_info dte, slot;
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(lib, VTL_ELEM_DTE, 0, &dte), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_library_elem_at(lib, VTL_ELEM_STORAGE, 0, &slot), VTL_OK);
    CU_ASSERT_TRUE_FATAL(slot.full);
    struct fx f = {0};
    strcpy(f.dir, dir);
    enum vtl_drive_personality pers = VTL_DRIVE_HPE;
    CU_ASSERT_EQUAL(vtl_drive_personality_for(dte.drive.vendor, &pers), VTL_DRIVE_OK);
    CU_ASSERT_EQUAL(pers, VTL_DRIVE_IBM); /* the default library is IBM */
    f.cfg = (struct vtl_drive_config){.personality = pers, .ident = &dte.drive,
                                      .state_dir = dir,
                                      .clock = vtl_library_clock(lib), .elem_addr = dte.addr,
                                      .load_us = 15 * 1000000u, .nosync = true,
                                      .new_capacity_bytes = 4u << 20};
    f.clk = vtl_library_clock(lib);
    CU_ASSERT_EQUAL_FATAL(vtl_drive_create(&f.cfg, &f.d), VTL_DRIVE_OK);
    CU_ASSERT_EQUAL(vtl_library_set_drive_ops(lib, 0, vtl_drive_library_ops(), f.d), VTL_OK);
    CU_ASSERT_EQUAL(vtl_lun_attach(lib, 1, vtl_drive_lun_exec, f.d), VTL_OK);
    /* through the library's LUN dispatch: the drive answers LUN 1 with the bay's identity */
    uint64_t nx = vtl_nexus_open(lib);
    uint8_t inq[96];
    struct vtl_cmd lc = {.cdb = {0x12, 0, 0, 0, 96, 0}, .cdb_len = 6, .nexus_id = nx,
                         .data_in = inq, .data_in_cap = sizeof inq};
    CU_ASSERT_EQUAL(vtl_lun_execute(lib, 1, &lc), VTL_EXEC_DONE);
    CU_ASSERT_EQUAL(lc.status, VTL_STATUS_GOOD);
    struct t10_inquiry id;
    CU_ASSERT_EQUAL(t10_inquiry_decode(inq, lc.data_in_len, &id), T10_OK);
    CU_ASSERT_EQUAL(id.pdt, T10_PDT_TAPE);
    CU_ASSERT_STRING_EQUAL(id.product, dte.drive.product);
    struct vtl_cmd sn = {.cdb = {0x12, 1, 0x80, 0, 96, 0}, .cdb_len = 6, .nexus_id = nx,
                         .data_in = inq, .data_in_cap = sizeof inq};
    CU_ASSERT_EQUAL(vtl_lun_execute(lib, 1, &sn), VTL_EXEC_DONE);
    char serial[64];
    CU_ASSERT_EQUAL(t10_vpd_ascii_decode(inq, sn.data_in_len, 0x80, serial, sizeof serial), T10_OK);
    CU_ASSERT_STRING_EQUAL(serial, dte.drive.serial);
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x29, 0x00));
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x3A, 0x00));

    enum vtl_rc rc = VTL_E_INVAL;
    struct vtl_robot_op mv = {.kind = VTL_ROBOT_MOVE, .src = slot.addr, .dst = dte.addr};
    CU_ASSERT_EQUAL(vtl_robot_submit(lib, &mv, robot_done, &rc), VTL_OK);
    for (int i = 0; i < 100 && rc == VTL_E_INVAL; i++)
        (void)vtl_clock_advance(f.clk, 100000);
    CU_ASSERT_EQUAL(rc, VTL_OK);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x04, 0x01));
    (void)vtl_clock_advance(f.clk, 16 * 1000000u);
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x28, 0x00));
    CHECK_GOOD(fx_tur(&f));
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT_STRING_EQUAL(st.barcode, slot.cart.barcode);

    /* MOVE out before UNLOAD: removal prevented */
    struct vtl_robot_op back = {.kind = VTL_ROBOT_MOVE, .src = dte.addr, .dst = slot.addr};
    CU_ASSERT_EQUAL(vtl_robot_check(lib, &back), VTL_E_PREVENTED);
    struct t10_cdb ul = {.kind = T10_CDB_LOAD_UNLOAD};
    CHECK_GOOD(fx_cmd(&f, 1, &ul, NULL, 0, NULL, 0));
    CU_ASSERT_EQUAL(vtl_robot_check(lib, &back), VTL_OK);
    rc = VTL_E_INVAL;
    CU_ASSERT_EQUAL(vtl_robot_submit(lib, &back, robot_done, &rc), VTL_OK);
    for (int i = 0; i < 100 && rc == VTL_E_INVAL; i++)
        (void)vtl_clock_advance(f.clk, 100000);
    CU_ASSERT_EQUAL(rc, VTL_OK);
    vtl_drive_status(f.d, &st);
    CU_ASSERT_EQUAL(st.state, VTL_DRIVE_EMPTY);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x3A, 0x00));

    /* the library's cleaning cartridge: the robot may not take it back mid-cycle */
    uint16_t cln_addr;
    CU_ASSERT_EQUAL_FATAL(vtl_library_find_barcode(lib, "CLN000L1", &cln_addr), VTL_OK);
    vtl_drive_set_dirty(f.d, true);
    rc = VTL_E_INVAL;
    mv.src = cln_addr;
    CU_ASSERT_EQUAL(vtl_robot_submit(lib, &mv, robot_done, &rc), VTL_OK);
    for (int i = 0; i < 100 && rc == VTL_E_INVAL; i++)
        (void)vtl_clock_advance(f.clk, 100000);
    CU_ASSERT_EQUAL(rc, VTL_OK);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x30, 0x03));
    back.dst = cln_addr;
    CU_ASSERT_EQUAL(vtl_robot_check(lib, &back), VTL_E_PREVENTED);
    (void)vtl_clock_advance(f.clk, 120u * 1000000u); /* default cleaning cycle: 60 s */
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x3A, 0x00));
    vtl_drive_status(f.d, &st);
    CU_ASSERT_FALSE(st.dirty);
    CU_ASSERT_EQUAL(vtl_robot_check(lib, &back), VTL_OK);
    rc = VTL_E_INVAL;
    CU_ASSERT_EQUAL(vtl_robot_submit(lib, &back, robot_done, &rc), VTL_OK);
    for (int i = 0; i < 100 && rc == VTL_E_INVAL; i++)
        (void)vtl_clock_advance(f.clk, 100000);
    CU_ASSERT_EQUAL(rc, VTL_OK);

    CU_ASSERT_EQUAL(vtl_library_set_drive_ops(lib, 0, NULL, NULL), VTL_OK);
    CU_ASSERT_EQUAL(vtl_lun_attach(lib, 1, NULL, NULL), VTL_OK);
    vtl_drive_destroy(f.d);
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void pending_done(struct vtl_cmd *cmd)
{
    *(int *)cmd->front_priv += 1;
}

static void test_details(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_VIRTUAL);
    f.cfg.clean_after_bytes = 1000;
    fx_start(&f);
    /* nexus id 0 is a nexus like any other: one power-on UA, not one per command */
    struct t10_cdb tur = {.kind = T10_CDB_TEST_UNIT_READY};
    CHECK_SENSE(fx_cmd(&f, 0, &tur, NULL, 0, NULL, 0), 0x6, T10_ASC(0x29, 0x00));
    CHECK_SENSE(fx_cmd(&f, 0, &tur, NULL, 0, NULL, 0), 0x2, T10_ASC(0x3A, 0x00));
    /* no medium: medium commands and MAM answer 3A/00 */
    (void)fx_tur(&f);
    uint8_t buf[512];
    struct t10_cdb ra = {.kind = T10_CDB_READ_ATTRIBUTE, .u.read_attr = {.alloc_len = 512}};
    CHECK_SENSE(fx_cmd(&f, 1, &ra, NULL, 0, buf, sizeof buf), 0x2, T10_ASC(0x3A, 0x00));
    CHECK_SENSE(fx_read(&f, false, false, 10, buf, sizeof buf), 0x2, T10_ASC(0x3A, 0x00));
    fx_load(&f, "X00001L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    /* use past the byte threshold makes the drive ask for cleaning */
    static uint8_t w[600];
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT_FALSE(st.dirty);
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    vtl_drive_status(f.d, &st);
    CU_ASSERT_TRUE(st.dirty);
    /* REQUEST SENSE in descriptor format */
    struct t10_cdb rs = {.kind = T10_CDB_REQUEST_SENSE,
                         .u.request_sense = {.desc = true, .alloc_len = 252}};
    struct res r = fx_cmd(&f, 1, &rs, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(buf[0], 0x72);
    struct t10_sense s;
    CU_ASSERT_EQUAL(t10_sense_parse(buf, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x00, 0x17));
    /* informational exceptions TEST: one false failure prediction, then back to 00/17 */
    uint8_t sel[64];
    struct t10_mode_hdr h = {.buffered_mode = 1};
    size_t n = t10_mode_hdr_build(sel, sizeof sel, false, &h);
    struct t10_mode_iec iec = {.test = true, .mrie = 6};
    n += t10_mode_iec_build(sel + n, sizeof sel - n, &iec, false);
    struct t10_cdb ms = {.kind = T10_CDB_MODE_SELECT6,
                         .u.mode_select = {.pf = true, .param_len = (uint16_t)n}};
    CHECK_GOOD(fx_cmd(&f, 1, &ms, sel, n, NULL, 0));
    rs.u.request_sense.desc = false;
    r = fx_cmd(&f, 1, &rs, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_sense_parse(buf, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x5D, 0xFF));
    r = fx_cmd(&f, 1, &rs, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_sense_parse(buf, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x00, 0x17));
    /* MRIE 4 (unconditionally generate recovered error): the next successful command
     * completes with RECOVERED ERROR 5D/FF, once */
    n = t10_mode_hdr_build(sel, sizeof sel, false, &h);
    iec = (struct t10_mode_iec){.test = true, .mrie = 4};
    n += t10_mode_iec_build(sel + n, sizeof sel - n, &iec, false);
    CHECK_GOOD(fx_cmd(&f, 1, &ms, sel, n, NULL, 0));
    CHECK_SENSE(fx_tur(&f), 0x1, T10_ASC(0x5D, 0xFF));
    CHECK_GOOD(fx_tur(&f));
    /* MRIE 2: a unit attention to every nexus */
    n = t10_mode_hdr_build(sel, sizeof sel, false, &h);
    iec = (struct t10_mode_iec){.test = true, .mrie = 2};
    n += t10_mode_iec_build(sel + n, sizeof sel - n, &iec, false);
    CHECK_GOOD(fx_cmd(&f, 1, &ms, sel, n, NULL, 0));
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x5D, 0xFF));
    CHECK_GOOD(fx_tur(&f));
    /* MODE SENSE changeable values: DCE is a changeable bit, DCC is not */
    struct t10_cdb msn = {.kind = T10_CDB_MODE_SENSE6,
                          .u.mode_sense = {.dbd = true, .pc = T10_PC_CHANGEABLE, .page = 0x0F,
                                           .alloc_len = 255}};
    r = fx_cmd(&f, 1, &msn, NULL, 0, buf, sizeof buf);
    const uint8_t *pg;
    size_t pg_len;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(buf, r.len, false, 0x0F, 0, &pg, &pg_len), T10_OK);
    struct t10_mode_compression comp;
    CU_ASSERT_EQUAL(t10_mode_compression_decode(pg, pg_len, &comp), T10_OK);
    CU_ASSERT_TRUE(comp.dce);
    CU_ASSERT_FALSE(comp.dcc);
    /* LOG SENSE PARAMETER POINTER: parameters from that code on */
    struct t10_cdb ls = {.kind = T10_CDB_LOG_SENSE,
                         .u.log_sense = {.pc = 1, .page = 0x0C, .param_ptr = 0x0003,
                                         .alloc_len = 512}};
    r = fx_cmd(&f, 1, &ls, NULL, 0, buf, sizeof buf);
    struct t10_log_param lp;
    CU_ASSERT_EQUAL(t10_log_find_param(buf, r.len, 0x0000, &lp), T10_ENOENT);
    CU_ASSERT_EQUAL(t10_log_find_param(buf, r.len, 0x0003, &lp), T10_OK);
    /* while a command waits on the clock, another medium command gets BUSY; destroying
     * the drive completes the waiting one with TASK ABORTED */
    vtl_drive_fault_slow(f.d, 5 * 1000000u);
    struct vtl_cmd *c1 = calloc(1, sizeof *c1);
    int done = 0;
    c1->cdb_len = t10_cdb_build(c1->cdb, sizeof c1->cdb, &tur);
    c1->cdb[0] = 0x01; /* REWIND */
    c1->nexus_id = 1;
    c1->done = pending_done;
    c1->front_priv = &done;
    CU_ASSERT_EQUAL(vtl_drive_execute(f.d, c1), VTL_EXEC_PENDING);
    CU_ASSERT_EQUAL(fx_read(&f, false, false, 10, buf, sizeof buf).status, VTL_STATUS_BUSY);
    vtl_drive_destroy(f.d);
    f.d = NULL;
    CU_ASSERT_EQUAL(done, 1);
    CU_ASSERT_EQUAL(c1->status, VTL_STATUS_TASK_ABORTED);
    free(c1);
    fx_stop(&f);
}

struct rsoc_seen { size_t n; bool read6, format, rsoc_sa, timeouts; uint8_t op[64], len[64], sa[64]; };
static enum t10_rc rsoc_cb(const struct t10_rsoc_desc *d, void *arg)
{
    struct rsoc_seen *s = arg;
    if (s->n < 64) {
        s->op[s->n] = d->op;
        s->len[s->n] = (uint8_t)d->cdb_len;
        s->sa[s->n] = (uint8_t)d->sa;
    }
    s->n++;
    s->read6 |= d->op == 0x08 && d->cdb_len == 6;
    s->format |= d->op == 0x04;
    s->rsoc_sa |= d->op == 0xA3 && d->servactv && d->sa == 0x0C;
    s->timeouts |= d->ctdp && d->to.recommended_s > 0;
    return T10_OK;
}

/* RSOC advertises exactly what is accepted: every listed opcode is served (no 20/00),
 * and VERIFY(6) checks blocks with READ's residue rules. */
static void test_rsoc_and_verify(void)
{
    struct fx f;
    fx_ready(&f, "RS0001L8");
    static uint8_t buf[4096];
    struct t10_cdb c = {.kind = T10_CDB_RSOC,
                        .u.rsoc = {.rctd = true, .options = T10_RSOC_ALL, .alloc_len = 4096}};
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    struct rsoc_seen seen = {0};
    bool trunc;
    CU_ASSERT_EQUAL(t10_rsoc_all_walk(buf, r.len, rsoc_cb, &seen, &trunc), T10_OK);
    CU_ASSERT(seen.n >= 30);
    CU_ASSERT_TRUE(seen.read6 && seen.format && seen.rsoc_sa && seen.timeouts);
    for (size_t i = 0; i < seen.n && i < 64; i++) { /* advertised => accepted */
        uint8_t cdb[16] = {seen.op[i], seen.sa[i]};
        r = fx_raw(&f, 1, cdb, seen.len[i], NULL, 0, buf, 64);
        CU_ASSERT_FALSE(r.status == VTL_STATUS_CHECK_CONDITION &&
                        r.s.asc_ascq == T10_ASC(0x20, 0x00));
    }
    static const uint8_t load[6] = {0x1B, 0, 0, 0, 0x01, 0}; /* the zero CDB unloaded it */
    CHECK_GOOD(fx_raw(&f, 1, load, sizeof load, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_rewind(&f));
    /* one command: READ(6) supported with its usage bits; READ BUFFER not */
    c.u.rsoc = (struct t10_cdb_rsoc){.options = T10_RSOC_ONE, .req_op = 0x08, .alloc_len = 64};
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    struct t10_rsoc_one one;
    CU_ASSERT_EQUAL(t10_rsoc_one_decode(buf, r.len, &one, &trunc), T10_OK);
    CU_ASSERT_EQUAL(one.support, T10_RSOC_SUPPORTED);
    CU_ASSERT_EQUAL(one.cdb_size, 6);
    CU_ASSERT_EQUAL(one.usage[1], 0x03); /* SILI, FIXED */
    c.u.rsoc.req_op = 0x3C;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(t10_rsoc_one_decode(buf, r.len, &one, &trunc), T10_OK);
    CU_ASSERT_EQUAL(one.support, T10_RSOC_UNSUPPORTED);

    uint8_t w[100];
    fx_pattern(w, sizeof w, 4);
    CHECK_GOOD(fx_write(&f, false, 100, w, 100));
    CHECK_GOOD(fx_write(&f, false, 100, w, 100));
    CHECK_GOOD(fx_wfm(&f, 1));
    CHECK_GOOD(fx_rewind(&f));
    struct t10_cdb v = {.kind = T10_CDB_VERIFY6, .u.verify6 = {.length = 100}};
    CHECK_GOOD(fx_cmd(&f, 1, &v, NULL, 0, NULL, 0));
    CU_ASSERT_EQUAL(fx_pos(&f), 1);
    v.u.verify6.length = 60;
    r = fx_cmd(&f, 1, &v, NULL, 0, NULL, 0);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x00));
    CU_ASSERT_TRUE(r.s.ili);
    CU_ASSERT_EQUAL((int32_t)(uint32_t)r.s.info, -40);
    r = fx_cmd(&f, 1, &v, NULL, 0, NULL, 0);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x01));
    v.u.verify6.bytcmp = true;
    CHECK_SENSE(fx_cmd(&f, 1, &v, NULL, 0, NULL, 0), 0x5, T10_ASC(0x24, 0x00));
    fx_stop(&f);
}

/* Without compressed images (the default), DCE stays on for the host but blocks are
 * stored as sent: medium bytes equal host bytes, and the data reads back whole. */
static void test_images_uncompressed_by_default(void)
{
    struct fx f;
    fx_ready(&f, "Z00002L8");
    static uint8_t zeros[64 * 1024];
    uint8_t buf[512];
    CHECK_GOOD(fx_write(&f, false, sizeof zeros, zeros, sizeof zeros));
    struct res r = log_sense(&f, 0x0C, buf, sizeof buf);
    CU_ASSERT_EQUAL(log_param(buf, r.len, 0x0000), sizeof zeros);
    CU_ASSERT(log_param(buf, r.len, 0x0001) >= sizeof zeros);   /* plus record headers */
    CHECK_GOOD(fx_rewind(&f));
    static uint8_t rb[64 * 1024];
    r = fx_read(&f, false, false, sizeof rb, rb, sizeof rb);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(memcmp(rb, zeros, sizeof rb), 0);
    fx_stop(&f);
}

/* With compressed images configured, page 0Fh DCE has a measurable effect: compressible
 * data takes less medium with it on, and as much as the host sent with it off (log page
 * 0Ch, bytes to medium). */
static void test_compression_effect(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_VIRTUAL);
    f.cfg.compress_images = true;
    fx_start(&f);
    fx_load(&f, "Z00001L8");
    for (int i = 0; i < 10 && fx_tur(&f).status != VTL_STATUS_GOOD; i++)
        ;
    static uint8_t zeros[64 * 1024];
    uint8_t buf[512];
    CHECK_GOOD(fx_write(&f, false, sizeof zeros, zeros, sizeof zeros));
    struct res r = log_sense(&f, 0x0C, buf, sizeof buf);
    uint64_t host = log_param(buf, r.len, 0x0000), medium = log_param(buf, r.len, 0x0001);
    CU_ASSERT_EQUAL(host, sizeof zeros);
    CU_ASSERT(medium < host / 4);
    uint8_t sel[64];
    struct t10_mode_hdr h = {.buffered_mode = 1};
    size_t n = t10_mode_hdr_build(sel, sizeof sel, false, &h);
    struct t10_mode_compression comp = {.dce = false, .dcc = true, .dde = true,
                                        .comp_alg = 1, .decomp_alg = 1};
    n += t10_mode_compression_build(sel + n, sizeof sel - n, &comp, false);
    struct t10_cdb ms = {.kind = T10_CDB_MODE_SELECT6,
                         .u.mode_select = {.pf = true, .param_len = (uint16_t)n}};
    CHECK_GOOD(fx_cmd(&f, 1, &ms, sel, n, NULL, 0));
    CHECK_GOOD(fx_write(&f, false, sizeof zeros, zeros, sizeof zeros));
    r = log_sense(&f, 0x0C, buf, sizeof buf);
    uint64_t medium2 = log_param(buf, r.len, 0x0001) - medium;
    CU_ASSERT(medium2 >= sizeof zeros);
    /* both read back whole */
    CHECK_GOOD(fx_rewind(&f));
    static uint8_t rb[64 * 1024];
    for (int i = 0; i < 2; i++) {
        r = fx_read(&f, false, false, sizeof rb, rb, sizeof rb);
        CHECK_GOOD(r);
        CU_ASSERT_EQUAL(memcmp(rb, zeros, sizeof rb), 0);
    }
    fx_stop(&f);
}

/* Linux st's MTCOMPRESSION: MODE SENSE(6) page 0Fh with DBD, then the same bytes back in
 * MODE SELECT(6) with MODE DATA LENGTH and PS cleared and DCE flipped. */
static void test_st_compression_toggle(void)
{
    struct fx f;
    fx_ready(&f, "Z00002L8");
    uint8_t b[64];
    struct t10_cdb ms = {.kind = T10_CDB_MODE_SENSE6,
                         .u.mode_sense = {.dbd = true, .page = 0x0F, .alloc_len = 64}};
    struct res r = fx_cmd(&f, 1, &ms, NULL, 0, b, sizeof b);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL_FATAL(r.len, 4 + 16);
    CU_ASSERT_EQUAL(b[3], 0);          /* no block descriptor */
    CU_ASSERT_EQUAL(b[4] & 0x3F, 0x0F);
    CU_ASSERT((b[6] & 0x80) != 0);     /* DCE on at power-on */
    b[0] = 0;                          /* MODE DATA LENGTH is reserved in MODE SELECT */
    b[4] &= 0x3F;                      /* PS */
    b[6] &= 0x7F;                      /* DCE off */
    struct t10_cdb sel = {.kind = T10_CDB_MODE_SELECT6,
                          .u.mode_select = {.pf = true, .param_len = (uint16_t)r.len}};
    CHECK_GOOD(fx_cmd(&f, 1, &sel, b, r.len, NULL, 0));
    r = fx_cmd(&f, 1, &ms, NULL, 0, b, sizeof b);
    CU_ASSERT_EQUAL(b[6] & 0x80, 0);
    fx_stop(&f);
}

/* Time with a cartridge threaded counts toward cleaning, on the library clock. */
static void test_dirty_by_threaded_time(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_VIRTUAL);
    f.cfg.clean_after_us = 3600ull * 1000000u; /* one hour of tape motion */
    fx_start(&f);
    fx_load(&f, "H00001L8"); /* fx_load advances the clock an hour: threading + 1 h */
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT_FALSE(st.dirty); /* threaded less than an hour so far */
    (void)vtl_clock_advance(f.clk, 3601ull * 1000000u);
    CHECK_GOOD(fx_tur(&f));
    CHECK_GOOD(fx_write(&f, false, 4, "abcd", 4));
    vtl_drive_status(f.d, &st);
    CU_ASSERT_TRUE(st.dirty);
    fx_stop(&f);
}

/* vtl_drive_attach_library(): every bay gets a drive on LUN bay + 1 with the bay's
 * identity; a MOVE into bay 2 is seen on LUN 2. */
static void test_attach_library(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_config *cfg;
    CU_ASSERT_EQUAL_FATAL(vtl_config_default(&cfg), VTL_OK);
    struct vtl_library *lib;
    CU_ASSERT_EQUAL_FATAL(vtl_library_create(cfg, &lib), VTL_OK);
    vtl_config_free(cfg);
    struct vtl_drive_config tmpl = {.nosync = true, .new_capacity_bytes = 1u << 20};
    struct vtl_drive **drives;
    unsigned n;
    CU_ASSERT_EQUAL_FATAL(vtl_drive_attach_library(lib, dir, &tmpl, &drives, &n), VTL_DRIVE_OK);
    CU_ASSERT_EQUAL(n, vtl_library_count(lib, VTL_ELEM_DTE));
    CU_ASSERT_FATAL(n >= 2);
    struct vtl_elem_info bay2, slot;
    CU_ASSERT_EQUAL(vtl_library_elem_at(lib, VTL_ELEM_DTE, 1, &bay2), VTL_OK);
    CU_ASSERT_EQUAL(vtl_library_elem_at(lib, VTL_ELEM_STORAGE, 0, &slot), VTL_OK);
    uint64_t nx = vtl_nexus_open(lib);
    uint8_t buf[96];
    struct vtl_cmd c = {.cdb = {0x12, 1, 0x80, 0, 96, 0}, .cdb_len = 6, .nexus_id = nx,
                        .data_in = buf, .data_in_cap = sizeof buf};
    CU_ASSERT_EQUAL(vtl_lun_execute(lib, 2, &c), VTL_EXEC_DONE);
    char serial[64];
    CU_ASSERT_EQUAL(t10_vpd_ascii_decode(buf, c.data_in_len, 0x80, serial, sizeof serial), T10_OK);
    CU_ASSERT_STRING_EQUAL(serial, bay2.drive.serial);
    /* REPORT LUNS on a drive LUN lists the target's LUNs: changer and every bay */
    uint8_t lb[256];
    struct vtl_cmd rl = {.cdb = {0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, .cdb_len = 12,
                         .nexus_id = nx, .data_in = lb, .data_in_cap = sizeof lb};
    CU_ASSERT_EQUAL(vtl_lun_execute(lib, 2, &rl), VTL_EXEC_DONE);
    CU_ASSERT_EQUAL(rl.status, VTL_STATUS_GOOD);
    uint16_t luns[16];
    size_t n_luns, n_listed, n_bad;
    bool trunc;
    CU_ASSERT_EQUAL(t10_report_luns_decode(lb, rl.data_in_len, luns, 16, &n_luns, &n_listed,
                                           &n_bad, &trunc), T10_OK);
    CU_ASSERT_EQUAL(n_luns, n + 1);
    CU_ASSERT_EQUAL(luns[0], 0);
    CU_ASSERT_EQUAL(luns[n], n);
    enum vtl_rc rc = VTL_E_INVAL;
    struct vtl_robot_op mv = {.kind = VTL_ROBOT_MOVE, .src = slot.addr, .dst = bay2.addr};
    CU_ASSERT_EQUAL(vtl_robot_submit(lib, &mv, robot_done, &rc), VTL_OK);
    for (int i = 0; i < 100 && rc == VTL_E_INVAL; i++)
        (void)vtl_library_run_due(lib);
    CU_ASSERT_EQUAL(rc, VTL_OK);
    struct vtl_drive_status st;
    vtl_drive_status(drives[1], &st);
    CU_ASSERT_STRING_EQUAL(st.barcode, slot.cart.barcode);
    /* zero clock: threaded at once; the nexus sees 29/00, 28/00, then GOOD */
    struct vtl_cmd tur = {.cdb_len = 6, .nexus_id = nx};
    int good = 0;
    for (int i = 0; i < 4 && !good; i++) {
        CU_ASSERT_EQUAL(vtl_lun_execute(lib, 2, &tur), VTL_EXEC_DONE);
        good = tur.status == VTL_STATUS_GOOD;
    }
    CU_ASSERT_TRUE(good);
    vtl_drive_detach_library(lib, drives, n);
    /* detached: the LUN answers as an absent unit again */
    CU_ASSERT_EQUAL(vtl_lun_execute(lib, 2, &tur), VTL_EXEC_DONE);
    CU_ASSERT_NOT_EQUAL(tur.status, VTL_STATUS_GOOD);
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

/* Use and the cleaning request survive a restart of the drive (same state directory and
 * serial); another serial starts clean. */
static void test_use_survives_restart(void)
{
    struct fx f;
    fx_ready(&f, "S00001L8");
    CHECK_GOOD(fx_write(&f, false, 4, "abcd", 4));
    vtl_drive_set_dirty(f.d, true);
    vtl_drive_unload(f.d);
    struct vtl_drive_status before;
    vtl_drive_status(f.d, &before);
    vtl_drive_destroy(f.d);
    CU_ASSERT_EQUAL_FATAL(vtl_drive_create(&f.cfg, &f.d), VTL_DRIVE_OK);
    struct vtl_drive_status after;
    vtl_drive_status(f.d, &after);
    CU_ASSERT_TRUE(after.dirty);
    CU_ASSERT_EQUAL(after.loads, before.loads);
    CU_ASSERT_EQUAL(after.bytes_written, 4);
    CU_ASSERT((after.tapealert & T10_TA_FLAG(T10_TA_CLEAN_NOW)) != 0);
    vtl_drive_destroy(f.d);
    f.cfg.serial = "OTHER00001";
    CU_ASSERT_EQUAL_FATAL(vtl_drive_create(&f.cfg, &f.d), VTL_DRIVE_OK);
    vtl_drive_status(f.d, &after);
    CU_ASSERT_FALSE(after.dirty);
    CU_ASSERT_EQUAL(after.loads, 0);
    fx_stop(&f);
}

static CU_TestInfo ctl_tests[] = {
    {"use_survives_restart", test_use_survives_restart},
    {"attach_library", test_attach_library},
    {"images_uncompressed_by_default", test_images_uncompressed_by_default},
    {"compression_effect", test_compression_effect},
    {"st_compression_toggle", test_st_compression_toggle},
    {"dirty_by_threaded_time", test_dirty_by_threaded_time},
    {"rsoc_and_verify", test_rsoc_and_verify},
    {"details", test_details},
    {"inquiry_and_vpd", test_inquiry_and_vpd},
    {"unsupported_opcodes", test_unsupported_opcodes},
    {"mode_select_rules", test_mode_select_rules},
    {"partition_and_format_medium", test_partition_and_format_medium},
    {"log_pages", test_log_pages},
    {"tapealert_read_clears", test_tapealert_read_clears},
    {"cleaning_life_cycle", test_cleaning_life_cycle},
    {"mam_barcode_filled_on_load", test_mam_barcode_filled_on_load},
    {"mam_round_trip", test_mam_round_trip},
    {"load_unload_and_prevent", test_load_unload_and_prevent},
    {"unit_attention_per_nexus_and_reservations", test_unit_attention_per_nexus_and_reservations},
    {"reset_loses_position", test_reset_loses_position},
    {"faults", test_faults},
    {"library_integration", test_library_integration},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo drive_ctl_suites[] = {
    {"drive_ctl", NULL, NULL, NULL, NULL, ctl_tests},
    CU_SUITE_INFO_NULL,
};
