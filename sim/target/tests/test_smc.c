/* SPDX-License-Identifier: MIT
 * sim/target/tests/test_smc.c - SMC-3 behaviour of the changer LUN through
 * vtl_lun_execute(): READ ELEMENT STATUS forms, motions and their errors, inventory,
 * mail slots, volume tags, the robot clock, and the Linux ch / mtx probe sequences.
 */
#include <string.h>

#include "scsi/elem.h"
#include "scsi/mode.h"
#include "sim/target/local.h"
#include "sim/target/tests/helpers.h"

static struct tres r;

#define MAX_DESC 128
struct seen {
    int n;
    uint8_t type[MAX_DESC];
    uint16_t addr[MAX_DESC];
    struct t10_elem_desc d[MAX_DESC];
    char tag[MAX_DESC][33];
    uint8_t ident[MAX_DESC][64];
    uint8_t ident_len[MAX_DESC];
};

static enum t10_rc collect(const struct t10_elem_desc *d, void *arg)
{
    struct seen *s = arg;
    if (s->n < MAX_DESC) {
        s->type[s->n] = d->type;
        s->addr[s->n] = d->addr;
        s->d[s->n] = *d;
        memcpy(s->tag[s->n], d->pvoltag.id, 33);
        if (d->has_ident) {
            size_t n = d->ident.id_len < 64 ? d->ident.id_len : 64;
            memcpy(s->ident[s->n], d->ident.id, n);
            s->ident_len[s->n] = (uint8_t)n;
        }
    }
    s->n++;
    return T10_OK;
}

static struct t10_cdb res_cdb(uint8_t type, uint16_t start, uint16_t n, bool voltag, uint32_t alloc)
{
    struct t10_cdb c = th_cdb(T10_CDB_READ_ELEMENT_STATUS);
    c.u.res = (struct t10_cdb_res){
        .elem_type = type, .start_addr = start, .n_elems = n, .voltag = voltag, .alloc_len = alloc};
    return c;
}

static void run_res(struct vtl_library *lib, uint64_t nx, struct t10_cdb *c, struct seen *s,
                    struct t10_elem_status_hdr *h, bool *trunc)
{
    memset(s, 0, sizeof *s);
    th_run(lib, nx, 0, c, NULL, 0, c->u.res.alloc_len, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(t10_elem_status_walk(r.data, r.len, h, collect, s, trunc), T10_OK);
}

static void res_all_types_in_address_order_one_page_each(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = res_cdb(0, 0, 0xFFFF, true, 65535);
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    run_res(lib, a, &c, &s, &h, &trunc);
    CU_ASSERT_FALSE(trunc);
    CU_ASSERT_EQUAL(s.n, 1 + 2 + 2 + 24);
    CU_ASSERT_EQUAL(h.n_elems, 29);
    CU_ASSERT_EQUAL(h.first_addr, 1);
    CU_ASSERT_EQUAL(s.type[0], VTL_ELEM_TRANSPORT);
    CU_ASSERT_EQUAL(s.type[1], VTL_ELEM_DTE);
    CU_ASSERT_EQUAL(s.addr[1], 257);
    CU_ASSERT_EQUAL(s.type[3], VTL_ELEM_IE);
    CU_ASSERT_TRUE(s.d[3].inenab && s.d[3].exenab);
    CU_ASSERT_EQUAL(s.type[5], VTL_ELEM_STORAGE);
    CU_ASSERT_EQUAL(s.addr[5], 1025);
    CU_ASSERT_TRUE(s.d[5].full);
    CU_ASSERT_TRUE(s.d[5].access);
    CU_ASSERT_STRING_EQUAL(s.tag[5], "A00000L8");
    CU_ASSERT_EQUAL(s.d[5].medium, T10_MEDIUM_DATA);
    CU_ASSERT_EQUAL(s.d[5 + 20].medium, T10_MEDIUM_CLEANING);
    CU_ASSERT_STRING_EQUAL(s.tag[5 + 20], "CLN000L1");
    CU_ASSERT_FALSE(s.d[5 + 23].full);
    CU_ASSERT_STRING_EQUAL(s.tag[5 + 23], "");
    vtl_library_destroy(lib);
}

static void res_range_by_start_and_count(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = res_cdb(VTL_ELEM_STORAGE, 1030, 3, false, 4096);
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    run_res(lib, a, &c, &s, &h, &trunc);
    CU_ASSERT_EQUAL(s.n, 3);
    CU_ASSERT_EQUAL(s.addr[0], 1030);
    CU_ASSERT_EQUAL(s.addr[2], 1032);
    CU_ASSERT_EQUAL(h.first_addr, 1030);
    /* start between types and all types: starts at the next element */
    c = res_cdb(0, 300, 2, false, 4096);
    run_res(lib, a, &c, &s, &h, &trunc);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_EQUAL(s.addr[0], 769);
    CU_ASSERT_EQUAL(s.addr[1], 770);
    /* bad element type code */
    c = res_cdb(5, 0, 10, false, 4096);
    th_run(lib, a, 0, &c, NULL, 0, 4096, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    vtl_library_destroy(lib);
}

static void res_truncates_at_allocation_length_with_full_count(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = res_cdb(0, 0, 0xFFFF, true, 65535);
    th_run(lib, a, 0, &c, NULL, 0, 65535, &r);
    size_t full = r.len;
    struct t10_elem_status_hdr h;
    CU_ASSERT_EQUAL(t10_elem_status_hdr_decode(r.data, r.len, &h), T10_OK);
    CU_ASSERT_EQUAL(h.byte_count + 8, full);
    c = res_cdb(0, 0, 0xFFFF, true, 100);
    th_run(lib, a, 0, &c, NULL, 0, 65535, &r);
    TH_GOOD(&r);
    CU_ASSERT_EQUAL(r.len, 100);
    CU_ASSERT_EQUAL(t10_elem_status_hdr_decode(r.data, r.len, &h), T10_OK);
    CU_ASSERT_EQUAL(h.byte_count + 8, full); /* what is available, not what was sent */
    c = res_cdb(0, 0, 0xFFFF, true, 8);
    th_run(lib, a, 0, &c, NULL, 0, 65535, &r);
    CU_ASSERT_EQUAL(r.len, 8);
    vtl_library_destroy(lib);
}

static void res_dvcid_reports_drive_identity_per_personality(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = res_cdb(VTL_ELEM_DTE, 0, 10, true, 4096);
    c.u.res.dvcid = true;
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    run_res(lib, a, &c, &s, &h, &trunc);
    CU_ASSERT_EQUAL(s.n, 2);
    struct vtl_elem_info e;
    vtl_library_elem(lib, 257, &e);
    CU_ASSERT_TRUE(s.d[0].has_ident);
    CU_ASSERT_EQUAL(s.d[0].ident.id_type, 1); /* IBM: T10 vendor id form */
    CU_ASSERT_EQUAL(s.ident_len[0], 34);
    CU_ASSERT_EQUAL(memcmp(s.ident[0], "IBM     ULT3580-TD8     ", 24), 0);
    CU_ASSERT_EQUAL(memcmp(s.ident[0] + 24, e.drive.serial, strlen(e.drive.serial)), 0);
    vtl_library_destroy(lib);

    lib = th_yaml("personality: hpe-msl\ndrives:\n  - {serial: HU12345678}\n");
    a = th_nexus(lib);
    c = res_cdb(VTL_ELEM_DTE, 0, 10, false, 4096);
    c.u.res.dvcid = true;
    run_res(lib, a, &c, &s, &h, &trunc);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_EQUAL(s.d[0].ident.id_type, 0); /* HPE: serial only */
    CU_ASSERT_EQUAL(s.ident_len[0], 10);
    CU_ASSERT_EQUAL(memcmp(s.ident[0], "HU12345678", 10), 0);
    vtl_library_destroy(lib);
}

static void linux_ch_probe_sequence(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = vtl_nexus_open(lib);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r); /* ch retries UNIT ATTENTION */
    TH_CHECK(&r, 0x6, T10_ASC(0x29, 0x00));
    struct t10_eaa_want {
        bool dbd;
    } tries[2] = {{false}, {true}};
    struct t10_mode_eaa e = {0};
    for (int i = 0; i < 2; i++) {
        struct t10_cdb c = th_cdb(T10_CDB_MODE_SENSE6);
        c.u.mode_sense =
            (struct t10_cdb_mode_sense){.dbd = tries[i].dbd, .page = 0x1D, .alloc_len = 255};
        th_run(lib, a, 0, &c, NULL, 0, 255, &r);
        TH_GOOD(&r);
        const uint8_t *pg;
        size_t pl;
        CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(r.data, r.len, false, 0x1D, 0, &pg, &pl), T10_OK);
        CU_ASSERT_EQUAL(t10_mode_eaa_decode(pg, pl, &e), T10_OK);
    }
    /* one element at a time for each drive, VolTag set, allocation 256 */
    for (uint16_t i = 0; i < e.dt_count; i++) {
        struct t10_cdb c = res_cdb(VTL_ELEM_DTE, (uint16_t)(e.dt_first + i), 1, true, 256);
        static struct seen s;
        struct t10_elem_status_hdr h;
        bool trunc;
        run_res(lib, a, &c, &s, &h, &trunc);
        CU_ASSERT_EQUAL(s.n, 1);
        CU_ASSERT_EQUAL(s.addr[0], e.dt_first + i);
    }
    vtl_library_destroy(lib);
}

/* mtx "status": INQUIRY, MODE SENSE 1Dh for counts, then RES per type, sizing the buffer
 * from the counts; the totals must agree with page 1Dh. */
static void mtx_status_sequence_counts_agree(void)
{
    struct vtl_library *lib = th_yaml("personality: quantum-scalar-i3\nslots: 40\n"
                                      "cartridges:\n  - {barcode: Q00001L8, slot: 40}\n");
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = th_cdb(T10_CDB_MODE_SENSE6);
    c.u.mode_sense = (struct t10_cdb_mode_sense){.dbd = true, .page = 0x1D, .alloc_len = 255};
    th_run(lib, a, 0, &c, NULL, 0, 255, &r);
    const uint8_t *pg;
    size_t pl;
    CU_ASSERT_EQUAL_FATAL(t10_mode_find_page(r.data, r.len, false, 0x1D, 0, &pg, &pl), T10_OK);
    struct t10_mode_eaa e;
    t10_mode_eaa_decode(pg, pl, &e);
    CU_ASSERT_EQUAL(e.st_count, 40);
    uint16_t firsts[5] = {0, e.mt_first, e.st_first, e.ie_first, e.dt_first};
    uint16_t counts[5] = {0, e.mt_count, e.st_count, e.ie_count, e.dt_count};
    for (int t = 1; t <= 4; t++) {
        struct t10_cdb rc = res_cdb((uint8_t)t, firsts[t], counts[t], true, 65535);
        static struct seen s;
        struct t10_elem_status_hdr h;
        bool trunc;
        run_res(lib, a, &rc, &s, &h, &trunc);
        CU_ASSERT_EQUAL(s.n, counts[t]);
        CU_ASSERT_EQUAL(h.n_elems, counts[t]);
        if (t == VTL_ELEM_STORAGE)
            CU_ASSERT_STRING_EQUAL(s.tag[39], "Q00001L8");
    }
    vtl_library_destroy(lib);
}

static struct t10_cdb move_cdb(uint16_t src, uint16_t dst)
{
    struct t10_cdb c = th_cdb(T10_CDB_MOVE_MEDIUM);
    c.u.move = (struct t10_cdb_move){.src = src, .dst = dst};
    return c;
}

static void move_medium_errors_have_smc_sense(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = move_cdb(1048, 257);
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x3B, 0x0E));
    c = move_cdb(1025, 1026);
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x3B, 0x0D));
    c = move_cdb(5000, 257);
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x21, 0x01));
    c = move_cdb(1025, 257);
    c.u.move.transport = 2; /* no transport at 2 */
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x21, 0x01));
    c = move_cdb(1025, 257);
    c.u.move.invert = true;
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    CU_ASSERT_EQUAL(r.sense.field.byte, 10);
    CU_ASSERT_EQUAL(r.sense.field.bit, 0);
    c = move_cdb(1025, 257);
    c.u.move.transport = 1;
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_GOOD(&r);
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    struct t10_cdb rc = res_cdb(VTL_ELEM_DTE, 257, 1, true, 256);
    run_res(lib, a, &rc, &s, &h, &trunc);
    CU_ASSERT_TRUE(s.d[0].full);
    CU_ASSERT_TRUE(s.d[0].src_valid);
    CU_ASSERT_EQUAL(s.d[0].src_addr, 1025);
    CU_ASSERT_STRING_EQUAL(s.tag[0], "A00000L8");
    vtl_library_destroy(lib);
}

static void exchange_and_position_via_scsi(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = th_cdb(T10_CDB_EXCHANGE_MEDIUM);
    c.u.exchange = (struct t10_cdb_exchange){.src = 1025, .dst1 = 1026, .dst2 = 1025};
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_GOOD(&r);
    struct vtl_elem_info e;
    vtl_library_elem(lib, 1025, &e);
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "A00001L8");
    c.u.exchange = (struct t10_cdb_exchange){.src = 1025, .dst1 = 1048, .dst2 = 1025};
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x3B, 0x0E));
    c.u.exchange =
        (struct t10_cdb_exchange){.src = 1025, .dst1 = 1026, .dst2 = 1025, .invert1 = true};
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    struct t10_cdb p = th_cdb(T10_CDB_POSITION_TO_ELEMENT);
    p.u.position = (struct t10_cdb_position){.dst = 1030};
    th_run(lib, a, 0, &p, NULL, 0, 0, &r);
    TH_GOOD(&r);
    p.u.position.dst = 4;
    th_run(lib, a, 0, &p, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x21, 0x01));
    vtl_library_destroy(lib);
}

static void move_waits_on_virtual_clock_and_completes_later(void)
{
    struct vtl_library *lib = th_yaml("personality: ibm-ts4300\nclock: {mode: virtual}\n"
                                      "delays: {move_ms: 2000}\n"
                                      "cartridges:\n  - {barcode: V00001L8, slot: 1}\n");
    uint64_t a = th_nexus(lib);
    static struct tres mv;
    struct t10_cdb c = move_cdb(1025, 257);
    th_run(lib, a, 0, &c, NULL, 0, 0, &mv);
    CU_ASSERT_EQUAL(mv.exec, VTL_EXEC_PENDING);
    /* other commands are answered from the current inventory meanwhile */
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    struct vtl_elem_info e;
    vtl_library_elem(lib, 1025, &e);
    CU_ASSERT_TRUE(e.full);
    vtl_clock_advance(vtl_library_clock(lib), 1999999);
    CU_ASSERT_EQUAL(mv.done_calls, 0);
    vtl_clock_advance(vtl_library_clock(lib), 1);
    CU_ASSERT_EQUAL(mv.done_calls, 1);
    CU_ASSERT_EQUAL(mv.status, VTL_STATUS_GOOD);
    vtl_library_elem(lib, 257, &e);
    CU_ASSERT_TRUE(e.full);
    vtl_library_destroy(lib);
}

static void inventory_makes_medium_commands_not_ready(void)
{
    struct vtl_library *lib = th_yaml("personality: ibm-ts4300\nclock: {mode: virtual}\n"
                                      "delays: {init_ms: 1000, init_per_element_ms: 0}\n");
    uint64_t a = th_nexus(lib);
    static struct tres init;
    struct t10_cdb c = th_cdb(T10_CDB_INIT_ELEMENT_STATUS);
    th_run(lib, a, 0, &c, NULL, 0, 0, &init);
    CU_ASSERT_EQUAL(init.exec, VTL_EXEC_PENDING);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x2, T10_ASC(0x04, 0x01));
    struct t10_cdb res = res_cdb(0, 0, 100, false, 4096);
    th_run(lib, a, 0, &res, NULL, 0, 4096, &r);
    TH_CHECK(&r, 0x2, T10_ASC(0x04, 0x01));
    res.u.res.curdata = true;
    th_run(lib, a, 0, &res, NULL, 0, 4096, &r);
    TH_GOOD(&r);
    struct t10_cdb inq = th_cdb(T10_CDB_INQUIRY);
    inq.u.inquiry.alloc_len = 36;
    th_run(lib, a, 0, &inq, NULL, 0, 36, &r);
    TH_GOOD(&r);
    vtl_clock_advance(vtl_library_clock(lib), 1000000);
    CU_ASSERT_EQUAL(init.done_calls, 1);
    CU_ASSERT_EQUAL(init.status, VTL_STATUS_GOOD);
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_GOOD(&r);
    vtl_library_destroy(lib);
}

static void init_with_range_opcode_follows_personality(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb c = th_cdb(T10_CDB_INIT_ELEMENT_STATUS_RANGE_VS);
    c.u.init_range = (struct t10_cdb_init_range){.range = true, .start_addr = 1025, .n_elems = 4};
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_GOOD(&r);
    c.u.init_range.start_addr = 2;
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x21, 0x01));
    vtl_library_destroy(lib);
    lib = th_yaml("personality: hpe-msl\n");
    a = th_nexus(lib);
    c = th_cdb(T10_CDB_INIT_ELEMENT_STATUS_RANGE);
    th_run(lib, a, 0, &c, NULL, 0, 0, &r);
    TH_GOOD(&r);
    vtl_library_destroy(lib);
}

static void mailslot_open_close_and_operator_inject(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    struct t10_cdb oc = th_cdb(T10_CDB_OPEN_CLOSE_IE);
    oc.u.open_close = (struct t10_cdb_open_close){.elem_addr = 769, .action = T10_IE_OPEN};
    th_run(lib, a, 0, &oc, NULL, 0, 0, &r);
    TH_GOOD(&r);
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    struct t10_cdb rc = res_cdb(VTL_ELEM_IE, 0, 10, true, 1024);
    run_res(lib, a, &rc, &s, &h, &trunc);
    CU_ASSERT_FALSE(s.d[0].access);
    struct t10_cdb mv = move_cdb(1025, 769);
    th_run(lib, a, 0, &mv, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x2, T10_ASC(0x04, 0x03));
    struct vtl_cart_info cart;
    vtl_cart_from_barcode("INJ001L8", 50, &cart);
    CU_ASSERT_EQUAL(vtl_library_inject(lib, &cart, 770, NULL), VTL_OK);
    oc.u.open_close.action = T10_IE_CLOSE;
    th_run(lib, a, 0, &oc, NULL, 0, 0, &r);
    TH_GOOD(&r);
    struct t10_cdb tur = th_cdb(T10_CDB_TEST_UNIT_READY);
    th_run(lib, b, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x28, 0x01));
    th_run(lib, a, 0, &tur, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x6, T10_ASC(0x28, 0x01));
    run_res(lib, a, &rc, &s, &h, &trunc);
    CU_ASSERT_TRUE(s.d[1].access);
    CU_ASSERT_TRUE(s.d[1].full);
    CU_ASSERT_TRUE(s.d[1].impexp);
    CU_ASSERT_STRING_EQUAL(s.tag[1], "INJ001L8");
    oc.u.open_close.elem_addr = 1025;
    th_run(lib, a, 0, &oc, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x21, 0x01));
    vtl_library_destroy(lib);
}

static void send_volume_tag_then_request_address_finds_matches(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    struct t10_cdb rv = th_cdb(T10_CDB_REQUEST_VOLUME_ELEMENT_ADDRESS);
    rv.u.req_vol_addr =
        (struct t10_cdb_req_vol_addr){.voltag = true, .n_elems = 100, .alloc_len = 4096};
    th_run(lib, a, 0, &rv, NULL, 0, 4096, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x2C, 0x00)); /* no SEND VOLUME TAG yet */
    uint8_t list[40];
    {
        struct t10_svt_params sp = {.template_id = "A0001?L8", .min_seq = 0};
        t10_svt_build(list, sizeof list, &sp);
    }
    struct t10_cdb svt = th_cdb(T10_CDB_SEND_VOLUME_TAG);
    svt.u.send_voltag = (struct t10_cdb_send_voltag){.action = 5, .param_len = 40};
    th_run(lib, a, 0, &svt, list, 40, 0, &r);
    TH_GOOD(&r);
    th_run(lib, a, 0, &rv, NULL, 0, 4096, &r);
    TH_GOOD(&r);
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    CU_ASSERT_EQUAL(t10_elem_status_walk(r.data, r.len, &h, collect, &s, &trunc), T10_OK);
    CU_ASSERT_EQUAL(s.n, 10); /* A00010L8 .. A00019L8 */
    CU_ASSERT_STRING_EQUAL(s.tag[0], "A00010L8");
    CU_ASSERT_EQUAL(s.addr[0], 1025 + 10);
    CU_ASSERT_EQUAL(r.data[4] & 0x1F, 5);
    /* '*' template */
    {
        struct t10_svt_params sp = {.template_id = "CLN*", .min_seq = 0};
        t10_svt_build(list, sizeof list, &sp);
    }
    th_run(lib, a, 0, &svt, list, 40, 0, &r);
    memset(&s, 0, sizeof s);
    th_run(lib, a, 0, &rv, NULL, 0, 4096, &r);
    t10_elem_status_walk(r.data, r.len, &h, collect, &s, &trunc);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.tag[0], "CLN000L1");
    /* count 0: nothing reported */
    rv.u.req_vol_addr.n_elems = 0;
    memset(&s, 0, sizeof s);
    th_run(lib, a, 0, &rv, NULL, 0, 4096, &r);
    TH_GOOD(&r);
    t10_elem_status_walk(r.data, r.len, &h, collect, &s, &trunc);
    CU_ASSERT_EQUAL(s.n, 0);
    /* action 8 ignores sequence numbers; 5 with a minimum above 0 finds nothing */
    rv.u.req_vol_addr.n_elems = 100;
    {
        struct t10_svt_params sp = {.template_id = "A00000L8", .min_seq = 3};
        t10_svt_build(list, sizeof list, &sp);
    }
    svt.u.send_voltag.action = 8;
    th_run(lib, a, 0, &svt, list, 40, 0, &r);
    TH_GOOD(&r);
    memset(&s, 0, sizeof s);
    th_run(lib, a, 0, &rv, NULL, 0, 4096, &r);
    t10_elem_status_walk(r.data, r.len, &h, collect, &s, &trunc);
    CU_ASSERT_EQUAL(s.n, 1);
    svt.u.send_voltag.action = 5;
    th_run(lib, a, 0, &svt, list, 40, 0, &r);
    memset(&s, 0, sizeof s);
    th_run(lib, a, 0, &rv, NULL, 0, 4096, &r);
    t10_elem_status_walk(r.data, r.len, &h, collect, &s, &trunc);
    CU_ASSERT_EQUAL(s.n, 0);
    /* unsupported action (assert) */
    svt.u.send_voltag.action = 0x0A;
    th_run(lib, a, 0, &svt, list, 40, 0, &r);
    TH_CHECK(&r, 0x5, T10_ASC(0x24, 0x00));
    vtl_library_destroy(lib);
}

static void jam_gives_hardware_error_and_transport_exception(void)
{
    struct vtl_library *lib = th_default();
    uint64_t a = th_nexus(lib);
    vtl_fault_robot_jam(lib, 0);
    struct t10_cdb mv = move_cdb(1025, 257);
    th_run(lib, a, 0, &mv, NULL, 0, 0, &r);
    TH_CHECK(&r, 0x4, T10_ASC(0x15, 0x01));
    static struct seen s;
    struct t10_elem_status_hdr h;
    bool trunc;
    struct t10_cdb rc = res_cdb(VTL_ELEM_TRANSPORT, 0, 1, false, 256);
    run_res(lib, a, &rc, &s, &h, &trunc);
    CU_ASSERT_TRUE(s.d[0].except);
    CU_ASSERT_EQUAL(s.d[0].asc_ascq, T10_ASC(0x15, 0x01));
    vtl_fault_barcode_unreadable(lib, "A00002L8", true);
    rc = res_cdb(VTL_ELEM_STORAGE, 1027, 1, true, 256);
    run_res(lib, a, &rc, &s, &h, &trunc);
    CU_ASSERT_TRUE(s.d[0].full);
    CU_ASSERT_TRUE(s.d[0].except);
    CU_ASSERT_STRING_EQUAL(s.tag[0], "");
    vtl_library_destroy(lib);
}

static void two_initiators_racing_for_one_drive_lose_nothing(void)
{
    struct vtl_library *lib = th_yaml("personality: ibm-ts4300\nclock: {mode: virtual}\n"
                                      "delays: {move_ms: 500}\ncartridges:\n"
                                      "  - {barcode: K00001L8, slot: 1}\n"
                                      "  - {barcode: K00002L8, slot: 2}\n");
    uint64_t a = th_nexus(lib), b = th_nexus(lib);
    static struct tres ra, rb;
    struct t10_cdb ma = move_cdb(1025, 257), mb = move_cdb(1026, 257);
    th_run(lib, a, 0, &ma, NULL, 0, 0, &ra);
    th_run(lib, b, 0, &mb, NULL, 0, 0, &rb);
    CU_ASSERT_EQUAL(ra.exec, VTL_EXEC_PENDING);
    CU_ASSERT_EQUAL(rb.exec, VTL_EXEC_PENDING); /* queued behind a's motion */
    vtl_clock_advance(vtl_library_clock(lib), 500000);
    CU_ASSERT_EQUAL(ra.done_calls, 1);
    CU_ASSERT_EQUAL(ra.status, VTL_STATUS_GOOD);
    CU_ASSERT_EQUAL(rb.done_calls, 1); /* checked when it starts: the drive is full now */
    CU_ASSERT_EQUAL(rb.status, VTL_STATUS_CHECK_CONDITION);
    CU_ASSERT_EQUAL(rb.sense.asc_ascq, T10_ASC(0x3B, 0x0D));
    struct vtl_elem_info e;
    vtl_library_elem(lib, 1026, &e);
    CU_ASSERT_TRUE(e.full);
    vtl_library_elem(lib, 257, &e);
    CU_ASSERT_STRING_EQUAL(e.cart.barcode, "K00001L8");
    CU_ASSERT_EQUAL(vtl_library_check(lib, NULL, 0), VTL_OK);
    vtl_library_destroy(lib);
}

static void destroy_with_motion_pending_completes_it(void)
{
    struct vtl_library *lib = th_yaml("personality: ibm-ts4300\nclock: {mode: virtual}\n"
                                      "cartridges:\n  - {barcode: Z00001L8, slot: 1}\n");
    uint64_t a = th_nexus(lib);
    static struct tres mv;
    struct t10_cdb c = move_cdb(1025, 257);
    th_run(lib, a, 0, &c, NULL, 0, 0, &mv);
    CU_ASSERT_EQUAL_FATAL(mv.exec, VTL_EXEC_PENDING);
    vtl_library_destroy(lib);
    CU_ASSERT_EQUAL(mv.done_calls, 1);
    CU_ASSERT_EQUAL(mv.status, VTL_STATUS_TASK_ABORTED);
}

static CU_TestInfo smc_tests[] = {
    {"destroy_with_motion_pending_completes_it", destroy_with_motion_pending_completes_it},
    {"two_initiators_racing_for_one_drive_lose_nothing",
     two_initiators_racing_for_one_drive_lose_nothing},
    {"res_all_types_in_address_order_one_page_each", res_all_types_in_address_order_one_page_each},
    {"res_range_by_start_and_count", res_range_by_start_and_count},
    {"res_truncates_at_allocation_length_with_full_count",
     res_truncates_at_allocation_length_with_full_count},
    {"res_dvcid_reports_drive_identity_per_personality",
     res_dvcid_reports_drive_identity_per_personality},
    {"linux_ch_probe_sequence", linux_ch_probe_sequence},
    {"mtx_status_sequence_counts_agree", mtx_status_sequence_counts_agree},
    {"move_medium_errors_have_smc_sense", move_medium_errors_have_smc_sense},
    {"exchange_and_position_via_scsi", exchange_and_position_via_scsi},
    {"move_waits_on_virtual_clock_and_completes_later",
     move_waits_on_virtual_clock_and_completes_later},
    {"inventory_makes_medium_commands_not_ready", inventory_makes_medium_commands_not_ready},
    {"init_with_range_opcode_follows_personality", init_with_range_opcode_follows_personality},
    {"mailslot_open_close_and_operator_inject", mailslot_open_close_and_operator_inject},
    {"send_volume_tag_then_request_address_finds_matches",
     send_volume_tag_then_request_address_finds_matches},
    {"jam_gives_hardware_error_and_transport_exception",
     jam_gives_hardware_error_and_transport_exception},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo vtl_smc_suites[] = {
    {"vtl_smc", NULL, NULL, NULL, NULL, smc_tests},
    CU_SUITE_INFO_NULL,
};
