/* SPDX-License-Identifier: MIT
 * rsm/dev/tests/test_changer.c - the SMC driver against an in-process library with
 * faults: the open sequence, unit attentions and 04/01, page 1Dh fallback, RSOC
 * timeouts, paged and fallback READ ELEMENT STATUS, motions and their errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsm/dev/changer.h"
#include "rsm/dev/io.h"
#include "rsm/dev/tests/simfix.h"
#include "rsm/dev/tests/suites.h"
#include "scsi/elem.h"
#include "tests/lib/cutest.h"

static struct simfix f;
static struct xport *xp;

static void fix_up(const char *config)
{
    CU_ASSERT_EQUAL_FATAL(simfix_open(&f, config), 0);
    xp = simfix_xport(&f, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xp);
}

static void fix_down(void)
{
    xport_close(xp);
    xp = NULL;
    simfix_close(&f);
}

static struct rsm_chg *open_chg(const struct rsm_dev_opts *o)
{
    struct rsm_chg *chg = NULL;
    CU_ASSERT_EQUAL(rsm_chg_open(xp, o, &chg), RSM_DEV_OK);
    return chg;
}

static void open_reads_identity_layout_caps(void)
{
    fix_up(NULL);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    const struct rsm_dev_ident *id = rsm_chg_ident(chg);
    CU_ASSERT_EQUAL(id->pdt, 0x08);
    CU_ASSERT_STRING_EQUAL(id->vendor, "IBM");
    CU_ASSERT_STRING_EQUAL(id->product, "3555L3A");
    CU_ASSERT_STRING_EQUAL(id->serial, "00L4U78A0001");
    CU_ASSERT_EQUAL(id->naa_len, 8);
    CU_ASSERT_EQUAL(strlen(id->naa_hex), 16);
    CU_ASSERT_EQUAL(id->naa[0] >> 4, 5); /* NAA IEEE Registered */
    const struct rsm_chg_layout *l = rsm_chg_layout(chg);
    CU_ASSERT_TRUE(l->mt.first == 1 && l->mt.count == 1);
    CU_ASSERT_TRUE(l->dt.first == 257 && l->dt.count == 2);
    CU_ASSERT_TRUE(l->ie.first == 769 && l->ie.count == 2);
    CU_ASSERT_TRUE(l->st.first == 1025 && l->st.count == 24);
    CU_ASSERT_EQUAL(rsm_chg_type_of(l, 1030), T10_ELEM_STORAGE);
    CU_ASSERT_EQUAL(rsm_chg_type_of(l, 258), T10_ELEM_DT);
    CU_ASSERT_EQUAL(rsm_chg_type_of(l, 500), 0);
    const struct rsm_chg_caps *c = rsm_chg_caps(chg);
    CU_ASSERT_TRUE(c->valid);
    CU_ASSERT_TRUE(c->move[T10_ELEM_STORAGE - 1] & RSM_CHG_CAP_DT);
    /* The open consumed the new nexus's power-on UA and remembered it. */
    CU_ASSERT_TRUE(rsm_chg_events(chg) & RSM_DEV_EV_RESET);
    CU_ASSERT_EQUAL(rsm_chg_events(chg), 0);
    rsm_chg_close(chg);
    fix_down();
}

static void open_rejects_a_drive(void)
{
    fix_up(NULL);
    struct xport *dxp = simfix_xport(&f, 1);
    struct rsm_chg *chg = (struct rsm_chg *)1;
    CU_ASSERT_EQUAL(rsm_chg_open(dxp, NULL, &chg), RSM_DEV_E_WRONG_TYPE);
    CU_ASSERT_PTR_NULL(chg);
    /* An empty LUN (qualifier 011b) is not a changer either. */
    struct xport *none = simfix_xport(&f, 9);
    CU_ASSERT_EQUAL(rsm_chg_open(none, NULL, &chg), RSM_DEV_E_WRONG_TYPE);
    xport_close(none);
    xport_close(dxp);
    fix_down();
}

static void open_waits_while_becoming_ready(void)
{
    fix_up(NULL);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0x00, 0x2, T10_ASC(0x04, 0x01), 4), VTL_OK);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL(chg);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(f.lib), 0);
    /* A changer that never becomes ready: the budget ends the wait with 04/01. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0x00, 0x2, T10_ASC(0x04, 0x01), 1000), VTL_OK);
    rsm_chg_close(chg);
    struct rsm_dev_opts o = {.ready_budget_ms = 40, .ready_poll_ms = 10};
    chg = (struct rsm_chg *)1;
    CU_ASSERT_EQUAL(rsm_chg_open(xp, &o, &chg), RSM_DEV_E_BECOMING_READY);
    CU_ASSERT_PTR_NULL(chg);
    unsigned left = vtl_fault_pending_cmds(f.lib);
    CU_ASSERT_TRUE(left < 1000 && left > 900); /* polled a few times, not spun */
    fix_down();
}

static void unit_attentions_become_events(void)
{
    fix_up(NULL);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    (void)rsm_chg_events(chg);
    struct vtl_cart_info cart;
    CU_ASSERT_EQUAL_FATAL(vtl_cart_from_barcode("B00001L8", 0, &cart), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(vtl_fault_cartridge_appears(f.lib, &cart, 0), VTL_OK);
    CU_ASSERT_EQUAL(rsm_chg_test_ready(chg), RSM_DEV_OK);
    CU_ASSERT_TRUE(rsm_chg_events(chg) & RSM_DEV_EV_IE_ACCESSED);
    vtl_fault_power_on_reset(f.lib);
    struct rsm_chg_status st;
    CU_ASSERT_EQUAL(rsm_chg_read_status(chg, T10_ELEM_IE, 0, 2, RSM_CHG_RES_VOLTAG, &st),
                    RSM_DEV_OK);
    CU_ASSERT_TRUE(rsm_chg_events(chg) & RSM_DEV_EV_RESET);
    CU_ASSERT_EQUAL_FATAL(st.n, 2);
    CU_ASSERT_TRUE(st.elems[0].full && st.elems[0].impexp);
    CU_ASSERT_STRING_EQUAL(st.elems[0].barcode, "B00001L8");
    rsm_chg_status_free(&st);
    /* UNIT ATTENTION forever: the retry limit ends it. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0x00, 0x6, T10_ASC(0x29, 0x00), 50), VTL_OK);
    rsm_chg_close(chg);
    struct rsm_dev_opts o = {.ua_retries = 3};
    CU_ASSERT_EQUAL(rsm_chg_open(xp, &o, &chg), RSM_DEV_E_UNIT_ATTENTION);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(f.lib), 50 - 4);
    fix_down();
}

static void mode_sense_falls_back_to_dbd0(void)
{
    fix_up(NULL);
    /* The first MODE SENSE(6) (DBD=1, page 1Dh) is refused. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0x1A, 0x5, T10_ASC(0x24, 0x00), 1), VTL_OK);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    CU_ASSERT_EQUAL(rsm_chg_layout(chg)->st.count, 24);
    rsm_chg_close(chg);
    /* Both forms refused: no layout, no changer. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0x1A, 0x5, T10_ASC(0x24, 0x00), 2), VTL_OK);
    CU_ASSERT_EQUAL(rsm_chg_open(xp, NULL, &chg), RSM_DEV_E_PROTOCOL);
    fix_down();
}

static void timeouts_from_rsoc_or_defaults(void)
{
    fix_up(NULL);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    bool from;
    uint32_t t = rsm_chg_timeout_ms(chg, 0xA5, &from);
    CU_ASSERT_TRUE(from);
    CU_ASSERT_TRUE(t >= 60000); /* recommended = 4 x nominal, at least 60 s (sim README) */
    rsm_chg_close(chg);
    struct rsm_dev_opts o = {.no_rsoc = true};
    chg = open_chg(&o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    CU_ASSERT_EQUAL(rsm_chg_timeout_ms(chg, 0xA5, &from), 300000);
    CU_ASSERT_FALSE(from);
    CU_ASSERT_EQUAL(rsm_chg_timeout_ms(chg, 0x07, &from), 3600000);
    rsm_chg_close(chg);
    fix_down();
}

static void res_falls_back_without_dvcid_then_voltag(void)
{
    fix_up(NULL);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    struct rsm_chg_status st;
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_DT, 0, 2, RSM_CHG_RES_VOLTAG | RSM_CHG_RES_DVCID, &st),
        RSM_DEV_OK);
    CU_ASSERT_TRUE(st.dvcid);
    CU_ASSERT_TRUE(st.elems[0].ident_len > 0);
    rsm_chg_status_free(&st);
    /* The changer refuses the CDB with DVCID: asked again without, and remembered. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0xB8, 0x5, T10_ASC(0x24, 0x00), 1), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_DT, 0, 2, RSM_CHG_RES_VOLTAG | RSM_CHG_RES_DVCID, &st),
        RSM_DEV_OK);
    CU_ASSERT_FALSE(st.dvcid);
    CU_ASSERT_TRUE(st.voltag);
    CU_ASSERT_EQUAL(st.n, 2);
    CU_ASSERT_EQUAL(st.elems[0].ident_len, 0);
    rsm_chg_status_free(&st);
    unsigned long before = f.n_res;
    CU_ASSERT_EQUAL(rsm_chg_read_status(chg, T10_ELEM_DT, 0, 2, RSM_CHG_RES_DVCID, &st),
                    RSM_DEV_OK);
    CU_ASSERT_EQUAL(f.n_res - before, 1); /* no second refusal needed */
    CU_ASSERT_FALSE(st.dvcid);
    rsm_chg_status_free(&st);
    /* Then VolTag is refused as well: elements without barcodes, still all of them. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0xB8, 0x5, T10_ASC(0x24, 0x00), 1), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_STORAGE, 0, 24, RSM_CHG_RES_VOLTAG, &st), RSM_DEV_OK);
    CU_ASSERT_FALSE(st.voltag);
    CU_ASSERT_EQUAL(st.n, 24);
    CU_ASSERT_TRUE(st.elems[0].full);
    CU_ASSERT_STRING_EQUAL(st.elems[0].barcode, "");
    rsm_chg_status_free(&st);
    /* Another ILLEGAL REQUEST is not a reason to drop anything. */
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0xB8, 0x5, T10_ASC(0x21, 0x01), 1), VTL_OK);
    CU_ASSERT_EQUAL(rsm_chg_read_status(chg, T10_ELEM_STORAGE, 0, 24, 0, &st), RSM_DEV_E_BAD_ADDR);
    CU_ASSERT_EQUAL(st.n, 0);
    rsm_chg_status_free(&st);
    rsm_chg_close(chg);
    fix_down();
}

static char cfg_dir[256];

static const char *write_config(unsigned slots)
{
    static char path[300];
    test_mkdtemp(cfg_dir, sizeof cfg_dir);
    snprintf(path, sizeof path, "%s/lib.yaml", cfg_dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return NULL;
    fprintf(fp, "personality: ibm-ts4300\nslots: %u\ncartridges:\n", slots);
    for (unsigned i = 0; i < slots; i += 3)
        fprintf(fp, "  - {barcode: C%05uL8, slot: %u}\n", i, i + 1);
    fclose(fp);
    return path;
}

static void res_pages_by_start_address(void)
{
    const char *cfg = write_config(1000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    fix_up(cfg);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    CU_ASSERT_EQUAL(rsm_chg_layout(chg)->st.count, 1000);
    struct rsm_chg_status one, paged;
    unsigned long before = f.n_res;
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_STORAGE, 0, 1000, RSM_CHG_RES_VOLTAG, &one), RSM_DEV_OK);
    CU_ASSERT_EQUAL(f.n_res - before, 1); /* sized right: one command */
    CU_ASSERT_EQUAL(one.n, 1000);
    /* A changer that moves at most 4 KiB per command: the driver continues at the next
     * address until it has every element, each exactly once. */
    f.res_clip = 4096;
    before = f.n_res;
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_STORAGE, 0, 1000, RSM_CHG_RES_VOLTAG, &paged),
        RSM_DEV_OK);
    CU_ASSERT_EQUAL(paged.n, 1000);
    CU_ASSERT_TRUE(f.n_res - before >= 1000 * 48 / 4096);
    unsigned full = 0;
    for (size_t i = 0; i < paged.n && i < one.n; i++) {
        CU_ASSERT_EQUAL(paged.elems[i].addr, 1025 + i);
        CU_ASSERT_EQUAL(paged.elems[i].full, one.elems[i].full);
        CU_ASSERT_STRING_EQUAL(paged.elems[i].barcode, one.elems[i].barcode);
        full += paged.elems[i].full;
    }
    CU_ASSERT_EQUAL(full, 334);
    CU_ASSERT_STRING_EQUAL(paged.elems[999].barcode, "C00999L8");
    rsm_chg_status_free(&paged);
    /* A changer that reports at most 128 elements per command, whole: same result. */
    f.res_clip = 0;
    f.res_max_elems = 128;
    before = f.n_res;
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_STORAGE, 0, 1000, RSM_CHG_RES_VOLTAG, &paged),
        RSM_DEV_OK);
    CU_ASSERT_EQUAL(paged.n, 1000);
    CU_ASSERT_EQUAL(f.n_res - before, (1000 + 127) / 128);
    for (size_t i = 0; i < paged.n && i < one.n; i++) {
        CU_ASSERT_EQUAL(paged.elems[i].addr, 1025 + i);
        CU_ASSERT_STRING_EQUAL(paged.elems[i].barcode, one.elems[i].barcode);
    }
    /* Asking past the end of a type: what exists, then an empty answer ends it. */
    rsm_chg_status_free(&paged);
    f.res_max_elems = 0;
    CU_ASSERT_EQUAL_FATAL(rsm_chg_read_status(chg, T10_ELEM_STORAGE, 1025 + 995, 20, 0, &paged),
                          RSM_DEV_OK);
    CU_ASSERT_EQUAL(paged.n, 5);
    rsm_chg_status_free(&one);
    rsm_chg_status_free(&paged);
    /* A window in the middle. */
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_STORAGE, 1025 + 300, 10, RSM_CHG_RES_VOLTAG, &one),
        RSM_DEV_OK);
    CU_ASSERT_EQUAL(one.n, 10);
    CU_ASSERT_EQUAL(one.elems[0].addr, 1325);
    CU_ASSERT_STRING_EQUAL(one.elems[0].barcode, "C00300L8");
    rsm_chg_status_free(&one);
    rsm_chg_close(chg);
    fix_down();
    test_rmtree(cfg_dir);
}

static void motions_and_their_sense(void)
{
    fix_up(NULL);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    struct rsm_chg_status st;
    /* EXCHANGE: slot 1 -> slot 2, slot 2's cartridge -> slot 23. */
    CU_ASSERT_EQUAL(rsm_chg_exchange(chg, 1025, 1026, 1047), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(
        rsm_chg_read_status(chg, T10_ELEM_STORAGE, 0, 24, RSM_CHG_RES_VOLTAG, &st), RSM_DEV_OK);
    CU_ASSERT_FALSE(st.elems[0].full);
    CU_ASSERT_STRING_EQUAL(st.elems[1].barcode, "A00000L8");
    CU_ASSERT_STRING_EQUAL(st.elems[22].barcode, "A00001L8");
    CU_ASSERT_TRUE(st.elems[1].src_valid && st.elems[1].src_addr == 1025);
    rsm_chg_status_free(&st);
    /* Moves: slot -> mail slot -> slot. */
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 1026, 769), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 769, 1025), RSM_DEV_OK);
    /* PREVENT locks the mail slots: exporting fails 53/02, ALLOW releases. */
    CU_ASSERT_EQUAL(rsm_chg_prevent(chg, true), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 1025, 769), RSM_DEV_E_PREVENTED);
    CU_ASSERT_EQUAL(rsm_chg_last_sense(chg)->asc, 0x53);
    CU_ASSERT_EQUAL(rsm_chg_ie_open(chg, 769), RSM_DEV_E_PREVENTED);
    CU_ASSERT_EQUAL(rsm_chg_prevent(chg, false), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_chg_ie_open(chg, 769), RSM_DEV_OK);
    (void)rsm_chg_events(chg);
    CU_ASSERT_EQUAL(rsm_chg_ie_close(chg, 769), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_chg_test_ready(chg), RSM_DEV_OK);
    CU_ASSERT_TRUE(rsm_chg_events(chg) & RSM_DEV_EV_IE_ACCESSED);
    /* A cleaning cartridge cannot go to... a full slot, whatever it is. */
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 1045, 1025), RSM_DEV_E_DST_FULL);
    /* Jam: HARDWARE ERROR 15/01; INITIALIZE ELEMENT STATUS fails too while jammed. */
    vtl_fault_robot_jam(f.lib, 0);
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 1025, 1048), RSM_DEV_E_HARDWARE);
    const struct rsm_dev_sense *s = rsm_chg_last_sense(chg);
    CU_ASSERT_TRUE(s->key == 4 && s->asc == 0x15 && s->ascq == 0x01);
    char text[200];
    CU_ASSERT_TRUE(rsm_dev_sense_text(text, sizeof text, s) > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "15/01"));
    vtl_fault_clear_jam(f.lib);
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 1025, 1048), RSM_DEV_OK);
    CU_ASSERT_EQUAL(rsm_chg_move(chg, 1048, 1025), RSM_DEV_OK);
    rsm_chg_close(chg);
    fix_down();
}

static void initialize_element_status_full_and_range(void)
{
    fix_up(NULL);
    struct rsm_chg *chg = open_chg(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chg);
    struct rsm_chg_status st;
    CU_ASSERT_EQUAL(vtl_fault_element_exception(f.lib, 1030, T10_ASC(0x83, 0x00)), VTL_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_chg_read_status(chg, T10_ELEM_STORAGE, 1030, 1, 0, &st), RSM_DEV_OK);
    CU_ASSERT_TRUE(st.elems[0].except && st.elems[0].asc == 0x83);
    rsm_chg_status_free(&st);
    CU_ASSERT_EQUAL(rsm_chg_init_status(chg), RSM_DEV_OK);
    CU_ASSERT_EQUAL_FATAL(rsm_chg_read_status(chg, T10_ELEM_STORAGE, 1030, 1, 0, &st), RSM_DEV_OK);
    CU_ASSERT_FALSE(st.elems[0].except);
    rsm_chg_status_free(&st);
    /* WITH RANGE: this IBM-like changer lists the vendor opcode E7h in RSOC, so that is
     * what goes out (a fault on E7h proves it). */
    CU_ASSERT_EQUAL(rsm_chg_init_status_range(chg, 1025, 5), RSM_DEV_OK);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(f.lib, 0xE7, 0x5, T10_ASC(0x24, 0x00), 1), VTL_OK);
    CU_ASSERT_EQUAL(rsm_chg_init_status_range(chg, 1025, 5), RSM_DEV_E_ILLEGAL);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(f.lib), 0);
    /* Jammed: the scan fails with the robot's sense. */
    vtl_fault_robot_jam(f.lib, 0);
    CU_ASSERT_EQUAL(rsm_chg_init_status(chg), RSM_DEV_E_HARDWARE);
    vtl_fault_clear_jam(f.lib);
    rsm_chg_close(chg);
    fix_down();
}

static void sense_classification_table(void)
{
    struct {
        uint8_t status, key, asc, ascq;
        enum rsm_dev_rc rc;
    } rows[] = {
        {0x00, 0, 0, 0, RSM_DEV_OK},
        {0x02, 0x2, 0x04, 0x01, RSM_DEV_E_BECOMING_READY},
        {0x02, 0x2, 0x04, 0x03, RSM_DEV_E_DOOR_OPEN},
        {0x02, 0x2, 0x04, 0x12, RSM_DEV_E_NOT_READY},
        {0x02, 0x2, 0x3A, 0x00, RSM_DEV_E_NO_MEDIUM},
        {0x02, 0x5, 0x3B, 0x0E, RSM_DEV_E_SRC_EMPTY},
        {0x02, 0x5, 0x3B, 0x0D, RSM_DEV_E_DST_FULL},
        {0x02, 0x5, 0x53, 0x02, RSM_DEV_E_PREVENTED},
        {0x02, 0x5, 0x21, 0x01, RSM_DEV_E_BAD_ADDR},
        {0x02, 0x5, 0x30, 0x00, RSM_DEV_E_INCOMPATIBLE},
        {0x02, 0x5, 0x20, 0x00, RSM_DEV_E_UNSUPPORTED},
        {0x02, 0x5, 0x24, 0x00, RSM_DEV_E_ILLEGAL},
        {0x02, 0x4, 0x15, 0x01, RSM_DEV_E_HARDWARE},
        {0x02, 0x3, 0x11, 0x00, RSM_DEV_E_MEDIUM},
        {0x02, 0x7, 0x27, 0x00, RSM_DEV_E_WRITE_PROTECT},
        {0x02, 0x8, 0x00, 0x05, RSM_DEV_E_BLANK},
        {0x02, 0x6, 0x28, 0x00, RSM_DEV_E_UNIT_ATTENTION},
        {0x02, 0xB, 0x00, 0x00, RSM_DEV_E_ABORTED},
        {0x02, 0xD, 0x00, 0x02, RSM_DEV_E_EOM},
        {0x18, 0, 0, 0, RSM_DEV_E_CONFLICT},
        {0x08, 0, 0, 0, RSM_DEV_E_BUSY},
        {0x40, 0, 0, 0, RSM_DEV_E_ABORTED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct rsm_dev_sense s = {.valid = rows[i].status == 0x02,
                                  .status = rows[i].status,
                                  .key = rows[i].key,
                                  .asc = rows[i].asc,
                                  .ascq = rows[i].ascq};
        CU_ASSERT_EQUAL(rsm_dev_classify(&s), rows[i].rc);
        CU_ASSERT_PTR_NOT_NULL(strstr(rsm_dev_rc_name(rows[i].rc), "RSM_DEV_"));
    }
    struct rsm_dev_sense fm = {.valid = true, .status = 2, .key = 0, .filemark = true};
    CU_ASSERT_EQUAL(rsm_dev_classify(&fm), RSM_DEV_E_FILEMARK);
    CU_ASSERT_STRING_EQUAL(rsm_dev_rc_name((enum rsm_dev_rc)999), "RSM_DEV_E_?");
}

static CU_TestInfo tests[] = {
    {"open_reads_identity_layout_caps", open_reads_identity_layout_caps},
    {"open_rejects_a_drive", open_rejects_a_drive},
    {"open_waits_while_becoming_ready", open_waits_while_becoming_ready},
    {"unit_attentions_become_events", unit_attentions_become_events},
    {"mode_sense_falls_back_to_dbd0", mode_sense_falls_back_to_dbd0},
    {"timeouts_from_rsoc_or_defaults", timeouts_from_rsoc_or_defaults},
    {"res_falls_back_without_dvcid_then_voltag", res_falls_back_without_dvcid_then_voltag},
    {"res_pages_by_start_address", res_pages_by_start_address},
    {"motions_and_their_sense", motions_and_their_sense},
    {"initialize_element_status_full_and_range", initialize_element_status_full_and_range},
    {"sense_classification_table", sense_classification_table},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_dev_changer_suites[] = {
    {"changer", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
