/* SPDX-License-Identifier: MIT
 * sim/target/tests/test_spc.c - SPC-4 behaviour of the changer LUN through
 * vtl_lun_execute(): identification, unit attentions per nexus, sense format, mode and
 * log pages, RSOC, reservations, PREVENT ALLOW, LUN handling, fault injection.
 */
#include <string.h>

#include "scsi/log.h"
#include "scsi/luns.h"
#include "scsi/mode.h"
#include "scsi/rsoc.h"
#include "scsi/vpd.h"
#include "scsi/pr.h"
#include "sim/target/local.h"
#include "sim/target/tests/helpers.h"
#include "tests/lib/cutest.h"

static struct tres r; /* large: keep off the stack */

static struct t10_cdb inquiry(bool evpd, uint8_t page, uint16_t alloc)
{
    struct t10_cdb c = th_cdb(T10_CDB_INQUIRY);
    c.u.inquiry = (struct t10_cdb_inquiry){.evpd = evpd, .page = page, .alloc_len = alloc};
    return c;
}

static void inquiry_reports_changer_identity(void)
{
    struct vtl_library *lib = th_default();
    uint64_t nx = vtl_nexus_open(lib);
    struct t10_cdb c = inquiry(false, 0, 96);
    th_run(lib, nx, 0, &c, NULL, 0, 96, &r);
    TH_GOOD(&r);
    struct t10_inquiry inq;
    CU_ASSERT_EQUAL_FATAL(t10_inquiry_decode(r.data, r.len, &inq), T10_OK);
    CU_ASSERT_EQUAL(inq.pdt, T10_PDT_CHANGER);
    CU_ASSERT_EQUAL(inq.qualifier, 0);
    CU_ASSERT_TRUE(inq.rmb);
    CU_ASSERT_EQUAL(inq.version, T10_VERSION_SPC4);
    CU_ASSERT_STRING_EQUAL(inq.vendor, "IBM");
    CU_ASSERT_STRING_EQUAL(inq.product, "3555L3A");
    CU_ASSERT_STRING_EQUAL(inq.revision, "1060");
    CU_ASSERT_EQUAL(r.data[8 + 3], ' '); /* "IBM" space padded to 8 */
    /* short allocation: cut, ADDITIONAL LENGTH unchanged */
    c = inquiry(false, 0, 5);
    th_run(lib, nx, 0, &c, NULL, 0, 255, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(r.len, 5);
    CU_ASSERT_EQUAL(r.data[4], 31);
    vtl_library_destroy(lib);
}

static void vpd_pages_00_80_83(void)
{
    struct vtl_library *lib = th_default();
    uint64_t nx = vtl_nexus_open(lib);
    struct t10_cdb c = inquiry(true, 0x00, 255);
    th_run(lib, nx, 0, &c, NULL, 0, 255, &r);
    TH_GOOD(&r);
    uint8_t pages[16];
    size_t n;
    CU_ASSERT_EQUAL(t10_vpd_supported_decode(r.data, r.len, pages, 16, &n), T10_OK);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(pages[1], 0x80);
    CU_ASSERT_EQUAL(pages[2], 0x83);
    c = inquiry(true, 0x80, 255);
    th_run(lib, nx, 0, &c, NULL, 0, 255, &r);
    char serial[64];
    CU_ASSERT_EQUAL(t10_vpd_ascii_decode(r.data, r.len, 0x80, serial, sizeof serial), T10_OK);
    CU_ASSERT_STRING_EQUAL(serial, vtl_library_serial(lib));
    c = inquiry(true, 0x83, 255);
    th_run(lib, nx, 0, &c, NULL, 0, 255, &r);
    TH_GOOD(&r);
    uint8_t first[64];
    size_t first_len = r.len;
    memcpy(first, r.data, first_len < 64 ? first_len : 64);
    CU_ASSERT_EQUAL(r.data[1], 0x83);
    CU_ASSERT_EQUAL(r.data[4 + 1] & 0x0F, T10_DESIG_NAA);
    CU_ASSERT_EQUAL(r.data[4 + 4] >> 4, 5); /* NAA IEEE registered */
    /* stable across library instances (udev names) */
    struct vtl_library *lib2 = th_default();
    th_run(lib2, vtl_nexus_open(lib2), 0, &c, NULL, 0, 255, &r);
    CU_ASSERT_EQUAL(r.len, first_len);
    CU_ASSERT_EQUAL(memcmp(r.data, first, first_len < 64 ? first_len : 64), 0);
    vtl_library_destroy(lib2);
    vtl_library_destroy(lib);
}

static void unsupported_vpd_page_is_24_00_at_byte_2(void)
{
    struct vtl_library *lib = th_default();
    struct t10_cdb c = inquiry(true, 0xB0, 255);
    th_run(lib, 1, 0, &c, NULL, 0, 255, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.sense.sks, T10_SKS_FIELD);
    CU_ASSERT_TRUE(r.sense.field.cd);
    CU_ASSERT_EQUAL(r.sense.field.byte, 2);
    CU_ASSERT_EQUAL(r.len, 0);
    vtl_library_destroy(lib);
}

static void unit_attention_is_per_nexus(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = vtl_nexus_open(lib), b = vtl_nexus_open(lib);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x29, 0x00));
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x29, 0x00)); /* b still has its own */
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    /* operator closes the mail slot: 28/01 to both */
    vtl_library_set_mailslot(lib, true);
    vtl_library_set_mailslot(lib, false);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x28, 0x01));
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x28, 0x01));
    vtl_library_destroy(lib);
}

static void inquiry_and_report_luns_do_not_consume_ua(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = vtl_nexus_open(lib);
    struct t10_cdb c = inquiry(false, 0, 36);
    th_run(lib, a, 0, &c, NULL, 0, 36, &r);
    TH_GOOD(&r);
    struct t10_cdb rl = th_cdb(T10_CDB_REPORT_LUNS);
    rl.u.report_luns.alloc_len = 64;
    th_run(lib, a, 0, &rl, NULL, 0, 64, &r);
    TH_GOOD(&r);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x29, 0x00));
    vtl_library_destroy(lib);
}

static void request_sense_returns_ua_then_no_sense(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = vtl_nexus_open(lib);
    struct t10_cdb c = th_cdb(T10_CDB_REQUEST_SENSE);
    c.u.request_sense.alloc_len = 252;
    th_run(lib, a, 0, &c, NULL, 0, 252, &r);
    TH_GOOD(&r);
    struct t10_sense s;
    CU_ASSERT_EQUAL(t10_sense_parse(r.data, r.len, &s), T10_OK);
    CU_ASSERT_FALSE(s.descriptor);
    CU_ASSERT_EQUAL(s.key, 0x6);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x29, 0x00));
    th_run(lib, a, 0, &c, NULL, 0, 252, &r);
    CU_ASSERT_EQUAL(t10_sense_parse(r.data, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 0x0);
    CU_ASSERT_EQUAL(s.asc_ascq, 0);
    /* DESC=1 asks for descriptor format */
    c.u.request_sense.desc = true;
    th_run(lib, a, 0, &c, NULL, 0, 252, &r);
    CU_ASSERT_EQUAL(r.data[0] & 0x7F, 0x72);
    /* door open: REQUEST SENSE says NOT READY 04/03 with GOOD status */
    vtl_library_set_door(lib, true);
    c.u.request_sense.desc = false;
    th_run(lib, a, 0, &c, NULL, 0, 252, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(t10_sense_parse(r.data, r.len, &s), T10_OK);
    CU_ASSERT_EQUAL(s.key, 0x2);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x04, 0x03));
    vtl_library_destroy(lib);
}

static void door_open_tur_not_ready_close_gives_28_00(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    vtl_library_set_door(lib, true);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x2, T10_ASC(0x04, 0x03));
    vtl_library_set_door(lib, false);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x28, 0x00));
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    vtl_library_destroy(lib);
}

static enum vtl_exec drive_lun(void *priv, struct vtl_cmd *cmd)
{
    (*(int *)priv)++;
    cmd->status = VTL_STATUS_GOOD;
    return VTL_EXEC_DONE;
}

static void drive_luns_absent_until_attached(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 1, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x25, 0x00));
    struct t10_cdb c = inquiry(false, 0, 36);
    th_run(lib, a, 1, &c, NULL, 0, 36, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(r.data[0], 0x7F); /* qualifier 011b, type 1Fh */
    struct t10_cdb rs = th_cdb(T10_CDB_REQUEST_SENSE);
    rs.u.request_sense.alloc_len = 18;
    th_run(lib, a, 1, &rs, NULL, 0, 18, &r);
    TH_GOOD(&r);
    struct t10_sense s;
    t10_sense_parse(r.data, r.len, &s);
    CU_ASSERT_EQUAL(s.asc_ascq, T10_ASC(0x25, 0x00));

    int calls = 0;
    CU_ASSERT_EQUAL(vtl_lun_attach(lib, 0, drive_lun, &calls), VTL_E_INVAL);
    CU_ASSERT_EQUAL(vtl_lun_attach(lib, 2, drive_lun, &calls), VTL_OK);
    th_run(lib, a, 2, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(calls, 1);
    struct t10_cdb rl = th_cdb(T10_CDB_REPORT_LUNS);
    rl.u.report_luns.alloc_len = 256;
    th_run(lib, a, 0, &rl, NULL, 0, 256, &r);
    TH_GOOD(&r);
    uint16_t luns[8];
    size_t n, listed;
    bool trunc;
    CU_ASSERT_EQUAL(t10_report_luns_decode(r.data, r.len, luns, 8, &n, &listed, NULL, &trunc),
                    T10_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(luns[0], 0);
    CU_ASSERT_EQUAL(luns[1], 2);
    vtl_library_destroy(lib);
}

static void unknown_opcode_is_20_00(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    static const uint8_t ops[] = {0x28, 0x4C, 0x08, 0xFF, 0x3B};
    for (size_t i = 0; i < sizeof ops; i++) {
        uint8_t cdb[16] = {ops[i]};
        th_run_raw(lib, a, 0, cdb, 10, NULL, 0, 0, &r);
        TH_CHECK(&r, 0x5, T10_ASC(0x20, 0x00));
    }
    vtl_library_destroy(lib);
}

static void reserved_bit_in_cdb_is_24_00_with_pointer(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    uint8_t cdb[6] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    cdb[1] = 0x80; /* reserved in TEST UNIT READY */
    th_run_raw(lib, a, 0, cdb, 6, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.sense.sks, T10_SKS_FIELD);
    CU_ASSERT_EQUAL(r.sense.field.byte, 1);
    vtl_library_destroy(lib);
}

static struct t10_cdb mode_sense(bool ten, bool dbd, uint8_t pc, uint8_t page, uint16_t alloc)
{
    struct t10_cdb c = th_cdb(ten ? T10_CDB_MODE_SENSE10 : T10_CDB_MODE_SENSE6);
    c.u.mode_sense =
        (struct t10_cdb_mode_sense){.dbd = dbd, .pc = pc, .page = page, .alloc_len = alloc};
    return c;
}

static void mode_sense_1d_with_dbd_0_and_1(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    for (int dbd = 0; dbd < 2; dbd++) {
        struct t10_cdb c = mode_sense(false, dbd, 0, 0x1D, 255);
        th_run(lib, a, 0, &c, NULL, 0, 255, &r);
        TH_GOOD(&r);
        CU_ASSERT_EQUAL(r.len, 4 + 20);
        const uint8_t *pg;
        size_t pl;
        CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(r.data, r.len, false, 0x1D, 0, &pg, &pl), T10_OK);
        struct t10_mode_eaa e;
        CU_ASSERT_EQUAL(t10_mode_eaa_decode(pg, pl, &e), T10_OK);
        CU_ASSERT_EQUAL(pg[1], 0x12);
        CU_ASSERT_EQUAL(e.mt_first, 1);
        CU_ASSERT_EQUAL(e.dt_first, 257);
        CU_ASSERT_EQUAL(e.dt_count, 2);
        CU_ASSERT_EQUAL(e.ie_first, 769);
        CU_ASSERT_EQUAL(e.ie_count, 2);
        CU_ASSERT_EQUAL(e.st_first, 1025);
        CU_ASSERT_EQUAL(e.st_count, 24);
    }
    vtl_library_destroy(lib);
}

static void mode_sense_all_pages_and_capabilities(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = mode_sense(true, true, 0, 0x3F, 1024);
    th_run(lib, a, 0, &c, NULL, 0, 1024, &r);
    TH_GOOD(&r);
    static const uint8_t want[] = {0x0A, 0x1D, 0x1E, 0x1F};
    for (size_t i = 0; i < sizeof want; i++) {
        const uint8_t *pg;
        size_t pl;
        CU_ASSERT_EQUAL(t10_mode_find_page(r.data, r.len, true, want[i], 0, &pg, &pl), T10_OK);
    }
    const uint8_t *pg;
    size_t pl;
    t10_mode_find_page(r.data, r.len, true, 0x1F, 0, &pg, &pl);
    struct t10_mode_devcap cap;
    CU_ASSERT_EQUAL(t10_mode_devcap_decode(pg, pl, &cap), T10_OK);
    CU_ASSERT_TRUE(cap.move[1] & T10_CAP_DT); /* storage -> drive */
    CU_ASSERT_TRUE(cap.move[3] & T10_CAP_ST); /* drive -> storage */
    CU_ASSERT_TRUE(cap.exchange[1] & T10_CAP_ST);
    /* unsupported page */
    c = mode_sense(false, true, 0, 0x02, 255);
    th_run(lib, a, 0, &c, NULL, 0, 255, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.sense.field.byte, 2);
    /* changeable values: only D_SENSE */
    c = mode_sense(false, true, 1, 0x0A, 255);
    th_run(lib, a, 0, &c, NULL, 0, 255, &r);
    TH_GOOD(&r);
    t10_mode_find_page(r.data, r.len, false, 0x0A, 0, &pg, &pl);
    struct t10_mode_control ctl;
    CU_ASSERT_EQUAL(t10_mode_control_decode(pg, pl, &ctl), T10_OK);
    CU_ASSERT_TRUE(ctl.d_sense);
    CU_ASSERT_EQUAL(ctl.qam, 0);
    vtl_library_destroy(lib);
}

/* Fetch current page 0Ah (MODE SENSE(6)) and return it as a MODE SELECT(6) list. */
static size_t control_select_list(struct vtl_library *lib, uint64_t a, uint8_t *list)
{
    struct t10_cdb c = mode_sense(false, true, 0, 0x0A, 255);
    th_run(lib, a, 0, &c, NULL, 0, 255, &r);
    memcpy(list, r.data, r.len);
    list[0] = 0;     /* MODE DATA LENGTH is reserved in MODE SELECT */
    list[4] &= 0x7F; /* PS reserved */
    return r.len;
}

static void mode_select_d_sense_switches_format_and_tells_others(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    uint8_t list[64];
    size_t n = control_select_list(lib, a, list);
    list[4 + 2] |= 0x04; /* D_SENSE (control page byte 2 bit 2) */
    struct t10_cdb c = th_cdb(T10_CDB_MODE_SELECT6);
    c.u.mode_select = (struct t10_cdb_mode_select){.pf = true, .param_len = (uint16_t)n};
    th_run(lib, a, 0, &c, list, n, 0, &r);
    TH_GOOD(&r);
    /* b hears MODE PARAMETERS CHANGED, a does not; sense now in descriptor format */
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x2A, 0x01));
    CU_ASSERT_TRUE(r.sense.descriptor);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    uint8_t bad[16] = {0x3B};
    th_run_raw(lib, a, 0, bad, 6, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x20, 0x00));
    CU_ASSERT_TRUE(r.sense.descriptor);
    vtl_library_destroy(lib);
}

static void mode_select_fixed_bit_is_26_00_with_pointer(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    uint8_t list[64];
    size_t n = control_select_list(lib, a, list);
    list[4 + 2] |= 0x02; /* GLTSD: not changeable here */
    struct t10_cdb c = th_cdb(T10_CDB_MODE_SELECT6);
    c.u.mode_select = (struct t10_cdb_mode_select){.pf = true, .param_len = (uint16_t)n};
    th_run(lib, a, 0, &c, list, n, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x26, 0x00));
    CU_ASSERT_EQUAL(r.sense.sks, T10_SKS_FIELD);
    CU_ASSERT_FALSE(r.sense.field.cd);
    CU_ASSERT_EQUAL(r.sense.field.byte, 6);
    CU_ASSERT_EQUAL(r.sense.field.bit, 1);
    /* nothing applied: still fixed format */
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    vtl_library_set_door(lib, true);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    CU_ASSERT_FALSE(r.sense.descriptor);
    vtl_library_destroy(lib);
}

static void log_sense_tapealert_reports_jam_and_clears(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = th_cdb(T10_CDB_LOG_SENSE);
    c.u.log_sense = (struct t10_cdb_log_sense){.pc = 1, .page = 0x00, .alloc_len = 64};
    th_run(lib, a, 0, &c, NULL, 0, 64, &r);
    TH_GOOD(&r);
    uint8_t pages[8];
    size_t n;
    CU_ASSERT_EQUAL(t10_log_supported_decode(r.data, r.len, pages, 8, &n), T10_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(pages[1], 0x2E);
    vtl_fault_robot_jam(lib, 0);
    c.u.log_sense.page = 0x2E;
    c.u.log_sense.alloc_len = 1024;
    th_run(lib, a, 0, &c, NULL, 0, 1024, &r);
    TH_GOOD(&r);
    uint64_t flags;
    bool trunc;
    CU_ASSERT_EQUAL(t10_log_tapealert_decode(r.data, r.len, &flags, &trunc), T10_OK);
    CU_ASSERT_EQUAL(flags, T10_TA_FLAG(1));
    th_run(lib, a, 0, &c, NULL, 0, 1024, &r);
    t10_log_tapealert_decode(r.data, r.len, &flags, &trunc);
    CU_ASSERT_EQUAL(flags, 0);
    /* PARAMETER POINTER 0x10: flags 16..64 only; the door flag (10h) is among them */
    vtl_fault_door_left_open(lib);
    vtl_fault_robot_jam(lib, 0);
    c.u.log_sense.param_ptr = 0x10;
    th_run(lib, a, 0, &c, NULL, 0, 1024, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(r.len, 4 + 49 * 5);
    CU_ASSERT_EQUAL(t10_log_tapealert_decode(r.data, r.len, &flags, &trunc), T10_OK);
    CU_ASSERT_EQUAL(flags, T10_TA_FLAG(0x10));
    c.u.log_sense.param_ptr = 65;
    th_run(lib, a, 0, &c, NULL, 0, 1024, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    c.u.log_sense.param_ptr = 0;
    c.u.log_sense.page = 0x0C;
    th_run(lib, a, 0, &c, NULL, 0, 1024, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    vtl_library_destroy(lib);
}

struct rsoc_walk {
    struct vtl_library *lib;
    uint64_t nx;
    int n;
    bool all_ok;
};

static enum t10_rc rsoc_check_one(const struct t10_rsoc_desc *d, void *arg)
{
    struct rsoc_walk *w = arg;
    static struct tres one;
    struct t10_cdb c = th_cdb(T10_CDB_RSOC);
    c.u.rsoc = (struct t10_cdb_rsoc){
        .options = d->servactv ? 2 : 1, .req_op = d->op, .req_sa = d->sa, .alloc_len = 64};
    th_run(w->lib, w->nx, 0, &c, NULL, 0, 64, &one);
    struct t10_rsoc_one o;
    bool trunc;
    if (one.status != VTL_STATUS_GOOD ||
        t10_rsoc_one_decode(one.data, one.len, &o, &trunc) != T10_OK ||
        o.support != T10_RSOC_SUPPORTED || o.cdb_size != d->cdb_len)
        w->all_ok = false;
    w->n++;
    return T10_OK;
}

static void rsoc_advertises_exactly_the_accepted_set(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = th_cdb(T10_CDB_RSOC);
    c.u.rsoc = (struct t10_cdb_rsoc){.options = 0, .rctd = true, .alloc_len = 4096};
    th_run(lib, a, 0, &c, NULL, 0, 4096, &r);
    TH_GOOD(&r);
    struct rsoc_walk w = {.lib = lib, .nx = a, .all_ok = true};
    bool trunc;
    CU_ASSERT_EQUAL(t10_rsoc_all_walk(r.data, r.len, rsoc_check_one, &w, &trunc), T10_OK);
    CU_ASSERT_FALSE(trunc);
    CU_ASSERT_TRUE(w.all_ok);
    CU_ASSERT_TRUE(w.n >= 30);
    /* IBM personality: E7h advertised, 37h not */
    c.u.rsoc = (struct t10_cdb_rsoc){.options = 1, .req_op = 0x37, .alloc_len = 64};
    th_run(lib, a, 0, &c, NULL, 0, 64, &r);
    struct t10_rsoc_one o;
    CU_ASSERT_EQUAL(t10_rsoc_one_decode(r.data, r.len, &o, &trunc), T10_OK);
    CU_ASSERT_EQUAL(o.support, T10_RSOC_UNSUPPORTED);
    uint8_t cdb37[10] = {0x37};
    th_run_raw(lib, a, 0, cdb37, 10, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x20, 0x00));
    /* one-command form with timeouts */
    c.u.rsoc = (struct t10_cdb_rsoc){.options = 1, .req_op = 0xA5, .rctd = true, .alloc_len = 64};
    th_run(lib, a, 0, &c, NULL, 0, 64, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(t10_rsoc_one_decode(r.data, r.len, &o, &trunc), T10_OK);
    CU_ASSERT_TRUE(o.ctdp);
    CU_ASSERT_EQUAL(o.cdb_size, 12);
    CU_ASSERT_EQUAL(o.to.nominal_s, 9); /* IBM move delay */
    CU_ASSERT_TRUE(o.to.recommended_s >= o.to.nominal_s);
    /* options 001b on a command with service actions is an error */
    c.u.rsoc = (struct t10_cdb_rsoc){.options = 1, .req_op = 0x5E, .alloc_len = 64};
    th_run(lib, a, 0, &c, NULL, 0, 64, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    vtl_library_destroy(lib);
}

static void reserve6_conflicts_for_other_nexus(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    struct t10_cdb res = th_cdb(T10_CDB_RESERVE6), rel = th_cdb(T10_CDB_RELEASE6);
    th_run(lib, a, 0, &res, NULL, 0, 0, &r);
    TH_GOOD(&r);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    struct t10_cdb c = inquiry(false, 0, 36);
    th_run(lib, b, 0, &c, NULL, 0, 36, &r);
    TH_GOOD(&r);
    th_run(lib, b, 0, &res, NULL, 0, 0, &r);
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    th_run(lib, b, 0, &rel, NULL, 0, 0, &r); /* not the holder: GOOD, no effect */
    TH_GOOD(&r);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    th_run(lib, a, 0, &rel, NULL, 0, 0, &r);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    /* nexus loss releases */
    th_run(lib, a, 0, &res, NULL, 0, 0, &r);
    vtl_nexus_close(lib, a);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    vtl_library_destroy(lib);
}

static void pr_out(struct vtl_library *lib, uint64_t nx, uint8_t sa, uint8_t type, uint64_t key,
                   uint64_t sa_key)
{
    uint8_t list[24] = {0};
    for (int i = 0; i < 8; i++) {
        list[i] = (uint8_t)(key >> (56 - 8 * i));
        list[8 + i] = (uint8_t)(sa_key >> (56 - 8 * i));
    }
    struct t10_cdb c = th_cdb(T10_CDB_PR_OUT);
    c.u.pr_out = (struct t10_cdb_pr_out){.sa = sa, .type = type, .param_len = 24};
    th_run(lib, nx, 0, &c, list, 24, 0, &r);
}

static void persistent_reservations_register_reserve_preempt_clear(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib), cx = th_nexus(lib);
    pr_out(lib, a, 0, 0, 0, 0xA);
    TH_GOOD(&r);
    pr_out(lib, b, 0, 0, 0, 0xB);
    TH_GOOD(&r);
    pr_out(lib, a, 1, 1, 0xA, 0); /* RESERVE Write Exclusive */
    TH_GOOD(&r);
    /* read keys and reservation */
    struct t10_cdb in = th_cdb(T10_CDB_PR_IN);
    in.u.pr_in = (struct t10_cdb_pr_in){.sa = 0, .alloc_len = 128};
    th_run(lib, cx, 0, &in, NULL, 0, 128, &r);
    TH_GOOD(&r);
    uint32_t gen;
    uint64_t keys[4];
    size_t nk, n_listed;
    bool trunc;
    CU_ASSERT_EQUAL(t10_prin_keys_decode(r.data, r.len, &gen, keys, 4, &nk, &n_listed, &trunc),
                    T10_OK);
    CU_ASSERT_EQUAL(nk, 2);
    in.u.pr_in.sa = 1;
    th_run(lib, cx, 0, &in, NULL, 0, 128, &r);
    struct t10_prin_resv rv_in;
    CU_ASSERT_EQUAL(t10_prin_resv_decode(r.data, r.len, &rv_in), T10_OK);
    CU_ASSERT_TRUE(rv_in.held);
    CU_ASSERT_EQUAL(rv_in.key, 0xA);
    CU_ASSERT_EQUAL(rv_in.type, 1);
    /* Write Exclusive: others may read (RES) but not move */
    struct t10_cdb res = th_cdb(T10_CDB_READ_ELEMENT_STATUS);
    res.u.res = (struct t10_cdb_res){.n_elems = 100, .alloc_len = 1024};
    th_run(lib, cx, 0, &res, NULL, 0, 1024, &r);
    TH_GOOD(&r);
    struct t10_cdb mv = th_cdb(T10_CDB_MOVE_MEDIUM);
    mv.u.move = (struct t10_cdb_move){.src = 1025, .dst = 257};
    th_run(lib, cx, 0, &mv, NULL, 0, 0, &r);
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    th_run(lib, b, 0, &mv, NULL, 0, 0, &r); /* registered but not holder of a WE */
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    th_run(lib, a, 0, &mv, NULL, 0, 0, &r);
    TH_GOOD(&r);
    /* b preempts a: takes an Exclusive Access reservation; a hears 2A/05 */
    pr_out(lib, b, 4, 3, 0xB, 0xA);
    TH_GOOD(&r);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x2A, 0x05));
    th_run(lib, cx, 0, &res, NULL, 0, 1024, &r); /* EA: reads conflict too */
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    /* wrong key => conflict, RESERVE from an unregistered nexus => conflict */
    pr_out(lib, cx, 1, 3, 0x99, 0);
    CU_ASSERT_EQUAL(r.status, VTL_STATUS_RESERVATION_CONFLICT);
    /* CLEAR by the holder */
    pr_out(lib, b, 3, 0, 0xB, 0);
    TH_GOOD(&r);
    th_run(lib, cx, 0, &res, NULL, 0, 1024, &r);
    TH_GOOD(&r);
    /* bad parameter list length */
    struct t10_cdb c = th_cdb(T10_CDB_PR_OUT);
    c.u.pr_out = (struct t10_cdb_pr_out){.sa = 0, .param_len = 20};
    uint8_t list[24] = {0};
    th_run(lib, a, 0, &c, list, 20, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x1A, 0x00));
    /* capabilities */
    in.u.pr_in.sa = 2;
    th_run(lib, cx, 0, &in, NULL, 0, 128, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(r.len, 8);
    CU_ASSERT_EQUAL(r.data[4] & 0x0A, 0x0A); /* WR_EX and EX_AC */
    vtl_library_destroy(lib);
}

static void prevent_holds_while_any_nexus_prevents(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    struct t10_cdb p = th_cdb(T10_CDB_PREVENT_ALLOW);
    p.u.prevent_allow.prevent = 1;
    th_run(lib, a, 0, &p, NULL, 0, 0, &r);
    TH_GOOD(&r);
    th_run(lib, b, 0, &p, NULL, 0, 0, &r);
    TH_GOOD(&r);
    CU_ASSERT_TRUE(vtl_library_prevented(lib));
    p.u.prevent_allow.prevent = 0;
    th_run(lib, a, 0, &p, NULL, 0, 0, &r);
    CU_ASSERT_TRUE(vtl_library_prevented(lib));
    /* mail slot cannot open, nor can the robot export */
    struct t10_cdb oc = th_cdb(T10_CDB_OPEN_CLOSE_IE);
    oc.u.open_close = (struct t10_cdb_open_close){.elem_addr = 769, .action = T10_IE_OPEN};
    th_run(lib, a, 0, &oc, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x53, 0x02));
    struct t10_cdb mv = th_cdb(T10_CDB_MOVE_MEDIUM);
    mv.u.move = (struct t10_cdb_move){.src = 1025, .dst = 769};
    th_run(lib, a, 0, &mv, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x53, 0x02));
    struct vtl_cart_info cart;
    vtl_cart_from_barcode("OPR001L8", 50, &cart);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &cart, 0, NULL), VTL_E_PREVENTED);
    /* the last nexus lets go (here: by nexus loss) */
    vtl_nexus_close(lib, b);
    CU_ASSERT_FALSE(vtl_library_prevented(lib));
    th_run(lib, a, 0, &oc, NULL, 0, 0, &r);
    TH_GOOD(&r);
    CU_ASSERT_TRUE(vtl_library_mailslot_open(lib));
    vtl_library_destroy(lib);
}

static void injected_fault_fails_next_matching_command(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    CU_ASSERT_EQUAL(vtl_fault_next_cmd(lib, 0xA5, 0x4, T10_ASC(0x15, 0x01), 1), VTL_OK);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r); /* other opcode: untouched */
    struct t10_cdb mv = th_cdb(T10_CDB_MOVE_MEDIUM);
    mv.u.move = (struct t10_cdb_move){.src = 1025, .dst = 257};
    th_run(lib, a, 0, &mv, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x4, T10_ASC(0x15, 0x01));
    struct vtl_elem_info e;
    vtl_library_elem(lib, 1025, &e);
    CU_ASSERT_TRUE(e.full); /* not executed */
    th_run(lib, a, 0, &mv, NULL, 0, 0, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(vtl_fault_pending_cmds(lib), 0);
    vtl_library_destroy(lib);
}

static void power_on_reset_reaches_every_nexus(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    vtl_fault_power_on_reset(lib);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x29, 0x00));
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x29, 0x00));
    vtl_library_destroy(lib);
}

static void unknown_service_action_points_at_sa_field(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    uint8_t maint_in[12] = {0xA3, 0x05, 0, 0,  0, 0,
                            0,    0,    0, 64, 0, 0}; /* REPORT IDENTIFYING INFORMATION */
    th_run_raw(lib, a, 0, maint_in, 12, NULL, 0, 64, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.sense.field.byte, 1);
    struct t10_cdb in = th_cdb(T10_CDB_PR_IN);
    in.u.pr_in = (struct t10_cdb_pr_in){.sa = 3, .alloc_len = 64}; /* READ FULL STATUS */
    th_run(lib, a, 0, &in, NULL, 0, 64, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.sense.field.byte, 1);
    vtl_library_destroy(lib);
}

static void no_data_in_buffer_is_safe(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb cdbs[4] = {th_cdb(T10_CDB_INQUIRY), th_cdb(T10_CDB_MODE_SENSE6),
                              th_cdb(T10_CDB_PR_IN), th_cdb(T10_CDB_READ_ELEMENT_STATUS)};
    cdbs[0].u.inquiry.alloc_len = 36;
    cdbs[1].u.mode_sense = (struct t10_cdb_mode_sense){.page = 0x3F, .alloc_len = 255};
    cdbs[2].u.pr_in.alloc_len = 64;
    cdbs[3].u.res = (struct t10_cdb_res){.n_elems = 10, .alloc_len = 1000, .voltag = true};
    for (int i = 0; i < 4; i++) {
        struct vtl_cmd cmd;
        memset(&cmd, 0, sizeof cmd);
        cmd.cdb_len = t10_cdb_build(cmd.cdb, sizeof cmd.cdb, &cdbs[i]);
        cmd.nexus_id = a;
        CU_ASSERT_EQUAL(vtl_lun_execute(lib, 0, &cmd), VTL_EXEC_DONE);
        CU_ASSERT_EQUAL(cmd.status, VTL_STATUS_GOOD);
        CU_ASSERT_EQUAL(cmd.data_in_len, 0);
    }
    vtl_library_destroy(lib);
}

static void prevent_lock_survives_restart_until_allow(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    struct vtl_library *lib = th_default();
    CU_ASSERT_EQUAL(vtl_library_set_state_dir(lib, dir), VTL_OK);
    uint64_t a = th_nexus(lib);
    struct t10_cdb p = th_cdb(T10_CDB_PREVENT_ALLOW);
    p.u.prevent_allow.prevent = 1;
    th_run(lib, a, 0, &p, NULL, 0, 0, &r);
    TH_GOOD(&r);
    vtl_library_destroy(lib); /* crash: nobody sent ALLOW */
    lib = th_default();
    CU_ASSERT_EQUAL(vtl_library_load_state(lib, dir, NULL, 0), VTL_OK);
    CU_ASSERT_TRUE(vtl_library_prevented(lib));
    CU_ASSERT_EQUAL(vtl_library_set_mailslot(lib, true), VTL_E_PREVENTED);
    uint64_t b = th_nexus(lib);
    p.u.prevent_allow.prevent = 0;
    th_run(lib, b, 0, &p, NULL, 0, 0, &r);
    TH_GOOD(&r);
    CU_ASSERT_FALSE(vtl_library_prevented(lib));
    vtl_library_destroy(lib);
    test_rmtree(dir);
}

static void power_on_reset_aborts_motion_in_flight(void)
{
    struct vtl_library *lib = th_yaml("personality: ibm-ts4300\nclock: {mode: virtual}\n"
                                      "cartridges:\n  - {barcode: R00001L8, slot: 1}\n");
    uint64_t a = th_nexus(lib);
    static struct tres mv;
    struct t10_cdb c = th_cdb(T10_CDB_MOVE_MEDIUM);
    c.u.move = (struct t10_cdb_move){.src = 1025, .dst = 257};
    th_run(lib, a, 0, &c, NULL, 0, 0, &mv);
    CU_ASSERT_EQUAL_FATAL(mv.exec, VTL_EXEC_PENDING);
    vtl_fault_power_on_reset(lib);
    CU_ASSERT_EQUAL(mv.done_calls, 1);
    CU_ASSERT_EQUAL(mv.status, VTL_STATUS_TASK_ABORTED);
    struct vtl_elem_info e;
    vtl_library_elem(lib, 1025, &e);
    CU_ASSERT_TRUE(e.full);
    vtl_clock_advance(vtl_library_clock(lib), 60000000);
    CU_ASSERT_EQUAL(mv.done_calls, 1);
    vtl_library_destroy(lib);
}

static void release_of_registrants_only_reservation_tells_registrants(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    pr_out(lib, a, 0, 0, 0, 0x1);
    pr_out(lib, b, 0, 0, 0, 0x2);
    pr_out(lib, a, 1, 5, 0x1, 0); /* Write Exclusive - Registrants Only */
    TH_GOOD(&r);
    struct t10_cdb mv = th_cdb(T10_CDB_MOVE_MEDIUM);
    mv.u.move = (struct t10_cdb_move){.src = 1025, .dst = 257};
    th_run(lib, b, 0, &mv, NULL, 0, 0, &r); /* registrants may write */
    TH_GOOD(&r);
    pr_out(lib, a, 2, 1, 0x1, 0); /* wrong type */
    TH_CHECK(&r, 0x5, T10_ASC(0x26, 0x04));
    pr_out(lib, a, 2, 5, 0x1, 0);
    TH_GOOD(&r);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x2A, 0x04));
    /* CLEAR raises RESERVATIONS PREEMPTED to the others */
    pr_out(lib, a, 3, 0, 0x1, 0);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x2A, 0x03));
    vtl_library_destroy(lib);
}

static CU_TestInfo spc_tests[] = {
    {"prevent_lock_survives_restart_until_allow", prevent_lock_survives_restart_until_allow},
    {"power_on_reset_aborts_motion_in_flight", power_on_reset_aborts_motion_in_flight},
    {"release_of_registrants_only_reservation_tells_registrants",
     release_of_registrants_only_reservation_tells_registrants},
    {"unknown_service_action_points_at_sa_field", unknown_service_action_points_at_sa_field},
    {"no_data_in_buffer_is_safe", no_data_in_buffer_is_safe},
    {"inquiry_reports_changer_identity", inquiry_reports_changer_identity},
    {"vpd_pages_00_80_83", vpd_pages_00_80_83},
    {"unsupported_vpd_page_is_24_00_at_byte_2", unsupported_vpd_page_is_24_00_at_byte_2},
    {"unit_attention_is_per_nexus", unit_attention_is_per_nexus},
    {"inquiry_and_report_luns_do_not_consume_ua", inquiry_and_report_luns_do_not_consume_ua},
    {"request_sense_returns_ua_then_no_sense", request_sense_returns_ua_then_no_sense},
    {"door_open_tur_not_ready_close_gives_28_00", door_open_tur_not_ready_close_gives_28_00},
    {"drive_luns_absent_until_attached", drive_luns_absent_until_attached},
    {"unknown_opcode_is_20_00", unknown_opcode_is_20_00},
    {"reserved_bit_in_cdb_is_24_00_with_pointer", reserved_bit_in_cdb_is_24_00_with_pointer},
    {"mode_sense_1d_with_dbd_0_and_1", mode_sense_1d_with_dbd_0_and_1},
    {"mode_sense_all_pages_and_capabilities", mode_sense_all_pages_and_capabilities},
    {"mode_select_d_sense_switches_format_and_tells_others",
     mode_select_d_sense_switches_format_and_tells_others},
    {"mode_select_fixed_bit_is_26_00_with_pointer", mode_select_fixed_bit_is_26_00_with_pointer},
    {"log_sense_tapealert_reports_jam_and_clears", log_sense_tapealert_reports_jam_and_clears},
    {"rsoc_advertises_exactly_the_accepted_set", rsoc_advertises_exactly_the_accepted_set},
    {"reserve6_conflicts_for_other_nexus", reserve6_conflicts_for_other_nexus},
    {"persistent_reservations_register_reserve_preempt_clear",
     persistent_reservations_register_reserve_preempt_clear},
    {"prevent_holds_while_any_nexus_prevents", prevent_holds_while_any_nexus_prevents},
    {"injected_fault_fails_next_matching_command", injected_fault_fails_next_matching_command},
    {"power_on_reset_reaches_every_nexus", power_on_reset_reaches_every_nexus},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo vtl_spc_suites[] = {
    {"vtl_spc", NULL, NULL, NULL, NULL, spc_tests},
    CU_SUITE_INFO_NULL,
};
