/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/test_drive.c - the SSC driver against an in-process library: open and
 * identity, no medium, the data path (blocks, filemarks, space, locate, position), mode
 * and limits, label claiming, MAM, TapeAlert and 00/17, 04/01 waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm/dev/changer.h"
#include "rsm/dev/drive.h"
#include "rsm/dev/tests/simfix.h"
#include "rsm/dev/tests/suites.h"
#include "scsi/log.h"
#include "tests/lib/cutest.h"

static struct simfix f;
static struct xport *cxp, *dxp;
static struct rsm_chg *chg;
static struct rsm_drv *drv;

/* Default library, changer open, drive on LUN 1 (bay 1, element 257) opened. */
static void up(void)
{
    CU_ASSERT_EQUAL_FATAL(simfix_open(&f, NULL), 0);
    cxp = simfix_xport(&f, 0);
    dxp = simfix_xport(&f, 1);
    CU_ASSERT_EQUAL_FATAL(rsm_chg_open(cxp, NULL, &chg), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_drv_open(dxp, NULL, &drv), RSM_DEV_OK);
}

static void down(void)
{
    rsm_drv_close(drv);
    rsm_chg_close(chg);
    xport_close(dxp);
    xport_close(cxp);
    simfix_close(&f);
    drv = NULL;
    chg = NULL;
}

/* Slot @slot (1-based) into bay 1, then wait until the drive is ready. */
static void load_slot(unsigned slot)
{
    CU_ASSERT_EQUAL_FATAL(rsm_chg_move(chg, (uint16_t)(1024 + slot), 257), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_drv_wait_ready(drv), RSM_DEV_OK);
}

static void open_identity_and_no_medium(void)
{
    up();
    const struct rsm_dev_ident *id = rsm_drv_ident(drv);
    CU_ASSERT_EQUAL(id->pdt, 0x01);
    CU_ASSERT_STRING_EQUAL(id->vendor, "IBM");
    CU_ASSERT_STRING_EQUAL(id->product, "ULT3580-TD8");
    CU_ASSERT_NOT_EQUAL(id->serial[0], '\0');
    CU_ASSERT_TRUE(id->naa_len > 0 || id->t10id_len > 0);
    CU_ASSERT_EQUAL(rsm_drv_test_ready(drv), RSM_DEV_E_NO_MEDIUM);
    const struct rsm_dev_sense *s = rsm_drv_last_sense(drv);
    CU_ASSERT_TRUE(s->valid && s->key == 2 && s->asc == 0x3A);
    CU_ASSERT_EQUAL(rsm_drv_wait_ready(drv), RSM_DEV_E_NO_MEDIUM);
    bool from;
    CU_ASSERT_TRUE(rsm_drv_timeout_ms(drv, 0x01, &from) >= 60000);
    /* A changer LUN is not a drive. */
    struct rsm_drv *d2 = (struct rsm_drv *)1;
    CU_ASSERT_EQUAL(rsm_drv_open(cxp, NULL, &d2), RSM_DEV_E_WRONG_TYPE);
    CU_ASSERT_PTR_NULL(d2);
    CU_ASSERT_EQUAL(rsm_drv_open_uri("nosuch:x", NULL, &d2), RSM_DEV_E_TRANSPORT);
    down();
}

static void wait_ready_polls_becoming_ready(void)
{
    up();
    load_slot(1);
    /* The drive LUN has no fault queue of its own; a changer-side fault would not reach
     * it. So: unload (tape ejected, NOT READY), LOAD again, and wait. */
    CU_ASSERT_EQUAL(rsm_drv_unload(drv), RSM_DEV_OK);
    CU_ASSERT_NOT_EQUAL(rsm_drv_test_ready(drv), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_load(drv), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_wait_ready(drv), RSM_DEV_OK);
    struct rsm_drv_position pos;
    CU_ASSERT_EQUAL(rsm_drv_read_position(drv, &pos), RSM_DEV_OK);
    CU_ASSERT_TRUE(pos.bop);
    CU_ASSERT_EQUAL(pos.lo_id, 0);
    down();
}

static void data_path_blocks_filemarks_position(void)
{
    up();
    load_slot(2);
    struct rsm_drv_limits bl;
    CU_ASSERT_EQUAL(rsm_drv_block_limits(drv, &bl), RSM_DEV_OK);
    CU_ASSERT_TRUE(bl.max_len >= 65536);
    struct rsm_drv_mode m;
    CU_ASSERT_EQUAL(rsm_drv_mode(drv, &m), RSM_DEV_OK);
    CU_ASSERT_FALSE(m.wp);
    CU_ASSERT_NOT_EQUAL(m.density, 0);
    /* A new tape: label claiming finds nothing written. */
    uint8_t buf[4096];
    size_t n = 99;
    CU_ASSERT_EQUAL(rsm_drv_read_label(drv, buf, sizeof buf, &n), RSM_DEV_E_BLANK);
    CU_ASSERT_EQUAL(n, 0);
    /* Three blocks, a filemark, one more block. */
    uint8_t blk[3][1000];
    for (int b = 0; b < 3; b++) {
        memset(blk[b], 'a' + b, sizeof blk[b]);
        CU_ASSERT_EQUAL(rsm_drv_write(drv, blk[b], 100 + 300 * (size_t)b), RSM_DEV_OK);
    }
    CU_ASSERT_EQUAL(rsm_drv_write_filemarks(drv, 1), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_write(drv, "TAIL", 4), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_write_filemarks(drv, 1), RSM_DEV_OK);
    struct rsm_drv_position pos;
    CU_ASSERT_EQUAL(rsm_drv_read_position(drv, &pos), RSM_DEV_OK);
    CU_ASSERT_EQUAL(pos.lo_id, 6);
    /* Label claiming reads the first block and leaves the tape at BOT. */
    CU_ASSERT_EQUAL(rsm_drv_read_label(drv, buf, sizeof buf, &n), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 100);
    CU_ASSERT_EQUAL(memcmp(buf, blk[0], 100), 0);
    CU_ASSERT_EQUAL(rsm_drv_read_position(drv, &pos), RSM_DEV_OK);
    CU_ASSERT_TRUE(pos.bop);
    /* Variable blocks: a short buffer gets the first bytes and the real length. */
    size_t nb = 0;
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, 40, &n, &nb), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 40);
    CU_ASSERT_EQUAL(nb, 100);
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, &nb), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 400);
    CU_ASSERT_EQUAL(buf[0], 'b');
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, NULL), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 700);
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, NULL), RSM_DEV_E_FILEMARK);
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, NULL), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(memcmp(buf, "TAIL", 4), 0);
    /* SPACE and LOCATE. */
    CU_ASSERT_EQUAL(rsm_drv_rewind(drv), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_space(drv, 1, 1, NULL), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, NULL), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(rsm_drv_locate(drv, 1), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, NULL), RSM_DEV_OK);
    CU_ASSERT_EQUAL(n, 400);
    CU_ASSERT_EQUAL(rsm_drv_space(drv, 3, 0, NULL), RSM_DEV_OK); /* to end of data */
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, sizeof buf, &n, NULL), RSM_DEV_E_BLANK);
    /* Spacing over more filemarks than exist stops with a residue. */
    CU_ASSERT_EQUAL(rsm_drv_rewind(drv), RSM_DEV_OK);
    int64_t resid = 0;
    enum rsm_dev_rc rc = rsm_drv_space(drv, 1, 5, &resid);
    CU_ASSERT_TRUE(rc == RSM_DEV_E_BLANK || rc == RSM_DEV_E_EOM);
    CU_ASSERT_EQUAL(resid, 3);
    /* Arguments checked before anything is sent. */
    CU_ASSERT_EQUAL(rsm_drv_write(drv, buf, 0), RSM_DEV_E_INVAL);
    CU_ASSERT_EQUAL(rsm_drv_read(drv, buf, 0, &n, NULL), RSM_DEV_E_INVAL);
    down();
}

static void prevent_blocks_robot_then_library_unloads(void)
{
    up();
    load_slot(3);
    /* While the host prevents removal on the drive, the robot is refused (53/02). */
    CU_ASSERT_EQUAL(rsm_drv_prevent(drv, true), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 257, 1027), RSM_DEV_E_PREVENTED);
    CU_ASSERT_EQUAL(rsm_drv_prevent(drv, false), RSM_DEV_OK);
    /* Then the library unloads the threaded drive itself (the personalities'
     * drive_unload_on_move, as real libraries do for mtx-changer's offline=0). */
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 257, 1027), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_test_ready(drv), RSM_DEV_E_NO_MEDIUM);
    down();
}

static void tapealert_cleaning_and_write_protect(void)
{
    up();
    load_slot(4);
    uint64_t mask = 1;
    CU_ASSERT_EQUAL(rsm_drv_tapealert(drv, &mask), RSM_DEV_OK);
    CU_ASSERT_EQUAL(mask, 0);
    CU_ASSERT_EQUAL(f.hooks.set_dirty(f.hooks.priv, 0), VTL_OK);
    CU_ASSERT_EQUAL(rsm_drv_tapealert(drv, &mask), RSM_DEV_OK);
    CU_ASSERT_NOT_EQUAL(mask & T10_TA_FLAG(T10_TA_CLEAN_NOW), 0);
    CU_ASSERT_EQUAL(rsm_drv_request_sense(drv), RSM_DEV_OK);
    CU_ASSERT_TRUE(rsm_drv_cleaning_requested(drv));
    uint32_t ev = rsm_drv_events(drv);
    CU_ASSERT_TRUE(ev & RSM_DEV_EV_CLEANING);
    /* A state, not a one-shot: still there until cleared. */
    CU_ASSERT_TRUE(rsm_drv_cleaning_requested(drv));
    rsm_drv_clear_cleaning(drv);
    CU_ASSERT_FALSE(rsm_drv_cleaning_requested(drv));
    down();
}

static void mam_partial_write(void)
{
    up();
    load_slot(5);
    struct rsm_drv_mam w = {.present = RSM_MAM_BARCODE | RSM_MAM_MEDIA_POOL}, r;
    snprintf(w.barcode, sizeof w.barcode, "A00004L8");
    snprintf(w.media_pool, sizeof w.media_pool, "Scratch");
    CU_ASSERT_EQUAL(rsm_drv_mam_write(drv, &w), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_mam_read(drv, &r), RSM_DEV_OK);
    CU_ASSERT_TRUE(r.present & RSM_MAM_BARCODE);
    CU_ASSERT_TRUE(r.present & RSM_MAM_MEDIA_POOL);
    CU_ASSERT_FALSE(r.present & RSM_MAM_MEDIUM_GUID);
    CU_ASSERT_STRING_EQUAL(r.barcode, "A00004L8");
    CU_ASSERT_STRING_EQUAL(r.media_pool, "Scratch");
    /* Overwrite one attribute; the other stays. */
    w.present = RSM_MAM_MEDIA_POOL;
    snprintf(w.media_pool, sizeof w.media_pool, "Backup");
    CU_ASSERT_EQUAL(rsm_drv_mam_write(drv, &w), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_drv_mam_read(drv, &r), RSM_DEV_OK);
    CU_ASSERT_STRING_EQUAL(r.media_pool, "Backup");
    CU_ASSERT_STRING_EQUAL(r.barcode, "A00004L8");
    down();
}

static CU_TestInfo tests[] = {
    {"open_identity_and_no_medium", open_identity_and_no_medium},
    {"wait_ready_after_load", wait_ready_polls_becoming_ready},
    {"data_path_blocks_filemarks_position", data_path_blocks_filemarks_position},
    {"prevent_blocks_robot_then_library_unloads", prevent_blocks_robot_then_library_unloads},
    {"tapealert_cleaning_requested", tapealert_cleaning_and_write_protect},
    {"mam_partial_write", mam_partial_write},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_dev_drive_suites[] = {
    {"drive", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
