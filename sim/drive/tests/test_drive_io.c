/* SPDX-License-Identifier: MIT
 * sim/drive/tests/test_drive_io.c - the drive's data path through vtl_drive_execute():
 * the Linux st open sequence, READ/WRITE in variable and fixed mode with ILI/SILI and
 * residues, filemarks, SPACE, LOCATE, READ POSITION forms, early warning and volume
 * overflow, write protection, WORM, LTO generation rules, and a scripted equivalent of
 * Bacula's `btape test`.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/log.h"
#include "scsi/mode.h"
#include "scsi/ssc.h"
#include "sim/drive/tests/drive_fixture.h"
#include "sim/tape/tapeimg.h"
#include "tests/lib/cutest.h"

/* Linux st at open (check_tape): TEST UNIT READY loop through the unit attentions and
 * NOT READY while threading, READ BLOCK LIMITS, MODE SENSE(6) allocation 12, READ
 * POSITION. */
static void test_st_open_sequence(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_VIRTUAL);
    f.cfg.load_us = 20 * 1000000u;
    fx_start(&f);
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x29, 0x00)); /* new nexus: power on */
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x3A, 0x00)); /* no tape */
    struct vtl_cart_info cart;
    CU_ASSERT_EQUAL(vtl_cart_from_barcode("A00001L8", 3, &cart), VTL_OK);
    vtl_drive_load(f.d, &cart);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x04, 0x01)); /* threading */
    (void)vtl_clock_advance(f.clk, 10 * 1000000u);
    CHECK_SENSE(fx_tur(&f), 0x2, T10_ASC(0x04, 0x01)); /* still threading at 10 s */
    (void)vtl_clock_advance(f.clk, 10 * 1000000u);
    CHECK_SENSE(fx_tur(&f), 0x6, T10_ASC(0x28, 0x00)); /* medium may have changed */
    CHECK_GOOD(fx_tur(&f));

    struct t10_cdb c = {.kind = T10_CDB_READ_BLOCK_LIMITS};
    uint8_t buf[64];
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    struct t10_block_limits bl;
    CU_ASSERT_EQUAL(r.len, T10_BLOCK_LIMITS_LEN);
    CU_ASSERT_EQUAL(t10_block_limits_decode(buf, r.len, &bl), T10_OK);
    CU_ASSERT_EQUAL(bl.max_len, 0x800000u);
    CU_ASSERT_EQUAL(bl.min_len, 1);

    c = (struct t10_cdb){.kind = T10_CDB_MODE_SENSE6, .u.mode_sense = {.page = 0, .alloc_len = 12}};
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.len, 12);
    struct t10_mode_hdr h;
    struct t10_mode_blkdesc bd;
    CU_ASSERT_EQUAL(t10_mode_hdr_decode(buf, r.len, false, &h), T10_OK);
    CU_ASSERT_EQUAL(h.bd_len, 8);
    CU_ASSERT_FALSE(h.wp);
    CU_ASSERT_EQUAL(h.buffered_mode, 1);
    CU_ASSERT_EQUAL(t10_mode_blkdesc_decode(buf + 4, 8, &bd), T10_OK);
    CU_ASSERT_EQUAL(bd.density, 0x5E);
    CU_ASSERT_EQUAL(bd.block_len, 0);

    c = (struct t10_cdb){.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_SHORT}};
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    struct t10_read_pos rp;
    CU_ASSERT_EQUAL(r.len, T10_RP_SHORT_LEN);
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_SHORT, &rp), T10_OK);
    CU_ASSERT_TRUE(rp.bop);
    CU_ASSERT_FALSE(rp.lolu);
    CU_ASSERT_EQUAL(rp.first_lo, 0);
    fx_stop(&f);
}

static void test_variable_write_read_back(void)
{
    struct fx f;
    fx_ready(&f, "V00001L8");
    uint8_t w[3][5000], rb[8192];
    size_t sizes[3] = {1, 4096, 5000};
    for (unsigned i = 0; i < 3; i++) {
        fx_pattern(w[i], sizes[i], i);
        CHECK_GOOD(fx_write(&f, false, (uint32_t)sizes[i], w[i], sizes[i]));
    }
    CHECK_GOOD(fx_wfm(&f, 1));
    CU_ASSERT_EQUAL(fx_pos(&f), 4);
    CHECK_GOOD(fx_rewind(&f));
    CU_ASSERT_EQUAL(fx_pos(&f), 0);
    for (unsigned i = 0; i < 3; i++) {
        struct res r = fx_read(&f, false, false, (uint32_t)sizes[i], rb, sizeof rb);
        CHECK_GOOD(r);
        CU_ASSERT_EQUAL(r.len, sizes[i]);
        CU_ASSERT_EQUAL(memcmp(rb, w[i], sizes[i]), 0);
    }
    struct res r = fx_read(&f, false, false, 100, rb, sizeof rb);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x01)); /* filemark */
    CU_ASSERT_TRUE(r.s.filemark);
    CU_ASSERT_TRUE(r.s.info_valid);
    CU_ASSERT_EQUAL(r.s.info, 100);
    CU_ASSERT_EQUAL(fx_pos(&f), 4); /* after the filemark (EOP side) */
    r = fx_read(&f, false, false, 100, rb, sizeof rb);
    CHECK_SENSE(r, 0x8, T10_ASC(0x00, 0x05)); /* BLANK CHECK at EOD */
    CU_ASSERT_EQUAL(r.s.info, 100);
    CU_ASSERT_EQUAL(fx_pos(&f), 4); /* EOD does not move */
    fx_stop(&f);
}

static void test_ili_and_sili(void)
{
    struct fx f;
    fx_ready(&f, "V00002L8");
    uint8_t w[300], rb[400];
    fx_pattern(w, sizeof w, 7);
    CHECK_GOOD(fx_write(&f, false, 100, w, 100));
    CHECK_GOOD(fx_write(&f, false, 100, w, 100));
    CHECK_GOOD(fx_write(&f, false, 300, w, 300));
    CHECK_GOOD(fx_rewind(&f));
    /* short block, no SILI: ILI, residue = requested - actual */
    struct res r = fx_read(&f, false, false, 200, rb, sizeof rb);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x00));
    CU_ASSERT_TRUE(r.s.ili);
    CU_ASSERT_EQUAL(r.s.info, 100);
    CU_ASSERT_EQUAL(r.len, 100);
    /* short block with SILI: GOOD */
    r = fx_read(&f, false, true, 200, rb, sizeof rb);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.len, 100);
    /* long block: ILI whatever SILI says, negative residue, data cut at the request */
    r = fx_read(&f, false, true, 200, rb, sizeof rb);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x00));
    CU_ASSERT_TRUE(r.s.ili);
    CU_ASSERT_EQUAL((int32_t)(uint32_t)r.s.info, -100);
    CU_ASSERT_EQUAL(r.len, 200);
    CU_ASSERT_EQUAL(memcmp(rb, w, 200), 0);
    CU_ASSERT_EQUAL(fx_pos(&f), 3); /* moved past the long block */
    fx_stop(&f);
}

static void test_fixed_mode(void)
{
    struct fx f;
    fx_ready(&f, "V00003L8");
    uint8_t w[4 * 512], rb[10 * 512];
    fx_pattern(w, sizeof w, 3);
    /* fixed transfer while in variable mode is refused with a field pointer */
    struct res r = fx_write(&f, true, 4, w, sizeof w);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.s.sks, T10_SKS_FIELD);
    CU_ASSERT_EQUAL(r.s.field.byte, 1);
    CHECK_GOOD(fx_mode_select_blocklen(&f, 512));
    CHECK_GOOD(fx_write(&f, true, 4, w, sizeof w));
    CHECK_GOOD(fx_wfm(&f, 1));
    CHECK_GOOD(fx_rewind(&f));
    r = fx_read(&f, true, false, 10, rb, sizeof rb);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x01));
    CU_ASSERT_TRUE(r.s.filemark);
    CU_ASSERT_EQUAL(r.s.info, 6); /* blocks not transferred */
    CU_ASSERT_EQUAL(r.len, sizeof w);
    CU_ASSERT_EQUAL(memcmp(rb, w, sizeof w), 0);
    /* a block of another length in fixed mode: ILI, residue counts it as not read */
    CHECK_GOOD(fx_mode_select_blocklen(&f, 0));
    CHECK_GOOD(fx_write(&f, false, 100, w, 100));
    CHECK_GOOD(fx_locate(&f, 5));
    CHECK_GOOD(fx_mode_select_blocklen(&f, 512));
    r = fx_read(&f, true, false, 2, rb, sizeof rb);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x00));
    CU_ASSERT_TRUE(r.s.ili);
    CU_ASSERT_EQUAL(r.s.info, 2);
    /* SILI with FIXED is an invalid combination */
    r = fx_read(&f, true, true, 1, rb, sizeof rb);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    fx_stop(&f);
}

static void test_space_rules(void)
{
    struct fx f;
    fx_ready(&f, "V00004L8");
    uint8_t w[64];
    fx_pattern(w, sizeof w, 1);
    /* file 0: 3 blocks | FM | file 1: 2 blocks | FM | file 2: 1 block | EOD */
    for (int i = 0; i < 3; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_wfm(&f, 1));
    for (int i = 0; i < 2; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_wfm(&f, 1));
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_rewind(&f));
    /* blocks forward across a filemark: stops after it, FILEMARK, residue */
    struct res r = fx_space(&f, T10_SPACE_BLOCKS, 5);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x01));
    CU_ASSERT_TRUE(r.s.filemark);
    CU_ASSERT_EQUAL(r.s.info, 2);
    CU_ASSERT_EQUAL(fx_pos(&f), 4);
    /* filemarks forward */
    CHECK_GOOD(fx_space(&f, T10_SPACE_FILEMARKS, 1));
    CU_ASSERT_EQUAL(fx_pos(&f), 7);
    /* filemarks backward: BOP side of the filemark */
    CHECK_GOOD(fx_space(&f, T10_SPACE_FILEMARKS, -1));
    CU_ASSERT_EQUAL(fx_pos(&f), 6);
    /* blocks backward into a filemark: stops before it, negative residue */
    r = fx_space(&f, T10_SPACE_BLOCKS, -4);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x01));
    CU_ASSERT_EQUAL((int32_t)(uint32_t)r.s.info, -2);
    CU_ASSERT_EQUAL(fx_pos(&f), 3);
    /* to EOD, then past it: BLANK CHECK with residue */
    CHECK_GOOD(fx_space(&f, T10_SPACE_EOD, 0));
    CU_ASSERT_EQUAL(fx_pos(&f), 8);
    r = fx_space(&f, T10_SPACE_FILEMARKS, 1);
    CHECK_SENSE(r, 0x8, T10_ASC(0x00, 0x05));
    CU_ASSERT_EQUAL(r.s.info, 1);
    /* backward to BOP: EOM bit, 00/04, residue */
    r = fx_space(&f, T10_SPACE_FILEMARKS, -5);
    CHECK_SENSE(r, 0x0, T10_ASC(0x00, 0x04));
    CU_ASSERT_TRUE(r.s.eom);
    CU_ASSERT_EQUAL((int32_t)(uint32_t)r.s.info, -3);
    CU_ASSERT_EQUAL(fx_pos(&f), 0);
    /* SPACE(16) and an unsupported code (setmarks) */
    struct t10_cdb c = {.kind = T10_CDB_SPACE16, .u.space = {.code = T10_SPACE_BLOCKS, .count = 2}};
    CHECK_GOOD(fx_cmd(&f, 1, &c, NULL, 0, NULL, 0));
    CU_ASSERT_EQUAL(fx_pos(&f), 2);
    r = fx_space(&f, T10_SPACE_SEQ_FILEMARKS, 1);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    fx_stop(&f);
}

static void test_locate_and_read_position_forms(void)
{
    struct fx f;
    fx_ready(&f, "V00005L8");
    uint8_t w[32], buf[64];
    fx_pattern(w, sizeof w, 9);
    for (int i = 0; i < 5; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_wfm(&f, 1));
    for (int i = 0; i < 5; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    struct t10_cdb c = {.kind = T10_CDB_LOCATE10, .u.locate = {.lo_id = 8}};
    CHECK_GOOD(fx_cmd(&f, 1, &c, NULL, 0, NULL, 0));
    c = (struct t10_cdb){.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_LONG}};
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.len, T10_RP_LONG_LEN);
    struct t10_read_pos rp;
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_LONG, &rp), T10_OK);
    CU_ASSERT_EQUAL(rp.lo_number, 8);
    CU_ASSERT_EQUAL(rp.file_id, 1);
    CU_ASSERT_FALSE(rp.bop);
    CU_ASSERT_FALSE(rp.eop);
    CU_ASSERT_FALSE(rp.lonu);
    CU_ASSERT_FALSE(rp.mpu);
    c = (struct t10_cdb){.kind = T10_CDB_READ_POSITION,
                         .u.read_pos = {.sa = T10_RP_EXTENDED, .alloc_len = 32}};
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, r.len, T10_RP_EXTENDED, &rp), T10_OK);
    CU_ASSERT_EQUAL(rp.first_lo, 8);
    CU_ASSERT_EQUAL(rp.last_lo, 8);
    /* LOCATE(16) to file 1 = just after the first filemark */
    c = (struct t10_cdb){.kind = T10_CDB_LOCATE16,
                         .u.locate = {.dest_type = T10_LOCATE_FILE, .lo_id = 1}};
    CHECK_GOOD(fx_cmd(&f, 1, &c, NULL, 0, NULL, 0));
    CU_ASSERT_EQUAL(fx_pos(&f), 6);
    /* beyond EOD: BLANK CHECK, positioned at EOD */
    r = fx_locate(&f, 100);
    CHECK_SENSE(r, 0x8, T10_ASC(0x00, 0x05));
    CU_ASSERT_EQUAL(fx_pos(&f), 11);
    /* a partition that does not exist */
    c = (struct t10_cdb){.kind = T10_CDB_LOCATE16, .u.locate = {.cp = true, .partition = 3}};
    r = fx_cmd(&f, 1, &c, NULL, 0, NULL, 0);
    CHECK_SENSE(r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.s.field.byte, 3);
    fx_stop(&f);
}

static void test_locate_takes_clock_time_by_distance(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_VIRTUAL);
    f.cfg.full_wind_us = 100 * 1000000u;
    f.cfg.new_capacity_bytes = 4u * 1024 * 1024;
    fx_start(&f);
    fx_load(&f, "V00006L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    static uint8_t w[256 * 1024];
    fx_pattern(w, sizeof w, 11); /* incompressible: compression is on by default */
    for (int i = 0; i < 8; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    uint64_t t0 = vtl_clock_now_us(f.clk);
    struct res r = fx_rewind(&f);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(r.exec, VTL_EXEC_PENDING);
    uint64_t t_rew = vtl_clock_now_us(f.clk) - t0;
    /* 2 MiB of a 4 MiB tape with a 100 s full wind: about 50 s */
    CU_ASSERT(t_rew >= 45 * 1000000u && t_rew <= 56 * 1000000u);
    t0 = vtl_clock_now_us(f.clk);
    CHECK_GOOD(fx_locate(&f, 2));
    uint64_t t_loc = vtl_clock_now_us(f.clk) - t0;
    CU_ASSERT(t_loc < t_rew / 2);
    fx_stop(&f);
}

static void test_early_warning_then_overflow(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_ZERO);
    f.cfg.new_capacity_bytes = 2u * 1024 * 1024;
    fx_start(&f);
    fx_load(&f, "V00007L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    static uint8_t w[32 * 1024];
    fx_pattern(w, sizeof w, 12); /* incompressible */
    int good = 0, ew = 0, overflow = 0;
    for (int i = 0; i < 200 && !overflow; i++) {
        struct res r = fx_write(&f, false, sizeof w, w, sizeof w);
        if (r.status == VTL_STATUS_GOOD) {
            CU_ASSERT_EQUAL(ew, 0); /* once in the zone, every write says so */
            good++;
        } else if (r.s.key == 0x0) {
            CU_ASSERT_EQUAL(r.s.asc_ascq, T10_ASC(0x00, 0x02));
            CU_ASSERT_TRUE(r.s.eom);
            CU_ASSERT_EQUAL(r.s.info, 0);
            ew++;
        } else {
            CU_ASSERT_EQUAL(r.s.key, 0xD);
            CU_ASSERT_EQUAL(r.s.asc_ascq, T10_ASC(0x00, 0x02));
            CU_ASSERT_TRUE(r.s.eom);
            CU_ASSERT_EQUAL(r.s.info, sizeof w);
            overflow++;
        }
    }
    CU_ASSERT(good > 10);
    CU_ASSERT(ew >= 1);
    CU_ASSERT_EQUAL(overflow, 1);
    /* READ POSITION reports EOP inside the zone */
    struct t10_cdb c = {.kind = T10_CDB_READ_POSITION, .u.read_pos = {.sa = T10_RP_SHORT}};
    uint8_t buf[T10_RP_SHORT_LEN];
    struct t10_read_pos rp;
    CHECK_GOOD(fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf));
    CU_ASSERT_EQUAL(t10_read_pos_decode(buf, sizeof buf, T10_RP_SHORT, &rp), T10_OK);
    CU_ASSERT_TRUE(rp.eop);
    /* the data before the overflow reads back: count the blocks */
    CHECK_GOOD(fx_rewind(&f));
    int n = 0;
    static uint8_t rb[32 * 1024];
    while (fx_read(&f, false, false, sizeof rb, rb, sizeof rb).status == VTL_STATUS_GOOD)
        n++;
    CU_ASSERT_EQUAL(n, good + ew);
    fx_stop(&f);
}

static void test_write_protected_cartridge(void)
{
    struct fx f;
    fx_config(&f, VTL_CLOCK_ZERO);
    fx_start(&f);
    struct vtl_tape *t;
    struct vtl_tape_create_opts o = {.media = "LTO8", .capacity_bytes = 1u << 20,
                                     .open_flags = VTL_TAPE_OPEN_NOSYNC};
    CU_ASSERT_EQUAL_FATAL(vtl_tape_create(f.dir, "W00001L8", &o, &t), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(vtl_tape_write(t, "abc", 3), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(vtl_tape_set_write_protect(t, true), VTL_TAPE_OK);
    CU_ASSERT_EQUAL(vtl_tape_close(t), VTL_TAPE_OK);
    fx_load(&f, "W00001L8");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    uint8_t buf[16];
    struct t10_cdb c = {.kind = T10_CDB_MODE_SENSE6, .u.mode_sense = {.alloc_len = 12}};
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    struct t10_mode_hdr h;
    CU_ASSERT_EQUAL(t10_mode_hdr_decode(buf, r.len, false, &h), T10_OK);
    CU_ASSERT_TRUE(h.wp);
    CHECK_SENSE(fx_write(&f, false, 3, "xyz", 3), 0x7, T10_ASC(0x27, 0x00));
    CHECK_SENSE(fx_wfm(&f, 1), 0x7, T10_ASC(0x27, 0x00));
    r = fx_read(&f, false, false, 3, buf, sizeof buf);
    CHECK_GOOD(r);
    CU_ASSERT_EQUAL(memcmp(buf, "abc", 3), 0);
    fx_stop(&f);
}

static void test_worm_refuses_overwrite(void)
{
    struct fx f;
    fx_ready(&f, "WORM01LY"); /* LY: LTO-8 WORM */
    uint8_t w[100];
    fx_pattern(w, sizeof w, 5);
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_wfm(&f, 1));
    CHECK_GOOD(fx_rewind(&f));
    CHECK_SENSE(fx_write(&f, false, sizeof w, w, sizeof w), 0x7, T10_ASC(0x30, 0x0C));
    struct t10_cdb c = {.kind = T10_CDB_ERASE6, .u.erase = {.long_erase = true}};
    CHECK_SENSE(fx_cmd(&f, 1, &c, NULL, 0, NULL, 0), 0x7, T10_ASC(0x30, 0x0C));
    /* appending at EOD is what WORM allows */
    CHECK_GOOD(fx_space(&f, T10_SPACE_EOD, 0));
    CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT((st.tapealert & T10_TA_FLAG(0x3C)) != 0);
    fx_stop(&f);
}

static void test_generation_rules(void)
{
    struct fx f;
    /* LTO-8 drive, LTO-6 cartridge: incompatible */
    fx_ready(&f, "G00006L6");
    uint8_t buf[64];
    CHECK_SENSE(fx_read(&f, false, false, 64, buf, sizeof buf), 0x3, T10_ASC(0x30, 0x00));
    CHECK_SENSE(fx_write(&f, false, 4, "abcd", 4), 0x3, T10_ASC(0x30, 0x00));
    struct vtl_drive_status st;
    vtl_drive_status(f.d, &st);
    CU_ASSERT((st.tapealert & T10_TA_FLAG(0x0C)) != 0);
    vtl_drive_unload(f.d);
    /* LTO-7 cartridge in the LTO-8 drive: reads and writes */
    fx_load(&f, "G00007L7");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    CHECK_GOOD(fx_write(&f, false, 4, "abcd", 4));
    fx_stop(&f);

    /* LTO-7 drive reads LTO-5 but does not write it */
    fx_config(&f, VTL_CLOCK_ZERO);
    f.cfg.gen = 7;
    fx_start(&f);
    fx_load(&f, "G00005L5");
    while (fx_tur(&f).status != VTL_STATUS_GOOD)
        ;
    CHECK_SENSE(fx_read(&f, false, false, 64, buf, sizeof buf), 0x8, T10_ASC(0x00, 0x05));
    CHECK_SENSE(fx_write(&f, false, 4, "abcd", 4), 0x7, T10_ASC(0x30, 0x05));
    struct t10_cdb c = {.kind = T10_CDB_MODE_SENSE6, .u.mode_sense = {.alloc_len = 12}};
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    struct t10_mode_hdr h;
    CU_ASSERT_EQUAL(t10_mode_hdr_decode(buf, r.len, false, &h), T10_OK);
    CU_ASSERT_TRUE(h.wp);
    fx_stop(&f);
}

struct dens_seen { uint8_t code[16]; bool wrtok[16], deflt[16]; size_t n; };
static enum t10_rc dens_cb(const struct t10_density_desc *dd, void *arg)
{
    struct dens_seen *s = arg;
    if (s->n < 16) {
        s->code[s->n] = dd->primary;
        s->wrtok[s->n] = dd->wrtok;
        s->deflt[s->n] = dd->deflt;
        s->n++;
    }
    return T10_OK;
}

static void test_report_density_support(void)
{
    struct fx f;
    fx_ready(&f, "D00001L7");
    uint8_t buf[1024];
    struct t10_cdb c = {.kind = T10_CDB_REPORT_DENSITY_SUPPORT, .u.density = {.alloc_len = 1024}};
    struct res r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    struct dens_seen s = {0};
    bool trunc;
    CU_ASSERT_EQUAL(t10_density_report_walk(buf, r.len, dens_cb, &s, &trunc), T10_OK);
    CU_ASSERT_EQUAL(s.n, 3); /* LTO-7, M8, LTO-8 */
    CU_ASSERT_EQUAL(s.code[0], 0x5C);
    CU_ASSERT_EQUAL(s.code[1], 0x5D);
    CU_ASSERT_EQUAL(s.code[2], 0x5E);
    CU_ASSERT_TRUE(s.deflt[2]);
    CU_ASSERT_FALSE(s.deflt[0]);
    CU_ASSERT_TRUE(s.wrtok[0]);
    c.u.density.media = true;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CHECK_GOOD(r);
    memset(&s, 0, sizeof s);
    CU_ASSERT_EQUAL(t10_density_report_walk(buf, r.len, dens_cb, &s, &trunc), T10_OK);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_EQUAL(s.code[0], 0x5C); /* the LTO-7 cartridge loaded */
    /* allocation length cuts the data */
    c.u.density.alloc_len = 10;
    r = fx_cmd(&f, 1, &c, NULL, 0, buf, sizeof buf);
    CU_ASSERT_EQUAL(r.len, 10);
    fx_stop(&f);
}

/* Bacula `btape test`: write records + EOF, rewind, read back and compare, fsf/bsf/bsr
 * positioning, append at EOD, weof twice, read to EOF and EOD. */
static void test_btape_sequence(void)
{
    struct fx f;
    fx_ready(&f, "BTAPE1L8");
    enum { N = 50, BS = 64512 };
    static uint8_t w[BS], rb[BS];
    /* write N records, weof; write N more, weof (two files) */
    for (unsigned file = 0; file < 2; file++) {
        for (unsigned i = 0; i < N; i++) {
            fx_pattern(w, BS, file * 1000 + i);
            CHECK_GOOD(fx_write(&f, false, BS, w, BS));
        }
        CHECK_GOOD(fx_wfm(&f, 1));
    }
    CHECK_GOOD(fx_rewind(&f));
    /* re-read file 0 and compare every record */
    for (unsigned i = 0; i < N; i++) {
        struct res r = fx_read(&f, false, false, BS, rb, BS);
        CHECK_GOOD(r);
        fx_pattern(w, BS, i);
        CU_ASSERT_EQUAL(memcmp(rb, w, BS), 0);
    }
    CHECK_SENSE(fx_read(&f, false, false, BS, rb, BS), 0x0, T10_ASC(0x00, 0x01)); /* EOF */
    /* fsf 1 from BOP lands on file 1 record 0 */
    CHECK_GOOD(fx_rewind(&f));
    CHECK_GOOD(fx_space(&f, T10_SPACE_FILEMARKS, 1));
    CHECK_GOOD(fx_read(&f, false, false, BS, rb, BS));
    fx_pattern(w, BS, 1000);
    CU_ASSERT_EQUAL(memcmp(rb, w, BS), 0);
    /* bsr 1 and re-read the same record */
    CHECK_GOOD(fx_space(&f, T10_SPACE_BLOCKS, -1));
    CHECK_GOOD(fx_read(&f, false, false, BS, rb, BS));
    CU_ASSERT_EQUAL(memcmp(rb, w, BS), 0);
    /* bsf 1 (to the BOP side of the filemark), fsf 1 past it again */
    CHECK_GOOD(fx_space(&f, T10_SPACE_FILEMARKS, -1));
    CU_ASSERT_EQUAL(fx_pos(&f), N);
    CHECK_GOOD(fx_space(&f, T10_SPACE_FILEMARKS, 1));
    CU_ASSERT_EQUAL(fx_pos(&f), N + 1);
    /* append at EOD: a third file, then weof twice */
    CHECK_GOOD(fx_space(&f, T10_SPACE_EOD, 0));
    CU_ASSERT_EQUAL(fx_pos(&f), 2 * (N + 1));
    fx_pattern(w, BS, 2000);
    CHECK_GOOD(fx_write(&f, false, BS, w, BS));
    CHECK_GOOD(fx_wfm(&f, 2));
    /* read file 2: the record, EOF, EOF (empty file), then EOD */
    CHECK_GOOD(fx_rewind(&f));
    CHECK_GOOD(fx_space(&f, T10_SPACE_FILEMARKS, 2));
    CHECK_GOOD(fx_read(&f, false, false, BS, rb, BS));
    CU_ASSERT_EQUAL(memcmp(rb, w, BS), 0);
    CHECK_SENSE(fx_read(&f, false, false, BS, rb, BS), 0x0, T10_ASC(0x00, 0x01));
    CHECK_SENSE(fx_read(&f, false, false, BS, rb, BS), 0x0, T10_ASC(0x00, 0x01));
    CHECK_SENSE(fx_read(&f, false, false, BS, rb, BS), 0x8, T10_ASC(0x00, 0x05));
    /* fsf past the last file: BLANK CHECK */
    CHECK_GOOD(fx_rewind(&f));
    struct res r = fx_space(&f, T10_SPACE_FILEMARKS, 10);
    CHECK_SENSE(r, 0x8, T10_ASC(0x00, 0x05));
    CU_ASSERT_EQUAL(r.s.info, 6);
    fx_stop(&f);
}

static void test_erase_truncates(void)
{
    struct fx f;
    fx_ready(&f, "E00001L8");
    uint8_t w[10] = {0};
    for (int i = 0; i < 4; i++)
        CHECK_GOOD(fx_write(&f, false, sizeof w, w, sizeof w));
    CHECK_GOOD(fx_locate(&f, 2));
    struct t10_cdb c = {.kind = T10_CDB_ERASE6, .u.erase = {.long_erase = true}};
    CHECK_GOOD(fx_cmd(&f, 1, &c, NULL, 0, NULL, 0));
    CHECK_GOOD(fx_space(&f, T10_SPACE_EOD, 0));
    CU_ASSERT_EQUAL(fx_pos(&f), 2);
    fx_stop(&f);
}

static CU_TestInfo io_tests[] = {
    {"st_open_sequence", test_st_open_sequence},
    {"variable_write_read_back", test_variable_write_read_back},
    {"ili_and_sili", test_ili_and_sili},
    {"fixed_mode", test_fixed_mode},
    {"space_rules", test_space_rules},
    {"locate_and_read_position_forms", test_locate_and_read_position_forms},
    {"locate_takes_clock_time_by_distance", test_locate_takes_clock_time_by_distance},
    {"early_warning_then_overflow", test_early_warning_then_overflow},
    {"write_protected_cartridge", test_write_protected_cartridge},
    {"worm_refuses_overwrite", test_worm_refuses_overwrite},
    {"generation_rules", test_generation_rules},
    {"report_density_support", test_report_density_support},
    {"btape_sequence", test_btape_sequence},
    {"erase_truncates", test_erase_truncates},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo drive_io_suites[] = {
    {"drive_io", NULL, NULL, NULL, NULL, io_tests},
    CU_SUITE_INFO_NULL,
};
